// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "otel-instrument",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "otel-instrument", targets: ["otel-instrument"]),
        .executable(name: "bsb", targets: ["bsb"]),
        .library(name: "Telemetry", targets: ["Telemetry"]),
        .library(name: "Exporters", targets: ["Exporters"]),
        .library(name: "BsbWorkflow", targets: ["BsbWorkflow"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // The plugin registry shared by the launcher and the programs it runs; depends on nothing.
        .target(name: "EntryPoints"),
        // The SDK core: spans, processors, samplers, resource, propagation. Starts no thread.
        .target(
            name: "Telemetry",
            dependencies: [.product(name: "Tracing", package: "swift-distributed-tracing")]
        ),
        // Span exporters and the JSON Lines codec.
        .target(name: "Exporters", dependencies: ["Telemetry"]),
        // Reading a recorded trace: summaries, critical path, Chrome trace export, HTML timeline.
        .target(name: "TraceInsight", dependencies: ["Telemetry", "Exporters"]),
        // Configuration table, distros, configurators.
        .target(
            name: "Distro",
            dependencies: [
                "Telemetry", "Exporters", "EntryPoints",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        // MPICH's C API (types, and shims for handles that do not import as constants). Not linked: `Parallel`
        // loads libmpich only when a launcher is detected, so serial runs neither need nor load MPI.
        .systemLibrary(name: "CMPI", pkgConfig: "mpich", providers: [.apt(["libmpich-dev"])]),
        // A Swift communicator; initialises MPI only when a launcher is detected.
        .target(name: "Parallel", dependencies: ["CMPI"]),
        .target(
            name: "BsbWorkflow",
            dependencies: [
                "Parallel", "EntryPoints", "Telemetry", "Exporters", "TraceInsight",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "otel-instrument",
            dependencies: [
                "Distro", "BsbWorkflow", "EntryPoints", "Telemetry", "Exporters",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        .executableTarget(name: "bsb", dependencies: ["BsbWorkflow"]),
        .executableTarget(
            name: "bench",
            dependencies: ["Telemetry", "Exporters", .product(name: "Tracing", package: "swift-distributed-tracing")]
        ),
        .executableTarget(
            name: "mpi-bench",
            dependencies: ["BsbWorkflow", "Parallel", "Telemetry", "Exporters",
                           .product(name: "Tracing", package: "swift-distributed-tracing")]
        ),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry"]),
        .testTarget(name: "ParallelTests", dependencies: ["Parallel"]),
        .testTarget(name: "ExportersTests", dependencies: ["Exporters", "Telemetry"]),
        .testTarget(name: "TraceInsightTests", dependencies: ["TraceInsight", "Exporters", "Telemetry"]),
        .testTarget(name: "DistroTests", dependencies: ["Distro", "EntryPoints", "Telemetry", "Exporters"]),
        // Runs the built `otel-instrument` executable (and checks the committed man page).
        .testTarget(name: "LauncherTests", dependencies: ["otel-instrument"]),
        .testTarget(
            name: "BsbWorkflowTests",
            dependencies: ["BsbWorkflow", .product(name: "InMemoryTracing", package: "swift-distributed-tracing")]
        ),
        .testTarget(name: "EndToEndTests", dependencies: ["Exporters", "Telemetry"]),
    ],
    swiftLanguageModes: [.v6]
)
