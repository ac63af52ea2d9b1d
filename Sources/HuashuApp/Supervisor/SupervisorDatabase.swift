import HuashuCentral
import HuashuStore

/// The database a supervisor's command reads: the desk's SQLite file, which must
/// exist, or the team's central store when `--db` names a `postgresql://` URL.
func openSupervisorStore(_ location: StoreLocation) throws(UserError) -> any SupervisorStore {
    switch location {
    case .file:
        return try openStore(location, mustExist: true)
    case .central(let url):
        return try wrap { try CentralStore(url: url) }
    }
}
