#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import Telemetry

/// A file's spans decoded on worker threads and handed to the caller in batches, in file order, so that
/// decoding (the larger part of a replay's work) runs on every core while the caller exports.
///
/// A large file is cut at line boundaries into chunks that the workers take in turn (worker `w` decodes chunks
/// `w`, `w + workers`, …); the caller reads chunk 0 from worker 0, chunk 1 from worker 1, and so on. Each
/// worker has a few batches in flight at most, which bounds the memory whatever the file's size.
enum DecodedBatches {
    /// The batch processor's default export size, so that a batch goes to the exporter whole.
    static let batchSize = BatchSpanProcessor.Configuration().maxExportBatchSize
    /// Enough for a worker to decode a whole chunk (about 2,700 spans of 800 bytes) while the caller still
    /// takes the previous one from another worker, instead of stopping in its middle.
    static let inFlight = 8
    /// Files are cut into chunks of about this size when there are several workers.
    static let chunkBytes = 2 << 20

    enum Item: Sendable {
        case spans([SpanRecord])
        /// The end of one chunk, with what reading it went through.
        case chunkEnd(Result<SpanFileReader.Outcome, LineReaderError>)
        /// The worker has nothing more to send.
        case finished
    }

    /// Calls `body` with every span of `reader`'s file, in order, in batches, on the calling thread.
    static func pipe(
        _ reader: SpanFileReader, workers requested: Int = cores, chunkBytes: Int = chunkBytes,
        _ body: ([SpanRecord]) -> Void
    ) throws(SpanReplay.Failure) {
        var info = stat()
        let size = stat(reader.path, &info) == 0 ? Int(info.st_size) : 0
        let chunkStarts: [Int]
        if requested > 1 && size >= 2 * max(chunkBytes, 1) {
            do {
                chunkStarts = [0] + (try LineReader(path: reader.path).lineBoundaries(parts: size / max(chunkBytes, 1)))
            } catch {
                throw SpanReplay.Failure(message: "\(error)")
            }
        } else {
            chunkStarts = [0]
        }
        let workers = min(max(requested, 1), chunkStarts.count)
        let channels = (0..<workers).map { _ in BoundedChannel<Item>(capacity: inFlight) }
        let stop = Stop()
        var threads: [JoinableThread] = []
        for w in 0..<workers {
            guard let thread = JoinableThread.start({
                decode(reader, chunks: Array(stride(from: w, to: chunkStarts.count, by: workers)),
                       starts: chunkStarts, into: channels[w], stop: stop)
            }) else { break }
            threads.append(thread)
        }
        guard threads.count == workers else {
            stop.set()
            for (w, thread) in threads.enumerated() {
                drain(channels[w])
                thread.join()
            }
            return try serially(reader, body)
        }
        var finished = Array(repeating: false, count: workers)
        defer {
            stop.set()
            for (w, thread) in threads.enumerated() {
                if !finished[w] { drain(channels[w]) }
                thread.join()
            }
        }
        var linesBefore = 0
        for chunk in chunkStarts.indices {
            let channel = channels[chunk % workers]
            chunk: while true {
                switch channel.receive() {
                case .spans(let batch):
                    body(batch)
                case .chunkEnd(.success(let outcome)):
                    // Pass 1 validated the file; a failure now means it changed under the replay.
                    if let failure = outcome.failure {
                        throw SpanReplay.Failure(message: "\(reader.path):\(linesBefore + failure.line): \(failure.reason)")
                    }
                    linesBefore += outcome.lines
                    break chunk
                case .chunkEnd(.failure(let error)):
                    throw SpanReplay.Failure(message: "\(error)")
                case .finished:
                    finished[chunk % workers] = true
                    break chunk
                }
            }
        }
    }

    private static var cores: Int { max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1) }

    /// A worker: decodes `chunks` in order into batches on `channel`, then says it has finished.
    private static func decode(
        _ reader: SpanFileReader, chunks: [Int], starts: [Int], into channel: BoundedChannel<Item>, stop: Stop
    ) {
        var batch: [SpanRecord] = []
        batch.reserveCapacity(batchSize)
        for chunk in chunks where !stop.isSet {
            let end = chunk + 1 < starts.count ? starts[chunk + 1] : nil
            let result: Result<SpanFileReader.Outcome, LineReaderError>
            do throws(LineReaderError) {
                result = .success(try reader.read(from: starts[chunk], to: end) { span in
                    batch.append(span)
                    guard batch.count == batchSize else { return true }
                    channel.send(.spans(batch))
                    batch.removeAll(keepingCapacity: true)
                    return !stop.isSet
                })
            } catch {
                result = .failure(error)
            }
            if !batch.isEmpty {
                channel.send(.spans(batch))
                batch.removeAll(keepingCapacity: true)
            }
            channel.send(.chunkEnd(result))
        }
        channel.send(.finished)
    }

    /// Receives until the worker behind `channel` has finished, so that it is never left blocked on a send.
    private static func drain(_ channel: BoundedChannel<Item>) {
        while true {
            if case .finished = channel.receive() { return }
        }
    }

    /// Set by the caller when it stops early; the workers check it between batches.
    private final class Stop: Sendable {
        private let flag = Atomic<Bool>(false)
        func set() { flag.store(true, ordering: .releasing) }
        var isSet: Bool { flag.load(ordering: .acquiring) }
    }

    /// The same without worker threads.
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
