#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// glibc's <execinfo.h>, which the Glibc module does not export.
@_silgen_name("backtrace")
private func c_backtrace(_ buffer: UnsafeMutablePointer<UnsafeMutableRawPointer?>, _ size: Int32) -> Int32
@_silgen_name("backtrace_symbols")
private func c_backtrace_symbols(_ buffer: UnsafePointer<UnsafeMutableRawPointer?>, _ size: Int32)
    -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?

/// The `exception.stacktrace` text: the error line, then the frames of the thread that recorded it.
///
/// Swift errors carry no stack of their own; the recording thread's stack is the closest honest answer, and
/// it is only computed when an error is recorded.
enum ExceptionStack {
    static func describe(type: String, message: String) -> String {
        var lines = ["\(type): \(message)"]
        var frames = [UnsafeMutableRawPointer?](repeating: nil, count: 48)
        let count = Int(c_backtrace(&frames, Int32(frames.count)))
        if count > 2, let symbols = c_backtrace_symbols(&frames, Int32(count)) {
            for i in 2..<count {
                if let symbol = symbols[i] { lines.append("  at " + String(cString: symbol)) }
            }
            free(symbols)
        }
        return lines.joined(separator: "\n")
    }
}
