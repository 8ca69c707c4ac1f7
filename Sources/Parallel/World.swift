#if canImport(Glibc)
import Glibc
#endif
internal import CMPI
import Synchronization

/// The communicator of the whole job.
///
/// Serial until `World.initializeFromEnvironment()` finds a launcher (mpiexec, srun, …) in the environment and
/// initialises MPI; a serial run never loads or initialises MPI.
public enum World {
    private struct State {
        var communicator: any Communicator = SerialCommunicator()
        var mpi: MPICommunicator?
        var finalized = false
    }

    private static let state = Mutex(State())

    /// The job's communicator.
    public static var communicator: any Communicator {
        state.withLock { $0.communicator }
    }

    /// Makes `communicator` the job's communicator (tests, or a program that manages MPI itself).
    public static func install(_ communicator: any Communicator) {
        state.withLock { $0.communicator = communicator }
    }

    /// Whether MPI was initialised by `initializeFromEnvironment`.
    public static var isMPI: Bool { state.withLock { $0.mpi != nil } }

    /// What initialisation did, for the launcher to report.
    public struct Initialization: Sendable {
        public let launch: LaunchEnvironment?
        public let rank: Int
        public let size: Int
        /// Problems worth one line on standard error each (size mismatch, MPI missing).
        public let warnings: [String]
    }

    /// Initialises MPI when `environment` shows a parallel launch, and installs the world communicator.
    ///
    /// When the environment describes N ranks but MPI reports another size (e.g. `srun --mpi=none`, where
    /// every rank is an MPI singleton), the warning says so: each rank would otherwise start its own trace.
    @discardableResult
    public static func initializeFromEnvironment(_ environment: [String: String] = LaunchEnvironment.current()) -> Initialization {
        guard let launch = LaunchEnvironment.detect(environment), launch.isParallel else {
            return Initialization(launch: LaunchEnvironment.detect(environment), rank: 0, size: 1, warnings: [])
        }
        let library: MPILibrary
        switch MPILibrary.load() {
        case .success(let loaded): library = loaded
        case .failure(let error):
            return Initialization(launch: launch, rank: launch.rank, size: 1, warnings: [
                "the environment describes rank \(launch.rank) of \(launch.size) (\(launch.source)) but \(error.message); "
                    + "this process runs alone and starts its own trace",
            ])
        }
        var provided: Int32 = 0
        var already: Int32 = 0
        _ = library.initialized(&already)
        if already == 0 { _ = library.initThread(nil, nil, cmpi_thread_serialized(), &provided) }
        let world = MPICommunicator(library: library, handle: cmpi_comm_world())
        state.withLock {
            $0.communicator = world
            $0.mpi = world
        }
        var warnings: [String] = []
        if world.size != launch.size {
            warnings.append(
                "the environment describes \(launch.size) ranks (\(launch.source)) but MPI reports a world of \(world.size): "
                    + "every process will start its own trace. Under Slurm, run srun with --mpi=pmi2 (or set MpiDefault=pmi2).")
        }
        return Initialization(launch: launch, rank: world.rank, size: world.size, warnings: warnings)
    }

    /// Finalises MPI if it was initialised; later calls do nothing.
    public static func finalize() {
        let mpi: MPICommunicator? = state.withLock { s in
            guard let mpi = s.mpi, !s.finalized else { return nil }
            s.finalized = true
            return mpi
        }
        guard let mpi else { return }
        var done: Int32 = 0
        _ = mpi.library.finalized(&done)
        if done == 0 { _ = mpi.library.finalize() }
    }

    /// Ends every rank of the job with `code` after printing `message`: what a failing rank calls so the others
    /// do not wait forever in a collective. Serial runs just exit.
    public static func abort(code: Int32, message: String) -> Never {
        let line = Array((message.hasSuffix("\n") ? message : message + "\n").utf8)
        line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
        if let mpi = state.withLock({ $0.finalized ? nil : $0.mpi }) { mpi.abort(code: code) }
        exit(code)
    }
}
