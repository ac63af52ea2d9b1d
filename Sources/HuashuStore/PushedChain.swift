import GRDB

/// A step of this desk's log as the central store holds it: its hash and link
/// in the text a push sends (`PushRow`: hex for a v5 row's bytes, the stored
/// hex text for an older row's), so the two compare as they are.
public struct PushedStep: Sendable, Equatable {
    public let hash: String
    public let link: String

    public init(hash: String, link: String) {
        self.hash = hash
        self.link = link
    }
}

extension Store {
    /// The name this desk pushes under, or nil when it has never synced; read only, unlike `deskName`.
    public func storedDeskName() throws(StoreError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT name FROM central_desk") }
    }

    /// Each asked step of the log as pushed, nil for a step the file no longer has.
    public func pushedSteps(_ wanted: [(callID: Int64, seq: Int)]) throws(StoreError) -> [PushedStep?] {
        try read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT CASE typeof(hash) WHEN 'blob' THEN lower(hex(hash)) ELSE hash END,
                       CASE typeof(link) WHEN 'blob' THEN lower(hex(link)) ELSE link END
                FROM call_steps WHERE call_id = ? AND seq = ?
                """)
            return try wanted.map { step in
                try Row.fetchOne(statement, arguments: [step.callID, step.seq]).map { PushedStep(hash: $0[0] ?? "", link: $0[1] ?? "") }
            }
        }
    }
}
