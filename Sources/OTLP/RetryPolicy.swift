#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one request to the collector came to.
public enum AttemptOutcome: Sendable, Equatable {
    /// Accepted; `rejectedSpans` of them were refused by the collector (partial success), which is final.
    case success(rejectedSpans: Int, message: String)
    /// Worth trying again: the collector is unreachable or asked us to slow down. `retryAfter` is the delay the
    /// collector asked for (HTTP `Retry-After`, gRPC `RetryInfo`), if any.
    case retryable(reason: String, retryAfter: Duration?)
    /// Trying again cannot help (bad request, unauthenticated, unimplemented).
    case permanent(reason: String)

    /// The reason transports give when the time allowed ran out; the exporter names its timeout instead.
    static let timedOut = "timed out"

    /// The reason of a failed attempt, nil for a success.
    public var failureReason: String? {
        switch self {
        case .success: nil
        case .retryable(let reason, _), .permanent(let reason): reason
        }
    }
}

/// Whether to try again, and when.
public enum RetryDecision: Sendable, Equatable {
    case retry(after: Duration)
    case giveUp
}

/// Exponential backoff with jitter over the retryable outcomes of the OTLP specification, bounded by what is left
/// of the export's time.
///
/// Retryable: gRPC `CANCELLED`, `DEADLINE_EXCEEDED`, `ABORTED`, `OUT_OF_RANGE`, `UNAVAILABLE`, `DATA_LOSS`, and
/// `RESOURCE_EXHAUSTED` when the server sent `RetryInfo`; HTTP 429, 502, 503, 504; and connection failures.
/// A delay the collector asks for replaces the computed backoff.
public struct RetryPolicy: Sendable, Equatable {
    /// The delay before the first retry.
    public var initialBackoff: Duration
    /// The longest computed delay.
    public var maxBackoff: Duration
    /// The factor from one delay to the next.
    public var multiplier: Double
    /// Each computed delay is multiplied by a random factor in `1 - jitter ..< 1 + jitter`.
    public var jitter: Double

    public init(
        initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(16), multiplier: Double = 2,
        jitter: Double = 0.2
    ) {
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.multiplier = multiplier
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The computed delay after `attempt` failed attempts (1 for the first), `random` in 0..<1.
    public func backoff(afterAttempt attempt: Int, random: Double) -> Duration {
        let base = Double(initialBackoff.nanoseconds) * pow(multiplier, Double(max(attempt - 1, 0)))
        let capped = min(base, Double(maxBackoff.nanoseconds))
        let factor = 1 - jitter + 2 * jitter * min(max(random, 0), 1)
        return .nanoseconds(Int64(capped * factor))
    }

    /// What to do after `attempt` failed attempts ended in `outcome`, with `remaining` left of the export's time.
    ///
    /// A retry is made only when its delay ends before the export's time does.
    public func decision(
        after outcome: AttemptOutcome, attempt: Int, remaining: Duration, random: Double = Double.random(in: 0..<1)
    ) -> RetryDecision {
        guard case .retryable(_, let retryAfter) = outcome else { return .giveUp }
        let delay = retryAfter ?? backoff(afterAttempt: attempt, random: random)
        return delay < remaining ? .retry(after: delay) : .giveUp
    }

    // MARK: Classification

    /// gRPC status codes by number, as the gRPC specification numbers them.
    public enum GRPCCode {
        public static let ok = 0, cancelled = 1, unknown = 2, invalidArgument = 3, deadlineExceeded = 4,
            notFound = 5, alreadyExists = 6, permissionDenied = 7, resourceExhausted = 8, failedPrecondition = 9,
            aborted = 10, outOfRange = 11, unimplemented = 12, internalError = 13, unavailable = 14, dataLoss = 15,
            unauthenticated = 16
    }

    /// The outcome of a gRPC call that ended with status `code`; `retryInfo` is the delay of a `RetryInfo` detail.
    public static func classify(grpcCode code: Int, message: String, retryInfo: Duration?) -> AttemptOutcome {
        let reason = "gRPC status \(grpcCodeName(code))" + (message.isEmpty ? "" : ": \(message)")
        switch code {
        case GRPCCode.ok:
            return .success(rejectedSpans: 0, message: "")
        case GRPCCode.cancelled, GRPCCode.deadlineExceeded, GRPCCode.aborted, GRPCCode.outOfRange,
             GRPCCode.unavailable, GRPCCode.dataLoss:
            return .retryable(reason: reason, retryAfter: retryInfo)
        case GRPCCode.resourceExhausted where retryInfo != nil:
            return .retryable(reason: reason, retryAfter: retryInfo)
        default:
            return .permanent(reason: reason)
        }
    }

    /// The outcome of an HTTP response with `status`; `retryAfter` is the `Retry-After` header, if any.
    public static func classify(
        httpStatus status: Int, retryAfter: String?, nowSeconds: Int64 = Int64(time(nil))
    ) -> AttemptOutcome {
        switch status {
        case 200..<300:
            return .success(rejectedSpans: 0, message: "")
        case 429, 502, 503, 504:
            return .retryable(reason: "HTTP \(status)",
                              retryAfter: retryAfter.flatMap { parseRetryAfter($0, nowSeconds: nowSeconds) })
        default:
            return .permanent(reason: "HTTP \(status)")
        }
    }

    /// `Retry-After`: a number of seconds, or an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`) from which the delay
    /// is counted from `nowSeconds`; nil when neither.
    public static func parseRetryAfter(_ text: String, nowSeconds: Int64) -> Duration? {
        let trimmed = text.trimmingSpaces
        if let seconds = Int64(trimmed), seconds >= 0 { return .seconds(seconds) }
        // IMF-fixdate, the form RFC 9110 requires senders to use: `Sun, 06 Nov 1994 08:49:37 GMT`.
        let fields = trimmed.split(separator: " ")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard fields.count == 6, fields[0].hasSuffix(","), fields[5] == "GMT",
              let day = Int(fields[1]), let month = months.firstIndex(of: String(fields[2])),
              let year = Int(fields[3]), year >= 1970
        else { return nil }
        let clock = fields[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3 else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(clock[0])
        parts.tm_min = Int32(clock[1])
        parts.tm_sec = Int32(clock[2])
        let when = Int64(timegm(&parts))
        return .seconds(max(when - nowSeconds, 0))
    }

    static func grpcCodeName(_ code: Int) -> String {
        let names = ["OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
                     "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
                     "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"]
        return names.indices.contains(code) ? names[code] : "\(code)"
    }
}
