import HuashuText

/// Prints diagnostics the way the Swift compiler does: the location line, the
/// source line, and a marker under the spot, aligned by display width so it
/// sits under the right Chinese character.
public struct DiagnosticsFormatter {
    private var lines: [String: [Substring]] = [:]
    private let colored: Bool

    public init(sources: [SourceText], colored: Bool = false) {
        self.colored = colored
        for source in sources {
            if case .success(let decoded) = source.decodedLines() { lines[source.name] = decoded }
        }
    }

    public func format(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(format).joined()
    }

    public func format(_ diagnostic: Diagnostic) -> String {
        let loc = diagnostic.location
        let severity = paint(diagnostic.severity.rawValue, diagnostic.severity == .error ? "1;31" : "1;35")
        var out = "\(loc.file):\(loc.line):\(loc.column): \(severity): \(diagnostic.message) [\(diagnostic.code.rawValue)]\n"
        if let fileLines = lines[loc.file], loc.line >= 1, loc.line <= fileLines.count {
            let text = String(fileLines[loc.line - 1]).replacingTabs
            let gutter = String(loc.line)
            let pad = String(repeating: " ", count: gutter.count)
            // Columns count Unicode scalars, as the parser does.
            let scalars = text.unicodeScalars
            let before = scalars.prefix(max(loc.column - 1, 0)).reduce(0) { $0 + DisplayWidth.of($1) }
            let marked = scalars.dropFirst(max(loc.column - 1, 0)).prefix(loc.length).reduce(0) { $0 + DisplayWidth.of($1) }
            let markerWidth = max(marked, 1)
            out += " \(gutter) | \(text)\n"
            out += " \(pad) | " + String(repeating: " ", count: before)
                + paint("^" + String(repeating: "~", count: markerWidth - 1), "1;32") + "\n"
            if let hint = diagnostic.hint { out += " \(pad) = hint: \(hint)\n" }
        } else if let hint = diagnostic.hint {
            out += "  = hint: \(hint)\n"
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
