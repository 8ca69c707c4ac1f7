#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The keys a decoder reads from one kind of JSON object, each case named by its key's JSON text.
///
/// `JSONScanner.fields(_:_:)` matches an object's keys against these. A file written by one program repeats one
/// key order on every line, so the scanner first tries the key that stood at the same position in the previous
/// object of the same kind: a compare of two words instead of a string scan and a search through the names.
/// That was a fifth of a replay's instructions.
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
        _ = literals.initialize(from: all.map { Literal("\"" + $0.rawValue + "\"") })
        self.literals = UnsafeBufferPointer(literals)
    }

    /// The number of the key whose text `key` holds, if it is one of this kind's.
    func find(_ key: JSONStringBytes) -> Int? {
        key.withBytes { text in
            literals.firstIndex { literal in
                text.count == literal.count - 2
                    && (text.isEmpty || memcmp(text.baseAddress!, literal.bytes + 1, text.count) == 0)
            }
        }
    }

    struct Literal {
        let bytes: UnsafePointer<UInt8>
        let count: Int
        /// The first and last eight bytes (four when shorter), which together cover every byte of the literal.
        private let head: UInt64
        private let tail: UInt64

        init(_ text: String) {
            let utf8 = Array(text.utf8)
            let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: utf8.count)
            bytes.initialize(from: utf8, count: utf8.count)
            self.bytes = UnsafePointer(bytes)
            count = utf8.count
            let raw = UnsafeRawPointer(bytes)
            let count = utf8.count
            func word(at offset: Int) -> UInt64 {
                if count >= 8 { return raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
                return count >= 4 ? UInt64(raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) : 0
            }
            head = word(at: 0)
            tail = word(at: count - (count >= 8 ? 8 : 4))
        }

        /// Whether the `available` bytes at `p` start with this literal.
        @inline(__always)
        func isPrefix(of p: UnsafeRawPointer, available: Int) -> Bool {
            guard available >= count else { return false }
            if count >= 8 {
                return p.loadUnaligned(as: UInt64.self) == head
                    && p.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == tail
            }
            if count >= 4 {
                return UInt64(p.loadUnaligned(as: UInt32.self)) == head
                    && UInt64(p.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)) == tail
            }
            return memcmp(bytes, p, count) == 0
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
