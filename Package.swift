// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [.unsafeFlags(["-warnings-as-errors"])]

// The shipped binaries (Docs/Performance.md, "A lean binary"): linked by GNU ld (gold has no DT_RELR)
// with their ~108,000 relative relocations packed as DT_RELR (less for the loader to read; the binaries
// stay position-independent), and no debug sections on disk (35 MB; the debug build keeps them).
// `--no-export-dynamic` undoes the `-export-dynamic` of the toolchain's static-stdlib-args.lnk: 25,000
// of our symbols in the dynamic table (2.3 MB) that nothing looks up, but the runtime's start-up
// `dladdr` walks.
let releaseLink: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-use-ld=bfd", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker",
            "--strip-debug",
            "-Xlinker", "--no-export-dynamic",
        ],
        .when(configuration: .release)
    )
]

let package = Package(
    name: "esa",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "esa", targets: ["esa"]),
        // `esa serve`: the gateway's supervisor and the SSH endpoint; `esa serve` runs it from esa's folder.
        .executable(name: "esa-serve", targets: ["esa-serve"]),
        // For the fuzz targets in Fuzz/ (a separate package built with sanitizers).
        .library(name: "EsaCore", targets: ["ApplianceConfig", "ConfigStore", "Shell", "Commands", "Certificates"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // OrderedDictionary: the configuration's keyed collections (ApplianceConfig's KeyedList).
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        // The embedded SSH endpoint of `esa serve` (module SSHEndpoint, in esa-serve only).
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssh", from: "0.15.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // C system libraries: the only places that see C headers.
        // OpenSSL's headers only: libcrypto and libssl are opened on first use by OpenSSLLoader.
        .systemLibrary(name: "COpenSSL"),
        // libedit and libxml2 are opened with dlopen on first use (Docs/Architecture.md, "Libraries
        // loaded on first use"): their modules give the C types only, no link flags (so no pkgConfig;
        // libxml2's headers are found through ApplianceConfig's -I).
        .systemLibrary(name: "CLibEdit"),
        .systemLibrary(name: "CCrypt"),
        .systemLibrary(name: "CLibXML2"),
        .systemLibrary(name: "CResolv"),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // The one DNS host-name rule (configuration, certificates and commands alike).
        .target(name: "DomainNames", swiftSettings: strict),
        // Trimming, padding and printf-style numbers without Foundation's ICU (Docs/Architecture.md).
        .target(name: "TextSupport", swiftSettings: strict),
        // Configuration as plain values.
        // libxml2's SAX parser reads configuration files (XMLTree.swift only).
        .target(
            name: "ApplianceConfig",
            dependencies: [
                "CLibXML2", "DomainNames", "OpenSSLSupport", "Certificates", "TextSupport",
                .product(name: "OrderedCollections", package: "swift-collections"),
            ],
            swiftSettings: strict + [.unsafeFlags(["-Xcc", "-I/usr/include/libxml2"])]
        ),
        // The system SQLite: connections, statements, transactions, migrations; only module importing CSQLite.
        .target(name: "SQLite", dependencies: ["CSQLite"], swiftSettings: strict),
        // Revisions on SQLite.
        .target(name: "ConfigStore", dependencies: ["ApplianceConfig", "SQLite"], swiftSettings: strict),
        // OpenSSL's functions under their own names, each calling the library's through dlsym: libcrypto
        // and libssl are loaded on first use (Docs/Architecture.md, "Libraries loaded on first use").
        .target(name: "OpenSSLLoader", exclude: ["functions.txt"]),
        // OpenSSL, owned pointers; only module importing COpenSSL.
        .target(name: "OpenSSLSupport", dependencies: ["COpenSSL", "OpenSSLLoader"], swiftSettings: strict),
        // C-free certificate API.
        .target(
            name: "Certificates",
            dependencies: ["OpenSSLSupport", "DomainNames", "TextSupport"],
            swiftSettings: strict
        ),
        // tlsverify's SMTP + STARTTLS client and the verify algorithm; the system resolver (MX).
        .target(
            name: "TLSClient",
            dependencies: ["OpenSSLSupport", "Certificates", "CResolv", "DomainNames"],
            swiftSettings: strict
        ),
        // yescrypt passphrase hashes (libcrypt); only module importing CCrypt.
        .target(name: "Passphrases", dependencies: ["CCrypt"], swiftSettings: strict),
        // The legacy scp protocol (ssh.md §2) as pure state machines over bytes.
        .target(name: "SecureCopy", swiftSettings: strict),
        // Console protocol, dialog engine, registry, script runner.
        .target(
            name: "Shell",
            dependencies: ["ConfigStore", "ApplianceConfig", "DomainNames", "TextSupport"],
            swiftSettings: strict
        ),
        // One file per appliance command.
        .target(
            name: "Commands",
            dependencies: [
                "Shell", "ConfigStore", "ApplianceConfig", "Certificates", "SecureCopy", "Passphrases", "Gateway",
                "MailLog", "TLSClient", "TextSupport",
            ],
            swiftSettings: strict
        ),
        // esa serve's supervisor: parts, the store watcher, back-off.
        .target(
            name: "Service",
            dependencies: ["ApplianceConfig", "ConfigStore", "Shell"],
            swiftSettings: strict
        ),
        // Postfix's log → the appliance's mail log (pure translator, writer, follower).
        .target(name: "MailLog", dependencies: ["ApplianceConfig"], swiftSettings: strict),
        // The data plane: the private Postfix instance of `esa serve` (rendering, apply, supervision).
        .target(
            name: "Gateway",
            dependencies: [
                "ApplianceConfig", "Certificates", "DomainNames", "Service", "Shell", "MailLog", "TLSClient",
                "TextSupport",
            ],
            swiftSettings: strict
        ),
        // The embedded SSH endpoint (ssh.md §1): NIOSSH server, host keys, authentication against
        // the committed users, each session an `esa` child process on a pty or pipes.
        .target(
            name: "SSHEndpoint",
            dependencies: [
                "ApplianceConfig", "Passphrases", "Service", "Shell",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSH", package: "swift-nio-ssh"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // libedit console; only module importing CLibEdit.
        .target(name: "LineEditing", dependencies: ["Shell", "CLibEdit"], swiftSettings: strict),
        // The shell. It links none of SwiftNIO, NIOSSH and swift-crypto: `esa serve` is esa-serve.
        .executableTarget(
            name: "esa",
            dependencies: [
                "Shell", "Commands", "LineEditing", "ConfigStore", "Certificates", "SecureCopy",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict,
            linkerSettings: releaseLink
        ),
        // `esa serve` (the supervisor, the gateway, the SSH endpoint), run by `esa serve` in its place.
        .executableTarget(
            name: "esa-serve",
            dependencies: [
                "ApplianceConfig", "Commands", "ConfigStore", "Gateway", "Service", "Shell", "SSHEndpoint",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/EsaServe",
            swiftSettings: strict,
            linkerSettings: releaseLink
        ),

        // Scripts/bench's measurements of the revision store (release builds; not a test).
        .executableTarget(
            name: "esa-bench",
            dependencies: ["ConfigStore", "ApplianceConfig", "MailLog", "TextSupport"],
            path: "Sources/EsaBench",
            swiftSettings: strict
        ),

        .target(
            name: "TestSupport",
            dependencies: ["Shell", "Commands", "ConfigStore", "ApplianceConfig", "Certificates", "OpenSSLSupport"],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "ApplianceConfigTests", dependencies: ["ApplianceConfig", "Shell", "TestSupport"]),
        .testTarget(
            name: "ConfigStoreTests",
            dependencies: ["ConfigStore", "SQLite", "TestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite", "TestSupport"]),
        .testTarget(name: "CertificatesTests", dependencies: ["Certificates", "TestSupport"]),
        .testTarget(name: "MailLogTests", dependencies: ["MailLog", "TestSupport"]),
        .testTarget(name: "ShellTests", dependencies: ["Shell", "TestSupport"]),
        .testTarget(name: "SecureCopyTests", dependencies: ["SecureCopy"]),
        .testTarget(name: "TextSupportTests", dependencies: ["TextSupport"]),
        .testTarget(name: "TLSClientTests", dependencies: ["TLSClient", "TestSupport"]),
        .testTarget(name: "PassphrasesTests", dependencies: ["Passphrases", "ApplianceConfig"]),
        .testTarget(
            name: "CommandsTests",
            dependencies: ["Commands", "Shell", "TestSupport", "Passphrases", "Gateway", "MailLog", "TLSClient"]
        ),
        .testTarget(
            name: "GatewayTests",
            dependencies: ["Gateway", "ApplianceConfig", "ConfigStore", "Certificates", "TestSupport"],
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "SSHEndpointTests",
            dependencies: [
                "SSHEndpoint", "TestSupport", "Passphrases", .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport", "ConfigStore", "LineEditing"]),
    ]
)
