// swift-tools-version: 6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "complaint-gateway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "complaint-gateway", targets: ["complaint-gateway"]),
        .library(name: "ComplaintCore", targets: ["ComplaintCore"]),
        // The parsers and loaders, for the fuzz package in Fuzz/ (a path dependency sees only products).
        .library(
            name: "GatewayParsers",
            targets: [
                "Routing", "EmailAdapter", "SMSAdapter", "HotlineCSVAdapter", "ComplaintDispatch", "GatewayServer",
            ]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.34.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // The record, ids, normalizers, errors and the YAML configuration primitives.
        .target(
            name: "ComplaintCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Rule tables: load, validate, compile, decide.
        .target(
            name: "Routing",
            dependencies: ["ComplaintCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // The ComplaintStore protocol and its SQLite implementation.
        .target(
            name: "Storage",
            dependencies: [
                "ComplaintCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for binding intake inserts without GRDB's argument boxing.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                "CSQLiteTuning",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // Outbox worker, retry policy, HTTP transport. (Module name differs from the folder:
        // `Dispatch` is the system's libdispatch module.)
        .target(
            name: "ComplaintDispatch",
            dependencies: [
                "ComplaintCore",
                "Storage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/Dispatch",
            swiftSettings: swiftSettings
        ),
        // The HTTP application: intake, admin API, health, metrics; wires everything.
        .target(
            name: "GatewayServer",
            dependencies: [
                "ComplaintCore",
                "Routing",
                "Storage",
                "ComplaintDispatch",
                "SMSAdapter",
                "EmailAdapter",
                "HotlineCSVAdapter",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
            ],
            // Compiled into the binary: the gateway serves its API description wherever it runs.
            resources: [.embedInCode("OpenAPI/openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "complaint-gateway",
            dependencies: [
                "ComplaintCore",
                "Routing",
                "Storage",
                "GatewayServer",
                "EmailAdapter",
                "HotlineCSVAdapter",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The same Hummingbird server answering a constant 200: the ceiling `make bench` compares with.
        .executableTarget(
            name: "bench-ceiling",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "Benchmarks/bench-ceiling",
            swiftSettings: swiftSettings
        ),
        // Email parsing speed over CPython's test messages (scripts/bench-email.sh).
        .executableTarget(
            name: "bench-email",
            dependencies: ["EmailAdapter", "ComplaintCore", "GatewayTestSupport"],
            path: "Benchmarks/bench-email",
            swiftSettings: swiftSettings
        ),
        // Decisions per second of the rule router vs a naive loop (scripts/bench-routing.sh).
        .executableTarget(
            name: "bench-routing",
            dependencies: ["Routing", "ComplaintCore"],
            path: "Benchmarks/bench-routing",
            swiftSettings: swiftSettings
        ),
        // libcurl for IMAP (the system's libcurl4-openssl-dev): C wrappers for its variadic setopt.
        .target(
            name: "CSQLiteTuning",
            path: "Sources/CSQLiteTuning",
            linkerSettings: [.linkedLibrary("sqlite3")]
        ),
        .target(
            name: "CCurlShim",
            path: "Sources/CCurlShim",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        // zlib (the system's zlib1g-dev) inflates the members of an uploaded .xlsx workbook.
        .target(
            name: "CZlibShim",
            path: "Sources/CZlibShim",
            linkerSettings: [.linkedLibrary("z")]
        ),
        // Channel adapters live in adapters/<Channel>/, one target each.
        // Email: MIME parser, charsets, HTML to text, auto-reply detection, record mapping.
        .target(
            name: "EmailAdapter",
            dependencies: [
                "ComplaintCore", "CCurlShim", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "adapters/Email",
            swiftSettings: swiftSettings
        ),
        // SMS webhooks: one file per provider behind `SMSProvider` (parse, verify, reply); no HTTP server code.
        .target(
            name: "SMSAdapter",
            dependencies: ["ComplaintCore", .product(name: "Crypto", package: "swift-crypto")],
            path: "adapters/SMS",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SMSAdapterTests",
            dependencies: ["SMSAdapter", "ComplaintCore", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Vectors")],
            swiftSettings: swiftSettings
        ),
        // Hotline call-log CSV: streaming reader, encodings, .xlsx workbooks, column profiles, row report.
        .target(
            name: "HotlineCSVAdapter",
            dependencies: [
                "ComplaintCore", "CZlibShim", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "adapters/HotlineCSV",
            swiftSettings: swiftSettings),
        // Shared by the test targets: a real downstream HTTP server with scripted faults.
        .target(
            name: "GatewayTestSupport",
            dependencies: [
                "CZlibShim",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/Support",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ComplaintCoreTests",
            dependencies: ["ComplaintCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EmailAdapterTests",
            dependencies: ["EmailAdapter", "ComplaintCore", "GatewayTestSupport"],
            exclude: ["make_corpus.py", "email_oracle.py", "make_tnef_expectations.py"],
            resources: [.copy("Corpus")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HotlineCSVTests",
            dependencies: ["HotlineCSVAdapter", "ComplaintCore", "GatewayTestSupport"],
            resources: [.copy("Workbooks")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RoutingTests",
            dependencies: ["Routing", "ComplaintCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: [
                "Storage", "ComplaintCore", "GatewayTestSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DispatchTests",
            dependencies: [
                "ComplaintDispatch", "Storage", "ComplaintCore", "GatewayTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            resources: [.copy("TLS")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GatewayServerTests",
            dependencies: [
                "GatewayServer", "Storage", "Routing", "ComplaintDispatch", "ComplaintCore", "GatewayTestSupport",
                "EmailAdapter",
                "SMSAdapter", .product(name: "Crypto", package: "swift-crypto"),
                "HotlineCSVAdapter",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
