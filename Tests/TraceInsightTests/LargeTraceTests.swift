import Exporters
import Foundation
import Telemetry
import Testing
@testable import TraceInsight

/// Writes a large four-rank trace and summarises it; enabled by `TRACE_INSIGHT_LARGE=DIR` (optionally
/// `TRACE_INSIGHT_SPANS=N`, default 1,000,000). The files stay in DIR for timing the release `bsb`:
///
///     TRACE_INSIGHT_LARGE=/tmp/big swift test --filter LargeTraceTests
///     /usr/bin/time -v .build/release/bsb trace summary '/tmp/big/large_rank*.jsonlines'
@Suite(.enabled(if: ProcessInfo.processInfo.environment["TRACE_INSIGHT_LARGE"] != nil))
struct LargeTraceTests {
    @Test func millionSpans() throws {
        let environment = ProcessInfo.processInfo.environment
        let dir = environment["TRACE_INSIGHT_LARGE"]!
        let total = Int(environment["TRACE_INSIGHT_SPANS"] ?? "") ?? 1_000_000
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let files = try LargeTrace.write(spans: total, ranks: 4, in: dir)
        let clock = ContinuousClock.now
        let summary = try TraceSummary.read(TraceSource(files: files))
        print("summarised \(summary.spanCount) spans in \(ContinuousClock.now - clock)")
        #expect(summary.spanCount == total)
        #expect(summary.orphans.isEmpty && summary.errors.isEmpty)
        #expect(summary.criticalPaths.first?.steps.prefix(2).map(\.name) == ["cli", "compile"])
        #expect(summary.slowestRank == 3)
    }
}

/// A trace of `spans` spans over `ranks` rank files: rank 0's `cli` holds one `compile` per rank, each with
/// jobs `Job.run` ⊃ `Job.step` one after the other; higher ranks get longer jobs (rank 3 straggles).
enum LargeTrace {
    static func write(spans total: Int, ranks: Int, in dir: String) throws -> [String] {
        let origin = Fixture.origin
        let trace = TraceID(high: 0x5eed, low: 1)
        var next: UInt64 = 1
        func id() -> SpanID { next += 1; return SpanID(next) }
        let cli = id()
        let resource = Resource(attributes: ["service.name": "BSB Workflow", "telemetry.sdk.language": "swift"])
        func record(_ name: String, _ span: SpanID, _ parent: SpanID?, _ start: UInt64, _ end: UInt64, rank: Int, chunk: Int? = nil) -> SpanRecord {
            var attributes: Attributes = ["bsb.type": "component_method", "bsb.component_class": "Job"]
            if let chunk { attributes["bsb.chunk"] = .int(Int64(chunk)) }
            attributes["mpi.rank"] = .int(Int64(rank))
            attributes["mpi.size"] = .int(Int64(ranks))
            return SpanRecord(
                name: name, context: SpanContext(traceID: trace, spanID: span), parentSpanID: parent,
                startTimeNanos: origin + start * 1000, endTimeNanos: origin + end * 1000, attributes: attributes, resource: resource)
        }
        var files: [String] = []
        var latest: UInt64 = 0
        let perRank = (total - 1) / ranks
        for rank in 0..<ranks {
            let path = "\(dir)/large_rank\(rank).jsonlines"
            FileManager.default.createFile(atPath: path, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            var encoder = JSONLinesEncoder()
            let count = perRank + (rank == 0 ? (total - 1) - perRank * ranks : 0)  // rank 0 takes the remainder
            let compile = id()
            var t: UInt64 = 100
            var written = 1
            while written + 2 <= count {
                let job = id(), step = id()
                let d = UInt64(50 + (written * 7919 + rank * 31) % 400 + rank * 40)
                encoder.encode(record("Job.step", step, job, t + 2, t + d - 2, rank: rank))
                encoder.encode(record("Job.run", job, compile, t, t + d, rank: rank, chunk: written / 2))
                t += d + 3
                written += 2
                if encoder.bytes.count > 4 << 20 {
                    handle.write(Data(encoder.bytes))
                    encoder.reset()
                }
            }
            if written < count {
                encoder.encode(record("storage.close", id(), compile, t, t + 10, rank: rank))
                t += 11
            }
            encoder.encode(record("compile", compile, cli, 50, t + 5, rank: rank))
            latest = max(latest, t + 5)
            handle.write(Data(encoder.bytes))
            try handle.close()
            files.append(path)
        }
        // The root last, in rank 0's file, as a live process writes it.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: files[0]))
        handle.seekToEndOfFile()
        var encoder = JSONLinesEncoder()
        encoder.encode(record("cli", cli, nil, 0, latest + 10, rank: 0))
        handle.write(Data(encoder.bytes))
        try handle.close()
        return files
    }
}
