import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 10 from outside testing, on the built binary: failed writes, deep files, control characters,
/// pasted keys, the answers of a failed dialog, files that are no regular files, modes and blank lines.
@Suite struct HardeningTests {
    /// A data directory with its store created.
    static func dataDirectory() throws -> TemporaryDirectory {
        let data = try TemporaryDirectory()
        let created = try EsaProcess.run(["--data-dir", data.url.path, "-c", "version"])
        #expect(created.status == 0, "\(created.stderr)")
        return data
    }

    /// Runs `esa` with standard output going to `stdoutPath` (such as /dev/full).
    static func run(_ arguments: [String], stdoutTo stdoutPath: String) throws -> (status: Int32, stderr: String) {
        guard let binary = EsaBinary.url else { throw EsaProcess.NotBuilt() }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let output = try #require(FileHandle(forWritingAtPath: stdoutPath))
        defer { try? output.close() }
        let errors = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit, "esa died of a signal")
        return (process.terminationStatus, String(decoding: text, as: UTF8.self))
    }

    /// Runs `esa` through `/bin/sh -c` (a umask, a redirection).
    static func shell(_ script: String) throws -> (stdout: String, stderr: String, status: Int32) {
        guard let binary = EsaBinary.url else { throw EsaProcess.NotBuilt() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, "sh", binary.path]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self),
            process.terminationStatus
        )
    }

    static func history(_ data: TemporaryDirectory) throws -> String {
        try EsaProcess.run(["--data-dir", data.url.path, "-c", "commithistory 5"]).stdout
    }

    // MARK: 1. Failed writes

    @Test func outputToAFullDiskIsAnErrorNotATrap() throws {
        let data = try Self.dataDirectory()
        let result = try Self.run(["--data-dir", data.url.path, "-c", "commithistory 1"], stdoutTo: "/dev/full")
        #expect(result.status == 2)
        #expect(result.stderr == "line 1: The output cannot be written: no space left on the device.\n")
    }

    @Test func aCommitWhoseAcknowledgementCannotBePrintedIsAcknowledgedOnStandardError() throws {
        let data = try Self.dataDirectory()
        let result = try Self.run(
            ["--data-dir", data.url.path, "-c", "sethostname full.example.com; commit \"on a full disk\""],
            stdoutTo: "/dev/full"
        )
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(result.stderr)")
        #expect(lines.first?.hasPrefix("Changes committed: ") == true)
        #expect(lines.last == "line 2: The output cannot be written: no space left on the device.")
        #expect(try Self.history(data).contains("on a full disk"))
    }

    @Test func aSystemLogOnAFullDiskStillAcknowledgesTheCommit() throws {
        let data = try Self.dataDirectory()
        let log = data.url.appendingPathComponent("logs/system.log").path
        unlink(log)
        #expect(symlink("/dev/full", log) == 0)
        let result = try EsaProcess.run([
            "--data-dir", data.url.path, "-c", "sethostname x.example.com; commit \"c\"",
        ])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Changes committed: "))
        #expect(result.stderr == "Warning: the system log cannot be written: no space left on the device.\n")
        #expect(try Self.history(data).contains(" c\n"))
    }

    // MARK: 2. Deeply nested XML

    @Test func aConfigurationFileNested50000DeepIsRefused() throws {
        let data = try Self.dataDirectory()
        let text =
            "<config>" + String(repeating: "<x>", count: 50_000) + String(repeating: "</x>", count: 50_000)
            + "</config>"
        try Data(text.utf8).write(to: data.url.appendingPathComponent("configuration/deep.xml"))
        let result = try EsaProcess.run(["--data-dir", data.url.path, "-c", "loadconfig deep.xml"])
        #expect(result.status == 3)
        #expect(result.stderr == "line 1: Error: line 1: elements are nested more than 64 levels deep\n")
    }

    // MARK: 3. Control characters

    @Test func controlCharactersAreRefusedWhereTypedAndEscapedInTheAuditLog() throws {
        let data = try Self.dataDirectory()
        let typed = try EsaProcess.run([
            "--data-dir", data.url.path, "-c", "sethostname x.example.com; commit \"a\u{1b}]0;owned\u{7}\"",
        ])
        #expect(typed.status == 4)
        #expect(typed.stderr == "line 2: Invalid input: the line holds a control character.\n")
        #expect(!typed.stdout.contains("\u{1b}"))
        let piped = try EsaProcess.run(
            ["--data-dir", data.url.path],
            input: "sethostname y.example.com\ncommit \"forged\rline\"\n"
        )
        #expect(piped.status == 4)
        #expect(piped.stderr == "line 2: Invalid input: the line holds a control character.\n")
        let user = try EsaProcess.run(["--data-dir", data.url.path, "--user", "eve\nforged", "-c", "version"])
        #expect(user.status == 64)
        #expect(user.stderr.contains("The user name must not hold control characters."))

        let audit = try String(contentsOf: data.url.appendingPathComponent("logs/audit.log"), encoding: .utf8)
        #expect(!audit.contains("\u{1b}") && !audit.contains("\r"))
        #expect(audit.contains("command=commit \"a\\x1b]0;owned\\x07\""))
        #expect(try Self.history(data).contains("Rev") && !(try Self.history(data).contains("forged")))
    }

    @Test func aCertificateSubjectWithEscapesIsShownEscaped() throws {
        let data = try Self.dataDirectory()
        let folder = data.url.appendingPathComponent("configuration")
        let scratch = try TemporaryDirectory()
        let keyFile = scratch.path("key.pem")
        let certificate = try OpenSSLCLI.output([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", keyFile,
            "-utf8", "-subj", "/CN=evil\u{1b}]0;owned\u{7}\u{1b}[2J", "-days", "30",
        ])
        _ = try OpenSSLCLI.output(
            [
                "pkcs12", "-export", "-in", "/dev/stdin", "-inkey", keyFile, "-passout", "pass:pw", "-out",
                folder.appendingPathComponent("evil.pfx").path,
            ],
            input: Array(certificate.utf8)
        )
        let result = try EsaProcess.run(
            ["--data-dir", data.url.path],
            input: "certconfig\ncertificate\nimport\nevil\nevil.pfx\nn\npw\n\n\ncertconfig list\ncommit \"evil\"\n"
                + "commitdetail\n"
        )
        #expect(result.status == 0, "\(result.stderr)\n\(result.stdout)")
        #expect(!result.stdout.contains("\u{1b}") && !result.stdout.contains("\u{7}"))
        #expect(result.stdout.contains("evil\\x1b]0;owned\\x07\\x1b[2J"))
        let log = try String(contentsOf: data.url.appendingPathComponent("logs/system.log"), encoding: .utf8)
        #expect(!log.contains("\u{1b}"))
    }

    // MARK: 5. Pasted keys and the answers of a failed dialog

    @Test func aPastedPrivateKeyIsNotEchoed() throws {
        let data = try Self.dataDirectory()
        // The binary reads the wall clock: the CA starts a day before the moment the test runs.
        let ca = try TestCA.makeRoot(validFrom: Date().addingTimeInterval(-86_400))
        let leaf = try ca.makeLeaf(commonName: "mail.example.com", dnsNames: ["mail.example.com"])
        let result = try EsaProcess.run(
            ["--data-dir", data.url.path],
            input: "certconfig\ncertificate\npaste\npasted\n\(leaf.certificatePEM).\n\(leaf.keyPEM).\nn\n\n\n\n"
        )
        #expect(result.status == 0, "\(result.stderr)")
        let body = leaf.keyPEM.split(separator: "\n")[1]
        #expect(!result.stdout.contains(body))
        #expect(!result.stdout.contains("BEGIN PRIVATE KEY"))
        #expect(result.stdout.contains("[private key: \(leaf.keyPEM.split(separator: "\n").count) lines]\n.\n"))
    }

    @Test func afterAFailedDialogItsAnswersAreSkippedNotRunAsCommands() throws {
        let data = try Self.dataDirectory()
        let result = try EsaProcess.run(
            ["--data-dir", data.url.path, "--continue-on-error"],
            input: "certconfig\ncertificate\nimport\nbad name\nkeys.pfx\nhunter2\n\n\nsethostname ok.example.com\n"
                + "showchanges\n"
        )
        #expect(result.status == 4)
        #expect(
            result.stderr
                == """
                line 4: Symbols are not allowed in the profile name.
                lines 5-8: skipped after the failed dialog, up to the next command.
                Warning: the session ended with uncommitted changes; they have been discarded.

                """
        )
        #expect(!result.stdout.contains("hunter2"))
        #expect(result.stdout.contains("ironport.example.com> sethostname ok.example.com\n"))
        #expect(result.stdout.contains("ok.example.com"))
        let audit = try String(contentsOf: data.url.appendingPathComponent("logs/audit.log"), encoding: .utf8)
        #expect(!audit.contains("hunter2"))
        #expect(audit.contains("command=sethostname ok.example.com"))
    }

    @Test func inACommandListTheRestOfAFailedDialogsAnswersIsSkippedNotGivenToLaterCommands() throws {
        let data = try Self.dataDirectory()
        let result = try EsaProcess.run(
            [
                "--data-dir", data.url.path, "--continue-on-error", "-c",
                "sethostname q.example.com; interfaceconfig; commit; commithistory",
            ],
            input: "bogus\nhunter2\n\n"
        )
        #expect(result.status == 4)
        #expect(
            result.stderr
                == """
                line 2: Invalid operation "bogus".
                2 more answers on standard input skipped after the failed dialog: \
                a -c list cannot tell which answers belong to its later commands.
                line 3: input ended during a dialog
                Warning: the session ended with uncommitted changes; they have been discarded.

                """
        )
        #expect(!result.stdout.contains("hunter2"), "the commit did not take the answer as its comment")
        #expect(result.stdout.contains("ironport.example.com> commithistory\n"), "the list went on: \(result.stdout)")
        let audit = try String(contentsOf: data.url.appendingPathComponent("logs/audit.log"), encoding: .utf8)
        #expect(!audit.contains("hunter2"))
    }

    @Test func answersThatNeverEndStopTheCommandListAfterAFailedDialog() throws {
        let data = try Self.dataDirectory()
        let result = try EsaProcess.run(
            ["--data-dir", data.url.path, "--continue-on-error", "-c", "interfaceconfig; version"],
            input: String(repeating: "y\n", count: 100_002)
        )
        #expect(result.status == 4)
        #expect(
            result.stderr.hasSuffix(
                "at least 100000 more answers on standard input skipped after the failed dialog: "
                    + "a -c list cannot tell which answers belong to its later commands; the list stops here.\n"
            ),
            "\(result.stderr)"
        )
        #expect(!result.stdout.contains("> version"))
    }

    // MARK: 7. Files that are no regular files

    @Test func linksFIFOsAndDevicesInConfigurationAreRefusedWithoutReadingThem() throws {
        let data = try Self.dataDirectory()
        let folder = data.url.appendingPathComponent("configuration")
        #expect(symlink("/etc/passwd", folder.appendingPathComponent("passwd.hat").path) == 0)
        #expect(symlink("/dev/zero", folder.appendingPathComponent("zero.xml").path) == 0)
        #expect(mkfifo(folder.appendingPathComponent("fifo.xml").path, 0o600) == 0)
        let link = try EsaProcess.run([
            "--data-dir", data.url.path, "-c", "listenerconfig edit IncomingMail hostaccess import passwd.hat",
        ])
        #expect(link.status == 3)
        #expect(
            link.stderr
                == "line 1: Error: file 'passwd.hat' is a symbolic link; only regular files in /configuration are read.\n"
        )
        #expect(!link.stderr.contains("root"))
        let zero = try EsaProcess.run(["--data-dir", data.url.path, "-c", "loadconfig zero.xml"])
        #expect(zero.status == 3)
        #expect(zero.stderr.contains("is a symbolic link"))
        let fifo = try EsaProcess.run(["--data-dir", data.url.path, "-c", "loadconfig fifo.xml"])
        #expect(fifo.status == 3)
        #expect(
            fifo.stderr
                == "line 1: Error: file 'fifo.xml' is not a regular file (a device, FIFO or socket); only regular files are read.\n"
        )
    }

    // MARK: 8. Modes

    @Test func everythingEsaWritesIsOwnerOnlyEvenUnderUmask000() throws {
        let data = try TemporaryDirectory()
        let path = data.url.appendingPathComponent("d").path
        let result = try Self.shell(
            "umask 000; \"$1\" --data-dir '\(path)' -c 'sethostname m.example.com; commit \"m\"; saveconfig 1'"
        )
        #expect(result.status == 0, "\(result.stderr)")
        let manager = FileManager.default
        var loose: [String] = []
        let enumerator = try #require(manager.enumerator(atPath: path))
        for case let name as String in enumerator {
            let mode = try #require(try manager.attributesOfItem(atPath: path + "/" + name)[.posixPermissions] as? Int)
            if mode & 0o077 != 0 { loose.append("\(name) \(String(mode, radix: 8))") }
        }
        #expect(loose.isEmpty, "\(loose)")
        #expect(manager.fileExists(atPath: path + "/logs/system.log"))
        #expect(manager.fileExists(atPath: path + "/appliance.json"))
    }

    @Test func looseModesOfAnExistingDataDirectoryAreTightenedAndLogged() throws {
        let data = try Self.dataDirectory()
        let configuration = data.url.appendingPathComponent("configuration").path
        let identity = data.url.appendingPathComponent("appliance.json").path
        #expect(chmod(data.url.path, 0o755) == 0)
        #expect(chmod(configuration, 0o777) == 0)
        #expect(chmod(identity, 0o644) == 0)
        let result = try EsaProcess.run(["--data-dir", data.url.path, "-c", "version"])
        #expect(result.status == 0)
        // The data directory keeps others' search bit (esa serve's Postfix user traverses it), not read.
        for (path, mode) in [(data.url.path, 0o711), (configuration, 0o700), (identity, 0o600)] {
            #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == mode)
        }
        let log = try String(contentsOf: data.url.appendingPathComponent("logs/system.log"), encoding: .utf8)
        #expect(log.contains("Warning: \(configuration) was readable by others (mode 777); it is now 700."))
        #expect(log.contains("Warning: \(data.url.path) was readable by others (mode 755); it is now 711."))
    }

    // MARK: 15. Blank lines

    @Test func blankLinesAreNeitherAuditedNorEchoedOnePromptEach() throws {
        let data = try Self.dataDirectory()
        let result = try EsaProcess.run(
            ["--data-dir", data.url.path],
            input: Array(repeating: UInt8(0x0A), count: 200_000) + Array("version\n".utf8)
        )
        #expect(result.status == 0)
        #expect(result.stdout.utf8.count < 50_000, "stdout grew to \(result.stdout.utf8.count) bytes")
        let audit = try String(contentsOf: data.url.appendingPathComponent("logs/audit.log"), encoding: .utf8)
        let lines = audit.split(separator: "\n")
        #expect(lines.count == 2, "\(lines.count) audit lines")  // the store's `-c version`, then `version`
        #expect(lines.allSatisfy { !$0.hasSuffix("command=") })
    }

    // MARK: 16. Limits

    @Test func twoSavesInOneSecondNeverShareAFileName() throws {
        let data = try Self.dataDirectory()
        let result = try EsaProcess.run(["--data-dir", data.url.path, "-c", "saveconfig 2; saveconfig 2; saveconfig 2"])
        #expect(result.status == 0, "\(result.stderr)")
        let names = try FileManager.default.contentsOfDirectory(
            atPath: data.url.appendingPathComponent("configuration").path
        ).filter { $0.hasSuffix(".xml") }
        #expect(names.count == 3, "\(names)")
        for name in names {
            let loaded = try EsaProcess.run(["--data-dir", data.url.path, "-c", "loadconfig \(name)"])
            #expect(loaded.status == 0, "\(name): \(loaded.stderr)")
        }
    }
}
