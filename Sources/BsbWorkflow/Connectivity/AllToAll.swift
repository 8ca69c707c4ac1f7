/// Connects every presynaptic cell to every postsynaptic cell.
public struct AllToAll: ConnectivityStrategy {
    public init() {}

    public var needsPositions: Bool { false }

    /// The most connections one job makes (8 bytes each in memory).
    public static let maximumPairsPerJob = 1 << 32

    public func connect(chunk: Chunk, pre: [CellSet], post: [CellSet], random: inout RandomSource) throws -> [[UInt32]] {
        var result: [[UInt32]] = []
        for preSet in pre {
            for postSet in post {
                let (n, overflow) = preSet.count.multipliedReportingOverflow(by: postSet.count)
                guard !overflow, n <= Self.maximumPairsPerJob else {
                    throw CompileError("\(preSet.count) × \(postSet.count) connections in chunk \(chunk.label) are more than one job can hold (\(Self.maximumPairsPerJob)); use smaller chunks")
                }
                let pairs = [UInt32](unsafeUninitializedCapacity: 2 * n) { buffer, initialized in
                    var i = 0
                    for postRange in postSet.ranges {
                        for postID in postRange {
                            let post = UInt32(truncatingIfNeeded: postID)
                            for preRange in preSet.ranges {
                                for preID in preRange {
                                    buffer[i] = UInt32(truncatingIfNeeded: preID)
                                    buffer[i + 1] = post
                                    i += 2
                                }
                            }
                        }
                    }
                    initialized = i
                }
                result.append(pairs)
            }
        }
        return result
    }

    static let factory = ConnectivityFactory { _ in AllToAll() }
}
