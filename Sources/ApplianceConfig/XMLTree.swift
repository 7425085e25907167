internal import CLibXML2
import FoundationEssentials

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

    /// Frees the subtree with a loop rather than one nested release per level.
    deinit {
        guard !children.isEmpty else { return }
        var pending = children
        children = []
        while let node = pending.popLast() {
            pending += node.children
            node.children = []
        }
    }
}

/// Parses a file into a small element tree with libxml2's SAX2 parser (which knows line numbers).
/// Comments, the declaration and the DOCTYPE are skipped; external entities are never loaded.
enum XMLTree {
    /// The deepest nesting of elements a configuration file may have (a saved file uses 7 levels).
    static let maximumDepth = 64

    static func parse(_ original: Data) throws(XMLConfigError) -> XMLNode {
        if isUCS4(original) {
            throw XMLConfigError(.syntax, line: 1, .ucs4)
        }
        let data = try utf8Document(original)
        if let line = bareProcessingInstructionLine(data) {
            throw XMLConfigError(.syntax, line: line, .processingInstructionWithoutData)
        }
        if let (line, name) = entityDeclaration(data) {
            throw XMLConfigError(.syntax, line: line, .entityDeclared(name))
        }
        let builder = try TreeBuilder(library: LibXML2.shared.get())
        let blank: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
        builder.isBlank = data.allSatisfy(blank.contains)
        builder.startsWithTag = data.first { !blank.contains($0) } == UInt8(ascii: "<")
        builder.run(data)
        if let error = builder.error { throw error }
        if let open = builder.stack.last {
            // Some premature ends are not reported as errors by the parser.
            throw XMLConfigError(
                .syntax,
                line: max(builder.endLine, open.line),
                .endsBefore(element: .init(name: open.name, line: open.line))
            )
        }
        guard let root = builder.root else {
            throw XMLConfigError(
                .syntax,
                line: max(builder.endLine, 1),
                .noConfigElement
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

    /// The file as UTF-8, which libxml2 reads itself. libxml2 (2.9) dereferences a null pointer when
    /// its own conversion from another encoding meets a byte it cannot convert (a lone UTF-16
    /// surrogate, an unassigned ISO-8859-6 byte: found by Fuzz/FuzzConfigXML), so it never converts:
    /// ISO-8859-1, US-ASCII and UTF-16 (with a byte-order mark) are converted here and the
    /// declaration is rewritten to say UTF-8; any other declared encoding is refused.
    static func utf8Document(_ data: Data) throws(XMLConfigError) -> Data {
        var bytes = [UInt8](data)
        let unsupported = { (name: String) in
            XMLConfigError(.syntax, line: 1, .unsupportedEncoding(name))
        }
        let text: String
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let bigEndian = bytes[0] == 0xFE
            var units: [UInt16] = []
            var index = 2
            while index + 1 < bytes.count {
                let (high, low) = bigEndian ? (bytes[index], bytes[index + 1]) : (bytes[index + 1], bytes[index])
                units.append(UInt16(high) << 8 | UInt16(low))
                index += 2
            }
            var scalars = String.UnicodeScalarView()
            var iterator = units.makeIterator()
            var decoder = UTF16()
            decoding: while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let scalar): scalars.append(scalar)
                case .emptyInput: break decoding
                case .error:
                    throw XMLConfigError(.syntax, line: 1, .invalidUTF16)
                }
            }
            guard index == bytes.count else {
                throw XMLConfigError(.syntax, line: 1, .invalidUTF16)
            }
            text = String(scalars)
        } else {
            // Signatures libxml2 would convert from on its own: UTF-16 without a byte-order mark, EBCDIC.
            if bytes.starts(with: [0x3C, 0x00, 0x3F, 0x00]) || bytes.starts(with: [0x00, 0x3C, 0x00, 0x3F]) {
                throw unsupported("UTF-16 without a byte-order mark")
            }
            if bytes.starts(with: [0x4C, 0x6F, 0xA7, 0x94]) { throw unsupported("EBCDIC") }
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            guard let name = declaredEncoding(bytes) else { return Data(bytes) }
            switch name.lowercased() {
            case "utf-8", "utf8":
                return Data(bytes)
            case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "iso-latin-1":
                text = String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
            case "us-ascii", "ascii":
                guard bytes.allSatisfy({ $0 < 0x80 }) else {
                    throw XMLConfigError(.syntax, line: 1, .notASCII)
                }
                text = String(decoding: bytes, as: UTF8.self)
            default:
                throw unsupported(name)
            }
        }
        return Data(utf8Declaration(text).utf8)
    }

    /// The `encoding` value of an ASCII `<?xml …?>` declaration at the start of `bytes`.
    private static func declaredEncoding(_ bytes: [UInt8]) -> String? {
        guard bytes.starts(with: Array("<?xml".utf8)) else { return nil }
        let declaration = String(decoding: bytes.prefix(while: { $0 != UInt8(ascii: ">") }), as: UTF8.self)
        return encodingValue(in: declaration)?.value
    }

    /// The value of `encoding="…"` (or `'…'`) in a declaration, and where it is.
    private static func encodingValue(in declaration: String) -> (value: String, range: Range<String.Index>)? {
        guard let key = declaration.firstRange(of: "encoding") else { return nil }
        var rest = declaration[key.upperBound...].drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        guard rest.first == "=" else { return nil }
        rest = rest.dropFirst().drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        let value = rest.dropFirst().prefix(while: { $0 != quote })
        return (String(value), value.startIndex..<value.endIndex)
    }

    /// `text` with the encoding of its declaration, if any, changed to UTF-8.
    private static func utf8Declaration(_ text: String) -> String {
        guard text.hasPrefix("<?xml"), let end = text.firstRange(of: "?>") else { return text }
        let declaration = String(text[..<end.lowerBound])
        guard let found = encodingValue(in: declaration) else { return text }
        var changed = declaration
        changed.replaceSubrange(found.range, with: "UTF-8")
        return changed + text[end.lowerBound...]
    }

    /// The line and name of the first entity declared in the document type (before `<config`). The
    /// parser drops references to such entities without a word, so a file declaring one is refused.
    static func entityDeclaration(_ data: Data) -> (line: Int, name: String)? {
        let bytes = [UInt8](data)
        let marker = Array("<!ENTITY".utf8)
        let root = Array("<config".utf8)
        var line = 1
        var index = 0
        while index + marker.count <= bytes.count {
            if bytes[index] == 0x0A { line += 1 }
            if bytes[index] == UInt8(ascii: "<") {
                if bytes[index...].starts(with: root) { return nil }
                if bytes[index...].starts(with: marker) {
                    let blanks: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: "%")]
                    let rest = bytes[(index + marker.count)...].drop { blanks.contains($0) }
                    let name = rest.prefix {
                        !blanks.contains($0) && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: ">")
                    }
                    return (line, String(decoding: name.prefix(64), as: UTF8.self))
                }
            }
            index += 1
        }
        return nil
    }

    /// The line of the first processing instruction without data (`<?name?>`), if any. libxml2 hands
    /// FoundationXML (used until issue 13) a null data pointer for it, and `XMLParser` called `strlen`
    /// on it: a SEGV that killed the shell on `loadconfig` (found by Fuzz/FuzzConfigXML). Still refused. NUL bytes are skipped, so the
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

/// Builds the tree from libxml2's SAX2 callbacks. The parser runs with the options FoundationXML's
/// `XMLParser` used (recover, substitute the predefined entities and character references, also in
/// attribute values) plus no network access; external entities and DTDs are never loaded.
private final class TreeBuilder {
    var stack: [XMLNode] = []
    var root: XMLNode?
    var error: XMLConfigError?
    /// The data holds nothing but white space (libxml2 reports that and "not XML at all" with one code).
    var isBlank = false
    /// The first character that is not white space is `<` (a declaration or a comment may be all).
    var startsWithTag = false
    /// The line the parser had reached when it stopped.
    private(set) var endLine = 1
    private var context: xmlParserCtxtPtr?
    /// libxml2's functions (opened on first use).
    private let library: LibXML2

    init(library: LibXML2) {
        self.library = library
    }

    /// The line the parser is on (where the current tag ends).
    private var line: Int { context.map { Int(library.lineNumber(UnsafeMutableRawPointer($0))) } ?? 1 }

    func run(_ data: Data) {
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.startElementNs = { user, localName, prefix, _, _, _, attributeCount, _, attributes in
            guard let user, let localName else { return }
            let builder = Unmanaged<TreeBuilder>.fromOpaque(user).takeUnretainedValue()
            var values: [String: String] = [:]
            if let attributes {
                for index in 0..<Int(max(0, attributeCount)) {
                    let base = index * 5
                    guard let name = attributes[base], let start = attributes[base + 3],
                        let end = attributes[base + 4]
                    else { continue }
                    let value = String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
                    values[TreeBuilder.qualified(name, attributes[base + 1])] = value
                }
            }
            builder.start(TreeBuilder.qualified(localName, prefix), attributes: values)
        }
        handler.endElementNs = { user, _, _, _ in
            guard let user else { return }
            let builder = Unmanaged<TreeBuilder>.fromOpaque(user).takeUnretainedValue()
            guard builder.error == nil else { return }
            _ = builder.stack.popLast()
        }
        handler.characters = { user, bytes, count in
            guard let user, let bytes else { return }
            let builder = Unmanaged<TreeBuilder>.fromOpaque(user).takeUnretainedValue()
            guard builder.error == nil else { return }
            builder.stack.last?.text += String(
                decoding: UnsafeBufferPointer(start: bytes, count: Int(max(0, count))),
                as: UTF8.self
            )
        }
        handler.cdataBlock = { user, bytes, count in
            guard let user, let bytes else { return }
            let builder = Unmanaged<TreeBuilder>.fromOpaque(user).takeUnretainedValue()
            builder.cdata(String(decoding: UnsafeBufferPointer(start: bytes, count: Int(max(0, count))), as: UTF8.self))
        }
        handler.serror = { user, problem in
            guard let user, let problem else { return }
            let builder = Unmanaged<TreeBuilder>.fromOpaque(user).takeUnretainedValue()
            builder.failed(code: Int(problem.pointee.code))
        }
        let user = Unmanaged.passUnretained(self).toOpaque()
        guard let context = library.createPushParser(&handler, user, nil, 0, nil) else {
            error = XMLConfigError(.syntax, line: 1, .parserCannotStart)
            return
        }
        self.context = context
        defer {
            endLine = line
            self.context = nil
            library.freeParser(context)
        }
        _ = library.useOptions(
            context,
            Int32(XML_PARSE_RECOVER.rawValue | XML_PARSE_NOENT.rawValue | XML_PARSE_NONET.rawValue)
        )
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: CChar.self)
            var offset = 0
            // In pieces: the count libxml2 takes is an Int32.
            repeat {
                let size = min(bytes.count - offset, 1 << 24)
                let last: Int32 = offset + size >= bytes.count ? 1 : 0
                _ = library.parseChunk(context, bytes.baseAddress.map { $0 + offset }, Int32(size), last)
                offset += size
            } while offset < bytes.count && error == nil
        }
    }

    /// `prefix:name` as written (namespaces are not processed).
    static func qualified(_ name: UnsafePointer<xmlChar>, _ prefix: UnsafePointer<xmlChar>?) -> String {
        let local = String(cString: name)
        guard let prefix else { return local }
        return String(cString: prefix) + ":" + local
    }

    private func start(_ name: String, attributes: [String: String]) {
        guard error == nil else { return }
        guard stack.count < XMLTree.maximumDepth else {
            error = XMLConfigError(.syntax, line: max(line, 1), .nestedTooDeep(XMLTree.maximumDepth))
            stop()
            return
        }
        let node = XMLNode(name: name, attributes: attributes, line: line)
        if let parent = stack.last {
            parent.children.append(node)
        } else if root == nil {
            root = node
        }
        stack.append(node)
    }

    private func cdata(_ block: String) {
        guard error == nil, let node = stack.last else { return }
        // The indentation before a CDATA section that opens the content is layout, not text: the
        // embedded formats (HAT, RAT, INI) give leading blanks a meaning. Line breaks stay, so a
        // line of the text is still found by counting from the element's tag.
        if node.text.allSatisfy(\.isWhitespace) {
            while let last = node.text.last, last == " " || last == "\t" { node.text.removeLast() }
        }
        node.text += block
    }

    private func failed(code: Int) {
        guard error == nil else { return }
        let problem = describe(code)
        // A problem of the whole file is reported at its first line, not where the parser gave up.
        let whole = problem == .empty || problem == .noElement
        error = XMLConfigError(.syntax, line: whole ? 1 : max(line, 1), .parser(problem))
        stop()
    }

    private func stop() {
        if let context { library.stopParser(context) }
    }

    /// libxml2's `xmlParserErrors` number as a problem an administrator can act on.
    private func describe(_ code: Int) -> XMLConfigError.ParserProblem {
        let open = stack.last.map { XMLConfigError.OpenElement(name: $0.name, line: $0.line) }
        switch code {
        case 76: return .mismatchedClosingTag(open: open)
        // The parser reports a document without any element as text after its end.
        case 5 where root == nil, 4: return isBlank ? .empty : startsWithTag ? .noElement : .notXML
        case 5, 77: return .endsEarly(open: open)
        case 6, 7, 8, 9, 10: return .invalidCharacter
        case 14, 22, 23, 26, 27: return .badEntityReference
        case 68, 72, 73, 74: return .malformedTag
        case 38, 39, 40, 41, 42, 43, 44: return .malformedAttribute
        case 45: return .unfinishedComment
        case 31, 32: return .unsupportedEncoding
        case 62: return .cdataEnd
        default: return .other(code)
        }
    }
}
