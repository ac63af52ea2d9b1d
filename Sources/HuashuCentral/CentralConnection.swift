import CLibPQ
import Foundation
import GRDB

/// A problem with the central store, said in words: what failed and where.
/// Never holds a password: a URL that carries one is refused before connecting.
public struct CentralError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// One libpq connection to the team's central store. Passwords come from
/// libpq's own places (`.pgpass`, `PGPASSFILE`, `PGPASSWORD`), never the URL.
public final class CentralConnection {
    /// Seconds to wait for the server when neither the URL nor `PGCONNECT_TIMEOUT` says.
    static let defaultConnectTimeout = "5"

    /// The URL as given (it holds no password), for messages.
    public let url: String
    private let connection: OpaquePointer

    /// `--central URL`, else `$HUASHU_CENTRAL`; nil when neither names one.
    public static func url(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let option, !option.isEmpty { return option }
        return environment["HUASHU_CENTRAL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public init(url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(CentralError) {
        self.url = url
        guard huashu_libpq_loaded() != 0 else {
            throw CentralError("the central store is reached through libpq, which is not installed here (Debian: apt-get install libpq5)")
        }
        let options = try Self.parse(url)
        if let password = options["password"], !password.isEmpty {
            throw CentralError("the central store's address carries a password; take it out and put it in ~/.pgpass "
                + "(or the file $PGPASSFILE names), so it never shows in a process list, a shell history or a log")
        }
        // The URL's own connect_timeout, listed later, wins over this default.
        let waitsItsOwn = options["connect_timeout"] != nil || environment["PGCONNECT_TIMEOUT"] != nil
        let keywords = (waitsItsOwn ? [] : ["connect_timeout"]) + ["dbname", "application_name"]
        let values = (waitsItsOwn ? [] : [Self.defaultConnectTimeout]) + [url, "huashu"]
        let connection = withCStrings(keywords) { keys in
            withCStrings(values) { vals in huashu_PQconnectdbParams(keys, vals, 1) }
        }
        guard let connection else { throw CentralError("cannot connect to the central store \(url): out of memory") }
        guard huashu_PQstatus(connection) == CONNECTION_OK else {
            let reason = Self.message(connection)
            huashu_PQfinish(connection)
            throw CentralError("cannot connect to the central store \(url): \(reason)")
        }
        self.connection = connection
        _ = try execute("SET client_min_messages = warning")
    }

    deinit { huashu_PQfinish(connection) }

    /// The connection string's settings as libpq reads them (a URL or `key=value` pairs).
    private static func parse(_ url: String) throws(CentralError) -> [String: String] {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = huashu_PQconninfoParse(url, &error) else {
            let reason = error.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "out of memory"
            if let error { huashu_PQfreemem(error) }
            throw CentralError("`\(url)` is not a PostgreSQL connection string (\(reason)); "
                + "write it as postgresql://user@host/database")
        }
        defer { huashu_PQconninfoFree(options) }
        var found: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { found[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        return found
    }

    /// Runs one statement with `$1`, `$2`, ... bound to `parameters` (text, or NULL for nil);
    /// returns the rows as text. `what` names the work in the error when it fails.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = [], what: String? = nil) throws(CentralError) -> [[String?]] {
        let result = withOptionalCStrings(parameters) { values in
            huashu_PQexecParams(connection, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        return try rows(of: result, what: what)
    }

    /// Runs one query and returns its rows named and typed as SQLite gives them (integers and
    /// booleans as Int64, other numbers as Double, the rest as text), so a desk's record types
    /// and row readers take them as they are.
    public func fetch(_ sql: String, _ parameters: [String?] = [], what: String) throws(CentralError) -> [Row] {
        let result = withOptionalCStrings(parameters) { values in
            huashu_PQexecParams(connection, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        defer { huashu_PQclear(result) }
        guard huashu_PQresultStatus(result) == PGRES_TUPLES_OK else {
            throw failure(what, reason: result.map { String(cString: huashu_PQresultErrorMessage($0)) } ?? "")
        }
        let columns = (0..<huashu_PQnfields(result)).map { column in
            (name: String(cString: huashu_PQfname(result, column)), type: huashu_PQftype(result, column))
        }
        return (0..<huashu_PQntuples(result)).map { row in
            var values: [String: (any DatabaseValueConvertible)?] = [:]
            for (index, column) in columns.enumerated() {
                let at = Int32(index)
                guard huashu_PQgetisnull(result, row, at) == 0 else { values[column.name] = DatabaseValue.null; continue }
                let text = String(cString: huashu_PQgetvalue(result, row, at))
                switch column.type {
                case 16: values[column.name] = Int64(text == "t" ? 1 : 0)
                case 20, 21, 23: values[column.name] = Int64(text)
                case 700, 701, 1700: values[column.name] = Double(text)
                default: values[column.name] = text
                }
            }
            return Row(values)
        }
    }

    /// Sends `rows` (text, nil for NULL) through `copy`, as `copy(_:data:what:)` does.
    public func copy(_ copy: String, rows: [[String?]], what: String) throws(CentralError) {
        var text = CentralCopyText()
        for row in rows { text.write(row: row) }
        try self.copy(copy, data: text.bytes, what: what)
    }

    /// Sends rows written out as COPY data (`CentralCopyText`) through `copy` (a `COPY … FROM STDIN` in text
    /// format), a chunk at a time: the way in that costs the server least, no statement to parse, nothing to bind.
    func copy(_ copy: String, data: [UInt8], what: String) throws(CentralError) {
        let start = huashu_PQexec(connection, copy)
        guard huashu_PQresultStatus(start) == PGRES_COPY_IN else {
            _ = try self.rows(of: start, what: what)
            throw failure(what, reason: "the server did not start the copy")
        }
        huashu_PQclear(start)
        var sent: Int32 = 1
        data.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { bytes in
                var offset = 0
                while offset < bytes.count && sent == 1 {
                    let length = min(Self.copyChunk, bytes.count - offset)
                    sent = huashu_PQputCopyData(connection, bytes.baseAddress! + offset, Int32(length))
                    offset += length
                }
            }
        }
        let ended = huashu_PQputCopyEnd(connection, sent == 1 ? nil : "huashu could not send the rows")
        var reason: String?
        while let result = huashu_PQgetResult(connection) {
            if huashu_PQresultStatus(result) != PGRES_COMMAND_OK { reason = String(cString: huashu_PQresultErrorMessage(result)) }
            huashu_PQclear(result)
        }
        if let reason { throw failure(what, reason: reason) }
        if sent != 1 || ended != 1 { throw failure(what, reason: "") }
    }

    /// Bytes of COPY data handed to libpq at once.
    static let copyChunk = 256 * 1024

    /// Runs several statements without parameters (a migration), as one string.
    public func executeScript(_ sql: String, what: String) throws(CentralError) {
        _ = try rows(of: huashu_PQexec(connection, sql), what: what)
    }

    private func rows(of result: OpaquePointer?, what: String?) throws(CentralError) -> [[String?]] {
        defer { huashu_PQclear(result) }
        switch huashu_PQresultStatus(result) {
        case PGRES_COMMAND_OK:
            return []
        case PGRES_TUPLES_OK:
            let rows = huashu_PQntuples(result), columns = huashu_PQnfields(result)
            return (0..<rows).map { row in
                (0..<columns).map { column in
                    huashu_PQgetisnull(result, row, column) == 1 ? nil : String(cString: huashu_PQgetvalue(result, row, column))
                }
            }
        default:
            let reason = result.map { String(cString: huashu_PQresultErrorMessage($0)) } ?? ""
            throw failure(what ?? "a statement", reason: reason)
        }
    }

    /// Waits up to `seconds` for a notification on a channel this connection LISTENs on; true when one or more came
    /// (all of them are taken). False on a timeout or a signal; throws when the server is gone.
    public func awaitNotification(seconds: Double) throws(CentralError) -> Bool {
        if takeNotifications() { return true }
        let socket = huashu_PQsocket(connection)
        guard socket >= 0 else { throw CentralError("lost the central store \(url): \(Self.message(connection))") }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(max(seconds, 0) * 1000)) > 0 else { return false }
        guard huashu_PQconsumeInput(connection) == 1 else {
            throw CentralError("lost the central store \(url): \(Self.message(connection))")
        }
        return takeNotifications()
    }

    private func takeNotifications() -> Bool {
        var any = false
        while let notification = huashu_PQnotifies(connection) {
            any = true
            huashu_PQfreemem(notification)
        }
        return any
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: () throws(CentralError) -> T) throws(CentralError) -> T {
        try execute("BEGIN", what: "starting a transaction")
        do {
            let value = try body()
            try execute("COMMIT", what: "committing")
            return value
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    /// What failed, in words, and whether the server went away meanwhile.
    private func failure(_ what: String, reason: String) -> CentralError {
        let detail = reason.isEmpty ? Self.message(connection) : Self.firstLine(reason)
        if huashu_PQstatus(connection) != CONNECTION_OK {
            return CentralError("lost the central store \(url) while \(what): \(detail)")
        }
        return CentralError("the central store \(url) refused \(what): \(detail)")
    }

    private static func message(_ connection: OpaquePointer) -> String {
        firstLine(String(cString: huashu_PQerrorMessage(connection)))
    }

    /// libpq's messages end in a newline and sometimes add a hint line; the first line says what happened.
    private static func firstLine(_ text: String) -> String {
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return lines.first ?? "no reason given"
    }
}

/// A NULL-terminated list, as libpq's keyword and value arrays are.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    withOptionalCStrings(strings + [nil]) { body($0) }
}

/// C copies of `strings` (NULL for nil) for the length of `body`.
private func withOptionalCStrings<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    let copies = strings.map { $0.map { strdup($0) } ?? nil }
    defer { copies.forEach { free($0) } }
    return copies.map { UnsafePointer($0) }.withUnsafeBufferPointer { body($0.baseAddress) }
}
