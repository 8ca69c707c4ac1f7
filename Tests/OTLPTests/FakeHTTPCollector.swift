import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A scripted HTTP/1.1 server on 127.0.0.1 for the exporter's tests: records each request and answers with the
/// next scripted response (the last one repeats), on kept-alive connections.
final class FakeHTTPCollector: @unchecked Sendable {
    struct Response {
        var status = 200
        var headers: [(String, String)] = []
        var body: [UInt8] = []
        /// Wait this long before answering.
        var delay: TimeInterval = 0
    }

    struct Request {
        let method: String
        let path: String
        let headers: [String: String]
        let body: [UInt8]
    }

    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var script: [Response]
    private var received: [Request] = []

    init(_ script: [Response] = [Response()]) {
        self.script = script
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
                _ = bind(fd, p, length)
                _ = getsockname(fd, p, &length)
            }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        listen(fd, 16)
        Thread.detachNewThread { [self] in
            while true {
                let connection = accept(fd, nil, nil)
                guard connection >= 0 else { return }
                Thread.detachNewThread { self.serve(connection) }
            }
        }
    }

    deinit { stop() }

    private var stopped = false

    /// Closes the listener, once: a second close could hit a descriptor number reused by someone else.
    func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    var requests: [Request] { lock.withLock { received } }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        func fill() -> Bool {
            let n = read(fd, &chunk, chunk.count)
            guard n > 0 else { return false }
            buffer += chunk[0..<n]
            return true
        }
        while true {
            let separator = Array("\r\n\r\n".utf8)
            var headEnd: Int?
            while headEnd == nil {
                if buffer.count >= 4 {
                    headEnd = (0...(buffer.count - 4)).first { buffer[$0..<$0 + 4].elementsEqual(separator) }
                }
                if headEnd == nil && !fill() { return }
            }
            let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self).components(separatedBy: "\r\n")
            buffer.removeFirst(headEnd! + 4)
            let requestLine = head[0].split(separator: " ")
            var headers: [String: String] = [:]
            for line in head.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let length = Int(headers["content-length"] ?? "0") ?? 0
            while buffer.count < length { if !fill() { return } }
            let body = Array(buffer[0..<length])
            buffer.removeFirst(length)
            let response: Response = lock.withLock {
                received.append(Request(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, body: body))
                return script.count > 1 ? script.removeFirst() : script[0]
            }
            if response.delay > 0 { Thread.sleep(forTimeInterval: response.delay) }
            var text = "HTTP/1.1 \(response.status) Status\r\nContent-Length: \(response.body.count)\r\n"
            for (name, value) in response.headers { text += "\(name): \(value)\r\n" }
            let bytes = Array((text + "\r\n").utf8) + response.body
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                guard n > 0 else { return }
                offset += n
            }
        }
    }

    /// A port on 127.0.0.1 where nothing listens.
    static func closedPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
                _ = bind(fd, p, length)
                _ = getsockname(fd, p, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
