#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization
import Telemetry
import Testing
@testable import Exporters

/// An exporter that records batches in order, and can be held shut to see who waits for it.
private final class GatedExporter: SpanExporter {
    let gate = DispatchSemaphore(value: 0)
    let held: Bool
    private let state = Mutex<(batches: [[String]], threads: Set<UInt>, shutdowns: Int, failNext: Bool)>(
        ([], [], 0, false))

    init(held: Bool = false) { self.held = held }

    var batches: [[String]] { state.withLock { $0.batches } }
    var shutdowns: Int { state.withLock { $0.shutdowns } }
    var exportingThreads: Set<UInt> { state.withLock { $0.threads } }
    func failNextExport() { state.withLock { $0.failNext = true } }

    func export(_ spans: [SpanRecord]) -> ExportResult {
        if held { gate.wait() }
        return state.withLock { s in
            s.batches.append(spans.map(\.name))
            s.threads.insert(UInt(pthread_self()))
            if s.failNext {
                s.failNext = false
                return .failure(reason: "disk on fire")
            }
            return .success
        }
    }

    func shutdown() { state.withLock { $0.shutdowns += 1 } }
}

private func named(_ name: String) -> SpanRecord {
    SpanRecord(name: name, context: SpanContext(traceID: TraceID(high: 1, low: 1), spanID: SpanID(1)),
               parentSpanID: nil, startTimeNanos: 0, endTimeNanos: 1, resource: Resource(attributes: [:]))
}

@Suite struct ExportThreadTests {
    @Test func batchesAreExportedInOrderOnAnotherThreadAndFlushWaitsForThem() {
        let inner = GatedExporter()
        let exporter = ExportThread(inner)
        for i in 0..<20 { #expect(exporter.export([named("a\(i)"), named("b\(i)")]) == .success) }
        #expect(exporter.forceFlush() == .success)
        #expect(inner.batches == (0..<20).map { ["a\($0)", "b\($0)"] })
        #expect(!inner.exportingThreads.contains(UInt(pthread_self())))
        exporter.shutdown()
        #expect(inner.shutdowns == 1)
    }

    @Test func aSingleSpanWaitsForTheBatchesBeforeIt() {
        let inner = GatedExporter()
        let exporter = ExportThread(inner)
        _ = exporter.export([named("first"), named("second")])
        #expect(exporter.export(named("single")) == .success)
        #expect(inner.batches == [["first", "second"], ["single"]])
        exporter.shutdown()
    }

    @Test func aFullHandOverMakesTheCallerWaitInsteadOfDropping() {
        let inner = GatedExporter(held: true)
        let exporter = ExportThread(inner)
        // One batch held by the exporter, `inFlight` waiting: the next caller must block.
        for i in 0...ExportThread.inFlight { _ = exporter.export([named("\(i)")]) }
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            _ = exporter.export([named("last")])
            done.signal()
        }
        #expect(done.wait(timeout: .now() + .milliseconds(200)) == .timedOut)
        for _ in 0...(ExportThread.inFlight + 1) { inner.gate.signal() }
        done.wait()
        exporter.shutdown()
        #expect(inner.batches.flatMap { $0 } == (0...ExportThread.inFlight).map { "\($0)" } + ["last"])
    }

    @Test func aFailureOnTheThreadIsReportedByTheNextCall() {
        let inner = GatedExporter()
        let exporter = ExportThread(inner)
        inner.failNextExport()
        _ = exporter.export([named("lost")])
        #expect(exporter.forceFlush() == .failure(reason: "disk on fire"))
        #expect(exporter.forceFlush() == .success)
        exporter.shutdown()
    }

    @Test func shutdownDrainsEverythingAndLaterExportsReachTheShutExporter() {
        let inner = InMemoryExporter()
        let exporter = ExportThread(inner)
        for i in 0..<50 { _ = exporter.export([named("\(i)")]) }
        exporter.shutdown()
        #expect(inner.finishedSpans.map(\.name) == (0..<50).map { "\($0)" })
        #expect(exporter.export([named("late")]) == .failure(reason: "exporter shut down"))
        exporter.shutdown()
    }

    @Test func aBatchProcessorInFrontOfItLosesNothing() {
        let inner = InMemoryExporter()
        let processor = BatchSpanProcessor(exporter: ExportThread(inner),
                                           configuration: .init(maxQueueSize: 64, maxExportBatchSize: 16))
        for i in 0..<1000 { processor.onEnd(named("\(i)")) }
        processor.shutdown()
        #expect(inner.finishedSpans.map(\.name) == (0..<1000).map { "\($0)" })
    }
}
