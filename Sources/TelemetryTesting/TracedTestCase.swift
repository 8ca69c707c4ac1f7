#if canImport(XCTest)
import Telemetry
import Tracing
import XCTest

/// The XCTest form of `TracedTestTrait`: subclass it instead of `XCTestCase` and each test method is recorded
/// as a root span named `Class/method`, ERROR with an `exception` event per failure.
open class TracedTestCase: XCTestCase {
    private var span: (any Tracing.Span)?
    private var failures = 0

    open override func invokeTest() {
        let tracer = TestSuiteTracing.tracer
        let span = tracer.startAnySpan(String(describing: type(of: self)) + "/" + methodName, context: .topLevel)
        self.span = span
        failures = 0
        InstrumentationContext.withValue(span.context) { super.invokeTest() }
        span.setStatus(SpanStatus(code: failures > 0 ? .error : .ok, message: failures > 0 ? "\(failures) failure(s)" : nil))
        span.end()
        self.span = nil
    }

    open override func recordFailure(withDescription description: String, inFile filePath: String, atLine lineNumber: Int, expected: Bool) {
        failures += 1
        span?.addEvent(SpanEvent(name: "exception", attributes: [
            "exception.type": .string("XCTestFailure"),
            "exception.message": .string(description),
            "exception.stacktrace": .string("\(filePath):\(lineNumber)"),
            "exception.escaped": .string("False"),
        ]))
        super.recordFailure(withDescription: description, inFile: filePath, atLine: lineNumber, expected: expected)
    }

    /// The test method's name, from XCTest's `name` (`-[Class method]` or `Class.method`).
    private var methodName: String {
        let full = name
        if let space = full.lastIndex(of: " ") {
            return String(full[full.index(after: space)...].dropLast(full.hasSuffix("]") ? 1 : 0))
        }
        return full.split(separator: ".").last.map(String.init) ?? full
    }
}
#endif
