#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import Telemetry

/// A background thread that exports what batch processors have held for their schedule delay.
///
/// `Telemetry` starts no thread; the launcher starts this one, and only when the program does not run under
/// MPI (a thread exporting behind an MPI program's back is what the simple processor exists to avoid).
public final class BatchFlushTimer: Sendable {
    private let processors: [BatchSpanProcessor]
    private let periodNanos: UInt64
    private let stopped = Atomic<Bool>(false)

    private init(processors: [BatchSpanProcessor]) {
        self.processors = processors
        // A quarter of the shortest delay keeps a span's wait under 1.25 × the delay; between 5 ms and 1 s.
        let delay = processors.map(\.configuration.scheduleDelayNanos).min() ?? 5_000_000_000
        periodNanos = min(max(delay / 4, 5_000_000), 1_000_000_000)
    }

    /// Starts the thread for `processors`; nil when there is nothing to drive or the thread cannot start.
    public static func start(_ processors: [BatchSpanProcessor]) -> BatchFlushTimer? {
        guard !processors.isEmpty else { return nil }
        let timer = BatchFlushTimer(processors: processors)
        let context = Unmanaged.passRetained(timer).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let started = pthread_create(&thread, nil, { context in
            let timer = Unmanaged<BatchFlushTimer>.fromOpaque(context!).takeRetainedValue()
            timer.run()
            return nil
        }, context)
        guard started == 0 else {
            Unmanaged<BatchFlushTimer>.fromOpaque(context).release()
            return nil
        }
        #if canImport(Glibc)
        pthread_detach(thread)
        #else
        if let thread { pthread_detach(thread) }
        #endif
        return timer
    }

    /// Stops flushing; the thread ends at its next wake-up. Shutting the provider down flushes the rest.
    public func stop() {
        stopped.store(true, ordering: .releasing)
    }

    private func run() {
        var interval = timespec(tv_sec: Int(periodNanos / 1_000_000_000), tv_nsec: Int(periodNanos % 1_000_000_000))
        while !stopped.load(ordering: .acquiring) {
            var remaining = timespec()
            while nanosleep(&interval, &remaining) != 0 && errno == EINTR { interval = remaining }
            interval = timespec(tv_sec: Int(periodNanos / 1_000_000_000), tv_nsec: Int(periodNanos % 1_000_000_000))
            if stopped.load(ordering: .acquiring) { break }
            let now = WallClock.nowNanos()
            for processor in processors { processor.flushIfDue(nowNanos: now) }
        }
    }
}

/// Whether this process was started by an MPI launcher, read from the environment only (MPI is not touched).
public enum MPIEnvironment {
    /// True when any of `PMI_RANK`, `PMI_SIZE`, `OMPI_COMM_WORLD_RANK`, `PMIX_RANK` is set, or `SLURM_PROCID`
    /// with `SLURM_NTASKS` > 1.
    public static func isActive(_ environment: [String: String]) -> Bool {
        for name in ["PMI_RANK", "PMI_SIZE", "OMPI_COMM_WORLD_RANK", "PMIX_RANK"] where environment[name] != nil {
            return true
        }
        if environment["SLURM_PROCID"] != nil, let tasks = environment["SLURM_NTASKS"].flatMap({ Int($0) }), tasks > 1 {
            return true
        }
        return false
    }
}
