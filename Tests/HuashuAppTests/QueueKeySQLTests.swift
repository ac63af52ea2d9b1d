import GRDB
import HuashuCalendar
@testable import HuashuRenewal
import Testing

/// The queue's key in SQL (`RenewalQueueSQL`) against the rule in Swift (`RenewalQueueRule.standing`),
/// customer by customer, over every combination of the facts the rule tells apart, on both plans and
/// both dialects' shared arithmetic (SQLite here; the central store runs the PostgreSQL form).
@Suite("Queue: the generated SQL key is the rule's key")
struct QueueKeySQLTests {
    static let today = LedgerDate(year: 2026, month: 9, day: 1)!

    struct Facts {
        var commercial: Int?, compulsory: Int?, since: Int?, ended: (outcome: String, since: Int)?
        var followUp: String?, grade: String?, lead: Int64?
    }

    /// The facts as the rule reads them: days turned back into dates around `today`.
    static func candidate(_ facts: Facts) -> QueueCandidate {
        func day(_ offset: Int) -> LedgerDate { today.adding(days: offset) }
        return QueueCandidate(grade: facts.grade,
                              policies: VehiclePolicy.of(commercial: facts.commercial.map(day), compulsory: facts.compulsory.map(day)),
                              leadFromCall: facts.lead,
                              lastCall: facts.since.map { QueueCandidate.Call(day: day(-$0), outcome: nil) },
                              lastEnded: facts.ended.map { QueueCandidate.Call(day: day(-$0.since), outcome: $0.outcome) },
                              followUp: facts.followUp.map { ("callback", $0) })
    }

    /// Every combination of the days on either side of each window edge, calls before and on them, final and
    /// other outcomes in and out of the season, follow-ups due, later today and on a later day, grades and leads.
    static func combinations() -> [Facts] {
        let edges = [nil, -400, -4, -3, -2, -1, 0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 15, 24, 25, 26, 29, 30, 31, 32, 37, 38, 40, 45, 54,
                     55, 56, 59, 60, 61, 62, 75, 76, 89, 90, 91, 200] as [Int?]
        let sinces = [nil, 0, 1, 2, 3, 4, 6, 7, 8, 14, 15, 16, 29, 200] as [Int?]
        var all: [Facts] = []
        for commercial in edges {
            for compulsory in [commercial, nil, 3, 45, -10] {
                for since in sinces {
                    all.append(Facts(commercial: commercial, compulsory: compulsory, since: since, ended: nil, followUp: nil,
                                     grade: ["A", "B", "C", "D", nil, "E"][all.count % 6], lead: all.count % 7 == 0 ? 9 : nil))
                }
            }
        }
        // Endings, follow-ups and leads over a spread of the timeline cases above.
        let endings: [(String, Int)?] = [nil, ("won", 0), ("won", 60), ("lost", 100), ("lost", 170), ("lost", 400), ("thinking", 2),
                                         ("do_not_call", 5), ("wrong_number", 5), ("refused", 1)]
        let followUps = [nil, "2026-08-31 10:00", "2026-09-01 09:59", "2026-09-01 10:00", "2026-09-01 10:01", "2026-09-01 16:30",
                         "2026-09-02 08:00"] as [String?]
        var extra: [Facts] = []
        for (index, facts) in all.enumerated() where index % 3 == 0 {
            for ending in endings {
                var varied = facts
                varied.ended = ending.map { (outcome: $0.0, since: (facts.since ?? 0) + $0.1) }
                if varied.since == nil && ending != nil { varied.since = ending!.1 }
                varied.followUp = followUps[(index / 3 + extra.count) % followUps.count]
                varied.lead = extra.count % 5 == 0 ? 12 : nil
                extra.append(varied)
            }
        }
        return all + extra
    }

    @Test(arguments: [(RenewalPlan.dealer, 600), (.dealer, RenewalQueueRule.wholeDay), (.insurer, 600), (.insurer, RenewalQueueRule.wholeDay)])
    func theSQLKeyIsTheRulesKey(plan: RenewalPlan, minute: Int) throws {
        let facts = Self.combinations()
        let rule = RenewalQueueSQL(today: Self.today, minute: minute, plan: plan, dialect: .sqlite)
        let database = try DatabaseQueue()
        let keys: [String?] = try database.write { db in
            try db.execute(sql: """
                CREATE TABLE facts (n INTEGER PRIMARY KEY, days_c, days_k, since, ended_outcome, ended_since, follow_up_due, grade, lead_from_call)
                """)
            for (n, f) in facts.enumerated() {
                try db.execute(sql: "INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               arguments: [n, f.commercial, f.compulsory, f.since, f.ended?.outcome, f.ended?.since, f.followUp, f.grade, f.lead])
            }
            let probe = "SELECT n AS id, days_c, days_k, since, ended_since, ended_outcome, follow_up_due, grade, lead_from_call, 1 AS as_written FROM facts"
            return try String?.fetchAll(db, sql: """
                SELECT place FROM (\(rule.placed(probe, carrying: ["id"], otherwise: "NULL")))
                ORDER BY id
                """)
        }
        var listed = 0, kinds = Set<String>()
        for (f, sqlKey) in zip(facts, keys) {
            let standing = RenewalQueueRule.standing(Self.candidate(f), today: Self.today, minute: minute, plan: plan)
            #expect(sqlKey == standing?.key, "\(f)")
            if let standing {
                listed += 1
                kinds.insert(String(standing.key.prefix(2)))
            }
        }
        // The combinations reach every kind of place: follow-ups due and later, each urgency of the timeline.
        #expect(listed > facts.count / 5)
        #expect(kinds.isSuperset(of: ["0" + "2", "10", "11", "12"]), "\(kinds)")
        if minute != RenewalQueueRule.wholeDay { #expect(kinds.contains("22"), "\(kinds)") }
    }
}
