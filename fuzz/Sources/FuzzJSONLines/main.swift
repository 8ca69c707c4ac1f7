// The file path of `bsb replay-otel` and `bsb trace`: a file read by `LineReader` (whole, or in the ranges that
// `lineBoundaries` cuts for parallel validation), each line decoded by `JSONLinesDecoder` (or the OTLP/JSON
// decoder when it starts like one), all wrapped by `SpanFileReader`. Checks, beyond "never traps":
// - the reader's lines are exactly the file split at `\n`, over-long lines reported by length only, the last
//   unterminated piece as torn, whatever the chunk size, and the same when read range by range;
// - a decoder that has seen earlier lines (its resource and scope reuse) decodes a line as a fresh one does;
// - the validating parse of a replay's first pass accepts, ends and rejects each line exactly as the decode does;
// - a decoded span goes through our own encoder and decoder unchanged (times to the microsecond);
// - `SpanFileReader` yields exactly the spans of the well-formed lines and skips exactly the others.
import Exporters
import FuzzSupport
import Telemetry

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// LineReader reads a path, so every input is written over one scratch file.
final class ScratchFile: Sendable {
    let path: String
    private let fd: CInt

    init() {
        let directory = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : (getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp")
        var template = Array("\(directory)/fuzz-jsonlines-XXXXXX".utf8CString)
        fd = mkstemp(&template)
        guard fd >= 0 else { fatalError("cannot create a scratch file in \(directory)") }
        // Unlinked at once, so that no crash or kill leaves it behind; the reader opens it through our descriptor.
        unlink(template)
        path = "/proc/self/fd/\(fd)"
    }

    func replace(with bytes: UnsafeBufferPointer<UInt8>) {
        guard ftruncate(fd, 0) == 0 else { fatalError("ftruncate: \(errno)") }
        var written = 0
        while written < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + written, bytes.count - written, off_t(written))
            guard n > 0 else { fatalError("pwrite: \(errno)") }
            written += n
        }
    }
}

/// A line as the reader hands it out, kept past the callback.
enum Piece: Equatable {
    case text([UInt8])
    case tooLong(Int)
    case torn([UInt8])
}

/// What the reader must hand out for `bytes`: pieces between `\n`, the last one torn when not terminated.
func expectedPieces(_ bytes: UnsafeBufferPointer<UInt8>, maxLineLength: Int) -> [Piece] {
    var pieces: [Piece] = []
    var start = 0
    for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") {
        let length = i - start
        pieces.append(length > maxLineLength ? .tooLong(length) : .text(Array(bytes[start..<i])))
        start = i + 1
    }
    let rest = bytes.count - start
    if rest > 0 { pieces.append(rest > maxLineLength ? .tooLong(rest) : .torn(Array(bytes[start...]))) }
    return pieces
}

func read(_ reader: LineReader, from start: Int = 0, to end: Int? = nil, _ body: (Int, LineReader.Line) -> Void = { _, _ in }) -> [Piece] {
    var pieces: [Piece] = []
    do {
        try reader.forEachLine(from: start, to: end) { number, line in
            guard number == pieces.count + 1 else { Fuzz.violated("line \(number) after \(pieces.count) lines") }
            switch line {
            case .text(let b): pieces.append(.text(Array(b)))
            case .torn(let b): pieces.append(.torn(Array(b)))
            case .tooLong(let length): pieces.append(.tooLong(length))
            }
            body(number, line)
            return true
        }
    } catch {
        Fuzz.violated("LineReader failed on a readable file: \(error)")
    }
    return pieces
}

func compare(_ got: [Piece], _ expected: [Piece], _ what: @autoclosure () -> String) {
    guard got != expected else { return }
    let first = zip(got, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, expected.count)
    Fuzz.violated("\(what()): \(got.count) lines, expected \(expected.count); first difference at line \(first + 1)")
}

/// Decodes one line as `SpanFileReader` does and checks the spans; nil when the line is malformed. The line is
/// copied to a buffer of its own size first, so that ASan sees any read past its end.
func decode(
    _ line: UnsafeBufferPointer<UInt8>, number: Int, with decoder: inout JSONLinesDecoder, validator: inout JSONLinesDecoder
) -> [SpanRecord]? {
    let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: line.count)
    defer { copy.deallocate() }
    _ = copy.initialize(from: line)
    let bytes = UnsafeBufferPointer(copy)
    if OTLPJSONDecoder.looksLikeOTLP(bytes) {
        guard let spans = try? OTLPJSONDecoder.decode(bytes) else { return nil }
        for span in spans { SpanCheck.survivesJSONLines(span, origin: String(forMessage: bytes)) }
        return spans
    }
    // The validating parse of a replay's first pass, with its own decoder's memory of earlier lines, must accept
    // exactly the lines the decode accepts, find the same end, and reject the others with the same error.
    let quick: Result<UInt64, JSONScanError>
    do throws(JSONScanError) { quick = .success(try validator.endTime(bytes)) } catch { quick = .failure(error) }
    let span: SpanRecord
    do throws(JSONScanError) {
        span = try decoder.decode(bytes)
    } catch {
        var fresh = JSONLinesDecoder()
        if let alone = try? fresh.decode(bytes) {
            Fuzz.violated("line \(number) decodes alone (\(alone.name.debugDescription)) but not after the lines before it: \(error.reason)")
        }
        guard case .failure(let quickError) = quick, quickError.reason == error.reason, quickError.offset == error.offset else {
            Fuzz.violated("line \(number) fails to decode (\(error.reason)) but its validation gave \(quick)")
        }
        return nil
    }
    guard case .success(span.endTimeNanos) = quick else {
        Fuzz.violated("line \(number) decodes with end \(span.endTimeNanos) but its validation gave \(quick)")
    }
    var fresh = JSONLinesDecoder()
    guard let alone = try? fresh.decode(bytes) else {
        Fuzz.violated("line \(number) decodes after the lines before it but not alone")
    }
    if let difference = SpanCheck.difference(alone, span, roundingTimes: false) {
        Fuzz.violated("line \(number) decodes differently after the lines before it: \(difference)")
    }
    SpanCheck.survivesJSONLines(span, origin: String(forMessage: bytes))
    return [span]
}

let scratch = ScratchFile()

Fuzz.run { input in
    // The input as one line, in libFuzzer's buffer of exactly its size (no base address when empty).
    var direct = JSONLinesDecoder()
    if let span = try? direct.decode(input) { SpanCheck.survivesJSONLines(span, origin: String(forMessage: input)) }

    scratch.replace(with: input)
    // Chunk sizes that split lines anywhere, and limits that make some lines over-long, chosen by the input's
    // length so that every seed is a plain file.
    let chunkSize = [3, 17, 1000, 4096][input.count % 4]
    let maxLineLength = [40, 1 << 16, 1 << 16, 700][(input.count / 4) % 4]
    let reader = LineReader(path: scratch.path, maxLineLength: maxLineLength, chunkSize: chunkSize)
    let expected = expectedPieces(input, maxLineLength: maxLineLength)

    // The whole file, every line decoded.
    var decoder = JSONLinesDecoder()
    var validator = JSONLinesDecoder()
    var names: [String] = []
    var malformed = 0
    let whole = read(reader) { number, line in
        switch line {
        case .text(let bytes):
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
            if let spans = decode(bytes, number: number, with: &decoder, validator: &validator) {
                names += spans.map(\.name)
            } else {
                malformed += 1
            }
        case .torn(let bytes):
            _ = decode(bytes, number: number, with: &decoder, validator: &validator)
            malformed += 1
        case .tooLong:
            malformed += 1
        }
    }
    compare(whole, expected, "LineReader (chunk \(chunkSize), limit \(maxLineLength))")

    // The same file in ranges of whole lines.
    let parts = 2 + input.count % 3
    let bounds: [Int]
    do {
        bounds = try reader.lineBoundaries(parts: parts)
    } catch {
        Fuzz.violated("lineBoundaries failed on a readable file: \(error)")
    }
    for (i, b) in bounds.enumerated() {
        guard b > 0, b < input.count, input[b - 1] == UInt8(ascii: "\n"), i == 0 || b > bounds[i - 1] else {
            Fuzz.violated("lineBoundaries(parts: \(parts)) gave \(bounds) for \(input.count) bytes")
        }
    }
    let ranges = zip([0] + bounds, bounds + [input.count])
    compare(ranges.flatMap { read(reader, from: $0, to: $1) }, expected, "LineReader over the ranges \(bounds)")

    // SpanFileReader: the spans of the good lines, the others skipped. It reads with a 1 MiB buffer whose page
    // faults would dominate the run, so only every fifth input.
    guard input.count % 5 == 0 else { return }
    var fileSpans: [String] = []
    let outcome: SpanFileReader.Outcome
    do {
        outcome = try SpanFileReader(path: scratch.path, skipInvalid: true, maxLineLength: maxLineLength).read { span in
            fileSpans.append(span.name)
            return true
        }
    } catch {
        Fuzz.violated("SpanFileReader failed on a readable file: \(error)")
    }
    guard fileSpans == names, outcome.skipped == malformed, outcome.lines == expected.count else {
        Fuzz.violated("SpanFileReader read \(fileSpans.count) spans, skipped \(outcome.skipped) of \(outcome.lines) lines; "
            + "expected \(names.count) spans, \(malformed) skipped of \(expected.count)")
    }
}
