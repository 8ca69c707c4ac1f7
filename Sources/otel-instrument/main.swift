import BsbWorkflow
import Distro
import EntryPoints

// The registry is composed here from each module's own entries: the Distro module's distros, configurators
// and exporters, then the BSB's components and its `bsb` program (which sees the merged registry, so
// commands and components registered by other modules reach it). An OTLP exporter module will add one
// `.merging(...)` here.
let components = DistroEntryPoints.registry.merging(BsbEntryPoints.components)
var registry = components
registry.register(group: EntryPointGroup.program, name: "bsb", BsbEntryPoints.program(registry: components))

Launcher(registry: registry).main(CommandLine.arguments.dropFirst())
