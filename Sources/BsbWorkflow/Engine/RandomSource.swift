import Telemetry

/// xoshiro256** seeded through SplitMix64: fast, small, and identical on every platform.
///
/// Every job seeds its own generator from `(seed, strategy name, chunk id)` — never from the rank — so
/// the compiled network is the same whatever the number of ranks.
public struct RandomSource: Sendable {
    private var generator: Xoshiro256StarStar

    /// A generator whose state is expanded from `seed` with SplitMix64.
    public init(seed: UInt64) {
        generator = Xoshiro256StarStar(seed: seed)
    }

    /// The generator of one job: mixes the run's seed, the strategy's name and the chunk.
    public init(seed: UInt64, strategy: String, chunk: Int) {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a over the name
        for byte in strategy.utf8 {
            h ^= UInt64(byte)
            h &*= 0x0000_0100_0000_01B3
        }
        self.init(seed: seed ^ (h &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(truncatingIfNeeded: chunk) &* 0xD1B5_4A32_D192_ED03))
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        generator.next()
    }

    /// A uniform double in [0, 1).
    @inline(__always)
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform double in [lo, hi).
    @inline(__always)
    public mutating func uniform(_ lo: Double, _ hi: Double) -> Double {
        lo + (hi - lo) * nextUnit()
    }

    /// A uniform point in `box`.
    @inline(__always)
    public mutating func point(in box: Box) -> SIMD3<Double> {
        SIMD3(uniform(box.lo.x, box.hi.x), uniform(box.lo.y, box.hi.y), uniform(box.lo.z, box.hi.z))
    }
}
