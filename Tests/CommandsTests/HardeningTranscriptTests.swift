import ApplianceConfig
import ConfigStore
import Foundation
import Shell
import TestSupport
import Testing

/// Text from the store, a file or a certificate never reaches the terminal or a log with control
/// characters intact (issue 10, item 3); limits of item 16.
@Suite struct HardeningTranscriptTests {
    static let hostile = "x\u{1b}]0;owned\u{7}\r\nforged\u{9b}2J"
    static let escaped = "x\\x1b]0;owned\\x07\\x0d\\x0aforged\\u{9b}2J"

    @Test func commitHistoryAndDetailEscapeTheStoredCommentAndUser() throws {
        let shell = try TestShell()
        let head = try shell.store.head()
        var changed = head.configuration
        changed.hostname = "other.example.com"
        _ = try shell.store.commit(
            changed,
            base: head.info.number,
            user: Self.hostile,
            method: .script,
            comment: Self.hostile,
            rollbackPoint: true,
            validate: { _ in [] }
        )
        let history = try shell.run("commithistory 1\n")
        let row = try #require(history.output.split(separator: "\n").last { $0.hasPrefix("  2  ") })
        #expect(row.hasSuffix("yes       " + Self.escaped))
        #expect(row.contains(" " + Self.escaped + " script"))
        #expect(!history.output.unicodeScalars.contains { TerminalSafe.isControl($0) && $0 != "\n" })

        // commitdetail shows the last commit of this session: commit one with a hostile user.
        let evil = try TestShell(user: Self.hostile)
        let detail = try evil.run("sethostname d.example.com\ncommit \"plain\"\ncommitdetail\n")
        #expect(detail.status == .success, "\(detail.errorOutput)")
        #expect(detail.output.contains("    User: \(Self.escaped)\n"))
        #expect(!detail.output.unicodeScalars.contains { TerminalSafe.isControl($0) && $0 != "\n" })
        let log = try String(
            contentsOf: evil.directory.url.appendingPathComponent("logs/system.log"),
            encoding: .utf8
        )
        #expect(log.hasSuffix("User \(Self.escaped) commit changes: plain\n"))
        #expect(log.split(separator: "\n").count == 1)
    }

    @Test func hatPrintAndShowconfigEscapeAnImportedComment() throws {
        let shell = try TestShell()
        try installConfiguration(shell) { config in
            config.listeners[0].hostAccess.entries[0].comment = "bell\u{7} and \u{1b}[2J clear"
        }
        let printed = try shell.run("listenerconfig edit IncomingMail hostaccess print\nshowconfig 1\n")
        #expect(printed.status == .success, "\(printed.errorOutput)")
        #expect(printed.output.contains("(bell\\x07 and \\x1b[2J clear)"))
        #expect(!printed.output.contains("\u{1b}") && !printed.output.contains("\u{7}"))
    }

    @Test func aTypedCommentIsLimitedInBytesToo() throws {
        let shell = try TestShell()
        let marks = "a" + String(repeating: "\u{301}", count: 600)
        #expect(marks.count == 1)
        let result = try shell.run("sethostname c.example.com\ncommit \"\(marks)\"\n")
        #expect(result.status == .invalidInput)
        #expect(result.errorOutput == "line 2: The comment must be at most 1020 bytes.\n")
        #expect(try shell.store.head().info.number == 1)
    }

    @Test func batchDestconfigExportNeverOverwritesAndTheMenuAsksFirst() throws {
        let shell = try TestShell()
        let folder = shell.directory.url.appendingPathComponent("configuration")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("dest.ini")
        try Data("keep me\n".utf8).write(to: file)
        let batch = try shell.run("destconfig export dest.ini\n")
        #expect(batch.status == .actionFailed)
        #expect(
            batch.errorOutput
                == "line 1: The file \"dest.ini\" already exists in /configuration; export to another name or delete it first.\n"
        )
        #expect(try String(contentsOf: file, encoding: .utf8) == "keep me\n")
        let declined = try shell.run("destconfig\nexport\ndest.ini\nn\n\n")
        #expect(declined.output.contains("File \"dest.ini\" already exists. Overwrite it? [N]> n\n"))
        #expect(try String(contentsOf: file, encoding: .utf8) == "keep me\n")
        let accepted = try shell.run("destconfig\nexport\ndest.ini\ny\n\n")
        #expect(accepted.status == .success, "\(accepted.errorOutput)")
        #expect(try String(contentsOf: file, encoding: .utf8).hasPrefix("[DEFAULT]"))
    }
}

/// saveconfig never writes a character XML forbids, so every saved file loads back (issue 10, item 4).
@Suite struct SavedFilesLoadBackTests {
    /// Every C0 control, DEL, a C1 control, U+FFFE, markup characters and a CDATA end.
    static let hostile = "h\u{1b}[2J\u{7}\u{0}\u{b}\u{c}\u{1f}\u{7f}\u{9b}\u{fffe}\t\r&<>]]>\"'é"
    /// What XML cannot hold comes back as U+FFFD; everything else comes back as it was.
    static let loaded = "h\u{fffd}[2J\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{7f}\u{9b}\u{fffd}\t\r&<>]]>\"'é"

    /// Object names go into the revision's change lines, a TEXT column the store cannot hold a NUL in
    /// (no input can put one in a name: typed lines, HAT and INI files and XML all refuse it).
    static let hostileName = "h\u{1b}[2J\u{7}\u{b}\u{c}\u{1f}\u{7f}\u{9b}\u{fffe}\t\r&<>]]>\"'é"
    static let loadedName = "h\u{fffd}[2J\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{7f}\u{9b}\u{fffd}\t\r&<>]]>\"'é"

    static func hostileConfiguration(
        _ text: String,
        name: String,
        from base: ApplianceConfiguration
    ) -> ApplianceConfiguration {
        var config = base
        var profile = config.certificates[0]
        profile.name = ProfileName("p" + name)
        config.certificates.append(profile)
        config.interfaces.append(
            NetworkInterface(
                name: InterfaceName("i" + name),
                address: "10.9.9.9",
                prefixLength: 24,
                hostname: "i.example.com"
            )
        )
        config.listeners[0].hostAccess.entries[0].comment = text
        config.ldap = LDAPSettings(certificate: ProfileName("p" + name))
        return config
    }

    @Test func aConfigurationWithHostileTextInEverySectionSavesAndLoadsBack() throws {
        let shell = try TestShell()
        let base = try shell.store.head().configuration
        try installConfiguration(shell) {
            $0 = Self.hostileConfiguration(Self.hostile, name: Self.hostileName, from: base)
        }
        let saved = try shell.run("saveconfig 2\n")
        #expect(saved.status == .success, "\(saved.errorOutput)")
        let folder = shell.directory.url.appendingPathComponent("configuration")
        let name = try #require(
            try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasSuffix(".xml") }
        )
        let bytes = try Data(contentsOf: folder.appendingPathComponent(name))
        #expect(!bytes.contains(0x1B) && !bytes.contains(0x07) && !bytes.contains(0))
        #expect(!String(decoding: bytes, as: UTF8.self).contains("&#27;"))
        let result = try shell.run("loadconfig \(name)\ncommit \"loaded back\"\n")
        #expect(result.status == .success, "\(result.errorOutput)")
        #expect(
            try shell.store.head().configuration
                == Self.hostileConfiguration(Self.loaded, name: Self.loadedName, from: base)
        )
    }
}
