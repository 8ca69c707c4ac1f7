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

    /// Calls `body` with each line and its 1-based number (counted from `start`); stops early when `body`
    /// returns false. Reads bytes `start..<end` (by default the whole file): a range that starts at the first
    /// byte of a line and ends after a newline holds whole lines, so ranges can be read side by side.
    public func forEachLine(
        from start: Int = 0, to end: Int? = nil, _ body: (_ number: Int, _ line: Line) throws -> Bool
    ) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LineReaderError(path: path, reason: SystemError.message(errno)) }
        defer { close(fd) }
        if start > 0 && lseek(fd, off_t(start), SEEK_SET) < 0 {
            throw LineReaderError(path: path, reason: SystemError.message(errno))
        }
        var remaining = end.map { max($0 - start, 0) } ?? Int.max
        // Room for one chunk to start with; it grows only while a line longer than half of that is being read, up
        // to the limit, so ordinary files cost one chunk of memory. Never zeroed: every byte used was read first.
        let chunk = max(chunkSize, 4096)
        var capacity = chunk
        var buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var filled = 0
        var number = 0
        var skipping = 0  // > 0 while discarding the rest of an over-long line
        while true {
            // At the largest size the partial line is at most the limit, so a chunk's room is always left.
            if capacity - filled < chunk / 2 && capacity < chunk + maxLineLength {
                let grown = min(capacity * 2, chunk + maxLineLength)
                let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
                larger.initialize(from: buffer, count: filled)
                buffer.deallocate()
                buffer = larger
                capacity = grown
            }
            let n = remaining == 0 ? 0 : read(fd, buffer + filled, min(chunkSize, capacity - filled, remaining))
            if n < 0 {
                if errno == EINTR { continue }
                throw LineReaderError(path: path, reason: SystemError.message(errno))
            }
            let atEOF = n == 0
            remaining -= n
            filled += n
            var consumed = 0
            let all = UnsafeBufferPointer(start: buffer, count: filled)
            while consumed < filled {
                guard let found = memchr(buffer + consumed, 0x0A, filled - consumed) else { break }
                let newline = UnsafeRawPointer(found) - UnsafeRawPointer(buffer)
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
                if try !body(number, line) { return }
            }
            // Move the partial line to the front.
            if consumed > 0 {
                memmove(buffer, buffer + consumed, filled - consumed)
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
                    _ = try body(number + 1, .torn(UnsafeBufferPointer(start: buffer, count: filled)))
                }
                return
            }
        }
    }
}

extension LineReader {
    /// Offsets that cut the file into about `parts` ranges of whole lines: each is just after a newline, so
    /// `[0] + offsets + [size]` are range bounds for `forEachLine(from:to:)`. Fewer when lines are long.
    public func lineBoundaries(parts: Int) throws -> [Int] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LineReaderError(path: path, reason: SystemError.message(errno)) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw LineReaderError(path: path, reason: SystemError.message(errno)) }
        let size = Int(info.st_size)
        var boundaries: [Int] = []
        var window = [UInt8](repeating: 0, count: 64 << 10)
        for k in 1..<max(parts, 1) {
            var offset = max(size / parts * k, boundaries.last ?? 0)
            // The first newline at or after the cut; the range ends just after it.
            search: while offset < size {
                let n = window.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, off_t(offset)) }
                guard n > 0 else { break }
                if let i = window[0..<n].firstIndex(of: UInt8(ascii: "\n")) {
                    if offset + i + 1 < size, offset + i + 1 > (boundaries.last ?? 0) { boundaries.append(offset + i + 1) }
                    break search
                }
                offset += n
            }
        }
        return boundaries
    }
}

/// A file that cannot be opened or read.
public struct LineReaderError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}
