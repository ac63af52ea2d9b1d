import Foundation

/// A desk's database file written by an older program (`Fixtures/NAME.sqlite`), copied to a folder of its own
/// so a test may migrate it, with `huashu` run on it as that desk ran it: Shanghai time, the shipped scripts, agent 小李.
struct FixtureDatabase {
    static let fixtures = Fixture.repository.appendingPathComponent("Tests/HuashuAppTests/Fixtures")

    let folder: URL
    let database: String

    init(_ name: String) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("huashu-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        database = folder.appendingPathComponent("desk.sqlite").path
        try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent(name + ".sqlite").path, toPath: database)
    }

    func huashu(_ arguments: [String], input: String = "", environment extra: [String: String] = [:]) throws -> (status: Int32, output: String) {
        try Fixture.run(Fixture.binary, arguments, environment: extra.merging([
            "LANG": "C.UTF-8", "TZ": "Asia/Shanghai", "HOME": folder.path, "PATH": "/usr/bin:/bin", "HUASHU_DB": database,
            "HUASHU_DIALOGUES": Fixture.repository.appendingPathComponent("Dialogues").path, "HUASHU_AGENT": "小李",
            "HUASHU_HISTORY": folder.appendingPathComponent("history").path,
        ]) { first, _ in first }, input: input)
    }
}
