import Shell

/// `help` and `help CMD` (shell.md §10). `?` alone at the prompt runs it too.
public struct HelpCommand: DeclaredCommand {
    static let topic = Positional.optional("command", .commandName)

    public let grammar = Grammar(
        CommandConfiguration("help", summary: "View online help for a command.", access: .status),
        Form(usage: "help [command]", .argument(HelpCommand.topic)) { arguments, session in
            try HelpCommand.show(arguments[HelpCommand.topic], session)
        }
    )

    private static func show(_ topic: String?, _ session: Session) throws {
        guard let topic else {
            session.page(Self.overview(session.registry))
            return
        }
        switch session.registry.lookup(topic) {
        case .found(let command):
            session.console.write(Self.detail(command))
        case .ambiguous(let names):
            throw ShellError.invalidInput("Ambiguous command \"\(topic)\": \(names.joined(separator: ", ")).")
        case .unknown:
            throw ShellError.invalidInput("Unknown command or missing feature key: \(topic)")
        }
    }

    /// Every command and alias: the name padded to 20 columns, then its description.
    static func overview(_ registry: CommandRegistry) -> String {
        var rows: [(String, String)] = []
        for command in registry.listed {
            for name in [command.name] + command.aliases { rows.append((name, command.summary)) }
        }
        rows.sort { $0.0 < $1.0 }
        return "\n"
            + rows.map { $0.0 + String(repeating: " ", count: max(20 - $0.0.count, 1)) + $0.1 }
            .joined(separator: "\n") + "\n"
    }

    /// `help CMD`: summary, whether it needs a commit, its batch format.
    static func detail(_ command: any ShellCommand) -> String {
        var text = "\n\(command.name) - \(command.summary)\n\n"
        text +=
            command.requiresCommit
            ? "Commit: This command requires a 'commit'.\n" : "Commit: This command does not require a 'commit'.\n"
        if command.batchSyntax.isEmpty {
            text += "Batch Command: This command does not support a batch format.\n"
        } else {
            text += "Batch Command: This command supports a batch format.\n\n"
            text += command.batchSyntax.map { $0 + "\n" }.joined()
        }
        return text
    }
}
