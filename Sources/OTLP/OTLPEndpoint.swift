/// A collector's address: scheme, host, port and (for HTTP) the path of the traces resource.
public struct OTLPEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// `http`, `https`, or nil for a gRPC endpoint written as `host:port`.
    public let scheme: String?
    /// The host name or address, without brackets for IPv6.
    public let host: String
    public let port: Int
    /// The path with any query, starting with `/`; `/` when the URL has none.
    public let path: String

    public init(scheme: String?, host: String, port: Int, path: String = "/") {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path.isEmpty ? "/" : path
    }

    /// The host as it appears in a URL or a `Host` header: IPv6 addresses in brackets.
    public var hostForURL: String { host.contains(":") ? "[\(host)]" : host }

    public var description: String {
        (scheme.map { $0 + "://" } ?? "") + hostForURL + ":\(port)" + (path == "/" ? "" : path)
    }

    /// The endpoint the specification's rules give for traces.
    ///
    /// - `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (`traces`) is used as it is, for every protocol.
    /// - Else `OTEL_EXPORTER_OTLP_ENDPOINT` (`general`) is a base URL: HTTP protocols append `v1/traces` to its
    ///   path (`http://c:4318` and `http://c:4318/` give `http://c:4318/v1/traces`, `http://c:4318/otlp` gives
    ///   `http://c:4318/otlp/v1/traces`); gRPC uses it as it is.
    /// - Else the protocol's default: `http://localhost:4317` (gRPC), `http://localhost:4318/v1/traces` (HTTP).
    public static func resolve(general: String?, traces: String?, protocol: OTLPProtocol) -> String {
        if let traces, !traces.isEmpty { return traces }
        let base = (general?.isEmpty == false ? general : nil) ?? `protocol`.defaultEndpoint
        guard `protocol`.isHTTP else { return base }
        return (base.hasSuffix("/") ? base : base + "/") + "v1/traces"
    }

    /// Parses `scheme://host[:port][/path]` (scheme `http` or `https`) or, for gRPC, `host:port`.
    ///
    /// Without a port: 80 for `http`, 443 for `https`, 4317 without a scheme.
    public init(parsing text: String) throws(OTLPEndpointError) {
        var rest = Substring(text.trimmingSpaces)
        var scheme: String?
        if let range = rest.range(of: "://") {
            let s = rest[..<range.lowerBound].lowercased()
            guard s == "http" || s == "https" else {
                throw OTLPEndpointError("unsupported scheme '\(s)' (use http:// or https://)")
            }
            scheme = s
            rest = rest[range.upperBound...]
        }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var path = String(rest[authorityEnd...])
        if let hash = path.firstIndex(of: "#") { path = String(path[..<hash]) }
        if path.hasPrefix("?") { path = "/" + path }
        guard !authority.contains("@") else {
            // Never echo the URL: the part before @ is a credential.
            throw OTLPEndpointError("credentials in the endpoint URL are not supported; use OTEL_EXPORTER_OTLP_HEADERS")
        }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw OTLPEndpointError("unterminated IPv6 address in '\(text)'")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty {
                throw OTLPEndpointError("unexpected '\(after)' after the IPv6 address in '\(text)'")
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { throw OTLPEndpointError("no host in '\(text)'") }
        let port: Int
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else {
                throw OTLPEndpointError("invalid port '\(portText)' in '\(text)'")
            }
            port = p
        } else {
            port = switch scheme { case "http": 80; case "https": 443; default: 4317 }
        }
        self.init(scheme: scheme, host: String(host), port: port, path: path)
    }
}

/// An endpoint that is not a URL the exporter can use.
public struct OTLPEndpointError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
