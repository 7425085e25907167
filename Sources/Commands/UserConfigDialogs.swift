import ApplianceConfig
import Shell

/// The operations of the `userconfig` menu, one method each.
struct UserConfigDialogs {
    let session: Session

    private var dialog: Dialog { session.dialog }
    private var users: KeyedList<ApplianceUser> { session.configuration.users }

    func create() throws {
        try UserAccounts.confirmIdentity(session)
        guard
            let name = try dialog.ask(
                ["Enter the new username."],
                format: AnswerFormat(
                    "A new user name: 1 to 32 lower-case letters, digits, \"_\", \"-\" and \".\", starting with a letter."
                ) { text in
                    UserConfigRules.checkNewName(text, in: session.configuration)
                }
            )
        else { return }
        let fullName = try askFullName(for: name, current: nil)
        let role = try askRole(for: name, current: .administrator)
        guard
            let hash = try UserAccounts.askNewPassphrase(
                session,
                user: name,
                first: ["Enter the passphrase for \(name).", "[]> "],
                again: ["Please enter the new passphrase again.", "> "]
            )
        else { return }
        let user = ApplianceUser(name: name, fullName: fullName, role: role, passphraseHash: hash)
        session.stage { $0.users.append(user) }
    }

    func edit() throws {
        guard let user = try chooseUser("edit") else { return }
        if user.name == ApplianceUser.factoryName {
            throw ShellError.actionFailed("User \(user.name) cannot be modified.")
        }
        try UserAccounts.confirmIdentity(session)
        let fullName = try askFullName(for: user.name, current: user.fullName)
        let role = try askRole(for: user.name, current: user.role)
        if user.role == .administrator && role != .administrator && UserConfigRules.isLastAdministrator(user, users) {
            throw ShellError.actionFailed("The last Administrator cannot be given another role.")
        }
        let hash = try UserAccounts.askNewPassphrase(
            session,
            user: user.name,
            first: ["Enter the new passphrase for \(user.name), or press Enter to keep it.", "[]> "],
            again: ["Please enter the new passphrase again.", "> "],
            allowKeep: true
        )
        let name = user.name
        session.stage { config in
            guard let index = config.users.index(ofID: name) else { return }
            config.users[index].fullName = fullName
            config.users[index].role = role
            if let hash { config.users[index].passphraseHash = hash }
        }
    }

    func delete() throws {
        guard let user = try chooseUser("delete") else { return }
        if user.name == ApplianceUser.factoryName {
            throw ShellError.actionFailed("User \(user.name) cannot be deleted.")
        }
        if user.name == session.environment.applianceUser {
            throw ShellError.actionFailed("You cannot delete yourself.")
        }
        if UserConfigRules.isLastAdministrator(user, users) {
            throw ShellError.actionFailed("The last Administrator cannot be deleted.")
        }
        try UserAccounts.confirmIdentity(session)
        guard try dialog.yesNo("Are you sure you want to delete \"\(user.name)\"?", default: false) else { return }
        let name = user.name
        session.stage { $0.users.remove(id: name) }
        dialog.block("User \(name) deleted.")
    }

    func passphrase() throws {
        guard let user = try chooseUser("change the passphrase of") else { return }
        try UserAccounts.confirmIdentity(session)
        guard
            let hash = try UserAccounts.askNewPassphrase(
                session,
                user: user.name,
                first: ["Enter the new passphrase for \(user.name).", "[]> "],
                again: ["Please enter the new passphrase again.", "> "]
            )
        else { return }
        let name = user.name
        session.stage { config in
            guard let index = config.users.index(ofID: name) else { return }
            config.users[index].passphraseHash = hash
            config.users[index].mustChangePassphrase = false
        }
    }

    func status() throws {
        guard let user = try chooseUser("change the status of") else { return }
        try UserAccounts.confirmIdentity(session)
        let index = try dialog.choose(
            ["The account \"\(user.name)\" is \(user.locked ? "locked" : "available").", "Choose the new status:"],
            items: ["available", "locked"],
            default: user.locked ? 1 : 0
        )
        let locked = index == 1
        if locked && !user.locked {
            if user.name == session.environment.applianceUser {
                throw ShellError.actionFailed("You cannot lock yourself.")
            }
            if UserConfigRules.isLastAdministrator(user, users) {
                throw ShellError.actionFailed("The last Administrator cannot be locked.")
            }
        }
        let name = user.name
        session.stage { config in
            guard let index = config.users.index(ofID: name) else { return }
            config.users[index].locked = locked
        }
    }

    func policy() throws {
        let current = session.configuration.userPolicy
        dialog.block(
            "Account lockout after \(current.maximumFailures) failed login attempts.",
            "Minimum passphrase length: \(current.minimumLength) characters."
        )
        guard
            let failures = try dialog.askNumber(
                ["Enter the number of failed login attempts after which an account is locked."],
                range: 1...100,
                default: current.maximumFailures
            ),
            let length = try dialog.askNumber(
                ["Enter the minimum passphrase length."],
                range: 8...128,
                default: current.minimumLength
            )
        else { return }
        session.stage { $0.userPolicy = UserPolicy(maximumFailures: failures, minimumLength: length) }
    }

    // MARK: Questions

    private func askFullName(for name: String, current: String?) throws -> String {
        try dialog.ask(
            ["Enter the full name for \(name)."],
            default: current,
            format: AnswerFormat(
                "The user's full name, such as Jane Doe: at most 128 characters, no quotes.",
                check: UserConfigRules.checkFullName
            )
        ) ?? current ?? ""
    }

    private func askRole(for name: String, current: UserRole) throws -> UserRole {
        let index = try dialog.choose(
            ["Assign a role to \"\(name)\":"],
            items: UserAccounts.roleLines,
            default: UserRole.allCases.firstIndex(of: current) ?? 0
        )
        return UserRole.allCases[index]
    }

    /// `Enter the user name or number to {action}.` — by name or by its number in the list.
    private func chooseUser(_ action: String) throws -> ApplianceUser? {
        let users = self.users
        let format = AnswerFormat<ApplianceUser>("A user's name or its number in the list.") { text in
            if let number = Int(text), (1...users.count).contains(number) { return .success(users[number - 1]) }
            guard let user = users[id: text] else {
                return .failure(.invalidInput("There is no user \"\(UserAccounts.printable(text))\"."))
            }
            return .success(user)
        }
        return try dialog.ask(["Enter the user name or number to \(action)."], format: format)
    }
}

/// Checks shared by the menu and the batch form.
enum UserConfigRules {
    static func checkNewName(_ text: String, in configuration: ApplianceConfiguration) -> Result<String, ShellError> {
        guard ApplianceUser.isValidName(text) else {
            return .failure(
                .invalidInput(
                    "Invalid user name \"\(UserAccounts.printable(text))\": use lower-case letters, digits, \"_\", \".\" and \"-\", "
                        + "starting with a letter, at most 32 characters."
                )
            )
        }
        if configuration.user(named: text) != nil { return .failure(.invalidInput("User \(text) already exists.")) }
        return .success(text)
    }

    static func checkFullName(_ text: String) -> Result<String, ShellError> {
        guard text.count <= 128, !text.contains("\""),
            text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
        else {
            return .failure(
                .invalidInput("Invalid full name: at most 128 characters, no quotes or control characters.")
            )
        }
        return .success(text)
    }

    /// Whether removing, demoting or locking `user` would leave no available Administrator.
    static func isLastAdministrator(_ user: ApplianceUser, _ users: some Collection<ApplianceUser>) -> Bool {
        user.role == .administrator && !user.locked
            && users.filter { $0.role == .administrator && !$0.locked }.count == 1
    }
}
