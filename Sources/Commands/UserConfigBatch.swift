import ApplianceConfig
import Shell

/// `userconfig add|new|delete|list` for automation. A passphrase left off the command line is asked
/// (hidden) rather than ever written to a log or history.
enum UserConfigBatch {
    /// A new user's name (refusals stand alone, as in the dialog).
    static let newUser = Positional(
        "user",
        ValueParser("{user}", standalone: true) { text, context throws(ShellError) in
            try UserConfigRules.checkNewName(text, in: context.configuration).get()
        }
    )
    /// The full name, or (when it is the last word) the role.
    static let second = Positional("second", ValueParser<String>.text("{full name}"), missing: "{role}")
    static let role = Positional.optional(
        "role",
        ValueParser<String>.text("{role}") { _ in ["admin", "operator", "readonly", "guest"] }
    )
    static let passphraseWord = Positional.optional("passphrase", ValueParser<String>.text("{passphrase}"))
    /// An existing user, named exactly; Tab offers them.
    static let user = Positional(
        "user",
        ValueParser("{user}", candidates: { $0.configuration.users.map(\.name) }) { text, context throws(ShellError) in
            guard context.configuration.users.contains(id: text) else {
                throw .actionFailed("There is no user \"\(UserAccounts.printable(text))\".")
            }
            return text
        }
    )

    static func grammar(_ configuration: CommandConfiguration) -> Grammar {
        Grammar(
            configuration,
            style: .joined,
            wording: Grammar.Wording(unknownSubcommand: { "Unknown subcommand \"\(UserAccounts.printable($0))\"." }),
            interactive: { try UserConfigCommand.menu($0) },
            addForm("add", usage: "userconfig add {user} {full name} {role} [{passphrase}]"),
            addForm("new", usage: "userconfig new {user} [{full name}] {role}"),
            Form("delete", usage: "userconfig delete {user}", .argument(user)) { values, session in
                try delete(values[user], in: session)
            },
            Form("list", usage: "userconfig list") { _, session in
                session.dialog.block(UserConfigCommand.listing(session.configuration))
            }
        )
    }

    /// `add` and its other spelling `new`: the same words, each with its usage line.
    private static func addForm(_ name: String, usage: String) -> Form {
        Form(name, usage: usage, .argument(newUser), .argument(second), .argument(role), .argument(passphraseWord)) {
            values,
            session in
            try add(values, in: session)
        }
    }

    /// `add {user} {full name} {role} [{passphrase}]`, or `{user} {role}` (the full name is the user
    /// name); without a passphrase on the line, it is asked (hidden).
    private static func add(_ values: BatchValues, in session: Session) throws {
        let name = values[newUser]
        let roleWord = values[role] ?? values[second]
        let fullName = try UserConfigRules.checkFullName(values[role] == nil ? name : values[second]).get()
        guard let role = UserRole(word: roleWord) else {
            throw Grammar.Misuse(
                "Unknown role \"\(UserAccounts.printable(roleWord))\": use admin, operator, readonly or guest."
            )
        }
        let policy = session.configuration.userPolicy
        let passphrase: String
        if let given = values[passphraseWord] {
            passphrase = given
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
        guard let user = users[id: name] else { return }
        if user.name == ApplianceUser.factoryName { throw ShellError.actionFailed("User \(name) cannot be deleted.") }
        if user.name == session.environment.applianceUser {
            throw ShellError.actionFailed("You cannot delete yourself.")
        }
        if UserConfigRules.isLastAdministrator(user, users) {
            throw ShellError.actionFailed("The last Administrator cannot be deleted.")
        }
        session.stage { $0.users.remove(id: name) }
    }
}
