import Foundation
import HuashuCalendar
import HuashuEngine
import HuashuLedger
import HuashuRenewal
import HuashuScript
import HuashuStore
import HuashuTerminal
import HuashuText

/// What every call-making command needs to know, from options and environment.
public struct CallOptions: Sendable {
    public var database: StoreLocation
    public var dialogues: [String]
    public var agent: String
    public var dealer: String
    public var overrideDoNotCall = false
    /// The team's central store each ended call is pushed to in the background; nil for none.
    public var central: String?
    public var today: Date

    /// `asking`: a command that speaks to customers may ask on a terminal for names nothing else gives.
    public init(database: StoreLocation, dialogues: [String], agent: String?, dealer: String?, today: Date = Date(), asking: Bool = true) {
        let environment = ProcessInfo.processInfo.environment
        self.database = database
        self.dialogues = dialogues.isEmpty ? [ScriptFiles.defaultPath] : dialogues
        // --agent, $HUASHU_AGENT, the config file (asked for once on a terminal), then the login name.
        let givenAgent = agent ?? environment["HUASHU_AGENT"].flatMap { $0.isEmpty ? nil : $0 }
        let givenDealer = dealer ?? environment["HUASHU_DEALER"].flatMap { $0.isEmpty ? nil : $0 }
        let kept = givenAgent != nil && givenDealer != nil ? (agent: nil, dealer: nil)
            : AgentConfig.names(environment, needAgent: givenAgent == nil, needDealer: givenDealer == nil, asking: asking)
        self.agent = givenAgent ?? kept.agent ?? environment["USER"] ?? "续保顾问"
        self.dealer = givenDealer ?? kept.dealer ?? "本店"
        self.today = today
        self.central = CentralSync.url(option: nil, environment: environment)
    }

    /// The database for a call on the terminal: its steps wait out a busy file (`BusyWait.liveCall`).
    public func openStore() throws(UserError) -> Store {
        let path = try deskFile(database)
        do { return try Store(path: path, busyWait: .liveCall) } catch { throw UserError(error.description) }
    }

    /// `$HUASHU_HISTORY`, else `~/.huashu_history`, as psql and sqlite3 keep theirs.
    static var historyFile: String {
        let environment = ProcessInfo.processInfo.environment
        return environment["HUASHU_HISTORY"] ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.huashu_history"
    }
}

/// Starts and resumes live calls: finds the customer, builds the engine's
/// context from the ledger, opens the log and hands over to `LiveCall`.
public enum CallRunner {
    public static func start(customer query: String?, next: Bool, options: CallOptions) throws(UserError) {
        let script = try ScriptFiles.load(options.dialogues)
        let store = try options.openStore()
        let customer = try pick(query: query, next: next, store: store, today: options.today, agent: options.agent)
        guard !customer.training else {
            throw UserError("\(customer.plate) is a rehearsal customer, not a real one; practise with `huashu rehearse`")
        }
        if customer.doNotCall {
            guard options.overrideDoNotCall else {
                throw UserError("\(customer.name) (\(customer.plate)) asked not to be called (勿扰). Use --override-do-not-call to call anyway; the override is logged.")
            }
            try wrap { try store.audit(agent: options.agent, action: "do_not_call_override", customerID: customer.id, callID: nil,
                                       detail: customer.plate, at: Date()) }
        }
        let (call, first) = try open(customer: customer, script: script, store: store, options: options, training: false)
        try call.recordStart(first)
        try call.run()
        CentralBackgroundPush.afterCall(options)
    }

    /// A new call on the terminal, its log opened: the part a live call and a rehearsal share.
    static func open(customer: Customer, script: Script, store: Store, options: CallOptions,
                     training: Bool) throws(UserError) -> (LiveCall, CallStep) {
        guard let customerID = customer.id else { throw UserError("\(customer.plate) is not saved in \(options.database)") }
        let context = CallContext(customer: CustomerFacts(customer, today: options.today), agent: options.agent, dealer: options.dealer,
                                  callDay: LocalDay.callbackDay(options.today))
        let engine = CallEngine(script: script, context: context)
        let first = engine.start()
        let now = Date()
        let log = try wrap { try store.beginCall(customerID: customerID, agent: options.agent, scriptVersion: script.version,
                                                 context: context, training: training, at: now) }
        let call = LiveCall(engine: engine, customer: customer, store: store, log: log,
                            reader: LineReaders.standard(historyFile: CallOptions.historyFile, historyEntry: MetaCommand.historyEntry), view: .forStandardOutput,
                            state: first.state, startedAt: now, training: training)
        return (call, first)
    }

    public static func resume(call id: Int64?, options: CallOptions) throws(UserError) {
        let script = try ScriptFiles.load(options.dialogues)
        let store = try options.openStore()
        let record: CallRecord
        if let id {
            guard let found = try wrap({ try store.call(id) }) else { throw UserError("no call #\(id) in \(options.database)") }
            guard found.outcome == nil else { throw UserError("call #\(id) already ended (\(found.outcome ?? "")); nothing to resume") }
            record = found
        } else {
            guard let newest = try wrap({ try store.unfinishedCalls() }).first else {
                throw UserError("no unfinished call to resume in \(options.database)")
            }
            record = newest
        }
        guard !record.training else {
            throw UserError("call #\(record.id) is a rehearsal; its simulated customer cannot be picked up again: start a new one with `huashu rehearse`")
        }
        guard let customer = try wrap({ try store.customer(id: record.customerID) }) else {
            throw UserError("call #\(record.id) names customer \(record.customerID), who is not in the database")
        }
        let (log, last) = try wrap { try store.continueCall(record) }
        let context: CallContext
        let state: CallState
        do {
            context = try JSONDecoder().decode(CallContext.self, from: Data(record.context.utf8))
            state = try last.decodedState()
        } catch {
            throw UserError("call #\(record.id) cannot be resumed: its log does not decode (\(error))")
        }
        guard script.nodes[state.node] != nil else {
            throw UserError("call #\(record.id) stopped at step `\(state.node)`, which today's script no longer has")
        }
        if record.scriptVersion != script.version {
            printError("note: call #\(record.id) started with script version \(record.scriptVersion); continuing with \(script.version)")
        }
        let startedAt = Timestamp.date(record.startedAt) ?? Date()
        let call = LiveCall(engine: CallEngine(script: script, context: context), customer: customer, store: store, log: log,
                            reader: LineReaders.standard(historyFile: CallOptions.historyFile, historyEntry: MetaCommand.historyEntry), view: .forStandardOutput,
                            state: state, startedAt: startedAt, training: record.training)
        call.say("继续通话 #\(record.id),从第 \(last.seq) 步之后接着来。")
        try call.run()
        CentralBackgroundPush.afterCall(options)
    }

    /// The one customer a plate, phone, ID number, name or `#id` names.
    static func customer(matching query: String, store: Store) throws(UserError) -> Customer {
        let found = try CustomerLookup.find(query, in: store)
        guard let first = found.first, found.count == 1 else {
            let list = found.map { "  #\($0.id ?? 0) \($0.name) \($0.plate)" }.joined(separator: "\n")
            throw UserError("`\(query)` matches \(found.count) customers; name one by plate or #id:\n\(list)")
        }
        return first
    }

    /// A supervisor lifts a customer's do-not-call (勿扰) mark; the audit table keeps who, why and when.
    public static func liftDoNotCall(customer query: String, by supervisor: String, reason: String, database: StoreLocation) throws(UserError) -> String {
        let who = supervisor.trimmingSpaces, why = reason.trimmingSpaces
        guard !who.isEmpty else { throw UserError("say who lifts it: --by NAME") }
        guard !why.isEmpty else { throw UserError("say why it is lifted: --reason TEXT") }
        let store = try HuashuApp.openStore(database, mustExist: true)
        let customer = try customer(matching: query, store: store)
        guard let id = customer.id, try wrap({ try store.liftDoNotCall(customerID: id, by: who, reason: why, at: Date()) }) else {
            throw UserError("\(customer.name) (\(customer.plate)) is not marked do-not-call (勿扰); nothing to lift")
        }
        return "\(customer.name) (\(customer.plate)) may be called again; logged in the audit table: by \(who), because \(why)\n"
    }

    /// The customer named, or with `next` the top of today's queue: the agent's own customers
    /// (the ledger's 专员) first, then those the ledger gives nobody; never a colleague's.
    private static func pick(query: String?, next: Bool, store: Store, today: Date, agent: String) throws(UserError) -> Customer {
        if let query { return try customer(matching: query, store: store) }
        guard next else { throw UserError("name a customer (plate, phone, name or #id) or use --next for the top of today's queue") }
        let queue = try RenewalQueue.build(store: store, today: today)
        let me = agent.trimmingCharacters(in: .whitespaces)
        func owner(_ entry: QueueEntry) -> String { entry.customer.agent?.trimmingCharacters(in: .whitespaces) ?? "" }
        guard let top = queue.first(where: { owner($0) == me }) ?? queue.first(where: { owner($0).isEmpty }) else {
            throw UserError(queue.isEmpty
                ? "nobody is due for a call today; import a ledger with `huashu import` or see `huashu queue`"
                : "none of today's \(queue.count) customers is yours (\(me)) or unassigned; see `huashu queue`")
        }
        return top.customer
    }
}

extension BusyWait {
    /// A live call never dies of a busy database: after a moment the agent sees
    /// that the step is being saved, the screen stays, and Ctrl-C offers to
    /// leave the call resumable instead of waiting on.
    static let liveCall = BusyWait(noticeAfter: 0.3, notice: {
        StandardOutput.write("保存中…(数据库正被别的程序占用,保存好之前会一直等;按 Ctrl-C 可选择稍后继续)\n")
    }, giveUp: { Interrupt.pending })
}

/// Opens the database; commands that only read it want it to exist already,
/// so a mistyped `--db` is an error instead of an empty new file.
func openStore(_ location: StoreLocation, mustExist: Bool = false) throws(UserError) -> Store {
    let path = try deskFile(location)
    if mustExist && !FileManager.default.fileExists(atPath: path) {
        throw UserError("no database at \(path); calls are logged there by `huashu call` (or name one with --db)")
    }
    do { return try Store(path: path) } catch { throw UserError(error.description) }
}

/// Runs store work, turning its errors into the user's words.
func wrap<T>(_ body: () throws -> T) throws(UserError) -> T {
    do {
        return try body()
    } catch let error as UserError {
        throw error
    } catch {
        throw UserError(String(describing: error))
    }
}

extension CallView {
    static var forStandardOutput: CallView {
        var size = winsize()
        let width = ioctl(1, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 20 ? Int(size.ws_col) : 80
        return CallView(width: width, styled: isatty(1) == 1)
    }
}

extension CustomerFacts {
    /// What the script may know of a ledger customer on a given day.
    init(_ customer: Customer, today: Date) {
        // The policy the call is about: the first not yet expired of 商业险 and 交强险.
        let policy = VehiclePolicy.current(VehiclePolicy.of(customer), today: LocalDay.day(today))
        let days = policy.map { LocalDay.day(today).days(until: $0.expiry) }
        // A company's vehicle (单位客户) is discussed with its contact person; with no form of
        // address known for them, none is used (an empty honorific is not a gap).
        var values: [String: String] = [
            "name": customer.isCompany ? customer.contact ?? customer.name : customer.name, "plate": customer.plate,
        ]
        values["honorific"] = customer.isCompany ? customer.honorific ?? "" : customer.honorific
        values["model"] = customer.model
        values["phone"] = PersonalData.phone(customer.phone)
        values["expiry"] = policy?.expiry.description ?? customer.commercialExpiry
        values["policy"] = policy?.kind.chinese
        values["compulsory_expiry"] = customer.compulsoryExpiry
        values["days"] = days.map(String.init)
        values["last_premium"] = customer.lastPremium
        values["last_insurer"] = customer.lastInsurer
        values["claims"] = customer.claims.map(String.init)
        values["grade"] = customer.grade
        values["type"] = customer.type
        // Ledger cells go onto the agent's screen: control codes in them are shown, never sent.
        self.init(grade: customer.grade.flatMap(CustomerGrade.init(rawValue:)), type: customer.type.flatMap(CustomerType.init(rawValue:)),
                  claims: customer.claims, violations: customer.violations, daysToExpiry: days,
                  values: values.mapValues { TerminalText.visible($0) })
    }
}

/// The desk's SQLite file: a live call, an import, a sync and the ledger's commands write there, never to the central store.
func deskFile(_ location: StoreLocation) throws(UserError) -> String {
    switch location {
    case .file(let path): return path
    case .central(let url):
        throw UserError("\(url) is a team's central store; this command works on a desk's SQLite file (give --db PATH, or leave --db out)")
    }
}
