/// One cell of the grid that cuts the network volume into pieces of `chunk_size`: the unit of work.
public struct Chunk: Sendable, Equatable {
    /// The position of the chunk in the grid list (x-major, then y, then z).
    public let id: Int
    /// The grid index `[i j k]`.
    public let index: SIMD3<Int>
    /// The chunk's box, clipped to the network.
    public let box: Box

    /// `[i j k]`, as the BSB prints chunks.
    public var label: String { "[\(index.x) \(index.y) \(index.z)]" }
}

/// The chunks of a network box.
public struct ChunkGrid: Sendable {
    /// The most chunks a network may have; more is a configuration error, not an out-of-memory crash.
    public static let maximumChunks = 4_000_000

    public let network: Box
    public let chunkSize: SIMD3<Double>
    public let counts: SIMD3<Int>
    public let chunks: [Chunk]

    /// The grid of `network` cut into `chunkSize` pieces (edge chunks are clipped to the network).
    public init(network: Box, chunkSize: SIMD3<Double>) throws(ConfigurationError) {
        self.network = network
        self.chunkSize = chunkSize
        let extent = network.size
        var counts = SIMD3<Int>(1, 1, 1)
        for axis in 0..<3 {
            let n = (extent[axis] / chunkSize[axis]).rounded(.up)
            guard n.isFinite, n <= Double(Self.maximumChunks) else {
                throw ConfigurationError(path: "network.chunk_size", "too many chunks")
            }
            counts[axis] = Swift.max(1, Int(n))
        }
        guard Double(counts.x) * Double(counts.y) * Double(counts.z) <= Double(Self.maximumChunks) else {
            throw ConfigurationError(
                path: "network.chunk_size",
                "\(counts.x)×\(counts.y)×\(counts.z) chunks is more than the \(Self.maximumChunks) supported")
        }
        self.counts = counts
        var chunks: [Chunk] = []
        chunks.reserveCapacity(counts.x * counts.y * counts.z)
        for i in 0..<counts.x {
            for j in 0..<counts.y {
                for k in 0..<counts.z {
                    let index = SIMD3(i, j, k)
                    let lo = network.lo + SIMD3(Double(i), Double(j), Double(k)) * chunkSize
                    let box = Box(lo: lo, hi: pointwiseMin(lo + chunkSize, network.hi))
                    chunks.append(Chunk(id: chunks.count, index: index, box: box))
                }
            }
        }
        self.chunks = chunks
    }

    /// The chunk holding `point`, or `nil` outside the network (the network's upper faces belong to it).
    public func chunk(containing point: SIMD3<Double>) -> Chunk? {
        var index = SIMD3<Int>(0, 0, 0)
        for axis in 0..<3 {
            let p = point[axis]
            guard p >= network.lo[axis], p <= network.hi[axis] else { return nil }
            let i = Int(((p - network.lo[axis]) / chunkSize[axis]).rounded(.down))
            index[axis] = Swift.min(Swift.max(i, 0), counts[axis] - 1)
        }
        return chunks[(index.x * counts.y + index.y) * counts.z + index.z]
    }
}
