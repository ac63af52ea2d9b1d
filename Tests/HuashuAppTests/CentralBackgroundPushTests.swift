import Foundation
import Testing

/// Each call's log goes up in the background when the call ends; an unreachable
/// central store is said once and caught up with later.
@Suite("the push after each call")
struct CentralBackgroundPushTests {
    /// Waits for something a detached push does, for at most 20 seconds.
    func eventually(_ what: String, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(20)
        while try !condition() {
            guard Date() < deadline else { Issue.record("never happened: \(what)"); return }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    @Test func eachCallIsPushedAfterItEndsAndAnOutageIsSaidOnce() throws {
        let fixture = try Fixture()
        let cluster = try ThrowawayCluster()
        #expect(try fixture.piped(["central", "init", cluster.url], input: "").status == 0)
        // The central store from the config file, as a desk is set up once.
        let config = fixture.folder.appendingPathComponent(".config/huashu")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try "agent = 小李\ncentral = \(cluster.url)\n".write(to: config.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        let desk = ["HUASHU_DESK": "desk-a"]
        func call() throws -> String {
            let result = try fixture.piped(["call", "粤B12345"], input: ".quit\n", environment: desk)
            #expect(result.status == 0, "\(result.output)")
            return result.output
        }
        let outage = fixture.database + "-central-offline"
        let notice = "中心库暂时连不上"

        #expect(!(try call()).contains(notice))
        try eventually("the first call on central") { try cluster.value("SELECT count(*) FROM calls") == "1" }

        try cluster.stop()
        #expect(!(try call()).contains(notice))
        try eventually("the outage noted") { FileManager.default.fileExists(atPath: outage) }
        let said = try call()
        #expect(said.components(separatedBy: notice).count == 2, "said once: \(said)")
        #expect(said.contains("通话照常记在本机,连上后自动补传"))
        #expect(!(try call()).contains(notice), "not said again")
        #expect(try fixture.sqlite("SELECT count(*) FROM calls") == "4", "the desk kept working")

        try cluster.start()
        #expect(!(try call()).contains(notice))
        try eventually("central caught up") { try cluster.value("SELECT count(*) FROM calls") == "5" }
        try eventually("the outage cleared") { !FileManager.default.fileExists(atPath: outage) }
        #expect(try cluster.ids("SELECT id FROM calls ORDER BY id") == [1, 2, 3, 4, 5])
    }
}
