import BsbWorkflow
import Parallel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The BSB command line without the launcher: no tracer is bootstrapped, so tracing costs nothing. Under
// mpiexec/srun the jobs are still spread over the ranks; a serial run never touches MPI.
let mpi = World.initializeFromEnvironment()
for warning in mpi.warnings {
    let line = Array("bsb: warning: \(warning)\n".utf8)
    line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
}
let code = BsbCLI.run(Array(CommandLine.arguments.dropFirst()))
World.finalize()
exit(code)
