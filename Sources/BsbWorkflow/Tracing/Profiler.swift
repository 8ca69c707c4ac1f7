import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Time per component method: `--profiling` or `BSB_PROFILING=1`. Writes
/// `bsb_profiling_<rank>_<id>.json` in the Chrome trace event format (open it in `chrome://tracing` or
/// Perfetto) and prints a summary table (method, calls, total, mean).
public final class Profiler: Sendable {
    struct Event {
        let name: String
        let category: String
        let start: UInt64
        let end: UInt64
    }

    private let events = Mutex<[Event]>([])
    let rank: Int

    public init(rank: Int) {
        self.rank = rank
    }

    /// Microseconds since the epoch.
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
    }

    func record(name: String, category: String, start: UInt64, end: UInt64) {
        events.withLock { $0.append(Event(name: name, category: category, start: start, end: end)) }
    }

    /// The Chrome trace document.
    public func chromeTrace() -> String {
        let list = events.withLock { $0 }
        let items: [JSONValue] = list.map { e in
            .object([
                ("name", .string(e.name)), ("cat", .string(e.category)), ("ph", .string("X")),
                ("ts", .number(Double(e.start))), ("dur", .number(Double(e.end &- e.start))),
                ("pid", .number(Double(rank))), ("tid", .number(0)),
            ])
        }
        return JSONValue.object([("traceEvents", .array(items)), ("displayTimeUnit", .string("ms"))]).serialized() + "\n"
    }

    /// Method, calls, total and mean time, slowest first.
    public func summary() -> String {
        var table: [String: (calls: Int, total: UInt64)] = [:]
        for e in events.withLock({ $0 }) {
            table[e.name, default: (0, 0)].calls += 1
            table[e.name, default: (0, 0)].total += e.end &- e.start
        }
        let rows = table.sorted { $0.value.total > $1.value.total || ($0.value.total == $1.value.total && $0.key < $1.key) }
        let width = max(6, rows.map(\.key.count).max() ?? 0)
        func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, n - s.count))
            return left ? s + fill : fill + s
        }
        func ms(_ us: Double) -> String { String(format3(us / 1000)) + " ms" }
        var lines = [pad("method", width, left: true) + "  " + pad("calls", 7) + "  " + pad("total", 12) + "  " + pad("mean", 12)]
        for (name, v) in rows {
            lines.append(
                pad(name, width, left: true) + "  " + pad(String(v.calls), 7) + "  " + pad(ms(Double(v.total)), 12) + "  "
                    + pad(ms(Double(v.total) / Double(v.calls)), 12))
        }
        return lines.joined(separator: "\n")
    }

    /// Writes the profile into `directory`; returns its path.
    public func write(directory: String) throws -> String {
        var bytes = [UInt8](repeating: 0, count: 4)
        var generator = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = generator.next() }
        let id = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        let path = FileIO.resolve("bsb_profiling_\(rank)_\(id).json", against: directory)
        try FileIO.writeAtomically(path: path, bytes: Array(chromeTrace().utf8))
        return path
    }
}

/// `x` with three decimals.
func format3(_ x: Double) -> String {
    let scaled = (x * 1000).rounded()
    let whole = Int(scaled / 1000)
    let fraction = Int(abs(scaled).truncatingRemainder(dividingBy: 1000))
    let f = String(fraction)
    return "\(x < 0 && whole == 0 ? "-" : "")\(whole).\(String(repeating: "0", count: 3 - f.count))\(f)"
}
