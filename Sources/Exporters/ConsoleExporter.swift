#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import Telemetry

/// Prints each span as indented JSON on standard output, as the Python SDK's console exporter does.
public final class ConsoleExporter: SpanExporter {
    private let state = Mutex(JSONLinesEncoder())
    private let fd: Int32

    /// `fd` is standard output unless a test passes another descriptor.
    public init(fd: Int32 = 1) {
        self.fd = fd
    }

    public func export(_ spans: [SpanRecord]) -> ExportResult {
        state.withLock { encoder in
            for span in spans { encoder.encode(span) }
            var out: [UInt8] = []
            for line in encoder.bytes.split(separator: UInt8(ascii: "\n")) {
                out += PrettyJSON.indent(line, by: 4)
                out.append(UInt8(ascii: "\n"))
            }
            encoder.reset()
            out.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if n <= 0 { if n < 0 && errno == EINTR { continue }; break }
                    offset += n
                }
            }
            return .success
        }
    }

    public func shutdown() {}
}

/// Re-indents compact JSON (as our encoder writes it) the way Python's `json.dumps(indent=N)` does.
enum PrettyJSON {
    static func indent(_ compact: some Collection<UInt8>, by width: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(compact.count * 2)
        var depth = 0
        var inString = false
        var escaped = false
        let bytes = Array(compact)
        var i = 0
        func newline() {
            out.append(UInt8(ascii: "\n"))
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * width))
        }
        while i < bytes.count {
            let b = bytes[i]
            if inString {
                out.append(b)
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                i += 1
                continue
            }
            switch b {
            case UInt8(ascii: "\""):
                inString = true
                out.append(b)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let close = b == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if i + 1 < bytes.count && bytes[i + 1] == close {
                    out.append(b)
                    out.append(close)
                    i += 2
                    continue
                }
                out.append(b)
                depth += 1
                newline()
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                newline()
                out.append(b)
            case UInt8(ascii: ","):
                out.append(b)
                newline()
                if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: " ") { i += 1 }
            default:
                out.append(b)
            }
            i += 1
        }
        return out
    }
}
