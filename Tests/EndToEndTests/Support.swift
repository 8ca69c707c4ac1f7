import Exporters
import Foundation
import Telemetry

/// The package root, found from this file's path.
let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// The directory holding the built executables (`otel-instrument`, `bsb`, `bench`), beside the test bundle.
let binDirectory: String = {
    var url = URL(fileURLWithPath: CommandLine.arguments.first ?? "")
    if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { url = URL(fileURLWithPath: exe) }
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("otel-instrument").path) { return url.path }
    }
    return packageRoot + "/.build/debug"
}()

/// The result of a finished process.
struct Finished {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs `arguments` (the first is looked up on PATH unless it contains a slash) in `directory`.
func run(_ arguments: [String], in directory: String, environment: [String: String] = [:], timeout: TimeInterval = 300) throws -> Finished {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var env = ProcessInfo.processInfo.environment
    for key in env.keys where key.hasPrefix("OTEL_") || key.hasPrefix("PMI_") || key.hasPrefix("SLURM_") { env[key] = nil }
    env.merge(environment) { _, new in new }
    process.environment = env
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes while the process runs, so a chatty child never blocks on a full pipe.
    final class Collected: @unchecked Sendable { var data = Data() }
    let stdoutData = Collected(), stderrData = Collected()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { stdoutData.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    group.enter()
    DispatchQueue.global().async { stderrData.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(20_000) }
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
    group.wait()
    return Finished(status: process.terminationStatus, stdout: String(decoding: stdoutData.data, as: UTF8.self),
                    stderr: String(decoding: stderrData.data, as: UTF8.self))
}

/// A fresh directory holding `example` as `network_configuration.json`.
func workDirectory(example: String) throws -> String {
    let dir = NSTemporaryDirectory() + "otel-e2e-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: "\(packageRoot)/examples/\(example).json", toPath: "\(dir)/network_configuration.json")
    return dir
}

/// Every span of the JSON Lines files in `directory` whose names match `prefix*`, with the file it came from.
func spans(in directory: String, prefix: String = "traces_") throws -> [(file: String, span: SpanRecord)] {
    var result: [(String, SpanRecord)] = []
    let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".jsonlines") }.sorted()
    for file in files {
        var decoder = JSONLinesDecoder()
        try LineReader(path: "\(directory)/\(file)").forEachLine { _, line in
            guard case .text(let bytes) = line else { throw TestFailure("\(file): a line is not whole") }
            result.append((file, try decoder.decode(bytes)))
            return true
        }
    }
    return result
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension AttributeValue {
    var intValue: Int64? { if case .int(let v) = self { v } else { nil } }
}
