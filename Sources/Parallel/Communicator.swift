/// A group of processes that exchange bytes: the world of an MPI job, or a single serial process.
///
/// The workflow code is written against this protocol only, so the same code runs serially (no MPI
/// initialised at all) and under `mpiexec`/`srun`.
public protocol Communicator: Sendable {
    /// This process's rank in the group, from 0.
    var rank: Int { get }
    /// The number of processes in the group.
    var size: Int { get }
    /// Blocks until every rank has called it.
    func barrier()
    /// Rank `root`'s `bytes`, delivered to every rank (the argument is ignored on the other ranks).
    func broadcast(_ bytes: [UInt8], root: Int) -> [UInt8]
    /// Every rank's `bytes`, in rank order, delivered to every rank.
    func allGather(_ bytes: [UInt8]) -> [[UInt8]]
    /// Every rank's `bytes`, in rank order, delivered to `root` only (the others get an empty array).
    func gather(_ bytes: [UInt8], root: Int) -> [[UInt8]]
}

/// The one-process communicator: every collective returns at once.
public struct SerialCommunicator: Communicator {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func barrier() {}
    public func broadcast(_ bytes: [UInt8], root: Int) -> [UInt8] { bytes }
    public func allGather(_ bytes: [UInt8]) -> [[UInt8]] { [bytes] }
    public func gather(_ bytes: [UInt8], root: Int) -> [[UInt8]] { [bytes] }
}
