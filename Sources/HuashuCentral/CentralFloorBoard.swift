import HuashuStore

/// What the wallboard (`huashu watch`) shows, read from every desk's pushed
/// rows at one moment: a value, so a frame is drawn from it without a server.
public struct FloorBoard: Sendable, Equatable {
    /// A call not ended whose last step is recent: someone is on the phone.
    public struct LiveCall: Sendable, Equatable {
        public var desk: String
        public var agent: String
        /// As the desk saw the customer when the call began (the call's context), unmasked: the frame masks.
        public var customerName: String
        public var plate: String
        /// The stage and, if any, the objection handler last raised, as the script names them by id.
        public var stage: String
        public var lastObjection: String?
        /// Seconds since 1970.
        public var startedAt: Int64

        public init(desk: String, agent: String, customerName: String, plate: String, stage: String, lastObjection: String?, startedAt: Int64) {
            self.desk = desk
            self.agent = agent
            self.customerName = customerName
            self.plate = plate
            self.stage = stage
            self.lastObjection = lastObjection
            self.startedAt = startedAt
        }
    }

    public var live: [LiveCall]
    /// Today's live calls per agent, as the monthly report counts them (reached and won by customer).
    public var today: [AgentActivityRow]
    /// Callbacks booked on today's calls, per agent.
    public var callbacks: [String: Int]
    /// The month so far: customers due and those renewed (成交), as the monthly report's 续保率 counts them.
    public var monthDue: Int
    public var monthWon: Int

    public init(live: [LiveCall], today: [AgentActivityRow], callbacks: [String: Int], monthDue: Int, monthWon: Int) {
        self.live = live
        self.today = today
        self.callbacks = callbacks
        self.monthDue = monthDue
        self.monthWon = monthWon
    }
}

extension CentralStore {
    /// A call with no step for this long is not on the wallboard (a desk that died mid-call; its lease lapses as long).
    public static let liveMinutes = 30

    /// The calls in progress on every desk, oldest first.
    public func liveCalls() throws -> [FloorBoard.LiveCall] {
        try central.execute("""
            SELECT c.desk, c.agent, coalesce(c.context::jsonb #>> '{customer,values,name}', ''),
                   coalesce(c.context::jsonb #>> '{customer,values,plate}', ''), s.stage,
                   (SELECT coalesce(o.raised, o.handler_id) FROM call_steps o
                    WHERE o.desk = c.desk AND o.call_id = c.id AND coalesce(o.raised, o.handler_id) IS NOT NULL ORDER BY o.seq DESC LIMIT 1),
                   extract(epoch FROM c.started_at::timestamptz)::bigint
            FROM calls c
            JOIN LATERAL (SELECT stage, at FROM call_steps s WHERE s.desk = c.desk AND s.call_id = c.id ORDER BY s.seq DESC LIMIT 1) s ON true
            WHERE c.ended_at IS NULL AND c.training = 0 AND s.at::timestamptz > now() - make_interval(mins => $1::int)
            ORDER BY c.started_at::timestamptz, c.desk COLLATE "C", c.id
            """, [String(Self.liveMinutes)], what: "reading the calls in progress").map { row in
            FloorBoard.LiveCall(desk: row[0] ?? "", agent: row[1] ?? "", customerName: row[2] ?? "", plate: row[3] ?? "", stage: row[4] ?? "",
                                lastObjection: row[5], startedAt: Int64(row[6] ?? "") ?? 0)
        }
    }

    /// A day's live calls per agent (`day` spans it: its start and end as log timestamps), and the callbacks they booked.
    public func agentsDay(_ day: ReportWindow) throws -> (agents: [AgentActivityRow], callbacks: [String: Int]) {
        let sql = CentralReportSQL(day)
        let agents = try central.fetch(sql.agents, sql.monthParameters, what: "counting today's calls").map(ReportRow.agent)
        var callbacks: [String: Int] = [:]
        for row in try central.execute("""
            SELECT c.agent, count(*) FROM team.follow_ups f JOIN team.calls c ON c.id = f.call_id
            WHERE c.training = 0 AND c.started_at >= $1 AND c.started_at < $2 AND f.kind = 'callback' GROUP BY c.agent
            """, [day.startUTC, day.endUTC], what: "counting today's callbacks") {
            callbacks[row[0] ?? ""] = Int(row[1] ?? "") ?? 0
        }
        return (agents, callbacks)
    }

    /// The month's customers due, with their results, as the monthly report reads them.
    public func dueCustomers(_ month: ReportWindow) throws -> [DueCustomerRow] {
        let sql = CentralReportSQL(month)
        return try central.fetch(sql.due, sql.dueParameters, what: "reading the customers due this month").map(ReportRow.due)
    }

    /// Starts hearing every push (`huashu_floor`), for `awaitNotification`.
    public func listenToTheFloor() throws {
        try central.execute("LISTEN huashu_floor", what: "listening for pushes")
    }
}
