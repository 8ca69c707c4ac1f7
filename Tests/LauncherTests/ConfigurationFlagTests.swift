import Foundation
import Testing

/// Every flag of the table reaches the resolved configuration; flag > variable > distro default.
@Suite struct ConfigurationFlagTests {
    /// A valid value for each variable, by name; the test fails if the table grows a variable not listed here.
    static let samples: [String: String] = [
        "OTEL_DISTRO": "bsb_jsonlines", "OTEL_CONFIGURATOR": "default",
        "OTEL_SDK_DISABLED": "true", "OTEL_SERVICE_NAME": "BSB Workflow", "OTEL_RESOURCE_ATTRIBUTES": "a=1,b=x%20y",
        "OTEL_LOG_LEVEL": "warn", "OTEL_PROPAGATORS": "tracecontext",
        "OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.5",
        "OTEL_TRACES_EXPORTER": "jsonlines,console", "OTEL_EXPORTER_JSONLINES_PATH": "out/run_*.jsonlines",
        "OTEL_BSP_SCHEDULE_DELAY": "100", "OTEL_BSP_EXPORT_TIMEOUT": "2000", "OTEL_BSP_MAX_QUEUE_SIZE": "4096",
        "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "1024",
        "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT": "300", "OTEL_ATTRIBUTE_COUNT_LIMIT": "64",
        "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT": "200", "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT": "32",
        "OTEL_SPAN_EVENT_COUNT_LIMIT": "16", "OTEL_SPAN_LINK_COUNT_LIMIT": "8", "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT": "4",
        "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT": "2",
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
        "OTEL_EXPORTER_OTLP_HEADERS": "api-key=secret-one", "OTEL_EXPORTER_OTLP_TIMEOUT": "5000",
        "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip", "OTEL_EXPORTER_OTLP_INSECURE": "true",
        "OTEL_EXPORTER_OTLP_CERTIFICATE": "/etc/ca.pem", "OTEL_EXPORTER_OTLP_CLIENT_KEY": "/etc/key.pem",
        "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE": "/etc/cert.pem",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://collector:4318/v1/traces",
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json", "OTEL_EXPORTER_OTLP_TRACES_HEADERS": "authorization=secret-two",
        "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "7000", "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION": "none",
        "OTEL_EXPORTER_OTLP_TRACES_INSECURE": "false", "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE": "/etc/ca2.pem",
        "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY": "/etc/key2.pem",
        "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE": "/etc/cert2.pem",
    ]

    static func flag(_ name: String) -> String { "--" + name.dropFirst(5).lowercased() }

    @Test(arguments: [false, true])
    func everyFlagReachesTheConfiguration(equalsForm: Bool) throws {
        let defaults = try LauncherProcess.run(["--print-config"])
        #expect(defaults.status == 0)
        let tableNames = Set(LauncherProcess.printedConfiguration(defaults.stdout).keys)
        #expect(tableNames == Set(Self.samples.keys), "a variable of the table has no sample value here, or vice versa")

        let arguments = Self.samples.sorted { $0.key < $1.key }.flatMap { name, value in
            equalsForm ? [Self.flag(name) + "=" + value] : [Self.flag(name), value]
        }
        let outcome = try LauncherProcess.run(["--print-config"] + arguments)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let printed = LauncherProcess.printedConfiguration(outcome.stdout)
        for (name, value) in Self.samples {
            let expected = name.hasSuffix("_HEADERS") ? "<redacted>" : value
            #expect(printed[name]?.value == expected, "\(name)")
            #expect(printed[name]?.source == "flag \(Self.flag(name))", "\(name)")
        }
        #expect(!outcome.stdout.contains("secret-one") && !outcome.stdout.contains("secret-two"))
    }

    @Test func flagOverridesVariableOverridesDistroDefault() throws {
        func exporter(_ arguments: [String], _ environment: [String: String]) throws -> (value: String, source: String)? {
            let outcome = try LauncherProcess.run(["--print-config"] + arguments, environment: environment)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            return LauncherProcess.printedConfiguration(outcome.stdout)["OTEL_TRACES_EXPORTER"]
        }
        #expect(try exporter([], [:])! == ("otlp", "default"))
        #expect(try exporter([], ["OTEL_DISTRO": "bsb_jsonlines"])! == ("jsonlines", "distro bsb_jsonlines"))
        #expect(try exporter(["--distro", "bsb_jsonlines"], [:])! == ("jsonlines", "distro bsb_jsonlines"))
        #expect(try exporter([], ["OTEL_DISTRO": "bsb_jsonlines", "OTEL_TRACES_EXPORTER": "console"])!
            == ("console", "environment"))
        #expect(try exporter(["--traces_exporter=none"], ["OTEL_DISTRO": "bsb_jsonlines", "OTEL_TRACES_EXPORTER": "console"])!
            == ("none", "flag --traces_exporter"))
    }

    @Test func invalidValuesAreErrorsNamingTheFlagOrVariable() throws {
        let queue = try LauncherProcess.run(["--bsp_max_queue_size", "-1", "touch", "ran"])
        #expect(queue.status == 2)
        #expect(queue.stderr == "otel-instrument: --bsp_max_queue_size: must be a positive integer, got '-1'\n")
        #expect(!FileManager.default.fileExists(atPath: queue.directory.appendingPathComponent("ran").path))

        let ratio = try LauncherProcess.run(["touch", "ran"], environment: ["OTEL_TRACES_SAMPLER_ARG": "abc"])
        #expect(ratio.status == 2)
        #expect(ratio.stderr == "otel-instrument: OTEL_TRACES_SAMPLER_ARG: must be a number between 0 and 1, got 'abc'\n")

        let url = try LauncherProcess.run(["--exporter_otlp_endpoint", "localhost:4317", "true"])
        #expect(url.status == 2)
        #expect(url.stderr.hasPrefix("otel-instrument: --exporter_otlp_endpoint: must be an http:// or https:// URL"))
    }

    @Test func headerValuesAreNeverPrinted() throws {
        let invalid = try LauncherProcess.run(["--exporter_otlp_headers", "key=hunter2,hunter3", "true"])
        #expect(invalid.status == 2)
        #expect(invalid.stderr.hasPrefix("otel-instrument: --exporter_otlp_headers: "))
        #expect(!invalid.stderr.contains("hunter"))

        let debug = try LauncherProcess.run(
            ["--traces_exporter", "jsonlines", "env"],
            environment: ["OTEL_LOG_LEVEL": "debug", "OTEL_EXPORTER_OTLP_HEADERS": "key=hunter2"])
        #expect(debug.status == 0)
        #expect(debug.stderr.contains("OTEL_EXPORTER_OTLP_HEADERS=<redacted>\tenvironment"))
        #expect(!debug.stderr.contains("hunter2"))
        // The child gets the real value: it is its configuration.
        #expect(debug.stdout.contains("OTEL_EXPORTER_OTLP_HEADERS=key=hunter2"))

        let help = try LauncherProcess.run(["--help"], environment: ["OTEL_EXPORTER_OTLP_HEADERS": "key=hunter2"])
        #expect(!help.stdout.contains("hunter2"))
    }
}
