import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCProtobuf
import NIOCore
import NIOPosix

/// What the exporter hands a transport: the message (gRPC serialises it) or the encoded body (HTTP).
enum OTLPPayload: Sendable {
    case message(OTLPExportRequest)
    case body([UInt8])
}

/// Carries one export request to the collector; synchronous, bounded in time.
protocol OTLPTransport: Sendable {
    /// Sends `payload` once, waiting at most `timeout` for the answer.
    func send(_ payload: OTLPPayload, timeout: Duration) -> AttemptOutcome
    /// Closes connections; later sends fail.
    func shutdown()
}

/// OTLP over gRPC: `TraceService/Export` through grpc-swift-2 on its HTTP/2 NIO transport.
///
/// The client's connections run in a task on the exporter's own event loops (see `EventLoopTaskExecutor`); each
/// send is a unary call awaited by the calling thread. Calls do not wait for a connection that failed
/// (`waitForReady` off), so an unreachable collector answers `UNAVAILABLE` at once and the retry policy decides.
final class GRPCTransport: OTLPTransport {
    private let client: GRPCClient<HTTP2ClientTransport.Posix>
    private let executor: EventLoopTaskExecutor
    private let connections: Task<Void, Never>
    private let metadata: Metadata
    private let compression: OTLPCompression

    /// Connections run on `eventLoop`, the client's tasks on `taskLoop`.
    init(
        configuration: OTLPExporterConfiguration, eventLoop: any EventLoop, taskLoop: any EventLoop
    ) throws(ExporterErrorBox) {
        let endpoint = configuration.endpoint
        let security: HTTP2ClientTransport.Posix.TransportSecurity
        if configuration.usesTLS {
            security = .tls { tls in
                if let path = configuration.certificatePath {
                    tls.trustRoots = .certificates([.file(path: path, format: .pem)])
                }
                if let key = configuration.clientKeyPath, let chain = configuration.clientCertificatePath {
                    tls.certificateChain = [.file(path: chain, format: .pem)]
                    tls.privateKey = .file(path: key, format: .pem)
                }
            }
        } else {
            security = .plaintext
        }
        let config = HTTP2ClientTransport.Posix.Config.defaults { config in
            if configuration.compression == .gzip {
                config.compression = .init(algorithm: .gzip, enabledAlgorithms: [.gzip])
            }
            // Reconnect quickly once the collector is back.
            config.backoff = .init(initial: .milliseconds(100), max: .seconds(5), multiplier: 1.6, jitter: 0.2)
        }
        let target: any ResolvableTarget = endpoint.host.contains(":")
            ? .ipv6(address: endpoint.host, port: endpoint.port)
            : .dns(host: endpoint.host, port: endpoint.port)
        let transport: HTTP2ClientTransport.Posix
        do {
            transport = try HTTP2ClientTransport.Posix(
                target: target, transportSecurity: security, config: config, eventLoopGroup: eventLoop)
        } catch {
            throw ExporterErrorBox("cannot set up gRPC to \(endpoint): \(error)")
        }
        let client = GRPCClient(transport: transport)
        self.client = client
        executor = EventLoopTaskExecutor(taskLoop)
        connections = Task(executorPreference: executor) {
            try? await client.runConnections()
        }
        var metadata = Metadata()
        configuration.headers.forEach { name, value in metadata.addString(value, forKey: name) }
        self.metadata = metadata
        compression = configuration.compression
    }

    func send(_ payload: OTLPPayload, timeout: Duration) -> AttemptOutcome {
        guard case .message(let request) = payload else {
            return .permanent(reason: "internal error: gRPC needs a message")
        }
        let rendezvous = Rendezvous<AttemptOutcome>()
        var options = CallOptions.defaults
        options.timeout = timeout
        options.waitForReady = false
        if compression == .gzip { options.compression = .gzip }
        let client = Opentelemetry_Proto_Collector_Trace_V1_TraceService.Client(wrapping: self.client)
        let metadata = self.metadata
        let task = Task(executorPreference: executor) {
            rendezvous.complete(await Self.call(client, request, metadata: metadata, options: options))
        }
        // The call's own deadline ends it; the margin covers a transport that does not honour it.
        if let outcome = rendezvous.wait(for: timeout + .milliseconds(250)) { return outcome }
        task.cancel()
        return .retryable(reason: AttemptOutcome.timedOut, retryAfter: nil)
    }

    private static func call(
        _ client: Opentelemetry_Proto_Collector_Trace_V1_TraceService.Client<HTTP2ClientTransport.Posix>,
        _ request: OTLPExportRequest, metadata: Metadata, options: CallOptions
    ) async -> AttemptOutcome {
        do {
            let response = try await client.export(request, metadata: metadata, options: options)
            let partial = response.partialSuccess
            return .success(rejectedSpans: Int(clamping: partial.rejectedSpans), message: partial.errorMessage)
        } catch let error as RPCError {
            let details = (try? error.unpackGoogleRPCStatus())?.details ?? []
            let retryInfo = details.lazy.compactMap { $0.retryInfo?.delay }.first
            return RetryPolicy.classify(grpcCode: error.code.rawValue, message: error.message, retryInfo: retryInfo)
        } catch {
            return .retryable(reason: "gRPC: \(error)", retryAfter: nil)
        }
    }

    func shutdown() {
        // Exports are synchronous, so no call is in flight: a graceful end is quick unless a connection is still
        // being attempted (a collector that accepts but never answers), which is cut short.
        client.beginGracefulShutdown()
        let done = Rendezvous<Bool>()
        let connections = self.connections
        Task(executorPreference: executor) {
            await connections.value
            done.complete(true)
        }
        if done.wait(for: .milliseconds(100)) == nil {
            connections.cancel()
            _ = done.wait(for: .milliseconds(500))
        }
    }
}

/// An error message from a transport's set-up, made into an `ExporterError` by the exporter.
struct ExporterErrorBox: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
