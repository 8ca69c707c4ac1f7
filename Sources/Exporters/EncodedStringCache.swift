/// The encoded forms of the strings of the last span's attributes, by position: one cache for the keys (written
/// with the `: ` after them), one for the string values.
///
/// Spans from one instrumentation site carry the same keys in the same order, nearly always string literals, and
/// often the same values (a component type, a method name). A string found at its place (the same string: `==`
/// answers from the two words of the string before reading any text, or else compares the text) is copied as it
/// was written last time instead of being checked for escapes and quoted again. A string that is new at its place
/// is written as usual and takes the slot: a miss costs one comparison and a copy of at most `width` bytes.
struct EncodedStringCache: ~Copyable {
    /// Positions remembered: spans seldom carry more attributes than this.
    static let slots = 16
    /// Encoded bytes a slot holds; longer strings are written every time.
    static let width = 32

    private let strings: UnsafeMutablePointer<String>
    private let lengths: UnsafeMutablePointer<Int>
    private let bytes: UnsafeMutablePointer<UInt8>

    init() {
        strings = .allocate(capacity: Self.slots)
        strings.initialize(repeating: "", count: Self.slots)
        lengths = .allocate(capacity: Self.slots)
        // Length 0: an empty slot, never a hit, since every encoded string is at least two bytes (`""`).
        lengths.initialize(repeating: 0, count: Self.slots)
        bytes = .allocate(capacity: Self.slots * Self.width)
    }

    deinit {
        strings.deinitialize(count: Self.slots)
        strings.deallocate()
        lengths.deallocate()
        bytes.deallocate()
    }

    /// The encoded `string` at `position` when it is the one remembered there.
    @inline(__always)
    func lookup(_ string: String, at position: Int) -> UnsafeBufferPointer<UInt8>? {
        guard position < Self.slots, lengths[position] > 0, strings[position] == string else { return nil }
        return UnsafeBufferPointer(start: bytes + position * Self.width, count: lengths[position])
    }

    /// Remembers `encoded` (the bytes just written for `string`) at `position`, when it fits.
    mutating func remember(_ string: String, at position: Int, encoded: UnsafeBufferPointer<UInt8>) {
        guard position < Self.slots, encoded.count <= Self.width, let source = encoded.baseAddress else { return }
        strings[position] = string
        lengths[position] = encoded.count
        (bytes + position * Self.width).update(from: source, count: encoded.count)
    }
}
