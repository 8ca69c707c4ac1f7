import ArgumentParser

/// `bsb show [ROOT]`: what a compiled network holds.
public struct ShowCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print the cell and connection counts of a compiled network.")

    @Argument(help: "The storage root (default: the root of --config's configuration, or 'network').")
    var root: String?

    @Option(name: .long, help: "Find the storage root in this configuration.")
    var config: String?

    public init() {}

    public func run() throws {
        let runtime = BsbRuntime.active
        var rootPath = root
        var engine = "fs"
        if rootPath == nil {
            let configPath = FileIO.resolve(config ?? "network_configuration.json", against: runtime.workingDirectory)
            if config != nil || FileIO.exists(configPath) {
                let configuration = try NetworkConfiguration.load(path: configPath, registry: runtime.registry)
                rootPath = configuration.storage.root
                engine = configuration.storage.engine
            }
        }
        let factory: StorageEngineFactory = try NetworkConfiguration.lookUp(
            runtime.registry, BsbGroup.storageEngines, engine, path: "storage.engine")
        let storage = try factory.open(FileIO.resolve(rootPath ?? "network", against: runtime.workingDirectory))
        let tracing = WorkflowTracing(tracer: runtime.tracer, communicator: runtime.communicator)
        guard let manifest = try tracing.call(storage, "read_manifest", { try storage.readManifest() }) else {
            throw CompileError("no compiled network at '\(storage.location)'")
        }
        runtime.console.out(Self.describe(manifest, location: storage.location, engine: engine))
    }

    /// The report `show` prints.
    public static func describe(_ manifest: Manifest, location: String, engine: String = "fs") -> String {
        var lines = ["Network '\(manifest.name)' (\(engine) storage at \(location), seed \(manifest.seed))", "Cell types:"]
        let width = max(manifest.cellTypes.map(\.name.count).max() ?? 0, manifest.connections.map(\.name.count).max() ?? 0)
        func pad(_ s: String) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }
        if manifest.cellTypes.isEmpty { lines.append("  (none)") }
        for c in manifest.cellTypes {
            lines.append("  \(pad(c.name))  \(c.count) cells in \(c.chunkCount) chunks")
        }
        lines.append("Connection types:")
        if manifest.connections.isEmpty { lines.append("  (none)") }
        for c in manifest.connections {
            lines.append("  \(pad(c.name))  \(c.count) connections (\(c.presynaptic) -> \(c.postsynaptic))")
        }
        let cells = manifest.cellTypes.reduce(0) { $0 + $1.count }
        let connections = manifest.connections.reduce(0) { $0 + $1.count }
        lines.append("Total: \(cells) cells, \(connections) connections")
        return lines.joined(separator: "\n")
    }
}
