import Foundation
@testable import HuashuApp
import HuashuEngine
import HuashuScript
import HuashuStore
import HuashuText
import Testing

/// A replay captured instead of printed, with the waits it asked for.
final class ReplayCapture: @unchecked Sendable {
    var text = ""
    var enters = 0
    var sleeps: [TimeInterval] = []
    /// How many Enters there are before the input ends.
    var enterLimit = Int.max

    var io: CallReplay.IO {
        CallReplay.IO(write: { self.text += $0 },
                      waitForEnter: {
                          guard self.enters < self.enterLimit else { return false }
                          self.enters += 1
                          return true
                      },
                      sleep: { self.sleeps.append($0) })
    }

    var lines: [String] { text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

    /// The step lines: those starting with an `mm:ss` offset.
    var stepLines: [String] { lines.filter { $0.count > 5 && $0.prefix(5).allSatisfy { $0.isNumber || $0 == ":" } && $0.dropFirst(5).first == " " } }
}

@Suite("huashu replay")
struct ReplayTests {
    static let start = LoggedCalls.at(2024, 3, 10, 10)

    /// A call with a nested objection (think inside price), a note with a phone number,
    /// a refused answer and the outcome, at known offsets.
    static func nestedObjectionCall(_ fixture: Fixture, end: Bool = true) throws -> Int64 {
        var inputs: [(TimeInterval, CallInput)] = [
            (5, .answer("greet>confirm_car")), (12, .answer("confirm_car>call_purpose")), (20, .answer("call_purpose>recap")),
            (31, .answer("recap>quote")), (40, .quote("4860")), (55, .objection("price")), (70, .objection("think")),
            (80, .answer("think>return")), (90, .answer("price>return")), (95, .note("客户说换了号码13912345678，周末再打")),
            (100, .answer("greet>confirm_car")),
        ]
        if end { inputs.append((110, LoggedCalls.end(.thinking))) }
        return try LoggedCalls.make(fixture.store, customer: "粤B12345", agent: "小李", start: start, inputs, refusals: 1)
    }

    static func callOptions(_ fixture: Fixture, dialogues: String? = nil, agent: String = "王经理") -> CallOptions {
        CallOptions(database: .file(fixture.database), dialogues: [dialogues ?? Fixture.repository.appendingPathComponent("Dialogues").path],
                    agent: agent, dealer: nil)
    }

    static func replay(_ fixture: Fixture, _ options: CallReplay.Options, dialogues: String? = nil, now: Date? = nil,
                       capture: ReplayCapture = ReplayCapture()) throws -> ReplayCapture {
        try CallReplay.run(options, options: callOptions(fixture, dialogues: dialogues), io: capture.io,
                           now: now ?? start.addingTimeInterval(86_400))
        return capture
    }

    @Test func aNestedObjectionLineByLine() throws {
        let fixture = try Fixture()
        let id = try Self.nestedObjectionCall(fixture)
        let out = try Self.replay(fixture, CallReplay.Options(call: id))
        #expect(out.stepLines == [
            "00:00 [确认身份] 开始 → greet",
            "00:05 [确认身份] 选择「是我」 → confirm_car",
            "00:12 [确认身份] 选择「是，我在开」 → call_purpose",
            "00:20 [需求报价] 选择「方便，你说吧」 → recap",
            "00:31 [需求报价] 选择「先说多少钱」 → quote",
            "00:40 [需求报价] 报价 4860 元",
            "00:55   [异议处理] 异议「价格高」[price],从 quote 转入",
            "01:10     [异议处理] 异议「还要考虑」[think],从 price 转入",
            "01:20   [异议处理] 选择「没什么，你接着说」 处理完,返回 price",
            "01:30 [需求报价] 选择「那行，你接着说」 处理完,返回 quote",
            "01:35 [需求报价] 备注: 客户说换了号码139****5678，周末再打",
            "01:40 [需求报价] 选择「是我」 被拒绝: 这一步没有这个选项。",
            "01:50 [需求报价] 结果: 考虑中",
        ])
        let version = LoggedCalls.script.version
        #expect(Array(out.lines.prefix(3)) == [
            "通话 #\(id) · 张伟先生 粤B12345 · 电话 138****5678",
            "专员 小李 · 开始 2024-03-10 10:00:00 · 时长 01:50 · 脚本 \(version)(即当前脚本)",
            String(repeating: "─", count: 60),
        ])
        #expect(Array(out.lines.suffix(3)) == [
            String(repeating: "─", count: 60),
            "通话结果: 考虑中 · 报价 4860 元 · 结束于 2024-03-10 10:01:50",
            "",
        ])
        // What was said follows its step, indented as deep as the objection, and only when it changed.
        let lines = out.lines
        let greet = try #require(lines.firstIndex(of: "00:00 [确认身份] 开始 → greet"))
        #expect(lines[greet + 1] == "      说: 您好，我是鹏程丰田的续保顾问小李，请问是张伟先生吗？")
        let think = try #require(lines.firstIndex { $0.hasPrefix("01:10") })
        #expect(lines[think + 1] == "          说: 应该的，一年一次的事，想清楚再定没错。")
        #expect(lines[think + 2] == "          说: 我多问一句，您主要是在考虑服务这块，还是费用这块？")
        let quote = try #require(lines.firstIndex { $0.hasPrefix("00:40") })
        #expect(lines[(quote + 1)...].prefix { !$0.hasPrefix("00:55") }.contains { $0.contains("一共4860元") })
        for tail in ["01:35", "01:40", "01:50"] {
            let index = try #require(lines.firstIndex { $0.hasPrefix(tail) })
            #expect(!lines[index + 1].contains("说: "), "\(tail): the screen did not change")
        }
        #expect(!out.text.contains("13912345678") && !out.text.contains("13812345678"), "identity data stays masked")
    }

    @Test func unmaskShowsTheNumbersAndIsAudited() throws {
        let fixture = try Fixture()
        let id = try Self.nestedObjectionCall(fixture)
        let masked = try fixture.piped(["replay", String(id)], input: "")
        #expect(masked.status == 0)
        #expect(masked.output.contains("电话 138****5678"))
        #expect(try Self.auditRows(fixture) == "")
        let shown = try fixture.piped(["replay", String(id), "--unmask"], input: "")
        #expect(shown.status == 0)
        #expect(shown.output.contains("电话 13812345678"))
        #expect(shown.output.contains("备注: 客户说换了号码13912345678，周末再打"))
        #expect(shown.output.contains("此次查看已记入审计日志"))
        #expect(try Self.auditRows(fixture) == "小李|unmask|1|\(id)|huashu replay \(id) --unmask\n")
    }

    static func auditRows(_ fixture: Fixture) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [fixture.database, "SELECT agent, action, customer_id, call_id, detail FROM audit"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func stepWaitsForEnterAndTheEndOfInputPlaysTheRest() throws {
        let fixture = try Fixture()
        let id = try Self.nestedObjectionCall(fixture)
        let all = try Self.replay(fixture, CallReplay.Options(call: id, stepByStep: true))
        #expect(all.enters == 12, "one Enter between each of the 13 steps")
        let plain = try Self.replay(fixture, CallReplay.Options(call: id))
        #expect(all.text == plain.text)
        let capture = ReplayCapture()
        capture.enterLimit = 3
        let cut = try Self.replay(fixture, CallReplay.Options(call: id, stepByStep: true), capture: capture)
        #expect(cut.text == plain.text, "input ended: the rest is printed at once")
    }

    @Test func speedSleepsTheRealGapsDivided() throws {
        let fixture = try Fixture()
        let id = try Self.nestedObjectionCall(fixture)
        let out = try Self.replay(fixture, CallReplay.Options(call: id, speed: 10))
        let expected: [TimeInterval] = [0.5, 0.7, 0.8, 1.1, 0.9, 1.5, 1.5, 1.0, 1.0, 0.5, 0.5, 1.0]
        #expect(out.sleeps.count == expected.count)
        #expect(zip(out.sleeps, expected).allSatisfy { abs($0 - $1) < 0.001 })
        let slow = try Self.replay(fixture, CallReplay.Options(call: id, speed: 0.1))
        #expect(slow.sleeps.max() == CallReplay.longestPause, "long gaps are capped")
    }

    @Test func aCallCutOffOrStillGoingIsShownAsSuch() throws {
        let fixture = try Fixture()
        let id = try Self.nestedObjectionCall(fixture, end: false)
        let later = try Self.replay(fixture, CallReplay.Options(call: id))
        #expect(later.lines.contains("通话中断: 没有结果,最后一步 2024-03-10 10:01:40 停在 [需求报价] quote。继续这通电话: huashu resume \(id)"))
        #expect(later.lines[1].contains("时长 01:40+"))
        let soon = try Self.replay(fixture, CallReplay.Options(call: id), now: Self.start.addingTimeInterval(160))
        #expect(soon.lines.contains("通话进行中: 还没有结果,最后一步 2024-03-10 10:01:40 停在 [需求报价] quote。"))
    }

    @Test func againstCurrentMarksWhatTodaysScriptNoLongerHas() throws {
        let fixture = try Fixture()
        let id = try Self.nestedObjectionCall(fixture)
        let copy = fixture.folder.appendingPathComponent("Dialogues")
        try FileManager.default.copyItem(at: Fixture.repository.appendingPathComponent("Dialogues"), to: copy)
        let file = copy.appendingPathComponent("50-objections.huashu")
        let text = try String(contentsOf: file, encoding: .utf8)
        try text.replacingOccurrences(of: "  - 没什么，你接着说 -> return\n", with: "").write(to: file, atomically: true, encoding: .utf8)
        let out = try Self.replay(fixture, CallReplay.Options(call: id, againstCurrent: true), dialogues: copy.path)
        let marks = out.lines.filter { $0.contains("⚠ 当前脚本") }
        #expect(marks == ["        ⚠ 当前脚本已没有选项 think>return"])
        let index = try #require(out.lines.firstIndex(of: marks[0]))
        #expect(out.lines[..<index].last { $0.hasPrefix("0") } == "01:20   [异议处理] 选择「think>return」 处理完,返回 price",
                "the answer's words are gone too: its ID is shown")
        #expect(out.lines.contains("对照当前脚本: 1 步的步骤或选项已不在当前脚本中(标 ⚠)。"))
        #expect(out.lines[1].contains("(当前脚本 "), "the call ran another version")
        let same = try Self.replay(fixture, CallReplay.Options(call: id, againstCurrent: true))
        #expect(!same.text.contains("⚠"))
        #expect(same.lines.contains("对照当前脚本: 每一步都还在。"))
    }

    @Test func withoutAnyScriptTheCallReplaysFromItsOwnLog() throws {
        let fixture = try Fixture()
        let id = try Self.nestedObjectionCall(fixture)
        let out = try Self.replay(fixture, CallReplay.Options(call: id), dialogues: fixture.folder.appendingPathComponent("nowhere").path)
        #expect(out.stepLines[1] == "00:05 [identity] 选择「greet>confirm_car」 → confirm_car")
        #expect(out.stepLines[6] == "00:55   [objection] 异议「price」[price],从 quote 转入")
        #expect(out.lines[1].hasSuffix("(未载入当前脚本,按通话记录回放)"))
        #expect(out.text.contains("说: 您好，我是鹏程丰田的续保顾问小李，请问是张伟先生吗？"), "what was shown comes from the log")
        #expect(throws: UserError.self) {
            try Self.replay(fixture, CallReplay.Options(call: id, againstCurrent: true), dialogues: fixture.folder.appendingPathComponent("nowhere").path)
        }
        let command = try fixture.piped(["replay", String(id), "--dialogues", fixture.folder.appendingPathComponent("nowhere").path], input: "")
        #expect(command.status == 0, "the log alone replays")
        #expect(command.output.contains("huashu: warning: no such file or folder: \(fixture.folder.path)/nowhere; the replay names answers, steps and stages by their IDs"),
                "\(command.output)")
    }

    @Test func anUnknownCallIsAClearError() throws {
        let fixture = try Fixture()
        let result = try fixture.piped(["replay", "42"], input: "")
        #expect(result.status == 1)
        #expect(result.output.contains("no call #42 in"))
        let speed = try fixture.piped(["replay", "1", "--speed", "0"], input: "")
        #expect(speed.status != 0)
        #expect(speed.output.contains("--speed must be a number above 0"))
    }

    @Test func phoneAndIDNumbersInNotesAreMasked() {
        #expect(PersonalData.masked("电话13912345678,身份证44010119900307123X。") == "电话139****5678,身份证4401**********123X。")
        #expect(PersonalData.masked("报价4860元,单号20240310") == "报价4860元,单号20240310")
    }
}

@Suite("huashu calls")
struct ReplayCallListTests {
    @Test func newestFirstOneLineEachWithFilters() throws {
        let fixture = try Fixture()
        let store = fixture.store
        let won = try LoggedCalls.make(store, customer: "粤B12345", agent: "小李", start: LoggedCalls.at(2024, 3, 1, 9),
                                       LoggedCalls.spaced(LoggedCalls.toQuote + [LoggedCalls.end(.won)], every: 30))
        let lost = try LoggedCalls.make(store, customer: "粤B67890", agent: "小王", start: LoggedCalls.at(2024, 3, 2, 14, 5),
                                        LoggedCalls.spaced(LoggedCalls.toQuote + [LoggedCalls.end(.lost, .price, to: "平安")], every: 15))
        let training = try LoggedCalls.make(store, customer: "粤B67890", agent: "小王", start: LoggedCalls.at(2024, 3, 3, 16),
                                            LoggedCalls.spaced([.answer("greet>end_refused")]), training: true)
        let open = try LoggedCalls.make(store, customer: "粤B12345", agent: "小李", start: LoggedCalls.at(2024, 3, 4, 11),
                                        LoggedCalls.spaced([.answer("greet>confirm_car"), .answer("confirm_car>call_purpose")], every: 50))
        let all = try CallList.text(CallList.Options(database: .file(fixture.database)))
        #expect(all.split(separator: "\n").map(String.init) == [
            "#\(open)      2024-03-04 11:00  小李      张伟先生 粤B12345       01:40+  未完成",
            "#\(training)      2024-03-03 16:00  小王      王芳女士 粤B67890       00:20   【演练】拒绝",
            "#\(lost)      2024-03-02 14:05  小王      王芳女士 粤B67890       01:30   战败(价格,去向平安)  报价4860元",
            "#\(won)      2024-03-01 09:00  小李      张伟先生 粤B12345       03:00   成交  报价4860元",
        ])
        func ids(_ options: CallList.Options) throws -> [String] {
            try CallList.text(options).split(separator: "\n").map { String($0.prefix { $0 != " " }) }
        }
        #expect(try ids(CallList.Options(database: .file(fixture.database), agent: "小王")) == ["#\(training)", "#\(lost)"])
        #expect(try ids(CallList.Options(database: .file(fixture.database), customer: "粤B12345")) == ["#\(open)", "#\(won)"])
        #expect(try ids(CallList.Options(database: .file(fixture.database), customer: "13998765432")) == ["#\(training)", "#\(lost)"])
        #expect(try ids(CallList.Options(database: .file(fixture.database), outcome: "战败")) == ["#\(lost)"])
        #expect(try ids(CallList.Options(database: .file(fixture.database), outcome: "lost")) == ["#\(lost)"])
        #expect(try ids(CallList.Options(database: .file(fixture.database), outcome: "unfinished")) == ["#\(open)"])
        #expect(try ids(CallList.Options(database: .file(fixture.database), since: "2024-03-03")) == ["#\(open)", "#\(training)"])
        #expect(try ids(CallList.Options(database: .file(fixture.database), limit: 1)) == ["#\(open)"])
        #expect(try CallList.text(CallList.Options(database: .file(fixture.database), agent: "nobody")) == "没有符合条件的通话。\n")
        #expect(throws: UserError.self) { try CallList.text(CallList.Options(database: .file(fixture.database), outcome: "maybe")) }
        #expect(throws: UserError.self) { try CallList.text(CallList.Options(database: .file(fixture.database), since: "3月1日")) }
        #expect(throws: UserError.self) { try CallList.text(CallList.Options(database: .file(fixture.database), customer: "粤Z99999")) }
    }

    @Test func theCommandPrintsTheSameLines() throws {
        let fixture = try Fixture()
        let id = try LoggedCalls.make(fixture.store, customer: "粤B12345", agent: "小李", start: LoggedCalls.at(2024, 3, 1, 9),
                                      LoggedCalls.spaced(LoggedCalls.toQuote + [LoggedCalls.end(.won)]))
        let result = try fixture.piped(["calls", "--outcome", "成交"], input: "")
        #expect(result.status == 0)
        #expect(result.output == (try CallList.text(CallList.Options(database: .file(fixture.database)))))
        #expect(result.output.hasPrefix("#\(id) "))
        let bad = try fixture.piped(["calls", "--outcome", "maybe"], input: "")
        #expect(bad.status == 1)
        #expect(bad.output.contains("unknown outcome `maybe`"))
    }
}
