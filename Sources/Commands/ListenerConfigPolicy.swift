import ApplianceConfig
import Shell

/// The mail flow parameter dialog of listenerconfig.md §5: HOSTACCESS DEFAULT, a policy's
/// parameters, and the default host access policy of NEW.
struct PolicyParametersDialog {
    let dialog: Dialog
    /// Whether the listener's certificate is `Demo` (enabling TLS then prints the Demo warning).
    let demoCertificate: Bool

    /// Asks every question with the current default as its default; returns the new defaults.
    func defaults(_ current: MailFlowParameters) throws -> MailFlowParameters {
        try ask(overrides: current, over: current, allowReset: false)
    }

    /// Asks every question with the policy's effective value as its default. An answer equal to that
    /// value leaves the policy as it was; `default` removes an override. Returns the new overrides.
    func policy(_ overrides: MailFlowParameters, defaults: MailFlowParameters) throws -> MailFlowParameters {
        try ask(overrides: overrides, over: defaults, allowReset: true)
    }

    private func ask(
        overrides: MailFlowParameters,
        over defaults: MailFlowParameters,
        allowReset: Bool
    ) throws -> MailFlowParameters {
        var result = overrides
        var effective: MailFlowParameters { result.applied(over: defaults) }
        typealias Key = MailFlowParameters.Key

        func number(_ key: Key, _ question: String, size: Bool = false) throws {
            guard let range = key.range, case .number(let current)? = effective.value(key) else { return }
            let complaint = size ? ListenerText.sizeComplaint(range) : ListenerText.complaint(range)
            let help = allowReset ? complaint + " Enter \"default\" to use the listener's default." : complaint
            let answer = try dialog.ask(
                [question],
                default: size ? Self.size(current) : String(current),
                format: AnswerFormat(help) { text -> Result<Int?, ShellError> in
                    if allowReset && text.lowercased() == "default" { return .success(nil) }
                    guard let value = size ? Self.parseSize(text) : Int(text), range.contains(value) else {
                        return .failure(.invalidInput(complaint))
                    }
                    return .success(value)
                }
            )
            guard let answer else { return }
            if let value = answer {
                if value != current { result.set(key, .number(value)) }
            } else {
                result.set(key, nil)
            }
        }

        let resetWords = allowReset ? ["default"] : []

        func flag(_ key: Key, _ question: String) throws {
            guard case .word(let current)? = effective.value(key) else { return }
            switch try dialog.yesNo([question], default: current == "on", alsoAccepting: resetWords) {
            case .value(let answer):
                if answer != (current == "on") { result.set(key, .word(answer ? "on" : "off")) }
            case .word:
                result.set(key, nil)
            }
        }

        /// A numbered choice among `cases` (`unset` when neither the policy nor the defaults say).
        func choice<Value: Equatable>(
            _ key: WritableKeyPath<MailFlowParameters, Value?>,
            _ question: String,
            _ cases: [Value],
            label: (Value) -> String,
            unset: Value
        ) throws {
            let current = effective[keyPath: key] ?? unset
            switch try dialog.choose(
                [question],
                items: cases.map(label),
                default: cases.firstIndex(of: current) ?? 0,
                alsoAccepting: resetWords
            ) {
            case .value(let index):
                if cases[index] != current { result[keyPath: key] = cases[index] }
            case .word:
                result[keyPath: key] = nil
            }
        }

        try number(
            .maxMessageSize,
            "Enter the maximum message size. Add a trailing k for kilobytes, M for megabytes, or no letter for bytes.",
            size: true
        )
        try number(
            .maxConcurrency,
            "Enter the maximum number of concurrent connections allowed from a single IP address."
        )
        try number(.maxMessagesPerSession, "Enter the maximum number of messages per connection.")
        try number(.maxRecipientsPerMessage, "Enter the maximum number of recipients per message.")
        try number(
            .maxRecipientsPerHour,
            "Enter the maximum number of recipients per hour from a remote host (-1 for no limit)."
        )
        try number(
            .dhapLimit,
            "Enter the maximum number of invalid recipients per hour (0 to disable Directory Harvest Attack Prevention)."
        )
        try flag(.useSenderBase, "Would you like to use SenderBase for flow control?")
        try flag(.spamCheck, "Would you like to enable anti-spam scanning?")
        try flag(.virusCheck, "Would you like to enable anti-virus scanning?")

        try choice(
            \.tls,
            "Would you like to allow encrypted TLS connections?",
            InboundTLS.allCases,
            label: Self.tlsLabel,
            unset: .off
        )
        let tlsChoice = effective.tls ?? .off
        if tlsChoice != .off {
            dialog.block(
                "You have chosen to enable TLS. Please use the 'certconfig' command to",
                "ensure that there is a valid certificate configured."
            )
            if demoCertificate { dialog.block(CertificateRules.demoWarning) }
        }

        try choice(
            \.smtpAuth,
            "Would you like to allow SMTP Authentication?",
            SMTPAuthentication.allCases,
            label: Self.authLabel,
            unset: .off
        )
        let authChoice = effective.smtpAuth ?? .off
        if tlsChoice != .off && authChoice != .off {
            try flag(.smtpAuthRequireTLS, "Require TLS to offer SMTP Authentication?")
        }
        return result
    }

    // MARK: Values

    /// `10M`, `512k` or bytes.
    static func size(_ bytes: Int) -> String {
        if bytes > 0 && bytes % 1_048_576 == 0 { return "\(bytes / 1_048_576)M" }
        if bytes > 0 && bytes % 1024 == 0 { return "\(bytes / 1024)k" }
        return String(bytes)
    }

    /// Bytes, `{n}k` or `{n}M` (either case); nil when not such a number.
    static func parseSize(_ text: String) -> Int? {
        var digits = Substring(text)
        var factor = 1
        switch digits.last {
        case "k", "K":
            factor = 1024
            digits = digits.dropLast()
        case "m", "M":
            factor = 1_048_576
            digits = digits.dropLast()
        default: break
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(digits),
            value <= Int.max / factor
        else { return nil }
        return value * factor
    }

    static func tlsLabel(_ tls: InboundTLS) -> String {
        switch tls {
        case .off: "No"
        case .on: "Preferred"
        case .required: "Required"
        case .onVerify: "Preferred - Verify"
        case .requireVerify: "Required - Verify"
        }
    }

    static func authLabel(_ auth: SMTPAuthentication) -> String {
        switch auth {
        case .off: "No"
        case .on: "Preferred"
        case .required: "Required"
        }
    }

    /// Reads `--{key}={value}` options of the batch forms into `parameters`. `default` removes an
    /// override when `allowReset`. Throws a one-line error naming the option.
    static func apply(
        options: [String: String],
        to parameters: inout MailFlowParameters,
        allowReset: Bool
    ) throws(ShellError) {
        for key in MailFlowParameters.Key.allCases {
            guard let text = options[key.rawValue] else { continue }
            let lower = text.lowercased()
            if lower == "default" {
                guard allowReset else {
                    throw .invalidInput("Invalid value for --\(key.rawValue): \"default\" applies to policies only.")
                }
                parameters.set(key, nil)
                continue
            }
            if let range = key.range {
                let value = key == .maxMessageSize ? parseSize(text) : Int(text)
                guard let value, range.contains(value) else {
                    throw .invalidInput(
                        "Invalid value for --\(key.rawValue): \"\(text)\". "
                            + (key == .maxMessageSize
                                ? ListenerText.sizeComplaint(range) : ListenerText.complaint(range))
                    )
                }
                parameters.set(key, .number(value))
            } else if let words = key.words {
                guard words.contains(lower) else {
                    throw .invalidInput(
                        "Invalid value for --\(key.rawValue): \"\(text)\". Use "
                            + words.dropLast().joined(separator: ", ") + " or \(words.last ?? "")."
                    )
                }
                parameters.set(key, .word(lower))
            }
        }
    }

    /// The option names of the parameters (`max_message_size`, `tls`, …).
    static var optionNames: Set<String> { Set(MailFlowParameters.Key.allCases.map(\.rawValue)) }
}
