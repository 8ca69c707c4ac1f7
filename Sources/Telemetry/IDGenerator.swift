import Synchronization

/// Makes new trace and span ids.
public protocol IDGenerator: Sendable {
    func newTraceID() -> TraceID
    func newSpanID() -> SpanID
}

/// Random ids: SplitMix64 over an atomic counter seeded by the system's random source.
///
/// The system source is a syscall per call. Each id is the SplitMix64 finaliser of the next step of one shared
/// counter: a single atomic add, no lock, on the path of every span and from any number of threads. The
/// finaliser is a bijection, so ids are distinct until the counter wraps (after 2^64 of them); they need to
/// be unique and well spread, not secret.
public final class RandomIDGenerator: IDGenerator {
    private let counter: Atomic<UInt64>

    public init() {
        var system = SystemRandomNumberGenerator()
        counter = Atomic(system.next())
    }

    public func newTraceID() -> TraceID {
        var id = TraceID.invalid
        while !id.isValid { id = TraceID(high: next(), low: next()) }
        return id
    }

    public func newSpanID() -> SpanID {
        var id = SpanID.invalid
        while !id.isValid { id = SpanID(next()) }
        return id
    }

    @inline(__always)
    private func next() -> UInt64 {
        let step: UInt64 = 0x9E37_79B9_7F4A_7C15
        var z = counter.wrappingAdd(step, ordering: .relaxed).newValue
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The xoshiro256** pseudo-random generator (Blackman and Vigna), seeded through SplitMix64: the BSB's placement
/// (`RandomSource`) draws from it, reproducibly from a seed.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    @usableFromInline var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    @inlinable
    static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    @inlinable
    public mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }
}
