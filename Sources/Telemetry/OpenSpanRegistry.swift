import Synchronization

/// Keeps track of the spans that have started and not yet ended, so they can all be ended when the process
/// is being stopped (SIGTERM, SIGINT): `ensure_spans_on_exit()` of the Python reference, on every thread.
///
/// Install it as the first processor; it exports nothing itself.
public final class OpenSpanRegistry: SpanProcessor {
    private let open = Mutex<[ObjectIdentifier: OTelSpan]>([:])

    public init() {}

    public func onStart(_ span: OTelSpan) {
        open.withLock { $0[ObjectIdentifier(span)] = span }
    }

    public func onEnd(_ span: SpanRecord) {}

    /// Forgets a span that ended (called by the span itself through `spanEnded`).
    func ended(_ span: OTelSpan) {
        _ = open.withLock { $0.removeValue(forKey: ObjectIdentifier(span)) }
    }

    public func forceFlush() {}
    public func shutdown() {}

    /// The spans open right now.
    public var openSpans: [OTelSpan] { open.withLock { Array($0.values) } }

    /// Ends every open span with ERROR status and an event named `reason`, innermost (latest started) first,
    /// so children are written before their parents. Returns how many were ended.
    @discardableResult
    public func terminateAll(reason: String) -> Int {
        let spans = open.withLock { registry -> [OTelSpan] in
            let all = Array(registry.values)
            registry.removeAll()
            return all
        }
        for span in spans.sorted(by: { $0.startNanos > $1.startNanos }) {
            span.terminate(reason: reason)
        }
        return spans.count
    }
}
