/// Why a text (Host or Recipient Access Table, destination INI, the texts embedded in a
/// configuration file) was refused: the line and what was wrong there, as a code carrying the words
/// it is about. Nothing here is the administrator's wording: `ErrorPresenter` (Shell) writes
/// `Error: line {n}: {problem}` from it.
public struct TextLineError: Error, Sendable, Equatable {
    /// 1-based line number.
    public var line: Int
    public var code: Code

    public init(line: Int, _ code: Code) {
        self.line = line
        self.code = code
    }

    public enum Code: Sendable, Equatable {
        // Host Access Table (words as written, a policy with its `$`)
        case nothingAfterAll
        case invalidPolicyName(String)
        case policyAfterEntries(String)
        case duplicatePolicy(String)
        case duplicateSenderGroup(String)
        case invalidHost(String)
        case indentedOutsideBlock
        /// A line after a policy's action; the policy's name without `$`.
        case lineAfterPolicyAction(policy: String)
        case unknownAction(String)
        /// A line after the policy or action of a sender group or entry (its label).
        case lineAfterBehavior(String)
        case allTakesNoComment
        case commentExpected(after: String, found: String)
        case invalidPolicyReference(String)
        case keyValueExpected(found: String)
        case unknownParameter(String)
        case parameterValueKind(key: String, found: String)
        case duplicateParameter(String)
        case parameter(ParameterProblem)
        case parametersNotClosed(policy: String)
        case policyWithoutAction(String)
        case senderGroupWithoutBehavior(String)
        case entryWithoutBehavior(String)
        case allWithoutBehavior
        case noAllEntry
        /// A `$NAME` no policy defines; the name without `$`.
        case undefinedPolicy(String)

        // Recipient Access Table
        /// An indented line after the action of this pattern.
        case lineAfterPatternAction(String)
        /// An indented line before any pattern.
        case actionWithoutPattern(String)
        case unknownRecipientAction(String)
        case patternWithoutAction(String)
        case invalidDomain(String)
        case duplicateEntry(String)

        // Destination INI
        case headerNotClosed
        case defaultSectionTwice
        case invalidDomainName(String)
        case sectionTwice(String)
        case sectionOrKeyExpected(found: String)
        case unknownKey(String)
        case keyOutsideSection(String)
        case keyTwice(key: String, section: String)
        case defaultSectionMissing
        case defaultKeyMissing(String)
        case numberOutOfRange(key: String, range: ClosedRange<Int>, found: String)
        case notOneOf(key: String, accepted: [String], found: String)
        case unknownBounceProfile(String)
    }
}

/// Why a value does not fit a mail flow parameter (`MailFlowParameters.set`): the key tells the
/// range or the words it takes.
public enum ParameterProblem: Sendable, Equatable {
    /// A number where the key takes one of its words.
    case wordExpected(MailFlowParameters.Key)
    /// A number outside the key's range.
    case outOfRange(MailFlowParameters.Key)
    /// A word where the key takes a number.
    case numberExpected(MailFlowParameters.Key)
    /// A word the key does not know.
    case unknownWord(MailFlowParameters.Key)
}
