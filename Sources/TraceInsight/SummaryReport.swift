import Telemetry

/// The two forms of a `TraceSummary`: a plain-text report for people and a JSON document for scripts.
public enum SummaryReport {
    /// How many critical paths, orphans and errors the text form lists before saying how many more there are.
    public static let textListLimit = 20

    // MARK: Text

    /// The plain-text report.
    public static func text(_ summary: TraceSummary) -> String {
        var lines: [String] = []
        let traces = summary.traceCount == 1 ? "1 trace" : "\(summary.traceCount) traces"
        let files = summary.files.count == 1 ? "1 file" : "\(summary.files.count) files"
        let numbered = summary.ranks.filter { $0.rank != nil }.count
        var headline = "\(summary.spanCount) spans in \(files), \(traces), \(numbered) rank\(numbered == 1 ? "" : "s")"
        if summary.spanCount > 0 {
            headline += ", wall time \(milliseconds(summary.wallTime)) ms"
            headline += " (\(Timestamp.iso(summary.start)) to \(Timestamp.iso(summary.end)))"
        }
        lines.append(headline)
        if summary.skippedLines > 0 { lines.append("skipped \(summary.skippedLines) invalid line(s)") }
        if summary.duplicates > 0 { lines.append("\(summary.duplicates) span(s) repeat an earlier span id (a file read twice?)") }
        guard summary.spanCount > 0 else { return lines.joined(separator: "\n") }

        lines.append("")
        lines.append("Spans by name (times in ms, by total time)")
        lines += table(
            header: ["name", "count", "total", "mean", "p50", "p95", "max"],
            rows: summary.names.map {
                [$0.name, "\($0.count)", milliseconds($0.total), milliseconds($0.mean), milliseconds($0.p50),
                 milliseconds($0.p95), milliseconds($0.max)]
            }, leftAligned: [0])

        lines.append("")
        lines.append("Ranks (busy: union of the rank's span intervals, without spans enclosing other ranks' spans)")
        lines += table(
            header: ["rank", "spans", "busy ms", "busy/mean", "first start ms", "last end ms"],
            rows: summary.ranks.map { r in
                [r.rank.map(String.init) ?? "?", "\(r.spans)", milliseconds(r.busy),
                 r.rank != nil && summary.meanBusy > 0 ? fixed(Double(r.busy) / summary.meanBusy, 3) : "-",
                 "+" + milliseconds(r.firstStart &- summary.start), "+" + milliseconds(r.lastEnd &- summary.start)]
            }, leftAligned: [])
        if let slowest = summary.slowestRank {
            lines.append(
                "load imbalance \(fixed(summary.imbalance, 3)): the slowest rank, \(slowest), was busy "
                    + "\(fixed((summary.imbalance - 1) * 100, 1)) % longer than the mean (\(milliseconds(summary.meanBusy)) ms)")
        }

        lines.append("")
        lines.append("Critical path (from the root, at each level the child that ends last; times in ms from the root's start)")
        for path in summary.criticalPaths.prefix(textListLimit) {
            if summary.criticalPaths.count > 1 { lines.append("trace \(path.traceID.hex)") }
            let origin = path.steps.first?.start ?? 0
            lines += table(
                header: ["start", "duration", "rank", "name"],
                rows: path.steps.enumerated().map { depth, step in
                    ["+" + milliseconds(step.start &- origin), milliseconds(step.duration), step.rank.map(String.init) ?? "?",
                     String(repeating: "  ", count: depth) + step.name]
                }, leftAligned: [3])
        }
        more(summary.criticalPaths.count, "trace(s)", into: &lines)

        lines.append("")
        if summary.orphans.isEmpty {
            lines.append("Orphans (parent not in the files): none")
        } else {
            lines.append("Orphans (parent not in the files): \(summary.orphans.count)")
            for o in summary.orphans.prefix(textListLimit) {
                lines.append("  \(o.name)  span \(o.spanID.hex)  parent \(o.parentID?.hex ?? "-")  rank \(o.rank.map(String.init) ?? "?")  trace \(o.traceID.hex)")
            }
            more(summary.orphans.count, "orphan(s)", into: &lines)
        }
        if summary.errors.isEmpty {
            lines.append("Errors: none")
        } else {
            lines.append("Errors: \(summary.errors.count)")
            for e in summary.errors.prefix(textListLimit) {
                lines.append("  \(e.name)  rank \(e.rank.map(String.init) ?? "?")  span \(e.spanID.hex)  at +\(milliseconds(e.start &- summary.start)) ms: \(e.description ?? "(no description)")")
            }
            more(summary.errors.count, "error(s)", into: &lines)
        }
        return lines.joined(separator: "\n")
    }

    private static func more(_ count: Int, _ what: String, into lines: inout [String]) {
        if count > textListLimit { lines.append("  … and \(count - textListLimit) more \(what) (--format json lists them all)") }
    }

    /// Columns padded to their widest cell; numbers right-aligned, the `leftAligned` columns left-aligned.
    static func table(header: [String], rows: [[String]], leftAligned: Set<Int>) -> [String] {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            var out = " "
            for (i, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                out += " " + (leftAligned.contains(i) ? cell + (i == cells.count - 1 ? "" : pad) : pad + cell)
            }
            return out
        }
        return [line(header)] + rows.map(line)
    }

    /// Nanoseconds as milliseconds with three decimals (microsecond resolution, the files' own).
    public static func milliseconds(_ nanos: UInt64) -> String {
        let micros = (nanos + 500) / 1000
        let fraction = String(micros % 1000)
        return "\(micros / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    public static func milliseconds(_ nanos: Double) -> String {
        milliseconds(UInt64(nanos.rounded()))
    }

    /// `value` with `digits` decimals.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int64((abs(value) * scale).rounded())
        let unit = Int64(scale)
        var fraction = String(scaled % unit)
        fraction = String(repeating: "0", count: digits - fraction.count) + fraction
        return (value < 0 && scaled != 0 ? "-" : "") + "\(scaled / unit)" + (digits > 0 ? "." + fraction : "")
    }

    // MARK: JSON

    /// The JSON document: every figure in nanoseconds, every list complete.
    public static func json(_ summary: TraceSummary) -> String {
        var w = JSONOutput()
        w.raw("{")
        w.key("files", first: true)
        w.array(summary.files) { $0.string($1) }
        w.key("spans"); w.int(summary.spanCount)
        w.key("skipped_lines"); w.int(summary.skippedLines)
        w.key("duplicate_spans"); w.int(summary.duplicates)
        w.key("traces"); w.int(summary.traceCount)
        w.key("start_time"); w.string(summary.spanCount > 0 ? Timestamp.iso(summary.start) : "")
        w.key("end_time"); w.string(summary.spanCount > 0 ? Timestamp.iso(summary.end) : "")
        w.key("start_unix_nano"); w.int(summary.start)
        w.key("wall_time_ns"); w.int(summary.wallTime)
        w.key("names")
        w.array(summary.names) { w, n in
            w.raw("{")
            w.key("name", first: true); w.string(n.name)
            w.key("count"); w.int(n.count)
            w.key("total_ns"); w.int(n.total)
            w.key("mean_ns"); w.double(n.mean)
            w.key("p50_ns"); w.int(n.p50)
            w.key("p95_ns"); w.int(n.p95)
            w.key("max_ns"); w.int(n.max)
            w.raw("}")
        }
        w.key("ranks")
        w.array(summary.ranks) { w, r in
            w.raw("{")
            w.key("rank", first: true)
            if let rank = r.rank { w.int(rank) } else { w.raw("null") }
            w.key("spans"); w.int(r.spans)
            w.key("busy_ns"); w.int(r.busy)
            w.key("first_start_ns"); w.int(r.firstStart &- summary.start)
            w.key("last_end_ns"); w.int(r.lastEnd &- summary.start)
            w.raw("}")
        }
        w.key("mean_busy_ns"); w.double(summary.meanBusy)
        w.key("load_imbalance"); w.double(summary.imbalance)
        w.key("slowest_rank")
        if let slowest = summary.slowestRank { w.int(slowest) } else { w.raw("null") }
        w.key("critical_paths")
        w.array(summary.criticalPaths) { w, path in
            w.raw("{")
            w.key("trace_id", first: true); w.string(path.traceID.hex)
            w.key("steps")
            w.array(path.steps) { span(&$0, $1, origin: summary.start) }
            w.raw("}")
        }
        w.key("orphans")
        w.array(summary.orphans) { span(&$0, $1, origin: summary.start) }
        w.key("errors")
        w.array(summary.errors) { span(&$0, $1, origin: summary.start) }
        w.raw("}")
        return w.text
    }

    private static func span(_ w: inout JSONOutput, _ s: TraceSummary.SpanReference, origin: UInt64) {
        w.raw("{")
        w.key("name", first: true); w.string(s.name)
        w.key("trace_id"); w.string(s.traceID.hex)
        w.key("span_id"); w.string(s.spanID.hex)
        w.key("parent_id")
        if let parent = s.parentID { w.string(parent.hex) } else { w.raw("null") }
        w.key("rank")
        if let rank = s.rank { w.int(rank) } else { w.raw("null") }
        w.key("start_ns"); w.int(s.start &- origin)
        w.key("duration_ns"); w.int(s.duration)
        if let description = s.description {
            w.key("description"); w.string(description)
        }
        w.raw("}")
    }
}
