// swift-tools-version:6.0
import PackageDescription

// IVRCore is the pure heart of the toolkit: flow model, compiler, machine and
// interpreter. It depends on Yams (YAML with line and column marks) and
// SwiftCSV (lookup tables) and nothing heavy, so that gateways can embed it.
// The `ivr` command line sits on top; the benchmark is its own executable.
let package = Package(
    name: "ivr",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "IVRCore", targets: ["IVRCore"]),
        .executable(name: "ivr", targets: ["ivr"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV.git", from: "0.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        .target(
            name: "IVRCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "SwiftCSV", package: "SwiftCSV"),
            ]
        ),
        .executableTarget(
            name: "ivr",
            dependencies: [
                "IVRCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "ivr-bench",
            dependencies: [
                "IVRCore",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(name: "IVRCoreTests", dependencies: ["IVRCore"]),
        .testTarget(name: "IVRCLITests", dependencies: ["ivr", "IVRCore"]),
    ]
)
