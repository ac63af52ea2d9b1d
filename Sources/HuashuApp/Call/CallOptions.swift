import Foundation
import HuashuStore

/// What every call-making command needs to know, from options and environment.
public struct CallOptions: Sendable {
    public var database: StoreLocation
    public var dialogues: [String]
    public var agent: String
    public var dealer: String
    public var overrideDoNotCall = false
    /// The team's central store each ended call is pushed to in the background; nil for none.
    public var central: String?
    public var today: Date

    /// `asking`: a command that speaks to customers may ask on a terminal for names nothing else gives.
    public init(database: StoreLocation, dialogues: [String], agent: String?, dealer: String?, today: Date = Date(), asking: Bool = true) {
        let environment = ProcessInfo.processInfo.environment
        self.database = database
        self.dialogues = dialogues.isEmpty ? [ScriptFiles.defaultPath] : dialogues
        // --agent, $HUASHU_AGENT, the config file (asked for once on a terminal), then the login name.
        let givenAgent = agent ?? environment["HUASHU_AGENT"].flatMap { $0.isEmpty ? nil : $0 }
        let givenDealer = dealer ?? environment["HUASHU_DEALER"].flatMap { $0.isEmpty ? nil : $0 }
        let kept = givenAgent != nil && givenDealer != nil ? (agent: nil, dealer: nil)
            : AgentConfig.names(environment, needAgent: givenAgent == nil, needDealer: givenDealer == nil, asking: asking)
        self.agent = givenAgent ?? kept.agent ?? environment["USER"] ?? "续保顾问"
        self.dealer = givenDealer ?? kept.dealer ?? "本店"
        self.today = today
        self.central = CentralSync.url(option: nil, environment: environment)
    }

    /// The database for a call on the terminal: its steps wait out a busy file (`BusyWait.liveCall`).
    public func openStore() throws(UserError) -> Store {
        let path = try deskFile(database)
        do { return try Store(path: path, busyWait: .liveCall) } catch { throw UserError(error.description) }
    }

    /// `$HUASHU_HISTORY`, else `~/.huashu_history`, as psql and sqlite3 keep theirs.
    static var historyFile: String {
        let environment = ProcessInfo.processInfo.environment
        return environment["HUASHU_HISTORY"] ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.huashu_history"
    }
}
