import Synchronization

/// The communicator of the whole job.
///
/// Serial until `World.install(_:)` is called by whoever detected and initialised MPI (the launcher).
public enum World {
    private static let installed = Mutex<any Communicator>(SerialCommunicator())

    /// The job's communicator.
    public static var communicator: any Communicator {
        installed.withLock { $0 }
    }

    /// Makes `communicator` the job's communicator.
    public static func install(_ communicator: any Communicator) {
        installed.withLock { $0 = communicator }
    }
}
