import HuashuText

/// Prints diagnostics the way the Swift compiler does: the location line, the
/// source line, and a marker under the spot, aligned by display width so it
/// sits under the right Chinese character.
public struct DiagnosticsFormatter {
    private var lines: [String: [Substring]] = [:]
    private let colored: Bool
    private let language: Language

    public init(sources: [SourceText], colored: Bool = false, language: Language) {
        self.colored = colored
        self.language = language
        for source in sources {
            if case .success(let decoded) = source.decodedLines() { lines[source.name] = decoded }
        }
    }

    public func format(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(format).joined()
    }

    public func format(_ diagnostic: Diagnostic) -> String {
        let loc = diagnostic.location
        let severity = paint(diagnostic.severity.name(in: language), diagnostic.severity == .error ? "1;31" : "1;35")
        // A script's own text (its lines, names quoted in messages) is shown, never sent: control codes in it become visible.
        let visible = { (text: String) in TerminalText.visible(text) }
        var out = "\(visible(loc.file)):\(loc.line):\(loc.column): \(severity): \(visible(diagnostic.message.text(language))) [\(diagnostic.code.rawValue)]\n"
        let hintLabel = language == .zh ? "提示" : "hint"
        let hint = diagnostic.hint.map { visible($0.text(language)) }
        if let fileLines = lines[loc.file], loc.line >= 1, loc.line <= fileLines.count {
            let text = String(fileLines[loc.line - 1]).replacingTabs
            let gutter = String(loc.line)
            let pad = String(repeating: " ", count: gutter.count)
            // Columns count Unicode scalars, as the parser does; the marker sits under the line as shown.
            let scalars = text.unicodeScalars
            let shown = { (part: Substring.UnicodeScalarView) in visible(String(part)).displayWidth }
            let before = shown(Substring.UnicodeScalarView(scalars.prefix(max(loc.column - 1, 0))))
            let marked = shown(Substring.UnicodeScalarView(scalars.dropFirst(max(loc.column - 1, 0)).prefix(loc.length)))
            let markerWidth = max(marked, 1)
            out += " \(gutter) | \(visible(text))\n"
            out += " \(pad) | " + String(repeating: " ", count: before)
                + paint("^" + String(repeating: "~", count: markerWidth - 1), "1;32") + "\n"
            if let hint { out += " \(pad) = \(hintLabel): \(hint)\n" }
        } else if let hint {
            out += "  = \(hintLabel): \(hint)\n"
        }
        return out
    }

    /// The closing count: `2 errors, 1 warning` / `2 个错误，1 个警告`.
    public func summary(of diagnostics: [Diagnostic]) -> String {
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        switch language {
        case .zh: return "\(errors) 个错误，\(warnings) 个警告\n"
        case .en: return "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n"
        }
    }

    /// What `huashu lint --explain CODE` prints (and an editor shows on hover): the code, how bad,
    /// the explanation and, where the catalogue has one, the wrong and the right way to write it.
    public static func explanation(of code: DiagnosticCode, in language: Language) -> String {
        let entry = code.entry
        var out = "\(code.rawValue) (\(entry.severity.name(in: language))): \(entry.explanation.text(language))\n"
        if let example = entry.example {
            let indent = { (text: String) in text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n") }
            out += (language == .zh ? "  错误写法:\n" : "  wrong:\n") + indent(example.wrong) + "\n"
            out += (language == .zh ? "  正确写法:\n" : "  right:\n") + indent(example.right) + "\n"
        }
        return out
    }

    private func paint(_ text: String, _ code: String) -> String {
        colored ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

extension String {
    fileprivate var replacingTabs: String { String(map { $0 == "\t" ? " " : $0 }) }
}
