import ArgumentParser
import EntryPoints

/// A subcommand of `bsb`, registered in the `bsb.commands` group (`compile`, `show`; others add
/// `replay-otel`, `trace`, …). `BsbCLI.run` lists the group's entries as subcommands.
public struct BsbCommandEntry: @unchecked Sendable {
    /// The command type; its `configuration.commandName` is the subcommand name.
    public let command: any ParsableCommand.Type
    /// Whether the command runs in the collective `cli` root span (true for workflow commands).
    public let traced: Bool

    public init(_ command: any ParsableCommand.Type, traced: Bool = true) {
        self.command = command
        self.traced = traced
    }
}

/// The `bsb` root command; its subcommands are the `bsb.commands` entries of the running registry.
public struct Bsb: ParsableCommand {
    public static let version = "0.1.0"

    public static var configuration: CommandConfiguration {
        let registry = BsbRuntime.current?.registry ?? BsbEntryPoints.registry
        let names = registry.names(in: BsbGroup.commands)
        // `compile` first, then alphabetical.
        let ordered = names.filter { $0 == "compile" } + names.filter { $0 != "compile" }
        return CommandConfiguration(
            commandName: "bsb",
            abstract: "The Brain Scaffold Builder: compile network configurations into placed cells and connections.",
            version: "bsb \(version) (otel-instrument BSB workflow, storage engines: \(registry.names(in: BsbGroup.storageEngines).joined(separator: ", ")))",
            subcommands: ordered.compactMap { registry.entry(group: BsbGroup.commands, name: $0, as: BsbCommandEntry.self)?.command })
    }

    public init() {}
}
