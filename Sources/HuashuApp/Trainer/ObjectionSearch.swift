import HuashuEngine
import HuashuScript
import HuashuText

/// `huashu search`: the ranking a live call would show for the words, with
/// each handler's score and the cues that matched, and the evaluation set's
/// figures, for trainers tuning keys and cues.
public enum ObjectionSearch {
    /// The ranking for the words, as the agent would see it, with why.
    public static func ranking(_ words: String, dialogues: [String]) throws(UserError) -> String {
        let script = try ScriptFiles.load(dialogues.isEmpty ? [ScriptFiles.defaultPath] : dialogues)
        let matches = ObjectionFinder(script: script).rank(words, limit: 5)
        guard !matches.isEmpty else { return "no handler matches `\(words)`\n" }
        var lines = matches.enumerated().map { place, match in
            let mark = match.removesCustomer ? " ⚠勿扰" + (match.unmistakable ? "" : ",不作回车默认") : ""
            return TextWrap.padded(" \(place + 1)) \(match.title) [\(match.handlerID)]\(mark)", to: 36)
                + " \(match.score)  " + match.cues.map(\.label).joined(separator: ", ")
        }
        if let first = matches.first, first.removesCustomer {
            lines.append("Enter would ask for a confirmation before \(first.handlerID): it can mark the customer 勿扰.")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Top-1 and top-3 accuracy over an evaluation file, and each miss.
    public static func evaluation(_ path: String, dialogues: [String]) throws(UserError) -> ObjectionEval {
        let script = try ScriptFiles.load(dialogues.isEmpty ? [ScriptFiles.defaultPath] : dialogues)
        return ObjectionEval(try EvalFile.read(path, script: script), finder: ObjectionFinder(script: script))
    }

    /// Why the figures fall short of the minimum top-1 percentage, or nil when they meet it.
    public static func shortfall(_ result: ObjectionEval, minimumTop1 percent: Double) -> String? {
        guard Double(result.top1) * 100 < percent * Double(result.total) else { return nil }
        return "top-1 \(ObjectionEval.percent(result.top1, of: result.total)) is below \(percent)%"
    }
}

/// An evaluation set: `HANDLER_ID<TAB>words` per line, `#` comments, blank lines skipped.
public enum EvalFile {
    public static func read(_ path: String, script: Script) throws(UserError) -> [EvalCase] {
        let bytes = try FileBytes.read(path, atMost: 4 << 20)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw UserError("\(path): not UTF-8 text; save it as UTF-8") }
        let handlers = Set(script.objections.map(\.id))
        var cases: [EvalCase] = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let place = "\(path):\(offset + 1)"
            guard !line.trimmingSpaces.isEmpty, !line.trimmingSpaces.hasPrefix("#") else { continue }
            guard let tab = line.firstIndex(of: "\t") else {
                throw UserError("\(place): a case is HANDLER_ID, a tab, then the customer's words")
            }
            let id = line[..<tab].trimmingSpaces
            let words = line[line.index(after: tab)...].trimmingSpaces
            guard handlers.contains(id) else {
                throw UserError("\(place): no objection handler `\(id)` in the script; handlers: \(handlers.sorted().joined(separator: " "))")
            }
            guard !words.isEmpty else { throw UserError("\(place): no words after the handler ID") }
            cases.append(EvalCase(handlerID: id, words: words, place: place))
        }
        guard !cases.isEmpty else { throw UserError("\(path): no cases in the file") }
        return cases
    }
}
