import Telemetry

/// The typed settings the pipeline is built from, read off the resolved variables.
extension ResolvedConfiguration {
    /// `OTEL_SDK_DISABLED`.
    public var sdkDisabled: Bool { bool("OTEL_SDK_DISABLED") }

    /// `OTEL_TRACES_EXPORTER`, in order, without duplicates.
    public var tracesExporters: [String] {
        var seen = Set<String>()
        return list("OTEL_TRACES_EXPORTER").filter { seen.insert($0).inserted }
    }

    /// `OTEL_DISTRO`.
    public var distroName: String { self["OTEL_DISTRO"] ?? "default" }

    /// `OTEL_CONFIGURATOR`.
    public var configuratorName: String { self["OTEL_CONFIGURATOR"] ?? "default" }

    /// `OTEL_EXPORTER_JSONLINES_PATH`.
    public var jsonLinesPath: String { self["OTEL_EXPORTER_JSONLINES_PATH"] ?? "traces_*.jsonlines" }

    /// `OTEL_LOG_LEVEL` is `debug`.
    public var isDebug: Bool { choice("OTEL_LOG_LEVEL") == "debug" }

    /// `OTEL_LOG_LEVEL` is `warn` or `error`: nothing but problems is printed.
    public var isQuiet: Bool { ["warn", "error"].contains(choice("OTEL_LOG_LEVEL") ?? "info") }

    /// Whether `tracecontext` is among `OTEL_PROPAGATORS`.
    public var propagatesTraceContext: Bool { list("OTEL_PROPAGATORS").contains { $0.lowercased() == "tracecontext" } }

    /// The sampler `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG` name.
    public var sampler: any Sampler {
        let ratio = self["OTEL_TRACES_SAMPLER_ARG"].flatMap(VariableType.parseRatio) ?? 1.0
        switch choice("OTEL_TRACES_SAMPLER") ?? "parentbased_always_on" {
        case "always_on": return AlwaysOnSampler()
        case "always_off": return AlwaysOffSampler()
        case "traceidratio": return TraceIDRatioSampler(ratio: ratio)
        case "parentbased_always_off": return ParentBasedSampler(root: AlwaysOffSampler())
        case "parentbased_traceidratio": return ParentBasedSampler(root: TraceIDRatioSampler(ratio: ratio))
        default: return ParentBasedSampler(root: AlwaysOnSampler())
        }
    }

    /// The span limits; the specific limits fall back to the general attribute limits, as the specification says.
    public var spanLimits: SpanLimits {
        let attributeCount = int("OTEL_ATTRIBUTE_COUNT_LIMIT") ?? 128
        let valueLength = int("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT") ?? int("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT")
        return SpanLimits(
            attributeCountLimit: int("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT") ?? attributeCount,
            attributeValueLengthLimit: valueLength,
            eventCountLimit: int("OTEL_SPAN_EVENT_COUNT_LIMIT") ?? 128,
            linkCountLimit: int("OTEL_SPAN_LINK_COUNT_LIMIT") ?? 128,
            attributePerEventCountLimit: int("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT") ?? attributeCount,
            attributePerLinkCountLimit: int("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT") ?? attributeCount)
    }

    /// The batch span processor's settings (`OTEL_BSP_*`).
    public var batchConfiguration: BatchSpanProcessor.Configuration {
        BatchSpanProcessor.Configuration(
            maxQueueSize: int("OTEL_BSP_MAX_QUEUE_SIZE") ?? 2048,
            maxExportBatchSize: int("OTEL_BSP_MAX_EXPORT_BATCH_SIZE") ?? 512,
            scheduleDelayNanos: UInt64(int("OTEL_BSP_SCHEDULE_DELAY") ?? 5000) * 1_000_000)
    }

    /// `OTEL_BSP_EXPORT_TIMEOUT`, in milliseconds.
    public var batchExportTimeoutMilliseconds: Int { int("OTEL_BSP_EXPORT_TIMEOUT") ?? 30000 }

    /// This process's resource: `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` over the detected attributes.
    public func resource() throws(LauncherError) -> Resource {
        var extra = Attributes()
        if let text = self["OTEL_RESOURCE_ATTRIBUTES"] {
            do {
                extra = try Resource.parseAttributeList(text)
            } catch {
                let entry = entry("OTEL_RESOURCE_ATTRIBUTES")
                throw Self.invalid(entry.variable, source: entry.source, problem: "entry \(error.description)",
                                   value: nil)
            }
        }
        return Resource.detect(serviceName: self["OTEL_SERVICE_NAME"], extra: extra)
    }

    /// The variables a child program inherits: every one that a flag, the environment or the distro set.
    ///
    /// Table defaults are left out: a child's own SDK has the same defaults.
    public var explicitVariables: [(name: String, value: String)] {
        entries.compactMap { entry in
            guard let value = entry.value, entry.source != .tableDefault else { return nil }
            return (entry.variable.name, value)
        }
    }

    /// `NAME=value<TAB>source` per variable, secrets redacted: what `--print-config` and debug output show.
    public var listing: String {
        var out = ""
        for entry in entries {
            out += "\(entry.variable.name)=\(entry.displayValue)\t\(entry.source)\n"
        }
        return out
    }
}
