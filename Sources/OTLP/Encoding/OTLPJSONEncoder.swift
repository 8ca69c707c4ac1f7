import Telemetry

/// Writes an `ExportTraceServiceRequest` in the OTLP JSON encoding, straight from span records.
///
/// The rules of OTLP/JSON over the protobuf JSON mapping: trace and span ids are lowercase hex (not base64),
/// enums are integers, field names are lowerCamelCase, 64-bit integers (`intValue`, the `fixed64` times) are
/// strings, fields at their default value are left out. Non-finite doubles are the strings `NaN`, `Infinity`,
/// `-Infinity`.
public struct OTLPJSONEncoder {
    private var out: [UInt8] = []

    public init() {}

    /// The request body carrying `spans`.
    public mutating func encode(_ spans: [SpanRecord]) -> [UInt8] {
        out.removeAll(keepingCapacity: true)
        raw("{\"resourceSpans\":[")
        for (r, group) in SpanGrouping(spans).resources.enumerated() {
            if r > 0 { raw(",") }
            raw("{\"resource\":{")
            attributesField(group.resource.attributes, leadingComma: false)
            raw("},\"scopeSpans\":[")
            for (s, scopeGroup) in group.scopes.enumerated() {
                if s > 0 { raw(",") }
                raw("{")
                if let scope = scopeGroup.scope {
                    raw("\"scope\":{\"name\":")
                    string(scope.name)
                    if let version = scope.version, !version.isEmpty {
                        raw(",\"version\":")
                        string(version)
                    }
                    raw("},")
                }
                raw("\"spans\":[")
                for (i, span) in scopeGroup.spans.enumerated() {
                    if i > 0 { raw(",") }
                    self.span(span)
                }
                raw("]}")
            }
            raw("]")
            if !group.resource.schemaURL.isEmpty {
                raw(",\"schemaUrl\":")
                string(group.resource.schemaURL)
            }
            raw("}")
        }
        raw("]}")
        return out
    }

    private mutating func span(_ record: SpanRecord) {
        raw("{\"traceId\":\"")
        raw(record.context.traceID.hex)
        raw("\",\"spanId\":\"")
        raw(record.context.spanID.hex)
        raw("\"")
        if let parent = record.parentSpanID, parent.isValid {
            raw(",\"parentSpanId\":\"")
            raw(parent.hex)
            raw("\"")
        }
        if !record.context.traceState.isEmpty {
            raw(",\"traceState\":")
            string(record.context.traceState.header)
        }
        if record.context.traceFlags.rawValue != 0 {
            raw(",\"flags\":\(record.context.traceFlags.rawValue)")
        }
        raw(",\"name\":")
        string(record.name)
        raw(",\"kind\":\(OTLPProtobufEncoder.kind(record.kind).rawValue)")
        raw(",\"startTimeUnixNano\":\"\(record.startTimeNanos)\",\"endTimeUnixNano\":\"\(record.endTimeNanos)\"")
        attributesField(record.attributes, leadingComma: true)
        count("droppedAttributesCount", record.droppedAttributes)
        if !record.events.isEmpty {
            raw(",\"events\":[")
            for (i, event) in record.events.enumerated() {
                if i > 0 { raw(",") }
                raw("{\"timeUnixNano\":\"\(event.timeNanos)\",\"name\":")
                string(event.name)
                attributesField(event.attributes, leadingComma: true)
                count("droppedAttributesCount", event.droppedAttributes)
                raw("}")
            }
            raw("]")
        }
        count("droppedEventsCount", record.droppedEvents)
        if !record.links.isEmpty {
            raw(",\"links\":[")
            for (i, link) in record.links.enumerated() {
                if i > 0 { raw(",") }
                raw("{\"traceId\":\"")
                raw(link.context.traceID.hex)
                raw("\",\"spanId\":\"")
                raw(link.context.spanID.hex)
                raw("\"")
                if !link.context.traceState.isEmpty {
                    raw(",\"traceState\":")
                    string(link.context.traceState.header)
                }
                attributesField(link.attributes, leadingComma: true)
                count("droppedAttributesCount", link.droppedAttributes)
                raw(",\"flags\":\(OTLPProtobufEncoder.linkFlags(link.context))}")
            }
            raw("]")
        }
        count("droppedLinksCount", record.droppedLinks)
        switch record.status {
        case .unset: break
        case .ok: raw(",\"status\":{\"code\":1}")
        case .error(let description):
            raw(",\"status\":{")
            if let description, !description.isEmpty {
                raw("\"message\":")
                string(description)
                raw(",")
            }
            raw("\"code\":2}")
        }
        raw("}")
    }

    private mutating func attributesField(_ attributes: Attributes, leadingComma: Bool) {
        guard !attributes.isEmpty else { return }
        raw(leadingComma ? ",\"attributes\":[" : "\"attributes\":[")
        for (i, attribute) in attributes.enumerated() {
            if i > 0 { raw(",") }
            raw("{\"key\":")
            string(attribute.key)
            raw(",\"value\":")
            value(attribute.value)
            raw("}")
        }
        raw("]")
    }

    private mutating func value(_ value: AttributeValue) {
        switch value {
        case .string(let v):
            raw("{\"stringValue\":")
            string(v)
            raw("}")
        case .int(let v): raw("{\"intValue\":\"\(v)\"}")
        case .double(let v):
            raw("{\"doubleValue\":")
            double(v)
            raw("}")
        case .bool(let v): raw(v ? "{\"boolValue\":true}" : "{\"boolValue\":false}")
        case .stringArray(let v): array(v.map(AttributeValue.string))
        case .intArray(let v): array(v.map(AttributeValue.int))
        case .doubleArray(let v): array(v.map(AttributeValue.double))
        case .boolArray(let v): array(v.map(AttributeValue.bool))
        }
    }

    private mutating func array(_ values: [AttributeValue]) {
        raw("{\"arrayValue\":{")
        if !values.isEmpty {
            raw("\"values\":[")
            for (i, v) in values.enumerated() {
                if i > 0 { raw(",") }
                value(v)
            }
            raw("]")
        }
        raw("}}")
    }

    private mutating func count(_ name: String, _ n: Int) {
        guard n > 0 else { return }
        raw(",\"\(name)\":\(UInt32(clamping: n))")
    }

    private mutating func double(_ v: Double) {
        if v.isNaN { raw("\"NaN\"") } else if v.isInfinite { raw(v < 0 ? "\"-Infinity\"" : "\"Infinity\"") } else {
            raw(v.description)
        }
    }

    private mutating func raw(_ text: String) {
        out.append(contentsOf: text.utf8)
    }

    private mutating func string(_ text: String) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
