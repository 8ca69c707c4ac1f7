import Tracing

/// An attribute value, as OpenTelemetry allows: a scalar or a homogeneous array of scalars.
public enum AttributeValue: Hashable, Sendable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case stringArray([String])
    case intArray([Int64])
    case doubleArray([Double])
    case boolArray([Bool])

    /// The value of a swift-distributed-tracing attribute.
    public init(_ attribute: SpanAttribute) {
        switch attribute {
        case .int32(let v): self = .int(Int64(v))
        case .int64(let v): self = .int(v)
        case .int32Array(let v): self = .intArray(v.map(Int64.init))
        case .int64Array(let v): self = .intArray(v)
        case .double(let v): self = .double(v)
        case .doubleArray(let v): self = .doubleArray(v)
        case .bool(let v): self = .bool(v)
        case .boolArray(let v): self = .boolArray(v)
        case .string(let v): self = .string(v)
        case .stringArray(let v): self = .stringArray(v)
        case .stringConvertible(let v): self = .string(String(describing: v))
        case .stringConvertibleArray(let v): self = .stringArray(v.map { String(describing: $0) })
        default: self = .string(String(describing: attribute))
        }
    }

    /// The swift-distributed-tracing form of this value.
    public var spanAttribute: SpanAttribute {
        switch self {
        case .string(let v): .string(v)
        case .int(let v): .int64(v)
        case .double(let v): .double(v)
        case .bool(let v): .bool(v)
        case .stringArray(let v): .stringArray(v)
        case .intArray(let v): .int64Array(v)
        case .doubleArray(let v): .doubleArray(v)
        case .boolArray(let v): .boolArray(v)
        }
    }

    /// This value with every string cut to `limit` characters.
    func truncated(to limit: Int?) -> AttributeValue {
        guard let limit else { return self }
        switch self {
        case .string(let s) where s.count > limit: return .string(String(s.prefix(limit)))
        case .stringArray(let a) where a.contains(where: { $0.count > limit }):
            return .stringArray(a.map { $0.count > limit ? String($0.prefix(limit)) : $0 })
        default: return self
        }
    }
}

extension AttributeValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

/// One key and its value.
public struct Attribute: Hashable, Sendable {
    public let key: String
    public let value: AttributeValue

    public init(_ key: String, _ value: AttributeValue) {
        self.key = key
        self.value = value
    }
}

/// Attributes in the order they were first set, as the exporters write them.
///
/// Spans hold a handful of attributes, so a small array beats a dictionary for both speed and order.
public struct Attributes: Hashable, Sendable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    public private(set) var entries: [Attribute]

    public init() {
        entries = []
    }

    public init(_ entries: [Attribute]) {
        self.entries = []
        self.entries.reserveCapacity(entries.count)
        for entry in entries { self[entry.key] = entry.value }
    }

    public init(dictionaryLiteral elements: (String, AttributeValue)...) {
        self.init(elements.map { Attribute($0.0, $0.1) })
    }

    /// The attributes of a swift-distributed-tracing attribute set (whose order is not defined).
    public init(_ attributes: SpanAttributes) {
        var entries: [Attribute] = []
        attributes.forEach { key, value in entries.append(Attribute(key, AttributeValue(value))) }
        self.init(entries)
    }

    public var startIndex: Int { entries.startIndex }
    public var endIndex: Int { entries.endIndex }
    public subscript(position: Int) -> Attribute { entries[position] }

    /// The value for `key`; setting an existing key replaces its value in place, `nil` removes it.
    public subscript(key: String) -> AttributeValue? {
        get { entries.first(where: { $0.key == key })?.value }
        set {
            let index = entries.firstIndex(where: { $0.key == key })
            switch (index, newValue) {
            case (let i?, let v?): entries[i] = Attribute(key, v)
            case (let i?, nil): entries.remove(at: i)
            case (nil, let v?): entries.append(Attribute(key, v))
            case (nil, nil): break
            }
        }
    }

    /// Sets `key` unless that would add a key beyond `countLimit`; returns false when the attribute was dropped.
    @discardableResult
    public mutating func set(_ key: String, _ value: AttributeValue, countLimit: Int, valueLengthLimit: Int?) -> Bool {
        let value = value.truncated(to: valueLengthLimit)
        if let i = entries.firstIndex(where: { $0.key == key }) {
            entries[i] = Attribute(key, value)
            return true
        }
        guard entries.count < countLimit else { return false }
        entries.append(Attribute(key, value))
        return true
    }

    public mutating func reserveCapacity(_ n: Int) { entries.reserveCapacity(n) }

    /// The swift-distributed-tracing form.
    public var spanAttributes: SpanAttributes {
        var result = SpanAttributes()
        for entry in entries { result[entry.key] = entry.value.spanAttribute }
        return result
    }
}
