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
