import DomainNames
import FoundationEssentials
import TextSupport

/// The facts printed in the comment at the top of a configuration file (other-commands.md §6).
public struct XMLHeader: Sendable, Equatable {
    public var product: String
    public var model: String
    public var version: String
    public var serialNumber: String
    public var cpuCount: Int
    public var memoryGB: Int
    /// `Tue Sep 22 09:00:00 2026` (local time, no zone).
    public var currentTime: String

    public init(
        product: String,
        model: String,
        version: String,
        serialNumber: String,
        cpuCount: Int,
        memoryGB: Int,
        currentTime: String
    ) {
        self.product = product
        self.model = model
        self.version = version
        self.serialNumber = serialNumber
        self.cpuCount = cpuCount
        self.memoryGB = memoryGB
        self.currentTime = currentTime
    }

    /// The exact lines up to and including `<config>`.
    var text: String {
        """
        <?xml version="1.0" encoding="ISO-8859-1"?>
        <!DOCTYPE config SYSTEM "config.dtd">

        <!--
          Product: \(product)
          Model Number: \(model)
          Version: \(version)
          Serial Number: \(serialNumber)
          Number of CPUs: \(cpuCount)
          Memory (GB): \(memoryGB)
          Current Time: \(currentTime)
        -->
        <config>

        """
    }
}

/// How secrets (private keys) are written. They are never written in plain text.
public enum SecretMode {
    /// `<key>*****</key>`: the file cannot be loaded again.
    case mask
    /// `<key encrypted="yes">{sealed}</key>`, sealed with this appliance's own secret.
    case encrypt(seal: (String) throws -> String)
}

/// Why a configuration file could not be loaded. `description` is the one line the admin sees.
///
/// A code, the line and the problem found there as a value carrying the names it is about; the
/// administrator's wording (`Error: line {n}: {problem}`) is `ErrorPresenter`'s (Shell).
public struct XMLConfigError: Error, Sendable, Equatable {
    public enum Code: Sendable, Equatable, Hashable {
        /// Not well-formed XML.
        case syntax
        /// Well-formed, but not a valid configuration (unknown element, bad value, failed validation).
        case invalid
        /// The file holds masked secrets, or encrypted ones this appliance cannot open.
        case maskedSecrets
        /// libxml2, which reads configuration files, cannot be loaded (`line` is 0).
        case libraryMissing
    }

    public let code: Code
    /// The line of the file the problem was found on (1-based).
    public let line: Int
    public let problem: Problem

    public init(_ code: Code, line: Int, _ problem: Problem) {
        self.code = code
        self.line = line
        self.problem = problem
    }

    /// A file with masked (or undecryptable) secrets.
    public static func maskedSecrets(line: Int) -> XMLConfigError {
        XMLConfigError(.maskedSecrets, line: line, .maskedSecrets)
    }

    /// A second object with a name an earlier element of its section took (a keyed section holds
    /// each name once): reported at the second element, as validation words it.
    static func duplicate(_ node: XMLNode, _ issue: ValidationIssue) -> XMLConfigError {
        XMLConfigError(.invalid, line: node.line, .validation(issue))
    }

    /// What is wrong on the line; element names without their angle brackets.
    public enum Problem: Sendable, Equatable {
        // Reading the file (code `.syntax`)
        case ucs4
        case processingInstructionWithoutData
        case entityDeclared(String)
        case endsBefore(element: OpenElement)
        case noConfigElement
        case unsupportedEncoding(String)
        case invalidUTF16
        case notASCII
        case parserCannotStart
        case nestedTooDeep(Int)
        case parser(ParserProblem)
        // The configuration it holds (code `.invalid`)
        case rootElement(String)
        /// A certificate profile the certificate rules refuse; the reason is theirs (Commands).
        case certificateProfile(String, reason: String)
        case demoProfileMissing
        case validation(ValidationIssue)
        case invalidNetmask(String)
        case notAPrivateKey
        case encryptedAttribute(String)
        case unknownElement(String, in: String)
        case unexpectedText(in: String)
        case repeatedElement(String, in: String)
        case missingElement(String, in: String)
        case unexpectedElement(String, in: String)
        case numberOutOfRange(element: String, range: ClosedRange<Int>, found: String)
        case notAFlag(element: String, found: String)
        case cannotRebuild
        case givenAsJSON(String)
        case invalidJSON(String)
        case invalidValue(at: String)
        case invalidAddress(String)
        case unknownAlertClass(String)
        case unknownSeverity(String)
        case duplicateSecondsOrder
        case invalidListenerName(String)
        case listenerType(String)
        /// A text embedded in the file (HAT, RAT, destination table); the line is the file's.
        case text(TextLineError.Code)
        case hostAccessDefaults(ParameterProblem)
        case emptyRevocationListName
        case duplicateRevocationListName(String)
        case notARevocationList(String)
        case unknownRole(String)
        case userStatus
        case noPassphraseHash
        // Code `.maskedSecrets`
        case maskedSecrets
        // Code `.libraryMissing`: the shared object's name and the dynamic loader's reason.
        case libraryMissing(String, reason: String)
    }

    /// An element still open where the problem was found.
    public struct OpenElement: Sendable, Equatable {
        public var name: String
        public var line: Int
    }

    /// What libxml2 reported, sorted into the cases an administrator can act on.
    public enum ParserProblem: Sendable, Equatable {
        case mismatchedClosingTag(open: OpenElement?)
        /// The file ends inside `open`; nil: text after the end of `<config>`.
        case endsEarly(open: OpenElement?)
        case empty
        case notXML
        /// Only a declaration, comments or processing instructions: no element at all.
        case noElement
        case invalidCharacter
        case badEntityReference
        case malformedTag
        case malformedAttribute
        case unfinishedComment
        case unsupportedEncoding
        case cdataEnd
        case other(Int)
    }
}

/// The appliance configuration file: `showconfig`, `saveconfig`, `loadconfig`, `mailconfig`.
///
/// The file is pure ASCII: every other character is written as a character reference, so the
/// `ISO-8859-1` declaration of the header is true whatever the configuration holds.
public enum XMLCodec {
    /// What a masked secret looks like in a file.
    public static let maskedSecret = "*****"

    /// The whole file for `configuration`.
    public static func encode(
        _ configuration: ApplianceConfiguration,
        header: XMLHeader,
        secrets: SecretMode
    ) throws -> String {
        var writer = XMLWriter(depth: 1)
        // Each section's element as its table entry declares it, a blank line between elements.
        for layout in ApplianceConfiguration.xmlLayouts {
            var element = XMLWriter(depth: 1)
            try layout.write(configuration, &element, secrets)
            if element.text.isEmpty { continue }
            if !writer.text.isEmpty { writer.blank() }
            writer.append(element)
        }

        for extra in try XMLExtraSections.encode(configuration) {
            writer.blank()
            writer.element(extra.element, extra.json, attributes: [("format", "json")])
        }

        writer.blank()
        return header.text + writer.text + "</config>\n"
    }

    /// Reads a file's bytes (any encoding its declaration names). `open` turns an encrypted secret
    /// back into plain text (or throws); `checkProfile` returns a problem with a certificate profile
    /// (a key that does not match its certificate) that needs the certificate module to find.
    public static func decode(
        _ data: Data,
        open: (String) throws -> String,
        checkProfile: (CertificateProfileRecord) -> String? = { _ in nil }
    ) throws(XMLConfigError) -> ApplianceConfiguration {
        let root = try XMLTree.parse(data)
        var reader = ConfigurationReader()
        return try reader.read(root, open: open, checkProfile: checkProfile)
    }

    /// Reads a file for `loadconfig`: a section the file does not have keeps `base`'s value (a
    /// partial file never removes what it does not mention), and a certificates section without the
    /// Demo profile is refused. Returns the configuration and the sections kept from `base`.
    public static func decode(
        _ data: Data,
        merging base: ApplianceConfiguration,
        open: (String) throws -> String,
        checkProfile: (CertificateProfileRecord) -> String? = { _ in nil }
    ) throws(XMLConfigError) -> (configuration: ApplianceConfiguration, kept: [String]) {
        let root = try XMLTree.parse(data)
        var reader = ConfigurationReader()
        reader.base = base
        let configuration = try reader.read(root, open: open, checkProfile: checkProfile)
        return (configuration, reader.kept)
    }

    /// The bytes of pasted text: a file declared as ISO-8859-1 is re-encoded that way.
    public static func data(ofPasted text: String) -> Data {
        let declaration = text.prefix(200).lowercased()
        let latin = declaration.contains("iso-8859-1") || declaration.contains("latin1")
        return latin ? text.data(using: .isoLatin1) ?? Data(text.utf8) : Data(text.utf8)
    }

    /// Reads pasted text. A file declared as ISO-8859-1 is re-encoded that way, so the declaration holds.
    public static func decode(
        text: String,
        open: (String) throws -> String,
        checkProfile: (CertificateProfileRecord) -> String? = { _ in nil }
    ) throws(XMLConfigError) -> ApplianceConfiguration {
        try decode(data(ofPasted: text), open: open, checkProfile: checkProfile)
    }
}

/// Netmasks are written dotted for IPv4 (`255.255.255.0`) and as a prefix length otherwise.
enum Netmask {
    static func text(prefixLength: Int, address: String) -> String {
        guard !address.contains(":"), (0...32).contains(prefixLength) else { return String(prefixLength) }
        let mask: UInt32 = prefixLength == 0 ? 0 : UInt32.max << UInt32(32 - prefixLength)
        return [24, 16, 8, 0].map { String((mask >> UInt32($0)) & 0xFF) }.joined(separator: ".")
    }

    /// The prefix length of `255.255.255.0`, `0xffffff00` or `24`; nil when not a contiguous mask.
    static func prefixLength(_ text: String) -> Int? {
        if let number = Int(text) { return (0...128).contains(number) ? number : nil }
        var mask: UInt32
        if text.lowercased().hasPrefix("0x") {
            guard text.count == 10, let value = UInt32(text.dropFirst(2), radix: 16) else { return nil }
            mask = value
        } else {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            mask = 0
            for part in parts {
                guard let byte = UInt8(part) else { return nil }
                mask = mask << 8 | UInt32(byte)
            }
        }
        let length = (~mask).leadingZeroBitCount
        guard mask == (length == 0 ? 0 : UInt32.max << UInt32(32 - length)) else { return nil }
        return length
    }
}

/// Writes indented elements with escaped, ASCII-only text.
struct XMLWriter {
    private(set) var text = ""
    var depth: Int

    init(depth: Int) { self.depth = depth }

    private var indent: String { String(repeating: "  ", count: depth) }

    mutating func open(_ name: String) {
        text += "\(indent)<\(name)>\n"
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        text += "\(indent)</\(name)>\n"
    }

    mutating func blank() { text += "\n" }

    /// What another writer wrote.
    mutating func append(_ other: XMLWriter) { text += other.text }

    mutating func element(_ name: String, _ value: String, attributes: [(String, String)] = []) {
        let attributeText = attributes.map {
            " \($0.0)=\"\(Self.escapeAttribute($0.1))\""
        }.joined()
        text += "\(indent)<\(name)\(attributeText)>\(Self.escape(value))</\(name)>\n"
    }

    /// An element holding a text format (HAT, RAT, INI) in CDATA, starting on the line after the
    /// tag so that line `n` of the text is line `n` after the tag's line; closed at the left margin.
    /// `]]>` and characters a CDATA section cannot hold in an ASCII file leave the section briefly.
    mutating func cdata(_ name: String, _ value: String) {
        text += "\(indent)<\(name)><![CDATA[\n\(Self.cdataBody(value))]]></\(name)>\n"
    }

    static func cdataBody(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.replacingScalars("]]>", with: "]]]]><![CDATA[>").unicodeScalars {
            if scalar == "\n" || scalar == "\t" || (scalar.value >= 0x20 && scalar.value < 0x7F) {
                out.unicodeScalars.append(scalar)
            } else if isForbidden(scalar) {
                out += "]]>&#65533;<![CDATA["
            } else {
                out += "]]>&#\(scalar.value);<![CDATA["
            }
        }
        return out
    }

    /// An attribute value: as `escape`, and `"`, LF and TAB as references (a parser turns a raw LF
    /// or TAB in an attribute into a space).
    static func escapeAttribute(_ value: String) -> String {
        escape(value).replacingScalars("\"", with: "&quot;").replacingScalars("\n", with: "&#10;")
            .replacingScalars("\t", with: "&#9;")
    }

    /// Writes the element only when there is a value.
    mutating func optional(_ name: String, _ value: String?) {
        if let value { element(name, value) }
    }

    /// Writes a name (a certificate profile reference) as stored, only when there is one.
    mutating func optional<Kind>(_ name: String, _ value: Name<Kind>?) {
        if let value { element(name, value.text) }
    }

    static func flag(_ value: Bool) -> String { value ? "1" : "0" }

    /// Characters XML 1.0 cannot hold, not even as a character reference: the C0 controls other
    /// than TAB, LF and CR, and U+FFFE, U+FFFF. Written as U+FFFD (the replacement character), so
    /// that every saved file loads back.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: false
        case 0x00...0x1F, 0xFFFE, 0xFFFF: true
        default: false
        }
    }

    /// `&`, `<`, `>` as entities; CR, every non-ASCII character and, in attributes, LF and TAB as
    /// character references; characters XML forbids as U+FFFD.
    static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            default:
                if isForbidden(scalar) {
                    out += "&#65533;"
                } else if scalar.value < 0x20 || scalar.value >= 0x7F {
                    out += "&#\(scalar.value);"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
