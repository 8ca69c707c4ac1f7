import Synchronization
@testable import Telemetry

/// Collects ended spans in memory; the Telemetry tests' own exporter, so they need no other module.
final class CollectingProcessor: SpanProcessor {
    private let spans = Mutex<[SpanRecord]>([])
    private let started = Mutex<Int>(0)
    var records: [SpanRecord] { spans.withLock { $0 } }
    var startedCount: Int { started.withLock { $0 } }
    func onStart(_ span: OTelSpan) { started.withLock { $0 += 1 } }
    func onEnd(_ span: SpanRecord) { spans.withLock { $0.append(span) } }
    func forceFlush() {}
    func shutdown() {}

    func named(_ name: String) -> SpanRecord? { records.first { $0.name == name } }
}

/// Counts what an exporter receives, batch by batch.
final class CountingExporter: SpanExporter {
    private let batches = Mutex<[[SpanRecord]]>([])
    private let shutdowns = Mutex(0)
    var batchSizes: [Int] { batches.withLock { $0.map(\.count) } }
    var spans: [SpanRecord] { batches.withLock { $0.flatMap { $0 } } }
    var shutdownCount: Int { shutdowns.withLock { $0 } }
    func export(_ spans: [SpanRecord]) -> ExportResult {
        batches.withLock { $0.append(spans) }
        return .success
    }
    func shutdown() { shutdowns.withLock { $0 += 1 } }
}

func record(_ name: String, sampled: Bool = true, end: UInt64 = 2) -> SpanRecord {
    SpanRecord(
        name: name,
        context: SpanContext(traceID: TraceID(high: 1, low: 1), spanID: SpanID(UInt64(name.hashValue.magnitude) | 1),
                             traceFlags: sampled ? .sampled : .none),
        parentSpanID: nil, startTimeNanos: 1, endTimeNanos: end, resource: Resource(attributes: [:]))
}
