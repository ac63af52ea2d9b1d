import HuashuRenewal
import HuashuScript

/// The JSON a logged step stores for its input, events and state, written by
/// hand: a step is logged while the agent waits, and `JSONEncoder` alone cost
/// more than the whole database commit. The text has exactly the shape the
/// synthesized `Codable` conformances read back (`{"case":{"label":value}}`,
/// `_0` for unlabelled values, nil fields left out), keys in declaration order,
/// so the same state always logs the same text.
public enum LogJSON {
    public static func text(_ input: CallInput) -> String {
        var out = Writer()
        out.write(input)
        return out.text
    }

    public static func text(_ events: [CallEvent]) -> String {
        var out = Writer()
        out.array(events) { $0.write($1) }
        return out.text
    }

    public static func text(_ state: CallState) -> String {
        var out = Writer()
        out.write(state)
        return out.text
    }

    /// Appends JSON as UTF-8 to one growing buffer (a String append costs
    /// several times a byte append); `separate()` puts the commas in.
    struct Writer {
        private var bytes: [UInt8] = []
        private var first = true

        init() {
            bytes.reserveCapacity(256)
        }

        var text: String { String(decoding: bytes, as: UTF8.self) }

        mutating func raw(_ text: StaticString) {
            text.withUTF8Buffer { bytes.append(contentsOf: $0) }
        }

        mutating func string(_ value: String) {
            bytes.append(UInt8(ascii: "\""))
            var value = value
            value.withUTF8 { utf8 in
                for unit in utf8 {
                    switch unit {
                    case UInt8(ascii: "\""): raw("\\\"")
                    case UInt8(ascii: "\\"): raw("\\\\")
                    case UInt8(ascii: "\n"): raw("\\n")
                    case UInt8(ascii: "\r"): raw("\\r")
                    case UInt8(ascii: "\t"): raw("\\t")
                    case ..<0x20:
                        let digits: StaticString = "0123456789abcdef"
                        raw("\\u00")
                        bytes.append(digits.utf8Start[Int(unit >> 4)])
                        bytes.append(digits.utf8Start[Int(unit & 0x0F)])
                    default: bytes.append(unit)
                    }
                }
            }
            bytes.append(UInt8(ascii: "\""))
        }

        private mutating func separate() {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
        }

        /// `{…}` whose members `body` writes with `field`.
        mutating func object(_ body: (inout Writer) -> Void) {
            separate()
            bytes.append(UInt8(ascii: "{"))
            first = true
            body(&self)
            bytes.append(UInt8(ascii: "}"))
            first = false
        }

        mutating func array<T>(_ items: [T], _ each: (inout Writer, T) -> Void) {
            separate()
            bytes.append(UInt8(ascii: "["))
            first = true
            for item in items { each(&self, item) }
            bytes.append(UInt8(ascii: "]"))
            first = false
        }

        /// `"key":` then the value `body` writes.
        mutating func field(_ key: StaticString, _ body: (inout Writer) -> Void) {
            separate()
            bytes.append(UInt8(ascii: "\""))
            raw(key)
            raw("\":")
            first = true
            body(&self)
            first = false
        }

        mutating func field(_ key: StaticString, _ value: String?) {
            guard let value else { return }
            field(key) { $0.value(value) }
        }

        mutating func field(_ key: StaticString, _ value: Int) {
            field(key) { $0.bytes.append(contentsOf: String(value).utf8) }
        }

        mutating func value(_ value: String) {
            separate()
            string(value)
        }

        /// An enum case with associated values: `{"case":{…}}`.
        mutating func enumCase(_ name: StaticString, _ body: (inout Writer) -> Void) {
            object { $0.field(name) { $0.object(body) } }
        }
    }
}

extension LogJSON.Writer {
    mutating func write(_ slot: CallbackTime) {
        object {
            $0.field("daysAhead", slot.daysAhead)
            $0.field("minute", slot.minute)
            $0.field("after") { $0.raw(slot.after ? "true" : "false") }
        }
    }

    mutating func write(_ outcome: Outcome) {
        object {
            $0.field("kind", outcome.kind.rawValue)
            $0.field("lossReason", outcome.lossReason?.rawValue)
        }
    }

    mutating func write(_ input: CallInput) {
        switch input {
        case .answer(let id): enumCase("answer") { $0.field("_0", id) }
        case .objection(let id): enumCase("objection") { $0.field("_0", id) }
        case .back: enumCase("back") { _ in }
        case .note(let text): enumCase("note") { $0.field("_0", text) }
        case .quote(let amount): enumCase("quote") { $0.field("_0", amount) }
        case .callback(let slot): enumCase("callback") { $0.field("_0") { $0.write(slot) } }
        case .end(let outcome, let lostTo):
            enumCase("end") {
                $0.field("_0") { $0.write(outcome) }
                $0.field("lostTo", lostTo)
            }
        case .fact(let fact, let value):
            enumCase("fact") {
                $0.field("_0", fact.rawValue)
                $0.field("_1", value)
            }
        }
    }

    mutating func write(_ event: CallEvent) {
        switch event {
        case .entered(let node, let stage):
            enumCase("entered") {
                $0.field("node", node)
                $0.field("stage", stage)
            }
        case .answered(let answer): enumCase("answered") { $0.field("answer", answer) }
        case .objectionRaised(let handler, let from):
            enumCase("objectionRaised") {
                $0.field("handler", handler)
                $0.field("from", from)
            }
        case .returned(let to, let from):
            enumCase("returned") {
                $0.field("to", to)
                $0.field("from", from)
            }
        case .leftDetours(let count): enumCase("leftDetours") { $0.field("count", count) }
        case .steppedBack(let to): enumCase("steppedBack") { $0.field("to", to) }
        case .refused(let reason): enumCase("refused") { $0.field("reason", reason) }
        case .flagMarked(let flag): enumCase("flagMarked") { $0.field("_0", flag) }
        case .noteTaken(let text): enumCase("noteTaken") { $0.field("_0", text) }
        case .quoteRecorded(let amount): enumCase("quoteRecorded") { $0.field("_0", amount) }
        case .callbackBooked(let slot): enumCase("callbackBooked") { $0.field("_0") { $0.write(slot) } }
        case .awaiting(let awaiting): enumCase("awaiting") { $0.field("_0", awaiting.rawValue) }
        case .ended(let outcome, let lostTo):
            enumCase("ended") {
                $0.field("_0") { $0.write(outcome) }
                $0.field("lostTo", lostTo)
            }
        case .reopened(let outcome): enumCase("reopened") { $0.field("_0") { $0.write(outcome) } }
        case .factRecorded(let fact, let value):
            enumCase("factRecorded") {
                $0.field("_0", fact.rawValue)
                $0.field("_1", value)
            }
        }
    }

    mutating func write(_ state: CallState) {
        object {
            $0.field("node", state.node)
            $0.field("detours") { $0.array(state.detours) { $0.value($1) } }
            $0.field("flags") { $0.array(state.flags) { $0.value($1) } }
            $0.field("quote", state.quote)
            if let callback = state.callback { $0.field("callback") { $0.write(callback) } }
            $0.field("awaiting", state.awaiting?.rawValue)
            if let outcome = state.outcome { $0.field("outcome") { $0.write(outcome) } }
            $0.field("lostTo", state.lostTo)
            $0.field("trail") {
                $0.array(state.trail) { out, frame in
                    out.object {
                        $0.field("node", frame.node)
                        $0.field("detours") { $0.array(frame.detours) { $0.value($1) } }
                    }
                }
            }
            $0.field("objectionsRaised") { $0.array(state.objectionsRaised) { $0.value($1) } }
            if !state.facts.isEmpty {
                $0.field("facts") {
                    $0.array(state.facts) { out, fact in
                        out.object {
                            $0.field("fact", fact.fact.rawValue)
                            $0.field("value", fact.value)
                        }
                    }
                }
            }
        }
    }
}
