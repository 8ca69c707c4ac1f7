/// A named volume of the network cells are placed in (a layer, …).
///
/// The engine calls these methods through its tracing wrapper (`Layer.layout`, `Layer.volume`).
public protocol Partition: BsbComponent {
    /// The name in the configuration.
    var name: String { get }
    /// The position in its stack, when the configuration gives one (`stack_index`).
    var stackIndex: Int? { get }
    /// Places the partition at the bottom of `slot` (the free part of its stack) and returns the box it
    /// occupies; the next partition of the stack starts on top of it.
    mutating func layout(in slot: Box) throws -> Box
    /// The partition's volume inside each chunk, in µm³.
    func volume(in chunks: [Chunk]) -> [Double]
    /// The part of the partition inside `chunk`, where cells are drawn; `nil` if they do not meet.
    func region(in chunk: Chunk) -> Box?
}

extension Partition {
    public static var componentType: ComponentType { .partition }
}

/// Builds a partition from its configuration node (`type` already read). Registered in `bsb.partitions`.
public struct PartitionFactory: Sendable {
    public let make: @Sendable (_ name: String, _ node: inout ConfigNode) throws -> any Partition
    public init(make: @escaping @Sendable (_ name: String, _ node: inout ConfigNode) throws -> any Partition) {
        self.make = make
    }
}
