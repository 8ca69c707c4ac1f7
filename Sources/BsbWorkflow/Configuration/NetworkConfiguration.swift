import EntryPoints

/// A network configuration in the BSB's format, checked: every reference resolves, every strategy is
/// registered, every value has the right type and range.
public struct NetworkConfiguration: Sendable {
    /// Where the network is stored.
    public struct Storage: Sendable {
        public var engine: String
        /// The storage root; relative paths are relative to the working directory, as in the Python BSB.
        public var root: String
    }

    /// A partition and its class name.
    public struct PartitionEntry: Sendable {
        public let name: String
        public let type: String
        public let partition: any Partition
    }

    /// A region: a stack of partitions and regions along y.
    public struct Region: Sendable {
        public let name: String
        public let type: String
        public let children: [String]
        public let stackIndex: Int?
    }

    /// A placement section.
    public struct Placement: Sendable {
        public let name: String
        public let strategyName: String
        public let strategy: any PlacementStrategy
        public let cellTypes: [String]
        public let partitions: [String]
    }

    /// A connectivity section.
    public struct Connectivity: Sendable {
        public let name: String
        public let strategyName: String
        public let strategy: any ConnectivityStrategy
        public let presynaptic: [String]
        public let postsynaptic: [String]

        /// The connection sets it makes: its own name for one pre/post pair, `NAME_pre_to_post` otherwise.
        public var connectionSets: [(name: String, pre: String, post: String)] {
            var sets: [(name: String, pre: String, post: String)] = []
            for pre in presynaptic {
                for post in postsynaptic {
                    let single = presynaptic.count == 1 && postsynaptic.count == 1
                    sets.append((single ? name : "\(name)_\(pre)_to_\(post)", pre, post))
                }
            }
            return sets
        }
    }

    public var name: String
    public var storage: Storage
    /// The network box size in µm.
    public var size: SIMD3<Double>
    public var chunkSize: SIMD3<Double>
    public var partitions: [PartitionEntry]
    public var regions: [Region]
    public var cellTypes: [CellType]
    public var placement: [Placement]
    public var connectivity: [Connectivity]
    /// The document as written.
    public var source: JSONValue

    public func cellType(named name: String) -> CellType? { cellTypes.first { $0.name == name } }
}

// MARK: - Parsing

/// The registry groups the BSB looks components up in.
public enum BsbGroup {
    public static let placement = "bsb.placement"
    public static let connectivity = "bsb.connectivity"
    public static let partitions = "bsb.partitions"
    public static let storageEngines = "bsb.storage.engines"
    public static let commands = "bsb.commands"
    public static let postprocessing = "bsb.postprocessing"
}

extension NetworkConfiguration {
    /// Reads a configuration file; errors name the file and the key path (or line and column).
    public static func load(path: String, registry: EntryPointRegistry = BsbEntryPoints.registry) throws -> NetworkConfiguration {
        let bytes: [UInt8]
        do {
            bytes = try FileIO.readAll(path: path)
        } catch {
            throw ConfigurationError(path: "", "cannot read the configuration: \(error)", file: path)
        }
        do {
            return try parse(bytes: bytes, registry: registry)
        } catch var error as ConfigurationError {
            error.file = path
            throw error
        }
    }

    /// Parses a configuration from JSON text.
    public static func parse(_ text: String, registry: EntryPointRegistry = BsbEntryPoints.registry) throws -> NetworkConfiguration {
        try parse(bytes: Array(text.utf8), registry: registry)
    }

    /// Parses a configuration from UTF-8 JSON.
    public static func parse(bytes: [UInt8], registry: EntryPointRegistry = BsbEntryPoints.registry) throws -> NetworkConfiguration {
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes: bytes)
        } catch {
            throw ConfigurationError(path: "", "malformed JSON at \(error)")
        }
        return try parse(document: document, registry: registry)
    }

    /// Checks and resolves a parsed document.
    public static func parse(document: JSONValue, registry: EntryPointRegistry = BsbEntryPoints.registry) throws -> NetworkConfiguration {
        var root = try ConfigNode(document, path: "")
        let name = try root.optionalString("name") ?? "network"

        // storage
        var storage = Storage(engine: "fs", root: "network")
        if var node = try root.optionalObject("storage") {
            storage.engine = try node.optionalString("engine") ?? "fs"
            storage.root = try node.optionalString("root") ?? "network"
            try node.finish()
            if registry.entry(group: BsbGroup.storageEngines, name: storage.engine, as: StorageEngineFactory.self) == nil {
                let known = registry.names(in: BsbGroup.storageEngines).joined(separator: ", ")
                throw ConfigurationError(
                    path: "storage.engine", "unknown storage engine '\(storage.engine)' (available: \(known.isEmpty ? "none" : known))")
            }
            if storage.root.isEmpty { throw ConfigurationError(path: "storage.root", "must not be empty") }
        }

        // network
        var network = try root.object("network")
        var size = SIMD3<Double>()
        for (axis, key) in ["x", "y", "z"].enumerated() {
            let v = try network.double(key)
            guard v > 0, v.isFinite else { throw ConfigurationError(path: network.path(key), "must be a positive size in µm (got \(JSONValue.format(v)))") }
            size[axis] = v
        }
        var chunkSize = SIMD3<Double>(100, 100, 100)
        if let value = network.value("chunk_size"), value != .null {
            let path = network.path("chunk_size")
            if let d = value.doubleValue {
                chunkSize = SIMD3(repeating: d)
            } else if let items = value.arrayValue, items.count == 3 {
                for (axis, item) in items.enumerated() { chunkSize[axis] = try ConfigNode.number(item, path: keyPath(path, index: axis)) }
            } else {
                throw ConfigurationError(path: path, "expected [x, y, z] or a number, got \(value.typeName)")
            }
            for axis in 0..<3 where !(chunkSize[axis] > 0 && chunkSize[axis].isFinite) {
                throw ConfigurationError(path: keyPath(path, index: axis), "must be a positive size in µm")
            }
        }
        try network.finish()

        // partitions
        var partitions: [PartitionEntry] = []
        if var section = try root.optionalObject("partitions") {
            for key in section.keys {
                var node = try section.object(key)
                let type = try node.optionalString("type") ?? "layer"
                guard let factory = registry.entry(group: BsbGroup.partitions, name: type, as: PartitionFactory.self) else {
                    throw ConfigurationError(path: node.path("type"), unknownMessage("partition type", type, registry.names(in: BsbGroup.partitions)))
                }
                let partition = try factory.make(key, &node)
                try node.finish()
                partitions.append(PartitionEntry(name: key, type: type, partition: partition))
            }
        }
        let partitionNames = Set(partitions.map(\.name))

        // regions
        var regions: [Region] = []
        if var section = try root.optionalObject("regions") {
            for key in section.keys {
                var node = try section.object(key)
                let type = try node.optionalString("type") ?? "stack"
                guard type == "stack" || type == "group" else {
                    throw ConfigurationError(path: node.path("type"), "unknown region type '\(type)' (available: group, stack)")
                }
                let children = try node.stringList("children")
                let stackIndex = try node.optionalInt("stack_index")
                try node.finish()
                regions.append(Region(name: key, type: type, children: children, stackIndex: stackIndex))
            }
            let regionNames = Set(regions.map(\.name))
            if !partitionNames.isDisjoint(with: regionNames) {
                let both = partitionNames.intersection(regionNames).sorted()[0]
                throw ConfigurationError(path: "regions.\(both)", "a partition has the same name")
            }
            var parent: [String: String] = [:]
            for region in regions {
                for (i, child) in region.children.enumerated() {
                    let path = keyPath("regions.\(region.name).children", index: i)
                    guard partitionNames.contains(child) || regionNames.contains(child) else {
                        throw ConfigurationError(path: path, "no partition or region '\(child)'")
                    }
                    if let other = parent[child] {
                        throw ConfigurationError(path: path, "'\(child)' is already a child of region '\(other)'")
                    }
                    if child == region.name { throw ConfigurationError(path: path, "a region cannot contain itself") }
                    parent[child] = region.name
                }
            }
            // A cycle of regions has no top: every region in it has a parent.
            for region in regions {
                var seen: Set<String> = [region.name]
                var current = region.name
                while let p = parent[current] {
                    if !seen.insert(p).inserted { throw ConfigurationError(path: "regions.\(region.name)", "regions contain each other in a cycle") }
                    current = p
                }
            }
        }

        // cell types
        var cellTypes: [CellType] = []
        if var section = try root.optionalObject("cell_types") {
            for key in section.keys {
                var node = try section.object(key)
                var spatial = try node.object("spatial")
                let radius = try spatial.double("radius")
                guard radius >= 0, radius.isFinite else {
                    throw ConfigurationError(path: spatial.path("radius"), "must not be negative (got \(JSONValue.format(radius)))")
                }
                let density = try spatial.optionalDouble("density")
                let count = try spatial.optionalInt("count")
                if let density, !(density >= 0 && density.isFinite) {
                    throw ConfigurationError(path: spatial.path("density"), "must not be negative (got \(JSONValue.format(density)))")
                }
                if let count, count < 0 { throw ConfigurationError(path: spatial.path("count"), "must not be negative (got \(count))") }
                if density != nil && count != nil {
                    throw ConfigurationError(path: spatial.path, "give either 'density' or 'count', not both")
                }
                try spatial.finish()
                // Plugins (morphologies, plotting) are accepted and ignored.
                _ = node.value("plotting")
                try node.finish()
                cellTypes.append(CellType(name: key, radius: radius, density: density, count: count))
            }
        }
        let cellTypeNames = Set(cellTypes.map(\.name))

        func checkCellTypes(_ list: [String], path: String) throws {
            for (i, name) in list.enumerated() where !cellTypeNames.contains(name) {
                throw ConfigurationError(path: keyPath(path, index: i), "no cell type '\(name)'")
            }
        }

        // placement
        var placement: [Placement] = []
        if var section = try root.optionalObject("placement") {
            for key in section.keys {
                var node = try section.object(key)
                let strategyName = try node.string("strategy")
                let factory: PlacementFactory = try lookUp(registry, BsbGroup.placement, strategyName, path: node.path("strategy"))
                let types = try node.stringList("cell_types")
                try checkCellTypes(types, path: node.path("cell_types"))
                let parts = node.has("partitions") ? try node.stringList("partitions") : []
                for (i, p) in parts.enumerated() where !partitionNames.contains(p) {
                    throw ConfigurationError(path: keyPath(node.path("partitions"), index: i), "no partition '\(p)'")
                }
                let strategy = try factory.make(&node)
                try node.finish()
                placement.append(Placement(name: key, strategyName: strategyName, strategy: strategy, cellTypes: types, partitions: parts))
            }
        }

        // connectivity
        var connectivity: [Connectivity] = []
        if var section = try root.optionalObject("connectivity") {
            for key in section.keys {
                var node = try section.object(key)
                let strategyName = try node.string("strategy")
                let factory: ConnectivityFactory = try lookUp(registry, BsbGroup.connectivity, strategyName, path: node.path("strategy"))
                var lists: [[String]] = []
                for side in ["presynaptic", "postsynaptic"] {
                    var sideNode = try node.object(side)
                    let types = try sideNode.stringList("cell_types")
                    try checkCellTypes(types, path: sideNode.path("cell_types"))
                    try sideNode.finish()
                    lists.append(types)
                }
                let strategy = try factory.make(&node)
                try node.finish()
                connectivity.append(Connectivity(
                    name: key, strategyName: strategyName, strategy: strategy, presynaptic: lists[0], postsynaptic: lists[1]))
            }
        }
        let strategyNames = placement.map(\.name) + connectivity.map(\.name)
        if Set(strategyNames).count != strategyNames.count {
            let duplicate = strategyNames.first { name in strategyNames.filter { $0 == name }.count > 1 } ?? ""
            throw ConfigurationError(path: "connectivity.\(duplicate)", "a placement strategy has the same name")
        }

        // hooks: resolved through bsb.postprocessing; we ship none, so only empty sections pass.
        for hook in ["after_placement", "after_connectivity"] {
            if var section = try root.optionalObject(hook) {
                for key in section.keys {
                    var node = try section.object(key)
                    let strategyName = try node.string("strategy")
                    let _: PostprocessingFactory = try lookUp(registry, BsbGroup.postprocessing, strategyName, path: node.path("strategy"))
                }
            }
        }
        // simulations and components are accepted and ignored.
        _ = root.value("simulations")
        _ = root.value("components")
        _ = root.value("packages")
        try root.finish()

        return NetworkConfiguration(
            name: name, storage: storage, size: size, chunkSize: chunkSize, partitions: partitions, regions: regions,
            cellTypes: cellTypes, placement: placement, connectivity: connectivity, source: document)
    }

    static func lookUp<T>(_ registry: EntryPointRegistry, _ group: String, _ name: String, path: String) throws -> T {
        if let entry = registry.entry(group: group, name: name, as: T.self) { return entry }
        // `RandomPlacement` for `bsb.placement.RandomPlacement`.
        if let entry = registry.entry(group: group, name: "\(group).\(name)", as: T.self) { return entry }
        throw ConfigurationError(path: path, unknownMessage(group, name, registry.names(in: group)))
    }

    static func unknownMessage(_ what: String, _ name: String, _ known: [String]) -> String {
        "unknown \(what) '\(name)' (available: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
    }
}

/// A post-processing hook (`after_placement` / `after_connectivity`); none ship yet.
public struct PostprocessingFactory: Sendable {
    public let make: @Sendable (_ node: inout ConfigNode) throws -> Void
}
