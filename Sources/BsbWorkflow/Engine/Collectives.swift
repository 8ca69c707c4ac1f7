import Parallel

/// Another rank failed; this rank stops too (instead of waiting for it forever).
public struct RemoteRankError: BsbUserError, Sendable {
    public let rank: Int
    public let message: String
    public var description: String { "rank \(rank) failed: \(message)" }
}

/// The collective steps of the engine, each of which also agrees on failure, so that an error on one rank
/// makes every rank stop at the same step rather than hang in the next collective.
struct Collectives {
    let communicator: any Communicator

    /// Rank 0 runs `work` and its result (or failure) is delivered to every rank.
    func rootDecides(_ work: () throws -> [UInt8]) throws -> [UInt8] {
        if communicator.rank == 0 {
            var payload: [UInt8]
            var failure: (any Error)?
            do {
                payload = [0] + (try work())
            } catch {
                failure = error
                payload = [1] + Array(errorSummary(error).utf8)
            }
            if communicator.size > 1 { _ = communicator.broadcast(payload, root: 0) }
            if let failure { throw failure }
            return Array(payload.dropFirst())
        }
        let payload = communicator.broadcast([], root: 0)
        guard let status = payload.first else { throw RemoteRankError(rank: 0, message: "no answer") }
        let rest = Array(payload.dropFirst())
        if status != 0 { throw RemoteRankError(rank: 0, message: String(decoding: rest, as: UTF8.self)) }
        return rest
    }

    /// Every rank's `values` (or its failure): rank order. Throws this rank's own error, or the first other
    /// rank's, on every rank.
    func exchange(_ values: [Int64], failure: (any Error)?) throws -> [[Int64]] {
        var payload: [UInt8]
        if let failure {
            payload = [1] + Array(errorSummary(failure).utf8)
        } else {
            payload = [0]
            payload.reserveCapacity(1 + values.count * 8)
            for v in values { withUnsafeBytes(of: v.littleEndian) { payload.append(contentsOf: $0) } }
        }
        let all = communicator.size > 1 ? communicator.allGather(payload) : [payload]
        if let failure { throw failure }
        var result: [[Int64]] = []
        for (rank, bytes) in all.enumerated() {
            guard let status = bytes.first else { throw RemoteRankError(rank: rank, message: "no answer") }
            if status != 0 { throw RemoteRankError(rank: rank, message: String(decoding: bytes.dropFirst(), as: UTF8.self)) }
            let count = (bytes.count - 1) / 8
            var list: [Int64] = []
            list.reserveCapacity(count)
            for i in 0..<count {
                var v: Int64 = 0
                for b in 0..<8 { v |= Int64(bytes[1 + i * 8 + b]) << (8 * b) }
                list.append(v)
            }
            result.append(list)
        }
        return result
    }

    /// Fails on every rank if any rank failed.
    func agree(_ failure: (any Error)?) throws {
        _ = try exchange([], failure: failure)
    }

    /// Whether this rank runs job `index` (static round-robin: job i on rank i mod size).
    func owns(job index: Int) -> Bool {
        JobAssignment.rank(of: index, size: communicator.size) == communicator.rank
    }
}

/// The static job distribution: job `i` runs on rank `i mod size`. Jobs seed their random numbers from
/// the seed, the strategy and the chunk only, so the result does not depend on the assignment.
public enum JobAssignment {
    public static func rank(of job: Int, size: Int) -> Int { size > 0 ? job % size : 0 }

    /// The job indices rank `rank` of `size` runs, out of `count`.
    public static func jobs(count: Int, rank: Int, size: Int) -> [Int] {
        guard size > 0, rank >= 0, rank < size else { return [] }
        return Array(stride(from: rank, to: count, by: size))
    }
}

/// Splits `total` into integers proportional to `weights` that add up to exactly `total`: the floor of
/// each share, then one more to the largest remainders (ties to the lower index). Deterministic.
public func apportion(_ total: Int, weights: [Double]) -> [Int] {
    let sum = weights.reduce(0) { $0 + Swift.max(0, $1) }
    guard total > 0, sum > 0 else { return weights.map { _ in 0 } }
    var shares = [Int](repeating: 0, count: weights.count)
    var remainders: [(index: Int, fraction: Double)] = []
    var assigned = 0
    for (i, w) in weights.enumerated() {
        let exact = Double(total) * Swift.max(0, w) / sum
        let whole = Int(exact.rounded(.down))
        shares[i] = whole
        assigned += whole
        if w > 0 { remainders.append((i, exact - Double(whole))) }
    }
    remainders.sort { $0.fraction != $1.fraction ? $0.fraction > $1.fraction : $0.index < $1.index }
    var left = total - assigned
    var k = 0
    while left > 0 && !remainders.isEmpty {
        shares[remainders[k % remainders.count].index] += 1
        left -= 1
        k += 1
    }
    return shares
}
