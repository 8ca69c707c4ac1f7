/// A configuration object being read: typed accessors that name the key path in their errors, and a
/// `finish()` that rejects every key nobody read.
///
/// Strategy factories receive the node of their own section with the common keys already read, read the
/// keys they understand, and leave the unknown-key check to the parser.
public struct ConfigNode: Sendable {
    /// The key path of this object.
    public let path: String
    /// The members, in document order.
    public let members: [(key: String, value: JSONValue)]
    private var read: Set<String> = []

    /// `value` as an object at `path`, or an error naming `path`.
    public init(_ value: JSONValue, path: String) throws(ConfigurationError) {
        guard case .object(let members) = value else {
            throw ConfigurationError(path: path, "expected an object, got \(value.typeName)")
        }
        self.path = path
        self.members = members
    }

    /// The keys of the object, in document order.
    public var keys: [String] { members.map(\.key) }

    /// The raw value of `key`, marking it as read.
    public mutating func value(_ key: String) -> JSONValue? {
        read.insert(key)
        return members.first { $0.key == key }?.value
    }

    /// Whether the object has `key` (does not mark it as read).
    public func has(_ key: String) -> Bool { members.contains { $0.key == key } }

    public func path(_ key: String) -> String { keyPath(path, key) }

    public mutating func requiredValue(_ key: String) throws(ConfigurationError) -> JSONValue {
        guard let value = value(key) else { throw ConfigurationError(path: path(key), "required key is missing") }
        return value
    }

    public mutating func string(_ key: String) throws(ConfigurationError) -> String {
        let value = try requiredValue(key)
        guard let s = value.stringValue else { throw typeError(key, "a string", value) }
        return s
    }

    public mutating func optionalString(_ key: String) throws(ConfigurationError) -> String? {
        guard let value = value(key), value != .null else { return nil }
        guard let s = value.stringValue else { throw typeError(key, "a string", value) }
        return s
    }

    public mutating func double(_ key: String) throws(ConfigurationError) -> Double {
        let value = try requiredValue(key)
        return try Self.number(value, path: path(key))
    }

    public mutating func optionalDouble(_ key: String) throws(ConfigurationError) -> Double? {
        guard let value = value(key), value != .null else { return nil }
        return try Self.number(value, path: path(key))
    }

    public mutating func optionalInt(_ key: String) throws(ConfigurationError) -> Int? {
        guard let value = value(key), value != .null else { return nil }
        guard let i = value.intValue else { throw typeError(key, "an integer", value) }
        return i
    }

    public mutating func optionalObject(_ key: String) throws(ConfigurationError) -> ConfigNode? {
        guard let value = value(key), value != .null else { return nil }
        return try ConfigNode(value, path: path(key))
    }

    public mutating func object(_ key: String) throws(ConfigurationError) -> ConfigNode {
        try ConfigNode(try requiredValue(key), path: path(key))
    }

    /// A list of strings.
    public mutating func stringList(_ key: String) throws(ConfigurationError) -> [String] {
        let value = try requiredValue(key)
        guard let items = value.arrayValue else { throw typeError(key, "a list of strings", value) }
        var result: [String] = []
        for (i, item) in items.enumerated() {
            guard let s = item.stringValue else {
                throw ConfigurationError(path: keyPath(path(key), index: i), "expected a string, got \(item.typeName)")
            }
            result.append(s)
        }
        return result
    }

    /// Rejects every key that was not read.
    public func finish() throws(ConfigurationError) {
        for (key, _) in members where !read.contains(key) {
            throw ConfigurationError(path: path(key), "unknown key")
        }
    }

    /// A finite number at `path`.
    public static func number(_ value: JSONValue, path: String) throws(ConfigurationError) -> Double {
        guard let d = value.doubleValue else {
            throw ConfigurationError(path: path, "expected a number, got \(value.typeName)")
        }
        return d
    }

    private func typeError(_ key: String, _ expected: String, _ value: JSONValue) -> ConfigurationError {
        ConfigurationError(path: path(key), "expected \(expected), got \(value.typeName)")
    }
}
