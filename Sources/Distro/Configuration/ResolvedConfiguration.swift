import EntryPoints

/// The value of every variable of the table, resolved: a flag overrides the environment, which overrides the
/// distro's default, which overrides the table's default.
///
/// Every value has been checked against its row's type when this exists, so the typed accessors cannot fail.
public struct ResolvedConfiguration: Sendable {
    /// Where a value came from.
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        /// A command-line flag, as the user spelled it (`--service_name`).
        case flag(String)
        case environment
        /// The default of the named distro.
        case distro(String)
        /// The table's default (or unset).
        case tableDefault

        public var description: String {
            switch self {
            case .flag(let spelling): "flag \(spelling)"
            case .environment: "environment"
            case .distro(let name): "distro \(name)"
            case .tableDefault: "default"
            }
        }
    }

    /// One variable's value and origin.
    public struct Entry: Sendable {
        public let variable: ConfigurationVariable
        /// Nil when unset.
        public let value: String?
        public let source: Source

        /// The value as it may be shown: `<redacted>` for a secret, `(unset)` when there is none.
        public var displayValue: String {
            value.map(variable.display) ?? "(unset)"
        }
    }

    /// Every row of the table, in table order.
    public let entries: [Entry]
    private let index: [String: Int]

    init(entries: [Entry]) {
        self.entries = entries
        var index: [String: Int] = [:]
        for (i, entry) in entries.enumerated() { index[entry.variable.name] = i }
        self.index = index
    }

    /// The entry of `name`; `name` must be a row of the table.
    public func entry(_ name: String) -> Entry {
        guard let i = index[name] else { preconditionFailure("\(name) is not in ConfigurationTable") }
        return entries[i]
    }

    /// The value of `name`, nil when unset.
    public subscript(_ name: String) -> String? { entry(name).value }

    /// Where the value of `name` came from.
    public func source(of name: String) -> Source { entry(name).source }

    /// A boolean variable; unset is false.
    public func bool(_ name: String) -> Bool {
        self[name].flatMap(VariableType.parseBoolean) ?? false
    }

    /// An integer variable, nil when unset.
    public func int(_ name: String) -> Int? {
        self[name].flatMap(VariableType.parseInteger)
    }

    /// A list variable's items, lower-cased for choice lists.
    public func list(_ name: String) -> [String] {
        self[name].map(VariableType.splitList) ?? []
    }

    /// A choice variable, lower-cased.
    public func choice(_ name: String) -> String? {
        self[name]?.lowercased()
    }

    // MARK: Resolution

    /// Resolves every row of the table.
    ///
    /// - Parameters:
    ///   - flags: values given on the command line, by variable name, with the flag as the user spelled it.
    ///   - environment: the process environment; an empty value counts as unset, as the specification says.
    ///   - registry: where the distro named by `OTEL_DISTRO` is looked up.
    public static func resolve(
        flags: [String: CommandLineValue], environment: [String: String], registry: EntryPointRegistry
    ) throws(LauncherError) -> ResolvedConfiguration {
        func given(_ name: String) -> (String, Source)? {
            if let flag = flags[name], !flag.value.isEmpty { return (flag.value, .flag(flag.spelling)) }
            if let value = environment[name], !value.isEmpty { return (value, .environment) }
            return nil
        }
        let distroName = given("OTEL_DISTRO")?.0 ?? "default"
        let distro: any OTelDistro
        do {
            distro = try registry.load(group: EntryPointGroup.distro, name: distroName, as: (any OTelDistro).self)
        } catch {
            throw LauncherError(error.description)
        }
        var entries: [Entry] = []
        entries.reserveCapacity(ConfigurationTable.variables.count)
        for variable in ConfigurationTable.variables {
            let resolved: (String, Source)?
            if let value = given(variable.name) {
                resolved = value
            } else if let value = distro.defaults[variable.name] {
                resolved = (value, .distro(distroName))
            } else {
                resolved = variable.defaultValue.map { ($0, .tableDefault) }
            }
            if let (value, source) = resolved, let problem = variable.type.problem(with: value) {
                throw invalid(variable, source: source, problem: problem, value: value)
            }
            entries.append(Entry(variable: variable, value: resolved?.0, source: resolved?.1 ?? .tableDefault))
        }
        let configuration = ResolvedConfiguration(entries: entries)
        try configuration.checkRelations()
        return configuration
    }

    /// The error for an invalid value: `--bsp_max_queue_size: must be a positive integer, got '-1'`.
    static func invalid(
        _ variable: ConfigurationVariable, source: Source, problem: String, value: String?
    ) -> LauncherError {
        let subject: String = switch source {
        case .flag(let spelling): spelling
        case .environment: variable.name
        case .distro(let name): "\(variable.name) (default of distro \(name))"
        case .tableDefault: variable.name
        }
        let shown = value.map { variable.isSecret ? "" : ", got '\($0)'" } ?? ""
        return LauncherError("\(subject): \(problem)\(shown)")
    }

    /// Checks between variables: the batch size fits the queue.
    private func checkRelations() throws(LauncherError) {
        let queue = entry("OTEL_BSP_MAX_QUEUE_SIZE")
        let batch = entry("OTEL_BSP_MAX_EXPORT_BATCH_SIZE")
        if let q = int(queue.variable.name), let b = int(batch.variable.name), b > q {
            let queueName = queue.source.flagSpelling ?? queue.variable.name
            throw Self.invalid(batch.variable, source: batch.source,
                               problem: "must be at most \(queueName) (\(q))", value: batch.value)
        }
    }
}

extension ResolvedConfiguration.Source {
    var flagSpelling: String? {
        if case .flag(let spelling) = self { spelling } else { nil }
    }
}
