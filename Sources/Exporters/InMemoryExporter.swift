import Synchronization
import Telemetry

/// Keeps exported spans in memory, for tests.
public final class InMemoryExporter: SpanExporter {
    private let spans = Mutex<[SpanRecord]>([])
    private let isShutdown = Atomic<Bool>(false)

    public init() {}

    public func export(_ batch: [SpanRecord]) -> ExportResult {
        guard !isShutdown.load(ordering: .relaxed) else { return .failure(reason: "exporter shut down") }
        spans.withLock { $0.append(contentsOf: batch) }
        return .success
    }

    public func export(_ span: SpanRecord) -> ExportResult {
        guard !isShutdown.load(ordering: .relaxed) else { return .failure(reason: "exporter shut down") }
        spans.withLock { $0.append(span) }
        return .success
    }

    /// The spans exported so far, in export order.
    public var finishedSpans: [SpanRecord] { spans.withLock { $0 } }

    public func reset() { spans.withLock { $0.removeAll() } }

    public func shutdown() { isShutdown.store(true, ordering: .relaxed) }
}

/// Discards every span (`OTEL_TRACES_EXPORTER=none`).
public struct NoneExporter: SpanExporter {
    public init() {}
    public func export(_ spans: [SpanRecord]) -> ExportResult { .success }
    public func export(_ span: SpanRecord) -> ExportResult { .success }
    public func shutdown() {}
}
