import ApplianceConfig
import ConfigStore
import Foundation
import Shell
import TestSupport
import Testing

@testable import Commands

/// Commits `change` on top of the head, as another session would have.
func installConfiguration(_ shell: TestShell, _ change: (inout ApplianceConfiguration) -> Void) throws {
    let head = try shell.store.head()
    var configuration = head.configuration
    change(&configuration)
    _ = try shell.store.commit(
        configuration,
        base: head.info.number,
        user: "admin",
        method: .script,
        comment: "test set-up",
        rollbackPoint: false,
        validate: { _ in [] }
    )
}

/// The top menu with the factory listener, as printed after every top-level operation.
let factoryTopMenu = """

    Currently configured listeners:
    1. IncomingMail (on Management, 192.168.42.42) SMTP TCP Port 25 Public

    Choose the operation you want to perform:
    - NEW - Create a new listener.
    - EDIT - Modify a listener.
    - DELETE - Remove a listener.
    - SETUP - Change global settings.
    []> 
    """

/// The EDIT status and menu of the factory listener.
let factoryEditMenu = """

    Name: IncomingMail
    Type: Public
    Interface: Management (192.168.42.42/24) TCP Port 25
    Protocol: SMTP
    Certificate: Demo
    TLS: No
    SMTP Authentication: Disabled

    Choose the operation you want to perform:
    - NAME - Change the name of the listener.
    - INTERFACE - Change the interface.
    - CERTIFICATE - Choose the certificate.
    - SETUP - Configure general options.
    - HOSTACCESS - Modify the Host Access Table.
    - RCPTACCESS - Modify the Recipient Access Table.
    []> 
    """

/// The HOSTACCESS menu (listenerconfig.md §4.1) with the given counts.
func hostAccessMenu(policies: Int = 4, groups: Int = 5) -> String {
    """

    There are currently \(policies) policies defined.
    There are currently \(groups) sender groups.

    Choose the operation you want to perform:
    - NEW - Create a new entry.
    - EDIT - Modify an entry.
    - DELETE - Remove an entry.
    - MOVE - Move an entry.
    - DEFAULT - Set the defaults.
    - PRINT - Display the table.
    - IMPORT - Import a table from a file.
    - EXPORT - Export the table to a file.
    - CLEAR - Remove all entries.
    []> 
    """
}

@Suite struct ListenerConfigTests {
    @Test func newPublicListenerWithTLSRequiredByDefault() throws {
        let shell = try TestShell()
        let result = try shell.run(
            """
            listenerconfig
            new
            2
            InboundTLS
            1
            1
            2525
            example.com, .example.org
            y
            5M
            20



            0



            3
            2
            y

            commit "inbound TLS listener"

            """
        )
        expectTranscript(
            result.output,
            "ironport.example.com> listenerconfig\n" + factoryTopMenu + """
                new

                Please select the type of listener you want to create.
                1. Private
                2. Public
                [2]> 2

                Enter a name for this listener:
                []> InboundTLS

                Please choose an IP interface for this Listener.
                1. Management (192.168.42.42/24: ironport.example.com)
                [1]> 1

                Choose a protocol.
                1. SMTP
                2. QMQP
                [1]> 1

                Please enter the TCP port for this listener.
                [25]> 2525

                Please specify the domains for which you want to accept mail.
                Hostnames such as "example.com" are allowed.
                Partial hostnames such as ".example.com" are allowed.
                Separate multiple addresses with commas.
                []> example.com, .example.org

                Default Policy Parameters
                =========================
                Maximum Message Size: 10M
                Maximum Number Of Concurrent Connections From A Single IP: 10
                Maximum Number Of Messages Per Connection: 10
                Maximum Number Of Recipients Per Message: 50
                Directory Harvest Attack Prevention: Enabled
                Maximum Number Of Invalid Recipients Per Hour: 25
                Maximum Number Of Recipients Per Hour: Disabled
                Use SenderBase for Flow Control: Yes
                Spam Detection Enabled: Yes
                Virus Detection Enabled: Yes
                Allow TLS Connections: No
                Allow SMTP Authentication: No
                Require TLS To Offer SMTP authentication: No

                Would you like to change the default host access policy? [N]> y

                Enter the maximum message size. Add a trailing k for kilobytes, M for megabytes, or no letter for bytes.
                [10M]> 5M

                Enter the maximum number of concurrent connections allowed from a single IP address.
                [10]> 20

                Enter the maximum number of messages per connection.
                [10]> 

                Enter the maximum number of recipients per message.
                [50]> 

                Enter the maximum number of recipients per hour from a remote host (-1 for no limit).
                [-1]> 

                Enter the maximum number of invalid recipients per hour (0 to disable Directory Harvest Attack Prevention).
                [25]> 0

                Would you like to use SenderBase for flow control? [Y]> 

                Would you like to enable anti-spam scanning? [Y]> 

                Would you like to enable anti-virus scanning? [Y]> 

                Would you like to allow encrypted TLS connections?
                1. No
                2. Preferred
                3. Required
                4. Preferred - Verify
                5. Required - Verify
                [1]> 3

                You have chosen to enable TLS. Please use the 'certconfig' command to
                ensure that there is a valid certificate configured.

                The "Demo" certificate is currently configured. You may use "Demo", but this will not be secure.
                To assure privacy, run "certconfig" first.

                Would you like to allow SMTP Authentication?
                1. No
                2. Preferred
                3. Required
                [1]> 2

                Require TLS to offer SMTP Authentication? [N]> y

                Listener InboundTLS created.
                Defaults have been set for a Public listener.
                Use the listenerconfig->EDIT command to customize the listener.

                Currently configured listeners:
                1. IncomingMail (on Management, 192.168.42.42) SMTP TCP Port 25 Public
                2. InboundTLS (on Management, 192.168.42.42) SMTP TCP Port 2525 Public

                Choose the operation you want to perform:
                - NEW - Create a new listener.
                - EDIT - Modify a listener.
                - DELETE - Remove a listener.
                - SETUP - Change global settings.
                []> 
                ironport.example.com> commit "inbound TLS listener"

                Changes committed: Tue Sep 22 09:00:00 2026 UTC
                ironport.example.com> 
                """
        )
        #expect(result.status == .success)
        let listeners = try shell.store.head().configuration.listeners
        #expect(listeners.count == 2)
        let listener = listeners[1]
        #expect(listener.name == "InboundTLS")
        #expect(listener.port == 2525)
        #expect(listener.certificate == "Demo")
        #expect(listener.hostAccess.policies == HostAccessTable.publicDefault.policies)
        var defaults = MailFlowParameters.factoryDefaults
        defaults.maxMessageSize = 5 * 1_048_576
        defaults.maxConcurrency = 20
        defaults.dhapLimit = 0
        defaults.tls = .required
        defaults.smtpAuth = .on
        defaults.smtpAuthRequireTLS = true
        #expect(listener.hostAccess.defaults == defaults)
        #expect(
            listener.recipientAccess == [
                RecipientAccessEntry(pattern: "example.com", accept: true),
                RecipientAccessEntry(pattern: ".example.org", accept: true),
                RecipientAccessEntry(pattern: "ALL", accept: false),
            ]
        )
    }

    @Test func newPrivateListenerGetsTheRelayListAndATakenPortIsRefusedInAScript() throws {
        let shell = try TestShell()
        let result = try shell.run(
            """
            listenerconfig
            new
            1
            OutgoingMail
            1
            1
            587
            10.1.1.0/24, 10.2.3.
            n

            commit "relay"
            listenerconfig
            new
            1
            Second
            1
            1
            587

            """
        )
        #expect(result.status == .invalidInput)
        #expect(
            result.errorOutput
                == "line 18: Port 587 on interface \"Management\" is already used by listener \"OutgoingMail\".\n"
        )
        let listener = try #require(try shell.store.head().configuration.listeners.last)
        #expect(listener.kind == .private)
        #expect(listener.hostAccess == .privateDefault(relayHosts: ["10.1.1.0/24", "10.2.3."]))
        #expect(
            HostAccessText.print(listener.hostAccess) == """
                $RELAYED
                    RELAY
                $BLOCKED
                    REJECT
                RELAYLIST:
                        $RELAYED (Relayed mail from hosts in this list)
                        10.1.1.0/24
                        10.2.3.
                ALL
                    $BLOCKED

                """
        )
    }

    @Test func hostAccessPrintOfTheFactoryTable() throws {
        let shell = try TestShell()
        let result = try shell.run("listenerconfig\nedit\n1\nhostaccess\nprint\n\n\n\n")
        expectTranscript(
            result.output,
            "ironport.example.com> listenerconfig\n" + factoryTopMenu + "edit\n\n"
                + "Enter the name or number of the listener you wish to edit.\n[]> 1\n" + factoryEditMenu
                + "hostaccess\n" + hostAccessMenu() + "print\n\n"
                + SpecTexts.factoryHAT + hostAccessMenu() + "\n" + factoryEditMenu + "\n" + factoryTopMenu
                + "\nironport.example.com> "
        )
    }

    @Test func newSenderGroupAndPolicyThenEditAndARefusedDelete() throws {
        let shell = try TestShell()
        let result = try shell.run(
            """
            listenerconfig
            edit
            IncomingMail
            hostaccess
            new
            2
            PARTNER_TLS
            1
            y

            25


            -1
            default



            5
            1
            new
            1
            PARTNERS
            10.1.1.0/24, mx.partner.example
            10
            Partners must use TLS
            new
            1

            192.0.2.7
            3
            spam source
            edit
            $TRUSTED
            $TRUSTED
            1
            n
            move
            PARTNERS
            1



            commit "partners"
            listenerconfig edit IncomingMail hostaccess delete policy PARTNER_TLS

            """
        )
        #expect(result.status == .actionFailed)
        #expect(result.errorOutput == "line 45: The policy \"$PARTNER_TLS\" is used by sender group \"PARTNERS\".\n")
        #expect(
            result.output.contains(
                "Select a behavior for this entry.\n1. Accept\n2. Relay\n3. Reject\n4. TCP Refuse\n[1]> 1\n"
            )
        )
        #expect(
            result.output.contains(
                """
                Select a behavior for this entry.
                1. Accept
                2. Relay
                3. Reject
                4. TCP Refuse
                5. Continue
                6. Policy: ACCEPTED
                7. Policy: THROTTLED
                8. Policy: TRUSTED
                9. Policy: BLOCKED
                10. Policy: PARTNER_TLS
                [1]> 10
                """
            )
        )
        #expect(result.output.contains(hostAccessMenu(policies: 5, groups: 6)))
        let table = try shell.store.head().configuration.listeners[0].hostAccess
        expectTranscript(
            HostAccessText.print(table),
            SpecTexts.factoryHATPolicies + """
                $PARTNER_TLS
                    ACCEPT {
                        max_concurrency = 25
                        tls = "require_verify"
                    }
                PARTNERS:
                        $PARTNER_TLS (Partners must use TLS)
                        10.1.1.0/24
                        mx.partner.example
                WHITELIST:
                        $TRUSTED (My trusted senders have no anti-spam scanning or rate limiting)
                BLACKLIST:
                        $BLOCKED (Spammers are rejected)
                SUSPECTLIST:
                        $THROTTLED (Suspicious senders are throttled)
                UNKNOWNLIST:
                        $ACCEPTED (Reviewed but undecided, continue normal acceptance)
                192.0.2.7
                    REJECT (spam source)
                ALL
                    $ACCEPTED

                """
        )
    }

    @Test func deletingAPolicyInUseInteractivelyNamesEveryUseAndKeepsTheMenu() throws {
        let shell = try TestShell()
        try installConfiguration(shell) { $0.listeners[0].hostAccess.all = .policy("TRUSTED") }
        let table = try shell.store.head().configuration.listeners[0].hostAccess
        let outcome = HostAccessOperations.delete(.policy("TRUSTED"), from: table)
        #expect(
            outcome
                == .failure(.actionFailed("The policy \"$TRUSTED\" is used by sender group \"WHITELIST\" and ALL."))
        )
    }

    @Test func certificateChoiceWarnsAboutDemoAndAboutAnotherHostName() throws {
        let shell = try TestShell()
        let ca = try TestCA.makeRoot()
        let other = try ca.makeLeaf(commonName: "mail.other.example", dnsNames: ["mail.other.example"])
        let wildcard = try ca.makeLeaf(commonName: "Example Mail", dnsNames: ["*.example.com"])
        try installConfiguration(shell) {
            $0.certificates.append(
                CertificateProfileRecord(
                    name: "other",
                    certificatePEM: other.certificatePEM,
                    privateKeyPEM: other.keyPEM
                )
            )
            $0.certificates.append(
                CertificateProfileRecord(
                    name: "wild",
                    certificatePEM: wildcard.certificatePEM,
                    privateKeyPEM: wildcard.keyPEM
                )
            )
        }
        let result = try shell.run(
            """
            listenerconfig
            edit
            1
            certificate
            2
            certificate
            3
            certificate
            1



            """
        )
        let menu = factoryEditMenu.replacingOccurrences(of: "Certificate: Demo", with: "Certificate: other")
        let wildMenu = factoryEditMenu.replacingOccurrences(of: "Certificate: Demo", with: "Certificate: wild")
        expectTranscript(
            result.output,
            "ironport.example.com> listenerconfig\n" + factoryTopMenu + "edit\n\n"
                + "Enter the name or number of the listener you wish to edit.\n[]> 1\n" + factoryEditMenu + """
                    certificate

                    Choose the certificate:
                    1. Demo
                    2. other
                    3. wild
                    [1]> 2

                    Warning: certificate "other" does not name the interface host name "ironport.example.com" (it names: mail.other.example). Senders that verify the certificate will fail.

                    """ + menu + """
                    certificate

                    Choose the certificate:
                    1. Demo
                    2. other
                    3. wild
                    [2]> 3

                    """ + wildMenu + """
                    certificate

                    Choose the certificate:
                    1. Demo
                    2. other
                    3. wild
                    [3]> 1

                    The "Demo" certificate is currently configured. You may use "Demo", but this will not be secure.
                    To assure privacy, run "certconfig" first.

                    """ + factoryEditMenu + "\n" + factoryTopMenu + "\nironport.example.com> "
        )
    }

    @Test func defaultRemovesAnOverrideAtYesNoAndListQuestionsToo() throws {
        let throttled = HostAccessTable.publicDefault.policies[1]
        #expect(throttled.parameters.spamCheck == true && throttled.parameters.tls == .off)
        // Six number questions and SenderBase keep their values; spam scanning and TLS go back to the
        // table defaults; virus scanning and SMTP AUTH keep theirs.
        let input = "\n\n\n\n\n\n\nDEFAULT\n\ndefault\n\n"
        let console = StreamConsole(source: MemorySource(input), output: { _ in }, errorOutput: { _ in })
        let dialog = PolicyParametersDialog(dialog: Dialog(console: console), demoCertificate: false)
        let result = try dialog.policy(throttled.parameters, defaults: .factoryDefaults)
        var expected = throttled.parameters
        expected.spamCheck = nil
        expected.tls = nil
        #expect(result == expected)
    }

    @Test func wildcardNamesMatchExactlyOneLabel() {
        #expect(CertificateRules.covers("*.example.com", "mail.example.com"))
        #expect(CertificateRules.covers("mail.EXAMPLE.com", "MAIL.example.com"))
        #expect(!CertificateRules.covers("*.example.com", "a.mail.example.com"))
        #expect(!CertificateRules.covers("*.example.com", "example.com"))
    }

    @Test func rcptAccessNewEditDeletePrintAndTheALLEntryStays() throws {
        let shell = try TestShell()
        let result = try shell.run(
            """
            listenerconfig
            edit
            1
            rcptaccess
            new
            example.com
            1
            new
            .example.net
            2
            edit
            .example.net
            1
            print
            delete
            ALL
            """
        )
        #expect(result.status == .actionFailed)
        #expect(result.errorOutput == "line 16: The ALL entry cannot be deleted.\n")
        #expect(
            result.output.contains(
                """
                There are currently 3 entries defined.

                Choose the operation you want to perform:
                - NEW - Create a new entry.
                - EDIT - Modify an entry.
                - DELETE - Remove an entry.
                - PRINT - Display the table.
                - CLEAR - Remove all entries.
                []> print

                example.com
                    ACCEPT
                .example.net
                    ACCEPT
                ALL
                    REJECT

                """
            )
        )
        #expect(
            result.output.contains(
                """
                []> delete

                1. example.com
                2. .example.net
                3. ALL

                Enter the domain or number of the entry to delete:
                []> ALL
                """
            )
        )
    }

    @Test func globalSetupRefusesAnOutOfRangeNumber() throws {
        let shell = try TestShell()
        let result = try shell.run("listenerconfig\nsetup\n0\n")
        #expect(result.status == .invalidInput)
        #expect(result.errorOutput == "line 3: Please enter a number from 1 to 10000.\n")
        expectTranscript(
            result.output,
            "ironport.example.com> listenerconfig\n" + factoryTopMenu + """
                setup

                Please enter the global limit for concurrent connections to be allowed across all listeners.
                [300]> 0

                """
        )
        let changed = try TestShell()
        let ok = try changed.run("listenerconfig\nsetup\n500\n\n1800\n\ncommit \"setup\"\n")
        #expect(ok.status == .success)
        #expect(
            try changed.store.head().configuration.listenerSettings
                == ListenerSettings(
                    maxConcurrentConnections: 500,
                    connectionTimeoutSeconds: 300,
                    maxConnectionSeconds: 1800
                )
        )
    }

    @Test func defaultSetsTheTableDefaultsAndClearLeavesOnlyALL() throws {
        let shell = try TestShell()
        let result = try shell.run(
            """
            listenerconfig
            edit
            1
            hostaccess
            default









            2

            clear
            y



            commit "defaults"

            """
        )
        #expect(result.status == .success)
        #expect(
            result.output.contains(
                """
                [1]> 2

                You have chosen to enable TLS. Please use the 'certconfig' command to
                ensure that there is a valid certificate configured.

                The "Demo" certificate is currently configured. You may use "Demo", but this will not be secure.
                To assure privacy, run "certconfig" first.

                Would you like to allow SMTP Authentication?
                """
            )
        )
        #expect(result.output.contains("[]> clear\n\nAre you sure you want to remove all entries? [N]> y\n"))
        #expect(
            result.output.contains(
                hostAccessMenu(policies: 4, groups: 1).replacingOccurrences(
                    of: "There are currently 1 sender groups.",
                    with: "There is currently 1 sender group."
                )
            )
        )
        let table = try shell.store.head().configuration.listeners[0].hostAccess
        #expect(table.defaults.tls == .on)
        #expect(table.entries.isEmpty)
        #expect(table.all == .policy("ACCEPTED"))
        #expect(table.policies == HostAccessTable.publicDefault.policies)
        #expect(result.output.contains("TLS: Preferred\n"))
    }

    @Test func deleteAndRenameAListener() throws {
        let shell = try TestShell()
        let result = try shell.run(
            """
            listenerconfig edit IncomingMail name Inbound
            listenerconfig
            delete
            Inbound
            y

            commit "gone"

            """
        )
        #expect(result.status == .success)
        #expect(
            result.output.contains(
                "Are you sure you want to delete the listener \"Inbound\"? [N]> y\n\nNo listeners configured.\n"
            )
        )
        #expect(try shell.store.head().configuration.listeners.isEmpty)
    }
}
