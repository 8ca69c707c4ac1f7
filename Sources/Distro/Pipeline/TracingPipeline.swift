import Exporters
import Telemetry

/// What a configurator builds: the provider to install, and what the launcher needs to drive and report it.
public struct TracingPipeline: Sendable {
    public let provider: TracerProvider
    /// The exporters by their `OTEL_TRACES_EXPORTER` names, in the order given.
    public let exporters: [(name: String, exporter: any SpanExporter)]
    /// The batch processors, which the launcher's timer flushes when their delay is due.
    public let batchProcessors: [BatchSpanProcessor]
    /// The spans started and not yet ended, which the launcher ends when the process is stopped by a signal.
    public let openSpans: OpenSpanRegistry?

    public init(
        provider: TracerProvider, exporters: [(name: String, exporter: any SpanExporter)],
        batchProcessors: [BatchSpanProcessor], openSpans: OpenSpanRegistry? = nil
    ) {
        self.provider = provider
        self.exporters = exporters
        self.batchProcessors = batchProcessors
        self.openSpans = openSpans
    }

    /// The files the JSON Lines exporters write, for the message after the program.
    public var jsonLinesPaths: [String] {
        exporters.compactMap { ($0.exporter as? JSONLinesExporter)?.path }
    }
}
