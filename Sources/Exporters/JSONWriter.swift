import Telemetry

/// Appends JSON tokens to a byte buffer in the layout of Python's `json.dumps` (ASCII only, `", "` and `": "`).
///
/// The hot path of every file export: it writes into one growable block with `memcpy` and never builds
/// intermediate strings or arrays, since `Array.append(contentsOf:)` costs more than the bytes it copies here.
struct JSONWriter: ~Copyable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written so far; valid until the next write.
    var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }
    var bytes: [UInt8] { Array(buffer) }

    mutating func removeAll() { count = 0 }

    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    @inline(never)
    private mutating func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    mutating func raw(_ source: UnsafeRawPointer, _ length: Int) {
        reserve(length)
        UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: length)
        count += length
    }

    @inline(__always)
    mutating func raw(_ text: StaticString) {
        raw(text.utf8Start, text.utf8CodeUnitCount)
    }

    @inline(__always)
    mutating func raw(_ other: [UInt8]) {
        other.withUnsafeBytes { raw($0.baseAddress!, $0.count) }
    }

    @inline(__always)
    mutating func raw(_ other: UnsafeBufferPointer<UInt8>) {
        if let start = other.baseAddress { raw(start, other.count) }
    }

    @inline(__always)
    mutating func byte(_ b: UInt8) {
        reserve(1)
        base[count] = b
        count += 1
    }

    /// A JSON string, escaped as Python's `ensure_ascii=True`: anything outside printable ASCII as `\uXXXX`.
    @inline(__always)
    mutating func string(_ s: String) {
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { utf8 in
            if let start = utf8.baseAddress { escaped(start, utf8.count) } else { raw("\"\"") }
        }
        if done == nil {
            var copy = s
            copy.withUTF8 { utf8 in
                if let start = utf8.baseAddress { escaped(start, utf8.count) } else { raw("\"\"") }
            }
        }
    }

    /// Most strings need no escape: check the whole string a word at a time and copy it in one go; otherwise
    /// copy the clean prefix and escape from the first byte that needs it.
    @inline(__always)
    private mutating func escaped(_ p: UnsafePointer<UInt8>, _ n: Int) {
        reserve(n + 2)
        base[count] = UInt8(ascii: "\"")
        count += 1
        var i = n
        if !JSONByteScan.isPrintableASCII(p, n) {
            i = 0
            while i < n && JSONByteScan.isPrintableASCII(p[i]) { i += 1 }
        }
        Self.copy(to: base + count, from: p, count: i)
        count += i
        if i < n { escapedTail(UnsafeBufferPointer(start: p, count: n), from: i) }
        byte(UInt8(ascii: "\""))
    }

    /// Copies `n` bytes; those of a short string (most keys and values, up to 32 bytes) with overlapping word
    /// moves instead of a call to `memmove`, which costs more than the copy for a few dozen bytes.
    @inline(__always)
    private static func copy(to destination: UnsafeMutablePointer<UInt8>, from source: UnsafePointer<UInt8>, count n: Int) {
        let to = UnsafeMutableRawPointer(destination), from = UnsafeRawPointer(source)
        if n >= 8 && n <= 16 {
            let head = from.loadUnaligned(as: UInt64.self)
            let tail = from.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: n - 8, as: UInt64.self)
        } else if n >= 4 && n < 8 {
            let head = from.loadUnaligned(as: UInt32.self)
            let tail = from.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: n - 4, as: UInt32.self)
        } else if n > 16 && n <= 32 {
            // Two overlapping halves of 16 bytes, as two words each.
            let a = from.loadUnaligned(as: UInt64.self)
            let b = from.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            let c = from.loadUnaligned(fromByteOffset: n - 16, as: UInt64.self)
            let d = from.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            to.storeBytes(of: a, as: UInt64.self)
            to.storeBytes(of: b, toByteOffset: 8, as: UInt64.self)
            to.storeBytes(of: c, toByteOffset: n - 16, as: UInt64.self)
            to.storeBytes(of: d, toByteOffset: n - 8, as: UInt64.self)
        } else if n > 32 {
            to.copyMemory(from: from, byteCount: n)
        } else {
            for k in 0..<n { destination[k] = source[k] }
        }
    }

    @inline(never)
    private mutating func escapedTail(_ utf8: UnsafeBufferPointer<UInt8>, from first: Int) {
        var runStart = first
        var i = first
        let count = utf8.count
        while i < count {
            let b = utf8[i]
            if b >= 0x20 && b < 0x7F && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") {
                i += 1
                continue
            }
            if runStart < i { raw(UnsafeBufferPointer(rebasing: utf8[runStart..<i])) }
            if b < 0x80 {
                escapeASCII(b)
                i += 1
            } else {
                i = escapeMultibyte(utf8, at: i)
            }
            runStart = i
        }
        if runStart < count { raw(UnsafeBufferPointer(rebasing: utf8[runStart..<count])) }
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

    /// `"` + the 20-byte `YYYY-MM-DDTHH:MM:SS.` prefix (as its words) + six digits of microseconds + `Z"`: one
    /// bounds check and word stores for the two timestamps of every line.
    @inline(__always)
    mutating func quotedTimestamp(prefix: (UInt64, UInt64, UInt32), micros: UInt64) {
        reserve(29)
        let p = UnsafeMutableRawPointer(base + count)
        p.storeBytes(of: UInt8(ascii: "\""), as: UInt8.self)
        p.storeBytes(of: prefix.0, toByteOffset: 1, as: UInt64.self)
        p.storeBytes(of: prefix.1, toByteOffset: 9, as: UInt64.self)
        p.storeBytes(of: prefix.2, toByteOffset: 17, as: UInt32.self)
        p.storeBytes(of: Self.digitPair(micros / 10_000), toByteOffset: 21, as: UInt16.self)
        p.storeBytes(of: Self.digitPair(micros / 100 % 100), toByteOffset: 23, as: UInt16.self)
        p.storeBytes(of: Self.digitPair(micros % 100), toByteOffset: 25, as: UInt16.self)
        p.storeBytes(of: UInt16(littleEndian: 0x225A), toByteOffset: 27, as: UInt16.self)  // `Z"`
        count &+= 29
    }

    /// The two ASCII digits of `value` (below 100) as the bytes of a UInt16, tens first in memory.
    @inline(__always)
    static func digitPair(_ value: UInt64) -> UInt16 {
        let tens = (value &* 103) >> 10  // value / 10 for every value below 100
        let ones = value &- tens &* 10
        return UInt16(littleEndian: UInt16(truncatingIfNeeded: (0x30 | tens) | (0x30 | ones) << 8))
    }

    mutating func unsigned(_ value: UInt64) {
        reserve(20)
        if value < 10 {
            base[count] = UInt8(ascii: "0") + UInt8(value)
            count += 1
            return
        }
        var digits = 0
        var v = value
        while v > 0 { digits += 1; v /= 10 }
        v = value
        var i = count + digits - 1
        while v > 0 {
            base[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
            i -= 1
        }
        count += digits
    }

    /// A float as Python's `repr` writes it (Swift's shortest form agrees), and `NaN`/`Infinity` as `json.dumps`.
    mutating func double(_ value: Double) {
        if value.isNaN { raw("NaN") } else if value == .infinity { raw("Infinity") } else if value == -.infinity {
            raw("-Infinity")
        } else {
            var text = value.description
            text.withUTF8 { raw($0) }
        }
    }

    mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    /// `0x` followed by 16 hex digits, quoted.
    mutating func hexID(_ value: UInt64) {
        reserve(20)
        quotedHexPrefix()
        HexCoding.writeHex(value, into: base + (count &+ 3))
        base[count &+ 19] = UInt8(ascii: "\"")
        count &+= 20
    }

    mutating func traceID(_ id: TraceID) {
        reserve(36)
        quotedHexPrefix()
        HexCoding.writeHex(id.high, into: base + (count &+ 3))
        HexCoding.writeHex(id.low, into: base + (count &+ 19))
        base[count &+ 35] = UInt8(ascii: "\"")
        count &+= 36
    }

    /// `"0x` at the end, in room already reserved.
    @inline(__always)
    private func quotedHexPrefix() {
        base[count] = UInt8(ascii: "\"")
        base[count &+ 1] = UInt8(ascii: "0")
        base[count &+ 2] = UInt8(ascii: "x")
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
        var first = true
        for item in items {
            if !first { raw(", ") }
            first = false
            write(&self, item)
        }
        byte(UInt8(ascii: "]"))
    }

    /// The attributes object of a span: keys and string values found in the caches at their place are copied as
    /// they were written for the last span.
    mutating func attributes(_ attributes: Attributes, keys: inout EncodedStringCache, values: inout EncodedStringCache) {
        byte(UInt8(ascii: "{"))
        attributes.entries.withUnsafeBufferPointer { entries in
            for i in entries.indices {
                if i > 0 { raw(", ") }
                if let encoded = keys.lookup(entries[i].key, at: i) {
                    remembered(encoded)
                } else {
                    let start = count
                    string(entries[i].key)
                    raw(": ")
                    keys.remember(entries[i].key, at: i, encoded: written(since: start))
                }
                if case .string(let text) = entries[i].value {
                    if let encoded = values.lookup(text, at: i) {
                        remembered(encoded)
                    } else {
                        let start = count
                        string(text)
                        values.remember(text, at: i, encoded: written(since: start))
                    }
                } else {
                    value(entries[i].value)
                }
            }
        }
        byte(UInt8(ascii: "}"))
    }

    /// The bytes written since `start`; valid until the next write.
    private func written(since start: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + start, count: count - start)
    }

    /// Bytes from an `EncodedStringCache`: short, copied without a call.
    @inline(__always)
    private mutating func remembered(_ encoded: UnsafeBufferPointer<UInt8>) {
        reserve(encoded.count)
        Self.copy(to: base + count, from: encoded.baseAddress!, count: encoded.count)
        count &+= encoded.count
    }

    mutating func attributes(_ attributes: Attributes) {
        byte(UInt8(ascii: "{"))
        // Read in place: iterating the array would copy each entry, retaining and releasing its strings.
        attributes.entries.withUnsafeBufferPointer { entries in
            for i in entries.indices {
                if i > 0 { raw(", ") }
                string(entries[i].key)
                raw(": ")
                value(entries[i].value)
            }
        }
        byte(UInt8(ascii: "}"))
    }
}

extension HexCoding {
    static let digitsTable: [UInt8] = Array("0123456789abcdef".utf8)
}
