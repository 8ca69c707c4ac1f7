#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization
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
        /// Files at least this large are validated in parts on every core; smaller ones are not worth a thread.
        var parallelScanBytes = 16 << 20
        /// The most parts a file is validated in: a few per core, taken by whichever core is free, so that one
        /// core does not finish its half alone.
        var maxScanParts = 16
        /// The size of the chunks the second pass's decoding threads take in turn.
        var decodeChunkBytes = DecodedBatches.chunkBytes

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
            let scanned = try scan(file, options: options)
            latestEnd = max(latestEnd, scanned.latestEnd)
            skipped += scanned.skipped
        }
        summary.skippedLines = skipped
        if skipped > 0 { summary.notes.append("skipped \(skipped) invalid line(s)") }
        summary.shiftNanos = options.keepTimestamps || latestEnd == 0 ? 0 : Int64(bitPattern: now &- latestEnd)
        // Pass 2: send, decoding (with the shift and resource applied) on every core while this thread sends.
        let adjustment = RecordAdjustment(timeShift: summary.shiftNanos,
                                          resource: options.keepResource ? nil : provider.resource)
        for file in files {
            var reader = reader(file, options)
            reader.adjustment = adjustment
            try DecodedBatches.pipe(reader, chunkBytes: options.decodeChunkBytes) { batch in
                provider.replay(batch)
                summary.spans += batch.count
            }
        }
        return summary
    }

    static func reader(_ file: String, _ options: Options) -> SpanFileReader {
        SpanFileReader(path: file, skipInvalid: options.skipInvalid, maxLineLength: options.maxLineLength)
    }

    /// Validates `file` and finds its latest end, decoding parts of a large file side by side on every core.
    static func scan(_ file: String, options: Options) throws(Failure) -> (latestEnd: UInt64, skipped: Int) {
        let reader = reader(file, options)
        let cores = max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1)
        var info = stat()
        let size = stat(file, &info) == 0 ? Int(info.st_size) : 0
        let parts = size >= options.parallelScanBytes ? min(cores * 4, options.maxScanParts) : 1
        let bounds: [Int]
        do {
            bounds = [0] + (parts > 1 ? try LineReader(path: file).lineBoundaries(parts: parts) : [])
        } catch {
            throw Failure(message: "\(error)")
        }
        let results = Mutex<[Result<(outcome: SpanFileReader.Outcome, latestEnd: UInt64), LineReaderError>?]>(
            Array(repeating: nil, count: bounds.count))
        DispatchQueue.concurrentPerform(iterations: bounds.count) { part in
            let end = part + 1 < bounds.count ? bounds[part + 1] : nil
            let result: Result<(outcome: SpanFileReader.Outcome, latestEnd: UInt64), LineReaderError>
            do throws(LineReaderError) {
                result = .success(try reader.latestEnd(from: bounds[part], to: end))
            } catch {
                result = .failure(error)
            }
            results.withLock { $0[part] = result }
        }
        // Merged in file order, so the error reported is the first malformed line of the file.
        var latestEnd: UInt64 = 0
        var skipped = 0
        var linesBefore = 0
        for part in bounds.indices {
            let result = results.withLock { $0[part] }
            let scanned: (outcome: SpanFileReader.Outcome, latestEnd: UInt64)
            do {
                scanned = try result!.get()
            } catch {
                throw Failure(message: "\(error)")
            }
            if let failure = scanned.outcome.failure {
                throw Failure(message: "\(file):\(linesBefore + failure.line): \(failure.reason); nothing was replayed "
                              + "(use --skip-invalid to replay the valid lines)")
            }
            latestEnd = max(latestEnd, scanned.latestEnd)
            skipped += scanned.outcome.skipped
            linesBefore += scanned.outcome.lines
        }
        return (latestEnd, skipped)
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
