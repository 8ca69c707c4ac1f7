#if canImport(Glibc)
import Glibc
#endif
internal import CMPI

/// The MPI functions we call, resolved from the MPICH-ABI library at run time.
///
/// Loading with `dlopen` instead of linking keeps serial start-up free of MPI (and lets the binaries run on
/// machines without MPI). Handles come from the `CMPI` shims, compiled against MPICH's `mpi.h`; any library
/// of the MPICH ABI (MPICH, Intel MPI, Cray MPICH, MVAPICH) works.
struct MPILibrary: @unchecked Sendable {
    typealias Comm = MPI_Comm
    typealias Datatype = MPI_Datatype

    let initThread: @convention(c) (UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?, Int32, UnsafeMutablePointer<Int32>?) -> Int32
    let initialized: @convention(c) (UnsafeMutablePointer<Int32>?) -> Int32
    let finalized: @convention(c) (UnsafeMutablePointer<Int32>?) -> Int32
    let finalize: @convention(c) () -> Int32
    let abort: @convention(c) (Comm, Int32) -> Int32
    let commRank: @convention(c) (Comm, UnsafeMutablePointer<Int32>?) -> Int32
    let commSize: @convention(c) (Comm, UnsafeMutablePointer<Int32>?) -> Int32
    let commSplit: @convention(c) (Comm, Int32, Int32, UnsafeMutablePointer<Comm>?) -> Int32
    let commDup: @convention(c) (Comm, UnsafeMutablePointer<Comm>?) -> Int32
    let barrier: @convention(c) (Comm) -> Int32
    let bcast: @convention(c) (UnsafeMutableRawPointer?, Int32, Datatype, Int32, Comm) -> Int32
    let allgather: @convention(c) (UnsafeRawPointer?, Int32, Datatype, UnsafeMutableRawPointer?, Int32, Datatype, Comm) -> Int32
    let allgatherv: @convention(c) (UnsafeRawPointer?, Int32, Datatype, UnsafeMutableRawPointer?, UnsafePointer<Int32>?, UnsafePointer<Int32>?, Datatype, Comm) -> Int32
    let gatherv: @convention(c) (UnsafeRawPointer?, Int32, Datatype, UnsafeMutableRawPointer?, UnsafePointer<Int32>?, UnsafePointer<Int32>?, Datatype, Int32, Comm) -> Int32
    let wtime: @convention(c) () -> Double

    /// Names tried in order: MPICH's soname first.
    static let candidates = ["libmpich.so.12", "libmpi.so.12", "libmpich.so"]

    /// Loads the library, or explains why it could not.
    static func load() -> Result<MPILibrary, MPIError> {
        var handle: UnsafeMutableRawPointer?
        var errors: [String] = []
        for name in candidates {
            handle = dlopen(name, RTLD_NOW | RTLD_GLOBAL)
            if handle != nil { break }
            errors.append(dlerror().map { String(cString: $0) } ?? name)
        }
        guard let handle else {
            return .failure(MPIError(message: "cannot load an MPI library of the MPICH ABI (\(errors.joined(separator: "; "))); install mpich"))
        }
        func symbol<T>(_ name: String, as type: T.Type) throws(MPIError) -> T {
            guard let pointer = dlsym(handle, name) else { throw MPIError(message: "the MPI library has no \(name)") }
            return unsafeBitCast(pointer, to: T.self)
        }
        do throws(MPIError) {
            return .success(MPILibrary(
                initThread: try symbol("MPI_Init_thread", as: (@convention(c) (UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?, Int32, UnsafeMutablePointer<Int32>?) -> Int32).self),
                initialized: try symbol("MPI_Initialized", as: (@convention(c) (UnsafeMutablePointer<Int32>?) -> Int32).self),
                finalized: try symbol("MPI_Finalized", as: (@convention(c) (UnsafeMutablePointer<Int32>?) -> Int32).self),
                finalize: try symbol("MPI_Finalize", as: (@convention(c) () -> Int32).self),
                abort: try symbol("MPI_Abort", as: (@convention(c) (Comm, Int32) -> Int32).self),
                commRank: try symbol("MPI_Comm_rank", as: (@convention(c) (Comm, UnsafeMutablePointer<Int32>?) -> Int32).self),
                commSize: try symbol("MPI_Comm_size", as: (@convention(c) (Comm, UnsafeMutablePointer<Int32>?) -> Int32).self),
                commSplit: try symbol("MPI_Comm_split", as: (@convention(c) (Comm, Int32, Int32, UnsafeMutablePointer<Comm>?) -> Int32).self),
                commDup: try symbol("MPI_Comm_dup", as: (@convention(c) (Comm, UnsafeMutablePointer<Comm>?) -> Int32).self),
                barrier: try symbol("MPI_Barrier", as: (@convention(c) (Comm) -> Int32).self),
                bcast: try symbol("MPI_Bcast", as: (@convention(c) (UnsafeMutableRawPointer?, Int32, Datatype, Int32, Comm) -> Int32).self),
                allgather: try symbol("MPI_Allgather", as: (@convention(c) (UnsafeRawPointer?, Int32, Datatype, UnsafeMutableRawPointer?, Int32, Datatype, Comm) -> Int32).self),
                allgatherv: try symbol("MPI_Allgatherv", as: (@convention(c) (UnsafeRawPointer?, Int32, Datatype, UnsafeMutableRawPointer?, UnsafePointer<Int32>?, UnsafePointer<Int32>?, Datatype, Comm) -> Int32).self),
                gatherv: try symbol("MPI_Gatherv", as: (@convention(c) (UnsafeRawPointer?, Int32, Datatype, UnsafeMutableRawPointer?, UnsafePointer<Int32>?, UnsafePointer<Int32>?, Datatype, Int32, Comm) -> Int32).self),
                wtime: try symbol("MPI_Wtime", as: (@convention(c) () -> Double).self)))
        } catch {
            return .failure(error)
        }
    }
}

/// MPI could not be loaded, initialised or used.
public struct MPIError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}
