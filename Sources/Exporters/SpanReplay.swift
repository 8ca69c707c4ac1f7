#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Telemetry

/// Re-emits recorded spans (our JSON Lines, the Python tools', or OTLP/JSON lines) through a provider's pipeline.
///
/// Streaming in two passes, so memory stays constant whatever the input size: the first pass validates every
/// line and finds the latest end time; the second sends each span through `TracerProvider.replay(_:)`, the
/// public replay entry, with its ids, parent, links, trace state and flags as recorded.
public enum SpanReplay {
    public struct Options: Sendable {
        /// Keep the recorded times instead of shifting them so the latest span ends now.
        public var keepTimestamps = false
        /// Keep each span's recorded resource instead of the replaying process's.
        public var keepResource = false
        /// Skip malformed lines (and count them) instead of stopping before anything is sent.
        public var skipInvalid = false
        /// Lines longer than this are rejected without being read whole into memory.
        public var maxLineLength = 16 << 20

        public init(keepTimestamps: Bool = false, keepResource: Bool = false, skipInvalid: Bool = false) {
            self.keepTimestamps = keepTimestamps
            self.keepResource = keepResource
            self.skipInvalid = skipInvalid
        }
    }

    public struct Summary: Sendable, Equatable {
        public var spans = 0
        public var files = 0
        public var skippedLines = 0
        /// The shift applied to every timestamp, in nanoseconds (0 with `keepTimestamps`).
        public var shiftNanos: Int64 = 0
        /// Remarks for the user (a file named twice, lines skipped).
        public var notes: [String] = []
    }

    public struct Failure: Error, CustomStringConvertible, Sendable, Equatable {
        public let message: String
        public var description: String { message }
    }

    /// The files named by `arguments` (paths or glob patterns), in order, each once.
    public static func expand(_ arguments: [String]) throws(Failure) -> (files: [String], notes: [String]) {
        var files: [String] = []
        var notes: [String] = []
        var seen = Set<String>()
        for argument in arguments {
            let matches: [String]
            if argument.contains(where: { "*?[".contains($0) }) {
                matches = glob(argument)
                if matches.isEmpty { throw Failure(message: "no file matches '\(argument)'") }
            } else {
                guard access(argument, F_OK) == 0 else { throw Failure(message: "\(argument): no such file") }
                matches = [argument]
            }
            for path in matches {
                let key = realPath(path) ?? path
                if seen.insert(key).inserted {
                    files.append(path)
                } else {
                    notes.append("\(path) is named more than once; read once")
                }
            }
        }
        return (files, notes)
    }

    /// Replays `files` into `provider`; `now` is the instant the latest span is moved to.
    public static func replay(
        files: [String], into provider: TracerProvider, options: Options = Options(),
        now: UInt64 = WallClock.nowNanos()
    ) throws(Failure) -> Summary {
        var summary = Summary()
        summary.files = files.count
        // Pass 1: validate everything and find the latest end, before a single span is sent.
        var latestEnd: UInt64 = 0
        var skipped = 0
        for file in files {
            try forEachSpan(in: file, options: options, skipped: &skipped) { span in
                latestEnd = max(latestEnd, span.endTimeNanos)
            }
        }
        summary.skippedLines = skipped
        if skipped > 0 { summary.notes.append("skipped \(skipped) invalid line(s)") }
        summary.shiftNanos = options.keepTimestamps || latestEnd == 0 ? 0 : Int64(bitPattern: now &- latestEnd)
        // Pass 2: send.
        var ignored = 0
        for file in files {
            try forEachSpan(in: file, options: options, skipped: &ignored, quiet: true) { span in
                var record = summary.shiftNanos == 0 ? span : span.shifted(by: summary.shiftNanos)
                if !options.keepResource { record = record.withResource(provider.resource) }
                provider.replay(record)
                summary.spans += 1
            }
        }
        return summary
    }

    /// Calls `body` with every span of `file`; malformed lines throw `FILE:LINE: reason` unless skipped.
    static func forEachSpan(
        in file: String, options: Options, skipped: inout Int, quiet: Bool = false, _ body: (SpanRecord) -> Void
    ) throws(Failure) {
        var decoder = JSONLinesDecoder()
        var failure: Failure?
        do {
            try LineReader(path: file, maxLineLength: options.maxLineLength).forEachLine { number, line in
                let problem: String?
                switch line {
                case .text(let bytes):
                    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return true }
                    do throws(JSONScanError) {
                        if OTLPJSONDecoder.looksLikeOTLP(bytes) {
                            for span in try OTLPJSONDecoder.decode(bytes) { body(span) }
                        } else {
                            body(try decoder.decode(bytes))
                        }
                        problem = nil
                    } catch {
                        problem = error.offset > 0 ? "\(error.reason) (at byte \(error.offset + 1))" : error.reason
                    }
                case .tooLong(let length):
                    problem = "line of \(length) bytes is longer than the limit of \(options.maxLineLength) bytes"
                case .torn:
                    problem = "torn last line (no newline at the end of the file: was the writer killed?)"
                }
                guard let problem else { return true }
                if options.skipInvalid {
                    skipped += 1
                    return true
                }
                failure = Failure(message: "\(file):\(number): \(problem)"
                    + (quiet ? "" : "; nothing was replayed (use --skip-invalid to replay the valid lines)"))
                return false
            }
        } catch {
            throw Failure(message: "\(error)")
        }
        if let failure { throw failure }
    }

    static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { i in result.gl_pathv[i].map { String(cString: $0) } }
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
