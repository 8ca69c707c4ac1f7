#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Exporters
import NIOCore
import NIOPosix
import Synchronization
import Telemetry

/// Sends spans to an OpenTelemetry collector over OTLP: gRPC, HTTP/protobuf or HTTP/JSON.
///
/// `export` is synchronous, as `SpanExporter` requires: it encodes the batch, sends it on the exporter's own
/// event-loop thread and waits. One export — its retries and their backoff included — never takes longer than
/// the configured timeout.
///
/// When an export fails for good, the collector is taken to be down: later exports give up at once (their spans
/// are counted as not delivered) until `probeInterval` has passed, when one export is tried again, without
/// retries; a success ends this state. So an unreachable collector costs the program one timeout, not one per
/// batch. `shutdown()` prints one warning with the number of spans not delivered and the endpoint (never the
/// headers); nothing here touches the program's exit code.
public final class OTLPSpanExporter: SpanExporter {
    /// The version in the `User-Agent` of HTTP requests.
    public static let version = Resource.sdkVersion

    public let configuration: OTLPExporterConfiguration
    /// How long exports give up at once after a failure, before the next probe.
    public let probeInterval: Duration
    public let retryPolicy: RetryPolicy

    private struct State {
        var protobuf = OTLPProtobufEncoder()
        var json = OTLPJSONEncoder()
        /// When the last failed export ended, while the collector is taken to be down.
        var downSince: ContinuousClock.Instant?
        var notDelivered = 0
        var lastReason: String?
        var isShutdown = false
    }

    private let state = Mutex(State())
    private let group: MultiThreadedEventLoopGroup
    private let transport: any OTLPTransport

    /// Sets up the transport (nothing is sent until the first export); throws for an endpoint or a TLS file
    /// that cannot be used.
    public init(
        configuration: OTLPExporterConfiguration, retryPolicy: RetryPolicy = RetryPolicy(),
        probeInterval: Duration = .seconds(5)
    ) throws(ExporterError) {
        self.configuration = configuration
        self.retryPolicy = retryPolicy
        self.probeInterval = probeInterval
        // gRPC: one thread for the connection, one for the client's tasks (see `EventLoopTaskExecutor`); on one
        // thread both halve the throughput. HTTP runs on futures alone.
        group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.protocol == .grpc ? 2 : 1)
        do {
            switch configuration.protocol {
            case .grpc:
                transport = try GRPCTransport(
                    configuration: configuration, eventLoop: group.next(), taskLoop: group.next())
            case .httpProtobuf, .httpJSON:
                transport = try HTTPTransport(configuration: configuration, eventLoop: group.next())
            }
        } catch {
            try? group.syncShutdownGracefully()
            throw ExporterError(message: error.message)
        }
    }

    public func export(_ spans: [SpanRecord]) -> ExportResult {
        guard !spans.isEmpty else { return .success }
        return state.withLock { s in
            guard !s.isShutdown else {
                s.notDelivered += spans.count
                return .failure(reason: "exporter already shut down")
            }
            let start = ContinuousClock.now
            var retries = true
            if let downSince = s.downSince {
                guard start - downSince >= probeInterval else {
                    s.notDelivered += spans.count
                    return .failure(reason: s.lastReason ?? "collector unreachable")
                }
                retries = false
            }
            let payload: OTLPPayload = switch configuration.protocol {
            case .grpc: .message(s.protobuf.request(for: spans))
            case .httpProtobuf: .body(compressed(s.protobuf.encode(spans)))
            case .httpJSON: .body(compressed(s.json.encode(spans)))
            }
            let outcome = send(payload, deadline: start + configuration.timeout, retries: retries)
            switch outcome {
            case .success(let rejected, let message):
                s.downSince = nil
                guard rejected > 0 else { return .success }
                s.notDelivered += rejected
                s.lastReason = "the collector rejected \(rejected) span(s)" + (message.isEmpty ? "" : ": \(message)")
                return .failure(reason: s.lastReason!)
            case .retryable(var reason, _), .permanent(var reason):
                if reason == AttemptOutcome.timedOut {
                    reason = "no answer within the export timeout (\(configuration.timeout.milliseconds) ms)"
                }
                s.downSince = ContinuousClock.now
                s.notDelivered += spans.count
                s.lastReason = reason
                return .failure(reason: reason)
            }
        }
    }

    /// Sends `payload`, retrying retryable outcomes with backoff while the deadline allows.
    private func send(_ payload: OTLPPayload, deadline: ContinuousClock.Instant, retries: Bool) -> AttemptOutcome {
        var attempt = 0
        while true {
            attempt += 1
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                return .retryable(reason: AttemptOutcome.timedOut, retryAfter: nil)
            }
            let outcome = transport.send(payload, timeout: remaining)
            guard retries else { return outcome }
            let left = deadline - ContinuousClock.now
            switch retryPolicy.decision(after: outcome, attempt: attempt, remaining: left) {
            case .giveUp:
                return outcome
            case .retry(let delay):
                Self.sleep(delay)
            }
        }
    }

    private func compressed(_ body: [UInt8]) -> [UInt8] {
        guard configuration.compression == .gzip else { return body }
        return Gzip.compress(body) ?? body
    }

    /// Spans not delivered so far: failed exports, exports skipped while the collector was down, and spans the
    /// collector rejected.
    public var notDeliveredCount: Int { state.withLock { $0.notDelivered } }

    /// Closes the connection and prints one warning if any span was not delivered.
    public func shutdown() {
        let (first, lost, reason) = state.withLock { s -> (Bool, Int, String?) in
            defer { s.isShutdown = true }
            return (!s.isShutdown, s.notDelivered, s.lastReason)
        }
        guard first else { return }
        transport.shutdown()
        try? group.syncShutdownGracefully()
        if lost > 0 {
            Diagnostics.warn(
                "\(lost) span(s) not delivered to the OTLP collector at \(configuration.endpoint) "
                    + "(\(configuration.protocol.rawValue)): \(reason ?? "unknown error")")
        }
    }

    private static func sleep(_ duration: Duration) {
        let nanos = duration.nanoseconds
        var interval = timespec(tv_sec: Int(nanos / 1_000_000_000), tv_nsec: Int(nanos % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&interval, &remaining) != 0 && errno == EINTR { interval = remaining }
    }
}
