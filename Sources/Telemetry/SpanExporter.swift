/// The outcome of an export.
public enum ExportResult: Sendable, Equatable {
    case success
    /// The spans were not delivered; `reason` says why, for the one warning the exporter prints at shutdown.
    case failure(reason: String)
}

/// Writes finished spans somewhere: a file, a terminal, a collector.
///
/// Exporters know formats and destinations, nothing of timing: when to call them is the processor's job.
/// Calls may come from several threads at once (the simple processor calls from every thread that ends a span,
/// without a lock of its own); an exporter serialises what must be serialised.
public protocol SpanExporter: Sendable {
    /// Exports a batch; the order of `spans` is the order they ended.
    func export(_ spans: [SpanRecord]) -> ExportResult
    /// Exports one span; exporters with a cheaper path for one span override it.
    func export(_ span: SpanRecord) -> ExportResult
    /// Delivers anything the exporter buffers.
    func forceFlush() -> ExportResult
    /// Flushes and releases the destination; later exports fail.
    func shutdown()
}

extension SpanExporter {
    public func export(_ span: SpanRecord) -> ExportResult { export([span]) }
    public func forceFlush() -> ExportResult { .success }
}
