import EntryPoints
import Exporters
import Telemetry
import Testing
@testable import Distro

@Suite struct ResolvedConfigurationTests {
    let registry = DistroEntryPoints.registry

    func resolve(_ flags: [String] = [], _ environment: [String: String] = [:]) throws -> ResolvedConfiguration {
        let line = try LauncherCommandLine.parse(flags + ["program"])
        return try ResolvedConfiguration.resolve(flags: line.values, environment: environment, registry: registry)
    }

    @Test func flagOverridesEnvironmentOverridesDistroOverridesDefault() throws {
        let defaults = try resolve()
        #expect(defaults["OTEL_TRACES_EXPORTER"] == "otlp")
        #expect(defaults.source(of: "OTEL_TRACES_EXPORTER") == .tableDefault)

        let distro = try resolve([], ["OTEL_DISTRO": "bsb_jsonlines"])
        #expect(distro["OTEL_TRACES_EXPORTER"] == "jsonlines")
        #expect(distro.source(of: "OTEL_TRACES_EXPORTER") == .distro("bsb_jsonlines"))
        #expect(distro.configuratorName == "bsb_jsonlines")

        let environment = try resolve([], ["OTEL_DISTRO": "bsb_jsonlines", "OTEL_TRACES_EXPORTER": "console"])
        #expect(environment["OTEL_TRACES_EXPORTER"] == "console")
        #expect(environment.source(of: "OTEL_TRACES_EXPORTER") == .environment)

        let flag = try resolve(["--traces_exporter", "none"], ["OTEL_DISTRO": "bsb_jsonlines", "OTEL_TRACES_EXPORTER": "console"])
        #expect(flag["OTEL_TRACES_EXPORTER"] == "none")
        #expect(flag.source(of: "OTEL_TRACES_EXPORTER") == .flag("--traces_exporter"))

        let distroByFlag = try resolve(["--distro", "bsb_jsonlines"], ["OTEL_DISTRO": "default"])
        #expect(distroByFlag["OTEL_TRACES_EXPORTER"] == "jsonlines")
    }

    @Test func emptyValuesAreUnset() throws {
        let configuration = try resolve(["--service_name="], ["OTEL_TRACES_EXPORTER": ""])
        #expect(configuration["OTEL_SERVICE_NAME"] == nil)
        #expect(configuration["OTEL_TRACES_EXPORTER"] == "otlp")
    }

    @Test func invalidValuesNameTheFlagOrVariable() {
        #expect(throws: LauncherError("--bsp_max_queue_size: must be a positive integer, got '-1'")) {
            try resolve(["--bsp_max_queue_size", "-1"])
        }
        #expect(throws: LauncherError("OTEL_TRACES_SAMPLER_ARG: must be a number between 0 and 1, got 'abc'")) {
            try resolve([], ["OTEL_TRACES_SAMPLER_ARG": "abc"])
        }
        #expect(throws: LauncherError("--bsp_max_export_batch_size: must be at most --bsp_max_queue_size (100), got '200'")) {
            try resolve(["--bsp_max_queue_size", "100", "--bsp_max_export_batch_size", "200"])
        }
        #expect(throws: LauncherError("unknown distro 'nope' (available: bsb_jsonlines, default)")) {
            try resolve([], ["OTEL_DISTRO": "nope"])
        }
    }

    @Test func headersAreNeverShown() throws {
        do {
            _ = try resolve(["--exporter_otlp_headers", "api-key=s3cret,oops"])
            Issue.record("expected an error")
        } catch let error as LauncherError {
            #expect(!error.message.contains("s3cret"))
            #expect(error.message.hasPrefix("--exporter_otlp_headers: "))
        }
        let configuration = try resolve([], ["OTEL_EXPORTER_OTLP_TRACES_HEADERS": "authorization=Bearer%20t0ken"])
        #expect(!configuration.listing.contains("t0ken"))
        #expect(configuration.listing.contains("OTEL_EXPORTER_OTLP_TRACES_HEADERS=<redacted>\tenvironment"))
        #expect(configuration["OTEL_EXPORTER_OTLP_TRACES_HEADERS"] == "authorization=Bearer%20t0ken")
    }

    @Test func samplerLimitsAndBatch() throws {
        let configuration = try resolve([
            "--traces_sampler", "parentbased_traceidratio", "--traces_sampler_arg", "0.25",
            "--attribute_count_limit", "10", "--span_event_count_limit", "3", "--attribute_value_length_limit", "40",
            "--bsp_schedule_delay", "250", "--bsp_max_queue_size", "64", "--bsp_max_export_batch_size", "8",
        ])
        #expect(configuration.sampler.description == "ParentBased{root:TraceIdRatioBased{0.25}}")
        #expect(configuration.spanLimits == SpanLimits(
            attributeCountLimit: 10, attributeValueLengthLimit: 40, eventCountLimit: 3, linkCountLimit: 128,
            attributePerEventCountLimit: 10, attributePerLinkCountLimit: 10))
        #expect(configuration.batchConfiguration == BatchSpanProcessor.Configuration(
            maxQueueSize: 64, maxExportBatchSize: 8, scheduleDelayNanos: 250_000_000))
        #expect(try resolve(["--traces_sampler", "always_off"]).sampler.description == "AlwaysOffSampler")
    }

    @Test func childSeesOnlyWhatWasSet() throws {
        let configuration = try resolve(["--service_name", "svc"], ["OTEL_DISTRO": "bsb_jsonlines"])
        let names = configuration.explicitVariables.map(\.name)
        #expect(names == ["OTEL_DISTRO", "OTEL_CONFIGURATOR", "OTEL_SERVICE_NAME", "OTEL_TRACES_EXPORTER"])
    }

    @Test func mpiDetection() {
        #expect(!MPIEnvironment.isActive([:]))
        #expect(MPIEnvironment.isActive(["PMI_RANK": "0"]))
        #expect(MPIEnvironment.isActive(["OMPI_COMM_WORLD_RANK": "1"]))
        #expect(!MPIEnvironment.isActive(["SLURM_PROCID": "0", "SLURM_NTASKS": "1"]))
        #expect(MPIEnvironment.isActive(["SLURM_PROCID": "0", "SLURM_NTASKS": "4"]))
    }
}
