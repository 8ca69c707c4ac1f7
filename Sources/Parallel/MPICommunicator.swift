internal import CMPI

/// A communicator over MPI: the world of an `mpiexec`/`srun` job, or a part of it made by `split`.
public final class MPICommunicator: Communicator, @unchecked Sendable {
    let library: MPILibrary
    let handle: MPI_Comm
    public let rank: Int
    public let size: Int

    init(library: MPILibrary, handle: MPI_Comm) {
        self.library = library
        self.handle = handle
        var r: Int32 = 0
        var s: Int32 = 0
        _ = library.commRank(handle, &r)
        _ = library.commSize(handle, &s)
        rank = Int(r)
        size = Int(s)
    }

    public func barrier() {
        _ = library.barrier(handle)
    }

    public func broadcast(_ bytes: [UInt8], root: Int) -> [UInt8] {
        var length = Int64(rank == root ? bytes.count : 0)
        _ = library.bcast(&length, 1, cmpi_int64(), Int32(root), handle)
        var buffer = rank == root ? bytes : [UInt8](repeating: 0, count: Int(length))
        if length > 0 {
            buffer.withUnsafeMutableBytes { _ = library.bcast($0.baseAddress, Int32(length), cmpi_byte(), Int32(root), handle) }
        }
        return buffer
    }

    public func allGather(_ bytes: [UInt8]) -> [[UInt8]] {
        var counts = [Int32](repeating: 0, count: size)
        var mine = Int32(bytes.count)
        counts.withUnsafeMutableBytes { _ = library.allgather(&mine, 1, cmpi_int32(), $0.baseAddress, 1, cmpi_int32(), handle) }
        let displacements = Self.displacements(counts)
        var all = [UInt8](repeating: 0, count: Int(counts.reduce(0, +)))
        bytes.withUnsafeBytes { source in
            all.withUnsafeMutableBytes { target in
                _ = library.allgatherv(source.baseAddress, mine, cmpi_byte(), target.baseAddress, counts, displacements, cmpi_byte(), handle)
            }
        }
        return Self.split(all, counts: counts, displacements: displacements)
    }

    public func gather(_ bytes: [UInt8], root: Int) -> [[UInt8]] {
        var counts = [Int32](repeating: 0, count: size)
        var mine = Int32(bytes.count)
        counts.withUnsafeMutableBytes { _ = library.allgather(&mine, 1, cmpi_int32(), $0.baseAddress, 1, cmpi_int32(), handle) }
        let displacements = Self.displacements(counts)
        var all = [UInt8](repeating: 0, count: rank == root ? Int(counts.reduce(0, +)) : 0)
        bytes.withUnsafeBytes { source in
            all.withUnsafeMutableBytes { target in
                _ = library.gatherv(source.baseAddress, mine, cmpi_byte(), target.baseAddress, counts, displacements, cmpi_byte(), Int32(root), handle)
            }
        }
        return rank == root ? Self.split(all, counts: counts, displacements: displacements) : []
    }

    /// The ranks that pass the same `color`, ordered by `key`, as a new communicator (MPI_Comm_split).
    public func split(color: Int, key: Int) -> MPICommunicator {
        var new = cmpi_comm_null()
        _ = library.commSplit(handle, Int32(color), Int32(key), &new)
        return MPICommunicator(library: library, handle: new)
    }

    /// Ends the whole job at once: the way out when one rank fails and the others would wait forever.
    public func abort(code: Int32) -> Never {
        _ = library.abort(handle, code)
        fatalError("MPI_Abort returned")
    }

    static func displacements(_ counts: [Int32]) -> [Int32] {
        var result: [Int32] = []
        var offset: Int32 = 0
        for c in counts {
            result.append(offset)
            offset += c
        }
        return result
    }

    static func split(_ all: [UInt8], counts: [Int32], displacements: [Int32]) -> [[UInt8]] {
        zip(counts, displacements).map { Array(all[Int($1)..<Int($1 + $0)]) }
    }
}
