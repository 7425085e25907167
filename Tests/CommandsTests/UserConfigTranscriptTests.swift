import ApplianceConfig
import Passphrases
import Shell
import TestSupport
import Testing

/// Shared set-up: an `admin` whose passphrase was changed, sessions acting as an appliance user.
enum UserFixture {
    static let adminPassphrase = "Kx9-mail-Gate"
    static let adminHash = try! Passphrase.hash(adminPassphrase)

    static func shell(as user: String = "admin", extra: [ApplianceUser] = []) throws -> TestShell {
        let shell = try TestShell()
        try shell.commit { config in
            config.users = KeyedList(
                [
                    ApplianceUser(
                        name: "admin",
                        fullName: "Administrator",
                        role: .administrator,
                        passphraseHash: adminHash
                    )
                ] + extra
            )
        }
        shell.applianceUser = user
        return shell
    }

    static let menu = """
        Choose the operation you want to perform:
        - NEW - Create a new account.
        - EDIT - Modify an account.
        - DELETE - Remove an account.
        - POLICY - Change password and account policy settings.
        - PASSPHRASE - Change the passphrase for a user.
        - ROLE - Create/modify user roles.
        - STATUS - Change the account status.
        - EXTERNAL - Configure external authentication.
        - TWOFACTORAUTH - Configure Two-Factor Authentication.
        []> 
        """

    static let roles = """
        1. Administrators - Administrators have full access to all settings of the system.
        2. Operators - Operators are restricted from creating new user accounts.
        3. Read-Only Operators - Read-Only operators may only view settings and status information.
        4. Guests - Guest users may only view status information.
        """
}

extension UserFixture {
    static func listing(_ lines: String...) -> String {
        "Users:\n" + lines.joined(separator: "\n") + "\n\nTwo-Factor Authentication: Disabled\n\n" + menu
    }

    static let adminLine = "1. admin - \"Administrator\" (Administrators)"
}

@Suite struct UserConfigTranscriptTests {
    @Test func newAsksTheAdminPassphraseThenNameFullNameRoleAndPassphraseTwice() throws {
        let shell = try UserFixture.shell()
        let result = try shell.run(
            "userconfig\nnew\n\(UserFixture.adminPassphrase)\nops\nNight Operator\n3\nn\nWatch-7-Tower\nWatch-7-Tower\n\ncommit \"ops\"\n"
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> userconfig

            \(UserFixture.listing(UserFixture.adminLine))new

            Enter your Passphrase to make changes:


            Enter the new username.
            []> ops

            Enter the full name for ops.
            []> Night Operator

            Assign a role to "ops":
            \(UserFixture.roles)
            [1]> 3

            Would you like to get a system generated passphrase? [N]> n

            Enter the passphrase for ops.
            []> 
            Please enter the new passphrase again.
            > 

            \(UserFixture.listing(UserFixture.adminLine, "2. ops - \"Night Operator\" (Read-Only Operators)"))
            ironport.example.com> commit "ops"

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            ironport.example.com> 
            """
        )
        #expect(!result.output.contains("Watch-7-Tower"))
        let ops = try #require(try shell.store.head().configuration.user(named: "ops"))
        #expect(ops.role == .readOnlyOperator && ops.fullName == "Night Operator" && !ops.locked)
        #expect(ops.passphraseHash.hasPrefix("$y$"))
        #expect(Passphrase.verify("Watch-7-Tower", against: ops.passphraseHash))
    }

    @Test func aWrongAdminPassphraseChangesNothingAndIsLogged() throws {
        let shell = try UserFixture.shell()
        let result = try shell.run("userconfig\nnew\nwrong-one\n")
        #expect(result.status == .actionFailed)
        #expect(result.errorOutput == "line 3: Incorrect passphrase.\n")
        #expect(try shell.store.head().configuration.users.count == 1)
        let log = try shell.directory.readText("logs/system.log")
        #expect(log.contains("User admin failed authentication from "), "\(log)")
    }

    @Test func passphraseRulesAreExplained() throws {
        for (typed, message) in [
            ("short1!", "The passphrase must be at least 8 characters long."),
            ("Gabc-9-long", "The passphrase must not contain three or more repetitive or sequential characters."),
            ("Zz-777-long", "The passphrase must not contain three or more repetitive or sequential characters."),
            ("xops-Night", "The passphrase must not be a username or one of its variations."),
        ] {
            let shell = try UserFixture.shell()
            let result = try shell.run(
                "userconfig\nnew\n\(UserFixture.adminPassphrase)\nops\nNight\n2\nn\n\(typed)\n\(typed)\n"
            )
            #expect(result.errorOutput == "line 8: \(message)\n", "\(typed)")
            #expect(try shell.store.head().configuration.users.count == 1)
        }
    }

    @Test func systemGeneratedPassphraseIsShownOnceAndStored() throws {
        let shell = try UserFixture.shell()
        let result = try shell.run(
            "userconfig\nnew\n\(UserFixture.adminPassphrase)\nguest1\nVisitor\n4\ny\ny\n\ncommit \"guest\"\n"
        )
        let line = try #require(
            result.output.split(separator: "\n").first { $0.hasPrefix("This is your system generated passphrase: ") }
        )
        let generated = String(line.dropFirst("This is your system generated passphrase: ".count))
        let guest = try #require(try shell.store.head().configuration.user(named: "guest1"))
        #expect(guest.role == .guest)
        #expect(Passphrase.verify(generated, against: guest.passphraseHash))
    }

    @Test func editDeleteStatusAndTheirRefusals() throws {
        let ops = ApplianceUser(name: "ops", fullName: "Night", role: .operator, passphraseHash: UserFixture.adminHash)
        let shell = try UserFixture.shell(extra: [ops])
        let admin = UserFixture.adminPassphrase
        // The factory admin cannot be modified or deleted; nobody deletes themselves.
        var result = try shell.run("userconfig\nedit\nadmin\n")
        #expect(result.errorOutput == "line 3: User admin cannot be modified.\n")
        result = try shell.run("userconfig\ndelete\n1\n")
        #expect(result.errorOutput == "line 3: User admin cannot be deleted.\n")

        result = try shell.run(
            "userconfig\nedit\nops\n\(admin)\nNight Shift\n1\nn\n\n\nuserconfig\nstatus\n2\n\(admin)\n2\n\ncommit \"ops\"\n"
        )
        #expect(result.status == .success, "\(result.errorOutput)")
        expectTranscript(
            result.output,
            """
            ironport.example.com> userconfig

            \(UserFixture.listing(UserFixture.adminLine, "2. ops - \"Night\" (Operators)"))edit

            Enter the user name or number to edit.
            []> ops

            Enter your Passphrase to make changes:


            Enter the full name for ops.
            [Night]> Night Shift

            Assign a role to "ops":
            \(UserFixture.roles)
            [2]> 1

            Would you like to get a system generated passphrase? [N]> n

            Enter the new passphrase for ops, or press Enter to keep it.
            []> 

            \(UserFixture.listing(UserFixture.adminLine, "2. ops - \"Night Shift\" (Administrators)"))
            ironport.example.com> userconfig

            \(UserFixture.listing(UserFixture.adminLine, "2. ops - \"Night Shift\" (Administrators)"))status

            Enter the user name or number to change the status of.
            []> 2

            Enter your Passphrase to make changes:


            The account "ops" is available.
            Choose the new status:
            1. available
            2. locked
            [1]> 2

            \(UserFixture.listing(UserFixture.adminLine, "2. ops - \"Night Shift\" (Administrators) - locked"))
            ironport.example.com> commit "ops"

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            ironport.example.com> 
            """
        )
        let edited = try #require(try shell.store.head().configuration.user(named: "ops"))
        #expect(edited.role == .administrator && edited.locked && edited.passphraseHash == UserFixture.adminHash)

        result = try shell.run("userconfig\ndelete\nops\n\(admin)\ny\n\ncommit \"gone\"\n")
        #expect(result.output.contains("Are you sure you want to delete \"ops\"? [N]> y"))
        #expect(try shell.store.head().configuration.user(named: "ops") == nil)
    }

    @Test func nobodyDeletesThemselvesOrTheLastAdministrator() throws {
        let boss = ApplianceUser(
            name: "boss",
            fullName: "Boss",
            role: .administrator,
            passphraseHash: UserFixture.adminHash
        )
        let shell = try UserFixture.shell(as: "boss", extra: [boss])
        var result = try shell.run("userconfig delete boss\n")
        #expect(result.errorOutput == "line 1: You cannot delete yourself.\n")
        try shell.commit { $0.users[0].role = .operator }
        shell.applianceUser = nil
        result = try shell.run("userconfig delete boss\n")
        #expect(result.errorOutput == "line 1: The last Administrator cannot be deleted.\n")
    }

    @Test func batchFormsAskThePassphraseWhenLeftOffAndNeverLogIt() throws {
        let shell = try UserFixture.shell()
        var result = try shell.exec(
            "userconfig new ops operator; userconfig add ro \"Read Only\" readonly Watch-7-Tower; commit \"batch\"",
            answers: "Gate-42-Keeper\nGate-42-Keeper\n"
        )
        #expect(result.status == .success, "\(result.errorOutput)")
        #expect(!result.output.contains("Gate-42-Keeper"))
        let config = try shell.store.head().configuration
        #expect(config.user(named: "ops")?.role == .operator)
        #expect(config.user(named: "ops")?.fullName == "ops")
        #expect(Passphrase.verify("Gate-42-Keeper", against: config.user(named: "ops")?.passphraseHash ?? ""))
        #expect(config.user(named: "ro")?.fullName == "Read Only")
        result = try shell.exec("userconfig delete ro; commit \"bye\"")
        #expect(result.status == .success)
        #expect(try shell.store.head().configuration.user(named: "ro") == nil)

        let (session, _, _) = try shell.session(input: "")
        let interpreter = Interpreter(session: session)
        #expect(
            interpreter.loggable("userconfig add ro \"Read Only\" readonly Watch-7-Tower")
                == "userconfig add ro \"Read Only\" readonly *****"
        )
    }

    @Test func policyIsStaged() throws {
        let shell = try UserFixture.shell()
        let result = try shell.run("userconfig\npolicy\n3\n12\n\ncommit \"policy\"\n")
        #expect(result.output.contains("Account lockout after 5 failed login attempts."))
        #expect(try shell.store.head().configuration.userPolicy == UserPolicy(maximumFailures: 3, minimumLength: 12))
    }
}
