import Telemetry

/// Writes a trace in the Chrome trace event format (the JSON object form), which `chrome://tracing`,
/// ui.perfetto.dev and speedscope open as they are.
///
/// - one process per rank (`pid` = rank + 1, named `rank N (service)` by `process_name` metadata, sorted by rank);
/// - one thread per track of `TrackLayout` (`tid`s unique across processes, named by `thread_name`), so slices
///   nest exactly as the spans do;
/// - each span a complete event (`"ph": "X"`) with `ts` and `dur` in microseconds from the trace's first start
///   (exact: nanoseconds become three decimals), its attributes as `args` plus `otel.trace_id`, `otel.span_id`,
///   `otel.parent_id`, `otel.status_code` and `otel.status_description`;
/// - each span event an instant event (`"ph": "i"`, thread scope) on the span's track.
public enum ChromeTrace {
    /// Writes the trace of `source` to `output`; returns the number of spans written.
    @discardableResult
    public static func write(_ source: TraceSource, to output: OutputFile) throws(TraceInsightError) -> Int {
        let trace = try LaidOutTrace(source)
        try write(trace, to: output)
        return trace.table.count
    }

    public static func write(_ trace: LaidOutTrace, to output: OutputFile) throws(TraceInsightError) {
        let tracks = trace.layout.tracks
        let maxRank = tracks.compactMap(\.rank).max() ?? -1
        func pid(_ rank: Int?) -> Int { (rank ?? (maxRank + 1)) + 1 }
        try output.write { w in
            w.raw("{\"traceEvents\": [\n")
            var seen = Set<Int>()
            var first = true
            func separator(_ w: inout JSONOutput) {
                if !first { w.raw(",\n") }
                first = false
            }
            for (t, track) in tracks.enumerated() {
                let p = pid(track.rank)
                if seen.insert(p).inserted {
                    separator(&w)
                    metadata(&w, "process_name", pid: p, tid: 0) { $0.key("name", first: true); $0.string(trace.processLabel(rank: track.rank)) }
                    w.raw(",\n")
                    metadata(&w, "process_sort_index", pid: p, tid: 0) { $0.key("sort_index", first: true); $0.int(p) }
                }
                w.raw(",\n")
                metadata(&w, "thread_name", pid: p, tid: t + 1) { $0.key("name", first: true); $0.string(trace.trackLabel(track)) }
                w.raw(",\n")
                metadata(&w, "thread_sort_index", pid: p, tid: t + 1) { $0.key("sort_index", first: true); $0.int(t + 1) }
            }
        }
        // Each span's events go to a spill file in reading order, then out in time order: viewers nest
        // complete events that start together by their order in the file, so the enclosing one must come first.
        let spill = try SpillFile()
        var pieces = [(offset: Int, length: Int)](repeating: (0, 0), count: trace.table.count)
        let origin = trace.start
        try trace.forEachSpanAgain { index, span throws(TraceInsightError) in
            let t = Int(trace.layout.trackOfSpan[index])
            let p = pid(tracks[t].rank)
            pieces[index] = try spill.append { w in
                w.raw(",\n{\"name\": ")
                w.string(span.name)
                w.raw(", \"cat\": ")
                w.string(category(span))
                w.raw(", \"ph\": \"X\", \"ts\": ")
                w.micros(fromNanos: span.startTimeNanos &- origin)
                w.raw(", \"dur\": ")
                w.micros(fromNanos: span.endTimeNanos >= span.startTimeNanos ? span.endTimeNanos - span.startTimeNanos : 0)
                w.raw(", \"pid\": \(p), \"tid\": \(t + 1), \"args\": ")
                args(&w, span)
                w.raw("}")
                for event in span.events {
                    let time = min(max(event.timeNanos, span.startTimeNanos), max(span.endTimeNanos, span.startTimeNanos))
                    w.raw(",\n{\"name\": ")
                    w.string(event.name)
                    w.raw(", \"cat\": \"event\", \"ph\": \"i\", \"s\": \"t\", \"ts\": ")
                    w.micros(fromNanos: time &- origin)
                    w.raw(", \"pid\": \(p), \"tid\": \(t + 1), \"args\": ")
                    w.attributes(event.attributes)
                    w.raw("}")
                }
            }
        }
        var first = tracks.isEmpty
        for index in timeOrder(trace.table) {
            let piece = pieces[index]
            guard piece.length > 0 else { continue }
            var failure: TraceInsightError?
            try output.write { w in
                do throws(TraceInsightError) {
                    // Every piece starts with ",\n"; the very first event of the file must not.
                    try spill.copy(offset: piece.offset + (first ? 2 : 0), length: piece.length - (first ? 2 : 0), into: &w)
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
            first = false
        }
        try output.write { w in
            w.raw("\n],\n\"displayTimeUnit\": \"ms\",\n\"otherData\": {")
            w.key("generator", first: true); w.string("bsb trace export")
            w.key("trace_start"); w.string(trace.table.count > 0 ? Timestamp.iso(origin) : "")
            w.key("trace_start_unix_nano"); w.int(origin)
            w.key("spans"); w.int(trace.table.count)
            w.key("files"); w.array(trace.source.files) { $0.string($1) }
            w.raw("}}\n")
        }
        try output.flush()
    }

    /// Span indices by start time, then end time descending, then depth: parents before children that start
    /// with them.
    static func timeOrder(_ table: SpanTable) -> [Int] {
        let depths = table.depths()
        let spans = table.spans
        return spans.indices.sorted { a, b in
            let x = spans[a], y = spans[b]
            if x.start != y.start { return x.start < y.start }
            if x.end != y.end { return x.end > y.end }
            if depths[a] != depths[b] { return depths[a] < depths[b] }
            return a < b
        }
    }

    private static func metadata(_ w: inout JSONOutput, _ name: StaticString, pid: Int, tid: Int, _ args: (inout JSONOutput) -> Void) {
        w.raw("{\"name\": \"")
        w.raw(name)
        w.raw("\", \"ph\": \"M\", \"pid\": \(pid), \"tid\": \(tid), \"args\": {")
        args(&w)
        w.raw("}}")
    }

    /// The event category: the BSB component type when the span has one, else the instrumentation scope.
    static func category(_ span: SpanRecord) -> String {
        if case .string(let type)? = span.attributes["bsb.component_type"] { return type }
        return span.scope?.name ?? "span"
    }

    /// The span's attributes, then its ids and status under `otel.*` keys.
    static func args(_ w: inout JSONOutput, _ span: SpanRecord) {
        w.raw("{")
        var first = true
        for attribute in span.attributes {
            w.key(attribute.key, first: first)
            w.value(attribute.value)
            first = false
        }
        w.key("otel.trace_id", first: first); w.string(span.context.traceID.hex)
        w.key("otel.span_id"); w.string(span.context.spanID.hex)
        w.key("otel.parent_id")
        if let parent = span.parentSpanID { w.string(parent.hex) } else { w.raw("null") }
        if span.kind != .internal { w.key("otel.kind"); w.string(span.kind.rawValue) }
        switch span.status {
        case .unset: break
        case .ok: w.key("otel.status_code"); w.string("OK")
        case .error(let description):
            w.key("otel.status_code"); w.string("ERROR")
            if let description { w.key("otel.status_description"); w.string(description) }
        }
        w.raw("}")
    }
}
