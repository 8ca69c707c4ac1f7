#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Telemetry

/// Decodes the JSON Lines span layout (ours and the Python tools') back into `SpanRecord`s.
///
/// Keeps everything the line holds: ids, parent, kind, status, attributes, events, links, trace state,
/// trace flags, resource and scope. Lines from one process share a resource and mostly a scope, so the decoder
/// reuses the previous line's when the bytes are the same.
public struct JSONLinesDecoder {
    private var resources = RepeatCache<Resource>()
    private var scopes = RepeatCache<InstrumentationScope>()
    /// The previous line's key orders, which the next line most likely repeats.
    private var keyOrders = JSONKeyOrders.empty()
    private var minutes = ISOTimestamp.MinuteCache()
    /// Applied to every record as it is built.
    public var adjustment = RecordAdjustment()

    public init() {}

    /// Decodes one line (without its newline).
    public mutating func decode(_ line: UnsafeBufferPointer<UInt8>) throws(JSONScanError) -> SpanRecord {
        // `parse` always makes the record when it keeps the strings.
        try parse(line, keepingStrings: true).record!
    }

    /// The end time of the span on `line`, accepting and rejecting exactly the lines `decode` does (with the
    /// same error), but without making the span: a replay's first pass needs no more.
    public mutating func endTime(_ line: UnsafeBufferPointer<UInt8>) throws(JSONScanError) -> UInt64 {
        do {
            return try parse(line, keepingStrings: false).end
        } catch {
            // A message may quote a string the quick parse left empty: the full decode gives the exact one.
            return try decode(line).endTimeNanos
        }
    }

    /// Checks a line and finds its end time; makes its record too when `keepingStrings`, straight from what was
    /// parsed, so that no field is copied and released once more on the way.
    private mutating func parse(
        _ line: UnsafeBufferPointer<UInt8>, keepingStrings: Bool
    ) throws(JSONScanError) -> (end: UInt64, record: SpanRecord?) {
        var scanner = JSONScanner(line)
        scanner.keepsStrings = keepingStrings
        // Lent, not copied: a copy would be made again at the first write.
        swap(&scanner.keyOrders, &keyOrders)
        defer { swap(&scanner.keyOrders, &keyOrders) }
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

        try scanner.fields(SpanKey.self) { (s: inout JSONScanner, key: SpanKey) throws(JSONScanError) in
            switch key {
            case .name: name = try s.string()
            case .context: context = try Self.context(&s)
            case .kind: kind = try Self.kind(&s)
            case .parentID:
                if !s.isNull() { parent = try Self.spanID(&s, what: "parent_id") }
            case .startTime: start = try self.time(&s, what: "start_time")
            case .endTime: end = try self.time(&s, what: "end_time")
            case .status: status = try Self.status(&s)
            case .attributes: attributes = try Self.attributes(&s)
            // A validating parse checks every event and link but keeps none: the arrays would be allocated and
            // freed for every line of a replay's first pass.
            case .events:
                try s.array { (s: inout JSONScanner) throws(JSONScanError) in
                    let event = try self.event(&s)
                    if keepingStrings { events.append(event) }
                }
            case .links:
                try s.array { (s: inout JSONScanner) throws(JSONScanError) in
                    let link = try Self.link(&s)
                    if keepingStrings { links.append(link) }
                }
            case .resource: resource = try self.resource(&s)
            case .traceFlags:
                guard case .int(let v) = try s.number(), (0...255).contains(v) else {
                    throw s.error("trace_flags must be an integer from 0 to 255")
                }
                flags = TraceFlags(rawValue: UInt8(v))
            case .scope:
                if let known = scopes.reuse(&s) {
                    scope = known
                } else {
                    scope = try scopes.decode(&s) { (s: inout JSONScanner) throws(JSONScanError) in try Self.scope(&s) }
                }
            case .droppedAttributes: dropped.attributes = try Self.count(&s)
            case .droppedEvents: dropped.events = try Self.count(&s)
            case .droppedLinks: dropped.links = try Self.count(&s)
            }
        }
        try scanner.end()
        guard let name else { throw scanner.error("missing key 'name'") }
        guard let context else { throw scanner.error("missing key 'context'") }
        guard let start else { throw scanner.error("missing key 'start_time'") }
        guard let end else { throw scanner.error("missing key 'end_time'") }
        guard keepingStrings else { return (adjustment.time(end), nil) }
        let record = SpanRecord(
            name: name,
            context: SpanContext(traceID: context.traceID, spanID: context.spanID, traceFlags: flags,
                                 traceState: context.traceState),
            parentSpanID: parent, kind: kind, startTimeNanos: adjustment.time(start),
            endTimeNanos: adjustment.time(end), status: status, attributes: attributes, events: events,
            links: links, resource: adjustment.resource ?? resource ?? Resource(attributes: [:]), scope: scope,
            droppedAttributes: dropped.attributes, droppedEvents: dropped.events, droppedLinks: dropped.links)
        return (record.endTimeNanos, record)
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
        if let context = pythonContext(&s) { return context }
        var trace: TraceID?
        var span: SpanID?
        var state = TraceState()
        try s.fields(ContextKey.self) { (s: inout JSONScanner, key: ContextKey) throws(JSONScanError) in
            switch key {
            case .traceID:
                // Almost always `0x` and 32 digits: then the digits are checked without a scan for the string's end.
                if let text = s.fixedString(34), let id = hexID(text, digits: 32) {
                    s.skipFixedString(34)
                    trace = TraceID(high: id.high, low: id.low)
                    break
                }
                let text = try s.stringBytes()
                guard let id = hexID(text, digits: 32) else {
                    throw s.error("trace_id '\(text.string)' is not 0x and 32 hex digits")
                }
                trace = TraceID(high: id.high, low: id.low)
            case .spanID: span = try spanID(&s, what: "span_id")
            case .traceState:
                if s.skip(#""[]""#) { break }
                let text = try s.stringBytes()
                if text == "[]" { break }
                guard let parsed = PythonRepr.parseTraceState(text.string) else {
                    throw s.error("trace_state '\(text.string)' is not a list of (key, value) pairs")
                }
                state = parsed
            }
        }
        guard let trace else { throw s.error("context without trace_id") }
        guard let span else { throw s.error("context without span_id") }
        return SpanContext(traceID: trace, spanID: span, traceState: state)
    }

    /// A context exactly as Python writes it, `{"trace_id": "0x…", "span_id": "0x…", "trace_state": "[]"}`, read
    /// at fixed places: its three literal parts compared, its two ids decoded (which checks every digit). Nil, with
    /// nothing consumed, for anything else.
    static func pythonContext(_ s: inout JSONScanner) -> SpanContext? {
        s.skipWhitespace()
        let traceAt = ContextLayout.traceOpening.utf8CodeUnitCount
        let spanOpeningAt = traceAt + 32
        let spanAt = spanOpeningAt + ContextLayout.spanOpening.utf8CodeUnitCount
        let closingAt = spanAt + 16
        let length = closingAt + ContextLayout.closing.utf8CodeUnitCount
        guard let base = s.bytes.baseAddress, s.bytes.count - s.index >= length else { return nil }
        let p = base + s.index
        guard memcmp(p, ContextLayout.traceOpening.utf8Start, traceAt) == 0,
              memcmp(p + spanOpeningAt, ContextLayout.spanOpening.utf8Start, spanAt - spanOpeningAt) == 0,
              memcmp(p + closingAt, ContextLayout.closing.utf8Start, length - closingAt) == 0,
              let high = hex16(UnsafeRawPointer(p + traceAt)), let low = hex16(UnsafeRawPointer(p + traceAt + 16)),
              let span = hex16(UnsafeRawPointer(p + spanAt))
        else { return nil }
        s.index += length
        return SpanContext(traceID: TraceID(high: high, low: low), spanID: SpanID(span), traceState: TraceState())
    }

    private enum ContextLayout {
        static let traceOpening: StaticString = #"{"trace_id": "0x"#
        static let spanOpening: StaticString = #"", "span_id": "0x"#
        static let closing: StaticString = #"", "trace_state": "[]"}"#
    }

    static func spanID(_ s: inout JSONScanner, what: String) throws(JSONScanError) -> SpanID {
        if let text = s.fixedString(18), let id = hexID(text, digits: 16) {
            s.skipFixedString(18)
            return SpanID(id.low)
        }
        let text = try s.stringBytes()
        guard let id = hexID(text, digits: 16) else {
            throw s.error("\(what) '\(text.string)' is not 0x and 16 hex digits")
        }
        return SpanID(id.low)
    }

    /// An id of `digits` (16 or 32) hex digits after an optional `0x`, as its high and low 64 bits.
    static func hexID(_ text: JSONStringBytes, digits: Int) -> (high: UInt64, low: UInt64)? {
        text.withBytes { hexID($0, digits: digits) }
    }

    @inline(__always)
    static func hexID(_ bytes: UnsafeBufferPointer<UInt8>, digits: Int) -> (high: UInt64, low: UInt64)? {
        let prefixed = bytes.count >= 2 && bytes[0] == UInt8(ascii: "0") && bytes[1] == UInt8(ascii: "x")
        let hex = prefixed ? UnsafeBufferPointer(rebasing: bytes[2...]) : bytes
        guard hex.count == digits else { return nil }
        let raw = UnsafeRawPointer(hex.baseAddress!)
        guard let low = hex16(raw + (digits - 16)) else { return nil }
        guard digits > 16 else { return (0, low) }
        guard let high = hex16(raw) else { return nil }
        return (high, low)
    }

    /// 16 hex digits (either case) at `p` as a number.
    @inline(__always)
    static func hex16(_ p: UnsafeRawPointer) -> UInt64? {
        guard let high = hex8(p.loadUnaligned(as: UInt64.self)),
              let low = hex8(p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) else { return nil }
        return high << 32 | low
    }

    /// Eight hex digits loaded as one little-endian word, decoded together: ids are most of a line's digits.
    @inline(__always)
    static func hex8(_ w: UInt64) -> UInt64? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        guard w & high == 0 else { return nil }
        // With every byte below 0x80, adding (0x80 - c) sets a byte's high bit exactly when the byte is >= c.
        let digit = (w &+ ones &* (0x80 - 0x30)) & ~(w &+ ones &* (0x80 - 0x3A))
        let lower = w | (ones &* 0x20)
        let letter = (lower &+ ones &* (0x80 - 0x61)) & ~(lower &+ ones &* (0x80 - 0x67))
        guard (digit | letter) & high == high else { return nil }
        // '0'…'9' → 0…9 from the low nibble; letters have bit 6 set and need 9 more.
        let nibbles = (w & (ones &* 0x0F)) &+ ((w >> 6) & ones) &* 9
        // The first digit is the most significant: reverse the bytes, then fold nibble pairs, bytes, halves.
        var v = nibbles.byteSwapped
        v = (v | (v >> 4)) & 0x00FF_00FF_00FF_00FF
        v = (v | (v >> 8)) & 0x0000_FFFF_0000_FFFF
        v = (v | (v >> 16)) & 0x0000_0000_FFFF_FFFF
        return v
    }

    mutating func time(_ s: inout JSONScanner, what: String) throws(JSONScanError) -> UInt64 {
        // Python writes times to the microsecond, 27 bytes: checked by the parse without a scan for the end.
        if let text = s.fixedString(27), let nanos = ISOTimestamp.parse(text, cache: &minutes) {
            s.skipFixedString(27)
            return nanos
        }
        let text = try s.stringBytes()
        guard let nanos = text.withBytes({ ISOTimestamp.parse($0, cache: &minutes) }) else {
            throw s.error("\(what) '\(text.string)' is not an ISO-8601 UTC time")
        }
        return nanos
    }

    static func kind(_ s: inout JSONScanner) throws(JSONScanError) -> SpanRecord.Kind {
        if s.skip(#""SpanKind.INTERNAL""#) { return .internal }
        let text = try s.stringBytes()
        switch text {
        case "SpanKind.INTERNAL", "INTERNAL": return .internal
        case "SpanKind.SERVER", "SERVER": return .server
        case "SpanKind.CLIENT", "CLIENT": return .client
        case "SpanKind.PRODUCER", "PRODUCER": return .producer
        case "SpanKind.CONSUMER", "CONSUMER": return .consumer
        default: throw s.error("unknown span kind '\(text.string)'")
        }
    }

    static func status(_ s: inout JSONScanner) throws(JSONScanError) -> SpanRecord.Status {
        if s.skip(#"{"status_code": "UNSET"}"#) { return .unset }
        var status = SpanRecord.Status.unset
        var description: String?
        try s.fields(StatusKey.self) { (s: inout JSONScanner, key: StatusKey) throws(JSONScanError) in
            switch key {
            case .statusCode:
                if s.skip(#""UNSET""#) {
                    status = .unset
                    break
                }
                let code = try s.stringBytes()
                switch code {
                case "UNSET": status = .unset
                case "OK": status = .ok
                case "ERROR": status = .error(description: nil)
                default: throw s.error("unknown status_code '\(code.string)'")
                }
            case .description: description = s.isNull() ? nil : try s.string()
            }
        }
        return status == .error(description: nil) ? .error(description: description) : status
    }

    static func attributes(_ s: inout JSONScanner) throws(JSONScanError) -> Attributes {
        var result = Attributes()
        try s.fields { (s: inout JSONScanner, key: JSONStringBytes) throws(JSONScanError) in
            if s.keepsStrings {
                let name = key.string
                result[name] = try attributeValue(&s, key: name)
            } else {
                // Checked, not kept: a validating parse would only make and free the array.
                _ = try attributeValue(&s, key: "")
            }
        }
        return result
    }

    static func attributeValue(_ s: inout JSONScanner, key: String) throws(JSONScanError) -> AttributeValue {
        // Scalars, nearly every value, without building a `JSONValue` first.
        switch s.peek() ?? 0 {
        case UInt8(ascii: "\""): return .string(try s.string())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "N"), UInt8(ascii: "I"):
            switch try s.number() {
            case .int(let v): return .int(v)
            case .double(let v): return .double(v)
            default: break
            }
        default: break
        }
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

    mutating func event(_ s: inout JSONScanner) throws(JSONScanError) -> SpanRecord.Event {
        var name: String?
        var time: UInt64?
        var attributes = Attributes()
        var dropped = 0
        try s.fields(EventKey.self) { (s: inout JSONScanner, key: EventKey) throws(JSONScanError) in
            switch key {
            case .name: name = try s.string()
            case .timestamp: time = try self.time(&s, what: "event timestamp")
            case .attributes: attributes = try Self.attributes(&s)
            case .droppedAttributes: dropped = try Self.count(&s)
            }
        }
        guard let name, let time else { throw s.error("event without name or timestamp") }
        return SpanRecord.Event(name: name, timeNanos: adjustment.time(time), attributes: attributes,
                                droppedAttributes: dropped)
    }

    static func link(_ s: inout JSONScanner) throws(JSONScanError) -> SpanRecord.Link {
        var context: SpanContext?
        var attributes = Attributes()
        var flags = TraceFlags.sampled
        var dropped = 0
        try s.fields(LinkKey.self) { (s: inout JSONScanner, key: LinkKey) throws(JSONScanError) in
            switch key {
            case .context: context = try self.context(&s)
            case .attributes: attributes = try self.attributes(&s)
            case .traceFlags: flags = TraceFlags(rawValue: UInt8(clamping: try count(&s)))
            case .droppedAttributes: dropped = try count(&s)
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
        try s.fields(ScopeKey.self) { (s: inout JSONScanner, key: ScopeKey) throws(JSONScanError) in
            switch key {
            case .name: name = try s.string()
            case .version: version = s.isNull() ? nil : try s.string()
            }
        }
        return InstrumentationScope(name: name, version: version)
    }

    static func count(_ s: inout JSONScanner) throws(JSONScanError) -> Int {
        guard case .int(let v) = try s.number(), v >= 0 else { throw s.error("expected a non-negative integer") }
        return Int(clamping: v)
    }

    private mutating func resource(_ s: inout JSONScanner) throws(JSONScanError) -> Resource {
        if let known = resources.reuse(&s) { return known }
        return try resources.decode(&s) { (s: inout JSONScanner) throws(JSONScanError) in
            var attributes = Attributes()
            var schema = ""
            try s.fields(ResourceKey.self) { (s: inout JSONScanner, key: ResourceKey) throws(JSONScanError) in
                switch key {
                case .attributes: attributes = try Self.attributes(&s)
                case .schemaURL: schema = s.isNull() ? "" : try s.string()
                }
            }
            return Resource(attributes: attributes, schemaURL: schema)
        }
    }
}

/// The keys of a line's span object, in the order the Python tools write them; the other objects' keys follow.
enum SpanKey: String, JSONKey {
    case name, context, kind
    case parentID = "parent_id"
    case startTime = "start_time"
    case endTime = "end_time"
    case status, attributes, events, links, resource
    case traceFlags = "trace_flags"
    case scope
    case droppedAttributes = "dropped_attributes"
    case droppedEvents = "dropped_events"
    case droppedLinks = "dropped_links"
    static let keys = JSONKeyTable<Self>(kind: 0)
}

enum ContextKey: String, JSONKey {
    case traceID = "trace_id"
    case spanID = "span_id"
    case traceState = "trace_state"
    static let keys = JSONKeyTable<Self>(kind: 1)
}

enum StatusKey: String, JSONKey {
    case statusCode = "status_code"
    case description
    static let keys = JSONKeyTable<Self>(kind: 2)
}

enum EventKey: String, JSONKey {
    case name, timestamp, attributes
    case droppedAttributes = "dropped_attributes"
    static let keys = JSONKeyTable<Self>(kind: 3)
}

enum LinkKey: String, JSONKey {
    case context, attributes
    case traceFlags = "trace_flags"
    case droppedAttributes = "dropped_attributes"
    static let keys = JSONKeyTable<Self>(kind: 4)
}

enum ScopeKey: String, JSONKey {
    case name, version
    static let keys = JSONKeyTable<Self>(kind: 5)
}

enum ResourceKey: String, JSONKey {
    case attributes
    case schemaURL = "schema_url"
    static let keys = JSONKeyTable<Self>(kind: 6)
}

/// The last value decoded from an object value, by the object's exact bytes.
struct RepeatCache<Value> {
    private var bytes: [UInt8] = []
    private var value: Value?

    /// The remembered value if the scanner is at the same bytes, which it then skips: an object's bytes
    /// determine where it ends, so a match needs no parsing. Otherwise the scanner is left at the value.
    mutating func reuse(_ s: inout JSONScanner) -> Value? {
        s.skipWhitespace()
        guard let value, s.bytes.count - s.index >= bytes.count else { return nil }
        let start = s.index
        let same = bytes.withUnsafeBufferPointer { memcmp($0.baseAddress!, s.bytes.baseAddress! + start, $0.count) == 0 }
        guard same else { return nil }
        s.index = start + bytes.count
        return value
    }

    /// The value at the scanner, made by `decode` and remembered with its bytes: decoded with its strings even
    /// by a validating parse, since a later full decode may reuse it.
    mutating func decode(
        _ s: inout JSONScanner, _ decode: (inout JSONScanner) throws(JSONScanError) -> Value
    ) throws(JSONScanError) -> Value {
        let keeps = s.keepsStrings
        s.keepsStrings = true
        defer { s.keepsStrings = keeps }
        let start = s.index
        let decoded = try decode(&s)
        bytes = Array(UnsafeBufferPointer(rebasing: s.bytes[start..<s.index]))
        value = decoded
        return decoded
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
