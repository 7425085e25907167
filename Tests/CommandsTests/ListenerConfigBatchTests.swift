import ApplianceConfig
import Commands
import ConfigStore
import Foundation
import Shell
import TestSupport
import Testing

@Suite struct ListenerConfigBatchTests {
    private func configurationFile(_ shell: TestShell, _ name: String) -> URL {
        shell.directory.url.appendingPathComponent("configuration").appendingPathComponent(name)
    }

    @Test func theSpecExampleRequiresTLSFromOnePartnerNetwork() throws {
        let shell = try TestShell()
        let result = try shell.exec(
            "listenerconfig edit IncomingMail hostaccess new policy PARTNER_TLS accept --tls=required; "
                + "listenerconfig edit IncomingMail hostaccess new sendergroup PARTNERS 10.1.1.0/24 --policy=PARTNER_TLS; "
                + "commit \"partner TLS\"; listenerconfig edit IncomingMail hostaccess print"
        )
        #expect(result.status == .success)
        #expect(result.errorOutput == "")
        #expect(
            result.output.hasSuffix(
                SpecTexts.factoryHATPolicies + """
                    $PARTNER_TLS
                        ACCEPT {
                            tls = "required"
                        }
                    WHITELIST:
                            $TRUSTED (My trusted senders have no anti-spam scanning or rate limiting)
                    BLACKLIST:
                            $BLOCKED (Spammers are rejected)
                    SUSPECTLIST:
                            $THROTTLED (Suspicious senders are throttled)
                    UNKNOWNLIST:
                            $ACCEPTED (Reviewed but undecided, continue normal acceptance)
                    PARTNERS:
                            $PARTNER_TLS
                            10.1.1.0/24
                    ALL
                        $ACCEPTED

                    """
            )
        )
        let table = try shell.store.head().configuration.listeners[0].hostAccess
        #expect(table.policy(named: "PARTNER_TLS")?.parameters == MailFlowParameters(tls: .required))
        #expect(
            table.entries.last
                == HostAccessEntry(name: "PARTNERS", members: ["10.1.1.0/24"], behavior: .policy("PARTNER_TLS"))
        )
    }

    @Test func exportThenImportChangesNothing() throws {
        let shell = try TestShell()
        let setUp = try shell.exec(
            "listenerconfig edit IncomingMail hostaccess new policy P1 relay --max_message_size=20M --use_sb=off "
                + "--smtp_auth=on --tls=on_verify; "
                + "listenerconfig edit IncomingMail hostaccess new sendergroup RELAYS 10.0.0.0/8,.corp.example "
                + "--policy=P1 --comment=\"Relays (internal)\"; "
                + "listenerconfig edit IncomingMail hostaccess default --tls=on --max_message_size=512k; "
                + "commit \"rich table\""
        )
        #expect(setUp.status == .success)
        let before = try shell.store.head().configuration
        let result = try shell.exec(
            "listenerconfig edit IncomingMail hostaccess export hat.txt; "
                + "listenerconfig edit IncomingMail hostaccess import hat.txt; commit \"same\""
        )
        #expect(result.status == .success)
        #expect(
            result.output.contains(
                "File written on machine \"ironport.example.com\" to the location \"/configuration/hat.txt\".\n"
                    + "ironport.example.com> listenerconfig edit IncomingMail hostaccess import hat.txt\n"
                    + "ironport.example.com> commit \"same\"\n\nThere is no data to commit.\n"
            )
        )
        #expect(try shell.store.head().configuration == before)
        let text = try String(contentsOf: configurationFile(shell, "hat.txt"), encoding: .utf8)
        #expect(text == HostAccessText.print(before.listeners[0].hostAccess))
        #expect(text.contains("$P1\n    RELAY {\n        max_message_size = 20971520\n        use_sb = \"off\"\n"))
        #expect(before.listeners[0].hostAccess.defaults.maxMessageSize == 524_288)
    }

    @Test func importReplacesTheTableAndAMalformedFileIsRefusedWithItsLineStagingNothing() throws {
        let shell = try TestShell()
        try Data("$OPEN\n    ACCEPT\n10.1.1.1\n    $OPEN (one host)\nALL\n    REJECT\n".utf8).write(
            to: configurationFile(shell, "good.txt")
        )
        try Data("$OPEN\n    ACCEPT\nG:\n        ALLOW\nALL\n    $OPEN\n".utf8).write(
            to: configurationFile(shell, "bad.txt")
        )
        let bad = try shell.run(
            "listenerconfig edit IncomingMail hostaccess import bad.txt\ncommit \"nothing\"\n",
            continueOnError: true
        )
        #expect(bad.status == .actionFailed)
        #expect(bad.errorOutput == "line 1: Error: line 4: unknown action \"ALLOW\"\n")
        #expect(bad.output.contains("There is no data to commit."))

        let good = try shell.exec("listenerconfig edit IncomingMail hostaccess import good.txt; commit \"import\"")
        #expect(good.status == .success)
        let table = try shell.store.head().configuration.listeners[0].hostAccess
        #expect(table.policies == [MailFlowPolicy(name: "OPEN", action: .accept)])
        #expect(
            table.entries == [
                HostAccessEntry(name: nil, members: ["10.1.1.1"], behavior: .policy("OPEN"), comment: "one host")
            ]
        )
        #expect(table.all == .action(.reject))
        #expect(table.defaults == .factoryDefaults)

        let missing = try shell.exec("listenerconfig edit IncomingMail hostaccess import none.txt")
        #expect(missing.errorOutput == "line 1: Error: file 'none.txt' does not exist.\n")
        let outside = try shell.exec("listenerconfig edit IncomingMail hostaccess import ../x")
        #expect(outside.status == .invalidInput)
        #expect(
            outside.errorOutput
                == "line 1: Invalid file name: \"../x\". Only a file name in /configuration is allowed.\n"
        )
    }

    @Test(arguments: [
        (
            "listenerconfig edit IncomingMail certificate nope", Shell.ExitStatus.actionFailed,
            "Certificate profile \"nope\" does not exist."
        ),
        (
            "listenerconfig edit IncomingMail hostaccess new sendergroup G 10.1.1.1 --policy=NOPE",
            .actionFailed, "There is no policy \"$NOPE\"."
        ),
        (
            "listenerconfig edit IncomingMail hostaccess delete policy TRUSTED", .actionFailed,
            "The policy \"$TRUSTED\" is used by sender group \"WHITELIST\"."
        ),
        (
            "listenerconfig new Second public Management smtp --port=70000", .invalidInput,
            "Invalid value for --port: \"70000\". Please enter a number from 1 to 65535."
        ),
        (
            "listenerconfig new Second public Management smtp", .invalidInput,
            "Port 25 on interface \"Management\" is already used by listener \"IncomingMail\"."
        ),
        (
            "listenerconfig new Second public Management qmqp --port=26", .invalidInput, "QMQP is not supported."
        ),
        (
            "listenerconfig edit IncomingMail hostaccess new policy P accept --max_concurrency=5000", .invalidInput,
            "Invalid value for --max_concurrency: \"5000\". Please enter a number from 1 to 1000."
        ),
        (
            "listenerconfig edit IncomingMail hostaccess new policy P accept --tls=maybe", .invalidInput,
            "Invalid value for --tls: \"maybe\". Use off, on, required, on_verify or require_verify."
        ),
        (
            "listenerconfig edit IncomingMail hostaccess default --tls=default", .invalidInput,
            "Invalid value for --tls: \"default\" applies to policies only."
        ),
        (
            "listenerconfig edit IncomingMail hostaccess move WHITELIST 9", .invalidInput,
            "Invalid position \"9\". Please enter a number from 1 to 4."
        ),
        (
            "listenerconfig edit IncomingMail hostaccess new sendergroup G 10.1.1.300", .invalidInput,
            "Invalid host \"10.1.1.300\"."
        ),
        ("listenerconfig edit Nobody name X", .actionFailed, "There is no listener named \"Nobody\"."),
        (
            "listenerconfig edit IncomingMail rcptaccess delete ALL", .actionFailed,
            "The ALL entry cannot be deleted."
        ),
    ])
    func refusalsNameTheProblemAndStageNothing(command: String, status: Shell.ExitStatus, message: String) throws {
        let shell = try TestShell()
        let result = try shell.run(command + "\ncommit \"x\"\n", continueOnError: true)
        #expect(result.status == status)
        #expect(result.errorOutput == "line 1: \(message)\n")
        #expect(result.output.contains("There is no data to commit."))
    }

    @Test func badSubcommandsPrintTheUsageLine() throws {
        let shell = try TestShell()
        let result = try shell.exec("listenerconfig frobnicate")
        #expect(result.status == .invalidInput)
        #expect(
            result.errorOutput
                == "line 1: Usage: listenerconfig list | delete {name}\nUnknown subcommand \"frobnicate\".\n"
        )
    }

    @Test func newListListenersAndTheirRecipientTable() throws {
        let shell = try TestShell()
        let result = try shell.exec(
            "listenerconfig new Partners public Management smtp --port=2525 --domains=example.com,.example.org; "
                + "listenerconfig new Relay private Management smtp --port=587 --relay=10.1.1.0/24; "
                + "listenerconfig edit Partners rcptaccess new example.net reject; "
                + "listenerconfig edit Partners rcptaccess delete .example.org; "
                + "listenerconfig list; listenerconfig edit Partners rcptaccess print"
        )
        #expect(result.status == .success)
        #expect(
            result.output.hasSuffix(
                """
                Currently configured listeners:
                1. IncomingMail (on Management, 192.168.42.42) SMTP TCP Port 25 Public
                2. Partners (on Management, 192.168.42.42) SMTP TCP Port 2525 Public
                3. Relay (on Management, 192.168.42.42) SMTP TCP Port 587 Private
                ironport.example.com> listenerconfig edit Partners rcptaccess print
                example.com
                    ACCEPT
                example.net
                    REJECT
                ALL
                    REJECT

                """
            )
        )
    }

    @Test func editingAPolicyOverrideAndRemovingItWithDefault() throws {
        let shell = try TestShell()
        let result = try shell.exec(
            "listenerconfig edit IncomingMail hostaccess edit policy THROTTLED --tls=default --max_rcpts_per_hour=5; "
                + "listenerconfig edit IncomingMail hostaccess edit sendergroup WHITELIST --hosts=10.5.5.5 "
                + "--comment=Friends; "
                + "listenerconfig edit IncomingMail hostaccess move UNKNOWNLIST 1; commit \"edit\""
        )
        #expect(result.status == .success)
        let table = try shell.store.head().configuration.listeners[0].hostAccess
        let throttled = try #require(table.policy(named: "THROTTLED"))
        #expect(throttled.parameters.tls == nil)
        #expect(throttled.parameters.maxRecipientsPerHour == 5)
        #expect(table.entries.map(\.label) == ["UNKNOWNLIST", "WHITELIST", "BLACKLIST", "SUSPECTLIST"])
        #expect(table.entries[1].members == ["10.5.5.5"])
        #expect(table.entries[1].comment == "Friends")
    }

    @Test func helpShowsTheBatchSyntax() throws {
        let shell = try TestShell()
        let result = try shell.exec("help listenerconfig")
        #expect(result.output.contains("listenerconfig - Configure and manage public, private or blackhole listeners."))
        #expect(result.output.contains("Batch Command: This command supports a batch format."))
        #expect(
            result.output.contains(
                "listenerconfig edit {name} hostaccess new policy {p} {accept|relay|reject|tcprefuse} [params]"
            )
        )
    }
}
