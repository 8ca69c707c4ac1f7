#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization
import Telemetry

/// A file's spans decoded on a second thread and handed over in batches, so that decoding (the larger half of a
/// replay's work) overlaps with exporting on the caller's thread. A few batches in flight bound the memory.
enum DecodedBatches {
    static let batchSize = 1024
    static let inFlight = 4

    enum Item: Sendable {
        case spans([SpanRecord])
        case end(Result<SpanFileReader.Outcome, LineReaderError>)
    }

    final class Channel: Sendable {
        let free = DispatchSemaphore(value: DecodedBatches.inFlight)
        let ready = DispatchSemaphore(value: 0)
        let queue = Mutex<[Item]>([])

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

    /// Calls `body` with every span of `reader`'s file, in order, in batches, on the calling thread.
    static func pipe(_ reader: SpanFileReader, _ body: ([SpanRecord]) -> Void) throws(SpanReplay.Failure) {
        let channel = Channel()
        let started = JoinableThread.start {
            var batch: [SpanRecord] = []
            batch.reserveCapacity(batchSize)
            let result: Result<SpanFileReader.Outcome, LineReaderError>
            do throws(LineReaderError) {
                result = .success(try reader.read { span in
                    batch.append(span)
                    if batch.count == batchSize {
                        channel.send(.spans(batch))
                        batch.removeAll(keepingCapacity: true)
                    }
                    return true
                })
            } catch {
                result = .failure(error)
            }
            if !batch.isEmpty { channel.send(.spans(batch)) }
            channel.send(.end(result))
        }
        guard let producer = started else { return try serially(reader, body) }
        defer { producer.join() }
        while true {
            switch channel.receive() {
            case .spans(let batch):
                body(batch)
            case .end(.success(let outcome)):
                // Pass 1 validated the file; a failure now means it changed under the replay.
                if let failure = outcome.failure {
                    throw SpanReplay.Failure(message: "\(reader.path):\(failure.line): \(failure.reason)")
                }
                return
            case .end(.failure(let error)):
                throw SpanReplay.Failure(message: "\(error)")
            }
        }
    }

    /// The same without a second thread.
    static func serially(_ reader: SpanFileReader, _ body: ([SpanRecord]) -> Void) throws(SpanReplay.Failure) {
        let outcome: SpanFileReader.Outcome
        do {
            outcome = try reader.read { span in
                body([span])
                return true
            }
        } catch {
            throw SpanReplay.Failure(message: "\(error)")
        }
        if let failure = outcome.failure {
            throw SpanReplay.Failure(message: "\(reader.path):\(failure.line): \(failure.reason)")
        }
    }
}

/// A thread running one closure, waited for with `join()`.
final class JoinableThread: Sendable {
    private let thread: pthread_t

    private init(_ thread: pthread_t) {
        self.thread = thread
    }

    /// The thread running `body`, or nil when the system gives no thread.
    static func start(_ body: @escaping @Sendable () -> Void) -> JoinableThread? {
        var thread = pthread_t()
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
        pthread_join(thread, nil)
    }

    private final class Box: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}
