/// The `fs` storage engine: a network in a directory.
///
///     ROOT/.bsb-fs                 marker: this directory is ours
///     ROOT/manifest.json           configuration, seed, counts and block tables (see `Manifest`)
///     ROOT/cells/<type>.f64        positions, x y z Float64 per cell, one block per placement job
///     ROOT/connections/<set>.u32   (pre, post) UInt32 pairs, one block per connectivity job
///
/// One file per cell type and per connection set, whatever the number of chunks or ranks: each rank
/// `pwrite`s its jobs' blocks at offsets every rank computed from the gathered counts, into files rank 0
/// sized beforehand. `clear()` removes the marker, the manifest, and the `.f64`/`.u32` files in `cells/`
/// and `connections/` — never anything else — then the directories if they are left empty.
public struct FileStorage: StorageEngine {
    public static var componentClass: String { "FileStorage" }
    static let marker = ".bsb-fs"

    /// The absolute root directory.
    public let root: String
    public var location: String { root }

    public init(root: String) {
        self.root = root
    }

    func path(_ relative: String) -> String { root + "/" + relative }

    public func readManifest() throws -> Manifest? {
        let manifestPath = path("manifest.json")
        guard FileIO.kind(manifestPath) == .file else { return nil }
        let bytes = try FileIO.readAll(path: manifestPath)
        do {
            return try Manifest(json: try JSONValue.parse(bytes: bytes))
        } catch let error as JSONSyntaxError {
            throw ConfigurationError(path: "", "damaged manifest: \(error)", file: manifestPath)
        } catch var error as ConfigurationError {
            error.file = manifestPath
            throw error
        }
    }

    public func clear() throws {
        switch FileIO.kind(root) {
        case .missing: return
        case .directory: break
        default: throw ConfigurationError(path: "storage.root", "'\(root)' exists and is not a directory")
        }
        guard FileIO.exists(path(Self.marker)) else {
            if FileIO.list(root).isEmpty { return }
            throw ConfigurationError(path: "storage.root", "'\(root)' is not a network made by the fs engine (no \(Self.marker) marker); not clearing it")
        }
        for (directory, suffix) in [("cells", ".f64"), ("connections", ".u32")] {
            for name in FileIO.list(path(directory)) where name.hasSuffix(suffix) || name.hasSuffix(suffix + ".tmp") {
                try FileIO.remove(path(directory + "/" + name))
            }
            FileIO.removeDirectoryIfEmpty(path(directory))
        }
        try FileIO.remove(path("manifest.json"))
        try FileIO.remove(path("manifest.json.tmp"))
        try FileIO.remove(path(Self.marker))
        FileIO.removeDirectoryIfEmpty(root)
    }

    public func create() throws {
        switch FileIO.kind(root) {
        case .missing: break
        case .directory:
            if !FileIO.exists(path(Self.marker)) && !FileIO.list(root).isEmpty {
                throw ConfigurationError(path: "storage.root", "'\(root)' is not empty and not a network made by the fs engine; not writing into it")
            }
        default: throw ConfigurationError(path: "storage.root", "'\(root)' exists and is not a directory")
        }
        try FileIO.makeDirectories(path("cells"))
        try FileIO.makeDirectories(path("connections"))
        if !FileIO.exists(path(Self.marker)) {
            try FileIO.writeAtomically(path: path(Self.marker), bytes: Array("{\"engine\":\"fs\",\"format\":\"\(Manifest.format)\"}\n".utf8))
        }
    }

    public func allocate(_ files: [(file: String, elementSize: Int, elements: Int, fresh: Bool)]) throws {
        for f in files {
            try FileIO.setSize(path: path(f.file), bytes: f.elementSize * f.elements, truncateFirst: f.fresh)
        }
    }

    public func writePositions(_ writes: [(file: String, offset: Int, coordinates: [Double])]) throws {
        try write(writes.map { ($0.file, $0.offset * 24, $0.coordinates) })
    }

    public func writeConnections(_ writes: [(file: String, offset: Int, pairs: [UInt32])]) throws {
        try write(writes.map { ($0.file, $0.offset * 8, $0.pairs) })
    }

    /// One `pwrite` per block, one `open` per file.
    private func write<T: BitwiseCopyable>(_ writes: [(file: String, byteOffset: Int, data: [T])]) throws {
        var descriptors: [String: Int32] = [:]
        defer { for fd in descriptors.values { _ = closeDescriptor(fd) } }
        for w in writes where !w.data.isEmpty {
            let fd: Int32
            if let open = descriptors[w.file] {
                fd = open
            } else {
                fd = try FileIO.openForWriting(path(w.file))
                descriptors[w.file] = fd
            }
            try w.data.withUnsafeBytes { try FileIO.pwriteAll(fd: fd, $0, offset: w.byteOffset, path: path(w.file)) }
        }
    }

    public func readPositions(file: String, offset: Int, count: Int) throws -> [Double] {
        try FileIO.readElements(path: path(file), offset: offset * 24, count: count * 3, as: Double.self)
    }

    public func readConnections(file: String, offset: Int, count: Int) throws -> [UInt32] {
        try FileIO.readElements(path: path(file), offset: offset * 8, count: count * 2, as: UInt32.self)
    }

    public func writeManifest(_ manifest: Manifest) throws {
        try FileIO.writeAtomically(path: path("manifest.json"), bytes: Array((manifest.json.serialized(pretty: true) + "\n").utf8))
    }

    public func removeFiles(_ files: [String]) throws {
        for file in files { try FileIO.remove(path(file)) }
    }

    public func close() throws {}

    static let factory = StorageEngineFactory { root in FileStorage(root: root) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always)
func closeDescriptor(_ fd: Int32) -> Int32 { close(fd) }
