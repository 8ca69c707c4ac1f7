import Exporters
import Testing
@testable import OTLP

/// Endpoint rules, header parsing, and that header values never show.
@Suite struct ConfigurationTests {
    // MARK: Endpoint rules

    @Test func defaultEndpoints() {
        #expect(OTLPEndpoint.resolve(general: nil, traces: nil, protocol: .grpc) == "http://localhost:4317")
        #expect(OTLPEndpoint.resolve(general: nil, traces: nil, protocol: .httpProtobuf) == "http://localhost:4318/v1/traces")
        #expect(OTLPEndpoint.resolve(general: nil, traces: nil, protocol: .httpJSON) == "http://localhost:4318/v1/traces")
    }

    @Test func generalEndpointGetsTheSignalPathForHTTP() {
        for p in [OTLPProtocol.httpProtobuf, .httpJSON] {
            #expect(OTLPEndpoint.resolve(general: "http://c:4318", traces: nil, protocol: p) == "http://c:4318/v1/traces")
            #expect(OTLPEndpoint.resolve(general: "http://c:4318/", traces: nil, protocol: p) == "http://c:4318/v1/traces")
            #expect(OTLPEndpoint.resolve(general: "https://c/otlp", traces: nil, protocol: p) == "https://c/otlp/v1/traces")
            #expect(OTLPEndpoint.resolve(general: "https://c/otlp/", traces: nil, protocol: p) == "https://c/otlp/v1/traces")
        }
        #expect(OTLPEndpoint.resolve(general: "http://c:4317", traces: nil, protocol: .grpc) == "http://c:4317",
                "gRPC uses the general endpoint as it is")
    }

    @Test func tracesEndpointIsUsedAsIs() {
        #expect(OTLPEndpoint.resolve(general: "http://g:1", traces: "http://t:4318/custom", protocol: .httpProtobuf)
            == "http://t:4318/custom")
        #expect(OTLPEndpoint.resolve(general: nil, traces: "http://t:4318", protocol: .httpJSON) == "http://t:4318")
        #expect(OTLPEndpoint.resolve(general: "http://g:1", traces: "http://t:2", protocol: .grpc) == "http://t:2")
        #expect(OTLPEndpoint.resolve(general: "http://g:1", traces: "", protocol: .grpc) == "http://g:1",
                "empty counts as unset")
    }

    @Test func parsesEndpoints() throws {
        let http = try OTLPEndpoint(parsing: "http://127.0.0.1:4318/v1/traces")
        #expect(http == OTLPEndpoint(scheme: "http", host: "127.0.0.1", port: 4318, path: "/v1/traces"))
        #expect(try OTLPEndpoint(parsing: "https://collector.example.org").port == 443)
        #expect(try OTLPEndpoint(parsing: "http://collector").port == 80)
        #expect(try OTLPEndpoint(parsing: "HTTP://c:1/").scheme == "http")
        let bare = try OTLPEndpoint(parsing: "collector:4317")
        #expect(bare.scheme == nil && bare.host == "collector" && bare.port == 4317)
        #expect(try OTLPEndpoint(parsing: "collector").port == 4317)
        let v6 = try OTLPEndpoint(parsing: "http://[::1]:4317")
        #expect(v6.host == "::1" && v6.port == 4317 && v6.hostForURL == "[::1]")
        #expect(try OTLPEndpoint(parsing: "http://c:4318/a?b=c").path == "/a?b=c")
        #expect(throws: OTLPEndpointError.self) { try OTLPEndpoint(parsing: "ftp://c:1") }
        #expect(throws: OTLPEndpointError.self) { try OTLPEndpoint(parsing: "http://c:99999") }
        #expect(throws: OTLPEndpointError.self) { try OTLPEndpoint(parsing: "http://:4317") }
    }

    @Test func credentialsInTheURLAreRejectedWithoutEchoingThem() {
        do {
            _ = try OTLPEndpoint(parsing: "https://user:hunter2@collector:4318")
            Issue.record("accepted a URL with credentials")
        } catch {
            #expect(!error.description.contains("hunter2"))
        }
    }

    @Test func tlsFollowsTheScheme() throws {
        func config(_ url: String, insecure: Bool = false) throws -> OTLPExporterConfiguration {
            OTLPExporterConfiguration(endpoint: try OTLPEndpoint(parsing: url), insecure: insecure)
        }
        #expect(try config("https://c:4317").usesTLS)
        #expect(try !config("http://c:4317").usesTLS)
        #expect(try config("c:4317").usesTLS, "no scheme: TLS unless insecure")
        #expect(try !config("c:4317", insecure: true).usesTLS)
        #expect(try config("https://c:4317", insecure: true).usesTLS, "the scheme wins over insecure")
    }

    // MARK: Variables

    @Test func fromVariablesTracesOverGeneral() throws {
        let variables = [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://general:4318",
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
            "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf",
            "OTEL_EXPORTER_OTLP_TIMEOUT": "2500",
            "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION": "gzip",
            "OTEL_EXPORTER_OTLP_HEADERS": "a=1",
            "OTEL_EXPORTER_OTLP_TRACES_HEADERS": "b=2",
        ]
        let c = try OTLPExporterConfiguration.fromVariables { variables[$0] }
        #expect(c.protocol == .httpProtobuf)
        #expect(c.endpoint == OTLPEndpoint(scheme: "http", host: "general", port: 4318, path: "/v1/traces"))
        #expect(c.timeout == .milliseconds(2500))
        #expect(c.compression == .gzip)
        #expect(c.headers.names == ["b"])
    }

    @Test func fromVariablesDefaults() throws {
        let c = try OTLPExporterConfiguration.fromVariables { _ in nil }
        #expect(c.protocol == .grpc)
        #expect(c.endpoint == OTLPEndpoint(scheme: "http", host: "localhost", port: 4317))
        #expect(c.timeout == .seconds(10))
        #expect(c.compression == .none)
        #expect(c.headers.isEmpty)
        #expect(!c.usesTLS)
    }

    @Test func fromVariablesRejectsBadValues() {
        #expect(throws: ExporterError.self) {
            try OTLPExporterConfiguration.fromVariables { $0 == "OTEL_EXPORTER_OTLP_PROTOCOL" ? "udp" : nil }
        }
        #expect(throws: ExporterError.self) {
            try OTLPExporterConfiguration.fromVariables { $0 == "OTEL_EXPORTER_OTLP_TIMEOUT" ? "soon" : nil }
        }
        #expect(throws: ExporterError.self) {
            try OTLPExporterConfiguration.fromVariables { $0 == "OTEL_EXPORTER_OTLP_ENDPOINT" ? "ftp://x" : nil }
        }
    }

    // MARK: Headers

    @Test func parsesHeadersURLDecoded() throws {
        let headers = try OTLPHeaders(parsing: " Authorization = Bearer%20s3cr%3Dt , x-tenant=a%2Cb,,api-key=k==")
        #expect(headers.names == ["authorization", "x-tenant", "api-key"])
        #expect(headers.value(for: "authorization") == "Bearer s3cr=t")
        #expect(headers.value(for: "X-Tenant") == "a,b")
        #expect(headers.value(for: "api-key") == "k==", "only the first = splits")
        #expect(try OTLPHeaders(parsing: "").isEmpty)
    }

    @Test func headerErrorsNeverShowTheEntry() {
        let cases = ["authorization", "ok=1,Bearer sekrit", "x=%zzsekrit", "bad name=sekrit", "x=sek\u{0A}rit"]
        for text in cases {
            do {
                _ = try OTLPHeaders(parsing: text)
                Issue.record("accepted \(text.count) characters")
            } catch {
                #expect(!error.description.contains("sekrit"))
                #expect(!error.description.contains("authorization"))
                #expect(!error.description.contains("Bearer"))
            }
        }
        do {
            _ = try OTLPExporterConfiguration.fromVariables {
                $0 == "OTEL_EXPORTER_OTLP_HEADERS" ? "authorization=Bearer sekrit,oops" : nil
            }
            Issue.record("accepted a malformed header list")
        } catch {
            #expect(error.description.contains("OTEL_EXPORTER_OTLP_HEADERS"))
            #expect(!error.description.contains("sekrit"))
        }
    }

    @Test func headerValuesNeverShowInAnyTextualForm() throws {
        let headers = try OTLPHeaders(parsing: "authorization=Bearer%20sekrit,x-api-key=sekrit2")
        let config = OTLPExporterConfiguration(
            endpoint: try OTLPEndpoint(parsing: "http://c:4317"), headers: headers)
        var dumped = ""
        dump(config, to: &dumped)
        var dumpedHeaders = ""
        dump(headers, to: &dumpedHeaders)
        let forms = [
            "\(headers)", String(describing: headers), String(reflecting: headers), "\(config)",
            String(describing: config), String(reflecting: config), dumped, dumpedHeaders,
        ]
        for form in forms {
            #expect(!form.contains("sekrit"), "\(form)")
            #expect(!form.contains("Bearer"), "\(form)")
        }
        #expect("\(headers)" == "[authorization=<redacted>, x-api-key=<redacted>]")
    }
}
