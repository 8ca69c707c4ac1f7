/// Named groups of plugins, each a map from a name to a factory, as Python's entry points.
///
/// Each module publishes its own entries (`Distro.standardEntryPoints`, `BsbWorkflow.entryPoints`); the
/// `otel-instrument` executable merges them. A lookup that fails names every entry of the group, so the
/// user sees what exists instead of a bare "not found".
public struct EntryPointRegistry: Sendable {
    private var groups: [String: [String: any Sendable]] = [:]

    public init() {}

    /// Registers `value` under `name` in `group`; a later registration of the same name replaces it.
    public mutating func register(group: String, name: String, _ value: any Sendable) {
        groups[group, default: [:]][name] = value
    }

    /// This registry with every entry of `other` added.
    public func merging(_ other: EntryPointRegistry) -> EntryPointRegistry {
        var merged = self
        for (group, entries) in other.groups {
            merged.groups[group, default: [:]].merge(entries) { _, new in new }
        }
        return merged
    }

    /// The names registered in `group`, sorted.
    public func names(in group: String) -> [String] {
        (groups[group] ?? [:]).keys.sorted()
    }

    /// The entry `name` of `group`, if it exists and has type `T`.
    public func entry<T>(group: String, name: String, as type: T.Type = T.self) -> T? {
        groups[group]?[name] as? T
    }

    /// The entry `name` of `group`, or an error that lists the names the group has.
    public func load<T>(group: String, name: String, as type: T.Type = T.self) throws(EntryPointError) -> T {
        guard let value = entry(group: group, name: name, as: T.self) else {
            throw EntryPointError(group: group, name: name, available: names(in: group))
        }
        return value
    }
}

/// A name that is not registered in a group.
public struct EntryPointError: Error, CustomStringConvertible, Equatable, Sendable {
    public let group: String
    public let name: String
    public let available: [String]

    public var description: String {
        let known = available.isEmpty ? "none" : available.joined(separator: ", ")
        return "unknown \(group) '\(name)' (available: \(known))"
    }
}

/// A program that runs inside the launcher's process, with the tracer provider already installed.
///
/// `run` receives the program's arguments (without its own name) and returns the exit code.
public struct InProcessProgram: Sendable {
    public let summary: String
    public let run: @Sendable (_ arguments: [String]) -> Int32

    public init(summary: String, run: @escaping @Sendable (_ arguments: [String]) -> Int32) {
        self.summary = summary
        self.run = run
    }
}

/// The group names shared by the modules.
public enum EntryPointGroup {
    public static let distro = "distro"
    public static let configurator = "configurator"
    public static let tracesExporter = "traces_exporter"
    public static let program = "program"
}
