import Telemetry

/// Appends JSON tokens to a byte buffer in the layout of Python's `json.dumps` (ASCII only, `", "` and `": "`).
///
/// The hot path of every file export, so it writes bytes directly and never builds intermediate strings.
struct JSONWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inline(__always)
    mutating func raw(_ other: [UInt8]) {
        bytes.append(contentsOf: other)
    }

    @inline(__always)
    mutating func byte(_ b: UInt8) {
        bytes.append(b)
    }

    /// A JSON string, escaped as Python's `ensure_ascii=True`: anything outside printable ASCII as `\uXXXX`.
    mutating func string(_ s: String) {
        byte(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            var runStart = 0
            var i = 0
            let count = utf8.count
            while i < count {
                let b = utf8[i]
                if b >= 0x20 && b < 0x7F && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") {
                    i += 1
                    continue
                }
                if runStart < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i])) }
                if b < 0x80 {
                    escapeASCII(b)
                    i += 1
                } else {
                    i = escapeMultibyte(utf8, at: i)
                }
                runStart = i
            }
            if runStart < count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<count])) }
        }
        byte(UInt8(ascii: "\""))
    }

    private mutating func escapeASCII(_ b: UInt8) {
        switch b {
        case UInt8(ascii: "\""): raw("\\\"")
        case UInt8(ascii: "\\"): raw("\\\\")
        case 0x0A: raw("\\n")
        case 0x0D: raw("\\r")
        case 0x09: raw("\\t")
        case 0x08: raw("\\b")
        case 0x0C: raw("\\f")
        default: unicodeEscape(UInt16(b))
        }
    }

    /// Escapes the UTF-8 sequence at `i`, as one `\uXXXX` or a surrogate pair; returns the index after it.
    private mutating func escapeMultibyte(_ utf8: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let b0 = UInt32(utf8[i])
        let length = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : 2
        var scalar = b0 & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        var j = i + 1
        while j < i + length && j < utf8.count {
            scalar = scalar << 6 | (UInt32(utf8[j]) & 0x3F)
            j += 1
        }
        if scalar >= 0x10000 {
            let v = scalar - 0x10000
            unicodeEscape(UInt16(0xD800 + (v >> 10)))
            unicodeEscape(UInt16(0xDC00 + (v & 0x3FF)))
        } else {
            unicodeEscape(UInt16(scalar))
        }
        return j
    }

    private mutating func unicodeEscape(_ unit: UInt16) {
        raw("\\u")
        for shift in stride(from: 12, through: 0, by: -4) {
            byte(HexCoding.digitsTable[Int((unit >> UInt16(shift)) & 0xF)])
        }
    }

    mutating func int(_ value: Int64) {
        if value < 0 {
            byte(UInt8(ascii: "-"))
            unsigned(value.magnitude)
        } else {
            unsigned(UInt64(value))
        }
    }

    mutating func unsigned(_ value: UInt64) {
        if value < 10 {
            byte(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            var v = value
            while v > 0 {
                buffer[31 - count] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                count += 1
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(32 - count)...]))
        }
    }

    /// A float as Python's `repr` writes it (Swift's shortest form agrees), and `NaN`/`Infinity` as `json.dumps`.
    mutating func double(_ value: Double) {
        if value.isNaN { raw("NaN") } else if value == .infinity { raw("Infinity") } else if value == -.infinity {
            raw("-Infinity")
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    /// `0x` followed by 16 hex digits, quoted.
    mutating func hexID(_ value: UInt64) {
        raw("\"0x")
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: 16))
        bytes.withUnsafeMutableBufferPointer { HexCoding.writeHex(value, into: $0.baseAddress! + start) }
        byte(UInt8(ascii: "\""))
    }

    mutating func traceID(_ id: TraceID) {
        raw("\"0x")
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: 32))
        bytes.withUnsafeMutableBufferPointer {
            HexCoding.writeHex(id.high, into: $0.baseAddress! + start)
            HexCoding.writeHex(id.low, into: $0.baseAddress! + start + 16)
        }
        byte(UInt8(ascii: "\""))
    }

    mutating func value(_ value: AttributeValue) {
        switch value {
        case .string(let s): string(s)
        case .int(let i): int(i)
        case .double(let d): double(d)
        case .bool(let b): bool(b)
        case .stringArray(let a): array(a) { $0.string($1) }
        case .intArray(let a): array(a) { $0.int($1) }
        case .doubleArray(let a): array(a) { $0.double($1) }
        case .boolArray(let a): array(a) { $0.bool($1) }
        }
    }

    private mutating func array<T>(_ items: [T], _ write: (inout JSONWriter, T) -> Void) {
        byte(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { raw(", ") }
            write(&self, item)
        }
        byte(UInt8(ascii: "]"))
    }

    mutating func attributes(_ attributes: Attributes) {
        byte(UInt8(ascii: "{"))
        for (i, entry) in attributes.enumerated() {
            if i > 0 { raw(", ") }
            string(entry.key)
            raw(": ")
            value(entry.value)
        }
        byte(UInt8(ascii: "}"))
    }
}

extension HexCoding {
    static let digitsTable: [UInt8] = Array("0123456789abcdef".utf8)
}
