import Commands
import Foundation
import Shell
import TestSupport
import Testing

/// `mailconfig` against a fake gateway (other-commands.md §6).
@Suite struct MailConfigTests {
    /// The attachment of a sent message, decoded.
    static func attachment(_ message: String) throws -> String {
        let parts = message.components(separatedBy: "Content-Transfer-Encoding: base64\r\n\r\n")
        let encoded = try #require(parts.last?.components(separatedBy: "\r\n--").first)
        let data = try #require(Data(base64Encoded: encoded.replacingOccurrences(of: "\r\n", with: "")))
        return String(decoding: data, as: UTF8.self)
    }

    @Test func theDialogMailsTheMaskedConfigurationFileThroughTheGateway() throws {
        let fake = FakeGateway.running()
        let shell = try fake.shell()
        let result = try shell.run("mailconfig\nadmin@example.com, ops@example.org\n1\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> mailconfig

            Please enter the email address to which you want to send the configuration file.
            Separate multiple addresses with commas.
            []> admin@example.com, ops@example.org

            Choose the passphrase option:
            1. Mask passphrases (Files with masked passphrases cannot be loaded using loadconfig command)
            2. Encrypt passphrases
            [1]> 1

            The configuration file has been sent to admin@example.com, ops@example.org.
            ironport.example.com> 
            """
        )
        let sent = try #require(fake.submissions.first)
        #expect(fake.submissions.count == 1)
        #expect(sent.sender == "esa@ironport.example.com")
        #expect(sent.recipients == ["admin@example.com", "ops@example.org"])
        let name = "esa-42A1B2C3D4E5F60718293A4B5C6D7E8F-20260922T090000.xml"
        #expect(sent.message.hasPrefix("From: esa@ironport.example.com\r\nTo: admin@example.com, ops@example.org\r\n"))
        #expect(sent.message.contains("\r\nSubject: Configuration file \(name) of ironport.example.com\r\n"))
        #expect(sent.message.contains("Content-Disposition: attachment; filename=\"\(name)\"\r\n"))
        let xml = try Self.attachment(sent.message)
        #expect(
            xml.hasPrefix("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<!DOCTYPE config SYSTEM \"config.dtd\">")
        )
        #expect(xml.contains("Serial Number: 42A1B2C3D4E5F60718293A4B5C6D7E8F"))
        #expect(xml.contains("<key>*****</key>"), "the key is masked")
        #expect(!xml.contains("PRIVATE KEY"))
        #expect(xml.hasSuffix("</config>\n"))
    }

    @Test func theBatchFormEncryptsOnRequestAndRefusesBadAddresses() throws {
        let fake = FakeGateway.running()
        let shell = try fake.shell()
        let sent = try shell.exec("mailconfig admin@example.com 2")
        #expect(sent.output.hasSuffix("\nThe configuration file has been sent to admin@example.com.\n"))
        #expect(try Self.attachment(try #require(fake.submissions.first).message).contains("<key encrypted=\"yes\">"))
        let bad = try shell.exec("mailconfig admin@@example.com")
        #expect(bad.status == .invalidInput)
        #expect(
            bad.errorOutput
                == "line 1: Usage: mailconfig {addresses} [{1|2}]\nInvalid email address: \"admin@@example.com\".\n"
        )
        let badOption = try shell.exec("mailconfig admin@example.com 3")
        #expect(
            badOption.errorOutput
                == "line 1: Usage: mailconfig {addresses} [{1|2}]\nThe passphrase option must be 1 (mask) or 2 (encrypt), not \"3\".\n"
        )
        #expect(fake.submissions.count == 1, "nothing sent after bad input")
    }

    @Test func withoutTheGatewayTheMessageWaitsInTheOutbox() throws {
        let shell = try FakeGateway(state: nil).shell()
        let result = try shell.exec("mailconfig admin@example.com")
        let name = "esa-42A1B2C3D4E5F60718293A4B5C6D7E8F-20260922T090000.eml"
        #expect(
            result.output
                == """
                ironport.example.com> mailconfig admin@example.com

                The mail gateway is not running (start it with "esa serve").
                The message to admin@example.com was written to outbox/\(name) in the data directory instead.

                """
        )
        #expect(result.status == .success)
        let path = shell.directory.url.appendingPathComponent("outbox/\(name)").path
        let message = try String(contentsOfFile: path, encoding: .utf8)
        #expect(message.hasPrefix("From: esa@ironport.example.com\r\nTo: admin@example.com\r\n"))
        #expect(try Self.attachment(message).contains("<hostname>ironport.example.com</hostname>"))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
