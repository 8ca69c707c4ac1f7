import Testing
import Telemetry
#if canImport(Glibc)
import Glibc
#endif
@testable import Exporters

@Suite struct SpanReplayTests {
    /// Writes a small trace with every field (links, trace state, unsampled flags on a link) through our exporter.
    func recordedTrace(in dir: String, name: String = "recorded.jsonlines") throws -> String {
        let exporter = try JSONLinesExporter(pathPattern: "\(dir)/\(name)")
        let provider = TracerProvider(resource: Resource.detect(serviceName: "recorder"),
                                      processors: [SimpleSpanProcessor(exporter: exporter)])
        let tracer = provider.tracer("bsb-core", version: "8.0.2")
        let other = SpanContext(traceID: TraceID(high: 9, low: 9), spanID: SpanID(99), traceFlags: .none,
                                traceState: TraceState([.init(key: "k", value: "v")]), isRemote: true)
        tracer.withSpan("cli") { cli in
            cli.setAttribute("bsb.cli_command", .stringArray(["compile", "--clear"]))
            tracer.withSpan("compile", ofKind: .producer) { span in
                span.addLink(to: other, attributes: ["why": "batch"])
                span.addEvent(name: "Placing 390 base_type in [0 0 0]")
                span.setStatus(.init(code: .error, message: "PackingError: too dense"))
            }
        }
        provider.shutdown()
        return exporter.path
    }

    func lines(_ path: String) -> [String] { readFile(path).split(separator: "\n").map(String.init) }

    @Test func keepTimestampsAndResourceReproducesEveryLine() throws {
        let dir = temporaryDirectory()
        let source = try recordedTrace(in: dir)
        let output = try JSONLinesExporter(pathPattern: "\(dir)/replayed.jsonlines")
        let provider = TracerProvider(resource: Resource.detect(serviceName: "BSB Replay"),
                                      processors: [SimpleSpanProcessor(exporter: output)])
        let summary = try SpanReplay.replay(files: [source], into: provider,
                                            options: .init(keepTimestamps: true, keepResource: true))
        provider.shutdown()
        #expect(summary.spans == 2 && summary.files == 1 && summary.shiftNanos == 0)
        #expect(lines(output.path) == lines(source))
    }

    @Test func defaultReplayShiftsTimesAndUsesTheReplayingResource() throws {
        let dir = temporaryDirectory()
        let source = try recordedTrace(in: dir)
        let memory = InMemoryExporter()
        let resource = Resource.detect(serviceName: "BSB Replay")
        let provider = TracerProvider(resource: resource, processors: [SimpleSpanProcessor(exporter: memory)])
        let now: UInt64 = 2_000_000_000_000_000_000
        let summary = try SpanReplay.replay(files: [source], into: provider, now: now)
        var decoder = JSONLinesDecoder()
        let originals = try lines(source).map { try decoder.decode($0) }
        let replayed = memory.finishedSpans
        #expect(replayed.count == 2)
        #expect(replayed.map(\.endTimeNanos).max() == now)
        for (r, o) in zip(replayed, originals) {
            #expect(r.context == o.context && r.parentSpanID == o.parentSpanID && r.links == o.links)
            #expect(r.status == o.status && r.kind == o.kind && r.attributes == o.attributes)
            #expect(r.endTimeNanos - r.startTimeNanos == o.endTimeNanos - o.startTimeNanos)
            #expect(Int64(bitPattern: r.startTimeNanos &- o.startTimeNanos) == summary.shiftNanos)
            #expect(r.resource === resource)
        }
        #expect(replayed[0].links.first?.context.traceState.entries.first?.value == "v")
        #expect(replayed[0].links.first?.context.traceFlags == TraceFlags.none)
    }

    @Test func malformedLineStopsBeforeAnythingIsSent() throws {
        let dir = temporaryDirectory()
        let source = try recordedTrace(in: dir)
        let bad = "\(dir)/bad.jsonlines"
        writeFile(bad, readFile(source) + "{\"name\": \"broken\"\n")
        let memory = InMemoryExporter()
        let provider = TracerProvider(processors: [SimpleSpanProcessor(exporter: memory)])
        #expect(throws: SpanReplay.Failure(message: "\(bad):3: unexpected end of line, expected '}' (at byte 18); nothing was replayed (use --skip-invalid to replay the valid lines)")) {
            try SpanReplay.replay(files: [source, bad], into: provider)
        }
        #expect(memory.finishedSpans.isEmpty)
        let summary = try SpanReplay.replay(files: [source, bad], into: provider, options: .init(skipInvalid: true))
        #expect(summary.spans == 4 && summary.skippedLines == 1)
        #expect(summary.notes == ["skipped 1 invalid line(s)"])
    }

    @Test func aFileValidatedInPartsReportsTheSameLinesAsOneRead() throws {
        let dir = temporaryDirectory()
        let source = try recordedTrace(in: dir)
        let good = readFile(source)  // two lines
        let path = "\(dir)/parts.jsonlines"
        // 60 copies (120 lines), broken at lines 7 and 101: both parts of the file have a bad line, and the
        // reported one must be the first, numbered from the start of the file.
        var lines = Array(repeating: good, count: 60).joined().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[6] = "{\"name\": 7"
        lines[100] = "{\"name\": \"x\", \"context\": 1}"
        writeFile(path, lines.joined(separator: "\n"))
        var inParts = SpanReplay.Options()
        inParts.parallelScanBytes = 0
        inParts.maxScanParts = 4
        let boundaries = try LineReader(path: path).lineBoundaries(parts: 4)
        #expect(boundaries.count == 3)
        let provider = TracerProvider(processors: [])
        let message = "\(path):7: expected '\"' but found '7' (at byte 10); nothing was replayed (use --skip-invalid to replay the valid lines)"
        #expect(throws: SpanReplay.Failure(message: message)) { try SpanReplay.replay(files: [path], into: provider, options: inParts) }
        #expect(throws: SpanReplay.Failure(message: message)) { try SpanReplay.replay(files: [path], into: provider) }
        // Only the second part is broken: its line number counts the lines of the part before it.
        lines[6] = lines[4]
        writeFile(path, lines.joined(separator: "\n"))
        #expect(throws: SpanReplay.Failure(message: "\(path):101: expected '{' but found '1' (at byte 26); nothing was replayed (use --skip-invalid to replay the valid lines)")) {
            try SpanReplay.replay(files: [path], into: provider, options: inParts)
        }
        inParts.skipInvalid = true
        let memory = InMemoryExporter()
        let summary = try SpanReplay.replay(
            files: [path], into: TracerProvider(processors: [SimpleSpanProcessor(exporter: memory)]), options: inParts)
        #expect(summary.spans == 119 && summary.skippedLines == 1)
        #expect(memory.finishedSpans.count == 119)
    }

    /// Writes `count` spans named `span-0`… in order, each with its index as an attribute.
    func numberedTrace(in dir: String, count: Int) throws -> String {
        let exporter = try JSONLinesExporter(pathPattern: "\(dir)/numbered.jsonlines")
        let provider = TracerProvider(resource: Resource.detect(serviceName: "recorder"),
                                      processors: [SimpleSpanProcessor(exporter: exporter)])
        let tracer = provider.tracer("bsb-core")
        for i in 0..<count { tracer.withSpan("span-\(i)") { $0.setAttribute("index", .int(Int64(i))) } }
        provider.shutdown()
        return exporter.path
    }

    /// The second pass decodes chunks of the file on several threads: every span still arrives, whole and in
    /// the file's order.
    @Test func decodingInChunksOnSeveralThreadsKeepsTheFilesOrder() throws {
        let dir = temporaryDirectory()
        let source = try numberedTrace(in: dir, count: 600)
        var options = SpanReplay.Options(keepTimestamps: true, keepResource: true)
        options.decodeChunkBytes = 4096
        let output = try JSONLinesExporter(pathPattern: "\(dir)/replayed.jsonlines")
        let provider = TracerProvider(processors: [SimpleSpanProcessor(exporter: output)])
        let summary = try SpanReplay.replay(files: [source], into: provider, options: options)
        provider.shutdown()
        #expect(summary.spans == 600)
        #expect(lines(output.path).count == 600)
        #expect(readFile(output.path) == readFile(source))
    }

    /// A line that breaks while the workers decode (the file changed after it was validated) stops the pipe with
    /// the line's number in the whole file, after the spans before it, and leaves no worker blocked.
    @Test func aLineBrokenInALaterChunkIsReportedWithItsLineInTheFile() throws {
        let dir = temporaryDirectory()
        let path = try numberedTrace(in: dir, count: 600)
        var lines = lines(path)
        lines[449] = "{\"name\": \"x\", \"context\": 1}"
        writeFile(path, lines.joined(separator: "\n") + "\n")
        var received: [String] = []
        #expect(throws: SpanReplay.Failure(message: "\(path):450: expected '{' but found '1' (at byte 26)")) {
            try DecodedBatches.pipe(SpanFileReader(path: path), workers: 2, chunkBytes: 2048) { batch in
                received += batch.map(\.name)
            }
        }
        #expect(received == (0..<449).map { "span-\($0)" })
    }

    @Test func tornLastLineIsReportedAsSuch() throws {
        let dir = temporaryDirectory()
        let source = try recordedTrace(in: dir)
        let torn = "\(dir)/torn.jsonlines"
        writeFile(torn, readFile(source) + "{\"name\": \"cut sh")
        let provider = TracerProvider(processors: [])
        #expect(throws: SpanReplay.Failure(message: "\(torn):3: torn last line (no newline at the end of the file: was the writer killed?); nothing was replayed (use --skip-invalid to replay the valid lines)")) {
            try SpanReplay.replay(files: [torn], into: provider)
        }
    }

    @Test func globsMissingFilesAndDuplicates() throws {
        let dir = temporaryDirectory()
        let a = try recordedTrace(in: dir, name: "traces_a.jsonlines")
        _ = try recordedTrace(in: dir, name: "traces_b.jsonlines")
        let expanded = try SpanReplay.expand(["\(dir)/traces_*.jsonlines", a])
        #expect(expanded.files.count == 2)
        #expect(expanded.notes == ["\(a) is named more than once; read once"])
        #expect(throws: SpanReplay.Failure(message: "no file matches '\(dir)/nothing_*.jsonlines'")) {
            try SpanReplay.expand(["\(dir)/nothing_*.jsonlines"])
        }
        #expect(throws: SpanReplay.Failure(message: "\(dir)/absent.jsonlines: no such file")) {
            try SpanReplay.expand(["\(dir)/absent.jsonlines"])
        }
    }

    @Test func otlpJSONLinesAreReplayedToo() throws {
        let dir = temporaryDirectory()
        let path = "\(dir)/collector.json"
        writeFile(path, #"{"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "other-tool"}}]}, "scopeSpans": [{"scope": {"name": "lib", "version": "2"}, "spans": [{"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174", "parentSpanId": "eee19b7ec3c1b173", "traceState": "a=b", "name": "op", "kind": 3, "startTimeUnixNano": "1544712660000000000", "endTimeUnixNano": "1544712661000000000", "attributes": [{"key": "n", "value": {"intValue": "42"}}, {"key": "l", "value": {"arrayValue": {"values": [{"stringValue": "x"}]}}}], "events": [{"timeUnixNano": "1544712660500000000", "name": "ev", "attributes": []}], "links": [{"traceId": "5b8efff798038103d269b633813fc60d", "spanId": "eee19b7ec3c1b175", "attributes": []}], "status": {"code": 2, "message": "bad"}, "flags": 1}]}]}]}"# + "\n")
        let memory = InMemoryExporter()
        let provider = TracerProvider(processors: [SimpleSpanProcessor(exporter: memory)])
        let summary = try SpanReplay.replay(files: [path], into: provider, options: .init(keepTimestamps: true, keepResource: true))
        #expect(summary.spans == 1)
        let span = try #require(memory.finishedSpans.first)
        #expect(span.name == "op" && span.kind == .client)
        #expect(span.context.traceID.hex == "5b8efff798038103d269b633813fc60c")
        #expect(span.parentSpanID?.hex == "eee19b7ec3c1b173")
        #expect(span.context.traceState.header == "a=b")
        #expect(span.attributes["n"] == .int(42) && span.attributes["l"] == .stringArray(["x"]))
        #expect(span.status == .error(description: "bad"))
        #expect(span.events.first?.timeNanos == 1_544_712_660_500_000_000)
        #expect(span.links.first?.context.spanID.hex == "eee19b7ec3c1b175")
        #expect(span.resource.attributes["service.name"] == "other-tool")
        #expect(span.scope == InstrumentationScope(name: "lib", version: "2"))
    }
}
