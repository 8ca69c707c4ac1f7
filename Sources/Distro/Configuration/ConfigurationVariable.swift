/// One row of the configuration table: an `OTEL_*` variable, its flag, its type, its default and its help.
///
/// The launcher generates everything user-facing from these rows: the flags it accepts, `--help`, the man page
/// and the errors for invalid values. A row is never written out a second time anywhere else.
public struct ConfigurationVariable: Sendable, Equatable {
    /// The environment variable, e.g. `OTEL_TRACES_EXPORTER`.
    public let name: String
    /// What values are accepted, and how they are checked.
    public let type: VariableType
    /// The value used when neither a flag, the environment nor the distro sets one; nil means unset.
    public let defaultValue: String?
    /// Where the default comes from when it is not a fixed value (shown in `--help` instead of `defaultValue`).
    public let defaultNote: String?
    public let group: VariableGroup
    /// One sentence for `--help` and the man page.
    public let help: String
    /// A value that must never be printed (OTLP headers carry credentials).
    public let isSecret: Bool

    public init(
        _ name: String, _ type: VariableType, default defaultValue: String? = nil, defaultNote: String? = nil,
        group: VariableGroup, secret: Bool = false, help: String
    ) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.defaultNote = defaultNote
        self.group = group
        self.help = help
        self.isSecret = secret
    }

    /// The launcher's flag for this variable: `OTEL_` dropped, lower-cased, e.g. `traces_exporter`.
    public var flagName: String {
        String(name.dropFirst(name.hasPrefix("OTEL_") ? 5 : 0)).lowercased()
    }

    /// The flag as it is typed, e.g. `--traces_exporter`.
    public var flag: String { "--" + flagName }

    /// What `--help` shows as the default: the note, the value, or nothing.
    public var defaultDescription: String? {
        if let defaultNote { return defaultNote }
        guard let defaultValue else { return nil }
        return isSecret ? "<redacted>" : defaultValue
    }

    /// `text` shown to the user: `<redacted>` for a secret, the text itself otherwise.
    public func display(_ text: String) -> String {
        isSecret ? "<redacted>" : text
    }
}

/// The sections of `--help` and of the man page, in the order they are shown.
public enum VariableGroup: String, Sendable, CaseIterable {
    case launcher
    case general
    case sampling
    case exporters
    case batch
    case limits
    case otlp
    case otlpTraces

    public var title: String {
        switch self {
        case .launcher: "Distro and configurator"
        case .general: "General"
        case .sampling: "Sampling"
        case .exporters: "Exporters"
        case .batch: "Batch span processor"
        case .limits: "Span limits"
        case .otlp: "OTLP exporter"
        case .otlpTraces: "OTLP exporter, traces only (override the OTLP settings above)"
        }
    }
}

/// The kind of value a variable holds; each knows how to check a value and how to name it in help.
public enum VariableType: Sendable, Equatable {
    /// `true` or `false`, any case.
    case boolean
    /// Any text.
    case text
    /// An integer ≥ 1.
    case positiveInteger
    /// An integer ≥ 0.
    case nonNegativeInteger
    /// A duration in milliseconds, an integer ≥ 0, as the specification states every timeout and delay.
    case milliseconds
    /// A number between 0 and 1.
    case ratio
    /// An `http://` or `https://` URL with a host.
    case url
    /// A file path.
    case path
    /// One of a fixed set of words.
    case choice([String])
    /// A comma-separated list of words from a fixed set.
    case choiceList([String])
    /// A comma-separated list of names of a registry group (checked against the registry when used).
    case nameList(group: String)
    /// A name of a registry group (checked against the registry when used).
    case name(group: String)
    /// `key1=value1,key2=value2`, values percent-encoded.
    case keyValueList

    /// The placeholder in help: `--bsp_max_queue_size N`.
    public var placeholder: String {
        switch self {
        case .boolean: "BOOL"
        case .text: "TEXT"
        case .positiveInteger, .nonNegativeInteger: "N"
        case .milliseconds: "MS"
        case .ratio: "RATIO"
        case .url: "URL"
        case .path: "PATH"
        case .choice, .name: "NAME"
        case .choiceList, .nameList: "NAMES"
        case .keyValueList: "K=V,..."
        }
    }

    /// What the value must be, as an error message says it: "must be a positive integer".
    public var requirement: String {
        switch self {
        case .boolean: "must be true or false"
        case .text: "must be text"
        case .positiveInteger: "must be a positive integer"
        case .nonNegativeInteger: "must be a non-negative integer"
        case .milliseconds: "must be a non-negative integer number of milliseconds"
        case .ratio: "must be a number between 0 and 1"
        case .url: "must be an http:// or https:// URL such as http://localhost:4317"
        case .path: "must be a file path"
        case .choice(let words): "must be one of \(words.joined(separator: ", "))"
        case .choiceList(let words): "must be a comma-separated list of \(words.joined(separator: ", "))"
        case .nameList: "must be a comma-separated list of names"
        case .name: "must be a name"
        case .keyValueList: "must be a comma-separated list of key=value"
        }
    }

    /// Nil if `text` is a valid value, else the reason it is not (without echoing the value).
    public func problem(with text: String) -> String? {
        switch self {
        case .text, .path:
            return nil
        case .boolean:
            return Self.parseBoolean(text) == nil ? requirement : nil
        case .positiveInteger:
            guard let n = Self.parseInteger(text), n >= 1 else { return requirement }
            return nil
        case .nonNegativeInteger, .milliseconds:
            guard let n = Self.parseInteger(text), n >= 0 else { return requirement }
            return nil
        case .ratio:
            return Self.parseRatio(text) == nil ? requirement : nil
        case .url:
            return URLCheck.problem(with: text).map { "\(requirement) (\($0))" }
        case .choice(let words):
            return words.contains(text.lowercased()) ? nil : requirement
        case .choiceList(let words):
            let items = Self.splitList(text)
            if items.isEmpty { return requirement }
            for item in items where !words.contains(item.lowercased()) {
                return "'\(item)' is not supported (supported: \(words.joined(separator: ", ")))"
            }
            return nil
        case .nameList:
            return Self.splitList(text).isEmpty ? requirement : nil
        case .name:
            return text.isEmpty || text.contains(",") ? requirement : nil
        case .keyValueList:
            for (index, member) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
                let trimmed = member.trimmingWhitespace
                if trimmed.isEmpty { continue }
                guard let equals = trimmed.firstIndex(of: "="), !trimmed[..<equals].trimmingWhitespace.isEmpty
                else { return "\(requirement) (entry \(index + 1) is not key=value)" }
            }
            return nil
        }
    }

    /// `true`/`false` in any case; nil otherwise.
    public static func parseBoolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// A decimal integer, optionally signed; nil otherwise.
    public static func parseInteger(_ text: String) -> Int? {
        Int(text.trimmingWhitespace)
    }

    /// A finite number in [0, 1]; nil otherwise.
    public static func parseRatio(_ text: String) -> Double? {
        guard let value = Double(text.trimmingWhitespace), value.isFinite, value >= 0, value <= 1 else { return nil }
        return value
    }

    /// The non-empty, trimmed items of a comma-separated list.
    public static func splitList(_ text: String) -> [String] {
        text.split(separator: ",").map { String($0.trimmingWhitespace) }.filter { !$0.isEmpty }
    }
}

/// The checks an OTLP endpoint passes: `http(s)://host[:port][/path]`.
enum URLCheck {
    static func problem(with text: String) -> String? {
        let lower = text.lowercased()
        let rest: Substring
        if lower.hasPrefix("http://") { rest = text.dropFirst(7) }
        else if lower.hasPrefix("https://") { rest = text.dropFirst(8) }
        else { return "no http:// or https:// scheme" }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        if hostPort.isEmpty { return "no host" }
        if hostPort.contains(where: { $0 == " " || $0 == "\t" }) { return "spaces in the host" }
        var host = hostPort
        var port: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { return "unterminated IPv6 address" }
            host = hostPort[...close]
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return "unexpected text after the IPv6 address" }
                port = after.dropFirst()
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = hostPort[..<colon]
            port = hostPort[hostPort.index(after: colon)...]
        }
        if host.isEmpty || host == "[]" { return "no host" }
        if let port {
            guard let number = Int(port), (1...65535).contains(number) else { return "port must be 1-65535" }
        }
        return nil
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmingWhitespace: Substring {
        var s = self[...]
        while let first = s.first, first == " " || first == "\t" { s = s.dropFirst() }
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        return Substring(s)
    }
}
