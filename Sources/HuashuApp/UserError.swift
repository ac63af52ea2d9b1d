/// A problem the user can fix, said in a sentence that names what and where.
/// Commands print it and exit non-zero; it never becomes a trap.
public struct UserError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
