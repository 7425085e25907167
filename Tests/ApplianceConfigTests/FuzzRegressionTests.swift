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
                throws: XMLConfigError(
                    .syntax,
                    line: 1,
                    problem: "the file is in UCS-4 (UTF-32), which is not supported; save it as UTF-8 or ISO-8859-1"
                )
            ) {
                try XMLCodec.decode(Data(bytes), open: { $0 })
            }
        }
    }
}
