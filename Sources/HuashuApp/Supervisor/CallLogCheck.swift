import HuashuStore

/// `huashu verify` and `huashu seal` as text.
public enum CallLogCheck {
    /// What `verify` found: `status` is its exit status.
    public struct Verdict {
        public let text: String
        /// 0 intact (and, on a desk that pushes, matching central); 1 altered; 2 intact here but not compared with central.
        public let status: Int32
    }

    /// `central` is the desk's central store (option, environment or config); a desk that pushes is also compared with it.
    public static func run(call: Int64?, seal: String? = nil, central: String? = nil, database: StoreLocation) throws(UserError) -> Verdict {
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
        var problems = result.problems
        var compared = ""
        var status: Int32 = 0
        if let desk = store as? Store, let url = central ?? CentralSync.url(option: nil) {
            switch try CentralChainComparison.compare(store: desk, url: url, call: call) {
            case .matched(let heads, let name):
                compared = "; matches the central store \(url) at the chain heads of \(heads) pushed call\(heads == 1 ? "" : "s") (desk \(name))"
            case .neverPushed:
                compared = "; this desk has not pushed to the central store \(url) yet, so there was nothing there to compare with"
            case .differs(let found):
                problems += found.map { ChainProblem(callID: $0.callID, seq: $0.seq, message: "central \(url): " + $0.message) }
            case .notCompared(let reason):
                compared = "\nNOT compared with the central store: \(reason)\n"
                    + "Only this desk's own chain was checked (above); a log re-chained by hand would pass that. Run verify again when central is reachable."
                status = 2
            }
        }
        let notes = result.notes.map { "note: \($0)\n" }.joined()
        guard problems.isEmpty else {
            let lines = problems.map { "\(database): \($0)" }.joined(separator: "\n")
            return Verdict(text: notes + lines + "\n\(problems.count) problem(s) in \(result.calls) calls, \(result.steps) steps: the log was altered\n", status: 1)
        }
        let sealed = expected.map { "; it passes through the seal \($0)" } ?? ""
        let local = status == 2 ? "this desk's call log is intact by its own chain" : "call log intact"
        return Verdict(text: notes + "\(local): \(result.calls) calls, \(result.steps) steps\(sealed)\(compared)\n", status: status)
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
