import Foundation
import Shell
import TestSupport
import Testing

/// One menu, one recovery rule (shell.md §5, §13): on a terminal a refused operation is reported and
/// its menu comes back; in a script it fails the command.
@Suite struct MenuTests {
    private func writeConfigurationFile(_ shell: TestShell, _ name: String, _ text: String) throws {
        let folder = shell.directory.url.appendingPathComponent("configuration")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    @Test func aRefusedDestconfigImportStaysInTheMenuOnATerminal() throws {
        let shell = try TestShell()
        try writeConfigurationFile(shell, "bad.ini", "[example.com\n")
        let result = try shell.terminal("destconfig\nimport\nbad.ini\nlist\n\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> destconfig

            There are currently 0 entries configured.

            \(destMenu)import

            Enter the name of the file to import:
            []> bad.ini

            Error: line 1: a section header must end with "]"

            There are currently 0 entries configured

            \(destMenu)list

                                  Rate        TLS            Bounce         Bounce
            Domain                Limiting    Setting        Verification   Profile
            ====================  ==========  =============  =============  ==========
            (Default)             On          Off            Off            (Default)

            There are currently 0 entries configured

            \(destMenu)
            ironport.example.com> 
            """
        )
        #expect(result.status == .success)
    }

    @Test func theClassicPrintIsAcceptedButNotShown() throws {
        let shell = try TestShell()
        let result = try shell.run("destconfig new example.com\ndestconfig\nprint\n\n")
        #expect(result.status == .success)
        #expect(result.output.contains("\(destMenu)print\n"))
        #expect(!result.output.contains("- PRINT -"))
    }

    @Test func anInvalidOperationShowsTheMenuAgainWithoutItsStatus() throws {
        let shell = try TestShell()
        let result = try shell.terminal("destconfig\nfrob\n\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> destconfig

            There are currently 0 entries configured.

            \(destMenu)frob
            Invalid operation "frob".

            \(destMenu)
            ironport.example.com> 
            """
        )
    }

    @Test func aRefusedOperationInAScriptFailsTheCommand() throws {
        let shell = try TestShell()
        try writeConfigurationFile(shell, "bad.ini", "[example.com\n")
        let result = try shell.run("destconfig\nimport\nbad.ini\nlist\n\n")
        #expect(result.status == .actionFailed)
        #expect(result.errorOutput.hasPrefix("line 3: Error: line 1: "))
    }

    @Test func aRefusedSignedCertificateFileStaysInTheEditMenuOnATerminal() throws {
        let shell = try TestShell()
        let result = try shell.terminal("certconfig\ncertificate\nedit\n1\nsigned\n2\nmissing.pem\n\n\n\n")
        let editMenu = """
            Choose the operation you want to perform:
            - CSR - View or save the certificate signing request.
            - SIGNED - Install the certificate signed by the certificate authority.
            - SUBJECT - Change the subject and re-issue the self-signed certificate and request.
            []> 
            """
        let afterRefusal = try #require(
            result.output.components(separatedBy: "[]> missing.pem\n").dropFirst().first
        )
        #expect(afterRefusal.hasPrefix("\nError: file 'missing.pem' does not exist.\n\nName: Demo\n"))
        #expect(afterRefusal.contains(editMenu + "\n"))
        #expect(result.status == .success)
    }
}
