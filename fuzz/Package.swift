// swift-tools-version:6.2
import PackageDescription

// libFuzzer harnesses for the parsers that read untrusted bytes. A package of its own, so that `swift build` and
// `swift test` of the main package never see it; scripts/fuzz.sh builds it with `-sanitize=fuzzer,address` on
// every module, the main package's included, so coverage guides the fuzzer through the parsers themselves.
// What the span harnesses and their support read spans with.
let spanModules: [Target.Dependency] = [
    .product(name: "Exporters", package: "otel-instrument"),
    .product(name: "Telemetry", package: "otel-instrument"),
]

let package = Package(
    name: "otel-instrument-fuzz",
    dependencies: [
        // Named, because a path dependency's identity is its directory's name, which is any clone's choice.
        .package(name: "otel-instrument", path: ".."),
    ],
    targets: [
        // libFuzzer's entry point, declared for Swift.
        .target(name: "CFuzzDriver"),
        .target(
            name: "FuzzSupport",
            dependencies: ["CFuzzDriver"] + spanModules
        ),
        .executableTarget(
            name: "FuzzJSONLines",
            dependencies: ["FuzzSupport"] + spanModules
        ),
        .executableTarget(
            name: "FuzzOTLPJSON",
            dependencies: ["FuzzSupport"] + spanModules
        ),
        .executableTarget(
            name: "FuzzConfiguration",
            dependencies: ["FuzzSupport", .product(name: "BsbWorkflow", package: "otel-instrument")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
