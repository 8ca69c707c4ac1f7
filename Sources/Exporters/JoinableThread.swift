#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A thread running one closure, waited for with `join()`.
final class JoinableThread: Sendable {
    #if canImport(Glibc)
    private let thread: pthread_t
    private init(_ thread: pthread_t) { self.thread = thread }
    #else
    private let thread: pthread_t?
    private init(_ thread: pthread_t?) { self.thread = thread }
    #endif

    /// The thread running `body`, or nil when the system gives no thread.
    static func start(_ body: @escaping @Sendable () -> Void) -> JoinableThread? {
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        guard pthread_create(&thread, nil, { raw in
            Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
            return nil
        }, box) == 0 else {
            Unmanaged<Box>.fromOpaque(box).release()
            return nil
        }
        return JoinableThread(thread)
    }

    func join() {
        #if canImport(Glibc)
        pthread_join(thread, nil)
        #else
        if let thread { pthread_join(thread, nil) }
        #endif
    }

    private final class Box: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}
