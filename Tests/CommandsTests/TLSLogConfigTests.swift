import ApplianceConfig
import MailLog
import Shell
import TestSupport
import Testing

@Suite struct TLSLogConfigTests {
    @Test func onIsStagedCommittedAndReachesTheMailLogSettings() throws {
        let shell = try TestShell()
        let result = try shell.run("tlslogconfig\ntlslogconfig on\nshowchanges\ncommit \"tls fields\"\ntlslogconfig\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> tlslogconfig

            TLS fields in the mail log are off: the mail log's lines are the appliance's own.
            ironport.example.com> tlslogconfig on

            TLS fields in the mail log will be on after commit.
            ironport.example.com> showchanges

            tlslogconfig: TLS logging tls fields: off -> on
            ironport.example.com> commit "tls fields"

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            ironport.example.com> tlslogconfig

            TLS fields in the mail log are on: TLS failure lines end in result={type}; Message done, Delayed and ICID close lines in tls={level}.
            ironport.example.com> 
            """
        )
        let committed = try shell.store.head().configuration
        #expect(committed.logging.tlsFields)
        #expect(MailLogSettings(configuration: committed).tlsFields)
        #expect(!MailLogSettings(configuration: TestFactory.configuration).tlsFields)
    }

    @Test func aWordOtherThanOnOrOffIsRefusedAndNothingIsStaged() throws {
        let shell = try TestShell()
        let result = try shell.exec("tlslogconfig yes; showchanges")
        #expect(result.errorOutput.contains("Please enter \"on\" or \"off\", not \"yes\"."))
        #expect(result.status == .invalidInput)
        #expect(try shell.store.head().configuration.logging.tlsFields == false)
    }

    @Test func theSettingSurvivesTheConfigurationFile() throws {
        let header = XMLHeader(
            product: "esa Email Security Appliance Shell",
            model: "esa",
            version: "1.0.0-001",
            serialNumber: "42A1B2C3D4E5F60718293A4B5C6D7E8F",
            cpuCount: 2,
            memoryGB: 8,
            currentTime: "Tue Sep 22 09:00:00 2026"
        )
        var configuration = TestFactory.configuration
        configuration.certificates = []
        configuration.interfaces[0].httpsCertificate = nil
        configuration.destinationDefaults.outboundCertificate = nil
        configuration.ldap.certificate = nil
        configuration.listeners[0].certificate = nil
        configuration.logging.tlsFields = true
        // The users' passphrase hashes are secrets: sealed (here: kept as is) so the file loads back.
        let xml = try XMLCodec.encode(configuration, header: header, secrets: .encrypt(seal: { $0 }))
        #expect(xml.contains("<tls_log_fields>1</tls_log_fields>"))
        #expect(try XMLCodec.decode(text: xml, open: { $0 }).logging.tlsFields)
        configuration.logging.tlsFields = false
        let plain = try XMLCodec.encode(configuration, header: header, secrets: .encrypt(seal: { $0 }))
        #expect(!plain.contains("tls_log_fields"))
        #expect(try XMLCodec.decode(text: plain, open: { $0 }) == configuration)
    }
}
