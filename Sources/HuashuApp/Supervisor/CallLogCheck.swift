import HuashuStore

/// `huashu verify` and `huashu seal` as text.
public enum CallLogCheck {
    public static func run(call: Int64?, seal: String? = nil, database: StoreLocation) throws(UserError) -> (text: String, intact: Bool) {
        var expected: LogChain.Seal?
        if let seal {
            guard let parsed = LogChain.Seal(seal) else {
                throw UserError("--seal wants the code `huashu seal` printed, e.g. 1234-3f9ac0d1e2b4a5c6d7e8; got `\(seal)`")
            }
            expected = parsed
        }
        let store = try openSupervisorStore(database)
        let result = try wrap { try store.verifyChains(call: call, seal: expected) }
        if let call, result.calls == 0 { throw UserError("no call #\(call) in \(database)") }
        guard result.problems.isEmpty else {
            let lines = result.problems.map { "\(database): \($0)" }.joined(separator: "\n")
            return (lines + "\n\(result.problems.count) problem(s) in \(result.calls) calls, \(result.steps) steps: the log was altered\n", false)
        }
        let sealed = expected.map { "; it passes through the seal \($0)" } ?? ""
        return ("call log intact: \(result.calls) calls, \(result.steps) steps\(sealed)\n", true)
    }

    /// The seal code, and where it went when `out` names a file.
    public static func seal(out: String?, database: StoreLocation) throws(UserError) -> String {
        let store = try openStore(database, mustExist: true)
        let seal = try wrap { try store.seal() }
        guard let out else { return "\(seal)\n" }
        try PrivateFile.write(Array("\(seal)\n".utf8), to: out, what: "the seal")
        return "\(seal)\n已写入 \(out)\n"
    }
}
