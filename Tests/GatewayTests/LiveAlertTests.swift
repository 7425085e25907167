import ApplianceConfig
import Foundation
import Gateway
import TestSupport
import Testing

/// Alerts delivered for real (root + Postfix, in a network namespace of its own): alertconfig's
/// recipient gets, through the gateway, the required-TLS alert of a delivery to a STARTTLS-stripping
/// MX and the expiry alert of a listener certificate, checked when `esa serve` starts.
@Suite(.serialized) struct LiveAlertTests {
    @Test func requiredTLSAndCertificateExpiryAlertsArriveAtTheRecipientsMX() throws {
        guard try LiveGateway.available() else { return }
        let namespace = try LiveNamespace()
        defer { namespace.tearDown() }
        let folder = try TemporaryDirectory()
        let now = Date()
        let root = try TestCA.makeRoot(commonName: "esa live alert root", validFrom: now.addingTimeInterval(-86_400))
        try namespace.startDNS(
            mx: [("alerts.test", "mx.good.test"), ("required.strip.test", "mx.strip.test")],
            hosts: [("mx.good.test", "127.0.0.2"), ("mx.strip.test", "127.0.0.5")],
            folder: folder.url.path
        )
        let sink = try LiveOutboundTests.startSinks(in: namespace, folder: folder, root: root)
        defer { _ = try? ChildProcess.run([PostfixInstance.postfixProgram, "-c", sink + "/etc", "abort"]) }

        let run = try LiveGatewayRun(namespace: namespace)
        defer { run.stop() }
        // A listener certificate that expires in 10 days, an alert recipient, a Required destination.
        let leaf = try root.makeLeaf(
            commonName: "mail.example.test",
            dnsNames: ["mail.example.test"],
            days: 11,
            validFrom: now.addingTimeInterval(-86_400)
        )
        let revision = try run.commit("Alerts") { configuration in
            configuration.certificates.append(
                CertificateProfileRecord(
                    name: "expiring",
                    certificatePEM: leaf.certificatePEM,
                    privateKeyPEM: leaf.keyPEM,
                    intermediatesPEM: []
                )
            )
            configuration.listeners[0].certificate = "expiring"
            configuration.alerts = AlertSettings(
                recipients: [AlertRecipient(address: "admin@alerts.test", alertClass: .all, severity: .all)]
            )
            configuration.destinationDefaults.requiredTLSAlert = true
            configuration.destinations.append(DestinationEntry(domain: "required.strip.test", tls: .required))
        }
        try run.start()
        _ = try run.waitForApply(revision)
        try waitUntil("the sink MXes listen", timeout: .seconds(60)) {
            contents(sink + "/log/maillog").contains("daemon started")
        }
        let submitted = try namespace.run(
            [
                "/bin/bash", "-c",
                "printf 'Subject: needs TLS\\n\\nbody\\n' | /usr/sbin/sendmail -C \(run.paths.configuration) "
                    + "-f sender@gw.test user@required.strip.test",
            ]
        )
        #expect(submitted.succeeded, "\(submitted.output)")

        let tlsSubject =
            "Warning <System> ironport.example.com: TLS required for delivery to required.strip.test failed"
        let expirySubject = "Warning <System> ironport.example.com: The certificate \"expiring\" expires in 9 days"
        try waitUntil("both alerts reached the recipient's MX", timeout: .seconds(60), every: .milliseconds(250)) {
            let received = contents(sink + "/log/maillog")
            return received.contains("sink/good/smtpd") && received.contains("header Subject: \(tlsSubject) from")
                && received.contains("header Subject: \(expirySubject) from")
        }
        // Each sent alert is in the system log (mail-logs.md §5, exact).
        let systemLog = contents(run.systemLog)
        for subject in [tlsSubject, expirySubject] {
            #expect(
                systemLog.contains(
                    "Info: A System/Warning alert was sent to admin@alerts.test with subject \"\(subject)\"\n"
                ),
                "\(systemLog)"
            )
        }
        // The failed delivery stays queued; the stripping MX got nothing.
        let stripped = contents(sink + "/log/maillog").split(separator: "\n").filter {
            $0.contains("sink/strip/smtpd") && $0.contains("client=")
        }
        #expect(stripped.isEmpty, "\(stripped)")
    }
}
