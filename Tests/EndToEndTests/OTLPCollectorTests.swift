import Exporters
import Foundation
import Telemetry
import Testing

/// The JSON Lines file rotel's processor appends to (scripts/collector/sink.py), when a collector runs.
let collectorSink = ProcessInfo.processInfo.environment["OTEL_TEST_COLLECTOR_SINK"]

/// `otel-instrument --traces_exporter otlp` into a real collector that nobody on the project wrote: rotel,
/// started by scripts/test.sh (scripts/collector-up.sh) with a processor that appends every span it receives to
/// the JSON Lines file named by `OTEL_TEST_COLLECTOR_SINK`. Enabled only when that variable is set.
@Suite(.serialized, .enabled(if: collectorSink != nil, "needs OTEL_TEST_COLLECTOR_SINK (scripts/test.sh)"))
struct OTLPCollectorTests {
    static let sink = collectorSink
    static let grpcEndpoint = "http://127.0.0.1:" + (ProcessInfo.processInfo.environment["OTEL_TEST_COLLECTOR_GRPC_PORT"] ?? "4317")
    static let httpEndpoint = "http://127.0.0.1:" + (ProcessInfo.processInfo.environment["OTEL_TEST_COLLECTOR_HTTP_PORT"] ?? "4318")

    /// What the collector's processor wrote for one span.
    struct Received {
        let json: [String: Any]
        var traceID: String { json["trace_id"] as? String ?? "" }
        var spanID: String { json["span_id"] as? String ?? "" }
        var resource: [String: Any] { json["resource"] as? [String: Any] ?? [:] }
    }

    /// The sink's spans whose resource has `service.instance.id` == `instance`, once `count` have arrived (or
    /// after 15 s).
    func received(instance: String, count: Int) throws -> [Received] {
        received(count: count) { $0.resource["service.instance.id"] as? String == instance }
    }

    /// The sink's spans that `belongs` accepts, once `count` have arrived (or after 15 s).
    func received(count: Int, where belongs: (Received) -> Bool) -> [Received] {
        func read() -> [Received] {
            let text = (try? String(contentsOfFile: Self.sink!, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap { line in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
                let r = Received(json: object)
                return belongs(r) ? r : nil
            }
        }
        let deadline = Date().addingTimeInterval(15)
        while read().count < count && Date() < deadline { usleep(100_000) }
        // Late duplicates would show up right after the last expected span.
        usleep(300_000)
        return read()
    }

    @Test(arguments: [("grpc", grpcEndpoint), ("http/protobuf", httpEndpoint), ("http/json", httpEndpoint)])
    func everySpanArrivesOnce(proto: String, endpoint: String) throws {
        let dir = try workDirectory(example: "quickstart")
        let result = try run(
            [binDirectory + "/otel-instrument", "--traces_exporter", "otlp,jsonlines", "--exporter_otlp_endpoint", endpoint,
             "--exporter_otlp_protocol", proto, "--service_name", "BSB OTLP e2e", "bsb", "compile", "--clear"],
            in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("warning"), "\(result.stderr)")
        let local = try spans(in: dir).map(\.span)
        #expect(local.count > 10, "bsb compile makes a trace")
        let instance = try #require(local.first?.resource.attributes["service.instance.id"].flatMap(stringValue))
        let arrived = try received(instance: instance, count: local.count)
        #expect(arrived.count == local.count, "\(proto): \(arrived.count) of \(local.count) spans arrived")
        let bySpan = Dictionary(grouping: arrived, by: \.spanID)
        for span in local {
            let copies = bySpan[span.context.spanID.hex] ?? []
            #expect(copies.count == 1, "\(proto): span \(span.name) arrived \(copies.count) times")
            guard let r = copies.first else { continue }
            compare(span, r, proto: proto)
        }
    }

    /// `bsb replay-otel` into the collector: every recorded span arrives once with its ids, parent, flags and links
    /// (with their flags and attributes).
    @Test func replayedSpansArriveWithTheirIdsAndLinks() throws {
        let dir = try workDirectory(example: "quickstart")
        let recordedPath = "\(dir)/recorded.jsonlines"
        let exporter = try JSONLinesExporter(pathPattern: recordedPath)
        let provider = TracerProvider(resource: Resource.detect(serviceName: "recorder"),
                                      processors: [SimpleSpanProcessor(exporter: exporter)])
        let tracer = provider.tracer("bsb-core", version: "8.0.2")
        let linked = SpanContext(traceID: TraceID(high: 0x1234, low: 0x5678), spanID: SpanID(0x9abc), traceFlags: .none,
                                 traceState: TraceState([.init(key: "vendor", value: "value")]), isRemote: true)
        tracer.withSpan("cli") { _ in
            tracer.withSpan("compile") { span in
                span.addLink(to: linked, attributes: ["why": "a batch"])
                span.addEvent(name: "Placing 390 base_type in [0 0 0]")
            }
        }
        provider.shutdown()
        let recorded = try spans(in: dir, prefix: "recorded").map(\.span)
        #expect(recorded.count == 2)
        let name = "BSB Replay \(UUID().uuidString.prefix(8))"
        let result = try run([binDirectory + "/otel-instrument", "--traces_exporter", "otlp", "--exporter_otlp_endpoint",
                              Self.grpcEndpoint, "--service_name", name, "bsb", "replay-otel", recordedPath], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Replayed 2 spans from 1 file(s)"), "\(result.stdout)")
        // The replaying process's resource replaces the recorded one: find the spans by service name.
        let arrived = received(count: 2) { $0.resource["service.name"] as? String == name }
        #expect(arrived.count == 2, "\(arrived.count) of 2 replayed spans arrived")
        for span in recorded {
            let copies = arrived.filter { $0.spanID == span.context.spanID.hex }
            #expect(copies.count == 1, "\(span.name) arrived \(copies.count) times")
            guard let r = copies.first else { continue }
            #expect(r.traceID == span.context.traceID.hex)
            #expect(r.json["parent_span_id"] as? String == (span.parentSpanID?.hex ?? ""))
            #expect(r.json["name"] as? String == span.name)
            #expect((r.json["flags"] as? Int ?? 0) & 0xFF == Int(span.context.traceFlags.rawValue))
        }
        let compile = try #require(arrived.first { $0.json["name"] as? String == "compile" })
        let links = compile.json["links"] as? [[String: Any]] ?? []
        #expect(links.count == 1)
        #expect(links.first?["trace_id"] as? String == linked.traceID.hex)
        #expect(links.first?["span_id"] as? String == linked.spanID.hex)
        #expect((links.first?["flags"] as? Int ?? -1) & 0xFF == 0, "the link's unsampled flag is kept")
        #expect(matches(["why": "a batch"], links.first?["attributes"] as? [String: Any] ?? [:]))
    }

    /// The documented command, exactly: `--traces_exporter otlp` into gRPC on 4317.
    @Test func documentedCommand() throws {
        let dir = try workDirectory(example: "quickstart")
        let name = "BSB OTLP doc \(UUID().uuidString.prefix(8))"
        let result = try run(
            [binDirectory + "/otel-instrument", "--traces_exporter", "otlp", "--exporter_otlp_endpoint", Self.grpcEndpoint,
             "--service_name", name, "bsb", "compile", "--clear"],
            in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("warning"), "\(result.stderr)")
        let deadline = Date().addingTimeInterval(15)
        var roots = 0
        repeat {
            let text = (try? String(contentsOfFile: Self.sink!, encoding: .utf8)) ?? ""
            roots = text.split(separator: "\n").filter { $0.contains(name) && $0.contains(#""parent_span_id": """#) }.count
            if roots > 0 { break }
            usleep(100_000)
        } while Date() < deadline
        #expect(roots == 1, "one root span of service '\(name)' arrived")
    }

    func compare(_ span: SpanRecord, _ r: Received, proto: String) {
        let j = r.json
        let what = "\(proto) \(span.name)"
        #expect(j["trace_id"] as? String == span.context.traceID.hex, "\(what): trace id")
        #expect(j["parent_span_id"] as? String == (span.parentSpanID?.hex ?? ""), "\(what): parent")
        #expect(j["name"] as? String == span.name, "\(what): name")
        let kinds: [SpanRecord.Kind: Int] = [.internal: 1, .server: 2, .client: 3, .producer: 4, .consumer: 5]
        #expect(j["kind"] as? Int == kinds[span.kind], "\(what): kind")
        let status = j["status"] as? [String: Any]
        switch span.status {
        case .unset: #expect((status?["code"] as? Int ?? 0) == 0, "\(what): status")
        case .ok: #expect(status?["code"] as? Int == 1, "\(what): status")
        case .error(let description):
            #expect(status?["code"] as? Int == 2, "\(what): status")
            #expect(status?["message"] as? String == (description ?? ""), "\(what): status message")
        }
        // JSON Lines keeps microseconds; OTLP carries nanoseconds.
        #expect(abs(Int64(span.startTimeNanos / 1000) - Int64((j["start_time_unix_nano"] as? Int ?? 0) / 1000)) <= 1,
                "\(what): start time")
        #expect(abs(Int64(span.endTimeNanos / 1000) - Int64((j["end_time_unix_nano"] as? Int ?? 0) / 1000)) <= 1,
                "\(what): end time")
        #expect(matches(span.attributes, j["attributes"] as? [String: Any] ?? [:]), "\(what): attributes \(j["attributes"] ?? "-")")
        let events = j["events"] as? [[String: Any]] ?? []
        #expect(events.count == span.events.count, "\(what): events")
        for (event, e) in zip(span.events, events) {
            #expect(e["name"] as? String == event.name, "\(what): event name")
            #expect(matches(event.attributes, e["attributes"] as? [String: Any] ?? [:]), "\(what): event \(event.name) attributes")
        }
        #expect(matches(span.resource.attributes, r.resource), "\(what): resource \(r.resource)")
        #expect(r.resource["service.name"] as? String == "BSB OTLP e2e", "\(what): service.name")
        let scope = j["scope"] as? [String: Any]
        #expect(scope?["name"] as? String == span.scope?.name ?? scope?["name"] as? String, "\(what): scope")
    }

    func matches(_ attributes: Attributes, _ received: [String: Any]) -> Bool {
        guard attributes.count == received.count else { return false }
        return attributes.allSatisfy { a in received[a.key].map { matches(a.value, $0) } ?? false }
    }

    func matches(_ value: AttributeValue, _ any: Any) -> Bool {
        func list(_ a: Any) -> [Any]? { a as? [Any] }
        switch value {
        case .string(let v): return any as? String == v
        case .int(let v): return (any as? NSNumber)?.int64Value == v
        case .double(let v): return (any as? NSNumber)?.doubleValue == v
        case .bool(let v): return (any as? Bool) == v
        case .stringArray(let v): return list(any).map { $0.count == v.count && zip(v, $0).allSatisfy { matches(.string($0), $1) } } ?? false
        case .intArray(let v): return list(any).map { $0.count == v.count && zip(v, $0).allSatisfy { matches(.int($0), $1) } } ?? false
        case .doubleArray(let v): return list(any).map { $0.count == v.count && zip(v, $0).allSatisfy { matches(.double($0), $1) } } ?? false
        case .boolArray(let v): return list(any).map { $0.count == v.count && zip(v, $0).allSatisfy { matches(.bool($0), $1) } } ?? false
        }
    }

    func stringValue(_ value: AttributeValue) -> String? {
        if case .string(let s) = value { s } else { nil }
    }
}

/// With nothing listening: the program ends with its own exit code within the export timeout, and one warning
/// says how many spans were not delivered. Needs no collector.
@Suite(.serialized) struct OTLPCollectorDownTests {
    /// A port on 127.0.0.1 where nothing listens.
    static func closedPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
                _ = bind(fd, p, length)
                _ = getsockname(fd, p, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test(arguments: ["grpc", "http/protobuf", "http/json"])
    func compileWithTheCollectorDown(proto: String) throws {
        let dir = try workDirectory(example: "quickstart")
        let endpoint = "http://127.0.0.1:\(Self.closedPort())"
        let start = Date()
        let result = try run(
            [binDirectory + "/otel-instrument", "--traces_exporter", "otlp", "--exporter_otlp_endpoint", endpoint,
             "--exporter_otlp_protocol", proto, "--exporter_otlp_timeout", "2000",
             "--exporter_otlp_headers", "authorization=Bearer%20sekrit-token", "bsb", "compile", "--clear"],
            in: dir)
        let elapsed = Date().timeIntervalSince(start)
        let baselineStart = Date()
        let baseline = try run([binDirectory + "/otel-instrument", "--traces_exporter", "none", "bsb", "compile", "--clear"], in: dir)
        let baselineElapsed = Date().timeIntervalSince(baselineStart)
        #expect(result.status == baseline.status, "the program's own exit code: \(result.stderr)")
        #expect(elapsed < baselineElapsed + 2.0 + 1.0, "\(proto): took \(elapsed) s, baseline \(baselineElapsed) s")
        let warnings = result.stderr.split(separator: "\n").filter { $0.contains("warning") }
        #expect(warnings.count == 1, "\(proto): one warning: \(result.stderr)")
        let warning = String(warnings.first ?? "")
        #expect(warning.range(of: #"\d+ span\(s\) not delivered"#, options: .regularExpression) != nil, "\(warning)")
        #expect(warning.contains(endpoint), "\(warning)")
        #expect(!result.stderr.contains("sekrit"), "headers are never printed")
        #expect(!result.stdout.contains("sekrit"), "headers are never printed")
    }

    @Test func childExitCodeIsKept() throws {
        let dir = try workDirectory(example: "quickstart")
        let start = Date()
        let result = try run(
            [binDirectory + "/otel-instrument", "--traces_exporter", "otlp", "--exporter_otlp_endpoint",
             "http://127.0.0.1:\(Self.closedPort())", "--exporter_otlp_timeout", "2000", "sh", "-c", "exit 3"],
            in: dir)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(Date().timeIntervalSince(start) < 3.5)
        #expect(result.stderr.split(separator: "\n").filter { $0.contains("warning") }.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("1 span(s) not delivered"), "\(result.stderr)")
    }
}
