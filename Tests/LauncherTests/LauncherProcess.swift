import Foundation
import Testing

/// Runs the built `otel-instrument` executable in a temporary directory and captures what it does.
struct LauncherProcess {
    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
        let directory: URL

        /// The files of `directory` named `traces_*.jsonlines` (or matching `prefix`), sorted.
        func traceFiles(prefix: String = "traces_") -> [URL] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".jsonlines") }.sorted()
                .map { directory.appendingPathComponent($0) }
        }

        /// Every span of every trace file, as parsed JSON objects.
        func spans() throws -> [[String: Any]] {
            try traceFiles().flatMap { try LauncherProcess.spans(in: $0) }
        }
    }

    /// The executable next to the test bundle (or `OTEL_INSTRUMENT_BINARY`).
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["OTEL_INSTRUMENT_BINARY"] { return path }
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // On Linux the tests are one executable in the products directory; on macOS a bundle inside it.
        while !directory.path.isEmpty && directory.path != "/" {
            let candidate = directory.appendingPathComponent("otel-instrument")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
            directory = directory.deletingLastPathComponent()
        }
        return testBinary.deletingLastPathComponent().appendingPathComponent("otel-instrument").path
    }()

    /// The package's root directory.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The environment tests start from: this process's, without any OTEL_* or trace-context variable.
    static var cleanEnvironment: [String: String] {
        ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("OTEL_") && !["TRACEPARENT", "TRACESTATE"].contains($0.key)
        }
    }

    /// A new empty directory; with `network`, it holds the quickstart as `network_configuration.json`.
    static func temporaryDirectory(network: Bool = false) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("launcher-tests-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        if network {
            try FileManager.default.copyItem(
                atPath: packageRoot.appendingPathComponent("examples/quickstart.json").path,
                toPath: url.appendingPathComponent("network_configuration.json").path)
        }
        return url
    }

    /// Runs the launcher with `arguments` and `environment` (added to the clean one) in `directory`.
    ///
    /// Spawned with `posix_spawn`, an empty signal mask and default signal handling, as from a shell: the
    /// test runner's threads block signals, and a child started with Foundation's `Process` inherits that.
    /// `whileRunning` gets the launcher's pid and the directory before the launcher is waited for.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil,
        whileRunning: ((pid_t, URL) throws -> Void)? = nil
    ) throws -> Outcome {
        let directory = try directory ?? temporaryDirectory()
        let output = directory.appendingPathComponent(".stdout").path
        let error = directory.appendingPathComponent(".stderr").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, error, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        // `env -C` changes the directory and executes the launcher in place (same pid).
        let argv = (["env", "-C", directory.path, binary] + arguments).map { strdup($0) } + [nil]
        let envp = cleanEnvironment.merging(environment) { $1 }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, "/usr/bin/env", &actions, &attributes, argv, envp)
        try #require(spawned == 0, "cannot start \(binary): \(String(cString: strerror(spawned)))")
        var status: Int32 = 0
        do {
            try whileRunning?(pid, directory)
        } catch {
            kill(pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            throw error
        }
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7F
        return Outcome(
            status: signal == 0 ? (status >> 8) & 0xFF : 128 + signal,
            stdout: try String(contentsOfFile: output, encoding: .utf8),
            stderr: try String(contentsOfFile: error, encoding: .utf8), directory: directory)
    }

    static func spans(in file: URL) throws -> [[String: Any]] {
        let text = try String(contentsOf: file, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    /// `--print-config` output as `name → (value, source)`.
    static func printedConfiguration(_ text: String) -> [String: (value: String, source: String)] {
        var result: [String: (String, String)] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "="), let tab = line.lastIndex(of: "\t") else { continue }
            result[String(line[..<equals])] = (String(line[line.index(after: equals)..<tab]),
                                               String(line[line.index(after: tab)...]))
        }
        return result
    }
}

extension Dictionary where Key == String, Value == Any {
    var name: String? { self["name"] as? String }
    var attributes: [String: Any] { self["attributes"] as? [String: Any] ?? [:] }
    var context: [String: Any] { self["context"] as? [String: Any] ?? [:] }
    var traceID: String? { context["trace_id"] as? String }
    var spanID: String? { context["span_id"] as? String }
    var parentID: String? { self["parent_id"] as? String }
    var statusCode: String? { (self["status"] as? [String: Any])?["status_code"] as? String }
    var statusDescription: String? { (self["status"] as? [String: Any])?["description"] as? String }
    var resourceAttributes: [String: Any] { (self["resource"] as? [String: Any])?["attributes"] as? [String: Any] ?? [:] }
}
