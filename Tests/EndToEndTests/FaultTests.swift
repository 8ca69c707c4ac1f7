import Exporters
import Foundation
import Telemetry
import TelemetryTesting
import Testing

/// Faults on the real executables: signals at random moments, SIGKILL, many appenders on one path. The runs use
/// the `bsb_jsonlines` distro, whose simple processor puts every span on disk when it ends — the setting for
/// jobs that may be cut short.
@Suite(.serialized, .traced) struct FaultTests {
    /// Starts `arguments` with an empty signal mask (the test runner's threads block some signals, and a child
    /// would inherit that), in `directory`.
    func spawn(_ arguments: [String], in directory: String) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = (["env", "-C", directory] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // The runs are configured by their arguments only: none of the test runner's OTEL_*, PMI_* or SLURM_*.
        let inherited = ProcessInfo.processInfo.environment.filter { key, _ in
            !key.hasPrefix("OTEL_") && !key.hasPrefix("PMI_") && !key.hasPrefix("SLURM_")
        }
        let envp = inherited.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid = pid_t()
        let status = posix_spawnp(&pid, "env", nil, &attributes, argv, envp)
        guard status == 0 else { throw TestFailure("cannot start \(arguments[0]): \(status)") }
        return pid
    }

    /// Waits for `pid`; returns its exit status (128 + signal when killed) and how long the wait took.
    func wait(_ pid: pid_t) -> (code: Int32, seconds: Double) {
        let start = Date()
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (code, Date().timeIntervalSince(start))
    }

    /// A compile long enough to be interrupted: medium with 3,000 + 3,000 cells (9 M connections).
    func longCompileDirectory() throws -> String {
        let dir = try workDirectory(example: "medium")
        let config = try String(contentsOfFile: "\(dir)/network_configuration.json", encoding: .utf8)
            .replacingOccurrences(of: "\"count\": 1500", with: "\"count\": 3000")
        try config.write(toFile: "\(dir)/network_configuration.json", atomically: true, encoding: .utf8)
        return dir
    }

    func traceFiles(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasPrefix("traces_") }.map { "\(dir)/\($0)" }
    }

    /// Every line of every trace file parses; returns the spans.
    func wholeLines(_ dir: String) throws -> [SpanRecord] {
        var spans: [SpanRecord] = []
        for file in traceFiles(dir) {
            var decoder = JSONLinesDecoder()
            try LineReader(path: file).forEachLine { number, line in
                guard case .text(let bytes) = line else { throw TestFailure("\(file):\(number) is not a whole line") }
                spans.append(try decoder.decode(bytes))
                return true
            }
        }
        return spans
    }

    /// Waits until `files` trace files hold a first finished span (so `cli` and `compile` are open), then a
    /// random while.
    func waitForWork(_ dir: String, files: Int = 1, then maxDelay: Double) {
        let deadline = Date().addingTimeInterval(20)
        func started() -> Bool {
            let found = traceFiles(dir)
            return found.count >= files && found.allSatisfy { path in
                var info = stat()
                return stat(path, &info) == 0 && info.st_size > 0
            }
        }
        while !started() && Date() < deadline { usleep(500) }
        usleep(UInt32(Double.random(in: 0...maxDelay) * 1_000_000))
    }

    /// Records an issue unless each of `names` was written with the ERROR status that ending it on SIGTERM gives.
    func expectEndedByTheSignal(_ names: [String], in spans: [SpanRecord], attempt: Int) {
        for name in names {
            guard let span = spans.first(where: { $0.name == name }) else {
                Issue.record("\(name) missing after SIGTERM (attempt \(attempt))")
                continue
            }
            if case .error(let description) = span.status {
                #expect(description == "terminated by SIGTERM" || description?.contains("terminated") == true)
            } else {
                Issue.record("\(name) not ERROR after SIGTERM: \(span.status)")
            }
        }
    }

    @Test func sigtermAtRandomMomentsEndsOpenSpansWithErrorWithinTwoSeconds() throws {
        var interrupted = 0
        var attempts = 0
        while interrupted < 20 && attempts < 60 {
            attempts += 1
            let dir = try longCompileDirectory()
            let pid = try spawn(["OTEL_DISTRO=bsb_jsonlines", binDirectory + "/otel-instrument", "bsb", "compile", "--clear"], in: dir)
            waitForWork(dir, then: 0.08)
            kill(pid, SIGTERM)
            let (code, seconds) = wait(pid)
            let spans = try wholeLines(dir)
            if code == 0 { continue }  // finished before the signal: not an interruption
            interrupted += 1
            #expect(code == 143)
            #expect(seconds < 2.0)
            expectEndedByTheSignal(["cli", "compile"], in: spans, attempt: attempts)
        }
        #expect(interrupted == 20, "only \(interrupted) of \(attempts) runs were interrupted mid-compile")
    }

    /// The stock distro's batch processor, its exporter on a thread of its own: SIGTERM mid-compile still ends the
    /// open spans with ERROR and writes every queued span, in whole lines, before the exit. Nothing reaches the
    /// file before the first batch, so the signal comes once the compile has created its storage.
    @Test func sigtermUnderTheBatchProcessorWritesEverySpanWithErrors() throws {
        var interrupted = 0
        var attempts = 0
        while interrupted < 8 && attempts < 40 {
            attempts += 1
            let dir = try longCompileDirectory()
            // Batches of 16, so that the export thread is busy while the signal comes.
            let pid = try spawn(["OTEL_TRACES_EXPORTER=jsonlines", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE=16",
                                 binDirectory + "/otel-instrument", "bsb", "compile", "--clear"], in: dir)
            let deadline = Date().addingTimeInterval(20)
            while access("\(dir)/network", F_OK) != 0 && Date() < deadline { usleep(500) }
            usleep(UInt32.random(in: 0...80_000))
            kill(pid, SIGTERM)
            let (code, seconds) = wait(pid)
            let spans = try wholeLines(dir)
            if code == 0 { continue }  // finished before the signal: not an interruption
            interrupted += 1
            #expect(code == 143)
            #expect(seconds < 2.0)
            #expect(Set(spans.map(\.context.spanID)).count == spans.count)
            expectEndedByTheSignal(["cli", "compile"], in: spans, attempt: attempts)
            // Every span that was open ended, so every parent of a written span was written too.
            let ids = Set(spans.map(\.context.spanID))
            #expect(spans.allSatisfy { $0.parentSpanID.map(ids.contains) ?? true })
        }
        #expect(interrupted == 8, "only \(interrupted) of \(attempts) runs were interrupted mid-compile")
    }

    @Test(.enabled(if: MPIJobTests.mpiexecAvailable)) func sigtermOnEveryRankOfAnMPIJob() throws {
        var interrupted = 0
        var attempts = 0
        while interrupted < 20 && attempts < 60 {
            attempts += 1
            let dir = try longCompileDirectory()
            let pid = try spawn(["OTEL_DISTRO=bsb_jsonlines", "mpiexec", "-n", "4", binDirectory + "/otel-instrument",
                                 "bsb", "compile", "--clear"], in: dir)
            // Wait for all four ranks' files, then signal every rank, as a batch system's cancel does.
            waitForWork(dir, files: 4, then: 0.06)
            let ranks = rankPids(in: dir)
            let signalled = Date()
            for rank in ranks { kill(rank, SIGTERM) }
            let (code, _) = wait(pid)
            let seconds = Date().timeIntervalSince(signalled)
            let spans = try wholeLines(dir)
            let rootRank = spans.filter { $0.attributes["mpi.rank"] == .int(0) }
            guard let cli = rootRank.first(where: { $0.name == "cli" }), cli.status != .unset else {
                continue  // the job finished (or had not opened `cli`) before the signal: not an interruption
            }
            interrupted += 1
            #expect(ranks.count == 4, "attempt \(attempts): found \(ranks.count) rank processes")
            // 143 when every rank exits on its own. Hydra kills the ranks left when the first one exits and may
            // report that SIGKILL (9), or fail on a rank gone mid-barrier (255): its code, not ours. The checks below
            // show that every rank had written its spans.
            #expect(code != 0, "attempt \(attempts): mpiexec exited with 0 after SIGTERM")
            #expect(seconds < 2.0, "attempt \(attempts): the job took \(seconds) s to end after SIGTERM")
            #expect(traceFiles(dir).count == 4)
            #expect(cli.status == .error(description: "terminated by SIGTERM"))
            // Every rank ended its own open `compile` span in its own file before the job ended.
            for rank in 0..<4 {
                let compile = spans.first { $0.name == "compile" && $0.attributes["mpi.rank"] == .int(Int64(rank)) }
                #expect(compile?.status == .error(description: "terminated by SIGTERM"),
                        "attempt \(attempts): rank \(rank)'s compile is \(String(describing: compile?.status))")
            }
        }
        #expect(interrupted == 20, "only \(interrupted) of \(attempts) MPI runs were interrupted mid-compile")
    }

    /// The pids of otel-instrument processes working in `dir` (the ranks of a job started there).
    func rankPids(in dir: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe"),
                  exe.hasSuffix("/otel-instrument"),
                  let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")
            else { return false }
            return cwd == dir || cwd == (dir as NSString).resolvingSymlinksInPath
        }
    }

    @Test func sigkillAtRandomMomentsLeavesOnlyWholeLines() throws {
        for _ in 0..<20 {
            let dir = try longCompileDirectory()
            let pid = try spawn(["OTEL_DISTRO=bsb_jsonlines", binDirectory + "/otel-instrument", "bsb", "compile", "--clear"], in: dir)
            waitForWork(dir, then: 0.08)
            kill(pid, SIGKILL)
            _ = wait(pid)
            _ = try wholeLines(dir)
        }
    }

    @Test(.enabled(if: getuid() == 0)) func aCompileWhoseTraceFillsTheDiskCompletesWithOneWarning() throws {
        let dir = try workDirectory(example: "medium")
        let disk = "\(dir)/tiny"
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        // 16 KiB holds about twenty of the compile's ~200 spans.
        let mounted = try run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", disk], in: dir)
        try #require(mounted.status == 0, "could not mount a tmpfs: \(mounted.stderr)")
        defer { _ = try? run(["umount", disk], in: dir) }
        let result = try run([binDirectory + "/otel-instrument", "bsb", "compile", "--clear"], in: dir, environment: [
            "OTEL_DISTRO": "bsb_jsonlines", "OTEL_EXPORTER_JSONLINES_PATH": "\(disk)/trace.jsonlines",
        ])
        #expect(result.status == 0, "the compile must not fail because its trace cannot be written: \(result.stderr)")
        #expect(result.stdout.contains("3000 cells"))
        let warnings = result.stderr.split(separator: "\n").filter { $0.contains("could not be written") }
        #expect(warnings.count == 1, "stderr: \(result.stderr)")
        let lost = warnings.first.flatMap { line in line.split(separator: " ").lazy.compactMap { Int($0) }.first } ?? 0
        var whole = 0
        var decoder = JSONLinesDecoder()
        try LineReader(path: "\(disk)/trace.jsonlines").forEachLine { number, line in
            guard case .text(let bytes) = line else { throw TestFailure("line \(number) is not whole") }
            _ = try decoder.decode(bytes)
            whole += 1
            return true
        }
        #expect(whole > 0 && lost > 0)
        // Every span is either on disk or counted in the warning: none is lost silently.
        let reference = try workDirectory(example: "medium")
        let complete = try run([binDirectory + "/otel-instrument", "bsb", "compile", "--clear"], in: reference, environment: [
            "OTEL_DISTRO": "bsb_jsonlines", "OTEL_EXPORTER_JSONLINES_PATH": "\(reference)/trace.jsonlines",
        ])
        #expect(complete.status == 0)
        let expected = try String(contentsOfFile: "\(reference)/trace.jsonlines", encoding: .utf8).split(separator: "\n").count
        #expect(whole + lost == expected, "\(whole) written + \(lost) lost != \(expected) spans")
    }

    @Test func sixteenProcessesAppendingToOnePathLeaveWholeLines() throws {
        let dir = try workDirectory(example: "tinyconn")
        // 160,000 lines, 210 MB: not left behind.
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/shared.jsonlines"
        let pids = try (0..<16).map { _ in try spawn([binDirectory + "/bench", "--append", path, "10000"], in: dir) }
        for pid in pids { #expect(wait(pid).code == 0) }
        var count = 0
        var decoder = JSONLinesDecoder()
        try LineReader(path: path).forEachLine { number, line in
            guard case .text(let bytes) = line else { throw TestFailure("line \(number) is not whole") }
            _ = try decoder.decode(bytes)
            count += 1
            return true
        }
        #expect(count == 160_000)
    }
}
