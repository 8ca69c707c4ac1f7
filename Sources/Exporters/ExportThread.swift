import Dispatch
import Synchronization
import Telemetry

/// An exporter that hands each batch to a thread of its own, which runs the wrapped exporter.
///
/// Behind a batch processor, encoding and writing a batch then overlap with the program that ends the next
/// spans, instead of stopping it every `maxExportBatchSize` spans. Nothing is dropped: at most `inFlight`
/// batches wait, and a caller that finds them all waiting blocks until the thread takes one. `forceFlush()`
/// returns once everything handed over is exported; `shutdown()` drains, stops the thread and shuts the
/// wrapped exporter down. A failure is reported by the next call, and the wrapped exporter keeps its own count.
/// Single spans (a simple processor's) are exported on the caller's thread, after what is in flight.
public final class ExportThread: SpanExporter {
    public static let inFlight = 4

    private enum Work: Sendable {
        case spans([SpanRecord])
        case flush(DispatchSemaphore)
        case stop
    }

    /// What the thread reports back to callers.
    private final class Returns: Sendable {
        let failure = Mutex<String?>(nil)
        /// Batches the thread has exported, released by the next caller, usually the thread that made the spans:
        /// freed there, their memory is reused without taking an allocator lock that the export thread also needs
        /// (freed on the export thread instead, the batch benchmark ran 30 % slower).
        let exported = Mutex<[[SpanRecord]]>([])
    }

    private let exporter: any SpanExporter
    private let channel: BoundedChannel<Work>
    private let returns: Returns
    private let thread: Mutex<JoinableThread?>

    /// Wraps `exporter`; when the system gives no thread, exports run on the caller's thread as before.
    public init(_ exporter: any SpanExporter) {
        let channel = BoundedChannel<Work>(capacity: ExportThread.inFlight)
        let returns = Returns()
        self.exporter = exporter
        self.channel = channel
        self.returns = returns
        thread = Mutex(JoinableThread.start {
            while true {
                switch channel.receive() {
                case .spans(let spans):
                    if case .failure(let reason) = exporter.export(spans) { returns.failure.withLock { $0 = reason } }
                    returns.exported.withLock { $0.append(spans) }
                case .flush(let done):
                    if case .failure(let reason) = exporter.forceFlush() { returns.failure.withLock { $0 = reason } }
                    done.signal()
                case .stop:
                    return
                }
            }
        })
    }

    public func export(_ spans: [SpanRecord]) -> ExportResult {
        guard !spans.isEmpty else { return takeFailure() }
        guard handOver(.spans(spans)) else { return exporter.export(spans) }
        releaseExported()
        return takeFailure()
    }

    public func export(_ span: SpanRecord) -> ExportResult {
        _ = forceFlush()
        return exporter.export(span)
    }

    public func forceFlush() -> ExportResult {
        let done = DispatchSemaphore(value: 0)
        guard handOver(.flush(done)) else { return exporter.forceFlush() }
        done.wait()
        releaseExported()
        return takeFailure()
    }

    public func shutdown() {
        let stopping = thread.withLock { t -> JoinableThread? in
            defer { t = nil }
            if t != nil { channel.send(.stop) }
            return t
        }
        stopping?.join()
        releaseExported()
        exporter.shutdown()
    }

    /// Sends `work` to the thread unless it is stopped; under the lock, so nothing is sent after `.stop`.
    private func handOver(_ work: Work) -> Bool {
        thread.withLock { t in
            guard t != nil else { return false }
            channel.send(work)
            return true
        }
    }

    /// Takes the exported batches and lets them go on this thread, outside the lock the export thread appends under.
    private func releaseExported() {
        let taken = returns.exported.withLock { batches in
            var taken: [[SpanRecord]] = []
            swap(&taken, &batches)
            return taken
        }
        _ = consume taken
    }

    private func takeFailure() -> ExportResult {
        returns.failure.withLock { reason in
            defer { reason = nil }
            return reason.map { .failure(reason: $0) } ?? .success
        }
    }
}
