import Telemetry
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import Exporters

/// A JSON Lines file on a tiny, full tmpfs: the program goes on, the file keeps whole lines only, and the spans
/// that did not fit are counted for the one warning.
@Suite(.serialized) struct FullDiskTests {
    static func mountTinyFilesystem() -> String? {
        guard getuid() == 0 else { return nil }
        let dir = temporaryDirectory()
        var pid = pid_t()
        let args = ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir]
        let cArgs = args.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        guard posix_spawnp(&pid, "mount", nil, nil, cArgs, environ) == 0 else { return nil }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return status == 0 ? dir : nil
    }

    static func unmount(_ dir: String) {
        var pid = pid_t()
        let args = ["umount", dir]
        let cArgs = args.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        if posix_spawnp(&pid, "umount", nil, nil, cArgs, environ) == 0 {
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }

    @Test(.enabled(if: getuid() == 0)) func aFullDiskLosesSpansButNeverLeavesATornLine() throws {
        let dir = try #require(Self.mountTinyFilesystem(), "could not mount a tmpfs")
        defer { Self.unmount(dir) }
        let exporter = try JSONLinesExporter(pathPattern: "\(dir)/traces_*.jsonlines")
        let provider = TracerProvider(processors: [BatchSpanProcessor(exporter: exporter, configuration: .init(maxExportBatchSize: 37))])
        let tracer = provider.tracer("full-disk")
        let total = 400
        for i in 0..<total {
            tracer.withSpan("span-\(i)") { $0.setAttribute("payload", .string(String(repeating: "x", count: 300))) }
        }
        provider.forceFlush()
        let lost = exporter.lostSpans
        provider.shutdown()
        #expect(lost > 0, "64 KiB cannot hold \(total) spans of 700+ bytes")
        var whole = 0
        var decoder = JSONLinesDecoder()
        try LineReader(path: exporter.path).forEachLine { number, line in
            guard case .text(let bytes) = line else {
                Issue.record("line \(number) is torn")
                return false
            }
            _ = try decoder.decode(bytes)
            whole += 1
            return true
        }
        #expect(whole > 0)
        #expect(whole + lost == total)
    }
}
