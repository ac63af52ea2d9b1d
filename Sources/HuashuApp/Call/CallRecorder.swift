import Foundation
import HuashuCalendar
import HuashuEngine
import HuashuRenewal
import HuashuStore

/// The one path a call step takes, for the live call, the rehearsal's
/// customer notes and the tests: the engine steps, and the step is logged
/// with the screen it leads to and the follow-ups it leaves.
struct CallRecorder {
    let engine: CallEngine
    let log: CallLogWriter
    /// The call's start: follow-ups are counted from its day.
    let startedAt: Date

    init(engine: CallEngine, log: CallLogWriter, startedAt: Date) {
        self.engine = engine
        self.log = log
        self.startedAt = startedAt
        // The report's rows are kept for the script's handlers only (`HandlerUses`).
        log.handlers = Set(engine.script.objections.map(\.id))
    }

    /// Steps the engine from `state` with `input` and logs the step; returns the step and the screen it logged as shown.
    func take(_ input: CallInput, from state: CallState, at date: Date) throws(StoreError) -> (step: CallStep, screen: CallScreen) {
        let step = engine.step(state, input)
        return (step, try record(input, step, at: date))
    }

    /// Logs a step the engine took (a call's first, `input` nil); returns the screen it logged as shown.
    func record(_ input: CallInput?, _ step: CallStep, at date: Date) throws(StoreError) -> CallScreen {
        let screen = engine.screen(step.state)
        try log.record(input: input, step: step, stage: engine.script.nodes[step.state.node]?.stageID ?? "",
                       shown: screen.says.joined(separator: "\n"), at: date,
                       followUps: FollowUpSchedule.plans(for: step.events, state: step.state, callStart: startedAt,
                                                         daysToExpiry: engine.context.customer.daysToExpiry))
        return screen
    }
}

/// A step's events as the follow-up rule (`FollowUpRule`) reads them.
enum FollowUpSchedule {
    /// `daysToExpiry` counts from the call's start day.
    static func plans(for events: [CallEvent], state: CallState, callStart: Date, daysToExpiry: Int?) -> [FollowUpPlan] {
        let relevant = events.compactMap { event -> FollowUpRule.Event? in
            switch event {
            case .callbackBooked(let time): .callbackBooked(time)
            case .ended(let outcome, _): .ended(outcome.kind)
            default: nil
            }
        }
        guard !relevant.isEmpty else { return [] }
        return FollowUpRule.plans(for: relevant, callbackBooked: state.callback != nil, callDay: LocalDay.day(callStart), daysToExpiry: daysToExpiry)
    }
}
