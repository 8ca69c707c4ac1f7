#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A JSON value of unknown shape, for the parts of a line whose shape varies (attribute values, unknown keys).
public indirect enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.double(let a), .double(let b)): a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .int(let i): hasher.combine(i)
        case .double(let d): hasher.combine(d)
        case .string(let s): hasher.combine(s)
        case .array(let a): hasher.combine(a)
        case .object(let o): for (k, v) in o { hasher.combine(k); hasher.combine(v) }
        }
    }

    /// The value of `key` in an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members.first(where: { $0.0 == key })?.1 }
        return nil
    }
}

/// A syntax or shape error at a byte offset of the text being scanned.
public struct JSONScanError: Error, Sendable {
    public let offset: Int
    public let reason: String
}

/// A forward-only JSON reader over UTF-8 bytes: the decoders pull exactly the tokens they expect.
///
/// Accepts what Python's `json` writes, including `NaN` and `Infinity`, escaped or raw UTF-8.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    /// When false, `string()` checks a string as usual but returns it empty: for a pass that only validates,
    /// where making the strings would be most of the cost.
    var keepsStrings = true
    /// The key orders of the previous line's objects, carried from line to line by the decoder.
    var keyOrders = JSONKeyOrders()
    /// Nesting allowed before the input is rejected, so hostile input cannot exhaust the stack.
    static let maxDepth = 64

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    func error(_ reason: String) -> JSONScanError { JSONScanError(offset: index, reason: reason) }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < bytes.count {
            let b = bytes[index]
            // One compare for the usual case, a token: every whitespace byte is at most a space.
            if b > 0x20 { return }
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { index += 1 } else { return }
        }
    }

    mutating func peek() -> UInt8? {
        skipWhitespace()
        return index < bytes.count ? bytes[index] : nil
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8) throws(JSONScanError) {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of line, expected '\(Character(Unicode.Scalar(byte)))'") }
        guard bytes[index] == byte else {
            throw error("expected '\(Character(Unicode.Scalar(byte)))' but found '\(Character(Unicode.Scalar(bytes[index])))'")
        }
        index += 1
    }

    /// Consumes `byte` if it is next.
    @inline(__always)
    mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        if index < bytes.count && bytes[index] == byte {
            index += 1
            return true
        }
        return false
    }

    /// Iterates the members of an object, calling `body` with each key; `body` must consume the value.
    mutating func object(_ body: (inout JSONScanner, String) throws(JSONScanError) -> Void) throws(JSONScanError) {
        try fields { (s: inout JSONScanner, key: JSONStringBytes) throws(JSONScanError) in try body(&s, key.string) }
    }

    /// Iterates the members of an object, handing `body` each key as bytes: the decoders match
    /// keys against literals, and most keys would otherwise be allocated as strings only to be compared.
    mutating func fields(_ body: (inout JSONScanner, JSONStringBytes) throws(JSONScanError) -> Void) throws(JSONScanError) {
        try expect(UInt8(ascii: "{"))
        if consume(UInt8(ascii: "}")) { return }
        repeat {
            let key = try stringBytes()
            try expect(UInt8(ascii: ":"))
            try body(&self, key)
        } while consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"))
    }

    /// Iterates the members of an object whose keys a decoder knows: `body` gets each known key and must consume
    /// its value; the values of other keys are skipped.
    ///
    /// A member is first matched whole against the one at the same position of the previous object of this kind,
    /// as Python writes it (`{"key": ` or `, "key": `); anything else, other spacing included, is read token by
    /// token, with the same errors.
    mutating func fields<Key: JSONKey>(
        _: Key.Type, _ body: (inout JSONScanner, Key) throws(JSONScanError) -> Void
    ) throws(JSONScanError) {
        let table = Key.keys
        skipWhitespace()
        var position = 0
        while true {
            let found: Int
            let expected = keyOrders[table.kind, position]
            if expected != JSONKeyOrders.unknown, let base = bytes.baseAddress, let length = table.literals[expected]
                .opening(at: base + index, available: bytes.count - index, first: position == 0) {
                index += length
                found = expected
            } else {
                if position == 0 {
                    try expect(UInt8(ascii: "{"))
                    if consume(UInt8(ascii: "}")) { return }
                } else if !consume(UInt8(ascii: ",")) {
                    try expect(UInt8(ascii: "}"))
                    return
                }
                found = table.find(try stringBytes()) ?? JSONKeyOrders.unknown
                keyOrders[table.kind, position] = found
                try expect(UInt8(ascii: ":"))
            }
            if found == JSONKeyOrders.unknown {
                _ = try value()
            } else {
                try body(&self, table.cases[found])
            }
            position += 1
        }
    }

    /// A string value as bytes: a view of the line when it has no escapes (almost always), else decoded.
    mutating func stringBytes() throws(JSONScanError) -> JSONStringBytes {
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
            let first = index + 1
            let end = first + JSONByteScan.plainPrefix(bytes.baseAddress! + first, bytes.count - first)
            if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
                index = end + 1
                return JSONStringBytes(raw: UnsafeBufferPointer(rebasing: bytes[first..<end]))
            }
        }
        return JSONStringBytes(decoded: Array(try string().utf8))
    }

    /// The `count` bytes of a string at the scanner if it is exactly that long, without looking for its end: for
    /// ids and times, whose width is known and whose every byte the caller then checks (none of them may be a
    /// quote, backslash or control). `skipFixedString(count)` consumes it once it is found valid.
    @inline(__always)
    mutating func fixedString(_ count: Int) -> UnsafeBufferPointer<UInt8>? {
        skipWhitespace()
        let close = index + 1 + count
        guard close < bytes.count, bytes[index] == UInt8(ascii: "\""), bytes[close] == UInt8(ascii: "\"") else { return nil }
        return UnsafeBufferPointer(rebasing: bytes[(index + 1)..<close])
    }

    @inline(__always)
    mutating func skipFixedString(_ count: Int) { index += count + 2 }

    /// Iterates the elements of an array; `body` must consume each element.
    mutating func array(_ body: (inout JSONScanner) throws(JSONScanError) -> Void) throws(JSONScanError) {
        try expect(UInt8(ascii: "["))
        if consume(UInt8(ascii: "]")) { return }
        repeat { try body(&self) } while consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"))
    }

    mutating func isNull() -> Bool {
        skipWhitespace()
        if matches("null") {
            index += 4
            return true
        }
        return false
    }

    /// Consumes `literal` (a whole JSON token, quotes included) if it is next: the common value of a field (the
    /// internal kind, the unset status, the empty trace state) costs one compare instead of a scan and a search.
    @inline(__always)
    mutating func skip(_ literal: StaticString) -> Bool {
        skipWhitespace()
        let n = literal.utf8CodeUnitCount
        guard bytes.count - index >= n, memcmp(bytes.baseAddress! + index, literal.utf8Start, n) == 0 else { return false }
        index += n
        return true
    }

    private func matches(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard index + n <= bytes.count else { return false }
        for i in 0..<n where bytes[index + i] != word.utf8Start[i] { return false }
        return true
    }

    mutating func string() throws(JSONScanError) -> String {
        try expect(UInt8(ascii: "\""))
        let start = index
        // Fast path: no escapes.
        index += JSONByteScan.plainPrefix(bytes.baseAddress! + index, bytes.count - index)
        if index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                let s = keepsStrings ? String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self) : ""
                index += 1
                return s
            }
            if b < 0x20 { throw error("control character in string") }
        }
        var out = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let b = bytes[index]
            index += 1
            switch b {
            case UInt8(ascii: "\""):
                return keepsStrings ? String(decoding: out, as: UTF8.self) : ""
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw error("unterminated escape") }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), matches("\\u") {
                        index += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            out.append(contentsOf: Self.utf8(0xFFFD))
                            scalar = low
                        }
                    }
                    out.append(contentsOf: Self.utf8(scalar))
                default: throw error("invalid escape '\\\(Character(Unicode.Scalar(e)))'")
                }
            default:
                if b < 0x20 { throw error("control character in string") }
                out.append(b)
            }
        }
        throw error("unterminated string")
    }

    private mutating func hex4() throws(JSONScanError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let n = HexDigit.value(bytes[index]) else { throw error("invalid \\u escape") }
            v = v << 4 | UInt32(n)
            index += 1
        }
        return v
    }

    private static func utf8(_ scalar: UInt32) -> [UInt8] {
        guard let s = Unicode.Scalar(scalar) else { return [0xEF, 0xBF, 0xBD] }
        return Array(String(Character(s)).utf8)
    }

    /// A number: an integer when it has no fraction or exponent and fits in 64 bits, else a double.
    mutating func number() throws(JSONScanError) -> JSONValue {
        skipWhitespace()
        let start = index
        guard index < bytes.count else { throw error("expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "N") where matches("NaN"): index += 3; return .double(.nan)
        case UInt8(ascii: "I") where matches("Infinity"): index += 8; return .double(.infinity)
        case UInt8(ascii: "-") where matches("-Infinity"): index += 9; return .double(-.infinity)
        default: break
        }
        var isInteger = true
        if index < bytes.count && bytes[index] == UInt8(ascii: "-") { index += 1 }
        let digitsStart = index
        while index < bytes.count {
            let b = bytes[index]
            if b >= 0x30 && b <= 0x39 {
                index += 1
            } else if b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
                || ((b == UInt8(ascii: "+") || b == UInt8(ascii: "-")) && index > digitsStart)
            {
                isInteger = false
                index += 1
            } else {
                break
            }
        }
        guard index > digitsStart else { throw error("expected a value") }
        if isInteger && index - digitsStart <= 18 {
            // Too few digits to overflow: the value without making a string for `Int64.init` to read.
            var value: Int64 = 0
            for i in digitsStart..<index { value = value &* 10 &+ Int64(bytes[i] &- 0x30) }
            return .int(digitsStart > start ? -value : value)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if isInteger, let i = Int64(text) { return .int(i) }
        guard let d = Double(text) else { throw error("invalid number '\(text)'") }
        return .double(d)
    }

    /// Any value, as a tree.
    mutating func value(depth: Int = 0) throws(JSONScanError) -> JSONValue {
        guard depth < Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth)") }
        guard let b = peek() else { throw error("unexpected end of line, expected a value") }
        switch b {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"):
            var members: [(String, JSONValue)] = []
            try object { (s: inout JSONScanner, key: String) throws(JSONScanError) in
                members.append((key, try s.value(depth: depth + 1)))
            }
            return .object(members)
        case UInt8(ascii: "["):
            var elements: [JSONValue] = []
            try array { (s: inout JSONScanner) throws(JSONScanError) in elements.append(try s.value(depth: depth + 1)) }
            return .array(elements)
        case UInt8(ascii: "t"):
            guard matches("true") else { throw error("invalid literal") }
            index += 4
            return .bool(true)
        case UInt8(ascii: "f"):
            guard matches("false") else { throw error("invalid literal") }
            index += 5
            return .bool(false)
        case UInt8(ascii: "n"):
            guard matches("null") else { throw error("invalid literal") }
            index += 4
            return .null
        default:
            return try number()
        }
    }

    /// Fails unless only whitespace is left.
    mutating func end() throws(JSONScanError) {
        skipWhitespace()
        guard index == bytes.count else { throw error("unexpected text after the JSON object") }
    }
}

/// The bytes of a JSON string, valid only while the line being scanned is.
struct JSONStringBytes {
    private let raw: UnsafeBufferPointer<UInt8>
    private let decoded: [UInt8]?

    init(raw: UnsafeBufferPointer<UInt8>) {
        self.raw = raw
        decoded = nil
    }

    init(decoded: [UInt8]) {
        raw = UnsafeBufferPointer(start: nil, count: 0)
        self.decoded = decoded
    }

    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let decoded { return decoded.withUnsafeBufferPointer(body) }
        return body(raw)
    }

    var string: String { withBytes { String(decoding: $0, as: UTF8.self) } }

    @inline(__always)
    static func == (lhs: JSONStringBytes, rhs: StaticString) -> Bool {
        lhs.withBytes { bytes in
            bytes.count == rhs.utf8CodeUnitCount
                && (bytes.isEmpty || memcmp(bytes.baseAddress!, rhs.utf8Start, bytes.count) == 0)
        }
    }

    /// Lets a `switch` over a key use string literals as cases.
    @inline(__always)
    static func ~= (pattern: StaticString, value: JSONStringBytes) -> Bool { value == pattern }
}

enum HexDigit {
    @inline(__always)
    static func value(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: b - 0x30
        case 0x61...0x66: b - 0x61 + 10
        case 0x41...0x46: b - 0x41 + 10
        default: nil
        }
    }
}
