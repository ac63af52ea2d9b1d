import Foundation
import HuashuStore

/// Opens the database; commands that only read it want it to exist already,
/// so a mistyped `--db` is an error instead of an empty new file.
func openStore(_ location: StoreLocation, mustExist: Bool = false) throws(UserError) -> Store {
    let path = try deskFile(location)
    if mustExist && !FileManager.default.fileExists(atPath: path) {
        throw UserError("no database at \(path); calls are logged there by `huashu call` (or name one with --db)")
    }
    do { return try Store(path: path) } catch { throw UserError(error.description) }
}

/// Runs store work, turning its errors into the user's words.
func wrap<T>(_ body: () throws -> T) throws(UserError) -> T {
    do {
        return try body()
    } catch let error as UserError {
        throw error
    } catch {
        throw UserError(String(describing: error))
    }
}

/// The desk's SQLite file: a live call, an import, a sync and the ledger's commands write there, never to the central store.
func deskFile(_ location: StoreLocation) throws(UserError) -> String {
    switch location {
    case .file(let path): return path
    case .central(let url):
        throw UserError("\(url) is a team's central store; this command works on a desk's SQLite file (give --db PATH, or leave --db out)")
    }
}
