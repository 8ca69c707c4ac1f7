import Synchronization

/// Exports each sampled span on the thread that ends it, before `end()` returns.
///
/// Nothing is queued, so nothing is lost when the process is killed after a span ends: the choice for
/// MPI jobs and for runs that may be cut short. Exports are serialised so an exporter sees one call at a time.
public final class SimpleSpanProcessor: SpanProcessor {
    private let exporter: any SpanExporter
    private let exportLock = Mutex(())
    private let isShutdown = Atomic<Bool>(false)

    public init(exporter: any SpanExporter) {
        self.exporter = exporter
    }

    public func onEnd(_ span: SpanRecord) {
        guard span.context.isSampled, !isShutdown.load(ordering: .relaxed) else { return }
        exportLock.withLock { _ in _ = exporter.export(span) }
    }

    public func forceFlush() {
        exportLock.withLock { _ in _ = exporter.forceFlush() }
    }

    public func shutdown() {
        guard !isShutdown.exchange(true, ordering: .acquiringAndReleasing) else { return }
        exportLock.withLock { _ in exporter.shutdown() }
    }
}
