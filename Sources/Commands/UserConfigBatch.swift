import ApplianceConfig
import Shell

/// `userconfig add|new|delete|list` for automation. A passphrase left off the command line is asked
/// (hidden) rather than ever written to a log or history.
enum UserConfigBatch {
    static let usage =
        "Usage: userconfig add {user} {full name} {role} [{passphrase}] | userconfig new {user} [{full name}] {role} "
        + "| userconfig delete {user} | userconfig list"

    static func run(_ arguments: [String], in session: Session) throws {
        let sub = arguments[0].lowercased()
        let rest = Array(arguments.dropFirst())
        switch sub {
        case "add", "new":
            try add(rest, in: session)
        case "delete":
            guard rest.count == 1 else { throw bad("Expected one user name.") }
            try delete(rest[0], in: session)
        case "list":
            guard rest.isEmpty else { throw bad("Unexpected argument \"\(rest[0])\".") }
            session.dialog.block(UserConfigCommand.listing(session.configuration))
        default:
            throw bad("Unknown subcommand \"\(UserAccounts.printable(arguments[0]))\".")
        }
    }

    private static func bad(_ problem: String) -> ShellError {
        .invalidInput("\(usage)\n\(problem)")
    }

    private static func add(_ words: [String], in session: Session) throws {
        guard (2...4).contains(words.count) else { throw bad("Expected a user, a full name, a role and a passphrase.") }
        let name = try UserConfigRules.checkNewName(words[0], in: session.configuration).get()
        let fullName = try UserConfigRules.checkFullName(words.count >= 3 ? words[1] : words[0]).get()
        let roleWord = words.count == 2 ? words[1] : words[2]
        guard let role = UserRole(word: roleWord) else {
            throw bad("Unknown role \"\(UserAccounts.printable(roleWord))\": use admin, operator, readonly or guest.")
        }
        let policy = session.configuration.userPolicy
        let passphrase: String
        if words.count == 4 {
            passphrase = words[3]
        } else {
            session.dialog.block("Enter the passphrase for \(name).")
            passphrase = try session.dialog.secret("[]> ")
            session.dialog.lines("Please enter the new passphrase again.")
            let again = try session.dialog.secret("> ")
            guard again == passphrase else { throw ShellError.invalidInput("The passphrases do not match.") }
        }
        if let problem = UserAccounts.problem(with: passphrase, user: name, policy: policy) {
            throw ShellError.invalidInput(problem)
        }
        let user = ApplianceUser(
            name: name,
            fullName: fullName,
            role: role,
            passphraseHash: try UserAccounts.hash(passphrase)
        )
        session.stage { $0.users.append(user) }
    }

    private static func delete(_ name: String, in session: Session) throws {
        let users = session.configuration.users
        guard let user = users.first(where: { $0.name == name }) else {
            throw ShellError.actionFailed("There is no user \"\(UserAccounts.printable(name))\".")
        }
        if user.name == ApplianceUser.factoryName { throw ShellError.actionFailed("User \(name) cannot be deleted.") }
        if user.name == session.environment.applianceUser {
            throw ShellError.actionFailed("You cannot delete yourself.")
        }
        if UserConfigRules.isLastAdministrator(user, users) {
            throw ShellError.actionFailed("The last Administrator cannot be deleted.")
        }
        session.stage { $0.users.removeAll { $0.name == name } }
    }
}
