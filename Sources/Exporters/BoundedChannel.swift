import Dispatch
import Synchronization

/// A first-in first-out hand-over between threads that holds at most `capacity` items: a sender waits while it
/// is full, so a fast producer is slowed down instead of growing memory or dropping anything.
final class BoundedChannel<Item: Sendable>: Sendable {
    private let free: DispatchSemaphore
    private let ready = DispatchSemaphore(value: 0)
    private let queue = Mutex<[Item]>([])

    init(capacity: Int) {
        free = DispatchSemaphore(value: capacity)
    }

    func send(_ item: Item) {
        free.wait()
        queue.withLock { $0.append(item) }
        ready.signal()
    }

    func receive() -> Item {
        ready.wait()
        let item = queue.withLock { $0.removeFirst() }
        free.signal()
        return item
    }
}
