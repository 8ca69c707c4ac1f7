import Exporters
import Synchronization
import Telemetry
import Tracing

/// The tracer the test-tracing traits record tests with.
///
/// Inside `SpanCapture` that is the capturing tracer. Otherwise it is a pipeline built once from the
/// environment, so `OTEL_TRACES_EXPORTER=jsonlines OTEL_EXPORTER_JSONLINES_PATH=suite.jsonlines swift test`
/// writes the suite's own trace; without those variables tests are not traced and pay nothing.
public enum TestSuiteTracing {
    private static let environmentProvider: TracerProvider? = {
        var environment: [String: String] = [:]
        for (key, value) in LaunchVariables.current() where key.hasPrefix("OTEL_") { environment[key] = value }
        let names = (environment["OTEL_TRACES_EXPORTER"] ?? "none").split(separator: ",").map {
            $0.trimmingCharacters(in: " ")
        }
        var processors: [any SpanProcessor] = []
        for name in names {
            switch name {
            case "jsonlines":
                let path = environment["OTEL_EXPORTER_JSONLINES_PATH"] ?? JSONLinesExporter.defaultPathPattern
                if let exporter = try? JSONLinesExporter(pathPattern: path) {
                    processors.append(SimpleSpanProcessor(exporter: exporter))
                } else {
                    Diagnostics.warn("cannot open '\(path)' for the test suite's trace")
                }
            case "console":
                processors.append(SimpleSpanProcessor(exporter: ConsoleExporter()))
            default:
                continue
            }
        }
        guard !processors.isEmpty else { return nil }
        return TracerProvider(
            resource: Resource.detect(serviceName: environment["OTEL_SERVICE_NAME"] ?? "swift test"),
            processors: processors)
    }()

    /// The tracer for the current task.
    public static var tracer: any Tracer {
        let current = InstrumentationSystem.tracer
        if !(current is NoOpTracer) { return current }
        return environmentProvider?.tracer("swift-testing") ?? current
    }
}

enum LaunchVariables {
    static func current() -> [(String, String)] {
        var result: [(String, String)] = []
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                result.append((String(text[..<eq]), String(text[text.index(after: eq)...])))
            }
            pointer += 1
        }
        return result
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var s = self
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}

#if canImport(Glibc)
import Glibc
#endif
