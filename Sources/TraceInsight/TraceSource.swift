#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Exporters
import Telemetry

/// The recorded spans of a set of files (JSON Lines, ours or the Python tools', or OTLP/JSON lines), read
/// one line at a time so that memory never holds more than a line and what the caller keeps.
public struct TraceSource: Sendable {
    /// The files, in the order they are read.
    public let files: [String]
    /// Skip malformed lines (and count them) instead of stopping at the first one.
    public var skipInvalid: Bool
    /// Lines longer than this are malformed, never read whole into memory.
    public var maxLineLength: Int

    public init(files: [String], skipInvalid: Bool = false, maxLineLength: Int = 16 << 20) {
        self.files = files
        self.skipInvalid = skipInvalid
        self.maxLineLength = maxLineLength
    }

    /// The files named by `arguments` (paths or glob patterns, as `bsb replay-otel` takes them), each once.
    public init(arguments: [String], skipInvalid: Bool = false) throws(TraceInsightError) {
        do {
            let (files, _) = try SpanReplay.expand(arguments)
            self.init(files: files, skipInvalid: skipInvalid)
        } catch {
            throw TraceInsightError(error.message)
        }
    }

    /// Calls `body` with every span, in file order then line order; returns the number of skipped lines.
    ///
    /// A malformed line throws `FILE:LINE: reason`, unless `skipInvalid`. Reading twice gives the same
    /// spans in the same order, which the two-pass writers rely on.
    @discardableResult
    public func forEachSpan(_ body: (SpanRecord) throws(TraceInsightError) -> Void) throws(TraceInsightError) -> Int {
        var skipped = 0
        for file in files {
            var failure: TraceInsightError?
            let outcome: SpanFileReader.Outcome
            do {
                outcome = try SpanFileReader(path: file, skipInvalid: skipInvalid, maxLineLength: maxLineLength).read { span in
                    do throws(TraceInsightError) {
                        try body(span)
                        return true
                    } catch {
                        failure = error
                        return false
                    }
                }
            } catch {
                throw TraceInsightError("\(error)")
            }
            if let failure { throw failure }
            if let bad = outcome.failure {
                throw TraceInsightError("\(file):\(bad.line): \(bad.reason) (use --skip-invalid to read the valid lines)")
            }
            skipped += outcome.skipped
        }
        return skipped
    }
}

/// Something `bsb trace` cannot do, said in one line (a missing file, a malformed line, an unwritable output).
public struct TraceInsightError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Where an export goes: a file (created or truncated) or standard output, written in large blocks.
public final class OutputFile {
    private let fd: Int32
    private let ownsDescriptor: Bool
    public let path: String
    private var buffer = JSONOutput(reservingCapacity: 1 << 20)

    /// Opens `path` for writing; `nil` or `-` means standard output.
    public init(path: String?) throws(TraceInsightError) {
        if let path, path != "-" {
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw TraceInsightError("cannot write '\(path)': \(String(cString: strerror(errno)))") }
            self.fd = fd
            self.ownsDescriptor = true
            self.path = path
        } else {
            self.fd = 1
            self.ownsDescriptor = false
            self.path = "-"
        }
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// Appends the text `body` writes, sending it to the file once a block is full.
    public func write(_ body: (inout JSONOutput) -> Void) throws(TraceInsightError) {
        body(&buffer)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Sends everything written so far.
    public func flush() throws(TraceInsightError) {
        var failure: Int32 = 0
        buffer.bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = systemWrite(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                done += n
            }
        }
        buffer.removeAll()
        if failure != 0 { throw TraceInsightError("cannot write '\(path)': \(String(cString: strerror(failure)))") }
    }
}

/// An anonymous temporary file (unlinked at once) that keeps pieces of output to be written later in
/// another order, so that reordering a large export does not hold it in memory.
final class SpillFile {
    private let fd: Int32
    private var buffer = JSONOutput(reservingCapacity: 1 << 20)
    private var flushed = 0

    init() throws(TraceInsightError) {
        var template = Array(((TraceSource.environment("TMPDIR") ?? "/tmp") + "/bsb-trace-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw TraceInsightError("cannot create a temporary file: \(String(cString: strerror(errno)))") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Appends what `body` writes; returns its offset and length.
    func append(_ body: (inout JSONOutput) -> Void) throws(TraceInsightError) -> (offset: Int, length: Int) {
        let start = buffer.count
        body(&buffer)
        let piece = (flushed + start, buffer.count - start)
        if buffer.count >= 1 << 20 { try flush() }
        return piece
    }

    private func flush() throws(TraceInsightError) {
        let count = buffer.count
        let ok = buffer.bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(flushed + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                done += n
            }
            return true
        }
        guard ok else { throw TraceInsightError("cannot write a temporary file: \(String(cString: strerror(errno)))") }
        flushed += count
        buffer.removeAll()
    }

    /// Copies the piece at `offset` into `output`.
    func copy(offset: Int, length: Int, into output: inout JSONOutput) throws(TraceInsightError) {
        if offset >= flushed {
            output.raw(buffer.bytes[(offset - flushed)..<(offset - flushed + length)])
            return
        }
        var failed = false
        output.append(count: length) { target in
            var done = 0
            while done < length {
                let n = pread(fd, target.baseAddress! + done, length - done, off_t(offset + done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    failed = true
                    break
                }
                done += n
            }
            return done
        }
        if failed { throw TraceInsightError("cannot read a temporary file: \(String(cString: strerror(errno)))") }
    }
}

extension TraceSource {
    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}

private func systemWrite(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, pointer, count)
}
