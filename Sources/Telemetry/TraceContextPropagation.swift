/// The W3C Trace Context `traceparent` and `tracestate` headers.
public enum TraceContextPropagation {
    public static let traceparentKey = "traceparent"
    public static let tracestateKey = "tracestate"

    /// `00-<trace id>-<span id>-<flags>`.
    public static func traceparent(_ context: SpanContext) -> String {
        let flags = String(context.traceFlags.rawValue, radix: 16)
        return "00-\(context.traceID.hex)-\(context.spanID.hex)-\(flags.count == 1 ? "0" + flags : flags)"
    }

    /// The remote span context a `traceparent` (and optional `tracestate`) names, or nil if it is malformed.
    ///
    /// Follows the specification's rules: version `ff` and all-zero ids are invalid; a future version may carry
    /// more fields after the four we read.
    public static func parse(traceparent: String, tracestate: String? = nil) -> SpanContext? {
        let bytes = Array(traceparent.utf8)
        guard bytes.count >= 55 else { return nil }
        guard bytes[2] == UInt8(ascii: "-"), bytes[35] == UInt8(ascii: "-"), bytes[52] == UInt8(ascii: "-"),
              let version = HexCoding.parse(bytes[0..<2]), version != 0xFF,
              isLowerHex(bytes[0..<55]),
              let high = HexCoding.parse(bytes[3..<19]), let low = HexCoding.parse(bytes[19..<35]),
              let span = HexCoding.parse(bytes[36..<52]), let flags = HexCoding.parse(bytes[53..<55])
        else { return nil }
        if version == 0 && bytes.count != 55 { return nil }
        if version != 0 && bytes.count > 55 && bytes[55] != UInt8(ascii: "-") { return nil }
        let context = SpanContext(
            traceID: TraceID(high: high, low: low), spanID: SpanID(span),
            traceFlags: TraceFlags(rawValue: UInt8(flags)),
            traceState: tracestate.map(TraceState.init(header:)) ?? TraceState(), isRemote: true)
        return context.isValid ? context : nil
    }

    private static func isLowerHex(_ bytes: ArraySlice<UInt8>) -> Bool {
        !bytes.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "F") }
    }
}
