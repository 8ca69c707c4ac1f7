import Exporters
import Telemetry
import Tracing

/// Runs code with an in-memory tracing pipeline and hands back the spans it produced.
///
/// The pipeline is bound to the calling task only (swift-distributed-tracing's `withTracer`), so tests
/// running in parallel never see each other's spans, and nothing global is bootstrapped. Threads started in
/// the closure do not inherit that binding: read `InstrumentationSystem.tracer` in the closure and hand it to
/// them (their spans are captured as long as they end before the closure returns).
///
///     let (_, spans) = try SpanCapture.capture { try compiler.compile() }
///     let place = try #require(spans.first(named: "RandomPlacement.place"))
///     #expect(spans.parent(of: place)?.name == "compile")
public enum SpanCapture {
    /// Runs `body` and returns its result with the spans that ended inside it.
    public static func capture<T>(
        resource: Resource = Resource(attributes: ["service.name": "test"]),
        _ body: () throws -> T
    ) rethrows -> (T, CapturedSpans) {
        let (provider, exporter) = pipeline(resource)
        let result = try withTracer(provider.tracer("test-capture")) { try body() }
        provider.shutdown()
        return (result, CapturedSpans(exporter.finishedSpans))
    }

    /// Runs `body` and returns the spans that ended inside it.
    public static func spans(_ body: () throws -> Void) rethrows -> CapturedSpans {
        try capture(body).1
    }

    /// The async form: `let (value, spans) = try await SpanCapture.capture { try await … }`.
    public static func capture<T>(
        resource: Resource = Resource(attributes: ["service.name": "test"]),
        _ body: () async throws -> T
    ) async rethrows -> (T, CapturedSpans) {
        let (provider, exporter) = pipeline(resource)
        let result = try await withTracer(provider.tracer("test-capture")) { try await body() }
        provider.shutdown()
        return (result, CapturedSpans(exporter.finishedSpans))
    }

    private static func pipeline(_ resource: Resource) -> (TracerProvider, InMemoryExporter) {
        let exporter = InMemoryExporter()
        let provider = TracerProvider(resource: resource, processors: [SimpleSpanProcessor(exporter: exporter)])
        return (provider, exporter)
    }
}

/// Spans captured in a test, with the look-ups assertions need.
public struct CapturedSpans: Sendable, RandomAccessCollection {
    public let spans: [SpanRecord]
    private let byID: [SpanID: SpanRecord]

    public init(_ spans: [SpanRecord]) {
        self.spans = spans
        byID = Dictionary(spans.map { ($0.context.spanID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public var startIndex: Int { spans.startIndex }
    public var endIndex: Int { spans.endIndex }
    public subscript(position: Int) -> SpanRecord { spans[position] }

    /// Every span called `name`, in the order they ended.
    public func named(_ name: String) -> [SpanRecord] { spans.filter { $0.name == name } }

    /// The first span called `name` to end.
    public func first(named name: String) -> SpanRecord? { spans.first { $0.name == name } }

    /// The span's parent, when it is among the captured spans.
    public func parent(of span: SpanRecord) -> SpanRecord? { span.parentSpanID.flatMap { byID[$0] } }

    /// The spans whose parent is `span`.
    public func children(of span: SpanRecord) -> [SpanRecord] {
        spans.filter { $0.parentSpanID == span.context.spanID }
    }

    /// The chain of names from the root down to `span`: `["cli", "compile", "RandomPlacement.place"]`.
    public func path(to span: SpanRecord) -> [String] {
        var names = [span.name]
        var current = span
        while let parent = parent(of: current) {
            names.insert(parent.name, at: 0)
            current = parent
        }
        return names
    }

    /// Every span below `span`, at any depth, nearest first.
    public func descendants(of span: SpanRecord) -> [SpanRecord] {
        let byParent = Dictionary(grouping: spans.filter { $0.parentSpanID != nil }, by: { $0.parentSpanID! })
        var found: [SpanRecord] = []
        // Ids already reached: a hand-made record list may loop, and a loop must end the walk, not hang the test.
        var reached: Set<SpanID> = [span.context.spanID]
        var frontier = [span]
        while !frontier.isEmpty {
            var next: [SpanRecord] = []
            for parent in frontier {
                for child in byParent[parent.context.spanID] ?? [] where reached.insert(child.context.spanID).inserted {
                    next.append(child)
                }
            }
            found += next
            frontier = next
        }
        return found
    }

    /// Spans without a parent among the captured ones (the roots, and orphans if any).
    public var roots: [SpanRecord] { spans.filter { parent(of: $0) == nil } }

    /// Spans that name a parent which is not among the captured ones: a context lost between threads or ranks
    /// shows up here, where `roots` cannot tell it from a real root.
    public var orphans: [SpanRecord] { spans.filter { $0.parentSpanID != nil && parent(of: $0) == nil } }

    /// Spans with ERROR status.
    public var errors: [SpanRecord] {
        spans.filter { if case .error = $0.status { true } else { false } }
    }
}

extension SpanRecord {
    /// The string value of attribute `key`, if it is a string.
    public func string(_ key: String) -> String? {
        if case .string(let s)? = attributes[key] { s } else { nil }
    }

    /// The integer value of attribute `key`, if it is an integer.
    public func int(_ key: String) -> Int64? {
        if case .int(let i)? = attributes[key] { i } else { nil }
    }

    /// Whether the span has ERROR status.
    public var isError: Bool {
        if case .error = status { true } else { false }
    }

    /// The description beside an ERROR status; nil for any other status, or an ERROR without one.
    public var errorDescription: String? {
        if case .error(let description) = status { description } else { nil }
    }

    /// The `exception` events: one per error recorded on the span (`recordError`, a failed test's issue).
    public var exceptions: [SpanRecord.Event] { events.filter { $0.name == "exception" } }
}

extension SpanRecord.Event {
    /// The string value of attribute `key` (`exception.message`, `exception.type`), if it is a string.
    public func string(_ key: String) -> String? {
        if case .string(let s)? = attributes[key] { s } else { nil }
    }
}
