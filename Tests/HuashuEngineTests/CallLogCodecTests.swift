import Foundation
import HuashuRenewal
import HuashuScript
import Testing
@testable import HuashuEngine

/// The call log's one format: what a step writes reads back equal, rows
/// written before v5 (JSON) still read, and the state a step left is rebuilt
/// from its events exactly as the engine made it.
@Suite struct CallLogCodecTests {
    static let slot = CallbackTime(daysAhead: 2, minute: 900, after: true)
    static let lost = Outcome(.lost, lossReason: .compulsoryOnly)

    /// An input as a row keeps it: its kind, its answer, handler and note columns, and its own column when those do not say it.
    static func readBack(_ input: CallInput) -> CallInput? {
        let answer: String? = if case .answer(let id) = input { id } else { nil }
        let handler: String? = if case .objection(let id) = input { id } else { nil }
        let note: String? = if case .note(let text) = input { text } else { nil }
        return CallLogCodec.input(kind: "\(input)".prefix { $0 != "(" }.description, text: CallLogCodec.text(input),
                                  answerID: answer, handlerID: handler, note: note)
    }

    @Test(arguments: [
        CallInput.answer("greet>confirm_car"), .objection("price"), .back, .note("客户说\"下午\"再打\n别太早\\\t完"),
        .quote("4860"), .callback(slot), .end(lost, lostTo: "平安\t人保"), .end(Outcome(.won), lostTo: nil), .end(Outcome(.refused), lostTo: ""),
        .fact(.delivery, "寄到 天河区\\n体育西路"), .fact(.premium, "4860"),
    ])
    func inputsReadBack(input: CallInput) {
        #expect(Self.readBack(input) == input)
    }

    static let everyEvent: [CallEvent] = [
        .entered(node: "greet", stage: "identity"), .answered(answer: "greet>x"), .objectionRaised(handler: "price", from: "quote"),
        .returned(to: "quote", from: "price"), .leftDetours(count: 2), .steppedBack(to: "greet"), .refused(reason: "还没报价"),
        .flagMarked("quoted"), .noteTaken("tab\there, line\nbreak, back\\slash \\t, bell\u{7}"), .quoteRecorded("4860"),
        .callbackBooked(slot), .awaiting(.quote), .ended(lost, lostTo: nil), .ended(Outcome(.refused), lostTo: "人保"),
        .ended(Outcome(.won), lostTo: ""), .reopened(Outcome(.doNotCall)), .factRecorded(.otherVehicle, "粤B99999 宝马X3"),
    ]

    @Test func everyEventReadsBack() {
        #expect(CallLogCodec.events(CallLogCodec.text(Self.everyEvent)) == Self.everyEvent)
        for event in Self.everyEvent { #expect(CallLogCodec.events(CallLogCodec.text([event])) == [event]) }
        #expect(CallLogCodec.text([]) == "")
        #expect(CallLogCodec.events("") == [])
        #expect(CallLogCodec.text([.answered(answer: "greet>yes"), .entered(node: "quote", stage: "needs")]) == "answer\tgreet>yes\nenter\tquote\tneeds")
        #expect(CallLogCodec.events("enter\tonly-one-field") == nil, "a damaged row reads as nothing, never as something else")
    }

    /// Rows logged before v5 hold the JSON of the Codable conformances: the codec reads them.
    @Test func rowsLoggedBeforeV5StillRead() throws {
        let events = #"[{"answered":{"answer":"price>return"}},{"returned":{"to":"quote","from":"price"}},{"entered":{"node":"quote","stage":"needs"}}]"#
        #expect(CallLogCodec.events(events) == [.answered(answer: "price>return"), .returned(to: "quote", from: "price"),
                                                .entered(node: "quote", stage: "needs")])
        #expect(CallLogCodec.input(kind: "end", text: #"{"end":{"_0":{"kind":"lost","lossReason":"price"},"lostTo":"人保"}}"#,
                                   answerID: nil, handlerID: nil, note: nil) == .end(Outcome(.lost, lossReason: .price), lostTo: "人保"))
        #expect(CallLogCodec.input(kind: "answer", text: #"{"answer":{"_0":"greet>yes"}}"#, answerID: "greet>yes", handlerID: nil, note: nil)
                == .answer("greet>yes"))
        var state = CallState(node: "quote")
        state.trail = [Frame(node: "greet", detours: [])]
        #expect(CallLogCodec.state(String(decoding: try JSONEncoder().encode(state), as: UTF8.self)) == state)
    }

    @Test func typedColumnsSayWhatTheStepDid() {
        let back = CallLogCodec.Columns([.answered(answer: "price>ok"), .returned(to: "quote", from: "price"), .entered(node: "quote", stage: "needs")])
        #expect(back.values == ["quote", nil, "price>ok", "quote", nil])
        let raised = CallLogCodec.Columns([.objectionRaised(handler: "price", from: "quote"), .entered(node: "price", stage: "objection")])
        #expect(raised.values == ["price", "price", nil, nil, nil])
        let refused = CallLogCodec.Columns([.refused(reason: "这一步没有这个选项。")])
        #expect(refused.values == [nil, nil, nil, nil, nil])
        #expect(CallLogCodec.Columns([.ended(Self.lost, lostTo: "平安")]).outcome == "lost")
        #expect(CallLogCodec.Columns.names.count == back.values.count)
    }

    /// Random calls over the shipped scripts, every kind of input (refused ones, steps after the end, back
    /// past a 勿扰 ending): at every step the state rebuilt from the logged events equals the engine's.
    @Test(arguments: 0..<40)
    func theStateIsRebuiltFromTheEventsAtEveryStep(seed: UInt64) {
        let script = ShippedRehearsal.script
        let context = CallContext(customer: CustomerFacts(grade: .a, type: [CustomerType.priceSensitive, .serviceSensitive, .indifferent][Int(seed % 3)],
                                                          claims: Int(seed % 2), daysToExpiry: 20), agent: "李", dealer: "店")
        let engine = CallEngine(script: script, context: context)
        var random = SplitMix(seed: seed)
        let first = engine.start()
        var logged = CallState.started(CallLogCodec.events(CallLogCodec.text(first.events))!)
        #expect(logged == first.state)
        var state = first.state
        let handlers = script.objections.map(\.id)
        for _ in 0..<60 {
            let answers = engine.visibleAnswers(state).map(\.id)
            let inputs: [CallInput] = [
                answers.isEmpty ? .back : .answer(answers[random.below(answers.count)]),
                answers.isEmpty ? .back : .answer(answers[random.below(answers.count)]),
                answers.isEmpty ? .back : .answer(answers[random.below(answers.count)]),
                .objection(handlers[random.below(handlers.count)]), .back, .note("第\(random.below(9))句"), .note(" "),
                .quote(["4860", "abc", "3,200元"][random.below(3)]), .callback(CallbackTime(daysAhead: random.below(3), minute: 600)),
                .end(Outcome(OutcomeKind.allCases[random.below(OutcomeKind.allCases.count)], lossReason: random.below(2) == 0 ? .price : nil),
                     lostTo: random.below(2) == 0 ? "平安" : nil),
                .fact(CallFact.allCases[random.below(CallFact.allCases.count)], ["平安", "4860", "扫码", "粤B99999 宝马X3", ""][random.below(5)]),
                .answer("nowhere>nothing"),
            ]
            let input = inputs[random.below(inputs.count)]
            let step = engine.step(state, input)
            let events = CallLogCodec.events(CallLogCodec.text(step.events))!
            #expect(events == step.events)
            let input2 = Self.readBack(input)
            logged = logged?.after(input2, events)
            #expect(logged == step.state, "seed \(seed): \(input) from \(state.node) gave \(step.events)")
            guard logged == step.state else { return }
            state = step.state
        }
    }
}

/// A small seeded generator, so a failing seed can be played again.
struct SplitMix {
    var seed: UInt64
    mutating func below(_ bound: Int) -> Int {
        seed &+= 0x9E37_79B9_7F4A_7C15
        var z = seed
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}
