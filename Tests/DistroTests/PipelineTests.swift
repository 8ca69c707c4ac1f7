#if canImport(Glibc)
import Glibc
#endif
import EntryPoints
import Exporters
import Telemetry
import Testing
@testable import Distro

@Suite struct PipelineTests {
    func configuration(_ flags: [String], _ environment: [String: String] = [:], registry: EntryPointRegistry)
        throws -> ResolvedConfiguration
    {
        let line = try LauncherCommandLine.parse(flags + ["program"])
        return try ResolvedConfiguration.resolve(flags: line.values, environment: environment, registry: registry)
    }

    func temporaryPattern() -> String {
        var template = Array(((getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp") + "/distro-tests-XXXXXX").utf8CString)
        let directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        return directory + "/traces_*.jsonlines"
    }

    @Test func configuratorsChooseTheProcessor() throws {
        let registry = DistroEntryPoints.registry
        let pattern = temporaryPattern()
        let simple = try configuration(["--exporter_jsonlines_path", pattern], ["OTEL_DISTRO": "bsb_jsonlines"],
                                       registry: registry)
        let configurator = try registry.load(group: "configurator", name: simple.configuratorName,
                                             as: (any OTelConfigurator).self)
        let pipeline = try configurator.makePipeline(simple, registry: registry, spanStartAttributes: [:])
        // The open-span registry comes first (for signals), then one processor per exporter.
        #expect(pipeline.provider.processors.count == 2)
        #expect(pipeline.provider.processors.first is OpenSpanRegistry)
        #expect(pipeline.provider.processors.last is SimpleSpanProcessor)
        #expect(pipeline.openSpans != nil)
        #expect(pipeline.batchProcessors.isEmpty)
        #expect(pipeline.jsonLinesPaths.count == 1 && !pipeline.jsonLinesPaths[0].contains("*"))
        pipeline.provider.shutdown()

        let batch = try configuration(["--traces_exporter", "jsonlines,console,none", "--exporter_jsonlines_path", pattern],
                                      registry: registry)
        let stock = try DefaultConfigurator().makePipeline(batch, registry: registry, spanStartAttributes: [:])
        #expect(stock.exporters.map(\.name) == ["jsonlines", "console"])
        #expect(stock.batchProcessors.count == 2)
        #expect(stock.provider.processors.dropFirst().allSatisfy { $0 is BatchSpanProcessor })
        stock.provider.shutdown()
    }

    @Test func unknownExporterListsTheNamesBeforeOpeningAnything() throws {
        let registry = DistroEntryPoints.registry
        let pattern = temporaryPattern()
        let bad = try configuration(["--traces_exporter", "jsonlines,zipkin", "--exporter_jsonlines_path", pattern],
                                    registry: registry)
        do {
            _ = try DefaultConfigurator().makePipeline(bad, registry: registry, spanStartAttributes: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.exitCode == 2)
            #expect(error.message.hasPrefix("unknown traces_exporter 'zipkin' (available: console, jsonlines, none"))
        }
        let directory = String(pattern.dropLast("/traces_*.jsonlines".count))
        #expect(opendir(directory).map { dir in
            var count = 0
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
                if name != "." && name != ".." { count += 1 }
            }
            closedir(dir)
            return count
        } == 0)
    }

    @Test func aRegisteredExporterIsUsed() throws {
        let memory = InMemoryExporter()
        var registry = DistroEntryPoints.registry
        registry.register(group: "traces_exporter", name: "memory", TracesExporterFactory(summary: "test") { _ in memory })
        let settings = try configuration(["--traces_exporter", "memory", "--resource_attributes", "deployment.environment=test",
                                          "--service_name", "svc"], registry: registry)
        let pipeline = try BsbJSONLinesConfigurator().makePipeline(settings, registry: registry, spanStartAttributes: [:])
        let span = pipeline.provider.tracer("t").startSpan("s", parent: .topLevel)
        span.end(atNanos: WallClock.nowNanos())
        pipeline.provider.shutdown()
        #expect(memory.finishedSpans.map(\.name) == ["s"])
        #expect(memory.finishedSpans.first?.resource.attributes["service.name"] == "svc")
        #expect(memory.finishedSpans.first?.resource.attributes["deployment.environment"] == "test")
    }
}
