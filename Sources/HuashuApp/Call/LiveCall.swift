import Foundation
import HuashuCalendar
import HuashuEngine
import HuashuRenewal
import HuashuScript
import HuashuStore
import HuashuTerminal
import HuashuText

/// Something that follows a call as it happens: a rehearsal's simulated
/// customer speaks after each screen and scores each step.
protocol CallObserver: AnyObject {
    /// What the customer says on this screen, if anything; shown before the prompt.
    func customerLine(for state: CallState) -> String?
    func didStep(_ input: CallInput, _ step: CallStep)
}

/// The live-call loop: read what the agent types, turn it into an engine
/// input, commit the step, then draw the next screen. One loop, with the
/// meta-commands as one table (`MetaCommand`).
final class LiveCall {
    let engine: CallEngine
    let customer: Customer
    let store: Store
    let log: CallLogWriter
    let recorder: CallRecorder
    var reader: LineReader
    let view: CallView
    let startedAt: Date
    let training: Bool
    private(set) var state: CallState
    private lazy var finder = ObjectionFinder(script: engine.script)
    /// The customer's part of the header does not change during a call.
    private lazy var header = view.customerHeader(customer, facts: engine.context.customer, training: training)
    weak var observer: CallObserver?
    /// The time of a step; a piped rehearsal replaces it with the time its input took (`InputClock`).
    var clock: () -> Date = Date.init
    /// Told after each step is committed (the live push to central); must not wait.
    var stepped: () -> Void = {}
    /// Handlers offered after a search: while there are any, a number or Enter picks one, and the
    /// prompt says so. Esc, Ctrl-C, a new step and `.screen` leave this pick mode.
    private var offered: [ObjectionFinder.Match] = []
    /// The agent pressed Enter past a quote or callback request.
    private var skippedAwaiting = false
    /// A callback time read from the customer's words, shown in full, booked
    /// only when the agent confirms; then the outcome, for `.end callback 周日下午`.
    private var pendingCallback: (reading: CallbackReading, then: Outcome?)?

    /// The `.` commands this call obeys.
    let commands: CallCommands

    init(engine: CallEngine, customer: Customer, store: Store, log: CallLogWriter, reader: LineReader,
         view: CallView, state: CallState, startedAt: Date, training: Bool, commands: CallCommands) {
        self.commands = commands
        self.engine = engine
        self.customer = customer
        self.store = store
        self.log = log
        recorder = CallRecorder(engine: engine, log: log, startedAt: startedAt)
        self.reader = reader
        self.view = view
        self.state = state
        self.startedAt = startedAt
        self.training = training
    }

    /// Held until the agent is next asked for input, or the call loop ends: one write per step.
    func write(_ text: String) {
        StandardOutput.hold(text.utf8)
    }

    /// Logs the first screen of a new call.
    func recordStart(_ step: CallStep) throws(UserError) {
        _ = try committed { at throws(StoreError) in (step, try recorder.record(nil, step, at: at)) }
    }

    /// Runs until the call has an outcome or the agent leaves it open.
    func run() throws(UserError) {
        nonisolated(unsafe) let call = self
        reader.completer = { call.completionWords() }
        defer {
            reader.completer = nil
            StandardOutput.flush()
        }
        draw()
        while true {
            if let outcome = state.outcome {
                guard outcome.kind.removesFromFutureCalls else { break }
                switch try lastChanceToTakeBack() {
                case .stay: continue
                case .leave: return
                case .close: break
                }
                break
            }
            switch reader.readLine(prompt: prompt()) {
            case .interrupted, .escaped:
                leaveSearch()
            case .endOfInput:
                if confirmLeaving() { return }
            case .line(let text):
                if try handle(text) == .leave { return }
            }
        }
        try askForMissingFacts()
        write(view.bold("通话结束。") + "\n")
    }

    /// An ending that lacks a fact its outcome needs asks for it before the call closes, one fact at
    /// a time, until the agent records it. Ctrl-C skips the fact asked, Ctrl-D closes the call; a
    /// `.` command (`.record`, `.note`) is obeyed, not taken as the answer.
    private func askForMissingFacts() throws(UserError) {
        var skipped: Set<CallFact> = []
        while !training, let fact = state.factsMissingAtEnd.first(where: { !skipped.contains($0) }) {
            let text: String
            switch reader.readLine(prompt: Self.question(fact) + "(Ctrl-C 跳过)> ") {
            case .line(let line): text = InputNormalisation.foldFullWidth(line).trimmingSpaces
            case .interrupted, .escaped: skipped.insert(fact); continue
            case .endOfInput: return
            }
            if text.hasPrefix(".") || text.hasPrefix("/") {
                if try commands.run(text.dropFirst(), self) == .leave { return }
                continue
            }
            let words = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
            guard let first = words.first else { continue }
            if fact == .destination {
                try apply(.fact(.destination, first))
                if words.count > 1 { try apply(.fact(.priceGap, words[1])) }
            } else {
                try apply(.fact(fact, words.joined(separator: " ")))
            }
        }
    }

    /// What the agent is asked for a fact the ending lacks.
    private static func question(_ fact: CallFact) -> String {
        switch fact {
        case .destination: return "客户去了哪家保险公司?可加差价,如 平安 300;不知道写 不详"
        case .covers: return "客户买了哪些险种?如 交强险 车损 三者100万"
        case .payment: return "客户怎么付款?" + CallFact.paymentMethods.joined(separator: "、")
        case .delivery: return "保单怎么交给客户?寄到 地址、来店取 或 电子保单"
        case .premium, .priceGap, .otherVehicle: return "\(fact.chinese)?"
        }
    }

    enum Flow { case stay, leave }

    /// An ending that removes the customer from every future call list (勿扰) keeps the call open
    /// for one more line: `.back` takes it back (the database then holds no mark), Enter closes the call.
    private func lastChanceToTakeBack() throws(UserError) -> LastChance {
        say(view.warn("已标记勿扰:以后所有拨打名单都不再有这位客户(主管可用 huashu lift-do-not-call 解除)。"))
        switch reader.readLine(prompt: "勿扰> 回车结束通话,.back 撤销> ") {
        case .line(let raw):
            let text = InputNormalisation.foldFullWidth(raw).trimmingSpaces
            if text.isEmpty { return .close }
            // Only `.back` may follow an ending: the call's row holds the ending as logged.
            if [".back", "/back", ".b"].contains(text) { return try commands.run(text.dropFirst(), self) == .leave ? .leave : .stay }
            say(view.warn("通话已结束。回车结束通话,.back 撤销勿扰。"))
            return .stay
        case .endOfInput:
            return .close
        case .interrupted, .escaped:
            return .stay
        }
    }

    enum LastChance { case stay, leave, close }

    /// Leaves the search's pick mode: numbers answer the step again.
    func leaveSearch() {
        offered = []
    }

    /// Enters a handler picked from a search; one whose path can mark the customer 勿扰 asks first.
    private func take(_ match: ObjectionFinder.Match) throws(UserError) {
        if match.removesCustomer, !confirmRemoval("进入「\(match.title)」") { return }
        try apply(.objection(match.handlerID))
    }

    /// Says what the move (`进入「别再打了」`) will do and asks; true only for a yes.
    func confirmRemoval(_ move: String) -> Bool {
        let question = "\(move)会把客户标为勿扰:以后所有拨打名单都不再有这位客户。确定? (y/N) "
        if case .line(let answer) = reader.readLine(prompt: question),
           ["y", "yes", "是", "确定"].contains(InputNormalisation.foldFullWidth(answer).trimmingSpaces.lowercased()) {
            return true
        }
        say("已取消:没有\(move)。")
        return false
    }

    /// The longest line taken, in characters: a note or what the customer said is far shorter, and
    /// a pasted megabyte would otherwise hold the call while the search reads it.
    static let longestLine = 2_000

    private func handle(_ raw: String) throws(UserError) -> Flow {
        if raw.utf8.count > Self.longestLine, raw.unicodeScalars.count > Self.longestLine {
            say(view.warn("这一行超过 \(Self.longestLine) 个字,没有处理。请只输入客户说的要点。"))
            return .stay
        }
        if TerminalText.hasNUL(raw) {
            say(view.warn("这一行含有空字符(NUL),没有处理。请重新输入。"))
            return .stay
        }
        let text = InputNormalisation.foldFullWidth(raw).trimmingSpaces
        if let pending = pendingCallback {
            pendingCallback = nil
            let choice = InputNormalisation.integer(text).flatMap { pending.reading.choices.indices.contains($0 - 1) ? pending.reading.choices[$0 - 1] : nil }
            if text.isEmpty || ["y", "yes", "是", "好", "确认"].contains(text.lowercased()) || choice != nil {
                try apply(.callback(choice ?? pending.reading.time))
                if let outcome = pending.then, state.callback != nil { try apply(.end(outcome, lostTo: nil)) }
                return .stay
            }
            say("回访没有预约。")
        }
        if text.hasPrefix(".") || text.hasPrefix("/") {
            return try commands.run(text.dropFirst(), self)
        }
        if let number = InputNormalisation.integer(text) {
            try choose(number)
        } else if text.isEmpty {
            if let first = offered.first {
                guard !first.removesCustomer || first.unmistakable else {
                    say(view.warn("回车不会默认选「\(first.title)」(勿扰)。客户确实拒绝再接电话,请输入编号 1 并确认。"))
                    return .stay
                }
                try take(first)
            } else if state.awaiting != nil {
                skippedAwaiting = true
                draw()
            }
        } else if state.awaiting == .quote && !skippedAwaiting, Premium.digits(text) != nil {
            try apply(.quote(text))
        } else if state.awaiting == .callback && !skippedAwaiting, offerCallback(text, then: nil, orSearch: true) {
        } else {
            search(text)
        }
        return .stay
    }

    private func choose(_ number: Int) throws(UserError) {
        if !offered.isEmpty {
            guard offered.indices.contains(number - 1) else { return say(view.warn("没有第\(number)项。Esc 退出选择。")) }
            return try take(offered[number - 1])
        }
        if state.awaiting == .callback && !skippedAwaiting {
            guard CallbackTime.closedChoices.indices.contains(number - 1) else { return say(view.warn("回访时间请选 1-4。")) }
            return try apply(.callback(CallbackTime.closedChoices[number - 1]))
        }
        if state.awaiting == .quote && !skippedAwaiting {
            return try apply(.quote(String(number)))
        }
        let answers = engine.visibleAnswers(state)
        guard answers.indices.contains(number - 1) else {
            return say(view.warn("这一步只有 1-\(answers.count) 号选项。输入客户说的话可以找异议处理,.help 看命令。"))
        }
        let answer = answers[number - 1]
        if case .node(let target) = answer.target, let handler = engine.script.nodes[target], handler.isObjection,
           ObjectionFinder.removesCustomer(handler, engine.script), !confirmRemoval("进入「\(handler.title ?? target)」") { return }
        try apply(.answer(answer.id))
    }

    /// Reads a callback time from the customer's words and shows it in full for the agent to confirm.
    /// With `orSearch`, words with no time in them at all are left for the objection search (false).
    @discardableResult
    func offerCallback(_ words: String, then outcome: Outcome?, orSearch: Bool = false) -> Bool {
        let now = Date()
        let today = LocalDay.day(now)
        // Callbacks count from the call's day; a call resumed on a later day counts the days between.
        let callDay = engine.context.callDay ?? today
        let shift = callDay.days(until: today)
        let daysToExpiry = engine.context.customer.daysToExpiry.map { $0 - shift }
        switch CallbackTimeParser.read(words, now: CallbackClock(today: today, minute: LocalDay.minute(now)), daysToExpiry: daysToExpiry) {
        case .success(let reading):
            let shifted = reading.later(by: shift)
            pendingCallback = (shifted, outcome)
            say(view.callbackConfirmation(shifted, callDay: callDay))
            return true
        case .failure(let refusal):
            if orSearch, case .noTime = refusal.reason { return false }
            say(view.warn("不能约这个时间: " + refusal.description))
            return true
        }
    }

    func search(_ words: String) {
        offered = finder.rank(words, limit: 5)
        write(view.matches(offered))
    }

    /// One step: engine, commit, then screen.
    func apply(_ input: CallInput) throws(UserError) {
        offered = []
        let (step, screen) = try committed { at throws(StoreError) in try recorder.take(input, from: state, at: at) }
        observer?.didStep(input, step)
        for case .refused(let reason) in step.events {
            say(view.warn("不能这样做: " + reason))
            return
        }
        if step.state.node != state.node || step.state.awaiting != state.awaiting { skippedAwaiting = false }
        let moved = step.events.contains { if case .entered = $0 { return true } else { return false } }
        let answered = step.state.quote != state.quote || step.state.callback != state.callback
        state = step.state
        confirm(step.events)
        if moved || answered || state.hasEnded && !input.isAfterword { draw(screen) }
    }

    /// Takes and logs a step through the recorder at this moment, waiting while the database is busy
    /// (the step is taken again from the same state: the engine is pure).
    private func committed(_ take: (Date) throws(StoreError) -> (CallStep, CallScreen)) throws(UserError) -> (CallStep, CallScreen) {
        let at = clock()
        while true {
            do {
                let taken = try take(at)
                stepped()
                return taken
            } catch let error where error.isBusy {
                // Only Ctrl-C ends a wait for a busy database.
                guard keepsWaiting() else {
                    throw UserError("这一步没有保存,通话已保留到上一步。继续这通电话: huashu resume \(log.callID)")
                }
            } catch {
                throw UserError("the step could not be saved, so the call stops here (resume it with `huashu resume \(log.callID)`): \(error)")
            }
        }
    }

    /// After Ctrl-C while a step waited for a busy database: wait on, or leave the call to resume later.
    private func keepsWaiting() -> Bool {
        switch reader.readLine(prompt: "数据库仍被占用,这一步还没保存。回车继续等待;输入 y 离开,稍后用 huashu resume \(log.callID) 继续: ") {
        case .line(let answer): return !["y", "yes", "是"].contains(InputNormalisation.foldFullWidth(answer).trimmingSpaces.lowercased())
        case .interrupted, .escaped: return true
        case .endOfInput: return false
        }
    }

    private func confirm(_ events: [CallEvent]) {
        for event in events {
            switch event {
            case .noteTaken: say("已记下备注。")
            case .quoteRecorded(let amount): say("已记录报价 \(amount) 元。")
            case .callbackBooked(let time): say("已约回访: \(time.chinese(from: engine.context.callDay))。")
            case .factRecorded(let fact, let value): say("已记录\(fact.chinese): \(value)。")
            case .returned(let to, _): say(view.dim("回到刚才的步骤：\(engine.script.nodes[to]?.name ?? to)"))
            default: break
            }
        }
    }

    func say(_ text: String) {
        write(text + "\n")
    }

    /// One write per screen: the terminal gets it whole. A step passes the screen it just logged.
    func draw(_ screen: CallScreen? = nil) {
        var text: [UInt8] = []
        text.reserveCapacity(4096)
        text.append(UInt8(ascii: "\n"))
        header.append(elapsed: clock().timeIntervalSince(startedAt), to: &text)
        view.appendBody(screen ?? engine.screen(state), to: &text)
        if !state.hasEnded, let line = observer?.customerLine(for: state) { text.append(contentsOf: (view.bold("客户: ") + line + "\n").utf8) }
        StandardOutput.hold(text)
    }

    private func prompt() -> String {
        if !offered.isEmpty { return "选择异议 1-\(offered.count),Esc 退出> " }
        if pendingCallback != nil { return "确认回访(回车/y)> " }
        if !skippedAwaiting {
            switch state.awaiting {
            case .quote: return "报价金额> "
            case .callback: return "回访时间> "
            case nil: break
            }
        }
        let title = engine.script.nodes[state.node].flatMap { engine.script.stage($0.stageID)?.title } ?? ""
        return "\(title)> "
    }

    /// Ctrl-D or the end of piped input: a call without an outcome is left open, not lost.
    private func confirmLeaving() -> Bool {
        guard view.styled else {
            say("输入结束,通话没有结果:已保存,可用 huashu resume \(log.callID) 继续。")
            return true
        }
        switch reader.readLine(prompt: "通话还没有结果。离开并稍后用 huashu resume 继续? (y/N) ") {
        case .line(let answer) where ["y", "yes", "是"].contains(InputNormalisation.foldFullWidth(answer).trimmingSpaces.lowercased()):
            say("已保存。继续这通电话: huashu resume \(log.callID)")
            return true
        case .endOfInput:
            say("已保存。继续这通电话: huashu resume \(log.callID)")
            return true
        default:
            draw()
            return false
        }
    }

    func completionWords() -> [String] {
        var words = commands.names.map { "." + $0 }
        words += engine.visibleAnswers(state).indices.map { String($0 + 1) }
        words += engine.script.objections.map(\.id)
        return words
    }
}

/// The `.` commands a call obeys, handed in by whoever opens it: the loop knows how to
/// pass a line on, the table (`MetaCommand`) knows the commands, and only the table knows the call.
struct CallCommands: Sendable {
    /// Every command's names, for Tab completion.
    let names: [String]
    let run: @Sendable (Substring, LiveCall) throws(UserError) -> LiveCall.Flow
}
