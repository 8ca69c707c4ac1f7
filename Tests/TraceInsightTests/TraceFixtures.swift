import Exporters
import Foundation
import Telemetry

/// Builds recorded traces of known shape and writes them as JSON Lines files.
///
/// Times are given in microseconds from `origin` (the files keep microseconds); ids are small integers.
enum Fixture {
    static let origin: UInt64 = 1_800_000_000_000_000_000
    static let resource = Resource(attributes: ["service.name": "BSB Workflow", "telemetry.sdk.language": "swift"])

    static func span(
        _ name: String, id: UInt64, parent: UInt64? = nil, _ start: UInt64, _ end: UInt64, rank: Int? = 0,
        trace: UInt64 = 1, error: String?? = .none, thread: Int? = nil, attributes: Attributes = [:],
        events: [SpanRecord.Event] = []
    ) -> SpanRecord {
        var attrs = attributes
        if let rank {
            attrs["mpi.rank"] = .int(Int64(rank))
            attrs["mpi.size"] = 4
        }
        if let thread { attrs["thread.id"] = .int(Int64(thread)) }
        let status: SpanRecord.Status
        switch error {
        case .none: status = .unset
        case .some(let description): status = .error(description: description)
        }
        return SpanRecord(
            name: name, context: SpanContext(traceID: TraceID(high: 0xabc, low: trace), spanID: SpanID(id)),
            parentSpanID: parent.map(SpanID.init), startTimeNanos: origin + start * 1000, endTimeNanos: origin + end * 1000,
            status: status, attributes: attrs, events: events, resource: resource)
    }

    /// Writes `spans` to `path`, children before parents as a live process writes them (by end time).
    @discardableResult
    static func write(_ spans: [SpanRecord], to path: String) throws -> String {
        var encoder = JSONLinesEncoder()
        for span in spans.sorted(by: { $0.endTimeNanos < $1.endTimeNanos }) { encoder.encode(span) }
        try Data(encoder.bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A fresh temporary directory.
    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("trace-insight-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A four-rank compile, one file per rank, sharing one trace:
    ///
    ///     rank 0  cli 0–1000 ─┬─ compile 10–990 ── work 20–220, work 220–320
    ///     rank 1              ├─ compile 12–900 ── work 20–420, work 430–830, io 400–500 (beside the first work)
    ///     rank 2              ├─ compile 15–998 ── work 20–980                (the straggler)
    ///     rank 3              └─ compile 11–500 ── work 20–120 ERROR "PackingError: too dense",
    ///                                              flush 480–560 ERROR without description (ends after its parent)
    ///     rank 3  late 600–650, child of the missing span 99 (an orphan)
    static let fourRankSpans: [[SpanRecord]] = [
        [
            span("cli", id: 1, 0, 1000, rank: 0, attributes: ["bsb.cli_command": .stringArray(["compile", "--clear"])]),
            span("compile", id: 2, parent: 1, 10, 990, rank: 0),
            span("work", id: 10, parent: 2, 20, 220, rank: 0, attributes: ["bsb.component_type": "placement"]),
            span("work", id: 11, parent: 2, 220, 320, rank: 0),
        ],
        [
            span("compile", id: 3, parent: 1, 12, 900, rank: 1),
            span("work", id: 12, parent: 3, 20, 420, rank: 1),
            span("work", id: 13, parent: 3, 430, 830, rank: 1),
            span("io", id: 16, parent: 3, 400, 500, rank: 1),
        ],
        [
            span("compile", id: 4, parent: 1, 15, 998, rank: 2),
            span("work", id: 14, parent: 4, 20, 980, rank: 2,
                 events: [SpanRecord.Event(name: "Placing 390 cells", timeNanos: origin + 500_000, attributes: ["n": 390])]),
        ],
        [
            span("compile", id: 5, parent: 1, 11, 500, rank: 3),
            span("work", id: 15, parent: 5, 20, 120, rank: 3, error: "PackingError: too dense"),
            span("flush", id: 17, parent: 5, 480, 560, rank: 3, error: .some(nil)),
            span("late", id: 20, parent: 99, 600, 650, rank: 3),
        ],
    ]

    /// Writes the four-rank trace as `traces_rank<N>.jsonlines` in `dir`; returns the paths.
    static func writeFourRanks(in dir: String) throws -> [String] {
        try fourRankSpans.enumerated().map { rank, spans in
            try write(spans, to: "\(dir)/traces_rank\(rank).jsonlines")
        }
    }
}

/// Runs the built `bsb` executable (next to the test binary, or `BSB_BINARY`).
enum BsbProcess {
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["BSB_BINARY"] { return path }
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        while !directory.path.isEmpty && directory.path != "/" {
            let candidate = directory.appendingPathComponent("bsb")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
            directory = directory.deletingLastPathComponent()
        }
        return "bsb"
    }()

    static var available: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    static func run(_ arguments: [String], in directory: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
