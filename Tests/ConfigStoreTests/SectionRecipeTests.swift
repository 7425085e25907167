import Foundation
import Testing

/// Keeps Docs/Development.md's "Adding a configuration section" honest: a short list, and every
/// name it cites in backquotes exists in Sources/ or Tests/.
@Suite struct SectionRecipeTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func recipe() throws -> String {
        let development = try String(
            contentsOf: root.appendingPathComponent("Docs/Development.md"),
            encoding: .utf8
        )
        let recipe = try #require(
            development.components(separatedBy: "## Adding a configuration section").dropFirst().first
        )
        return recipe.components(separatedBy: "\n## ").first ?? recipe
    }

    @Test func theRecipeIsOneShortList() throws {
        let steps = try Self.recipe().split(separator: "\n").filter { line in
            line.first?.isNumber == true && line.contains(". ")
        }
        #expect(steps.count == 4, "the recipe has \(steps.count) steps: model, table entry, fixture, wording")
    }

    @Test func everyNameTheRecipeCitesExists() throws {
        var names = Set<String>()
        var files = Set<String>()
        for quoted in try Self.recipe().components(separatedBy: "`").enumerated() where quoted.offset % 2 == 1 {
            // A file (`Sources/ApplianceConfig/SectionTable.swift`, `XMLLayouts.swift`): by its name.
            if quoted.element.hasSuffix(".swift") {
                if !quoted.element.contains("{") { files.insert(String(quoted.element.split(separator: "/").last!)) }
                continue
            }
            // `.keyed`, `XMLCodec.fileOrder`, `ValidationIssue.Code` → each identifier in it.
            for part in quoted.element.split(separator: ".") {
                let identifier = part.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                if identifier.count == part.count && identifier.count > 2 && identifier.first!.isLetter {
                    names.insert(String(identifier))
                }
            }
        }
        #expect(names.contains("table") && names.contains("XMLLayout") && names.contains("certificate"))
        var sources = ""
        var fileNames = Set<String>()
        for folder in ["Sources", "Tests"] {
            let enumerator = FileManager.default.enumerator(
                at: Self.root.appendingPathComponent(folder),
                includingPropertiesForKeys: nil
            )
            while let url = enumerator?.nextObject() as? URL {
                guard url.pathExtension == "swift" else { continue }
                sources += try String(contentsOf: url, encoding: .utf8)
                fileNames.insert(url.lastPathComponent)
            }
        }
        #expect(files.contains("SectionTable.swift"))
        for file in files.sorted() {
            #expect(
                fileNames.contains(file),
                "Docs/Development.md cites \(file), which is not a file in Sources or Tests"
            )
        }
        for name in names.sorted() {
            #expect(sources.contains(name), "Docs/Development.md cites `\(name)`, which is nowhere in Sources or Tests")
        }
    }
}
