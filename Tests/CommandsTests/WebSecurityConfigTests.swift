import ApplianceConfig
import TestSupport
import Testing

@Suite struct WebSecurityConfigTests {
    @Test func enablingURLFilteringWithAClientCertificate() throws {
        let shell = try ServiceCommandFixture.shellWithProfile()
        let result = try shell.run("websecurityconfig\ny\n\ny\n2\ncommit \"wss\"\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> websecurityconfig

            Enable URL Filtering? [N]> y

            Do you wish to enable Web Interaction Tracking? [N]> 

            Do you want to set client certificate for Cisco Web Security Services Authentication? [N]> y

            Choose the certificate:
            1. Demo
            2. mail_example
            [1]> 2
            ironport.example.com> commit "wss"

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            ironport.example.com> 
            """
        )
        #expect(
            try shell.store.head().configuration.webSecurity
                == WebSecuritySettings(
                    urlFiltering: true,
                    interactionTracking: false,
                    clientCertificate: "mail_example"
                )
        )
    }

    @Test func answeringNToTheCertificateQuestionSelectsTheProvidedCertificate() throws {
        let shell = try ServiceCommandFixture.shellWithProfile {
            $0.webSecurity = WebSecuritySettings(urlFiltering: true, clientCertificate: "mail_example")
        }
        let result = try shell.run("websecurityconfig\n\ny\nn\ncommit \"provided\"\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> websecurityconfig

            Enable URL Filtering? [Y]> 

            Do you wish to enable Web Interaction Tracking? [N]> y

            Do you want to set client certificate for Cisco Web Security Services Authentication? [Y]> n
            ironport.example.com> commit "provided"

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            ironport.example.com> 
            """
        )
        #expect(
            try shell.store.head().configuration.webSecurity
                == WebSecuritySettings(urlFiltering: true, interactionTracking: true, clientCertificate: nil)
        )
    }

    @Test func disablingURLFilteringAsksNothingMoreAndKeepsTheCertificate() throws {
        let shell = try ServiceCommandFixture.shellWithProfile {
            $0.webSecurity = WebSecuritySettings(urlFiltering: true, clientCertificate: "mail_example")
        }
        let result = try shell.run("websecurityconfig\nn\ncommit \"off\"\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> websecurityconfig

            Enable URL Filtering? [Y]> n
            ironport.example.com> commit "off"

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            ironport.example.com> 
            """
        )
        #expect(
            try shell.store.head().configuration.webSecurity
                == WebSecuritySettings(urlFiltering: false, clientCertificate: "mail_example")
        )
    }

    @Test func choosingDemoPrintsTheDemoWarning() throws {
        let shell = try TestShell()
        let result = try shell.run("websecurityconfig\ny\nn\ny\n1\n")
        #expect(
            result.output.hasSuffix(
                """
                Choose the certificate:
                1. Demo
                [1]> 1

                The "Demo" certificate is currently configured. You may use "Demo", but this will not be secure.
                To assure privacy, run "certconfig" first.
                ironport.example.com> 
                """
            )
        )
    }

    @Test func batchForms() throws {
        let shell = try ServiceCommandFixture.shellWithProfile()
        let first = try shell.exec(
            "websecurityconfig --enable=yes --tracking=yes --certificate=mail_example; commit \"on\""
        )
        #expect(first.status == .success)
        #expect(
            try shell.store.head().configuration.webSecurity
                == WebSecuritySettings(urlFiltering: true, interactionTracking: true, clientCertificate: "mail_example")
        )
        let second = try shell.exec("websecurityconfig --enable=no --certificate=provided; commit \"off\"")
        #expect(second.status == .success)
        #expect(
            try shell.store.head().configuration.webSecurity
                == WebSecuritySettings(urlFiltering: false, interactionTracking: true, clientCertificate: nil)
        )
    }

    @Test func batchRefusalsChangeNothing() throws {
        let shell = try ServiceCommandFixture.shellWithProfile()
        let result = try ServiceCommandFixture.runThenShowChanges(
            shell,
            """
            websecurityconfig --enable=yes --certificate=nosuch
            websecurityconfig --enable=maybe
            websecurityconfig --tracking=perhaps
            websecurityconfig on

            """
        )
        let usage =
            "Usage: websecurityconfig [--enable={yes|no}] [--tracking={yes|no}] [--certificate={profile|provided}]"
        #expect(
            result.errorOutput == """
                line 1: Certificate profile "nosuch" does not exist.
                line 2: \(usage)
                The option "--enable" takes yes or no, not "maybe".
                line 3: \(usage)
                The option "--tracking" takes yes or no, not "perhaps".
                line 4: \(usage)
                Unexpected argument "on".

                """
        )
        ServiceCommandFixture.expectUnchanged(result)
    }

    @Test func anInvalidAnswerFailsTheScriptAndStagesNothing() throws {
        let shell = try TestShell()
        let result = try ServiceCommandFixture.runThenShowChanges(shell, "websecurityconfig\ny\nmaybe\n")
        #expect(result.errorOutput == "line 3: Please answer Y or N.\n")
        #expect(result.status == .invalidInput)
        ServiceCommandFixture.expectUnchanged(result)
    }
}
