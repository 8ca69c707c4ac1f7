import EntryPoints

/// The entries this module contributes to the launcher's registry: distros, configurators, exporters.
///
/// The `otel-instrument` executable merges them with the entries of the other modules (the BSB's programs,
/// the OTLP exporter); later registrations of a name replace earlier ones.
public enum DistroEntryPoints {
    public static var registry: EntryPointRegistry {
        var registry = EntryPointRegistry()
        registry.register(group: EntryPointGroup.distro, name: "default", DefaultDistro() as any OTelDistro)
        registry.register(group: EntryPointGroup.distro, name: "bsb_jsonlines", BsbJSONLinesDistro() as any OTelDistro)
        registry.register(group: EntryPointGroup.configurator, name: "default",
                          DefaultConfigurator() as any OTelConfigurator)
        registry.register(group: EntryPointGroup.configurator, name: "bsb_jsonlines",
                          BsbJSONLinesConfigurator() as any OTelConfigurator)
        registry.register(group: EntryPointGroup.tracesExporter, name: "jsonlines", TracesExporterFactory.jsonLines)
        registry.register(group: EntryPointGroup.tracesExporter, name: "console", TracesExporterFactory.console)
        registry.register(group: EntryPointGroup.tracesExporter, name: "none", TracesExporterFactory.none)
        registry.register(group: EntryPointGroup.tracesExporter, name: "otlp", TracesExporterFactory.otlp)
        return registry
    }
}
