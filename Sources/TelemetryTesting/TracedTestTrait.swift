#if canImport(Testing)
import Synchronization
import Telemetry
import Testing
import Tracing

/// A Swift Testing trait that records each test as a root span named by its id, with its outcome: a test
/// that records an issue or throws gets ERROR status and an `exception` event per issue, as the Python
/// reference's `wrap_tests_with_traces` does.
///
///     @Suite(.traced) struct CompileTests { … }
///     @Test(.traced) func placement() { … }
public struct TracedTestTrait: TestTrait, SuiteTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        // Suites are scoped through their tests; a span per suite would only nest the tests' spans.
        guard !test.isSuite else { return try await function() }
        let tracer = TestSuiteTracing.tracer
        let span = tracer.startAnySpan(Self.spanName(test), context: .topLevel)
        span.updateAttributes { attributes in
            attributes["test.name"] = test.name
            attributes["test.file"] = test.sourceLocation.fileID
            attributes["test.line"] = test.sourceLocation.line
        }
        let failures = Mutex(0)
        let recorder = IssueHandlingTrait.compactMapIssues { issue in
            if issue.isFailure {
                failures.withLock { $0 += 1 }
                span.addEvent(SpanEvent(name: "exception", attributes: [
                    "exception.type": .string("TestIssue"),
                    "exception.message": .string(String(describing: issue)),
                    "exception.escaped": .string("False"),
                ]))
            }
            return issue
        }
        do {
            try await recorder.provideScope(for: test, testCase: testCase) {
                try await InstrumentationContext.withValue(span.context) { try await function() }
            }
        } catch {
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error, message: "\(String(describing: type(of: error))): \(error)"))
            span.end()
            throw error
        }
        let count = failures.withLock { $0 }
        if count > 0 {
            span.setStatus(SpanStatus(code: .error, message: "\(count) issue(s) recorded"))
        } else {
            span.setStatus(SpanStatus(code: .ok))
        }
        span.end()
    }

    /// `Module.Suite/test()`: the test's id without its source location.
    static func spanName(_ test: Test) -> String {
        let id = test.id
        return ([id.moduleName] + id.nameComponents).joined(separator: ".").replacingLast(".", with: "/")
    }
}

extension Trait where Self == TracedTestTrait {
    /// Records each test as a root span with its outcome (see `TracedTestTrait`).
    public static var traced: TracedTestTrait { TracedTestTrait() }
}

extension String {
    func replacingLast(_ target: Character, with replacement: String) -> String {
        guard let found = lastIndex(of: target) else { return self }
        return String(self[..<found]) + replacement + String(self[self.index(after: found)...])
    }
}
#endif
