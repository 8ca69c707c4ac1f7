/// Connects each presynaptic cell to each postsynaptic cell whose centre is within `radius` µm.
///
/// The presynaptic cells are bucketed on a grid of `radius` once per job, so a job costs about the number
/// of candidate pairs near each postsynaptic cell rather than pre × post.
public struct DistanceConnectivity: ConnectivityStrategy {
    /// The largest distance between connected cell centres, µm.
    public let radius: Double

    public init(radius: Double) {
        self.radius = radius
    }

    public func connect(chunk: Chunk, pre: [CellSet], post: [CellSet], random: inout RandomSource) throws -> [[UInt32]] {
        let r2 = radius * radius
        let cell = Swift.max(radius, 1e-9)
        var result: [[UInt32]] = []
        for preSet in pre {
            // Grid of the presynaptic cells: bucket key → indices into the set.
            var buckets: [SIMD3<Int>: [Int32]] = [:]
            var preIDs: [Int] = []
            preIDs.reserveCapacity(preSet.count)
            for range in preSet.ranges { preIDs.append(contentsOf: range) }
            func key(_ p: SIMD3<Double>) -> SIMD3<Int> {
                SIMD3(gridIndex(p.x / cell), gridIndex(p.y / cell), gridIndex(p.z / cell))
            }
            let prePositions = preSet.positions
            for i in 0..<Swift.min(preIDs.count, prePositions.count / 3) {
                let p = SIMD3(prePositions[3 * i], prePositions[3 * i + 1], prePositions[3 * i + 2])
                buckets[key(p), default: []].append(Int32(i))
            }
            for postSet in post {
                var pairs: [UInt32] = []
                var postIndex = 0
                for range in postSet.ranges {
                    for postID in range {
                        defer { postIndex += 1 }
                        guard 3 * postIndex + 2 < postSet.positions.count else { continue }
                        let q = SIMD3(postSet.positions[3 * postIndex], postSet.positions[3 * postIndex + 1], postSet.positions[3 * postIndex + 2])
                        let k = key(q)
                        var near: [Int32] = []
                        for dx in -1...1 {
                            for dy in -1...1 {
                                for dz in -1...1 {
                                    guard let bucket = buckets[k &+ SIMD3(dx, dy, dz)] else { continue }
                                    for i in bucket {
                                        let j = Int(i)
                                        let d = SIMD3(prePositions[3 * j], prePositions[3 * j + 1], prePositions[3 * j + 2]) - q
                                        if (d * d).sum() <= r2 { near.append(i) }
                                    }
                                }
                            }
                        }
                        near.sort()  // deterministic order, independent of the hash table's iteration
                        for i in near {
                            pairs.append(UInt32(truncatingIfNeeded: preIDs[Int(i)]))
                            pairs.append(UInt32(truncatingIfNeeded: postID))
                        }
                    }
                }
                result.append(pairs)
            }
        }
        return result
    }

    static let factory = ConnectivityFactory { node in
        let radius = try node.double("radius")
        guard radius > 0, radius.isFinite else {
            throw ConfigurationError(path: node.path("radius"), "must be a positive distance (got \(JSONValue.format(radius)))")
        }
        return DistanceConnectivity(radius: radius)
    }
}
