import Synchronization

/// Exports each sampled span on the thread that ends it, before `end()` returns.
///
/// Nothing is queued, so nothing is lost when the process is killed after a span ends: the choice for
/// MPI jobs and for runs that may be cut short. Exporters serialise their own calls (the `SpanExporter`
/// contract), so the processor takes no lock of its own: on the path of every span, a second lock costs more
/// than the encoding of a small span's status and kind.
public final class SimpleSpanProcessor: SpanProcessor {
    private let exporter: any SpanExporter
    private let isShutdown = Atomic<Bool>(false)

    public init(exporter: any SpanExporter) {
        self.exporter = exporter
    }

    public func onEnd(_ span: SpanRecord) {
        guard span.context.isSampled, !isShutdown.load(ordering: .relaxed) else { return }
        _ = exporter.export(span)
    }

    public func forceFlush() {
        _ = exporter.forceFlush()
    }

    public func shutdown() {
        guard !isShutdown.exchange(true, ordering: .acquiringAndReleasing) else { return }
        exporter.shutdown()
    }
}
