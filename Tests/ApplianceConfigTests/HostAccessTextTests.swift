import ApplianceConfig
import TestSupport
import Testing

@Suite struct HostAccessTextTests {
    /// The factory public HAT, as listenerconfig.md §4.2 prints it (its policies and groups, no entries).
    static let factoryText = SpecTexts.factoryHAT

    /// The spec's block with its inline entries (listenerconfig.md §4.2).
    static let specText = factoryText.replacingOccurrences(
        of: "ALL\n    $ACCEPTED\n",
        with: """
            spamdomain.com
                REJECT (reject the domain "spamdomain.com")
            .spamdomain.com
                REJECT (reject all subdomains of ".spamdomain.com")
            251.192.1.
                TCPREFUSE (TCPREFUSE the IP addresses in "251.192.1")
            169.254.10.10
                RELAY (RELAY the address 169.254.10.10)
            ALL
                $ACCEPTED

            """
    )

    @Test func factoryPublicTablePrintsExactlyTheSpecBlock() {
        #expect(HostAccessText.print(.publicDefault) == Self.factoryText)
    }

    @Test func theSpecBlockWithInlineEntriesReadsAndPrintsBackByteForByte() throws {
        let table = try HostAccessText.parse(Self.specText)
        #expect(table.policies.map(\.name) == ["ACCEPTED", "THROTTLED", "TRUSTED", "BLOCKED"])
        #expect(table.entries.count == 8)
        #expect(
            table.entries[4]
                == HostAccessEntry(
                    name: nil,
                    members: ["spamdomain.com"],
                    behavior: .action(.reject),
                    comment: "reject the domain \"spamdomain.com\""
                )
        )
        #expect(table.entries[6].members == ["251.192.1."])
        #expect(table.entries[6].behavior == .action(.tcpRefuse))
        #expect(HostAccessText.print(table) == Self.specText)
    }

    @Test func parsingThePrintOfARichTableGivesTheSameTable() throws {
        var defaults = MailFlowParameters.factoryDefaults
        defaults.tls = .on
        defaults.maxMessageSize = 20 * 1_048_576
        let table = HostAccessTable(
            defaults: defaults,
            policies: [
                MailFlowPolicy(name: "ACCEPTED", action: .accept),
                MailFlowPolicy(
                    name: "PARTNER_TLS",
                    action: .accept,
                    parameters: MailFlowParameters(
                        maxRecipientsPerHour: -1,
                        maxMessageSize: 52_428_800,
                        tls: .requireVerify,
                        smtpAuth: .required,
                        smtpAuthRequireTLS: true
                    )
                ),
                MailFlowPolicy(name: "RELAYED", action: .relay, parameters: MailFlowParameters(tls: .onVerify)),
                MailFlowPolicy(name: "Cont_1", action: .continue),
                MailFlowPolicy(name: "BLOCKED", action: .reject),
            ],
            entries: [
                HostAccessEntry(
                    name: "PARTNERS",
                    members: [
                        "10.1.1.0/24", "10.1.2.10-20", "2001:db8::/32", "mx.partner.example", ".partner.example",
                    ],
                    behavior: .policy("PARTNER_TLS"),
                    comment: "Partners (require TLS)"
                ),
                HostAccessEntry(name: "EMPTY-GROUP", members: [], behavior: .action(.tcpRefuse)),
                HostAccessEntry(name: nil, members: ["192.0.2.7"], behavior: .policy("RELAYED"), comment: "the relay"),
                HostAccessEntry(
                    name: "REPUTATION",
                    members: ["sbrs[-10.0:-3.0]", "dnslist[bl.example.org]", "sbrs[none]"],
                    behavior: .policy("BLOCKED")
                ),
                HostAccessEntry(name: nil, members: ["10.9.9."], behavior: .action(.continue)),
            ],
            all: .policy("BLOCKED")
        )
        let text = HostAccessText.print(table)
        #expect(try HostAccessText.parse(text, defaults: defaults) == table)
        #expect(
            text.contains(
                """
                $PARTNER_TLS
                    ACCEPT {
                        max_rcpts_per_hour = -1
                        max_message_size = 52428800
                        tls = "require_verify"
                        smtp_auth = "required"
                        smtp_auth_require_tls = "on"
                    }
                """
            )
        )
        #expect(text.contains("PARTNERS:\n        $PARTNER_TLS (Partners (require TLS))\n        10.1.1.0/24\n"))
        #expect(text.contains("192.0.2.7\n    $RELAYED (the relay)\n"))
    }

    @Test func policyReferencesAreResolvedIgnoringCaseAndBlankLinesAndCRAreIgnored() throws {
        let table = try HostAccessText.parse(
            "$Open\r\n    accept\r\n\r\nGROUP:\r\n        $OPEN\r\nALL\r\n    $open\r\n"
        )
        #expect(table.policies == [MailFlowPolicy(name: "Open", action: .accept)])
        #expect(table.entries[0].behavior == .policy("Open"))
        #expect(table.all == .policy("Open"))
    }

    @Test(arguments: [
        ("$A\n    ACCEPT\nALL\n    $B\n", 4, "policy \"$B\" is not defined"),
        ("$A\n    ALLOW\nALL\n    $A\n", 2, "unknown action \"ALLOW\""),
        (
            "$A\n    ACCEPT {\n        tls = \"maybe\"\n    }\nALL\n    $A\n", 3,
            "the value of \"tls\" must be one of \"off\", \"on\", \"required\", \"on_verify\", \"require_verify\""
        ),
        (
            "$A\n    ACCEPT {\n        max_concurrency = 5000\n    }\nALL\n    $A\n", 3,
            "the value of \"max_concurrency\" must be a number from 1 to 1000"
        ),
        ("$A\n    ACCEPT {\n        colour = \"red\"\n    }\nALL\n    $A\n", 3, "unknown parameter \"colour\""),
        (
            "$A\n    ACCEPT {\n        tls = \"on\"\nALL\n    $A\n", 4,
            "the parameters of policy \"$A\" are not closed with \"}\""
        ),
        ("$A\n    ACCEPT\nG:\n        $A\n        10.1.1.300\nALL\n    $A\n", 5, "invalid host \"10.1.1.300\""),
        ("$A\n    ACCEPT\nALL\n    $A\nX:\n        $A\n", 5, "nothing may follow the ALL entry"),
        ("$A\n    ACCEPT\nG:\n        $A\n", 4, "the table does not end with an ALL entry"),
        ("$A\n    ACCEPT\n$a\n    REJECT\nALL\n    $A\n", 3, "duplicate policy \"$a\""),
        ("    ACCEPT\nALL\n    ACCEPT\n", 1, "indented line outside a policy or sender group"),
        (
            "G:\n        ACCEPT\n$A\n    ACCEPT\nALL\n    $A\n", 3,
            "policy \"$A\" must come before the sender groups and entries"
        ),
        ("$A\nALL\n    $A\n", 1, "policy \"$A\" has no action"),
        (
            "10.1.1.1\n    REJECT oops\nALL\n    REJECT\n", 2,
            "expected a comment in parentheses after \"REJECT\", found \"oops\""
        ),
        ("", 1, "the table does not end with an ALL entry"),
    ])
    func malformedTextIsRefusedWithItsLineAndProblem(text: String, line: Int, problem: String) {
        let error = #expect(throws: HostAccessTextError.self) { try HostAccessText.parse(text) }
        #expect(error?.line == line)
        #expect(error?.problem == problem)
    }

    @Test func membersOfEveryDocumentedKindAreAcceptedAndOthersAreNot() {
        for member in [
            "10.1.1.1", "10.1.1.0/24", "10.1.1.10-20", "10.2.3.", "10.", "2001:db8::1", "::1", "2001:db8::/32",
            "mail.example.com", ".example.com", "sbrs[-10:-3.5]", "sbrs[none]", "dnslist[bl.example.org]", "ALL",
        ] {
            #expect(HostAccessMember.isValid(member), "\(member)")
        }
        for member in ["10.1.1.256", "10.1.1.0/33", "10.1.1.20-10", "example", "2001:db8:::1", "sbrs[5:1]", "a b"] {
            #expect(!HostAccessMember.isValid(member), "\(member)")
        }
    }
}
