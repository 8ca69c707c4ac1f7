import EntryPoints

/// The BSB's entries in the plugin registry, for the launcher to merge:
///
/// - `program/bsb`: an `InProcessProgram` running the `bsb` command line with the installed tracer and
///   `World.communicator`;
/// - `bsb.commands`: `compile`, `show`, `replay-otel` (`BsbCommandEntry`);
/// - `bsb.placement`: `bsb.placement.RandomPlacement`, `…FixedPositions`, `…ParticlePlacement`;
/// - `bsb.connectivity`: `bsb.connectivity.AllToAll`, `…DistanceConnectivity`;
/// - `bsb.partitions`: `layer`;
/// - `bsb.storage.engines`: `fs`.
public enum BsbEntryPoints {
    /// The BSB's registry.
    public static var registry: EntryPointRegistry {
        var registry = components
        registry.register(group: EntryPointGroup.program, name: "bsb", program(registry: nil))
        return registry
    }

    /// Everything but the program entry.
    public static var components: EntryPointRegistry {
        var registry = EntryPointRegistry()
        registry.register(group: BsbGroup.commands, name: "compile", BsbCommandEntry(CompileCommand.self))
        registry.register(group: BsbGroup.commands, name: "show", BsbCommandEntry(ShowCommand.self, traced: false))
        registry.register(group: BsbGroup.commands, name: "replay-otel", BsbCommandEntry(ReplayCommand.self, traced: false))
        registry.register(group: BsbGroup.commands, name: "trace", BsbCommandEntry(TraceCommand.self, traced: false))
        registry.register(group: BsbGroup.placement, name: "bsb.placement.RandomPlacement", RandomPlacement.factory)
        registry.register(group: BsbGroup.placement, name: "bsb.placement.FixedPositions", FixedPositions.factory)
        registry.register(group: BsbGroup.placement, name: "bsb.placement.ParticlePlacement", ParticlePlacement.factory)
        registry.register(group: BsbGroup.connectivity, name: "bsb.connectivity.AllToAll", AllToAll.factory)
        registry.register(group: BsbGroup.connectivity, name: "bsb.connectivity.DistanceConnectivity", DistanceConnectivity.factory)
        registry.register(group: BsbGroup.partitions, name: "layer", Layer.factory)
        registry.register(group: BsbGroup.storageEngines, name: "fs", FileStorage.factory)
        return registry
    }

    /// The `bsb` program. With `registry` (e.g. the launcher's merged registry, holding more
    /// `bsb.commands` such as `replay-otel`), its commands and components come from there; with `nil`,
    /// from `BsbEntryPoints.registry`.
    public static func program(registry: EntryPointRegistry?) -> InProcessProgram {
        InProcessProgram(summary: "The Brain Scaffold Builder (bsb compile, bsb show, …)") { arguments in
            BsbCLI.run(arguments, runtime: BsbRuntime(registry: registry ?? BsbEntryPoints.registry))
        }
    }
}
