// swift-tools-version: 6.2
// The libFuzzer harness: one executable whose FUZZ_TARGET environment variable picks the parser.
// A separate package so the main build never compiles it: it links only with `-sanitize=fuzzer`
// (libFuzzer supplies `main`). Built and run by scripts/fuzz.sh; see docs/fuzzing.md.
import Foundation
import PackageDescription

// A path dependency's identity is its directory's name, which depends on where the checkout is.
let gatewayPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent.lowercased()

let package = Package(
    name: "complaint-gateway-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "FuzzGateway",
            dependencies: [
                .product(name: "ComplaintCore", package: gatewayPackage),
                .product(name: "GatewayParsers", package: gatewayPackage),
            ],
            swiftSettings: [
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("MemberImportVisibility"),
            ]
        )
    ]
)
