import Synchronization
import Tracing

/// A span of ours: a swift-distributed-tracing `Span` that becomes a `SpanRecord` when it ends.
///
/// Born in `OTelTracer.startSpan`, handed to the processors' `onStart`, and on `end()` frozen into a record
/// that the processors' `onEnd` receives on the ending thread. A span the sampler dropped is not recording: it
/// carries its context for propagation and ignores everything else.
///
/// Sendable `@unchecked`, as its superclass is (the compiler checks no class that can be subclassed): every
/// stored property is an immutable Sendable value, and the mutable state is behind the Mutex.
public final class OTelSpan: SpanContextBox, Tracing.Span, @unchecked Sendable {
    private struct State {
        var name: String
        var attributes: Attributes
        var events: [SpanRecord.Event] = []
        var links: [SpanRecord.Link] = []
        var status: SpanRecord.Status = .unset
        var ended = false
        var droppedAttributes = 0
        var droppedEvents = 0
        var droppedLinks = 0
        /// `Type: message` of the last recorded error, the description an ERROR status without one gets.
        var lastError: String?
        /// The record the span became at `end()`, when a processor wanted one. The name, attributes, events and
        /// links move into it rather than being copied: each copy is a reference count raised now and dropped
        /// at both deinits, an atomic operation paid per string and per array on the path of every span.
        var record: SpanRecord?

        /// The name, valid before and after the end.
        var currentName: String { record?.name ?? name }
        var currentAttributes: Attributes { record?.attributes ?? attributes }
    }

    public var spanContext: SpanContext { value }
    /// The parent's span id (local or remote), nil for a root.
    public let parentSpanID: SpanID?
    public let kind: SpanRecord.Kind
    public let startNanos: UInt64
    public let isRecording: Bool
    public let tracer: OTelTracer
    private let parent: Parent
    private let state: Mutex<State>

    /// Where the span started: the context it was given, or a span of ours whose context is made only if asked
    /// for (building an `InstrumentationContext` is the dearest part of starting a span).
    enum Parent {
        case context(InstrumentationContext)
        case span(OTelSpan)
    }

    init(
        name: String, context: SpanContext, parentSpanID: SpanID?, parent: Parent,
        kind: SpanRecord.Kind, startNanos: UInt64, isRecording: Bool, tracer: OTelTracer, attributes: Attributes
    ) {
        self.parentSpanID = parentSpanID
        self.parent = parent
        self.kind = kind
        self.startNanos = startNanos
        self.isRecording = isRecording
        self.tracer = tracer
        var initial = tracer.provider.spanStartAttributes
        if isRecording {
            // One allocation for the handful of attributes a span usually gets, instead of regrowing.
            if initial.isEmpty {
                // The given attributes have distinct keys already: shared whole, no lookup per key. Room for
                // the handful a span usually gets later is made only when it starts with none.
                initial = attributes
                if initial.isEmpty { initial.reserveCapacity(8) }
            } else {
                initial.reserveCapacity(initial.count + max(attributes.count, 8))
                for entry in attributes { initial[entry.key] = entry.value }
            }
        }
        self.state = Mutex(State(name: name, attributes: initial))
        super.init(context)
    }

    /// The context children of this span start under: the parent's context with this span's ids.
    public var context: InstrumentationContext {
        var context = switch parent {
        case .context(let context): context
        case .span(let span): span.context
        }
        context.spanContextBox = self
        return context
    }

    public var operationName: String {
        get { state.withLock { $0.currentName } }
        set {
            guard isRecording else { return }
            state.withLock { if !$0.ended { $0.name = newValue } }
        }
    }

    /// Whether `end()` has been called.
    public var hasEnded: Bool { state.withLock { $0.ended } }

    /// Sets one attribute, respecting the span limits: the fast path for our own instrumentation.
    public func setAttribute(_ key: String, _ value: AttributeValue) {
        guard isRecording else { return }
        let limits = tracer.provider.limits
        state.withLock { s in
            guard !s.ended else { return }
            if !s.attributes.set(key, value, countLimit: limits.attributeCountLimit,
                                 valueLengthLimit: limits.attributeValueLengthLimit) {
                s.droppedAttributes += 1
            }
        }
    }

    /// Sets several attributes in one step, in their order, respecting the span limits.
    public func setAttributes(_ attributes: Attributes) {
        guard isRecording else { return }
        let limits = tracer.provider.limits
        state.withLock { s in
            guard !s.ended else { return }
            for entry in attributes where !s.attributes.set(
                entry.key, entry.value, countLimit: limits.attributeCountLimit,
                valueLengthLimit: limits.attributeValueLengthLimit) {
                s.droppedAttributes += 1
            }
        }
    }

    public var attributes: SpanAttributes {
        get { state.withLock { $0.currentAttributes.spanAttributes } }
        set {
            guard isRecording else { return }
            // Keys already present keep their place; new keys follow in name order, since a dictionary has none.
            // A span has a handful of attributes: looking keys up in its own list is cheaper than hashing them.
            var updated = Attributes()
            updated.reserveCapacity(newValue.count)
            let limits = tracer.provider.limits
            state.withLock { s in
                guard !s.ended else { return }
                var dropped = 0
                for entry in s.attributes {
                    if let value = newValue.get(entry.key) {
                        updated.set(entry.key, AttributeValue(value), countLimit: .max,
                                    valueLengthLimit: limits.attributeValueLengthLimit)
                    }
                }
                var added: [(String, SpanAttribute)] = []
                added.reserveCapacity(newValue.count)
                newValue.forEach { key, value in if s.attributes[key] == nil { added.append((key, value)) } }
                for (key, value) in added.sorted(by: { $0.0 < $1.0 }) {
                    if !updated.set(key, AttributeValue(value), countLimit: limits.attributeCountLimit,
                                    valueLengthLimit: limits.attributeValueLengthLimit) {
                        dropped += 1
                    }
                }
                s.attributes = updated
                s.droppedAttributes += dropped
            }
        }
    }

    public func setStatus(_ status: SpanStatus) {
        guard isRecording else { return }
        state.withLock { s in
            guard !s.ended, s.status != .ok else { return }
            switch status.code {
            case .ok: s.status = .ok
            case .error: s.status = .error(description: status.message ?? s.lastError)
            }
        }
    }

    public func addEvent(_ event: SpanEvent) {
        addEvent(name: event.name, timeNanos: event.nanosecondsSinceEpoch, attributes: Attributes(event.attributes))
    }

    /// Adds an event, respecting the span limits.
    public func addEvent(name: String, timeNanos: UInt64 = WallClock.nowNanos(), attributes: Attributes = [:]) {
        guard isRecording else { return }
        let limits = tracer.provider.limits
        let (kept, dropped) = limits.limited(attributes, countLimit: limits.attributePerEventCountLimit)
        state.withLock { s in
            guard !s.ended else { return }
            guard s.events.count < limits.eventCountLimit else {
                s.droppedEvents += 1
                return
            }
            s.events.append(SpanRecord.Event(name: name, timeNanos: timeNanos, attributes: kept, droppedAttributes: dropped))
        }
    }

    public func recordError<Instant: TracerInstant>(
        _ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant
    ) {
        guard isRecording else { return }
        let type = String(describing: Swift.type(of: error))
        let message = String(describing: error)
        var eventAttributes: Attributes = [
            "exception.type": .string(type),
            "exception.message": .string(message),
            "exception.stacktrace": .string(ExceptionStack.describe(type: type, message: message)),
            "exception.escaped": "True",
        ]
        for entry in Attributes(attributes) { eventAttributes[entry.key] = entry.value }
        state.withLock { $0.lastError = "\(type): \(message)" }
        addEvent(name: "exception", timeNanos: instant().nanosecondsSinceEpoch, attributes: eventAttributes)
    }

    public func addLink(_ link: SpanLink) {
        guard let target = link.context.spanContext else { return }
        addLink(to: target, attributes: Attributes(link.attributes))
    }

    /// Adds a link to `target`, respecting the span limits.
    public func addLink(to target: SpanContext, attributes: Attributes = [:]) {
        guard isRecording else { return }
        let limits = tracer.provider.limits
        let (kept, dropped) = limits.limited(attributes, countLimit: limits.attributePerLinkCountLimit)
        state.withLock { s in
            guard !s.ended else { return }
            guard s.links.count < limits.linkCountLimit else {
                s.droppedLinks += 1
                return
            }
            s.links.append(SpanRecord.Link(context: target, attributes: kept, droppedAttributes: dropped))
        }
    }

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        end(atNanos: instant().nanosecondsSinceEpoch)
    }

    /// Ends the span at `endNanos`; only the first call counts.
    public func end(atNanos endNanos: UInt64) {
        guard isRecording else { return }
        let provider = tracer.provider
        let record: SpanRecord? = state.withLock { s in
            guard !s.ended else { return nil }
            s.ended = true
            // Without processors nobody would read the record: skip building it.
            guard !provider.processors.isEmpty else { return nil }
            var name = "", attributes = Attributes(), events: [SpanRecord.Event] = [], links: [SpanRecord.Link] = []
            swap(&name, &s.name)
            swap(&attributes, &s.attributes)
            swap(&events, &s.events)
            swap(&links, &s.links)
            let record = SpanRecord(
                name: name, context: spanContext, parentSpanID: parentSpanID, kind: kind,
                startTimeNanos: startNanos, endTimeNanos: max(endNanos, startNanos), status: s.status,
                attributes: attributes, events: events, links: links, resource: provider.resource,
                scope: tracer.scope, droppedAttributes: s.droppedAttributes, droppedEvents: s.droppedEvents,
                droppedLinks: s.droppedLinks)
            s.record = record
            return record
        }
        if let record { provider.spanEnded(self, record) }
    }

    /// Ends an open span because the process is being stopped: ERROR status naming `reason`, and an event.
    public func terminate(reason: String) {
        guard isRecording, !hasEnded else { return }
        addEvent(name: reason)
        setStatus(SpanStatus(code: .error, message: reason))
        end(atNanos: WallClock.nowNanos())
    }
}
