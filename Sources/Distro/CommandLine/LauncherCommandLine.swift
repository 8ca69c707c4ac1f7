/// A value given on the command line, with the flag as the user spelled it (for error messages).
public struct CommandLineValue: Sendable, Equatable {
    public let spelling: String
    public let value: String

    public init(spelling: String, value: String) {
        self.spelling = spelling
        self.value = value
    }
}

/// `otel-instrument [--flag value | --flag=value]… PROGRAM [ARGS…]`, parsed by hand from the table.
///
/// Every flag takes a value, as in Python's `opentelemetry-instrument`. Everything from the first word that
/// is not a flag (or from the word after `--`) is the program and its arguments, passed on untouched. Dashes
/// inside a flag name may be written as underscores or hyphens (`--service-name`).
public struct LauncherCommandLine: Sendable, Equatable {
    /// What the launcher is asked to do.
    public enum Action: Sendable, Equatable {
        case run(program: String, arguments: [String])
        case help
        case version
        /// Hidden: print the resolved configuration (secrets redacted) and exit.
        case printConfiguration
        /// Hidden: print the man page (roff) and exit.
        case generateManPage
    }

    public var action: Action
    /// Values of the table's variables, by variable name.
    public var values: [String: CommandLineValue]
    /// `-v` / `--verbose`: report where the trace went even when standard error is not a terminal.
    public var verbose: Bool

    /// The launcher's own flags, which are not configuration variables.
    public static let launcherFlags: [(flags: String, help: String)] = [
        ("-h, --help", "Show this help and exit."),
        ("--version", "Show the version and exit."),
        ("-v, --verbose", "Say where the trace was written even when standard error is not a terminal."),
    ]

    /// Parses the arguments after the launcher's own name.
    public static func parse(_ arguments: some Collection<String>) throws(LauncherError) -> LauncherCommandLine {
        var result = LauncherCommandLine(action: .help, values: [:], verbose: false)
        var requested: Action?
        var words = arguments[...]
        while let word = words.first {
            words = words.dropFirst()
            if word == "--" {
                guard let program = words.first else { throw LauncherError("missing program after --") }
                result.action = .run(program: program, arguments: Array(words.dropFirst()))
                return result
            }
            guard word.hasPrefix("-"), word != "-" else {
                result.action = requested ?? .run(program: word, arguments: Array(words))
                return result
            }
            switch word {
            case "-h", "--help": requested = requested ?? .help; continue
            case "--version": requested = requested ?? .version; continue
            case "-v", "--verbose": result.verbose = true; continue
            case "--print-config": requested = requested ?? .printConfiguration; continue
            case "--generate-man": requested = requested ?? .generateManPage; continue
            default: break
            }
            guard word.hasPrefix("--") else { throw unknownFlag(word) }
            let body = word.dropFirst(2)
            let equals = body.firstIndex(of: "=")
            let typedName = equals.map { body[..<$0] } ?? body
            let spelling = "--" + typedName
            let name = String(typedName).replacingHyphens
            guard let variable = ConfigurationTable.variable(flag: name), variable.flagName == name else {
                throw unknownFlag(spelling)
            }
            let value: String
            if let equals {
                value = String(body[body.index(after: equals)...])
            } else {
                guard let next = words.first else {
                    throw LauncherError("\(spelling): missing value (\(variable.type.placeholder))")
                }
                value = next
                words = words.dropFirst()
            }
            result.values[variable.name] = CommandLineValue(spelling: spelling, value: value)
        }
        guard let requested else { throw LauncherError("missing program; usage: \(usage) (see otel-instrument --help)") }
        result.action = requested
        return result
    }

    public static let usage = "otel-instrument [--flag value | --flag=value]... PROGRAM [ARGUMENTS...]"

    /// An unknown flag, with the flags it is closest to.
    static func unknownFlag(_ spelling: String) -> LauncherError {
        let typed = String(spelling.drop { $0 == "-" }).replacingHyphens
        let limit = max(2, typed.count / 4)
        var scored: [(flag: String, distance: Int)] = []
        for flag in ConfigurationTable.variables.map(\.flagName) {
            let distance = EditDistance.between(typed, flag)
            if distance <= limit || (typed.count >= 4 && flag.contains(typed)) { scored.append((flag, distance)) }
        }
        scored.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.flag < $1.flag }
        let suggestions = scored.prefix(3).map { "--" + $0.flag }
        let hint = suggestions.isEmpty ? "" : "did you mean \(suggestions.joined(separator: ", "))? "
        return LauncherError("unknown flag '\(spelling)' (\(hint)otel-instrument --help lists all \(ConfigurationTable.variables.count + 3) flags)")
    }
}

extension String {
    var replacingHyphens: String {
        contains("-") ? String(map { $0 == "-" ? "_" : $0 }) : self
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
enum EditDistance {
    static func between(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1,
                                       previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
