/// Places cells at the positions the configuration lists (`positions: [[x, y, z], …]`), each in the job of
/// the chunk that holds it (chunks are half-open boxes: a position on the network's upper face is outside).
/// Counts and densities are ignored.
public struct FixedPositions: PlacementStrategy {
    /// The positions, flat x, y, z.
    public let coordinates: [Double]
    let path: String

    public init(coordinates: [Double], path: String = "positions") {
        self.coordinates = coordinates
        self.path = path
    }

    public var usesCellCounts: Bool { false }

    public func queue(chunks: [Chunk], volumes: [Double]) throws -> [Int] {
        var used = Set<Int>()
        for i in 0..<(coordinates.count / 3) {
            let p = SIMD3(coordinates[3 * i], coordinates[3 * i + 1], coordinates[3 * i + 2])
            guard let index = chunks.firstIndex(where: { $0.box.contains(p) }) else {
                throw ConfigurationError(path: keyPath(path, index: i), "position (\(p.x), \(p.y), \(p.z)) is outside the network")
            }
            used.insert(index)
        }
        return used.sorted()
    }

    /// The positions inside `chunk` (boxes are half-open, so each position is in exactly one chunk).
    public func place(chunk: Chunk, indicators: [PlacementIndicator], random: inout RandomSource) throws -> [CellPositions] {
        var inChunk: [Double] = []
        for i in 0..<(coordinates.count / 3) {
            let p = SIMD3(coordinates[3 * i], coordinates[3 * i + 1], coordinates[3 * i + 2])
            if chunk.box.contains(p) { inChunk.append(contentsOf: [p.x, p.y, p.z]) }
        }
        return indicators.map { CellPositions(cellType: $0.cellType.name, coordinates: inChunk) }
    }

    static let factory = PlacementFactory { node in
        let path = node.path("positions")
        let value = try node.requiredValue("positions")
        guard let items = value.arrayValue else {
            throw ConfigurationError(path: path, "expected a list of [x, y, z] positions, got \(value.typeName)")
        }
        var coordinates: [Double] = []
        coordinates.reserveCapacity(items.count * 3)
        for (i, item) in items.enumerated() {
            guard let xyz = item.arrayValue, xyz.count == 3 else {
                throw ConfigurationError(path: keyPath(path, index: i), "expected [x, y, z]")
            }
            for (axis, c) in xyz.enumerated() {
                coordinates.append(try ConfigNode.number(c, path: keyPath(keyPath(path, index: i), index: axis)))
            }
        }
        return FixedPositions(coordinates: coordinates, path: path)
    }
}
