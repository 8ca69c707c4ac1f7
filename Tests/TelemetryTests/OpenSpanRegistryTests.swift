import Testing
import Tracing
@testable import Telemetry

@Suite struct OpenSpanRegistryTests {
    @Test func terminateAllEndsEveryOpenSpanWithErrorInnermostFirst() throws {
        let registry = OpenSpanRegistry()
        let collected = CollectingProcessor()
        let provider = TracerProvider(processors: [registry, collected])
        let tracer = provider.tracer()
        let finished = tracer.startSpan("finished", parent: .topLevel)
        finished.end()
        let cli = tracer.startSpan("cli", parent: .topLevel)
        let compile = tracer.startSpan("compile", parent: cli.context)
        #expect(registry.openSpans.count == 2)
        #expect(registry.terminateAll(reason: "terminated by SIGTERM") == 2)
        #expect(registry.openSpans.isEmpty)
        #expect(collected.records.map(\.name) == ["finished", "compile", "cli"])
        for name in ["cli", "compile"] {
            let span = try #require(collected.named(name))
            #expect(span.status == .error(description: "terminated by SIGTERM"))
            #expect(span.events.map(\.name) == ["terminated by SIGTERM"])
        }
        // Ending them again afterwards changes nothing.
        compile.end()
        cli.end()
        #expect(collected.records.count == 3)
    }

    @Test func spansEndedNormallyLeaveTheRegistry() {
        let registry = OpenSpanRegistry()
        let provider = TracerProvider(processors: [registry])
        provider.tracer().withSpan("a") { _ in
            #expect(registry.openSpans.count == 1)
        }
        #expect(registry.openSpans.isEmpty)
    }
}
