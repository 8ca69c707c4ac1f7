/// Cells of one type a connectivity job sees: their ids (indices in the type's storage) and, when the
/// strategy needs them, their positions.
public struct CellSet: Sendable {
    public let cellType: String
    /// The ids, as ranges in storage order.
    public let ranges: [Range<Int>]
    /// x, y, z of each cell in the order of `ranges` (empty when the strategy does not need positions).
    public let positions: [Double]
    /// The number of cells.
    public let count: Int

    public init(cellType: String, ranges: [Range<Int>], positions: [Double]) {
        self.cellType = cellType
        self.ranges = ranges
        self.positions = positions
        self.count = ranges.reduce(0) { $0 + $1.count }
    }
}

/// A connectivity strategy: for one chunk of postsynaptic cells it connects them to the presynaptic cells.
///
/// Write no tracing code: the engine wraps `queue` and `connect` in `Class.queue` / `Class.connect` spans.
public protocol ConnectivityStrategy: BsbComponent {
    /// Whether `connect` reads positions (the engine loads them from storage only then).
    var needsPositions: Bool { get }
    /// The chunks this strategy has jobs in, as indices into `chunks`; `postCounts[i]` is the number of
    /// postsynaptic cells in `chunks[i]`. By default every chunk that holds postsynaptic cells.
    func queue(chunks: [Chunk], postCounts: [Int]) throws -> [Int]
    /// The connections between every presynaptic set and every postsynaptic set (the postsynaptic cells of
    /// one chunk), in the order `for pre in pre { for post in post }`: flat (pre id, post id) pairs.
    func connect(chunk: Chunk, pre: [CellSet], post: [CellSet], random: inout RandomSource) throws -> [[UInt32]]
}

extension ConnectivityStrategy {
    public static var componentType: ComponentType { .connectivity }
    public var needsPositions: Bool { true }
    public func queue(chunks: [Chunk], postCounts: [Int]) throws -> [Int] {
        postCounts.indices.filter { postCounts[$0] > 0 }
    }
}

/// Builds a connectivity strategy from its configuration node (common keys already read).
/// Registered in `bsb.connectivity` under the class path (`bsb.connectivity.AllToAll`).
public struct ConnectivityFactory: Sendable {
    public let make: @Sendable (_ node: inout ConfigNode) throws -> any ConnectivityStrategy
    public init(make: @escaping @Sendable (_ node: inout ConfigNode) throws -> any ConnectivityStrategy) {
        self.make = make
    }
}
