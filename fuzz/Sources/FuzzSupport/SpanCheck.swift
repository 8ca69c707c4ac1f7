import Exporters
import Telemetry

/// Invariants of decoded spans that hold whatever line they came from.
public enum SpanCheck {
    /// A decoded span must survive our own JSON Lines file: `replay-otel` writes what it read, and the next run
    /// (or the Python tools) must read it back. Encoding keeps microseconds, so times may move by < 1 µs; nothing
    /// else may change, and encoding the re-read span must give the same line.
    public static func survivesJSONLines(_ span: SpanRecord, origin: @autoclosure () -> String) {
        var encoder = JSONLinesEncoder()
        encoder.encode(span)
        let line = encoder.bytes
        guard line.last == UInt8(ascii: "\n"), !line.dropLast().contains(UInt8(ascii: "\n")) else {
            Fuzz.violated("the encoding is not one line\n  from: \(origin())\n  line: \(String(forMessage: line))")
        }
        var decoder = JSONLinesDecoder()
        let again: SpanRecord
        do {
            again = try line.withUnsafeBufferPointer { all throws(JSONScanError) in
                try decoder.decode(UnsafeBufferPointer(rebasing: all.dropLast()))
            }
        } catch {
            Fuzz.violated("our own line does not decode (\(error.reason) at \(error.offset))\n  from: \(origin())\n"
                + "  line: \(String(forMessage: line))")
        }
        if let difference = difference(span, again, roundingTimes: true) {
            Fuzz.violated("the span changed through JSON Lines: \(difference)\n  from: \(origin())\n"
                + "  line: \(String(forMessage: line))")
        }
        var second = JSONLinesEncoder()
        second.encode(again)
        guard second.bytes == line else {
            Fuzz.violated("encoding is not stable\n  from: \(origin())\n  first:  \(String(forMessage: line))\n"
                + "  second: \(String(forMessage: second.bytes))")
        }
    }

    /// The first field in which `a` and `b` differ, or nil. NaN equals NaN; with `roundingTimes`, `b`'s times are
    /// `a`'s rounded to the microsecond, as the JSON Lines layout writes them.
    public static func difference(_ a: SpanRecord, _ b: SpanRecord, roundingTimes: Bool) -> String? {
        func time(_ t: UInt64) -> UInt64 {
            guard roundingTimes else { return t }
            // To the nearest microsecond, but never past the last one a UInt64 of nanoseconds holds.
            return min(t / 1000 + (t % 1000 >= 500 ? 1 : 0), UInt64.max / 1000) * 1000
        }
        if a.name != b.name { return "name \(a.name.debugDescription) → \(b.name.debugDescription)" }
        if a.context != b.context { return "context \(a.context) → \(b.context)" }
        if a.parentSpanID != b.parentSpanID { return "parent \(String(describing: a.parentSpanID)) → \(String(describing: b.parentSpanID))" }
        if a.kind != b.kind { return "kind \(a.kind) → \(b.kind)" }
        if time(a.startTimeNanos) != b.startTimeNanos { return "start \(a.startTimeNanos) → \(b.startTimeNanos)" }
        if time(a.endTimeNanos) != b.endTimeNanos { return "end \(a.endTimeNanos) → \(b.endTimeNanos)" }
        if a.status != b.status { return "status \(a.status) → \(b.status)" }
        if let d = difference(a.attributes, b.attributes) { return "attributes: \(d)" }
        if a.events.count != b.events.count { return "\(a.events.count) events → \(b.events.count)" }
        for (i, (x, y)) in zip(a.events, b.events).enumerated() {
            if x.name != y.name { return "event \(i) name \(x.name.debugDescription) → \(y.name.debugDescription)" }
            if time(x.timeNanos) != y.timeNanos { return "event \(i) time \(x.timeNanos) → \(y.timeNanos)" }
            if let d = difference(x.attributes, y.attributes) { return "event \(i) attributes: \(d)" }
            if x.droppedAttributes != y.droppedAttributes { return "event \(i) dropped \(x.droppedAttributes) → \(y.droppedAttributes)" }
        }
        if a.links.count != b.links.count { return "\(a.links.count) links → \(b.links.count)" }
        for (i, (x, y)) in zip(a.links, b.links).enumerated() {
            if x.context != y.context { return "link \(i) context \(x.context) → \(y.context)" }
            if let d = difference(x.attributes, y.attributes) { return "link \(i) attributes: \(d)" }
            if x.droppedAttributes != y.droppedAttributes { return "link \(i) dropped \(x.droppedAttributes) → \(y.droppedAttributes)" }
        }
        if let d = difference(a.resource.attributes, b.resource.attributes) { return "resource attributes: \(d)" }
        if a.resource.schemaURL != b.resource.schemaURL { return "schema URL \(a.resource.schemaURL.debugDescription) → \(b.resource.schemaURL.debugDescription)" }
        if a.scope != b.scope { return "scope \(String(describing: a.scope)) → \(String(describing: b.scope))" }
        if a.droppedAttributes != b.droppedAttributes { return "dropped attributes \(a.droppedAttributes) → \(b.droppedAttributes)" }
        if a.droppedEvents != b.droppedEvents { return "dropped events \(a.droppedEvents) → \(b.droppedEvents)" }
        if a.droppedLinks != b.droppedLinks { return "dropped links \(a.droppedLinks) → \(b.droppedLinks)" }
        return nil
    }

    static func difference(_ a: Attributes, _ b: Attributes) -> String? {
        if a.count != b.count { return "\(a.count) → \(b.count)" }
        for (x, y) in zip(a, b) {
            if x.key != y.key { return "key \(x.key.debugDescription) → \(y.key.debugDescription)" }
            if !same(x.value, y.value) { return "'\(x.key)' \(x.value) → \(y.value)" }
        }
        return nil
    }

    static func same(_ a: AttributeValue, _ b: AttributeValue) -> Bool {
        func same(_ x: Double, _ y: Double) -> Bool { x == y || (x.isNaN && y.isNaN) }
        switch (a, b) {
        case (.double(let x), .double(let y)): return same(x, y)
        case (.doubleArray(let x), .doubleArray(let y)): return x.count == y.count && zip(x, y).allSatisfy(same)
        default: return a == b
        }
    }
}
