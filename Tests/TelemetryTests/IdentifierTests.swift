import Testing
@testable import Telemetry

@Suite struct IdentifierTests {
    @Test func traceIDHexRoundTrip() {
        let id = TraceID(high: 0x08b0_15c6_f6a9_9676, low: 0xc1f0_b279_9016_2bcb)
        #expect(id.hex == "08b015c6f6a99676c1f0b27990162bcb")
        #expect(TraceID(hex: id.hex) == id)
        #expect(TraceID(hex: "08B015C6F6A99676C1F0B27990162BCB") == id)
        #expect(TraceID(bytes: id.bytes) == id)
        #expect(TraceID(hex: "08b015c6") == nil)
        #expect(TraceID(hex: "zzb015c6f6a99676c1f0b27990162bcb") == nil)
    }

    @Test func spanIDHexRoundTrip() {
        let id = SpanID(0x4fc5_b2aa_011e_95e1)
        #expect(id.hex == "4fc5b2aa011e95e1")
        #expect(SpanID(hex: id.hex) == id)
        #expect(SpanID(bytes: id.bytes) == id)
        #expect(SpanID(hex: "4fc5b2aa011e95e") == nil)
        #expect(SpanID(0).isValid == false)
    }

    @Test func hexDigitsAreThoseOfTheNumber() {
        var generator = SystemRandomNumberGenerator()
        let values: [UInt64] = [0, 1, 9, 10, 15, 16, 0xabcdef, .max, 0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210]
            + (0..<2000).map { _ in generator.next() }
        for value in values {
            let expected = String(repeating: "0", count: 16 - String(value, radix: 16).count) + String(value, radix: 16)
            #expect(HexCoding.hex(value) == expected)
        }
    }

    @Test func randomIDsAreValidAndDistinct() {
        let generator = RandomIDGenerator()
        var seen = Set<SpanID>()
        for _ in 0..<10_000 { seen.insert(generator.newSpanID()) }
        #expect(seen.count == 10_000)
        #expect(!seen.contains(.invalid))
        #expect(generator.newTraceID().isValid)
        #expect(generator.newTraceID() != generator.newTraceID())
    }

    @Test func idsFromManyThreadsAreDistinctAndEveryBitVaries() async {
        let generator = RandomIDGenerator()
        let perTask = 20_000
        let ids = await withTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<4 { group.addTask { (0..<perTask).map { _ in generator.newSpanID().value } } }
            return await group.reduce(into: [UInt64]()) { $0 += $1 }
        }
        #expect(Set(ids).count == 4 * perTask)
        // Each bit is set in about half of the ids (binomial: 40,000 ± 1,000 is over 7 standard deviations).
        for bit in 0..<64 {
            let set = ids.reduce(0) { $0 + Int(($1 >> UInt64(bit)) & 1) }
            #expect(abs(set - 2 * perTask) < 1_000, "bit \(bit) set in \(set) of \(ids.count)")
        }
    }

    @Test func traceparentRoundTrip() throws {
        let context = SpanContext(
            traceID: TraceID(high: 1, low: 2), spanID: SpanID(3), traceFlags: .sampled,
            traceState: TraceState([.init(key: "vendor", value: "x")]))
        let header = TraceContextPropagation.traceparent(context)
        #expect(header == "00-00000000000000010000000000000002-0000000000000003-01")
        let parsed = try #require(TraceContextPropagation.parse(traceparent: header, tracestate: "vendor=x"))
        #expect(parsed.traceID == context.traceID)
        #expect(parsed.spanID == context.spanID)
        #expect(parsed.traceFlags == .sampled)
        #expect(parsed.isRemote)
        #expect(parsed.traceState == context.traceState)
    }

    @Test(arguments: [
        "00-00000000000000000000000000000000-0000000000000003-01",  // zero trace id
        "00-00000000000000010000000000000002-0000000000000000-01",  // zero span id
        "ff-00000000000000010000000000000002-0000000000000003-01",  // forbidden version
        "00-0000000000000001000000000000000Z-0000000000000003-01",  // not hex
        "00-0000000000000001000000000000000A-0000000000000003-01",  // upper case
        "00-00000000000000010000000000000002-0000000000000003-01-extra",  // version 00 has exactly 4 fields
        "00-00000000000000010000000000000002-0000000000000003",
        "",
    ])
    func invalidTraceparentsAreRejected(_ header: String) {
        #expect(TraceContextPropagation.parse(traceparent: header) == nil)
    }

    @Test func futureVersionsMayCarryMoreFields() {
        let header = "01-00000000000000010000000000000002-0000000000000003-00-more"
        let parsed = TraceContextPropagation.parse(traceparent: header)
        #expect(parsed?.spanID == SpanID(3))
        #expect(parsed?.isSampled == false)
    }

    @Test func tracestateHeaderParsing() {
        let state = TraceState(header: "a=1, b=2,,bad, c=3")
        #expect(state.entries.map(\.key) == ["a", "b", "c"])
        #expect(state.header == "a=1,b=2,c=3")
    }
}
