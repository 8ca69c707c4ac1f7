#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The keys a decoder reads from one kind of JSON object, each case named by its key's JSON text.
///
/// `JSONScanner.fields(_:_:)` matches an object's keys against these. A file written by one program repeats one
/// key order and one spacing on every line, so the scanner first tries the member opening (`, "key": `) that
/// stood at the same position in the previous object of the same kind: a compare of a few words instead of a
/// scan for the separator, the string's end, a search through the names and the colon. Those steps were a
/// fifth of a replay's instructions.
protocol JSONKey: RawRepresentable<String>, CaseIterable, Sendable {
    /// Made once per kind: `static let keys = JSONKeyTable<Self>(kind: n)`, with `n` unique among the kinds.
    static var keys: JSONKeyTable<Self> { get }
}

/// A kind's keys as the bytes they are written with, quotes included.
///
/// Made once per kind and never freed, in plain memory: the scanner reads it for every key of every line, and an
/// array there would be retained and released each time.
struct JSONKeyTable<Key: JSONKey>: @unchecked Sendable {
    /// The place of this kind's key order in a scanner's `JSONKeyOrders`.
    let kind: Int
    let cases: UnsafeBufferPointer<Key>
    let literals: UnsafeBufferPointer<Literal>

    init(kind: Int) {
        precondition(kind < JSONKeyOrders.kinds, "JSONKeyOrders holds \(JSONKeyOrders.kinds) kinds")
        self.kind = kind
        let all = Array(Key.allCases)
        precondition(all.count < JSONKeyOrders.unknown, "a key's number must fit below the 'unknown' mark")
        let cases = UnsafeMutableBufferPointer<Key>.allocate(capacity: all.count)
        _ = cases.initialize(from: all)
        self.cases = UnsafeBufferPointer(cases)
        let literals = UnsafeMutableBufferPointer<Literal>.allocate(capacity: all.count)
        _ = literals.initialize(from: all.map { Literal(key: $0.rawValue) })
        self.literals = UnsafeBufferPointer(literals)
    }

    /// The number of the key whose text `key` holds, if it is one of this kind's.
    func find(_ key: JSONStringBytes) -> Int? {
        key.withBytes { text in
            literals.firstIndex { literal in
                text.count == literal.keyCount
                    && (text.isEmpty || memcmp(text.baseAddress!, literal.bytes + 1, text.count) == 0)
            }
        }
    }

    /// A key as a member opens in Python's layout: `"key": `, after `{` for the first member and `, ` for others.
    struct Literal {
        /// `"key": `
        let bytes: UnsafePointer<UInt8>
        let count: Int
        var keyCount: Int { count - 4 }
        /// Words at the start, the middle and the end (four-byte ones when shorter), which together cover every
        /// byte of a literal of up to 24 bytes; longer ones are compared with `memcmp`.
        private let head: UInt64
        private let middle: UInt64
        private let tail: UInt64

        init(key: String) {
            let utf8 = Array(("\"" + key + "\": ").utf8)
            let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: utf8.count)
            bytes.initialize(from: utf8, count: utf8.count)
            self.bytes = UnsafePointer(bytes)
            let count = utf8.count
            self.count = count
            let raw = UnsafeRawPointer(bytes)
            func word(at offset: Int) -> UInt64 {
                count >= 8 ? raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    : UInt64(raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            }
            // A key has at least one byte, so a literal at least five.
            head = word(at: 0)
            middle = count >= 8 ? word(at: min(8, count - 8)) : head
            tail = word(at: count - (count >= 8 ? 8 : 4))
        }

        /// The length of the member's opening if the `available` bytes at `p` start with it: `{` then the literal
        /// when `first`, else `, ` then the literal.
        @inline(__always)
        func opening(at p: UnsafePointer<UInt8>, available: Int, first: Bool) -> Int? {
            let separator = first ? 1 : 2
            guard available >= separator + count else { return nil }
            if first {
                guard p[0] == UInt8(ascii: "{") else { return nil }
            } else {
                guard UnsafeRawPointer(p).loadUnaligned(as: UInt16.self) == 0x202C else { return nil }  // ", "
            }
            let q = UnsafeRawPointer(p + separator)
            let same: Bool
            if count > 24 {
                same = memcmp(bytes, q, count) == 0
            } else if count >= 8 {
                same = q.loadUnaligned(as: UInt64.self) == head
                    && q.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == tail
                    && (count <= 16 || q.loadUnaligned(fromByteOffset: 8, as: UInt64.self) == middle)
            } else {
                same = UInt64(q.loadUnaligned(as: UInt32.self)) == head
                    && UInt64(q.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)) == tail
            }
            return same ? separator + count : nil
        }
    }
}

/// For each kind of object, the key found at each of its first positions in the previous object of that kind.
///
/// A decoder keeps one from line to line and lends it to each line's scanner; a scanner made without one
/// predicts nothing, and costs no allocation.
struct JSONKeyOrders {
    static let kinds = 8
    static let positions = 16
    /// Marks a position whose key was not one of the kind's, or is not known yet.
    static let unknown = 255

    /// `kinds * positions` key numbers, or none.
    private var slots: [UInt8]

    init() { slots = [] }

    /// Room for every kind's order, all unknown.
    static func empty() -> JSONKeyOrders {
        var orders = JSONKeyOrders()
        orders.slots = Array(repeating: UInt8(unknown), count: kinds * positions)
        return orders
    }

    @inline(__always)
    subscript(kind: Int, position: Int) -> Int {
        get {
            let i = kind &* Self.positions &+ position
            return position < Self.positions && i < slots.count ? Int(slots[i]) : Self.unknown
        }
        set {
            let i = kind &* Self.positions &+ position
            if position < Self.positions && i < slots.count { slots[i] = UInt8(truncatingIfNeeded: newValue) }
        }
    }
}
