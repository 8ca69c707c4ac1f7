#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Distro
import Synchronization

/// A program run as a child process: found in PATH, spawned, waited for, with the launcher's signals
/// forwarded to it.
struct ChildProcess {
    /// How the child ended.
    enum Termination: Equatable {
        case exited(Int32)
        case signaled(Int32)

        /// The launcher's exit code for it: the child's code, or 128 + the signal, as a shell reports it.
        var exitCode: Int32 {
            switch self {
            case .exited(let code): code
            case .signaled(let signal): 128 + signal
            }
        }
    }

    let pid: pid_t

    /// Signals the launcher passes on to the child while it runs.
    static let forwardedSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    /// The executable `program` names: itself when it contains a slash, else the first match in `PATH`.
    static func locate(_ program: String, path: String?) throws(LauncherError) -> String {
        if program.contains("/") {
            switch check(program) {
            case .executable: return program
            case .missing: throw LauncherError("\(program): no such file", exitCode: LauncherError.notFound)
            case .notExecutable: throw LauncherError("\(program): permission denied", exitCode: LauncherError.cannotExecute)
            }
        }
        var foundButNotExecutable: String?
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + program
            switch check(candidate) {
            case .executable: return candidate
            case .notExecutable: foundButNotExecutable = foundButNotExecutable ?? candidate
            case .missing: continue
            }
        }
        if let foundButNotExecutable {
            throw LauncherError("\(foundButNotExecutable): permission denied", exitCode: LauncherError.cannotExecute)
        }
        throw LauncherError("\(program): command not found", exitCode: LauncherError.notFound)
    }

    private enum FileCheck { case executable, notExecutable, missing }

    private static func check(_ path: String) -> FileCheck {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        guard info.st_mode & S_IFMT == S_IFREG else { return .notExecutable }
        return access(path, X_OK) == 0 ? .executable : .notExecutable
    }

    /// Starts `path` with `arguments` (the first is the program's own name) and `environment`
    /// (`NAME=value`), with the launcher's forwarded signals installed; returns the errno on failure.
    static func spawn(path: String, arguments: [String], environment: [String]) -> Result<ChildProcess, Errno> {
        SignalForwarding.install()
        var argv = arguments.map { strdup($0) } + [nil]
        var envp = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with the signal mask the launcher had before it blocked the forwarded signals.
        var mask = SignalForwarding.originalMask
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid = pid_t()
        let result = posix_spawn(&pid, path, nil, &attributes, &argv, &envp)
        guard result == 0 else {
            SignalForwarding.uninstall()
            return .failure(Errno(result))
        }
        SignalForwarding.started(pid)
        return .success(ChildProcess(pid: pid))
    }

    /// Waits for the child to end, then stops forwarding signals.
    func wait() -> Termination {
        // Observe the end without reaping, so no signal is ever forwarded to a pid the system has reused.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
        SignalForwarding.finished()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        SignalForwarding.uninstall()
        let low = status & 0x7F
        return low == 0 ? .exited((status >> 8) & 0xFF) : .signaled(low)
    }

    /// `SIGTERM` for 15, as the span records it.
    static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [
            SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
            SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGUSR1: "SIGUSR1",
            SIGSEGV: "SIGSEGV", SIGUSR2: "SIGUSR2", SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM",
            SIGXCPU: "SIGXCPU", SIGXFSZ: "SIGXFSZ", SIGSYS: "SIGSYS",
        ]
        return names[signal] ?? "signal \(signal)"
    }
}

/// An `errno` value.
struct Errno: Error, Equatable {
    let code: Int32
    init(_ code: Int32) { self.code = code }
    var message: String { String(cString: strerror(code)) }
}

/// The pid signals are forwarded to; 0 when there is none. Read by the signal handler.
private let forwardTarget = Atomic<Int32>(0)
/// Linux's `si_code` for a signal the kernel sent, e.g. the terminal's Ctrl-C to the foreground process group.
private let siKernel: Int32 = 0x80

/// Signals that arrived before the child's pid was recorded, one bit each, sent on as soon as it is.
private let pendingSignals = Atomic<UInt64>(0)

private func forwardSignal(_ signal: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _: UnsafeMutableRawPointer?) {
    // A signal from the terminal went to the whole process group, the child included: sending it again would
    // deliver it twice.
    if let info, info.pointee.si_code == siKernel { return }
    // A thread started before the forwarded signals were blocked may take the signal while the spawning thread
    // has not recorded the child yet: keep it for `started`, then look again in case that has just happened.
    pendingSignals.bitwiseOr(1 << UInt64(signal), ordering: .acquiringAndReleasing)
    sendPendingSignals()
}

/// Sends every pending signal to the child, once, if its pid is known.
private func sendPendingSignals() {
    let pid = forwardTarget.load(ordering: .acquiring)
    guard pid > 0 else { return }
    var pending = pendingSignals.exchange(0, ordering: .acquiringAndReleasing)
    while pending != 0 {
        kill(pid, Int32(pending.trailingZeroBitCount))
        pending &= pending - 1
    }
}

/// Installs and removes the handlers that forward signals to the child.
///
/// Signals ignored when the launcher started (`nohup`, a background job) stay ignored, so the child inherits
/// them ignored as it would without the launcher.
enum SignalForwarding {
    nonisolated(unsafe) static var originalMask = sigset_t()
    nonisolated(unsafe) private static var originalActions: [Int32: sigaction] = [:]

    static func install() {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        for signal in ChildProcess.forwardedSignals { sigaddset(&blocked, signal) }
        // Blocked until the child's pid is known, so no signal arrives with nobody to forward it to.
        sigprocmask(SIG_BLOCK, &blocked, &originalMask)
        for signal in ChildProcess.forwardedSignals {
            var old = sigaction()
            sigaction(signal, nil, &old)
            if let handler = old.__sigaction_handler.sa_handler, unsafeBitCast(handler, to: Int.self) == 1 {
                continue  // SIG_IGN
            }
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = forwardSignal
            action.sa_flags = SA_SIGINFO | SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
            originalActions[signal] = old
        }
    }

    static func started(_ pid: pid_t) {
        forwardTarget.store(pid, ordering: .releasing)
        sendPendingSignals()
        var mask = originalMask
        sigprocmask(SIG_SETMASK, &mask, nil)
    }

    static func finished() {
        forwardTarget.store(0, ordering: .releasing)
    }

    static func uninstall() {
        forwardTarget.store(0, ordering: .releasing)
        for (signal, action) in originalActions {
            var action = action
            sigaction(signal, &action, nil)
        }
        originalActions = [:]
        var mask = originalMask
        sigprocmask(SIG_SETMASK, &mask, nil)
    }
}
