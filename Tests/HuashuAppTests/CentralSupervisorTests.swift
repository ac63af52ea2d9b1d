import Foundation
@testable import HuashuApp
@testable import HuashuCentral
import HuashuEngine
import HuashuStore
import Testing

/// The supervisor's commands with `--db postgresql://…`: the same calls, pushed
/// from a desk, print the same bytes as on the desk's SQLite file.
@Suite("the supervisor's commands on the central store")
struct CentralSupervisorTests {
    /// A month of calls (every outcome, objections, a rehearsal, an unfinished call) on a desk, pushed to a fresh central store.
    static func pushedMonth() throws -> (month: ReportMonthFixture, cluster: ThrowawayCluster) {
        let month = try ReportMonthFixture()
        _ = try ReplayTests.nestedObjectionCall(month.fixture)
        let cluster = try ThrowawayCluster()
        let fixture = month.fixture
        #expect(try fixture.piped(["central", "init", cluster.url], input: "").status == 0)
        let sync = try fixture.piped(["sync", "--central", cluster.url, "--desk", "desk-a"], input: "")
        #expect(sync.status == 0, "\(sync.output)")
        return (month, cluster)
    }

    /// Runs a command on the desk's file and on the central store; both must print the same and exit the same.
    static func expectSame(_ fixture: Fixture, _ cluster: ThrowawayCluster, _ command: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let desk = try fixture.piped(command + ["--db", fixture.database], input: "")
        let central = try fixture.piped(command + ["--db", cluster.url], input: "")
        #expect(desk.status == central.status, "\(command): exit \(desk.status) on the desk, \(central.status) on central: \(central.output)",
                sourceLocation: sourceLocation)
        #expect(desk.output == central.output, "\(command.joined(separator: " "))", sourceLocation: sourceLocation)
        #expect(desk.output.count > 30, "\(command) printed something to compare: \(desk.output)", sourceLocation: sourceLocation)
    }

    @Test func everySupervisorCommandPrintsTheSameBytesAsOnTheDesk() throws {
        let (month, cluster) = try Self.pushedMonth()
        let fixture = month.fixture
        let lost = try #require(try fixture.store.listCalls(CallListFilter(outcome: "lost")).first?.call.id)
        let commands: [[String]] = [
            ["calls"], ["calls", "--agent", "小王"], ["calls", "--customer", "粤B00006"], ["calls", "--outcome", "unfinished"],
            ["calls", "--since", "2024-03-15", "--limit", "3"], ["calls", "--customer", "张伟"],
            ["replay", "1"], ["replay", String(lost)],
            ["report", "--month", "2024-03"], ["report", "--month", "2024-03", "--agent", "小李"],
            ["report", "--month", "2024-03", "--format", "csv"], ["report", "--month", "2024-03", "--format", "html"],
            ["report", "--month", "2024-02"], ["report"],
            ["verify"], ["verify", String(lost)],
            ["coverage"], ["coverage", "--agent", "小王"],
            ["queue"], ["queue", "--agent", "小李"], ["queue", "--date", "2024-03-21"], ["queue", "--date", "2024-03-21", "--agent", "小王"],
        ]
        for command in commands {
            try Self.expectSame(fixture, cluster, command)
        }
    }

    @Test func twoDesksAreOneTeamAndVerifyWalksEachDesksChain() throws {
        let (month, cluster) = try Self.pushedMonth()
        // A second desk that imported the same ledger: the same customers, by plate, and calls of its own.
        let other = try Fixture()
        _ = try other.store.upsert(try month.fixture.store.allCustomers().map { var customer = $0; customer.id = nil; return customer })
        try LoggedCalls.make(other.store, customer: "粤B00009", agent: "小孙", start: LoggedCalls.at(2024, 3, 20, 11),
                             LoggedCalls.spaced(LoggedCalls.toQuote + [LoggedCalls.end(.won)]))
        #expect(try other.piped(["sync", "--central", cluster.url, "--desk", "desk-b"], input: "").status == 0)

        let calls = try other.piped(["calls", "--db", cluster.url], input: "")
        let deskCalls = try month.fixture.store.listCalls(CallListFilter()).count
        #expect(calls.output.split(separator: "\n").count == deskCalls + 1)
        #expect(calls.output.split(separator: "\n").first?.hasPrefix("#\(deskCalls + 1) ") == true, "\(calls.output)")
        #expect(calls.output.contains("小孙") && calls.output.contains("冯九"))
        let report = try other.piped(["report", "--db", cluster.url, "--month", "2024-03"], input: "")
        #expect(report.status == 0)
        #expect(report.output.contains("小孙"), "\(report.output)")
        let due = try other.piped(["report", "--db", cluster.url, "--month", "2024-04", "--format", "csv"], input: "")
        #expect(due.output.components(separatedBy: "冯九").count == 2, "the customer both desks know is one: \(due.output)")

        let intact = try other.piped(["verify", "--db", cluster.url], input: "")
        #expect(intact.status == 0, "\(intact.output)")
        #expect(intact.output.hasPrefix("call log intact: \(deskCalls + 1) calls"), "\(intact.output)")

        // A step changed on the central store by its owner, append-only trigger turned off: verify names the desk, the call and the step.
        try cluster.connect().executeScript("""
            ALTER TABLE call_steps DISABLE TRIGGER call_steps_append_only;
            UPDATE call_steps SET input = replace(input, '4860', '3860') WHERE desk = 'desk-b' AND seq = 6;
            ALTER TABLE call_steps ENABLE TRIGGER call_steps_append_only;
            """, what: "changing a step by hand")
        let broken = try other.piped(["verify", "--db", cluster.url], input: "")
        #expect(broken.status == 1)
        #expect(broken.output.contains("\(cluster.url): desk desk-b: call #1 step 6: its content was changed after it was logged"), "\(broken.output)")
        #expect(!broken.output.contains("desk desk-a"))
    }

    @Test func stepsPushedBeforeTheirTypedColumnsAreFilledWhenCentralIsUpgraded() throws {
        let (month, cluster) = try Self.pushedMonth()
        let typed = "SELECT string_agg(concat_ws('|', desk, id, entered, raised, answered, returned_to, outcome), E'\\n' ORDER BY desk, id) FROM call_steps"
        let pushed = try cluster.value(typed) ?? ""
        #expect(pushed.contains("|won") && pushed.contains("|price"), "\(pushed)")
        // What a store held when its steps went up before migration 6: the typed columns empty.
        try cluster.connect().executeScript("""
            ALTER TABLE call_steps DISABLE TRIGGER call_steps_append_only;
            UPDATE call_steps SET entered = NULL, raised = NULL, answered = NULL, returned_to = NULL, outcome = NULL;
            ALTER TABLE call_steps ENABLE TRIGGER call_steps_append_only;
            """, what: "emptying the typed columns")
        #expect(try month.fixture.piped(["verify", "--db", cluster.url], input: "").status == 1)
        // The upgrade that brings the fill: `central init` fills them as the desk logged them, and verify holds again.
        let fill = (CentralSchema.migrations.firstIndex { $0.name == CentralSchema.typedColumnsFilled } ?? 0) + 1
        _ = try cluster.value("DELETE FROM schema_migrations WHERE version >= \(fill)")
        let upgraded = try month.fixture.piped(["central", "init", cluster.url], input: "")
        #expect(upgraded.status == 0, "\(upgraded.output)")
        #expect(try cluster.value(typed) == pushed)
        let intact = try month.fixture.piped(["verify", "--db", cluster.url], input: "")
        #expect(intact.status == 0, "\(intact.output)")
        // The log is append-only again after the fill.
        #expect(throws: (any Error).self) { _ = try cluster.value("UPDATE call_steps SET entered = 'x'") }
    }

    @Test func commandsThatWriteADeskRefuseTheCentralStoreInWords() throws {
        let fixture = try Fixture()
        let cluster = try ThrowawayCluster()
        #expect(try fixture.piped(["central", "init", cluster.url], input: "").status == 0)
        let ledger = fixture.folder.appendingPathComponent("ledger.csv").path
        try "车牌,姓名\n粤B1,张\n".write(toFile: ledger, atomically: true, encoding: .utf8)
        for command in [["import", ledger], ["call", "粤B12345"], ["sync", "--central", cluster.url], ["seal"]] {
            let result = try fixture.piped(command + ["--db", cluster.url], input: "")
            #expect(result.status == 1, "\(command)")
            #expect(result.output == "huashu: \(cluster.url) is a team's central store; this command works on a desk's SQLite file "
                + "(give --db PATH, or leave --db out)\n", "\(command)")
        }
        let unmask = try fixture.piped(["replay", "1", "--unmask", "--db", cluster.url], input: "")
        #expect(unmask.status == 1)
        let empty = try fixture.piped(["calls", "--db", cluster.url], input: "")
        #expect(empty.output == "没有符合条件的通话。\n")
        let unset = try ThrowawayCluster()
        let before = try fixture.piped(["calls", "--db", unset.url], input: "")
        #expect(before.status == 1)
        #expect(before.output == "huashu: \(unset.url) has no huashu schema yet; set it up with `huashu central init URL`\n")
    }
}
