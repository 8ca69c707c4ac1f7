import Foundation
import Telemetry
import Testing
@testable import TraceInsight

/// `bsb trace …` as a user runs it: the built `bsb` executable in a directory holding the four-rank trace.
@Suite(.enabled(if: BsbProcess.available, "the bsb executable is not built"))
struct TraceCommandTests {
    let dir: String

    init() throws {
        dir = try Fixture.directory()
        try Fixture.writeFourRanks(in: dir)
    }

    @Test func summaryTextAndJSON() throws {
        let text = try BsbProcess.run(["trace", "summary", "traces_rank*.jsonlines"], in: dir)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("14 spans in 4 files, 1 trace, 4 ranks, wall time 1.000 ms"))
        #expect(text.stdout.contains("load imbalance 1.140: the slowest rank, 2,"))
        let json = try BsbProcess.run(["trace", "summary", "--format", "json", "traces_rank0.jsonlines", "traces_rank1.jsonlines", "traces_rank2.jsonlines", "traces_rank3.jsonlines"], in: dir)
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["spans"] as? Int == 14 && object["slowest_rank"] as? Int == 2)
        #expect((object["errors"] as? [Any])?.count == 2 && (object["orphans"] as? [Any])?.count == 1)
    }

    @Test func exportAndHTMLWriteTheirFiles() throws {
        let export = try BsbProcess.run(["trace", "export", "--format", "chrome", "traces_rank*.jsonlines", "-o", "trace.json"], in: dir)
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.contains("Chrome trace of 14 spans written to trace.json"))
        let trace = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/trace.json"))) as? [String: Any]
        #expect((trace?["traceEvents"] as? [[String: Any]])?.filter { $0["ph"] as? String == "X" }.count == 14)
        // Without -o the trace goes to standard output.
        let piped = try BsbProcess.run(["trace", "export", "traces_rank0.jsonlines"], in: dir)
        #expect(piped.status == 0)
        let pipedTrace = try JSONSerialization.jsonObject(with: Data(piped.stdout.utf8)) as? [String: Any]
        #expect((pipedTrace?["traceEvents"] as? [[String: Any]])?.filter { $0["ph"] as? String == "X" }.count == 4)

        let html = try BsbProcess.run(["trace", "html", "traces_rank*.jsonlines", "-o", "timeline.html"], in: dir)
        #expect(html.status == 0, "\(html.stderr)")
        #expect(html.stdout == "Timeline of 14 spans written to timeline.html\n")
        let data = try ExportTests.dataBlock(try String(contentsOfFile: "\(dir)/timeline.html", encoding: .utf8))
        #expect((data["spans"] as? [Any])?.count == 14)
    }

    @Test func errorsAreOneLine() throws {
        let missing = try BsbProcess.run(["trace", "summary", "nope.jsonlines"], in: dir)
        #expect(missing.status == 1)
        #expect(missing.stderr == "bsb: error: nope.jsonlines: no such file\n")
        let noMatch = try BsbProcess.run(["trace", "html", "none_*.jsonlines"], in: dir)
        #expect(noMatch.status == 1 && noMatch.stderr.contains("no file matches 'none_*.jsonlines'"))
        let usage = try BsbProcess.run(["trace", "summary"], in: dir)
        #expect(usage.status == 64 && usage.stderr.contains("name at least one trace file"))
        let format = try BsbProcess.run(["trace", "export", "--format", "svg", "traces_rank0.jsonlines"], in: dir)
        #expect(format.status == 64)
        try "{\"name\": \"x\"}\n".write(toFile: "\(dir)/bad.jsonlines", atomically: true, encoding: .utf8)
        let bad = try BsbProcess.run(["trace", "summary", "traces_rank0.jsonlines", "bad.jsonlines"], in: dir)
        #expect(bad.status == 1 && bad.stderr.hasPrefix("bsb: error: bad.jsonlines:1: missing key 'context'"))
        let skipped = try BsbProcess.run(["trace", "summary", "--skip-invalid", "traces_rank0.jsonlines", "bad.jsonlines"], in: dir)
        #expect(skipped.status == 0 && skipped.stdout.contains("skipped 1 invalid line(s)"))
        let help = try BsbProcess.run(["trace", "--help"], in: dir)
        #expect(help.status == 0 && help.stdout.contains("summary") && help.stdout.contains("export") && help.stdout.contains("html"))
    }
}
