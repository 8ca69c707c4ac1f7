/// A 16-byte trace id, as two big-endian halves.
public struct TraceID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The all-zero id, which W3C and OTLP treat as invalid.
    public static let invalid = TraceID(high: 0, low: 0)
    public var isValid: Bool { high != 0 || low != 0 }

    /// 32 lowercase hex digits.
    public var hex: String { HexCoding.hex(high) + HexCoding.hex(low) }
    public var description: String { hex }

    /// Parses 32 hex digits (either case); nil for anything else.
    public init?(hex: some StringProtocol) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 32,
              let high = HexCoding.parse(utf8[0..<16]),
              let low = HexCoding.parse(utf8[16..<32])
        else { return nil }
        self.init(high: high, low: low)
    }

    /// The 16 bytes, big-endian, as OTLP carries them.
    public var bytes: [UInt8] { HexCoding.bigEndianBytes(high) + HexCoding.bigEndianBytes(low) }

    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        let array = Array(bytes)
        self.init(high: HexCoding.fromBigEndian(array[0..<8]), low: HexCoding.fromBigEndian(array[8..<16]))
    }

    public static func < (lhs: TraceID, rhs: TraceID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}

/// An 8-byte span id.
public struct SpanID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let value: UInt64

    public init(_ value: UInt64) {
        self.value = value
    }

    public static let invalid = SpanID(0)
    public var isValid: Bool { value != 0 }

    /// 16 lowercase hex digits.
    public var hex: String { HexCoding.hex(value) }
    public var description: String { hex }

    /// Parses 16 hex digits (either case); nil for anything else.
    public init?(hex: some StringProtocol) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 16, let value = HexCoding.parse(utf8[...]) else { return nil }
        self.init(value)
    }

    public var bytes: [UInt8] { HexCoding.bigEndianBytes(value) }

    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 8 else { return nil }
        self.init(HexCoding.fromBigEndian(Array(bytes)[...]))
    }

    public static func < (lhs: SpanID, rhs: SpanID) -> Bool { lhs.value < rhs.value }
}

/// The W3C trace flags byte; bit 0 is `sampled`.
public struct TraceFlags: Hashable, Sendable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    public static let sampled = TraceFlags(rawValue: 0x01)
    public static let none = TraceFlags(rawValue: 0x00)
    public var isSampled: Bool { rawValue & 0x01 != 0 }
}

/// Hex digits and big-endian byte order, shared by the id types and the encoders.
public enum HexCoding {
    /// `value` as 16 lowercase hex digits.
    public static func hex(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            writeHex(value, into: buffer.baseAddress!)
            return 16
        }
    }

    /// Writes 16 lowercase hex digits of `value` at `pointer`.
    @inlinable @inline(__always)
    public static func writeHex(_ value: UInt64, into pointer: UnsafeMutablePointer<UInt8>) {
        // Eight digits per word: every exported span writes 48 of them, and a loop per digit cost more than the
        // rest of its line's numbers.
        let raw = UnsafeMutableRawPointer(pointer)
        raw.storeBytes(of: hexWord(UInt32(truncatingIfNeeded: value >> 32)), as: UInt64.self)
        raw.storeBytes(of: hexWord(UInt32(truncatingIfNeeded: value)), toByteOffset: 8, as: UInt64.self)
    }

    /// The eight hex digits of `value` as the bytes of a word, in memory order on a little-endian machine.
    @inlinable @inline(__always)
    static func hexWord(_ value: UInt32) -> UInt64 {
        // Spread the nibbles one per byte, most significant in the lowest byte (the first in memory).
        var v = UInt64(value)
        v = (v | v << 16) & 0x0000_FFFF_0000_FFFF
        v = (v | v << 8) & 0x00FF_00FF_00FF_00FF
        v = (v | v << 4) & 0x0F0F_0F0F_0F0F_0F0F
        v = v.byteSwapped
        // Bytes of 10 and above get 'a' - '0' - 10 more than digits do.
        let letters = ((v &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        let digits = v &+ 0x3030_3030_3030_3030 &+ letters &* 0x27
        return UInt64(littleEndian: digits)
    }

    /// The value of 1–16 hex digits, or nil when any byte is not a hex digit.
    public static func parse(_ utf8: ArraySlice<UInt8>) -> UInt64? {
        guard !utf8.isEmpty, utf8.count <= 16 else { return nil }
        var value: UInt64 = 0
        for byte in utf8 {
            guard let nibble = nibble(byte) else { return nil }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }

    @inlinable
    public static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    static func bigEndianBytes(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
    }

    static func fromBigEndian(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}
