import Parallel
import Tracing

/// The task-local state of the workflow's tracing: the BSB span `report()` writes to, the communicator
/// collective spans use, and whether job code runs under `localTracing`.
enum TracingScope {
    /// The innermost span the BSB opened (for `report()` events).
    @TaskLocal static var span: (any Span)?
    /// The communicator set by `useCommunicator`, else the world's.
    @TaskLocal static var communicator: (any Communicator)?
    /// Inside `localTracing { }`: root spans are not collective.
    @TaskLocal static var local = false
    /// Where `report()` prints, and how much.
    @TaskLocal static var reporter: Reporter?

    static var effectiveCommunicator: any Communicator { communicator ?? World.communicator }
}

/// Runs `body` without collective tracing: `trace()` opens an ordinary span on this rank only. Job code
/// runs like this, since other ranks are not in the same job at the same time.
public func localTracing<T>(_ body: () throws -> T) rethrows -> T {
    try TracingScope.$local.withValue(true, operation: body)
}

/// Runs `body` with `communicator` as the one collective spans and `mpi.rank`/`mpi.size` refer to.
public func useCommunicator<T>(_ communicator: any Communicator, _ body: () throws -> T) rethrows -> T {
    try TracingScope.$communicator.withValue(communicator, operation: body)
}

/// `"PackingError: cell type 'A' …"`: the error's type and description, as span status messages read.
func errorSummary(_ error: any Error) -> String {
    "\(String(describing: type(of: error))): \(error)"
}

/// Marks `span` as failed by `error`: an exception (recordError) and ERROR status with `errorSummary`.
func markFailed(_ span: any Span, _ error: any Error) {
    span.recordError(error)
    span.setStatus(SpanStatus(code: .error, message: errorSummary(error)))
}

/// A `[String: String]` carrier for propagating a span context between ranks.
struct DictionaryInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}

struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key]
    }
}
