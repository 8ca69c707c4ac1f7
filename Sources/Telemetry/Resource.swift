#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The entity that produces spans: service, host, process, SDK.
///
/// A class so that encoders can cache its serialised form by identity: every span of a process shares one.
public final class Resource: Hashable, Sendable {
    public let attributes: Attributes
    public let schemaURL: String

    public init(attributes: Attributes, schemaURL: String = "") {
        self.attributes = attributes
        self.schemaURL = schemaURL
    }

    public static func == (lhs: Resource, rhs: Resource) -> Bool {
        lhs === rhs || (lhs.attributes == rhs.attributes && lhs.schemaURL == rhs.schemaURL)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(attributes)
        hasher.combine(schemaURL)
    }

    /// The name and version this SDK reports as `telemetry.sdk.name` / `telemetry.sdk.version`.
    public static let sdkName = "otel-instrument"
    public static let sdkVersion = "0.1.0"

    /// The resource of this process.
    ///
    /// Keys come in the order the Python SDK writes them (SDK, instance, service), then
    /// `OTEL_RESOURCE_ATTRIBUTES` entries, then process and host. `serviceName` (from `OTEL_SERVICE_NAME`) wins
    /// over a `service.name` in `extra`, as the specification says.
    public static func detect(serviceName: String?, extra: Attributes = [:]) -> Resource {
        var attributes: Attributes = [
            "telemetry.sdk.language": "swift",
            "telemetry.sdk.name": .string(sdkName),
            "telemetry.sdk.version": .string(sdkVersion),
            "service.instance.id": .string(randomUUID()),
        ]
        let name = serviceName ?? extra["service.name"].flatMap { if case .string(let s) = $0 { s } else { nil } }
        attributes["service.name"] = .string(name ?? "unknown_service")
        for entry in extra where entry.key != "service.name" {
            attributes[entry.key] = entry.value
        }
        if attributes["process.pid"] == nil { attributes["process.pid"] = .int(Int64(getpid())) }
        if attributes["host.name"] == nil { attributes["host.name"] = .string(hostName()) }
        return Resource(attributes: attributes)
    }

    /// Parses `OTEL_RESOURCE_ATTRIBUTES`: `key1=value1,key2=value2`, values percent-decoded.
    public static func parseAttributeList(_ text: String) throws(ResourceAttributeError) -> Attributes {
        var result = Attributes()
        for member in text.split(separator: ",", omittingEmptySubsequences: true) {
            let trimmed = member.trimmingSpaces
            if trimmed.isEmpty { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw ResourceAttributeError(member: String(trimmed), reason: "expected key=value")
            }
            let key = String(trimmed[..<equals].trimmingSpaces)
            guard !key.isEmpty else { throw ResourceAttributeError(member: String(trimmed), reason: "empty key") }
            guard let value = percentDecode(trimmed[trimmed.index(after: equals)...].trimmingSpaces) else {
                throw ResourceAttributeError(member: String(trimmed), reason: "invalid percent-encoding")
            }
            result[key] = .string(value)
        }
        return result
    }

    static func percentDecode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let h = iterator.next().flatMap(HexCoding.nibble),
                      let l = iterator.next().flatMap(HexCoding.nibble) else { return nil }
                bytes.append(h << 4 | l)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A random (version 4) UUID in its canonical lowercase form.
    static func randomUUID() -> String {
        // Two 64-bit draws, not sixteen byte-sized ones: each draw is a getrandom(2) call.
        var generator = SystemRandomNumberGenerator()
        let (high, low) = (generator.next(), generator.next())
        var bytes = (0..<16).map { UInt8(truncatingIfNeeded: ($0 < 8 ? high : low) >> (UInt64($0 % 8) * 8)) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { String(HexCoding.hex(UInt64($0)).suffix(2)) }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-")
    }
}

/// A malformed member of `OTEL_RESOURCE_ATTRIBUTES`.
public struct ResourceAttributeError: Error, CustomStringConvertible, Sendable {
    public let member: String
    public let reason: String
    public var description: String { "'\(member)': \(reason)" }
}
