import HuashuCentral

/// The central store for one command, connected at most once: a server that
/// cannot be reached costs one connect timeout and one message, however many
/// times the command asks it (`call --next` pulls the ledger, then leases).
final class CentralLink {
    private let url: String?
    private var tried: Result<CentralConnection, UserError>?

    /// The central store configured for this desk ($HUASHU_CENTRAL or the config file), if any.
    init(url: String? = CentralSync.url(option: nil)) {
        self.url = url
    }

    /// True once a connection was tried and failed (and the failure was said by whoever tried).
    var failed: Bool {
        if case .failure = tried { return true }
        return false
    }

    /// The connection, nil when no central store is configured; after a failure, that failure again, at once.
    func connection() throws(UserError) -> CentralConnection? {
        guard let url else { return nil }
        if tried == nil {
            do throws(UserError) {
                tried = .success(try wrap { try CentralConnection(url: url) })
            } catch {
                tried = .failure(error)
            }
        }
        return try tried?.get()
    }
}
