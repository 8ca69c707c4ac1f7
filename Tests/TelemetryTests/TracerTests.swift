import Testing
import Tracing
#if canImport(Glibc)
import Glibc
#endif
@testable import Telemetry

@Suite struct TracerTests {
    let processor = CollectingProcessor()
    var provider: TracerProvider { TracerProvider(processors: [processor]) }

    @Test func withSpanNestsChildrenUnderTheCurrentSpan() throws {
        let tracer = provider.tracer("test", version: "1.2")
        tracer.withSpan("parent") { _ in
            tracer.withSpan("child") { _ in
                tracer.withSpan("grandchild") { _ in }
            }
        }
        let parent = try #require(processor.named("parent"))
        let child = try #require(processor.named("child"))
        let grandchild = try #require(processor.named("grandchild"))
        #expect(parent.parentSpanID == nil)
        #expect(child.parentSpanID == parent.context.spanID)
        #expect(grandchild.parentSpanID == child.context.spanID)
        #expect(Set([parent, child, grandchild].map(\.context.traceID)).count == 1)
        #expect(processor.records.map(\.name) == ["grandchild", "child", "parent"])
        #expect(parent.scope == InstrumentationScope(name: "test", version: "1.2"))
        #expect(processor.startedCount == 3)
        #expect(child.startTimeNanos >= parent.startTimeNanos && child.endTimeNanos <= parent.endTimeNanos)
    }

    /// A child started from the span itself has the same parentage as one started from the span's context,
    /// and its context, built only when asked for, carries what the parent's context carried.
    @Test func aChildOfAHeldSpanMatchesAChildOfItsContext() throws {
        let tracer = provider.tracer()
        var remote = InstrumentationContext.topLevel
        let remoteParent = SpanContext(traceID: TraceID(high: 7, low: 9), spanID: SpanID(42), traceFlags: .sampled,
                                       traceState: TraceState(header: "vendor=value"))
        remote.spanContext = remoteParent
        let root = tracer.startSpan("root", parent: remote)
        let child = tracer.startSpan("child", childOf: root)
        let viaContext = tracer.startSpan("via-context", parent: root.context)
        let grandchild = tracer.startSpan("grandchild", parent: child.context)
        #expect(child.context.spanContext == child.spanContext)
        for span in [grandchild, viaContext, child, root] { span.end(atNanos: WallClock.nowNanos()) }
        let records = try ["root", "child", "via-context", "grandchild"].map { try #require(processor.named($0)) }
        #expect(records[0].parentSpanID == SpanID(42))
        #expect(records[1].parentSpanID == records[0].context.spanID)
        #expect(records[2].parentSpanID == records[0].context.spanID)
        #expect(records[3].parentSpanID == records[1].context.spanID)
        #expect(Set(records.map(\.context.traceID)) == [remoteParent.traceID])
        #expect(records.allSatisfy { $0.context.traceState == remoteParent.traceState })
    }

    /// Code holding `any Tracer` gets swift-distributed-tracing's own `withSpan`, code holding our tracer gets
    /// ours: spans of both nest in one trace, and both record a thrown error the same way.
    @Test func theProtocolsWithSpanAndOursAgree() throws {
        let tracer = provider.tracer()
        let generic: any Tracer = tracer
        struct Failure: Error {}
        #expect(throws: Failure.self) {
            try generic.withSpan("generic-outer") { _ in
                try tracer.withSpan("ours-middle") { _ in
                    try generic.withSpan("generic-inner") { _ in throw Failure() }
                }
            }
        }
        let outer = try #require(processor.named("generic-outer"))
        let middle = try #require(processor.named("ours-middle"))
        let inner = try #require(processor.named("generic-inner"))
        #expect(middle.parentSpanID == outer.context.spanID)
        #expect(inner.parentSpanID == middle.context.spanID)
        for record in [outer, middle, inner] {
            #expect(record.status == .error(description: "Failure: Failure()"))
            #expect(record.events.map(\.name) == ["exception"])
            #expect(record.events.first?.attributes["exception.type"] == "Failure")
        }
    }

    @Test func parentageCrossesAsyncTasks() async throws {
        let tracer = provider.tracer()
        await tracer.withSpan("request") { _ in
            await withTaskGroup(of: Void.self) { group in
                for i in 0..<4 {
                    group.addTask { tracer.withSpan("task-\(i)") { _ in } }
                }
            }
        }
        let root = try #require(processor.named("request"))
        let tasks = processor.records.filter { $0.name.hasPrefix("task-") }
        #expect(tasks.count == 4)
        #expect(tasks.allSatisfy { $0.parentSpanID == root.context.spanID && $0.context.traceID == root.context.traceID })
    }

    @Test func parentageCrossesThreadsThroughAnExplicitContext() throws {
        let tracer = provider.tracer()
        let root = tracer.startSpan("root", parent: .topLevel)
        let context = root.context
        final class Box: @unchecked Sendable { var context: InstrumentationContext; init(_ c: InstrumentationContext) { context = c } }
        let box = Box(context)
        var thread = pthread_t()
        let argument = Unmanaged.passRetained(Holder(tracer: tracer, context: box.context)).toOpaque()
        pthread_create(&thread, nil, { raw in
            let holder = Unmanaged<Holder>.fromOpaque(raw!).takeRetainedValue()
            holder.tracer.withSpan("on-thread", context: holder.context) { _ in }
            return nil
        }, argument)
        pthread_join(thread, nil)
        root.end()
        let onThread = try #require(processor.named("on-thread"))
        #expect(onThread.parentSpanID == root.spanContext.spanID)
        #expect(onThread.context.traceID == root.spanContext.traceID)
    }

    @Test func thrownErrorsGiveErrorStatusAndAnExceptionEvent() throws {
        struct PackingError: Error, CustomStringConvertible { var description: String { "too dense" } }
        let tracer = provider.tracer()
        #expect(throws: PackingError.self) {
            try tracer.withSpan("outer") { _ in try tracer.withSpan("inner") { _ in throw PackingError() } }
        }
        for name in ["outer", "inner"] {
            let span = try #require(processor.named(name))
            #expect(span.status == .error(description: "PackingError: too dense"))
            let event = try #require(span.events.first)
            #expect(event.name == "exception")
            #expect(event.attributes["exception.type"] == "PackingError")
            #expect(event.attributes["exception.message"] == "too dense")
            #expect(event.attributes["exception.escaped"] == "True")
        }
    }

    @Test func spanAPIRecordsAttributesEventsLinksAndStatus() throws {
        let tracer = provider.tracer()
        let other = tracer.startSpan("other", parent: .topLevel)
        other.end()
        tracer.withSpan("main", ofKind: .client) { span in
            span.attributes["count"] = 3
            span.attributes["name"] = "x"
            span.setAttribute("ratio", 0.5)
            span.addEvent(SpanEvent(name: "placed", attributes: ["cells": 10]))
            span.addLink(SpanLink(context: other.context, attributes: ["why": "because"]))
            span.setStatus(.init(code: .ok))
            span.setStatus(.init(code: .error, message: "ignored after OK"))
            span.operationName = "renamed"
        }
        let span = try #require(processor.named("renamed"))
        #expect(span.kind == .client)
        #expect(span.attributes["count"] == .int(3))
        #expect(span.attributes["name"] == .string("x"))
        #expect(span.attributes["ratio"] == .double(0.5))
        #expect(span.events.map(\.name) == ["placed"])
        #expect(span.events[0].attributes["cells"] == .int(10))
        #expect(span.links.first?.context.spanID == other.spanContext.spanID)
        #expect(span.links.first?.attributes["why"] == "because")
        #expect(span.status == .ok)
    }

    @Test func endingTwiceReportsOnce() {
        let span = provider.tracer().startSpan("once", parent: .topLevel)
        span.end()
        span.end()
        span.setAttribute("late", 1)
        #expect(processor.records.count == 1)
        #expect(processor.records[0].attributes["late"] == nil)
    }

    /// At the end the span's name and attributes move into its record; the span still answers with them.
    @Test func anEndedSpanStillReadsItsNameAndAttributes() throws {
        let span = provider.tracer().startSpan("kept", parent: .topLevel, attributes: ["mpi.rank": 3])
        span.setAttribute("late", "yes")
        span.end()
        span.operationName = "renamed"
        #expect(span.operationName == "kept")
        #expect(span.attributes.get("mpi.rank") == .int64(3))
        #expect(span.attributes.get("late") == .string("yes"))
        let unrecorded = TracerProvider().tracer().startSpan("no processor", parent: .topLevel, attributes: ["a": 1])
        unrecorded.end()
        #expect(unrecorded.operationName == "no processor")
        #expect(unrecorded.attributes.get("a") == .int64(1))
        #expect(processor.records.map(\.name) == ["kept"])
    }

    @Test func spanStartAttributesComeFirst() throws {
        let provider = TracerProvider(processors: [processor], spanStartAttributes: ["mpi.rank": 0, "mpi.size": 1])
        provider.tracer().withSpan("s") { $0.setAttribute("own", 1) }
        #expect(processor.records[0].attributes.map(\.key) == ["mpi.rank", "mpi.size", "own"])
    }

    /// Several attributes at once end as the same attributes set one by one: existing keys replaced in place,
    /// new ones in the given order, values cut and keys beyond the limit dropped and counted.
    @Test func severalAttributesAtOnceActAsOneByOne() throws {
        let limits = SpanLimits(attributeCountLimit: 4, attributeValueLengthLimit: 3)
        let provider = TracerProvider(limits: limits, processors: [processor], spanStartAttributes: ["mpi.rank": 0])
        let tracer = provider.tracer()
        let attributes: Attributes = ["b": "long", "mpi.rank": 3, "a": 1, "c": true, "d": 2.5]
        tracer.withSpan("at-once") { $0.setAttributes(attributes) }
        tracer.withSpan("one-by-one") { span in for entry in attributes { span.setAttribute(entry.key, entry.value) } }
        let atOnce = try #require(processor.named("at-once"))
        let oneByOne = try #require(processor.named("one-by-one"))
        #expect(atOnce.attributes == oneByOne.attributes)
        #expect(atOnce.attributes.map(\.key) == ["mpi.rank", "b", "a", "c"])
        #expect(atOnce.attributes["b"] == "lon" && atOnce.attributes["mpi.rank"] == 3)
        #expect(atOnce.droppedAttributes == 1 && oneByOne.droppedAttributes == 1)
    }

    @Test func injectAndExtractCarryTheContextBetweenProcesses() throws {
        struct DictionaryInjector: Injector {
            func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
        }
        struct DictionaryExtractor: Extractor {
            func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
        }
        let tracer = provider.tracer()
        let root = tracer.startSpan("root", parent: .topLevel)
        var carrier: [String: String] = [:]
        tracer.inject(root.context, into: &carrier, using: DictionaryInjector())
        #expect(carrier["traceparent"] == TraceContextPropagation.traceparent(root.spanContext))
        var extracted = InstrumentationContext.topLevel
        tracer.extract(carrier, into: &extracted, using: DictionaryExtractor())
        #expect(extracted.spanContext?.isRemote == true)
        tracer.withSpan("remote-child", context: extracted) { _ in }
        root.end()
        let child = try #require(processor.named("remote-child"))
        #expect(child.parentSpanID == root.spanContext.spanID)
        #expect(child.context.traceID == root.spanContext.traceID)
    }

    @Test func replaySendsTheRecordThroughTheProcessorsUnchanged() {
        let original = record("recorded")
        provider.replay(original)
        #expect(processor.records == [original])
    }

    @Test func shutdownIsIdempotent() {
        let exporter = CountingExporter()
        let provider = TracerProvider(processors: [SimpleSpanProcessor(exporter: exporter)])
        provider.shutdown()
        provider.shutdown()
        #expect(exporter.shutdownCount == 1)
        #expect(provider.isShutDown)
    }
}

final class Holder: @unchecked Sendable {
    let tracer: OTelTracer
    let context: InstrumentationContext
    init(tracer: OTelTracer, context: InstrumentationContext) {
        self.tracer = tracer
        self.context = context
    }
}
