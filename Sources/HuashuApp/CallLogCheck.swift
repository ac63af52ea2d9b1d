/// `huashu verify` as text.
public enum CallLogCheck {
    public static func run(call: Int64?, options: CallOptions) throws(UserError) -> (text: String, intact: Bool) {
        let store = try openStore(options.database, mustExist: true)
        let result = try wrap { try store.verifyChains(call: call) }
        if let call, result.calls == 0 { throw UserError("no call #\(call) in \(options.database)") }
        guard result.problems.isEmpty else {
            let lines = result.problems.map { "\(options.database): \($0)" }.joined(separator: "\n")
            return (lines + "\n\(result.problems.count) problem(s) in \(result.calls) calls, \(result.steps) steps: the log was altered\n", false)
        }
        return ("call log intact: \(result.calls) calls, \(result.steps) steps\n", true)
    }
}
