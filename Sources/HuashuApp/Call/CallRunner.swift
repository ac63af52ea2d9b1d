import Foundation
import HuashuCalendar
import HuashuEngine
import HuashuLedger
import HuashuRenewal
import HuashuScript
import HuashuStore
import HuashuTerminal
import HuashuText

/// Starts and resumes live calls: finds the customer, builds the engine's
/// context from the ledger, opens the log and hands over to `LiveCall`.
public enum CallRunner {
    public static func start(customer query: String?, next: Bool, options: CallOptions) throws(UserError) {
        let script = try ScriptFiles.load(options.dialogues)
        let store = try options.openStore()
        let central = CentralLink()
        if next && query == nil { CentralPull.beforeNext(store: store, agent: options.agent, link: central) { printError($0) } }
        // `--next` asks the queue again past the customers other desks hold, a page at a time, until one is free or the list ends.
        // (By id, not by place: a refusal heard on the way takes its customer off the list.) The page grows fourfold each round,
        // so a queue mostly held elsewhere is read a few times, not once per ten customers.
        var passed: Set<Int64> = [], candidates: [Customer], page = nextCandidates
        repeat {
            candidates = try pick(query: query, next: next, store: store, today: options.today, agent: options.agent, passing: passed, page: page)
            page *= 4
            if let (customer, floor) = try firstFree(candidates, query: query, store: store, options: options, central: central) {
                return try run(customer, floor: floor, script: script, store: store, options: options, outageSaid: central.failed)
            }
            passed.formUnion(candidates.compactMap(\.id))
        } while query == nil && !candidates.isEmpty
        throw UserError("all \(passed.count) customers of today's queue for you are being called on other desks, or were refused there; "
            + "try again in a moment, or see `huashu queue`")
    }

    /// The first of `candidates` this desk may call now, claimed on the central store; nil when other desks hold them all.
    private static func firstFree(_ candidates: [Customer], query: String?, store: Store, options: CallOptions,
                                  central: CentralLink) throws(UserError) -> (Customer, floor: CallFloor?)? {
        for customer in candidates {
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
            switch try CallFloor.claim(customer, store: store, agent: options.agent, link: central, say: { printError($0) }) {
            case .elsewhere(let why) where query == nil:
                // `--next` moves on to the next customer of the queue that no other desk holds.
                printError(why + "; taking the next customer")
            case .elsewhere(let why):
                throw UserError(why + "; pick another customer")
            case .mine(let floor):
                return (customer, floor)
            }
        }
        return nil
    }

    /// `outageSaid`: this command already said the central store is out of reach.
    private static func run(_ customer: Customer, floor: CallFloor?, script: Script, store: Store, options: CallOptions,
                            outageSaid: Bool) throws(UserError) {
        let call: LiveCall
        let live = LivePush.start(options)
        do {
            let (opened, first) = try open(customer: customer, script: script, store: store, options: options, training: false)
            if let live { opened.stepped = live.stepped }
            try opened.recordStart(first)
            call = opened
        } catch {
            floor?.release()
            throw error
        }
        try call.run()
        floor?.release(after: call)
        CentralBackgroundPush.afterCall(options, outageSaid: outageSaid)
    }

    /// A new call on the terminal, its log opened: the part a live call and a rehearsal share.
    static func open(customer: Customer, script: Script, store: Store, options: CallOptions,
                     training: Bool) throws(UserError) -> (LiveCall, CallStep) {
        guard let customerID = customer.id else { throw UserError("\(customer.plate) is not saved in \(options.database)") }
        let context = CallContext(customer: CustomerFacts(customer, today: options.today), agent: options.agent, dealer: options.dealer,
                                  callDay: LocalDay.day(options.today))
        let engine = CallEngine(script: script, context: context)
        let first = engine.start()
        let now = Date()
        let log = try wrap { try store.beginCall(customerID: customerID, agent: options.agent, scriptVersion: script.version,
                                                 context: context, training: training, at: now) }
        let call = LiveCall(engine: engine, customer: customer, store: store, log: log,
                            reader: LineReaders.standard(historyFile: CallOptions.historyFile, historyEntry: MetaCommand.historyEntry), view: .forStandardOutput,
                            state: first.state, startedAt: now, training: training, commands: MetaCommand.forCalls)
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
        let (log, last, logged) = try wrap { try store.continueCall(record, handlers: Set(script.objections.map(\.id))) }
        let context: CallContext
        do {
            context = try JSONDecoder().decode(CallContext.self, from: Data(record.context.utf8))
        } catch {
            throw UserError("call #\(record.id) cannot be resumed: its context does not decode (\(error))")
        }
        guard let state = logged else {
            throw UserError("call #\(record.id) cannot be resumed: its log does not read (step \(last.seq))")
        }
        guard script.nodes[state.node] != nil else {
            throw UserError("call #\(record.id) stopped at step `\(state.node)`, which today's script no longer has")
        }
        if record.scriptVersion != script.version {
            printError("note: call #\(record.id) started with script version \(record.scriptVersion); continuing with \(script.version)")
        }
        // Resuming renews this desk's own lease; another desk that took the customer meanwhile keeps it.
        let floor: CallFloor?
        let central = CentralLink()
        switch try CallFloor.claim(customer, store: store, agent: context.agent, link: central, say: { printError($0) }) {
        case .mine(let held): floor = held
        case .elsewhere(let why): throw UserError(why + "; the call stays resumable for later")
        }
        let startedAt = Timestamp.date(record.startedAt) ?? Date()
        let call = LiveCall(engine: CallEngine(script: script, context: context), customer: customer, store: store, log: log,
                            reader: LineReaders.standard(historyFile: CallOptions.historyFile, historyEntry: MetaCommand.historyEntry), view: .forStandardOutput,
                            state: state, startedAt: startedAt, training: record.training, commands: MetaCommand.forCalls)
        let live = LivePush.start(options)
        if let live { call.stepped = live.stepped }
        call.say("继续通话 #\(record.id),从第 \(last.seq) 步之后接着来。")
        try call.run()
        floor?.release(after: call)
        CentralBackgroundPush.afterCall(options, outageSaid: central.failed)
    }

    /// The customer named, or for `--next` the first few of today's queue not in `passed` (this agent's own, the
    /// ledger's 专员, then those it gives nobody; never a colleague's): the ones another desk holds are passed over.
    private static func pick(query: String?, next: Bool, store: Store, today: Date, agent: String, passing passed: Set<Int64>,
                             page: Int) throws(UserError) -> [Customer] {
        if let query { return [try CustomerLookup.one(matching: query, in: store)] }
        guard next else { throw UserError("name a customer (plate, phone, name or #id) or use --next for the top of today's queue") }
        let plan = try RenewalPlan.chosen(nil)
        let day = LocalDay.day(today), minute = LocalDay.minute(today)
        let wanted = passed.count + page
        func first(_ owner: QueueOwner) throws(UserError) -> [Customer] {
            var found: [Customer] = []
            try RenewalQueue.each(store: store, today: day, minute: minute, plan: plan, owner: owner, limit: wanted) { found.append($0.customer) }
            return found
        }
        let me = agent.trimmingSpaces
        let mine = me.isEmpty ? [] : try first(.agent(me))
        let candidates = Array((mine + (mine.count < wanted ? try first(.nobody) : [])).filter { !passed.contains($0.id ?? 0) }.prefix(page))
        if !candidates.isEmpty || !passed.isEmpty { return candidates }
        var count = 0
        try RenewalQueue.each(store: store, today: day, minute: minute, plan: plan, owner: .anyone) { _ in count += 1 }
        throw UserError(count == 0
            ? "nobody is due for a call today; import a ledger with `huashu import` or see `huashu queue`"
            : "none of today's \(count) customers is yours (\(me)) or unassigned; see `huashu queue`")
    }

    /// How many customers of the queue `--next` asks for first; each later round, while other desks hold them, four times as many.
    static let nextCandidates = 10
}

