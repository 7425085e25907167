import ApplianceConfig
import DomainNames
import Testing

@Suite struct DestinationINITests {
    private let factoryText = """
        [DEFAULT]
        ip_sort_pref = PREFER_V4
        max_host_concurrency = 500
        max_messages_per_connection = 50
        recipient_minutes = 60
        recipient_limit = 0
        limit_type = host
        limit_apply = system
        use_tls = 0
        bounce_validation = 0

        """

    @Test func factoryDefaultsExportAsTheSpecShows() {
        let text = DestinationINI.encode(defaults: DestinationDefaults(), entries: [])
        #expect(text == factoryText)
    }

    @Test func domainsAreWrittenAlphabeticallyWithTheirOwnSettingsOnly() {
        var example = DestinationEntry(domain: "example.com", tls: .required)
        example.maxConcurrency = 100
        example.recipientLimit = 1000
        var partner = DestinationEntry(domain: "a.partner.example")
        partner.ipPreference = .ipv6Required
        partner.limitType = .mxIP
        partner.limitApplies = .virtualGateway
        partner.bounceVerification = true
        partner.bounceProfile = "Default"
        let text = DestinationINI.encode(defaults: DestinationDefaults(), entries: [example, partner])
        #expect(
            text == factoryText + """

                [a.partner.example]
                ip_sort_pref = REQUIRE_v6
                limit_type = MXIP
                limit_apply = VG
                bounce_validation = 1
                bounce_profile = Default

                [example.com]
                max_host_concurrency = 100
                recipient_limit = 1000
                use_tls = 2

                """
        )
    }

    @Test func everyIPPreferenceIsWrittenInTheAppliancesMixedCase() {
        #expect(IPPreference.allCases.map(\.iniName) == ["PREFER_V6", "REQUIRE_v6", "PREFER_V4", "REQUIRE_v4"])
    }

    @Test func exportThenImportGivesTheSameTables() throws {
        var defaults = DestinationDefaults(outboundCertificate: "mail_example")
        defaults.requiredTLSAlert = true
        defaults.maxConcurrency = 42
        defaults.tls = .preferredVerify
        defaults.ipPreference = .ipv4Required
        defaults.limitApplies = .virtualGateway
        defaults.recipientLimit = 900
        defaults.recipientLimitPeriod = 15
        defaults.bounceVerification = true
        var entries: [DestinationEntry] = []
        for (index, level) in OutboundTLS.allCases.enumerated() {
            var entry = DestinationEntry(domain: HostName(".d\(5 - index).example"), tls: level)
            entry.maxMessagesPerConnection = index + 1
            entry.recipientLimitPeriod = index + 10
            entries.append(entry)
        }
        entries.append(DestinationEntry(domain: "bare.example"))
        let text = DestinationINI.encode(defaults: defaults, entries: entries)
        let tables = try DestinationINI.decode(text, globals: defaults)
        #expect(tables.defaults == defaults)
        #expect(DestinationINI.ordered(tables.entries, like: KeyedList(entries)).elements == entries)
    }

    @Test func readingIgnoresCommentsBlankLinesAndCase() throws {
        let text = """
            # exported tables
            ; another comment

            [default]
            IP_SORT_PREF = require_V6
            max_host_concurrency=20
            max_messages_per_connection = 30
            recipient_minutes = 10
            recipient_limit = 100
            limit_type = 1
            limit_apply = 0
            use_tls = 4
            bounce_validation = 1

            [Example.COM]
            limit_type = mxip
            limit_apply = Vg
            bounce_profile = default
            """
        let tables = try DestinationINI.decode(text, globals: DestinationDefaults(outboundCertificate: "Demo"))
        var defaults = DestinationDefaults(outboundCertificate: "Demo")
        defaults.ipPreference = .ipv6Required
        defaults.maxConcurrency = 20
        defaults.maxMessagesPerConnection = 30
        defaults.recipientLimitPeriod = 10
        defaults.recipientLimit = 100
        defaults.limitType = .mxIP
        defaults.tls = .requiredVerify
        defaults.bounceVerification = true
        #expect(tables.defaults == defaults)
        var entry = DestinationEntry(domain: "example.com")
        entry.limitType = .mxIP
        entry.limitApplies = .virtualGateway
        entry.bounceProfile = "Default"
        #expect(tables.entries == [entry])
    }

    private func problem(_ text: String) -> DestinationINIError? {
        do {
            _ = try DestinationINI.decode(text, globals: DestinationDefaults())
            return nil
        } catch {
            return error
        }
    }

    @Test func malformedFilesAreRefusedNamingTheLine() {
        #expect(
            problem(factoryText + "[example.com]\nuse_tls = 7\n")?.description
                == "Error: line 12: use_tls must be a number from 0 to 4, not \"7\""
        )
        #expect(
            problem(factoryText.replacingOccurrences(of: "= 500", with: "= 1001"))?.description
                == "Error: line 3: max_host_concurrency must be a number from 1 to 1000, not \"1001\""
        )
        #expect(
            problem(factoryText + "[example.com]\ncolour = blue\n")?.description
                == "Error: line 12: unknown key \"colour\""
        )
        #expect(
            problem("use_tls = 1\n" + factoryText)?.description
                == "Error: line 1: the key \"use_tls\" is outside any section"
        )
        #expect(
            problem(factoryText + "[bad domain!]\n")?.description
                == "Error: line 11: invalid domain name \"bad domain!\""
        )
        #expect(
            problem(factoryText + "[a.example]\n[A.example]\n")?.description
                == "Error: line 12: the section [a.example] appears twice"
        )
        #expect(
            problem(factoryText + "[a.example]\nuse_tls = 1\nuse_tls = 2\n")?.description
                == "Error: line 13: the key \"use_tls\" appears twice in [a.example]"
        )
        #expect(
            problem(factoryText + "just words\n")?.description
                == "Error: line 11: expected \"[section]\" or \"key = value\", not \"just words\""
        )
        #expect(
            problem("[example.com]\nuse_tls = 1\n")?.description
                == "Error: line 2: the [DEFAULT] section is missing"
        )
        #expect(
            problem(factoryText.replacingOccurrences(of: "use_tls = 0\n", with: ""))?.description
                == "Error: line 1: the [DEFAULT] section lacks the key \"use_tls\""
        )
        #expect(
            problem(factoryText.replacingOccurrences(of: "PREFER_V4", with: "FASTEST"))?.description
                == "Error: line 2: ip_sort_pref must be PREFER_V6, REQUIRE_v6, PREFER_V4, REQUIRE_v4, not \"FASTEST\""
        )
        #expect(
            problem(factoryText + "[a.example]\nbounce_profile = strict\n")?.description
                == "Error: line 12: bounce profile \"strict\" does not exist"
        )
        #expect(
            problem(factoryText + "[a.example\n")?.description
                == "Error: line 11: a section header must end with \"]\""
        )
    }

    @Test func domainNamesFollowTheSpec() {
        #expect(DestinationLimits.normalizedDomain("Example.COM") == "example.com")
        #expect(DestinationLimits.normalizedDomain(".example.com") == ".example.com")
        #expect(DestinationLimits.normalizedDomain("localhost") == "localhost")
        #expect(DestinationLimits.normalizedDomain("a..b") == nil)
        #expect(DestinationLimits.normalizedDomain("a_b.example") == nil)
        #expect(DestinationLimits.normalizedDomain("example.com.") == nil)
        #expect(DestinationLimits.normalizedDomain(".") == nil)
        #expect(DestinationLimits.normalizedDomain(String(repeating: "a", count: 254)) == nil)
    }
}
