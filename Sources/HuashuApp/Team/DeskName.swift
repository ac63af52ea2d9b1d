import Foundation
import HuashuStore

/// A desk's name on the central store, the key of every row it pushes.
enum DeskName {
    /// The desk's name on the central store: --desk, $HUASHU_DESK, the host name; kept in the desk's file from its first use.
    static func resolve(store: Store, proposed desk: String?) throws(UserError) -> String {
        let proposed = desk.flatMap { $0.isEmpty ? nil : $0 }
            ?? ProcessInfo.processInfo.environment["HUASHU_DESK"].flatMap { $0.isEmpty ? nil : $0 }
        return try wrap { try store.deskName(proposed: proposed ?? hostName, explicit: proposed != nil) }
    }

    private static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "desk" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "desk" : name
    }
}
