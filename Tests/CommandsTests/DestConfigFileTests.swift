import ApplianceConfig
import Commands
import ConfigStore
import Foundation
import Shell
import TestSupport
import Testing

private func configurationFile(_ shell: TestShell, _ name: String) -> URL {
    shell.directory.url.appendingPathComponent("configuration").appendingPathComponent(name)
}

private func write(_ text: String, _ shell: TestShell, _ name: String) throws {
    let url = configurationFile(shell, name)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: url, atomically: true, encoding: .utf8)
}

@Suite struct DestConfigFileTests {
    @Test func exportWritesTheINIFileAndSaysWhere() throws {
        let shell = try TestShell()
        let result = try shell.run(
            """
            destconfig new example.com --max_host_concurrency=100 --recipient_limit=1000 --tls=require
            destconfig
            export
            tables.ini


            """
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> destconfig new example.com --max_host_concurrency=100 --recipient_limit=1000 --tls=require
            ironport.example.com> destconfig

            There is currently 1 entry configured.

            \(destMenu)export

            Enter the name of the file to export:
            []> tables.ini

            File written on machine "ironport.example.com" to the location "/configuration/tables.ini".

            There is currently 1 entry configured

            \(destMenu)
            ironport.example.com> 
            """
        )
        let text = try String(contentsOf: configurationFile(shell, "tables.ini"), encoding: .utf8)
        #expect(
            text == """
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

                [example.com]
                max_host_concurrency = 100
                recipient_limit = 1000
                use_tls = 2

                """
        )
    }

    @Test func exportThenImportChangesNothing() throws {
        let shell = try TestShell()
        let setup = try shell.run(
            """
            destconfig new zeta.example --tls=on --ip_sort_pref=require_v4
            destconfig new alpha.example --max_host_concurrency=9 --limit_type=MXIP
            destconfig new .mid.example --bounce_validation=off --recipient_limit=0
            destconfig edit default --recipient_limit=10 --recipient_minutes=5 --tls=on_verify
            destconfig setup --send_tls_req_alert=yes
            commit tables

            """
        )
        #expect(setup.status == .success)
        let result = try shell.run("destconfig export t.ini\ndestconfig import t.ini\nshowchanges\n")
        #expect(result.status == .success)
        #expect(result.output.hasSuffix("There is no data to commit.\nironport.example.com> "))
    }

    @Test func importReplacesTheDefaultAndAllEntriesButKeepsTheGlobalSettings() throws {
        let shell = try TestShell()
        try write(
            """
            [DEFAULT]
            ip_sort_pref = prefer_v6
            max_host_concurrency = 300
            max_messages_per_connection = 20
            recipient_minutes = 60
            recipient_limit = 0
            limit_type = 0
            limit_apply = 1
            use_tls = 1
            bounce_validation = 0

            [new.example]
            use_tls = 4
            """,
            shell,
            "in.ini"
        )
        let result = try shell.run(
            """
            destconfig new old.example --tls=on
            destconfig setup --send_tls_req_alert=yes
            destconfig
            import
            in.ini

            commit imported

            """
        )
        #expect(result.status == .success)
        #expect(result.output.contains("[]> in.ini\n\nThere is currently 1 entry configured\n"))
        let configuration = try shell.store.head().configuration
        #expect(configuration.destinations == [DestinationEntry(domain: "new.example", tls: .requiredVerify)])
        var defaults = DestinationDefaults(outboundCertificate: "Demo")
        defaults.ipPreference = .ipv6Preferred
        defaults.maxConcurrency = 300
        defaults.maxMessagesPerConnection = 20
        defaults.limitApplies = .virtualGateway
        defaults.tls = .preferred
        defaults.requiredTLSAlert = true
        #expect(configuration.destinationDefaults == defaults)
    }

    @Test func aMalformedFileIsRefusedWithItsLineAndStagesNothing() throws {
        let shell = try TestShell()
        try write(
            """
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

            [good.example]
            use_tls = 2

            [bad.example]
            recipient_minutes = 61
            """,
            shell,
            "bad.ini"
        )
        let result = try shell.run("destconfig import bad.ini\nshowchanges\n", continueOnError: true)
        #expect(result.status == .actionFailed)
        #expect(
            result.errorOutput
                == "line 1: Error: line 16: recipient_minutes must be a number from 1 to 60, not \"61\"\n"
        )
        #expect(result.output.hasSuffix("There is no data to commit.\nironport.example.com> "))

        let interactive = try shell.run("destconfig\nimport\nbad.ini\n")
        #expect(interactive.status == .actionFailed)
        #expect(
            interactive.errorOutput
                == "line 3: Error: line 16: recipient_minutes must be a number from 1 to 60, not \"61\"\n"
        )
    }

    @Test func fileNamesMustBeBasenamesAndImportedFilesMustExist() throws {
        let shell = try TestShell()
        let outside = try shell.run("destconfig export ../escape.ini\n")
        #expect(outside.status == .invalidInput)
        #expect(
            outside.errorOutput
                == """
                line 1: Usage: destconfig export {file}
                Invalid file name: "../escape.ini". Only a file name in /configuration is allowed.

                """
        )
        let missing = try shell.run("destconfig import missing.ini\n")
        #expect(missing.status == .actionFailed)
        #expect(missing.errorOutput == "line 1: Error: file 'missing.ini' does not exist.\n")
    }
}
