import ApplianceConfig
import Certificates
import MailLog
import Shell
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One System / Warning alert (other-commands.md §5): what its subject says after `{hostname}: `,
/// the paragraph of its body, and the key under which repeats are suppressed.
public struct GatewayAlert: Sendable, Equatable {
    public var key: String
    public var text: String
    public var paragraph: String

    public init(key: String, text: String, paragraph: String) {
        self.key = key
        self.text = text
        self.paragraph = paragraph
    }

    /// The required-TLS alert of a delivery that stopped (destconfig.md §5.3); repeats for the same
    /// domain are suppressed.
    public static func requiredTLS(domain: String, address: String, reason: String) -> GatewayAlert {
        GatewayAlert(
            key: "tls:\(HostName(domain).key.folded)",
            text: "TLS required for delivery to \(domain) failed",
            paragraph: """
                Delivery to the domain \(domain) requires TLS, but a TLS connection could not be established
                with \(address) (\(reason)). Messages remain queued.
                """
        )
    }

    /// The RFC 5322 message to `recipient` (other-commands.md §5: subject layout exact, body approximate).
    public func message(
        to recipient: String,
        from sender: String,
        hostname: String,
        serial: String,
        timestamp: String
    )
        -> String
    {
        let subject = AlertRouting.subject(alertClass: .system, severity: .warning, hostname: hostname, text: text)
        return [
            "From: \(sender)",
            "To: \(recipient)",
            "Subject: \(subject)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "",
            "The Warning message is:",
            "",
            paragraph,
            "",
            "Version: \(ApplianceInfo.version)",
            "Serial Number: \(serial)",
            "Timestamp: \(timestamp)",
            "",
        ].joined(separator: "\n")
    }
}

/// Certificates expiring within the alert thresholds (certconfig.md §13): bound profiles and custom
/// CAs, at 90, 60, 30, 15, 5, 4, 3, 2, 1 days before `notAfter`, on the day, and daily afterwards.
public enum CertificateExpiry {
    public static let thresholds = [90, 60, 30, 15, 5, 4, 3, 2, 1, 0]

    /// The alerts due at `now`. Each names its stage in its key (`expiry:{what}:{notAfter}:{stage}`),
    /// so a stage is alerted once and a renewed certificate starts over.
    public static func due(_ configuration: ApplianceConfiguration, now: Date) -> [GatewayAlert] {
        var alerts: [GatewayAlert] = []
        var seen = Set<String>()
        for name in boundProfiles(configuration) where seen.insert(name).inserted {
            guard let profile = configuration.certificate(named: name),
                let certificate = try? Certificate(pem: profile.certificatePEM)
            else { continue }
            if let alert = alert(
                for: certificate,
                what: "The certificate \"\(name)\"",
                key: "profile:\(name)",
                now: now
            ) {
                alerts.append(alert)
            }
        }
        for pem in configuration.certificateAuthorities.customCertificatesPEM {
            guard let certificate = try? Certificate(pem: pem) else { continue }
            let name = certificate.subject.commonName ?? "(no common name)"
            if let alert = alert(
                for: certificate,
                what: "The custom CA certificate \"\(name)\"",
                key: "ca:\(name)",
                now: now
            ) {
                alerts.append(alert)
            }
        }
        return alerts
    }

    /// Profiles in use: listeners', the outgoing TLS certificate, the interfaces' HTTPS certificates.
    static func boundProfiles(_ configuration: ApplianceConfiguration) -> [String] {
        (configuration.listeners.compactMap(\.certificate)
            + [configuration.destinationDefaults.outboundCertificate].compactMap { $0 }
            + configuration.interfaces.compactMap(\.httpsCertificate)).map(\.text)
    }

    static func alert(for certificate: Certificate, what: String, key: String, now: Date) -> GatewayAlert? {
        let seconds = certificate.notAfter.timeIntervalSince(now)
        let expiry = "\(key):\(Int(certificate.notAfter.timeIntervalSince1970))"
        let until = "It is valid until \(UTCDate.text(certificate.notAfter)). Replace it with certconfig"
        if seconds < 0 {
            let days = Int(-seconds / 86_400)
            let when = days == 0 ? "expired today" : "expired \(days) \(days == 1 ? "day" : "days") ago"
            return GatewayAlert(
                key: "expiry:\(expiry):expired-\(days)",
                text: "\(what) \(when)",
                paragraph:
                    "\(what) \(when). It was valid until \(UTCDate.text(certificate.notAfter)). Replace it with certconfig."
            )
        }
        let days = Int(seconds / 86_400)
        guard let stage = thresholds.last(where: { days <= $0 }) else { return nil }
        let when = days == 0 ? "expires today" : "expires in \(days) \(days == 1 ? "day" : "days")"
        return GatewayAlert(
            key: "expiry:\(expiry):\(stage)",
            text: "\(what) \(when)",
            paragraph: "\(what) \(when). \(until) before it expires."
        )
    }
}

/// Sends alerts through the local gateway to alertconfig's System / Warning recipients, logs each
/// sent alert in the system log (mail-logs.md §5), suppresses repeats (the initial interval, doubling
/// up to the maximum) and remembers which expiry stages were alerted (`gateway/alerts.json`), so a
/// restart does not send them again.
public final class AlertSender: Sendable {
    /// Delivers `message` from `sender` to `recipient`; nil on success, else why not.
    public typealias Deliver = @Sendable (_ message: String, _ sender: String, _ recipient: String) -> String?

    private struct Repeat: Sendable, Equatable {
        var repeats: Int
        var until: Date
    }

    private struct State: Sendable {
        var repeats: [String: Repeat] = [:]
        var sentStages: Set<String> = []
    }

    private let statePath: String?
    private let systemLog: SystemLogFile
    private let clock: ShellClock
    private let serial: String
    private let deliver: Deliver
    private let state: Mutex<State>

    public init(
        statePath: String?,
        systemLog: SystemLogFile,
        clock: ShellClock,
        serial: String,
        deliver: @escaping Deliver
    ) {
        self.statePath = statePath
        self.systemLog = systemLog
        self.clock = clock
        self.serial = serial
        self.deliver = deliver
        var initial = State()
        if let statePath, let data = FileManager.default.contents(atPath: statePath) {
            if let stored = try? JSONDecoder().decode(Stored.self, from: data) {
                initial.sentStages = Set(stored.stages)
                initial.repeats = stored.repeats.mapValues {
                    Repeat(repeats: $0.repeats, until: Date(timeIntervalSince1970: $0.until))
                }
            } else if let stages = try? JSONDecoder().decode([String].self, from: data) {
                // Written before repeats were kept: the expiry stages alone.
                initial.sentStages = Set(stages)
            }
        }
        state = Mutex(initial)
    }

    /// `gateway/alerts.json`: the expiry stages alerted and, per required-TLS alert key, how often
    /// it repeated and until when the next one is held back — so a restarted `esa serve` neither
    /// sends a stage again nor lets a repeat through early.
    private struct Stored: Codable {
        struct HeldBack: Codable {
            var repeats: Int
            /// Seconds since 1970.
            var until: Double
        }

        var stages: [String]
        var repeats: [String: HeldBack]
    }

    private func persist(_ state: State) {
        guard let statePath else { return }
        let stored = Stored(
            stages: state.sentStages.sorted(),
            repeats: state.repeats.mapValues { .init(repeats: $0.repeats, until: $0.until.timeIntervalSince1970) }
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        if let data = try? encoder.encode(stored) {
            try? PostfixInstance.writeAtomically(statePath, String(decoding: data, as: UTF8.self), mode: 0o644)
        }
    }

    /// Sends the required-TLS alert for each stopped delivery when destconfig's alert is on.
    public func mailLogEvents(_ events: [MailLogEvent], configuration: ApplianceConfiguration) {
        guard configuration.destinationDefaults.requiredTLSAlert else { return }
        for event in events {
            switch event {
            case .requiredTLSFailure(let domain, let address, let reason, _):
                send(GatewayAlert.requiredTLS(domain: domain, address: address, reason: reason), configuration)
            }
        }
    }

    /// Sends the expiry alerts due now whose stage was not alerted yet. A stage counts as alerted
    /// once every recipient got it; returns false when some could not be sent (try again later).
    @discardableResult
    public func checkExpiry(_ configuration: ApplianceConfiguration) -> Bool {
        let due = CertificateExpiry.due(configuration, now: clock.now())
        let fresh = state.withLock { state in due.filter { !state.sentStages.contains($0.key) } }
        guard !fresh.isEmpty else { return true }
        let recipients = AlertRouting.recipients(of: configuration.alerts, alertClass: .system, severity: .warning)
        var done: [String] = []
        for alert in fresh where send(alert, configuration, suppressRepeats: false).count == recipients.count {
            done.append(alert.key)
        }
        let snapshot = state.withLock { state in
            state.sentStages.formUnion(done)
            return state
        }
        guard !done.isEmpty else { return done.count == fresh.count }
        persist(snapshot)
        return done.count == fresh.count
    }

    /// Sends `alert` to every System / Warning recipient; returns the addresses it went to.
    @discardableResult
    public func send(
        _ alert: GatewayAlert,
        _ configuration: ApplianceConfiguration,
        suppressRepeats: Bool = true
    )
        -> [String]
    {
        let recipients = AlertRouting.recipients(of: configuration.alerts, alertClass: .system, severity: .warning)
        guard !recipients.isEmpty else { return [] }
        let now = clock.now()
        if suppressRepeats {
            let admitted = state.withLock { state -> State? in
                if let last = state.repeats[alert.key], now < last.until { return nil }
                let repeats = state.repeats[alert.key].map { $0.repeats + 1 } ?? 0
                let interval = AlertRouting.duplicateInterval(afterRepeats: repeats, settings: configuration.alerts)
                state.repeats[alert.key] = Repeat(repeats: repeats, until: now.addingTimeInterval(Double(interval)))
                return state
            }
            guard let admitted else { return [] }
            persist(admitted)
        }
        let hostname = configuration.hostname
        let subject = AlertRouting.subject(
            alertClass: .system,
            severity: .warning,
            hostname: hostname,
            text: alert.text
        )
        var sent: [String] = []
        for recipient in recipients {
            let message = alert.message(
                to: recipient,
                from: "alert@\(hostname)",
                hostname: hostname,
                serial: serial,
                timestamp: clock.appliance(now, zone: false)
            )
            if let failure = deliver(message, "alert@\(hostname)", recipient) {
                systemLog.append("Warning: the alert to \(recipient) could not be sent: \(failure)")
            } else {
                systemLog.append("Info: A System/Warning alert was sent to \(recipient) with subject \"\(subject)\"")
                sent.append(recipient)
            }
        }
        return sent
    }
}

extension PostfixInstance {
    /// Hands `message` to this instance's Postfix (`sendmail -C {etc} -f {sender} -- {recipient}`);
    /// nil on success, else the cause in one line.
    public func sendmail(_ message: String, sender: String, recipient: String) -> String? {
        sendmail(message, sender: sender, recipients: [recipient])
    }

    /// The same for several recipients of one message.
    public func sendmail(_ message: String, sender: String, recipients: [String]) -> String? {
        let file = paths.root + "/message-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).eml"
        do {
            try Self.writeAtomically(file, message, mode: 0o600)
        } catch {
            return "\(error)"
        }
        defer { unlink(file) }
        do {
            let outcome = try ChildProcess.run(
                [Self.sendmailProgram, "-C", paths.configuration, "-f", sender, "-i", "--"] + recipients,
                input: file,
                timeout: .seconds(30)
            )
            return outcome.succeeded ? nil : Self.cause(outcome.lastLine)
        } catch {
            return "\(error)"
        }
    }

    public static let sendmailProgram = "/usr/sbin/sendmail"
}

/// `Mon Nov 30 2026 20:50:00 UTC`-style dates in alert texts.
enum UTCDate {
    static func text(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%b %e %H:%M:%S %Y GMT", &parts)
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
