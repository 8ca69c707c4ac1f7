#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import Telemetry

/// Appends spans to a JSON Lines file, one line per span, in the layout the Python `bsb-otel` tools share.
///
/// Every export goes to the kernel in one `write` of whole lines on a file opened with `O_APPEND`, so several
/// processes appending to one path never interleave lines and a killed process leaves whole lines only.
/// A failed write (full disk, I/O error) never stops the program: the spans are counted and one warning
/// naming the count is printed at shutdown.
public final class JSONLinesExporter: SpanExporter {
    /// The default path: `*` becomes this process's token, so ranks of one job write separate files.
    public static let defaultPathPattern = "traces_*.jsonlines"

    /// The path the file was opened at, with `*` replaced.
    public let path: String
    private let state: Mutex<State>

    private struct State: ~Copyable {
        var fd: Int32
        var encoder = JSONLinesEncoder()
        var lost = 0
        var lastError: String?
    }

    /// Opens (creating, never truncating) the file at `pathPattern`, every `*` replaced by the process token.
    public init(pathPattern: String = JSONLinesExporter.defaultPathPattern) throws(ExporterError) {
        let path = ProcessToken.substitute(into: pathPattern)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ExporterError(message: "cannot open JSON Lines file '\(path)': \(SystemError.message(errno))")
        }
        self.path = path
        state = Mutex(State(fd: fd))
    }

    public func export(_ span: SpanRecord) -> ExportResult {
        state.withLock { s in
            s.encoder.encode(span)
            return write(&s, spans: 1)
        }
    }

    public func export(_ spans: [SpanRecord]) -> ExportResult {
        state.withLock { s in
            for span in spans { s.encoder.encode(span) }
            return write(&s, spans: spans.count)
        }
    }

    public func forceFlush() -> ExportResult { .success }

    public func shutdown() {
        let (lost, reason) = state.withLock { (s: inout State) -> (Int, String?) in
            if s.fd >= 0 { close(s.fd) }
            s.fd = -1
            return (s.lost, s.lastError)
        }
        if lost > 0 {
            Diagnostics.warn("\(lost) span(s) could not be written to '\(path)': \(reason ?? "unknown error")")
        }
    }

    /// The number of spans that could not be written so far.
    public var lostSpans: Int { state.withLock { $0.lost } }

    private func write(_ s: inout State, spans: Int) -> ExportResult {
        defer { s.encoder.reset() }
        guard s.fd >= 0 else {
            s.lost += spans
            s.lastError = "exporter already shut down"
            return .failure(reason: "exporter already shut down")
        }
        let fd = s.fd
        let buffer = s.encoder.buffer
        var offset = 0
        var failure: Int32?
        while offset < buffer.count {
            let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            offset += n
        }
        guard let failure else { return .success }
        // A write cut short (a full disk) may have left part of a line: cut the file back to the last whole
        // line this write delivered, so readers never meet a torn line, and count the lines that did not make it.
        let written = UnsafeBufferPointer(rebasing: buffer[0..<offset])
        let wholeEnd = (written.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0
        if wholeEnd < offset {
            let end = lseek(fd, 0, SEEK_CUR)
            if end >= 0 { _ = ftruncate(fd, end - off_t(offset - wholeEnd)) }
        }
        let delivered = written[0..<wholeEnd].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        s.lost += spans - delivered
        s.lastError = SystemError.message(failure)
        return .failure(reason: s.lastError!)
    }
}

/// An exporter that could not be set up (a file that cannot be opened, an endpoint that is not a URL).
public struct ExporterError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// The random 8-character `[a-z0-9]` token that replaces `*` in output paths, one per process.
public enum ProcessToken {
    public static let value: String = {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<8).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }()

    public static func substitute(into pattern: String) -> String {
        pattern.contains("*") ? pattern.replacingOccurrences(of: "*", with: value) : pattern
    }
}

extension String {
    func replacingOccurrences(of target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}

enum SystemError {
    static func message(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// Warnings on standard error, one line each, prefixed so the user knows who speaks.
public enum Diagnostics {
    public static func warn(_ message: String) {
        let line = Array("otel-instrument: warning: \(message)\n".utf8)
        line.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
