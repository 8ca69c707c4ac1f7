import Telemetry

/// Appends JSON text to a byte buffer: the one writer behind the summary's `--format json`, the Chrome trace
/// export and the data block of the HTML timeline.
///
/// Strings are escaped for both JSON and an HTML `<script>` block: control characters, `"`, `\`, and `<`, `>`,
/// `&` as `\uXXXX`, so no span name can close the script element. Numbers that JSON cannot hold (NaN, ±∞)
/// are written as `null`.
public struct JSONOutput {
    /// The text written so far.
    public private(set) var bytes: [UInt8] = []

    public init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    /// Forgets what was written, keeping the storage.
    public mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    /// Appends raw text, written as is.
    public mutating func raw(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    public mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    public mutating func byte(_ b: UInt8) { bytes.append(b) }

    /// Appends bytes as they are.
    public mutating func raw(_ other: some Collection<UInt8>) { bytes.append(contentsOf: other) }

    /// Appends `count` bytes filled by `body` (which returns how many it filled).
    public mutating func append(count: Int, _ body: (UnsafeMutableRawBufferPointer) -> Int) {
        let old = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: count))
        let filled = bytes.withUnsafeMutableBytes { body(UnsafeMutableRawBufferPointer(rebasing: $0[old..<(old + count)])) }
        bytes.removeLast(count - max(0, min(filled, count)))
    }

    /// A JSON string.
    public mutating func string(_ s: String) {
        var s = s
        bytes.append(UInt8(ascii: "\""))
        s.withUTF8 { utf8 in
            var runStart = 0
            for i in 0..<utf8.count {
                let b = utf8[i]
                if b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") && b != UInt8(ascii: "<")
                    && b != UInt8(ascii: ">") && b != UInt8(ascii: "&")
                {
                    continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                switch b {
                case UInt8(ascii: "\""): raw("\\\"")
                case UInt8(ascii: "\\"): raw("\\\\")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                default:
                    raw("\\u00")
                    bytes.append(Self.hexDigits[Int(b >> 4)])
                    bytes.append(Self.hexDigits[Int(b & 0xF)])
                }
                runStart = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `"key": ` (with the separator before it unless `first`).
    public mutating func key(_ key: String, first: Bool = false) {
        if !first { raw(", ") }
        string(key)
        raw(": ")
    }

    public mutating func int<I: BinaryInteger>(_ value: I) { raw(String(value)) }

    public mutating func double(_ value: Double) {
        guard value.isFinite else { return raw("null") }
        if value == value.rounded(), abs(value) < 1e15 {
            raw(String(Int64(value)))
        } else {
            raw(String(value))
        }
    }

    public mutating func bool(_ value: Bool) { raw(value ? "true" : "false") }

    /// Nanoseconds as microseconds, exactly: an integer when whole, else three decimals (`1234.567`).
    public mutating func micros(fromNanos nanos: UInt64) {
        raw(String(nanos / 1000))
        let fraction = nanos % 1000
        if fraction != 0 {
            var digits = String(fraction)
            while digits.count < 3 { digits = "0" + digits }
            while digits.hasSuffix("0") { digits.removeLast() }
            raw(".")
            raw(digits)
        }
    }

    /// An attribute value: a string, number, boolean or array of them.
    public mutating func value(_ value: AttributeValue) {
        switch value {
        case .string(let v): string(v)
        case .int(let v): int(v)
        case .double(let v): double(v)
        case .bool(let v): bool(v)
        case .stringArray(let a): array(a) { $0.string($1) }
        case .intArray(let a): array(a) { $0.int($1) }
        case .doubleArray(let a): array(a) { $0.double($1) }
        case .boolArray(let a): array(a) { $0.bool($1) }
        }
    }

    /// An object of attributes, in their order.
    public mutating func attributes(_ attributes: Attributes) {
        byte(UInt8(ascii: "{"))
        for (i, attribute) in attributes.enumerated() {
            key(attribute.key, first: i == 0)
            value(attribute.value)
        }
        byte(UInt8(ascii: "}"))
    }

    /// `[e0, e1, …]`, each element written by `body`.
    public mutating func array<S: Sequence>(_ elements: S, _ body: (inout JSONOutput, S.Element) -> Void) {
        byte(UInt8(ascii: "["))
        var first = true
        for element in elements {
            if !first { raw(", ") }
            first = false
            body(&self, element)
        }
        byte(UInt8(ascii: "]"))
    }
}

extension JSONOutput {
    /// The text written so far, as a string.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
