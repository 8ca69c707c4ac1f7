import Telemetry

/// The spans of one recorded file (our JSON Lines, the Python tools', or OTLP/JSON lines), decoded line by line
/// with constant memory. Replay and `bsb trace` read through it, so both accept and reject the same lines.
public struct SpanFileReader: Sendable {
    public let path: String
    /// Skip malformed lines (and count them) instead of stopping at the first one.
    public var skipInvalid: Bool
    /// Lines longer than this are malformed, never read whole into memory.
    public var maxLineLength: Int

    /// Changes made to every record as it is decoded (a replay's time shift and resource).
    public var adjustment: RecordAdjustment

    public init(path: String, skipInvalid: Bool = false, maxLineLength: Int = 16 << 20,
                adjustment: RecordAdjustment = RecordAdjustment()) {
        self.path = path
        self.skipInvalid = skipInvalid
        self.maxLineLength = maxLineLength
        self.adjustment = adjustment
    }

    /// What a read went through.
    public struct Outcome: Sendable {
        /// Lines read, blank and skipped ones included.
        public var lines = 0
        public var skipped = 0
        /// The first malformed line (numbered from the start of the range) and why, when not skipping.
        public var failure: (line: Int, reason: String)?
        /// Whether `body` asked to stop.
        public var stopped = false
    }

    /// Calls `body` with each span of the lines in bytes `start..<end` (the whole file by default), until it
    /// returns false or a malformed line stops the read. See `LineReader.forEachLine(from:to:_:)` for ranges.
    public func read(from start: Int = 0, to end: Int? = nil, _ body: (SpanRecord) -> Bool) throws(LineReaderError) -> Outcome {
        var decoder = JSONLinesDecoder()
        // Locals, not `self`'s fields: a closure that reads `self` copied it (a string and a resource) per line.
        let adjustment = adjustment
        decoder.adjustment = adjustment
        return try forEachLine(from: start, to: end) { (bytes) throws(JSONScanError) -> Bool in
            if OTLPJSONDecoder.looksLikeOTLP(bytes) {
                for span in try OTLPJSONDecoder.decode(bytes) where !body(adjustment.applied(to: span)) { return false }
                return true
            }
            return body(try decoder.decode(bytes))
        }
    }

    /// The latest end time of the spans in bytes `start..<end`, every line accepted or rejected as `read` does,
    /// without making the spans: what a replay's first pass needs.
    public func latestEnd(from start: Int = 0, to end: Int? = nil) throws(LineReaderError) -> (outcome: Outcome, latestEnd: UInt64) {
        var decoder = JSONLinesDecoder()
        let adjustment = adjustment
        decoder.adjustment = adjustment
        var latest: UInt64 = 0
        let outcome = try forEachLine(from: start, to: end) { (bytes) throws(JSONScanError) -> Bool in
            if OTLPJSONDecoder.looksLikeOTLP(bytes) {
                for span in try OTLPJSONDecoder.decode(bytes) {
                    latest = max(latest, adjustment.applied(to: span).endTimeNanos)
                }
            } else {
                latest = max(latest, try decoder.endTime(bytes))
            }
            return true
        }
        return (outcome, latest)
    }

    /// Calls `line` with each non-blank line's bytes; a thrown error is that line's problem. Stops when `line`
    /// returns false or, unless skipping, at the first problem.
    private func forEachLine(
        from start: Int, to end: Int?, _ line: (UnsafeBufferPointer<UInt8>) throws(JSONScanError) -> Bool
    ) throws(LineReaderError) -> Outcome {
        var outcome = Outcome()
        let skipInvalid = skipInvalid, maxLineLength = maxLineLength
        do {
            try LineReader(path: path, maxLineLength: maxLineLength).forEachLine(from: start, to: end) { number, text in
                outcome.lines = number
                let problem: String?
                switch text {
                case .text(let bytes):
                    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return true }
                    do throws(JSONScanError) {
                        if !(try line(bytes)) {
                            outcome.stopped = true
                            return false
                        }
                        problem = nil
                    } catch {
                        problem = error.offset > 0 ? "\(error.reason) (at byte \(error.offset + 1))" : error.reason
                    }
                case .tooLong(let length):
                    problem = "line of \(length) bytes is longer than the limit of \(maxLineLength) bytes"
                case .torn:
                    problem = "torn last line (no newline at the end of the file: was the writer killed?)"
                }
                guard let problem else { return true }
                if skipInvalid {
                    outcome.skipped += 1
                    return true
                }
                outcome.failure = (number, problem)
                return false
            }
        } catch let error as LineReaderError {
            throw error
        } catch {
            throw LineReaderError(path: path, reason: "\(error)")
        }
        return outcome
    }
}

/// What a replay changes in every record it reads: all timestamps moved by `timeShift`, and `resource` (when
/// set) instead of the recorded one. The JSON Lines decoder applies it while building each record, so a
/// replayed span is made once rather than decoded and then copied.
public struct RecordAdjustment: Sendable {
    public var timeShift: Int64
    public var resource: Resource?

    public init(timeShift: Int64 = 0, resource: Resource? = nil) {
        self.timeShift = timeShift
        self.resource = resource
    }

    var isIdentity: Bool { timeShift == 0 && resource == nil }

    func time(_ t: UInt64) -> UInt64 { timeShift == 0 ? t : SpanRecord.time(t, shiftedBy: timeShift) }

    /// `record` adjusted, for decoders that build records without it.
    public func applied(to record: SpanRecord) -> SpanRecord {
        if isIdentity { return record }
        return timeShift != 0 ? record.shifted(by: timeShift, resource: resource) : record.withResource(resource!)
    }
}
