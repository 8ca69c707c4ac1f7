import Testing
@testable import Telemetry

@Suite struct SamplerTests {
    let trace = TraceID(high: 7, low: 0x4000_0000_0000_0000)  // lower half = 2^62 = 0.25 × 2^64

    @Test func alwaysOnAndOff() {
        #expect(AlwaysOnSampler().shouldSample(parent: nil, traceID: trace, name: "x", kind: .internal) == .recordAndSample)
        #expect(AlwaysOffSampler().shouldSample(parent: nil, traceID: trace, name: "x", kind: .internal) == .drop)
    }

    @Test func ratioComparesTheLowerHalfOfTheTraceID() {
        #expect(TraceIDRatioSampler(ratio: 0.3).shouldSample(parent: nil, traceID: trace, name: "", kind: .internal) == .recordAndSample)
        #expect(TraceIDRatioSampler(ratio: 0.2).shouldSample(parent: nil, traceID: trace, name: "", kind: .internal) == .drop)
        #expect(TraceIDRatioSampler(ratio: 0).shouldSample(parent: nil, traceID: TraceID(high: 0, low: 1), name: "", kind: .internal) == .drop)
        #expect(TraceIDRatioSampler(ratio: 1).shouldSample(parent: nil, traceID: TraceID(high: 0, low: .max), name: "", kind: .internal) == .recordAndSample)
        #expect(TraceIDRatioSampler(ratio: 7).ratio == 1)
    }

    @Test func ratioSamplesAboutTheRatioOfRandomTraces() {
        let sampler = TraceIDRatioSampler(ratio: 0.25)
        let ids = RandomIDGenerator()
        let sampled = (0..<20_000).filter { _ in
            sampler.shouldSample(parent: nil, traceID: ids.newTraceID(), name: "", kind: .internal) == .recordAndSample
        }.count
        #expect((4_400...5_600).contains(sampled))
    }

    @Test func parentBasedFollowsTheParent() {
        let sampler = ParentBasedSampler(root: AlwaysOffSampler())
        let sampledRemote = SpanContext(traceID: trace, spanID: SpanID(1), traceFlags: .sampled, isRemote: true)
        let unsampledLocal = SpanContext(traceID: trace, spanID: SpanID(1), traceFlags: .none)
        #expect(sampler.shouldSample(parent: nil, traceID: trace, name: "", kind: .internal) == .drop)
        #expect(sampler.shouldSample(parent: sampledRemote, traceID: trace, name: "", kind: .internal) == .recordAndSample)
        #expect(sampler.shouldSample(parent: unsampledLocal, traceID: trace, name: "", kind: .internal) == .drop)
        let onRoot = ParentBasedSampler(root: AlwaysOnSampler())
        #expect(onRoot.shouldSample(parent: nil, traceID: trace, name: "", kind: .internal) == .recordAndSample)
    }

    @Test func droppedSpansPropagateButAreNotRecorded() {
        let processor = CollectingProcessor()
        let provider = TracerProvider(sampler: ParentBasedSampler(root: AlwaysOffSampler()), processors: [processor])
        let tracer = provider.tracer()
        tracer.withSpan("root") { root in
            #expect(!root.isRecording)
            #expect(root.spanContext.isValid)
            #expect(!root.spanContext.isSampled)
            tracer.withSpan("child") { child in
                #expect(!child.isRecording)
                #expect(child.spanContext.traceID == root.spanContext.traceID)
            }
        }
        #expect(processor.records.isEmpty)
        #expect(processor.startedCount == 0)
    }
}

@Suite struct LimitTests {
    @Test func attributeEventAndLinkLimitsCountWhatTheyDrop() throws {
        let processor = CollectingProcessor()
        let limits = SpanLimits(attributeCountLimit: 2, attributeValueLengthLimit: 3, eventCountLimit: 1, linkCountLimit: 1,
                                attributePerEventCountLimit: 1, attributePerLinkCountLimit: 1)
        let provider = TracerProvider(limits: limits, processors: [processor])
        let tracer = provider.tracer()
        let target = SpanContext(traceID: TraceID(high: 1, low: 1), spanID: SpanID(9))
        tracer.withSpan("limited") { span in
            span.setAttribute("a", "abcdef")
            span.setAttribute("b", .stringArray(["xyzzy", "q"]))
            span.setAttribute("c", 3)
            span.setAttribute("a", "replaced")  // an existing key is replaced, not dropped
            span.addEvent(name: "e1", attributes: ["k1": 1, "k2": 2])
            span.addEvent(name: "e2")
            span.addLink(to: target, attributes: ["l1": 1, "l2": 2])
            span.addLink(to: target)
        }
        let span = try #require(processor.records.first)
        #expect(span.attributes.map(\.key) == ["a", "b"])
        #expect(span.attributes["a"] == "rep")
        #expect(span.attributes["b"] == .stringArray(["xyz", "q"]))
        #expect(span.droppedAttributes == 1)
        #expect(span.events.count == 1 && span.droppedEvents == 1)
        #expect(span.events[0].attributes.count == 1 && span.events[0].droppedAttributes == 1)
        #expect(span.links.count == 1 && span.droppedLinks == 1)
        #expect(span.links[0].droppedAttributes == 1)
    }
}

@Suite struct ResourceTests {
    @Test func detectedResourceHasTheSDKServiceProcessAndHost() {
        let extra = try! Resource.parseAttributeList("deployment.environment=hpc, team=neuro%20lab,service.name=ignored")
        let resource = Resource.detect(serviceName: "BSB Workflow", extra: extra)
        let keys = resource.attributes.map(\.key)
        #expect(Array(keys.prefix(5)) == ["telemetry.sdk.language", "telemetry.sdk.name", "telemetry.sdk.version",
                                          "service.instance.id", "service.name"])
        #expect(resource.attributes["telemetry.sdk.language"] == "swift")
        #expect(resource.attributes["service.name"] == "BSB Workflow")
        #expect(resource.attributes["team"] == "neuro lab")
        #expect(resource.attributes["deployment.environment"] == "hpc")
        if case .int(let pid) = resource.attributes["process.pid"] { #expect(pid > 0) } else { Issue.record("no pid") }
        #expect(resource.attributes["host.name"] != nil)
        if case .string(let id) = resource.attributes["service.instance.id"] {
            #expect(id.count == 36 && id.split(separator: "-").count == 5)
        } else { Issue.record("no instance id") }
    }

    @Test func serviceNameFallsBackToResourceAttributesThenUnknown() {
        #expect(Resource.detect(serviceName: nil, extra: ["service.name": "from-attrs"]).attributes["service.name"] == "from-attrs")
        #expect(Resource.detect(serviceName: nil).attributes["service.name"] == "unknown_service")
    }

    @Test func malformedResourceAttributesAreErrors() {
        #expect(throws: ResourceAttributeError.self) { try Resource.parseAttributeList("novalue") }
        #expect(throws: ResourceAttributeError.self) { try Resource.parseAttributeList("=v") }
        #expect(throws: ResourceAttributeError.self) { try Resource.parseAttributeList("k=%zz") }
    }
}

@Suite struct ProcessorTests {
    @Test func simpleProcessorExportsEachSampledSpanAtOnce() {
        let exporter = CountingExporter()
        let processor = SimpleSpanProcessor(exporter: exporter)
        processor.onEnd(record("a"))
        processor.onEnd(record("unsampled", sampled: false))
        #expect(exporter.spans.map(\.name) == ["a"])
        processor.shutdown()
        processor.onEnd(record("late"))
        #expect(exporter.spans.count == 1)
        #expect(exporter.shutdownCount == 1)
    }

    @Test func batchProcessorFlushesAtSizeOnFlushAndAtShutdown() {
        let exporter = CountingExporter()
        let processor = BatchSpanProcessor(
            exporter: exporter, configuration: .init(maxQueueSize: 10, maxExportBatchSize: 4, scheduleDelayNanos: 100))
        for i in 0..<9 { processor.onEnd(record("s\(i)")) }
        #expect(exporter.batchSizes == [4, 4])
        #expect(processor.queuedCount == 1)
        processor.forceFlush()
        #expect(exporter.batchSizes == [4, 4, 1])
        processor.onEnd(record("last"))
        processor.shutdown()
        #expect(exporter.spans.count == 10)
        #expect(exporter.shutdownCount == 1)
    }

    @Test func batchProcessorTakesABatchOfItsExportSizeWholeAfterWhatIsQueued() {
        let exporter = CountingExporter()
        let processor = BatchSpanProcessor(
            exporter: exporter, configuration: .init(maxQueueSize: 10, maxExportBatchSize: 4, scheduleDelayNanos: 100))
        processor.onEnd(record("q0"))
        processor.onEnd(record("q1"))
        let whole = (0..<4).map { record("w\($0)") }
        processor.onEnd(whole)
        // The queue first, as a smaller batch, then the batch as it came (the same records, not copies).
        #expect(exporter.batchSizes == [2, 4])
        #expect(exporter.spans.map(\.name) == ["q0", "q1", "w0", "w1", "w2", "w3"])
        #expect(zip(exporter.spans.suffix(4), whole).allSatisfy { $0 === $1 })
        #expect(processor.queuedCount == 0)
        // Not of the export size, or with an unsampled span: span by span, as `onEnd(_:)` of each.
        processor.onEnd([record("a"), record("unsampled", sampled: false), record("b"), record("c"), record("d")])
        #expect(exporter.batchSizes == [2, 4, 4])
        #expect(exporter.spans.suffix(4).map(\.name) == ["a", "b", "c", "d"])
        processor.onEnd((0..<3).map { record("p\($0)") } + [record("unsampled", sampled: false)])
        #expect(processor.queuedCount == 3)
        processor.shutdown()
        processor.onEnd((0..<4).map { record("late\($0)") })
        #expect(exporter.spans.count == 13)
        #expect(!exporter.spans.contains { $0.name.hasPrefix("late") || $0.name == "unsampled" })
    }

    @Test func providerReplaysABatchThroughEveryProcessorInOrder() {
        let exporter = CountingExporter()
        let collecting = CollectingProcessor()
        let provider = TracerProvider(processors: [
            BatchSpanProcessor(exporter: exporter, configuration: .init(maxQueueSize: 8, maxExportBatchSize: 2)),
            collecting,
        ])
        let batch = (0..<2).map { record("r\($0)") }
        provider.replay(batch)
        provider.replay((2..<5).map { record("r\($0)") })
        provider.shutdown()
        #expect(exporter.spans.map(\.name) == (0..<5).map { "r\($0)" })
        #expect(collecting.records.map(\.name) == (0..<5).map { "r\($0)" })
    }

    @Test func batchProcessorFlushesWhenTheScheduleDelayHasPassed() {
        let exporter = CountingExporter()
        let processor = BatchSpanProcessor(exporter: exporter, configuration: .init(scheduleDelayNanos: 1_000))
        processor.onEnd(record("old", end: 10))
        processor.flushIfDue(nowNanos: 500)
        #expect(exporter.spans.isEmpty)
        processor.flushIfDue(nowNanos: 2_000)
        #expect(exporter.spans.map(\.name) == ["old"])
    }

    @Test func batchProcessorNeverDropsABurstFromManyThreads() async {
        let exporter = CountingExporter()
        let processor = BatchSpanProcessor(exporter: exporter, configuration: .init(maxQueueSize: 64, maxExportBatchSize: 16))
        await withTaskGroup(of: Void.self) { group in
            for t in 0..<8 {
                group.addTask { for i in 0..<5_000 { processor.onEnd(record("t\(t)-\(i)")) } }
            }
        }
        processor.shutdown()
        #expect(exporter.spans.count == 40_000)
        #expect(exporter.batchSizes.allSatisfy { $0 <= 16 })
    }
}
