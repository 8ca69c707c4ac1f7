/// Sees every recorded span when it starts and when it ends, and decides when exporters run.
public protocol SpanProcessor: AnyObject, Sendable {
    /// Called on the thread that starts `span`, before it is handed to the caller.
    func onStart(_ span: OTelSpan)
    /// Called on the thread that ends a span, with its finished record.
    func onEnd(_ span: SpanRecord)
    /// Called with finished records in order, as by `TracerProvider.replay(_:)` with a batch: by default each
    /// goes through `onEnd(_:)`; a processor may take the batch whole.
    func onEnd(_ spans: [SpanRecord])
    /// Exports everything pending; returns when it has been handed to the exporter.
    func forceFlush()
    /// Flushes, then shuts the exporter down. Later spans are not exported.
    func shutdown()
}

extension SpanProcessor {
    public func onStart(_ span: OTelSpan) {}

    public func onEnd(_ spans: [SpanRecord]) {
        for span in spans { onEnd(span) }
    }
}
