import Foundation
import HuashuRenewal
import HuashuScript
import Testing
@testable import HuashuEngine

/// Steps are logged as hand-written JSON and read back by `JSONDecoder`
/// (resume, replay): every case must come back equal.
@Suite struct LogJSONTests {
    static let slot = CallbackTime(daysAhead: 2, minute: 900)
    static let lost = Outcome(.lost, lossReason: .compulsoryOnly)

    @Test(arguments: [
        CallInput.answer("greet>confirm_car"), .objection("price"), .back, .note("客户说\"下午\"再打\n别太早\\"),
        .quote("4860"), .callback(slot), .end(lost, lostTo: "平安"), .end(Outcome(.won), lostTo: nil),
    ])
    func inputsReadBack(input: CallInput) throws {
        #expect(try JSONDecoder().decode(CallInput.self, from: Data(LogJSON.text(input).utf8)) == input)
    }

    @Test func everyEventReadsBack() throws {
        let events: [CallEvent] = [
            .entered(node: "greet", stage: "identity"), .answered(answer: "greet>x"), .objectionRaised(handler: "price", from: "quote"),
            .returned(to: "quote", from: "price"), .leftDetours(count: 2), .steppedBack(to: "greet"), .refused(reason: "还没报价"),
            .flagMarked("quoted"), .noteTaken("tab\there, bell\u{7}"), .quoteRecorded("4860"), .callbackBooked(Self.slot),
            .awaiting(.quote), .ended(Self.lost, lostTo: nil), .ended(Outcome(.refused), lostTo: "人保"),
            .reopened(Outcome(.doNotCall)),
        ]
        #expect(try JSONDecoder().decode([CallEvent].self, from: Data(LogJSON.text(events).utf8)) == events)
        #expect(LogJSON.text([]) == "[]")
    }

    @Test func aFullStateReadsBack() throws {
        var state = CallState(node: "close_confirm")
        state.detours = ["quote", "price"]
        state.mark("quoted")
        state.mark("identity")
        state.quote = "4860"
        state.callback = Self.slot
        state.awaiting = .callback
        state.outcome = Self.lost
        state.lostTo = "太平洋"
        state.trail = [Frame(node: "greet", detours: []), Frame(node: "price", detours: ["quote"])]
        state.objectionsRaised = ["price", "think", "price"]
        #expect(try JSONDecoder().decode(CallState.self, from: Data(LogJSON.text(state).utf8)) == state)
    }

    @Test func keysInDeclarationOrderAndNilFieldsLeftOut() {
        var state = CallState(node: "quote")
        state.trail = [Frame(node: "greet", detours: [])]
        #expect(LogJSON.text(state)
            == #"{"node":"quote","detours":[],"flags":[],"trail":[{"node":"greet","detours":[]}],"objectionsRaised":[]}"#)
        #expect(LogJSON.text(CallInput.back) == #"{"back":{}}"#)
        #expect(LogJSON.text([CallEvent.entered(node: "quote", stage: "needs")]) == #"[{"entered":{"node":"quote","stage":"needs"}}]"#)
    }
}
