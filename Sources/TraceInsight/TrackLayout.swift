/// Where each span is drawn: one process per rank, and in it tracks on which the spans nest exactly as the
/// parent ids say.
///
/// The spans of a rank are grouped by thread (`thread.name` / `thread.id` attributes; one group when they
/// name none). Within a group, spans are placed in start order on *lanes*: a span goes on its parent's lane,
/// one level deeper, when the parent is the innermost open span there and contains it; otherwise (a root, a
/// parent on another rank, or a sibling still open beside it: concurrent work) it starts at the top level of
/// the first lane that is idle. So every lane is properly nested, and nesting on a lane always means
/// parenthood: what Chrome's trace viewer, Perfetto and the HTML timeline need to draw it right.
public struct TrackLayout: Sendable {
    /// A track: one lane of one thread of one rank.
    public struct Track: Sendable, Equatable {
        /// nil for spans without `mpi.rank`.
        public var rank: Int?
        /// The thread label, nil for spans that name no thread.
        public var thread: String?
        /// 0 for the first lane of the thread.
        public var lane: Int
        /// Levels of nesting on this track (1 when no span has a child on it).
        public var depth: Int
    }

    /// Tracks ordered by rank (unknown last), then thread (unnamed first, then by their first span's start), then lane.
    public private(set) var tracks: [Track] = []
    /// The track of each span (index into `tracks`), in the table's order.
    public private(set) var trackOfSpan: [Int32] = []
    /// The nesting level of each span on its track (0 at the top).
    public private(set) var levelOfSpan: [Int32] = []

    /// The layout of `table`, which must be linked.
    public init(_ table: SpanTable) {
        let spans = table.spans
        let depths = table.depths()
        trackOfSpan = [Int32](repeating: 0, count: spans.count)
        levelOfSpan = [Int32](repeating: 0, count: spans.count)
        // Group by (rank, thread).
        struct GroupKey: Hashable { let rank: Int32, thread: Int32 }
        var groups: [GroupKey: [Int32]] = [:]
        for i in spans.indices { groups[GroupKey(rank: spans[i].rank, thread: spans[i].thread), default: []].append(Int32(i)) }
        // Ranks in order (unknown last); in a rank, spans without a thread first, then threads by first start.
        var firstStart: [GroupKey: UInt64] = [:]
        for (key, members) in groups { firstStart[key] = members.lazy.map { spans[Int($0)].start }.min() }
        let keys = groups.keys.sorted { a, b in
            if a.rank != b.rank { return (a.rank < 0 ? 1 : 0, a.rank) < (b.rank < 0 ? 1 : 0, b.rank) }
            if (a.thread < 0) != (b.thread < 0) { return a.thread < 0 }
            if firstStart[a]! != firstStart[b]! { return firstStart[a]! < firstStart[b]! }
            return a.thread < b.thread
        }
        var laneOfSpan = [Int32](repeating: -1, count: spans.count)
        for key in keys {
            var members = groups[key]!
            members.sort { a, b in
                let x = spans[Int(a)], y = spans[Int(b)]
                if x.start != y.start { return x.start < y.start }
                if x.end != y.end { return x.end > y.end }
                if depths[Int(a)] != depths[Int(b)] { return depths[Int(a)] < depths[Int(b)] }
                return a < b
            }
            var stacks: [[Int32]] = []  // open spans of each lane, outermost first
            var depthOfLane: [Int] = []
            var busy = MinHeap()  // (end of the lane's outermost span, lane)
            var idle = MinHeap()  // (lane, lane) of lanes with nothing open
            for member in members {
                let i = Int(member)
                let s = spans[i]
                var lane = -1
                // On the parent's lane, when the parent is the innermost open span there and contains this one.
                let p = Int(table.parents[i])
                if p >= 0, laneOfSpan[p] >= 0, spans[p].rank == s.rank, spans[p].thread == s.thread {
                    let l = Int(laneOfSpan[p])
                    while let top = stacks[l].last, Int(top) != p, spans[Int(top)].end <= s.start { stacks[l].removeLast() }
                    if let top = stacks[l].last, Int(top) == p, spans[p].start <= s.start, s.end <= spans[p].end {
                        lane = l
                    }
                }
                if lane < 0 {
                    // At the top of the first idle lane, or of a new one.
                    while let (end, l) = busy.peek(), end <= s.start {
                        busy.pop()
                        idle.push(UInt64(l), l)
                    }
                    if let (_, l) = idle.peek() {
                        idle.pop()
                        lane = l
                        stacks[l].removeAll(keepingCapacity: true)
                    } else {
                        lane = stacks.count
                        stacks.append([])
                        depthOfLane.append(0)
                    }
                    busy.push(s.end, lane)
                }
                levelOfSpan[i] = Int32(stacks[lane].count)
                depthOfLane[lane] = max(depthOfLane[lane], stacks[lane].count + 1)
                stacks[lane].append(member)
                laneOfSpan[i] = Int32(lane)
            }
            let first = tracks.count
            for (l, depth) in depthOfLane.enumerated() {
                tracks.append(Track(
                    rank: key.rank < 0 ? nil : Int(key.rank), thread: key.thread < 0 ? nil : table.threads[Int(key.thread)],
                    lane: l, depth: depth))
            }
            for member in members { trackOfSpan[Int(member)] = Int32(first) + laneOfSpan[Int(member)] }
        }
    }
}

/// A binary min-heap of (key, value) pairs.
struct MinHeap {
    private var items: [(UInt64, Int)] = []

    func peek() -> (UInt64, Int)? { items.first }

    mutating func push(_ key: UInt64, _ value: Int) {
        items.append((key, value))
        var c = items.count - 1
        while c > 0 {
            let p = (c - 1) / 2
            guard items[c] < items[p] else { break }
            items.swapAt(c, p)
            c = p
        }
    }

    @discardableResult
    mutating func pop() -> (UInt64, Int)? {
        guard !items.isEmpty else { return nil }
        let top = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var p = 0
            while true {
                let l = 2 * p + 1, r = l + 1
                var m = p
                if l < items.count && items[l] < items[m] { m = l }
                if r < items.count && items[r] < items[m] { m = r }
                if m == p { break }
                items.swapAt(p, m)
                p = m
            }
        }
        return top
    }
}
