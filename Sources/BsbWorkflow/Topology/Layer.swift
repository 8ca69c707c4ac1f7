/// A slab of the network: the full x and z extent, `thickness` µm along y, stacked on what is below it.
public struct Layer: Partition {
    public let name: String
    public let thickness: Double
    public let stackIndex: Int?
    /// The box the layer occupies once laid out.
    public private(set) var box = Box(lo: .zero, hi: .zero)

    public init(name: String, thickness: Double, stackIndex: Int? = nil) {
        self.name = name
        self.thickness = thickness
        self.stackIndex = stackIndex
    }

    public mutating func layout(in slot: Box) throws -> Box {
        box = Box(lo: slot.lo, hi: SIMD3(slot.hi.x, slot.lo.y + thickness, slot.hi.z))
        return box
    }

    public func volume(in chunks: [Chunk]) -> [Double] {
        chunks.map { box.intersection($0.box)?.volume ?? 0 }
    }

    public func region(in chunk: Chunk) -> Box? {
        box.intersection(chunk.box)
    }

    /// The `layer` factory: `{type: "layer", thickness: µm, stack_index?: int}`.
    static let factory = PartitionFactory { name, node in
        let thickness = try node.double("thickness")
        guard thickness >= 0 else {
            throw ConfigurationError(path: node.path("thickness"), "thickness must not be negative (got \(JSONValue.format(thickness)))")
        }
        let stackIndex = try node.optionalInt("stack_index")
        return Layer(name: name, thickness: thickness, stackIndex: stackIndex)
    }
}
