import Testing
@testable import BsbWorkflow

@Suite struct TopologyTests {
    @Test func apportionIsExactAndDeterministic() {
        #expect(apportion(20, weights: Array(repeating: 1, count: 8)) == [3, 3, 3, 3, 2, 2, 2, 2])
        #expect(apportion(1500, weights: Array(repeating: 15625, count: 64)).reduce(0, +) == 1500)
        #expect(apportion(1560, weights: [1e6, 1e6, 1e6, 1e6]) == [390, 390, 390, 390])
        #expect(apportion(10, weights: [0, 1, 3]) == [0, 3, 7])  // 2.5 and 7.5: tie goes to the lower index
        #expect(apportion(7, weights: [0, 0]) == [0, 0])
        let weights = (0..<37).map { Double(($0 * 7919) % 101 + 1) }
        #expect(apportion(1234, weights: weights).reduce(0, +) == 1234)
    }

    @Test func chunkGrid() throws {
        let grid = try ChunkGrid(network: Box(lo: .zero, hi: SIMD3(200, 200, 250)), chunkSize: SIMD3(100, 100, 100))
        #expect(grid.counts == SIMD3(2, 2, 3))
        #expect(grid.chunks.count == 12)
        #expect(grid.chunks.last?.box == Box(lo: SIMD3(100, 100, 200), hi: SIMD3(200, 200, 250)))
        #expect(grid.chunks[1].label == "[0 0 1]")
        #expect(grid.chunk(containing: SIMD3(150, 50, 210))?.index == SIMD3(1, 0, 2))
        #expect(throws: ConfigurationError.self) {
            try ChunkGrid(network: Box(lo: .zero, hi: SIMD3(1e6, 1e6, 1e6)), chunkSize: SIMD3(1, 1, 1))
        }
    }

    @Test func layersStackAlongYInOrderOrByStackIndex() throws {
        let text = """
            {"network": {"x": 100, "y": 300, "z": 100},
             "partitions": {"top": {"thickness": 50, "stack_index": 2}, "bottom": {"thickness": 100, "stack_index": 0},
                            "middle": {"thickness": 30, "stack_index": 1}}}
            """
        let topology = try Topology.build(try configuration(text), tracing: WorkflowTracing(tracer: NoOpTracer(), communicator: SerialCommunicator()))
        #expect((topology.partitions["bottom"] as? Layer)?.box.lo.y == 0)
        #expect((topology.partitions["middle"] as? Layer)?.box.lo.y == 100)
        #expect((topology.partitions["top"] as? Layer)?.box.lo.y == 130)
        #expect((topology.partitions["top"] as? Layer)?.box.hi.y == 180)
    }

    @Test func stackRegionsOrderTheirChildren() throws {
        let text = """
            {"network": {"x": 100, "y": 300, "z": 100},
             "partitions": {"a": {"thickness": 10}, "b": {"thickness": 20}, "c": {"thickness": 5}},
             "regions": {"cortex": {"type": "stack", "children": ["b", "a"]}}}
            """
        let topology = try Topology.build(try configuration(text), tracing: WorkflowTracing(tracer: NoOpTracer(), communicator: SerialCommunicator()))
        #expect((topology.partitions["b"] as? Layer)?.box.lo.y == 0)
        #expect((topology.partitions["a"] as? Layer)?.box.lo.y == 20)
        #expect((topology.partitions["c"] as? Layer)?.box.lo.y == 30)
        let layer = try #require(topology.partitions["a"])
        #expect(layer.volume(in: topology.grid.chunks).reduce(0, +) == 100 * 10 * 100)
    }

    @Test func regionErrorsNameThePath() throws {
        do {
            _ = try configuration("""
                {"network": {"x": 1, "y": 1, "z": 1}, "partitions": {"a": {"thickness": 1}},
                 "regions": {"r": {"type": "stack", "children": ["a", "ghost"]}}}
                """)
            Issue.record("accepted")
        } catch let error as ConfigurationError {
            #expect(error.description == "regions.r.children[1]: no partition or region 'ghost'")
        }
    }
}

import Parallel
import Tracing
