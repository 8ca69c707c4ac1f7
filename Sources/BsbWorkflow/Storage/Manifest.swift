/// What a stored network holds: its configuration, the seed, and where each block of data is.
///
/// Cells of a type live in one file of x, y, z `Float64` triples, in blocks (one per placement job) in job
/// order; connections of a set live in one file of (pre id, post id) `UInt32` pairs, in blocks (one per
/// connectivity job). Ids are indices into the type's file. Data is little-endian.
public struct Manifest: Sendable, Equatable {
    /// One job's output in a file: `count` cells (or pairs) from element `offset`.
    public struct Block: Sendable, Equatable {
        public var strategy: String
        public var chunk: SIMD3<Int>
        public var offset: Int
        public var count: Int
    }

    public struct CellTypeData: Sendable, Equatable {
        public var name: String
        public var file: String
        public var blocks: [Block]
        public var count: Int { blocks.reduce(0) { $0 + $1.count } }
        /// The number of distinct chunks holding cells of this type.
        public var chunkCount: Int { Set(blocks.filter { $0.count > 0 }.map { [$0.chunk.x, $0.chunk.y, $0.chunk.z] }).count }
    }

    public struct ConnectionData: Sendable, Equatable {
        public var name: String
        public var strategy: String
        public var presynaptic: String
        public var postsynaptic: String
        public var file: String
        public var blocks: [Block]
        public var count: Int { blocks.reduce(0) { $0 + $1.count } }
    }

    public static let format = "bsb-fs/1"

    public var name: String
    public var seed: UInt64
    public var configuration: JSONValue
    public var cellTypes: [CellTypeData]
    public var connections: [ConnectionData]

    public init(name: String, seed: UInt64, configuration: JSONValue, cellTypes: [CellTypeData] = [], connections: [ConnectionData] = []) {
        self.name = name
        self.seed = seed
        self.configuration = configuration
        self.cellTypes = cellTypes
        self.connections = connections
    }

    public func cellType(_ name: String) -> CellTypeData? { cellTypes.first { $0.name == name } }
    public func connectionSet(_ name: String) -> ConnectionData? { connections.first { $0.name == name } }

    /// The file of a cell type's positions, relative to the root.
    public static func positionsFile(_ cellType: String) -> String { "cells/\(fileSafe(cellType)).f64" }
    /// The file of a connection set's pairs, relative to the root.
    public static func connectionsFile(_ set: String) -> String { "connections/\(fileSafe(set)).u32" }

    static func fileSafe(_ name: String) -> String {
        let safe = String(name.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-", ".": return Character(scalar)
            default: return "_"
            }
        })
        return safe.hasPrefix(".") || safe.isEmpty ? "_" + safe : safe
    }
}

// MARK: - JSON

extension Manifest {
    public var json: JSONValue {
        func blocks(_ list: [Block]) -> JSONValue {
            .array(list.map { b in
                .object([
                    ("strategy", .string(b.strategy)),
                    ("chunk", .array([.number(Double(b.chunk.x)), .number(Double(b.chunk.y)), .number(Double(b.chunk.z))])),
                    ("offset", .number(Double(b.offset))), ("count", .number(Double(b.count))),
                ])
            })
        }
        return .object([
            ("format", .string(Self.format)),
            ("name", .string(name)),
            ("seed", .string(String(seed))),
            ("cell_types", .object(cellTypes.map { c in
                (c.name, .object([("file", .string(c.file)), ("count", .number(Double(c.count))), ("blocks", blocks(c.blocks))]))
            })),
            ("connections", .object(connections.map { c in
                (c.name, .object([
                    ("strategy", .string(c.strategy)), ("presynaptic", .string(c.presynaptic)),
                    ("postsynaptic", .string(c.postsynaptic)), ("file", .string(c.file)),
                    ("count", .number(Double(c.count))), ("blocks", blocks(c.blocks)),
                ]))
            })),
            ("configuration", configuration),
        ])
    }

    /// Reads a manifest; a damaged one is an error naming the key.
    public init(json: JSONValue) throws {
        var root = try ConfigNode(json, path: "manifest")
        let format = try root.string("format")
        guard format == Self.format else { throw ConfigurationError(path: "manifest.format", "unsupported format '\(format)'") }
        name = try root.string("name")
        guard let seed = UInt64(try root.string("seed")) else { throw ConfigurationError(path: "manifest.seed", "not a seed") }
        self.seed = seed
        configuration = try root.requiredValue("configuration")
        func blocks(_ node: inout ConfigNode) throws -> [Block] {
            guard let items = try node.requiredValue("blocks").arrayValue else {
                throw ConfigurationError(path: node.path("blocks"), "expected a list")
            }
            return try items.enumerated().map { i, item in
                var b = try ConfigNode(item, path: keyPath(node.path("blocks"), index: i))
                let chunk = try b.requiredValue("chunk").arrayValue?.compactMap(\.intValue) ?? []
                guard chunk.count == 3 else { throw ConfigurationError(path: b.path("chunk"), "expected [i, j, k]") }
                guard let offset = try b.requiredValue("offset").intValue, let count = try b.requiredValue("count").intValue,
                    offset >= 0, count >= 0, offset <= 1 << 40, count <= 1 << 40
                else { throw ConfigurationError(path: b.path, "bad offset or count") }
                return Block(strategy: try b.string("strategy"), chunk: SIMD3(chunk[0], chunk[1], chunk[2]), offset: offset, count: count)
            }
        }
        var cells = try root.object("cell_types")
        cellTypes = try cells.keys.map { key in
            var node = try cells.object(key)
            _ = node.value("count")
            return CellTypeData(name: key, file: try node.string("file"), blocks: try blocks(&node))
        }
        var sets = try root.object("connections")
        connections = try sets.keys.map { key in
            var node = try sets.object(key)
            _ = node.value("count")
            return ConnectionData(
                name: key, strategy: try node.string("strategy"), presynaptic: try node.string("presynaptic"),
                postsynaptic: try node.string("postsynaptic"), file: try node.string("file"), blocks: try blocks(&node))
        }
    }

}
