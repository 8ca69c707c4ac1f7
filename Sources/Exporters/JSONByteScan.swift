/// Word-at-a-time tests for the bytes a JSON string cannot hold as they are, shared by the writer (which escapes
/// them) and the scanner (which must look closer at them).
enum JSONByteScan {
    /// A mask with the high bit set in each byte of `w` that is a control (< 0x20), a quote or a backslash, and,
    /// when `nonASCII`, at or above 0x7F. Bytes above the first flagged one may be flagged wrongly (borrows of
    /// the "has zero byte" trick), so only the lowest flagged byte is meaningful.
    @inline(__always)
    static func specials(_ w: UInt64, nonASCII: Bool) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let control = (w &- ones &* 0x20) & ~w & high
        let q = w ^ (ones &* 0x22)
        let quote = (q &- ones) & ~q & high
        let b = w ^ (ones &* 0x5C)
        let backslash = (b &- ones) & ~b & high
        let upper = nonASCII ? (w | (w &+ ones)) & high : 0
        return control | upper | quote | backslash
    }

    /// Whether `b` is printable ASCII other than quote and backslash: a byte Python's `json.dumps` writes as it is.
    @inline(__always)
    static func isPrintableASCII(_ b: UInt8) -> Bool {
        b >= 0x20 && b < 0x7F && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\")
    }

    /// Whether all `n` bytes from `p` are printable ASCII other than quote and backslash: what Python's
    /// `json.dumps` writes as it is. Short strings are read as two overlapping words (never past their end)
    /// instead of byte by byte: most keys and values are shorter than 16 bytes.
    @inline(__always)
    static func isPrintableASCII(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let raw = UnsafeRawPointer(p)
        if n >= 8 {
            var i = 0
            while i + 8 <= n {
                if specials(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self), nonASCII: true) != 0 { return false }
                i += 8
            }
            return i == n || specials(raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self), nonASCII: true) == 0
        }
        if n >= 4 {
            let w = UInt64(raw.loadUnaligned(as: UInt32.self))
                | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32
            return specials(w, nonASCII: true) == 0
        }
        for k in 0..<n where !isPrintableASCII(p[k]) { return false }
        return true
    }

    /// How many bytes from `p` are ordinary string content (no quote, backslash or control; any UTF-8 allowed).
    @inline(__always)
    static func plainPrefix(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            let mask = specials(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self), nonASCII: false)
            if mask != 0 { return i + mask.trailingZeroBitCount / 8 }
            i += 8
        }
        while i < n {
            let b = p[i]
            if b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { return i }
            i += 1
        }
        return n
    }
}
