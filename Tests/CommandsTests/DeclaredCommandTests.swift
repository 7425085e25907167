import ApplianceConfig
import Commands
import DomainNames
import Shell
import TestSupport
import Testing

/// The commands ported to declared grammars (issue 9): their complaints kept the appliance's
/// wording, and their names now complete from the configuration.
@Suite struct DeclaredCommandTests {
    static func complete(
        _ text: String,
        _ configuration: ApplianceConfiguration = TestFactory.configuration
    )
        -> [String]
    {
        let registry = AllCommands.registry
        let context = ArgumentContext(configuration: configuration, commandNames: registry.allNames)
        return registry.completer(in: context).complete(text)
    }

    @Test func interfaceAndAlertNamesCompleteFromTheConfiguration() {
        var configuration = TestFactory.configuration
        configuration.alerts.set("ops@example.com", alertClass: .system, severity: .all)
        #expect(Self.complete("interfaceconfig ") == ["new", "edit", "delete", "list"])
        #expect(Self.complete("interfaceconfig ed") == ["edit"])
        #expect(Self.complete("interfaceconfig edit m") == ["Management"])
        #expect(Self.complete("interfaceconfig delete ") == ["Management"])
        #expect(Self.complete("interfaceconfig edit Management --https=") == ["--https=on", "--https=off"])
        #expect(Self.complete("interfaceconfig edit Management --https_certificate=d") == ["--https_certificate=Demo"])
        #expect(Self.complete("interfaceconfig list --").isEmpty)
        #expect(Self.complete("alertconfig delete ", configuration) == ["ops@example.com"])
        #expect(Self.complete("alertconfig new a@example.com --severity=c") == ["--severity=critical"])
        #expect(Self.complete("certconfig exp") == ["expiring"])
        #expect(Self.complete("saveconfig ") == ["1", "2"])
    }

    @Test func destinationDomainsAndSettingValuesComplete() {
        var configuration = TestFactory.configuration
        configuration.destinations = [
            DestinationEntry(domain: "partner.example"), DestinationEntry(domain: "pay.example"),
        ]
        #expect(
            Self.complete("destconfig ")
                == ["setup", "new", "edit", "delete", "list", "print", "detail", "clear", "import", "export"]
        )
        #expect(Self.complete("destconfig edit ", configuration) == ["default", "partner.example", "pay.example"])
        #expect(Self.complete("destconfig detail pa", configuration) == ["partner.example", "pay.example"])
        #expect(Self.complete("destconfig delete par", configuration) == ["partner.example"])
        #expect(Self.complete("destconfig new a.example --tls=req") == ["--tls=require", "--tls=require_verify"])
        #expect(Self.complete("destconfig new a.example --TLS=of") == ["--TLS=off"])
        #expect(Self.complete("destconfig setup --send") == ["--send_tls_req_alert="])
    }

    @Test func listenerWordsCompleteFromTheListenerTheLineNames() {
        #expect(Self.complete("listenerconfig ") == ["list", "new", "edit", "delete"])
        #expect(Self.complete("listenerconfig edit ") == ["IncomingMail"])
        #expect(
            Self.complete("listenerconfig edit IncomingMail ")
                == ["name", "interface", "certificate", "hostaccess", "rcptaccess"]
        )
        #expect(
            Self.complete("listenerconfig edit IncomingMail hostaccess ")
                == ["new", "edit", "default", "delete", "move", "print", "clear", "import", "export"]
        )
        #expect(Self.complete("listenerconfig edit IncomingMail hostaccess new ") == ["sendergroup", "policy"])
        #expect(Self.complete("listenerconfig edit IncomingMail hostaccess edit sendergroup W") == ["WHITELIST"])
        #expect(
            Self.complete("listenerconfig edit incomingmail hostaccess delete policy T") == ["THROTTLED", "TRUSTED"]
        )
        #expect(
            Self.complete("listenerconfig edit IncomingMail hostaccess new policy P ") == [
                "accept", "relay", "reject", "tcprefuse",
            ]
        )
        #expect(
            Self.complete("listenerconfig edit IncomingMail hostaccess default --max_m").contains("--max_message_size=")
        )
        #expect(Self.complete("listenerconfig edit IncomingMail certificate ") == ["Demo"])
        #expect(Self.complete("listenerconfig new Second public ") == ["Management"])
        #expect(Self.complete("listenerconfig edit IncomingMail rcptaccess new example.com ") == ["accept", "reject"])
    }

    @Test func usersAndRolesComplete() {
        var configuration = TestFactory.configuration
        configuration.users.append(
            ApplianceUser(name: "ops", fullName: "Ops", role: .operator, passphraseHash: "x")
        )
        #expect(Self.complete("userconfig ") == ["add", "new", "delete", "list"])
        #expect(Self.complete("userconfig delete o", configuration) == ["ops"])
        #expect(Self.complete("userconfig add ro \"Read Only\" r") == ["readonly"])
    }

    @Test func helpListsTheDeclaredForms() throws {
        let shell = try TestShell()
        let result = try shell.run("help alertconfig\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> help alertconfig

            alertconfig - Configure email alerts.

            Commit: This command requires a 'commit'.
            Batch Command: This command supports a batch format.

            alertconfig new {address} --class={name|all} --severity={critical|warning|information|all}
            alertconfig delete {address}
            alertconfig list
            ironport.example.com> 
            """
        )
    }

    @Test func grammarComplaintsKeepTheirWording() throws {
        let shell = try TestShell()
        let result = try shell.run(
            """
            alertconfig list --class=all
            certconfig expiring 5 6
            saveconfig 1 more
            setttymode 0
            interfaceconfig new Lab 10.0.0.5/24
            userconfig add ro "Read Only" superuser Watch-7-Tower
            passwd now

            """,
            continueOnError: true
        )
        let alertUsage = BadInputCatalogue.alertUsage
        let interfaceUsage = BadInputCatalogue.interfaceUsage
        expectTranscript(
            result.errorOutput,
            """
            line 1: \(alertUsage)
            The option "--class" does not apply to "list".
            line 2: Usage: certconfig list | certconfig print | certconfig expiring [{days}]
            Unexpected argument "6".
            line 3: Usage: saveconfig {1|2}
            Unexpected argument "more".
            line 4: Usage: setttymode {0|1} {0|1}
            Missing {0|1}.
            line 5: \(interfaceUsage)
            Missing {hostname}.
            line 6: Usage: userconfig add {user} {full name} {role} [{passphrase}] | userconfig new {user} [{full name}] {role} | userconfig delete {user} | userconfig list
            Unknown role "superuser": use admin, operator, readonly or guest.
            line 7: Usage: passwd
            Unexpected argument "now".

            """
        )
    }
}

/// One DNS-name rule (issue 9): the configuration's host names follow the same rule as certificate
/// names, so an all-digit last label (an IPv4 address) is a host name for neither.
@Suite struct OneHostNameRuleTests {
    @Test func anAllDigitLastLabelIsRefusedEverywhere() throws {
        let shell = try TestShell()
        let result = try shell.run(
            """
            sethostname mail.example.123
            interfaceconfig new Lab 10.0.0.5/24 192.168.1.2

            """,
            continueOnError: true
        )
        expectTranscript(
            result.errorOutput,
            """
            line 1: Invalid hostname "mail.example.123". Enter a fully qualified host name, such as mail.example.com.
            line 2: Invalid hostname "192.168.1.2". Enter a fully qualified host name, such as mail.example.com.

            """
        )
        #expect(!HostnameRules.isFQDN("mail.example.123") && !HostnameRules.isFQDN("192.168.1.2"))
        #expect(HostnameRules.isFQDN("mail.example.com") && HostnameRules.isFQDN("*.example.com", allowWildcard: true))
    }
}

/// Singular and plural (issue 9): a one-minute recipient period reads "1 minute".
@Suite struct RecipientPeriodWordingTests {
    @Test func oneMinuteIsSingular() throws {
        let shell = try TestShell()
        let result = try shell.run(
            "destconfig new a.example --recipient_limit=10 --recipient_minutes=1\n"
                + "destconfig new b.example --recipient_limit=10 --recipient_minutes=2\n"
                + "destconfig detail a.example\ndestconfig detail b.example\nclearchanges\n"
        )
        #expect(result.output.contains("Recipient Limit: 10 per 1 minute\n"), "\(result.output)")
        #expect(result.output.contains("Recipient Limit: 10 per 2 minutes\n"), "\(result.output)")
    }
}
