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

    /// Calls `body` with every span of `reader`'s file, in order, in batches, on the calling thread.
    static func pipe(_ reader: SpanFileReader, _ body: ([SpanRecord]) -> Void) throws(SpanReplay.Failure) {
        let channel = BoundedChannel<Item>(capacity: inFlight)
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
