import ApplianceConfig

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Something the gateway acts on besides writing the line (alerts, gateway.md §4 / other-commands.md §5).
public enum MailLogEvent: Sendable, Equatable {
    /// A delivery to a Required / Required (Verify) destination stopped for lack of TLS.
    case requiredTLSFailure(domain: String, address: String, reason: String, time: LogTime)
}

/// Translated output: whole mail_logs lines (no newline) and events.
public struct MailLogOutput: Sendable {
    public var lines: [String] = []
    public var events: [MailLogEvent] = []

    public init() {}

    mutating func info(_ time: LogTime, _ text: String) {
        lines.append(time.applianceText + " Info: " + text)
    }
}

/// Translates Postfix's log into the appliance's mail log (mail-logs.md §1–3, gateway.md §4).
///
/// Pure: lines in, lines out; all memory is in `state`, which the caller persists. Feed lines in
/// order with `translate`, and call `flush` when no more input is waiting (the recipients of one
/// delivery are grouped until the delivering process logs something else, the message leaves the
/// queue, or the input pauses).
public struct MailLogTranslator: Sendable {
    public var settings: MailLogSettings
    public var state: MailLogState
    /// The year and month now: Postfix time stamps have no year; a month after this one is last year's.
    public var today: (year: Int, month: Int)
    /// The source address of a delivery to a remote address (`SourceAddress.route` in `esa serve`);
    /// when nil or without an answer, the settings' `outboundAddress`.
    public var sourceAddress: (@Sendable (String) -> String?)?
    /// The time of the last line read (used by `flush`).
    private var lastTime = LogTime(year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0)

    public init(settings: MailLogSettings, state: MailLogState = MailLogState(), today: (year: Int, month: Int)) {
        self.settings = settings
        self.state = state
        self.today = today
    }

    /// Translates one line of Postfix's log; lines that are not Postfix's are ignored.
    public mutating func translate(_ line: Substring, into output: inout MailLogOutput) {
        let today = self.today
        guard
            let parsed = PostfixLine.parse(line, year: { month in month > today.month ? today.year - 1 : today.year })
        else { return }
        lastTime = parsed.time
        switch parsed.service {
        case "smtpd": smtpd(parsed, &output)
        case "smtp", "lmtp": smtp(parsed, &output)
        case "cleanup": cleanup(parsed, &output)
        case "qmgr": qmgr(parsed, &output)
        case "pickup": pickup(parsed, &output)
        case "bounce": bounce(parsed, &output)
        case "postsuper": postsuper(parsed, &output)
        default:
            if parsed.text.has(", status=") { delivery(parsed, &output) }
        }
    }

    /// Writes what waits for more input: the recipients of deliveries not yet grouped.
    public mutating func flush(into output: inout MailLogOutput) {
        for pid in state.outbound.keys.sorted() where !(state.outbound[pid]?.statuses.isEmpty ?? true) {
            finishConnection(pid: pid, time: lastTime, &output)
        }
    }

    // MARK: - Inbound

    private mutating func smtpd(_ line: PostfixLine, _ output: inout MailLogOutput) {
        let text = line.text
        let time = line.time
        if text.hasPrefix("connect from ") {
            connect(line, client: text.dropFirst(13), &output)
            return
        }
        guard var connection = state.inbound[line.pid] else {
            return
        }
        let icid = connection.icid
        if let pending = connection.pendingFailure {
            if let problem = text.dropPrefix("warning: TLS library problem: ") {
                failHandshake(&connection, reason: Self.openSSLReason(problem), time: time, &output)
                state.inbound[line.pid] = connection
                return
            }
            failHandshake(&connection, reason: pending, time: time, &output)
        }
        if text.hasPrefix("disconnect from ") {
            if connection.tls.isRequired && !connection.tlsUp && !connection.requiredLogged {
                requiredNotInitiated(&connection, time: time, &output)
            }
            output.info(time, "ICID \(icid) close" + tlsField(connection.tls.postfixWord))
            state.inbound[line.pid] = nil
            return
        }
        if let rest = text.find(" TLS connection established from ") {
            let kind = text[..<rest.lowerBound]
            let peerAndRest = text[rest.upperBound...]
            let (proto, cipher) = Self.protocolAndCipher(peerAndRest.afterFirst("]: ") ?? peerAndRest)
            connection.tlsUp = true
            output.info(time, "ICID \(icid) TLS success protocol \(proto) cipher \(cipher)")
            if kind == "Trusted" || kind == "Verified", let cn = connection.clientCN {
                output.info(time, "ICID \(icid) TLS client certificate verified: \(cn)")
            } else if let failure = connection.clientFailure {
                output.info(
                    time,
                    "ICID \(icid) TLS client certificate not verified: \(failure)"
                        + resultField(Self.result(of: failure))
                )
            } else if connection.tls == .onVerify || connection.tls == .requireVerify, connection.clientCN == nil {
                // `Anonymous TLS connection established`: the client presented no certificate.
                output.info(
                    time,
                    "ICID \(icid) TLS client certificate not verified: no certificate presented"
                        + resultField("certificate-not-trusted")
                )
            }
        } else if let reason = text.dropPrefix("SSL_accept error from ") {
            connection.pendingFailure = String(reason.afterFirst(": ") ?? "lost connection")
        } else if text.hasPrefix("lost connection after ") || text.hasPrefix("timeout after ") {
            output.info(time, "ICID \(icid) lost")
            if connection.handshakeFailed && connection.tls.isRequired && !connection.requiredLogged {
                requiredNotInitiated(&connection, time: time, &output)
            }
        } else if text.hasPrefix("NOQUEUE: reject: ") || text.has(": reject: ") {
            if text.has("Session encryption is required") || text.has("Must issue a STARTTLS command first") {
                if !connection.requiredLogged { requiredNotInitiated(&connection, time: time, &output) }
            } else if text.has(": reject: RCPT from ") {
                state.counters.rejectedRecipients += 1
            }
        } else if let failure = text.afterFirst("certificate verification failed for ") {
            // smtpd with `untrusted` in its log level: `certificate verification failed for
            // unknown[127.0.0.14]: untrusted issuer /O=…/CN=…` (recorded from Postfix 3.7).
            connection.clientFailure = Self.verificationReason(failure.afterFirst(": ") ?? failure, domain: nil)
        } else if let subject = text.afterFirst(": subject_CN=") {
            connection.clientCN = String(subject.prefix { $0 != "," })
        } else if let (qid, rest) = Self.queueID(text) {
            if rest.hasPrefix("client=") {
                startMessage(qid: qid, icid: icid, time: time, &output)
            } else if rest.hasPrefix("info: RCPT from "), let mid = state.messages[qid]?.mid {
                recipient(qid: qid, mid: mid, icid: icid, rest: rest, time: time, &output)
            }
        }
        state.inbound[line.pid] = connection
    }

    private mutating func connect(_ line: PostfixLine, client: Substring, _ output: inout MailLogOutput) {
        let (name, address) = Self.nameAndAddress(client)
        state.lastICID += 1
        state.counters.inboundConnections += 1
        let icid = state.lastICID
        let listener = line.listener.flatMap { settings.listeners[String($0)] }
        let verified = name != "unknown"
        let decision = (listener?.hostAccess ?? Self.noTable).decision(
            address: address,
            hostname: verified ? name : nil
        )
        output.info(
            line.time,
            "New SMTP ICID \(icid) interface \(listener?.interfaceName ?? String(line.listener ?? "unknown")) "
                + "(\(listener?.interfaceAddress ?? "0.0.0.0")) address \(address) reverse dns host \(name) "
                + "verified \(verified ? "yes" : "no")"
        )
        output.info(line.time, decision.line(icid: icid))
        state.inbound[line.pid] = InboundConnection(icid: icid, tls: decision.tls)
    }

    private static let noTable = HostAccessTable(policies: [], entries: [], all: .action(.accept))

    private mutating func failHandshake(
        _ connection: inout InboundConnection,
        reason: String,
        time: LogTime,
        _ output: inout MailLogOutput
    ) {
        connection.pendingFailure = nil
        connection.handshakeFailed = true
        output.info(time, "ICID \(connection.icid) TLS failed: \(reason)" + resultField("validation-failure"))
    }

    private mutating func requiredNotInitiated(
        _ connection: inout InboundConnection,
        time: LogTime,
        _ output: inout MailLogOutput
    ) {
        connection.requiredLogged = true
        let result = connection.handshakeFailed ? "validation-failure" : "starttls-not-supported"
        output.info(
            time,
            "ICID \(connection.icid) TLS was required but remote host did not initiate it" + resultField(result)
        )
    }

    private mutating func startMessage(qid: String, icid: Int, time: LogTime, _ output: inout MailLogOutput) {
        var message = state.messages[qid] ?? newMessage(icid: icid)
        if !message.started {
            message.started = true
            message.icid = icid
            state.counters.messagesReceived += 1
            output.info(time, "Start MID \(message.mid) ICID \(icid)")
        }
        state.messages[qid] = message
    }

    private mutating func newMessage(icid: Int) -> MessageRecord {
        state.lastMID += 1
        return MessageRecord(mid: state.lastMID, icid: icid)
    }

    private mutating func recipient(
        qid: String,
        mid: Int,
        icid: Int,
        rest: Substring,
        time: LogTime,
        _ output: inout MailLogOutput
    ) {
        guard var message = state.messages[qid], let to = rest.between("to=<", ">") else { return }
        if !message.fromLogged {
            let from = rest.between("from=<", ">") ?? ""
            message.fromLogged = true
            message.sender = String(from)
            output.info(time, "MID \(mid) ICID \(icid) From: <\(from)>")
        }
        let rid = message.recipients.count
        message.recipients.append(to.lowercased())
        state.counters.recipientsReceived += 1
        output.info(time, "MID \(mid) ICID \(icid) RID \(rid) To: <\(to)>")
        state.messages[qid] = message
    }

    // MARK: - Queue

    private mutating func cleanup(_ line: PostfixLine, _ output: inout MailLogOutput) {
        guard let (qid, rest) = Self.queueID(line.text) else { return }
        var message = state.messages[qid] ?? newMessage(icid: 0)
        if let id = rest.dropPrefix("message-id=") {
            if message.started {
                output.info(line.time, "MID \(message.mid) Message-ID '\(id)'")
            } else {
                message.messageID = String(id)
            }
        } else if let header = rest.dropPrefix("info: header Subject: ") {
            var subject = header
            if let end = header.lastRange(of: "; from=<") { subject = header[..<end.lowerBound] }
            if let from = subject.lastRange(of: " from ") { subject = subject[..<from.lowerBound] }
            if message.started {
                output.info(line.time, "MID \(message.mid) Subject '\(subject)'")
            } else {
                message.subject = String(subject)
            }
        }
        state.messages[qid] = message
    }

    /// Starts a message that did not come in over SMTP (a bounce, a local submission): `ICID 0`.
    private mutating func startLocal(qid: String, time: LogTime, _ output: inout MailLogOutput) -> MessageRecord {
        var message = state.messages[qid] ?? newMessage(icid: 0)
        if !message.started {
            message.started = true
            output.info(time, "Start MID \(message.mid) ICID 0")
            if let id = message.messageID { output.info(time, "MID \(message.mid) Message-ID '\(id)'") }
            if let subject = message.subject { output.info(time, "MID \(message.mid) Subject '\(subject)'") }
            message.messageID = nil
            message.subject = nil
        }
        return message
    }

    private mutating func pickup(_ line: PostfixLine, _ output: inout MailLogOutput) {
        guard let (qid, rest) = Self.queueID(line.text), let from = rest.between("from=<", ">") else { return }
        var message = startLocal(qid: qid, time: line.time, &output)
        state.counters.messagesReceived += 1
        if !message.fromLogged {
            message.fromLogged = true
            message.sender = String(from)
            output.info(line.time, "MID \(message.mid) ICID 0 From: <\(from)>")
        }
        state.messages[qid] = message
    }

    private mutating func bounce(_ line: PostfixLine, _ output: inout MailLogOutput) {
        guard let (qid, rest) = Self.queueID(line.text), state.messages[qid] != nil else { return }
        // The delivery that bounced is logged before the bounce it caused.
        flushDeliveries(of: qid, time: line.time, &output)
        guard let original = state.messages[qid] else { return }
        guard
            let newQID = rest.afterFirst("non-delivery notification: ")
                ?? rest.afterFirst("delivery status notification: ")
        else { return }
        let key = String(newQID)
        let message = startLocal(qid: key, time: line.time, &output)
        output.info(line.time, "MID \(message.mid) was generated for bounce of MID \(original.mid)")
        state.messages[key] = message
    }

    private mutating func qmgr(_ line: PostfixLine, _ output: inout MailLogOutput) {
        guard let (qid, rest) = Self.queueID(line.text) else { return }
        if rest == "removed" {
            removed(qid: qid, time: line.time, how: "done", &output)
            return
        }
        if rest.hasPrefix("from=<"), rest.has(", status=expired") {
            expired(qid: qid, time: line.time, &output)
            return
        }
        guard rest.hasPrefix("from=<"), rest.has(", size=") else { return }
        // Back in the active queue: the earlier delivery attempts are over.
        flushDeliveries(of: qid, time: line.time, &output)
        var message = startLocal(qid: qid, time: line.time, &output)
        if let count = rest.between("nrcpt=", " ").flatMap({ Int($0) }) { message.expected = count }
        if !message.readyLogged {
            message.readyLogged = true
            let from = rest.between("from=<", ">") ?? ""
            let size = rest.between(", size=", ",") ?? "0"
            output.info(line.time, "MID \(message.mid) ready \(size) bytes from <\(from)>")
            output.info(line.time, "MID \(message.mid) queued for delivery")
        }
        state.messages[qid] = message
    }

    /// `{qid}: from=<…>, status=expired, returned to sender`: the message waited longer than
    /// `maximal_queue_lifetime`; every recipient not yet delivered or bounced bounces now (no
    /// connection: DCID 0), counted as Expired Hard Bounces. The bounce itself follows (`bounce`).
    private mutating func expired(qid: String, time: LogTime, _ output: inout MailLogOutput) {
        flushDeliveries(of: qid, time: time, &output)
        guard var message = state.messages[qid] else { return }
        let open = message.recipients.indices.filter { !message.finished.contains($0) }
        guard !open.isEmpty else { return }
        let ridText = "[" + open.map(String.init).joined(separator: ", ") + "]"
        output.info(
            time,
            "Bounced: DCID 0 MID \(message.mid) to RID \(ridText) - 5.4.7 ('Delivery expired (message too old)')"
        )
        message.finished.formUnion(open)
        state.counters.hardBouncedRecipients += open.count
        state.counters.expiredHardBounces += open.count
        state.counters.completedRecipients += open.count
        for rid in open {
            let domain = Self.domain(of: message.recipients[rid])
            var host = state.hosts[domain] ?? HostRecord()
            host.hardBouncedRecipients += 1
            host.expiredHardBounces = (host.expiredHardBounces ?? 0) + 1
            host.lastActivity = time
            state.hosts[domain] = host
        }
        state.messages[qid] = message
    }

    private mutating func postsuper(_ line: PostfixLine, _ output: inout MailLogOutput) {
        guard let (qid, rest) = Self.queueID(line.text), rest == "removed" else { return }
        // Delivery attempts still waiting for their connection's end are over: count them first.
        flushDeliveries(of: qid, time: line.time, &output)
        if let message = state.messages[qid] {
            state.counters.deletedRecipients += max(message.recipients.count - message.finished.count, 0)
            for (rid, recipient) in message.recipients.enumerated() where !message.finished.contains(rid) {
                let domain = Self.domain(of: recipient)
                var host = state.hosts[domain] ?? HostRecord()
                host.deletedRecipients = (host.deletedRecipients ?? 0) + 1
                state.hosts[domain] = host
            }
        }
        removed(qid: qid, time: line.time, how: "aborted", &output)
    }

    private mutating func flushDeliveries(of qid: String, time: LogTime, _ output: inout MailLogOutput) {
        for pid in state.outbound.keys.sorted()
        where state.outbound[pid]?.statuses.contains(where: { $0.qid == qid }) == true {
            finishConnection(pid: pid, time: time, &output)
        }
    }

    private mutating func removed(qid: String, time: LogTime, how: String, _ output: inout MailLogOutput) {
        flushDeliveries(of: qid, time: time, &output)
        guard let message = state.messages.removeValue(forKey: qid) else { return }
        output.info(time, "Message finished MID \(message.mid) \(how)")
        for dcid in message.closing { output.info(time, "DCID \(dcid) close") }
    }

    // MARK: - Outbound

    private mutating func smtp(_ line: PostfixLine, _ output: inout MailLogOutput) {
        let text = line.text
        let pid = line.pid
        if text.has(", status=") {
            delivery(line, &output)
            return
        }
        var connection = state.outbound[pid] ?? OutboundConnection()
        if !connection.statuses.isEmpty {
            // The process logs something else: the previous delivery is over.
            finishConnection(pid: pid, time: line.time, &output)
            connection = OutboundConnection()
        }
        if let pending = connection.pendingSSLError {
            if let problem = text.dropPrefix("warning: TLS library problem: ") {
                connection.handshakeFailure = Self.openSSLReason(problem)
                connection.pendingSSLError = nil
                state.outbound[pid] = connection
                return
            }
            connection.handshakeFailure = pending
            connection.pendingSSLError = nil
        }
        if let range = text.find(" TLS connection established to ") {
            let rest = text[range.upperBound...]
            guard let colon = rest.find(": ") else { return }
            let peer = Self.peer(rest[..<colon.lowerBound])
            connection.host = peer.host
            connection.address = peer.address
            connection.port = peer.port
            connection.established = String(text[..<range.lowerBound])
            let (proto, cipher) = Self.protocolAndCipher(rest[colon.upperBound...])
            connection.protocolName = proto
            connection.cipher = cipher
        } else if let failure = text.afterFirst("server certificate verification failed for ") {
            let peer = Self.peer(failure.prefix { $0 != " " }.dropLast())
            connection.host = peer.host
            connection.address = peer.address
            connection.port = peer.port
            connection.verifyFailure = String(failure.afterFirst(": ") ?? "")
        } else if let subject = text.afterFirst(": subject_CN=") {
            connection.peerCN = String(subject.prefix { $0 != "," })
        } else if let error = text.dropPrefix("SSL_connect error to ") {
            let peer = Self.peer(error.prefix { $0 != " " }.dropLast())
            connection.host = peer.host
            connection.address = peer.address
            connection.port = peer.port
            connection.pendingSSLError = String(error.afterFirst(": ") ?? "handshake failure")
        } else {
            return
        }
        state.outbound[pid] = connection
    }

    /// A `status=` line: kept until the delivery's other recipients are in.
    private mutating func delivery(_ line: PostfixLine, _ output: inout MailLogOutput) {
        guard let (qid, rest) = Self.queueID(line.text), let to = rest.between("to=<", ">") else { return }
        guard let statusText = rest.afterFirst(", status=") else { return }
        let status = statusText.prefix { $0 != " " }
        var detail = statusText.dropFirst(status.count).drop { $0 == " " }
        if detail.hasPrefix("(") && detail.hasSuffix(")") { detail = detail.dropFirst().dropLast() }
        let relay = rest.between(", relay=", ",") ?? "none"
        let peer = relay == "none" ? (host: nil, address: nil, port: nil) : Self.peer(relay)
        let record = StatusRecord(
            qid: String(qid),
            recipient: String(to),
            status: String(status),
            dsn: String(rest.between(", dsn=", ",") ?? ""),
            text: String(detail),
            relayHost: peer.host,
            relayAddress: peer.address,
            relayPort: peer.port,
            connectionUse: rest.between(", conn_use=", ",").flatMap { Int($0) } ?? 1,
            time: line.time
        )
        var connection = state.outbound[line.pid] ?? OutboundConnection()
        if let last = connection.statuses.last, last.qid != record.qid {
            finishConnection(pid: line.pid, time: line.time, &output)
            connection = OutboundConnection()
        }
        if let pending = connection.pendingSSLError {
            connection.handshakeFailure = pending
            connection.pendingSSLError = nil
        }
        if connection.host == nil {
            connection.host = record.relayHost
            connection.address = record.relayAddress
            connection.port = record.relayPort
        }
        connection.statuses.append(record)
        state.outbound[line.pid] = connection
    }

    private enum TLSStop {
        case notOffered, refused, notVerified, handshake

        var alertReason: String {
            switch self {
            case .notOffered: "STARTTLS not offered by the remote host"
            case .refused: "STARTTLS refused by the remote host"
            case .notVerified: "the remote host's certificate could not be verified"
            case .handshake: "the TLS handshake failed"
            }
        }
    }

    private static func tlsStop(_ record: StatusRecord) -> TLSStop? {
        guard record.status == "deferred" || record.status == "bounced" else { return nil }
        let text = record.text
        if text.has("TLS is required, but was not offered") { return .notOffered }
        if text.has("refused to start TLS") { return .refused }
        if text.has("Server certificate not verified") { return .notVerified }
        if text.has("Cannot start TLS") || text.has("TLS is required, but") { return .handshake }
        return nil
    }

    /// Writes one outbound connection's lines: `New SMTP DCID`, TLS, and each delivery group.
    private mutating func finishConnection(pid: Int, time _: LogTime, _ output: inout MailLogOutput) {
        guard let connection = state.outbound.removeValue(forKey: pid), let first = connection.statuses.first else {
            return
        }
        // Each line carries the time of the status line it comes from.
        let time = first.time
        let domain = Self.domain(of: first.recipient)
        let level = settings.tlsLevel(forDomain: domain)
        let connected =
            connection.established != nil || connection.handshakeFailure != nil
            || connection.statuses.contains { $0.relayAddress != nil && !$0.text.hasPrefix("connect to ") }
        var dcid = 0
        let address = connection.address ?? "0.0.0.0"
        var host = HostRecord()
        if let existing = state.hosts[domain] { host = existing }
        host.lastActivity = time
        if connected {
            let key = "\(address):\(connection.port ?? "25")"
            if first.connectionUse > 1, let reused = state.relayDCIDs[key] {
                dcid = reused
            } else {
                state.lastDCID += 1
                state.counters.outboundConnections += 1
                dcid = state.lastDCID
                state.relayDCIDs[key] = dcid
                output.info(
                    time,
                    "New SMTP DCID \(dcid) interface \(sourceAddress?(address) ?? settings.outboundAddress) address \(address) port \(connection.port ?? "25")"
                )
            }
            host.lastHost = connection.host
            host.lastAddress = address
            host.up = true
        } else {
            host.up = false
        }
        if let failure = connection.handshakeFailure {
            output.info(time, "DCID \(dcid) IP \(address) TLS failed: \(failure)" + resultField("validation-failure"))
            host.lastTLSResult = "failed: \(failure)"
        }
        var verifyResult: String?
        if let established = connection.established, let proto = connection.protocolName,
            let cipher = connection.cipher
        {
            output.info(time, "DCID \(dcid) TLS success protocol \(proto) cipher \(cipher)")
            host.lastTLSResult = "success protocol \(proto) cipher \(cipher)"
            if let cn = connection.peerCN { host.peerSubject = "CN=\(cn)" }
            if level.isVerify {
                if established == "Verified" || established == "Trusted" {
                    output.info(
                        time,
                        "DCID \(dcid) TLS certificate verified for \(domain): CN=\(connection.peerCN ?? connection.host ?? domain)"
                    )
                } else {
                    let reason = Self.verificationReason(
                        Substring(connection.verifyFailure ?? "untrusted issuer"),
                        domain: domain
                    )
                    verifyResult = Self.result(of: reason)
                    host.lastTLSResult = "certificate verification failed: \(reason)"
                    output.info(
                        time,
                        "DCID \(dcid) TLS certificate verification failed for \(domain): \(reason)"
                            + resultField(verifyResult ?? "certificate-not-trusted")
                    )
                }
            }
        }
        state.hosts[domain] = host
        // Consecutive records with the same message and outcome form one delivery group.
        var index = connection.statuses.startIndex
        var groups: [[StatusRecord]] = []
        while index < connection.statuses.endIndex {
            let record = connection.statuses[index]
            if var last = groups.last, let head = last.first, head.qid == record.qid, head.status == record.status,
                head.text == record.text
            {
                last.append(record)
                groups[groups.count - 1] = last
            } else {
                groups.append([record])
            }
            index += 1
        }
        var closeNow = connected
        var tlsStopLogged = false
        for group in groups {
            guard let head = group.first else { continue }
            let closes = emitGroup(
                group,
                head: head,
                dcid: dcid,
                connected: connected,
                level: level,
                verifyResult: verifyResult,
                tlsStopLogged: &tlsStopLogged,
                time: group.last?.time ?? time,
                &output
            )
            if closes == false { closeNow = false }
        }
        if closeNow { output.info(connection.statuses.last?.time ?? time, "DCID \(dcid) close") }
    }

    /// Returns false when the connection's `close` must wait for the message's `Message finished`.
    private mutating func emitGroup(
        _ group: [StatusRecord],
        head: StatusRecord,
        dcid: Int,
        connected: Bool,
        level: OutboundTLS,
        verifyResult: String?,
        tlsStopLogged: inout Bool,
        time: LogTime,
        _ output: inout MailLogOutput
    ) -> Bool {
        var message = state.messages[head.qid] ?? newMessage(icid: 0)
        let mid = message.mid
        var rids: [Int] = []
        for record in group {
            let address = record.recipient.lowercased()
            if let rid = message.recipients.indices.first(where: {
                message.recipients[$0] == address && !message.finished.contains($0) && !rids.contains($0)
            }) {
                rids.append(rid)
            } else {
                message.recipients.append(address)
                rids.append(message.recipients.count - 1)
            }
        }
        let ridText = "[" + rids.map(String.init).joined(separator: ", ") + "]"
        let domain = Self.domain(of: head.recipient)
        var host = state.hosts[domain] ?? HostRecord()
        var waits = false
        switch head.status {
        case "sent":
            output.info(time, "Delivery start DCID \(dcid) MID \(mid) to RID \(ridText)")
            output.info(time, "Message done DCID \(dcid) MID \(mid) to RID \(ridText)" + tlsField(level.postfixWord))
            output.info(time, "MID \(mid) RID \(ridText) Response '\(Self.replyText(head.text))'")
            message.finished.formUnion(rids)
            state.counters.deliveredRecipients += rids.count
            state.counters.completedRecipients += rids.count
            host.deliveredRecipients += rids.count
        case "bounced":
            if connected { output.info(time, "Delivery start DCID \(dcid) MID \(mid) to RID \(ridText)") }
            let reply = Self.remoteReply(head.text)
            output.info(time, "Bounced: DCID \(dcid) MID \(mid) to RID \(ridText) - \(head.dsn) ('\(reply)')")
            message.finished.formUnion(rids)
            state.counters.hardBouncedRecipients += rids.count
            state.counters.completedRecipients += rids.count
            host.hardBouncedRecipients += rids.count
            if reply.first == "5" {
                state.counters.fiveXXHardBounces += rids.count
                host.fiveXXHardBounces += rids.count
                host.last5XX = reply
                host.last5XXTime = time
            } else if head.text.has("Host or domain name not found") {
                state.counters.dnsHardBounces += rids.count
                host.dnsHardBounces = (host.dnsHardBounces ?? 0) + rids.count
            } else {
                state.counters.otherHardBounces += rids.count
                host.otherHardBounces = (host.otherHardBounces ?? 0) + rids.count
            }
        case "deferred":
            state.counters.softBouncedEvents += 1
            host.softBouncedEvents += 1
            // A broken handshake stops only a Required level; under Preferred it is an ordinary
            // deferral (Postfix retries in clear, gateway.md §3), not a required-TLS failure.
            if let stop = Self.tlsStop(head), stop != .handshake || level.requiresTLS {
                let result: String
                switch stop {
                case .notOffered: result = "starttls-not-supported"
                case .refused, .handshake: result = "validation-failure"
                case .notVerified: result = verifyResult ?? "certificate-not-trusted"
                }
                let address = head.relayAddress ?? "0.0.0.0"
                if !tlsStopLogged {
                    tlsStopLogged = true
                    switch stop {
                    case .notOffered:
                        output.info(time, "DCID \(dcid) STARTTLS command not supported." + resultField(result))
                        host.lastTLSResult = "STARTTLS not offered"
                    case .refused:
                        output.info(
                            time,
                            "DCID \(dcid) IP \(address) TLS failed: STARTTLS unexpected response" + resultField(result)
                        )
                        host.lastTLSResult = "STARTTLS refused"
                    case .notVerified, .handshake:
                        break
                    }
                    output.info(
                        time,
                        "DCID \(dcid) IP \(address) TLS was required but could not be successfully negotiated"
                            + resultField(result)
                    )
                }
                output.info(
                    time,
                    "Delayed: DCID \(dcid) MID \(mid) to RID \(ridText) - 4.0.0 - TLS required but not available"
                        + tlsField(level.postfixWord)
                )
                output.events.append(
                    .requiredTLSFailure(domain: domain, address: address, reason: stop.alertReason, time: time)
                )
            } else {
                if connected { output.info(time, "Delivery start DCID \(dcid) MID \(mid) to RID \(ridText)") }
                output.info(
                    time,
                    "Delayed: DCID \(dcid) MID \(mid) to RID \(ridText) - \(head.dsn) - \(head.text)"
                        + tlsField(level.postfixWord)
                )
            }
        default:
            break
        }
        if head.status != "deferred", connected, message.expected.map({ message.finished.count >= $0 }) == true {
            if !message.closing.contains(dcid) { message.closing.append(dcid) }
            waits = true
        }
        state.hosts[domain] = host
        state.messages[head.qid] = message
        return !waits
    }

    // MARK: - Fields and text

    private func tlsField(_ word: String) -> String { settings.tlsFields ? " tls=\(word)" : "" }
    private func resultField(_ word: String) -> String { settings.tlsFields ? " result=\(word)" : "" }

    /// The TLSRPT result type of a verification reason (mail-logs.md §6).
    static func result(of reason: String) -> String {
        if reason.hasPrefix("no name matches") { return "certificate-host-mismatch" }
        if reason.has("expired") || reason.has("not yet valid") { return "certificate-expired" }
        return "certificate-not-trusted"
    }

    /// mail-logs.md §4's reason for Postfix's verification failure text.
    static func verificationReason(_ text: Substring, domain: String?) -> String {
        if text.has("hostname mismatch") || text.has("num=62") {
            return "no name matches \(domain ?? "")"
        }
        if text.hasPrefix("untrusted issuer") { return "unable to get local issuer certificate" }
        if text.has("not yet valid") { return "certificate is not yet valid" }
        if text.has("has expired") { return "certificate has expired" }
        if text.has("self-signed") || text.has("self signed") { return "self-signed certificate" }
        if text.hasPrefix("num="), let colon = text.firstIndex(of: ":") {
            return String(text[text.index(after: colon)...])
        }
        return String(text)
    }

    /// `error:0A0000C1:SSL routines::no shared cipher:../ssl/…c:2220:` → the first five fields.
    static func openSSLReason(_ text: Substring) -> String {
        guard text.hasPrefix("error:") else { return String(text) }
        var fields = 0
        var end = text.endIndex
        for index in text.indices where text[index] == ":" {
            fields += 1
            if fields == 5 {
                end = index
                break
            }
        }
        return String(text[..<end])
    }

    /// `TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) …`.
    static func protocolAndCipher(_ text: Substring) -> (String, String) {
        let proto = text.prefix { $0 != " " }
        let cipher = text.afterFirst(" with cipher ")?.prefix { $0 != " " } ?? ""
        return (String(proto), String(cipher))
    }

    /// `250 2.0.0 Ok: queued as X` → `2.0.0 Ok: queued as X`.
    static func replyText(_ text: String) -> String {
        let utf8 = Array(text.utf8.prefix(4))
        if utf8.count == 4, utf8[0...2].allSatisfy({ $0 >= 48 && $0 <= 57 }), utf8[3] == 32 {
            return String(text.dropFirst(4))
        }
        return text
    }

    /// `host mx[ip] said: 550 5.1.1 … (in reply to RCPT TO command)` → `550 5.1.1 …`.
    static func remoteReply(_ text: String) -> String {
        var reply = Substring(text)
        if let said = reply.afterFirst(" said: ") { reply = said }
        if let end = reply.lastRange(of: " (in reply to ") { reply = reply[..<end.lowerBound] }
        return String(reply)
    }

    static func domain(of address: String) -> String {
        guard let at = address.lastIndex(of: "@") else { return address.lowercased() }
        return address[address.index(after: at)...].lowercased()
    }

    /// `name[ip]` → (name, ip).
    static func nameAndAddress(_ text: Substring) -> (String, String) {
        guard let open = text.firstIndex(of: "["), let close = text.lastIndex(of: "]"), open < close else {
            return (String(text), String(text))
        }
        return (String(text[..<open]), String(text[text.index(after: open)..<close]))
    }

    /// `mx.example.com[192.0.2.25]:25` → (host, address, port).
    static func peer(_ text: Substring) -> (host: String?, address: String?, port: String?) {
        let (name, address) = nameAndAddress(text)
        var port: String?
        if let close = text.lastIndex(of: "]"), text[close...].hasPrefix("]:") {
            port = String(text[text.index(close, offsetBy: 2)...])
        }
        return (name, address, port)
    }

    /// A queue id (`4NqZ2r1xyzz9abc: …` or `3A5F1C2B3D: …`) and the text after it.
    static func queueID(_ text: Substring) -> (String, Substring)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let id = text[..<colon]
        guard id.utf8.count >= 6, id.utf8.count <= 32,
            id.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) })
        else { return nil }
        let rest = text[colon...].dropFirst()
        guard rest.first == " " else { return nil }
        return (String(id), rest.dropFirst())
    }
}

extension Substring {
    /// The first occurrence of `needle`, searched as bytes (`memmem`); far faster than the
    /// Character-level `firstRange(of:)` on every line of a busy log.
    func find(_ needle: String) -> Range<Index>? {
        var needle = needle
        let found: Int? = needle.withUTF8 { pattern in
            let result = utf8.withContiguousStorageIfAvailable { haystack -> Int? in
                guard let base = haystack.baseAddress, let pointer = pattern.baseAddress, pattern.count > 0,
                    haystack.count >= pattern.count
                else { return nil }
                let last = haystack.count - pattern.count
                var offset = 0
                while offset <= last {
                    guard let hit = memchr(base + offset, Int32(pointer[0]), last - offset + 1) else { return nil }
                    let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                    if memcmp(hit, pointer, pattern.count) == 0 { return at }
                    offset = at + 1
                }
                return nil
            }
            if let result { return result }
            let bytes = Array(utf8)
            let wanted = Array(pattern)
            guard bytes.count >= wanted.count else { return nil }
            for start in 0...(bytes.count - wanted.count)
            where bytes[start..<(start + wanted.count)].elementsEqual(wanted) {
                return start
            }
            return nil
        }
        guard let found else { return nil }
        let lower = utf8.index(utf8.startIndex, offsetBy: found)
        return lower..<utf8.index(lower, offsetBy: needle.utf8.count)
    }

    func has(_ needle: String) -> Bool { find(needle) != nil }

    func dropPrefix(_ prefix: String) -> Substring? {
        hasPrefix(prefix) ? dropFirst(prefix.count) : nil
    }

    func afterFirst(_ marker: String) -> Substring? {
        guard let range = find(marker) else { return nil }
        return self[range.upperBound...]
    }

    func between(_ start: String, _ end: String) -> Substring? {
        guard let after = afterFirst(start) else { return nil }
        guard let close = after.find(end) else { return after }
        return after[..<close.lowerBound]
    }

    func lastRange(of marker: String) -> Range<Index>? {
        let pattern = Array(marker.utf8)
        let bytes = utf8
        guard bytes.count >= pattern.count else { return nil }
        var index = bytes.index(bytes.endIndex, offsetBy: -pattern.count)
        while true {
            if bytes[index...].starts(with: pattern) {
                return index..<bytes.index(index, offsetBy: pattern.count)
            }
            if index == bytes.startIndex { return nil }
            index = bytes.index(before: index)
        }
    }
}

extension String {
    func has(_ needle: String) -> Bool { self[...].find(needle) != nil }
}

extension OutboundTLS {
    /// Required and Required (Verify): no delivery without TLS.
    fileprivate var requiresTLS: Bool { self == .required || self == .requiredVerify }
}
