import Foundation
import HuashuScript

/// Which language lint and the other trainer tools speak. Chinese unless
/// asked otherwise: `--lang`, else `$HUASHU_LANG`, else the locale (the first
/// of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set) when it is English (`en_US.UTF-8`).
/// A `C` or `POSIX` locale, common on servers, says nothing about the reader and leaves Chinese.
public enum MessageLanguage {
    public static func resolve(_ option: String?,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws(UserError) -> Language {
        if let option {
            guard let language = named(option) else { throw UserError("unknown language `\(option)`: use zh or en") }
            return language
        }
        if let chosen = environment["HUASHU_LANG"], !chosen.isEmpty {
            guard let language = named(chosen) else { throw UserError("HUASHU_LANG=\(chosen) is not a language: use zh or en") }
            return language
        }
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? ""
        return locale.lowercased().hasPrefix("en") ? .en : .zh
    }

    /// For commands without `--lang`: the environment's choice, Chinese when it names no language.
    public static var fromEnvironment: Language {
        (try? resolve(nil)) ?? .zh
    }

    /// `zh`, `en`, or a locale name such as `zh_CN.UTF-8`.
    private static func named(_ text: String) -> Language? {
        let lowered = text.lowercased()
        if lowered.hasPrefix("zh") || lowered == "中文" { return .zh }
        if lowered.hasPrefix("en") { return .en }
        return nil
    }
}
