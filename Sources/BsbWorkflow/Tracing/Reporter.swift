import Tracing

/// Where the workflow's messages go: a line sink for standard output and one for standard error.
public struct Console: Sendable {
    public var out: @Sendable (String) -> Void
    public var err: @Sendable (String) -> Void
    /// Whether progress may be drawn (standard error is a terminal).
    public var isTerminal: Bool
    /// Writes raw text to the progress line (standard error), no newline added.
    public var progress: @Sendable (String) -> Void

    public init(
        out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void, isTerminal: Bool = false,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.out = out
        self.err = err
        self.isTerminal = isTerminal
        self.progress = progress
    }

    /// The process's standard output and error.
    public static var standard: Console {
        Console(
            out: { writeFD(1, $0 + "\n") }, err: { writeFD(2, $0 + "\n") }, isTerminal: isatty(2) == 1,
            progress: { writeFD(2, $0) })
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func writeFD(_ fd: Int32, _ text: String) {
    var text = text
    text.withUTF8 { buffer in
        var done = 0
        while done < buffer.count {
            let n = write(fd, buffer.baseAddress! + done, buffer.count - done)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            done += n
        }
    }
}

/// Prints `report()` messages up to a verbosity.
struct Reporter: Sendable {
    let console: Console
    let verbosity: Int
}

/// Reports a message: an event on the current BSB span (always), and a line on standard output when
/// `level` is at most the verbosity (`-v`; 1 by default). Level 2 and up are per-job details.
public func report(_ message: String, level: Int = 1) {
    if let span = TracingScope.span {
        span.addEvent(SpanEvent(name: message, attributes: ["bsb.report.level": SpanAttribute.int64(Int64(level))]))
    }
    if let reporter = TracingScope.reporter, level <= reporter.verbosity {
        reporter.console.out(message)
    }
}

/// A one-line progress display on a terminal (`placement 12/128`), redrawn at most every 50 ms; nothing
/// when standard error is not a terminal.
final class ProgressDisplay: @unchecked Sendable {
    private let console: Console
    private let label: String
    private let total: Int
    private var done = 0
    private var lastDraw: UInt64 = 0
    private let enabled: Bool

    init(console: Console, label: String, total: Int, enabled: Bool) {
        self.console = console
        self.label = label
        self.total = total
        self.enabled = enabled && console.isTerminal && total > 0
    }

    func tick() {
        done += 1
        guard enabled else { return }
        let now = Profiler.now()
        if done == total || now - lastDraw > 50_000 {
            lastDraw = now
            console.progress("\r\(label) \(done)/\(total) jobs")
        }
    }

    func finish() {
        if enabled { console.progress("\r\u{1B}[K") }
    }
}
