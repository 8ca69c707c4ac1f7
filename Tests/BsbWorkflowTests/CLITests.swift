import EntryPoints
import Foundation
import Parallel
import Testing
import Tracing
@testable import BsbWorkflow

/// Runs `bsb ARGS` untraced in `dir`.
func runBsb(_ arguments: [String], in dir: TemporaryDirectory, environment: [String: String] = [:]) -> (code: Int32, console: CapturedConsole) {
    let console = CapturedConsole()
    let code = BsbCLI.run(arguments, runtime: BsbRuntime(tracer: NoOpTracer(), communicator: SerialCommunicator(), console: console.console, workingDirectory: dir.path, environment: environment))
    return (code, console)
}

@Suite struct CLITests {
    @Test func compileThenShowTheExamples() throws {
        let expectations = [
            ("quickstart", ["  base_type  1560 cells in 4 chunks"], "Total: 1560 cells, 0 connections"),
            ("tinyconn", ["  A       20 cells in 8 chunks", "  B       30 cells in 8 chunks", "  A_to_B  600 connections (A -> B)"], "Total: 50 cells, 600 connections"),
            ("medium", ["  A       1500 cells in 64 chunks", "  B       1500 cells in 64 chunks", "  A_to_B  2250000 connections (A -> B)"], "Total: 3000 cells, 2250000 connections"),
        ]
        for (name, lines, total) in expectations {
            let dir = try TemporaryDirectory()
            _ = try dir.write("network_configuration.json", try exampleText(name))
            let compiled = runBsb(["compile", "--clear", "--seed", "11"], in: dir)
            #expect(compiled.code == 0, "\(compiled.console.err)")
            #expect(compiled.console.err.isEmpty)
            #expect(FileManager.default.fileExists(atPath: dir.file("network/manifest.json")))  // root relative to the working directory
            let shown = runBsb(["show"], in: dir)
            #expect(shown.code == 0)
            let output = shown.console.out.split(separator: "\n").map(String.init)
            for line in lines { #expect(output.contains(line), "\(name): missing '\(line)' in\n\(shown.console.out)") }
            #expect(output.last == total)
            #expect(output.first?.hasPrefix("Network '") == true)
        }
    }

    @Test func errorsAreOneLineAndExitOne() throws {
        let cases: [(String, String)] = [
            (try quickstart { $0["placement"] = ["p": ["strategy": "bsb.placement.Nope", "cell_types": ["base_type"], "partitions": ["base_layer"]]] },
             "placement.p.strategy: unknown bsb.placement 'bsb.placement.Nope' (available: bsb.placement.FixedPositions, bsb.placement.ParticlePlacement, bsb.placement.RandomPlacement)"),
            (try quickstart { $0["placement"] = ["p": ["strategy": "bsb.placement.RandomPlacement", "cell_types": ["Z"], "partitions": ["base_layer"]]] },
             "placement.p.cell_types[0]: no cell type 'Z'"),
            (try quickstart { $0["partitions"] = ["base_layer": ["type": "layer", "thickness": -1]] },
             "partitions.base_layer.thickness: thickness must not be negative (got -1)"),
            (try quickstart { $0["storage"] = ["engine": "hdf5", "root": "network.hdf5"] },
             "storage.engine: unknown storage engine 'hdf5' (available: fs)"),
            ("{\"name\": \"x\",\n \"network\": {,}}", "malformed JSON at line 2, column 14: unexpected ',', expected a key in double quotes"),
        ]
        for (text, message) in cases {
            let dir = try TemporaryDirectory()
            let path = try dir.write("network_configuration.json", text)
            let result = runBsb(["compile"], in: dir)
            #expect(result.code == 1)
            #expect(result.console.errLines == ["bsb: error: \(path): \(message)"])
            #expect(!FileManager.default.fileExists(atPath: dir.file("network")))
        }
    }

    @Test func missingConfigurationAndUsageErrors() throws {
        let dir = try TemporaryDirectory()
        let missing = runBsb(["compile"], in: dir)
        #expect(missing.code == 1)
        #expect(missing.console.err.contains("network_configuration.json: cannot read the configuration"))
        let usage = runBsb(["compile", "--frobnicate"], in: dir)
        #expect(usage.code == 64)
        #expect(usage.console.err.contains("--frobnicate"))
        let unknown = runBsb(["replay-nothing"], in: dir)
        #expect(unknown.code == 64)
        let noNetwork = runBsb(["show"], in: dir)
        #expect(noNetwork.code == 1)
        #expect(noNetwork.console.err.contains("no compiled network"))
    }

    @Test func versionAndHelp() throws {
        let dir = try TemporaryDirectory()
        let version = runBsb(["--version"], in: dir)
        #expect(version.code == 0)
        #expect(version.console.out.hasPrefix("bsb \(Bsb.version)"))
        let help = runBsb(["compile", "--help"], in: dir)
        #expect(help.code == 0)
        for flag in ["--clear", "--append", "--redo", "--skip-placement", "--skip-connectivity", "--only", "--skip", "-x", "--output", "--verbosity", "--profiling", "--config", "--seed"] {
            #expect(help.console.out.contains(flag), "help lacks \(flag)")
        }
    }

    @Test func verbosityTwoPrintsJobReports() throws {
        let dir = try TemporaryDirectory()
        _ = try dir.write("network_configuration.json", try exampleText("quickstart"))
        let loud = runBsb(["compile", "-v", "2"], in: dir)
        #expect(loud.console.out.contains("Placing 390 base_type in [0 0 0]"))
        let quiet = runBsb(["compile", "--clear", "-v", "0"], in: dir)
        #expect(quiet.console.out.isEmpty)
    }

    @Test func profilingWritesAChromeTraceAndASummary() throws {
        let dir = try TemporaryDirectory()
        _ = try dir.write("network_configuration.json", try exampleText("tinyconn"))
        let result = runBsb(["compile", "-v", "0"], in: dir, environment: ["BSB_PROFILING": "1"])
        #expect(result.code == 0)
        let profiles = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("bsb_profiling_0_") && $0.hasSuffix(".json") }
        #expect(profiles.count == 1)
        let document = try JSONValue.parse(try String(contentsOfFile: dir.file(profiles[0]), encoding: .utf8))
        let events = document["traceEvents"]?.arrayValue ?? []
        #expect(events.filter { $0["name"] == .string("RandomPlacement.place") }.count == 16)
        #expect(events.allSatisfy { $0["ph"] == .string("X") })
        #expect(result.console.out.contains("AllToAll.connect"))
        #expect(result.console.out.contains("calls"))
        let flag = runBsb(["compile", "--clear", "--profiling", "-v", "0"], in: dir)
        #expect(flag.code == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("bsb_profiling_") }.count == 2)
        let plain = runBsb(["compile", "--clear", "-v", "0"], in: dir)
        #expect(plain.console.out.isEmpty)
    }

    @Test func registryHasTheProgramAndComponents() throws {
        let registry = BsbEntryPoints.registry
        #expect(registry.entry(group: EntryPointGroup.program, name: "bsb", as: InProcessProgram.self) != nil)
        #expect(registry.names(in: BsbGroup.commands) == ["compile", "replay-otel", "show", "trace"])
        #expect(registry.names(in: BsbGroup.storageEngines) == ["fs"])
        #expect(registry.names(in: BsbGroup.connectivity) == ["bsb.connectivity.AllToAll", "bsb.connectivity.DistanceConnectivity"])
        do {
            let _: PlacementFactory = try registry.load(group: BsbGroup.placement, name: "Nope")
            Issue.record("found Nope")
        } catch {
            #expect(error.available.contains("bsb.placement.RandomPlacement"))
        }
    }

    @Test func theProgramEntryRunsTheCLI() throws {
        let program = try #require(BsbEntryPoints.registry.entry(group: EntryPointGroup.program, name: "bsb", as: InProcessProgram.self))
        #expect(program.run(["compile", "--definitely-not-a-flag"]) == 64)
        #expect(!program.summary.isEmpty)
    }

    /// A command another module adds through the registry shows up as a subcommand.
    struct Hello: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "hello")
        func run() throws { BsbRuntime.active.console.out("hello from a plugin command") }
    }

    @Test func commandsComeFromTheRegistry() throws {
        var registry = BsbEntryPoints.registry
        registry.register(group: BsbGroup.commands, name: "hello", BsbCommandEntry(Hello.self, traced: false))
        let console = CapturedConsole()
        let code = BsbCLI.run(["hello"], runtime: BsbRuntime(tracer: NoOpTracer(), communicator: SerialCommunicator(), console: console.console, registry: registry, environment: [:]))
        #expect(code == 0)
        #expect(console.out == "hello from a plugin command")
    }
}

import ArgumentParser
