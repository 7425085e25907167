import ApplianceConfig
import Foundation
import Gateway
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 11: the gateway commands in a shell that is not root. The data directory belongs to
/// `nobody`; `esa serve` runs as root on it, and `nobody`'s shell reaches Postfix's root-only tools
/// through serve's control socket (`gateway/control.sock`, owned by `nobody`, mode 0600).
@Suite(.serialized) struct LiveControlChannelTests {
    /// The user the shell runs as (`nobody`/`nogroup` on Debian).
    static let user: UInt32 = 65534

    /// `esa --data-dir {data} -c {commands}` as `nobody`, inside the namespace (its resolver).
    /// The build folder may be out of nobody's reach (a clone in a 0700 folder): `esa` runs from a
    /// link in a folder anyone may enter.
    static func esaAsNobody(_ run: LiveGatewayRun, _ commands: String) throws -> ChildProcess.Outcome {
        let binaries = try BinariesForOtherUsers()
        return try run.namespace.run(
            [
                "/usr/bin/setpriv", "--reuid=\(user)", "--regid=\(user)", "--clear-groups", "--",
                binaries.esa.path, "--data-dir", run.directory.url.path, "-c", commands,
            ],
            timeout: .seconds(60)
        )
    }

    @Test func aShellThatIsNotRootGetsStatusDelivernowMailconfigAndHoststatusFromEsaServe() throws {
        guard try LiveGateway.available() else { return }
        let namespace = try LiveNamespace(prefix: "gw-c")
        defer { namespace.tearDown() }
        let folder = try TemporaryDirectory()
        try namespace.startDNS(
            mx: [("late.test", "mx.late.test")],
            hosts: [("mx.late.test", "127.0.0.3")],
            folder: folder.url.path
        )
        let run = try LiveGatewayRun(namespace: namespace)
        defer { run.stop() }
        let revision = try run.commit("late.test in clear if it must") { configuration in
            configuration.destinations.append(DestinationEntry(domain: "late.test", tls: .preferred))
        }
        // The data directory is nobody's; /tmp lets everyone pass.
        let handed = try ChildProcess.run(["/bin/chown", "-R", "\(Self.user):\(Self.user)", run.directory.url.path])
        #expect(handed.succeeded, "\(handed.output)")

        // Without esa serve: the same one line, status 3.
        let before = try Self.esaAsNobody(run, "status")
        #expect(before.status == 3, "\(before.output)")
        #expect(before.output.contains("line 1: The mail gateway is not running (start it with \"esa serve\")."))

        try run.start(minimalBackoff: 300, maximalBackoff: 4000, queueRunDelay: 300)
        _ = try run.waitForApply(revision)

        // The socket belongs to the data directory's owner, owner-only.
        var info = stat()
        #expect(stat(run.paths.root + "/control.sock", &info) == 0)
        #expect(info.st_uid == Self.user && info.st_mode & 0o777 == 0o600, "mode \(String(info.st_mode, radix: 8))")

        // mailconfig through the gateway; nothing listens on the MX yet, so the message is deferred.
        let mailed = try Self.esaAsNobody(run, "mailconfig admin@late.test")
        #expect(mailed.status == 0, "\(mailed.output)")
        #expect(mailed.output.hasSuffix("\nThe configuration file has been sent to admin@late.test.\n"))
        try waitUntil("the message is deferred", timeout: .seconds(60)) {
            try ChildProcess.run(["/usr/sbin/postqueue", "-c", run.paths.configuration, "-j"]).output
                .contains("\"queue_name\": \"deferred\"")
        }

        // status: the queue as esa serve's postqueue sees it, the counters of the mail log (nobody's files).
        var status: ChildProcess.Outcome?
        try waitUntil("status counts the attempted recipient", timeout: .seconds(30)) {
            let outcome = try Self.esaAsNobody(run, "status detail")
            status = outcome
            return outcome.output.split(separator: "\n").contains {
                $0.hasPrefix("    Attempted Recipients ") && $0.hasSuffix(" 1")
            }
        }
        let shown = try #require(status)
        #expect(shown.status == 0, "\(shown.output)")
        #expect(shown.output.contains("\nSystem status:                 Online\n"), "\(shown.output)")
        #expect(!shown.output.contains("Unable to"), "\(shown.output)")

        // The MX comes up; delivernow (postqueue -i through esa serve) sends the message at once.
        let mxLog = try LiveOutboundTests.startScriptedMX("refuse", address: "127.0.0.3", in: namespace, folder: folder)
        let flushed = try Self.esaAsNobody(run, "delivernow late.test")
        #expect(flushed.status == 0, "\(flushed.output)")
        #expect(flushed.output.hasSuffix("\nRescheduling all messages to late.test for immediate delivery.\n"))
        try waitUntil("delivernow delivers the deferred message", timeout: .seconds(60)) {
            contents(mxLog).contains("< RCPT TO:<admin@late.test>")
        }

        // hoststatus: what the mail log counted, read by nobody.
        var hostStatus = ""
        try waitUntil("the mail log counts the delivery", timeout: .seconds(30)) {
            hostStatus = try Self.esaAsNobody(run, "hoststatus late.test").output
            return hostStatus.contains("\n  Delivered Recipients                1\n")
        }
        #expect(hostStatus.contains("\nHost up/down:         up\n"), "\(hostStatus)")
        #expect(!hostStatus.contains("Unable to"), "\(hostStatus)")

        // Once esa serve stopped: the one line again, and the socket is gone.
        run.stop()
        let after = try Self.esaAsNobody(run, "delivernow all")
        #expect(after.status == 3, "\(after.output)")
        #expect(after.output.contains("line 1: The mail gateway is not running (start it with \"esa serve\")."))
        #expect(!FileManager.default.fileExists(atPath: run.paths.root + "/control.sock"))
    }
}
