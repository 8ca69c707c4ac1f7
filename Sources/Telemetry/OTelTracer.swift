import Tracing

/// A swift-distributed-tracing `Tracer` backed by a `TracerProvider`.
///
/// Bootstrapped into `InstrumentationSystem`, it traces `withSpan` calls of any library written against that
/// API. It is also the W3C trace-context propagator (`traceparent`, `tracestate`).
public struct OTelTracer: Tracer {
    public typealias Span = OTelSpan

    public let provider: TracerProvider
    public let scope: InstrumentationScope

    public init(provider: TracerProvider, scope: InstrumentationScope) {
        self.provider = provider
        self.scope = scope
    }

    public func startSpan<Instant: TracerInstant>(
        _ operationName: String,
        context: @autoclosure () -> InstrumentationContext,
        ofKind kind: Tracing.SpanKind,
        at instant: @autoclosure () -> Instant,
        function: String,
        file fileID: String,
        line: UInt
    ) -> OTelSpan {
        startSpan(operationName, parent: context(), kind: SpanRecord.Kind(kind), startNanos: instant().nanosecondsSinceEpoch)
    }

    /// Starts a span under `parent` (its `spanContext`, local or remote, or none for a root).
    public func startSpan(
        _ name: String, parent: InstrumentationContext, kind: SpanRecord.Kind = .internal,
        startNanos: UInt64 = WallClock.nowNanos(), attributes: Attributes = [:]
    ) -> OTelSpan {
        startSpan(name, parentSpan: parent.spanContext, parent: .context(parent), kind: kind, startNanos: startNanos,
                  attributes: attributes)
    }

    /// Starts a child of `parentSpan`, a span the caller holds: its ids are read from the span, and no
    /// `InstrumentationContext` is built unless the child's `context` is asked for (which then builds the
    /// parents' in turn: for spans whose context is bound, as `withSpan` does, start them from a context).
    public func startSpan(
        _ name: String, childOf parentSpan: OTelSpan, kind: SpanRecord.Kind = .internal,
        startNanos: UInt64 = WallClock.nowNanos(), attributes: Attributes = [:]
    ) -> OTelSpan {
        startSpan(name, parentSpan: parentSpan.spanContext, parent: .span(parentSpan), kind: kind,
                  startNanos: startNanos, attributes: attributes)
    }

    private func startSpan(
        _ name: String, parentSpan: SpanContext?, parent: OTelSpan.Parent, kind: SpanRecord.Kind,
        startNanos: UInt64, attributes: Attributes
    ) -> OTelSpan {
        let parentSpan = parentSpan.flatMap { $0.isValid ? $0 : nil }
        let traceID = parentSpan?.traceID ?? provider.idGenerator.newTraceID()
        let spanID = provider.idGenerator.newSpanID()
        let decision = provider.sampler.shouldSample(parent: parentSpan, traceID: traceID, name: name, kind: kind)
        let spanContext = SpanContext(
            traceID: traceID, spanID: spanID,
            traceFlags: decision == .recordAndSample ? .sampled : .none,
            traceState: parentSpan?.traceState ?? TraceState())
        let span = OTelSpan(
            name: name, context: spanContext, parentSpanID: parentSpan?.spanID, parent: parent, kind: kind,
            startNanos: startNanos, isRecording: decision != .drop, tracer: self, attributes: attributes)
        if span.isRecording { provider.spanStarted(span) }
        return span
    }

    /// swift-distributed-tracing's `withSpan`, with the same behaviour, for callers that hold an `OTelTracer`: it
    /// starts and ends the span through this type directly instead of through the generic protocol extension,
    /// whose runtime lookups cost about a tenth of a span's time. Code holding `any Tracer` gets the protocol's.
    public func withSpan<T>(
        _ operationName: String,
        context: @autoclosure () -> InstrumentationContext = InstrumentationContext.current ?? .topLevel,
        ofKind kind: Tracing.SpanKind = .internal,
        function: String = #function,
        file fileID: String = #fileID,
        line: UInt = #line,
        _ operation: (OTelSpan) throws -> T
    ) rethrows -> T {
        let span = startSpan(operationName, parent: context(), kind: SpanRecord.Kind(kind))
        defer { span.end(atNanos: WallClock.nowNanos()) }
        do {
            return try InstrumentationContext.$current.withValue(span.context) { try operation(span) }
        } catch {
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error))
            throw error
        }
    }

    public func forceFlush() {
        provider.forceFlush()
    }

    // MARK: W3C trace context

    public func extract<Carrier, Extract: Extractor>(
        _ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract
    ) where Extract.Carrier == Carrier {
        guard let header = extractor.extract(key: TraceContextPropagation.traceparentKey, from: carrier),
              let parsed = TraceContextPropagation.parse(traceparent: header,
                  tracestate: extractor.extract(key: TraceContextPropagation.tracestateKey, from: carrier))
        else { return }
        context.spanContext = parsed
    }

    public func inject<Carrier, Inject: Injector>(
        _ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject
    ) where Inject.Carrier == Carrier {
        guard let spanContext = context.spanContext, spanContext.isValid else { return }
        injector.inject(TraceContextPropagation.traceparent(spanContext), forKey: TraceContextPropagation.traceparentKey,
                        into: &carrier)
        if !spanContext.traceState.isEmpty {
            injector.inject(spanContext.traceState.header, forKey: TraceContextPropagation.tracestateKey, into: &carrier)
        }
    }
}

extension SpanRecord.Kind {
    public init(_ kind: Tracing.SpanKind) {
        switch kind {
        case .server: self = .server
        case .client: self = .client
        case .producer: self = .producer
        case .consumer: self = .consumer
        case .internal: self = .internal
        }
    }
}
