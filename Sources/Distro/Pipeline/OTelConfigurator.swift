import EntryPoints
import Exporters
import Telemetry

/// Builds the tracer provider from the resolved configuration; chosen with `OTEL_CONFIGURATOR` /
/// `--configurator` (or a distro's default) and registered in the `configurator` group.
///
/// Configurators differ in the processor they put in front of each exporter; `makePipeline` has a default
/// implementation shared by both of ours, which a configurator may replace entirely.
public protocol OTelConfigurator: Sendable {
    /// One line for `--help`.
    var summary: String { get }
    /// The processor that carries spans to `exporter`, registered as `name` in the `traces_exporter` group.
    func makeProcessor(
        for exporter: any SpanExporter, named name: String, configuration: ResolvedConfiguration
    ) -> any SpanProcessor
    /// The provider with one processor per exporter of `OTEL_TRACES_EXPORTER`.
    func makePipeline(
        _ configuration: ResolvedConfiguration, registry: EntryPointRegistry, spanStartAttributes: Attributes
    ) throws(LauncherError) -> TracingPipeline
}

extension OTelConfigurator {
    public func makePipeline(
        _ configuration: ResolvedConfiguration, registry: EntryPointRegistry, spanStartAttributes: Attributes = [:]
    ) throws(LauncherError) -> TracingPipeline {
        // Every name is checked before any exporter opens a file or a connection.
        var factories: [(String, TracesExporterFactory)] = []
        for name in configuration.tracesExporters {
            do {
                factories.append((name, try registry.load(group: EntryPointGroup.tracesExporter, name: name,
                                                          as: TracesExporterFactory.self)))
            } catch {
                throw LauncherError(error.description)
            }
        }
        let resource = try configuration.resource()
        var exporters: [(name: String, exporter: any SpanExporter)] = []
        var processors: [any SpanProcessor] = []
        var batch: [BatchSpanProcessor] = []
        for (name, factory) in factories {
            let exporter: (any SpanExporter)?
            do {
                exporter = try factory.makeExporter(configuration)
            } catch {
                for opened in exporters { opened.exporter.shutdown() }
                throw LauncherError("traces_exporter '\(name)': \(error.description)")
            }
            guard let exporter else { continue }
            let processor = makeProcessor(for: exporter, named: name, configuration: configuration)
            if let processor = processor as? BatchSpanProcessor { batch.append(processor) }
            exporters.append((name, exporter))
            processors.append(processor)
        }
        // First, so a span is registered before any exporter sees it: what a signal must end, it can find.
        let openSpans = OpenSpanRegistry()
        let provider = TracerProvider(
            resource: resource, sampler: configuration.sampler, limits: configuration.spanLimits,
            processors: [openSpans] + processors, spanStartAttributes: spanStartAttributes)
        return TracingPipeline(provider: provider, exporters: exporters, batchProcessors: batch, openSpans: openSpans)
    }
}

/// The stock configurator: a batch processor (`OTEL_BSP_*`) in front of every exporter, each exporter on a
/// thread of its own so that the program does not wait while a batch is encoded and sent.
public struct DefaultConfigurator: OTelConfigurator {
    public init() {}
    public var summary: String { "a batch processor per exporter (OTEL_BSP_*), exporting on its own thread" }
    public func makeProcessor(
        for exporter: any SpanExporter, named name: String, configuration: ResolvedConfiguration
    ) -> any SpanProcessor {
        BatchSpanProcessor(exporter: ExportThread(exporter), configuration: configuration.batchConfiguration)
    }
}

/// The BSB's configurator: a simple processor per exporter, so every span is on disk when it ends, which is
/// what MPI jobs and runs that may be killed need.
public struct BsbJSONLinesConfigurator: OTelConfigurator {
    public init() {}
    public var summary: String { "a simple (synchronous) processor per exporter" }
    public func makeProcessor(
        for exporter: any SpanExporter, named name: String, configuration: ResolvedConfiguration
    ) -> any SpanProcessor {
        SimpleSpanProcessor(exporter: exporter)
    }
}
