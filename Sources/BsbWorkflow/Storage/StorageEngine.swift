/// A place a compiled network is kept. The engine calls it through its tracing wrapper, so each call is a
/// `storage.<method>` span.
///
/// Collective discipline: `clear`, `create`, `allocate` and `writeManifest` are called by rank 0 only,
/// between barriers; `writePositions` / `writeConnections` by every rank, each into its own blocks (disjoint
/// byte ranges of preallocated files), so writes from several ranks never collide.
public protocol StorageEngine: BsbComponent {
    /// A description of where the data is (a path).
    var location: String { get }
    /// The stored network's manifest, or `nil` when nothing is stored.
    func readManifest() throws -> Manifest?
    /// Removes everything this engine created, and nothing else.
    func clear() throws
    /// Prepares an empty store (directories, marker); fails if the location holds something else.
    func create() throws
    /// Sizes data files: each to `elements` elements of `elementSize` bytes; `fresh` files are emptied first.
    func allocate(_ files: [(file: String, elementSize: Int, elements: Int, fresh: Bool)]) throws
    /// Writes blocks of positions: `offset` is in cells.
    func writePositions(_ writes: [(file: String, offset: Int, coordinates: [Double])]) throws
    /// Reads the positions of `count` cells from cell `offset` of `file`.
    func readPositions(file: String, offset: Int, count: Int) throws -> [Double]
    /// Writes blocks of connections: `offset` is in pairs.
    func writeConnections(_ writes: [(file: String, offset: Int, pairs: [UInt32])]) throws
    /// Reads `count` pairs from pair `offset` of `file`, flat.
    func readConnections(file: String, offset: Int, count: Int) throws -> [UInt32]
    /// Writes the manifest (last, so a store with a manifest is complete).
    func writeManifest(_ manifest: Manifest) throws
    /// Removes data files no longer referenced (after `--redo`).
    func removeFiles(_ files: [String]) throws
    /// Ends the session.
    func close() throws
}

extension StorageEngine {
    public static var componentType: ComponentType { .storage }
}

/// Opens a storage engine at a root path. Registered in `bsb.storage.engines` (`fs`).
public struct StorageEngineFactory: Sendable {
    public let open: @Sendable (_ root: String) throws -> any StorageEngine
    public init(open: @escaping @Sendable (_ root: String) throws -> any StorageEngine) {
        self.open = open
    }
}
