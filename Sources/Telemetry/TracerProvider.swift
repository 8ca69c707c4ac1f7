import Synchronization
import Tracing

/// Owns the pipeline: resource, sampler, id generator, limits and processors; hands out tracers.
///
/// Built once by a configurator and installed; the processors are fixed at construction, so ending a span
/// reads them without a lock.
public final class TracerProvider: Sendable {
    public let resource: Resource
    public let sampler: any Sampler
    public let idGenerator: any IDGenerator
    public let limits: SpanLimits
    public let processors: [any SpanProcessor]
    /// Attributes every span starts with (the launcher sets `mpi.rank` and `mpi.size` here).
    public let spanStartAttributes: Attributes
    private let isShutdown = Atomic<Bool>(false)
    /// The open-span registry among the processors, if any: told when a span ends.
    private let openSpans: OpenSpanRegistry?

    public init(
        resource: Resource = Resource.detect(serviceName: nil),
        sampler: any Sampler = ParentBasedSampler(root: AlwaysOnSampler()),
        idGenerator: any IDGenerator = RandomIDGenerator(),
        limits: SpanLimits = SpanLimits(),
        processors: [any SpanProcessor] = [],
        spanStartAttributes: Attributes = [:]
    ) {
        self.resource = resource
        self.sampler = sampler
        self.idGenerator = idGenerator
        self.limits = limits
        self.processors = processors
        self.spanStartAttributes = spanStartAttributes
        self.openSpans = processors.lazy.compactMap { $0 as? OpenSpanRegistry }.first
    }

    /// A tracer whose spans carry the scope `name`/`version`.
    public func tracer(_ name: String = "otel-instrument", version: String? = nil) -> OTelTracer {
        OTelTracer(provider: self, scope: InstrumentationScope(name: name, version: version))
    }

    /// Sends a recorded span through the processors as it is, with its own ids and times.
    ///
    /// The public entry for replay: what another process recorded reaches the exporters exactly as spans of
    /// this process do.
    public func replay(_ record: SpanRecord) {
        for processor in processors { processor.onEnd(record) }
    }

    /// Sends recorded spans through the processors, in order, as `replay(_:)` does one by one: a batch
    /// processor hands a batch of its export size to the exporter whole.
    public func replay(_ records: [SpanRecord]) {
        for processor in processors { processor.onEnd(records) }
    }

    /// Exports everything the processors hold.
    public func forceFlush() {
        for processor in processors { processor.forceFlush() }
    }

    /// Flushes and shuts every processor down; later calls do nothing.
    public func shutdown() {
        guard !isShutdown.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for processor in processors { processor.shutdown() }
    }

    public var isShutDown: Bool { isShutdown.load(ordering: .acquiring) }

    func spanStarted(_ span: OTelSpan) {
        for processor in processors { processor.onStart(span) }
    }

    func spanEnded(_ span: OTelSpan, _ record: SpanRecord) {
        openSpans?.ended(span)
        for processor in processors { processor.onEnd(record) }
    }
}
