import Testing
import Telemetry
@testable import Exporters

/// Inputs `scripts/fuzz.sh` found that crashed a decoder or broke one of the harnesses' invariants, minimised.
@Suite struct FuzzRegressionTests {
    func decode(_ line: String) throws(JSONScanError) -> SpanRecord {
        var decoder = JSONLinesDecoder()
        return try decoder.decode(line)
    }

    func encode(_ span: SpanRecord) -> String {
        var encoder = JSONLinesEncoder()
        encoder.encode(span)
        return String(decoding: encoder.bytes, as: UTF8.self)
    }

    func decodeOTLP(_ line: String) throws(JSONScanError) -> [SpanRecord] {
        try Array(line.utf8).withUnsafeBufferPointer { bytes throws(JSONScanError) in try OTLPJSONDecoder.decode(bytes) }
    }

    /// A time after 2262-04-11 overflowed the Int64 nanosecond count while parsing: the decoder trapped on a
    /// line a user can hand to `replay-otel`.
    @Test func timeBeyondInt64NanosecondsIsAnErrorNotATrap() {
        #expect(throws: JSONScanError.self) { try decode(#"{"start_time": "2263-01-01T00:00:00Z"}"#) }
        #expect(throws: JSONScanError.self) { try decode(#"{"end_time": "9999-12-31T23:59:60.999999999Z"}"#) }
        #expect(ISOTimestamp.parse("2554-07-21T23:34:33.709551616Z".utf8) == nil)  // UInt64.max + 1
    }

    /// Times past Int64 but within UInt64 nanoseconds read as what the encoder writes for them.
    @Test func timesUpToTheLastUInt64NanosecondParse() {
        #expect(ISOTimestamp.parse("2263-01-01T00:00:00Z".utf8) == UInt64(9_246_182_400) * 1_000_000_000)
        #expect(ISOTimestamp.parse("2554-07-21T23:34:33.709551615Z".utf8) == UInt64.max)
        #expect(ISOTimestamp.parse("2554-07-21T23:34:33.709551Z".utf8) == UInt64.max / 1000 * 1000)
    }

    /// An OTLP/JSON span ending at the last uint64 nanosecond (`"endTimeUnixNano": "18446744073709551615"`)
    /// trapped in the JSON Lines encoder, rounding to the microsecond past UInt64.max; now the time is written as
    /// the last whole microsecond, and that line reads back.
    @Test func spanEndingAtTheLastNanosecondIsWrittenAndReadBack() throws {
        let otlp = #"{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "08b015c6f6a99676c1f0b27990162bcb", "spanId": "4fc5b2aa011e95e1", "name": "x", "startTimeUnixNano": "18446744073709551115", "endTimeUnixNano": "18446744073709551615"}]}]}]}"#
        let span = try #require(try decodeOTLP(otlp).first)
        #expect(span.endTimeNanos == UInt64.max)
        let line = encode(span)
        #expect(line.contains(#""start_time": "2554-07-21T23:34:33.709551Z", "end_time": "2554-07-21T23:34:33.709551Z""#))
        let again = try decode(String(line.dropLast()))
        #expect(again.startTimeNanos == UInt64.max / 1000 * 1000)
        #expect(again.endTimeNanos == UInt64.max / 1000 * 1000)
        #expect(encode(again) == line)
    }

    /// A trace-state key or value with a quote or backslash followed by a combining mark went out unescaped (the
    /// repr was built Character by Character, and `\` + U+0301 is one Character, equal to neither): the line we
    /// wrote read back with another key, or not at all.
    @Test func traceStateWithCombiningMarksIsWrittenAsPythonWouldAndReadsBack() throws {
        #expect(PythonRepr.string("\\\u{301}") == "'\\\\\u{301}'")
        #expect(PythonRepr.string("'\u{301}") == "\"'\u{301}\"")
        #expect(PythonRepr.string("'\u{301}\"") == "'\\'\u{301}\"'")
        // The minimised input: key `\́`, value `'́`, as Python writes them.
        let line = #"{"name": "x", "context": {"trace_id": "0x08b015c6f6a99676c1f0b27990162bcb", "span_id": "0x4fc5b2aa011e95e1", "trace_state": "[('\\\\\u0301', '\\'\u0301')]"}, "start_time": "2026-11-25T12:57:43.971415Z", "end_time": "2026-11-25T12:57:44.080968Z"}"#
        let span = try decode(line)
        let scalars = { (state: TraceState) in state.entries.map { [Array($0.key.unicodeScalars), Array($0.value.unicodeScalars)] } }
        #expect(scalars(span.context.traceState) == [[["\\", "\u{301}"], ["'", "\u{301}"]]])
        let again = try decode(String(encode(span).dropLast()))
        #expect(scalars(again.context.traceState) == scalars(span.context.traceState))
        #expect(encode(again) == encode(span))
    }

    /// OTLP/JSON counts are uint32; a negative `dropped*Count` was kept, and lost (written as 0) on the way to JSON
    /// Lines, whose decoder rejects negative counts. Now the OTLP decoder rejects the line too.
    @Test func negativeDroppedCountInOTLPIsAnError() {
        let span = #""traceId": "08b015c6f6a99676c1f0b27990162bcb", "spanId": "4fc5b2aa011e95e1", "name": "x", "startTimeUnixNano": "1", "endTimeUnixNano": "2""#
        for count in [#""droppedAttributesCount": -1"#, #""droppedEventsCount": "-2""#, #""droppedLinksCount": -3"#] {
            #expect(throws: JSONScanError.self) {
                try decodeOTLP(#"{"resourceSpans": [{"scopeSpans": [{"spans": [{"# + span + ", " + count + "}]}]}]}")
            }
        }
        #expect((try? decodeOTLP(#"{"resourceSpans": [{"scopeSpans": [{"spans": [{"# + span + #", "droppedLinksCount": "7"}]}]}]}"#))?.first?.droppedLinks == 7)
    }
}
