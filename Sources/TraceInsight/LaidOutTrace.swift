import Telemetry

/// The first pass of the two writers (`ChromeTrace`, `TimelineHTML`): every span's compact form, linked,
/// laid out on tracks, with each rank's service name. The second pass re-reads the files for the attributes,
/// so memory holds 64 bytes and a few indices per span, never the records.
public struct LaidOutTrace: Sendable {
    public let source: TraceSource
    public private(set) var table = SpanTable()
    public let layout: TrackLayout
    /// The `service.name` of each rank's first span.
    public private(set) var serviceNames: [Int32: String] = [:]
    /// The earliest start and latest end.
    public private(set) var start: UInt64 = 0
    public private(set) var end: UInt64 = 0
    public private(set) var skippedLines = 0

    public init(_ source: TraceSource) throws(TraceInsightError) {
        self.source = source
        var table = SpanTable()
        var services: [Int32: String] = [:]
        skippedLines = try source.forEachSpan { span in
            let i = table.add(span)
            let rank = table.spans[i].rank
            if services[rank] == nil, case .string(let name)? = span.resource.attributes["service.name"] {
                services[rank] = name
            }
        }
        table.link()
        self.table = table
        serviceNames = services
        layout = TrackLayout(table)
        if let first = table.spans.first {
            start = table.spans.reduce(first.start) { min($0, $1.start) }
            end = table.spans.reduce(first.end) { max($0, $1.end) }
        }
    }

    /// The label of a rank's process: `rank 3 (BSB Workflow)`, `rank ?` for spans without one.
    public func processLabel(rank: Int?) -> String {
        let base = rank.map { "rank \($0)" } ?? "rank ?"
        guard let service = serviceNames[Int32(rank ?? -1)] else { return base }
        return "\(base) (\(service))"
    }

    /// The label of a track: its thread (or `spans`), and which concurrent lane it is.
    public func trackLabel(_ track: TrackLayout.Track) -> String {
        let base = track.thread ?? "spans"
        return track.lane == 0 ? base : "\(base) (concurrent \(track.lane))"
    }

    /// Calls `body` with each span again, with its index in the table; spans beyond the first pass's count
    /// (a file that grew in between) are ignored.
    public func forEachSpanAgain(_ body: (Int, SpanRecord) throws(TraceInsightError) -> Void) throws(TraceInsightError) {
        var index = 0
        let count = table.count
        try source.forEachSpan { span throws(TraceInsightError) in
            guard index < count else { return }
            try body(index, span)
            index += 1
        }
    }
}
