/// A distro: a named set of defaults for the configuration variables, chosen with `OTEL_DISTRO` / `--distro`.
///
/// As in Python's `opentelemetry-distro`, a distro only sets defaults: a flag or an environment variable
/// overrides every one of them. Registered in the `distro` group of the entry-point registry.
public protocol OTelDistro: Sendable {
    /// One line for `--help`.
    var summary: String { get }
    /// Values by variable name (`OTEL_TRACES_EXPORTER`), used where neither a flag nor the environment sets one.
    var defaults: [String: String] { get }
}

/// The stock distro: nothing changed from the specification's defaults (OTLP over gRPC, batch processor).
public struct DefaultDistro: OTelDistro {
    public init() {}
    public var summary: String { "the OpenTelemetry defaults: OTLP exporter (gRPC), batch processor" }
    public var defaults: [String: String] { [:] }
}

/// The BSB's distro: spans go to a JSON Lines file through a simple (synchronous) processor.
public struct BsbJSONLinesDistro: OTelDistro {
    public init() {}
    public var summary: String { "JSON Lines file (traces_*.jsonlines), simple processor" }
    public var defaults: [String: String] {
        ["OTEL_TRACES_EXPORTER": "jsonlines", "OTEL_CONFIGURATOR": "bsb_jsonlines"]
    }
}
