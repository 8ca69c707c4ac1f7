/// A cell type as the configuration describes it.
public struct CellType: Sendable, Equatable {
    public let name: String
    /// The soma radius in µm.
    public let radius: Double
    /// Cells per µm³, if the count is given by density.
    public let density: Double?
    /// The number of cells, if given directly.
    public let count: Int?

    public init(name: String, radius: Double, density: Double? = nil, count: Int? = nil) {
        self.name = name
        self.radius = radius
        self.density = density
        self.count = count
    }

    /// The volume of one cell, a sphere of `radius`.
    public var cellVolume: Double { 4.0 / 3.0 * Double.pi * radius * radius * radius }
}

/// What one placement job must place of one cell type, in one chunk.
public struct PlacementIndicator: Sendable {
    public let cellType: CellType
    /// The number of cells of this type to place in this chunk (0 for strategies that ignore counts).
    public let count: Int
    /// The parts of the strategy's partitions inside the chunk, with their names.
    public let regions: [(partition: String, box: Box)]
    /// The number of cells of this type the strategy places in all chunks.
    public let totalCount: Int
    /// The volume of the strategy's partitions in the whole network, µm³.
    public let totalVolume: Double
    /// The names of the strategy's partitions, for messages.
    public let partitionNames: [String]
}

/// The positions one job placed for one cell type: x, y, z of each cell in a flat array.
public struct CellPositions: Sendable, Equatable {
    public var cellType: String
    public var coordinates: [Double]
    public var count: Int { coordinates.count / 3 }

    public init(cellType: String, coordinates: [Double]) {
        self.cellType = cellType
        self.coordinates = coordinates
    }
}

/// A placement strategy: it says which chunks it has work in, then places cells chunk by chunk.
///
/// Write no tracing code: the engine wraps `queue` and `place` in `Class.queue` / `Class.place` spans.
public protocol PlacementStrategy: BsbComponent {
    /// The chunks this strategy has jobs in, as indices into `chunks`; `volumes[i]` is the volume of its
    /// partitions inside `chunks[i]`. The default is every chunk with some volume.
    func queue(chunks: [Chunk], volumes: [Double]) throws -> [Int]
    /// Whether the engine should plan cell counts from density/count (false for fixed positions).
    var usesCellCounts: Bool { get }
    /// Places the cells of each indicator in `chunk`; returns one `CellPositions` per indicator, in order.
    func place(chunk: Chunk, indicators: [PlacementIndicator], random: inout RandomSource) throws -> [CellPositions]
}

extension PlacementStrategy {
    public static var componentType: ComponentType { .placement }
    public var usesCellCounts: Bool { true }
    public func queue(chunks: [Chunk], volumes: [Double]) throws -> [Int] {
        volumes.indices.filter { volumes[$0] > 0 }
    }
}

/// Builds a placement strategy from its configuration node (common keys already read).
/// Registered in `bsb.placement` under the class path (`bsb.placement.RandomPlacement`).
public struct PlacementFactory: Sendable {
    public let make: @Sendable (_ node: inout ConfigNode) throws -> any PlacementStrategy
    public init(make: @escaping @Sendable (_ node: inout ConfigNode) throws -> any PlacementStrategy) {
        self.make = make
    }
}

/// Cells that do not fit: the packing factor the configuration asks for is above what the radius allows.
public struct PackingError: BsbUserError, Sendable {
    public let cellType: String
    public let partitions: [String]
    public let reason: String

    public init(cellType: String, partitions: [String], reason: String) {
        self.cellType = cellType
        self.partitions = partitions
        self.reason = reason
    }

    public var description: String {
        let where_ = partitions.count == 1 ? "partition '\(partitions[0])'" : "partitions \(partitions.map { "'\($0)'" }.joined(separator: ", "))"
        return "cell type '\(cellType)' does not fit in \(where_): \(reason)"
    }
}

/// The packing rule shared by the strategies.
///
/// The packing factor is the volume of the cells (spheres of their radius) over the volume of the
/// partitions. Spheres cannot fill space beyond random close packing (≈ 0.64), so a factor above
/// `maximumPackingFactor` is a `PackingError`. Asking for cells in a partition of no volume is one too.
public enum Packing {
    public static let maximumPackingFactor = 0.64

    public static func check(_ indicator: PlacementIndicator) throws {
        guard indicator.totalCount > 0 else { return }
        guard indicator.totalVolume > 0 else {
            throw PackingError(
                cellType: indicator.cellType.name, partitions: indicator.partitionNames,
                reason: "\(indicator.totalCount) cells asked for in no volume")
        }
        let factor = Double(indicator.totalCount) * indicator.cellType.cellVolume / indicator.totalVolume
        if factor > maximumPackingFactor {
            throw PackingError(
                cellType: indicator.cellType.name, partitions: indicator.partitionNames,
                reason: "packing factor \(formatFactor(factor)) (\(indicator.totalCount) cells of radius "
                    + "\(JSONValue.format(indicator.cellType.radius)) µm in \(JSONValue.format(indicator.totalVolume)) µm³) "
                    + "is above the maximum \(maximumPackingFactor)")
        }
    }

    static func formatFactor(_ f: Double) -> String {
        if f >= 100 { return String(Int(f.rounded())) }
        return String((f * 1000).rounded() / 1000)
    }
}
