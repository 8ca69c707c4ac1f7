#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Distro
import EntryPoints
import Exporters
import Parallel
import Telemetry
import Tracing

/// The launcher: flags → configuration → distro → configurator → provider → the program, in this process
/// (a registered `InProcessProgram`) or as a child process.
struct Launcher {
    let registry: EntryPointRegistry

    /// Runs the command line and exits with the program's code (or the launcher's error code).
    func main(_ arguments: some Collection<String>) -> Never {
        do {
            let code = try run(arguments)
            SpansOnExit.holdIfTerminating()
            exit(code)
        } catch {
            Output.say(error.message)
            exit(error.exitCode)
        }
    }

    /// Runs the command line and returns the exit code.
    func run(_ arguments: some Collection<String>) throws(LauncherError) -> Int32 {
        let commandLine = try LauncherCommandLine.parse(arguments)
        switch commandLine.action {
        case .help:
            Output.out(LauncherDocumentation.help(registry: registry))
            return 0
        case .version:
            Output.out("otel-instrument \(LauncherDocumentation.version)\n")
            return 0
        case .generateManPage:
            Output.out(LauncherDocumentation.manPage(registry: registry))
            return 0
        case .printConfiguration:
            let configuration = try ResolvedConfiguration.resolve(
                flags: commandLine.values, environment: ProcessEnvironment.current(), registry: registry)
            Output.out(configuration.listing)
            return 0
        case .run(let program, let programArguments):
            let environment = ProcessEnvironment.current()
            let configuration = try ResolvedConfiguration.resolve(
                flags: commandLine.values, environment: environment, registry: registry)
            let target = try resolve(program, environment: environment)
            if configuration.isDebug { Output.write(configuration.listing, to: 2) }
            var run = Run(configuration: configuration, environment: environment, verbose: commandLine.verbose)
            return try run.start(target, program: program, arguments: programArguments, registry: registry)
        }
    }

    /// What a program name denotes.
    enum Target {
        case inProcess(InProcessProgram)
        case executable(path: String)
    }

    /// An in-process program by its registered name, else an executable; a name with a slash is always a file.
    func resolve(_ program: String, environment: [String: String]) throws(LauncherError) -> Target {
        if !program.contains("/"),
           let entry = registry.entry(group: EntryPointGroup.program, name: program, as: InProcessProgram.self) {
            return .inProcess(entry)
        }
        do {
            return .executable(path: try ChildProcess.locate(program, path: environment["PATH"]))
        } catch {
            let inProcess = registry.names(in: EntryPointGroup.program)
            let hint = inProcess.isEmpty || program.contains("/")
                ? "" : " (not in PATH; in-process programs: \(inProcess.joined(separator: ", ")))"
            throw LauncherError(error.message + hint, exitCode: error.exitCode)
        }
    }
}

/// One run of a program under a configuration.
struct Run {
    let configuration: ResolvedConfiguration
    let environment: [String: String]
    let verbose: Bool
    private var pipeline: TracingPipeline?
    private var timer: BatchFlushTimer?

    init(configuration: ResolvedConfiguration, environment: [String: String], verbose: Bool) {
        self.configuration = configuration
        self.environment = environment
        self.verbose = verbose
    }

    mutating func start(
        _ target: Launcher.Target, program: String, arguments: [String], registry: EntryPointRegistry
    ) throws(LauncherError) -> Int32 {
        var spanStartAttributes: Attributes = [:]
        if case .inProcess = target {
            // Before any thread exists, so every thread inherits the blocked signals (see SpansOnExit).
            if !configuration.sdkDisabled { SpansOnExit.blockSignals() }
            // An in-process program is the MPI rank itself; an exec'd child initialises MPI on its own.
            let mpi = World.initializeFromEnvironment(environment)
            for warning in mpi.warnings { Diagnostics.warn(warning) }
            if World.isMPI { spanStartAttributes = ["mpi.rank": .int(Int64(mpi.rank)), "mpi.size": .int(Int64(mpi.size))] }
        }
        defer { World.finalize() }
        if !configuration.sdkDisabled {
            let configurator: any OTelConfigurator
            do {
                configurator = try registry.load(group: EntryPointGroup.configurator, name: configuration.configuratorName,
                                                 as: (any OTelConfigurator).self)
            } catch {
                throw LauncherError(error.description)
            }
            let pipeline = try configurator.makePipeline(
                configuration, registry: registry, spanStartAttributes: spanStartAttributes)
            self.pipeline = pipeline
            if case .inProcess = target { SpansOnExit.install(provider: pipeline.provider, openSpans: pipeline.openSpans) }
            if !MPIEnvironment.isActive(environment) { timer = BatchFlushTimer.start(pipeline.batchProcessors) }
        }
        let code: Int32
        switch target {
        case .inProcess(let entry):
            code = runInProcess(entry, name: program, arguments: arguments)
        case .executable(let path):
            code = runChild(path: path, program: program, arguments: arguments)
        }
        finish()
        return code
    }

    /// The span context named by `TRACEPARENT`/`TRACESTATE` in the launcher's environment, if valid: the
    /// launcher's spans become its children, so nested launchers join one trace.
    private var inheritedContext: InstrumentationContext? {
        guard configuration.propagatesTraceContext, let header = environment["TRACEPARENT"],
              let parent = TraceContextPropagation.parse(traceparent: header, tracestate: environment["TRACESTATE"])
        else { return nil }
        var context = InstrumentationContext.topLevel
        context.spanContext = parent
        return context
    }

    private func runInProcess(_ program: InProcessProgram, name: String, arguments: [String]) -> Int32 {
        guard let pipeline else { return program.run(arguments) }
        InstrumentationSystem.bootstrap(pipeline.provider.tracer(name))
        guard let parent = inheritedContext else { return program.run(arguments) }
        return InstrumentationContext.withValue(parent) { program.run(arguments) }
    }

    private func runChild(path: String, program: String, arguments: [String]) -> Int32 {
        var childEnvironment = environment
        for (name, value) in configuration.explicitVariables { childEnvironment[name] = value }
        let name = String(program.split(separator: "/").last ?? Substring(program))
        var span: OTelSpan?
        if let pipeline {
            let tracer = pipeline.provider.tracer("otel-instrument", version: LauncherDocumentation.version)
            let started = tracer.startSpan(
                "exec \(name)", parent: inheritedContext ?? .topLevel, kind: .internal,
                attributes: ["process.executable.name": .string(name), "process.executable.path": .string(path)])
            if configuration.propagatesTraceContext {
                childEnvironment["TRACEPARENT"] = TraceContextPropagation.traceparent(started.spanContext)
                childEnvironment["TRACESTATE"] = started.spanContext.traceState.isEmpty
                    ? nil : started.spanContext.traceState.header
            }
            span = started
        }
        let child: ChildProcess
        switch ChildProcess.spawn(path: path, arguments: [program] + arguments,
                                  environment: childEnvironment.map { "\($0.key)=\($0.value)" }) {
        case .success(let started):
            child = started
        case .failure(let error):
            let code = error.code == ENOENT ? LauncherError.notFound : LauncherError.cannotExecute
            Output.say("\(program): \(error.message)")
            span?.setAttribute("error.type", .string("exec failed"))
            span?.setStatus(SpanStatus(code: .error, message: "cannot execute \(path): \(error.message)"))
            span?.end()
            return code
        }
        span?.setAttribute("process.pid", .int(Int64(child.pid)))
        let termination = child.wait()
        switch termination {
        case .exited(let code):
            span?.setAttribute("process.exit.code", .int(Int64(code)))
            if code != 0 { span?.setStatus(SpanStatus(code: .error, message: "exit code \(code)")) }
        case .signaled(let signal):
            let signalName = ChildProcess.signalName(signal)
            span?.setAttribute("process.exit.signal", .string(signalName))
            span?.setStatus(SpanStatus(code: .error, message: "killed by \(signalName)"))
        }
        span?.end()
        return termination.exitCode
    }

    /// Flushes and shuts the provider down, then says where the JSON Lines trace went.
    private func finish() {
        guard let pipeline else { return }
        timer?.stop()
        pipeline.provider.shutdown()
        let paths = pipeline.jsonLinesPaths
        guard !paths.isEmpty, !configuration.isQuiet, verbose || configuration.isDebug || isatty(2) != 0 else { return }
        Output.say("trace written to \(paths.joined(separator: ", "))")
    }
}
