import Telemetry

/// Encodes spans as JSON Lines in the layout of the Python SDK's `ReadableSpan.to_json(indent=None)`.
///
/// Keys and separators follow that layout byte for byte, so our files diff cleanly against the Python
/// tools' and each side reads the other's. What the layout lacks we add in keys the Python reader ignores:
/// `trace_flags` (when not the sampled default), `scope`, and dropped counts (when non-zero).
public struct JSONLinesEncoder: ~Copyable {
    private var writer = JSONWriter(capacity: 64 * 1024)
    private var timeCache = ISOTimestamp.Cache()
    private var attributeKeys = EncodedStringCache()
    private var attributeValues = EncodedStringCache()
    /// The last resource encoded, compared by identity: its reference count is not touched per span, since the
    /// thread that makes the spans keeps counting it (one shared counter bounced between cores costs more
    /// than encoding the span).
    private var cachedResource: (id: ObjectIdentifier, kept: Resource)?
    private var cachedResourceBytes: [UInt8] = []
    /// The last scope encoded: a tracer's spans all carry the same one.
    private var cachedScope: InstrumentationScope?
    private var cachedScopeBytes: [UInt8] = []

    public init() {}

    /// The bytes encoded since the last `reset()`: whole lines, each ending in `\n`.
    public var bytes: [UInt8] { writer.bytes }

    /// The same bytes without a copy; valid until the next `encode` or `reset`.
    public var buffer: UnsafeBufferPointer<UInt8> { writer.buffer }

    /// Forgets the encoded bytes, keeping the buffer's capacity.
    public mutating func reset() {
        writer.removeAll()
    }

    /// Encodes one span as one line.
    ///
    /// Constant text runs from one value to the next in one piece (a key, the value of a kind or of an unset
    /// status, the key after it): each piece is a bounds check and a copy, about twenty of them a line.
    public mutating func encode(_ span: SpanRecord) {
        writer.raw("{\"name\": ")
        writer.string(span.name)
        writer.raw(", \"context\": ")
        context(span.context)
        kindAndParentKey(span.kind)
        if let parent = span.parentSpanID { writer.hexID(parent.value) } else { writer.raw("null") }
        writer.raw(", \"start_time\": ")
        ISOTimestamp.write(span.startTimeNanos, into: &writer, cache: &timeCache)
        writer.raw(", \"end_time\": ")
        ISOTimestamp.write(span.endTimeNanos, into: &writer, cache: &timeCache)
        statusAndAttributesKey(span.status)
        writer.attributes(span.attributes, keys: &attributeKeys, values: &attributeValues)
        if span.events.isEmpty && span.links.isEmpty {
            writer.raw(", \"events\": [], \"links\": [], \"resource\": ")
        } else {
            eventsAndLinks(span)
        }
        resource(span.resource)
        if span.context.traceFlags != .sampled {
            writer.raw(", \"trace_flags\": ")
            writer.unsigned(UInt64(span.context.traceFlags.rawValue))
        }
        if let scope = span.scope { self.scope(scope) }
        if span.droppedAttributes | span.droppedEvents | span.droppedLinks != 0 {
            dropped(", \"dropped_attributes\": ", span.droppedAttributes)
            dropped(", \"dropped_events\": ", span.droppedEvents)
            dropped(", \"dropped_links\": ", span.droppedLinks)
        }
        writer.raw("}\n")
    }

    /// `, "events": [...], "links": [...], "resource": ` for a span that has events or links.
    private mutating func eventsAndLinks(_ span: SpanRecord) {
        writer.raw(", \"events\": [")
        for (i, event) in span.events.enumerated() {
            if i > 0 { writer.raw(", ") }
            writer.raw("{\"name\": ")
            writer.string(event.name)
            writer.raw(", \"timestamp\": ")
            ISOTimestamp.write(event.timeNanos, into: &writer, cache: &timeCache)
            writer.raw(", \"attributes\": ")
            writer.attributes(event.attributes)
            dropped(", \"dropped_attributes\": ", event.droppedAttributes)
            writer.byte(UInt8(ascii: "}"))
        }
        writer.raw("], \"links\": [")
        for (i, link) in span.links.enumerated() {
            if i > 0 { writer.raw(", ") }
            writer.raw("{\"context\": ")
            context(link.context)
            writer.raw(", \"attributes\": ")
            writer.attributes(link.attributes)
            if link.context.traceFlags != .sampled {
                writer.raw(", \"trace_flags\": ")
                writer.unsigned(UInt64(link.context.traceFlags.rawValue))
            }
            dropped(", \"dropped_attributes\": ", link.droppedAttributes)
            writer.byte(UInt8(ascii: "}"))
        }
        writer.raw("], \"resource\": ")
    }

    private mutating func dropped(_ key: StaticString, _ count: Int) {
        guard count > 0 else { return }
        writer.raw(key)
        writer.int(Int64(count))
    }

    private mutating func context(_ context: SpanContext) {
        writer.raw("{\"trace_id\": ")
        writer.traceID(context.traceID)
        writer.raw(", \"span_id\": ")
        writer.hexID(context.spanID.value)
        if context.traceState.isEmpty {
            writer.raw(", \"trace_state\": \"[]\"}")
        } else {
            writer.raw(", \"trace_state\": ")
            writer.string(PythonRepr.traceState(context.traceState))
            writer.byte(UInt8(ascii: "}"))
        }
    }

    private mutating func kindAndParentKey(_ kind: SpanRecord.Kind) {
        switch kind {
        case .internal: writer.raw(", \"kind\": \"SpanKind.INTERNAL\", \"parent_id\": ")
        case .server: writer.raw(", \"kind\": \"SpanKind.SERVER\", \"parent_id\": ")
        case .client: writer.raw(", \"kind\": \"SpanKind.CLIENT\", \"parent_id\": ")
        case .producer: writer.raw(", \"kind\": \"SpanKind.PRODUCER\", \"parent_id\": ")
        case .consumer: writer.raw(", \"kind\": \"SpanKind.CONSUMER\", \"parent_id\": ")
        }
    }

    private mutating func statusAndAttributesKey(_ status: SpanRecord.Status) {
        switch status {
        case .unset: writer.raw(", \"status\": {\"status_code\": \"UNSET\"}, \"attributes\": ")
        case .ok: writer.raw(", \"status\": {\"status_code\": \"OK\"}, \"attributes\": ")
        case .error(let description):
            writer.raw(", \"status\": {\"status_code\": \"ERROR\"")
            if let description {
                writer.raw(", \"description\": ")
                writer.string(description)
            }
            writer.raw("}, \"attributes\": ")
        }
    }

    /// The scope object, encoded again only when it is not the last span's: a tracer's spans share one.
    private mutating func scope(_ scope: InstrumentationScope) {
        if cachedScope.map({ !$0.isIdentical(to: scope) }) ?? true {
            var w = JSONWriter(capacity: 128)
            w.raw(", \"scope\": {\"name\": ")
            w.string(scope.name)
            if let version = scope.version {
                w.raw(", \"version\": ")
                w.string(version)
            }
            w.byte(UInt8(ascii: "}"))
            cachedScope = scope
            cachedScopeBytes = w.bytes
        }
        writer.raw(cachedScopeBytes)
    }

    /// The resource object, encoded once per resource: every span of a process shares it.
    private mutating func resource(_ resource: Resource) {
        if cachedResource?.id == ObjectIdentifier(resource) {
            writer.raw(cachedResourceBytes)
            return
        }
        var w = JSONWriter(capacity: 512)
        w.raw("{\"attributes\": ")
        w.attributes(resource.attributes)
        w.raw(", \"schema_url\": ")
        w.string(resource.schemaURL)
        w.byte(UInt8(ascii: "}"))
        cachedResource = (ObjectIdentifier(resource), resource)
        cachedResourceBytes = w.bytes
        writer.raw(w.bytes)
    }
}

/// Python `repr` forms the JSON Lines layout embeds.
enum PythonRepr {
    /// `[('k', 'v'), ('k2', 'v2')]`, the repr of the Python SDK's TraceState items.
    static func traceState(_ state: TraceState) -> String {
        "[" + state.entries.map { "(\(string($0.key)), \(string($0.value)))" }.joined(separator: ", ") + "]"
    }

    /// A Python string repr: single quotes unless the text holds a single quote and no double quote.
    static func string(_ s: String) -> String {
        // By scalar, as Python does: a quote or backslash followed by a combining mark is one Character that
        // equals neither, and went out unescaped.
        let scalars = s.unicodeScalars
        let quote: Unicode.Scalar = scalars.contains("'") && !scalars.contains("\"") ? "\"" : "'"
        var out = String.UnicodeScalarView()
        out.append(quote)
        for c in scalars {
            if c == "\\" || c == quote { out.append("\\") }
            out.append(c)
        }
        out.append(quote)
        return String(out)
    }
}
