import Commands
import Foundation
import Shell
import Testing

/// Keeps Docs/Development.md's "Adding a command" honest: what it says every command has, every
/// command has; the names it cites exist.
@Suite struct CommandRecipeTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every command parses its words through its declared grammar (issue 9): none by hand.
    @Test func everyCommandIsDeclared() {
        for command in AllCommands.commands {
            #expect(command is any DeclaredCommand, "\(command.name) parses its words by hand")
        }
    }

    @Test func everyCommandHasItsPage() {
        for command in AllCommands.commands {
            let page = Self.root.appendingPathComponent("Docs/Commands/\(command.name).md")
            #expect(FileManager.default.fileExists(atPath: page.path), "no \(page.lastPathComponent)")
        }
    }

    @Test func everyNameTheRecipeCitesExists() throws {
        let development = try String(
            contentsOf: Self.root.appendingPathComponent("Docs/Development.md"),
            encoding: .utf8
        )
        let recipe = try #require(development.components(separatedBy: "## Adding a command").dropFirst().first)
        let section = recipe.components(separatedBy: "\n## ").first ?? recipe
        // Backquoted identifiers (`Grammar`, `.revision`, `values[argument]` → values).
        var names = Set<String>()
        for quoted in section.components(separatedBy: "`").enumerated() where quoted.offset % 2 == 1 {
            let word = quoted.element.trimmingCharacters(in: CharacterSet(charactersIn: "."))
            let identifier = word.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            if identifier.count == word.count && identifier.count > 2 { names.insert(String(identifier)) }
        }
        #expect(names.contains("DeclaredCommand"))
        var sources = ""
        let enumerator = FileManager.default.enumerator(
            at: Self.root.appendingPathComponent("Sources"),
            includingPropertiesForKeys: nil
        )
        while let url = enumerator?.nextObject() as? URL {
            if url.pathExtension == "swift" { sources += try String(contentsOf: url, encoding: .utf8) }
        }
        for name in names.sorted() {
            #expect(sources.contains(name), "Docs/Development.md cites `\(name)`, which is nowhere in Sources")
        }
    }
}
