import Exporters
import OTLP

extension TracesExporterFactory {
    /// `otlp`: spans to an OpenTelemetry collector over gRPC (`:4317`), HTTP/protobuf or HTTP/JSON (`:4318`),
    /// configured by the `OTEL_EXPORTER_OTLP_*` rows (each `…_TRACES_*` over its general twin).
    ///
    /// Endpoint rules, header parsing and validation live in the OTLP module
    /// (`OTLPExporterConfiguration.fromVariables`); errors never show header values.
    public static let otlp = TracesExporterFactory(
        summary: "OTLP to a collector: grpc (:4317), http/protobuf or http/json (:4318)"
    ) { configuration throws(ExporterError) in
        let settings = try OTLPExporterConfiguration.fromVariables { configuration[$0] }
        return try OTLPSpanExporter(configuration: settings)
    }
}
