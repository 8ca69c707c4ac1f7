import ArgumentParser
import TraceInsight

/// `bsb trace summary|export|html FILE|GLOB…`: see a recorded trace without a collector.
public struct TraceCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Look at recorded traces (JSON Lines or OTLP/JSON lines) without a collector.",
        discussion: """
            Examples:
              bsb trace summary 'traces_*.jsonlines'
              bsb trace export --format chrome traces_*.jsonlines -o trace.json   # open in ui.perfetto.dev
              bsb trace html traces_*.jsonlines -o timeline.html                  # open in any browser
            """,
        subcommands: [TraceSummaryCommand.self, TraceExportCommand.self, TraceHTMLCommand.self])

    public init() {}
}

/// The arguments every `bsb trace` subcommand takes.
struct TraceInputOptions: ParsableArguments {
    @Argument(help: "JSON Lines files or glob patterns (quote globs to let bsb expand them).")
    var files: [String] = []

    @Flag(name: .long, help: "Read the valid lines and report how many malformed lines were skipped.")
    var skipInvalid = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one trace file or glob pattern") }
    }

    /// The files, relative paths taken from the working directory of the run.
    func source(_ runtime: BsbRuntime) throws -> TraceSource {
        do {
            return try TraceSource(arguments: files.map { resolve($0, runtime) }, skipInvalid: skipInvalid)
        } catch {
            throw TraceError(message: error.message)
        }
    }

    func resolve(_ path: String, _ runtime: BsbRuntime) -> String {
        runtime.workingDirectory == FileIO.currentDirectory() ? path : FileIO.resolve(path, against: runtime.workingDirectory)
    }
}

/// `bsb trace summary`: where the time went.
public struct TraceSummaryCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Per span name: count, total, mean, p50, p95, max; per rank: busy time and load imbalance; the critical path; orphans and errors.",
        discussion: """
            Percentiles are nearest-rank (a duration that occurred). A rank's busy time is the union of its spans'
            intervals, leaving out spans that enclose other ranks' spans (rank 0's collective `cli`); the load
            imbalance is the slowest rank's busy time over the mean. The critical path starts at the root and
            steps, at each level, to the child that ends last. Orphans are spans whose parent is not in the files.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var input: TraceInputOptions

    @Option(name: .long, help: "text (default) or json (every figure in nanoseconds, every list complete).")
    var format: Format = .text

    public init() {}

    public func run() throws {
        let runtime = BsbRuntime.active
        let summary: TraceSummary
        do {
            summary = try TraceSummary.read(try input.source(runtime))
        } catch let error as TraceInsightError {
            throw TraceError(message: error.message)
        }
        runtime.console.out(format == .json ? SummaryReport.json(summary) : SummaryReport.text(summary))
    }
}

/// `bsb trace export --format chrome`: a file for Perfetto and chrome://tracing.
public struct TraceExportCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the trace in the Chrome trace event format (ui.perfetto.dev, chrome://tracing open it as is).",
        discussion: """
            One process per rank, one track per thread (and per lane of concurrent spans), slices nested as the
            spans are, span attributes as args; times in microseconds from the first span's start.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case chrome
    }

    @OptionGroup var input: TraceInputOptions

    @Option(name: .long, help: "The output format: chrome.")
    var format: Format = .chrome

    @Option(name: [.short, .long], help: "The output file (default: standard output).")
    var output: String?

    public init() {}

    public func run() throws {
        let runtime = BsbRuntime.active
        do {
            let path = output.map { $0 == "-" ? $0 : input.resolve($0, runtime) }
            let file = try OutputFile(path: path)
            let count = try ChromeTrace.write(try input.source(runtime), to: file)
            if file.path != "-" {
                runtime.console.out("Chrome trace of \(count) spans written to \(file.path) (open it in ui.perfetto.dev or chrome://tracing)")
            }
        } catch let error as TraceInsightError {
            throw TraceError(message: error.message)
        }
    }
}

/// `bsb trace html`: one self-contained timeline page.
public struct TraceHTMLCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "html",
        abstract: "Write a self-contained HTML timeline (per rank, zoom, span details on hover; no network access).")

    @OptionGroup var input: TraceInputOptions

    @Option(name: [.short, .long], help: "The output file.")
    var output: String = "timeline.html"

    @Option(name: .long, help: "The page title (default: the file names).")
    var title: String?

    public init() {}

    public func run() throws {
        let runtime = BsbRuntime.active
        do {
            let file = try OutputFile(path: output == "-" ? output : input.resolve(output, runtime))
            let count = try TimelineHTML.write(try input.source(runtime), to: file, title: title)
            if file.path != "-" { runtime.console.out("Timeline of \(count) spans written to \(file.path)") }
        } catch let error as TraceInsightError {
            throw TraceError(message: error.message)
        }
    }
}

/// A trace that cannot be read or written; the message names the file (and line) at fault.
public struct TraceError: BsbUserError, Sendable {
    public let message: String
    public var description: String { message }
}
