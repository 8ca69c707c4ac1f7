import Testing
@testable import Distro

@Suite struct LauncherCommandLineTests {
    @Test func bothFlagFormsThenProgramUntouched() throws {
        let line = try LauncherCommandLine.parse([
            "--traces_exporter", "jsonlines", "--service_name=BSB Workflow", "bsb", "compile", "--clear",
            "--traces_exporter", "x",
        ])
        #expect(line.action == .run(program: "bsb", arguments: ["compile", "--clear", "--traces_exporter", "x"]))
        #expect(line.values["OTEL_TRACES_EXPORTER"] == CommandLineValue(spelling: "--traces_exporter", value: "jsonlines"))
        #expect(line.values["OTEL_SERVICE_NAME"]?.value == "BSB Workflow")
    }

    @Test func valueMayStartWithADashAndContainEquals() throws {
        let line = try LauncherCommandLine.parse(["--bsp_max_queue_size", "-1", "--resource_attributes=a=b,c=d", "env"])
        #expect(line.values["OTEL_BSP_MAX_QUEUE_SIZE"]?.value == "-1")
        #expect(line.values["OTEL_RESOURCE_ATTRIBUTES"]?.value == "a=b,c=d")
    }

    @Test func hyphenatedFlagNamesAreAccepted() throws {
        let line = try LauncherCommandLine.parse(["--service-name", "x", "env"])
        #expect(line.values["OTEL_SERVICE_NAME"] == CommandLineValue(spelling: "--service-name", value: "x"))
    }

    @Test func doubleDashEndsTheFlags() throws {
        let line = try LauncherCommandLine.parse(["-v", "--", "--weird-program", "-x"])
        #expect(line.action == .run(program: "--weird-program", arguments: ["-x"]))
        #expect(line.verbose)
    }

    @Test func launcherFlags() throws {
        #expect(try LauncherCommandLine.parse(["--help"]).action == .help)
        #expect(try LauncherCommandLine.parse(["-h", "bsb"]).action == .help)
        #expect(try LauncherCommandLine.parse(["--version"]).action == .version)
        #expect(try LauncherCommandLine.parse(["--print-config", "--distro", "x"]).action == .printConfiguration)
        #expect(try LauncherCommandLine.parse(["--generate-man"]).action == .generateManPage)
        // After the program, --help belongs to the program.
        #expect(try LauncherCommandLine.parse(["bsb", "--help"]).action == .run(program: "bsb", arguments: ["--help"]))
    }

    @Test func errors() {
        #expect(throws: LauncherError("unknown flag '--trace_exporter' (did you mean --traces_exporter? otel-instrument --help lists all \(ConfigurationTable.variables.count + 3) flags)")) {
            try LauncherCommandLine.parse(["--trace_exporter", "x", "env"])
        }
        #expect(throws: LauncherError("--service_name: missing value (TEXT)")) {
            try LauncherCommandLine.parse(["--service_name"])
        }
        #expect(throws: LauncherError.self) { try LauncherCommandLine.parse(["-x", "env"]) }
        #expect(throws: LauncherError.self) { try LauncherCommandLine.parse([String]()) }
        #expect(throws: LauncherError.self) { try LauncherCommandLine.parse(["--service_name", "x"]) }
    }
}
