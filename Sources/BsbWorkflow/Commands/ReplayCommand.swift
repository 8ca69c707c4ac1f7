import ArgumentParser
import Exporters
import Telemetry

/// `bsb replay-otel FILE|GLOB…`: re-emits recorded spans into the pipeline `otel-instrument` installed, so
/// traces written on a compute node without a collector reach one later.
public struct ReplayCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "replay-otel",
        abstract: "Re-emit recorded spans (JSON Lines or OTLP/JSON lines) into the active exporter, ids kept.",
        discussion: """
            Run it under the launcher, e.g.
              otel-instrument --traces_exporter otlp --service_name "BSB Replay" bsb replay-otel 'traces_*.jsonlines'
            Every line is checked before anything is sent; a malformed line stops the replay (FILE:LINE: reason)
            unless --skip-invalid is given.
            """)

    @Argument(help: "JSON Lines files or glob patterns (quote globs to let bsb expand them).")
    var files: [String] = []

    @Flag(name: .long, help: "Keep the recorded timestamps instead of shifting them so the latest span ends now.")
    var keepTimestamps = false

    @Flag(name: .long, help: "Keep each span's recorded resource instead of this process's (service.name, host, …).")
    var keepResource = false

    @Flag(name: .long, help: "Replay the valid lines and report how many malformed lines were skipped.")
    var skipInvalid = false

    public init() {}

    public func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one file or glob pattern to replay") }
    }

    public func run() throws {
        let runtime = BsbRuntime.active
        guard let tracer = runtime.tracer as? OTelTracer, !tracer.provider.processors.isEmpty else {
            throw ReplayError(message: """
                there is nothing to replay into: no exporter is active. Run it under the launcher, e.g. \
                otel-instrument --traces_exporter otlp bsb replay-otel \(files.joined(separator: " "))
                """)
        }
        do {
            let (paths, notes) = try SpanReplay.expand(files)
            for note in notes { runtime.console.err("bsb: note: \(note)") }
            let summary = try SpanReplay.replay(
                files: paths, into: tracer.provider,
                options: SpanReplay.Options(keepTimestamps: keepTimestamps, keepResource: keepResource, skipInvalid: skipInvalid))
            tracer.provider.forceFlush()
            for note in summary.notes { runtime.console.err("bsb: note: \(note)") }
            let timing = keepTimestamps ? "timestamps kept" : "timestamps shifted to now"
            runtime.console.out("Replayed \(summary.spans) spans from \(summary.files) file(s) (\(timing)).")
        } catch {
            throw ReplayError(message: error.message)
        }
    }
}

/// A replay that cannot start or finish; the message names the file and line at fault.
public struct ReplayError: BsbUserError, Sendable {
    public let message: String
    public var description: String { message }
}
