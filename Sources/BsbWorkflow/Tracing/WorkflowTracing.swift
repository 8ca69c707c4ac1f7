import Parallel
import Telemetry
import Tracing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The engine's one tracing wrapper: every call the engine makes into a strategy, partition or storage
/// engine goes through `call`, which makes it a span `Class.method` (`storage.method` for storage) with
/// `bsb.type`, `bsb.component_type`, `bsb.component_class`, `bsb.component_method`, `mpi.rank` and
/// `mpi.size`, and a profiler entry when profiling. A new strategy gets its spans without tracing code.
///
/// With the no-op tracer and no profiler, `call` is a plain function call.
public struct WorkflowTracing: Sendable {
    public let tracer: any Tracer
    public let communicator: any Communicator
    let profiler: Profiler?
    /// False for the no-op tracer: then no span is created at all.
    let recording: Bool

    public init(tracer: any Tracer, communicator: any Communicator, profiler: Profiler? = nil) {
        self.tracer = tracer
        self.communicator = communicator
        self.profiler = profiler
        self.recording = !(tracer is NoOpTracer)
    }

    /// The attributes every span carries.
    func baseAttributes(into attributes: inout SpanAttributes) {
        attributes["mpi.rank"] = SpanAttribute.int64(Int64(communicator.rank))
        attributes["mpi.size"] = SpanAttribute.int64(Int64(communicator.size))
    }

    /// Gives a new span the rank attributes and `attributes` in one assignment: `updateAttributes` would first
    /// read the span's attributes back, a conversion for nothing on a span that has none yet.
    func setAttributes(of span: some Span, _ attributes: (inout SpanAttributes) -> Void) {
        var all = SpanAttributes()
        baseAttributes(into: &all)
        attributes(&all)
        span.attributes = all
    }

    /// Calls `body`, a call to `method` of `component`, in a component-method span.
    public func call<C: BsbComponent, T>(
        _ component: C, _ method: String, function: String = #function, file: String = #fileID, line: UInt = #line,
        _ body: () throws -> T
    ) throws -> T {
        if !recording && profiler == nil { return try body() }
        let className = C.componentClass
        let componentType = C.componentType
        let name = componentType == .storage ? "storage.\(method)" : "\(className).\(method)"
        return try span(name, category: componentType.rawValue, function: function, file: file, line: line, setting: {
            // In name order, as a span given them as `SpanAttributes` orders its new keys.
            setAttributes(of: $0, [
                "bsb.component_class": .string(className), "bsb.component_method": .string(method),
                "bsb.component_type": .string(componentType.rawValue), "bsb.type": "component_method",
                "mpi.rank": .int(Int64(communicator.rank)), "mpi.size": .int(Int64(communicator.size)),
            ])
        }, body)
    }

    /// Gives a new span `attributes`: our own spans take them in one call, without the dictionary that
    /// `SpanAttributes` would hash every key into (a quarter of what tracing added to a compile, measured); any
    /// other span through the swift-distributed-tracing API.
    func setAttributes(of span: any Span, _ attributes: Attributes) {
        if let ours = span as? OTelSpan {
            ours.setAttributes(attributes)
        } else {
            span.attributes = attributes.spanAttributes
        }
    }

    /// Calls `body` in a span `name` (child of the current context) with the rank attributes and `attributes`.
    public func span<T>(
        _ name: String, category: String = "bsb", function: String = #function, file: String = #fileID, line: UInt = #line,
        _ attributes: (inout SpanAttributes) -> Void = { _ in }, _ body: () throws -> T
    ) throws -> T {
        try span(name, category: category, function: function, file: file, line: line,
                 setting: { setAttributes(of: $0, attributes) }, body)
    }

    private func span<T>(
        _ name: String, category: String, function: String, file: String, line: UInt,
        setting setAttributes: (any Span) -> Void, _ body: () throws -> T
    ) throws -> T {
        let start = profiler != nil ? Profiler.now() : 0
        defer { if let profiler { profiler.record(name: name, category: category, start: start, end: Profiler.now()) } }
        guard recording else { return try body() }
        let span = tracer.startSpan(
            name, context: InstrumentationContext.current ?? .topLevel, ofKind: .internal, at: DefaultTracerClock.now,
            function: function, file: file, line: line)
        defer { span.end() }
        setAttributes(span)
        do {
            return try InstrumentationContext.$current.withValue(span.context) {
                try TracingScope.$span.withValue(span, operation: body)
            }
        } catch {
            markFailed(span, error)
            throw error
        }
    }

    /// A root span that is collective over `communicator` when it has several ranks (and not under
    /// `localTracing`): rank 0 opens it and broadcasts its context; the other ranks run `body` with that
    /// context as parent, without a span of their own. Every rank must call it.
    public func collectiveSpan<T>(
        _ name: String, function: String = #function, file: String = #fileID, line: UInt = #line,
        _ attributes: (inout SpanAttributes) -> Void = { _ in }, _ body: () throws -> T
    ) throws -> T {
        let collective = communicator.size > 1 && !TracingScope.local
        guard collective else { return try span(name, function: function, file: file, line: line, attributes, body) }
        if communicator.rank == 0 {
            let start = profiler != nil ? Profiler.now() : 0
            defer { if let profiler { profiler.record(name: name, category: "bsb", start: start, end: Profiler.now()) } }
            guard recording else {
                _ = communicator.broadcast([], root: 0)
                return try body()
            }
            let span = tracer.startSpan(
                name, context: InstrumentationContext.current ?? .topLevel, ofKind: .internal, at: DefaultTracerClock.now,
                function: function, file: file, line: line)
            defer { span.end() }
            setAttributes(of: span, attributes)
            var carrier: [String: String] = [:]
            tracer.inject(span.context, into: &carrier, using: DictionaryInjector())
            let payload = JSONValue.object(carrier.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })
            _ = communicator.broadcast(Array(payload.serialized().utf8), root: 0)
            do {
                return try InstrumentationContext.$current.withValue(span.context) {
                    try TracingScope.$span.withValue(span, operation: body)
                }
            } catch {
                markFailed(span, error)
                throw error
            }
        } else {
            let bytes = communicator.broadcast([], root: 0)
            var context = InstrumentationContext.current ?? .topLevel
            if !bytes.isEmpty, let members = try? JSONValue.parse(bytes: bytes).objectValue {
                var carrier: [String: String] = [:]
                for (key, value) in members { carrier[key] = value.stringValue }
                tracer.extract(carrier, into: &context, using: DictionaryExtractor())
            }
            return try InstrumentationContext.$current.withValue(context) {
                try TracingScope.$span.withValue(nil, operation: body)
            }
        }
    }
}
