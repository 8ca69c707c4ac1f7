/// The encoded keys (`"key": `) of the last span's attributes, by position.
///
/// Spans from one instrumentation site carry the same keys in the same order, nearly always string literals. A
/// key found at its place (the same string: `==` answers from the two words of the string before reading any
/// text) is copied as it was written last time instead of being measured, checked for escapes and quoted again.
/// A key that is new at its place is written as usual and takes the slot.
struct AttributeKeyCache: ~Copyable {
    /// Positions remembered: spans seldom carry more attributes than this.
    static let slots = 16
    /// Encoded bytes a slot holds; longer keys are written every time.
    static let width = 32

    private let keys: UnsafeMutablePointer<String>
    private let lengths: UnsafeMutablePointer<Int>
    private let bytes: UnsafeMutablePointer<UInt8>

    init() {
        keys = .allocate(capacity: Self.slots)
        keys.initialize(repeating: "", count: Self.slots)
        lengths = .allocate(capacity: Self.slots)
        // Length 0: no empty key is ever taken for a hit, since its encoding (`"": `) is four bytes.
        lengths.initialize(repeating: 0, count: Self.slots)
        bytes = .allocate(capacity: Self.slots * Self.width)
    }

    deinit {
        keys.deinitialize(count: Self.slots)
        keys.deallocate()
        lengths.deallocate()
        bytes.deallocate()
    }

    /// The encoded `key` at `position` when it is the one remembered there.
    @inline(__always)
    func lookup(_ key: String, at position: Int) -> UnsafeBufferPointer<UInt8>? {
        guard position < Self.slots, lengths[position] > 0, keys[position] == key else { return nil }
        return UnsafeBufferPointer(start: bytes + position * Self.width, count: lengths[position])
    }

    /// Remembers `encoded` (the bytes just written for `key`) at `position`, when it fits.
    mutating func remember(_ key: String, at position: Int, encoded: UnsafeBufferPointer<UInt8>) {
        guard position < Self.slots, encoded.count <= Self.width, let source = encoded.baseAddress else { return }
        keys[position] = key
        lengths[position] = encoded.count
        (bytes + position * Self.width).update(from: source, count: encoded.count)
    }
}
