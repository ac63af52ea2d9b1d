import CLibEdit
import Foundation

/// The live-call line editor: libedit's wide-character API, so the cursor,
/// backspace and line wrap work over Chinese input; history kept across
/// sessions; Tab completes commands, answer numbers and objection IDs.
public final class LibEditReader: LineReader {
    private let editor: OpaquePointer
    private let history: OpaquePointer
    private let historyFile: String?
    private let historyEntry: (String) -> String?
    private var prompt: [wchar_t] = [0]

    public var completer: (@Sendable () -> [String])? {
        get { Completion.words }
        set { Completion.words = newValue }
    }

    public init(historyFile: String?, historyEntry: @escaping (String) -> String? = { $0 }) {
        Locale.ensureUTF8()
        Interrupt.install()
        self.historyFile = historyFile
        self.historyEntry = historyEntry
        editor = el_init("huashu", huashu_stdin(), huashu_stdout(), huashu_stderr())
        history = history_winit()
        huashu_history_setsize(history, 1000)
        huashu_history_unique(history)
        if let historyFile {
            huashu_history_load(history, historyFile)
            scrubLoadedHistory(into: historyFile)
        }
        huashu_el_setup(editor, history)
        huashu_el_add_completion(editor, Completion.complete)
        huashu_el_add_escape(editor, Escape.key)
    }

    /// A file written before notes were kept out of history (or before masking) may still hold
    /// a customer's words: every loaded entry passes the same rule as a new one, and the file is rewritten if any changed.
    private func scrubLoadedHistory(into file: String) {
        var loaded: [String] = []
        var entry = huashu_history_oldest(history)
        while let text = entry {
            var scalars = String.UnicodeScalarView()
            var at = 0
            while text[at] != 0 {
                if let scalar = Unicode.Scalar(UInt32(bitPattern: text[at])) { scalars.append(scalar) }
                at += 1
            }
            loaded.append(String(scalars))
            entry = huashu_history_newer(history)
        }
        let kept = loaded.compactMap(historyEntry)
        guard kept != loaded else { return }
        huashu_history_clear(history)
        for line in kept { _ = line.withWideCString { huashu_history_enter(history, $0) } }
        huashu_history_save(history, file)
    }

    deinit {
        history_wend(history)
        el_end(editor)
    }

    public func readLine(prompt text: String) -> LineInput {
        StandardOutput.flush()
        prompt = text.unicodeScalars.map { wchar_t(bitPattern: $0.value) } + [0]
        Interrupt.fired = false
        var count: Int32 = 0
        let line = prompt.withUnsafeMutableBufferPointer { buffer -> UnsafePointer<wchar_t>? in
            huashu_el_use_prompt(editor, buffer.baseAddress)
            return el_wgets(editor, &count)
        }
        guard let line, count > 0 else {
            if Escape.fired {
                Escape.fired = false
                StandardOutput.write("\n")
                return .escaped
            }
            if count < 0 || Interrupt.fired {
                Interrupt.fired = false
                StandardOutput.write("^C\n")
                return .interrupted
            }
            return .endOfInput
        }
        var scalars = String.UnicodeScalarView()
        for i in 0..<Int(count) {
            if let scalar = Unicode.Scalar(UInt32(bitPattern: line[i])) { scalars.append(scalar) }
        }
        var result = String(scalars)
        while result.last == "\n" || result.last == "\r" { result.removeLast() }
        if !result.trimmingCharacters(in: .whitespaces).isEmpty, let entry = historyEntry(result) {
            _ = entry.withWideCString { huashu_history_enter(history, $0) }
            if let historyFile { huashu_history_save(history, historyFile) }
        }
        return .line(result)
    }
}

/// Tab completion: libedit calls a plain C function, so the words live here.
enum Completion {
    nonisolated(unsafe) static var words: (@Sendable () -> [String])?

    static let complete: @convention(c) (OpaquePointer?, Int32) -> UInt8 = { editor, _ in
        guard let editor, let info = el_wline(editor)?.pointee else { return UInt8(CC_ERROR) }
        var typed = String.UnicodeScalarView()
        var cursor = info.buffer!
        while cursor < info.cursor {
            if let scalar = Unicode.Scalar(UInt32(bitPattern: cursor.pointee)) { typed.append(scalar) }
            cursor += 1
        }
        let word = String(String(typed).split(separator: " ", omittingEmptySubsequences: false).last ?? "")
        let matches = (Completion.words?() ?? []).filter { $0.hasPrefix(word) }
        guard !matches.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
        let common = matches.dropFirst().reduce(matches[0]) { prefix, next in String(zip(prefix, next).prefix { $0 == $1 }.map(\.0)) }
        let addition = String(common.dropFirst(word.count)) + (matches.count == 1 ? " " : "")
        if !addition.isEmpty {
            _ = addition.withWideCString { el_winsertstr(editor, $0) }
            return UInt8(CC_REFRESH)
        }
        StandardOutput.write("\n" + matches.joined(separator: "  ") + "\n")
        return UInt8(CC_REDISPLAY)
    }
}

/// Esc, bound in place of libedit's lead-in for escape sequences: a lone Esc
/// ends the read as `.escaped`; the arrow, Home and End keys, whose sequences
/// arrive at once after it, are passed on as the emacs keys that do the same.
enum Escape {
    nonisolated(unsafe) static var fired = false

    /// How long to wait for the rest of a key's sequence, as readline's keyseq-timeout.
    static let sequenceWait: Int32 = 30

    static let key: @convention(c) (OpaquePointer?, Int32) -> UInt8 = { editor, _ in
        guard let editor else { return UInt8(CC_ERROR) }
        var waiting = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        guard poll(&waiting, 1, sequenceWait) > 0 else {
            fired = true
            return UInt8(CC_EOF)
        }
        var sequence: [UInt8] = []
        var byte: UInt8 = 0
        while sequence.count < 8, read(0, &byte, 1) == 1 {
            sequence.append(byte)
            // `ESC [ A`, `ESC O H`, `ESC [ 1 ~`: a final letter or `~` ends it; Alt and a key is two bytes.
            if sequence.count >= 2 && (byte >= 0x40 && byte <= 0x7E) || (sequence.count == 1 && byte != UInt8(ascii: "[") && byte != UInt8(ascii: "O")) { break }
        }
        let emacs: [UInt8: UInt32] = [UInt8(ascii: "A"): 0x10, UInt8(ascii: "B"): 0x0E, UInt8(ascii: "C"): 0x06,
                                      UInt8(ascii: "D"): 0x02, UInt8(ascii: "H"): 0x01, UInt8(ascii: "F"): 0x05]
        let home: Set<String> = ["[1~", "[7~"], end: Set<String> = ["[4~", "[8~"]
        let text = String(decoding: sequence, as: UTF8.self)
        let control: UInt32? = home.contains(text) ? 0x01 : end.contains(text) ? 0x05 : sequence.count >= 2 ? sequence.last.flatMap { emacs[$0] } : nil
        guard let control else { return UInt8(CC_NORM) }
        var pushed: [wchar_t] = [wchar_t(bitPattern: control), 0]
        el_wpush(editor, &pushed)
        return UInt8(CC_NORM)
    }
}

/// Ctrl-C must cancel the line being typed, not end the call: a handler that
/// only records the signal makes libedit's read return with EINTR.
public enum Interrupt {
    nonisolated(unsafe) static var fired = false

    /// Ctrl-C was pressed since the last line was read (only on a terminal, where the handler is installed).
    public static var pending: Bool { fired }

    public static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in Interrupt.fired = true }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        // A launcher may have blocked SIGINT (spawned children inherit the mask); the call needs it.
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interrupt, nil)
    }
}

extension Locale {
    /// libedit needs a UTF-8 locale: without one, Chinese input is dropped or crashes the narrow API.
    public static func ensureUTF8() {
        setlocale(LC_ALL, "")
        let codeset = String(cString: nl_langinfo(nl_item(CODESET)))
        if codeset.uppercased().replacingOccurrences(of: "-", with: "") != "UTF8" {
            setlocale(LC_ALL, "C.UTF-8")
        }
    }
}

extension String {
    fileprivate func withWideCString<R>(_ body: (UnsafePointer<wchar_t>) -> R) -> R {
        let wide = unicodeScalars.map { wchar_t(bitPattern: $0.value) } + [0]
        return wide.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
