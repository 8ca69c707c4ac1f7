/// An axis-aligned box in µm, `lo` inclusive and `hi` exclusive.
public struct Box: Sendable, Equatable, CustomStringConvertible {
    public var lo: SIMD3<Double>
    public var hi: SIMD3<Double>

    public init(lo: SIMD3<Double>, hi: SIMD3<Double>) {
        self.lo = lo
        self.hi = hi
    }

    /// The edge lengths (0 where the box is empty along an axis).
    public var size: SIMD3<Double> {
        SIMD3(Swift.max(0, hi.x - lo.x), Swift.max(0, hi.y - lo.y), Swift.max(0, hi.z - lo.z))
    }

    /// The volume in µm³.
    public var volume: Double {
        let s = size
        return s.x * s.y * s.z
    }

    public var isEmpty: Bool { !(hi.x > lo.x && hi.y > lo.y && hi.z > lo.z) }

    /// The intersection, or `nil` when it is empty.
    public func intersection(_ other: Box) -> Box? {
        let box = Box(lo: pointwiseMax(lo, other.lo), hi: pointwiseMin(hi, other.hi))
        return box.isEmpty ? nil : box
    }

    /// Whether `point` is inside, `hi` excluded.
    public func contains(_ point: SIMD3<Double>) -> Bool {
        point.x >= lo.x && point.y >= lo.y && point.z >= lo.z && point.x < hi.x && point.y < hi.y && point.z < hi.z
    }

    public var description: String { "[\(lo.x), \(lo.y), \(lo.z)] – [\(hi.x), \(hi.y), \(hi.z)]" }
}
