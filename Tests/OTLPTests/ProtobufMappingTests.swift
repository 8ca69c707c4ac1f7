import Foundation
import Telemetry
import Testing
@testable import OTLP

/// SpanRecord → OTLP protobuf, field for field.
@Suite struct ProtobufMappingTests {
    @Test func spanFieldForField() throws {
        var encoder = OTLPProtobufEncoder()
        // Through the wire form, so the generated code's field numbers are exercised too.
        let bytes = encoder.encode([Fixtures.fullSpan()])
        let request = try OTLPExportRequest(serializedBytes: bytes)
        #expect(request.resourceSpans.count == 1)
        let resourceSpans = request.resourceSpans[0]
        #expect(resourceSpans.schemaURL == "https://opentelemetry.io/schemas/1.24.0")
        let resource = resourceSpans.resource.attributes
        #expect(resource.map(\.key) == ["service.name", "process.pid", "telemetry.sdk.language"])
        #expect(resource[0].value.stringValue == "BSB Workflow")
        #expect(resource[1].value.intValue == 4242)
        #expect(resourceSpans.scopeSpans.count == 1)
        #expect(resourceSpans.scopeSpans[0].scope.name == "bsb")
        #expect(resourceSpans.scopeSpans[0].scope.version == "4.1")

        let span = try #require(resourceSpans.scopeSpans[0].spans.first)
        #expect(span.traceID == Data(Fixtures.traceID.bytes))
        #expect(span.traceID.map { String(format: "%02x", $0) }.joined() == "0af7651916cd43dd8448eb211c80319c")
        #expect(span.spanID == Data(Fixtures.spanID.bytes))
        #expect(span.parentSpanID == Data(Fixtures.parentID.bytes))
        #expect(span.traceState == "vendor=x,other=y")
        #expect(span.flags == 1)
        #expect(span.name == "compile")
        #expect(span.kind == .server)
        #expect(span.startTimeUnixNano == 1_700_000_000_123_456_789)
        #expect(span.endTimeUnixNano == 1_700_000_001_000_000_001)
        #expect(span.status.code == .error)
        #expect(span.status.message == "it broke")
        #expect(span.droppedAttributesCount == 5)
        #expect(span.droppedEventsCount == 6)
        #expect(span.droppedLinksCount == 7)

        let attributes = Dictionary(uniqueKeysWithValues: span.attributes.map { ($0.key, $0.value) })
        #expect(span.attributes.map(\.key) == Fixtures.attributes.map(\.key), "order kept")
        #expect(attributes["s"]?.stringValue == "text \"quoted\"\n")
        #expect(attributes["i"]?.intValue == -9_007_199_254_740_993)
        #expect(attributes["d"]?.doubleValue == 2.5)
        #expect(attributes["b"]?.boolValue == true)
        #expect(attributes["sa"]?.arrayValue.values.map(\.stringValue) == ["a", "b"])
        #expect(attributes["ia"]?.arrayValue.values.map(\.intValue) == [1, Int64.max])
        #expect(attributes["da"]?.arrayValue.values.map(\.doubleValue) == [0.5, -1])
        #expect(attributes["ba"]?.arrayValue.values.map(\.boolValue) == [true, false])

        #expect(span.events.count == 2)
        #expect(span.events[0].name == "exception")
        #expect(span.events[0].timeUnixNano == 1_700_000_000_500_000_000)
        #expect(span.events[0].attributes.map(\.key) == ["exception.type", "n"])
        #expect(span.events[0].attributes[1].value.intValue == 3)
        #expect(span.events[0].droppedAttributesCount == 2)
        #expect(span.events[1].attributes.isEmpty)

        let link = try #require(span.links.first)
        #expect(link.traceID == Data(Fixtures.linkedTrace.bytes))
        #expect(link.spanID == Data(Fixtures.linkedSpan.bytes))
        #expect(link.traceState == "k=v")
        #expect(link.attributes.first?.value.stringValue == "follows")
        #expect(link.droppedAttributesCount == 1)
        #expect(link.flags == 0x301, "sampled, is-remote known, remote")
    }

    @Test func rootSpanLeavesOptionalFieldsEmpty() {
        let span = OTLPProtobufEncoder.span(Fixtures.rootSpan())
        #expect(span.parentSpanID.isEmpty)
        #expect(span.traceState.isEmpty)
        #expect(!span.hasStatus, "unset status is the default")
        #expect(span.kind == .internal)
        #expect(span.events.isEmpty && span.links.isEmpty)
        #expect(span.droppedAttributesCount == 0)
    }

    @Test func everyKindAndStatus() {
        let kinds: [(SpanRecord.Kind, Int)] = [(.internal, 1), (.server, 2), (.client, 3), (.producer, 4), (.consumer, 5)]
        for (kind, number) in kinds { #expect(OTLPProtobufEncoder.kind(kind).rawValue == number) }
        #expect(OTLPProtobufEncoder.span(Fixtures.rootSpan(status: .ok)).status.code == .ok)
        let error = OTLPProtobufEncoder.span(Fixtures.rootSpan(status: .error(description: nil))).status
        #expect(error.code == .error && error.message.isEmpty)
    }

    @Test func unsampledFlagsAndLocalLinks() {
        let context = SpanContext(traceID: Fixtures.traceID, spanID: Fixtures.spanID, traceFlags: .none)
        #expect(OTLPProtobufEncoder.linkFlags(context) == 0x100, "is-remote known, local, not sampled")
    }

    @Test func groupsByResourceThenScope() {
        let other = Resource(attributes: ["service.name": "other"])
        let sameAsFirst = Resource(attributes: Fixtures.resource.attributes, schemaURL: Fixtures.resource.schemaURL)
        let scopeB = InstrumentationScope(name: "b")
        let spans = [
            Fixtures.rootSpan(name: "1", id: 1),
            Fixtures.rootSpan(name: "2", id: 2, resource: other),
            Fixtures.rootSpan(name: "3", id: 3, scope: scopeB),
            Fixtures.rootSpan(name: "4", id: 4, resource: sameAsFirst),
            Fixtures.rootSpan(name: "5", id: 5, resource: other, scope: nil),
        ]
        var encoder = OTLPProtobufEncoder()
        let request = encoder.request(for: spans)
        #expect(request.resourceSpans.count == 2, "equal resources share a group")
        let first = request.resourceSpans[0]
        #expect(first.scopeSpans.map(\.scope.name) == ["bsb", "b"])
        #expect(first.scopeSpans[0].spans.map(\.name) == ["1", "4"])
        #expect(first.scopeSpans[1].spans.map(\.name) == ["3"])
        let second = request.resourceSpans[1]
        #expect(second.resource.attributes.first?.value.stringValue == "other")
        #expect(second.scopeSpans.count == 2)
        #expect(second.scopeSpans[1].hasScope == false, "a span without scope gets no scope message")
        #expect(request.resourceSpans.flatMap { $0.scopeSpans.flatMap(\.spans) }.count == 5)
    }
}
