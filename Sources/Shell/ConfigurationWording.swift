import ApplianceConfig

/// The administrator's wording of the configuration's problems. `ApplianceConfig` reports codes
/// carrying names (`TextLineError`, `XMLConfigError`, `ValidationIssue`, `MergeConflict`); every
/// sentence they become is written here, once. Docs/Errors.md and the transcript tests hold these
/// strings byte for byte.
extension ErrorPresenter {
    /// The message for masked (or undecryptable) secrets (**exact**).
    public static let maskedSecretsMessage = "The file contains masked passphrases and cannot be loaded."

    /// `Error: line {n}: {problem}`.
    public static func message(_ error: TextLineError) -> String {
        "Error: line \(error.line): \(problem(error.code))"
    }

    /// `Error: line {n}: {problem}`, or the masked-secrets message.
    public static func message(_ error: XMLConfigError) -> String {
        switch error.code {
        case .maskedSecrets: maskedSecretsMessage
        case .libraryMissing: "Error: \(problem(error.problem))."
        default: "Error: line \(error.line): \(problem(error.problem))"
        }
    }

    /// `Error: {section}: {object}: {problem}` (commit.md §8.3).
    public static func message(_ issue: ValidationIssue) -> String {
        "Error: \(issue.section): \(object(issue.object)): \(problem(issue.code))"
    }

    /// `destconfig: example.com tls` — the section, the object and the settings both sides changed.
    public static func line(_ conflict: MergeConflict) -> String {
        let settings = conflict.settings.isEmpty ? "" : " " + conflict.settings.joined(separator: ", ")
        return "\(conflict.section): \(ChangeWording.object(conflict.object))\(settings)"
    }

    // MARK: Texts (HAT, RAT, destination INI)

    public static func problem(_ code: TextLineError.Code) -> String {
        let defaultSection = DestinationINI.defaultSection
        switch code {
        case .nothingAfterAll: return "nothing may follow the ALL entry"
        case .invalidPolicyName(let name): return "invalid policy name \"\(name)\" (use letters, digits and \"_\")"
        case .policyAfterEntries(let name): return "policy \"\(name)\" must come before the sender groups and entries"
        case .duplicatePolicy(let name): return "duplicate policy \"\(name)\""
        case .duplicateSenderGroup(let name): return "duplicate sender group \"\(name)\""
        case .invalidHost(let host): return "invalid host \"\(host)\""
        case .indentedOutsideBlock: return "indented line outside a policy or sender group"
        case .lineAfterPolicyAction(let policy): return "unexpected line after the action of policy \"$\(policy)\""
        case .unknownAction(let word): return "unknown action \"\(word)\""
        case .lineAfterBehavior(let label): return "unexpected line after the behavior of \"\(label)\""
        case .allTakesNoComment: return "the ALL entry takes no comment"
        case .commentExpected(let word, let found):
            return "expected a comment in parentheses after \"\(word)\", found \"\(found)\""
        case .invalidPolicyReference(let word): return "invalid policy name \"\(word)\""
        case .keyValueExpected(let found): return "expected \"key = value\" or \"}\", found \"\(found)\""
        case .unknownParameter(let key): return "unknown parameter \"\(key)\""
        case .parameterValueKind(let key, let found):
            return "the value of \"\(key)\" must be a number or a quoted string, found \"\(found)\""
        case .duplicateParameter(let key): return "duplicate parameter \"\(key)\""
        case .parameter(let problem): return Self.problem(problem)
        case .parametersNotClosed(let policy): return "the parameters of policy \"\(policy)\" are not closed with \"}\""
        case .policyWithoutAction(let policy): return "policy \"\(policy)\" has no action"
        case .senderGroupWithoutBehavior(let label): return "sender group \"\(label)\" has no policy or action"
        case .entryWithoutBehavior(let label): return "entry \"\(label)\" has no policy or action"
        case .allWithoutBehavior: return "ALL has no policy or action"
        case .noAllEntry: return "the table does not end with an ALL entry"
        case .undefinedPolicy(let name): return "policy \"$\(name)\" is not defined"
        case .lineAfterPatternAction(let pattern): return "unexpected line after the action of \"\(pattern)\""
        case .actionWithoutPattern(let text): return "\"\(text)\" must follow a domain"
        case .unknownRecipientAction(let word): return "unknown action \"\(word)\" (ACCEPT or REJECT)"
        case .patternWithoutAction(let pattern): return "\"\(pattern)\" has no ACCEPT or REJECT"
        case .invalidDomain(let domain): return "invalid domain \"\(domain)\""
        case .duplicateEntry(let pattern): return "duplicate entry \"\(pattern)\""
        case .headerNotClosed: return "a section header must end with \"]\""
        case .defaultSectionTwice: return "the [\(defaultSection)] section appears twice"
        case .invalidDomainName(let name): return "invalid domain name \"\(name)\""
        case .sectionTwice(let domain): return "the section [\(domain)] appears twice"
        case .sectionOrKeyExpected(let found): return "expected \"[section]\" or \"key = value\", not \"\(found)\""
        case .unknownKey(let key): return "unknown key \"\(key)\""
        case .keyOutsideSection(let key): return "the key \"\(key)\" is outside any section"
        case .keyTwice(let key, let section): return "the key \"\(key)\" appears twice in [\(section)]"
        case .defaultSectionMissing: return "the [\(defaultSection)] section is missing"
        case .defaultKeyMissing(let key): return "the [\(defaultSection)] section lacks the key \"\(key)\""
        case .numberOutOfRange(let key, let range, let found):
            return "\(key) must be a number from \(range.lowerBound) to \(range.upperBound), not \"\(found)\""
        case .notOneOf(let key, let accepted, let found):
            return "\(key) must be \(accepted.joined(separator: ", ")), not \"\(found)\""
        case .unknownBounceProfile(let name): return "bounce profile \"\(name)\" does not exist"
        }
    }

    /// Why a value does not fit a mail flow parameter (HAT PRINT keys).
    public static func problem(_ problem: ParameterProblem) -> String {
        func quotedWords(_ key: MailFlowParameters.Key) -> String {
            (key.words ?? []).map { "\"\($0)\"" }.joined(separator: ", ")
        }
        switch problem {
        case .wordExpected(let key): return "the value of \"\(key.rawValue)\" must be one of \(quotedWords(key))"
        case .outOfRange(let key):
            let range = key.range ?? 0...0
            return "the value of \"\(key.rawValue)\" must be a number from \(range.lowerBound) to \(range.upperBound)"
        case .numberExpected(let key): return "the value of \"\(key.rawValue)\" must be a number"
        case .unknownWord(let key): return "the value of \"\(key.rawValue)\" must be one of \(quotedWords(key))"
        }
    }

    // MARK: The configuration file

    public static func problem(_ problem: XMLConfigError.Problem) -> String {
        switch problem {
        case .ucs4: return "the file is in UCS-4 (UTF-32), which is not supported; save it as UTF-8 or ISO-8859-1"
        case .processingInstructionWithoutData:
            return "a processing instruction without data (<?name?>) is not supported"
        case .entityDeclared(let name):
            return "the entity \"\(name)\" is declared; entities are not supported (write & as &amp;)"
        case .endsBefore(let open): return "the file ends before </\(open.name)> (opened on line \(open.line))"
        case .noConfigElement: return "the file holds no <config> element"
        case .unsupportedEncoding(let name):
            return "the encoding \"\(name)\" is not supported; save the file as UTF-8 or ISO-8859-1"
        case .invalidUTF16: return "the file is not valid UTF-16"
        case .notASCII: return "the file is declared US-ASCII but is not"
        case .parserCannotStart: return "the XML parser cannot start (out of memory)"
        case .nestedTooDeep(let depth): return "elements are nested more than \(depth) levels deep"
        case .parser(let problem): return Self.problem(problem)
        case .rootElement(let name): return "the root element is <\(name)>, not <config>"
        case .certificateProfile(let name, let reason): return "certificate profile \"\(name)\": \(reason)"
        case .demoProfileMissing:
            return
                "the \"\(ApplianceConfiguration.demoProfileName)\" certificate profile is missing; it cannot be removed"
        case .validation(let issue): return "\(object(issue.object)): \(Self.problem(issue.code))"
        case .invalidNetmask(let text): return "invalid netmask \"\(text)\""
        case .notAPrivateKey: return "<key> holds neither a PEM private key nor an encrypted one"
        case .encryptedAttribute(let value): return "invalid value \"\(value)\" of the attribute encrypted (yes or no)"
        case .unknownElement(let name, let parent): return "unknown element <\(name)> in <\(parent)>"
        case .unexpectedText(let parent): return "unexpected text in <\(parent)>"
        case .repeatedElement(let name, let parent): return "<\(name)> appears more than once in <\(parent)>"
        case .missingElement(let name, let parent): return "<\(parent)> lacks <\(name)>"
        case .unexpectedElement(let name, let parent): return "unexpected element <\(name)> in <\(parent)>"
        case .numberOutOfRange(let element, let range, let found):
            return "<\(element)> must be a number from \(range.lowerBound) to \(range.upperBound), not \"\(found)\""
        case .notAFlag(let element, let found): return "<\(element)> must be 1 or 0, not \"\(found)\""
        case .cannotRebuild: return "the configuration cannot be rebuilt"
        case .givenAsJSON(let name): return "<\(name)> must not be given as JSON"
        case .invalidJSON(let name): return "<\(name)> does not hold valid JSON"
        case .invalidValue(let path): return "invalid value at \(path)"
        case .invalidAddress(let address): return "invalid address \"\(address)\""
        case .unknownAlertClass(let name):
            return "unknown alert class \"\(name)\" (\(AlertClass.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .unknownSeverity(let name):
            return "unknown severity \"\(name)\" (\(AlertSeverity.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .duplicateSecondsOrder:
            return "<maximum_duplicate_seconds> must not be less than <initial_duplicate_seconds>"
        case .invalidListenerName(let name):
            return "invalid listener name \"\(name)\" (use letters, digits, \"_\", \"-\" and \".\")"
        case .listenerType(let name): return "<type> must be public or private, not \"\(name)\""
        case .text(let code): return Self.problem(code)
        case .hostAccessDefaults(let problem): return "<hat_defaults>: \(Self.problem(problem))"
        case .emptyRevocationListName: return "<crl> has an empty <name>"
        case .duplicateRevocationListName(let name): return "duplicate CRL name \"\(name)\""
        case .notARevocationList(let name): return "CRL \"\(name)\": <pem> holds no PEM revocation list"
        case .unknownRole(let text): return "unknown role \"\(text)\""
        case .userStatus: return "<status> must be available or locked"
        case .noPassphraseHash: return "<passphrase> holds no passphrase hash"
        case .maskedSecrets: return maskedSecretsMessage
        case .libraryMissing(let library, let reason): return "cannot load libxml2 (\(library)): \(reason)"
        }
    }

    /// What libxml2 reported, as a reason an administrator can act on.
    public static func problem(_ problem: XMLConfigError.ParserProblem) -> String {
        func describe(_ open: XMLConfigError.OpenElement) -> String { "<\(open.name)> (opened on line \(open.line))" }
        switch problem {
        case .mismatchedClosingTag(let open):
            return open.map { "the closing tag does not match \(describe($0))" } ?? "mismatched closing tag"
        case .endsEarly(let open):
            return open.map { "the file ends before the end of \(describe($0))" } ?? "text after the end of <config>"
        case .empty: return "the file is empty"
        case .notXML: return "the file is not XML: it does not start with a tag"
        case .noElement: return "the file holds no <config> element"
        case .invalidCharacter: return "invalid character or character reference"
        case .badEntityReference: return "undefined or malformed entity reference (write & as &amp;)"
        case .malformedTag: return "malformed tag, or & or < not escaped"
        case .malformedAttribute: return "malformed attribute"
        case .unfinishedComment: return "unfinished comment"
        case .unsupportedEncoding: return "unsupported character encoding"
        case .cdataEnd: return "\"]]>\" is not allowed in text"
        case .other(let code): return "malformed XML (parser error \(code))"
        }
    }

    // MARK: Validation

    /// How an issue names its object (`listener "IncomingMail"`).
    public static func object(_ subject: ValidationIssue.Subject) -> String {
        switch subject {
        case .named(let name): name
        case .interface(let name): "interface \"\(name)\""
        case .listener(let name): "listener \"\(name)\""
        case .user(let name): "user \"\(name)\""
        case .destinationDefaults: "global settings"
        case .ldap: "LDAP"
        case .webSecurity: "web security"
        case .tlsLogging: "TLS logging"
        case .users: "users"
        }
    }

    public static func problem(_ code: ValidationIssue.Code) -> String {
        switch code {
        case .invalidHostName: return "invalid host name"
        case .missingProfile(let name): return "certificate profile \"\(name)\" does not exist"
        case .duplicateProfile: return "duplicate profile name"
        case .duplicateInterface: return "duplicate interface name"
        case .addressTwice(let address): return "address \(address) is used twice"
        case .invalidInterfaceHostName(let name): return "invalid host name \"\(name)\""
        case .duplicateListener: return "duplicate listener name"
        case .missingInterface(let name): return "interface \"\(name)\" does not exist"
        case .endpointTaken(let interface, let port):
            return "another listener uses interface \"\(interface)\" port \(port)"
        case .missingPolicy(let user, let policy):
            return "\(user.wording) names a missing policy \"$\(policy)\""
        case .missingBounceProfile(let name): return "bounce profile \"\(name)\" does not exist"
        case .invalidUserName: return "invalid user name"
        case .duplicateUserName: return "duplicate user name"
        case .noAdministrator: return "at least one available Administrator is needed"
        }
    }
}

extension HostAccessReference {
    /// `sender group "WHITELIST"`, `entry "10.1.1.1"`, `ALL`.
    public var wording: String {
        switch self {
        case .senderGroup(let name): "sender group \"\(name)\""
        case .inlineEntry(let members): "entry \"\(members.joined(separator: ", "))\""
        case .all: "ALL"
        }
    }
}
