// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Huashu",
    products: [
        .executable(name: "huashu", targets: ["huashu"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
    ],
    targets: [
        // libedit's C API; `static inline` wrappers make its variadic calls reachable from Swift.
        .systemLibrary(
            name: "CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // The one SQLite setting made through its variadic C API (the library comes with GRDBSQLite).
        .systemLibrary(name: "CSQLiteTuning", providers: [.apt(["libsqlite3-dev"])]),
        // OpenSSL's libcrypto: SHA-256 for the call log's hash chain, hardware-accelerated.
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // libpq: the team's central store on PostgreSQL (libpq's conventions: URLs, .pgpass, PG* variables).
        .systemLibrary(name: "CLibPQ", providers: [.apt(["libpq-dev"])]),
        // libxlsxwriter: `report --format xlsx`, loaded on first use like libpq.
        .systemLibrary(name: "CXLSXWriter", providers: [.apt(["libxlsxwriter-dev"])]),
        // Chinese text in a terminal: display width, full-width input, pinyin.
        .target(name: "HuashuText"),
        // The one calendar: days, months, local time and log timestamps, without ICU.
        .target(name: "HuashuCalendar", dependencies: ["HuashuText"]),
        // Renewal-domain rules: the timeline and its touchpoints, the queue's order, the season,
        // outcomes, follow-ups, pay bands, callback times as customers say them. Pure, no I/O.
        .target(name: "HuashuRenewal", dependencies: ["HuashuText", "HuashuCalendar"]),
        // The dialogue language: lexer, parser, model, checker. Pure.
        .target(name: "HuashuScript", dependencies: ["HuashuText", "HuashuRenewal"]),
        // The call state machine and objection search. Pure and deterministic.
        .target(name: "HuashuEngine", dependencies: ["HuashuCalendar", "HuashuScript", "HuashuRenewal"]),
        // Customer ledger files: decoding, CSV, field checks. Pure.
        .target(name: "HuashuLedger", dependencies: ["HuashuText", "HuashuCalendar"]),
        // SQLite: schema, the call log, customers, follow-ups.
        .target(
            name: "HuashuStore",
            dependencies: [
                "HuashuEngine", "HuashuRenewal", "HuashuCalendar", "HuashuLedger", "CSQLiteTuning", "CCrypto",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // The team's central store: the PostgreSQL connection, its schema, pushing a desk's log up.
        .target(name: "HuashuCentral", dependencies: ["CLibPQ", "HuashuCalendar", "HuashuEngine", "HuashuRenewal", "HuashuStore", .product(name: "GRDB", package: "GRDB.swift")]),
        // Line editing (libedit) and width-aware text for the terminal.
        .target(name: "HuashuTerminal", dependencies: ["CLibEdit", "HuashuText"]),
        // The programs' behaviour: the live-call loop and the command bodies.
        .target(
            name: "HuashuApp",
            dependencies: [
                "HuashuCalendar", "HuashuScript", "HuashuEngine", "HuashuRenewal", "HuashuLedger", "HuashuStore", "HuashuCentral", "HuashuTerminal", "CXLSXWriter",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .executableTarget(
            name: "huashu",
            dependencies: ["HuashuApp", "HuashuStore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "HuashuTextTests", dependencies: ["HuashuText"]),
        .testTarget(name: "HuashuCalendarTests", dependencies: ["HuashuCalendar"]),
        .testTarget(name: "HuashuRenewalTests", dependencies: ["HuashuRenewal", "HuashuCalendar"]),
        .testTarget(name: "HuashuScriptTests", dependencies: ["HuashuScript"]),
        .testTarget(name: "HuashuEngineTests", dependencies: ["HuashuEngine", "HuashuRenewal"]),
        .testTarget(name: "HuashuLedgerTests", dependencies: ["HuashuLedger", "HuashuCalendar"]),
        .testTarget(name: "HuashuStoreTests", dependencies: ["HuashuStore", "HuashuCalendar", "HuashuEngine", "HuashuScript"]),
        .testTarget(name: "HuashuAppTests", dependencies: ["HuashuApp", "HuashuCalendar", "HuashuStore", "HuashuCentral", "HuashuScript", "HuashuEngine", "HuashuRenewal", "huashu"]),
    ]
)
