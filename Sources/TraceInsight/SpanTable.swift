import Telemetry

/// What the analyses keep of one span: ids, parent, times, and indices into the name and thread tables.
///
/// 64 bytes a span, whatever its attributes and events, so a million-span trace fits in 64 MB.
public struct CompactSpan: Sendable, Equatable {
    public var traceHigh: UInt64
    public var traceLow: UInt64
    public var spanID: UInt64
    /// The parent's span id; 0 for a root.
    public var parentID: UInt64
    public var start: UInt64
    public var end: UInt64
    /// Index into `SpanTable.names`.
    public var name: Int32
    /// The `mpi.rank` attribute (of the span, else of its resource); -1 when unknown.
    public var rank: Int32
    /// Index into `SpanTable.threads`; -1 when the span names no thread.
    public var thread: Int32
    public var isError: Bool

    /// The duration in nanoseconds; 0 for a span that ends before it starts.
    public var duration: UInt64 { end >= start ? end - start : 0 }
    public var traceID: TraceID { TraceID(high: traceHigh, low: traceLow) }
}

/// The compact spans of a trace, in reading order, with their names and threads interned and, once
/// `link()` has run, each span's parent and children as indices.
public struct SpanTable: Sendable {
    public private(set) var spans: [CompactSpan] = []
    public private(set) var names: [String] = []
    /// Thread labels: `thread.name` when present, else `thread <thread.id>`.
    public private(set) var threads: [String] = []
    private var nameIndex: [String: Int32] = [:]
    private var threadIndex: [String: Int32] = [:]

    /// The parent's index; `SpanTable.root` for a root, `SpanTable.orphan` when the parent is not in the table.
    public private(set) var parents: [Int32] = []
    /// Children of span `i`: `childList[childStart[i]..<childStart[i + 1]]`, in reading order.
    public private(set) var childStart: [Int32] = []
    public private(set) var childList: [Int32] = []
    /// Spans whose (trace id, span id) was already seen; their children hang on the first one.
    public private(set) var duplicates = 0

    public static let root: Int32 = -1
    public static let orphan: Int32 = -2

    public init() {}

    public var count: Int { spans.count }

    /// Appends `record`; returns its index.
    @discardableResult
    public mutating func add(_ record: SpanRecord) -> Int {
        let name = intern(record.name, &names, &nameIndex)
        var thread: Int32 = -1
        if let label = Self.threadLabel(record) { thread = intern(label, &threads, &threadIndex) }
        let isError: Bool
        if case .error = record.status { isError = true } else { isError = false }
        spans.append(CompactSpan(
            traceHigh: record.context.traceID.high, traceLow: record.context.traceID.low,
            spanID: record.context.spanID.value, parentID: record.parentSpanID?.value ?? 0,
            start: record.startTimeNanos, end: record.endTimeNanos, name: name, rank: Self.rank(of: record),
            thread: thread, isError: isError))
        return spans.count - 1
    }

    public mutating func reserveCapacity(_ n: Int) { spans.reserveCapacity(n) }

    /// Appends the spans of `other` (not linked yet), keeping their order; returns the index of its first span.
    @discardableResult
    public mutating func append(_ other: SpanTable) -> Int {
        let first = spans.count
        let names = other.names.map { intern($0, &self.names, &nameIndex) }
        let threads = other.threads.map { intern($0, &self.threads, &threadIndex) }
        spans.reserveCapacity(spans.count + other.spans.count)
        for var span in other.spans {
            span.name = names[Int(span.name)]
            if span.thread >= 0 { span.thread = threads[Int(span.thread)] }
            spans.append(span)
        }
        return first
    }

    private func intern(_ text: String, _ table: inout [String], _ index: inout [String: Int32]) -> Int32 {
        if let i = index[text] { return i }
        let i = Int32(table.count)
        table.append(text)
        index[text] = i
        return i
    }

    /// The rank a span ran on: its `mpi.rank` attribute, else its resource's; -1 when neither says.
    public static func rank(of record: SpanRecord) -> Int32 {
        for attributes in [record.attributes, record.resource.attributes] {
            switch attributes["mpi.rank"] {
            case .int(let v)?: return Int32(clamping: v)
            case .string(let s)?: if let v = Int32(s) { return v }
            case .double(let d)? where d == d.rounded() && abs(d) < 1e9: return Int32(d)
            default: continue
            }
        }
        return -1
    }

    /// The thread a span ran on, from `thread.name` or `thread.id`; nil when it names none.
    public static func threadLabel(_ record: SpanRecord) -> String? {
        if case .string(let name)? = record.attributes["thread.name"], !name.isEmpty { return name }
        switch record.attributes["thread.id"] {
        case .int(let v)?: return "thread \(v)"
        case .string(let s)?: return "thread \(s)"
        default: return nil
        }
    }

    private struct Key: Hashable {
        let high: UInt64, low: UInt64, span: UInt64
    }

    /// Resolves every parent id to an index and builds the child lists.
    public mutating func link() {
        var index: [Key: Int32] = [:]
        index.reserveCapacity(spans.count)
        duplicates = 0
        for (i, span) in spans.enumerated() {
            let key = Key(high: span.traceHigh, low: span.traceLow, span: span.spanID)
            if index[key] == nil { index[key] = Int32(i) } else { duplicates += 1 }
        }
        parents = [Int32](repeating: Self.root, count: spans.count)
        var childCount = [Int32](repeating: 0, count: spans.count + 1)
        for (i, span) in spans.enumerated() where span.parentID != 0 {
            if let p = index[Key(high: span.traceHigh, low: span.traceLow, span: span.parentID)], p != Int32(i) {
                parents[i] = p
                childCount[Int(p)] += 1
            } else {
                parents[i] = Self.orphan
            }
        }
        // Prefix sums, then fill.
        childStart = [Int32](repeating: 0, count: spans.count + 1)
        for i in 0..<spans.count { childStart[i + 1] = childStart[i] + childCount[i] }
        var fill = Array(childStart.dropLast())
        childList = [Int32](repeating: 0, count: Int(childStart[spans.count]))
        for i in 0..<spans.count where parents[i] >= 0 {
            let p = Int(parents[i])
            childList[Int(fill[p])] = Int32(i)
            fill[p] += 1
        }
    }

    /// The children of span `i` (after `link()`).
    public func children(of i: Int) -> ArraySlice<Int32> {
        childList[Int(childStart[i])..<Int(childStart[i + 1])]
    }

    /// Each span's depth in its tree (0 for roots and orphans), after `link()`; safe against cyclic parent ids.
    public func depths() -> [Int32] {
        var depth = [Int32](repeating: -1, count: spans.count)
        var path: [Int] = []
        for i in 0..<spans.count where depth[i] == -1 {
            // Climb until a span of known depth or a root; -2 marks the spans of this climb, so a cycle stops it.
            path.removeAll(keepingCapacity: true)
            var j = i
            while depth[j] == -1 {
                depth[j] = -2
                path.append(j)
                guard parents[j] >= 0 else { break }
                j = Int(parents[j])
            }
            var d: Int32 = depth[j] >= 0 ? depth[j] + 1 : 0
            for k in path.reversed() {
                depth[k] = d
                d += 1
            }
        }
        return depth
    }
}
