import Telemetry

/// Decodes the JSON Lines span layout (ours and the Python tools') back into `SpanRecord`s.
///
/// Keeps everything the line holds: ids, parent, kind, status, attributes, events, links, trace state,
/// trace flags, resource and scope. Lines from one process share a resource, so the decoder reuses the
/// previous line's `Resource` when the bytes are the same.
public struct JSONLinesDecoder {
    private var lastResource: (bytes: [UInt8], resource: Resource)?

    public init() {}

    /// Decodes one line (without its newline).
    public mutating func decode(_ line: UnsafeBufferPointer<UInt8>) throws(JSONScanError) -> SpanRecord {
        var scanner = JSONScanner(line)
        var name: String?
        var context: SpanContext?
        var kind = SpanRecord.Kind.internal
        var parent: SpanID?
        var start: UInt64?
        var end: UInt64?
        var status = SpanRecord.Status.unset
        var attributes = Attributes()
        var events: [SpanRecord.Event] = []
        var links: [SpanRecord.Link] = []
        var resource: Resource?
        var flags = TraceFlags.sampled
        var scope: InstrumentationScope?
        var dropped = (attributes: 0, events: 0, links: 0)

        try scanner.object { (s: inout JSONScanner, key: String) throws(JSONScanError) in
            switch key {
            case "name": name = try s.string()
            case "context": context = try Self.context(&s)
            case "kind": kind = try Self.kind(&s)
            case "parent_id":
                if !s.isNull() { parent = try Self.spanID(&s, what: "parent_id") }
            case "start_time": start = try Self.time(&s, what: "start_time")
            case "end_time": end = try Self.time(&s, what: "end_time")
            case "status": status = try Self.status(&s)
            case "attributes": attributes = try Self.attributes(&s)
            case "events":
                try s.array { (s: inout JSONScanner) throws(JSONScanError) in events.append(try Self.event(&s)) }
            case "links":
                try s.array { (s: inout JSONScanner) throws(JSONScanError) in links.append(try Self.link(&s)) }
            case "resource": resource = try self.resource(&s)
            case "trace_flags":
                guard case .int(let v) = try s.number(), (0...255).contains(v) else {
                    throw s.error("trace_flags must be an integer from 0 to 255")
                }
                flags = TraceFlags(rawValue: UInt8(v))
            case "scope": scope = try Self.scope(&s)
            case "dropped_attributes": dropped.attributes = try Self.count(&s)
            case "dropped_events": dropped.events = try Self.count(&s)
            case "dropped_links": dropped.links = try Self.count(&s)
            default: _ = try s.value()
            }
        }
        try scanner.end()
        guard let name else { throw scanner.error("missing key 'name'") }
        guard let context else { throw scanner.error("missing key 'context'") }
        guard let start else { throw scanner.error("missing key 'start_time'") }
        guard let end else { throw scanner.error("missing key 'end_time'") }
        return SpanRecord(
            name: name,
            context: SpanContext(traceID: context.traceID, spanID: context.spanID, traceFlags: flags,
                                 traceState: context.traceState),
            parentSpanID: parent, kind: kind, startTimeNanos: start, endTimeNanos: end, status: status,
            attributes: attributes, events: events, links: links,
            resource: resource ?? Resource(attributes: [:]), scope: scope,
            droppedAttributes: dropped.attributes, droppedEvents: dropped.events, droppedLinks: dropped.links)
    }

    /// Decodes one line given as a string.
    public mutating func decode(_ line: String) throws(JSONScanError) -> SpanRecord {
        var line = line
        var result: Result<SpanRecord, JSONScanError>!
        line.withUTF8 { buffer in
            do throws(JSONScanError) { result = .success(try decode(buffer)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    static func context(_ s: inout JSONScanner) throws(JSONScanError) -> SpanContext {
        var trace: TraceID?
        var span: SpanID?
        var state = TraceState()
        try s.object { (s: inout JSONScanner, key: String) throws(JSONScanError) in
            switch key {
            case "trace_id":
                let text = try s.string()
                guard let id = TraceID(hex: text.hasPrefix("0x") ? text.dropFirst(2) : Substring(text)) else {
                    throw s.error("trace_id '\(text)' is not 0x and 32 hex digits")
                }
                trace = id
            case "span_id": span = try spanID(&s, what: "span_id")
            case "trace_state":
                let text = try s.string()
                guard let parsed = PythonRepr.parseTraceState(text) else {
                    throw s.error("trace_state '\(text)' is not a list of (key, value) pairs")
                }
                state = parsed
            default: _ = try s.value()
            }
        }
        guard let trace else { throw s.error("context without trace_id") }
        guard let span else { throw s.error("context without span_id") }
        return SpanContext(traceID: trace, spanID: span, traceState: state)
    }

    static func spanID(_ s: inout JSONScanner, what: String) throws(JSONScanError) -> SpanID {
        let text = try s.string()
        guard let id = SpanID(hex: text.hasPrefix("0x") ? text.dropFirst(2) : Substring(text)) else {
            throw s.error("\(what) '\(text)' is not 0x and 16 hex digits")
        }
        return id
    }

    static func time(_ s: inout JSONScanner, what: String) throws(JSONScanError) -> UInt64 {
        let text = try s.string()
        guard let nanos = ISOTimestamp.parse(text.utf8) else {
            throw s.error("\(what) '\(text)' is not an ISO-8601 UTC time")
        }
        return nanos
    }

    static func kind(_ s: inout JSONScanner) throws(JSONScanError) -> SpanRecord.Kind {
        let text = try s.string()
        let bare = text.hasPrefix("SpanKind.") ? String(text.dropFirst(9)) : text
        guard let kind = SpanRecord.Kind(rawValue: bare) else { throw s.error("unknown span kind '\(text)'") }
        return kind
    }

    static func status(_ s: inout JSONScanner) throws(JSONScanError) -> SpanRecord.Status {
        var code = "UNSET"
        var description: String?
        try s.object { (s: inout JSONScanner, key: String) throws(JSONScanError) in
            switch key {
            case "status_code": code = try s.string()
            case "description": description = s.isNull() ? nil : try s.string()
            default: _ = try s.value()
            }
        }
        switch code {
        case "UNSET": return .unset
        case "OK": return .ok
        case "ERROR": return .error(description: description)
        default: throw s.error("unknown status_code '\(code)'")
        }
    }

    static func attributes(_ s: inout JSONScanner) throws(JSONScanError) -> Attributes {
        var result = Attributes()
        try s.object { (s: inout JSONScanner, key: String) throws(JSONScanError) in
            result[key] = try attributeValue(&s, key: key)
        }
        return result
    }

    static func attributeValue(_ s: inout JSONScanner, key: String) throws(JSONScanError) -> AttributeValue {
        let value = try s.value()
        switch value {
        case .string(let v): return .string(v)
        case .int(let v): return .int(v)
        case .double(let v): return .double(v)
        case .bool(let v): return .bool(v)
        case .array(let items):
            if items.allSatisfy({ if case .string = $0 { true } else { false } }) {
                return .stringArray(items.map { if case .string(let v) = $0 { v } else { "" } })
            }
            if items.allSatisfy({ if case .bool = $0 { true } else { false } }) {
                return .boolArray(items.map { if case .bool(let v) = $0 { v } else { false } })
            }
            if items.allSatisfy({ if case .int = $0 { true } else { false } }) {
                return .intArray(items.map { if case .int(let v) = $0 { v } else { 0 } })
            }
            let doubles = items.compactMap { item -> Double? in
                switch item {
                case .int(let v): Double(v)
                case .double(let v): v
                default: nil
                }
            }
            guard doubles.count == items.count else { throw s.error("attribute '\(key)': array of mixed types") }
            return .doubleArray(doubles)
        case .null, .object:
            throw s.error("attribute '\(key)': value must be a string, number, boolean or array of those")
        }
    }

    static func event(_ s: inout JSONScanner) throws(JSONScanError) -> SpanRecord.Event {
        var name: String?
        var time: UInt64?
        var attributes = Attributes()
        var dropped = 0
        try s.object { (s: inout JSONScanner, key: String) throws(JSONScanError) in
            switch key {
            case "name": name = try s.string()
            case "timestamp": time = try self.time(&s, what: "event timestamp")
            case "attributes": attributes = try self.attributes(&s)
            case "dropped_attributes": dropped = try count(&s)
            default: _ = try s.value()
            }
        }
        guard let name, let time else { throw s.error("event without name or timestamp") }
        return SpanRecord.Event(name: name, timeNanos: time, attributes: attributes, droppedAttributes: dropped)
    }

    static func link(_ s: inout JSONScanner) throws(JSONScanError) -> SpanRecord.Link {
        var context: SpanContext?
        var attributes = Attributes()
        var flags = TraceFlags.sampled
        var dropped = 0
        try s.object { (s: inout JSONScanner, key: String) throws(JSONScanError) in
            switch key {
            case "context": context = try self.context(&s)
            case "attributes": attributes = try self.attributes(&s)
            case "trace_flags": flags = TraceFlags(rawValue: UInt8(clamping: try count(&s)))
            case "dropped_attributes": dropped = try count(&s)
            default: _ = try s.value()
            }
        }
        guard let context else { throw s.error("link without context") }
        return SpanRecord.Link(
            context: SpanContext(traceID: context.traceID, spanID: context.spanID, traceFlags: flags,
                                 traceState: context.traceState, isRemote: true),
            attributes: attributes, droppedAttributes: dropped)
    }

    static func scope(_ s: inout JSONScanner) throws(JSONScanError) -> InstrumentationScope {
        var name = ""
        var version: String?
        try s.object { (s: inout JSONScanner, key: String) throws(JSONScanError) in
            switch key {
            case "name": name = try s.string()
            case "version": version = s.isNull() ? nil : try s.string()
            default: _ = try s.value()
            }
        }
        return InstrumentationScope(name: name, version: version)
    }

    static func count(_ s: inout JSONScanner) throws(JSONScanError) -> Int {
        guard case .int(let v) = try s.number(), v >= 0 else { throw s.error("expected a non-negative integer") }
        return Int(clamping: v)
    }

    private mutating func resource(_ s: inout JSONScanner) throws(JSONScanError) -> Resource {
        s.skipWhitespace()
        let start = s.index
        var attributes = Attributes()
        var schema = ""
        try s.object { (s: inout JSONScanner, key: String) throws(JSONScanError) in
            switch key {
            case "attributes": attributes = try Self.attributes(&s)
            case "schema_url": schema = s.isNull() ? "" : try s.string()
            default: _ = try s.value()
            }
        }
        let raw = UnsafeBufferPointer(rebasing: s.bytes[start..<s.index])
        if let last = lastResource, last.bytes.elementsEqual(raw) { return last.resource }
        let resource = Resource(attributes: attributes, schemaURL: schema)
        lastResource = (Array(raw), resource)
        return resource
    }
}

extension PythonRepr {
    /// Parses the repr of a list of string pairs, `[('k', 'v'), ("k2", 'v2')]`; nil if it is not one.
    static func parseTraceState(_ text: String) -> TraceState? {
        var chars = Array(text.unicodeScalars)[...]
        func skipSpaces() { while chars.first == " " { chars.removeFirst() } }
        func take(_ c: Unicode.Scalar) -> Bool {
            skipSpaces()
            if chars.first == c { chars.removeFirst(); return true }
            return false
        }
        func quoted() -> String? {
            skipSpaces()
            guard let quote = chars.first, quote == "'" || quote == "\"" else { return nil }
            chars.removeFirst()
            var out = String.UnicodeScalarView()
            while let c = chars.first {
                chars.removeFirst()
                if c == "\\" {
                    guard let next = chars.first else { return nil }
                    chars.removeFirst()
                    out.append(next)
                } else if c == quote {
                    return String(out)
                } else {
                    out.append(c)
                }
            }
            return nil
        }
        guard take("[") else { return nil }
        var entries: [TraceState.Entry] = []
        if take("]") { return chars.isEmpty ? TraceState() : nil }
        repeat {
            guard take("("), let key = quoted(), take(","), let value = quoted(), take(")") else { return nil }
            entries.append(TraceState.Entry(key: key, value: value))
        } while take(",")
        guard take("]") else { return nil }
        skipSpaces()
        return chars.isEmpty ? TraceState(entries) : nil
    }
}
