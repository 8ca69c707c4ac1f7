// swift-corelibs-xctest makes a test case from a name and a closure; Apple's XCTest makes it from a selector.
#if canImport(XCTest) && !canImport(ObjectiveC)
import Telemetry
import TelemetryTesting
import Testing
import Tracing
import XCTest

/// The XCTest case under test. Its methods do not start with `test`, so XCTest's discovery leaves them alone
/// and their failures never count in the suite's own run; `TracedTestCaseTests` runs them one by one.
final class TracedExampleCase: TracedTestCase {
    struct Boom: Error, CustomStringConvertible { var description: String { "boom" } }

    func passing() {
        withSpan("inside the test") { _ in }
        XCTAssertEqual(1 + 1, 2)
    }

    func failing() {
        XCTFail("the example fails", file: "Example.swift", line: 42)
        XCTAssertEqual(1 + 1, 3, "arithmetic", file: "Example.swift", line: 43)
    }

    func throwing() throws {
        throw Boom()
    }
}

/// Swift Testing drives the XCTest case: XCTest keeps the running test case in one global and clears it when a
/// case it ran ends, so an XCTest method running another case would lose its own later assertions silently.
/// Serialized for the same global.
@Suite(.serialized) struct TracedTestCaseTests {
    /// Runs `method` of a fresh `TracedExampleCase` through XCTest (`run()`, set-up, tear-down, failure
    /// recording) inside a capture; returns XCTest's record of the run and the spans.
    func run(
        _ name: String, _ method: @escaping (TracedExampleCase) -> () throws -> Void
    ) throws -> (run: XCTestRun, spans: CapturedSpans) {
        let testCase = TracedExampleCase(name: name, testClosure: { testCase in
            try method(testCase as! TracedExampleCase)()
        })
        let spans = SpanCapture.spans { testCase.run() }
        return (try #require(testCase.testRun), spans)
    }

    @Test func aPassingTestMethodIsARootSpanWithOKStatus() throws {
        let (run, spans) = try run("passing", TracedExampleCase.passing)
        #expect(run.hasSucceeded)
        #expect(run.executionCount == 1)
        #expect(spans.roots.count == 1)
        let root = try #require(spans.roots.first)
        #expect(root.name == "TracedExampleCase/passing")
        #expect(root.parentSpanID == nil)
        #expect(root.status == .ok)
        #expect(root.exceptions.isEmpty)
        #expect(spans.children(of: root).map(\.name) == ["inside the test"])
    }

    @Test func failedAssertionsAreRecordedAsErrorWithAnExceptionEventEach() throws {
        let (run, spans) = try run("failing", TracedExampleCase.failing)
        #expect(run.failureCount == 2)
        #expect(!run.hasSucceeded)
        let root = try #require(spans.roots.first)
        #expect(spans.count == 1)
        #expect(root.name == "TracedExampleCase/failing")
        #expect(root.status == .error(description: "2 failure(s)"))
        let exceptions = root.exceptions
        #expect(exceptions.count == 2)
        #expect(exceptions.allSatisfy { $0.attributes["exception.type"] == "XCTestFailure" })
        #expect(exceptions.map { $0.attributes["exception.stacktrace"] } == ["Example.swift:42", "Example.swift:43"])
        let messages = exceptions.compactMap { $0.string("exception.message") }
        #expect(messages.count == 2)
        #expect(messages.first?.contains("the example fails") == true)
        #expect(messages.last?.contains("arithmetic") == true)
    }

    @Test func aThrownErrorIsRecordedAsError() throws {
        let (run, spans) = try run("throwing", TracedExampleCase.throwing)
        #expect(run.totalFailureCount == 1)
        let root = try #require(spans.roots.first)
        #expect(root.name == "TracedExampleCase/throwing")
        #expect(root.isError)
        #expect(root.errorDescription == "1 failure(s)")
        #expect(root.exceptions.count == 1)
        let message = try #require(root.exceptions.first?.string("exception.message"))
        #expect(message.contains("boom"))
    }

    @Test func aTestMethodIsARootSpanEvenInsideAnotherSpan() throws {
        let testCase = TracedExampleCase(name: "passing", testClosure: { ($0 as! TracedExampleCase).passing() })
        let spans = SpanCapture.spans {
            withSpan("enclosing") { _ in testCase.run() }
        }
        let test = try #require(spans.first(named: "TracedExampleCase/passing"))
        let enclosing = try #require(spans.first(named: "enclosing"))
        #expect(test.parentSpanID == nil)
        #expect(test.context.traceID != enclosing.context.traceID)
        #expect(spans.parent(of: try #require(spans.first(named: "inside the test"))) == test)
    }
}
#endif
