import ApplianceConfig
import ConfigStore
import TestSupport
import Testing

/// A shell whose committed configuration holds a second profile, `mail_example` (a copy of Demo),
/// and helpers shared by the interfaceconfig, ldapconfig, websecurityconfig and alertconfig tests.
enum ServiceCommandFixture {
    static func shellWithProfile(_ adjust: (inout ApplianceConfiguration) -> Void = { _ in }) throws -> TestShell {
        let shell = try TestShell()
        let head = try shell.store.head()
        var config = head.configuration
        var profile = config.certificates[0]
        profile.name = "mail_example"
        config.certificates.append(profile)
        adjust(&config)
        _ = try shell.store.commit(
            config,
            base: head.info.number,
            user: "admin",
            method: .script,
            comment: "mail_example",
            rollbackPoint: false,
            validate: { _ in [] }
        )
        return shell
    }

    /// Runs `lines` (continuing after errors), then `showchanges`; returns the result.
    static func runThenShowChanges(_ shell: TestShell, _ lines: String) throws -> RunResult {
        try shell.run(lines + "showchanges\n", continueOnError: true)
    }

    /// The output ends with `showchanges` saying nothing is pending.
    static func expectUnchanged(_ result: RunResult, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            result.output.hasSuffix("> showchanges\n\nThere is no data to commit.\nironport.example.com> "),
            "pending changes left: \(result.output)",
            sourceLocation: sourceLocation
        )
    }
}

@Suite struct LDAPConfigTests {
    @Test func setupChoosesTheClientCertificate() throws {
        let shell = try ServiceCommandFixture.shellWithProfile()
        let result = try shell.run("ldapconfig\nsetup\n2\n\ncommit \"ldap\"\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> ldapconfig

            No LDAP server configurations.

            Choose the operation you want to perform:
            - SETUP - Configure LDAP options.
            []> setup

            Choose the certificate:
            1. Demo
            2. mail_example
            [1]> 2

            No LDAP server configurations.

            Choose the operation you want to perform:
            - SETUP - Configure LDAP options.
            []> 
            ironport.example.com> commit "ldap"

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            ironport.example.com> 
            """
        )
        #expect(result.status == .success)
        #expect(try shell.store.head().configuration.ldap.certificate == "mail_example")
    }

    @Test func theCurrentProfileIsTheDefaultAndChoosingDemoWarns() throws {
        let shell = try ServiceCommandFixture.shellWithProfile { $0.ldap.certificate = "mail_example" }
        let result = try shell.run("ldapconfig\nsetup\n1\n\n")
        #expect(
            result.output.contains(
                """
                Choose the certificate:
                1. Demo
                2. mail_example
                [2]> 1

                The "Demo" certificate is currently configured. You may use "Demo", but this will not be secure.
                To assure privacy, run "certconfig" first.

                No LDAP server configurations.
                """
            )
        )
        let kept = try ServiceCommandFixture.runThenShowChanges(shell, "ldapconfig\nsetup\n\n\n")
        #expect(!kept.output.contains("Demo\" certificate is currently configured"))
        ServiceCommandFixture.expectUnchanged(kept)
    }

    @Test func batchSetsTheCertificateByNameIgnoringCase() throws {
        let shell = try ServiceCommandFixture.shellWithProfile()
        let result = try shell.exec("ldapconfig setup --certificate=MAIL_EXAMPLE; commit \"ldap\"")
        #expect(result.status == .success)
        #expect(result.errorOutput == "")
        #expect(try shell.store.head().configuration.ldap.certificate == "mail_example")
    }

    @Test func batchRefusesAnUnknownProfileAndChangesNothing() throws {
        let shell = try ServiceCommandFixture.shellWithProfile()
        let result = try ServiceCommandFixture.runThenShowChanges(shell, "ldapconfig setup --certificate=nosuch\n")
        #expect(result.errorOutput == "line 1: Certificate profile \"nosuch\" does not exist.\n")
        #expect(result.status == .actionFailed)
        ServiceCommandFixture.expectUnchanged(result)
    }

    @Test func batchUsageErrors() throws {
        let shell = try TestShell()
        let missing = try ServiceCommandFixture.runThenShowChanges(
            shell,
            "ldapconfig setup\nldapconfig server --certificate=Demo\nldapconfig setup --cert=Demo\n"
        )
        #expect(
            missing.errorOutput == """
                line 1: Usage: ldapconfig setup --certificate={profile}
                The option "--certificate" is required.
                line 2: Usage: ldapconfig {setup} …
                Unknown subcommand "server".
                line 3: Usage: ldapconfig setup --certificate={profile}
                Unknown option "--cert".

                """
        )
        #expect(missing.status == .invalidInput)
        ServiceCommandFixture.expectUnchanged(missing)
    }

    @Test func anOutOfRangeChoiceFailsTheScript() throws {
        let shell = try ServiceCommandFixture.shellWithProfile()
        let result = try ServiceCommandFixture.runThenShowChanges(shell, "ldapconfig\nsetup\n3\n")
        #expect(result.errorOutput == "line 3: Please enter a number from 1 to 2.\n")
        #expect(result.status == .invalidInput)
        ServiceCommandFixture.expectUnchanged(result)
    }
}
