// One OTLP/JSON line, as `bsb replay-otel` reads the OpenTelemetry Collector's file exporter output. Checks,
// beyond "never traps": the prefix sniffing never reads past the line, and every decoded span goes through our
// JSON Lines encoder and decoder unchanged (times to the microsecond), since replaying into `--traces_exporter
// jsonlines` writes them that way.
import Exporters
import FuzzSupport
import Telemetry

Fuzz.run { input in
    _ = OTLPJSONDecoder.looksLikeOTLP(input)
    guard let spans = try? OTLPJSONDecoder.decode(input) else { return }
    for span in spans {
        SpanCheck.survivesJSONLines(span, origin: String(forMessage: input))
    }
}
