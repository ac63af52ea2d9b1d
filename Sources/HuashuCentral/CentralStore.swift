import Foundation
import GRDB
import HuashuCalendar
import HuashuRenewal
import HuashuStore

/// The team's central store as the supervisor's commands read it: every desk's
/// log through the `team` views (customers by plate, calls by team number, the
/// desk's own column names), answering the same questions with the same row
/// types as a desk's SQLite file. Text is compared byte by byte (`COLLATE "C"`)
/// and NULLs sort first, as SQLite does, so the same data prints the same.
public final class CentralStore: SupervisorStore {
    public let central: CentralConnection

    /// Opens the store for reading; local days and months are the supervisor's own, as on a desk.
    public init(url: String, timeZone: String = TimeZone.current.identifier) throws(CentralError) {
        central = try CentralConnection(url: url)
        try CentralSchema.requireCurrent(central)
        try central.execute("SELECT set_config('TimeZone', $1, false)", [timeZone], what: "setting the time zone \(timeZone)")
    }

    private func fetch(_ sql: String, _ parameters: [String?] = [], _ what: String) throws(CentralError) -> [Row] {
        try central.fetch(sql, parameters, what: what)
    }

    public func call(_ id: Int64) throws -> CallRecord? {
        try fetch("SELECT * FROM team.calls WHERE id = $1", [String(id)], "reading call #\(id)").first.map { try CallRecord(row: $0) }
    }

    public func steps(of callID: Int64) throws -> [StepRecord] {
        try fetch("SELECT * FROM team.call_steps WHERE call_id = $1 ORDER BY seq", [String(callID)], "reading the steps of call #\(callID)")
            .map { StepRecord(row: $0) }
    }

    public func customer(id: Int64) throws -> Customer? {
        try fetch("SELECT * FROM team.customers WHERE id = $1", [String(id)], "reading customer #\(id)").first.map { try Customer(row: $0) }
    }

    public func findCustomers(_ key: CustomerKey) throws -> [Customer] {
        var text = key.text.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("#") { text.removeFirst() }
        if let id = Int64(text), let customer = try customer(id: id) { return [customer] }
        return try fetch("""
            SELECT * FROM team.customers WHERE plate = $1 OR phone = $2 OR id_number = $3 OR name = $4 ORDER BY id
            """, [key.plate ?? text.uppercased(), key.phone ?? text, key.idNumber ?? text.uppercased(), text], "finding customers")
            .map { try Customer(row: $0) }
    }

    public func listCalls(_ filter: CallListFilter) throws -> [CallListRow] {
        var conditions: [String] = [], parameters: [String?] = []
        func bind(_ value: String) -> String {
            parameters.append(value)
            return "$\(parameters.count)"
        }
        if let agent = filter.agent { conditions.append("c.agent = \(bind(agent))") }
        if let ids = filter.customerIDs {
            conditions.append("c.customer_id = ANY(\(bind("{" + ids.map(String.init).joined(separator: ",") + "}"))::bigint[])")
        }
        if let outcome = filter.outcome {
            conditions.append(outcome == "unfinished" ? "c.outcome IS NULL" : "c.outcome = \(bind(outcome))")
        }
        if let since = filter.since { conditions.append("c.started_at >= \(bind(since))") }
        return try fetch("""
            SELECT c.*, u.name AS customer_name, u.honorific AS customer_honorific, u.plate AS customer_plate,
                   (SELECT max(s.at) FROM team.call_steps s WHERE s.call_id = c.id) AS last_step_at
            FROM team.calls c JOIN team.customers u ON u.id = c.customer_id
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY c.started_at COLLATE "C" DESC, c.id DESC
            \(filter.limit.map { "LIMIT \(max($0, 0))" } ?? "")
            """, parameters, "listing calls").map(ReportRow.callListRow)
    }

    public func outcomeCalls(_ window: ReportWindow, lost: Bool, latest: Int?) throws -> [CallListRow] {
        try fetch("""
            SELECT c.*, u.name AS customer_name, u.honorific AS customer_honorific, u.plate AS customer_plate
            FROM team.calls c JOIN team.customers u ON u.id = c.customer_id
            WHERE c.training = 0 AND c.started_at >= $1 AND c.started_at < $2 AND ($3::text IS NULL OR c.agent = $3)
              AND c.outcome IN (\(lost ? "'lost'" : "'won', 'committed'"))
            ORDER BY c.started_at COLLATE "C" DESC, c.id DESC LIMIT $4::bigint
            """, [window.startUTC, window.endUTC, window.agent, latest.map(String.init)], "listing the month's sales and losses").reversed().map(ReportRow.callListRow)
    }

    /// A lead names the desk's call that found it: read on that desk's rows, then given the team's numbers.
    public func leads(_ window: ReportWindow) throws -> [LeadRow] {
        try fetch("""
            SELECT t.id, n.plate, n.model, n.name, n.phone, c.agent, k.number AS call_id, c.started_at, u.plate AS from_plate
            FROM customers n JOIN team_customers t ON t.plate = n.plate
            JOIN calls c ON c.desk = n.desk AND c.id = n.lead_from_call JOIN call_numbers k ON k.desk = c.desk AND k.id = c.id
            JOIN customers u ON u.desk = c.desk AND u.id = c.customer_id
            WHERE c.training = 0 AND c.started_at >= $1 AND c.started_at < $2 AND ($3::text IS NULL OR c.agent = $3)
            ORDER BY c.started_at COLLATE "C", t.id
            """, [window.startUTC, window.endUTC, window.agent], "listing the month's leads").map(ReportRow.lead)
    }

    public func abandonedRehearsals() throws -> Set<Int64> {
        Set(try fetch("SELECT id FROM team.calls WHERE abandoned_at IS NOT NULL", [], "reading abandoned rehearsals").map { $0["id"] })
    }

    public func trainingSteps(agent: String?) throws -> [TrainingStepRow] {
        try fetch("""
            SELECT c.id AS call_id, c.agent, c.started_at, s.seq, s.at, s.input_kind, s.input, s.answer_id, s.handler_id, s.note,
                   s.node, s.events
            FROM team.calls c JOIN team.call_steps s ON s.call_id = c.id
            WHERE c.training = 1 AND c.outcome IS NOT NULL AND c.abandoned_at IS NULL AND ($1::text IS NULL OR c.agent = $1)
            ORDER BY c.agent COLLATE "C", c.started_at COLLATE "C", c.id, s.seq
            """, [agent], "reading rehearsals").map(ReportRow.trainingStep)
    }

    public func unfinishedRehearsals(agent: String?) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try fetch("""
            SELECT agent, count(*) AS n FROM team.calls
            WHERE training = 1 AND (outcome IS NULL OR abandoned_at IS NOT NULL) AND ($1::text IS NULL OR agent = $1) GROUP BY agent
            """, [agent], "reading unfinished rehearsals") {
            counts[row["agent"]] = row["n"]
        }
        return counts
    }

    public func knowsAgent(_ agent: String) throws -> Bool {
        try fetch("SELECT EXISTS (SELECT 1 FROM team.calls WHERE agent = $1) AS known", [agent], "looking for agent \(agent)")
            .first?["known"] ?? false
    }

    public func allCustomers() throws -> [Customer] {
        try fetch("SELECT * FROM team.customers ORDER BY id", [], "reading customers").map { try Customer(row: $0) }
    }

    public func largestCustomerID() throws -> Int64 {
        try fetch("SELECT max(id) AS id FROM team.customers", [], "reading the largest customer number").first?["id"] ?? 0
    }

    public func lastCalls() throws -> [Int64: LastCalls] {
        ReportRow.lastCalls(try fetch("""
            SELECT customer_id, started_at, outcome, loss_reason FROM team.calls WHERE training = 0 ORDER BY started_at COLLATE "C", id
            """, [], "reading the latest calls"))
    }

    public func openFollowUps() throws -> [(customerID: Int64, kind: String, due: String)] {
        try fetch("""
            SELECT customer_id, kind, due_at FROM team.follow_ups WHERE done_at IS NULL ORDER BY due_at COLLATE "C", desk COLLATE "C", id
            """, [], "reading open follow-ups").map { (customerID: $0["customer_id"], kind: $0["kind"], due: $0["due_at"]) }
    }

    /// The call list from every desk's rows in the order of `RenewalQueueRule`, as a desk's query gives it
    /// (`Store.queue`): the server sorts by the key generated from the rule (`CentralQueueSQL`) and a cursor
    /// hands the rows over a batch at a time, so memory holds a batch, not the team's customers. The few rows
    /// the server cannot place (dates not as huashu writes them) come first; the rule places them in Swift,
    /// and they are merged into the stream at their place.
    public func queue(today: LedgerDate, minute: Int, plan: RenewalPlan, owner: QueueOwner, limit: Int?,
                      _ each: (Customer, QueueStanding) -> Void) throws {
        let rule = RenewalQueueSQL(today: today, minute: minute, plan: plan, dialect: .postgres)
        try central.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", what: "starting the call list")
        defer { _ = try? central.execute("COMMIT") }
        if case .agent(let name) = owner {
            try central.execute("SELECT set_config('\(CentralQueueSQL.agentSetting)', $1, true)", [name.trimmingSpaces], what: "choosing the agent")
        }
        try central.execute("DECLARE queue_rows NO SCROLL CURSOR FOR " + CentralQueueSQL.sql(rule, owner: owner), what: "listing the customers due")
        var placedInSwift: [(customer: Customer, standing: QueueStanding)] = []
        var left = limit ?? Int.max
        func precedes(_ a: (customer: Customer, standing: QueueStanding), _ b: (customer: Customer, standing: QueueStanding)) -> Bool {
            a.standing.key != b.standing.key ? Array(a.standing.key.utf8).lexicographicallyPrecedes(b.standing.key.utf8)
                : (a.customer.id ?? 0) < (b.customer.id ?? 0)
        }
        func emit(_ entry: (customer: Customer, standing: QueueStanding)) {
            guard left > 0 else { return }
            left -= 1
            each(entry.customer, entry.standing)
        }
        while left > 0 {
            let rows = try fetch("FETCH FORWARD 1000 FROM queue_rows", [], "reading the call list")
            if rows.isEmpty { break }
            for row in rows {
                let customer = try Customer(row: row)
                let candidate = QueueCandidate(customer, lastCallAt: row["last_at"], lastOutcome: row["last_outcome"],
                                               lastLossReason: row["last_loss_reason"], lastEndedAt: row["ended_at"],
                                               lastEndedOutcome: row["ended_outcome"], followUpKind: row["follow_up_kind"],
                                               followUpDue: row["follow_up_due"])
                guard let standing = RenewalQueueRule.standing(candidate, today: today, minute: minute, plan: plan) else { continue }
                let entry = (customer: customer, standing: standing)
                if (row["place"] as String?) == nil {
                    placedInSwift.insert(entry, at: placedInSwift.firstIndex { precedes(entry, $0) } ?? placedInSwift.count)
                    continue
                }
                while let first = placedInSwift.first, precedes(first, entry) { emit(placedInSwift.removeFirst()) }
                emit(entry)
            }
        }
        placedInSwift.forEach(emit)
    }

    public func reportData(_ window: ReportWindow) throws -> ReportData {
        let month = CentralReportSQL(window)
        // One snapshot for every figure, as a desk reads its file in one transaction.
        try central.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", what: "starting the report")
        defer { _ = try? central.execute("COMMIT") }
        return try ReportData.gather(window, due: { try fetch(month.due, month.dueParameters, "reading the customers due").map(ReportRow.due) },
                                     outcomes: { try fetch(month.outcomes, month.monthParameters, "counting outcomes").map(ReportRow.outcome) },
                                     agents: { try fetch(month.agents, month.monthParameters, "counting agents' calls").map(ReportRow.agent) },
                                     followUps: { try fetch(month.followUps, month.followUpParameters, "counting follow-ups").map(ReportRow.followUps) },
                                     entered: { try fetch(month.entered, month.handlerParameters($0), "counting objections").map(ReportRow.entered) },
                                     rebuttals: { try fetch(month.rebuttals, month.handlerParameters($0), "counting rebuttals").map(ReportRow.rebuttal) })
    }

    /// Every desk's chain, walked from its own first step, as `verify` walks a desk's file;
    /// `call` is a team call number. A problem names its desk.
    public func verifyChains(call: Int64?, seal: LogChain.Seal?) throws -> ChainReport {
        var only: (desk: String, id: Int64)?
        if let call {
            guard let found = try fetch("SELECT desk, desk_id FROM team.calls WHERE id = $1", [String(call)], "finding call #\(call)").first else {
                return ChainReport()
            }
            only = (found["desk"], found["desk_id"])
        }
        var report = ChainReport()
        let desks: [String] = try fetch("SELECT name FROM desks ORDER BY name COLLATE \"C\"", [], "listing desks").map { $0["name"] }
        for desk in desks where only == nil || only?.desk == desk {
            let walked = try walk(desk: desk, only: only?.id, seal: seal)
            report.calls += walked.calls
            report.steps += walked.steps
            report.sealHeld = report.sealHeld || walked.sealHeld
            report.problems += walked.problems.map { ChainProblem(callID: nil, seq: nil, message: "desk \(desk): \($0)") }
            report.problems += try headsAgainstSteps(desk: desk, only: only?.id)
        }
        return report
    }

    /// Each call's steps against the head the server recorded when they arrived: a step changed on central
    /// (triggers turned off by hand) no longer matches it.
    private func headsAgainstSteps(desk: String, only: Int64?) throws -> [ChainProblem] {
        try central.execute("""
            SELECT h.call_id, h.seq, h.recorded_at::text FROM chain_heads h
            LEFT JOIN call_steps s ON s.desk = h.desk AND s.call_id = h.call_id AND s.seq = h.seq
            WHERE h.desk = $1 AND ($2::bigint IS NULL OR h.call_id = $2) AND (s.hash IS DISTINCT FROM h.hash OR s.link IS DISTINCT FROM h.link)
            ORDER BY h.call_id
            """, [desk, only.map(String.init)], what: "comparing desk \(desk)'s steps with their chain heads").map { row in
            ChainProblem(callID: nil, seq: nil, message: "desk \(desk): call #\(row[0] ?? "") step \(row[1] ?? ""): "
                + "not the step whose chain head the central store recorded when it arrived (\(row[2] ?? "")): changed on central")
        }
    }

    private func walk(desk: String, only: Int64?, seal: LogChain.Seal?) throws -> ChainReport {
        // A v5 row's hash and link arrive as hex (`PushRow`); rows before v5 kept theirs as hex text already.
        var walk = ChainWalk(only: only, seal: seal, hashesInHex: true)
        let callColumns = LogChain.callColumns.split(separator: ",").map { "c." + $0.trimmingCharacters(in: .whitespaces) }
        let hashed = ChainWalk.hashedColumns.count, typed = ChainWalk.typedColumns.count
        let steps = try central.execute("""
            SELECT s.id, s.call_id, s.seq, s.prev_hash, s.hash, s.link, s.state,
                   \((ChainWalk.hashedColumns + ChainWalk.typedColumns).map { "s." + $0 }.joined(separator: ", ")),
                   (c.id IS NOT NULL)::int, \(callColumns.joined(separator: ", "))
            FROM call_steps s LEFT JOIN calls c ON c.desk = s.desk AND c.id = s.call_id WHERE s.desk = $1 ORDER BY s.id
            """, [desk], what: "reading the steps of desk \(desk)")
        func bytes(_ text: String?) -> ArraySlice<UInt8> { ArraySlice((text ?? "").utf8) }
        let firstTyped = 7 + hashed, firstCall = 7 + hashed + typed
        for row in steps {
            let seq = Int(row[2] ?? "") ?? 0, exists = row[firstCall] == "1"
            walk.step(id: Int64(row[0] ?? "") ?? 0, callID: Int64(row[1] ?? "") ?? 0, seq: seq, prevHash: bytes(row[3]), hash: bytes(row[4]),
                      link: bytes(row[5]), state: row[6].map { ArraySlice($0.utf8) }, hashed: (7..<firstTyped).map { bytes(row[$0]) },
                      typed: (firstTyped..<firstCall).map { row[$0] }, callExists: exists,
                      callRow: seq == 1 && exists ? (firstCall + 1..<firstCall + 8).map { bytes(row[$0]) } : nil)
        }
        walk.finishSteps()
        let endings = CallEnding.columns.map { "c." + $0 }.joined(separator: ", ")
        let calls = try central.execute("""
            SELECT c.id, \(endings), \(ChainWalk.stepColumns.map { "s." + $0 }.joined(separator: ", "))
            FROM calls c LEFT JOIN call_steps s ON s.desk = c.desk AND s.call_id = c.id
            WHERE c.desk = $1 ORDER BY c.id, s.seq
            """, [desk], what: "reading the calls of desk \(desk)")
        let firstStep = 1 + CallEnding.columns.count
        var current: Int64?
        for row in calls {
            let id = Int64(row[0] ?? "") ?? 0
            if id != current {
                current = id
                walk.call(id: id, stored: (1..<firstStep).map { row[$0].map { Array($0.utf8) } })
            }
            guard row[firstStep] != nil else { continue }
            walk.callStep(Array(row[firstStep..<firstStep + ChainWalk.stepColumns.count]))
        }
        walk.finishCalls()
        return walk.report
    }
}
