import ApplianceConfig
import Foundation
import Gateway
import TestSupport
import Testing

/// The shell's gateway commands against a real `esa serve` and Postfix (root; a namespace of its own,
/// `gc-…`): `status` and `status detail` show a deferred message, `delivernow` releases it at once
/// (the retry timers are long), `mailconfig` mails through the gateway (and from the outbox once it runs), `hoststatus` shows what the
/// mail log counted and the MX records, `tlsverify` finds the MX
/// through the system resolver (dnsmasq in the namespace).
@Suite(.serialized) struct LiveGatewayCommandsTests {
    /// `esa --data-dir {data} -c {commands}`, inside the namespace (its resolver) when asked.
    static func esa(_ run: LiveGatewayRun, _ commands: String, inNamespace: Bool = false) throws -> ChildProcess.Outcome
    {
        guard let binary = EsaBinary.url else { throw EsaProcess.NotBuilt() }
        let arguments = [binary.path, "--data-dir", run.directory.url.path, "-c", commands]
        return inNamespace ? try run.namespace.run(arguments) : try ChildProcess.run(arguments)
    }

    /// The messages in the gateway's queue (`postqueue -j`), as JSON lines.
    static func queue(_ run: LiveGatewayRun) throws -> String {
        try ChildProcess.run(["/usr/sbin/postqueue", "-c", run.paths.configuration, "-j"]).output
    }

    @Test func statusShowsTheDeferredMessageDelivernowReleasesItMailconfigAndTlsverifyUseTheGateway() throws {
        guard try LiveGateway.available() else { return }
        let namespace = try LiveNamespace(prefix: "gc-t")
        defer { namespace.tearDown() }
        let folder = try TemporaryDirectory()
        try namespace.startDNS(
            mx: [("late.test", "mx.late.test")],
            hosts: [("mx.late.test", "127.0.0.3")],
            folder: folder.url.path
        )
        let run = try LiveGatewayRun(namespace: namespace)
        defer { run.stop() }

        // Without esa serve: one line, status 3.
        let before = try Self.esa(run, "status")
        #expect(before.status == 3)
        #expect(before.output.contains("line 1: The mail gateway is not running (start it with \"esa serve\")."))

        // mailconfig without esa serve: the message waits in the outbox.
        let waiting = try Self.esa(run, "mailconfig early@late.test")
        #expect(waiting.status == 0, "\(waiting.output)")
        #expect(waiting.output.contains("The mail gateway is not running (start it with \"esa serve\")."))
        let outbox = run.directory.url.path + "/outbox"
        #expect((try? FileManager.default.contentsOfDirectory(atPath: outbox))?.count == 1)

        let revision = try run.commit("late.test in clear if it must") { configuration in
            configuration.destinations.append(DestinationEntry(domain: "late.test", tls: .preferred))
        }
        // Postfix would retry after 5 minutes at the earliest: only delivernow can deliver sooner.
        try run.start(minimalBackoff: 300, maximalBackoff: 4000, queueRunDelay: 300)
        _ = try run.waitForApply(revision)

        // Nothing listens on the MX yet: the message is deferred.
        let submitted = try namespace.run(
            [
                "/bin/bash", "-c",
                "printf 'Subject: waiting\\n\\nbody\\n' | /usr/sbin/sendmail -C \(run.paths.configuration) "
                    + "-f sender@gw.test user@late.test",
            ]
        )
        #expect(submitted.succeeded, "\(submitted.output)")
        // The outbox's message went to Postfix with the first apply; both are deferred.
        do {
            try waitUntil("both messages are deferred", timeout: .seconds(60)) {
                try Self.queue(run).components(separatedBy: "\"queue_name\": \"deferred\"").count == 3
            }
        } catch {
            Issue.record("\(error)\nqueue: \(try Self.queue(run))\nsystem log: \(contents(run.systemLog))")
            throw error
        }
        #expect((try? FileManager.default.contentsOfDirectory(atPath: outbox))?.isEmpty == true)
        #expect(contents(run.systemLog).contains("was handed to the gateway for early@late.test"))

        let status = try Self.esa(run, "status detail")
        #expect(status.status == 0, "\(status.output)")
        let lines = status.output.split(separator: "\n").map { String($0) }
        #expect(lines.contains("System status:                 Online"), "\(status.output)")
        #expect(!status.output.contains("Oldest Message:                No Messages"))
        #expect(lines.contains { $0.hasPrefix("    Attempted Recipients ") && $0.hasSuffix(" 2") }, "\(status.output)")
        #expect(lines.contains { $0.hasPrefix("    Active Recipients ") && $0.hasSuffix(" 2") })
        #expect(lines.contains { $0.hasPrefix("  Configuration revision \(revision) applied ") }, "\(status.output)")
        #expect(
            lines.contains(
                "  Listener IncomingMail on 192.168.42.42:25: could not bind: Cannot assign requested address"
            )
        )

        // The MX comes up (a scripted one refusing STARTTLS: Preferred delivers in clear).
        let mxLog = try LiveOutboundTests.startScriptedMX("refuse", address: "127.0.0.3", in: namespace, folder: folder)
        let flushed = try Self.esa(run, "delivernow late.test")
        #expect(flushed.status == 0, "\(flushed.output)")
        #expect(flushed.output.hasSuffix("\nRescheduling all messages to late.test for immediate delivery.\n"))
        try waitUntil("delivernow delivers the deferred messages", timeout: .seconds(60)) {
            contents(mxLog).contains("< Subject: waiting") && contents(mxLog).contains("< RCPT TO:<early@late.test>")
        }
        try waitUntil("the queue is empty", timeout: .seconds(30)) { try Self.queue(run).isEmpty }
        let empty = try Self.esa(run, "delivernow example.org")
        #expect(empty.output.hasSuffix("\nThere are no deferred messages to example.org.\n"))

        // mailconfig: through the gateway to the same MX.
        let mailed = try Self.esa(run, "mailconfig admin@late.test")
        #expect(mailed.status == 0, "\(mailed.output)")
        #expect(mailed.output.hasSuffix("\nThe configuration file has been sent to admin@late.test.\n"))
        try waitUntil("the configuration file arrives", timeout: .seconds(60)) {
            contents(mxLog).components(separatedBy: "< Subject: Configuration file esa-").count == 3
        }
        #expect(contents(mxLog).contains("< Content-Disposition: attachment; filename=\"esa-"))

        // hoststatus: both deliveries, the MX from dnsmasq, the destination's level.
        var hostStatus = ""
        try waitUntil("the mail log counts both deliveries to late.test", timeout: .seconds(30)) {
            hostStatus = try Self.esa(run, "hoststatus late.test", inNamespace: true).output
            return hostStatus.contains("\n  Delivered Recipients                3\n")
        }
        for line in [
            "Host mail status for: 'late.test'", "Host up/down:         up", "  10  mx.late.test", "      127.0.0.3",
            "  Destination TLS level:   Preferred", "  Last host connected:     mx.late.test (127.0.0.3)",
            "Oldest Message                 No Messages",
        ] {
            #expect(hostStatus.contains("\n\(line)\n"), "\(line)\n\(hostStatus)")
        }
        let noRecord = try Self.esa(run, "hoststatus example.org", inNamespace: true)
        #expect(noRecord.status == 3)
        #expect(noRecord.output.contains("line 1: No record of host: example.org"))

        // tlsverify late.test: the MX from dnsmasq, the MX's refusal of STARTTLS.
        let verified = try Self.esa(run, "tlsverify late.test", inNamespace: true)
        #expect(verified.status == 3)
        #expect(
            verified.output.contains(
                """
                Connecting to 127.0.0.3 on port 25.
                Connected to 127.0.0.3 from interface 127.0.0.1.
                Checking TLS connection.
                STARTTLS rejected: 454 4.7.0 TLS not available due to local problem.

                TLS verification completed.
                """
            ),
            "\(verified.output)"
        )
        let unknown = try Self.esa(run, "tlsverify nowhere.test", inNamespace: true)
        #expect(unknown.output.contains("Failed to resolve "), "\(unknown.output)")
    }
}
