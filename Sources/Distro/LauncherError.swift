/// Why the launcher stops before (or instead of) running the program, with the exit code it stops with.
///
/// The message is one line, printed after `otel-instrument: `. Usage errors (an unknown flag, distro,
/// configurator or exporter, an invalid value) exit with 2; a program that cannot be found with 127.
public struct LauncherError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public let exitCode: Int32

    public init(_ message: String, exitCode: Int32 = LauncherError.usage) {
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String { message }

    /// Exit code of every error the user can fix on the command line.
    public static let usage: Int32 = 2
    /// Exit code when the program is not found, as a shell says it.
    public static let notFound: Int32 = 127
    /// Exit code when the program is found but cannot be executed, as a shell says it.
    public static let cannotExecute: Int32 = 126
}
