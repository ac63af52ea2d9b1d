/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast generator whose whole
/// state is one number, so a seed typed by a trainer gives the same rehearsal
/// on every machine and every Swift version. The standard library's random
/// functions are not used: their algorithms may change between releases.
public struct SplitMix64: Sendable, Equatable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A whole number in `0..<bound`, every value equally likely (no modulo bias).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "below(_:) needs a positive bound")
        let range = UInt64(bound)
        let threshold = (0 &- range) % range
        while true {
            let value = next()
            if value >= threshold { return Int(value % range) }
        }
    }

    /// An index into `weights`, each chosen in proportion to its weight; weights are positive.
    public mutating func pick(weights: [Int]) -> Int {
        precondition(!weights.isEmpty && weights.allSatisfy { $0 > 0 }, "pick(weights:) needs positive weights")
        var roll = below(weights.reduce(0, +))
        for (index, weight) in weights.enumerated() {
            if roll < weight { return index }
            roll -= weight
        }
        return weights.count - 1
    }
}
