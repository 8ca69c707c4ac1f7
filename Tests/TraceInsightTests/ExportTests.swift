import Exporters
import Foundation
import Telemetry
import Testing
@testable import TraceInsight

/// A complete event of a Chrome trace, as read back.
struct Slice {
    let name: String
    let pid: Int
    let tid: Int
    let ts: Double
    let dur: Double
    let spanID: String
    let parentID: String?
    let args: [String: Any]

    var end: Double { ts + dur }
    func contains(_ other: Slice) -> Bool { ts <= other.ts && other.end <= end }
}

@Suite struct ExportTests {
    func chromeTrace(of files: [String]) throws -> [String: Any] {
        let dir = try Fixture.directory()
        let output = try OutputFile(path: "\(dir)/trace.json")
        try ChromeTrace.write(TraceSource(files: files), to: output)
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/trace.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func slices(_ trace: [String: Any]) throws -> [Slice] {
        let events = try #require(trace["traceEvents"] as? [[String: Any]])
        return events.filter { $0["ph"] as? String == "X" }.map { e in
            let args = e["args"] as? [String: Any] ?? [:]
            return Slice(
                name: e["name"] as! String, pid: e["pid"] as! Int, tid: e["tid"] as! Int,
                ts: (e["ts"] as! NSNumber).doubleValue, dur: (e["dur"] as! NSNumber).doubleValue,
                spanID: args["otel.span_id"] as! String, parentID: args["otel.parent_id"] as? String, args: args)
        }
    }

    @Test func layoutPutsConcurrentAndOverrunningSpansOnTheirOwnLanes() throws {
        var table = SpanTable()
        for span in Fixture.fourRankSpans.joined() { table.add(span) }
        table.link()
        let layout = TrackLayout(table)
        #expect(layout.tracks == [
            .init(rank: 0, thread: nil, lane: 0, depth: 3),
            .init(rank: 1, thread: nil, lane: 0, depth: 2),
            .init(rank: 1, thread: nil, lane: 1, depth: 1),  // io, beside work 20–420
            .init(rank: 2, thread: nil, lane: 0, depth: 2),
            .init(rank: 3, thread: nil, lane: 0, depth: 2),
            .init(rank: 3, thread: nil, lane: 1, depth: 1),  // flush, which ends after its parent
        ])
        func place(_ id: UInt64) -> (Int32, Int32) {
            let i = table.spans.firstIndex { $0.spanID == id }!
            return (layout.trackOfSpan[i], layout.levelOfSpan[i])
        }
        #expect(place(1) == (0, 0) && place(2) == (0, 1) && place(10) == (0, 2) && place(11) == (0, 2))
        #expect(place(3) == (1, 0) && place(12) == (1, 1) && place(13) == (1, 1) && place(16) == (2, 0))
        #expect(place(17) == (5, 0) && place(20) == (4, 0))
    }

    @Test func chromeExportIsValidJSONAndNestsAsTheSpansDo() throws {
        let dir = try Fixture.directory()
        let files = try Fixture.writeFourRanks(in: dir)
        let trace = try chromeTrace(of: files)
        let all = try slices(trace)
        #expect(all.count == 14)
        #expect(Set(all.map(\.spanID)) == Set([1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 16, 17, 20].map { SpanID($0).hex }))
        // One process per rank, named.
        let events = trace["traceEvents"] as! [[String: Any]]
        let processNames = Dictionary(uniqueKeysWithValues: events.filter { $0["name"] as? String == "process_name" }
            .map { ($0["pid"] as! Int, ($0["args"] as! [String: Any])["name"] as! String) })
        #expect(processNames == [1: "rank 0 (BSB Workflow)", 2: "rank 1 (BSB Workflow)", 3: "rank 2 (BSB Workflow)", 4: "rank 3 (BSB Workflow)"])
        for slice in all {
            let rank = slice.args["mpi.rank"] as! Int
            #expect(slice.pid == rank + 1)
        }
        // Every thread is named, and tids are unique across processes.
        let threadNames = events.filter { $0["name"] as? String == "thread_name" }
        #expect(Set(threadNames.map { $0["tid"] as! Int }).count == threadNames.count)
        #expect(Set(all.map(\.tid)).isSubset(of: Set(threadNames.map { $0["tid"] as! Int })))
        // On a track, slices are disjoint or nested; the innermost slice around a slice is its parent.
        let byID = Dictionary(uniqueKeysWithValues: all.map { ($0.spanID, $0) })
        for slice in all {
            let track = all.filter { $0.pid == slice.pid && $0.tid == slice.tid && $0.spanID != slice.spanID }
            for other in track {
                let disjoint = other.end <= slice.ts || slice.end <= other.ts
                #expect(disjoint || other.contains(slice) || slice.contains(other), "\(slice.name) overlaps \(other.name)")
            }
            let innermost = track.filter { $0.contains(slice) }.min { $0.dur < $1.dur }
            #expect(innermost?.spanID == (innermost == nil ? nil : slice.parentID), "\(slice.name) sits under \(innermost?.name ?? "-")")
            if let parent = slice.parentID.flatMap({ byID[$0] }), parent.pid == slice.pid, parent.tid == slice.tid {
                #expect(parent.contains(slice))
            }
        }
        // Times in microseconds from the first start; attributes and status as args.
        let work = try #require(byID[SpanID(10).hex])
        #expect(work.ts == 20 && work.dur == 200)
        #expect(work.args["bsb.component_type"] as? String == "placement")
        let failed = try #require(byID[SpanID(15).hex])
        #expect(failed.args["otel.status_code"] as? String == "ERROR")
        #expect(failed.args["otel.status_description"] as? String == "PackingError: too dense")
        #expect(byID[SpanID(1).hex]?.args["bsb.cli_command"] as? [String] == ["compile", "--clear"])
        // Span events become instant events on the span's track.
        let instant = try #require(events.first { $0["ph"] as? String == "i" })
        #expect(instant["name"] as? String == "Placing 390 cells")
        #expect(instant["tid"] as? Int == byID[SpanID(14).hex]?.tid)
        #expect((instant["ts"] as? NSNumber)?.doubleValue == 500)
        #expect((trace["otherData"] as? [String: Any])?["spans"] as? Int == 14)
    }

    @Test func slicesStartingTogetherComeOutsideFirst() throws {
        let dir = try Fixture.directory()
        // As a live process writes them: the leaf ends first, the two equal spans in child-then-parent order.
        let spans = [
            Fixture.span("leaf", id: 3, parent: 2, 0, 50),
            Fixture.span("inner", id: 2, parent: 1, 0, 100),
            Fixture.span("outer", id: 1, 0, 100),
            Fixture.span("later", id: 4, parent: 1, 60, 70),
        ]
        let path = "\(dir)/same-start.jsonlines"
        try spans.map(Self.line).joined().write(toFile: path, atomically: true, encoding: .utf8)
        let all = try slices(try chromeTrace(of: [path]))
        #expect(all.map(\.name) == ["outer", "inner", "leaf", "later"])
        for (a, b) in zip(all, all.dropFirst()) {
            #expect(a.ts < b.ts || (a.ts == b.ts && a.dur >= b.dur))
        }
    }

    static func line(_ span: SpanRecord) -> String {
        var encoder = JSONLinesEncoder()
        encoder.encode(span)
        return String(decoding: encoder.bytes, as: UTF8.self)
    }

    @Test func threadsGetTheirOwnTracks() throws {
        let dir = try Fixture.directory()
        let file = try Fixture.write([
            Fixture.span("main", id: 1, 0, 100, thread: 7),
            Fixture.span("job", id: 2, parent: 1, 10, 60, thread: 8),
            Fixture.span("job", id: 3, parent: 1, 20, 70, thread: 9),
            Fixture.span("step", id: 4, parent: 2, 15, 30, thread: 8),
        ], to: "\(dir)/threads.jsonlines")
        let trace = try chromeTrace(of: [file])
        let events = trace["traceEvents"] as! [[String: Any]]
        let names = events.filter { $0["name"] as? String == "thread_name" }.map { ($0["args"] as! [String: Any])["name"] as! String }
        #expect(names == ["thread 7", "thread 8", "thread 9"])
        let all = try slices(trace)
        let tid = Dictionary(uniqueKeysWithValues: all.map { ($0.spanID, $0.tid) })
        #expect(Set([tid[SpanID(1).hex], tid[SpanID(2).hex], tid[SpanID(3).hex]]).count == 3)
        #expect(tid[SpanID(4).hex] == tid[SpanID(2).hex])
    }

    @Test func nanosecondTimesStayExact() {
        var w = JSONOutput()
        w.micros(fromNanos: 1_234_567)
        w.raw(" ")
        w.micros(fromNanos: 5_000)
        w.raw(" ")
        w.micros(fromNanos: 1_050)
        #expect(w.text == "1234.567 5 1.05")
        var s = JSONOutput()
        s.string("a\"b\\c\n</script>é")
        #expect(s.text == #""a\"b\\c\n\u003c/script\u003eé""#)
    }

    /// The JSON data block of an HTML timeline.
    static func dataBlock(_ html: String) throws -> [String: Any] {
        let open = "<script type=\"application/json\" id=\"trace-data\">"
        let start = try #require(html.range(of: open)).upperBound
        let end = try #require(html.range(of: "</script>", range: start..<html.endIndex)).lowerBound
        return try #require(try JSONSerialization.jsonObject(with: Data(html[start..<end].utf8)) as? [String: Any])
    }

    @Test func htmlHoldsEverySpanAndNeedsNoNetwork() throws {
        let dir = try Fixture.directory()
        let files = try Fixture.writeFourRanks(in: dir)
        let output = try OutputFile(path: "\(dir)/timeline.html")
        let count = try TimelineHTML.write(TraceSource(files: files), to: output, title: "four <ranks>")
        #expect(count == 14)
        let html = try String(contentsOfFile: "\(dir)/timeline.html", encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<title>four &lt;ranks&gt;</title>"))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script src") && !html.contains("<link"))
        let data = try Self.dataBlock(html)
        #expect(data["span_count"] as? Int == 14)
        #expect(data["groups"] as? [String] == (0..<4).map { "rank \($0) (BSB Workflow)" })
        let rows = try #require(data["rows"] as? [[Any]])
        #expect(rows.count == 11)  // rank 0: 3 levels; rank 1: 2 + 1; rank 2: 2; rank 3: 2 + 1
        let names = try #require(data["names"] as? [String])
        let spans = try #require(data["spans"] as? [[Any]])
        #expect(spans.count == 14)
        let ids = spans.map { $0[5] as! String }
        #expect(Set(ids) == Set([1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 16, 17, 20].map { SpanID($0).hex }))
        for span in spans {
            let row = span[0] as! Int
            #expect(rows.indices.contains(row))
            #expect(names.indices.contains(span[1] as! Int))
        }
        let failed = try #require(spans.first { $0[5] as? String == SpanID(15).hex })
        #expect(names[failed[1] as! Int] == "work")
        #expect(failed[2] as? Int == 20 && failed[3] as? Int == 100 && failed[4] as? Int == 2)
        #expect(failed[8] as? String == "PackingError: too dense")
        #expect((failed[7] as? [String: Any])?["mpi.rank"] as? Int == 3)
        // Rank groups are in order and each span's row belongs to its rank's group.
        for span in spans {
            let rank = (span[7] as! [String: Any])["mpi.rank"] as! Int
            #expect(rows[span[0] as! Int][0] as? Int == rank)
        }
    }
}
