import ArgumentParser

/// `bsb compile [CONFIG]`: build the network a configuration describes.
public struct CompileCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "compile", abstract: "Compile a network configuration: place the cells and connect them.")

    @Argument(help: "The configuration file (same as --config).")
    var configPath: String?

    @Option(name: .long, help: "The configuration file (default: network_configuration.json).")
    var config: String?

    @Flag(name: .long, help: "Remove the stored network first (only what the storage engine created).")
    var clear = false

    @Flag(name: .long, help: "Add to the stored network.")
    var append = false

    @Flag(name: .long, help: "Recompute the selected strategies' data, keeping the rest.")
    var redo = false

    @Flag(name: .long, help: "Do not place cells.")
    var skipPlacement = false

    @Flag(name: .long, help: "Do not connect cells.")
    var skipConnectivity = false

    @Option(name: .long, help: "Run only this strategy (repeatable).")
    var only: [String] = []

    @Option(name: .long, help: "Do not run this strategy (repeatable).")
    var skip: [String] = []

    @Option(name: .customShort("x"), help: "The network size along x, µm.")
    var x: Double?

    @Option(name: .customShort("y"), help: "The network size along y, µm.")
    var y: Double?

    @Option(name: .customShort("z"), help: "The network size along z, µm.")
    var z: Double?

    @Option(name: [.short, .long], help: "The storage root (overrides storage.root).")
    var output: String?

    @Option(name: [.short, .long], help: "0 quiet, 1 normal, 2 one line per job, 3 more.")
    var verbosity: Int = 1

    @Flag(name: .long, help: "Write bsb_profiling_<rank>_<id>.json (Chrome trace format) and print a summary (or BSB_PROFILING=1).")
    var profiling = false

    @Option(name: .long, help: "The seed of every random number: same seed, same network, whatever the rank count.")
    var seed: UInt64?

    public init() {}

    public mutating func validate() throws {
        if configPath != nil && config != nil && configPath != config {
            throw ValidationError("give the configuration once: as an argument or with --config")
        }
    }

    public func run() throws {
        let runtime = BsbRuntime.active
        let path = FileIO.resolve(configPath ?? config ?? "network_configuration.json", against: runtime.workingDirectory)
        let configuration = try NetworkConfiguration.load(path: path, registry: runtime.registry)
        var options = CompileOptions()
        options.clear = clear
        options.append = append
        options.redo = redo
        options.skipPlacement = skipPlacement
        options.skipConnectivity = skipConnectivity
        options.only = only
        options.skip = skip
        options.x = x
        options.y = y
        options.z = z
        options.output = output
        options.verbosity = verbosity
        options.seed = seed
        let profile = profiling || ["1", "true", "yes", "on"].contains((runtime.environment["BSB_PROFILING"] ?? "").lowercased())
        let profiler = profile ? Profiler(rank: runtime.communicator.rank) : nil
        let compiler = Compiler(
            configuration: configuration, options: options, communicator: runtime.communicator, tracer: runtime.tracer,
            profiler: profiler, console: runtime.console, workingDirectory: runtime.workingDirectory, registry: runtime.registry)
        if let profiler { BsbCLI.installProfiler(profiler) }
        try compiler.compile()
    }
}
