import Foundation
import HuashuCalendar
import HuashuEngine
import HuashuRenewal
import HuashuScript
import HuashuStore
import HuashuTerminal
import HuashuText

/// What `huashu rehearse` is asked for.
public struct RehearsalOptions: Sendable {
    public var call: CallOptions
    /// A scenario ID; nil to draw one with the seed.
    public var scenario: String?
    /// nil for a fresh seed, printed so the rehearsal can be repeated.
    public var seed: UInt64?
    /// Only scenarios whose customer is of this type: 价格敏感型 (price), 服务敏感型 (service), 无所谓型 (indifferent).
    public var customerType: String?

    public init(call: CallOptions, scenario: String? = nil, seed: UInt64? = nil, customerType: String? = nil) {
        self.call = call
        self.scenario = scenario
        self.seed = seed
        self.customerType = customerType
    }
}

/// `huashu rehearse`: a call on the live-call screen and engine, marked as
/// training, where the program plays the customer of a scenario. The customer
/// speaks under each screen; after the call the score sheet is printed.
public enum RehearsalRunner {
    public static func run(_ options: RehearsalOptions) throws(UserError) {
        let script = try ScriptFiles.load(options.call.dialogues)
        let book = try scenarios(script: script, paths: options.call.dialogues)
        let seed = options.seed ?? freshSeed()
        let scenario = try choose(from: book, id: options.scenario, type: options.customerType, seed: seed)
        let store = try options.call.openStore()
        let customer = try wrap { try store.saveTrainingCustomer(trainingCustomer(scenario, today: options.call.today)) }
        let (call, first) = try CallRunner.open(customer: customer, script: script, store: store, options: options.call, training: true)
        let engine = call.engine
        let log = call.log
        let startedAt = call.startedAt
        var clock: () -> Date = Date.init
        if !isTerminal(.standardInput) {
            let inputClock = InputClock(start: startedAt)
            call.reader = ClockedReader(call.reader, clock: inputClock)
            clock = inputClock.now
            call.clock = clock
        }
        let observer = RehearsalObserver(customer: SimulatedCustomer(scenario: scenario, book: book, engine: engine, seed: seed),
                                         recorder: call.recorder, state: first.state, now: clock)
        call.observer = observer
        call.say(introduction(scenario, seed: seed, customer: customer, view: call.view))
        try call.recordStart(first)
        observer.record("演练[场景:\(scenario.id) 种子:\(seed)]", state: first.state)
        try call.run()
        if call.state.outcome == nil {
            try wrap { try store.markAbandoned(call: log.callID, at: Timestamp.string(clock())) }
        }
        let outcome = call.state.outcome.map { $0.kind.chinese + ($0.lossReason.map { "(\($0.chinese))" } ?? "") }
            ?? "中途退出（通话 #\(log.callID) 记为已放弃，不计入 huashu coverage）"
        let title = "场景 \(scenario.title) [\(scenario.id)] · 种子 \(seed) · 学员 \(options.call.agent) · 用时 "
            + CallView.clock(clock().timeIntervalSince(startedAt)) + " · 结果 \(outcome)"
        StandardOutput.write("\n" + observer.customer.score.sheet(title: title, engine: engine, state: call.state))
        if let problem = observer.logProblem {
            throw UserError("some of the customer's words did not reach the call log of #\(log.callID), so `huashu coverage` will score this rehearsal short: \(problem)")
        }
    }

    /// `huashu rehearse --list`: every scenario, one line each.
    public static func list(_ options: CallOptions) throws(UserError) -> String {
        let script = try ScriptFiles.load(options.dialogues)
        let book = try scenarios(script: script, paths: options.dialogues)
        let width = book.scenarios.map(\.id.displayWidth).max() ?? 0
        return book.scenarios.map { scenario in
            let profile = scenario.profile
            let who = [profile.type?.rawValue, profile.grade.map { $0.rawValue + "级" }, profile.daysToExpiry.map { "剩\($0)天" }]
                .compactMap { $0 }.joined(separator: " ")
            return "\(TextWrap.padded(scenario.id, to: width))  \(scenario.title)  (\(who))"
        }.joined(separator: "\n") + "\n"
    }

    /// The `.scenario` files beside the script, checked against it; errors stop the rehearsal.
    static func scenarios(script: Script, paths: [String]) throws(UserError) -> ScenarioBook {
        let folders = paths.filter { path in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
        }
        let sources = try ScriptFiles.read(folders, fileExtension: "scenario")
        let (book, diagnostics) = ScenarioChecker.lint(sources, script: script)
        let errors = diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty else {
            throw UserError("the rehearsal scenarios have errors; fix them (see `huashu lint`):\n" + DiagnosticsFormatter(sources: sources, language: MessageLanguage.fromEnvironment).format(errors))
        }
        guard !book.scenarios.isEmpty else {
            throw UserError("no rehearsal scenarios (.scenario files) in \(paths.joined(separator: ", ")); see \"Rehearsal scenarios\" in Dialogues/README.md")
        }
        return book
    }

    static func choose(from book: ScenarioBook, id: String?, type: String?, seed: UInt64) throws(UserError) -> Scenario {
        var candidates = book.scenarios
        if let type {
            guard let wanted = customerType(type) else {
                throw UserError("`\(type)` is not a customer type; use 价格敏感型 (price), 服务敏感型 (service) or 无所谓型 (indifferent)")
            }
            candidates = candidates.filter { $0.profile.type == wanted }
            guard !candidates.isEmpty else { throw UserError("no scenario has a \(wanted.rawValue) customer") }
        }
        if let id {
            guard let found = candidates.first(where: { $0.id == id }) else {
                let known = candidates.map(\.id).joined(separator: ", ")
                throw UserError("no scenario `\(id)`\(type == nil ? "" : " with that customer type"); scenarios: \(known)")
            }
            return found
        }
        var random = SplitMix64(seed: ~seed)
        return candidates[random.below(candidates.count)]
    }

    static func customerType(_ text: String) -> CustomerType? {
        switch text.trimmingSpaces.lowercased() {
        case "价格敏感型", "价格敏感", "价格", "price": return .priceSensitive
        case "服务敏感型", "服务敏感", "服务", "service": return .serviceSensitive
        case "无所谓型", "无所谓", "indifferent": return .indifferent
        default: return nil
        }
    }

    /// The scenario's customer as a rehearsal-only ledger row, expiring `days` from today.
    static func trainingCustomer(_ scenario: Scenario, today: Date) -> Customer {
        let profile = scenario.profile
        let expiry = profile.daysToExpiry.map { LocalDay.day(today).adding(days: $0).description }
        return Customer(plate: profile.plate ?? "演练-\(scenario.id)", name: profile.name ?? "演练客户", honorific: profile.honorific,
                        model: profile.model, lastInsurer: profile.lastInsurer, lastPremium: profile.lastPremium,
                        commercialExpiry: expiry, compulsoryExpiry: expiry, claims: profile.claims, violations: profile.violations,
                        grade: profile.grade?.rawValue, type: profile.type?.rawValue, notes: "演练场景 \(scenario.id)", training: true)
    }

    /// Six digits from the clock: short enough to read out to a trainee.
    static func freshSeed() -> UInt64 {
        UInt64(Date().timeIntervalSince1970 * 1000) % 1_000_000
    }

    static func introduction(_ scenario: Scenario, seed: UInt64, customer: Customer, view: CallView) -> String {
        let who = customer.name + (customer.honorific ?? "")
        let kind = [customer.type, customer.grade.map { $0 + "级" }].compactMap { $0 }.joined(separator: " ")
        return [
            view.bold("演练：\(scenario.title) [\(scenario.id)] · 客户 \(who)\(kind.isEmpty ? "" : " (\(kind))") · 种子 \(seed)"),
            "程序扮演客户：每一屏下面的“客户:”是客户说的话。选客户的意思对应的答案编号，或者输入客户的话查找异议处理；.help 看全部命令。",
            view.dim("同一通再练一次：huashu rehearse --scenario \(scenario.id) --seed \(seed)"),
        ].joined(separator: "\n")
    }
}

/// Plays the scenario's customer beside a `LiveCall`: says the customer's
/// words under each screen, logs them as notes (so a replay shows both
/// sides and `huashu coverage` can score the rehearsal later) and judges
/// each of the trainee's steps.
final class RehearsalObserver: CallObserver {
    private(set) var customer: SimulatedCustomer
    private let recorder: CallRecorder
    private var current: CallState
    private let now: () -> Date
    private(set) var logProblem: String?

    init(customer: SimulatedCustomer, recorder: CallRecorder, state: CallState, now: @escaping () -> Date = Date.init) {
        self.customer = customer
        self.recorder = recorder
        current = state
        self.now = now
    }

    func customerLine(for state: CallState) -> String? {
        guard let line = customer.speak(at: state, time: now().timeIntervalSince1970) else { return nil }
        if line.isNew, let turn = line.turn { record(turn.note, state: state) }
        return line.text + "\n" + Self.expectedInput(state, engine: customer.engine)
    }

    /// What the trainee is to type at this screen: a rehearsal is learnt from the screen alone.
    static func expectedInput(_ state: CallState, engine: CallEngine) -> String {
        switch state.awaiting {
        case .quote: return "请输入：报价金额（元，例如 4860）"
        case .callback: return "请输入：回访时间，照客户的原话（如 周日下午、明天四点以后），或编号 1-\(CallbackTime.closedChoices.count)"
        case nil:
            let count = engine.visibleAnswers(state).count
            let numbers = count == 1 ? "答案编号 1" : "答案编号 1-\(count)"
            return "请输入：\(numbers)，或客户的话（找异议处理）"
        }
    }

    func didStep(_ input: CallInput, _ step: CallStep) {
        let before = current
        current = step.state
        _ = customer.trainee(input, before: before, after: step, time: now().timeIntervalSince1970)
    }

    /// A note in the call's log, as if typed with `.note`.
    func record(_ text: String, state: CallState) {
        do {
            _ = try recorder.take(.note(text), from: state, at: now())
        } catch {
            logProblem = String(describing: error)
        }
    }
}
