import ArgumentParser
import EntryPoints
import Synchronization
import Tracing

/// Runs the `bsb` command line: parses, runs the command in the collective `cli` root span, prints one
/// clear message on standard error for a failure, and returns the exit code (0, 1 for errors, 64 for usage).
public enum BsbCLI {
    /// Runs `arguments` (without the program name) with `runtime`.
    public static func run(_ arguments: [String], runtime: BsbRuntime = BsbRuntime()) -> Int32 {
        BsbRuntime.$current.withValue(runtime) {
            runParsed(arguments, runtime: runtime)
        }
    }

    private static func runParsed(_ arguments: [String], runtime: BsbRuntime) -> Int32 {
        var command: any ParsableCommand
        do {
            command = try Bsb.parseAsRoot(arguments)
        } catch {
            let code = Bsb.exitCode(for: error)
            let message = Bsb.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { runtime.console.out(message) }
            } else {
                runtime.console.err(message)
            }
            return code.rawValue
        }
        let entry = runtime.registry.names(in: BsbGroup.commands).lazy
            .compactMap { runtime.registry.entry(group: BsbGroup.commands, name: $0, as: BsbCommandEntry.self) }
            .first { $0.command == type(of: command) }
        let traced = entry?.traced ?? false
        let slot = ProfilerSlot()
        defer { finishProfiling(slot, runtime: runtime) }
        return Self.$profilerSlot.withValue(slot) {
            runCommand(&command, arguments: arguments, traced: traced, runtime: runtime)
        }
    }

    private static func runCommand(_ command: inout any ParsableCommand, arguments: [String], traced: Bool, runtime: BsbRuntime) -> Int32 {
        let tracing = WorkflowTracing(tracer: runtime.tracer, communicator: runtime.communicator)
        let commandName = type(of: command).configuration.commandName ?? "bsb"
        do {
            if traced {
                try tracing.collectiveSpan("cli", { attrs in
                    attrs["bsb.cli_command"] = SpanAttribute.stringArray(["bsb"] + arguments)
                    attrs["bsb.context"] = SpanAttribute.string(context(arguments, command: commandName, runtime: runtime))
                }) {
                    try command.run()
                }
            } else {
                try command.run()
            }
            return 0
        } catch let error as any BsbUserError {
            let prefix = runtime.communicator.size > 1 ? "bsb (rank \(runtime.communicator.rank)): " : "bsb: "
            runtime.console.err(prefix + "error: " + (error is ConfigurationError || error is FileError || error is CompileError || error is ReplayError || error is TraceError ? "" : "\(String(describing: type(of: error))): ") + "\(error)")
            return 1
        } catch {
            let code = Bsb.exitCode(for: error)
            let message = Bsb.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { runtime.console.out(message) }
                return 0
            }
            runtime.console.err("bsb: error: " + (message.isEmpty ? errorSummary(error) : message))
            return code.rawValue == 0 ? 1 : code.rawValue
        }
    }

    /// `bsb.context`: a JSON description of the run.
    static func context(_ arguments: [String], command: String, runtime: BsbRuntime) -> String {
        JSONValue.object([
            ("command", .string(command)),
            ("arguments", .array(arguments.map { .string($0) })),
            ("working_directory", .string(runtime.workingDirectory)),
            ("mpi_rank", .number(Double(runtime.communicator.rank))),
            ("mpi_size", .number(Double(runtime.communicator.size))),
            ("bsb_version", .string(Bsb.version)),
        ]).serialized()
    }

    /// The profiler a command of this run installs; written and summarised when the command ends.
    final class ProfilerSlot: Sendable {
        let profiler = Mutex<Profiler?>(nil)
    }

    @TaskLocal static var profilerSlot: ProfilerSlot?

    /// Makes `profiler` the one written when the running command ends.
    static func installProfiler(_ profiler: Profiler) {
        profilerSlot?.profiler.withLock { $0 = profiler }
    }

    private static func finishProfiling(_ slot: ProfilerSlot, runtime: BsbRuntime) {
        guard let profiler = slot.profiler.withLock({ $0 }) else { return }
        do {
            let path = try profiler.write(directory: runtime.workingDirectory)
            runtime.console.out("Profile written to \(path)\n" + profiler.summary())
        } catch {
            runtime.console.err("bsb: error: cannot write the profile: \(error)")
        }
    }
}
