/// SplitMix64: a small, fast generator whose sequence depends only on its
/// seed, so `ivr simulate --seed S` gives the same calls on every machine.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// An index chosen with the given weights (none positive: nil).
    public mutating func pick(_ weights: [Double]) -> Int? {
        let total = weights.reduce(0) { $0 + max(0, $1) }
        guard total > 0 else { return nil }
        var point = unit() * total
        for (index, weight) in weights.enumerated() where weight > 0 {
            point -= weight
            if point < 0 { return index }
        }
        return weights.lastIndex { $0 > 0 }
    }
}
