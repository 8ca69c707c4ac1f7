import Dispatch
import Synchronization
import Telemetry

/// Where the time of a recorded trace went: statistics per span name and per rank, the critical path,
/// orphans and errors. `TraceSummary.read(_:)` builds it in one streaming pass over the files.
///
/// Definitions (the figures are exact, in nanoseconds):
/// - **Percentiles** use the nearest-rank method: the p-th percentile of n sorted durations is the
///   ⌈p·n/100⌉-th smallest, always a duration that occurred (p50 of 1, 2, 3, 4 is 2).
/// - **Busy time** of a rank is the length of the union of the intervals of that rank's spans, leaving out
///   the spans that enclose other ranks' spans (a descendant on another rank), such as rank 0's collective
///   `cli` span, which lasts until the slowest rank finishes and so measures the job, not the rank.
///   Nested spans are counted once; time no span covers is idle.
/// - **Load imbalance** is the busy time of the slowest rank over the mean busy time of the ranks (1.0 is a
///   perfect balance; 1.25 means the slowest rank was busy 25 % longer than the mean). Spans without an
///   `mpi.rank` are listed as rank `?` and left out of the imbalance.
/// - **Critical path** of a trace: start at its root (the span without a parent id; when several, the one that
///   ends last; when none, the orphan that ends last), then repeatedly step to the child that ends last (ties:
///   the one that starts first, then the one read first) until a span without children. It is the chain of
///   spans that kept the trace from finishing earlier.
/// - **Orphans** are spans whose parent id names no span of the files (same trace id).
public struct TraceSummary: Sendable, Equatable {
    /// The statistics of the spans sharing a name.
    public struct NameStatistics: Sendable, Equatable {
        public var name: String
        public var count: Int
        public var total: UInt64
        public var mean: Double
        public var p50: UInt64
        public var p95: UInt64
        public var max: UInt64
    }

    /// What one rank did.
    public struct RankStatistics: Sendable, Equatable {
        /// nil for spans that carry no `mpi.rank`.
        public var rank: Int?
        public var spans: Int
        /// See the type's documentation.
        public var busy: UInt64
        /// From the rank's first span start to its last span end.
        public var firstStart: UInt64
        public var lastEnd: UInt64
    }

    /// A span named in the report (a step of the critical path, an orphan, an error).
    public struct SpanReference: Sendable, Equatable {
        public var name: String
        public var traceID: TraceID
        public var spanID: SpanID
        public var parentID: SpanID?
        public var rank: Int?
        public var start: UInt64
        public var end: UInt64
        /// The status description of an ERROR span (nil when it has none).
        public var description: String?

        public var duration: UInt64 { end >= start ? end - start : 0 }
    }

    /// The critical path of one trace, root first.
    public struct CriticalPath: Sendable, Equatable {
        public var traceID: TraceID
        public var steps: [SpanReference]
    }

    public var files: [String] = []
    public var spanCount = 0
    public var skippedLines = 0
    public var traceCount = 0
    /// The earliest start and the latest end of all spans (0 when there is none).
    public var start: UInt64 = 0
    public var end: UInt64 = 0
    /// By total time, longest first (ties by name).
    public var names: [NameStatistics] = []
    /// By rank; the rank `?` last.
    public var ranks: [RankStatistics] = []
    /// Mean busy time over the ranks with a number.
    public var meanBusy: Double = 0
    /// Slowest busy time over the mean; 1 when there is at most one rank.
    public var imbalance: Double = 1
    public var slowestRank: Int?
    /// One per trace, by root start time.
    public var criticalPaths: [CriticalPath] = []
    public var orphans: [SpanReference] = []
    public var errors: [SpanReference] = []
    /// Spans that repeat an earlier (trace id, span id).
    public var duplicates = 0

    public var wallTime: UInt64 { end >= start ? end - start : 0 }

    public init() {}

    /// Reads every span of `source` once and summarises them; the files are decoded in parallel, one per core.
    public static func read(_ source: TraceSource) throws(TraceInsightError) -> TraceSummary {
        struct Part: Sendable {
            var table = SpanTable()
            var descriptions: [Int: String] = [:]
            var skipped = 0
        }
        let files = source.files
        let parts = Mutex<[Result<Part, TraceInsightError>?]>(Array(repeating: nil, count: files.count))
        DispatchQueue.concurrentPerform(iterations: files.count) { f in
            var part = Part()
            let one = TraceSource(files: [files[f]], skipInvalid: source.skipInvalid, maxLineLength: source.maxLineLength)
            let result: Result<Part, TraceInsightError>
            do throws(TraceInsightError) {
                part.skipped = try one.forEachSpan { span in
                    let i = part.table.add(span)
                    if case .error(let description?) = span.status { part.descriptions[i] = description }
                }
                result = .success(part)
            } catch {
                result = .failure(error)
            }
            parts.withLock { $0[f] = result }
        }
        // Merge in file order, so the result is the one a sequential read gives.
        var table = SpanTable()
        table.reserveCapacity(parts.withLock { $0.reduce(0) { n, part in n + ((try? part?.get())?.table.count ?? 0) } })
        var descriptions: [Int: String] = [:]
        var skipped = 0
        for f in files.indices {
            guard let result = parts.withLock({ p -> Result<Part, TraceInsightError>? in
                defer { p[f] = nil }
                return p[f]
            }) else { continue }
            let part = try result.get()
            let offset = table.append(part.table)
            for (i, description) in part.descriptions { descriptions[offset + i] = description }
            skipped += part.skipped
        }
        var summary = make(table, errorDescriptions: descriptions)
        summary.files = source.files
        summary.skippedLines = skipped
        return summary
    }

    /// Summarises the spans of `table` (linked here); `errorDescriptions` maps span indices to descriptions.
    public static func make(_ table: SpanTable, errorDescriptions: [Int: String] = [:]) -> TraceSummary {
        var table = table
        table.link()
        var summary = TraceSummary()
        let spans = table.spans
        summary.spanCount = spans.count
        summary.duplicates = table.duplicates
        if let first = spans.first {
            summary.start = spans.reduce(first.start) { Swift.min($0, $1.start) }
            summary.end = spans.reduce(first.end) { Swift.max($0, $1.end) }
        }
        summary.names = nameStatistics(table)
        rankStatistics(table, into: &summary)
        summary.criticalPaths = criticalPaths(table)
        summary.traceCount = summary.criticalPaths.count
        for i in spans.indices where table.parents[i] == SpanTable.orphan {
            summary.orphans.append(reference(table, i))
        }
        for i in spans.indices where spans[i].isError {
            var ref = reference(table, i)
            ref.description = errorDescriptions[i]
            summary.errors.append(ref)
        }
        // By start time; spans starting together stay in reading order.
        summary.orphans = stableSortedByStart(summary.orphans)
        summary.errors = stableSortedByStart(summary.errors)
        return summary
    }

    static func stableSortedByStart(_ spans: [SpanReference]) -> [SpanReference] {
        spans.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }.map(\.element)
    }

    static func reference(_ table: SpanTable, _ i: Int) -> SpanReference {
        let s = table.spans[i]
        return SpanReference(
            name: table.names[Int(s.name)], traceID: s.traceID, spanID: SpanID(s.spanID),
            parentID: s.parentID == 0 ? nil : SpanID(s.parentID), rank: s.rank < 0 ? nil : Int(s.rank),
            start: s.start, end: s.end, description: nil)
    }

    /// The nearest-rank percentile `p` (1…100) of `sorted` (ascending, not empty).
    public static func percentile(_ p: Int, of sorted: UnsafeBufferPointer<UInt64>) -> UInt64 {
        let n = sorted.count
        let k = Swift.max(1, (p * n + 99) / 100)
        return sorted[Swift.min(k, n) - 1]
    }

    static func nameStatistics(_ table: SpanTable) -> [NameStatistics] {
        // Group the durations by name with a counting sort: one array of 8 bytes a span.
        let nameCount = table.names.count
        var offsets = [Int](repeating: 0, count: nameCount + 1)
        for s in table.spans { offsets[Int(s.name) + 1] += 1 }
        for i in 0..<nameCount { offsets[i + 1] += offsets[i] }
        var fill = offsets
        var durations = [UInt64](repeating: 0, count: table.spans.count)
        for s in table.spans {
            durations[fill[Int(s.name)]] = s.duration
            fill[Int(s.name)] += 1
        }
        var result: [NameStatistics] = []
        result.reserveCapacity(nameCount)
        durations.withUnsafeMutableBufferPointer { all in
            for n in 0..<nameCount {
                var segment = UnsafeMutableBufferPointer(rebasing: all[offsets[n]..<offsets[n + 1]])
                guard !segment.isEmpty else { continue }
                segment.sort()
                let sorted = UnsafeBufferPointer(segment)
                let total = sorted.reduce(0, &+)
                result.append(NameStatistics(
                    name: table.names[n], count: sorted.count, total: total,
                    mean: Double(total) / Double(sorted.count), p50: percentile(50, of: sorted),
                    p95: percentile(95, of: sorted), max: sorted[sorted.count - 1]))
            }
        }
        return result.sorted { $0.total != $1.total ? $0.total > $1.total : $0.name < $1.name }
    }

    /// Marks the spans that have a descendant on another rank (both ranks known).
    static func enclosingOtherRanks(_ table: SpanTable) -> [Bool] {
        let spans = table.spans
        var encloses = [Bool](repeating: false, count: spans.count)
        // The rank (+1) whose climb last passed a span: a later climb for the same rank stops there.
        var climbedFor = [Int32](repeating: 0, count: spans.count)
        for i in spans.indices {
            let rank = spans[i].rank
            guard rank >= 0, table.parents[i] >= 0 else { continue }
            var a = Int(table.parents[i])
            guard spans[a].rank >= 0, spans[a].rank != rank else { continue }
            while climbedFor[a] != rank + 1 {
                climbedFor[a] = rank + 1
                if spans[a].rank >= 0 && spans[a].rank != rank { encloses[a] = true }
                guard table.parents[a] >= 0 else { break }
                a = Int(table.parents[a])
            }
        }
        return encloses
    }

    static func rankStatistics(_ table: SpanTable, into summary: inout TraceSummary) {
        let spans = table.spans
        let encloses = enclosingOtherRanks(table)
        // Group span indices by rank (-1 last).
        var byRank: [Int32: [Int32]] = [:]
        for i in spans.indices { byRank[spans[i].rank, default: []].append(Int32(i)) }
        let order = byRank.keys.sorted { ($0 < 0 ? 1 : 0, $0) < ($1 < 0 ? 1 : 0, $1) }
        for rank in order {
            let members = byRank[rank]!
            var intervals: [(UInt64, UInt64)] = []
            intervals.reserveCapacity(members.count)
            var first = UInt64.max
            var last: UInt64 = 0
            for i in members {
                let s = spans[Int(i)]
                first = Swift.min(first, s.start)
                last = Swift.max(last, s.end)
                if !encloses[Int(i)] && s.end > s.start { intervals.append((s.start, s.end)) }
            }
            summary.ranks.append(RankStatistics(
                rank: rank < 0 ? nil : Int(rank), spans: members.count, busy: unionLength(&intervals),
                firstStart: first, lastEnd: last))
        }
        let numbered = summary.ranks.filter { $0.rank != nil }
        guard !numbered.isEmpty else { return }
        summary.meanBusy = Double(numbered.reduce(0) { $0 + $1.busy }) / Double(numbered.count)
        let slowest = numbered.max { $0.busy != $1.busy ? $0.busy < $1.busy : $0.rank! > $1.rank! }!
        summary.slowestRank = slowest.rank
        summary.imbalance = summary.meanBusy > 0 ? Double(slowest.busy) / summary.meanBusy : 1
    }

    /// The length of the union of half-open intervals.
    static func unionLength(_ intervals: inout [(UInt64, UInt64)]) -> UInt64 {
        intervals.sort { $0.0 < $1.0 }
        var total: UInt64 = 0
        var current: (UInt64, UInt64)?
        for interval in intervals {
            if let c = current, interval.0 <= c.1 {
                current = (c.0, Swift.max(c.1, interval.1))
            } else {
                if let c = current { total += c.1 - c.0 }
                current = interval
            }
        }
        if let c = current { total += c.1 - c.0 }
        return total
    }

    /// Whether span `a` is a better pick than `b` (for a root or a child): it ends later, else starts earlier,
    /// else was read first.
    static func preferred(_ a: Int, over b: Int, in spans: [CompactSpan]) -> Bool {
        if spans[a].end != spans[b].end { return spans[a].end > spans[b].end }
        if spans[a].start != spans[b].start { return spans[a].start < spans[b].start }
        return a < b
    }

    static func criticalPaths(_ table: SpanTable) -> [CriticalPath] {
        let spans = table.spans
        struct TraceKey: Hashable { let high: UInt64, low: UInt64 }
        // Per trace: the best root, and the best orphan for traces without a root.
        var roots: [TraceKey: Int] = [:]
        var orphans: [TraceKey: Int] = [:]
        var order: [TraceKey] = []
        for i in spans.indices where table.parents[i] < 0 {
            let key = TraceKey(high: spans[i].traceHigh, low: spans[i].traceLow)
            if roots[key] == nil && orphans[key] == nil { order.append(key) }
            if table.parents[i] == SpanTable.root {
                if let r = roots[key], !preferred(i, over: r, in: spans) { continue }
                roots[key] = i
            } else {
                if let r = orphans[key], !preferred(i, over: r, in: spans) { continue }
                orphans[key] = i
            }
        }
        var paths: [(start: UInt64, path: CriticalPath)] = []
        for key in order {
            guard let top = roots[key] ?? orphans[key] else { continue }
            var steps = [reference(table, top)]
            var current = top
            var visited: Set<Int> = [top]
            while true {
                var best: Int?
                for c in table.children(of: current) {
                    if let b = best, !preferred(Int(c), over: b, in: spans) { continue }
                    best = Int(c)
                }
                guard let next = best, visited.insert(next).inserted else { break }
                steps.append(reference(table, next))
                current = next
            }
            paths.append((spans[top].start, CriticalPath(traceID: TraceID(high: key.high, low: key.low), steps: steps)))
        }
        return paths.sorted { $0.start != $1.start ? $0.start < $1.start : $0.path.traceID < $1.path.traceID }.map(\.path)
    }
}
