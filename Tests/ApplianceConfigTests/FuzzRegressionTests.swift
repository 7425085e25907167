import ApplianceConfig
import Foundation
import Testing

/// Inputs found by the fuzz targets of Fuzz/ (Docs/Fuzzing.md), kept as tests once fixed.
@Suite struct FuzzRegressionTests {
    /// FuzzConfigXML: a UCS-4 file with a code point beyond U+10FFFF made libxml2 dereference a null
    /// pointer inside XMLParser, killing the process. UCS-4 files are now refused before parsing.
    @Test func aUCS4FileIsRefusedInsteadOfCrashingTheParser() {
        let inputs: [[UInt8]] = [
            [0x00, 0x00, 0x00, 0x3C, 0x00, 0x00, 0x00, 0x00, 0x84, 0x08, 0x84, 0x65],
            [0x00, 0x00, 0x00, 0x3C, 0x00, 0x00, 0x00, 0x63, 0x00, 0x11, 0x00, 0x00],
            [0x3C, 0x00, 0x00, 0x00, 0x63, 0x00, 0x00, 0x00],
            [0x00, 0x00, 0xFE, 0xFF, 0x00, 0x00, 0x00, 0x3C],
        ]
        for bytes in inputs {
            #expect(
                throws: XMLConfigError(.syntax, line: 1, .ucs4)
            ) {
                try XMLCodec.decode(Data(bytes), open: { $0 })
            }
        }
    }

    /// FuzzConfigXML: a processing instruction without data (`<?x?>`) made XMLParser call `strlen` on
    /// a null pointer, killing the process, in UTF-8 and in UTF-16 alike.
    @Test func aProcessingInstructionWithoutDataIsRefusedInsteadOfCrashingTheParser() {
        let inputs: [(bytes: [UInt8], line: Int)] = [
            (Array("<?x?>".utf8), 1),
            (Array("<config>\n<hostname>a.example.com</hostname>\n<?pi?></config>".utf8), 3),
            ([0xFF, 0xFE] + Array("<?x?>".utf8).flatMap { [$0, 0x00] }, 1),
        ]
        for input in inputs {
            #expect(throws: XMLConfigError(.syntax, line: input.line, .processingInstructionWithoutData)) {
                try XMLCodec.decode(Data(input.bytes), open: { $0 })
            }
        }
        // With data (or just a blank) it reaches the parser and is skipped as before.
        #expect(throws: XMLConfigError.self) { try XMLCodec.decode(Data("<?x ?>".utf8), open: { $0 }) }
    }

    /// FuzzConfigXML: libxml2 crashed (null pointer) when its own conversion from the declared
    /// encoding met a byte it could not convert. Files are now converted to UTF-8 before parsing;
    /// encodings that cannot be are refused.
    @Test func encodingsAreConvertedBeforeTheParserOrRefused() throws {
        func problem(_ bytes: [UInt8]) -> String? {
            do {
                _ = try XMLCodec.decode(Data(bytes), open: { $0 })
                return nil
            } catch {
                return error.description
            }
        }
        let arabic = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-6\"?>\n<config>".utf8) + [0xA1, 0xFF]
        #expect(
            problem(arabic)
                == "Error: line 1: the encoding \"ISO-8859-6\" is not supported; save the file as UTF-8 or ISO-8859-1"
        )
        let loneSurrogate: [UInt8] = [0xFF, 0xFE, 0x3C, 0x00, 0x63, 0x00, 0x3E, 0x00, 0x00, 0xD8, 0x3C, 0x00]
        #expect(problem(loneSurrogate) == "Error: line 1: the file is not valid UTF-16")
        #expect(
            problem(Array("<\0?\0x\0".utf8))
                == "Error: line 1: the encoding \"UTF-16 without a byte-order mark\" is not supported; "
                + "save the file as UTF-8 or ISO-8859-1"
        )
        // ISO-8859-1 and UTF-16 files still reach the reader, converted (the hostname check speaks).
        let latin: [UInt8] =
            Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<config>\n<hostname>".utf8) + [0xE9]
            + Array("</hostname>\n</config>\n".utf8)
        let units = Array(
            "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<config>\n<hostname>\u{E9}</hostname>\n</config>\n".utf16
        )
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in units { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(problem(latin) == "Error: line 3: \u{E9}: invalid host name")
        #expect(problem(utf16) == problem(latin))
    }
}
