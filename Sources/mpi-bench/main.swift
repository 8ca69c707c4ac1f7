// The cost of one collective root span (`BsbTracer.trace`) under MPI: rank 0 opens the span and broadcasts its
// context, the other ranks adopt it. Run as `mpiexec -n N mpi-bench [SPANS] [DIR]`; rank 0 prints one JSON line.
#if canImport(Glibc)
import Glibc
#endif
import BsbWorkflow
import Exporters
import Parallel
import Telemetry
import Tracing

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1000 : 1000
let directory = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : "/tmp"
let initialization = World.initializeFromEnvironment()
for warning in initialization.warnings { Diagnostics.warn(warning) }
let world = World.communicator
let exporter = try JSONLinesExporter(pathPattern: "\(directory)/mpi-bench_*.jsonlines")
let provider = TracerProvider(processors: [SimpleSpanProcessor(exporter: exporter)])
InstrumentationSystem.bootstrap(provider.tracer("mpi-bench"))
let tracer = getBsbTracer("mpi-bench")

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

world.barrier()
let start = now()
for _ in 0..<count {
    try tracer.trace("collective root") {}
}
world.barrier()
let elapsed = now() - start
provider.shutdown()
unlink(exporter.path)
if world.rank == 0 {
    print("{\"ranks\": \(world.size), \"collective_spans\": \(count), \"seconds\": \(elapsed), \"us_per_span\": \(Double(Int(elapsed / Double(count) * 1e7)) / 10)}")
}
World.finalize()
