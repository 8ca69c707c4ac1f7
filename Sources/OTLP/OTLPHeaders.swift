/// Request headers for the collector (`OTEL_EXPORTER_OTLP_HEADERS`), which usually carry credentials.
///
/// Every textual form of this value — `description`, `debugDescription`, `dump`, string interpolation —
/// shows the names only, with `<redacted>` for each value. Only the transports read the values, to put them
/// on the wire.
public struct OTLPHeaders: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// Names lower-cased (HTTP/2 requires it; HTTP/1.1 ignores case), in the order given.
    private let entries: [(name: String, value: String)]

    public init() {
        entries = []
    }

    /// Headers from names and values; names are lower-cased.
    public init(_ pairs: [(String, String)]) throws(OTLPHeaderError) {
        var entries: [(String, String)] = []
        for (i, (name, value)) in pairs.enumerated() {
            try Self.check(name: name, value: value, entry: i + 1)
            entries.append((name.lowercased(), value))
        }
        self.entries = entries
    }

    /// Parses `key1=value1,key2=value2`: keys and values are URL-decoded (`%20` is a space), spaces around
    /// them are ignored, empty members are skipped.
    ///
    /// Errors name the member by its position, never by its text.
    public init(parsing text: String) throws(OTLPHeaderError) {
        var pairs: [(String, String)] = []
        var position = 0
        for member in text.split(separator: ",", omittingEmptySubsequences: false) {
            position += 1
            let trimmed = member.trimmingSpaces
            if trimmed.isEmpty { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw OTLPHeaderError("entry \(position) is not key=value")
            }
            guard let name = Self.percentDecode(trimmed[..<equals].trimmingSpaces),
                  let value = Self.percentDecode(trimmed[trimmed.index(after: equals)...].trimmingSpaces)
            else {
                throw OTLPHeaderError("entry \(position) has an invalid percent-encoding")
            }
            pairs.append((name, value))
        }
        try self.init(pairs)
    }

    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }

    /// The header names, lower-cased, in order: safe to show.
    public var names: [String] { entries.map(\.name) }

    /// Calls `body` with each name and value; only the transports use this.
    func forEach(_ body: (_ name: String, _ value: String) -> Void) {
        for entry in entries { body(entry.name, entry.value) }
    }

    /// The value of `name` (any case), for tests; not to be printed.
    public func value(for name: String) -> String? {
        let lower = name.lowercased()
        return entries.first(where: { $0.name == lower })?.value
    }

    public var description: String {
        "[" + entries.map { "\($0.name)=<redacted>" }.joined(separator: ", ") + "]"
    }

    public var debugDescription: String { "OTLPHeaders" + description }

    public var customMirror: Mirror {
        Mirror(self, children: ["names": names], displayStyle: .struct)
    }

    public static func == (lhs: OTLPHeaders, rhs: OTLPHeaders) -> Bool {
        lhs.entries.map(\.name) == rhs.entries.map(\.name) && lhs.entries.map(\.value) == rhs.entries.map(\.value)
    }

    /// A header name is an HTTP token; a value holds no control characters (no CR or LF to split a request).
    private static func check(name: String, value: String, entry: Int) throws(OTLPHeaderError) {
        let tokenPunctuation = Set("!#$%&'*+-.^_`|~".utf8)
        guard !name.isEmpty else { throw OTLPHeaderError("entry \(entry) has an empty key") }
        for byte in name.utf8 {
            let isAlphanumeric = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
                || (byte >= 0x61 && byte <= 0x7A)
            guard isAlphanumeric || tokenPunctuation.contains(byte) else {
                throw OTLPHeaderError("entry \(entry) has a key that is not a valid header name")
            }
        }
        for byte in value.utf8 where byte < 0x20 && byte != 0x09 || byte == 0x7F {
            throw OTLPHeaderError("entry \(entry) has a control character in its value")
        }
    }

    private static func percentDecode(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let h = iterator.next().flatMap(hexValue), let l = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(h << 4 | l)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// A malformed `OTEL_EXPORTER_OTLP_HEADERS`; the message names the entry by position and never shows it.
public struct OTLPHeaderError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
