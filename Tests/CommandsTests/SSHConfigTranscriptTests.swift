import ApplianceConfig
import Shell
import TestSupport
import Testing

/// `sshconfig` (ssh.md §3): USERKEY's dialog (a paste ended by an empty line), the batch forms, the
/// key checks and who may change whose keys.
@Suite struct SSHConfigTranscriptTests {
    static let ed25519 =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJEuHzoaP1QP3s3g9LfMLm/STnKPrjSm6iszRUr9+suD alice@laptop"
    static let ecdsa =
        "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBOXs3CPV//OnBgvYg4CE7J8g5W2OhK03Sv0HFhoaYUgYgPoO2K7XQrVpAyWWWxrO786+HUTCpAoP5C44eLne7ZE= bob@ops"
    static let rsa1024 =
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDIsRBiLD5wQc8amLt9jBuoOkrT4uW42sNwgQLM173jKm8IU103VaIBwp+GV/QnXfDGR+qDFMxcOm8TIwhJGSFt84UAvUbf4drB5mHZPDOfAtx8+TBzYCs/gSZi5jg5+5n58ctJnZgKr5KL3W9eS4KTRKlxlWpJMpSDuGzyKJkOhw== root@vm"
    static let rsa2048 =
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCiKxMQIzabsBlg38w6wwCm1VyswDVMJujQBX/diHwuVTATPAzzTFo8KMOyTQLrnflIHpLXbz7l0UTvLFb5+jT+5m4UnFmSHGnUklkKIcc/chk6ApBqDEtFxt+U5P04YJf9ST/Lx92Nzb+vCTt2KvoUh4OIm+mHAoa7cKAbJ+Dczm40LzsCas0ZcZXVhdQvpGyklVJXz0yeOD7ksjmwCH0ThPrHcI/zD+QAQ58PoJk+lbjSBzHOPCndkyDo6SHVkHt2wqw+Sfe9inWTv9alHCjFtJxfF1GxDczLlgGAt3IgFkWJY5BQP3VmY913fy87mQ5ju/VTpunTwVW8qVMSJNHH ci@build"

    static let keyMenu = """
        Choose the operation you want to perform:
        - NEW - Add a new key.
        - USER - Switch to a different user to edit.
        - DELETE - Remove a key.
        - PRINT - Display a key.
        []> 
        """

    static let topMenu = """
        Choose the operation you want to perform:
        - SSHD - Edit SSH server settings.
        - USERKEY - Edit SSH User Key settings
        []> 
        """

    static func operatorUser(_ name: String = "ops", role: UserRole = .operator) -> ApplianceUser {
        ApplianceUser(name: name, fullName: "Night Operator", role: role, passphraseHash: UserFixture.adminHash)
    }

    @Test func userKeyNewTakesAPasteEndedByAnEmptyLineThenPrintAndDeleteAskTheNumber() throws {
        let shell = try UserFixture.shell()
        let result = try shell.run(
            "sshconfig\nuserkey\nnew\n\(Self.ed25519)\n\nprint\n1\ndelete\n1\n\n\ncommit \"keys\"\n"
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> sshconfig

            \(Self.topMenu)userkey

            Currently installed keys for admin:

            \(Self.keyMenu)new

            Please enter the public SSH key for authorization.
            Press enter on a blank line to finish.
            \(Self.ed25519)


            Currently installed keys for admin:
            1. ssh-ed25519 AAAAC3NzaC1l...9+suD (alice@laptop)

            \(Self.keyMenu)print

            Enter the number of the key you wish to print:
            []> 1

            \(Self.ed25519)

            Currently installed keys for admin:
            1. ssh-ed25519 AAAAC3NzaC1l...9+suD (alice@laptop)

            \(Self.keyMenu)delete

            Enter the number of the key you wish to delete:
            []> 1

            Currently installed keys for admin:

            \(Self.keyMenu)

            \(Self.topMenu)
            ironport.example.com> commit "keys"

            There is no data to commit.
            ironport.example.com> 
            """
        )
        #expect(result.status == .success)
    }

    @Test func batchFormsAddPrintAndDeleteKeysStagedUntilCommit() throws {
        let shell = try UserFixture.shell()
        let result = try shell.run(
            """
            sshconfig userkey new admin "\(Self.ed25519)"
            sshconfig userkey new admin "\(Self.ecdsa)"
            sshconfig userkey print admin
            sshconfig userkey delete admin 1
            commit "keys"

            """
        )
        #expect(result.status == .success, "\(result.errorOutput)")
        #expect(result.output.contains("1. \(Self.ed25519)\n2. \(Self.ecdsa)\n"))
        let admin = try #require(try shell.store.head().configuration.user(named: "admin"))
        #expect(admin.keys == [Self.ecdsa])
    }

    @Test(arguments: [
        ("ssh-ed25519 AAAAnotbase64!!", "SSH key does not appear to be valid."),
        (
            "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIJEuHzoaP1QP3s3g9LfMLm/STnKPrjSm6iszRUr9+suD",
            "SSH key does not appear to be valid. The key's type does not match its data."
        ),
        (rsa1024, "SSH key does not appear to be valid. RSA keys need at least 2048 bits."),
        (
            "ssh-dss AAAAB3NzaC1kc3MAAAA=",
            "SSH key does not appear to be valid. Use an ed25519, ECDSA or RSA (2048 bits or more) key, not ssh-dss."
        ),
        ("", "SSH key does not appear to be valid."),
    ])
    func badKeysAreRefusedAndNothingIsStaged(_ key: String, _ message: String) throws {
        let shell = try UserFixture.shell()
        let result = try shell.run("sshconfig userkey new admin \"\(key)\"\ncommit\n")
        #expect(result.status == .invalidInput)
        #expect(result.errorOutput == "line 1: \(message)\n")
        #expect(try shell.store.head().configuration.user(named: "admin")?.keys == [])
    }

    @Test func anRSAKeyIsAcceptedWithANoteThatItLogsInThroughOpenSSHOnly() throws {
        let shell = try UserFixture.shell()
        let result = try shell.run("sshconfig userkey new admin \"\(Self.rsa2048)\"\ncommit \"rsa\"\n")
        #expect(result.status == .success, "\(result.errorOutput)")
        #expect(
            result.output.contains(
                "This RSA key is for the OpenSSH route only: the embedded endpoint of esa serve accepts ed25519 "
                    + "and ECDSA keys."
            )
        )
        #expect(try shell.store.head().configuration.user(named: "admin")?.keys == [Self.rsa2048])
    }

    /// Keys are part of the users: like userconfig, Administrators only (ssh.md §3).
    @Test func onlyAdministratorsChangeKeys() throws {
        let shell = try UserFixture.shell(as: "ops", extra: [Self.operatorUser()])
        for line in ["sshconfig userkey new ops \"\(Self.ecdsa)\"", "sshconfig"] {
            let result = try shell.run(line + "\n")
            #expect(result.status == .actionFailed)
            #expect(result.errorOutput == "line 1: You are not in the correct access group to use this command.\n")
        }
        #expect(try shell.store.head().configuration.users.allSatisfy { $0.keys.isEmpty })
    }

    /// A listing with nothing in it succeeds, as every list and PRINT that shows all of something
    /// (`certconfig` CRL PRINT, destconfig LIST, showchanges): `userkey print` for a user without keys
    /// says so and exits 0. Picking one key of none (batch DELETE, the menu's DELETE and PRINT) and a
    /// user that does not exist are refusals (3), so a script can tell the three apart.
    @Test func printingTheKeysOfAUserWithoutKeysIsAnEmptyListingNotAnError() throws {
        let shell = try UserFixture.shell()
        let empty = try shell.run("sshconfig userkey print admin\n")
        #expect(empty.status == .success, "\(empty.errorOutput)")
        #expect(empty.output.contains("admin\n\nNo keys are installed for admin.\n"))
        #expect(empty.errorOutput == "")
        let list = try shell.run("destconfig list\n")
        #expect(list.status == .success, "\(list.errorOutput)")
        let unknown = try shell.run("sshconfig userkey print nobody\n")
        #expect(unknown.status == .actionFailed)
        #expect(unknown.errorOutput == "line 1: There is no user \"nobody\".\n")
        let pick = try shell.run("sshconfig userkey delete admin 1\n")
        #expect(pick.status == .actionFailed)
    }

    @Test func grammarErrorsNameWhatIsWrong() throws {
        let shell = try UserFixture.shell()
        let unknown = try shell.run("sshconfig userkey new nobody \"\(Self.ed25519)\"\n")
        #expect(unknown.errorOutput == "line 1: There is no user \"nobody\".\n")
        let number = try shell.run("sshconfig userkey delete admin 1\n")
        #expect(number.errorOutput == "line 1: No keys are installed for admin.\n")
        let missing = try shell.run("sshconfig userkey\n")
        #expect(missing.errorOutput.hasPrefix("line 1: Usage: sshconfig userkey new {user} \"{public key}\""))
    }
}
