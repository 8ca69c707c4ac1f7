#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Parallel
import Synchronization
import Telemetry

/// `ensure_spans_on_exit()`: turns SIGTERM, SIGINT and SIGHUP into an orderly end of an in-process program.
///
/// The signals are blocked in every thread and taken by one watcher thread with `sigwait`, so no code runs in
/// a signal handler. On the first signal every open span, on every thread, is ended with ERROR status and an
/// event `terminated by SIGTERM`, the processors flush, and the process exits with 128 + signal. A second
/// signal, or 1.8 s without the flush finishing (a dead collector), exits at once: the process never hangs.
enum SpansOnExit {
    static let signals: [Int32] = [SIGTERM, SIGINT, SIGHUP]
    /// How long the flush may take before the process exits anyway; under the 2 s users are promised.
    static let graceNanos = 1_800_000_000
    /// Set when a signal arrives: from then on the signal decides how the process ends, not the program.
    static let terminating = Atomic<Bool>(false)

    /// Never returns once a signal is being handled, so a program finishing meanwhile cannot exit with its own
    /// code (0) while its spans are being ended: the watcher exits the process with 128 + signal.
    static func holdIfTerminating() {
        guard terminating.load(ordering: .acquiring) else { return }
        while true { sleep(1) }
    }

    /// How long a terminated MPI rank waits, its spans written, before exiting (see `Cleanup.run`).
    static let mpiLingerMicros: UInt32 = 150_000

    /// Blocks the signals in the calling thread (and so in every thread started after it). Call it before
    /// any other thread exists.
    static func blockSignals() {
        var set = signalSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Starts the watcher thread for `provider` and its open-span registry.
    static func install(provider: TracerProvider, openSpans: OpenSpanRegistry?) {
        let context = Unmanaged.passRetained(Watcher(provider: provider, openSpans: openSpans)).toOpaque()
        var thread = pthread_t()
        pthread_create(&thread, nil, { raw in
            Unmanaged<Watcher>.fromOpaque(raw!).takeRetainedValue().watch()
            return nil
        }, context)
        pthread_detach(thread)
    }

    static func signalSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        return set
    }

    static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case SIGHUP: "SIGHUP"
        default: "signal \(signal)"
        }
    }

    final class Watcher: @unchecked Sendable {
        let provider: TracerProvider
        let openSpans: OpenSpanRegistry?

        init(provider: TracerProvider, openSpans: OpenSpanRegistry?) {
            self.provider = provider
            self.openSpans = openSpans
        }

        func watch() {
            var set = SpansOnExit.signalSet()
            var received: Int32 = 0
            guard sigwait(&set, &received) == 0 else { return }
            SpansOnExit.terminating.store(true, ordering: .releasing)
            let code = 128 + received
            // The flush runs on its own thread, so this one can still take a second signal or time out.
            let cleanup = Unmanaged.passRetained(Cleanup(watcher: self, signal: received)).toOpaque()
            var thread = pthread_t()
            pthread_create(&thread, nil, { raw in
                Unmanaged<Cleanup>.fromOpaque(raw!).takeRetainedValue().run()
                return nil
            }, cleanup)
            var timeout = timespec(tv_sec: SpansOnExit.graceNanos / 1_000_000_000,
                                   tv_nsec: SpansOnExit.graceNanos % 1_000_000_000)
            _ = sigtimedwait(&set, nil, &timeout)
            _exit(code)
        }
    }

    final class Cleanup: @unchecked Sendable {
        let watcher: Watcher
        let signal: Int32

        init(watcher: Watcher, signal: Int32) {
            self.watcher = watcher
            self.signal = signal
        }

        func run() {
            watcher.openSpans?.terminateAll(reason: "terminated by \(SpansOnExit.name(signal))")
            watcher.provider.shutdown()
            // An MPI launcher kills every rank as soon as one exits. The others were signalled at the same moment
            // and are writing their own spans: let them finish before this rank's exit sets that off.
            if World.isMPI { usleep(SpansOnExit.mpiLingerMicros) }
            _exit(128 + signal)
        }
    }
}
