import Parallel
import Testing
import Tracing
@testable import BsbWorkflow

@Suite struct StrategyTests {
    /// Compiles `text` into a root in `dir` (which the caller keeps alive while it reads the storage).
    func compile(in dir: TemporaryDirectory, _ text: String, seed: UInt64 = 3) throws -> (Manifest, FileStorage) {
        var o = CompileOptions()
        o.output = dir.file("net")
        o.seed = seed
        o.verbosity = 0
        let manifest = try Compiler(
            configuration: try configuration(text), options: o, communicator: SerialCommunicator(), tracer: NoOpTracer(),
            console: CapturedConsole().console
        ).compile()
        return (manifest, FileStorage(root: dir.file("net")))
    }

    @Test func particlePlacementNeverOverlaps() throws {
        let dir = try TemporaryDirectory()
        let (manifest, storage) = try compile(in: dir, """
            {"network": {"x": 100, "y": 100, "z": 100, "chunk_size": [50, 50, 50]},
             "partitions": {"l": {"thickness": 100}},
             "cell_types": {"big": {"spatial": {"radius": 4, "count": 300}}, "small": {"spatial": {"radius": 2, "count": 400}}},
             "placement": {"p": {"strategy": "bsb.placement.ParticlePlacement", "cell_types": ["big", "small"], "partitions": ["l"]}}}
            """)
        var spheres: [(SIMD3<Double>, Double)] = []
        for (name, radius) in [("big", 4.0), ("small", 2.0)] {
            let data = try #require(manifest.cellType(name))
            let p = try storage.readPositions(file: data.file, offset: 0, count: data.count)
            for i in 0..<data.count { spheres.append((SIMD3(p[3 * i], p[3 * i + 1], p[3 * i + 2]), radius)) }
        }
        #expect(spheres.count == 700)
        var overlaps = 0
        for i in spheres.indices {
            for j in spheres.indices where j > i {
                let d = spheres[i].0 - spheres[j].0
                if (d * d).sum().squareRoot() < spheres[i].1 + spheres[j].1 { overlaps += 1 }
            }
        }
        #expect(overlaps == 0)
    }

    @Test func fixedPositionsLandInTheirChunks() throws {
        let dir = try TemporaryDirectory()
        let (manifest, storage) = try compile(in: dir, """
            {"network": {"x": 100, "y": 100, "z": 100, "chunk_size": [50, 50, 50]},
             "partitions": {"l": {"thickness": 100}},
             "cell_types": {"f": {"spatial": {"radius": 1}}},
             "placement": {"p": {"strategy": "bsb.placement.FixedPositions", "cell_types": ["f"], "partitions": ["l"],
                                 "positions": [[10, 10, 10], [60, 10, 10], [11, 12, 13], [99, 99, 99]]}}}
            """)
        let data = try #require(manifest.cellType("f"))
        #expect(data.count == 4)
        #expect(data.blocks.map(\.count) == [2, 1, 1])
        let p = try storage.readPositions(file: data.file, offset: 0, count: 4)
        #expect(p == [10, 10, 10, 11, 12, 13, 60, 10, 10, 99, 99, 99])
    }

    @Test func fixedPositionOutsideTheNetworkIsAnError() throws {
        do {
            _ = try compile(in: try TemporaryDirectory(), """
                {"network": {"x": 100, "y": 100, "z": 100},
                 "partitions": {"l": {"thickness": 100}}, "cell_types": {"f": {"spatial": {"radius": 1}}},
                 "placement": {"p": {"strategy": "bsb.placement.FixedPositions", "cell_types": ["f"], "partitions": ["l"], "positions": [[1, 1, 1], [500, 1, 1]]}}}
                """)
            Issue.record("accepted")
        } catch let error as ConfigurationError {
            #expect(error.path == "placement.p.positions[1]")
        }
    }

    @Test func distanceConnectivityConnectsExactlyThePairsInRange() throws {
        let dir = try TemporaryDirectory()
        let (manifest, storage) = try compile(in: dir, """
            {"network": {"x": 100, "y": 100, "z": 100, "chunk_size": [50, 50, 50]},
             "partitions": {"l": {"thickness": 100}},
             "cell_types": {"A": {"spatial": {"radius": 1, "count": 200}}, "B": {"spatial": {"radius": 1, "count": 150}}},
             "placement": {"pa": {"strategy": "bsb.placement.RandomPlacement", "cell_types": ["A"], "partitions": ["l"]},
                           "pb": {"strategy": "bsb.placement.RandomPlacement", "cell_types": ["B"], "partitions": ["l"]}},
             "connectivity": {"near": {"strategy": "bsb.connectivity.DistanceConnectivity", "radius": 20,
                              "presynaptic": {"cell_types": ["A"]}, "postsynaptic": {"cell_types": ["B"]}}}}
            """)
        let a = try storage.readPositions(file: Manifest.positionsFile("A"), offset: 0, count: 200)
        let b = try storage.readPositions(file: Manifest.positionsFile("B"), offset: 0, count: 150)
        var expected = Set<UInt64>()
        for i in 0..<200 {
            for j in 0..<150 {
                let d = SIMD3(a[3 * i], a[3 * i + 1], a[3 * i + 2]) - SIMD3(b[3 * j], b[3 * j + 1], b[3 * j + 2])
                if (d * d).sum() <= 400 { expected.insert(UInt64(i) << 32 | UInt64(j)) }
            }
        }
        let set = try #require(manifest.connectionSet("near"))
        let pairs = try storage.readConnections(file: set.file, offset: 0, count: set.count)
        var made = Set<UInt64>()
        for k in 0..<set.count { made.insert(UInt64(pairs[2 * k]) << 32 | UInt64(pairs[2 * k + 1])) }
        #expect(!expected.isEmpty)
        #expect(made == expected)
        #expect(set.count == expected.count)
        withExtendedLifetime(dir) {}
    }

    @Test func randomSourceIsDeterministicAndUniform() {
        var a = RandomSource(seed: 1, strategy: "s", chunk: 3)
        var b = RandomSource(seed: 1, strategy: "s", chunk: 3)
        var c = RandomSource(seed: 1, strategy: "s", chunk: 4)
        let xs = (0..<10_000).map { _ in a.nextUnit() }
        #expect(xs == (0..<10_000).map { _ in b.nextUnit() })
        #expect(xs != (0..<10_000).map { _ in c.nextUnit() })
        #expect(xs.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(xs.reduce(0, +) / 10_000 - 0.5) < 0.02)
    }
}

