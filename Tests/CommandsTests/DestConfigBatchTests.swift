import ApplianceConfig
import Commands
import ConfigStore
import Foundation
import Shell
import TestSupport
import Testing

@Suite struct DestConfigBatchTests {
    @Test func batchNewAndEditPrintNothingAndAcceptAnyCase() throws {
        let shell = try TestShell()
        let result = try shell.run(
            """
            destconfig new Example.COM --TLS=Require --Max_Host_Concurrency=100 --limit_type=mxip --limit_apply=vg
            destconfig NEW other.example --tls on_verify --bounce_validation=ON --bounce_profile=DEFAULT
            destconfig edit example.com --tls=default --recipient_limit=0 --recipient_minutes=5
            destconfig edit DEFAULT --tls=require_verify --ip_sort_pref=PREFER_V6 --max_messages_per_connection=7
            destconfig setup --send_tls_req_alert=YES --certificate=demo
            commit batch

            """
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> destconfig new Example.COM --TLS=Require --Max_Host_Concurrency=100 --limit_type=mxip --limit_apply=vg
            ironport.example.com> destconfig NEW other.example --tls on_verify --bounce_validation=ON --bounce_profile=DEFAULT
            ironport.example.com> destconfig edit example.com --tls=default --recipient_limit=0 --recipient_minutes=5
            ironport.example.com> destconfig edit DEFAULT --tls=require_verify --ip_sort_pref=PREFER_V6 --max_messages_per_connection=7
            ironport.example.com> destconfig setup --send_tls_req_alert=YES --certificate=demo
            ironport.example.com> commit batch

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            ironport.example.com> 
            """
        )
        #expect(result.status == .success)
        let configuration = try shell.store.head().configuration
        var first = DestinationEntry(domain: "example.com")
        first.maxConcurrency = 100
        first.limitType = .mxIP
        first.limitApplies = .virtualGateway
        first.recipientLimit = 0
        first.recipientLimitPeriod = 5
        var second = DestinationEntry(domain: "other.example", tls: .preferredVerify)
        second.bounceVerification = true
        #expect(configuration.destinations == [first, second])
        var defaults = DestinationDefaults(outboundCertificate: "Demo")
        defaults.tls = .requiredVerify
        defaults.ipPreference = .ipv6Preferred
        defaults.maxMessagesPerConnection = 7
        defaults.requiredTLSAlert = true
        #expect(configuration.destinationDefaults == defaults)
    }

    @Test func deleteAndClearInBatch() throws {
        let shell = try TestShell()
        let result = try shell.run(
            """
            destconfig new a.example
            destconfig new b.example
            destconfig new c.example
            destconfig delete B.EXAMPLE
            destconfig list
            destconfig clear
            destconfig print
            """
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> destconfig new a.example
            ironport.example.com> destconfig new b.example
            ironport.example.com> destconfig new c.example
            ironport.example.com> destconfig delete B.EXAMPLE
            ironport.example.com> destconfig list

                                  Rate        TLS            Bounce         Bounce
            Domain                Limiting    Setting        Verification   Profile
            ====================  ==========  =============  =============  ==========
            a.example             Default     Default        Default        Default
            c.example             Default     Default        Default        Default
            (Default)             On          Off            Off            (Default)
            ironport.example.com> destconfig clear
            ironport.example.com> destconfig print

                                  Rate        TLS            Bounce         Bounce
            Domain                Limiting    Setting        Verification   Profile
            ====================  ==========  =============  =============  ==========
            (Default)             On          Off            Off            (Default)
            ironport.example.com> 
            """
        )
    }

    @Test func anEntryStoredInAnotherCaseIsFoundInAnyCaseAndKeepsItsName() throws {
        let shell = try TestShell()
        try shell.commit { $0.destinations.append(DestinationEntry(domain: "Partner.Example", tls: .required)) }
        let result = try shell.run(
            """
            destconfig edit PARTNER.example --tls=on
            destconfig detail partner.EXAMPLE
            showchanges
            destconfig
            delete
            PARTNER.Example

            showchanges
            """
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> destconfig edit PARTNER.example --tls=on
            ironport.example.com> destconfig detail partner.EXAMPLE

            Partner.Example
            ===============
            IP Address Preference: Default
            Maximum Concurrency: Default
            Maximum Messages Per Connection: Default
            Recipient Limit: Default
            TLS: Preferred
            Bounce Verification Tagging: Default
            Bounce Profile: Default
            ironport.example.com> showchanges

            destconfig: Partner.Example tls: required -> preferred
            ironport.example.com> destconfig

            There is currently 1 entry configured.

            \(destMenu)delete

            Enter the domain you wish to delete.
            []> PARTNER.Example

            Entry for "partner.example" deleted.

            There are currently 0 entries configured

            \(destMenu)
            ironport.example.com> showchanges

            - destconfig: Partner.Example
            ironport.example.com> 
            """
        )
        // NEW refuses the domain in any case.
        let again = try TestShell()
        try again.commit { $0.destinations.append(DestinationEntry(domain: "Partner.Example")) }
        let failed = try again.run("destconfig new PARTNER.EXAMPLE\n")
        #expect(failed.errorOutput == "line 1: An entry for \"partner.example\" already exists.\n")
    }

    /// Runs one batch line after `setup` lines and returns its stderr; the whole script stages nothing.
    private func failure(
        _ line: String,
        after setup: [String] = [],
        status: Shell.ExitStatus = .invalidInput
    ) throws -> String {
        let shell = try TestShell()
        let script = (setup + [line]).joined(separator: "\n") + "\n"
        let result = try shell.run(script)
        #expect(result.status == status, "\(line)")
        let after = try shell.run("showchanges\n")
        #expect(after.output.contains("There is no data to commit."))
        return result.errorOutput
    }

    @Test func badArgumentsGiveTheUsageAndNameTheArgument() throws {
        let line = setupLines.count + 1
        #expect(
            try failure("destconfig new example.com --tls=maybe")
                == """
                line 1: Usage: destconfig new {domain} [options]
                --tls must be one of {off|on|require|on_verify|require_verify}, not "maybe".

                """
        )
        #expect(
            try failure("destconfig new example.com --max_host_concurrency=1001")
                == """
                line 1: Usage: destconfig new {domain} [options]
                --max_host_concurrency must be a number from 1 to 1000, not "1001".

                """
        )
        #expect(
            try failure("destconfig new example.com --recipient_minutes=0")
                == """
                line 1: Usage: destconfig new {domain} [options]
                --recipient_minutes must be a number from 1 to 60, not "0".

                """
        )
        #expect(
            try failure("destconfig new example.com --colour=blue")
                == """
                line 1: Usage: destconfig new {domain} [options]
                Unknown option "--colour".

                """
        )
        #expect(
            try failure("destconfig new bad/domain")
                == """
                line 1: Usage: destconfig new {domain} [options]
                Invalid domain name: "bad/domain".

                """
        )
        #expect(
            try failure("destconfig new")
                == """
                line 1: Usage: destconfig new {domain} [options]
                Missing the domain.

                """
        )
        #expect(
            try failure("destconfig delete a.example b.example")
                == """
                line 1: Usage: destconfig delete {domain}
                Unexpected argument "b.example".

                """
        )
        #expect(
            try failure("destconfig frobnicate")
                == """
                line 1: Usage: destconfig {setup|new|edit|delete|list|print|detail|clear|import|export} …
                Unknown subcommand "frobnicate".

                """
        )
        #expect(
            try failure("destconfig edit default --tls=default")
                == """
                line 1: Usage: destconfig edit {domain|default} [options]
                --tls=default is only for a domain entry.

                """
        )
        #expect(
            try failure("destconfig setup --send_tls_req_alert=sometimes")
                == """
                line 1: Usage: destconfig setup [--certificate={profile}] [--send_tls_req_alert={yes|no}]
                --send_tls_req_alert must be yes or no, not "sometimes".

                """
        )
        #expect(
            try failure("destconfig new example.com", after: setupLines, status: .actionFailed)
                == "line \(line): An entry for \"example.com\" already exists.\n"
        )
        #expect(
            try failure("destconfig edit nowhere.example --tls=on", after: setupLines, status: .actionFailed)
                == "line \(line): No entry found for \"nowhere.example\".\n"
        )
        #expect(
            try failure("destconfig delete nowhere.example", after: setupLines, status: .actionFailed)
                == "line \(line): No entry found for \"nowhere.example\".\n"
        )
        #expect(
            try failure("destconfig detail nowhere.example", status: .actionFailed)
                == "line 1: No entry found for \"nowhere.example\".\n"
        )
        #expect(
            try failure("destconfig setup --certificate=missing", status: .actionFailed)
                == "line 1: Certificate profile \"missing\" does not exist.\n"
        )
    }

    private var setupLines: [String] { ["destconfig new example.com --tls=on"] }

    @Test func helpShowsTheBatchSyntax() throws {
        let shell = try TestShell()
        let result = try shell.run("help destconfig\n")
        #expect(result.output.contains("destconfig - Configure destination controls, including outgoing TLS."))
        #expect(result.output.contains("Batch Command: This command supports a batch format."))
        #expect(result.output.contains("destconfig new {domain} [options]"))
        #expect(result.output.contains("--ip_sort_pref={prefer_v6|require_v6|prefer_v4|require_v4}"))
    }

    @Test func theDuplicateCheckOfNewFollowsEveryOtherChangeToTheTable() throws {
        let shell = try TestShell()
        let folder = shell.directory.url.appendingPathComponent("configuration")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = DestinationINI.encode(
            defaults: DestinationDefaults(),
            entries: [DestinationEntry(domain: "imported.example")]
        )
        try file.write(to: folder.appendingPathComponent("t.ini"), atomically: true, encoding: .utf8)
        let result = try shell.run(
            """
            destconfig new a.example
            destconfig
            delete
            a.example

            destconfig new a.example
            destconfig import t.ini
            destconfig new a.example
            destconfig new imported.example
            destconfig new b.example
            clearchanges
            y
            destconfig new b.example
            destconfig new B.example
            """,
            continueOnError: true
        )
        #expect(
            result.errorOutput
                == """
                line 9: An entry for "imported.example" already exists.
                line 14: An entry for "b.example" already exists.
                Warning: the session ended with uncommitted changes; they have been discarded.

                """
        )
    }

    @Test func twoThousandBatchLinesStageAndCommitTogether() throws {
        let shell = try TestShell()
        var script = ""
        for index in 0..<2_000 {
            script += "destconfig new d\(index).example.com --tls=require --max_host_concurrency=100\n"
        }
        script += "commit many\n\n"
        let result = try shell.run(script)
        #expect(result.status == .success)
        let destinations = try committedDestinations(shell)
        #expect(destinations.count == 2_000)
        #expect(destinations.allSatisfy { $0.tls == .required && $0.maxConcurrency == 100 })
    }
}
