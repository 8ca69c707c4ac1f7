import Synchronization

/// Queues sampled spans and exports them in batches, on the threads that end spans.
///
/// - A batch is exported as soon as `maxExportBatchSize` spans are queued, by the thread whose span filled it.
/// - `forceFlush()` and `shutdown()` export everything queued.
/// - `flushIfDue(nowNanos:)` exports what has waited `scheduleDelayNanos`; a driver outside this module (the
///   launcher's timer, when the program is not under MPI) calls it, so nothing here starts a thread.
/// - When the queue holds `maxQueueSize` spans (other threads keep ending spans while one exports), the
///   caller exports the queue itself and waits: a span is never dropped.
public final class BatchSpanProcessor: SpanProcessor {
    public struct Configuration: Sendable, Equatable {
        public var maxQueueSize: Int
        public var maxExportBatchSize: Int
        public var scheduleDelayNanos: UInt64

        /// Defaults of the OpenTelemetry specification (`OTEL_BSP_*`).
        public init(maxQueueSize: Int = 2048, maxExportBatchSize: Int = 512, scheduleDelayNanos: UInt64 = 5_000_000_000) {
            self.maxQueueSize = max(1, maxQueueSize)
            self.maxExportBatchSize = max(1, min(maxExportBatchSize, self.maxQueueSize))
            self.scheduleDelayNanos = scheduleDelayNanos
        }
    }

    private struct Queue {
        var spans: [SpanRecord] = []
        var oldestNanos: UInt64 = 0
        var isShutdown = false
    }

    public let configuration: Configuration
    private let exporter: any SpanExporter
    private let queue: Mutex<Queue>
    private let exportLock = Mutex(())

    public init(exporter: any SpanExporter, configuration: Configuration = Configuration()) {
        self.exporter = exporter
        self.configuration = configuration
        var q = Queue()
        q.spans.reserveCapacity(configuration.maxExportBatchSize)
        queue = Mutex(q)
    }

    public func onEnd(_ span: SpanRecord) {
        guard span.context.isSampled else { return }
        let ready: [SpanRecord]? = queue.withLock { q in
            guard !q.isShutdown else { return nil }
            if q.spans.isEmpty { q.oldestNanos = span.endTimeNanos }
            q.spans.append(span)
            guard q.spans.count >= configuration.maxExportBatchSize else { return nil }
            return take(&q)
        }
        if let ready { export(ready) }
    }

    /// A batch of exactly the export size, all sampled, goes to the exporter as it is, after what was queued
    /// before it (exported first, as a smaller batch): its spans are neither copied nor retained one by one,
    /// which is most of what a replay's sending thread would otherwise do per span.
    public func onEnd(_ spans: [SpanRecord]) {
        // The flags are read in place: iterating would retain and release every record, writing to memory that
        // the thread which made the records, and then the exporter's, would have to take back.
        guard spans.count == configuration.maxExportBatchSize,
              spans.withUnsafeBufferPointer({ records in records.allSatisfy { $0.context.isSampled } })
        else {
            for span in spans { onEnd(span) }
            return
        }
        let queued: [SpanRecord]? = queue.withLock { q in q.isShutdown ? nil : q.spans.isEmpty ? [] : take(&q) }
        guard let queued else { return }
        export(queued)
        export(spans)
    }

    /// Exports the queue if its oldest span has waited at least the schedule delay.
    public func flushIfDue(nowNanos: UInt64 = WallClock.nowNanos()) {
        let ready: [SpanRecord]? = queue.withLock { q in
            guard !q.spans.isEmpty, nowNanos &- q.oldestNanos >= configuration.scheduleDelayNanos else { return nil }
            return take(&q)
        }
        if let ready { export(ready) }
    }

    public func forceFlush() {
        let ready = queue.withLock { q in take(&q) }
        export(ready)
        exportLock.withLock { _ in _ = exporter.forceFlush() }
    }

    public func shutdown() {
        let ready: [SpanRecord]? = queue.withLock { q in
            guard !q.isShutdown else { return nil }
            q.isShutdown = true
            return take(&q)
        }
        guard let ready else { return }
        export(ready)
        exportLock.withLock { _ in exporter.shutdown() }
    }

    /// The number of spans waiting, for tests and diagnostics.
    public var queuedCount: Int { queue.withLock { $0.spans.count } }

    private func take(_ q: inout Queue) -> [SpanRecord] {
        var taken: [SpanRecord] = []
        taken.reserveCapacity(configuration.maxExportBatchSize)
        swap(&taken, &q.spans)
        return taken
    }

    private func export(_ spans: [SpanRecord]) {
        guard !spans.isEmpty else { return }
        exportLock.withLock { _ in
            var start = spans.startIndex
            while start < spans.endIndex {
                let end = min(start + configuration.maxExportBatchSize, spans.endIndex)
                _ = exporter.export(start == spans.startIndex && end == spans.endIndex ? spans : Array(spans[start..<end]))
                start = end
            }
        }
    }
}
