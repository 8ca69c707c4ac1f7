import Foundation
import Telemetry
import Testing
@testable import TraceInsight

@Suite struct TraceSummaryTests {
    func fourRankSummary() throws -> TraceSummary {
        let dir = try Fixture.directory()
        let files = try Fixture.writeFourRanks(in: dir)
        return try TraceSummary.read(TraceSource(arguments: ["\(dir)/traces_rank*.jsonlines"]))
            .with { #expect($0.files == files) }
    }

    @Test func perNameFiguresAreExact() throws {
        let s = try fourRankSummary()
        #expect(s.spanCount == 14 && s.traceCount == 1 && s.skippedLines == 0 && s.duplicates == 0)
        #expect(s.start == Fixture.origin && s.wallTime == 1_000_000)
        func stats(_ name: String, _ count: Int, _ total: UInt64, _ mean: Double, _ p50: UInt64, _ p95: UInt64, _ max: UInt64)
            -> TraceSummary.NameStatistics
        {
            .init(name: name, count: count, total: total * 1000, mean: mean * 1000, p50: p50 * 1000, p95: p95 * 1000, max: max * 1000)
        }
        #expect(s.names == [
            stats("compile", 4, 3340, 835, 888, 983, 983),   // 489, 888, 980, 983
            stats("work", 6, 2160, 360, 200, 960, 960),      // 100, 100, 200, 400, 400, 960
            stats("cli", 1, 1000, 1000, 1000, 1000, 1000),
            stats("io", 1, 100, 100, 100, 100, 100),
            stats("flush", 1, 80, 80, 80, 80, 80),
            stats("late", 1, 50, 50, 50, 50, 50),
        ])
    }

    @Test func busyTimeAndImbalanceAreExact() throws {
        let s = try fourRankSummary()
        let o = Fixture.origin
        #expect(s.ranks == [
            // rank 0: the cli span encloses the other ranks' spans and is left out; compile covers the rest.
            .init(rank: 0, spans: 4, busy: 980_000, firstStart: o, lastEnd: o + 1_000_000),
            .init(rank: 1, spans: 4, busy: 888_000, firstStart: o + 12_000, lastEnd: o + 900_000),
            .init(rank: 2, spans: 2, busy: 983_000, firstStart: o + 15_000, lastEnd: o + 998_000),
            // rank 3: [11, 500] ∪ [480, 560] ∪ [600, 650] = 549 + 50.
            .init(rank: 3, spans: 4, busy: 599_000, firstStart: o + 11_000, lastEnd: o + 650_000),
        ])
        #expect(s.meanBusy == 862_500)
        #expect(s.slowestRank == 2)
        #expect(s.imbalance == 983_000.0 / 862_500.0)
    }

    @Test func criticalPathOrphansAndErrors() throws {
        let s = try fourRankSummary()
        #expect(s.criticalPaths.count == 1)
        let path = try #require(s.criticalPaths.first)
        #expect(path.traceID == TraceID(high: 0xabc, low: 1))
        #expect(path.steps.map(\.name) == ["cli", "compile", "work"])
        #expect(path.steps.map(\.spanID.value) == [1, 4, 14])
        #expect(path.steps.map(\.rank) == [0, 2, 2])
        #expect(path.steps.map(\.duration) == [1_000_000, 983_000, 960_000])
        #expect(s.orphans.map(\.spanID.value) == [20])
        #expect(s.orphans.first?.parentID == SpanID(99) && s.orphans.first?.name == "late" && s.orphans.first?.rank == 3)
        #expect(s.errors.map(\.spanID.value) == [15, 17])
        #expect(s.errors.map(\.description) == ["PackingError: too dense", nil])
    }

    @Test func severalTracesTiesAndSpansWithoutRank() throws {
        let dir = try Fixture.directory()
        let file = try Fixture.write([
            // Trace 2: b and c end together; c starts first and wins.
            Fixture.span("solo", id: 30, 0, 100, rank: nil, trace: 2),
            Fixture.span("a", id: 31, parent: 30, 10, 50, rank: nil, trace: 2),
            Fixture.span("b", id: 32, parent: 30, 40, 90, rank: nil, trace: 2),
            Fixture.span("c", id: 33, parent: 30, 20, 90, rank: nil, trace: 2),
            // Trace 3 has no root: the orphan that ends last (then starts first) leads.
            Fixture.span("x", id: 40, parent: 98, 200, 300, rank: nil, trace: 3),
            Fixture.span("y", id: 41, parent: 97, 150, 300, rank: nil, trace: 3),
            Fixture.span("z", id: 42, parent: 41, 160, 170, rank: nil, trace: 3),
        ], to: "\(dir)/t.jsonlines")
        let s = try TraceSummary.read(TraceSource(files: [file]))
        #expect(s.traceCount == 2)
        #expect(s.criticalPaths.map { $0.steps.map(\.name) } == [["solo", "c"], ["y", "z"]])
        #expect(s.orphans.map(\.name) == ["y", "x"])
        // [0, 100] ∪ [150, 300]
        #expect(s.ranks == [.init(rank: nil, spans: 7, busy: 250_000, firstStart: Fixture.origin, lastEnd: Fixture.origin + 300_000)])
        #expect(s.slowestRank == nil && s.imbalance == 1 && s.meanBusy == 0)
    }

    @Test func nearestRankPercentiles() {
        func p(_ q: Int, _ values: [UInt64]) -> UInt64 {
            values.sorted().withUnsafeBufferPointer { TraceSummary.percentile(q, of: $0) }
        }
        #expect(p(50, [4, 1, 3, 2]) == 2)
        #expect(p(95, [4, 1, 3, 2]) == 4)
        #expect(p(50, [7]) == 7 && p(95, [7]) == 7)
        #expect(p(95, Array(1...20)) == 19)
        #expect(p(95, Array(1...100)) == 95)
        #expect(p(50, Array(1...101)) == 51)
    }

    @Test func unionOfIntervals() {
        var intervals: [(UInt64, UInt64)] = [(10, 20), (0, 5), (15, 30), (30, 31), (40, 50)]
        #expect(TraceSummary.unionLength(&intervals) == 5 + 21 + 10)
        var none: [(UInt64, UInt64)] = []
        #expect(TraceSummary.unionLength(&none) == 0)
    }

    @Test func cyclicParentsDoNotHang() throws {
        let dir = try Fixture.directory()
        let file = try Fixture.write([
            Fixture.span("p", id: 1, parent: 2, 0, 10, rank: 0),
            Fixture.span("q", id: 2, parent: 1, 0, 10, rank: 1),
        ], to: "\(dir)/cycle.jsonlines")
        let s = try TraceSummary.read(TraceSource(files: [file]))
        #expect(s.spanCount == 2)
        _ = try LaidOutTrace(TraceSource(files: [file]))
    }

    @Test func textReport() throws {
        let text = SummaryReport.text(try fourRankSummary())
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "14 spans in 4 files, 1 trace, 4 ranks, wall time 1.000 ms (2027-01-15T08:00:00.000000Z to 2027-01-15T08:00:00.001000Z)")
        #expect(lines.contains("  name    count total  mean   p50   p95   max"))
        #expect(lines.contains("  compile     4 3.340 0.835 0.888 0.983 0.983"))
        #expect(lines.contains("  work        6 2.160 0.360 0.200 0.960 0.960"))
        #expect(lines.contains("     2     2   0.983     1.140         +0.015      +0.998"))
        #expect(lines.contains("load imbalance 1.140: the slowest rank, 2, was busy 14.0 % longer than the mean (0.863 ms)"))
        #expect(lines.contains("  +0.015    0.983    2   compile"))
        #expect(lines.contains("Orphans (parent not in the files): 1"))
        #expect(lines.contains { $0.hasPrefix("  late  span 0000000000000014  parent 0000000000000063  rank 3") })
        #expect(lines.contains("Errors: 2"))
        #expect(lines.contains("  work  rank 3  span 000000000000000f  at +0.020 ms: PackingError: too dense"))
        #expect(lines.contains("  flush  rank 3  span 0000000000000011  at +0.480 ms: (no description)"))
    }

    @Test func jsonReport() throws {
        let json = SummaryReport.json(try fourRankSummary())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["spans"] as? Int == 14)
        #expect(object["wall_time_ns"] as? Int == 1_000_000)
        let names = try #require(object["names"] as? [[String: Any]])
        #expect(names.first?["name"] as? String == "compile")
        #expect(names.first?["p95_ns"] as? Int == 983_000)
        #expect(names.first?["mean_ns"] as? Int == 835_000)
        let ranks = try #require(object["ranks"] as? [[String: Any]])
        #expect(ranks.map { $0["busy_ns"] as? Int } == [980_000, 888_000, 983_000, 599_000])
        #expect(object["slowest_rank"] as? Int == 2)
        let imbalance = try #require(object["load_imbalance"] as? Double)
        #expect(abs(imbalance - 983_000.0 / 862_500.0) < 1e-12)
        let paths = try #require(object["critical_paths"] as? [[String: Any]])
        let steps = try #require(paths.first?["steps"] as? [[String: Any]])
        #expect(steps.map { $0["name"] as? String } == ["cli", "compile", "work"])
        #expect(steps.map { $0["start_ns"] as? Int } == [0, 15_000, 20_000])
        let errors = try #require(object["errors"] as? [[String: Any]])
        #expect(errors.first?["description"] as? String == "PackingError: too dense")
        #expect(errors.last?["description"] == nil)
        #expect((object["orphans"] as? [[String: Any]])?.first?["parent_id"] as? String == "0000000000000063")
    }

    @Test func malformedLinesStopOrAreSkipped() throws {
        let dir = try Fixture.directory()
        let good = try Fixture.write([Fixture.span("a", id: 1, 0, 10)], to: "\(dir)/good.jsonlines")
        let bad = "\(dir)/bad.jsonlines"
        try (String(decoding: FileManager.default.contents(atPath: good)!, as: UTF8.self) + "{\"name\": 3}\n")
            .write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(throws: TraceInsightError.self) { try TraceSummary.read(TraceSource(files: [bad])) }
        do {
            _ = try TraceSummary.read(TraceSource(files: [bad]))
        } catch {
            #expect(error.message.hasPrefix("\(bad):2: "))
        }
        let skipped = try TraceSummary.read(TraceSource(files: [bad], skipInvalid: true))
        #expect(skipped.spanCount == 1 && skipped.skippedLines == 1)
        #expect(throws: TraceInsightError("\(dir)/none.jsonlines: no such file")) {
            try TraceSource(arguments: ["\(dir)/none.jsonlines"])
        }
    }
}

extension TraceSummary {
    /// Self, after `check` ran on it.
    func with(_ check: (TraceSummary) -> Void) -> TraceSummary {
        check(self)
        return self
    }
}
