import Tracing

/// What identifies a span across process boundaries: the part a `traceparent` header carries.
public struct SpanContext: Hashable, Sendable {
    public let traceID: TraceID
    public let spanID: SpanID
    public let traceFlags: TraceFlags
    public let traceState: TraceState
    /// True when the context came from another process (extracted or broadcast), so no span of ours owns it.
    public let isRemote: Bool

    public init(
        traceID: TraceID, spanID: SpanID, traceFlags: TraceFlags = .sampled,
        traceState: TraceState = TraceState(), isRemote: Bool = false
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.traceFlags = traceFlags
        self.traceState = traceState
        self.isRemote = isRemote
    }

    public var isValid: Bool { traceID.isValid && spanID.isValid }
    public var isSampled: Bool { traceFlags.isSampled }
}

/// The W3C `tracestate` list, kept in order.
public struct TraceState: Hashable, Sendable {
    public struct Entry: Hashable, Sendable {
        public let key: String
        public let value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public let entries: [Entry]

    public init(_ entries: [Entry] = []) {
        self.entries = entries
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// The `tracestate` header form: `k1=v1,k2=v2`.
    public var header: String {
        entries.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    /// Parses a `tracestate` header; malformed members are skipped, as the W3C specification allows.
    public init(header: String) {
        var parsed: [Entry] = []
        for member in header.split(separator: ",") {
            let trimmed = member.trimmingSpaces
            guard let equals = trimmed.firstIndex(of: "=") else { continue }
            let key = String(trimmed[..<equals])
            let value = String(trimmed[trimmed.index(after: equals)...])
            guard !key.isEmpty, !value.isEmpty, parsed.count < 32 else { continue }
            parsed.append(Entry(key: key, value: value))
        }
        self.init(parsed)
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while let first = s.first, first == " " || first == "\t" { s.removeFirst() }
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return s
    }
}

/// The span context as stored in an `InstrumentationContext`: a class, so that reading it back is a cheap
/// class cast instead of an existential-to-struct copy. `OTelSpan` is one, so a span's context stores the span
/// itself rather than a box allocated for it; a remote parent's context gets a box of its own.
public class SpanContextBox: @unchecked Sendable {
    // Immutable, and its one subclass is Sendable: what `@unchecked` vouches for.
    let value: SpanContext
    init(_ value: SpanContext) { self.value = value }
}

private enum SpanContextKey: InstrumentationContextKey {
    typealias Value = SpanContextBox
}

extension InstrumentationContext {
    /// The span context of the current span (or of a remote parent), if any.
    public var spanContext: SpanContext? {
        get { self[SpanContextKey.self]?.value }
        set { self[SpanContextKey.self] = newValue.map(SpanContextBox.init) }
    }

    var spanContextBox: SpanContextBox? {
        get { self[SpanContextKey.self] }
        set { self[SpanContextKey.self] = newValue }
    }
}
