import Foundation
import HuashuRenewal
import HuashuScript

/// The one owner of the call log's format: how a step's input and events are
/// written to a row and read back, which typed columns a row carries for the
/// reports, replay and resume to filter on, and how the state after a step is
/// rebuilt from the events (rows keep no state snapshot since v5).
///
/// A step's events are lines, one event each: a short tag, then its values,
/// separated by tabs (`answer\tgreet>yes` `enter\tconfirm_car\tidentity`);
/// a tab, a line break or a backslash inside a value is escaped as `\t`,
/// `\n`, `\\`. The text is written by hand into one byte buffer: a step is
/// logged while the agent waits. Rows logged before v5 hold JSON in the shape
/// of the synthesized `Codable` conformances; this codec reads those too, so no
/// other place ever parses a row.
public enum CallLogCodec {
    // MARK: Writing

    public static func text(_ events: [CallEvent]) -> String {
        var out = Writer()
        for event in events { out.write(event) }
        return out.text
    }

    /// The input's own column: nil when the row's kind, answer, handler and note columns say it all.
    public static func text(_ input: CallInput) -> String? {
        var out = Writer()
        switch input {
        case .answer, .objection, .back, .note: return nil
        case .quote(let amount): out.line("quote", amount)
        case .callback(let slot): out.line("callback", slot)
        case .end(let outcome, let lostTo): out.line("end", outcome, lostTo)
        case .fact(let fact, let value): out.line("fact", fact.rawValue, value)
        }
        return out.text
    }

    // MARK: Reading

    /// A row's events, written by this codec or (before v5) as JSON; nil when they do not read.
    public static func events(_ text: String) -> [CallEvent]? {
        if text.hasPrefix("[") { return try? JSONDecoder().decode([CallEvent].self, from: Data(text.utf8)) }
        var events: [CallEvent] = []
        for line in lines(text) {
            guard let event = event(line) else { return nil }
            events.append(event)
        }
        return events
    }

    /// A row's input from its columns; nil for a call's first step, or when it does not read.
    public static func input(kind: String, text: String?, answerID: String?, handlerID: String?, note: String?) -> CallInput? {
        if let text, text.hasPrefix("{") { return try? JSONDecoder().decode(CallInput.self, from: Data(text.utf8)) }
        switch kind {
        case "answer": return answerID.map(CallInput.answer)
        case "objection": return handlerID.map(CallInput.objection)
        case "back": return .back
        case "note": return note.map(CallInput.note)
        default:
            guard let text, let fields = lines(text).first else { return nil }
            switch (fields.first, fields.count) {
            case ("quote", 2): return .quote(fields[1])
            case ("callback", 4): return slot(fields[1...]).map(CallInput.callback)
            case ("end", 3), ("end", 4): return outcome(fields[1], fields[2]).map { .end($0, lostTo: fields.count == 4 ? fields[3] : nil) }
            case ("fact", 3): return CallFact(rawValue: fields[1]).map { .fact($0, fields[2]) }
            default: return nil
            }
        }
    }

    /// A call's state as rows logged before v5 kept it (JSON).
    public static func state(_ text: String) -> CallState? {
        try? JSONDecoder().decode(CallState.self, from: Data(text.utf8))
    }

    // MARK: Typed columns

    /// What a step did, as the row's own columns: what reports, replay and resume filter on, so no query reads events.
    public struct Columns: Equatable, Sendable {
        /// The node the step arrived at (the last one entered), if it moved.
        public var entered: String?
        /// The objection handler raised.
        public var raised: String?
        /// The answer the engine took (an answer it refused is only in `answer_id`, the input).
        public var answered: String?
        /// The node a handler returned to.
        public var returnedTo: String?
        /// The outcome the step ended the call with (`OutcomeKind`).
        public var outcome: String?

        public init(_ events: [CallEvent]) {
            for event in events {
                switch event {
                case .entered(let node, _): entered = node
                case .objectionRaised(let handler, _): raised = handler
                case .answered(let answer): answered = answer
                case .returned(let to, _): returnedTo = to
                case .ended(let ending, _): outcome = ending.kind.rawValue
                default: break
                }
            }
        }

        /// The columns' names in the row, in the order of `values`.
        public static let names = ["entered", "raised", "answered", "returned_to", "outcome"]
        public var values: [String?] { [entered, raised, answered, returnedTo, outcome] }
    }

    // MARK: Lines

    /// Appends lines as UTF-8 to one growing buffer (a String append costs several times a byte append).
    struct Writer {
        private var bytes: [UInt8] = []

        init() { bytes.reserveCapacity(128) }

        var text: String { String(decoding: bytes, as: UTF8.self) }

        private mutating func start(_ tag: StaticString) {
            if !bytes.isEmpty { bytes.append(UInt8(ascii: "\n")) }
            tag.withUTF8Buffer { bytes.append(contentsOf: $0) }
        }

        private mutating func field(_ value: String) {
            bytes.append(UInt8(ascii: "\t"))
            var value = value
            value.withUTF8 { utf8 in
                for unit in utf8 {
                    switch unit {
                    case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                    case UInt8(ascii: "\t"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                    case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                    default: bytes.append(unit)
                    }
                }
            }
        }

        mutating func line(_ tag: StaticString, _ values: String?...) {
            start(tag)
            for case let value? in values { field(value) }
        }

        mutating func line(_ tag: StaticString, _ slot: CallbackTime) {
            line(tag, String(slot.daysAhead), String(slot.minute), slot.after ? "1" : "0")
        }

        /// An outcome and a destination: the reason is empty when there is none, a destination left out when nil.
        mutating func line(_ tag: StaticString, _ outcome: Outcome, _ lostTo: String?) {
            line(tag, outcome.kind.rawValue, outcome.lossReason?.rawValue ?? "", lostTo)
        }

        mutating func write(_ event: CallEvent) {
            switch event {
            case .entered(let node, let stage): line("enter", node, stage)
            case .answered(let answer): line("answer", answer)
            case .objectionRaised(let handler, let from): line("raise", handler, from)
            case .returned(let to, let from): line("return", to, from)
            case .leftDetours(let count): line("leave", String(count))
            case .steppedBack(let to): line("back", to)
            case .refused(let reason): line("refuse", reason)
            case .flagMarked(let flag): line("flag", flag)
            case .noteTaken(let text): line("note", text)
            case .quoteRecorded(let amount): line("quote", amount)
            case .callbackBooked(let slot): line("callback", slot)
            case .awaiting(let awaiting): line("await", awaiting.rawValue)
            case .ended(let outcome, let lostTo): line("end", outcome, lostTo)
            case .reopened(let outcome): line("reopen", outcome, nil)
            case .factRecorded(let fact, let value): line("fact", fact.rawValue, value)
            }
        }
    }

    /// The text's lines, each split at its tabs and unescaped.
    private static func lines(_ text: String) -> [[String]] {
        guard !text.isEmpty else { return [] }
        var lines: [[String]] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var escaped = false
        for unit in text.utf8 {
            if escaped {
                field.append(unit == UInt8(ascii: "t") ? 0x09 : unit == UInt8(ascii: "n") ? 0x0A : unit)
                escaped = false
                continue
            }
            switch unit {
            case UInt8(ascii: "\\"): escaped = true
            case 0x09:
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
            case 0x0A:
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                lines.append(fields)
                fields = []
            default: field.append(unit)
            }
        }
        fields.append(String(decoding: field, as: UTF8.self))
        lines.append(fields)
        return lines
    }

    private static func slot(_ fields: ArraySlice<String>) -> CallbackTime? {
        let values = Array(fields)
        guard values.count == 3, let days = Int(values[0]), let minute = Int(values[1]) else { return nil }
        return CallbackTime(daysAhead: days, minute: minute, after: values[2] == "1")
    }

    private static func outcome(_ kind: String, _ reason: String) -> Outcome? {
        guard let kind = OutcomeKind(rawValue: kind) else { return nil }
        if reason.isEmpty { return Outcome(kind) }
        return LossReason(rawValue: reason).map { Outcome(kind, lossReason: $0) }
    }

    private static func event(_ f: [String]) -> CallEvent? {
        switch (f[0], f.count) {
        case ("enter", 3): return .entered(node: f[1], stage: f[2])
        case ("answer", 2): return .answered(answer: f[1])
        case ("raise", 3): return .objectionRaised(handler: f[1], from: f[2])
        case ("return", 3): return .returned(to: f[1], from: f[2])
        case ("leave", 2): return Int(f[1]).map { .leftDetours(count: $0) }
        case ("back", 2): return .steppedBack(to: f[1])
        case ("refuse", 2): return .refused(reason: f[1])
        case ("flag", 2): return .flagMarked(f[1])
        case ("note", 2): return .noteTaken(f[1])
        case ("quote", 2): return .quoteRecorded(f[1])
        case ("callback", 4): return slot(f[1...]).map(CallEvent.callbackBooked)
        case ("await", 2): return Awaiting(rawValue: f[1]).map(CallEvent.awaiting)
        case ("end", 3), ("end", 4): return outcome(f[1], f[2]).map { .ended($0, lostTo: f.count == 4 ? f[3] : nil) }
        case ("reopen", 3): return outcome(f[1], f[2]).map(CallEvent.reopened)
        case ("fact", 3): return CallFact(rawValue: f[1]).map { .factRecorded($0, f[2]) }
        default: return nil
        }
    }
}

extension CallState {
    /// The state a logged step left: this state (the one before it) with the step's input and events
    /// applied, as the engine applied them. The engine's moves each leave an event saying so, so the log
    /// needs no snapshot; a test plays many calls and checks that this gives the engine's state at every step.
    public func after(_ input: CallInput?, _ events: [CallEvent]) -> CallState {
        var next = self
        var remembered = false
        var steppedBack = false
        func remember() {
            guard !remembered, !steppedBack else { return }
            next.remember(self)
            remembered = true
        }
        for event in events {
            switch event {
            case .entered(let node, _):
                if input != nil { remember() }
                next.node = node
            case .answered:
                next.awaiting = nil
            case .objectionRaised(let handler, let from):
                remember()
                next.detours.append(from)
                next.objectionsRaised.append(handler)
                next.awaiting = nil
            case .returned(let to, _):
                remember()
                _ = next.detours.popLast()
                next.node = to
            case .leftDetours:
                next.detours.removeAll()
            case .steppedBack:
                steppedBack = true
                if let frame = next.trail.popLast() {
                    next.node = frame.node
                    next.detours = frame.detours
                }
                next.awaiting = nil
            case .refused, .noteTaken:
                break
            case .flagMarked(let flag):
                next.mark(flag)
            case .quoteRecorded(let amount):
                next.quote = amount
                if next.awaiting == .quote { next.awaiting = nil }
            case .callbackBooked(let slot):
                next.callback = slot
                if next.awaiting == .callback { next.awaiting = nil }
            case .awaiting(let awaiting):
                next.awaiting = awaiting
            case .ended(let outcome, let lostTo):
                next.outcome = outcome
                next.awaiting = nil
                // `.end` says where a lost customer went; a script's own ending leaves it as it was.
                if case .end = input { next.lostTo = lostTo }
            case .reopened:
                next.outcome = nil
                next.lostTo = nil
            case .factRecorded(let fact, let value):
                if let index = next.facts.firstIndex(where: { $0.fact == fact }) {
                    next.facts[index].value = value
                } else {
                    next.facts.append(CallFactValue(fact: fact, value: value))
                }
                if fact == .destination { next.lostTo = value }
            }
        }
        return next
    }

    /// The state after a call's first step (its input is nil): the start node entered.
    public static func started(_ events: [CallEvent]) -> CallState? {
        for case .entered(let node, _) in events { return CallState(node: node).after(nil, events) }
        return nil
    }
}
