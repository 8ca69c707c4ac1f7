/// What a sampler decided for a new span.
public enum SamplingDecision: Sendable, Equatable {
    /// Not recorded, not exported; the context still propagates with the sampled flag off.
    case drop
    /// Recorded (processors see it) but not exported.
    case recordOnly
    /// Recorded and exported.
    case recordAndSample
}

/// Decides whether a new span is recorded and sampled.
public protocol Sampler: Sendable {
    func shouldSample(parent: SpanContext?, traceID: TraceID, name: String, kind: SpanRecord.Kind) -> SamplingDecision
    /// The name and argument as OpenTelemetry describes samplers, e.g. `TraceIdRatioBased{0.5}`.
    var description: String { get }
}

/// Samples every span (`always_on`).
public struct AlwaysOnSampler: Sampler {
    public init() {}
    public func shouldSample(parent: SpanContext?, traceID: TraceID, name: String, kind: SpanRecord.Kind)
        -> SamplingDecision { .recordAndSample }
    public var description: String { "AlwaysOnSampler" }
}

/// Samples no span (`always_off`).
public struct AlwaysOffSampler: Sampler {
    public init() {}
    public func shouldSample(parent: SpanContext?, traceID: TraceID, name: String, kind: SpanRecord.Kind)
        -> SamplingDecision { .drop }
    public var description: String { "AlwaysOffSampler" }
}

/// Samples a fixed share of traces, decided from the trace id so every span of a trace agrees (`traceidratio`).
///
/// The lower 8 bytes of the trace id are compared with `ratio × 2⁶⁴`, as the other OpenTelemetry SDKs do, so
/// Swift and Python processes of one trace make the same decision.
public struct TraceIDRatioSampler: Sampler {
    public let ratio: Double
    private let bound: UInt64

    /// `ratio` is clamped to [0, 1].
    public init(ratio: Double) {
        let r = ratio.isNaN ? 0 : min(max(ratio, 0), 1)
        self.ratio = r
        bound = r >= 1 ? UInt64.max : UInt64(r * 18_446_744_073_709_551_616.0)
    }

    public func shouldSample(parent: SpanContext?, traceID: TraceID, name: String, kind: SpanRecord.Kind)
        -> SamplingDecision
    {
        if ratio >= 1 { return .recordAndSample }
        return traceID.low < bound ? .recordAndSample : .drop
    }

    public var description: String { "TraceIdRatioBased{\(ratio)}" }
}

/// Follows the parent's decision when there is a parent, and `root` otherwise (`parentbased_*`).
public struct ParentBasedSampler: Sampler {
    public let root: any Sampler
    public let remoteParentSampled: any Sampler
    public let remoteParentNotSampled: any Sampler
    public let localParentSampled: any Sampler
    public let localParentNotSampled: any Sampler

    public init(
        root: any Sampler, remoteParentSampled: any Sampler = AlwaysOnSampler(),
        remoteParentNotSampled: any Sampler = AlwaysOffSampler(),
        localParentSampled: any Sampler = AlwaysOnSampler(), localParentNotSampled: any Sampler = AlwaysOffSampler()
    ) {
        self.root = root
        self.remoteParentSampled = remoteParentSampled
        self.remoteParentNotSampled = remoteParentNotSampled
        self.localParentSampled = localParentSampled
        self.localParentNotSampled = localParentNotSampled
    }

    public func shouldSample(parent: SpanContext?, traceID: TraceID, name: String, kind: SpanRecord.Kind)
        -> SamplingDecision
    {
        guard let parent, parent.isValid else {
            return root.shouldSample(parent: parent, traceID: traceID, name: name, kind: kind)
        }
        // Each delegate called where it is stored: picking one into a local first copies the existential box.
        switch (parent.isRemote, parent.isSampled) {
        case (true, true): return remoteParentSampled.shouldSample(parent: parent, traceID: traceID, name: name, kind: kind)
        case (true, false):
            return remoteParentNotSampled.shouldSample(parent: parent, traceID: traceID, name: name, kind: kind)
        case (false, true): return localParentSampled.shouldSample(parent: parent, traceID: traceID, name: name, kind: kind)
        case (false, false):
            return localParentNotSampled.shouldSample(parent: parent, traceID: traceID, name: name, kind: kind)
        }
    }

    public var description: String { "ParentBased{root:\(root.description)}" }
}
