import Foundation
import Parallel
import Testing
import Tracing
@testable import BsbWorkflow

/// Compiles `name` from the shared examples into `root` with `seed`, on one rank.
func compileExample(_ name: String, root: String, seed: UInt64 = 42, options: (inout CompileOptions) -> Void = { _ in }) throws -> Manifest {
    var o = CompileOptions()
    o.output = root
    o.seed = seed
    o.clear = true
    o.verbosity = 0
    options(&o)
    let compiler = Compiler(
        configuration: try NetworkConfiguration.load(path: examplePath(name)), options: o, communicator: SerialCommunicator(),
        tracer: NoOpTracer(), console: CapturedConsole().console)
    return try compiler.compile()
}

@Suite struct CompileTests {
    @Test func quickstartHas1560CellsIn4Chunks() throws {
        let dir = try TemporaryDirectory()
        let manifest = try compileExample("quickstart", root: dir.file("net"))
        let cells = try #require(manifest.cellType("base_type"))
        #expect(cells.count == 1560)
        #expect(cells.chunkCount == 4)
        #expect(cells.blocks.map(\.count) == [390, 390, 390, 390])
        #expect(cells.blocks.allSatisfy { $0.chunk.y == 0 })
        // Every cell inside the layer and its chunk.
        let positions = try FileStorage(root: dir.file("net")).readPositions(file: cells.file, offset: 0, count: cells.count)
        #expect(positions.count == 1560 * 3)
        for block in cells.blocks {
            let lo = SIMD3(Double(block.chunk.x), Double(block.chunk.y), Double(block.chunk.z)) * 100
            for i in block.offset..<(block.offset + block.count) {
                let p = SIMD3(positions[3 * i], positions[3 * i + 1], positions[3 * i + 2])
                #expect(Box(lo: lo, hi: lo + 100).contains(p))
            }
        }
    }

    @Test func tinyconnHas20And30CellsIn8ChunksAnd600Connections() throws {
        let dir = try TemporaryDirectory()
        let manifest = try compileExample("tinyconn", root: dir.file("net"))
        #expect(manifest.cellType("A")?.count == 20)
        #expect(manifest.cellType("B")?.count == 30)
        #expect(manifest.cellType("A")?.chunkCount == 8)
        #expect(manifest.cellType("B")?.chunkCount == 8)
        let set = try #require(manifest.connectionSet("A_to_B"))
        #expect(set.count == 600)
        let pairs = try FileStorage(root: dir.file("net")).readConnections(file: set.file, offset: 0, count: set.count)
        var seen = Set<UInt64>()
        for i in 0..<set.count {
            #expect(pairs[2 * i] < 20 && pairs[2 * i + 1] < 30)
            seen.insert(UInt64(pairs[2 * i]) << 32 | UInt64(pairs[2 * i + 1]))
        }
        #expect(seen.count == 600)  // every pair exactly once
    }

    @Test func mediumHas1500Plus1500CellsIn64ChunksAnd2250000Connections() throws {
        let dir = try TemporaryDirectory()
        let manifest = try compileExample("medium", root: dir.file("net"))
        #expect(manifest.cellType("A")?.count == 1500)
        #expect(manifest.cellType("B")?.count == 1500)
        #expect(manifest.cellType("A")?.chunkCount == 64)
        #expect(manifest.cellType("B")?.chunkCount == 64)
        #expect(manifest.connectionSet("A_to_B")?.count == 2_250_000)
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.file("net/connections/A_to_B.u32"))
        #expect((attributes[.size] as? Int) == 2_250_000 * 8)
        // A modest number of files, whatever the number of chunks.
        #expect(try dataFiles(dir.file("net")).count == 3)
    }

    @Test func sameSeedSamePositionsOtherSeedOtherPositions() throws {
        let dir = try TemporaryDirectory()
        _ = try compileExample("tinyconn", root: dir.file("a"), seed: 7)
        _ = try compileExample("tinyconn", root: dir.file("b"), seed: 7)
        _ = try compileExample("tinyconn", root: dir.file("c"), seed: 8)
        let a = try dataFiles(dir.file("a"))
        #expect(a.count == 3)
        #expect(a == (try dataFiles(dir.file("b"))))
        #expect(a["cells/A.f64"] != (try dataFiles(dir.file("c")))["cells/A.f64"])
    }

    @Test(arguments: [2, 4])
    func ranksGiveTheSameNetworkAsOneRank(size: Int) throws {
        let dir = try TemporaryDirectory()
        for name in ["tinyconn", "medium"] {
            let serialRoot = dir.file("\(name)-1")
            _ = try compileExample(name, root: serialRoot, seed: 99)
            let root = dir.file("\(name)-\(size)")
            let config = try NetworkConfiguration.load(path: examplePath(name))
            let results = ThreadGroup(size: size).run { communicator -> String? in
                var o = CompileOptions()
                o.output = root
                o.seed = 99
                o.clear = true
                o.verbosity = 0
                do {
                    try Compiler(configuration: config, options: o, communicator: communicator, tracer: NoOpTracer(), console: CapturedConsole().console).compile()
                    return nil
                } catch {
                    return "\(error)"
                }
            }
            #expect(results.allSatisfy { $0 == nil }, "\(results)")
            #expect(try dataFiles(root) == dataFiles(serialRoot))
            let serial = try #require(try FileStorage(root: serialRoot).readManifest())
            let parallel = try #require(try FileStorage(root: root).readManifest())
            #expect(serial == parallel)
        }
    }

    @Test func jobAssignmentCoversEveryJobOnce() {
        for size in [1, 2, 3, 4] {
            let all = (0..<size).flatMap { JobAssignment.jobs(count: 130, rank: $0, size: size) }.sorted()
            #expect(all == Array(0..<130))
        }
    }

    @Test func refusesToOverwriteWithoutAFlagAndAppendAddsCells() throws {
        let dir = try TemporaryDirectory()
        let root = dir.file("net")
        _ = try compileExample("tinyconn", root: root)
        #expect(throws: CompileError.self) { try compileExample("tinyconn", root: root) { $0.clear = false } }
        let appended = try compileExample("tinyconn", root: root, seed: 5) { $0.clear = false; $0.append = true }
        #expect(appended.cellType("A")?.count == 40)
        #expect(appended.cellType("B")?.count == 60)
        // Connectivity runs again over every cell placed so far and appends its connections (as the BSB).
        #expect(appended.connectionSet("A_to_B")?.count == 600 + 40 * 60)
    }

    @Test func redoOnlyRecomputesTheSelectedStrategy() throws {
        let dir = try TemporaryDirectory()
        let root = dir.file("net")
        _ = try compileExample("tinyconn", root: root, seed: 1)
        let before = try dataFiles(root)
        let redone = try compileExample("tinyconn", root: root, seed: 2) { $0.clear = false; $0.redo = true; $0.only = ["place_A"] }
        let after = try dataFiles(root)
        #expect(redone.cellType("A")?.count == 20)
        #expect(after["cells/A.f64"] != before["cells/A.f64"])
        #expect(after["cells/B.f64"] == before["cells/B.f64"])
        #expect(after["connections/A_to_B.u32"] == before["connections/A_to_B.u32"])
    }

    @Test func redoConnectivityAloneKeepsThePlacement() throws {
        let dir = try TemporaryDirectory()
        let root = dir.file("net")
        _ = try compileExample("tinyconn", root: root, seed: 1)
        let before = try dataFiles(root)
        let redone = try compileExample("tinyconn", root: root, seed: 2) { $0.clear = false; $0.redo = true; $0.skipPlacement = true }
        #expect(redone.connectionSet("A_to_B")?.count == 600)  // replaced, not appended
        #expect(try dataFiles(root) == before)  // same cells, and AllToAll makes the same pairs
    }

    @Test func skipAndOnly() throws {
        let dir = try TemporaryDirectory()
        let manifest = try compileExample("tinyconn", root: dir.file("n1")) { $0.skipConnectivity = true }
        #expect(manifest.connectionSet("A_to_B") == nil)
        #expect(manifest.cellType("A")?.count == 20)
        let onlyB = try compileExample("tinyconn", root: dir.file("n2")) { $0.skip = ["place_A", "A_to_B"] }
        #expect(onlyB.cellType("A")?.count == 0)
        #expect(onlyB.cellType("B")?.count == 30)
        #expect(throws: ConfigurationError.self) { try compileExample("tinyconn", root: dir.file("n3")) { $0.only = ["nope"] } }
    }

    @Test func sizeOverridesChangeTheChunks() throws {
        let dir = try TemporaryDirectory()
        let manifest = try compileExample("quickstart", root: dir.file("net")) { $0.x = 400 }
        #expect(manifest.cellType("base_type")?.count == 3120)
        #expect(manifest.cellType("base_type")?.chunkCount == 8)
    }

    @Test func clearRemovesOnlyWhatTheEngineCreated() throws {
        let dir = try TemporaryDirectory()
        let root = dir.file("net")
        _ = try compileExample("tinyconn", root: root)
        try "mine".write(toFile: root + "/notes.txt", atomically: true, encoding: .utf8)
        try "mine".write(toFile: root + "/cells/readme.md", atomically: true, encoding: .utf8)
        try FileStorage(root: root).clear()
        #expect(FileManager.default.fileExists(atPath: root + "/notes.txt"))
        #expect(FileManager.default.fileExists(atPath: root + "/cells/readme.md"))
        #expect(!FileManager.default.fileExists(atPath: root + "/manifest.json"))
        #expect(!FileManager.default.fileExists(atPath: root + "/cells/A.f64"))
        #expect(!FileManager.default.fileExists(atPath: root + "/connections"))
        // A directory that is not ours is never written into or cleared.
        let foreign = dir.file("foreign")
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        try "x".write(toFile: foreign + "/data.bin", atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError.self) { try compileExample("tinyconn", root: foreign) }
        #expect(FileManager.default.fileExists(atPath: foreign + "/data.bin"))
    }
}
