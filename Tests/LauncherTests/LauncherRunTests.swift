import Foundation
import Testing

/// The launcher running programs: in-process (`bsb`) and as child processes.
@Suite struct LauncherRunTests {
    // MARK: In-process

    @Test func distroFormOfTheBsbCommandWritesJSONLines() throws {
        let directory = try LauncherProcess.temporaryDirectory(network: true)
        let outcome = try LauncherProcess.run(["bsb", "compile", "--clear"],
                                              environment: ["OTEL_DISTRO": "bsb_jsonlines"], in: directory)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.traceFiles().count == 1)
        let spans = try outcome.spans()
        let names = Set(spans.compactMap(\.name))
        #expect(names.contains("cli") && names.contains("compile"))
        #expect(Set(spans.compactMap(\.traceID)).count == 1)
        #expect(spans.first?.resourceAttributes["service.name"] as? String == "unknown_service")
        // Not a terminal and no -v: nothing from the launcher on standard error.
        #expect(!outcome.stderr.contains("otel-instrument:"))
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("network").path))
    }

    @Test func flagFormOfTheBsbCommandWritesJSONLines() throws {
        let outcome = try LauncherProcess.run(
            ["--traces_exporter", "jsonlines", "--service_name", "BSB Workflow", "bsb", "compile", "--clear"],
            in: try LauncherProcess.temporaryDirectory(network: true))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let spans = try outcome.spans()
        #expect(spans.contains { $0.name == "cli" })
        let cli = try #require(spans.first { $0.name == "cli" })
        #expect(cli.parentID == nil)
        #expect(cli.attributes["bsb.cli_command"] as? [String] == ["bsb", "compile", "--clear"])
        #expect(spans.allSatisfy { $0.resourceAttributes["service.name"] as? String == "BSB Workflow" })
    }

    @Test func verboseSaysWhereTheTraceWent() throws {
        let outcome = try LauncherProcess.run(["-v", "--traces_exporter", "jsonlines", "bsb", "--version"])
        #expect(outcome.status == 0)
        let file = try #require(outcome.traceFiles().first)
        #expect(outcome.stderr == "otel-instrument: trace written to \(file.lastPathComponent)\n")
        #expect(outcome.stdout.hasPrefix("bsb "))
    }

    @Test func jsonLinesAndConsoleWriteBoth() throws {
        let outcome = try LauncherProcess.run(
            ["--traces_exporter", "jsonlines,console", "bsb", "compile", "--clear"],
            in: try LauncherProcess.temporaryDirectory(network: true))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let fileSpans = try outcome.spans()
        let consoleNames = outcome.stdout.split(separator: "\n")
            .filter { $0.hasPrefix("    \"name\": ") }
            .map { $0.dropFirst("    \"name\": \"".count).dropLast(2) }
        #expect(!fileSpans.isEmpty)
        #expect(consoleNames.count == fileSpans.count)
        #expect(Set(consoleNames.map(String.init)) == Set(fileSpans.compactMap(\.name)))
    }

    @Test func sdkDisabledRunsTheProgramUntraced() throws {
        let directory = try LauncherProcess.temporaryDirectory(network: true)
        let bsb = try LauncherProcess.run(["--traces_exporter", "jsonlines", "-v", "bsb", "compile", "--clear"],
                                          environment: ["OTEL_SDK_DISABLED": "true"], in: directory)
        #expect(bsb.status == 0, "\(bsb.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("network").path))
        #expect(bsb.traceFiles().isEmpty)
        #expect(!bsb.stderr.contains("trace written"))

        let child = try LauncherProcess.run(["--sdk_disabled", "true", "--traces_exporter", "jsonlines", "env"])
        #expect(child.status == 0)
        #expect(child.traceFiles().isEmpty)
        #expect(!child.stdout.contains("TRACEPARENT="))
        #expect(child.stdout.contains("OTEL_SDK_DISABLED=true"))
    }

    // MARK: Child processes

    @Test func childGetsATraceparentNamingTheLauncherSpan() throws {
        let outcome = try LauncherProcess.run(["--traces_exporter", "jsonlines", "--service_name", "svc", "env"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        var childEnvironment: [String: String] = [:]
        for line in outcome.stdout.split(separator: "\n") {
            if let equals = line.firstIndex(of: "=") {
                childEnvironment[String(line[..<equals])] = String(line[line.index(after: equals)...])
            }
        }
        let traceparent = try #require(childEnvironment["TRACEPARENT"])
        let parts = traceparent.split(separator: "-").map(String.init)
        #expect(parts.count == 4 && parts[0] == "00" && parts[1].count == 32 && parts[2].count == 16 && parts[3] == "01")
        #expect(childEnvironment["OTEL_TRACES_EXPORTER"] == "jsonlines")
        #expect(childEnvironment["OTEL_SERVICE_NAME"] == "svc")
        #expect(childEnvironment["TRACESTATE"] == nil)

        let spans = try outcome.spans()
        #expect(spans.count == 1)
        let span = try #require(spans.first)
        #expect(span.name == "exec env")
        #expect(span.traceID == "0x" + parts[1])
        #expect(span.spanID == "0x" + parts[2])
        #expect(span.attributes["process.exit.code"] as? Int == 0)
        #expect(span.attributes["process.pid"] as? Int != nil)
        #expect(span.statusCode == "UNSET")
    }

    @Test func childExitCodeIsRecordedAndReturned() throws {
        let outcome = try LauncherProcess.run(["--traces_exporter", "jsonlines", "sh", "-c", "exit 3"])
        #expect(outcome.status == 3)
        let span = try #require(try outcome.spans().first)
        #expect(span.name == "exec sh")
        #expect(span.statusCode == "ERROR")
        #expect(span.statusDescription == "exit code 3")
        #expect(span.attributes["process.exit.code"] as? Int == 3)
    }

    @Test func childKilledBySignalIsRecorded() throws {
        let outcome = try LauncherProcess.run(["--traces_exporter", "jsonlines", "sh", "-c", "kill -KILL $$"])
        #expect(outcome.status == 128 + 9)
        let span = try #require(try outcome.spans().first)
        #expect(span.statusCode == "ERROR")
        #expect(span.statusDescription == "killed by SIGKILL")
        #expect(span.attributes["process.exit.signal"] as? String == "SIGKILL")
        #expect(span.attributes["process.exit.code"] == nil)
    }

    @Test(arguments: [SIGTERM, SIGINT, SIGHUP])
    func signalsAreForwardedToTheChild(signal: Int32) throws {
        // The loop ends by itself after about 10 s (exit 0), so a signal that is not forwarded fails the test.
        let script = "trap 'exit 7' HUP INT TERM; touch started; i=0; while [ $i -lt 500 ]; do sleep 0.02; i=$((i+1)); done"
        let outcome = try LauncherProcess.run(["--traces_exporter", "jsonlines", "sh", "-c", script]) { pid, directory in
            let marker = directory.appendingPathComponent("started").path
            let deadline = Date().addingTimeInterval(10)
            while !FileManager.default.fileExists(atPath: marker) && Date() < deadline { usleep(10_000) }
            kill(pid, signal)
        }
        #expect(outcome.status == 7)
        let span = try #require(try outcome.spans().first)
        #expect(span.attributes["process.exit.code"] as? Int == 7)
    }

    @Test func nestedLaunchersJoinOneTrace() throws {
        let inner = "\(LauncherProcess.binary) --exporter_jsonlines_path inner_*.jsonlines true"
        let outcome = try LauncherProcess.run(["--traces_exporter", "jsonlines", "sh", "-c", inner])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let outer = try #require(try outcome.spans().first)
        let innerFile = try #require(outcome.traceFiles(prefix: "inner_").first)
        let innerSpan = try #require(try LauncherProcess.spans(in: innerFile).first)
        #expect(outer.name == "exec sh" && innerSpan.name == "exec true")
        #expect(innerSpan.traceID == outer.traceID)
        #expect(innerSpan.parentID == outer.spanID)
    }

    // MARK: Errors before anything runs

    @Test(arguments: [
        (["--distro", "nope"], "unknown distro 'nope' (available: bsb_jsonlines, default)"),
        (["--configurator", "nope", "--traces_exporter", "jsonlines"],
         "unknown configurator 'nope' (available: bsb_jsonlines, default)"),
        (["--traces_exporter", "jsonlines,nope"], "unknown traces_exporter 'nope' (available: console, jsonlines, none"),
        (["--traces_exporter", "jsonlines", "--nope", "x"], "unknown flag '--nope' (otel-instrument --help lists all"),
    ])
    func unknownNamesExitTwoWithTheList(arguments: [String], message: String) throws {
        let outcome = try LauncherProcess.run(arguments + ["touch", "ran"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.hasPrefix("otel-instrument: " + message))
        #expect(outcome.stderr.split(separator: "\n").count == 1)
        #expect(outcome.traceFiles().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: outcome.directory.appendingPathComponent("ran").path))
    }

    @Test func defaultDistroIsTheStockOne() throws {
        let outcome = try LauncherProcess.run(["--print-config"])
        let printed = LauncherProcess.printedConfiguration(outcome.stdout)
        #expect(printed["OTEL_DISTRO"]! == ("default", "default"))
        #expect(printed["OTEL_TRACES_EXPORTER"]! == ("otlp", "default"))
        #expect(printed["OTEL_CONFIGURATOR"]! == ("default", "default"))
        #expect(printed["OTEL_EXPORTER_OTLP_PROTOCOL"]! == ("grpc", "default"))
    }

    @Test func missingProgramExits127() throws {
        let outcome = try LauncherProcess.run(["--traces_exporter", "jsonlines", "no-such-program-here", "x"])
        #expect(outcome.status == 127)
        #expect(outcome.stderr == "otel-instrument: no-such-program-here: command not found (not in PATH; in-process programs: bsb)\n")
        #expect(outcome.traceFiles().isEmpty)
    }

    @Test func helpVersionAndManPage() throws {
        let version = try LauncherProcess.run(["--version"])
        #expect(version.status == 0 && version.stdout == "otel-instrument 0.1.0\n")
        let help = try LauncherProcess.run(["--help"])
        #expect(help.status == 0 && help.stdout.contains("Batch span processor:\n  --bsp_schedule_delay MS\n"))
        #expect(help.stdout.contains("In-process programs:\n  bsb"))

        let generated = try LauncherProcess.run(["--generate-man"])
        #expect(generated.status == 0)
        let committed = try String(
            contentsOf: LauncherProcess.packageRoot.appendingPathComponent("man/otel-instrument.1"), encoding: .utf8)
        #expect(generated.stdout == committed, "man/otel-instrument.1 is stale: run scripts/generate-man.sh")
    }
}
