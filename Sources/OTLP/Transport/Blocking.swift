import Dispatch
import NIOCore
import Synchronization

/// A value one thread waits for and another provides, with a bounded wait: how the synchronous exporter waits
/// for its asynchronous network work.
final class Rendezvous<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)
    private let semaphore = DispatchSemaphore(value: 0)

    /// Provides the value; the first call wins.
    func complete(_ newValue: Value) {
        let first = value.withLock { v -> Bool in
            guard v == nil else { return false }
            v = newValue
            return true
        }
        if first { semaphore.signal() }
    }

    /// The value, or nil if none came within `timeout`.
    func wait(for timeout: Duration) -> Value? {
        let nanos = Int(clamping: timeout.nanoseconds)
        _ = semaphore.wait(timeout: .now() + .nanoseconds(nanos))
        return value.withLock { $0 }
    }
}

/// Runs Swift concurrency jobs on a NIO event loop, so the exporter's tasks never need a thread of the
/// cooperative pool: a caller that blocks a pool thread while it waits for an export (a program ending spans
/// inside a task) cannot starve the export it waits for.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
