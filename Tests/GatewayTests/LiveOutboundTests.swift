import ApplianceConfig
import DomainNames
import Foundation
import Gateway
import TestSupport
import Testing

/// Outbound TLS levels against real MXes (gateway.md §5): dnsmasq answers MX records inside the
/// namespace, one sink Postfix serves four MXes — good, wrong name, untrusted CA, STARTTLS-stripping —,
/// a scripted MX breaks the handshake after `220` and another answers STARTTLS with an error, and
/// `esa serve` delivers to them under each destconfig level.
@Suite(.serialized) struct LiveOutboundTests {
    /// The MXes: domain, MX host, address, the sink service's options.
    struct MX {
        let domain: String
        let host: String
        let address: String
        let service: String
    }

    static let mxes = [
        MX(domain: "good.test", host: "mx.good.test", address: "127.0.0.2", service: "good"),
        MX(domain: "wrongname.test", host: "mx.wrongname.test", address: "127.0.0.3", service: "wrongname"),
        MX(domain: "untrusted.test", host: "mx.untrusted.test", address: "127.0.0.4", service: "untrusted"),
        MX(domain: "strip.test", host: "mx.strip.test", address: "127.0.0.5", service: "strip"),
        MX(domain: "break.test", host: "mx.break.test", address: "127.0.0.6", service: "break"),
        MX(domain: "refuse.test", host: "mx.refuse.test", address: "127.0.0.7", service: "refuse"),
    ]

    /// A scripted MX (Perl, which swaks brings): a minimal SMTP server offering STARTTLS that either
    /// answers it with `220` and then sends bytes that are no TLS handshake (`break`), or refuses it
    /// with `454` (`refuse`). Every line it receives is logged, so a test sees what reached it in clear.
    static let scriptedMX = #"""
        use strict; use warnings; use IO::Socket::INET; use IO::Handle;
        my ($address, $mode, $log) = @ARGV;
        my $server = IO::Socket::INET->new(LocalAddr => $address, LocalPort => 25, Listen => 16,
            ReuseAddr => 1, Proto => 'tcp') or die "cannot listen on $address:25: $!";
        open(my $out, '>>', $log) or die "cannot open $log: $!";
        $out->autoflush(1);
        print $out "listening\n";
        for my $n (1 .. 500) {
            my $client = $server->accept or next;
            $client->autoflush(1);
            print $out "connect\n";
            print $client "220 $mode.fake ESMTP\r\n";
            my $data = 0;
            while (defined(my $line = <$client>)) {
                $line =~ s/\r?\n\z//;
                print $out "< $line\n";
                if ($data) {
                    if ($line eq '.') { $data = 0; print $client "250 2.0.0 Ok: queued\r\n"; }
                    next;
                }
                my $verb = uc((split / /, $line)[0] // '');
                if ($verb eq 'EHLO') { print $client "250-$mode.fake\r\n250-STARTTLS\r\n250 8BITMIME\r\n"; }
                elsif ($verb eq 'HELO') { print $client "250 $mode.fake\r\n"; }
                elsif ($verb eq 'STARTTLS' && $mode eq 'refuse') {
                    print $client "454 4.7.0 TLS not available due to local problem\r\n";
                }
                elsif ($verb eq 'STARTTLS') {
                    print $client "220 2.0.0 Ready to start TLS\r\nthis is no TLS handshake\r\n";
                    last;
                }
                elsif ($verb eq 'DATA') { print $client "354 End data with <CR><LF>.<CR><LF>\r\n"; $data = 1; }
                elsif ($verb eq 'QUIT') { print $client "221 2.0.0 Bye\r\n"; last; }
                else { print $client "250 2.0.0 Ok\r\n"; }
            }
            close($client);
            print $out "close\n";
        }
        """#

    /// Starts the scripted MX `mode` on `address`; returns its log's path.
    static func startScriptedMX(
        _ mode: String,
        address: String,
        in namespace: LiveNamespace,
        folder: TemporaryDirectory
    ) throws -> String {
        let script = try folder.write("scripted-mx.pl", scriptedMX)
        let log = folder.url.path + "/\(mode).log"
        try namespace.start(["/usr/bin/perl", script, address, mode, log], log: folder.url.path + "/\(mode).err")
        try waitUntil("the \(mode) MX listens", timeout: .seconds(20)) { contents(log).contains("listening") }
        return log
    }

    /// One Postfix instance serving the five MXes; every message it accepts is discarded, its log
    /// (`sink/{service}/smtpd`) tells what reached which MX and whether over TLS.
    static func startSinks(in namespace: LiveNamespace, folder: TemporaryDirectory, root: TestCA) throws -> String {
        let start = Date().addingTimeInterval(-86_400)
        let base = folder.url.path + "/sink"
        for sub in ["", "/etc", "/queue", "/data", "/log"] {
            try FileManager.default.createDirectory(atPath: base + sub, withIntermediateDirectories: true)
        }
        chmod(folder.url.path, 0o711)
        _ = try ChildProcess.run(["/bin/chown", "postfix", base + "/data"])
        func chain(_ name: String, signer: TestCA) throws -> String {
            let leaf = try signer.makeLeaf(commonName: name, dnsNames: [name], validFrom: start)
            let path = base + "/etc/\(name).pem"
            try (leaf.keyPEM + leaf.certificatePEM).write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o600)
            return path
        }
        let good = try chain("mx.good.test", signer: root)
        let wrong = try chain("other.name.test", signer: root)
        let stranger = try TestCA.makeRoot(commonName: "not trusted", validFrom: start)
        let untrusted = try chain("mx.untrusted.test", signer: stranger)
        let main = """
            compatibility_level = 3.6
            queue_directory = \(base)/queue
            data_directory = \(base)/data
            maillog_file = \(base)/log/maillog
            maillog_file_prefixes = \(base)
            mail_owner = postfix
            setgid_group = postdrop
            myhostname = sink.test
            mydestination =
            inet_interfaces = all
            inet_protocols = ipv4
            alias_maps =
            alias_database =
            local_recipient_maps =
            mynetworks = 127.0.0.0/8
            smtpd_relay_restrictions = permit_mynetworks, reject
            smtpd_recipient_restrictions = permit_mynetworks, reject
            default_transport = discard
            relay_transport = discard
            notify_classes =
            smtpd_tls_loglevel = 1
            header_checks = regexp:\(base)/etc/header_checks

            """
        let services = [
            "127.0.0.2:25 inet n - n - - smtpd -o syslog_name=sink/good -o smtpd_tls_security_level=may -o smtpd_tls_chain_files=\(good)",
            "127.0.0.3:25 inet n - n - - smtpd -o syslog_name=sink/wrongname -o smtpd_tls_security_level=may -o smtpd_tls_chain_files=\(wrong)",
            "127.0.0.4:25 inet n - n - - smtpd -o syslog_name=sink/untrusted -o smtpd_tls_security_level=may -o smtpd_tls_chain_files=\(untrusted)",
            "127.0.0.5:25 inet n - n - - smtpd -o syslog_name=sink/strip -o smtpd_tls_security_level=none",
        ]
        let master =
            [
                "pickup unix n - n 60 1 pickup", "cleanup unix n - n - 0 cleanup", "qmgr unix n - n 300 1 qmgr",
                "tlsmgr unix - - n 1000? 1 tlsmgr", "rewrite unix - - n - - trivial-rewrite",
                "bounce unix - - n - 0 bounce", "defer unix - - n - 0 bounce", "trace unix - - n - 0 bounce",
                "verify unix - - n - 1 verify", "proxymap unix - - n - - proxymap", "smtp unix - - n - - smtp",
                "showq unix n - n - - showq", "error unix - - n - - error", "retry unix - - n - - error",
                "discard unix - - n - - discard", "anvil unix - - n - 1 anvil", "scache unix - - n - 1 scache",
                "postlog unix-dgram n - n - 1 postlogd",
            ] + services
        try main.write(toFile: base + "/etc/main.cf", atomically: true, encoding: .utf8)
        // Each received message's subject in the sink's log.
        try "/^Subject:/ INFO\n".write(toFile: base + "/etc/header_checks", atomically: true, encoding: .utf8)
        try (master.joined(separator: "\n") + "\n").write(
            toFile: base + "/etc/master.cf",
            atomically: true,
            encoding: .utf8
        )
        // `postfix check` creates the queue's folders; quick-start then skips the start's own checks.
        let check = try namespace.run([PostfixInstance.postfixProgram, "-c", base + "/etc", "check"])
        guard check.succeeded else { throw LiveError("the sink's postfix check failed: \(check.output)") }
        _ = FileManager.default.createFile(atPath: base + "/queue/quick-start", contents: nil)
        try namespace.start(
            [PostfixInstance.postfixProgram, "-c", base + "/etc", "start-fg"],
            log: base + "/start.log"
        )
        return base
    }

    @Test func outboundLevelsAgainstGoodAndBadMXes() throws {
        guard try LiveGateway.available() else { return }
        let namespace = try LiveNamespace()
        defer { namespace.tearDown() }
        let folder = try TemporaryDirectory()
        let root = try TestCA.makeRoot(commonName: "esa live MX root", validFrom: Date().addingTimeInterval(-86_400))
        try namespace.startDNS(
            mx: Self.mxes.flatMap { mx in
                ["required", "verify", "preferred"].map { ("\($0).\(mx.domain)", mx.host) }
            },
            hosts: Self.mxes.map { ($0.host, $0.address) },
            folder: folder.url.path
        )
        let sink = try Self.startSinks(in: namespace, folder: folder, root: root)
        defer { _ = try? ChildProcess.run([PostfixInstance.postfixProgram, "-c", sink + "/etc", "abort"]) }
        let breakLog = try Self.startScriptedMX("break", address: "127.0.0.6", in: namespace, folder: folder)
        let refuseLog = try Self.startScriptedMX("refuse", address: "127.0.0.7", in: namespace, folder: folder)

        let run = try LiveGatewayRun(namespace: namespace)
        defer { run.stop() }
        // Destinations: required.{mx}, verify.{mx} (Required (Verify)), preferred.{mx}; the MX root
        // is the custom CA list; the listener stays where it cannot bind (no inbound here).
        let revision = try run.commit("Outbound levels") { configuration in
            configuration.certificateAuthorities = CertificateAuthoritySettings(
                systemListEnabled: false,
                customListEnabled: true,
                customCertificatesPEM: [root.certificatePEM]
            )
            for mx in Self.mxes {
                configuration.destinations.append(contentsOf: [
                    DestinationEntry(domain: HostName("required.\(mx.domain)"), tls: .required),
                    DestinationEntry(domain: HostName("verify.\(mx.domain)"), tls: .requiredVerify),
                    DestinationEntry(domain: HostName("preferred.\(mx.domain)"), tls: .preferred),
                ])
            }
        }
        try run.start()
        _ = try run.waitForApply(revision)
        try waitUntil("the sink MXes listen", timeout: .seconds(60)) {
            contents(sink + "/log/maillog").contains("daemon started")
        }

        // One message per destination, submitted locally to the gateway.
        for mx in Self.mxes {
            for level in ["required", "verify", "preferred"] {
                let outcome = try namespace.run(
                    [
                        "/bin/bash", "-c",
                        "printf 'Subject: \(level) \(mx.service)\\n\\nbody\\n' | /usr/sbin/sendmail -C \(run.paths.configuration) "
                            + "-f sender@gw.test user@\(level).\(mx.domain)",
                    ]
                )
                #expect(outcome.succeeded, "\(outcome.output)")
            }
        }

        // Expected outcome per destination in the gateway's Postfix log.
        let sent: Set<String> = [
            "required.good.test", "verify.good.test", "preferred.good.test",
            "required.wrongname.test", "preferred.wrongname.test",
            "required.untrusted.test", "preferred.untrusted.test",
            "preferred.strip.test", "preferred.break.test", "preferred.refuse.test",
        ]
        let deferred: [String: String] = [
            "verify.wrongname.test": "Server certificate not verified",
            "verify.untrusted.test": "Server certificate not verified",
            "required.strip.test": "TLS is required, but was not offered by host",
            "verify.strip.test": "TLS is required, but was not offered by host",
            "required.break.test": "Cannot start TLS: handshake failure",
            "verify.break.test": "Cannot start TLS: handshake failure",
            "required.refuse.test": "refused to start TLS: 454 4.7.0",
            "verify.refuse.test": "refused to start TLS: 454 4.7.0",
        ]
        let gatewayLog = run.paths.maillog
        func lines(for domain: String) -> [Substring] {
            contents(gatewayLog).split(separator: "\n").filter { $0.contains("to=<user@\(domain)>") }
        }
        try waitUntil("every delivery was attempted", timeout: .seconds(120), every: .milliseconds(500)) {
            // Preferred after a broken handshake is deferred once and sent in clear by the retry
            // (Postfix falls back to plaintext once the message waited `minimal_backoff_time`).
            sent.allSatisfy { domain in lines(for: domain).contains { $0.contains("status=sent") } }
                && deferred.keys.allSatisfy { domain in lines(for: domain).contains { $0.contains("status=deferred") } }
        }
        for domain in sent.sorted() {
            #expect(lines(for: domain).contains { $0.contains("status=sent") }, "\(domain): \(lines(for: domain))")
        }
        for (domain, reason) in deferred.sorted(by: { $0.key < $1.key }) {
            let found = lines(for: domain)
            #expect(found.allSatisfy { !$0.contains("status=sent") && !$0.contains("status=bounced") }, "\(domain)")
            #expect(found.contains { $0.contains("status=deferred") && $0.contains(reason) }, "\(domain): \(found)")
        }
        // Under Required no message reached the stripping, the breaking or the refusing MX in clear:
        // those MXes got only the Preferred message (in clear, which Preferred allows — after a broken
        // handshake on a second connection, gateway.md §3).
        let sinkLog = contents(sink + "/log/maillog")
        let stripped = sinkLog.split(separator: "\n").filter {
            $0.contains("sink/strip/smtpd") && $0.contains("client=")
        }
        #expect(stripped.count == 1, "\(stripped)")
        for log in [breakLog, refuseLog] {
            let received = contents(log).split(separator: "\n")
            let mails = received.filter { $0.uppercased().hasPrefix("< MAIL FROM:") }
            #expect(mails.count == 1, "\(log): \(received)")
            let subjects = received.filter { $0.hasPrefix("< Subject:") }
            #expect(subjects.count == 1 && subjects[0].hasPrefix("< Subject: preferred "), "\(log): \(subjects)")
        }
        // The translated mail log (logs/mail_logs/mail.current) says so in the appliance's lines.
        let mailLog = run.directory.url.path + "/logs/mail_logs/mail.current"
        let stops: [String: (address: String, line: String)] = [
            "required strip": ("127.0.0.5", "STARTTLS command not supported."),
            "verify strip": ("127.0.0.5", "STARTTLS command not supported."),
            "required refuse": ("127.0.0.7", "IP 127.0.0.7 TLS failed: STARTTLS unexpected response"),
            "verify refuse": ("127.0.0.7", "IP 127.0.0.7 TLS failed: STARTTLS unexpected response"),
            "required break": ("127.0.0.6", "IP 127.0.0.6 TLS failed: "),
            "verify break": ("127.0.0.6", "IP 127.0.0.6 TLS failed: "),
            "verify wrongname": (
                "127.0.0.3", "TLS certificate verification failed for verify.wrongname.test: no name matches"
            ),
            "verify untrusted": (
                "127.0.0.4",
                "TLS certificate verification failed for verify.untrusted.test: unable to get local issuer certificate"
            ),
        ]
        try waitUntil("the mail log has every delay", timeout: .seconds(30)) {
            let text = contents(mailLog)
            let log = MailLogText(text)
            return stops.keys.allSatisfy { subject in
                log.mid(subject: subject).map { text.contains("MID \($0) to RID [0] - 4.0.0") } ?? false
            }
                && ["preferred strip", "preferred break", "preferred refuse", "verify good"].allSatisfy { subject in
                    log.mid(subject: subject).map { text.contains("Message finished MID \($0) done") } ?? false
                }
        }
        let translated = MailLogText(contents(mailLog))
        for (subject, stop) in stops.sorted(by: { $0.key < $1.key }) {
            let mid = try #require(translated.mid(subject: subject), "\(subject)")
            let delays = translated.lines.filter {
                $0.contains("Info: Delayed: DCID ")
                    && $0.hasSuffix(" MID \(mid) to RID [0] - 4.0.0 - TLS required but not available")
            }
            #expect(!delays.isEmpty, "\(subject)")
            for delay in delays {
                let dcid = delay.between("Delayed: DCID ", " MID") ?? ""
                let connection = translated.lines.filter { $0.contains("DCID \(dcid) ") }
                #expect(
                    connection.contains {
                        // The delivery's real source address (the factory interface 192.168.42.42
                        // does not exist in the namespace).
                        $0.hasSuffix("Info: New SMTP DCID \(dcid) interface 127.0.0.1 address \(stop.address) port 25")
                    },
                    "\(subject): \(connection)"
                )
                #expect(
                    connection.contains { $0.contains("Info: DCID \(dcid) \(stop.line)") },
                    "\(subject): \(connection)"
                )
                #expect(
                    connection.contains {
                        $0.hasSuffix(
                            "Info: DCID \(dcid) IP \(stop.address) TLS was required but could not be successfully negotiated"
                        )
                    },
                    "\(subject): \(connection)"
                )
                #expect(connection.last?.hasSuffix("Info: DCID \(dcid) close") == true, "\(subject): \(connection)")
            }
            #expect(
                !translated.lines.contains {
                    $0.contains("Message done DCID") && $0.hasSuffix(" MID \(mid) to RID [0]")
                }
            )
        }
        for subject in ["preferred strip", "preferred break", "preferred refuse", "verify good"] {
            let mid = try #require(translated.mid(subject: subject), "\(subject)")
            #expect(translated.lines.contains { $0.hasSuffix("Info: Message finished MID \(mid) done") }, "\(subject)")
        }
        // A Preferred destination whose handshake broke is not a required-TLS failure.
        let preferredBreak = try #require(translated.mid(subject: "preferred break"))
        #expect(!translated.lines.contains { $0.contains("MID \(preferredBreak) to RID [0] - 4.0.0 - TLS required") })

        // The mail stays queued (deferred), nothing bounced.
        let queue = try namespace.run(["/usr/sbin/postqueue", "-c", run.paths.configuration, "-j"]).output
        #expect(queue.split(separator: "\n").count == deferred.count, "\(queue)")

        // esa serve asked the good MX for its certificate (Postfix logs no dates): hoststatus's expiry.
        let peers = PeerCertificateFile.path(run.paths)
        try waitUntil("esa serve knows the good MX's certificate", timeout: .seconds(30)) {
            PeerCertificateFile.load(peers)["verify.good.test"] != nil
        }
        let record = PeerCertificateFile.load(peers)["verify.good.test"]
        #expect(record?.subject == "CN=mx.good.test" && record?.address == "127.0.0.2", "\(String(describing: record))")
        // The sink's leaf is valid for 365 days from yesterday.
        let expiry = Date().addingTimeInterval(364 * 86_400).timeIntervalSince1970
        #expect(abs((record?.notAfter ?? 0) - expiry) < 600, "\(String(describing: record))")
    }
}

/// The lines of a translated mail log.
struct MailLogText {
    let lines: [Substring]

    init(_ text: String) { lines = text.split(separator: "\n") }

    /// The MID of the message whose subject is `subject`.
    func mid(subject: String) -> Int? {
        for line in lines where line.hasSuffix(" Subject '\(subject)'") {
            if let mid = line.between("Info: MID ", " Subject") { return Int(mid) }
        }
        return nil
    }
}

extension Substring {
    /// The text between the first `start` and the next `end`.
    func between(_ start: String, _ end: String) -> String? {
        guard let lower = range(of: start)?.upperBound, let upper = self[lower...].range(of: end)?.lowerBound else {
            return nil
        }
        return String(self[lower..<upper])
    }
}
