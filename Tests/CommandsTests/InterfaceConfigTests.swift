import ApplianceConfig
import Commands
import Foundation
import Shell
import TestSupport
import Testing

@Suite struct InterfaceConfigTests {
    static let menu = """
        Choose the operation you want to perform:
        - NEW - Create a new interface.
        - EDIT - Modify an interface.
        - DELETE - Remove an interface.
        []> 
        """

    @Test func newInterfaceWithHTTPSAndItsCertificate() throws {
        let shell = try ServiceCommandFixture.shellWithProfile()
        let result = try shell.run(
            """
            interfaceconfig
            new
            InternalNet
            10.0.0.5
            255.255.255.0
            Mail.Example.com
            n
            y
            8443
            2

            commit "internal"

            """
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> interfaceconfig

            Currently configured interfaces:
            1. Management (192.168.42.42/24: ironport.example.com)

            \(Self.menu)new

            IP interface name (Ex: "InternalNet"):
            []> InternalNet

            IPv4 Address (Ex: 192.168.1.2 ):
            []> 10.0.0.5

            Netmask (Ex: "24", "255.255.255.0" or "0xffffff00"):
            []> 255.255.255.0

            Hostname:
            []> Mail.Example.com

            Do you want to enable SSH on this interface? [N]> n

            Do you want to enable HTTPS on this interface? [N]> y

            Which port do you want to use for HTTPS?
            [443]> 8443

            You have selected HTTPS on this interface, so you must select a certificate to use.
            1. Demo
            2. mail_example
            [1]> 2

            Currently configured interfaces:
            1. Management (192.168.42.42/24: ironport.example.com)
            2. InternalNet (10.0.0.5/24: mail.example.com)

            \(Self.menu)
            ironport.example.com> commit "internal"

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            ironport.example.com> 
            """
        )
        #expect(result.status == .success)
        #expect(
            try shell.store.head().configuration.interfaces.last
                == NetworkInterface(
                    name: "InternalNet",
                    address: "10.0.0.5",
                    prefixLength: 24,
                    hostname: "mail.example.com",
                    httpsPort: 8443,
                    httpsCertificate: "mail_example"
                )
        )
    }

    @Test func editKeepsEveryDefaultAndChoosingDemoWarns() throws {
        let shell = try TestShell()
        let result = try ServiceCommandFixture.runThenShowChanges(
            shell,
            "interfaceconfig\nedit\n1\n\n\n\n\n\n\n\n\n\n\n"
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> interfaceconfig

            Currently configured interfaces:
            1. Management (192.168.42.42/24: ironport.example.com)

            \(Self.menu)edit

            Enter the number of the interface you wish to edit.
            []> 1

            IP interface name (Ex: "InternalNet"):
            [Management]> 

            IPv4 Address (Ex: 192.168.1.2 ):
            [192.168.42.42]> 

            Netmask (Ex: "24", "255.255.255.0" or "0xffffff00"):
            [24]> 

            Hostname:
            [ironport.example.com]> 

            Do you want to enable SSH on this interface? [Y]> 

            Which port do you want to use for SSH?
            [22]> 

            Do you want to enable HTTPS on this interface? [Y]> 

            Which port do you want to use for HTTPS?
            [443]> 

            You have selected HTTPS on this interface, so you must select a certificate to use.
            1. Demo
            [1]> 

            The "Demo" certificate is currently configured. You may use "Demo", but this will not be secure.
            To assure privacy, run "certconfig" first.

            Currently configured interfaces:
            1. Management (192.168.42.42/24: ironport.example.com)

            \(Self.menu)
            ironport.example.com> showchanges

            There is no data to commit.
            ironport.example.com> 
            """
        )
    }

    @Test func editingTheSSHSessionsInterfaceAsksFirst() throws {
        let declined = try runWithSSHSession("interfaceconfig\nedit\n1\n\n10.1.1.1\n\n\n\n\n\n\n\nn\n\nshowchanges\n")
        #expect(
            declined.output.contains(
                """
                [1]> 

                The "Demo" certificate is currently configured. You may use "Demo", but this will not be secure.
                To assure privacy, run "certconfig" first.

                The interface you edited might be the one you are currently logged into. Are you sure you want to change it? [Y]> n

                Currently configured interfaces:
                1. Management (192.168.42.42/24: ironport.example.com)
                """
            )
        )
        #expect(declined.output.contains("There is no data to commit."))
        let accepted = try runWithSSHSession("interfaceconfig\nedit\n1\n\n10.1.1.1\n\n\n\n\n\n\n\ny\n\n")
        #expect(accepted.output.contains("1. Management (10.1.1.1/24: ironport.example.com)"))
    }

    @Test func otherInterfacesAndLocalSessionsAreNotAsked() throws {
        let shell = try TestShell()
        let result = try shell.run("interfaceconfig\nedit\n1\n\n10.1.1.1\n\n\n\n\n\n\n\n\n")
        #expect(!result.output.contains("currently logged into"))
        #expect(result.output.contains("1. Management (10.1.1.1/24: ironport.example.com)"))
    }

    @Test func renamingAnInterfaceCarriesTheNameToItsListeners() throws {
        let shell = try TestShell()
        let result = try shell.run("interfaceconfig\nedit\n1\nPublicNet\n\n\n\nn\nn\n\ncommit \"rename\"\n")
        #expect(result.status == .success, "\(result.errorOutput)")
        let config = try shell.store.head().configuration
        #expect(config.interfaces.map(\.name) == ["PublicNet"])
        #expect(config.interfaces[0].httpsPort == nil && config.interfaces[0].httpsCertificate == nil)
        #expect(config.listeners.map(\.interface) == ["PublicNet"])
    }

    @Test func deleteRefusesAnInterfaceUsedByAListener() throws {
        let shell = try TestShell()
        let result = try ServiceCommandFixture.runThenShowChanges(shell, "interfaceconfig\ndelete\n1\n")
        #expect(result.errorOutput == "line 3: The interface \"Management\" is used by listener \"IncomingMail\".\n")
        #expect(result.status == .actionFailed)
        ServiceCommandFixture.expectUnchanged(result)
        let batch = try ServiceCommandFixture.runThenShowChanges(shell, "interfaceconfig delete management\n")
        #expect(batch.errorOutput == "line 1: The interface \"Management\" is used by listener \"IncomingMail\".\n")
        ServiceCommandFixture.expectUnchanged(batch)
    }

    @Test func deleteAnUnusedInterface() throws {
        let shell = try TestShell()
        let result = try shell.run(
            "interfaceconfig new Backup 10.9.9.9/16 backup.example.com\ninterfaceconfig\ndelete\n2\n\n\n"
                + "interfaceconfig\ndelete\n2\ny\n\ncommit \"x\"\n"
        )
        #expect(
            result.output.contains(
                """
                Currently configured interfaces:
                1. Management (192.168.42.42/24: ironport.example.com)
                2. Backup (10.9.9.9/16: backup.example.com)

                \(Self.menu)delete

                Enter the number of the interface you wish to delete.
                []> 2

                Are you sure you want to delete the interface "Backup"? [N]> 

                Currently configured interfaces:
                1. Management (192.168.42.42/24: ironport.example.com)
                2. Backup (10.9.9.9/16: backup.example.com)

                \(Self.menu)
                ironport.example.com> interfaceconfig

                Currently configured interfaces:
                1. Management (192.168.42.42/24: ironport.example.com)
                2. Backup (10.9.9.9/16: backup.example.com)

                \(Self.menu)delete

                Enter the number of the interface you wish to delete.
                []> 2

                Are you sure you want to delete the interface "Backup"? [N]> y

                Currently configured interfaces:
                1. Management (192.168.42.42/24: ironport.example.com)

                \(Self.menu)
                ironport.example.com> commit "x"
                """
            )
        )
        #expect(result.output.contains("There is no data to commit."))
    }

    @Test(arguments: ["24", "255.255.255.0", "0xffffff00", "0xFFFFFF00"])
    func netmaskForms(_ netmask: String) throws {
        let shell = try TestShell()
        let result = try shell.run(
            "interfaceconfig\nnew\nLab\n10.2.0.1\n\(netmask)\nlab.example.com\nn\nn\n\ncommit \"lab\"\n"
        )
        #expect(result.status == .success, "\(result.errorOutput)")
        #expect(try shell.store.head().configuration.interfaces.last?.prefixLength == 24)
    }

    @Test func refusedAnswersFailTheScriptAndStageNothing() throws {
        let cases: [(String, String)] = [
            (
                "new\nLab\n192.168.42.42\n",
                "line 4: The address 192.168.42.42 is already used by interface \"Management\"."
            ),
            (
                "new\nLab\n10.0.0.256\n",
                "line 4: Invalid IPv4 address \"10.0.0.256\". Enter an address such as 192.168.1.2."
            ),
            (
                "new\nLab\n10.0.0.1\n255.0.255.0\n",
                "line 5: Invalid netmask \"255.0.255.0\". Enter a prefix length from 1 to 32, a mask such as 255.255.255.0 or a hex mask such as 0xffffff00."
            ),
            (
                "new\nLab\n10.0.0.1\n33\n",
                "line 5: Invalid netmask \"33\". Enter a prefix length from 1 to 32, a mask such as 255.255.255.0 or a hex mask such as 0xffffff00."
            ),
            (
                "new\nLab\n10.0.0.1\n24\nlab\n",
                "line 6: Invalid hostname \"lab\". Enter a fully qualified host name, such as mail.example.com."
            ),
            ("new\nmanagement\n", "line 3: An interface named \"Management\" already exists."),
            (
                "new\nLab net\n",
                "line 3: Invalid interface name \"Lab net\". Use 1 to 64 letters, digits, \"-\", \"_\" or \".\"."
            ),
            ("new\nLab\n10.0.0.1\n24\nlab.example.com\ny\n70000\n", "line 8: Please enter a number from 1 to 65535."),
            (
                "edit\n1\n\n\n\n\n\n\ny\n25\n",
                "line 11: Port 25 is already used by listener \"IncomingMail\" on this interface."
            ),
            ("edit\n1\n\n\n\n\n\n\ny\n22\n", "line 11: Port 22 is already used by SSH on this interface."),
            ("edit\n2\n", "line 3: Please enter a number from 1 to 1."),
        ]
        for (lines, message) in cases {
            let shell = try TestShell()
            let result = try ServiceCommandFixture.runThenShowChanges(shell, "interfaceconfig\n" + lines)
            #expect(result.errorOutput == message + "\n", "\(lines)")
            #expect(result.status == .invalidInput)
            ServiceCommandFixture.expectUnchanged(result)
        }
    }

    @Test func anEmptyRequiredAnswerAbandonsNew() throws {
        let shell = try TestShell()
        let result = try ServiceCommandFixture.runThenShowChanges(shell, "interfaceconfig\nnew\nLab\n\n\n")
        #expect(
            result.output.contains(
                """
                IPv4 Address (Ex: 192.168.1.2 ):
                []> 

                Currently configured interfaces:
                1. Management (192.168.42.42/24: ironport.example.com)
                """
            )
        )
        #expect(result.status == .success)
        ServiceCommandFixture.expectUnchanged(result)
    }

    @Test func batchNewEditListDelete() throws {
        let shell = try ServiceCommandFixture.shellWithProfile()
        let result = try shell.run(
            """
            interfaceconfig new InternalNet 10.0.0.5/24 Internal.Example.com --https_certificate=mail_example
            interfaceconfig edit InternalNet --address=10.0.0.6/255.255.0.0 --hostname=in.example.com
            interfaceconfig edit management --https=off
            interfaceconfig list
            commit "batch"

            """
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> interfaceconfig new InternalNet 10.0.0.5/24 Internal.Example.com --https_certificate=mail_example
            ironport.example.com> interfaceconfig edit InternalNet --address=10.0.0.6/255.255.0.0 --hostname=in.example.com
            ironport.example.com> interfaceconfig edit management --https=off
            ironport.example.com> interfaceconfig list

            Currently configured interfaces:
            1. Management (192.168.42.42/24: ironport.example.com)
            2. InternalNet (10.0.0.6/16: in.example.com)
            ironport.example.com> commit "batch"

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            ironport.example.com> 
            """
        )
        let interfaces = try shell.store.head().configuration.interfaces
        #expect(interfaces[0].httpsPort == nil && interfaces[0].httpsCertificate == nil)
        #expect(
            interfaces[1]
                == NetworkInterface(
                    name: "InternalNet",
                    address: "10.0.0.6",
                    prefixLength: 16,
                    hostname: "in.example.com",
                    httpsPort: 443,
                    httpsCertificate: "mail_example"
                )
        )
        let back = try shell.run("interfaceconfig edit Management --https=on\n")
        #expect(
            back.errorOutput
                == "line 1: HTTPS on interface \"Management\" needs a certificate: add --https_certificate={profile}.\n"
        )
        let demo = try shell.run("interfaceconfig edit Management --https_certificate=demo\ncommit \"demo\"\n")
        #expect(
            demo.output.contains(
                """
                ironport.example.com> interfaceconfig edit Management --https_certificate=demo

                The "Demo" certificate is currently configured. You may use "Demo", but this will not be secure.
                To assure privacy, run "certconfig" first.
                """
            )
        )
        let management = try shell.store.head().configuration.interfaces[0]
        #expect(management.httpsPort == 443 && management.httpsCertificate == "Demo")
        let deleted = try shell.run("interfaceconfig delete internalnet\ncommit \"delete\"\n")
        #expect(deleted.status == .success)
        #expect(try shell.store.head().configuration.interfaces.map(\.name) == ["Management"])
    }

    @Test func loopbackAddressesAreAcceptedForAGatewayOnAWorkstation() throws {
        let shell = try TestShell()
        let result = try shell.run(
            """
            interfaceconfig edit Management --address=127.0.0.1/8
            interfaceconfig new Loop6 ::1/128 loop6.example.com
            interfaceconfig new Lab 127.0.0.2 lab.example.com
            interfaceconfig new Lab ::2/128 lab.example.com
            interfaceconfig new Lab ::1/129 lab.example.com
            interfaceconfig list
            commit "loopback"

            """,
            continueOnError: true
        )
        expectTranscript(
            result.errorOutput,
            """
            line 3: The address "127.0.0.2" needs its prefix, such as 192.168.1.2/24.
            line 4: Invalid IPv4 address "::2". Enter an address such as 192.168.1.2.
            line 5: The address ::1 is already used by interface "Loop6".

            """
        )
        #expect(
            result.output.contains(
                """
                Currently configured interfaces:
                1. Management (127.0.0.1/8: ironport.example.com)
                2. Loop6 (::1/128: loop6.example.com)
                """
            )
        )
        let interfaces = try shell.store.head().configuration.interfaces
        #expect(interfaces.map(\.address) == ["127.0.0.1", "::1"])
        #expect(interfaces.map(\.prefixLength) == [8, 128])
        let edited = try shell.run(
            "interfaceconfig edit Loop6 --address=0:0:0:0:0:0:0:1\ninterfaceconfig edit Loop6 --address=::1/200\n"
        )
        expectTranscript(
            edited.errorOutput,
            """
            line 2: Invalid prefix length "200". Enter a number from 1 to 128.

            """
        )
    }

    @Test func batchRefusalsChangeNothing() throws {
        let shell = try TestShell()
        let result = try ServiceCommandFixture.runThenShowChanges(
            shell,
            """
            interfaceconfig new Lab 10.0.0.5/24 lab.example.com --https_certificate=nosuch
            interfaceconfig new Lab 192.168.42.42/24 lab.example.com
            interfaceconfig new Lab 10.0.0.5/0x00ffffff lab.example.com
            interfaceconfig new Lab 10.0.0.5 lab.example.com
            interfaceconfig new Lab 10.0.0.5/24 lab_example
            interfaceconfig edit Nosuch --hostname=a.example.com
            interfaceconfig edit Management --https=maybe
            interfaceconfig edit Management
            interfaceconfig delete Nosuch
            interfaceconfig list --address=1.2.3.4
            interfaceconfig rename Management

            """
        )
        let usage = """
            Usage:
              interfaceconfig new {name} {address}/{prefix} {hostname} [--https_certificate={profile}]
              interfaceconfig edit {name} [--address=…] [--hostname=…] [--https={on|off}] [--https_certificate={profile}]
              interfaceconfig delete {name}
              interfaceconfig list
            """
        expectTranscript(
            result.errorOutput,
            """
            line 1: Certificate profile "nosuch" does not exist.
            line 2: The address 192.168.42.42 is already used by interface "Management".
            line 3: Invalid netmask "0x00ffffff". Enter a prefix length from 1 to 32, a mask such as 255.255.255.0 or a hex mask such as 0xffffff00.
            line 4: The address "10.0.0.5" needs its prefix, such as 192.168.1.2/24.
            line 5: Invalid hostname "lab_example". Enter a fully qualified host name, such as mail.example.com.
            line 6: The interface "Nosuch" does not exist.
            line 7: \(usage)
            The option "--https" takes on or off, not "maybe".
            line 8: \(usage)
            Give at least one option to change.
            line 9: The interface "Nosuch" does not exist.
            line 10: \(usage)
            The option "--address" does not apply to "list".
            line 11: \(usage)
            Unknown operation "rename".

            """
        )
        ServiceCommandFixture.expectUnchanged(result)
    }

    @Test func helpShowsTheBatchSyntax() throws {
        let shell = try TestShell()
        let result = try shell.run("help interfaceconfig\n")
        #expect(result.output.contains("interfaceconfig - Configure Ethernet IP addresses."))
        #expect(result.output.contains("interfaceconfig delete {name}"))
    }

    /// Runs `input` in a session that came in over SSH on 192.168.42.42 (the Management interface).
    private func runWithSSHSession(
        _ input: String
    ) throws -> (output: String, errorOutput: String, status: Shell.ExitStatus) {
        let shell = try TestShell()
        let commands: [any ShellCommand] = AllCommands.commands.map { command in
            command is InterfaceConfigCommand
                ? InterfaceConfigCommand(sshConnection: "192.0.2.10 50022 192.168.42.42 22") : command
        }
        let (_, console, output) = try shell.session(input: input)
        let session = try Session(
            console: console,
            environment: ShellEnvironment(
                dataDirectory: shell.directory.url,
                user: "admin",
                mode: .script,
                clock: shell.clock.shellClock,
                appliance: shell.appliance
            ),
            store: shell.store,
            registry: CommandRegistry(commands)
        )
        let status = Interpreter(session: session).runScript()
        console.flush()
        return (output.stdout, output.stderr, status)
    }
}
