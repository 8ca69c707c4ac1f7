import EntryPoints

/// Every variable the launcher reads: the trace-related `OTEL_*` variables of the OpenTelemetry SDK
/// environment specification, plus ours (`OTEL_EXPORTER_JSONLINES_PATH`, `OTEL_DISTRO`, `OTEL_CONFIGURATOR`).
///
/// This is the one place a variable is described. Flags (`--traces_exporter`), `--help`, the man page and
/// the validation of values are all generated from these rows. Durations are milliseconds, as in the
/// specification.
public enum ConfigurationTable {
    public static let variables: [ConfigurationVariable] = [
        // MARK: Distro and configurator
        .init("OTEL_DISTRO", .name(group: EntryPointGroup.distro), default: "default", group: .launcher,
              help: "The distro: a named set of defaults for the variables below."),
        .init("OTEL_CONFIGURATOR", .name(group: EntryPointGroup.configurator), default: "default", group: .launcher,
              help: "The configurator that builds the tracer provider from this configuration."),

        // MARK: General
        .init("OTEL_SDK_DISABLED", .boolean, default: "false", group: .general,
              help: "Run the program without tracing: no tracer is installed and nothing is exported."),
        .init("OTEL_SERVICE_NAME", .text, defaultNote: "service.name of --resource_attributes, else unknown_service",
              group: .general, help: "The service.name resource attribute."),
        .init("OTEL_RESOURCE_ATTRIBUTES", .keyValueList, group: .general,
              help: "Extra resource attributes, key=value pairs separated by commas, values percent-encoded."),
        .init("OTEL_LOG_LEVEL", .choice(["debug", "info", "warn", "error"]), default: "info", group: .general,
              help: "How much the launcher says on standard error; debug also prints the resolved configuration."),
        .init("OTEL_PROPAGATORS", .choiceList(["tracecontext", "baggage", "none"]), default: "tracecontext,baggage",
              group: .general,
              help: "Context propagators; tracecontext hands TRACEPARENT and TRACESTATE to child programs."),

        // MARK: Sampling
        .init("OTEL_TRACES_SAMPLER",
              .choice(["always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off",
                       "parentbased_traceidratio"]),
              default: "parentbased_always_on", group: .sampling, help: "The sampler of new spans."),
        .init("OTEL_TRACES_SAMPLER_ARG", .ratio, defaultNote: "1.0 for the traceidratio samplers", group: .sampling,
              help: "The sampling ratio of traceidratio and parentbased_traceidratio."),

        // MARK: Exporters
        .init("OTEL_TRACES_EXPORTER", .nameList(group: EntryPointGroup.tracesExporter), default: "otlp",
              group: .exporters,
              help: "Span exporters, comma-separated; each gets its own processor. none exports nothing."),
        .init("OTEL_EXPORTER_JSONLINES_PATH", .path, default: "traces_*.jsonlines", group: .exporters,
              help: "The JSON Lines file, opened for append; every * becomes a random 8-character token per process."),

        // MARK: Batch span processor
        .init("OTEL_BSP_SCHEDULE_DELAY", .milliseconds, default: "5000", group: .batch,
              help: "Longest time a span waits in the queue before it is exported."),
        .init("OTEL_BSP_EXPORT_TIMEOUT", .milliseconds, default: "30000", group: .batch,
              help: "Longest time one export may take (network exporters)."),
        .init("OTEL_BSP_MAX_QUEUE_SIZE", .positiveInteger, default: "2048", group: .batch,
              help: "Spans the queue holds; when full, the thread ending a span exports (spans are never dropped)."),
        .init("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", .positiveInteger, default: "512", group: .batch,
              help: "Spans per export; at most --bsp_max_queue_size."),

        // MARK: Span limits
        .init("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", .nonNegativeInteger, defaultNote: "no limit", group: .limits,
              help: "Longest string attribute value, in characters; longer values are cut."),
        .init("OTEL_ATTRIBUTE_COUNT_LIMIT", .nonNegativeInteger, default: "128", group: .limits,
              help: "Most attributes per span, event or link, unless a more specific limit is set."),
        .init("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", .nonNegativeInteger, defaultNote: "--attribute_value_length_limit",
              group: .limits, help: "Longest string span attribute value, in characters."),
        .init("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", .nonNegativeInteger, defaultNote: "--attribute_count_limit",
              group: .limits, help: "Most attributes per span."),
        .init("OTEL_SPAN_EVENT_COUNT_LIMIT", .nonNegativeInteger, default: "128", group: .limits,
              help: "Most events per span."),
        .init("OTEL_SPAN_LINK_COUNT_LIMIT", .nonNegativeInteger, default: "128", group: .limits,
              help: "Most links per span."),
        .init("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", .nonNegativeInteger, defaultNote: "--attribute_count_limit",
              group: .limits, help: "Most attributes per span event."),
        .init("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", .nonNegativeInteger, defaultNote: "--attribute_count_limit",
              group: .limits, help: "Most attributes per span link."),
    ] + otlpVariables(signal: nil) + otlpVariables(signal: "TRACES")

    /// The OTLP exporter's rows, for all signals (`signal` nil) or one (`TRACES`, which falls back to the first).
    private static func otlpVariables(signal: String?) -> [ConfigurationVariable] {
        let prefix = "OTEL_EXPORTER_OTLP_" + (signal.map { $0 + "_" } ?? "")
        let group: VariableGroup = signal == nil ? .otlp : .otlpTraces
        func fallback(_ suffix: String) -> String? {
            signal == nil ? nil : "--exporter_otlp_" + suffix.lowercased()
        }
        return [
            .init(prefix + "ENDPOINT", .url,
                  defaultNote: signal == nil
                      ? "http://localhost:4317 (grpc), http://localhost:4318 (http)"
                      : "--exporter_otlp_endpoint (with /v1/traces appended for http)",
                  group: group, help: "The collector's URL."),
            .init(prefix + "PROTOCOL", .choice(["grpc", "http/protobuf", "http/json"]),
                  default: signal == nil ? "grpc" : nil, defaultNote: fallback("PROTOCOL"), group: group,
                  help: "The transport: grpc, http/protobuf or http/json."),
            .init(prefix + "HEADERS", .keyValueList, defaultNote: fallback("HEADERS"), group: group, secret: true,
                  help: "Request headers, key=value pairs separated by commas; never printed."),
            .init(prefix + "TIMEOUT", .milliseconds, default: signal == nil ? "10000" : nil,
                  defaultNote: fallback("TIMEOUT"), group: group, help: "Longest time one export request may take."),
            .init(prefix + "COMPRESSION", .choice(["gzip", "none"]), default: signal == nil ? "none" : nil,
                  defaultNote: fallback("COMPRESSION"), group: group, help: "Compression of request bodies."),
            .init(prefix + "INSECURE", .boolean, default: signal == nil ? "false" : nil,
                  defaultNote: fallback("INSECURE"), group: group,
                  help: "Use gRPC without TLS; an http:// endpoint means that already, https:// never does."),
            .init(prefix + "CERTIFICATE", .path, defaultNote: fallback("CERTIFICATE"), group: group,
                  help: "The trusted certificate (PEM) that verifies the collector."),
            .init(prefix + "CLIENT_KEY", .path, defaultNote: fallback("CLIENT_KEY"), group: group,
                  help: "The client's private key (PEM), for mutual TLS."),
            .init(prefix + "CLIENT_CERTIFICATE", .path, defaultNote: fallback("CLIENT_CERTIFICATE"), group: group,
                  help: "The client's certificate chain (PEM), for mutual TLS."),
        ]
    }

    /// The row of `name` (`OTEL_BSP_MAX_QUEUE_SIZE`).
    public static func variable(named name: String) -> ConfigurationVariable? {
        index[name].map { variables[$0] }
    }

    /// The row whose flag is `flagName` (`bsp_max_queue_size`, without dashes).
    public static func variable(flag flagName: String) -> ConfigurationVariable? {
        variable(named: "OTEL_" + flagName.uppercased())
    }

    private static let index: [String: Int] = {
        var index: [String: Int] = [:]
        for (i, variable) in variables.enumerated() { index[variable.name] = i }
        return index
    }()
}
