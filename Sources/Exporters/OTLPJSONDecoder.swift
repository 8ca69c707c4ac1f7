#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Telemetry

/// Decodes one line of the OpenTelemetry Collector's file format: an OTLP/JSON `ExportTraceServiceRequest`
/// (`{"resourceSpans": [...]}`), ids in hex as the OTLP JSON encoding requires.
public enum OTLPJSONDecoder {
    /// Whether `line` starts as an OTLP/JSON request rather than one of our span lines.
    public static func looksLikeOTLP(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < line.count, line[i] == 0x20 || line[i] == 0x09 { i += 1 }
        guard i < line.count, line[i] == UInt8(ascii: "{") else { return false }
        i += 1
        while i < line.count, line[i] == 0x20 || line[i] == 0x09 { i += 1 }
        let key: StaticString = "\"resourceSpans\""
        return i + key.utf8CodeUnitCount <= line.count
            && memcmp(line.baseAddress! + i, key.utf8Start, key.utf8CodeUnitCount) == 0
    }

    /// Every span of the request, with its resource and scope.
    public static func decode(_ line: UnsafeBufferPointer<UInt8>) throws(JSONScanError) -> [SpanRecord] {
        var scanner = JSONScanner(line)
        let root = try scanner.value()
        try scanner.end()
        func fail(_ reason: String) -> JSONScanError { JSONScanError(offset: 0, reason: reason) }
        guard case .array(let resourceSpans)? = root["resourceSpans"] else { throw fail("resourceSpans is not an array") }
        var spans: [SpanRecord] = []
        for rs in resourceSpans {
            let resource = Resource(
                attributes: try attributes(rs["resource"]?["attributes"]),
                schemaURL: rs["schemaUrl"].flatMap { if case .string(let s) = $0 { s } else { nil } } ?? "")
            guard case .array(let scopeSpans)? = rs["scopeSpans"] ?? .array([]) else { throw fail("scopeSpans is not an array") }
            for ss in scopeSpans {
                var scope: InstrumentationScope?
                if let s = ss["scope"], case .string(let name)? = s["name"] {
                    scope = InstrumentationScope(name: name, version: s["version"].flatMap { if case .string(let v) = $0 { v } else { nil } })
                }
                guard case .array(let list)? = ss["spans"] ?? .array([]) else { throw fail("spans is not an array") }
                for span in list { spans.append(try decodeSpan(span, resource: resource, scope: scope)) }
            }
        }
        return spans
    }

    static func decodeSpan(_ s: JSONValue, resource: Resource, scope: InstrumentationScope?) throws(JSONScanError) -> SpanRecord {
        func fail(_ reason: String) -> JSONScanError { JSONScanError(offset: 0, reason: reason) }
        func string(_ key: String) -> String? { if case .string(let v)? = s[key] { v } else { nil } }
        guard let name = string("name") else { throw fail("span without name") }
        guard let trace = string("traceId").flatMap({ TraceID(hex: $0) }) else { throw fail("span '\(name)': traceId is not 32 hex digits") }
        guard let spanID = string("spanId").flatMap({ SpanID(hex: $0) }) else { throw fail("span '\(name)': spanId is not 16 hex digits") }
        let parent = string("parentSpanId").flatMap { $0.isEmpty ? nil : SpanID(hex: $0) }
        guard let start = nanos(s["startTimeUnixNano"]), let end = nanos(s["endTimeUnixNano"]) else {
            throw fail("span '\(name)': start/endTimeUnixNano missing or not an integer")
        }
        let flags = integer(s["flags"]).map { TraceFlags(rawValue: UInt8(truncatingIfNeeded: $0)) } ?? .sampled
        var status = SpanRecord.Status.unset
        if let st = s["status"] {
            let message = st["message"].flatMap { if case .string(let m) = $0 { m } else { nil } }
            switch st["code"] {
            case .int(1)?, .string("STATUS_CODE_OK")?: status = .ok
            case .int(2)?, .string("STATUS_CODE_ERROR")?: status = .error(description: message)
            default: break
            }
        }
        var events: [SpanRecord.Event] = []
        if case .array(let list)? = s["events"] {
            for e in list {
                guard case .string(let en)? = e["name"], let t = nanos(e["timeUnixNano"]) else { throw fail("span '\(name)': malformed event") }
                events.append(SpanRecord.Event(name: en, timeNanos: t, attributes: try attributes(e["attributes"])))
            }
        }
        var links: [SpanRecord.Link] = []
        if case .array(let list)? = s["links"] {
            for l in list {
                guard case .string(let lt)? = l["traceId"], let ltid = TraceID(hex: lt),
                      case .string(let ls)? = l["spanId"], let lsid = SpanID(hex: ls)
                else { throw fail("span '\(name)': malformed link") }
                let state = l["traceState"].flatMap { if case .string(let v) = $0 { TraceState(header: v) } else { nil } } ?? TraceState()
                let lflags = integer(l["flags"]).map { TraceFlags(rawValue: UInt8(truncatingIfNeeded: $0)) } ?? .sampled
                links.append(SpanRecord.Link(context: SpanContext(traceID: ltid, spanID: lsid, traceFlags: lflags, traceState: state, isRemote: true),
                                             attributes: try attributes(l["attributes"])))
            }
        }
        // OTLP's counts are uint32: a negative one is malformed, as it is in our JSON Lines, which could not hold it.
        func count(_ key: String) throws(JSONScanError) -> Int {
            guard let n = integer(s[key]) else { return 0 }
            guard n >= 0 else { throw fail("span '\(name)': \(key) is negative") }
            return Int(n)
        }
        return SpanRecord(
            name: name,
            context: SpanContext(traceID: trace, spanID: spanID, traceFlags: flags,
                                 traceState: string("traceState").map(TraceState.init(header:)) ?? TraceState()),
            parentSpanID: parent, kind: kind(s["kind"]), startTimeNanos: start, endTimeNanos: end, status: status,
            attributes: try attributes(s["attributes"]), events: events, links: links, resource: resource, scope: scope,
            droppedAttributes: try count("droppedAttributesCount"), droppedEvents: try count("droppedEventsCount"),
            droppedLinks: try count("droppedLinksCount"))
    }

    static func kind(_ value: JSONValue?) -> SpanRecord.Kind {
        switch value {
        case .int(2)?, .string("SPAN_KIND_SERVER")?: .server
        case .int(3)?, .string("SPAN_KIND_CLIENT")?: .client
        case .int(4)?, .string("SPAN_KIND_PRODUCER")?: .producer
        case .int(5)?, .string("SPAN_KIND_CONSUMER")?: .consumer
        default: .internal
        }
    }

    /// OTLP/JSON writes 64-bit integers as strings; accept both forms.
    static func integer(_ value: JSONValue?) -> Int64? {
        switch value {
        case .int(let i)?: i
        case .string(let s)?: Int64(s)
        default: nil
        }
    }

    static func nanos(_ value: JSONValue?) -> UInt64? {
        switch value {
        case .int(let i)? where i >= 0: UInt64(i)
        case .string(let s)?: UInt64(s)
        default: nil
        }
    }

    static func attributes(_ value: JSONValue?) throws(JSONScanError) -> Attributes {
        guard case .array(let list)? = value else { return [:] }
        var result = Attributes()
        for kv in list {
            guard case .string(let key)? = kv["key"] else { throw JSONScanError(offset: 0, reason: "attribute without key") }
            guard let v = anyValue(kv["value"]) else {
                throw JSONScanError(offset: 0, reason: "attribute '\(key)': unsupported value")
            }
            result[key] = v
        }
        return result
    }

    static func anyValue(_ value: JSONValue?) -> AttributeValue? {
        guard let value else { return nil }
        if case .string(let s)? = value["stringValue"] { return .string(s) }
        if let i = integer(value["intValue"]) { return .int(i) }
        if case .double(let d)? = value["doubleValue"] { return .double(d) }
        if case .int(let d)? = value["doubleValue"] { return .double(Double(d)) }
        if case .bool(let b)? = value["boolValue"] { return .bool(b) }
        if case .array(let items)? = value["arrayValue"]?["values"] ?? (value["arrayValue"] != nil ? .array([]) : nil) {
            let scalars = items.compactMap { anyValue($0) }
            guard scalars.count == items.count else { return nil }
            if scalars.allSatisfy({ if case .string = $0 { true } else { false } }) {
                return .stringArray(scalars.map { if case .string(let s) = $0 { s } else { "" } })
            }
            if scalars.allSatisfy({ if case .int = $0 { true } else { false } }) {
                return .intArray(scalars.map { if case .int(let i) = $0 { i } else { 0 } })
            }
            if scalars.allSatisfy({ if case .bool = $0 { true } else { false } }) {
                return .boolArray(scalars.map { if case .bool(let b) = $0 { b } else { false } })
            }
            let doubles = scalars.compactMap { v -> Double? in
                switch v { case .double(let d): d; case .int(let i): Double(i); default: nil }
            }
            return doubles.count == scalars.count ? .doubleArray(doubles) : nil
        }
        return nil
    }
}
