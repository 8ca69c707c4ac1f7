/// A finished span: everything an exporter needs, immutable once made.
///
/// Made by `OTelSpan.end()`, or by a decoder for replay, and handed to the processors. A class: a record
/// travels through processors, queues and exporters, and passing one reference costs one retain where a
/// struct of a dozen reference-counted fields would cost a dozen.
public final class SpanRecord: Hashable, Sendable {
    /// The span kind, as OpenTelemetry defines it.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case `internal` = "INTERNAL", server = "SERVER", client = "CLIENT", producer = "PRODUCER", consumer = "CONSUMER"
    }

    /// The span status; `error` carries the description shown beside it.
    public enum Status: Hashable, Sendable {
        case unset
        case ok
        case error(description: String?)
    }

    /// A timestamped event on a span (a `report()` message, an exception).
    public struct Event: Hashable, Sendable {
        public let name: String
        public let timeNanos: UInt64
        public let attributes: Attributes
        public let droppedAttributes: Int

        public init(name: String, timeNanos: UInt64, attributes: Attributes = [:], droppedAttributes: Int = 0) {
            self.name = name
            self.timeNanos = timeNanos
            self.attributes = attributes
            self.droppedAttributes = droppedAttributes
        }
    }

    /// A link to another span, possibly in another trace.
    public struct Link: Hashable, Sendable {
        public let context: SpanContext
        public let attributes: Attributes
        public let droppedAttributes: Int

        public init(context: SpanContext, attributes: Attributes = [:], droppedAttributes: Int = 0) {
            self.context = context
            self.attributes = attributes
            self.droppedAttributes = droppedAttributes
        }
    }

    public let name: String
    public let context: SpanContext
    /// The parent's span id, local or remote; nil for a root span.
    public let parentSpanID: SpanID?
    public let kind: Kind
    public let startTimeNanos: UInt64
    public let endTimeNanos: UInt64
    public let status: Status
    public let attributes: Attributes
    public let events: [Event]
    public let links: [Link]
    public let resource: Resource
    /// The instrumentation scope (the tracer's name and version), when known.
    public let scope: InstrumentationScope?
    public let droppedAttributes: Int
    public let droppedEvents: Int
    public let droppedLinks: Int

    public init(
        name: String, context: SpanContext, parentSpanID: SpanID?, kind: Kind = .internal,
        startTimeNanos: UInt64, endTimeNanos: UInt64, status: Status = .unset, attributes: Attributes = [:],
        events: [Event] = [], links: [Link] = [], resource: Resource, scope: InstrumentationScope? = nil,
        droppedAttributes: Int = 0, droppedEvents: Int = 0, droppedLinks: Int = 0
    ) {
        self.name = name
        self.context = context
        self.parentSpanID = parentSpanID
        self.kind = kind
        self.startTimeNanos = startTimeNanos
        self.endTimeNanos = endTimeNanos
        self.status = status
        self.attributes = attributes
        self.events = events
        self.links = links
        self.resource = resource
        self.scope = scope
        self.droppedAttributes = droppedAttributes
        self.droppedEvents = droppedEvents
        self.droppedLinks = droppedLinks
    }

    public static func == (lhs: SpanRecord, rhs: SpanRecord) -> Bool {
        lhs === rhs
            || (lhs.name == rhs.name && lhs.context == rhs.context && lhs.parentSpanID == rhs.parentSpanID
                && lhs.kind == rhs.kind && lhs.startTimeNanos == rhs.startTimeNanos
                && lhs.endTimeNanos == rhs.endTimeNanos && lhs.status == rhs.status && lhs.attributes == rhs.attributes
                && lhs.events == rhs.events && lhs.links == rhs.links && lhs.resource == rhs.resource
                && lhs.scope == rhs.scope && lhs.droppedAttributes == rhs.droppedAttributes
                && lhs.droppedEvents == rhs.droppedEvents && lhs.droppedLinks == rhs.droppedLinks)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(context)
        hasher.combine(name)
        hasher.combine(startTimeNanos)
    }

    /// This record with every timestamp (start, end, events) moved by `offset` nanoseconds, and with
    /// `newResource` when given (one copy for what a replay changes).
    public func shifted(by offset: Int64, resource newResource: Resource? = nil) -> SpanRecord {
        func move(_ t: UInt64) -> UInt64 { Self.time(t, shiftedBy: offset) }
        return SpanRecord(
            name: name, context: context, parentSpanID: parentSpanID, kind: kind,
            startTimeNanos: move(startTimeNanos), endTimeNanos: move(endTimeNanos), status: status,
            attributes: attributes,
            events: events.map {
                Event(name: $0.name, timeNanos: move($0.timeNanos), attributes: $0.attributes,
                      droppedAttributes: $0.droppedAttributes)
            },
            links: links, resource: newResource ?? resource, scope: scope, droppedAttributes: droppedAttributes,
            droppedEvents: droppedEvents, droppedLinks: droppedLinks)
    }

    /// `time` moved by `offset` nanoseconds, kept within 0 and `Int64.max`.
    @inlinable
    public static func time(_ time: UInt64, shiftedBy offset: Int64) -> UInt64 {
        UInt64(clamping: Int64(clamping: time) &+ offset)
    }

    /// This record as if produced under `resource`.
    public func withResource(_ resource: Resource) -> SpanRecord {
        SpanRecord(
            name: name, context: context, parentSpanID: parentSpanID, kind: kind, startTimeNanos: startTimeNanos,
            endTimeNanos: endTimeNanos, status: status, attributes: attributes, events: events, links: links,
            resource: resource, scope: scope, droppedAttributes: droppedAttributes, droppedEvents: droppedEvents,
            droppedLinks: droppedLinks)
    }
}

/// The library that produced a span: the name and version given to `TracerProvider.tracer(_:version:)`.
///
/// Every span and record of a tracer carries its scope, so the two strings live in one shared object: a copy is
/// one reference count, not two strings (one of them optional, which Swift copies through a generic witness),
/// and an encoder recognises the scope of the last span by identity before comparing any text.
public struct InstrumentationScope: Hashable, Sendable {
    private final class Storage: Sendable {
        let name: String
        let version: String?
        init(name: String, version: String?) {
            self.name = name
            self.version = version
        }
    }

    private let storage: Storage

    public var name: String { storage.name }
    public var version: String? { storage.version }

    public init(name: String, version: String? = nil) {
        storage = Storage(name: name, version: version)
    }

    /// Whether both scopes are the same object: then they are equal without reading their text.
    public func isIdentical(to other: InstrumentationScope) -> Bool { storage === other.storage }

    public static func == (lhs: InstrumentationScope, rhs: InstrumentationScope) -> Bool {
        lhs.isIdentical(to: rhs) || (lhs.name == rhs.name && lhs.version == rhs.version)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(version)
    }
}
