import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// One element of a parsed configuration file, with the line it starts on.
final class XMLNode {
    let name: String
    let attributes: [String: String]
    let line: Int
    var children: [XMLNode] = []
    /// Character data and CDATA directly inside this element, concatenated.
    var text = ""

    init(name: String, attributes: [String: String], line: Int) {
        self.name = name
        self.attributes = attributes
        self.line = line
    }
}

/// Parses a file into a small element tree with FoundationXML's SAX parser (which knows line numbers).
/// Comments, the declaration and the DOCTYPE are skipped; external entities are never loaded.
enum XMLTree {
    static func parse(_ data: Data) throws(XMLConfigError) -> XMLNode {
        if isUCS4(data) {
            throw XMLConfigError(
                .syntax,
                line: 1,
                problem: "the file is in UCS-4 (UTF-32), which is not supported; save it as UTF-8 or ISO-8859-1"
            )
        }
        if let line = bareProcessingInstructionLine(data) {
            throw XMLConfigError(
                .syntax,
                line: line,
                problem: "a processing instruction without data (<?name?>) is not supported"
            )
        }
        let builder = TreeBuilder()
        builder.isBlank = data.allSatisfy { [0x20, 0x09, 0x0A, 0x0D].contains($0) }
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        parser.delegate = builder
        _ = parser.parse()
        if let error = builder.error { throw error }
        if let open = builder.stack.last {
            // Some premature ends are not reported as errors by the parser.
            throw XMLConfigError(
                .syntax,
                line: max(parser.lineNumber, open.line),
                problem: "the file ends before </\(open.name)> (opened on line \(open.line))"
            )
        }
        guard let root = builder.root else {
            throw XMLConfigError(
                .syntax,
                line: max(parser.lineNumber, 1),
                problem: "the file holds no <config> element"
            )
        }
        return root
    }

    /// Whether the file starts the way libxml2 recognises UCS-4: a byte-order mark or `<` in any of
    /// the four byte orders. libxml2 (2.9) dereferences a null pointer on a UCS-4 file holding a code
    /// point beyond U+10FFFF (`00 00 00 3C 84 08 84 65` crashes the process), so these files never
    /// reach it. Found by Fuzz/FuzzConfigXML.
    static func isUCS4(_ data: Data) -> Bool {
        let signatures: [[UInt8]] = [
            [0x00, 0x00, 0xFE, 0xFF], [0xFF, 0xFE, 0x00, 0x00], [0x00, 0x00, 0xFF, 0xFE], [0xFE, 0xFF, 0x00, 0x00],
            [0x00, 0x00, 0x00, 0x3C], [0x3C, 0x00, 0x00, 0x00], [0x00, 0x00, 0x3C, 0x00], [0x00, 0x3C, 0x00, 0x00],
        ]
        let start = Array(data.prefix(4))
        return signatures.contains(start)
    }

    /// The line of the first processing instruction without data (`<?name?>`), if any. libxml2 hands
    /// FoundationXML a null data pointer for it, and `XMLParser` calls `strlen` on it: a SEGV that
    /// killed the shell on `loadconfig` (found by Fuzz/FuzzConfigXML). NUL bytes are skipped, so the
    /// UTF-16 forms are found too; one inside a comment is refused as well, which costs nothing.
    static func bareProcessingInstructionLine(_ data: Data) -> Int? {
        let bytes = data.filter { $0 != 0 }
        let question = UInt8(ascii: "?")
        var line = 1
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x0A { line += 1 }
            guard byte == UInt8(ascii: "<"), bytes.index(after: index) < bytes.endIndex,
                bytes[bytes.index(after: index)] == question
            else {
                index = bytes.index(after: index)
                continue
            }
            var end = bytes.index(index, offsetBy: 2)
            while end < bytes.endIndex, ![0x20, 0x09, 0x0A, 0x0D, question].contains(bytes[end]) {
                end = bytes.index(after: end)
            }
            let named = end > bytes.index(index, offsetBy: 2)
            let closes =
                end < bytes.endIndex && bytes.index(after: end) < bytes.endIndex
                && bytes[end] == question && bytes[bytes.index(after: end)] == UInt8(ascii: ">")
            if named && closes { return line }
            index = bytes.index(after: index)
        }
        return nil
    }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMLNode] = []
    var root: XMLNode?
    var error: XMLConfigError?
    /// The data holds nothing but white space (libxml2 reports that and "not XML at all" with one code).
    var isBlank = false

    func parser(
        _ parser: XMLParser,
        didStartElement elementName: String,
        namespaceURI: String?,
        qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        guard error == nil else { return }
        let node = XMLNode(name: elementName, attributes: attributes, line: parser.lineNumber)
        if let parent = stack.last {
            parent.children.append(node)
        } else if root == nil {
            root = node
        }
        stack.append(node)
    }

    func parser(
        _ parser: XMLParser,
        didEndElement elementName: String,
        namespaceURI: String?,
        qualifiedName: String?
    ) {
        guard error == nil else { return }
        _ = stack.popLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard error == nil else { return }
        stack.last?.text += string
    }

    func parser(_ parser: XMLParser, foundCDATA block: Data) {
        guard error == nil, let node = stack.last else { return }
        // The indentation before a CDATA section that opens the content is layout, not text: the
        // embedded formats (HAT, RAT, INI) give leading blanks a meaning. Line breaks stay, so a
        // line of the text is still found by counting from the element's tag.
        if node.text.allSatisfy(\.isWhitespace) {
            while let last = node.text.last, last == " " || last == "\t" { node.text.removeLast() }
        }
        node.text += String(decoding: block, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        guard error == nil else { return }
        let code = (parseError as NSError).code
        error = XMLConfigError(.syntax, line: max(parser.lineNumber, 1), problem: describe(code))
        parser.abortParsing()
    }

    /// FoundationXML on Linux gives only a code: libxml2's `xmlParserErrors` number.
    private func describe(_ code: Int) -> String {
        let open = stack.last.map { "<\($0.name)> (opened on line \($0.line))" }
        switch code {
        case 76:
            return open.map { "the closing tag does not match \($0)" } ?? "mismatched closing tag"
        case 5, 77:
            return open.map { "the file ends before the end of \($0)" } ?? "text after the end of <config>"
        case 4:
            return isBlank ? "the file is empty" : "the file is not XML: it does not start with a tag"
        case 6, 7, 8, 9, 10:
            return "invalid character or character reference"
        case 14, 22, 23, 26, 27:
            return "undefined or malformed entity reference (write & as &amp;)"
        case 68, 72, 73, 74:
            return "malformed tag, or & or < not escaped"
        case 38, 39, 40, 41, 42, 43, 44:
            return "malformed attribute"
        case 45:
            return "unfinished comment"
        case 31, 32:
            return "unsupported character encoding"
        case 62:
            return "\"]]>\" is not allowed in text"
        default:
            return "malformed XML (parser error \(code))"
        }
    }
}
