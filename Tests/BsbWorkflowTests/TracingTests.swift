import Foundation
import InMemoryTracing
import Parallel
import Testing
import Tracing
@testable import BsbWorkflow

extension FinishedInMemorySpan {
    func attribute(_ key: String) -> SpanAttribute? { attributes.get(key) }
    /// `mpi.rank` as an integer.
    var rank: Int64? { if case .int64(let r)? = attributes.get("mpi.rank") { return r }; return nil }
}

/// Runs `bsb ARGS` with `tracer` in `dir` on one rank.
func runTraced(_ arguments: [String], tracer: InMemoryTracer, in dir: TemporaryDirectory, console: CapturedConsole = CapturedConsole()) -> Int32 {
    BsbCLI.run(arguments, runtime: BsbRuntime(tracer: tracer, communicator: SerialCommunicator(), console: console.console, workingDirectory: dir.path, environment: [:]))
}

@Suite struct TracingTests {
    @Test func quickstartTraceIsCliCompileAndComponentMethods() throws {
        let dir = try TemporaryDirectory()
        let tracer = InMemoryTracer()
        let code = runTraced(["compile", "--clear", "--seed", "1", "-v", "0", examplePath("quickstart"), "-o", dir.file("net")], tracer: tracer, in: dir)
        #expect(code == 0)
        let spans = tracer.finishedSpans
        let byID = Dictionary(uniqueKeysWithValues: spans.map { ($0.spanID, $0) })

        let roots = spans.filter { $0.parentSpanID == nil }
        #expect(roots.map(\.operationName) == ["cli"])
        let cli = try #require(roots.first)
        #expect(cli.attribute("bsb.cli_command") == .stringArray(["bsb", "compile", "--clear", "--seed", "1", "-v", "0", examplePath("quickstart"), "-o", dir.file("net")]))
        guard case .string(let context)? = cli.attribute("bsb.context") else {
            Issue.record("no bsb.context")
            return
        }
        #expect(try JSONValue.parse(context)["command"] == .string("compile"))

        let compile = try #require(spans.first { $0.operationName == "compile" })
        #expect(compile.parentSpanID == cli.spanID)

        // Every other span descends from compile, in one trace; no orphans.
        for span in spans where span.spanID != cli.spanID && span.spanID != compile.spanID {
            var ancestor = span.parentSpanID
            var depth = 0
            while let id = ancestor, id != compile.spanID, depth < 20 {
                ancestor = byID[id]?.parentSpanID
                depth += 1
            }
            #expect(ancestor == compile.spanID, "\(span.operationName) is not under compile")
        }
        #expect(Set(spans.map(\.traceID)).count == 1)

        // mpi.rank / mpi.size on every span.
        for span in spans {
            #expect(span.attribute("mpi.rank") == .int64(0), "\(span.operationName)")
            #expect(span.attribute("mpi.size") == .int64(1), "\(span.operationName)")
        }

        // Component-method spans, named Class.method, with their attributes.
        let names = spans.map(\.operationName)
        #expect(names.filter { $0 == "RandomPlacement.place" }.count == 4)
        for name in ["Layer.layout", "Layer.volume", "RandomPlacement.queue", "storage.write_positions", "storage.write_manifest", "storage.clear"] {
            #expect(names.contains(name), "missing \(name)")
        }
        #expect(spans.count == 16)
        let place = try #require(spans.first { $0.operationName == "RandomPlacement.place" })
        #expect(place.attribute("bsb.type") == .string("component_method"))
        #expect(place.attribute("bsb.component_type") == .string("placement"))
        #expect(place.attribute("bsb.component_class") == .string("RandomPlacement"))
        #expect(place.attribute("bsb.component_method") == .string("place"))
        let write = try #require(spans.first { $0.operationName == "storage.write_positions" })
        #expect(write.attribute("bsb.component_type") == .string("storage"))
        #expect(write.attribute("bsb.component_class") == .string("FileStorage"))
        let volume = try #require(spans.first { $0.operationName == "Layer.volume" })
        #expect(volume.attribute("bsb.component_type") == .string("partition"))

        // report() messages as events on the job spans, whatever the verbosity.
        let events = spans.filter { $0.operationName == "RandomPlacement.place" }.flatMap(\.events).map(\.name)
        #expect(events.sorted() == ["Placing 390 base_type in [0 0 0]", "Placing 390 base_type in [0 0 1]", "Placing 390 base_type in [1 0 0]", "Placing 390 base_type in [1 0 1]"])
        #expect(compile.events.contains { $0.name.hasPrefix("Compiled 'Starting example': 1560 cells") })
        #expect(spans.allSatisfy { $0.status?.code != .error })
    }

    @Test func mediumTraceStaysModest() throws {
        let dir = try TemporaryDirectory()
        let tracer = InMemoryTracer()
        #expect(runTraced(["compile", "--clear", "-v", "0", "--config", examplePath("medium"), "-o", dir.file("net")], tracer: tracer, in: dir) == 0)
        let spans = tracer.finishedSpans
        #expect(spans.filter { $0.operationName == "RandomPlacement.place" }.count == 128)
        #expect(spans.filter { $0.operationName == "AllToAll.connect" }.count == 64)
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
        let tracer = InMemoryTracer()
        let console = CapturedConsole()
        let code = runTraced(["compile", "--clear", config], tracer: tracer, in: dir, console: console)
        #expect(code == 1)
        #expect(console.errLines.count == 1)
        #expect(console.err.hasPrefix("bsb: error: PackingError: cell type 'base_type' does not fit in partition 'base_layer': packing factor 6.545"))

        let spans = tracer.finishedSpans
        let failed = spans.filter { $0.status?.code == .error }
        #expect(Set(failed.map(\.operationName)) == ["RandomPlacement.place", "compile", "cli"])
        #expect(failed.count == 3)  // the first job fails; no job runs after it
        for span in failed {
            #expect(span.status?.message?.hasPrefix("PackingError: cell type 'base_type'") == true, "\(span.operationName)")
            #expect(span.errors.count == 1)
            #expect(span.errors.first?.error is PackingError)
        }
        // The spans it did not unwind through are not marked.
        #expect(spans.filter { $0.operationName == "Layer.volume" }.allSatisfy { $0.status == nil && $0.errors.isEmpty })
    }

    @Test func ranksShareOneTraceRootedAtRankZerosCli() throws {
        let dir = try TemporaryDirectory()
        let tracer = InMemoryTracer()
        let root = dir.file("net")
        let codes = ThreadGroup(size: 4).run { communicator in
            BsbCLI.run(
                ["compile", "--clear", "-v", "0", examplePath("tinyconn"), "-o", root],
                runtime: BsbRuntime(tracer: tracer, communicator: communicator, console: CapturedConsole().console, workingDirectory: dir.path, environment: [:]))
        }
        #expect(codes == [0, 0, 0, 0])
        let spans = tracer.finishedSpans
        let cli = spans.filter { $0.operationName == "cli" }
        #expect(cli.count == 1)
        #expect(cli.first?.attribute("mpi.rank") == .int64(0))
        #expect(cli.first?.attribute("mpi.size") == .int64(4))
        let compiles = spans.filter { $0.operationName == "compile" }
        #expect(compiles.count == 4)
        #expect(compiles.allSatisfy { $0.parentSpanID == cli.first?.spanID })
        #expect(Set(compiles.compactMap(\.rank)) == [0, 1, 2, 3])
        #expect(Set(spans.map(\.traceID)).count == 1)
        let ids = Set(spans.map(\.spanID))
        #expect(spans.allSatisfy { $0.parentSpanID == nil || ids.contains($0.parentSpanID!) })
        #expect(spans.filter { $0.parentSpanID == nil }.count == 1)
        #expect(spans.allSatisfy { $0.attribute("mpi.size") == .int64(4) })
        // The 16 placement jobs (2 strategies × 8 chunks) are spread over the ranks.
        let placeRanks = spans.filter { $0.operationName == "RandomPlacement.place" }.compactMap(\.rank)
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

        let tracer = InMemoryTracer()
        let results = ThreadGroup(size: 3).run { communicator -> Int in
            let bsb = BsbTracer(packageName: "my-package", tracer: tracer)
            return (try? useCommunicator(communicator) {
                try bsb.trace("My Script") {
                    try localTracing {
                        try bsb.trace("step") { communicator.rank }
                    }
                }
            }) ?? -1
        }
        #expect(results == [0, 1, 2])
        let spans = tracer.finishedSpans
        let script = spans.filter { $0.operationName == "My Script" }
        #expect(script.count == 1)
        #expect(script.first?.attribute("bsb.package") == .string("my-package"))
        let steps = spans.filter { $0.operationName == "step" }
        #expect(steps.count == 3)
        #expect(steps.allSatisfy { $0.parentSpanID == script.first?.spanID })
        #expect(Set(steps.compactMap(\.rank)) == [0, 1, 2])
    }

    @Test func noOpTracerCreatesNoSpans() throws {
        let tracing = WorkflowTracing(tracer: NoOpTracer(), communicator: SerialCommunicator())
        #expect(!tracing.recording)
        let value = try tracing.call(RandomPlacement(), "place") { TracingScope.span == nil ? 1 : 2 }
        #expect(value == 1)
    }
}
