import Foundation
import HuashuCalendar
import HuashuCentral
import HuashuRenewal
import HuashuStore
import HuashuTerminal

/// `huashu watch`: the wallboard on a terminal left on a wall screen. It reads
/// the floor when central says a desk pushed (LISTEN/NOTIFY), redraws the
/// clock every second from what it read, and outlives a server restart: it
/// keeps the last frame, says it lost the server, and calls again until it is back.
public enum FloorWatch {
    /// The month's renewal rate reads every customer due: at most this often.
    static let monthEvery: TimeInterval = 30
    /// Read again even without news, for calls that go quiet and the day that turns.
    static let readEvery: TimeInterval = 60

    /// The central store to watch: `--db URL`, else `--central`, `$HUASHU_CENTRAL` or the config file. A desk's file has no floor.
    public static func url(db: String?, central: String?) throws(UserError) -> String {
        if let db, !db.isEmpty {
            guard case .central(let url) = StoreLocation(db) else {
                throw UserError("`\(db)` is a desk's file; the wallboard shows the team's central store: --db postgresql://user@host/database")
            }
            return url
        }
        guard let url = CentralSync.url(option: central) else {
            throw UserError("no central store named: give --db postgresql://user@host/database, set $HUASHU_CENTRAL, "
                + "or write `central = URL` in \(AgentConfig.path(ProcessInfo.processInfo.environment))")
        }
        return url
    }

    /// One frame, as plain text.
    public static func once(url: String, dialogues: [String]) throws(UserError) -> String {
        var floor = Floor(url: url)
        let now = Date()
        let board = try wrap { try floor.read(now: now) }
        return Wallboard(board: board, now: now, names: names(dialogues)).text
    }

    /// Full-screen frames until Ctrl-C.
    public static func run(url: String, dialogues: [String]) throws(UserError) {
        let names = names(dialogues)
        var floor = Floor(url: url)
        // The first read must work: a wrong address is said at once, not drawn as an outage.
        var board = try wrap { try floor.read(now: Date()) }
        var notice: String?
        var lastRead = Date()
        Interrupt.install()
        Screen.enter()
        defer { Screen.leave() }
        while !Interrupt.pending {
            Screen.draw(Wallboard.fitted(Wallboard(board: board, now: Date(), names: names, notice: notice).text, to: .standardOutput))
            guard floor.connected else {
                // Once a second, until the server answers again; Ctrl-C cuts the wait short.
                usleep(1_000_000)
                if let read = try? floor.read(now: Date()) {
                    board = read
                    lastRead = Date()
                    notice = "已重新连上中心库(\(LocalTime(lastRead).secondText))"
                }
                continue
            }
            do {
                if try floor.awaitNews(seconds: 1) || Date().timeIntervalSince(lastRead) >= readEvery {
                    board = try floor.read(now: Date())
                    lastRead = Date()
                }
            } catch {
                floor.disconnect()
                notice = "中心库连接断开(\(error)),正在重连;下面是 \(LocalTime(lastRead).secondText) 的数据"
            }
        }
    }

    private static func names(_ dialogues: [String]) -> Wallboard.Names {
        Wallboard.Names(ScriptFiles.forNames(dialogues.isEmpty ? [ScriptFiles.defaultPath] : dialogues,
                                             lacking: "stages and objections are shown by their ids (give --dialogues)"))
    }

    /// The central store as the wallboard reads it: one connection, listening, made again after a loss.
    struct Floor {
        let url: String
        private var store: CentralStore?
        private var month: (read: Date, due: Int, won: Int)?

        init(url: String) {
            self.url = url
        }

        var connected: Bool { store != nil }

        mutating func disconnect() {
            store = nil
        }

        func awaitNews(seconds: Double) throws -> Bool {
            guard let store else { return false }
            return try store.central.awaitNotification(seconds: seconds)
        }

        /// Everything on the board, connecting (and listening) first when needed.
        mutating func read(now: Date) throws -> FloorBoard {
            let store = try self.store ?? {
                let opened = try CentralStore(url: url)
                try opened.listenToTheFloor()
                return opened
            }()
            self.store = store
            do {
                let day = LocalDay.day(now)
                let window = ReportWindow(firstDay: day.description, endDay: day.adding(days: 1).description,
                                          startUTC: Timestamp.string(LocalTime.date(day)), endUTC: Timestamp.string(LocalTime.date(day.adding(days: 1))),
                                          today: day.description, nowLocal: SupervisorTime.local(now), quietBeforeUTC: Timestamp.string(now),
                                          agent: nil, handlerIDs: [])
                let agents = try store.agentsDay(window)
                if month == nil || now.timeIntervalSince(month?.read ?? now) >= FloorWatch.monthEvery {
                    let due = try store.dueCustomers(ReportMonth(CalendarMonth(containing: day)).window(now: now, agent: nil, handlers: []))
                    month = (now, due.count, due.filter(\.isWon).count)
                }
                return FloorBoard(live: try store.liveCalls(), today: agents.agents, callbacks: agents.callbacks,
                                  monthDue: month?.due ?? 0, monthWon: month?.won ?? 0)
            } catch {
                self.store = nil
                throw error
            }
        }
    }

    /// The terminal as a wall screen: its own page (the shell's is given back on exit), no cursor, each frame from the top.
    enum Screen {
        static func enter() { write("\u{1B}[?1049h\u{1B}[?25l") }
        static func leave() { write("\u{1B}[?25h\u{1B}[?1049l") }
        static func draw(_ frame: String) {
            write("\u{1B}[H" + frame.replacingOccurrences(of: "\n", with: "\u{1B}[K\r\n") + "\u{1B}[J")
        }

        private static func write(_ text: String) {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
