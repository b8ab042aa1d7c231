// swift-tools-version:6.0
import PackageDescription

// IVRCore is the pure heart of the toolkit: flow model, compiler, machine,
// interpreter and knowledge-base search. It depends on Yams (YAML with line
// and column marks) and nothing heavy, so that gateways can embed it.
// The `ivr` command line sits on top; the benchmark is its own executable.
let package = Package(
    name: "ivr",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "IVRCore", targets: ["IVRCore"]),
        .library(name: "IVRTools", targets: ["IVRTools"]),
        .library(name: "IVRStore", targets: ["IVRStore"]),
        .library(name: "IVRSeal", targets: ["IVRSeal"]),
        .library(name: "IVRAGI", targets: ["IVRAGI"]),
        .library(name: "IVRTwiML", targets: ["IVRTwiML"]),
        .library(name: "IVRGateway", targets: ["IVRGateway"]),
        .library(name: "IVRCampaign", targets: ["IVRCampaign"]),
        .library(name: "IVRAMI", targets: ["IVRAMI"]),
        .executable(name: "ivr", targets: ["ivr"]),
        .executable(name: "ivr-gateway", targets: ["ivr-gateway"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    ],
    targets: [
        .target(
            name: "IVRCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // What authors and CI use around the core: scenarios, the command
        // line's call runner and key scripts, exploration, diagrams, schemas.
        // Gateways embed IVRCore without it.
        .target(
            name: "IVRTools",
            dependencies: ["IVRCore", .product(name: "Yams", package: "Yams")]
        ),
        // Popularity in SQLite (GRDB): kept out of the core so that gateways
        // choose their own storage.
        .target(
            name: "IVRStore",
            dependencies: ["IVRCore", "IVRCampaign", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Sealing of saved calls' sensitive values (AES-GCM, swift-crypto) for
        // gateways; the core only defines the `ValueSealer` protocol.
        .target(
            name: "IVRSeal",
            dependencies: ["IVRCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The Asterisk FastAGI protocol with no I/O: lines, the environment
        // block, replies, commands and their quoting, the dialogue's state
        // machine. The gateway's sockets wrap it.
        .target(
            name: "IVRAGI",
            dependencies: ["IVRCore"]
        ),
        // Twilio's side with no I/O (SPEC 13): request signatures, sealed call
        // tokens, TwiML documents, the webhook session.
        .target(
            name: "IVRTwiML",
            dependencies: ["IVRCore", "IVRSeal", "IVRCampaign", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // What every gateway shares (SPEC 11): the flow library with its
        // versions and reloads. No sockets here either.
        .target(
            name: "IVRGateway",
            dependencies: ["IVRCore", "IVRTools", "IVRStore"]
        ),
        // Outbound campaigns (SPEC 14) with no I/O and no clock: campaign
        // files and their checks, the scheduler that says which calls to
        // place when. Dialers and the store are adapters around it.
        .target(
            name: "IVRCampaign",
            dependencies: ["IVRCore", "IVRTools", .product(name: "Yams", package: "Yams"),
                           .product(name: "HeapModule", package: "swift-collections"),
                           .product(name: "DequeModule", package: "swift-collections")]
        ),
        // The Asterisk Manager Interface with no I/O: message framing and the
        // campaign dialer's dialogue (login, Originate, results).
        .target(
            name: "IVRAMI",
            dependencies: ["IVRCampaign"]
        ),
        .executableTarget(
            name: "ivr",
            dependencies: [
                "IVRCore",
                "IVRTools",
                "IVRStore",
                "IVRCampaign",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),
        // The gateways (SPEC 11-13): sockets around the pure sessions. SwiftNIO,
        // Hummingbird (metrics and health), AsyncHTTPClient (lookups by URL),
        // swift-log, swift-metrics with Prometheus and service-lifecycle are
        // here only, so that `ivr` builds without them.
        .executableTarget(
            name: "ivr-gateway",
            dependencies: [
                "IVRCore",
                "IVRTools",
                "IVRAGI",
                "IVRAMI",
                "IVRCampaign",
                "IVRTwiML",
                "IVRGateway",
                "IVRStore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "ivr-bench",
            dependencies: [
                "IVRCore",
                "IVRTools",
                "IVRCampaign",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The FastAGI gateway under load against a baseline server, side by side.
        .executableTarget(
            name: "ivr-gateway-bench",
            dependencies: [
                "IVRTwiML",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Golden/ holds saved calls the tests read by path, not resources.
        .testTarget(name: "IVRCoreTests", dependencies: ["IVRCore", "IVRTools"], exclude: ["Golden"]),
        // A host written against IVRCore's public API alone (no @testable).
        .testTarget(name: "IVREmbeddingTests", dependencies: ["IVRCore"]),
        .testTarget(name: "IVRAGITests", dependencies: ["IVRAGI", "IVRCore"]),
        .testTarget(name: "IVRCampaignTests", dependencies: ["IVRCampaign", "IVRCore"]),
        .testTarget(name: "IVRAMITests", dependencies: ["IVRAMI", "IVRCampaign"]),
        .testTarget(name: "IVRTwiMLTests", dependencies: ["IVRTwiML", "IVRCore", "IVRTools", "IVRCampaign"]),
        .testTarget(name: "IVRGatewayTests", dependencies: ["IVRGateway", "IVRCore", "IVRTools", "IVRStore", "IVRTwiML", "ivr-gateway",
                                                            .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "IVRSealTests", dependencies: ["IVRSeal", "IVRCore", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "IVRStoreTests", dependencies: ["IVRStore", "IVRCore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "IVRCLITests", dependencies: ["ivr", "IVRCore", "IVRTools", "IVRStore", .product(name: "GRDB", package: "GRDB.swift")]),
    ]
)
