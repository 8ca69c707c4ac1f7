import Testing
import Telemetry
@testable import Exporters

@Suite struct JSONLinesCodecTests {
    /// The Python reference's own line (from `../shared/design/jsonlines-format.md`).
    static let pythonLine = #"{"name": "cli", "context": {"trace_id": "0x08b015c6f6a99676c1f0b27990162bcb", "span_id": "0x4fc5b2aa011e95e1", "trace_state": "[]"}, "kind": "SpanKind.INTERNAL", "parent_id": null, "start_time": "2026-11-25T12:57:43.971415Z", "end_time": "2026-11-25T12:57:44.080968Z", "status": {"status_code": "UNSET"}, "attributes": {"bsb.cli_command": ["compile", "--clear"], "mpi.rank": 0, "mpi.size": 1}, "events": [], "links": [], "resource": {"attributes": {"telemetry.sdk.language": "python", "telemetry.sdk.name": "opentelemetry", "telemetry.sdk.version": "1.45.2", "service.instance.id": "52991fff-4abc-432b-b152-fea50ea54d45", "service.name": "BSB Workflow"}, "schema_url": ""}}"#

    func encode(_ span: SpanRecord) -> String {
        var encoder = JSONLinesEncoder()
        encoder.encode(span)
        return String(decoding: encoder.bytes, as: UTF8.self)
    }

    @Test func pythonReferenceLineDecodesAndReencodesToTheSameBytes() throws {
        var decoder = JSONLinesDecoder()
        let span = try decoder.decode(Self.pythonLine)
        #expect(span.name == "cli")
        #expect(span.context.traceID.hex == "08b015c6f6a99676c1f0b27990162bcb")
        #expect(span.context.spanID.hex == "4fc5b2aa011e95e1")
        #expect(span.parentSpanID == nil)
        #expect(span.kind == .internal)
        #expect(span.startTimeNanos == 1_795_611_463_971_415_000)
        #expect(span.endTimeNanos - span.startTimeNanos == 109_553_000)
        #expect(span.attributes["bsb.cli_command"] == .stringArray(["compile", "--clear"]))
        #expect(span.attributes["mpi.size"] == .int(1))
        #expect(span.resource.attributes["service.name"] == "BSB Workflow")
        #expect(span.scope == nil)
        #expect(encode(span) == Self.pythonLine + "\n")
    }

    @Test func everyFieldSurvivesARoundTrip() throws {
        let resource = Resource(attributes: ["service.name": "BSB Workflow", "unit": "μm³"], schemaURL: "https://x/1.0")
        let original = SpanRecord(
            name: "RandomPlacement.place \"quoted\" \\ tab\t newline\n emoji 🧠",
            context: SpanContext(traceID: TraceID(high: 0xabc, low: 0xdef), spanID: SpanID(0x1234),
                                 traceFlags: .sampled,
                                 traceState: TraceState([.init(key: "vendor", value: "it's"), .init(key: "b", value: "2")])),
            parentSpanID: SpanID(0x99), kind: .producer,
            startTimeNanos: 1_795_611_463_971_415_000, endTimeNanos: 1_795_611_464_000_000_000,
            status: .error(description: "PackingError: too dense in base_layer"),
            attributes: ["s": "x", "i": -42, "d": 0.1, "big": 1e16, "b": true, "sa": .stringArray(["a", "b"]),
                         "ia": .intArray([1, 2]), "da": .doubleArray([1.5, 2.0]), "ba": .boolArray([true, false]),
                         "empty": .stringArray([])],
            events: [SpanRecord.Event(name: "Placing 390 base_type in [0 0 0]", timeNanos: 1_795_611_463_980_000_000,
                                      attributes: ["n": 390])],
            links: [SpanRecord.Link(context: SpanContext(traceID: TraceID(high: 5, low: 6), spanID: SpanID(7),
                                                         isRemote: true), attributes: ["why": "replayed"])],
            resource: resource, scope: InstrumentationScope(name: "bsb-core", version: "8.0.2"),
            droppedAttributes: 1, droppedEvents: 2, droppedLinks: 3)
        let line = encode(original)
        #expect(line.utf8.allSatisfy { $0 < 0x80 })  // non-ASCII escaped, as Python writes it
        #expect(line.contains(#"\u03bcm\u00b3"#))
        #expect(line.contains(#""trace_state": "[('vendor', \"it's\"), ('b', '2')]""#))
        var decoder = JSONLinesDecoder()
        let decoded = try decoder.decode(String(line.dropLast()))
        #expect(decoded == original)
        #expect(encode(decoded) == line)
    }

    /// One encoder reused across spans remembers their keys and string values by position, and their scope: spans
    /// whose keys, values, value types, key order, key count or scope differ from the last span's must still come
    /// out as a fresh encoder writes them, including strings too long to remember, strings that need escapes, equal
    /// strings held apart, and more attributes than it remembers.
    @Test func anEncoderReusedAcrossDifferentSpansWritesWhatAFreshOneWrites() {
        let resource = Resource(attributes: ["service.name": "bench"])
        let scopes = [InstrumentationScope(name: "bsb-core", version: "8.0.2"), InstrumentationScope(name: "other"),
                      InstrumentationScope(name: "bsb-core", version: "8.0.2")]
        let long = String(repeating: "k", count: 40)
        let runtime = String("mpi.rank".reversed().reversed())  // the same text in a string of its own
        let attributeSets: [Attributes] = [
            ["mpi.rank": 0, "mpi.size": 1, "bsb.type": "component_method", "hdf5.path": "/placement/base_type"],
            ["mpi.rank": 0, "mpi.size": 1, "bsb.type": "component_method", "hdf5.path": "/placement/base_type"],
            ["mpi.rank": 0, "mpi.size": 1, "bsb.type": "component_method", "hdf5.path": "/placement/other_type"],
            ["mpi.rank": "0", "mpi.size": 1, "bsb.type": .string(String("component_".reversed().reversed()) + "method"),
             "hdf5.path": .string("/placement/" + String(repeating: "long", count: 10))],
            ["mpi.rank": "0", "mpi.size": "tab\there", "bsb.type": "μm³", "hdf5.path": .string("/placement/" + String(repeating: "long", count: 10))],
            ["mpi.size": 1, "mpi.rank": 0],
            [Attribute(runtime, 3)].reduce(into: Attributes()) { $0[$1.key] = $1.value },
            ["mpi.ranks": 0, "quote\"d": 1, long: 2, "": 3, "μm": 4],
            ["mpi.ranks": 0, "quote\"d": 1, long: 2, "": 3, "μm": 4],
            Attributes((0..<20).map { Attribute("key\($0 % 7)-\($0)", .int(Int64($0))) }),
            Attributes((0..<20).map { Attribute("key\($0 % 5)-\($0)", .int(Int64($0))) }),
            [:],
            ["mpi.rank": 0],
        ]
        var reused = JSONLinesEncoder()
        for (i, attributes) in attributeSets.enumerated() {
            let span = SpanRecord(
                name: "span \(i)", context: SpanContext(traceID: TraceID(high: 1, low: 2), spanID: SpanID(UInt64(i + 1))),
                parentSpanID: nil, startTimeNanos: 1_795_611_463_971_415_000, endTimeNanos: 1_795_611_463_971_416_000,
                attributes: attributes, resource: resource, scope: scopes[i % scopes.count])
            reused.encode(span)
            #expect(String(decoding: reused.bytes, as: UTF8.self) == encode(span), "span \(i)")
            reused.reset()
        }
    }

    @Test func scopesAreEqualByTextAndIdenticalOnlyAsOneObject() {
        let a = InstrumentationScope(name: "bsb-core", version: "8.0.2")
        let b = InstrumentationScope(name: "bsb-core", version: "8.0.2")
        #expect(a == b && a.hashValue == b.hashValue)
        #expect(!a.isIdentical(to: b) && a.isIdentical(to: a))
        #expect(a != InstrumentationScope(name: "bsb-core"))
        #expect(a != InstrumentationScope(name: "bsb-cor", version: "8.0.2"))
    }

    @Test func unsampledFlagsAreKeptInAnExtraKey() throws {
        let span = SpanRecord(
            name: "n", context: SpanContext(traceID: TraceID(high: 1, low: 1), spanID: SpanID(1), traceFlags: .none),
            parentSpanID: nil, startTimeNanos: 0, endTimeNanos: 1000, resource: Resource(attributes: [:]))
        let line = encode(span)
        #expect(line.contains(#""trace_flags": 0"#))
        var decoder = JSONLinesDecoder()
        #expect(try decoder.decode(String(line.dropLast())).context.traceFlags == .none)
    }

    /// Strings are checked a word at a time, in overlapping words when short: a byte to escape at any place of
    /// a string of any length is escaped, as Python's `json.dumps` does it.
    @Test func aByteToEscapeAnywhereInAStringOfAnyLengthIsEscaped() {
        func pythonDumps(_ s: String) -> String {
            var out = "\""
            for unit in s.utf16 {
                switch unit {
                case 0x22: out += "\\\""
                case 0x5C: out += "\\\\"
                case 0x0A: out += "\\n"
                case 0x0D: out += "\\r"
                case 0x09: out += "\\t"
                case 0x08: out += "\\b"
                case 0x0C: out += "\\f"
                case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(unit)!)
                default:
                    let hex = String(unit, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            }
            return out + "\""
        }
        for length in 0...40 {
            let plain = String((0..<length).map { Character(Unicode.Scalar(UInt8(0x61 + $0 % 26))) })
            var cases = [plain]
            for position in 0..<length {
                for special in ["\"", "\\", "\n", "\u{01}", "\u{7F}", "é", "😀"] {
                    var chars = Array(plain)
                    chars[position] = Character(special)
                    cases.append(String(chars))
                }
            }
            for text in cases {
                var writer = JSONWriter()
                writer.string(text)
                #expect(String(decoding: writer.bytes, as: UTF8.self) == pythonDumps(text), "\(text.debugDescription)")
            }
        }
    }

    @Test func timestampsRoundToMicroseconds() {
        var writer = JSONWriter()
        var cache = ISOTimestamp.Cache()
        ISOTimestamp.write(1_795_611_463_971_415_499, into: &writer, cache: &cache)
        ISOTimestamp.write(0, into: &writer, cache: &cache)
        ISOTimestamp.write(951_782_400_000_000_000, into: &writer, cache: &cache)  // 2000-02-29
        #expect(String(decoding: writer.bytes, as: UTF8.self)
            == #""2026-11-25T12:57:43.971415Z""1970-01-01T00:00:00.000000Z""2000-02-29T00:00:00.000000Z""#)
        #expect(ISOTimestamp.parse("2000-02-29T00:00:00.5Z".utf8) == 951_782_400_500_000_000)
        #expect(ISOTimestamp.parse("2026-11-25T12:57:43.971415+00:00".utf8) == 1_795_611_463_971_415_000)
        #expect(ISOTimestamp.parse("2026-13-25T12:57:43Z".utf8) == nil)
        #expect(ISOTimestamp.parse("2026-11-25 12:57:43Z".utf8) == 1_795_611_463_000_000_000)
        #expect(ISOTimestamp.parse("2026-11-25T12:57:43.123456789Z".utf8) == 1_795_611_463_123_456_789)
        for malformed in ["2026-11-25T12:57:43.1234567891Z", "2026-11-25T12:57:43.Z", "2026-11-25T12:57:43z",
                          "2026-11-25T12:57:43+00:0", "2026-11-25T12:57:43+01:00", "2026-11-25T12:57:43Z ",
                          "2026-11-25T12:5:43.1Z", "2026-11-25T24:00:00Z", "2026/11/25T12:57:43Z", "x026-11-25T12:57:43Z"] {
            #expect(ISOTimestamp.parse(malformed.utf8) == nil, "\(malformed)")
        }
        // Every microsecond timestamp we write reads back as itself.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let micros = UInt64.random(in: 0..<(UInt64.max / 1000), using: &generator)
            var w = JSONWriter()
            ISOTimestamp.write(micros * 1000, into: &w, cache: &cache)
            #expect(ISOTimestamp.parse(w.bytes.dropFirst().dropLast()) == micros * 1000)
        }
    }

    @Test(arguments: [
        ("{\"name\": \"x\"", "expected"),
        ("{\"name\": \"x\"}", "missing key 'context'"),
        ("[1, 2]", "expected '{'"),
        ("{\"name\": 3}", "expected '\"'"),
        (#"{"name": "x", "context": {"trace_id": "0x12", "span_id": "0x4fc5b2aa011e95e1"}}"#, "trace_id '0x12'"),
        (#"{"name": "x", "context": {"trace_id": "0x08b015c6f6a99676c1f0b27990162bcb", "span_id": "0x4fc5b2aa011e95e1"}, "start_time": "yesterday"}"#, "start_time 'yesterday'"),
        // Ids and times of the usual width are checked without a scan for the string's end: a bad byte in them
        // must still be reported as in any other id or time.
        (#"{"name": "x", "context": {"trace_id": "0x08b015c6f6a99676c1f0b27990162bcZ", "span_id": "0x4fc5b2aa011e95e1"}}"#, "trace_id '0x08b015c6f6a99676c1f0b27990162bcZ'"),
        (#"{"name": "x", "context": {"trace_id": "0x08b015c6f6a99676c1f0b27990162bcb", "span_id": "0x4fc5b2aa011e95eG"}}"#, "span_id '0x4fc5b2aa011e95eG'"),
        (#"{"name": "x", "context": {"trace_id": "0x08b015c6f6a99676c1f0b27990162bcb", "span_id": "0x4fc5b2aa011e95e1"}, "start_time": "2026-11-25T12:57:43.97141xZ"}"#, "start_time '2026-11-25T12:57:43.97141xZ'"),
        (#"{"name": "x", "context": {"trace_id": "0x08b015c6f6a99676c1f0b27990162bcb", "span_id": "0x4fc5b2aa011e95e1"}, "start_time": "2026-11-25T12:57:43.9714\"Z"}"#, #"start_time '2026-11-25T12:57:43.9714"Z'"#),
        // A context in Python's exact layout is read at fixed places; a bad digit there is reported as anywhere.
        (#"{"name": "x", "context": {"trace_id": "0x08b015c6f6a99676c1f0b2799016-bcb", "span_id": "0x4fc5b2aa011e95e1", "trace_state": "[]"}}"#, "trace_id '0x08b015c6f6a99676c1f0b2799016-bcb'"),
        (#"{"name": "x", "context": {"trace_id": "0x08b015c6f6a99676c1f0b27990162bcb", "span_id": "0x4fc5b2aa011e95g1", "trace_state": "[]"}}"#, "span_id '0x4fc5b2aa011e95g1'"),
        (#"{"name": "x", "kind": "SpanKind.WEIRD"}"#, "unknown span kind"),
        (#"{"name": "x", "attributes": {"k": {"nested": 1}}}"#, "attribute 'k'"),
        (#"{"name": "x"} trailing"#, "unexpected text after"),
    ])
    func malformedLinesNameWhatIsWrong(_ line: String, _ expected: String) {
        var decoder = JSONLinesDecoder()
        do {
            _ = try decoder.decode(line)
            Issue.record("decoded a malformed line: \(line)")
        } catch {
            #expect(error.reason.contains(expected), "\(error.reason)")
            // The first pass of a replay only validates: it must reject the line with the very same error.
            let quick = Self.endTime(line)
            #expect(quick.error?.reason == error.reason && quick.error?.offset == error.offset)
        }
    }

    @Test func theValidatingParseFindsTheEndTheDecodeDoes() throws {
        var decoder = JSONLinesDecoder()
        let decoded = try decoder.decode(Self.pythonLine)
        #expect(Self.endTime(Self.pythonLine).end == decoded.endTimeNanos)
        let ours = encode(decoded)
        #expect(Self.endTime(String(ours.dropLast())).end == decoded.endTimeNanos)
    }

    /// The Python line's members, so that they can be written in other orders.
    static let pythonMembers: [(key: String, value: String)] = [
        ("name", #""cli""#),
        ("context", #"{"trace_id": "0x08b015c6f6a99676c1f0b27990162bcb", "span_id": "0x4fc5b2aa011e95e1", "trace_state": "[]"}"#),
        ("kind", #""SpanKind.INTERNAL""#),
        ("parent_id", "null"),
        ("start_time", #""2026-11-25T12:57:43.971415Z""#),
        ("end_time", #""2026-11-25T12:57:44.080968Z""#),
        ("status", #"{"status_code": "UNSET"}"#),
        ("attributes", #"{"bsb.cli_command": ["compile", "--clear"], "mpi.rank": 0, "mpi.size": 1}"#),
        ("events", "[]"),
        ("links", "[]"),
        ("resource", #"{"attributes": {"telemetry.sdk.language": "python", "telemetry.sdk.name": "opentelemetry", "telemetry.sdk.version": "1.45.2", "service.instance.id": "52991fff-4abc-432b-b152-fea50ea54d45", "service.name": "BSB Workflow"}, "schema_url": ""}"#),
    ]

    static func object(_ members: [(key: String, value: String)], comma: String = ", ", colon: String = ": ",
                       open: String = "{", close: String = "}") -> String {
        open + members.map { "\"\($0.key)\"\(colon)\($0.value)" }.joined(separator: comma) + close
    }

    /// The decoder expects each object's keys where the previous line had them, spaced as Python spaces them; any
    /// other order or spacing, unknown keys, and keys written with escapes or sharing a known key's start must
    /// decode as a fresh decoder decodes them.
    @Test func keysInAnyOrderDecodeAsTheyDoAlone() throws {
        var fresh = JSONLinesDecoder()
        let expected = try fresh.decode(Self.pythonLine)
        var generator = Xoshiro256StarStar(seed: 42)
        var lines = [Self.pythonLine]
        for round in 0..<200 {
            var members = Self.pythonMembers
            if round % 2 == 1 { members.shuffle(using: &generator) }
            if round % 3 == 0 {
                let extras = [("names", #"{"name": "not this one"}"#), ("kin", "1"), ("context_", #""x""#),
                              ("start_time_", #""not a time""#)]
                members.insert(extras[round % 4], at: Int.random(in: 0...members.count, using: &generator))
            }
            if round % 5 == 0, let i = members.firstIndex(where: { $0.key == "name" }) {
                members[i].key = #"n\u0061me"#
            }
            if round % 19 == 0, let i = members.firstIndex(where: { $0.key == "context" }) {
                // Upper-case digits, read by the fixed-place path as by the token path.
                members[i].value = #"{"trace_id": "0x08B015C6F6A99676C1F0B27990162BCB", "span_id": "0x4FC5B2AA011E95E1", "trace_state": "[]"}"#
            }
            if round % 7 == 0, let i = members.firstIndex(where: { $0.key == "context" }) {
                members[i].value = #"{"trace_state": "[]", "span_id": "0x4fc5b2aa011e95e1", "x": [], "trace_id": "0x08b015c6f6a99676c1f0b27990162bcb"}"#
            }
            if round % 11 == 0 { members.append(("kind", #""SpanKind.INTERNAL""#)) }  // a key given twice
            switch round % 13 {
            case 3: lines.append(Self.object(members, comma: ",", colon: ":"))  // compact, as `jq -c` writes
            case 8: lines.append(Self.object(members, comma: " ,\t", colon: " :  ", open: " { ", close: " } "))
            default: lines.append(Self.object(members))
            }
        }
        var decoder = JSONLinesDecoder()
        for line in lines {
            #expect(try decoder.decode(line) == expected, "\(line)")
            #expect(Self.endTime(line).end == expected.endTimeNanos)
        }
    }

    /// The decoder expects the previous line's keys: an empty buffer (no base address at all) after a line must be
    /// an error, not a fault.
    @Test func anEmptyLineAfterALineIsAnError() throws {
        var decoder = JSONLinesDecoder()
        _ = try decoder.decode(Self.pythonLine)
        #expect(throws: JSONScanError.self) { try decoder.decode(UnsafeBufferPointer<UInt8>(start: nil, count: 0)) }
        #expect(throws: JSONScanError.self) { try decoder.decode("") }
        #expect(throws: JSONScanError.self) { try decoder.decode("{") }
        #expect(throws: JSONScanError.self) { try decoder.decode(#"{"name": "cli", "#) }
        #expect(try decoder.decode(Self.pythonLine).name == "cli")
    }

    /// A parse reuses the previous time's minute when the first 16 bytes are the same: every time must still read as
    /// it does with nothing remembered, malformed ones included.
    @Test func timesReadTheSameAfterAnyOtherTime() {
        let minutes = ["2026-11-25T12:57", "2026-11-25T12:58", "2026-11-25 12:57", "2000-02-29T00:00", "2026-13-25T12:57"]
        let rests = [":43.971415Z", ":00Z", ":59.5Z", ":60Z", ":61Z", "x43Z", ":4Z", ":43.Z", ":43.123456789+00:00", ":43"]
        var generator = Xoshiro256StarStar(seed: 3)
        var cache = ISOTimestamp.MinuteCache()
        var parsed = 0
        for _ in 0..<3000 {
            var bytes = Array((minutes.randomElement(using: &generator)! + rests.randomElement(using: &generator)!).utf8)
            if Int.random(in: 0..<10, using: &generator) == 0 {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0x20...0x7E, using: &generator)
            }
            let alone = bytes.withUnsafeBufferPointer { ISOTimestamp.parse($0) }
            let afterOthers = bytes.withUnsafeBufferPointer { ISOTimestamp.parse($0, cache: &cache) }
            #expect(afterOthers == alone, "\(String(decoding: bytes, as: UTF8.self))")
            if alone != nil { parsed += 1 }
        }
        #expect(parsed > 1000)
        // Six fraction digits are read as one word: each place, and the bytes just outside the digits.
        #expect(ISOTimestamp.parse("2026-11-25T12:57:43.000001Z".utf8) == 1_795_611_463_000_001_000)
        #expect(ISOTimestamp.parse("2026-11-25T12:57:43.999999Z".utf8) == 1_795_611_463_999_999_000)
        #expect(ISOTimestamp.parse("2026-11-25T12:57:43.123456Z".utf8) == 1_795_611_463_123_456_000)
        for place in 20..<26 {
            for byte: UInt8 in [0x2F, 0x3A, 0x20, 0xB0, 0x00] {
                var text = Array("2026-11-25T12:57:43.123456Z".utf8)
                text[place] = byte
                #expect(ISOTimestamp.parse(text) == nil, "byte \(byte) at \(place)")
            }
        }
        #expect(ISOTimestamp.parse("2026-11-25T12:57:43,123456Z".utf8) == nil)
        #expect(ISOTimestamp.parse("2026-11-25T12:57:43.123456z".utf8) == nil)
    }

    static func endTime(_ line: String) -> (end: UInt64?, error: JSONScanError?) {
        var line = line
        return line.withUTF8 { bytes in
            var decoder = JSONLinesDecoder()
            do throws(JSONScanError) { return (try decoder.endTime(bytes), nil) } catch { return (nil, error) }
        }
    }

    @Test func deeplyNestedInputIsRejectedNotRecursedInto() {
        var decoder = JSONLinesDecoder()
        let line = #"{"name": "x", "other": "# + String(repeating: "[", count: 100_000) + "}"
        #expect(throws: JSONScanError.self) { try decoder.decode(line) }
    }

    /// Integers of up to 18 digits are read digit by digit; every number must still read as `Int64(text)`, or
    /// else `Double(text)`, reads it.
    @Test func numbersReadAsTheStandardLibraryReadsThem() throws {
        var texts = ["0", "-0", "7", "-7", "007", "123456789012345678", "-123456789012345678", "999999999999999999",
                     "1234567890123456789", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
                     "-9223372036854775809", "99999999999999999999", "0.5", "-1.5e3", "1E2", "1e-05", "NaN",
                     "Infinity", "-Infinity"]
        var generator = Xoshiro256StarStar(seed: 11)
        for _ in 0..<500 {
            let digits = Int.random(in: 1...20, using: &generator)
            let text = (Bool.random(using: &generator) ? "-" : "")
                + String((0..<digits).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
            texts.append(text)
        }
        for text in texts {
            var line = Array(text.utf8) + Array(", ".utf8)
            let value = try line.withUnsafeMutableBufferPointer { buffer throws(JSONScanError) -> JSONValue in
                var scanner = JSONScanner(UnsafeBufferPointer(buffer))
                return try scanner.number()
            }
            let expected: JSONValue = Int64(text).map { .int($0) } ?? .double(Double(text)!)
            #expect(value == expected, "\(text)")
        }
    }

    @Test func pythonFloatsAndSpecialValuesRoundTrip() throws {
        var writer = JSONWriter()
        for d in [0.1, 1e-05, 1e16, 1e15, 100.0, -0.0, .nan, .infinity, -.infinity] {
            writer.double(d)
            writer.byte(UInt8(ascii: " "))
        }
        #expect(String(decoding: writer.bytes, as: UTF8.self)
            == "0.1 1e-05 1e+16 1000000000000000.0 100.0 -0.0 NaN Infinity -Infinity ")
    }
}
