/// The laid-out partitions of a network.
///
/// Stacking rule: the network is a stack along y. Its items are the regions that are nobody's child and
/// the partitions that are in no region, in declaration order (regions first) unless they give a
/// `stack_index`, which sorts them. A `stack` region lays out its children one on top of the other in its
/// slot, in the order of `children` (or of their `stack_index`); a `group` region puts them all at its
/// slot's bottom. So layers without regions stack in the order they are written, starting at y = 0.
public struct Topology: Sendable {
    public let network: Box
    public let grid: ChunkGrid
    public let partitions: [String: any Partition]

    /// Lays out the partitions of `configuration`, calling each partition's `layout` through `tracing`.
    public static func build(_ configuration: NetworkConfiguration, tracing: WorkflowTracing) throws -> Topology {
        let network = Box(lo: .zero, hi: configuration.size)
        let grid = try ChunkGrid(network: network, chunkSize: configuration.chunkSize)
        var partitions: [String: any Partition] = [:]
        var byName: [String: any Partition] = [:]
        for entry in configuration.partitions { byName[entry.name] = entry.partition }
        var regions: [String: NetworkConfiguration.Region] = [:]
        for region in configuration.regions { regions[region.name] = region }
        let children = Set(configuration.regions.flatMap(\.children))

        func stackIndex(_ name: String) -> Int? { byName[name]?.stackIndex ?? regions[name]?.stackIndex }
        func ordered(_ names: [String]) -> [String] {
            names.enumerated().sorted { a, b in
                let ka = stackIndex(a.element) ?? a.offset
                let kb = stackIndex(b.element) ?? b.offset
                return ka != kb ? ka < kb : a.offset < b.offset
            }.map(\.element)
        }
        func layOut(_ name: String, in slot: Box, depth: Int) throws -> Box {
            if let partition = byName[name] {
                let (box, laidOut) = try tracing.call(partition, "layout") { () throws -> (Box, any Partition) in
                    var p = partition
                    let box = try p.layout(in: slot)
                    return (box, p)
                }
                partitions[name] = laidOut
                return box
            }
            guard let region = regions[name], depth < 64 else { return Box(lo: slot.lo, hi: slot.lo) }
            var occupied = Box(lo: slot.lo, hi: SIMD3(slot.hi.x, slot.lo.y, slot.hi.z))
            var y = slot.lo.y
            for child in ordered(region.children) {
                let childSlot = Box(lo: SIMD3(slot.lo.x, region.type == "stack" ? y : slot.lo.y, slot.lo.z), hi: slot.hi)
                let box = try layOut(child, in: childSlot, depth: depth + 1)
                if region.type == "stack" { y = Swift.max(y, box.hi.y) }
                occupied.hi.y = Swift.max(occupied.hi.y, box.hi.y)
            }
            return occupied
        }
        let top = configuration.regions.map(\.name).filter { !children.contains($0) }
            + configuration.partitions.map(\.name).filter { !children.contains($0) }
        var y = network.lo.y
        for name in ordered(top) {
            let box = try layOut(name, in: Box(lo: SIMD3(network.lo.x, y, network.lo.z), hi: network.hi), depth: 0)
            y = Swift.max(y, box.hi.y)
        }
        return Topology(network: network, grid: grid, partitions: partitions)
    }
}
