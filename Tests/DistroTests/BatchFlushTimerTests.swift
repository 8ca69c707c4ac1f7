#if canImport(Glibc)
import Glibc
#endif
import Exporters
import Telemetry
import Testing
@testable import Distro

@Suite struct BatchFlushTimerTests {
    @Test func exportsWhatHasWaitedTheScheduleDelay() throws {
        let exporter = InMemoryExporter()
        let processor = BatchSpanProcessor(
            exporter: exporter,
            configuration: .init(maxQueueSize: 100, maxExportBatchSize: 100, scheduleDelayNanos: 20_000_000))
        let provider = TracerProvider(processors: [processor])
        let timer = try #require(BatchFlushTimer.start([processor]))
        defer { timer.stop() }
        provider.tracer().startSpan("waiting", parent: .topLevel).end(atNanos: WallClock.nowNanos())
        #expect(exporter.finishedSpans.isEmpty)
        // Well within a second, without any flush from here.
        for _ in 0..<100 where exporter.finishedSpans.isEmpty { usleep(10_000) }
        #expect(exporter.finishedSpans.map(\.name) == ["waiting"])
    }

    @Test func nothingToDrive() {
        #expect(BatchFlushTimer.start([]) == nil)
    }
}
