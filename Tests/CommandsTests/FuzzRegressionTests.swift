import Foundation
import Shell
import TestSupport
import Testing

/// Inputs found by the fuzz targets of Fuzz/ (Docs/Fuzzing.md), seen through the commands.
@Suite struct FuzzRegressionTests {
    /// FuzzConfigXML: `loadconfig` of this 12-byte file crashed the shell inside libxml2.
    @Test func loadconfigRefusesAUCS4FileAndChangesNothing() throws {
        let shell = try TestShell()
        let before = try shell.store.head().configuration
        let file = shell.directory.url.appendingPathComponent("configuration/ucs4.xml")
        try Data([0x00, 0x00, 0x00, 0x3C, 0x00, 0x00, 0x00, 0x00, 0x84, 0x08, 0x84, 0x65]).write(to: file)
        let result = try shell.run("loadconfig ucs4.xml\nshowchanges\n")
        #expect(result.status == .actionFailed)
        #expect(
            result.errorOutput
                == "line 1: Error: line 1: the file is in UCS-4 (UTF-32), which is not supported; "
                + "save it as UTF-8 or ISO-8859-1\n"
        )
        #expect(try shell.store.head().configuration == before)
    }

    /// FuzzConfigXML: `loadconfig` of a file holding `<?x?>` crashed the shell inside XMLParser.
    @Test func loadconfigRefusesABareProcessingInstructionAndChangesNothing() throws {
        let shell = try TestShell()
        let before = try shell.store.head().configuration
        let file = shell.directory.url.appendingPathComponent("configuration/pi.xml")
        try Data("<?xml version=\"1.0\"?>\n<config>\n<?x?>\n</config>\n".utf8).write(to: file)
        let result = try shell.run("loadconfig pi.xml\n")
        #expect(result.status == .actionFailed)
        #expect(
            result.errorOutput
                == "line 1: Error: line 3: a processing instruction without data (<?name?>) is not supported\n"
        )
        #expect(try shell.store.head().configuration == before)
    }
}
