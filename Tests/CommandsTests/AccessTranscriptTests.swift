import ApplianceConfig
import Commands
import Passphrases
import Shell
import TestSupport
import Testing

/// Roles enforced for every command, the forced change of the factory passphrase, `passwd`.
@Suite struct AccessTranscriptTests {
    static let denied = "You are not in the correct access group to use this command."

    static func user(_ name: String, _ role: UserRole) -> ApplianceUser {
        ApplianceUser(name: name, fullName: name, role: role, passphraseHash: UserFixture.adminHash)
    }

    @Test(arguments: [
        (
            UserRole.guest,
            [
                "version": true, "showconfig": false, "sethostname a.example.com": false, "userconfig": false,
                "certconfig list": false, "destconfig detail all": false,
            ]
        ),
        (
            .readOnlyOperator,
            [
                "version": true, "showconfig": true, "sethostname a.example.com": false, "userconfig": false,
                // Viewing batch forms need only the right to view; the rest of the command stages.
                "certconfig list": true, "certconfig print": true, "destconfig detail all": true,
                "destconfig list": true, "listenerconfig list": true, "interfaceconfig list": true,
                "alertconfig list": true, "certconfig": false, "destconfig new x.example.com": false,
                "listenerconfig delete InboundMail": false,
            ]
        ),
        (.operator, ["version": true, "showconfig": true, "sethostname a.example.com": true, "userconfig": false]),
        (.administrator, ["version": true, "showconfig": true, "sethostname a.example.com": true, "userconfig": true]),
    ])
    func rolesDecideWhichCommandsRun(role: UserRole, allowed: [String: Bool]) throws {
        let shell = try UserFixture.shell(as: "someone", extra: [Self.user("someone", role)])
        for (line, ok) in allowed {
            let result = try shell.run(line + "\n")
            if ok {
                #expect(!result.errorOutput.contains(Self.denied), "\(role) \(line)")
            } else {
                #expect(result.errorOutput == "line 1: \(Self.denied)\n", "\(role) \(line)")
                #expect(result.status == .actionFailed)
            }
        }
    }

    @Test func anOperatorCannotCommitUserChangesMadeByLoadconfig() throws {
        let shell = try UserFixture.shell(as: "op", extra: [Self.user("op", .operator)])
        let (session, _, _) = try shell.session(input: "commit \"sneaky\"\n")
        session.replaceCandidate(
            with: {
                var config = session.configuration
                config.users[1].role = .administrator
                return config
            }(),
            method: .load
        )
        let status = Interpreter(session: session).runScript()
        #expect(status == .actionFailed)
        #expect(try shell.store.head().configuration.user(named: "op")?.role == .operator)
    }

    @Test func theFactoryPassphraseMustBeChangedFirstWithPasswd() throws {
        let shell = try TestShell()
        shell.applianceUser = "admin"
        let refused = try shell.run("sethostname mail.example.com\n")
        #expect(refused.errorOutput.contains("change the default passphrase"))
        #expect(refused.status == .actionFailed)

        let changed = try shell.run("passwd\nironport\nn\nFresh-42-Gate\nFresh-42-Gate\nsethostname mail.example.com\n")
        #expect(changed.status == .success, "\(changed.errorOutput)")
        expectTranscript(
            changed.output,
            """
            ironport.example.com> passwd

            Old passphrase: 

            Would you like to get a system generated passphrase? [N]> n

            New Passphrase:
            []> 
            Please enter the new passphrase again: 

            Passphrase changed.
            ironport.example.com> sethostname mail.example.com
            ironport.example.com> 
            """
        )
        let admin = try #require(try shell.store.head().configuration.user(named: "admin"))
        #expect(!admin.mustChangePassphrase)
        #expect(Passphrase.verify("Fresh-42-Gate", against: admin.passphraseHash))
        #expect(try shell.directory.readText("logs/system.log").contains("User admin changed the passphrase"))
    }

    @Test func passwdKeepsPendingChangesPendingAndRefusesAWrongOldPassphrase() throws {
        let shell = try UserFixture.shell()
        let (session, _, _) = try shell.session(
            input:
                "sethostname mail.example.com\npasswd\nnot-it\npasswd\n\(UserFixture.adminPassphrase)\nn\nNew-77-Gate\nNew-77-Gate\n"
        )
        let interpreter = Interpreter(session: session)
        interpreter.continueOnError = true
        _ = interpreter.runScript()
        let head = try shell.store.head()
        #expect(head.configuration.hostname == "ironport.example.com", "the pending change was not committed")
        #expect(
            Passphrase.verify("New-77-Gate", against: head.configuration.user(named: "admin")?.passphraseHash ?? "")
        )
    }

    @Test func wrongOldPassphraseMessage() throws {
        let shell = try UserFixture.shell()
        let result = try shell.run("passwd\nnot-it\n")
        #expect(result.errorOutput == "line 2: Old passphrase did not match.\n")
        #expect(
            try shell.directory.readText("logs/system.log").contains("User admin failed authentication from 127.0.0.1")
        )
    }

    @Test func failuresAreSlowedAfterThreeAndLockAfterThePolicyLimit() throws {
        #expect((1...7).map { LoginDelay.after($0) } == [0, 0, 0, 1, 2, 4, 8])
        #expect(LoginDelay.after(40) == 30)
        let op = Self.user("op", .operator)
        let shell = try UserFixture.shell(as: "op", extra: [op])
        try shell.commit { $0.userPolicy.maximumFailures = 2 }
        _ = try shell.run("passwd\nbad-1\n")
        #expect(try shell.store.head().configuration.user(named: "op")?.locked == false)
        _ = try shell.run("passwd\nbad-2\n")
        #expect(try shell.store.head().configuration.user(named: "op")?.locked == true)
        #expect(try shell.directory.readText("logs/system.log").contains("User op locked after 2 failed logins"))
    }
}
