import Exporters

/// The wire format of the OTLP exporter (`OTEL_EXPORTER_OTLP_PROTOCOL`).
public enum OTLPProtocol: String, Sendable, CaseIterable {
    /// Protobuf over gRPC, port 4317 by convention.
    case grpc
    /// Protobuf over HTTP/1.1, `POST /v1/traces`, port 4318.
    case httpProtobuf = "http/protobuf"
    /// JSON over HTTP/1.1, `POST /v1/traces`, port 4318; ids as hex, as the OTLP JSON encoding requires.
    case httpJSON = "http/json"

    /// True for the two HTTP protocols.
    public var isHTTP: Bool { self != .grpc }

    /// The collector's default endpoint for this protocol.
    public var defaultEndpoint: String { self == .grpc ? "http://localhost:4317" : "http://localhost:4318" }
}

/// Compression of request bodies (`OTEL_EXPORTER_OTLP_COMPRESSION`).
public enum OTLPCompression: String, Sendable {
    case none
    case gzip
}

/// Everything the OTLP exporter needs to reach a collector, resolved from the `OTEL_EXPORTER_OTLP_*` variables.
///
/// `headers` carries credentials: `description` never shows their values, and neither does any error or
/// warning of this module.
public struct OTLPExporterConfiguration: Sendable, CustomStringConvertible {
    /// Where requests go: for HTTP the full URL of the traces resource, for gRPC the collector's address.
    public var endpoint: OTLPEndpoint
    public var `protocol`: OTLPProtocol
    public var headers: OTLPHeaders
    /// Longest time one export may take, retries included.
    public var timeout: Duration
    public var compression: OTLPCompression
    /// For gRPC endpoints without a scheme: plain text instead of TLS.
    public var insecure: Bool
    /// A PEM file of trusted certificates that verifies the collector (else the system's roots).
    public var certificatePath: String?
    /// A PEM client private key and certificate chain, for mutual TLS.
    public var clientKeyPath: String?
    public var clientCertificatePath: String?

    public init(
        endpoint: OTLPEndpoint, protocol: OTLPProtocol = .grpc, headers: OTLPHeaders = OTLPHeaders(),
        timeout: Duration = .seconds(10), compression: OTLPCompression = .none, insecure: Bool = false,
        certificatePath: String? = nil, clientKeyPath: String? = nil, clientCertificatePath: String? = nil
    ) {
        self.endpoint = endpoint
        self.protocol = `protocol`
        self.headers = headers
        self.timeout = timeout
        self.compression = compression
        self.insecure = insecure
        self.certificatePath = certificatePath
        self.clientKeyPath = clientKeyPath
        self.clientCertificatePath = clientCertificatePath
    }

    /// True when requests travel over TLS: an `https` endpoint, or a gRPC endpoint without scheme and not
    /// `insecure`.
    public var usesTLS: Bool {
        switch endpoint.scheme {
        case "https": true
        case "http": false
        default: !insecure
        }
    }

    /// The endpoint and settings, never the header values.
    public var description: String {
        "OTLP \(self.protocol.rawValue) \(endpoint), headers: \(headers), "
            + "timeout \(timeout.milliseconds) ms, compression \(compression.rawValue)"
    }

    // MARK: From the environment

    /// The configuration the `OTEL_EXPORTER_OTLP_*` variables describe; `value(name)` returns a variable's value
    /// or nil when unset (an empty value counts as unset). Each `OTEL_EXPORTER_OTLP_TRACES_*` variable overrides
    /// its `OTEL_EXPORTER_OTLP_*` twin.
    public static func fromVariables(_ value: (String) -> String?) throws(ExporterError) -> OTLPExporterConfiguration {
        func given(_ name: String) -> String? {
            guard let v = value(name), !v.isEmpty else { return nil }
            return v
        }
        func pick(_ suffix: String) -> (name: String, value: String)? {
            for name in ["OTEL_EXPORTER_OTLP_TRACES_" + suffix, "OTEL_EXPORTER_OTLP_" + suffix] {
                if let v = given(name) { return (name, v) }
            }
            return nil
        }
        var proto = OTLPProtocol.grpc
        if let (name, text) = pick("PROTOCOL") {
            guard let p = OTLPProtocol(rawValue: text.lowercased()) else {
                throw ExporterError(message: "\(name): must be one of grpc, http/protobuf, http/json, got '\(text)'")
            }
            proto = p
        }
        let endpointText = OTLPEndpoint.resolve(
            general: given("OTEL_EXPORTER_OTLP_ENDPOINT"), traces: given("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
            protocol: proto)
        let endpoint: OTLPEndpoint
        do {
            endpoint = try OTLPEndpoint(parsing: endpointText)
        } catch {
            throw ExporterError(message: "OTLP endpoint: \(error.description)")
        }
        var headers = OTLPHeaders()
        if let (name, text) = pick("HEADERS") {
            do {
                headers = try OTLPHeaders(parsing: text)
            } catch {
                throw ExporterError(message: "\(name): \(error.description)")
            }
        }
        var timeout = Duration.seconds(10)
        if let (name, text) = pick("TIMEOUT") {
            guard let ms = Int(text.trimmingSpaces), ms >= 0 else {
                throw ExporterError(message: "\(name): must be a non-negative integer number of milliseconds")
            }
            timeout = .milliseconds(ms)
        }
        var compression = OTLPCompression.none
        if let (name, text) = pick("COMPRESSION") {
            guard let c = OTLPCompression(rawValue: text.lowercased()) else {
                throw ExporterError(message: "\(name): must be gzip or none, got '\(text)'")
            }
            compression = c
        }
        let insecure = pick("INSECURE").map { $0.value.lowercased() == "true" } ?? false
        return OTLPExporterConfiguration(
            endpoint: endpoint, protocol: proto, headers: headers, timeout: timeout, compression: compression,
            insecure: insecure, certificatePath: pick("CERTIFICATE")?.value, clientKeyPath: pick("CLIENT_KEY")?.value,
            clientCertificatePath: pick("CLIENT_CERTIFICATE")?.value)
    }
}

extension Duration {
    /// This duration in whole milliseconds, rounded down.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// This duration in nanoseconds, clamped to zero and above.
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
