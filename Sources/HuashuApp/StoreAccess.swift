import Foundation
import HuashuStore

/// Opens the database; commands that only read it want it to exist already,
/// so a mistyped `--db` is an error instead of an empty new file.
func openStore(_ path: String, mustExist: Bool = false) throws(UserError) -> Store {
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
