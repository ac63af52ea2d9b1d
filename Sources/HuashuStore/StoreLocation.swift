import Foundation

/// Where a command's database is, resolved once from `--db` (else `$HUASHU_DB`, else the
/// default file): the desk's SQLite file, or a team's central store on PostgreSQL, named by a
/// `postgresql://` (or `postgres://`) URL. Commands that read the log as a supervisor take
/// either; a live call, an import and a sync work on the desk's file.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case file(String)
    case central(url: String)

    public init(_ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let given = option.flatMap { $0.isEmpty ? nil : $0 } ?? environment["HUASHU_DB"].flatMap { $0.isEmpty ? nil : $0 }
        guard let given else {
            let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
                ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
            self = .file(dataHome + "/huashu/huashu.sqlite")
            return
        }
        self = Self.isCentral(given) ? .central(url: given) : .file(given)
    }

    /// libpq's two URL schemes.
    static func isCentral(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// The path or URL, for messages (a central URL never carries a password: it is refused before connecting).
    public var description: String {
        switch self {
        case .file(let path): path
        case .central(let url): url
        }
    }
}
