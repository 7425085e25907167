import ApplianceConfig
import Commands
import ConfigStore
import Foundation
import Shell
import TestSupport
import Testing

/// The modern destconfig menu (destconfig.md §2).
let destMenu = """
    Choose the operation you want to perform:
    - SETUP - Change global settings.
    - NEW - Create a new entry.
    - EDIT - Modify an entry.
    - DELETE - Remove an entry.
    - DEFAULT - Change the default.
    - LIST - Display a summary list of all entries.
    - DETAIL - Display details for one destination or all entries.
    - CLEAR - Remove all entries.
    - IMPORT - Import tables from a file.
    - EXPORT - Export tables to a file.
    []> 
    """

/// The committed destination entries after running `script` and `commit`.
func committedDestinations(_ shell: TestShell) throws -> [DestinationEntry] {
    try shell.store.head().configuration.destinations.elements
}

@Suite struct DestConfigTranscriptTests {
    @Test func newDialogIsTheAppliancesWordForWord() throws {
        let shell = try TestShell()
        let result = try shell.run(
            """
            destconfig new a.example.org
            destconfig new b.example.org
            destconfig
            new
            example.com

            100
            y
            60
            1000






            commit
            dest


            """
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> destconfig new a.example.org
            ironport.example.com> destconfig new b.example.org
            ironport.example.com> destconfig

            There are currently 2 entries configured.

            \(destMenu)new

            Enter the domain you wish to limit.
            []> example.com

            Do you wish to configure a concurrency limit for example.com? [Y]> 

            Enter the max concurrency limit for "example.com".
            [500]> 100

            Do you wish to apply a recipient limit to this domain? [N]> y

            Enter the number of minutes used to measure the recipient limit.
            [60]> 60

            Enter the max number of recipients per 60 minutes for "example.com".
            []> 1000

            Select how you want to apply the limits for example.com:
            1. One limit applies to the entire domain example.com
            2. Separate limit for each mail exchanger IP address
            [1]> 

            Select how the limits will be enforced:
            1. System Wide
            2. Per Virtual Gateway(tm)
            [1]> 

            Do you wish to apply a specific TLS setting for this domain? [N]> 

            Do you wish to apply a specific bounce verification address tagging setting for this domain? [N]> 

            Do you wish to apply a specific bounce profile to this domain? [N]> 

            There are currently 3 entries configured

            \(destMenu)
            ironport.example.com> commit

            Please enter some comments describing your changes:
            []> dest

            Do you want to save the current configuration for rollback? [Y]> 

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            ironport.example.com> 
            """
        )
        #expect(result.status == .success)
        #expect(result.errorOutput == "")
        var expected = DestinationEntry(domain: "example.com")
        expected.maxConcurrency = 100
        expected.recipientLimitPeriod = 60
        expected.recipientLimit = 1000
        expected.limitType = .host
        expected.limitApplies = .system
        #expect(try committedDestinations(shell).last == expected)
    }

    @Test func newWithTLSWarnsAboutTheDemoCertificateAndUsesDefaultsForDeclinedGates() throws {
        let shell = try TestShell()
        let result = try shell.run(
            """
            destconfig
            new
            Partner.Example.NET
            n
            n
            y
            3
            y
            y
            y
            1

            commit
            tls


            """
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> destconfig

            There are currently 0 entries configured.

            \(destMenu)new

            Enter the domain you wish to limit.
            []> Partner.Example.NET

            Do you wish to configure a concurrency limit for partner.example.net? [Y]> n

            Do you wish to apply a recipient limit to this domain? [N]> n

            Do you wish to apply a specific TLS setting for this domain? [N]> y

            Do you want to use TLS support?
            1. No
            2. Preferred
            3. Required
            4. Preferred - Verify
            5. Required - Verify
            [1]> 3

            You have chosen to enable TLS. Please use the 'certconfig' command to
            ensure that there is a valid certificate configured.

            The "Demo" certificate is currently configured. You may use "Demo", but this will not be secure.
            To assure privacy, run "certconfig" first.

            Do you wish to apply a specific bounce verification address tagging setting for this domain? [N]> y

            Perform bounce verification address tagging? [N]> y

            Do you wish to apply a specific bounce profile to this domain? [N]> y

            Please choose a bounce profile to apply:
            1. Default
            [1]> 1

            There is currently 1 entry configured

            \(destMenu)
            ironport.example.com> commit

            Please enter some comments describing your changes:
            []> tls

            Do you want to save the current configuration for rollback? [Y]> 

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            ironport.example.com> 
            """
        )
        var expected = DestinationEntry(domain: "partner.example.net", tls: .required)
        expected.bounceVerification = true
        expected.bounceProfile = "Default"
        #expect(try committedDestinations(shell) == [expected])
    }

    @Test func tlsWithoutTheDemoCertificateOnlyRemindsOfCertconfig() throws {
        let shell = try TestShell()
        let (session, console, output) = try shell.session(
            input: "destconfig\nnew\nexample.com\nn\nn\ny\n2\nn\nn\n\n"
        )
        session.stage { config in
            var profile = config.certificates[0]
            profile.name = "mail_example"
            config.certificates.append(profile)
            config.destinationDefaults.outboundCertificate = "mail_example"
        }
        _ = Interpreter(session: session).runScript()
        console.flush()
        #expect(
            output.stdout.contains(
                """
                [1]> 2

                You have chosen to enable TLS. Please use the 'certconfig' command to
                ensure that there is a valid certificate configured.

                Do you wish to apply a specific bounce verification
                """
            )
        )
        #expect(!output.stdout.contains("Demo"))
    }

    @Test func invalidAndDuplicateDomainsAreRefusedAndAnEmptyDomainAbandonsNew() throws {
        let shell = try TestShell()
        let invalid = try shell.run("destconfig\nnew\nbad_domain!\n")
        #expect(invalid.status == .invalidInput)
        #expect(invalid.errorOutput == "line 3: Invalid domain name: \"bad_domain!\".\n")

        let duplicate = try shell.run("destconfig new example.com\ndestconfig\nnew\nEXAMPLE.com\n")
        #expect(duplicate.status == .invalidInput)
        #expect(duplicate.errorOutput == "line 4: An entry for \"example.com\" already exists.\n")

        let abandoned = try shell.run("destconfig\nnew\n\n\nshowchanges\n")
        expectTranscript(
            abandoned.output,
            """
            ironport.example.com> destconfig

            There are currently 0 entries configured.

            \(destMenu)new

            Enter the domain you wish to limit.
            []> 

            There are currently 0 entries configured

            \(destMenu)
            ironport.example.com> showchanges

            There is no data to commit.
            ironport.example.com> 
            """
        )
    }

    @Test func outOfRangeConcurrencyIsRefused() throws {
        let shell = try TestShell()
        let result = try shell.run("destconfig\nnew\nexample.com\ny\n1001\n")
        #expect(result.status == .invalidInput)
        #expect(result.errorOutput == "line 5: Please enter a number from 1 to 1000.\n")
    }

    @Test func editDefaultsToCurrentValuesAndGateNResetsToDefault() throws {
        let shell = try TestShell()
        let result = try shell.run(
            """
            destconfig new example.com --max_host_concurrency=100 --tls=require --bounce_validation=on
            destconfig
            edit
            example.com

            250
            n

            2
            y
            5
            n


            commit
            edit


            """
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> destconfig new example.com --max_host_concurrency=100 --tls=require --bounce_validation=on
            ironport.example.com> destconfig

            There is currently 1 entry configured.

            \(destMenu)edit

            Choose the domain you wish to edit.
            []> example.com

            Do you wish to configure a concurrency limit for example.com? [Y]> 

            Enter the max concurrency limit for "example.com".
            [100]> 250

            Do you wish to apply a recipient limit to this domain? [N]> n

            Select how you want to apply the limits for example.com:
            1. One limit applies to the entire domain example.com
            2. Separate limit for each mail exchanger IP address
            [1]> 

            Select how the limits will be enforced:
            1. System Wide
            2. Per Virtual Gateway(tm)
            [1]> 2

            Do you wish to apply a specific TLS setting for this domain? [Y]> y

            Do you want to use TLS support?
            1. No
            2. Preferred
            3. Required
            4. Preferred - Verify
            5. Required - Verify
            [3]> 5

            You have chosen to enable TLS. Please use the 'certconfig' command to
            ensure that there is a valid certificate configured.

            The "Demo" certificate is currently configured. You may use "Demo", but this will not be secure.
            To assure privacy, run "certconfig" first.

            Do you wish to apply a specific bounce verification address tagging setting for this domain? [Y]> n

            Do you wish to apply a specific bounce profile to this domain? [N]> 

            There is currently 1 entry configured

            \(destMenu)
            ironport.example.com> commit

            Please enter some comments describing your changes:
            []> edit

            Do you want to save the current configuration for rollback? [Y]> 

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            ironport.example.com> 
            """
        )
        var expected = DestinationEntry(domain: "example.com", tls: .requiredVerify)
        expected.maxConcurrency = 250
        expected.limitType = .host
        expected.limitApplies = .virtualGateway
        #expect(try committedDestinations(shell) == [expected])
    }

    @Test func editOfAnUnknownDomainIsRefused() throws {
        let shell = try TestShell()
        let result = try shell.run("destconfig\nedit\nnowhere.example\n")
        #expect(result.status == .invalidInput)
        #expect(result.errorOutput == "line 3: No entry found for \"nowhere.example\".\n")
    }

    @Test func deleteAndClear() throws {
        let shell = try TestShell()
        let result = try shell.run(
            """
            destconfig new a.example.com
            destconfig new b.example.com
            destconfig new c.example.com
            destconfig
            delete
            B.example.com
            clear
            n
            clear
            y

            showchanges
            """
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> destconfig new a.example.com
            ironport.example.com> destconfig new b.example.com
            ironport.example.com> destconfig new c.example.com
            ironport.example.com> destconfig

            There are currently 3 entries configured.

            \(destMenu)delete

            Enter the domain you wish to delete.
            []> B.example.com

            Entry for "b.example.com" deleted.

            There are currently 2 entries configured

            \(destMenu)clear

            Are you sure you want to delete all entries? [N]> n

            There are currently 2 entries configured

            \(destMenu)clear

            Are you sure you want to delete all entries? [N]> y

            There are currently 0 entries configured

            \(destMenu)
            ironport.example.com> showchanges

            There is no data to commit.
            ironport.example.com> 
            """
        )
    }

    @Test func defaultAsksEveryValueWithItsCurrentDefault() throws {
        let shell = try TestShell()
        let result = try shell.run(
            """
            destconfig
            default
            200
            10
            y
            30
            5000
            2

            2
            y

            1

            commit
            default


            """
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> destconfig

            There are currently 0 entries configured.

            \(destMenu)default

            Enter the max concurrency limit for the default destination.
            [500]> 200

            Enter the max number of messages per connection for the default destination.
            [50]> 10

            Do you wish to apply a recipient limit to the default destination? [N]> y

            Enter the number of minutes used to measure the recipient limit.
            [60]> 30

            Enter the max number of recipients per 30 minutes for the default destination.
            []> 5000

            Select how you want to apply the limits for the default destination:
            1. One limit applies to the entire domain
            2. Separate limit for each mail exchanger IP address
            [1]> 2

            Select how the limits will be enforced:
            1. System Wide
            2. Per Virtual Gateway(tm)
            [1]> 

            Do you want to use TLS support?
            1. No
            2. Preferred
            3. Required
            4. Preferred - Verify
            5. Required - Verify
            [1]> 2

            You have chosen to enable TLS. Please use the 'certconfig' command to
            ensure that there is a valid certificate configured.

            The "Demo" certificate is currently configured. You may use "Demo", but this will not be secure.
            To assure privacy, run "certconfig" first.

            Perform bounce verification address tagging? [N]> y

            Please choose a bounce profile to apply:
            1. Default
            [1]> 

            Select the IP address preference:
            1. IPv6 Preferred
            2. IPv6 Required
            3. IPv4 Preferred
            4. IPv4 Required
            [3]> 1

            There are currently 0 entries configured

            \(destMenu)
            ironport.example.com> commit

            Please enter some comments describing your changes:
            []> default

            Do you want to save the current configuration for rollback? [Y]> 

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            ironport.example.com> 
            """
        )
        let defaults = try shell.store.head().configuration.destinationDefaults
        var expected = DestinationDefaults(outboundCertificate: "Demo")
        expected.maxConcurrency = 200
        expected.maxMessagesPerConnection = 10
        expected.recipientLimitPeriod = 30
        expected.recipientLimit = 5000
        expected.limitType = .mxIP
        expected.tls = .preferred
        expected.bounceVerification = true
        expected.ipPreference = .ipv6Preferred
        #expect(defaults == expected)
    }

    @Test func setupChoosesTheCertificateAndTheAlert() throws {
        let shell = try TestShell()
        let (session, console, output) = try shell.session(
            input: "destconfig\nsetup\n2\ny\n\ncommit\nsetup\n\n"
        )
        session.stage { config in
            var profile = config.certificates[0]
            profile.name = "mail_example"
            config.certificates.append(profile)
        }
        let status = Interpreter(session: session).runScript()
        console.flush()
        #expect(status == .success)
        expectTranscript(
            output.stdout,
            """
            ironport.example.com> destconfig

            There are currently 0 entries configured.

            \(destMenu)setup

            The "Demo" certificate is currently configured. You may use "Demo", but this will not be secure.
            To assure privacy, run "certconfig" first.

            Please choose the certificate to apply:
            1. Demo
            2. mail_example
            [1]> 2

            Do you want to send an alert when a required TLS connection fails? [N]> y

            There are currently 0 entries configured

            \(destMenu)
            ironport.example.com> commit

            Please enter some comments describing your changes:
            []> setup

            Do you want to save the current configuration for rollback? [Y]> 

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            ironport.example.com> 
            """
        )
        let defaults = try shell.store.head().configuration.destinationDefaults
        #expect(defaults.outboundCertificate == "mail_example")
        #expect(defaults.requiredTLSAlert)

        // No Demo warning once another certificate is configured; defaults are the current values.
        let again = try shell.run("destconfig\nsetup\n\n\n\n")
        #expect(!again.output.contains("\"Demo\" certificate is currently configured"))
        #expect(again.output.contains("[2]> \n"))
        #expect(again.output.contains("fails? [Y]> \n"))
    }

    @Test func listAndDetail() throws {
        let shell = try TestShell()
        let result = try shell.run(
            """
            destconfig new example.com --max_host_concurrency=100 --recipient_limit=1000 --recipient_minutes=60 --limit_type=host --limit_apply=system --tls=require
            destconfig new .partner.example --tls=on_verify --bounce_validation=off --ip_sort_pref=require_v6 --max_messages_per_connection=20
            destconfig
            list
            detail
            example.com
            print
            detail
            all

            destconfig detail DEFAULT
            """
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> destconfig new example.com --max_host_concurrency=100 --recipient_limit=1000 --recipient_minutes=60 --limit_type=host --limit_apply=system --tls=require
            ironport.example.com> destconfig new .partner.example --tls=on_verify --bounce_validation=off --ip_sort_pref=require_v6 --max_messages_per_connection=20
            ironport.example.com> destconfig

            There are currently 2 entries configured.

            \(destMenu)list

                                  Rate        TLS            Bounce         Bounce
            Domain                Limiting    Setting        Verification   Profile
            ====================  ==========  =============  =============  ==========
            .partner.example      Default     On (Verify)    Off            Default
            example.com           On          Req            Default        Default
            (Default)             On          Off            Off            (Default)

            There are currently 2 entries configured

            \(destMenu)detail

            Enter the domain name to view, or enter DEFAULT to view details for the default, or enter ALL to view details for all:
            []> example.com

            example.com
            ===========
            IP Address Preference: Default
            Maximum Concurrency: 100 (Per Domain, System Wide)
            Maximum Messages Per Connection: Default
            Recipient Limit: 1000 per 60 minutes
            TLS: Required
            Bounce Verification Tagging: Default
            Bounce Profile: Default

            There are currently 2 entries configured

            \(destMenu)print

                                  Rate        TLS            Bounce         Bounce
            Domain                Limiting    Setting        Verification   Profile
            ====================  ==========  =============  =============  ==========
            .partner.example      Default     On (Verify)    Off            Default
            example.com           On          Req            Default        Default
            (Default)             On          Off            Off            (Default)

            There are currently 2 entries configured

            \(destMenu)detail

            Enter the domain name to view, or enter DEFAULT to view details for the default, or enter ALL to view details for all:
            []> all

            .partner.example
            ================
            IP Address Preference: IPv6 Required
            Maximum Concurrency: Default
            Maximum Messages Per Connection: 20
            Recipient Limit: Default
            TLS: Preferred (Verify)
            Bounce Verification Tagging: Off
            Bounce Profile: Default

            example.com
            ===========
            IP Address Preference: Default
            Maximum Concurrency: 100 (Per Domain, System Wide)
            Maximum Messages Per Connection: Default
            Recipient Limit: 1000 per 60 minutes
            TLS: Required
            Bounce Verification Tagging: Default
            Bounce Profile: Default

            Default
            =======
            IP Address Preference: IPv4 Preferred
            Maximum Concurrency: 500 (Per Domain, System Wide)
            Maximum Messages Per Connection: 50
            Recipient Limit: None
            TLS: No
            Bounce Verification Tagging: Off
            Bounce Profile: Default
            Certificate: Demo
            Send Alert When Required TLS Fails: No

            There are currently 2 entries configured

            \(destMenu)
            ironport.example.com> destconfig detail DEFAULT

            Default
            =======
            IP Address Preference: IPv4 Preferred
            Maximum Concurrency: 500 (Per Domain, System Wide)
            Maximum Messages Per Connection: 50
            Recipient Limit: None
            TLS: No
            Bounce Verification Tagging: Off
            Bounce Profile: Default
            Certificate: Demo
            Send Alert When Required TLS Fails: No
            ironport.example.com> 
            """
        )
        #expect(result.errorOutput.contains("uncommitted changes"))
    }

    @Test func invalidMenuOperationAndEndOfInputAtTheMenu() throws {
        let shell = try TestShell()
        let result = try shell.run("destconfig\nbogus\n")
        #expect(result.status == .invalidInput)
        #expect(result.errorOutput == "line 2: Invalid operation \"bogus\".\n")

        let commandWord = try shell.run("destconfig\ncommit\n")
        #expect(
            commandWord.errorOutput == "line 2: Invalid operation \"commit\". Enter an empty line to leave this menu.\n"
        )

        let ended = try shell.run("destconfig\n")
        #expect(ended.status == .success)
        #expect(ended.errorOutput == "")
    }
}
