import EntryPoints
import Parallel
import Tracing

/// The `bsb compile` pipeline: clear → topology → placement jobs → after_placement → connectivity jobs →
/// after_connectivity → storage closed.
///
/// Every rank of `communicator` runs `compile()`. Jobs (one per strategy × chunk) are spread over the
/// ranks (`JobAssignment`); each job seeds its generator from (seed, strategy, chunk), so the network is
/// the same for any number of ranks. Between phases the ranks exchange their job counts, compute the same
/// file layout, and write their own blocks.
public final class Compiler {
    public let configuration: NetworkConfiguration
    public let options: CompileOptions
    public let tracing: WorkflowTracing
    let console: Console
    let workingDirectory: String
    let registry: EntryPointRegistry
    let collectives: Collectives

    var rank: Int { tracing.communicator.rank }

    public init(
        configuration: NetworkConfiguration, options: CompileOptions = CompileOptions(),
        communicator: any Communicator = World.communicator, tracer: any Tracer = InstrumentationSystem.tracer,
        profiler: Profiler? = nil, console: Console = .standard, workingDirectory: String? = nil,
        registry: EntryPointRegistry = BsbEntryPoints.registry
    ) {
        var configuration = configuration
        if let x = options.x { configuration.size.x = x }
        if let y = options.y { configuration.size.y = y }
        if let z = options.z { configuration.size.z = z }
        if let output = options.output { configuration.storage.root = output }
        self.configuration = configuration
        self.options = options
        self.tracing = WorkflowTracing(tracer: tracer, communicator: communicator, profiler: profiler)
        self.console = console
        self.workingDirectory = workingDirectory ?? FileIO.currentDirectory()
        self.registry = registry
        self.collectives = Collectives(communicator: communicator)
    }

    /// The absolute storage root.
    public var storageRoot: String { FileIO.resolve(configuration.storage.root, against: workingDirectory) }

    /// Compiles the network in a `compile` span; returns the manifest of the stored network.
    @discardableResult
    public func compile() throws -> Manifest {
        for (axis, v) in [("-x", options.x), ("-y", options.y), ("-z", options.z)] {
            if let v, !(v > 0 && v.isFinite) { throw ConfigurationError(path: axis, "must be a positive size in µm") }
        }
        return try TracingScope.$reporter.withValue(Reporter(console: console, verbosity: options.verbosity)) {
            try tracing.span("compile", { attrs in
                attrs["bsb.network"] = configuration.name
            }) {
                try run()
            }
        }
    }

    // MARK: - Pipeline

    func run() throws -> Manifest {
        let started = Profiler.now()
        let factory: StorageEngineFactory = try NetworkConfiguration.lookUp(
            registry, BsbGroup.storageEngines, configuration.storage.engine, path: "storage.engine")
        let storage = try factory.open(storageRoot)

        // Selection of strategies.
        let allNames = configuration.placement.map(\.name) + configuration.connectivity.map(\.name)
        for (flag, names) in [("--only", options.only), ("--skip", options.skip)] {
            for name in names where !allNames.contains(name) {
                throw ConfigurationError(path: flag, NetworkConfiguration.unknownMessage("strategy", name, allNames))
            }
        }
        func selected(_ name: String) -> Bool {
            (options.only.isEmpty || options.only.contains(name)) && !options.skip.contains(name)
        }
        var placement = options.skipPlacement ? [] : configuration.placement.filter { selected($0.name) }
        let connectivity = options.skipConnectivity ? [] : configuration.connectivity.filter { selected($0.name) }

        // Storage state, decided by rank 0: clear, check, create; the seed and the existing manifest for all.
        let decision = try collectives.rootDecides {
            var existing = try tracing.call(storage, "read_manifest") { try storage.readManifest() }
            if options.clear {
                try tracing.call(storage, "clear") { try storage.clear() }
                existing = nil
            } else if existing != nil && !options.append && !options.redo {
                throw CompileError("'\(storage.location)' already holds a network; use --clear, --append or --redo")
            }
            try tracing.call(storage, "create") { try storage.create() }
            var generator = SystemRandomNumberGenerator()
            let seed = options.seed ?? (generator.next() >> 11)
            return Array(JSONValue.object([
                ("seed", .string(String(seed))), ("manifest", existing?.json ?? .null),
            ]).serialized().utf8)
        }
        let state = try JSONValue.parse(bytes: decision)
        guard let seed = state["seed"]?.stringValue.flatMap(UInt64.init) else { throw CompileError("no seed agreed") }
        var manifest = Manifest(name: configuration.name, seed: seed, configuration: configuration.source)
        var droppedFiles: [String] = []
        if let existing = state["manifest"], existing != .null {
            manifest = try Manifest(json: existing)
            manifest.name = configuration.name
            manifest.seed = seed
            manifest.configuration = configuration.source
            if options.redo {
                // Redo drops the selected strategies' data; a cell type's data is redone whole.
                let redoTypes = Set(placement.flatMap(\.cellTypes))
                placement = configuration.placement.filter { !Set($0.cellTypes).isDisjoint(with: redoTypes) }
                let redoSets = Set(connectivity.flatMap { $0.connectionSets.map(\.name) })
                droppedFiles += manifest.cellTypes.filter { redoTypes.contains($0.name) }.map(\.file)
                droppedFiles += manifest.connections.filter { redoSets.contains($0.name) }.map(\.file)
                manifest.cellTypes.removeAll { redoTypes.contains($0.name) }
                manifest.connections.removeAll { redoSets.contains($0.name) }
            }
        }

        // Topology.
        let topology = try Topology.build(configuration, tracing: tracing)

        // Placement.
        if !placement.isEmpty {
            try place(placement, topology: topology, storage: storage, manifest: &manifest, seed: seed, fresh: Set(droppedFiles))
        }
        for cellType in configuration.cellTypes where manifest.cellType(cellType.name) == nil {
            manifest.cellTypes.append(.init(name: cellType.name, file: Manifest.positionsFile(cellType.name), blocks: []))
        }
        // after_placement hooks: none are registered (the configuration parser rejects unknown ones).

        // Connectivity.
        if !connectivity.isEmpty {
            try connect(connectivity, topology: topology, storage: storage, manifest: &manifest, seed: seed, fresh: Set(droppedFiles))
        }
        // after_connectivity hooks: as above.

        // Manifest, written last by rank 0 once every rank's blocks are written.
        let final = manifest
        _ = try collectives.rootDecides {
            let stale = droppedFiles.filter { file in
                !final.cellTypes.contains { $0.file == file } && !final.connections.contains { $0.file == file }
            }
            if !stale.isEmpty { try tracing.call(storage, "remove_files") { try storage.removeFiles(stale) } }
            try tracing.call(storage, "write_manifest") { try storage.writeManifest(final) }
            return []
        }
        try tracing.call(storage, "close") { try storage.close() }
        if rank == 0 {
            let cells = final.cellTypes.reduce(0) { $0 + $1.count }
            let connections = final.connections.reduce(0) { $0 + $1.count }
            let ms = Double(Profiler.now() - started) / 1000
            report("Compiled '\(configuration.name)': \(cells) cells, \(connections) connections in \(format3(ms)) ms → \(storage.location)", level: 1)
        }
        return final
    }

    // MARK: - Placement

    struct PlacementJob {
        let strategy: Int  // index into the placement list
        let chunk: Chunk
        let counts: [Int]  // per cell type of the strategy
    }

    func place(
        _ placement: [NetworkConfiguration.Placement], topology: Topology, storage: any StorageEngine, manifest: inout Manifest,
        seed: UInt64, fresh: Set<String>
    ) throws {
        let chunks = topology.grid.chunks
        var volumeCache: [String: [Double]] = [:]
        var jobs: [PlacementJob] = []
        var totals: [[Int]] = []  // per strategy, per cell type
        var volumes: [Double] = []  // per strategy
        for (si, strategy) in placement.enumerated() {
            var perChunk = [Double](repeating: 0, count: chunks.count)
            for name in strategy.partitions {
                guard let partition = topology.partitions[name] else { continue }
                if volumeCache[name] == nil {
                    volumeCache[name] = try tracing.call(partition, "volume") { partition.volume(in: chunks) }
                }
                for (i, v) in (volumeCache[name] ?? []).enumerated() where i < perChunk.count { perChunk[i] += v }
            }
            let total = perChunk.reduce(0, +)
            volumes.append(total)
            let queued = try tracing.call(strategy.strategy, "queue") { try strategy.strategy.queue(chunks: chunks, volumes: perChunk) }
            let valid = queued.filter { $0 >= 0 && $0 < chunks.count }
            var countsPerType: [[Int]] = []
            var strategyTotals: [Int] = []
            for typeName in strategy.cellTypes {
                guard let cellType = configuration.cellType(named: typeName) else { continue }
                guard strategy.strategy.usesCellCounts else {
                    countsPerType.append(valid.map { _ in 0 })
                    strategyTotals.append(0)
                    continue
                }
                let n: Int
                if let count = cellType.count {
                    n = count
                } else if let density = cellType.density {
                    let exact = (density * total).rounded()
                    guard exact < Double(Self.maximumCells) else { throw tooMany(typeName) }
                    n = Int(exact)
                } else {
                    throw ConfigurationError(
                        path: "cell_types.\(typeName).spatial", "needs 'density' or 'count' to be placed by placement.\(strategy.name)")
                }
                guard n <= Self.maximumCells else { throw tooMany(typeName) }
                strategyTotals.append(n)
                countsPerType.append(apportion(n, weights: valid.map { perChunk[$0] }))
            }
            totals.append(strategyTotals)
            for (j, chunkIndex) in valid.enumerated() {
                jobs.append(PlacementJob(strategy: si, chunk: chunks[chunkIndex], counts: countsPerType.map { $0[j] }))
            }
        }

        // This rank's jobs.
        let progress = ProgressDisplay(
            console: console, label: "placement", total: JobAssignment.jobs(count: jobs.count, rank: rank, size: tracing.communicator.size).count,
            enabled: rank == 0 && options.verbosity >= 1)
        var results: [Int: [CellPositions]] = [:]
        var failure: (any Error)?
        localTracing {
            for (index, job) in jobs.enumerated() where collectives.owns(job: index) {
                let strategy = placement[job.strategy]
                var indicators: [PlacementIndicator] = []
                for (t, typeName) in strategy.cellTypes.enumerated() {
                    guard let cellType = configuration.cellType(named: typeName) else { continue }
                    let regions = strategy.partitions.compactMap { name -> (partition: String, box: Box)? in
                        topology.partitions[name]?.region(in: job.chunk).map { (name, $0) }
                    }
                    indicators.append(PlacementIndicator(
                        cellType: cellType, count: t < job.counts.count ? job.counts[t] : 0, regions: regions,
                        totalCount: totals[job.strategy][t], totalVolume: volumes[job.strategy], partitionNames: strategy.partitions))
                }
                var random = RandomSource(seed: seed, strategy: strategy.name, chunk: job.chunk.id)
                do {
                    let placed = try tracing.call(strategy.strategy, "place") { () throws -> [CellPositions] in
                        for indicator in indicators {
                            report("Placing \(indicator.count) \(indicator.cellType.name) in \(job.chunk.label)", level: 2)
                        }
                        return try strategy.strategy.place(chunk: job.chunk, indicators: indicators, random: &random)
                    }
                    guard placed.count == indicators.count, placed.allSatisfy({ $0.coordinates.count % 3 == 0 && $0.count <= Self.maximumCells }) else {
                        throw CompileError("\(type(of: strategy.strategy)).place returned \(placed.count) position sets for \(indicators.count) cell types")
                    }
                    results[index] = placed
                } catch {
                    failure = error
                    break
                }
                progress.tick()
            }
        }
        progress.finish()

        // Counts of every job, from every rank: [job, n per cell type…]…
        var mine: [Int64] = []
        for (index, placed) in results.sorted(by: { $0.key < $1.key }) {
            mine.append(Int64(index))
            mine.append(contentsOf: placed.map { Int64($0.count) })
        }
        let gathered = try collectives.exchange(mine, failure: failure)
        var jobCounts = [[Int]](repeating: [], count: jobs.count)
        for list in gathered {
            var i = 0
            while i < list.count {
                let index = Int(list[i])
                guard index >= 0, index < jobs.count else { throw CompileError("bad job index \(index) from another rank") }
                let n = placement[jobs[index].strategy].cellTypes.count
                guard i + n < list.count + 1 else { throw CompileError("truncated job counts from another rank") }
                jobCounts[index] = list[(i + 1)..<(i + 1 + n)].map { Int($0) }
                i += 1 + n
            }
        }

        // File layout: blocks in job order after what the type already holds.
        var writes: [(file: String, offset: Int, coordinates: [Double])] = []
        var touched: [String] = []
        for (index, job) in jobs.enumerated() {
            let strategy = placement[job.strategy]
            for (t, typeName) in strategy.cellTypes.enumerated() {
                let count = t < jobCounts[index].count ? jobCounts[index][t] : 0
                if manifest.cellType(typeName) == nil {
                    manifest.cellTypes.append(.init(name: typeName, file: Manifest.positionsFile(typeName), blocks: []))
                }
                guard let entry = manifest.cellTypes.firstIndex(where: { $0.name == typeName }) else { continue }
                if !touched.contains(typeName) { touched.append(typeName) }
                let offset = manifest.cellTypes[entry].count
                guard offset + count <= Self.maximumCells else { throw tooMany(typeName) }
                manifest.cellTypes[entry].blocks.append(.init(strategy: strategy.name, chunk: job.chunk.index, offset: offset, count: count))
                if let placed = results[index], t < placed.count, count > 0 {
                    writes.append((manifest.cellTypes[entry].file, offset, placed[t].coordinates))
                }
            }
        }
        let files = touched.compactMap { name in manifest.cellType(name) }.map {
            (file: $0.file, elementSize: 24, elements: $0.count, fresh: fresh.contains($0.file) || !options.append)
        }
        _ = try collectives.rootDecides {
            try tracing.call(storage, "allocate") { try storage.allocate(files) }
            return []
        }
        var writeFailure: (any Error)?
        if !writes.isEmpty {
            do {
                try tracing.call(storage, "write_positions") { try storage.writePositions(writes) }
            } catch {
                writeFailure = error
            }
        }
        try collectives.agree(writeFailure)
    }

    // MARK: - Connectivity

    struct ConnectivityJob {
        let strategy: Int
        let chunk: Chunk
    }

    func connect(
        _ connectivity: [NetworkConfiguration.Connectivity], topology: Topology, storage: any StorageEngine, manifest: inout Manifest,
        seed: UInt64, fresh: Set<String>
    ) throws {
        let grid = topology.grid
        let chunks = grid.chunks
        func chunkID(_ index: SIMD3<Int>) -> Int? {
            guard (0..<3).allSatisfy({ index[$0] >= 0 && index[$0] < grid.counts[$0] }) else { return nil }
            return (index.x * grid.counts.y + index.y) * grid.counts.z + index.z
        }
        // Per cell type: per chunk id, the id ranges of its cells.
        var rangesByType: [String: [Int: [Range<Int>]]] = [:]
        for data in manifest.cellTypes {
            var byChunk: [Int: [Range<Int>]] = [:]
            for block in data.blocks where block.count > 0 {
                guard let id = chunkID(block.chunk) else { continue }
                byChunk[id, default: []].append(block.offset..<(block.offset + block.count))
            }
            rangesByType[data.name] = byChunk
        }
        var jobs: [ConnectivityJob] = []
        for (si, strategy) in connectivity.enumerated() {
            var postCounts = [Int](repeating: 0, count: chunks.count)
            for type in strategy.postsynaptic {
                for (id, ranges) in rangesByType[type] ?? [:] where id < postCounts.count {
                    postCounts[id] += ranges.reduce(0) { $0 + $1.count }
                }
            }
            let queued = try tracing.call(strategy.strategy, "queue") { try strategy.strategy.queue(chunks: chunks, postCounts: postCounts) }
            jobs += queued.filter { $0 >= 0 && $0 < chunks.count }.map { ConnectivityJob(strategy: si, chunk: chunks[$0]) }
        }

        // Positions, read once per cell type on the ranks whose jobs need them.
        var positionCache: [String: [Double]] = [:]
        func positions(_ type: String) throws -> [Double] {
            if let cached = positionCache[type] { return cached }
            guard let data = manifest.cellType(type), data.count > 0 else { return [] }
            let loaded = try tracing.call(storage, "read_positions") {
                try storage.readPositions(file: data.file, offset: 0, count: data.count)
            }
            positionCache[type] = loaded
            return loaded
        }

        let progress = ProgressDisplay(
            console: console, label: "connectivity", total: JobAssignment.jobs(count: jobs.count, rank: rank, size: tracing.communicator.size).count,
            enabled: rank == 0 && options.verbosity >= 1)
        var results: [Int: [[UInt32]]] = [:]
        var failure: (any Error)?
        let snapshot = manifest
        localTracing {
            for (index, job) in jobs.enumerated() where collectives.owns(job: index) {
                let strategy = connectivity[job.strategy]
                do {
                    let needsPositions = strategy.strategy.needsPositions
                    let pre = try strategy.presynaptic.map { type -> CellSet in
                        let count = snapshot.cellType(type)?.count ?? 0
                        return CellSet(cellType: type, ranges: count > 0 ? [0..<count] : [], positions: needsPositions ? try positions(type) : [])
                    }
                    let post = try strategy.postsynaptic.map { type -> CellSet in
                        let ranges = rangesByType[type]?[job.chunk.id] ?? []
                        var coordinates: [Double] = []
                        if needsPositions {
                            let all = try positions(type)
                            for r in ranges where 3 * r.upperBound <= all.count { coordinates += all[(3 * r.lowerBound)..<(3 * r.upperBound)] }
                        }
                        return CellSet(cellType: type, ranges: ranges, positions: coordinates)
                    }
                    var random = RandomSource(seed: seed, strategy: strategy.name, chunk: job.chunk.id)
                    let made = try tracing.call(strategy.strategy, "connect") { () throws -> [[UInt32]] in
                        report("Connecting \(post.reduce(0) { $0 + $1.count }) cells in \(job.chunk.label) for \(strategy.name)", level: 2)
                        return try strategy.strategy.connect(chunk: job.chunk, pre: pre, post: post, random: &random)
                    }
                    let expected = strategy.presynaptic.count * strategy.postsynaptic.count
                    guard made.count == expected, made.allSatisfy({ $0.count % 2 == 0 }) else {
                        throw CompileError("\(type(of: strategy.strategy)).connect returned \(made.count) connection sets for \(expected)")
                    }
                    results[index] = made
                } catch {
                    failure = error
                    break
                }
                progress.tick()
            }
        }
        progress.finish()

        var mine: [Int64] = []
        for (index, made) in results.sorted(by: { $0.key < $1.key }) {
            mine.append(Int64(index))
            mine.append(contentsOf: made.map { Int64($0.count / 2) })
        }
        let gathered = try collectives.exchange(mine, failure: failure)
        var jobCounts = [[Int]](repeating: [], count: jobs.count)
        for list in gathered {
            var i = 0
            while i < list.count {
                let index = Int(list[i])
                guard index >= 0, index < jobs.count else { throw CompileError("bad job index \(index) from another rank") }
                let strategy = connectivity[jobs[index].strategy]
                let n = strategy.presynaptic.count * strategy.postsynaptic.count
                guard i + n < list.count + 1 else { throw CompileError("truncated job counts from another rank") }
                jobCounts[index] = list[(i + 1)..<(i + 1 + n)].map { Int($0) }
                i += 1 + n
            }
        }

        var writes: [(file: String, offset: Int, pairs: [UInt32])] = []
        var touched: [String] = []
        for strategy in connectivity {
            for set in strategy.connectionSets where manifest.connectionSet(set.name) == nil {
                manifest.connections.append(.init(
                    name: set.name, strategy: strategy.name, presynaptic: set.pre, postsynaptic: set.post,
                    file: Manifest.connectionsFile(set.name), blocks: []))
            }
            touched += strategy.connectionSets.map(\.name)
        }
        for (index, job) in jobs.enumerated() {
            let strategy = connectivity[job.strategy]
            for (s, set) in strategy.connectionSets.enumerated() {
                guard let entry = manifest.connections.firstIndex(where: { $0.name == set.name }) else { continue }
                let count = s < jobCounts[index].count ? jobCounts[index][s] : 0
                let offset = manifest.connections[entry].count
                manifest.connections[entry].blocks.append(.init(strategy: strategy.name, chunk: job.chunk.index, offset: offset, count: count))
                if let made = results[index], s < made.count, count > 0 {
                    writes.append((manifest.connections[entry].file, offset, made[s]))
                }
            }
        }
        let files = touched.compactMap { manifest.connectionSet($0) }.map {
            (file: $0.file, elementSize: 8, elements: $0.count, fresh: fresh.contains($0.file) || !options.append)
        }
        _ = try collectives.rootDecides {
            try tracing.call(storage, "allocate") { try storage.allocate(files) }
            return []
        }
        var writeFailure: (any Error)?
        if !writes.isEmpty {
            do {
                try tracing.call(storage, "write_connections") { try storage.writeConnections(writes) }
            } catch {
                writeFailure = error
            }
        }
        try collectives.agree(writeFailure)
    }

    /// Cell ids are stored as `UInt32`: at most 2³¹ cells of a type.
    static let maximumCells = 1 << 31

    func tooMany(_ typeName: String) -> ConfigurationError {
        ConfigurationError(path: "cell_types.\(typeName).spatial", "more than \(Self.maximumCells) cells")
    }
}
