import Telemetry

/// Span records that use every field the OTLP mapping carries.
enum Fixtures {
    static let traceID = TraceID(hex: "0af7651916cd43dd8448eb211c80319c")!
    static let spanID = SpanID(hex: "b7ad6b7169203331")!
    static let parentID = SpanID(hex: "00f067aa0ba902b7")!
    static let linkedTrace = TraceID(hex: "4bf92f3577b34da6a3ce929d0e0e4736")!
    static let linkedSpan = SpanID(hex: "53995c3f42cd8ad8")!

    static let resource = Resource(
        attributes: ["service.name": "BSB Workflow", "process.pid": 4242, "telemetry.sdk.language": "swift"],
        schemaURL: "https://opentelemetry.io/schemas/1.24.0")

    static let scope = InstrumentationScope(name: "bsb", version: "4.1")

    static let attributes: Attributes = [
        "s": "text \"quoted\"\n", "i": .int(-9_007_199_254_740_993), "d": 2.5, "b": true,
        "sa": .stringArray(["a", "b"]), "ia": .intArray([1, Int64.max]), "da": .doubleArray([0.5, -1]),
        "ba": .boolArray([true, false]),
    ]

    /// A span with a parent, trace state, events, links, an error status and dropped counts.
    static func fullSpan(resource: Resource = resource, scope: InstrumentationScope? = scope) -> SpanRecord {
        SpanRecord(
            name: "compile", context: SpanContext(
                traceID: traceID, spanID: spanID, traceFlags: .sampled,
                traceState: TraceState(header: "vendor=x,other=y")),
            parentSpanID: parentID, kind: .server,
            startTimeNanos: 1_700_000_000_123_456_789, endTimeNanos: 1_700_000_001_000_000_001,
            status: .error(description: "it broke"), attributes: attributes,
            events: [
                .init(name: "exception", timeNanos: 1_700_000_000_500_000_000,
                      attributes: ["exception.type": "Failure", "n": 3], droppedAttributes: 2),
                .init(name: "plain", timeNanos: 1_700_000_000_600_000_000),
            ],
            links: [
                .init(context: SpanContext(traceID: linkedTrace, spanID: linkedSpan, traceFlags: .sampled,
                                           traceState: TraceState(header: "k=v"), isRemote: true),
                      attributes: ["link.kind": "follows"], droppedAttributes: 1),
            ],
            resource: resource, scope: scope, droppedAttributes: 5, droppedEvents: 6, droppedLinks: 7)
    }

    /// A root span with nothing optional.
    static func rootSpan(name: String = "root", id: UInt64 = 1, resource: Resource = resource,
                         scope: InstrumentationScope? = scope, status: SpanRecord.Status = .unset) -> SpanRecord {
        SpanRecord(
            name: name, context: SpanContext(traceID: traceID, spanID: SpanID(id)), parentSpanID: nil,
            startTimeNanos: 10, endTimeNanos: 20, status: status, resource: resource, scope: scope)
    }
}
