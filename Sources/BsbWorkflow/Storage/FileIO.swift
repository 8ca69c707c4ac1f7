#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call on a file, with the path and the system's reason.
public struct FileError: BsbUserError, Sendable {
    public let operation: String
    public let path: String
    public let code: Int32

    public var description: String {
        "cannot \(operation) '\(path)': \(String(cString: strerror(code)))"
    }
}

/// The few POSIX file operations the BSB needs, without Foundation and with one system call per block.
enum FileIO {
    static func readAll(path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(operation: "open", path: path, code: errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileError(operation: "stat", path: path, code: errno) }
        var result = [UInt8]()
        var size = Swift.max(Int(st.st_size), 0)
        if size == 0 { size = 4096 }
        var total = 0
        while true {
            if total == result.count { result.append(contentsOf: repeatElement(0, count: Swift.max(size, result.count))) }
            let n = result.withUnsafeMutableBytes { read(fd, $0.baseAddress! + total, $0.count - total) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(operation: "read", path: path, code: errno)
            }
            if n == 0 { break }
            total += n
        }
        result.removeSubrange(total...)
        return result
    }

    /// Reads `count` elements of `T` at byte `offset`.
    static func readElements<T: BitwiseCopyable>(path: String, offset: Int, count: Int, as: T.Type) throws -> [T] {
        guard count > 0 else { return [] }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(operation: "open", path: path, code: errno) }
        defer { close(fd) }
        var failure: Int32 = 0
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            var done = 0
            while done < raw.count {
                let n = pread(fd, raw.baseAddress! + done, raw.count - done, off_t(offset + done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    failure = n < 0 ? errno : EIO
                    raw.baseAddress!.initializeMemory(as: UInt8.self, repeating: 0, count: raw.count)
                    break
                }
                done += n
            }
            initialized = count
        }
        if failure != 0 { throw FileError(operation: "read", path: path, code: failure) }
        return values
    }

    /// Writes `bytes` at `offset` of the open file `fd`, completely.
    static func pwriteAll(fd: Int32, _ bytes: UnsafeRawBufferPointer, offset: Int, path: String) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(operation: "write", path: path, code: errno)
            }
            done += n
        }
    }

    static func openForWriting(_ path: String, truncate: Bool = false) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0o644)
        guard fd >= 0 else { throw FileError(operation: "open", path: path, code: errno) }
        return fd
    }

    /// Replaces `path` with `bytes` atomically (write a temporary file, then rename).
    static func writeAtomically(path: String, bytes: [UInt8]) throws {
        let temporary = path + ".tmp"
        let fd = try openForWriting(temporary, truncate: true)
        do {
            try bytes.withUnsafeBytes { try pwriteAll(fd: fd, $0, offset: 0, path: temporary) }
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw FileError(operation: "rename", path: temporary, code: errno) }
    }

    static func setSize(path: String, bytes: Int, truncateFirst: Bool) throws {
        let fd = try openForWriting(path, truncate: truncateFirst)
        defer { close(fd) }
        guard ftruncate(fd, off_t(bytes)) == 0 else { throw FileError(operation: "resize", path: path, code: errno) }
    }

    enum Kind { case missing, file, directory, other }

    static func kind(_ path: String) -> Kind {
        var st = stat()
        guard stat(path, &st) == 0 else { return .missing }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .file
        default: return .other
        }
    }

    static func exists(_ path: String) -> Bool { kind(path) != .missing }

    /// Creates `path` and its missing parents.
    static func makeDirectories(_ path: String) throws {
        if kind(path) == .directory { return }
        let parent = parentDirectory(path)
        if !parent.isEmpty, parent != path { try makeDirectories(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw FileError(operation: "create the directory", path: path, code: errno)
        }
    }

    static func parentDirectory(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The entries of a directory (no `.` and `..`), or an empty list if it cannot be read.
    static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func remove(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT { throw FileError(operation: "remove", path: path, code: errno) }
    }

    /// Removes an empty directory; leaves a non-empty one alone.
    static func removeDirectoryIfEmpty(_ path: String) {
        _ = rmdir(path)
    }

    static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `path` made absolute against `base`.
    static func resolve(_ path: String, against base: String) -> String {
        if path.hasPrefix("/") { return path }
        if path == "." { return base }
        return base.hasSuffix("/") ? base + path : base + "/" + path
    }
}
