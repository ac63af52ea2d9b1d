import Foundation
import HuashuCentral
import Testing

/// `huashu watch` against a real server: one frame for scripts, and a wall
/// screen that redraws when a desk pushes and outlives a server restart.
@Suite("the team floor: the wallboard", .serialized)
struct CentralWatchTests {
    @Test func onceShowsTheCallInProgressMaskedWithItsStageAndObjectionAndTodaysCountsPerAgent() throws {
        let cluster = try ThrowawayCluster()
        let a = try Fixture(), b = try Fixture()
        #expect(try a.piped(["central", "init", cluster.url], input: "").status == 0)
        // Desk a: a call ended with a booked callback; desk b (agent 王芳): a call left at the price objection.
        #expect(try a.piped(["call", "粤B67890"], input: ".end callback 明天上午10点\ny\n", environment: cluster.desk("desk-a")).status == 0)
        #expect(try b.piped(["call", "粤B12345"], input: "1\n太贵了\n\n.quit\n", environment: cluster.desk("desk-b").merging(["HUASHU_AGENT": "王芳"]) { $1 }).status == 0)
        for (fixture, name) in [(a, "desk-a"), (b, "desk-b")] {
            #expect(try fixture.piped(["sync"], input: "", environment: cluster.desk(name)).status == 0)
        }
        let frame = try a.piped(["watch", "--once", "--db", cluster.url], input: "")
        #expect(frame.status == 0, "\(frame.output)")
        #expect(!frame.output.contains("\u{1B}"), "no escape codes in --once")
        let lines = frame.output.components(separatedBy: "\n")
        #expect(lines.first?.hasPrefix("现场看板 · ") == true && lines.first?.contains("本月续保率") == true, "\(frame.output)")
        #expect(frame.output.contains("通话中 (1)\n"), "\(frame.output)")
        let live = try #require(lines.first { $0.hasPrefix("  王芳") }, "\(frame.output)")
        #expect(live.contains("张*") && live.contains("粤B***45") && live.contains("异议处理") && live.hasSuffix("价格高"), "\(live)")
        #expect(!frame.output.contains("张伟") && !frame.output.contains("粤B12345"))
        #expect(lines.contains { $0.hasPrefix("  小李") && $0.hasSuffix("1     1     0       1") }, "小李: a call, reached, a callback booked: \(frame.output)")
        #expect(lines.contains { $0.hasPrefix("  王芳") && $0.hasSuffix("1     0     0       0") }, "\(frame.output)")
        // Without a central store, or on a desk's file, it says what it needs.
        let none = try a.piped(["watch", "--once"], input: "")
        #expect(none.status == 1 && none.output.contains("no central store named"), "\(none.output)")
        let file = try a.piped(["watch", "--once", "--db", a.database], input: "")
        #expect(file.status == 1 && file.output.contains("is a desk's file; the wallboard shows the team's central store"), "\(file.output)")
    }

    @Test func theWallScreenRedrawsWhenADeskPushesAndReconnectsAfterTheServerRestarts() throws {
        let cluster = try ThrowawayCluster()
        let a = try Fixture(), b = try Fixture()
        #expect(try a.piped(["central", "init", cluster.url], input: "").status == 0)
        let wall = try PseudoTerminal([Fixture.binary, "watch", "--db", cluster.url], environment: a.environment)
        wall.waitFor("通话中 (0)")
        // Nothing is polled for a minute: only the server's notification can bring the call up this soon.
        var mark = wall.mark
        #expect(try a.piped(["call", "粤B12345"], input: "1\n.quit\n", environment: cluster.desk("desk-a")).status == 0)
        #expect(try a.piped(["sync"], input: "", environment: cluster.desk("desk-a")).status == 0)
        wall.waitFor("通话中 (1)", since: mark, timeout: 10)

        mark = wall.mark
        try cluster.stop()
        wall.waitFor("中心库连接断开", since: mark, timeout: 10)
        #expect(wall.tail(from: mark).contains("张*"), "the last frame stays up meanwhile")
        try cluster.start()
        wall.waitFor("已重新连上中心库", since: mark, timeout: 10)
        mark = wall.mark
        #expect(try b.piped(["call", "粤B67890"], input: "1\n.quit\n", environment: cluster.desk("desk-b")).status == 0)
        #expect(try b.piped(["sync"], input: "", environment: cluster.desk("desk-b")).status == 0)
        wall.waitFor("通话中 (2)", since: mark, timeout: 10)

        wall.type("\u{03}")
        #expect(wall.waitForExit() == 0)
        let written = String(decoding: wall.written, as: UTF8.self)
        #expect(written.hasPrefix("\u{1B}[?1049h") && written.hasSuffix("\u{1B}[?25h\u{1B}[?1049l"), "the shell's screen is given back")
    }

    /// A desk on a call pushes each step in the background: the wallboard shows the call, its stage and its
    /// objection moments after the step, not only when the call ends.
    @Test func aCallInProgressOnADeskShowsOnTheWallboardMomentsAfterEachStep() throws {
        let cluster = try ThrowawayCluster()
        let a = try Fixture()
        #expect(try a.piped(["central", "init", cluster.url], input: "").status == 0)
        let onA = try PseudoTerminal([Fixture.binary, "call", "粤B12345"], environment: a.environment.merging(cluster.desk("desk-a")) { $1 })
        /// The first frame showing `text` in the call's line, and how long after the step it came.
        func shown(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> TimeInterval {
            let stepped = Date()
            while Date().timeIntervalSince(stepped) < 5 {
                let frame = try a.piped(["watch", "--once", "--db", cluster.url], input: "").output
                if frame.components(separatedBy: "\n").contains(where: { $0.hasPrefix("  小李") && $0.contains(text) }) {
                    return Date().timeIntervalSince(stepped)
                }
            }
            Issue.record("the wallboard never showed \(text)", sourceLocation: sourceLocation)
            return 5
        }
        onA.waitFor("是我")
        let first = try shown("确认身份")
        onA.type("1\r")
        var mark = onA.mark
        onA.type("太贵了\r")
        onA.waitFor("价格高", since: mark)
        mark = onA.mark
        onA.type("\r")
        onA.waitFor("异议处理>", since: mark)
        let objection = try shown("价格高")
        print("wallboard after a step: \(Int(first * 1000)) ms, \(Int(objection * 1000)) ms")
        #expect(try cluster.value("SELECT count(*) FROM customers") == "0", "a call in progress sends its calls and steps only")
        onA.type(".end thinking\r")
        #expect(onA.waitForExit() == 0)
        let deadline = Date().addingTimeInterval(10)
        var frame = ""
        while Date() < deadline, !frame.contains("通话中 (0)") {
            frame = try a.piped(["watch", "--once", "--db", cluster.url], input: "").output
        }
        #expect(frame.contains("通话中 (0)"), "the ended call leaves the wallboard: \(frame)")
    }
}
