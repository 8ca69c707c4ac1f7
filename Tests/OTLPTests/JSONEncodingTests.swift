import Foundation
import Telemetry
import Testing
@testable import OTLP

/// SpanRecord → OTLP/JSON, field for field: hex ids, integer enums, 64-bit integers as strings.
@Suite struct JSONEncodingTests {
    func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test func spanFieldForField() throws {
        var encoder = OTLPJSONEncoder()
        let root = try object(encoder.encode([Fixtures.fullSpan()]))
        let resourceSpans = try #require((root["resourceSpans"] as? [[String: Any]])?.first)
        #expect(resourceSpans["schemaUrl"] as? String == "https://opentelemetry.io/schemas/1.24.0")
        let resource = try #require((resourceSpans["resource"] as? [String: Any])?["attributes"] as? [[String: Any]])
        #expect(resource.map { $0["key"] as? String } == ["service.name", "process.pid", "telemetry.sdk.language"])
        #expect((resource[0]["value"] as? [String: Any])?["stringValue"] as? String == "BSB Workflow")
        #expect((resource[1]["value"] as? [String: Any])?["intValue"] as? String == "4242")
        let scopeSpans = try #require((resourceSpans["scopeSpans"] as? [[String: Any]])?.first)
        let scope = try #require(scopeSpans["scope"] as? [String: Any])
        #expect(scope["name"] as? String == "bsb")
        #expect(scope["version"] as? String == "4.1")

        let span = try #require((scopeSpans["spans"] as? [[String: Any]])?.first)
        #expect(span["traceId"] as? String == "0af7651916cd43dd8448eb211c80319c")
        #expect(span["spanId"] as? String == "b7ad6b7169203331")
        #expect(span["parentSpanId"] as? String == "00f067aa0ba902b7")
        #expect(span["traceState"] as? String == "vendor=x,other=y")
        #expect(span["flags"] as? Int == 1)
        #expect(span["name"] as? String == "compile")
        #expect(span["kind"] as? Int == 2)
        #expect(span["startTimeUnixNano"] as? String == "1700000000123456789")
        #expect(span["endTimeUnixNano"] as? String == "1700000001000000001")
        #expect(span["droppedAttributesCount"] as? Int == 5)
        #expect(span["droppedEventsCount"] as? Int == 6)
        #expect(span["droppedLinksCount"] as? Int == 7)
        let status = try #require(span["status"] as? [String: Any])
        #expect(status["code"] as? Int == 2)
        #expect(status["message"] as? String == "it broke")

        let attributes = try #require(span["attributes"] as? [[String: Any]])
        var values: [String: [String: Any]] = [:]
        for a in attributes { values[a["key"] as! String] = a["value"] as? [String: Any] }
        #expect(attributes.map { $0["key"] as? String } == Fixtures.attributes.map(\.key))
        #expect(values["s"]?["stringValue"] as? String == "text \"quoted\"\n")
        #expect(values["i"]?["intValue"] as? String == "-9007199254740993")
        #expect(values["d"]?["doubleValue"] as? Double == 2.5)
        #expect(values["b"]?["boolValue"] as? Bool == true)
        func array(_ key: String) -> [[String: Any]] {
            ((values[key]?["arrayValue"] as? [String: Any])?["values"] as? [[String: Any]]) ?? []
        }
        #expect(array("sa").map { $0["stringValue"] as? String } == ["a", "b"])
        #expect(array("ia").map { $0["intValue"] as? String } == ["1", "9223372036854775807"])
        #expect(array("da").map { $0["doubleValue"] as? Double } == [0.5, -1])
        #expect(array("ba").map { $0["boolValue"] as? Bool } == [true, false])

        let events = try #require(span["events"] as? [[String: Any]])
        #expect(events.count == 2)
        #expect(events[0]["name"] as? String == "exception")
        #expect(events[0]["timeUnixNano"] as? String == "1700000000500000000")
        #expect(events[0]["droppedAttributesCount"] as? Int == 2)
        #expect((events[0]["attributes"] as? [[String: Any]])?.count == 2)
        #expect(events[1]["attributes"] == nil)

        let link = try #require((span["links"] as? [[String: Any]])?.first)
        #expect(link["traceId"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(link["spanId"] as? String == "53995c3f42cd8ad8")
        #expect(link["traceState"] as? String == "k=v")
        #expect(link["flags"] as? Int == 0x301)
        #expect(link["droppedAttributesCount"] as? Int == 1)
        #expect((link["attributes"] as? [[String: Any]])?.first?["key"] as? String == "link.kind")
    }

    @Test func rootSpanOmitsDefaults() throws {
        var encoder = OTLPJSONEncoder()
        let root = try object(encoder.encode([Fixtures.rootSpan(status: .ok)]))
        let span = try #require(
            (((root["resourceSpans"] as? [[String: Any]])?.first?["scopeSpans"] as? [[String: Any]])?.first?["spans"]
                as? [[String: Any]])?.first)
        #expect(span["parentSpanId"] == nil)
        #expect(span["traceState"] == nil)
        #expect(span["droppedAttributesCount"] == nil)
        #expect(span["events"] == nil && span["links"] == nil)
        #expect(span["kind"] as? Int == 1)
        #expect((span["status"] as? [String: Any])?["code"] as? Int == 1)
    }

    @Test func nonFiniteDoublesAndControlCharacters() throws {
        let span = SpanRecord(
            name: "tab\there \u{01}", context: SpanContext(traceID: Fixtures.traceID, spanID: Fixtures.spanID),
            parentSpanID: nil, startTimeNanos: 1, endTimeNanos: 2,
            attributes: ["nan": .double(.nan), "inf": .double(.infinity), "ninf": .double(-.infinity)],
            resource: Fixtures.resource)
        var encoder = OTLPJSONEncoder()
        let text = String(decoding: encoder.encode([span]), as: UTF8.self)
        #expect(text.contains(#"{"doubleValue":"NaN"}"#))
        #expect(text.contains(#"{"doubleValue":"Infinity"}"#))
        #expect(text.contains(#"{"doubleValue":"-Infinity"}"#))
        #expect(text.contains(#""name":"tab\there \u0001""#))
        _ = try object(Array(text.utf8))
    }

    @Test func sameGroupsAsProtobuf() throws {
        let other = Resource(attributes: ["service.name": "other"])
        let spans = [Fixtures.rootSpan(id: 1), Fixtures.rootSpan(id: 2, resource: other), Fixtures.rootSpan(id: 3)]
        var encoder = OTLPJSONEncoder()
        let root = try object(encoder.encode(spans))
        let groups = try #require(root["resourceSpans"] as? [[String: Any]])
        #expect(groups.count == 2)
        let ids = groups.map { group in
            ((group["scopeSpans"] as? [[String: Any]])?.first?["spans"] as? [[String: Any]])?.compactMap { $0["spanId"] as? String }
        }
        #expect(ids == [["0000000000000001", "0000000000000003"], ["0000000000000002"]])
    }
}
