import Foundation
import TestSupport
import Testing

@testable import ConfigStore

#if canImport(Glibc)
import Glibc
#endif

/// The configuration store seen from the binary (issue 10, items 9, 11 and 14): damage to a data
/// directory used before is reported and left alone, read-only commands never wait for a writer, and
/// a full disk is named as such.
@Suite(.serialized) struct StoreEndToEndTests {
    /// A data directory after one start, and its store's path.
    static func initialised() throws -> (TemporaryDirectory, String) {
        let data = try TemporaryDirectory()
        let first = try EsaProcess.run(["--data-dir", data.url.path, "-c", "version"])
        #expect(first.status == 0, "first start failed: \(first.stderr)")
        return (data, data.url.appendingPathComponent("config.db").path)
    }

    static func contents(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    static func names(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    // MARK: Item 9 — nothing is silently re-initialised

    @Test func anEmptyStoreInAUsedDataDirectoryIsReportedAndLeftEmpty() throws {
        let (data, store) = try Self.initialised()
        #expect(truncate(store, 0) == 0)
        let files = try Self.names(data.url)
        let identity = Self.contents(data.url.appendingPathComponent("appliance.json").path)

        let run = try EsaProcess.run(["--data-dir", data.url.path, "-c", "commithistory"])
        #expect(run.status == 2)
        #expect(
            run.stderr
                == "esa: The configuration store \(store) is empty; restore it from a backup (nothing was changed).\n"
        )
        #expect(run.stdout.isEmpty)
        #expect(Self.contents(store) == Data())
        #expect(try Self.names(data.url) == files)
        #expect(Self.contents(data.url.appendingPathComponent("appliance.json").path) == identity)
    }

    @Test func aMissingStoreInAUsedDataDirectoryIsReportedAndNotCreated() throws {
        let (data, store) = try Self.initialised()
        try FileManager.default.removeItem(atPath: store)
        let files = try Self.names(data.url)

        let run = try EsaProcess.run(["--data-dir", data.url.path, "-c", "version"])
        #expect(run.status == 2)
        #expect(
            run.stderr
                == "esa: The configuration store \(store) is missing; restore it from a backup (nothing was changed).\n"
        )
        #expect(!FileManager.default.fileExists(atPath: store))
        #expect(try Self.names(data.url) == files)
    }

    @Test func aDamagedIdentityIsReportedAndKept() throws {
        let (data, store) = try Self.initialised()
        let identity = data.url.appendingPathComponent("appliance.json")
        try Data("{\"serialNumber\": \"12".utf8).write(to: identity)
        let before = Self.contents(store)

        let run = try EsaProcess.run(["--data-dir", data.url.path, "-c", "version"])
        #expect(run.status == 2)
        #expect(
            run.stderr
                == "esa: The appliance identity \(identity.path) is damaged; restore it from a backup (nothing was changed).\n"
        )
        #expect(Self.contents(identity.path) == Data("{\"serialNumber\": \"12".utf8))
        #expect(Self.contents(store) == before)
    }

    @Test func aMissingIdentityIsReportedOnceSomethingWasCommitted() throws {
        let (data, _) = try Self.initialised()
        let identity = data.url.appendingPathComponent("appliance.json")
        // A first start stopped between the store and the identity: the identity is written now.
        try FileManager.default.removeItem(at: identity)
        let resumed = try EsaProcess.run(["--data-dir", data.url.path, "-c", "version"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(FileManager.default.fileExists(atPath: identity.path))

        let commit = try EsaProcess.run(["--data-dir", data.url.path, "-c", "sethostname a.example.com; commit \"c\""])
        #expect(commit.status == 0, "\(commit.stderr)")
        try FileManager.default.removeItem(at: identity)
        let run = try EsaProcess.run(["--data-dir", data.url.path, "-c", "version"])
        #expect(run.status == 2)
        #expect(
            run.stderr
                == "esa: The appliance identity \(identity.path) is missing; restore it from a backup (nothing was changed).\n"
        )
        #expect(!FileManager.default.fileExists(atPath: identity.path))
    }

    // MARK: Item 11 — reading never waits for the write lock

    @Test func readOnlyCommandsRunWhileAnotherProcessHoldsTheWriteLock() throws {
        let (data, store) = try Self.initialised()
        let commit = try EsaProcess.run(["--data-dir", data.url.path, "-c", "sethostname a.example.com; commit \"c\""])
        #expect(commit.status == 0)
        let holder = try WriteLockHolder(path: store)
        defer { try? holder.release() }

        let start = Date()
        let run = try EsaProcess.run(["--data-dir", data.url.path, "-c", "commithistory; showchanges"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains(" c\n"), "the commit is listed: \(run.stdout)")
        // The busy timeout is 10 s: a command that waited for the lock would take at least that.
        #expect(Date().timeIntervalSince(start) < 8)
    }

    // MARK: Item 6 — private keys encrypted at rest

    @Test func privateKeysAreEncryptedAtRestAndACopiedStoreAloneRevealsNone() throws {
        let (data, store) = try Self.initialised()
        let commit = try EsaProcess.run(["--data-dir", data.url.path, "-c", "sethostname a.example.com; commit \"c\""])
        #expect(commit.status == 0, "\(commit.stderr)")
        var bytes = Data()
        for suffix in ["", "-wal"] { bytes.append(Self.contents(store + suffix) ?? Data()) }
        #expect(bytes.count > 0)
        #expect(bytes.range(of: Data("PRIVATE KEY".utf8)) == nil, "a private key is stored in plain text")
        #expect(FileManager.default.fileExists(atPath: data.url.appendingPathComponent("secret.key").path))

        // The database and the identity copied elsewhere, without secret.key: refused, nothing created.
        let copy = try TemporaryDirectory()
        for name in ["config.db", "appliance.json"] {
            try FileManager.default.copyItem(
                at: data.url.appendingPathComponent(name),
                to: copy.url.appendingPathComponent(name)
            )
        }
        let run = try EsaProcess.run(["--data-dir", copy.url.path, "-c", "showconfig 1"])
        #expect(run.status == 2)
        #expect(
            run.stderr
                == "esa: The private keys in the configuration store cannot be decrypted with this data directory's "
                + "secret.key (missing or replaced); restore it from a backup.\n"
        )
        #expect(!run.stdout.contains("PRIVATE KEY"))
        #expect(!FileManager.default.fileExists(atPath: copy.url.appendingPathComponent("secret.key").path))
    }

    /// Issue 13 item 3: a run that never reads the configuration (`version`, `help`, `exit`) does not
    /// decode the head — its prompt shows the host name all the same — and the first command that reads
    /// it gets the line and status a start-up would have given.
    @Test func aRunThatNeverReadsTheConfigurationDoesNotDecodeIt() throws {
        let (data, _) = try Self.initialised()
        let commit = try EsaProcess.run(["--data-dir", data.url.path, "-c", "sethostname a.example.com; commit \"c\""])
        #expect(commit.status == 0, "\(commit.stderr)")
        // Without secret.key the head's private keys cannot be opened: only decoding the head fails.
        let secretKey = data.url.appendingPathComponent("secret.key").path
        try FileManager.default.removeItem(atPath: secretKey)

        let oneLine = try EsaProcess.run(["--data-dir", data.url.path, "-c", "version; help"])
        #expect(oneLine.status == 0, "\(oneLine.stderr)")
        #expect(oneLine.stdout.hasPrefix("a.example.com> version\n"))
        #expect(oneLine.stdout.contains("\na.example.com> help\n"))
        let piped = try EsaProcess.run(["--data-dir", data.url.path], input: "version\nexit\n")
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout.hasPrefix("a.example.com> version\n"))
        #expect(piped.stdout.hasSuffix("a.example.com> exit\n"))

        let reading = try EsaProcess.run(["--data-dir", data.url.path, "-c", "version; showconfig 1"])
        #expect(reading.status == 2)
        #expect(
            reading.stderr
                == "esa: The private keys in the configuration store cannot be decrypted with this data directory's "
                + "secret.key (missing or replaced); restore it from a backup.\n"
        )
        #expect(reading.stdout.hasPrefix("a.example.com> version\n"))
        #expect(reading.stdout.hasSuffix("\na.example.com> showconfig 1\n"))
        #expect(!FileManager.default.fileExists(atPath: secretKey))
    }

    // MARK: Item 10 — the record of a revision is under its checksum

    @Test func aForgedCommentIsReportedAsDamageNotShown() throws {
        let (data, store) = try Self.initialised()
        for name in ["a", "b"] {
            let commit = try EsaProcess.run(
                ["--data-dir", data.url.path, "-c", "sethostname \(name).example.com; commit \"\(name)\""]
            )
            #expect(commit.status == 0, "\(commit.stderr)")
        }
        #expect(
            try EsaProcess.run(["--data-dir", data.url.path, "--verify-store"]).stdout
                == "The configuration store is intact: 3 revisions checked.\n"
        )
        try RawStoreAccess.execute(path: store, sql: "UPDATE revision SET comment = 'forged' WHERE number = 2")

        let damage = "The configuration store is damaged: revision 2 is unreadable; the last good revision is 1."
        let history = try EsaProcess.run(["--data-dir", data.url.path, "-c", "commithistory"])
        #expect(history.status == 2)
        #expect(history.stderr == "line 1: \(damage)\n")
        #expect(!history.stdout.contains("forged"))
        // Start-up reads only the head, which is intact; the full check finds the damage.
        #expect(try EsaProcess.run(["--data-dir", data.url.path, "-c", "version"]).status == 0)
        let verify = try EsaProcess.run(["--data-dir", data.url.path, "--verify-store"])
        #expect(verify.status == 2)
        #expect(verify.stderr == "esa: \(damage)\n")
    }

    /// Issue 13: the prompt's host name is read as stored, without a checksum (a run that never reads
    /// the configuration initialises no OpenSSL); a damaged head is found by the first command that
    /// reads it, with the line and status a start-up that reads it gives.
    @Test func aDamagedHeadIsFoundByTheFirstCommandThatReadsIt() throws {
        let (data, store) = try Self.initialised()
        let commit = try EsaProcess.run(["--data-dir", data.url.path, "-c", "sethostname a.example.com; commit \"a\""])
        #expect(commit.status == 0, "\(commit.stderr)")
        try RawStoreAccess.execute(path: store, sql: "UPDATE revision SET comment = 'forged' WHERE number = 2")
        let damage = "esa: The configuration store is damaged: revision 2 is unreadable; the last good revision is 1.\n"

        let idle = try EsaProcess.run(["--data-dir", data.url.path], input: "version\nexit\n")
        #expect(idle.status == 0, "\(idle.stderr)")
        #expect(idle.stdout.hasPrefix("a.example.com> version\n"))
        #expect(idle.stdout.hasSuffix("a.example.com> exit\n"))

        let reading = try EsaProcess.run(["--data-dir", data.url.path, "-c", "version; sethostname b.example.com"])
        #expect(reading.status == 2)
        #expect(reading.stderr == damage)
        #expect(reading.stdout.hasPrefix("a.example.com> version\n"))
        #expect(!reading.stdout.contains("forged"))

        // A start that reads the head at once (`--user`) says the same.
        let atStart = try EsaProcess.run(["--data-dir", data.url.path, "--user", "admin", "-c", "version"])
        #expect(atStart.status == 2)
        #expect(atStart.stderr == damage)
        #expect(atStart.stdout.isEmpty)
    }

    // MARK: Item 12 — a commit whose base was pruned

    @Test func aScriptSessionCommitsAfterMoreThanAHundredOtherCommits() throws {
        let (data, _) = try Self.initialised()
        // The session's base is revision 2 (revision 1 is always kept).
        let first = try EsaProcess.run([
            "--data-dir", data.url.path, "-c", "sethostname g.example.com; commit \"base\"",
        ])
        #expect(first.status == 0)
        let binary = try #require(EsaBinary.url, "the esa executable is not built next to the tests")
        let session = Process()
        session.executableURL = binary
        session.arguments = ["--data-dir", data.url.path]
        let input = Pipe()
        let output = Pipe()
        session.standardInput = input
        session.standardOutput = output
        session.standardError = output
        try session.run()
        input.fileHandleForWriting.write(Data("alertconfig new ops@example.com --class=all --severity=all\n".utf8))
        // Wait until the session has staged its change (it reads the next line after echoing this one).
        var seen = Data()
        let deadline = Date().addingTimeInterval(30)
        while String(decoding: seen, as: UTF8.self).contains("alertconfig new") == false && Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        #expect(String(decoding: seen, as: UTF8.self).contains("alertconfig new"))

        let others = (1...110).map { "sethostname h\($0).example.com; commit \"other \($0)\"" }.joined(separator: "; ")
        let other = try EsaProcess.run(["--data-dir", data.url.path, "-c", others])
        #expect(other.status == 0, "\(other.stderr)")
        let kept = try EsaProcess.run(["--data-dir", data.url.path, "-c", "commithistory 1000"])
        #expect(!kept.stdout.contains(" base\n"), "revision 2 was pruned: \(kept.stdout)")

        input.fileHandleForWriting.write(Data("commit \"late\"\n".utf8))
        try input.fileHandleForWriting.close()
        seen.append(output.fileHandleForReading.readDataToEndOfFile())
        session.waitUntilExit()
        let transcript = String(decoding: seen, as: UTF8.self)
        #expect(session.terminationStatus == 0, "\(transcript)")
        #expect(transcript.contains("Changes committed: "), "\(transcript)")
        #expect(!transcript.contains("no longer kept"))
        let history = try EsaProcess.run(["--data-dir", data.url.path, "-c", "commithistory 1; alertconfig list"])
        #expect(history.stdout.contains(" late\n"), "\(history.stdout)")
        #expect(history.stdout.contains("ops@example.com"))
        #expect(history.stdout.contains("h110.example.com"))
    }

    // MARK: Item 14 — a full disk

    /// Runs `script` with `sh` in a private mount namespace where `$D` is a 1 MiB tmpfs, so the disk
    /// can be filled (or remounted read-only). Nil (after saying why) where mount namespaces are not available.
    static func onSmallDisk(_ script: String) throws -> EsaProcess.Result? {
        let binary = try #require(EsaBinary.url, "the esa executable is not built next to the tests")
        let mountPoint = try TemporaryDirectory()
        let wrapper = """
            mount -t tmpfs -o size=1m,mode=0700 tmpfs "$D" || exit 99
            \(script)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["-m", "sh", "-c", wrapper]
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["D": mountPoint.url.path, "ESA": binary.path],
            uniquingKeysWith: { $1 }
        )
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else {
            return skip("unshare is not installed")
        }
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus == 99 {
            return skip("no mount namespace with a tmpfs (needs root): \(String(decoding: err, as: UTF8.self))")
        }
        return EsaProcess.Result(
            stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self),
            status: process.terminationStatus
        )
    }

    static func skip(_ reason: String, sourceLocation: SourceLocation = #_sourceLocation) -> EsaProcess.Result? {
        _ = MachineRequirement.met(unless: ["test on a private tmpfs: " + reason], sourceLocation: sourceLocation)
        return nil
    }

    /// Fills the disk but for `spare` KiB (SQLite's shared-memory file takes 32).
    static func fill(leaving spare: Int) -> String {
        """
        "$ESA" --data-dir "$D/d" -c version >/dev/null || exit 98
        head -c \(spare)k /dev/zero > "$D/spare"
        head -c 2m /dev/zero > "$D/fill" 2>/dev/null
        rm "$D/spare"
        """
    }

    @Test(arguments: [(36, "line 2: ", 2), (0, "esa: ", 2)])
    func aCommitOnAFullDiskSaysTheDiskIsFullAndStoresNothing(spare: Int, prefix: String, status: Int) throws {
        guard
            let result = try Self.onSmallDisk(
                Self.fill(leaving: spare) + """

                    "$ESA" --data-dir "$D/d" -c 'sethostname full.example.com; commit "on a full disk"' 2>&1
                    echo "status=$?"
                    rm "$D/fill"
                    "$ESA" --data-dir "$D/d" -c 'commithistory' 2>&1
                    echo "status=$?"
                    """
            )
        else { return }
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let store = "config.db cannot be written: no space left on the device."
        #expect(
            lines.contains { $0.hasPrefix("\(prefix)The configuration store ") && $0.hasSuffix(store) },
            "\(lines)"
        )
        #expect(!result.stdout.contains("could not be read or written"))
        #expect(!result.stdout.contains("Changes committed"))
        #expect(lines.filter { $0.hasPrefix("status=") } == ["status=\(status)", "status=0"])
        #expect(!result.stdout.contains("on a full disk\n"), "nothing was stored")
    }

    @Test func theAuditLogGetsNoTornLineOnAFullDiskAndReportsWhatItCouldNotWrite() throws {
        let count = 300
        let commands = Array(repeating: "version", count: count).joined(separator: "; ")
        guard
            let result = try Self.onSmallDisk(
                Self.fill(leaving: 36) + """

                    "$ESA" --data-dir "$D/d" -c '\(commands)' 2>&1 >/dev/null
                    echo "status=$?"
                    echo "--- audit"
                    cat "$D/d/logs/audit.log"
                    """
            )
        else { return }
        let parts = result.stdout.components(separatedBy: "--- audit\n")
        #expect(parts.count == 2, "\(result.stdout) \(result.stderr)")
        guard parts.count == 2 else { return }
        let audit = parts[1]
        #expect(audit.hasSuffix("\n"), "the last audit line is complete")
        let records = audit.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        for record in records {
            #expect(record.hasSuffix("command=version"), "torn audit line: \(record)")
        }
        let reports = parts[0].split(separator: "\n").map(String.init)
        let written = records.count - 1  // the first start wrote one
        #expect(written < count, "the disk was full before all \(count) records: \(written)")
        #expect(
            reports.filter { $0.contains("cannot be written: no space left on the device") }.count == 1,
            "\(reports)"
        )
        #expect(
            reports.contains {
                $0.hasPrefix("esa: \(count - written) audit records could not be written to ")
                    && $0.hasSuffix("audit.log: no space left on the device.")
            },
            "\(reports)"
        )
        #expect(reports.last == "status=0")
    }
}
