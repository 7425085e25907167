/// A small deterministic random number generator (SplitMix64) for tests that pick random moments:
/// the seed is printed, and the same seed replays the same choices.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    /// The seed this generator started from.
    public let seed: UInt64
    private var state: UInt64

    /// Starts from `seed`.
    public init(seed: UInt64) {
        self.seed = seed
        state = seed
    }

    /// Starts from the seed in the environment variable `name` when it is set (to replay a run),
    /// otherwise from a fresh random seed.
    public init(environment name: String, _ environment: [String: String]) {
        self.init(seed: environment[name].flatMap { UInt64($0) } ?? UInt64.random(in: 0...UInt64.max))
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
