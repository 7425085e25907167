/// Who receives an alert and what its subject says (other-commands.md §5). Pure functions of the
/// configuration; the mail engine that sends the alerts uses them.
public enum AlertRouting {
    /// Whether `recipient` receives alerts of this class and severity: its severity is `All` or the
    /// alert's, and its class is `All` or the alert's.
    public static func receives(_ recipient: AlertRecipient, alertClass: AlertClass, severity: AlertSeverity) -> Bool {
        (recipient.severity == .all || recipient.severity == severity)
            && (recipient.alertClass == .all || recipient.alertClass == alertClass)
    }

    /// The addresses that receive an alert of this class and severity, in configuration order,
    /// each once (addresses compare ignoring case).
    public static func recipients(
        of settings: AlertSettings,
        alertClass: AlertClass,
        severity: AlertSeverity
    ) -> [String] {
        var seen = Set<String>()
        return settings.recipients.compactMap { recipient in
            guard receives(recipient, alertClass: alertClass, severity: severity),
                seen.insert(recipient.address.lowercased()).inserted
            else { return nil }
            return recipient.address
        }
    }

    /// `{Severity} <{Class}> {hostname}: {text}` (exact layout).
    public static func subject(
        alertClass: AlertClass,
        severity: AlertSeverity,
        hostname: String,
        text: String
    ) -> String {
        "\(severity.rawValue) <\(alertClass.rawValue)> \(hostname): \(text)"
    }

    /// The recipients of the required-TLS alert: a System / Warning alert.
    public static func requiredTLSRecipients(of settings: AlertSettings) -> [String] {
        recipients(of: settings, alertClass: .system, severity: .warning)
    }

    /// `Warning <System> {hostname}: TLS required for delivery to {domain} failed`.
    public static func requiredTLSSubject(domain: String, hostname: String) -> String {
        subject(
            alertClass: .system,
            severity: .warning,
            hostname: hostname,
            text: "TLS required for delivery to \(domain) failed"
        )
    }

    /// How long repeats of the same alert are suppressed after the alert was sent `repeats` times
    /// before: the initial interval, doubling each time, at most the maximum (seconds).
    public static func duplicateInterval(afterRepeats repeats: Int, settings: AlertSettings) -> Int {
        var interval = max(settings.initialDuplicateSeconds, 0)
        for _ in 0..<max(repeats, 0) {
            if interval >= settings.maximumDuplicateSeconds { break }
            interval *= 2
        }
        return min(interval, settings.maximumDuplicateSeconds)
    }
}
