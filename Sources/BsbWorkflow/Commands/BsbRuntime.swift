import EntryPoints
import Parallel
import Tracing

/// What a `bsb` command runs with: the tracer, the communicator, the console, the working directory, the
/// registry and the environment. `BsbCLI.run` sets it for the duration of a command.
public struct BsbRuntime: Sendable {
    public var tracer: any Tracer
    public var communicator: any Communicator
    public var console: Console
    /// Relative paths (configuration, storage root, profiles) are resolved against it.
    public var workingDirectory: String
    public var registry: EntryPointRegistry
    public var environment: [String: String]

    public init(
        tracer: any Tracer = InstrumentationSystem.tracer, communicator: any Communicator = World.communicator,
        console: Console = .standard, workingDirectory: String? = nil, registry: EntryPointRegistry = BsbEntryPoints.registry,
        environment: [String: String]? = nil
    ) {
        self.tracer = tracer
        self.communicator = communicator
        self.console = console
        self.workingDirectory = workingDirectory ?? FileIO.currentDirectory()
        self.registry = registry
        self.environment = environment ?? LaunchEnvironment.current()
    }

    @TaskLocal static var current: BsbRuntime?

    /// The runtime of the running command (or a default one outside `BsbCLI.run`).
    public static var active: BsbRuntime { current ?? BsbRuntime() }
}
