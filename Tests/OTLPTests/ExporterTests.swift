import Foundation
import Telemetry
import Testing
@testable import OTLP

/// The exporter against a scripted HTTP collector and a closed port: what goes on the wire, retries, partial
/// success, and the bounded time of an unreachable collector.
@Suite(.serialized) struct ExporterTests {
    func exporter(
        _ proto: OTLPProtocol, port: Int, timeout: Duration = .seconds(5), headers: String = "",
        compression: OTLPCompression = .none, retry: RetryPolicy = RetryPolicy(initialBackoff: .milliseconds(50))
    ) throws -> OTLPSpanExporter {
        let url = proto == .grpc ? "http://127.0.0.1:\(port)" : "http://127.0.0.1:\(port)/v1/traces"
        let configuration = OTLPExporterConfiguration(
            endpoint: try OTLPEndpoint(parsing: url), protocol: proto, headers: try OTLPHeaders(parsing: headers),
            timeout: timeout, compression: compression)
        return try OTLPSpanExporter(configuration: configuration, retryPolicy: retry)
    }

    @Test func httpProtobufOnTheWire() throws {
        let collector = FakeHTTPCollector()
        defer { collector.stop() }
        let exporter = try exporter(.httpProtobuf, port: collector.port, headers: "Authorization=Bearer%20t0ken,x-tenant=7")
        #expect(exporter.export([Fixtures.fullSpan(), Fixtures.rootSpan()]) == .success)
        #expect(exporter.export([Fixtures.rootSpan(id: 9)]) == .success)
        exporter.shutdown()
        let requests = collector.requests
        #expect(requests.count == 2)
        let first = try #require(requests.first)
        #expect(first.method == "POST")
        #expect(first.path == "/v1/traces")
        #expect(first.headers["content-type"] == "application/x-protobuf")
        #expect(first.headers["authorization"] == "Bearer t0ken")
        #expect(first.headers["x-tenant"] == "7")
        #expect(first.headers["content-encoding"] == nil)
        let request = try OTLPExportRequest(serializedBytes: first.body)
        #expect(request.resourceSpans.first?.scopeSpans.first?.spans.map(\.name) == ["compile", "root"])
        #expect(exporter.notDeliveredCount == 0)
    }

    @Test func httpJSONOnTheWire() throws {
        let collector = FakeHTTPCollector()
        defer { collector.stop() }
        let exporter = try exporter(.httpJSON, port: collector.port)
        #expect(exporter.export([Fixtures.fullSpan()]) == .success)
        exporter.shutdown()
        let request = try #require(collector.requests.first)
        #expect(request.headers["content-type"] == "application/json")
        let text = String(decoding: request.body, as: UTF8.self)
        #expect(text.contains(#""traceId":"0af7651916cd43dd8448eb211c80319c""#))
        #expect(try JSONSerialization.jsonObject(with: Data(request.body)) is [String: Any])
    }

    @Test func gzipBodies() throws {
        let collector = FakeHTTPCollector()
        defer { collector.stop() }
        let exporter = try exporter(.httpProtobuf, port: collector.port, compression: .gzip)
        #expect(exporter.export([Fixtures.fullSpan()]) == .success)
        exporter.shutdown()
        let request = try #require(collector.requests.first)
        #expect(request.headers["content-encoding"] == "gzip")
        let body = try #require(Gzip.decompress(request.body))
        #expect(try OTLPExportRequest(serializedBytes: body).resourceSpans.count == 1)
    }

    @Test func gzipRoundTrip() throws {
        let input = Array(String(repeating: "span ", count: 10_000).utf8)
        let compressed = try #require(Gzip.compress(input))
        #expect(compressed.count < input.count / 10)
        #expect(compressed.prefix(2) == [0x1F, 0x8B], "a gzip member")
        #expect(Gzip.decompress(compressed) == input)
        #expect(Gzip.decompress(Gzip.compress([])!) == [])
    }

    @Test func retriesHonourRetryAfter() throws {
        let collector = FakeHTTPCollector([
            .init(status: 503, headers: [("Retry-After", "0")]),
            .init(status: 429),
            .init(status: 200),
        ])
        defer { collector.stop() }
        let exporter = try exporter(.httpProtobuf, port: collector.port)
        let start = Date()
        #expect(exporter.export([Fixtures.rootSpan()]) == .success)
        #expect(collector.requests.count == 3)
        #expect(Date().timeIntervalSince(start) < 2, "Retry-After: 0 and a 50 ms backoff")
        exporter.shutdown()
        #expect(exporter.notDeliveredCount == 0)
    }

    @Test func permanentErrorsAreNotRetried() throws {
        let collector = FakeHTTPCollector([.init(status: 400)])
        defer { collector.stop() }
        let exporter = try exporter(.httpProtobuf, port: collector.port)
        guard case .failure(let reason) = exporter.export([Fixtures.rootSpan()]) else {
            Issue.record("a 400 is a failure")
            return
        }
        #expect(reason.contains("HTTP 400"))
        #expect(collector.requests.count == 1)
        exporter.shutdown()
        #expect(exporter.notDeliveredCount == 1)
    }

    @Test func partialSuccessCountsRejectedSpans() throws {
        var response = OTLPExportResponse()
        response.partialSuccess.rejectedSpans = 2
        response.partialSuccess.errorMessage = "too old"
        let collector = FakeHTTPCollector([.init(status: 200, body: try response.serializedBytes())])
        defer { collector.stop() }
        let exporter = try exporter(.httpProtobuf, port: collector.port)
        let result = exporter.export([Fixtures.rootSpan(id: 1), Fixtures.rootSpan(id: 2), Fixtures.rootSpan(id: 3)])
        #expect(result == .failure(reason: "the collector rejected 2 span(s): too old"))
        exporter.shutdown()
        #expect(exporter.notDeliveredCount == 2)
    }

    @Test func unreachableCollectorCostsOneTimeout() throws {
        for proto in [OTLPProtocol.grpc, .httpProtobuf] {
            let exporter = try exporter(proto, port: FakeHTTPCollector.closedPort(), timeout: .milliseconds(800))
            let start = Date()
            guard case .failure = exporter.export([Fixtures.rootSpan()]) else {
                Issue.record("\(proto): nothing listens, yet the export succeeded")
                continue
            }
            let first = Date().timeIntervalSince(start)
            #expect(first < 1.3, "\(proto): bounded by the timeout, took \(first) s")
            let later = Date()
            for id in 2...20 { _ = exporter.export([Fixtures.rootSpan(id: UInt64(id))]) }
            #expect(Date().timeIntervalSince(later) < 0.2, "\(proto): later exports give up at once")
            exporter.shutdown()
            #expect(exporter.notDeliveredCount == 20)
        }
    }

    @Test func silentCollectorIsBoundedByTheTimeout() throws {
        let collector = FakeHTTPCollector([.init(status: 200, delay: 3)])
        defer { collector.stop() }
        let exporter = try exporter(.httpProtobuf, port: collector.port, timeout: .milliseconds(500))
        let start = Date()
        guard case .failure(let reason) = exporter.export([Fixtures.rootSpan()]) else {
            Issue.record("an export with no answer succeeded")
            return
        }
        #expect(Date().timeIntervalSince(start) < 1.0)
        #expect(reason.contains("500 ms"))
        exporter.shutdown()
    }

    @Test func recoversAfterTheProbeInterval() throws {
        let collector = FakeHTTPCollector([.init(status: 400), .init(status: 200)])
        defer { collector.stop() }
        let configuration = OTLPExporterConfiguration(
            endpoint: try OTLPEndpoint(parsing: "http://127.0.0.1:\(collector.port)/v1/traces"),
            protocol: .httpProtobuf, timeout: .seconds(2))
        let exporter = try OTLPSpanExporter(configuration: configuration, probeInterval: .milliseconds(200))
        #expect(exporter.export([Fixtures.rootSpan(id: 1)]) != .success)
        #expect(exporter.export([Fixtures.rootSpan(id: 2)]) != .success, "skipped: the collector is down")
        #expect(collector.requests.count == 1)
        Thread.sleep(forTimeInterval: 0.25)
        #expect(exporter.export([Fixtures.rootSpan(id: 3)]) == .success, "the probe succeeds")
        #expect(exporter.export([Fixtures.rootSpan(id: 4)]) == .success)
        exporter.shutdown()
        #expect(exporter.notDeliveredCount == 2)
        #expect(exporter.export([Fixtures.rootSpan(id: 5)]) != .success, "after shutdown")
    }

    @Test func setUpErrorsNeverShowHeaders() throws {
        let configuration = OTLPExporterConfiguration(
            endpoint: try OTLPEndpoint(parsing: "https://127.0.0.1:1/v1/traces"), protocol: .httpProtobuf,
            headers: try OTLPHeaders(parsing: "authorization=sekrit"), certificatePath: "/nonexistent/ca.pem")
        do {
            _ = try OTLPSpanExporter(configuration: configuration)
            Issue.record("a missing certificate file was accepted")
        } catch {
            #expect(!error.description.contains("sekrit"))
        }
    }
}
