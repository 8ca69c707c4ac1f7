#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file line by line in fixed-size chunks, so memory stays bounded whatever the file's size.
public struct LineReader {
    /// What the reader hands out for each line.
    public enum Line {
        /// A whole line, without its `\n`; valid only during the callback.
        case text(UnsafeBufferPointer<UInt8>)
        /// A line longer than the limit; its bytes were skipped, never held in memory.
        case tooLong(length: Int)
        /// The file's last bytes, not ended by `\n`: the writer was probably killed mid-line.
        case torn(UnsafeBufferPointer<UInt8>)
    }

    public let path: String
    public let maxLineLength: Int
    private let chunkSize: Int

    public init(path: String, maxLineLength: Int = 16 << 20, chunkSize: Int = 1 << 20) {
        self.path = path
        self.maxLineLength = maxLineLength
        self.chunkSize = chunkSize
    }

    /// Calls `body` with each line and its 1-based number; stops early when `body` returns false.
    public func forEachLine(_ body: (_ number: Int, _ line: Line) throws -> Bool) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LineReaderError(path: path, reason: SystemError.message(errno)) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: max(chunkSize, 4096) + maxLineLength)
        var filled = 0
        var number = 0
        var skipping = 0  // > 0 while discarding the rest of an over-long line
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, min(chunkSize, $0.count - filled)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw LineReaderError(path: path, reason: SystemError.message(errno))
            }
            let atEOF = n == 0
            filled += n
            var consumed = 0
            let keepGoing: Bool = try buffer.withUnsafeBufferPointer { all in
                while consumed < filled {
                    let rest = UnsafeBufferPointer(rebasing: all[consumed..<filled])
                    guard let offset = rest.firstIndex(of: UInt8(ascii: "\n")) else { break }
                    let newline = consumed + offset
                    number += 1
                    let length = newline - consumed
                    let line: Line
                    if skipping > 0 {
                        line = .tooLong(length: skipping + length)
                        skipping = 0
                    } else if length > maxLineLength {
                        line = .tooLong(length: length)
                    } else {
                        line = .text(UnsafeBufferPointer(rebasing: all[consumed..<newline]))
                    }
                    consumed = newline + 1
                    if try !body(number, line) { return false }
                }
                return true
            }
            if !keepGoing { return }
            // Move the partial line to the front.
            if consumed > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    let base = raw.baseAddress!
                    memmove(base, base + consumed, filled - consumed)
                }
                filled -= consumed
            }
            if filled > maxLineLength {
                skipping += filled
                filled = 0
            }
            if atEOF {
                if skipping > 0 {
                    _ = try body(number + 1, .tooLong(length: skipping + filled))
                } else if filled > 0 {
                    _ = try buffer.withUnsafeBufferPointer { try body(number + 1, .torn(UnsafeBufferPointer(rebasing: $0[0..<filled]))) }
                }
                return
            }
        }
    }
}

/// A file that cannot be opened or read.
public struct LineReaderError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}
