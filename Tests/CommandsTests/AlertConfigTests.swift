import ApplianceConfig
import TestSupport
import Testing

@Suite struct AlertConfigTests {
    static let intervals = """
        Initial number of seconds to wait before sending a duplicate alert: 300
        Maximum number of seconds to wait before sending a duplicate alert: 3600
        """
    static let fullMenu = """
        Choose the operation you want to perform:
        - NEW - Add a new email address to send alerts.
        - EDIT - Modify an email address.
        - DELETE - Remove an email address.
        - CLEAR - Remove all email addresses (disable alerts).
        - SETUP - Configure alert settings.
        []> 
        """

    @Test func newRecipientWithClassAndSeverity() throws {
        let shell = try TestShell()
        let result = try shell.run("alertconfig\nnew\nadmin@example.com\n2\n3\n\ncommit \"alerts\"\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> alertconfig

            No alert recipients configured.

            \(Self.intervals)

            Choose the operation you want to perform:
            - NEW - Add a new email address to send alerts.
            - SETUP - Configure alert settings.
            []> new

            Please enter a new email address to send alerts.
            (Ex: "administrator@example.com")
            []> admin@example.com

            Choose the Alert Class for which you wish to set the Severity:
            1. All
            2. System
            3. Hardware
            4. Updater
            5. Outbreak Filters
            6. Anti-Virus
            7. Anti-Spam
            8. Directory Harvest Attack Prevention
            [1]> 2

            Select a Severity Level:
            1. All
            2. Critical
            3. Warning
            4. Information
            [1]> 3

            Sending alerts to:
              admin@example.com
                Class: System - Severities: Warning

            \(Self.intervals)

            \(Self.fullMenu)
            ironport.example.com> commit "alerts"

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            ironport.example.com> 
            """
        )
        #expect(
            try shell.store.head().configuration.alerts.recipients == [
                AlertRecipient(address: "admin@example.com", alertClass: .system, severity: .warning)
            ]
        )
    }

    @Test func editAddsAClassDeleteAndClearRemove() throws {
        let shell = try TestShell()
        let result = try shell.run(
            """
            alertconfig new admin@example.com --class=all --severity=all
            alertconfig new ops@example.com --class=hardware --severity=critical
            alertconfig
            edit
            2

            7
            4
            delete
            1

            commit "edit"

            """
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> alertconfig new admin@example.com --class=all --severity=all
            ironport.example.com> alertconfig new ops@example.com --class=hardware --severity=critical
            ironport.example.com> alertconfig

            Sending alerts to:
              admin@example.com
                Class: All - Severities: All
              ops@example.com
                Class: Hardware - Severities: Critical

            \(Self.intervals)

            \(Self.fullMenu)edit

            Choose the email address you wish to edit:
            1. admin@example.com
            2. ops@example.com
            []> 2

            Please enter the email address to send alerts.
            [ops@example.com]> 

            Choose the Alert Class for which you wish to set the Severity:
            1. All
            2. System
            3. Hardware
            4. Updater
            5. Outbreak Filters
            6. Anti-Virus
            7. Anti-Spam
            8. Directory Harvest Attack Prevention
            [3]> 7

            Select a Severity Level:
            1. All
            2. Critical
            3. Warning
            4. Information
            [1]> 4

            Sending alerts to:
              admin@example.com
                Class: All - Severities: All
              ops@example.com
                Class: Hardware - Severities: Critical
                Class: Anti-Spam - Severities: Information

            \(Self.intervals)

            \(Self.fullMenu)delete

            Choose the email address you wish to delete:
            1. admin@example.com
            2. ops@example.com
            []> 1

            Sending alerts to:
              ops@example.com
                Class: Hardware - Severities: Critical
                Class: Anti-Spam - Severities: Information

            \(Self.intervals)

            \(Self.fullMenu)
            ironport.example.com> commit "edit"

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            ironport.example.com> 
            """
        )
        #expect(
            try shell.store.head().configuration.alerts.recipients == [
                AlertRecipient(address: "ops@example.com", alertClass: .hardware, severity: .critical),
                AlertRecipient(address: "ops@example.com", alertClass: .antiSpam, severity: .information),
            ]
        )
        let cleared = try shell.run("alertconfig\nclear\n\ncommit \"clear\"\n")
        #expect(cleared.output.contains("[]> clear\n\nNo alert recipients configured.\n"))
        #expect(try shell.store.head().configuration.alerts.recipients.isEmpty)
    }

    @Test func setupChangesTheDuplicateIntervals() throws {
        let shell = try TestShell()
        let result = try shell.run("alertconfig\nsetup\n600\n7200\n\n")
        #expect(
            result.output.contains(
                """
                []> setup

                Enter the initial number of seconds to wait before sending a duplicate alert.
                [300]> 600

                Enter the maximum number of seconds to wait before sending a duplicate alert.
                [3600]> 7200

                No alert recipients configured.

                Initial number of seconds to wait before sending a duplicate alert: 600
                Maximum number of seconds to wait before sending a duplicate alert: 7200
                """
            )
        )
        let below = try ServiceCommandFixture.runThenShowChanges(shell, "alertconfig\nsetup\n600\n500\n")
        #expect(below.errorOutput == "line 4: Please enter a number from 600 to 86400.\n")
        ServiceCommandFixture.expectUnchanged(below)
    }

    @Test func batchListAndDelete() throws {
        let shell = try TestShell()
        let result = try shell.run(
            """
            alertconfig new admin@example.com --class="Outbreak Filters" --severity=warning
            alertconfig new noc@example.com --class=anti-virus --severity=all
            alertconfig delete NOC@example.com
            alertconfig list

            """
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> alertconfig new admin@example.com --class="Outbreak Filters" --severity=warning
            ironport.example.com> alertconfig new noc@example.com --class=anti-virus --severity=all
            ironport.example.com> alertconfig delete NOC@example.com
            ironport.example.com> alertconfig list

            Sending alerts to:
              admin@example.com
                Class: Outbreak Filters - Severities: Warning

            \(Self.intervals)
            ironport.example.com> 
            """
        )
    }

    @Test func refusalsChangeNothing() throws {
        let shell = try TestShell()
        _ = try shell.exec("alertconfig new admin@example.com --class=all --severity=all; commit \"one\"")
        let result = try ServiceCommandFixture.runThenShowChanges(
            shell,
            """
            alertconfig new not-an-address --class=all --severity=all
            alertconfig new Admin@Example.com --class=system --severity=all
            alertconfig new ops@example.com --class=firewall --severity=all
            alertconfig new ops@example.com --class=system --severity=loud
            alertconfig new ops@example.com --class=system
            alertconfig delete nobody@example.com
            alertconfig clear
            alertconfig
            new
            a@@example.com

            """
        )
        let usage = """
            Usage:
              alertconfig new {address} --class={name|all} --severity={critical|warning|information|all}
              alertconfig delete {address}
              alertconfig list
            """
        let classes =
            "\"All\", \"System\", \"Hardware\", \"Updater\", \"Outbreak Filters\", \"Anti-Virus\", \"Anti-Spam\", \"Directory Harvest Attack Prevention\""
        expectTranscript(
            result.errorOutput,
            """
            line 1: Invalid email address "not-an-address". Enter an address such as administrator@example.com.
            line 2: The address admin@example.com already receives alerts.
            line 3: \(usage)
            Unknown alert class "firewall". Use one of \(classes).
            line 4: \(usage)
            Unknown severity "loud". Use critical, warning, information or all.
            line 5: \(usage)
            The options "--class" and "--severity" are required.
            line 6: The address "nobody@example.com" does not receive alerts.
            line 7: \(usage)
            Unknown operation "clear".
            line 10: Invalid email address "a@@example.com". Enter an address such as administrator@example.com.

            """
        )
        ServiceCommandFixture.expectUnchanged(result)
    }

    @Test func anOutOfRangeChoiceFailsTheScript() throws {
        let shell = try TestShell()
        let result = try ServiceCommandFixture.runThenShowChanges(shell, "alertconfig\nnew\nadmin@example.com\n9\n")
        #expect(result.errorOutput == "line 4: Please enter a number from 1 to 8.\n")
        #expect(result.status == .invalidInput)
        ServiceCommandFixture.expectUnchanged(result)
    }
}

@Suite struct AlertRoutingTests {
    static let settings = AlertSettings(recipients: [
        AlertRecipient(address: "all@example.com", alertClass: .all, severity: .all),
        AlertRecipient(address: "warn@example.com", alertClass: .system, severity: .warning),
        AlertRecipient(address: "crit@example.com", alertClass: .system, severity: .critical),
        AlertRecipient(address: "hw@example.com", alertClass: .hardware, severity: .all),
        AlertRecipient(address: "info@example.com", alertClass: .all, severity: .information),
        AlertRecipient(address: "ALL@example.com", alertClass: .system, severity: .warning),
        AlertRecipient(address: "anywarn@example.com", alertClass: .all, severity: .warning),
    ])

    @Test func aSystemWarningGoesToSeverityAllOrWarningAndClassAllOrSystem() {
        #expect(
            AlertRouting.requiredTLSRecipients(of: Self.settings) == [
                "all@example.com", "warn@example.com", "anywarn@example.com",
            ]
        )
        #expect(AlertRouting.requiredTLSRecipients(of: AlertSettings()) == [])
    }

    @Test func otherClassesAndSeverities() {
        #expect(
            AlertRouting.recipients(of: Self.settings, alertClass: .hardware, severity: .critical) == [
                "all@example.com", "hw@example.com",
            ]
        )
    }

    @Test func subjectLayout() {
        #expect(
            AlertRouting.requiredTLSSubject(domain: "example.com", hostname: "ironport.example.com")
                == "Warning <System> ironport.example.com: TLS required for delivery to example.com failed"
        )
        #expect(
            AlertRouting.subject(
                alertClass: .antiVirus,
                severity: .critical,
                hostname: "mail.example.com",
                text: "x"
            ) == "Critical <Anti-Virus> mail.example.com: x"
        )
    }

    @Test func duplicateIntervalsDoubleUpToTheMaximum() {
        let settings = AlertSettings(initialDuplicateSeconds: 300, maximumDuplicateSeconds: 3600)
        #expect(
            (0...5).map { AlertRouting.duplicateInterval(afterRepeats: $0, settings: settings) } == [
                300, 600, 1200, 2400, 3600, 3600,
            ]
        )
    }
}
