import Testing
@testable import Parallel

@Suite struct LaunchEnvironmentTests {
    @Test func serialRunsAreNotParallel() {
        #expect(LaunchEnvironment.detect([:]) == nil)
        #expect(LaunchEnvironment.detect(["SLURM_PROCID": "0", "SLURM_NTASKS": "1"])?.isParallel == false)
        let initialization = World.initializeFromEnvironment(["HOME": "/root"])
        #expect(initialization.size == 1 && initialization.warnings.isEmpty)
        #expect(!World.isMPI)
        #expect(World.communicator.size == 1)
    }

    @Test(arguments: [
        (["PMI_RANK": "2", "PMI_SIZE": "4"], 2, 4, "PMI_RANK/PMI_SIZE"),
        (["SLURM_PROCID": "1", "SLURM_NTASKS": "64"], 1, 64, "SLURM_PROCID/SLURM_NTASKS"),
        (["OMPI_COMM_WORLD_RANK": "3", "OMPI_COMM_WORLD_SIZE": "8"], 3, 8, "OMPI_COMM_WORLD_RANK/OMPI_COMM_WORLD_SIZE"),
        (["PMIX_RANK": "0", "OMPI_COMM_WORLD_SIZE": "2"], 0, 2, "PMIX_RANK/PMIX_SIZE"),
        // hydra's variables win over Slurm's when both are present (srun --mpi=pmi2 sets both).
        (["PMI_RANK": "1", "PMI_SIZE": "2", "SLURM_PROCID": "1", "SLURM_NTASKS": "2"], 1, 2, "PMI_RANK/PMI_SIZE"),
    ])
    func launchersAreDetected(_ environment: [String: String], _ rank: Int, _ size: Int, _ source: String) throws {
        let launch = try #require(LaunchEnvironment.detect(environment))
        #expect(launch.rank == rank && launch.size == size && launch.source == source)
        #expect(launch.isParallel)
    }

    @Test func serialCommunicatorCollectivesReturnTheirInput() {
        let serial = SerialCommunicator()
        #expect(serial.broadcast([1, 2], root: 0) == [1, 2])
        #expect(serial.allGather([3]) == [[3]])
        #expect(serial.gather([4], root: 0) == [[4]])
    }

    @Test func displacementsAndSplitOfGatheredBytes() {
        let counts: [Int32] = [2, 0, 3]
        let displacements = MPICommunicator.displacements(counts)
        #expect(displacements == [0, 2, 2])
        #expect(MPICommunicator.split([1, 2, 3, 4, 5], counts: counts, displacements: displacements) == [[1, 2], [], [3, 4, 5]])
    }
}
