import Exporters
import Telemetry

/// Makes a span exporter from the resolved configuration; registered in the `traces_exporter` group under the
/// name `OTEL_TRACES_EXPORTER` uses (`jsonlines`, `console`, `otlp`).
public struct TracesExporterFactory: Sendable {
    /// One line for `--help`.
    public let summary: String
    private let make: @Sendable (ResolvedConfiguration) throws(ExporterError) -> (any SpanExporter)?

    /// `make` returns nil for an exporter that exports nothing (`none`): no processor is built for it.
    public init(
        summary: String,
        make: @escaping @Sendable (ResolvedConfiguration) throws(ExporterError) -> (any SpanExporter)?
    ) {
        self.summary = summary
        self.make = make
    }

    /// The exporter for `configuration`, or nil when there is nothing to export to.
    public func makeExporter(_ configuration: ResolvedConfiguration) throws(ExporterError) -> (any SpanExporter)? {
        try make(configuration)
    }

    /// `jsonlines`: appends to `OTEL_EXPORTER_JSONLINES_PATH`.
    public static let jsonLines = TracesExporterFactory(summary: "one JSON object per span, appended to a file") {
        configuration throws(ExporterError) in
        try JSONLinesExporter(pathPattern: configuration.jsonLinesPath)
    }

    /// `console`: indented JSON on standard output.
    public static let console = TracesExporterFactory(summary: "indented JSON on standard output") { _ in
        ConsoleExporter()
    }

    /// `none`: nothing is exported.
    public static let none = TracesExporterFactory(summary: "export nothing") { _ in nil }
}
