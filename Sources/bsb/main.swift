import BsbWorkflow

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The BSB command line without the launcher: no tracer is bootstrapped, so tracing costs nothing.
exit(BsbCLI.run(Array(CommandLine.arguments.dropFirst())))
