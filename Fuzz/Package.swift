// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for esa. Built by `Scripts/fuzz`, which also passes `-Xswiftc -sanitize=fuzzer,address`
// so that every module (the library code under test, not just the targets) is coverage-instrumented.
// Each target defines `LLVMFuzzerTestOneInput`; its `main.swift` hands over to libFuzzer with
// `LLVMFuzzerRunDriver`. SwiftPM links an executable with `--defsym main={Target}_main`, which wins
// over the `main` of libFuzzer's own FuzzerMain object (still pulled in, and it needs the
// `LLVMFuzzerTestOneInput` symbol), so `-parse-as-library` with libFuzzer's `main` cannot work here.
let fuzzer: [SwiftSetting] = [.unsafeFlags(["-sanitize=fuzzer,address", "-warnings-as-errors"])]
let fuzzerLink: [LinkerSetting] = [.unsafeFlags(["-sanitize=fuzzer,address"])]

func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzDriver"] + dependencies,
        swiftSettings: fuzzer,
        linkerSettings: fuzzerLink
    )
}

let core: Target.Dependency = .product(name: "EsaCore", package: "main")

let package = Package(
    name: "EsaFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "main", path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        fuzzTarget("FuzzCommandLine", [core]),
        fuzzTarget("FuzzDialog", [core]),
        fuzzTarget("FuzzCertificates", [core]),
        fuzzTarget("FuzzConfigXML", [core]),
        fuzzTarget("FuzzDestinationINI", [core]),
        fuzzTarget("FuzzHostAccess", [core]),
        // Writes the generated seeds (Scripts/fuzz seeds); not a fuzz target.
        .executableTarget(name: "FuzzSeeds", dependencies: [core], swiftSettings: fuzzer, linkerSettings: fuzzerLink),
    ]
)
