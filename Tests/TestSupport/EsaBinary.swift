import Foundation

/// The built `esa` executable, for end-to-end tests.
public enum EsaBinary {
    /// `$ESA_BINARY` if set, else `esa` in the products directory that holds the running test bundle
    /// (SwiftPM puts the executable and `<Package>PackageTests.xctest` side by side).
    public static var url: URL? {
        let fileManager = FileManager.default
        if let explicit = ProcessInfo.processInfo.environment["ESA_BINARY"],
            fileManager.isExecutableFile(atPath: explicit)
        {
            return URL(fileURLWithPath: explicit)
        }
        var starts: [URL] = []
        if let first = ProcessInfo.processInfo.arguments.first {
            starts.append(URL(fileURLWithPath: first).resolvingSymlinksInPath())
        }
        if let executable = try? fileManager.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            starts.append(URL(fileURLWithPath: executable))
        }
        starts.append(contentsOf: Bundle.allBundles.map(\.bundleURL))
        for start in starts {
            // Walk up from the test binary (inside `X.xctest/Contents/MacOS` on macOS) to the products directory.
            var directory = start.deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = directory.appendingPathComponent("esa")
                var isDirectory: ObjCBool = false
                if fileManager.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                    fileManager.isExecutableFile(atPath: candidate.path)
                {
                    return candidate
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        return nil
    }

    /// The built `esa-serve` (what `esa serve` runs), next to `esa`.
    public static var serveURL: URL? {
        guard let shell = url?.resolvingSymlinksInPath() else { return nil }
        let serve = shell.deletingLastPathComponent().appendingPathComponent("esa-serve")
        return FileManager.default.isExecutableFile(atPath: serve.path) ? serve : nil
    }
}

/// `esa` and `esa-serve` where another user (`nobody`, for tests that drop root) can run them: hard
/// links (or copies, across file systems) in a folder anyone may enter. The build folder itself may sit
/// in a folder only its owner can enter (a clone made by `mktemp -d` is mode 0700). Removed with the value.
public final class BinariesForOtherUsers {
    public let directory: TemporaryDirectory
    /// The reachable `esa`; `esa-serve` is beside it, where `esa serve` looks for it.
    public let esa: URL

    public init() throws {
        guard let shell = EsaBinary.url?.resolvingSymlinksInPath() else { throw EsaProcess.NotBuilt() }
        directory = try TemporaryDirectory()
        chmod(directory.url.path, 0o755)
        for name in ["esa", "esa-serve"] {
            let source = shell.deletingLastPathComponent().appendingPathComponent(name)
            let target = directory.url.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: source.path) else { continue }
            if link(source.path, target.path) != 0 {
                try FileManager.default.copyItem(at: source, to: target)
            }
            chmod(target.path, 0o755)
        }
        esa = directory.url.appendingPathComponent("esa")
    }
}
