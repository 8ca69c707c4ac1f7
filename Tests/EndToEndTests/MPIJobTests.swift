import Exporters
import Foundation
import Telemetry
import TelemetryTesting
import Testing

/// Real `mpiexec` jobs: one trace across ranks, files per rank, no orphans, the same network as a serial run.
@Suite(.serialized, .traced) struct MPIJobTests {
    static let mpiexecAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/mpiexec")

    /// Compiles `example` with `launcher` (e.g. `["mpiexec", "-n", "4"]`) and checks the trace's shape.
    func compileAndCheck(example: String, launcher: [String], ranks: Int) throws {
        let serialDir = try workDirectory(example: example)
        let serial = try run([binDirectory + "/otel-instrument", "--traces_exporter", "jsonlines", "bsb", "compile", "--clear", "--seed", "7"], in: serialDir)
        #expect(serial.status == 0, "\(serial.stderr)")

        let dir = try workDirectory(example: example)
        let job = try run(launcher + [binDirectory + "/otel-instrument", "--traces_exporter", "jsonlines", "bsb", "compile", "--clear", "--seed", "7"], in: dir)
        #expect(job.status == 0, "\(job.stderr)")
        #expect(!job.stderr.contains("warning"), "\(job.stderr)")

        let all = try spans(in: dir)
        let files = Set(all.map(\.file))
        #expect(files.count == ranks, "one file per rank: \(files)")
        #expect(Set(all.map(\.span.context.traceID)).count == 1, "one trace id for all ranks")
        let roots = all.filter { $0.span.parentSpanID == nil }
        #expect(roots.count == 1)
        #expect(roots.first?.span.name == "cli")
        #expect(roots.first?.span.attributes["mpi.rank"]?.intValue == 0)
        let ids = Set(all.map(\.span.context.spanID))
        let orphans = all.filter { s in s.span.parentSpanID.map { !ids.contains($0) } ?? false }
        #expect(orphans.isEmpty, "orphans: \(orphans.map(\.span.name))")
        #expect(all.allSatisfy { $0.span.attributes["mpi.size"]?.intValue == Int64(ranks) })
        #expect(Set(all.compactMap { $0.span.attributes["mpi.rank"]?.intValue }) == Set((0..<ranks).map(Int64.init)))
        // Each rank's file holds only its own rank's spans.
        for file in files {
            #expect(Set(all.filter { $0.file == file }.compactMap { $0.span.attributes["mpi.rank"]?.intValue }).count == 1)
        }
        // The same work as the serial run: the same spans by name (job spans are spread, not repeated), and the
        // same network on disk.
        let serialSpans = try spans(in: serialDir)
        func jobCounts(_ list: [SpanRecord]) -> [String: Int] {
            Dictionary(list.filter { $0.name.contains(".") }.map { ($0.name, 1) }, uniquingKeysWith: +)
        }
        let serialPlacement = jobCounts(serialSpans.map(\.span)).filter { $0.key.hasSuffix(".place") || $0.key.hasSuffix(".connect") }
        let mpiPlacement = jobCounts(all.map(\.span)).filter { $0.key.hasSuffix(".place") || $0.key.hasSuffix(".connect") }
        #expect(serialPlacement == mpiPlacement)
        let serialShow = try run([binDirectory + "/bsb", "show"], in: serialDir)
        let mpiShow = try run([binDirectory + "/bsb", "show"], in: dir)
        // The same report but for the directory it names.
        #expect(serialShow.status == 0 && serialShow.stdout.replacingOccurrences(of: serialDir, with: "DIR")
            == mpiShow.stdout.replacingOccurrences(of: dir, with: "DIR"), "\(serialShow.stdout)\n---\n\(mpiShow.stdout)")
        #expect(serialShow.stdout.contains("cells"))
        for file in ["cells/A.f64", "cells/B.f64", "connections/A_to_B.u32"] {
            let a = FileManager.default.contents(atPath: "\(serialDir)/network/\(file)")
            let b = FileManager.default.contents(atPath: "\(dir)/network/\(file)")
            #expect(a != nil && a == b, "\(file) differs between the serial and the \(ranks)-rank run")
        }
    }

    @Test(.enabled(if: mpiexecAvailable)) func tinyconnUnderMpiexecFourRanks() throws {
        try compileAndCheck(example: "tinyconn", launcher: ["mpiexec", "-n", "4"], ranks: 4)
    }

    /// The four ranks' files, replayed together (as on a login node after the job), are still one trace: the
    /// same spans with the same ids and parents, one root, no orphans.
    @Test(.enabled(if: mpiexecAvailable)) func theFilesOfAllRanksReplayAsOneTrace() throws {
        let dir = try workDirectory(example: "tinyconn")
        let job = try run(["mpiexec", "-n", "4", binDirectory + "/otel-instrument", "--traces_exporter", "jsonlines",
                           "bsb", "compile", "--clear"], in: dir)
        #expect(job.status == 0, "\(job.stderr)")
        let recordedFiles = try spans(in: dir)
        let recorded = recordedFiles.map(\.span)
        #expect(Set(recordedFiles.map(\.file)).count == 4)
        let replay = try run([binDirectory + "/otel-instrument", "--traces_exporter", "jsonlines",
                              "--exporter_jsonlines_path", "\(dir)/replayed.jsonlines", "bsb", "replay-otel",
                              "\(dir)/traces_*.jsonlines"], in: dir)
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.contains("Replayed \(recorded.count) spans from 4 file(s)"), "\(replay.stdout)")
        let replayed = try spans(in: dir, prefix: "replayed").map(\.span)
        #expect(replayed.count == recorded.count)
        #expect(Set(replayed.map(\.context.traceID)).count == 1)
        let ids = Set(replayed.map(\.context.spanID))
        #expect(ids == Set(recorded.map(\.context.spanID)))
        #expect(replayed.filter { $0.parentSpanID == nil }.map(\.name) == ["cli"])
        #expect(replayed.allSatisfy { span in span.parentSpanID.map(ids.contains) ?? true }, "no orphans")
        let parents = Dictionary(uniqueKeysWithValues: recorded.map { ($0.context.spanID, $0.parentSpanID) })
        #expect(replayed.allSatisfy { parents[$0.context.spanID] == $0.parentSpanID })
    }

    @Test(.enabled(if: mpiexecAvailable)) func mediumUnderMpiexecFourRanks() throws {
        try compileAndCheck(example: "medium", launcher: ["mpiexec", "-n", "4"], ranks: 4)
    }

    /// `SLURM_CONF` is exported by scripts/test.sh after it starts a private single-node Slurm.
    static let slurmAvailable = ProcessInfo.processInfo.environment["OTEL_TEST_SLURM_CONF"] != nil

    @Test(.enabled(if: slurmAvailable)) func tinyconnUnderSrunTwoRanks() throws {
        let conf = ProcessInfo.processInfo.environment["OTEL_TEST_SLURM_CONF"]!
        try compileAndCheck(example: "tinyconn", launcher: ["env", "SLURM_CONF=\(conf)", "srun", "-n", "2", "--mpi=pmi2"], ranks: 2)
    }

    @Test(.enabled(if: slurmAvailable)) func srunWithoutPMISaysEachRankTracesAlone() throws {
        let conf = ProcessInfo.processInfo.environment["OTEL_TEST_SLURM_CONF"]!
        let dir = try workDirectory(example: "tinyconn")
        let job = try run(["env", "SLURM_CONF=\(conf)", "srun", "-n", "2", "--mpi=none", binDirectory + "/otel-instrument",
                           "--traces_exporter", "jsonlines", "bsb", "--version"], in: dir)
        #expect(job.stderr.contains("MPI reports a world of 1"), "\(job.stderr)")
    }

    @Test(.enabled(if: mpiexecAvailable)) func anErrorOnOneRankEndsTheJobInsteadOfHanging() throws {
        let dir = try workDirectory(example: "tinyconn")
        // Too dense for the partition: every rank's placement fails.
        let config = try String(contentsOfFile: "\(dir)/network_configuration.json", encoding: .utf8)
            .replacingOccurrences(of: "\"count\": 20", with: "\"count\": 20000000")
        try config.write(toFile: "\(dir)/network_configuration.json", atomically: true, encoding: .utf8)
        let start = Date()
        let job = try run(["mpiexec", "-n", "4", binDirectory + "/otel-instrument", "--traces_exporter", "jsonlines", "bsb", "compile", "--clear"],
                          in: dir, timeout: 60)
        #expect(job.status != 0)
        #expect(Date().timeIntervalSince(start) < 30)
        #expect(job.stderr.contains("PackingError"), "\(job.stderr)")
        let errors = try spans(in: dir).filter { if case .error = $0.span.status { true } else { false } }
        #expect(errors.contains { $0.span.name == "cli" })
    }
}
