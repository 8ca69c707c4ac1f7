import GRPCProtobuf
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// OTLP over HTTP/1.1: `POST` of a protobuf or JSON body to the traces URL, on one kept-alive connection
/// (TLS through NIOSSL for `https`), reopened when the collector closes it.
final class HTTPTransport: OTLPTransport {
    private let endpoint: OTLPExporterConfiguration
    private let eventLoop: any EventLoop
    private let tls: NIOSSLContext?
    private let contentType: String
    private let channel = Mutex<(any Channel)?>(nil)
    private let isShutdown = Atomic<Bool>(false)

    init(configuration: OTLPExporterConfiguration, eventLoop: any EventLoop) throws(ExporterErrorBox) {
        endpoint = configuration
        self.eventLoop = eventLoop
        contentType = configuration.protocol == .httpJSON ? "application/json" : "application/x-protobuf"
        guard configuration.endpoint.scheme != nil else {
            throw ExporterErrorBox("the endpoint \(configuration.endpoint) needs http:// or https:// for \(configuration.protocol.rawValue)")
        }
        if configuration.endpoint.scheme == "https" {
            do {
                var tls = TLSConfiguration.makeClientConfiguration()
                tls.certificateVerification = .fullVerification
                if let path = configuration.certificatePath {
                    tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path))
                }
                if let key = configuration.clientKeyPath, let chain = configuration.clientCertificatePath {
                    tls.certificateChain = try NIOSSLCertificate.fromPEMFile(chain).map { .certificate($0) }
                    tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
                }
                self.tls = try NIOSSLContext(configuration: tls)
            } catch {
                throw ExporterErrorBox("cannot set up TLS: \(error)")
            }
        } else {
            tls = nil
        }
    }

    func send(_ payload: OTLPPayload, timeout: Duration) -> AttemptOutcome {
        guard case .body(let body) = payload else { return .permanent(reason: "internal error: HTTP needs a body") }
        guard !isShutdown.load(ordering: .acquiring) else { return .permanent(reason: "exporter shut down") }
        let deadline = ContinuousClock.now + timeout
        let channel: any Channel
        switch connectedChannel(timeout: timeout) {
        case .success(let c): channel = c
        case .failure(let reason): return .retryable(reason: reason, retryAfter: nil)
        }
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else {
            return .retryable(reason: AttemptOutcome.timedOut, retryAfter: nil)
        }
        let promise = channel.eventLoop.makePromise(of: HTTPResponse.self)
        let timer = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(clamping: remaining.nanoseconds))) {
            promise.fail(HTTPTransportError.timedOut)
        }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: endpoint.endpoint.hostForURL + ":\(endpoint.endpoint.port)")
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "User-Agent", value: "OTel-OTLP-Exporter-Swift/\(OTLPSpanExporter.version)")
        headers.add(name: "Content-Length", value: "\(body.count)")
        if endpoint.compression == .gzip { headers.add(name: "Content-Encoding", value: "gzip") }
        endpoint.headers.forEach { name, value in headers.replaceOrAdd(name: name, value: value) }
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: endpoint.endpoint.path, headers: headers)
        let request = HTTPRequest(head: head, body: ByteBuffer(bytes: body), promise: promise)
        channel.writeAndFlush(request).cascadeFailure(to: promise)
        let result: Result<HTTPResponse, any Error>
        do {
            result = .success(try promise.futureResult.wait())
        } catch {
            result = .failure(error)
        }
        timer.cancel()
        switch result {
        case .success(let response):
            if response.closes { drop(channel) }
            return outcome(of: response)
        case .failure(let error):
            // Whatever the state of a connection that failed mid-request, it is not reused.
            drop(channel)
            let reason = error as? HTTPTransportError == .timedOut
                ? AttemptOutcome.timedOut : "HTTP request failed: \(Self.describe(error))"
            return .retryable(reason: reason, retryAfter: nil)
        }
    }

    func shutdown() {
        isShutdown.store(true, ordering: .releasing)
        let open = channel.withLock { c -> (any Channel)? in
            defer { c = nil }
            return c
        }
        _ = try? open?.close().wait()
    }

    // MARK: Connection

    private enum Connection {
        case success(any Channel)
        case failure(String)
    }

    private func connectedChannel(timeout: Duration) -> Connection {
        if let open = channel.withLock({ $0 }), open.isActive { return .success(open) }
        let host = endpoint.endpoint.host
        let tls = self.tls
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.nanoseconds(Int64(clamping: timeout.nanoseconds)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let tls {
                        let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
                        try sync.addHandler(NIOSSLClientHandler(context: tls, serverHostname: isAddress ? nil : host))
                    }
                    try sync.addHTTPClientHandlers()
                    try sync.addHandler(HTTPExchangeHandler())
                }
            }
        do {
            let opened = try bootstrap.connect(host: host, port: endpoint.endpoint.port).wait()
            channel.withLock { $0 = opened }
            return .success(opened)
        } catch {
            return .failure("cannot connect to \(endpoint.endpoint): \(Self.describe(error))")
        }
    }

    private func drop(_ failed: any Channel) {
        channel.withLock { c in
            if c === failed { c = nil }
        }
        failed.close(promise: nil)
    }

    // MARK: Responses

    private func outcome(of response: HTTPResponse) -> AttemptOutcome {
        let status = Int(response.head.status.code)
        let outcome = RetryPolicy.classify(
            httpStatus: status, retryAfter: response.head.headers.first(name: "Retry-After"))
        switch outcome {
        case .success:
            let rejected = rejectedSpans(in: response.body)
            return .success(rejectedSpans: rejected.count, message: rejected.message)
        case .retryable(let reason, let after):
            return .retryable(reason: reason + statusMessage(response), retryAfter: after)
        case .permanent(let reason):
            return .permanent(reason: reason + statusMessage(response))
        }
    }

    /// The partial success of a 200 answer.
    private func rejectedSpans(in body: [UInt8]) -> (count: Int, message: String) {
        guard !body.isEmpty else { return (0, "") }
        if endpoint.protocol == .httpJSON {
            return (OTLPJSONResponse.rejectedSpans(in: body), "")
        }
        guard let response = try? OTLPExportResponse(serializedBytes: body) else { return (0, "") }
        return (Int(clamping: response.partialSuccess.rejectedSpans), response.partialSuccess.errorMessage)
    }

    /// `: message` of the `google.rpc.Status` an error answer carries, if any.
    private func statusMessage(_ response: HTTPResponse) -> String {
        guard !response.body.isEmpty, endpoint.protocol == .httpProtobuf,
              let status = try? GoogleRPCStatus(serializedBytes: response.body), !status.message.isEmpty
        else { return "" }
        return ": " + String(status.message.prefix(200))
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPTransportError { return error.description }
        if let error = error as? ChannelError, case .connectTimeout = error { return "connect timed out" }
        return "\(error)"
    }
}

enum HTTPTransportError: Error, Equatable, CustomStringConvertible {
    case timedOut
    case connectionClosed

    var description: String {
        switch self {
        case .timedOut: "timed out"
        case .connectionClosed: "the collector closed the connection"
        }
    }
}

/// One request with the promise its response completes.
struct HTTPRequest: Sendable {
    let head: HTTPRequestHead
    let body: ByteBuffer
    let promise: EventLoopPromise<HTTPResponse>
}

/// A whole response.
struct HTTPResponse: Sendable {
    let head: HTTPResponseHead
    let body: [UInt8]

    /// True when the server will close the connection after this response.
    var closes: Bool { !head.isKeepAlive }
}

/// Writes a request and completes its promise with the response: one exchange at a time.
private final class HTTPExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPRequest
    typealias OutboundOut = HTTPClientRequestPart

    private var pending: EventLoopPromise<HTTPResponse>?
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        pending = request.promise
        head = nil
        body.removeAll(keepingCapacity: true)
        context.write(wrapOutboundOut(.head(request.head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(request.body))), promise: nil)
        context.write(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
        case .body(var buffer):
            if let bytes = buffer.readBytes(length: buffer.readableBytes) { body.append(contentsOf: bytes) }
        case .end:
            guard let head, let pending else { return }
            // 1xx answers (100 Continue) come before the real one.
            if head.status.code < 200 {
                self.head = nil
                return
            }
            self.pending = nil
            pending.succeed(HTTPResponse(head: head, body: body))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        pending?.fail(HTTPTransportError.connectionClosed)
        pending = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        pending?.fail(error)
        pending = nil
        context.close(promise: nil)
    }
}

/// Reads `partialSuccess.rejectedSpans` from an OTLP/JSON response without a JSON library.
enum OTLPJSONResponse {
    static func rejectedSpans(in body: [UInt8]) -> Int {
        let key = Array("\"rejectedSpans\"".utf8)
        guard body.count > key.count,
              let start = (0...(body.count - key.count)).first(where: { body[$0..<$0 + key.count].elementsEqual(key) })
        else { return 0 }
        var digits = ""
        for byte in body[(start + key.count)...] {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digits.append(Character(UnicodeScalar(byte)))
            } else if !digits.isEmpty {
                break
            } else if byte != UInt8(ascii: ":") && byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\"") {
                return 0
            }
        }
        return Int(digits) ?? 0
    }
}
