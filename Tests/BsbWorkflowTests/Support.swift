import Foundation
import Parallel
import Synchronization
@testable import BsbWorkflow

/// The package root, found from this file's path.
let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// The example configurations bundled in `examples/` (copies of `../shared/examples`).
func examplePath(_ name: String) -> String {
    URL(fileURLWithPath: packageRoot).appendingPathComponent("examples/\(name).json").path
}

func exampleText(_ name: String) throws -> String {
    try String(contentsOfFile: examplePath(name), encoding: .utf8)
}

/// A fresh temporary directory, removed by `cleanup()`.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("bsb-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String) throws -> String {
        try text.write(toFile: file(name), atomically: true, encoding: .utf8)
        return file(name)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A console that keeps what is printed.
final class CapturedConsole: Sendable {
    private let lines = Mutex<(out: [String], err: [String])>(([], []))

    var console: Console {
        Console(out: { line in self.lines.withLock { $0.out.append(line) } }, err: { line in self.lines.withLock { $0.err.append(line) } })
    }

    var out: String { lines.withLock { $0.out.joined(separator: "\n") } }
    var err: String { lines.withLock { $0.err.joined(separator: "\n") } }
    var errLines: [String] { lines.withLock { $0.err } }
}

/// N ranks in one process: each rank a thread, collectives meet in a shared rendezvous.
final class ThreadGroup: @unchecked Sendable {
    let size: Int
    private let condition = NSCondition()
    private var generation = 0
    private var arrived = 0
    private var slots: [[UInt8]]
    private var result: [[UInt8]] = []

    init(size: Int) {
        self.size = size
        slots = Array(repeating: [], count: size)
    }

    func exchange(rank: Int, _ bytes: [UInt8]) -> [[UInt8]] {
        condition.lock()
        defer { condition.unlock() }
        let myGeneration = generation
        slots[rank] = bytes
        arrived += 1
        if arrived == size {
            result = slots
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            while generation == myGeneration { condition.wait() }
        }
        return result
    }

    func communicator(rank: Int) -> ThreadCommunicator { ThreadCommunicator(group: self, rank: rank) }

    /// Runs `body(rank communicator)` on `size` threads and returns the results in rank order.
    func run<T: Sendable>(_ body: @escaping @Sendable (ThreadCommunicator) -> T) -> [T] {
        let results = Mutex<[Int: T]>([:])
        let done = DispatchGroup()
        for rank in 0..<size {
            done.enter()
            let thread = Thread {
                let value = body(self.communicator(rank: rank))
                results.withLock { $0[rank] = value }
                done.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        done.wait()
        return results.withLock { r in (0..<size).map { r[$0]! } }
    }
}

struct ThreadCommunicator: Communicator {
    let group: ThreadGroup
    let rank: Int
    var size: Int { group.size }
    func barrier() { _ = group.exchange(rank: rank, []) }
    func broadcast(_ bytes: [UInt8], root: Int) -> [UInt8] { group.exchange(rank: rank, bytes)[root] }
    func allGather(_ bytes: [UInt8]) -> [[UInt8]] { group.exchange(rank: rank, bytes) }
    func gather(_ bytes: [UInt8], root: Int) -> [[UInt8]] {
        let all = group.exchange(rank: rank, bytes)
        return rank == root ? all : []
    }
}

/// Every byte of every data file of a stored network, by relative path (the manifest excluded).
func dataFiles(_ root: String) throws -> [String: Data] {
    var result: [String: Data] = [:]
    for directory in ["cells", "connections"] {
        let dir = root + "/" + directory
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
            result[directory + "/" + name] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
        }
    }
    return result
}

/// Parses a configuration text with the BSB registry.
func configuration(_ text: String) throws -> NetworkConfiguration {
    try NetworkConfiguration.parse(text)
}

/// The quickstart configuration with `edit` applied to its JSON object.
func quickstart(_ edit: (inout [String: Any]) -> Void = { _ in }) throws -> String {
    var object = try JSONSerialization.jsonObject(with: Data(exampleText("quickstart").utf8)) as! [String: Any]
    edit(&object)
    return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
}
