import HuashuCentral
import HuashuStore

/// `verify` on a desk that pushes to a central store: the desk's steps at
/// each pushed call's chain head, as central recorded it on arrival. A log
/// re-chained by hand, every hash recomputed, passes its own walk but not
/// this: central kept what was pushed before.
enum CentralChainComparison {
    enum Outcome {
        /// Every head central holds for this desk is in the desk's log as pushed.
        case matched(heads: Int, desk: String)
        /// The desk has never pushed: central holds nothing of it.
        case neverPushed
        /// The comparison could not be made; why, in words.
        case notCompared(String)
        /// Each call whose log differs from what central recorded.
        case differs([ChainProblem])
    }

    static func compare(store: Store, url: String, call: Int64?) throws(UserError) -> Outcome {
        // A desk whose steps went up has a name on central and heads there: one missing says the comparison is off, never "all clear".
        let pushedSteps = try wrap { try store.pushMark(.callSteps) }
        guard let desk = try wrap({ try store.storedDeskName() }) else {
            return pushedSteps > 0 ? .notCompared("this desk's name on central is missing, though its steps up to #\(pushedSteps) were pushed") : .neverPushed
        }
        let heads: [ChainHead]
        do {
            let central = try CentralConnection(url: url)
            try CentralSchema.requireCurrent(central)
            heads = try central.chainHeads(desk: desk, call: call)
        } catch {
            return .notCompared(error.description)
        }
        if heads.isEmpty, call == nil, pushedSteps > 0 {
            return .notCompared("central holds no chain heads for desk \(desk), though this desk pushed its steps up to #\(pushedSteps) "
                + "(was the desk's name changed, or central restored from an older backup?)")
        }
        let found = try wrap { try store.pushedSteps(heads.map { ($0.callID, $0.seq) }) }
        let problems = zip(heads, found).compactMap { head, step -> ChainProblem? in
            guard let step else {
                return ChainProblem(callID: head.callID, seq: nil, message: "central recorded its log up to step \(head.seq) (\(head.recordedAt)), "
                    + "which this desk no longer has: steps were deleted and the log re-chained")
            }
            if step.hash != head.step.hash {
                return ChainProblem(callID: head.callID, seq: head.seq, message: "not the step pushed to central (recorded there \(head.recordedAt)): "
                    + "the call's log was rewritten on this desk after it was pushed, though its own hashes agree")
            }
            if step.link != head.step.link {
                return ChainProblem(callID: head.callID, seq: head.seq, message: "its link differs from the one pushed to central (\(head.recordedAt)): "
                    + "something logged on this desk before this step was rewritten")
            }
            return nil
        }
        return problems.isEmpty ? .matched(heads: heads.count, desk: desk) : .differs(problems)
    }
}
