import Parallel
import Synchronization
import Tracing

/// The scripting API: a tracer per package, whose `trace` spans are collective under MPI so that every
/// rank reports into one trace, as the Python `get_bsb_tracer("my-package")` / `with tracer.trace(...)`.
///
///     let tracer = getBsbTracer("my-package")
///     try tracer.trace("My Script") {
///         try localTracing {            // per-rank work: no collective calls inside
///             try tracer.span("load") { … }
///         }
///     }
///
/// Spans carry `mpi.rank`, `mpi.size` and `bsb.package`. The tracer is `InstrumentationSystem.tracer`
/// at call time (the no-op tracer when the program runs without `otel-instrument`).
public final class BsbTracer: Sendable {
    /// The package name given to `getBsbTracer`.
    public let packageName: String
    private let fixedTracer: (any Tracer)?

    /// A tracer for `packageName`; `tracer` overrides the global one (tests).
    public init(packageName: String, tracer: (any Tracer)? = nil) {
        self.packageName = packageName
        self.fixedTracer = tracer
    }

    /// The swift-distributed-tracing tracer spans are made with.
    public var tracer: any Tracer { fixedTracer ?? InstrumentationSystem.tracer }

    private var tracing: WorkflowTracing {
        WorkflowTracing(tracer: tracer, communicator: TracingScope.effectiveCommunicator)
    }

    /// Runs `body` in a span `name` that is collective over the current communicator (every rank must call
    /// it; rank 0 writes the span, the other ranks' spans inside become its children). Under
    /// `localTracing`, or with one rank, it is an ordinary span. Errors mark the span ERROR and are rethrown.
    public func trace<T>(
        _ name: String, attributes: SpanAttributes = [:], function: String = #function, file: String = #fileID,
        line: UInt = #line, _ body: () throws -> T
    ) throws -> T {
        try tracing.collectiveSpan(name, function: function, file: file, line: line, { attrs in
            attrs["bsb.package"] = packageName
            attrs.merge(attributes)
        }, body)
    }

    /// Runs `body` in an ordinary span `name` on this rank.
    public func span<T>(
        _ name: String, attributes: SpanAttributes = [:], function: String = #function, file: String = #fileID,
        line: UInt = #line, _ body: () throws -> T
    ) throws -> T {
        try tracing.span(name, function: function, file: file, line: line, { attrs in
            attrs["bsb.package"] = packageName
            attrs.merge(attributes)
        }, body)
    }
}

private let bsbTracers = Mutex<[String: BsbTracer]>([:])

/// The tracer of `packageName`: the same instance for the same name.
public func getBsbTracer(_ packageName: String) -> BsbTracer {
    bsbTracers.withLock { tracers in
        if let tracer = tracers[packageName] { return tracer }
        let tracer = BsbTracer(packageName: packageName)
        tracers[packageName] = tracer
        return tracer
    }
}
