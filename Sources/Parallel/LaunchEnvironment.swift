#if canImport(Glibc)
import Glibc
#endif

/// What the environment says about the job this process belongs to, before MPI is touched.
///
/// MPI launchers set rank and size variables in every process they start; reading them lets a serial run
/// skip `MPI_Init` (and loading the MPI library) altogether.
public struct LaunchEnvironment: Equatable, Sendable {
    public let rank: Int
    public let size: Int
    /// The variables that gave the size, for messages (`PMI_SIZE`, `SLURM_NTASKS`, …).
    public let source: String

    /// The job described by `environment`, or nil for a plain serial run.
    public static func detect(_ environment: [String: String]) -> LaunchEnvironment? {
        func int(_ key: String) -> Int? { environment[key].flatMap { Int($0) } }
        let candidates: [(rank: String, size: String)] = [
            ("PMI_RANK", "PMI_SIZE"),
            ("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"),
            ("PMIX_RANK", "PMIX_SIZE"),
            ("SLURM_PROCID", "SLURM_NTASKS"),
        ]
        for (rankKey, sizeKey) in candidates {
            guard let rank = int(rankKey) else { continue }
            let size = int(sizeKey) ?? (rankKey == "PMIX_RANK" ? int("OMPI_COMM_WORLD_SIZE") ?? 1 : 1)
            return LaunchEnvironment(rank: rank, size: size, source: "\(rankKey)/\(sizeKey)")
        }
        return nil
    }

    /// Whether this looks like one rank of a job of several processes.
    public var isParallel: Bool { size > 1 }

    /// The process environment as a dictionary.
    public static func current() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                result[String(text[..<eq])] = String(text[text.index(after: eq)...])
            }
            pointer += 1
        }
        return result
    }
}
