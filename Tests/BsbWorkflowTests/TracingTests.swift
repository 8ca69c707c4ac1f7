import Foundation
import Parallel
import Telemetry
import TelemetryTesting
import Testing
import Tracing
@testable import BsbWorkflow

/// Runs `bsb ARGS` in `dir` on one rank inside a span capture, and returns its exit code with the spans.
func runCaptured(_ arguments: [String], in dir: TemporaryDirectory, console: CapturedConsole = CapturedConsole()) -> (code: Int32, spans: CapturedSpans) {
    let (code, spans) = SpanCapture.capture {
        BsbCLI.run(arguments, runtime: BsbRuntime(tracer: InstrumentationSystem.tracer, communicator: SerialCommunicator(), console: console.console, workingDirectory: dir.path, environment: [:]))
    }
    return (code, spans)
}

@Suite struct TracingTests {
    @Test func quickstartTraceIsCliCompileAndComponentMethods() throws {
        let dir = try TemporaryDirectory()
        let (code, spans) = runCaptured(["compile", "--clear", "--seed", "1", "-v", "0", examplePath("quickstart"), "-o", dir.file("net")], in: dir)
        #expect(code == 0)

        #expect(spans.roots.map(\.name) == ["cli"])
        let cli = try #require(spans.roots.first)
        #expect(cli.attributes["bsb.cli_command"] == .stringArray(["bsb", "compile", "--clear", "--seed", "1", "-v", "0", examplePath("quickstart"), "-o", dir.file("net")]))
        let context = try #require(cli.string("bsb.context"), "no bsb.context")
        #expect(try JSONValue.parse(context)["command"] == .string("compile"))

        let compile = try #require(spans.first(named: "compile"))
        #expect(compile.parentSpanID == cli.context.spanID)

        // Every other span descends from compile, in one trace; no orphans.
        let underCompile = Set(spans.descendants(of: compile).map(\.context.spanID))
        for span in spans where span.context.spanID != cli.context.spanID && span.context.spanID != compile.context.spanID {
            #expect(underCompile.contains(span.context.spanID), "\(span.name) is not under compile")
        }
        #expect(spans.orphans.isEmpty)
        #expect(Set(spans.map(\.context.traceID)).count == 1)

        // mpi.rank / mpi.size on every span.
        for span in spans {
            #expect(span.attributes["mpi.rank"] == .int(0), "\(span.name)")
            #expect(span.attributes["mpi.size"] == .int(1), "\(span.name)")
        }

        // Component-method spans, named Class.method, with their attributes.
        #expect(spans.named("RandomPlacement.place").count == 4)
        for name in ["Layer.layout", "Layer.volume", "RandomPlacement.queue", "storage.write_positions", "storage.write_manifest", "storage.clear"] {
            #expect(spans.first(named: name) != nil, "missing \(name)")
        }
        #expect(spans.count == 16)
        let place = try #require(spans.first(named: "RandomPlacement.place"))
        #expect(place.string("bsb.type") == "component_method")
        #expect(place.string("bsb.component_type") == "placement")
        #expect(place.string("bsb.component_class") == "RandomPlacement")
        #expect(place.string("bsb.component_method") == "place")
        let write = try #require(spans.first(named: "storage.write_positions"))
        #expect(write.string("bsb.component_type") == "storage")
        #expect(write.string("bsb.component_class") == "FileStorage")
        let volume = try #require(spans.first(named: "Layer.volume"))
        #expect(volume.string("bsb.component_type") == "partition")

        // report() messages as events on the job spans, whatever the verbosity.
        let events = spans.named("RandomPlacement.place").flatMap(\.events).map(\.name)
        #expect(events.sorted() == ["Placing 390 base_type in [0 0 0]", "Placing 390 base_type in [0 0 1]", "Placing 390 base_type in [1 0 0]", "Placing 390 base_type in [1 0 1]"])
        #expect(compile.events.contains { $0.name.hasPrefix("Compiled 'Starting example': 1560 cells") })
        #expect(spans.errors.isEmpty)
    }

    @Test func mediumTraceStaysModest() throws {
        let dir = try TemporaryDirectory()
        let (code, spans) = runCaptured(["compile", "--clear", "-v", "0", "--config", examplePath("medium"), "-o", dir.file("net")], in: dir)
        #expect(code == 0)
        #expect(spans.named("RandomPlacement.place").count == 128)
        #expect(spans.named("AllToAll.connect").count == 64)
        #expect(spans.count == 208)
    }

    static let tooDense = """
        {"name": "dense", "storage": {"engine": "fs", "root": "network"},
         "network": {"x": 200, "y": 200, "z": 200},
         "partitions": {"base_layer": {"type": "layer", "thickness": 100}},
         "cell_types": {"base_type": {"spatial": {"radius": 2.5, "density": 0.1}}},
         "placement": {"example_placement": {"strategy": "bsb.placement.RandomPlacement", "cell_types": ["base_type"], "partitions": ["base_layer"]}},
         "connectivity": {}, "simulations": {}}
        """

    @Test func packingErrorMarksEverySpanItUnwindsThrough() throws {
        let dir = try TemporaryDirectory()
        let config = try dir.write("network_configuration.json", Self.tooDense)
        let console = CapturedConsole()
        let (code, spans) = runCaptured(["compile", "--clear", config], in: dir, console: console)
        #expect(code == 1)
        #expect(console.errLines.count == 1)
        #expect(console.err.hasPrefix("bsb: error: PackingError: cell type 'base_type' does not fit in partition 'base_layer': packing factor 6.545"))

        let failed = spans.errors
        #expect(Set(failed.map(\.name)) == ["RandomPlacement.place", "compile", "cli"])
        #expect(failed.count == 3)  // the first job fails; no job runs after it
        for span in failed {
            #expect(span.errorDescription?.hasPrefix("PackingError: cell type 'base_type'") == true, "\(span.name)")
            #expect(span.exceptions.count == 1, "\(span.name)")
            #expect(span.exceptions.first?.attributes["exception.type"] == "PackingError", "\(span.name)")
        }
        // The spans it did not unwind through are not marked.
        let volumes = spans.named("Layer.volume")
        #expect(!volumes.isEmpty)
        #expect(volumes.allSatisfy { $0.status == .unset && $0.exceptions.isEmpty })
    }

    @Test func ranksShareOneTraceRootedAtRankZerosCli() throws {
        let dir = try TemporaryDirectory()
        let root = dir.file("net")
        let (codes, spans) = SpanCapture.capture { () -> [Int32] in
            // The ranks are threads, which do not inherit the capture's task-local tracer.
            let tracer = InstrumentationSystem.tracer
            return ThreadGroup(size: 4).run { communicator in
                BsbCLI.run(
                    ["compile", "--clear", "-v", "0", examplePath("tinyconn"), "-o", root],
                    runtime: BsbRuntime(tracer: tracer, communicator: communicator, console: CapturedConsole().console, workingDirectory: dir.path, environment: [:]))
            }
        }
        #expect(codes == [0, 0, 0, 0])
        let cli = spans.named("cli")
        #expect(cli.count == 1)
        #expect(cli.first?.int("mpi.rank") == 0)
        #expect(cli.first?.int("mpi.size") == 4)
        let compiles = spans.named("compile")
        #expect(compiles.count == 4)
        #expect(compiles.allSatisfy { $0.parentSpanID != nil && $0.parentSpanID == cli.first?.context.spanID })
        #expect(Set(compiles.compactMap { $0.int("mpi.rank") }) == [0, 1, 2, 3])
        #expect(Set(spans.map(\.context.traceID)).count == 1)
        #expect(spans.orphans.isEmpty)
        #expect(spans.roots.map(\.name) == ["cli"])
        #expect(spans.allSatisfy { $0.int("mpi.size") == 4 })
        // The 16 placement jobs (2 strategies × 8 chunks) are spread over the ranks.
        let placeRanks = spans.named("RandomPlacement.place").compactMap { $0.int("mpi.rank") }
        #expect(placeRanks.count == 16)
        #expect(Set(placeRanks).count == 4)
        let manifest = try #require(try FileStorage(root: root).readManifest())
        #expect(manifest.connectionSet("A_to_B")?.count == 600)
    }

    @Test func aFailureOnOneRankStopsEveryRank() throws {
        let dir = try TemporaryDirectory()
        let config = try dir.write("dense.json", Self.tooDense)
        let consoles = (0..<2).map { _ in CapturedConsole() }
        let codes = ThreadGroup(size: 2).run { communicator in
            BsbCLI.run(
                ["compile", "--clear", config],
                runtime: BsbRuntime(tracer: NoOpTracer(), communicator: communicator, console: consoles[communicator.rank].console, workingDirectory: dir.path, environment: [:]))
        }
        #expect(codes == [1, 1])
        #expect(consoles[0].err.contains("PackingError"))
        #expect(consoles[1].err.contains("PackingError"))
    }

    @Test func bsbTracerIsPerPackageAndCollective() throws {
        #expect(getBsbTracer("my-package") === getBsbTracer("my-package"))
        #expect(getBsbTracer("my-package") !== getBsbTracer("other"))

        let (results, spans) = SpanCapture.capture { () -> [Int] in
            let tracer = InstrumentationSystem.tracer
            return ThreadGroup(size: 3).run { communicator -> Int in
                let bsb = BsbTracer(packageName: "my-package", tracer: tracer)
                return (try? useCommunicator(communicator) {
                    try bsb.trace("My Script") {
                        try localTracing {
                            try bsb.trace("step") { communicator.rank }
                        }
                    }
                }) ?? -1
            }
        }
        #expect(results == [0, 1, 2])
        let script = spans.named("My Script")
        #expect(script.count == 1)
        #expect(script.first?.string("bsb.package") == "my-package")
        let steps = spans.named("step")
        #expect(steps.count == 3)
        #expect(steps.allSatisfy { $0.parentSpanID != nil && $0.parentSpanID == script.first?.context.spanID })
        #expect(Set(steps.compactMap { $0.int("mpi.rank") }) == [0, 1, 2])
    }

    @Test func noOpTracerCreatesNoSpans() throws {
        let tracing = WorkflowTracing(tracer: NoOpTracer(), communicator: SerialCommunicator())
        #expect(!tracing.recording)
        let value = try tracing.call(RandomPlacement(), "place") { TracingScope.span == nil ? 1 : 2 }
        #expect(value == 1)
    }
}
