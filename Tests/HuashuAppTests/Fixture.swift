import HuashuCalendar
import Foundation
@testable import HuashuApp
import HuashuStore
import Testing

/// A fresh database with a few ledger customers, the shipped dialogues and
/// the built `huashu` program, for tests that use it as a person would.
struct Fixture {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `huashu` built beside the test bundle.
    static let binary: String = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("huashu").path
        return FileManager.default.isExecutableFile(atPath: beside) ? beside : repository.appendingPathComponent(".build/debug/huashu").path
    }()

    let folder: URL
    let database: String
    let store: Store

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("huashu-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        database = folder.appendingPathComponent("calls.sqlite").path
        store = try Store(path: database)
        let inDays = { (days: Int) in LocalDay.string(Date().addingTimeInterval(Double(days) * 86_400)) }
        _ = try store.upsert([
            Customer(plate: "粤B12345", name: "张伟", honorific: "先生", phone: "13812345678", model: "丰田凯美瑞",
                     lastInsurer: "平安", lastPremium: "4860", commercialExpiry: inDays(20), claims: 1, grade: "A", type: "价格敏感型"),
            Customer(plate: "粤B67890", name: "王芳", honorific: "女士", phone: "13998765432", model: "本田雅阁",
                     lastInsurer: "人保", lastPremium: "5230", commercialExpiry: inDays(45), claims: 0, grade: "B", type: "服务敏感型"),
            Customer(plate: "粤A11111", name: "李强", honorific: "先生", phone: "13700001111", model: "大众帕萨特",
                     lastInsurer: "太平洋", lastPremium: "3980", commercialExpiry: inDays(80), claims: 0, grade: "C", type: "无所谓型",
                     doNotCall: true),
        ])
    }

    var environment: [String: String] {
        [
            "TERM": "xterm-256color", "LANG": "C.UTF-8", "HOME": folder.path, "PATH": "/usr/bin:/bin",
            "HUASHU_DB": database, "HUASHU_DIALOGUES": Self.repository.appendingPathComponent("Dialogues").path,
            "HUASHU_AGENT": "小李", "HUASHU_DEALER": "鹏程丰田", "HUASHU_HISTORY": folder.appendingPathComponent("history").path,
        ]
    }

    func terminal(_ arguments: String...) throws -> PseudoTerminal {
        try PseudoTerminal([Self.binary] + arguments, environment: environment)
    }

    /// Runs huashu with its input from a pipe; returns the exit status and everything printed.
    func piped(_ arguments: [String], input: String, environment extra: [String: String] = [:]) throws -> (status: Int32, output: String) {
        try Self.run(Self.binary, arguments, environment: environment.merging(extra) { $1 }, input: input)
    }

    /// Runs SQL on the database with the sqlite3 shell, as a supervisor (or an attacker) would.
    func sqlite(_ sql: String) throws -> String {
        try Self.run("/usr/bin/sqlite3", [database, sql], environment: environment).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a program to its end with the given input; returns its exit status and everything it printed.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String], input: String = "") throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The logged steps of a call as `kind answer/handler -> node` lines.
    func stepSummary(_ call: Int64) throws -> [String] {
        try store.steps(of: call).map { "\($0.inputKind) \($0.answerID ?? $0.handlerID ?? "") -> \($0.node)" }
    }
}
