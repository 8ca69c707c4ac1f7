import Testing
import Telemetry
#if canImport(Glibc)
import Glibc
#endif
@testable import Exporters

/// A fresh directory under `$TMPDIR`, which `scripts/test.sh` points at a directory it removes afterwards.
func temporaryDirectory() -> String {
    var template = Array(((getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp") + "/otel-test-XXXXXX").utf8CString)
    return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
}

func readFile(_ path: String) -> String {
    guard let file = fopen(path, "r") else { return "" }
    defer { fclose(file) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, file)
        if n <= 0 { break }
        out += buffer[0..<n]
    }
    return String(decoding: out, as: UTF8.self)
}

func writeFile(_ path: String, _ text: String) {
    let file = fopen(path, "w")!
    _ = text.utf8CString.withUnsafeBufferPointer { fputs($0.baseAddress!, file) }
    fclose(file)
}

func tree(_ provider: TracerProvider) {
    let tracer = provider.tracer("test")
    tracer.withSpan("root") { root in
        root.setAttribute("mpi.rank", 0)
        tracer.withSpan("child") { child in
            child.setAttribute("unit", "μm³")
            child.addEvent(name: "Placing 390 base_type in [0 0 0]")
        }
    }
}

@Suite struct ExporterTests {
    @Test func jsonLinesFileParsesBackFieldForField() throws {
        let dir = temporaryDirectory()
        let exporter = try JSONLinesExporter(pathPattern: "\(dir)/traces_*.jsonlines")
        #expect(!exporter.path.contains("*"))
        let token = exporter.path.dropFirst(dir.count + "/traces_".count).prefix(8)
        #expect(token.count == 8 && token.allSatisfy { $0.isLowercase || $0.isNumber })
        let memory = InMemoryExporter()
        let provider = TracerProvider(
            resource: Resource.detect(serviceName: "BSB Workflow"),
            processors: [SimpleSpanProcessor(exporter: exporter), SimpleSpanProcessor(exporter: memory)])
        tree(provider)
        provider.shutdown()
        var decoder = JSONLinesDecoder()
        var decoded: [SpanRecord] = []
        try LineReader(path: exporter.path).forEachLine { _, line in
            guard case .text(let bytes) = line else { Issue.record("bad line"); return false }
            decoded.append(try decoder.decode(bytes))
            return true
        }
        let expected = memory.finishedSpans
        #expect(decoded.count == 2)
        for (d, e) in zip(decoded, expected) {
            #expect(d.name == e.name)
            #expect(d.context == e.context)
            #expect(d.parentSpanID == e.parentSpanID)
            #expect(d.kind == e.kind && d.status == e.status && d.attributes == e.attributes)
            #expect(d.resource == e.resource && d.scope == e.scope)
            #expect(d.startTimeNanos / 1000 == (e.startTimeNanos + 500) / 1000)
            #expect(d.events.map(\.name) == e.events.map(\.name))
        }
    }

    @Test func fileIsAppendedNotTruncatedAndCreatedEvenWhenEmpty() throws {
        let dir = temporaryDirectory()
        let path = "\(dir)/fixed.jsonlines"
        writeFile(path, "existing line\n")
        let exporter = try JSONLinesExporter(pathPattern: path)
        let provider = TracerProvider(processors: [SimpleSpanProcessor(exporter: exporter)])
        tree(provider)
        provider.shutdown()
        let lines = readFile(path).split(separator: "\n")
        #expect(lines.first == "existing line")
        #expect(lines.count == 3)

        let empty = try JSONLinesExporter(pathPattern: "\(dir)/empty_*.jsonlines")
        empty.shutdown()
        #expect(access(empty.path, F_OK) == 0)
    }

    @Test func unopenableFileIsAClearError() {
        #expect {
            _ = try JSONLinesExporter(pathPattern: "/nonexistent-dir/x.jsonlines")
        } throws: { error in
            (error as? ExporterError)?.message.contains("/nonexistent-dir/x.jsonlines") == true
        }
    }

    @Test func batchProcessorWritesTheSameLinesAsSimple() throws {
        let dir = temporaryDirectory()
        let exporter = try JSONLinesExporter(pathPattern: "\(dir)/batch.jsonlines")
        let provider = TracerProvider(processors: [BatchSpanProcessor(exporter: exporter, configuration: .init(maxExportBatchSize: 7))])
        for _ in 0..<10 { tree(provider) }
        provider.shutdown()
        #expect(readFile(exporter.path).split(separator: "\n").count == 20)
    }

    /// The simple processor takes no lock of its own: threads ending spans at once meet in the exporter, which
    /// must write each of their lines whole and lose none.
    @Test func threadsEndingSpansAtOnceThroughASimpleProcessorWriteWholeLines() async throws {
        let dir = temporaryDirectory()
        let exporter = try JSONLinesExporter(pathPattern: "\(dir)/threads.jsonlines")
        let provider = TracerProvider(processors: [SimpleSpanProcessor(exporter: exporter)])
        let tracer = provider.tracer("threads")
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<4 {
                group.addTask {
                    for i in 0..<2_000 {
                        tracer.withSpan("task \(task)") { $0.setAttribute("index", .int(Int64(i))) }
                    }
                }
            }
        }
        provider.shutdown()
        let lines = readFile(exporter.path).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 8_000)
        var decoder = JSONLinesDecoder()
        var perTask: [String: Set<Int64>] = [:]
        for line in lines {
            let span = try decoder.decode(String(line))
            if case .int(let i) = span.attributes["index"] { perTask[span.name, default: []].insert(i) }
        }
        #expect(perTask.count == 4)
        #expect(perTask.values.allSatisfy { $0.count == 2_000 })
    }

    @Test func consoleExporterPrintsIndentedJSON() throws {
        var fds: [Int32] = [0, 0]
        pipe(&fds)
        let provider = TracerProvider(processors: [SimpleSpanProcessor(exporter: ConsoleExporter(fd: fds[1]))])
        tree(provider)
        provider.shutdown()
        close(fds[1])
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fds[0], &buffer, buffer.count)
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        close(fds[0])
        let text = String(decoding: out, as: UTF8.self)
        #expect(text.hasPrefix("{\n    \"name\": \"child\",\n    \"context\": {\n        \"trace_id\": \"0x"))
        #expect(text.contains("\"events\": [\n        {\n            \"name\": \"Placing 390 base_type in [0 0 0]\""))
        #expect(text.contains("\"links\": [],"))
        #expect(text.split(separator: "\n").filter { $0 == "}" }.count == 2)
    }

    @Test func noneAndInMemoryExporters() {
        let memory = InMemoryExporter()
        let provider = TracerProvider(processors: [SimpleSpanProcessor(exporter: NoneExporter()), SimpleSpanProcessor(exporter: memory)])
        tree(provider)
        #expect(memory.finishedSpans.map(\.name) == ["child", "root"])
        memory.reset()
        #expect(memory.finishedSpans.isEmpty)
        provider.shutdown()
        #expect(memory.export(record()) != .success)
    }

    @Test func concurrentProcessesAppendingToOnePathLeaveWholeLines() throws {
        let bench = try #require(ExecutableLocator.path(of: "bench"))
        let dir = temporaryDirectory()
        let path = "\(dir)/shared.jsonlines"
        var pids: [pid_t] = []
        for _ in 0..<4 {
            var pid = pid_t()
            let args = [bench, "--append", path, "2000"]
            let cArgs = args.map { strdup($0) } + [nil]
            #expect(posix_spawn(&pid, bench, nil, nil, cArgs, environ) == 0)
            cArgs.forEach { free($0) }
            pids.append(pid)
        }
        for pid in pids {
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            #expect(status == 0)
        }
        var decoder = JSONLinesDecoder()
        var count = 0
        try LineReader(path: path).forEachLine { number, line in
            guard case .text(let bytes) = line else {
                Issue.record("line \(number) is not whole")
                return false
            }
            _ = try decoder.decode(bytes)
            count += 1
            return true
        }
        #expect(count == 8000)
    }
}

func record() -> SpanRecord {
    SpanRecord(name: "x", context: SpanContext(traceID: TraceID(high: 1, low: 1), spanID: SpanID(1)), parentSpanID: nil,
               startTimeNanos: 0, endTimeNanos: 1, resource: Resource(attributes: [:]))
}

/// Finds an executable built beside the test bundle.
enum ExecutableLocator {
    static func path(of name: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        var dir = String(cString: buffer)
        while let slash = dir.lastIndex(of: "/") {
            dir = String(dir[..<slash])
            let candidate = dir + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
            if dir.hasSuffix("/.build") || dir.isEmpty { break }
        }
        return nil
    }
}

@Suite struct LineReaderTests {
    @Test func tornLastLineAndOverlongLinesAreReportedNotLoaded() throws {
        let dir = temporaryDirectory()
        let path = "\(dir)/lines.jsonlines"
        writeFile(path, "short\n" + String(repeating: "x", count: 5000) + "\nafter\nhalf-writ")
        var seen: [String] = []
        try LineReader(path: path, maxLineLength: 1000, chunkSize: 700).forEachLine { number, line in
            switch line {
            case .text(let b): seen.append("\(number):text:\(String(decoding: b, as: UTF8.self))")
            case .tooLong(let length): seen.append("\(number):tooLong:\(length)")
            case .torn(let b): seen.append("\(number):torn:\(String(decoding: b, as: UTF8.self))")
            }
            return true
        }
        #expect(seen == ["1:text:short", "2:tooLong:5000", "3:text:after", "4:torn:half-writ"])
    }

    @Test func linesOfEveryLengthAroundTheBufferSizesComeOutWhole() throws {
        let dir = temporaryDirectory()
        let path = "\(dir)/lengths.jsonlines"
        // The buffer starts at one 4096-byte chunk and grows when a partial line fills half of it, up to the chunk
        // plus the 20,000-byte limit.
        var lengths = [0, 1, 2047, 2048, 2049, 4095, 4096, 4097, 6143, 6144, 8191, 8192, 12_000, 19_999, 20_000, 20_001, 3]
        var generator = Xoshiro256StarStar(seed: 7)
        lengths += (0..<300).map { _ in Int.random(in: 0...9000, using: &generator) }
        let lines = lengths.enumerated().map { i, n in
            String((0..<n).map { k in Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8((i + k) % 26))) })
        }
        writeFile(path, lines.joined(separator: "\n") + "\n")
        var seen: [String] = []
        try LineReader(path: path, maxLineLength: 20_000, chunkSize: 4096).forEachLine { number, line in
            switch line {
            case .text(let b): seen.append(String(decoding: b, as: UTF8.self))
            case .tooLong(let length): seen.append("\(number): \(length) bytes, too long")
            case .torn: seen.append("\(number): torn")
            }
            return true
        }
        #expect(seen.count == lines.count)
        for (i, line) in lines.enumerated() {
            let expected = line.utf8.count > 20_000 ? "\(i + 1): \(line.utf8.count) bytes, too long" : line
            #expect(seen[i] == expected, "line \(i + 1), \(line.utf8.count) bytes")
        }
    }

    @Test func missingFileNamesThePath() {
        #expect(throws: LineReaderError.self) { try LineReader(path: "/nonexistent/x").forEachLine { _, _ in true } }
    }
}
