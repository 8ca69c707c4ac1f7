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
