import Testing
@testable import OTLP

/// Which outcomes are retried, after how long, and when the export's time runs out.
@Suite struct RetryPolicyTests {
    typealias Code = RetryPolicy.GRPCCode

    @Test func retryableGRPCCodes() {
        for code in [Code.cancelled, Code.deadlineExceeded, Code.aborted, Code.outOfRange, Code.unavailable, Code.dataLoss] {
            guard case .retryable = RetryPolicy.classify(grpcCode: code, message: "", retryInfo: nil) else {
                Issue.record("code \(code) should be retryable")
                continue
            }
        }
        for code in [Code.unknown, Code.invalidArgument, Code.notFound, Code.alreadyExists, Code.permissionDenied,
                     Code.failedPrecondition, Code.unimplemented, Code.internalError, Code.unauthenticated] {
            guard case .permanent = RetryPolicy.classify(grpcCode: code, message: "", retryInfo: nil) else {
                Issue.record("code \(code) should not be retried")
                continue
            }
        }
        #expect(RetryPolicy.classify(grpcCode: Code.ok, message: "", retryInfo: nil) == .success(rejectedSpans: 0, message: ""))
    }

    @Test func resourceExhaustedOnlyWithRetryInfo() {
        guard case .permanent = RetryPolicy.classify(grpcCode: Code.resourceExhausted, message: "", retryInfo: nil) else {
            Issue.record("RESOURCE_EXHAUSTED without RetryInfo is final")
            return
        }
        #expect(RetryPolicy.classify(grpcCode: Code.resourceExhausted, message: "slow down", retryInfo: .seconds(2))
            == .retryable(reason: "gRPC status RESOURCE_EXHAUSTED: slow down", retryAfter: .seconds(2)))
    }

    @Test func retryableHTTPStatuses() {
        for status in [429, 502, 503, 504] {
            guard case .retryable = RetryPolicy.classify(httpStatus: status, retryAfter: nil) else {
                Issue.record("HTTP \(status) should be retryable")
                continue
            }
        }
        for status in [400, 401, 403, 404, 413, 500, 501] {
            guard case .permanent = RetryPolicy.classify(httpStatus: status, retryAfter: nil) else {
                Issue.record("HTTP \(status) should not be retried")
                continue
            }
        }
        #expect(RetryPolicy.classify(httpStatus: 200, retryAfter: "5") == .success(rejectedSpans: 0, message: ""))
    }

    @Test func retryAfterSecondsAndDates() {
        #expect(RetryPolicy.classify(httpStatus: 503, retryAfter: "7")
            == .retryable(reason: "HTTP 503", retryAfter: .seconds(7)))
        // Sun, 06 Nov 1994 08:49:37 GMT is 784111777.
        #expect(RetryPolicy.parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", nowSeconds: 784_111_770) == .seconds(7))
        #expect(RetryPolicy.parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", nowSeconds: 784_111_800) == .seconds(0))
        #expect(RetryPolicy.parseRetryAfter("soon", nowSeconds: 0) == nil)
        #expect(RetryPolicy.classify(httpStatus: 429, retryAfter: "garbage")
            == .retryable(reason: "HTTP 429", retryAfter: nil))
    }

    @Test func backoffGrowsAndIsCapped() {
        let policy = RetryPolicy(initialBackoff: .seconds(1), maxBackoff: .seconds(5), multiplier: 2, jitter: 0)
        #expect(policy.backoff(afterAttempt: 1, random: 0.5) == .seconds(1))
        #expect(policy.backoff(afterAttempt: 2, random: 0.5) == .seconds(2))
        #expect(policy.backoff(afterAttempt: 3, random: 0.5) == .seconds(4))
        #expect(policy.backoff(afterAttempt: 4, random: 0.5) == .seconds(5))
        #expect(policy.backoff(afterAttempt: 10, random: 0.5) == .seconds(5))
    }

    @Test func jitterStaysInItsBand() {
        let policy = RetryPolicy(initialBackoff: .seconds(1), jitter: 0.2)
        #expect(policy.backoff(afterAttempt: 1, random: 0) == .milliseconds(800))
        #expect(policy.backoff(afterAttempt: 1, random: 0.5) == .seconds(1))
        #expect(policy.backoff(afterAttempt: 1, random: 0.999_999_999) <= .milliseconds(1200))
        for _ in 0..<100 {
            let d = policy.backoff(afterAttempt: 2, random: Double.random(in: 0..<1))
            #expect(d >= .milliseconds(1600) && d < .milliseconds(2400))
        }
    }

    @Test func decisionsRespectTheRemainingTime() {
        let policy = RetryPolicy(initialBackoff: .seconds(1), jitter: 0)
        let unavailable = AttemptOutcome.retryable(reason: "down", retryAfter: nil)
        #expect(policy.decision(after: unavailable, attempt: 1, remaining: .seconds(10)) == .retry(after: .seconds(1)))
        #expect(policy.decision(after: unavailable, attempt: 3, remaining: .seconds(10)) == .retry(after: .seconds(4)))
        #expect(policy.decision(after: unavailable, attempt: 3, remaining: .seconds(3)) == .giveUp,
                "a delay that outlasts the export's time is not waited")
        let asked = AttemptOutcome.retryable(reason: "busy", retryAfter: .milliseconds(300))
        #expect(policy.decision(after: asked, attempt: 5, remaining: .seconds(1)) == .retry(after: .milliseconds(300)),
                "the collector's delay replaces the backoff")
        let tooLong = AttemptOutcome.retryable(reason: "busy", retryAfter: .seconds(30))
        #expect(policy.decision(after: tooLong, attempt: 1, remaining: .seconds(10)) == .giveUp)
        #expect(policy.decision(after: .permanent(reason: "400"), attempt: 1, remaining: .seconds(10)) == .giveUp)
        #expect(policy.decision(after: .success(rejectedSpans: 0, message: ""), attempt: 1, remaining: .seconds(10)) == .giveUp)
    }
}
