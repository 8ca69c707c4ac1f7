/// Places cells as non-overlapping spheres: no two cells closer than the sum of their radii.
///
/// Random sequential addition with a spatial hash. A cell's centre is kept at least its radius away from
/// the faces of the chunk's region, so spheres of neighbouring chunks (placed by other jobs, maybe on other
/// ranks) can never overlap. After `maxAttempts` failed draws for one cell, or if the packing factor is
/// too high, it is a `PackingError`.
public struct ParticlePlacement: PlacementStrategy {
    public let maxAttempts: Int

    public init(maxAttempts: Int = 1000) {
        self.maxAttempts = maxAttempts
    }

    public func place(chunk: Chunk, indicators: [PlacementIndicator], random: inout RandomSource) throws -> [CellPositions] {
        let maxRadius = indicators.map(\.cellType.radius).max() ?? 0
        let cellSize = Swift.max(2 * maxRadius, 1e-9)
        var grid = SpatialHash(cellSize: cellSize, origin: chunk.box.lo)
        var result: [CellPositions] = []
        for indicator in indicators {
            try Packing.check(indicator)
            let r = indicator.cellType.radius
            var coordinates: [Double] = []
            coordinates.reserveCapacity(3 * indicator.count)
            let boxes = indicator.regions.compactMap { region -> Box? in
                let inner = Box(lo: region.box.lo + r, hi: region.box.hi - r)
                return inner.isEmpty ? nil : inner
            }
            if indicator.count > 0 && boxes.isEmpty {
                throw PackingError(
                    cellType: indicator.cellType.name, partitions: indicator.partitionNames,
                    reason: "cells of radius \(JSONValue.format(r)) µm do not fit in chunk \(chunk.label)")
            }
            let total = boxes.reduce(0) { $0 + $1.volume }
            for _ in 0..<indicator.count {
                var placed = false
                for _ in 0..<maxAttempts {
                    var box = boxes[0]
                    if boxes.count > 1 {
                        var pick = random.nextUnit() * total
                        for b in boxes {
                            box = b
                            pick -= b.volume
                            if pick < 0 { break }
                        }
                    }
                    let p = random.point(in: box)
                    if grid.isFree(p, radius: r, maxRadius: maxRadius) {
                        grid.insert(p, radius: r)
                        coordinates.append(p.x)
                        coordinates.append(p.y)
                        coordinates.append(p.z)
                        placed = true
                        break
                    }
                }
                if !placed {
                    throw PackingError(
                        cellType: indicator.cellType.name, partitions: indicator.partitionNames,
                        reason: "no free space for cell \(coordinates.count / 3 + 1) of \(indicator.count) in chunk "
                            + "\(chunk.label) after \(maxAttempts) attempts")
                }
            }
            result.append(CellPositions(cellType: indicator.cellType.name, coordinates: coordinates))
        }
        return result
    }

    static let factory = PlacementFactory { node in
        let attempts = try node.optionalInt("max_attempts") ?? 1000
        guard attempts > 0 else { throw ConfigurationError(path: node.path("max_attempts"), "must be positive") }
        return ParticlePlacement(maxAttempts: attempts)
    }
}

/// Spheres bucketed by a grid of `cellSize` (at least the largest diameter), for neighbour queries.
struct SpatialHash {
    let cellSize: Double
    let origin: SIMD3<Double>
    var buckets: [SIMD3<Int>: [SIMD4<Double>]] = [:]

    init(cellSize: Double, origin: SIMD3<Double>) {
        self.cellSize = cellSize
        self.origin = origin
    }

    func key(_ p: SIMD3<Double>) -> SIMD3<Int> {
        let q = (p - origin) / cellSize
        return SIMD3(gridIndex(q.x), gridIndex(q.y), gridIndex(q.z))
    }

    func isFree(_ p: SIMD3<Double>, radius: Double, maxRadius: Double) -> Bool {
        let k = key(p)
        for dx in -1...1 {
            for dy in -1...1 {
                for dz in -1...1 {
                    guard let bucket = buckets[k &+ SIMD3(dx, dy, dz)] else { continue }
                    for other in bucket {
                        let d = SIMD3(other.x, other.y, other.z) - p
                        let minDistance = radius + other.w
                        if (d * d).sum() < minDistance * minDistance { return false }
                    }
                }
            }
        }
        return true
    }

    mutating func insert(_ p: SIMD3<Double>, radius: Double) {
        buckets[key(p), default: []].append(SIMD4(p.x, p.y, p.z, radius))
    }
}

/// `x` rounded down to an `Int`, clamped so that absurd scales never trap.
@inline(__always)
func gridIndex(_ x: Double) -> Int {
    let clamped = Swift.min(Swift.max(x.rounded(.down), -1e15), 1e15)
    return clamped.isNaN ? 0 : Int(clamped)
}
