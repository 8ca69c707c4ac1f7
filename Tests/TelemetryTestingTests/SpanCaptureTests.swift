import Telemetry
import TelemetryTesting
import Testing
import Tracing

@Suite struct SpanCaptureTests {
    struct Boom: Error, CustomStringConvertible { var description: String { "boom" } }

    /// Instrumented code written against the swift-distributed-tracing API only.
    static func work(_ label: String) {
        withSpan("cli") { _ in
            withSpan("compile") { span in
                span.attributes["label"] = label
                withSpan("RandomPlacement.place") { _ in }
            }
        }
    }

    @Test func captureReturnsTheSpansOfTheClosureWithTheirTree() throws {
        let (value, spans) = SpanCapture.capture { () -> Int in
            Self.work("a")
            return 42
        }
        #expect(value == 42)
        #expect(spans.count == 3)
        let place = try #require(spans.first(named: "RandomPlacement.place"))
        #expect(spans.path(to: place) == ["cli", "compile", "RandomPlacement.place"])
        let compile = try #require(spans.parent(of: place))
        #expect(compile.string("label") == "a")
        #expect(spans.children(of: compile).map(\.name) == ["RandomPlacement.place"])
        #expect(spans.roots.map(\.name) == ["cli"])
        #expect(spans.errors.isEmpty)
    }

    @Test func parallelCapturesDoNotSeeEachOthersSpans() async {
        let labels = (0..<8).map { "task-\($0)" }
        let results = await withTaskGroup(of: (String, [String]).self) { group in
            for label in labels {
                group.addTask {
                    let spans = SpanCapture.spans { Self.work(label) }
                    return (label, spans.compactMap { $0.string("label") })
                }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        for label in labels { #expect(results[label] == [label]) }
    }

    @Test func outsideACaptureNothingIsRecorded() {
        let spans = SpanCapture.spans {}
        Self.work("outside")
        #expect(spans.isEmpty)
    }

    @Test func errorsAreVisibleThroughTheHelpers() throws {
        let spans = SpanCapture.spans {
            _ = try? withSpan("failing") { _ in throw Boom() }
        }
        let failing = try #require(spans.first(named: "failing"))
        #expect(failing.isError)
        #expect(spans.errors.count == 1)
        #expect(failing.events.first?.attributes["exception.message"] == "boom")
        #expect(failing.errorDescription == "Boom: boom")
        #expect(failing.exceptions.map { $0.string("exception.type") } == ["Boom"])
    }

    @Test func exceptionsAreOnlyTheExceptionEventsAndErrorDescriptionOnlyForErrors() throws {
        let spans = SpanCapture.spans {
            withSpan("reported") { span in
                span.addEvent(SpanEvent(name: "progress", attributes: ["done": .int64(3)]))
                span.recordError(Boom())
                span.addEvent("more progress")
            }
            withSpan("fine") { span in span.setStatus(SpanStatus(code: .ok)) }
        }
        let reported = try #require(spans.first(named: "reported"))
        #expect(reported.events.map(\.name) == ["progress", "exception", "more progress"])
        #expect(reported.exceptions.count == 1)
        #expect(reported.exceptions.first?.string("exception.message") == "boom")
        #expect(reported.events.first?.string("done") == nil)  // an int, not a string
        #expect(reported.events.first?.attributes["done"] == .int(3))
        #expect(reported.errorDescription == nil)  // an error recorded without ERROR status
        let fine = try #require(spans.first(named: "fine"))
        #expect(fine.status == .ok)
        #expect(fine.errorDescription == nil)
        #expect(fine.exceptions.isEmpty)
    }

    @Test func descendantsAreEverySpanBelowAtAnyDepth() throws {
        let spans = SpanCapture.spans {
            Self.work("a")
            withSpan("elsewhere") { _ in }
        }
        let cli = try #require(spans.first(named: "cli"))
        #expect(spans.descendants(of: cli).map(\.name) == ["compile", "RandomPlacement.place"])
        let compile = try #require(spans.first(named: "compile"))
        #expect(spans.descendants(of: compile).map(\.name) == ["RandomPlacement.place"])
        let leaf = try #require(spans.first(named: "RandomPlacement.place"))
        #expect(spans.descendants(of: leaf).isEmpty)
    }

    /// Records made by hand: a capture cannot produce a missing parent or a loop, a file or a bug can.
    static func record(_ name: String, _ id: UInt64, parent: UInt64?) -> SpanRecord {
        SpanRecord(
            name: name, context: SpanContext(traceID: TraceID(high: 1, low: 1), spanID: SpanID(id)),
            parentSpanID: parent.map(SpanID.init), startTimeNanos: 1, endTimeNanos: 2, resource: Resource(attributes: [:]))
    }

    @Test func orphansNameAParentThatWasNotCaptured() {
        let spans = CapturedSpans([
            Self.record("root", 1, parent: nil),
            Self.record("child", 2, parent: 1),
            Self.record("lost", 3, parent: 99),
            Self.record("under lost", 4, parent: 3),
        ])
        #expect(spans.orphans.map(\.name) == ["lost"])
        #expect(spans.roots.map(\.name) == ["root", "lost"])
    }

    @Test func descendantsEndOnALoop() throws {
        let spans = CapturedSpans([
            Self.record("a", 1, parent: 3),
            Self.record("b", 2, parent: 1),
            Self.record("c", 3, parent: 2),
        ])
        let a = try #require(spans.first(named: "a"))
        #expect(spans.descendants(of: a).map(\.name) == ["b", "c"])
    }

    @Test func asyncCapture() async throws {
        let (_, spans) = await SpanCapture.capture { () async -> Void in
            await withSpan("async-root") { _ in
                await Task.yield()
                withSpan("after-yield") { _ in }
            }
        }
        let child = try #require(spans.first(named: "after-yield"))
        #expect(spans.parent(of: child)?.name == "async-root")
    }
}

@Suite struct TracedTestTraitTests {
    struct Boom: Error {}

    /// Runs `body` as a test under the trait, inside a capture, and returns the captured spans.
    func runTraced(_ body: @escaping @Sendable () async throws -> Void) async -> CapturedSpans {
        let test = Test.current!
        let (_, spans) = await SpanCapture.capture { () async -> Void in
            // Issues of the inner "test" are recorded by the trait, then dropped here so this test still passes.
            try? await IssueHandlingTrait.filterIssues { _ in false }.provideScope(for: test, testCase: nil) {
                try await TracedTestTrait.traced.provideScope(for: test, testCase: nil, performing: body)
            }
        }
        return spans
    }

    @Test func aPassingTestIsARootSpanWithOKStatus() async throws {
        let spans = await runTraced { withSpan("inside the test") { _ in } }
        let root = try #require(spans.roots.first)
        #expect(root.name.hasSuffix("TracedTestTraitTests/aPassingTestIsARootSpanWithOKStatus()"))
        #expect(root.status == .ok)
        #expect(root.string("test.name") == "aPassingTestIsARootSpanWithOKStatus()")
        #expect(spans.children(of: root).map(\.name) == ["inside the test"])
    }

    @Test func aFailingExpectationIsRecordedAsError() async throws {
        let spans = await runTraced { #expect(1 + 1 == 3, "arithmetic") }
        let root = try #require(spans.roots.first)
        #expect(root.isError)
        let event = try #require(root.events.first)
        #expect(event.name == "exception")
        if case .string(let message)? = event.attributes["exception.message"] {
            #expect(message.contains("arithmetic"))
        } else {
            Issue.record("no exception.message")
        }
    }

    @Test func aThrowingTestIsRecordedAsErrorWithTheError() async throws {
        let spans = await runTraced { throw Boom() }
        let root = try #require(spans.roots.first)
        #expect(root.status == .error(description: "Boom: Boom()"))
        #expect(root.events.contains { $0.name == "exception" && $0.attributes["exception.type"] == "Boom" })
    }
}
