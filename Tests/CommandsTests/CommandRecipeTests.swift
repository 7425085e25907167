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

    /// A command's header is declared once, in its grammar's `CommandConfiguration`: the name the
    /// registry finds, `help`'s summary and the access rules are that declaration, and the name in
    /// the grammar's usage lines and errors is the same one.
    @Test func everyHeaderIsTheGrammarsConfiguration() throws {
        for command in AllCommands.commands {
            let declared = try #require(command as? any DeclaredCommand, "\(command.name) is not declared")
            let header = declared.grammar.configuration
            let seen = CommandConfiguration(
                command.name,
                aliases: command.aliases,
                summary: command.summary,
                requiresCommit: command.requiresCommit,
                access: command.access,
                viewingForms: command.viewingForms,
                writesDataDirectory: command.writesDataDirectory,
                hidden: command.hidden
            )
            #expect(seen == header, "\(command.name) states its header beside its grammar")
            #expect(declared.grammar.command == command.name)
        }
        // Nor beside it with the same values: no command file writes a header property of its own.
        let header =
            ["name", "aliases", "summary", "requiresCommit", "access", "viewingForms", "hidden"]
            + ["writesDataDirectory"]
        let folder = Self.root.appendingPathComponent("Sources/Commands")
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for line in text.components(separatedBy: "\n") {
                let words = line.split(separator: " ")
                guard words.count > 2, words[0] == "public", words[1] == "let" || words[1] == "var" else { continue }
                let name = words[2].prefix { $0.isLetter || $0.isNumber }
                #expect(!header.contains(String(name)), "\(file): \(line)")
            }
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
