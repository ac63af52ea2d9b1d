import Foundation
import HuashuText

/// The agent's and dealer's names kept between runs, so the greeting names a
/// person and a shop from the first call: `$XDG_CONFIG_HOME/huashu/config`
/// (else `~/.config/huashu/config`), lines `agent = 小李` and `dealer = 鹏程丰田`.
/// Asked for once on a terminal when neither an option, an environment
/// variable nor the file gives them.
enum AgentConfig {
    static func path(_ environment: [String: String]) -> String {
        let home = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        return home + "/huashu/config"
    }

    /// `key = value` lines; `#` comments and anything else are skipped.
    static func read(_ path: String) -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var values: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let value = line[line.index(after: equals)...].trimmingSpaces
            if !value.isEmpty { values[line[..<equals].trimmingSpaces] = value }
        }
        return values
    }

    /// The names from the file, asking on a terminal for those it lacks (and keeping the answers).
    static func names(_ environment: [String: String], needAgent: Bool, needDealer: Bool, asking: Bool) -> (agent: String?, dealer: String?) {
        let file = path(environment)
        var values = read(file)
        guard asking, isatty(0) == 1, isatty(1) == 1 else { return (values["agent"], values["dealer"]) }
        var asked = false
        for (key, question, needed) in [("agent", "你的名字(通话里说“我是续保顾问…”)", needAgent), ("dealer", "门店名称(如 鹏程丰田)", needDealer)]
        where needed && values[key] == nil {
            FileHandle.standardOutput.write(Data("\(question): ".utf8))
            guard let answer = readLine()?.trimmingSpaces, !answer.isEmpty else { continue }
            values[key] = answer
            asked = true
        }
        if asked {
            let text = values.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: "\n") + "\n"
            try? FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if FileManager.default.createFile(atPath: file, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) {
                FileHandle.standardOutput.write(Data("已保存到 \(file),以后不再问。\n".utf8))
            }
        }
        return (values["agent"], values["dealer"])
    }
}
