/// An error the user can fix: it prints as one line and the command exits with status 1.
public protocol BsbUserError: Error, CustomStringConvertible {}

/// A configuration that cannot be compiled, located by its key path (`placement.place_A.cell_types[0]`).
public struct ConfigurationError: BsbUserError, Equatable, Sendable {
    /// The dotted key path of the offending value; empty for the document itself.
    public let path: String
    /// What is wrong with it.
    public let message: String
    /// The file the configuration came from, when known.
    public var file: String?

    public init(path: String, _ message: String, file: String? = nil) {
        self.path = path
        self.message = message
        self.file = file
    }

    public var description: String {
        let location = [file, path.isEmpty ? nil : path].compactMap { $0 }.joined(separator: ": ")
        return location.isEmpty ? message : "\(location): \(message)"
    }
}

/// Joins key path components: `a` + `b` → `a.b`; indices are written `a[0]`.
func keyPath(_ base: String, _ key: String) -> String {
    base.isEmpty ? key : "\(base).\(key)"
}

func keyPath(_ base: String, index: Int) -> String {
    "\(base)[\(index)]"
}
