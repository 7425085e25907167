import Foundation
import Testing

/// The `esa` shell links FoundationEssentials, not Foundation with its ICU data (issue 13, Docs/Architecture.md
/// "Imports"): no module of ours imports `Foundation`, `FoundationInternationalization`, `FoundationNetworking`
/// or `FoundationXML`, except those listed here.
@Suite("Foundation stays out of esa")
struct FoundationImportTests {
    /// Folders and files that may import Foundation, and why. Shrink this list; do not grow it for code the
    /// shell links.
    static let allowed: [(path: String, why: String)] = [
        ("Sources/SSHEndpoint/", "esa-serve's SSH endpoint (swift-nio-ssh, swift-crypto); the shell does not link it"),
        ("Sources/EsaServe/", "the esa-serve executable; the shell does not link it"),
    ]
    static let fullFoundation: Set<String> = [
        "Foundation", "FoundationInternationalization", "FoundationNetworking", "FoundationXML",
    ]

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// The module a line imports, if it is an import (`import X`, `internal import X`, `import struct X.Y`,
    /// `@preconcurrency import X`).
    static func importedModule(_ line: Substring) -> String? {
        var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })[...]
        while let first = words.first,
            first.hasPrefix("@") || ["public", "package", "internal", "fileprivate", "private"].contains(first)
        {
            words = words.dropFirst()
        }
        guard words.first == "import" else { return nil }
        words = words.dropFirst()
        if let kind = words.first,
            ["struct", "class", "enum", "protocol", "func", "var", "let", "typealias"].contains(kind)
        {
            words = words.dropFirst()
        }
        return words.first.map { String($0.split(separator: ".").first ?? $0) }
    }

    /// `file:line: import X` for each import of full Foundation outside the `#else` branch of
    /// `#if canImport(FoundationEssentials)` (the branch other platforms compile).
    static func violations(in text: String, file: String) -> [String] {
        var found: [String] = []
        var inEssentialsCheck = false
        var inOtherPlatforms = false
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.drop(while: { $0 == " " || $0 == "\t" })
            if line.hasPrefix("#if") {
                inEssentialsCheck = line.contains("canImport(FoundationEssentials)")
                inOtherPlatforms = false
            } else if line.hasPrefix("#else") || line.hasPrefix("#elseif") {
                inOtherPlatforms = inEssentialsCheck
            } else if line.hasPrefix("#endif") {
                inEssentialsCheck = false
                inOtherPlatforms = false
            } else if let module = importedModule(line), fullFoundation.contains(module), !inOtherPlatforms {
                found.append("\(file):\(number + 1): import \(module)")
            }
        }
        return found
    }

    @Test("no module linked into esa imports full Foundation")
    func sourcesImportFoundationEssentialsOnly() throws {
        let sources = Self.repository.appendingPathComponent("Sources")
        let enumerator = try #require(FileManager.default.enumerator(atPath: sources.path))
        var checked = 0
        var found: [String] = []
        while let relative = enumerator.nextObject() as? String {
            guard relative.hasSuffix(".swift") else { continue }
            let path = "Sources/" + relative
            guard !Self.allowed.contains(where: { path.hasPrefix($0.path) }) else { continue }
            let text = try String(contentsOf: sources.appendingPathComponent(relative), encoding: .utf8)
            found += Self.violations(in: text, file: path)
            checked += 1
        }
        #expect(checked > 100, "the sources were found")
        #expect(found == [], "use FoundationEssentials and TextSupport (Docs/Architecture.md, \"Imports\")")
    }

    @Test("the check finds each form of the import, and spares the other platforms' branch")
    func theCheckSeesImports() {
        let text = """
            import FoundationEssentials
            #if canImport(FoundationEssentials)
            import FoundationEssentials
            #else
            import Foundation
            #endif
            @preconcurrency import Foundation
            internal import FoundationXML
            import struct FoundationNetworking.URLRequest
            #if canImport(Glibc)
            import Glibc
            #else
            import FoundationInternationalization
            #endif
            """
        #expect(
            Self.violations(in: text, file: "x.swift") == [
                "x.swift:7: import Foundation", "x.swift:8: import FoundationXML",
                "x.swift:9: import FoundationNetworking", "x.swift:13: import FoundationInternationalization",
            ]
        )
    }
}
