import Foundation
import SwiftProtobuf
import Telemetry

public typealias OTLPExportRequest = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest
public typealias OTLPExportResponse = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse

/// Maps span records to OTLP protobuf messages (`ExportTraceServiceRequest`), grouped by resource and scope.
///
/// Keeps the converted form of the last resources it met (a process has one), so a batch converts its resource
/// once. Not thread-safe: the exporter serialises its use.
public struct OTLPProtobufEncoder {
    private var resourceCache: [(resource: Resource, message: Opentelemetry_Proto_Resource_V1_Resource)] = []

    public init() {}

    /// The request carrying `spans`.
    public mutating func request(for spans: [SpanRecord]) -> OTLPExportRequest {
        var request = OTLPExportRequest()
        for group in SpanGrouping(spans).resources {
            var resourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans()
            resourceSpans.resource = resourceMessage(group.resource)
            resourceSpans.schemaURL = group.resource.schemaURL
            resourceSpans.scopeSpans = group.scopes.map { scopeGroup in
                var scopeSpans = Opentelemetry_Proto_Trace_V1_ScopeSpans()
                if let scope = scopeGroup.scope {
                    var message = Opentelemetry_Proto_Common_V1_InstrumentationScope()
                    message.name = scope.name
                    message.version = scope.version ?? ""
                    scopeSpans.scope = message
                }
                scopeSpans.spans = scopeGroup.spans.map(Self.span)
                return scopeSpans
            }
            request.resourceSpans.append(resourceSpans)
        }
        return request
    }

    /// The serialised request carrying `spans`.
    public mutating func encode(_ spans: [SpanRecord]) -> [UInt8] {
        // Serialising a message whose fields are all set cannot fail.
        (try? request(for: spans).serializedBytes()) ?? []
    }

    private mutating func resourceMessage(_ resource: Resource) -> Opentelemetry_Proto_Resource_V1_Resource {
        if let cached = resourceCache.first(where: { $0.resource === resource }) { return cached.message }
        var message = Opentelemetry_Proto_Resource_V1_Resource()
        message.attributes = Self.keyValues(resource.attributes)
        if resourceCache.count >= 8 { resourceCache.removeFirst() }
        resourceCache.append((resource, message))
        return message
    }

    // MARK: Mapping

    /// One span, field for field.
    public static func span(_ record: SpanRecord) -> Opentelemetry_Proto_Trace_V1_Span {
        var span = Opentelemetry_Proto_Trace_V1_Span()
        span.traceID = Data(record.context.traceID.bytes)
        span.spanID = Data(record.context.spanID.bytes)
        if let parent = record.parentSpanID, parent.isValid { span.parentSpanID = Data(parent.bytes) }
        span.traceState = record.context.traceState.header
        span.flags = UInt32(record.context.traceFlags.rawValue)
        span.name = record.name
        span.kind = kind(record.kind)
        span.startTimeUnixNano = record.startTimeNanos
        span.endTimeUnixNano = record.endTimeNanos
        span.attributes = keyValues(record.attributes)
        span.droppedAttributesCount = UInt32(clamping: record.droppedAttributes)
        span.events = record.events.map { event in
            var e = Opentelemetry_Proto_Trace_V1_Span.Event()
            e.timeUnixNano = event.timeNanos
            e.name = event.name
            e.attributes = keyValues(event.attributes)
            e.droppedAttributesCount = UInt32(clamping: event.droppedAttributes)
            return e
        }
        span.droppedEventsCount = UInt32(clamping: record.droppedEvents)
        span.links = record.links.map { link in
            var l = Opentelemetry_Proto_Trace_V1_Span.Link()
            l.traceID = Data(link.context.traceID.bytes)
            l.spanID = Data(link.context.spanID.bytes)
            l.traceState = link.context.traceState.header
            l.attributes = keyValues(link.attributes)
            l.droppedAttributesCount = UInt32(clamping: link.droppedAttributes)
            l.flags = linkFlags(link.context)
            return l
        }
        span.droppedLinksCount = UInt32(clamping: record.droppedLinks)
        var status = Opentelemetry_Proto_Trace_V1_Status()
        switch record.status {
        case .unset: status.code = .unset
        case .ok: status.code = .ok
        case .error(let description):
            status.code = .error
            status.message = description ?? ""
        }
        if status.code != .unset { span.status = status }
        return span
    }

    /// The flags of a link: the W3C trace flags in bits 0–7, and bits 8–9 saying that the linked context is
    /// known to be remote or local.
    public static func linkFlags(_ context: SpanContext) -> UInt32 {
        UInt32(context.traceFlags.rawValue) | 0x100 | (context.isRemote ? 0x200 : 0)
    }

    public static func kind(_ kind: SpanRecord.Kind) -> Opentelemetry_Proto_Trace_V1_Span.SpanKind {
        switch kind {
        case .internal: .internal
        case .server: .server
        case .client: .client
        case .producer: .producer
        case .consumer: .consumer
        }
    }

    public static func keyValues(_ attributes: Attributes) -> [Opentelemetry_Proto_Common_V1_KeyValue] {
        attributes.map { attribute in
            var kv = Opentelemetry_Proto_Common_V1_KeyValue()
            kv.key = attribute.key
            kv.value = anyValue(attribute.value)
            return kv
        }
    }

    public static func anyValue(_ value: AttributeValue) -> Opentelemetry_Proto_Common_V1_AnyValue {
        func array(_ values: [Opentelemetry_Proto_Common_V1_AnyValue]) -> Opentelemetry_Proto_Common_V1_AnyValue {
            var array = Opentelemetry_Proto_Common_V1_ArrayValue()
            array.values = values
            var any = Opentelemetry_Proto_Common_V1_AnyValue()
            any.arrayValue = array
            return any
        }
        var any = Opentelemetry_Proto_Common_V1_AnyValue()
        switch value {
        case .string(let v): any.stringValue = v
        case .int(let v): any.intValue = v
        case .double(let v): any.doubleValue = v
        case .bool(let v): any.boolValue = v
        case .stringArray(let v): return array(v.map { anyValue(.string($0)) })
        case .intArray(let v): return array(v.map { anyValue(.int($0)) })
        case .doubleArray(let v): return array(v.map { anyValue(.double($0)) })
        case .boolArray(let v): return array(v.map { anyValue(.bool($0)) })
        }
        return any
    }
}
