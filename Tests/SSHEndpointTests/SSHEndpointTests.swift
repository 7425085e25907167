import Foundation
import SSHEndpoint
import TestSupport
import Testing

/// The embedded endpoint driven by Debian's real OpenSSH client (`ssh`, `scp -O`), with the built
/// `esa` as every session's child. Ports 22400–22499, one per test.
@Suite(.serialized)
struct SSHEndpointTests {
    static let clientInstalled =
        FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/scp")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen")

    @Test(.enabled(if: clientInstalled, "needs Debian's openssh-client (Scripts/bootstrap installs it)"))
    func execRunsLikeEsaDashCAndReturnsItsExitStatus() async throws {
        let harness = try await EndpointHarness(port: 22401)
        defer { harness.shutDownLater() }

        let version = try harness.ssh("version")
        #expect(version.status == 0, "\(version.stderr)")
        #expect(version.stdout.contains("Current Version\n===============\n"))

        // The same command line run directly with -c gives the same output and exit status.
        let direct = try EsaProcess.run(["--data-dir", harness.dataDirectory.path, "-c", "version; nosuchcommand"])
        let remote = try harness.ssh("version; nosuchcommand")
        #expect(direct.status != 0)
        #expect(remote.status == direct.status)
        #expect(remote.stdout == direct.stdout)
        #expect(remote.stderr == direct.stderr)
    }

    @Test(.enabled(if: clientInstalled, "needs Debian's openssh-client (Scripts/bootstrap installs it)"))
    func hostKeysAreMadeOnceAndKeptPrivate() async throws {
        let harness = try await EndpointHarness(port: 22402)
        defer { harness.shutDownLater() }
        let folder = harness.dataDirectory.appendingPathComponent("ssh")
        var before: [Data] = []
        for name in [HostKeys.ed25519FileName, HostKeys.ecdsaFileName] {
            let path = folder.appendingPathComponent(name).path
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(name)")
            before.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        let keys = try HostKeys.loadOrCreate(in: folder.path)
        #expect(keys.publicKeys.map { $0.split(separator: " ")[0] } == ["ssh-ed25519", "ecdsa-sha2-nistp256"])
        let after = try [HostKeys.ed25519FileName, HostKeys.ecdsaFileName].map {
            try Data(contentsOf: folder.appendingPathComponent($0))
        }
        #expect(after == before)

        // The client sees the host key that is on disk.
        let scan = try EndpointHarness.run(
            "/usr/bin/ssh-keyscan",
            ["-p", String(harness.port), "-t", "ed25519", "127.0.0.1"]
        )
        #expect(scan.stdout.contains(keys.publicKeys[0].split(separator: " ")[1]))

        // A damaged key file is an error, never replaced.
        let damaged = folder.appendingPathComponent(HostKeys.ecdsaFileName)
        try Data("not a key".utf8).write(to: damaged)
        #expect(throws: SSHEndpointError.self) { try HostKeys.loadOrCreate(in: folder.path) }
        #expect(try Data(contentsOf: damaged) == Data("not a key".utf8))
    }

    @Test(.enabled(if: clientInstalled, "needs Debian's openssh-client (Scripts/bootstrap installs it)"))
    func interactiveSessionShowsBannerRunsACommandAndExits() async throws {
        let harness = try await EndpointHarness(port: 22403)
        defer { harness.shutDownLater() }
        let arguments = harness.keyOptions + ["-tt", "-p", String(harness.port), "alice@127.0.0.1"]

        let first = try PseudoTerminal(executable: "/usr/bin/ssh", arguments: arguments)
        try first.expect("Welcome to the esa Email Security Appliance Shell")
        try first.expect("> ")
        first.send("exit\r")
        #expect(try first.waitForExit() == 0)

        // The second session's banner names the first one.
        let second = try PseudoTerminal(executable: "/usr/bin/ssh", arguments: arguments)
        let banner = try second.expect("> ")
        #expect(banner.contains("Last login: "))
        #expect(banner.contains(" from 127.0.0.1\r\n"))
        second.send("version\r")
        let output = try second.expect("> ")
        #expect(output.contains("Current Version\r\n===============\r\n"))
        second.send("exit\r")
        #expect(try second.waitForExit() == 0)
    }

    @Test(.enabled(if: clientInstalled, "needs Debian's openssh-client (Scripts/bootstrap installs it)"))
    func windowChangesReachTheSessionsTerminal() async throws {
        // A stand-in child prints its terminal size, waits for a line, prints it again.
        let standIn = try EndpointHarness.script("stty size; read line; stty size")
        let harness = try await EndpointHarness(port: 22404, executable: standIn)
        defer { harness.shutDownLater() }
        let client = try PseudoTerminal(
            executable: "/usr/bin/ssh",
            arguments: harness.keyOptions + ["-tt", "-p", String(harness.port), "alice@127.0.0.1"],
            rows: 24,
            columns: 80
        )
        try client.expect("24 80\r\n")
        // ssh gets SIGWINCH from its terminal and sends a window change before the next keystroke.
        client.resize(rows: 40, columns: 132)
        client.send("\r")
        try client.expect("40 132\r\n")
        #expect(try client.waitForExit() == 0)
    }

    @Test(.enabled(if: clientInstalled, "needs Debian's openssh-client (Scripts/bootstrap installs it)"))
    func aSessionsChildInheritsNoOtherSessionsDescriptors() async throws {
        // The stand-in lists its open descriptors for an exec request and waits on a terminal otherwise.
        let standIn = try EndpointHarness.script(
            #"if [ "$5" = "-c" ]; then exec ls -1 /proc/self/fd; else echo ready; read line; fi"#
        )
        let harness = try await EndpointHarness(port: 22411, executable: standIn)
        defer { harness.shutDownLater() }
        let open = try PseudoTerminal(
            executable: "/usr/bin/ssh",
            arguments: harness.keyOptions + ["-tt", "-p", String(harness.port), "alice@127.0.0.1"]
        )
        try open.expect("ready")
        // ls's own directory descriptor is 3; nothing of the other session, the endpoint or NIO.
        let listed = try harness.ssh("anything")
        #expect(listed.stdout == "0\n1\n2\n3\n")
        #expect(listed.status == 0)
        open.send("\r")
        #expect(try open.waitForExit() == 0)
    }

    @Test(.enabled(if: clientInstalled, "needs Debian's openssh-client (Scripts/bootstrap installs it)"))
    func scpUploadsIntoAndDownloadsFromConfiguration() async throws {
        let harness = try await EndpointHarness(port: 22405)
        defer { harness.shutDownLater() }
        let bytes = Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let local = harness.folder.appendingPathComponent("upload.p12")
        try bytes.write(to: local)

        let upload = try harness.scp([local.path, "alice@127.0.0.1:/configuration/server.p12"])
        #expect(upload.status == 0, "\(upload.stderr)")
        let stored = harness.dataDirectory.appendingPathComponent("configuration/server.p12")
        #expect(try Data(contentsOf: stored) == bytes)
        let attributes = try FileManager.default.attributesOfItem(atPath: stored.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        let back = harness.folder.appendingPathComponent("download.p12")
        let download = try harness.scp(["alice@127.0.0.1:/configuration/server.p12", back.path])
        #expect(download.status == 0, "\(download.stderr)")
        #expect(try Data(contentsOf: back) == bytes)

        let refused = try harness.scp([local.path, "alice@127.0.0.1:/etc/passwd"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("scp: "))
    }

    /// ssh.md §2, §3: a Read-Only Operator logged in at the endpoint is refused at staging (exec) and
    /// at upload (scp -O), and may download.
    @Test(.enabled(if: clientInstalled, "needs Debian's openssh-client (Scripts/bootstrap installs it)"))
    func aReadOnlyOperatorIsRefusedAtStagingAndAtUpload() async throws {
        let harness = try await EndpointHarness(
            port: 22413,
            setup: "userconfig add rita \"Rita Example\" readonly \(EndpointHarness.alicePassphrase)"
        ) { key in TestUsers(keys: ["rita": [key]]) }
        do {
            let staged = try harness.ssh("version; sethostname rita.example.com", user: "rita")
            #expect(staged.status == 3)
            #expect(staged.stdout.contains("Current Version"))
            #expect(staged.stderr == "line 2: You are not in the correct access group to use this command.\n")

            let local = harness.folder.appendingPathComponent("rita.p12")
            try Data("not really a bundle\n".utf8).write(to: local)
            let upload = try harness.scp([local.path, "rita@127.0.0.1:/configuration/rita.p12"])
            #expect(upload.status != 0)
            #expect(upload.stderr.contains("scp: /configuration/rita.p12: Permission denied"), "\(upload.stderr)")
            let stored = harness.dataDirectory.appendingPathComponent("configuration/rita.p12").path
            #expect(!FileManager.default.fileExists(atPath: stored))

            try FileManager.default.createDirectory(
                at: harness.dataDirectory.appendingPathComponent("configuration"),
                withIntermediateDirectories: true
            )
            try Data("readable\n".utf8).write(
                to: harness.dataDirectory.appendingPathComponent("configuration/notes.txt")
            )
            let back = harness.folder.appendingPathComponent("notes.txt")
            let download = try harness.scp(["rita@127.0.0.1:/configuration/notes.txt", back.path])
            #expect(download.status == 0, "\(download.stderr)")
            #expect(try Data(contentsOf: back) == Data("readable\n".utf8))
        } catch {
            await harness.shutDown()
            throw error
        }
        await harness.shutDown()
    }

    @Test(.enabled(if: clientInstalled, "needs Debian's openssh-client (Scripts/bootstrap installs it)"))
    func passwordLoginWorksAndUnknownKeysAreRefused() async throws {
        let harness = try await EndpointHarness(port: 22406)
        defer { harness.shutDownLater() }
        let client = try PseudoTerminal(
            executable: "/usr/bin/ssh",
            arguments: harness.passwordArguments(user: "alice", command: ["version"])
        )
        try client.expect("alice@127.0.0.1's password: ")
        client.send(EndpointHarness.alicePassphrase + "\r")
        try client.expect("Current Version")
        #expect(try client.waitForExit() == 0)

        // Another key than alice's is refused.
        let stranger = harness.folder.appendingPathComponent("stranger")
        _ = try EndpointHarness.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", stranger.path])
        let refused = try EndpointHarness.run(
            "/usr/bin/ssh",
            harness.commonOptions + [
                "-i", stranger.path, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-p", String(harness.port), "alice@127.0.0.1", "version",
            ]
        )
        #expect(refused.status == 255)
        #expect(refused.stderr.contains("Permission denied"))
        #expect(refused.stdout.isEmpty)
    }

    @Test(.enabled(if: clientInstalled, "needs Debian's openssh-client (Scripts/bootstrap installs it)"))
    func wrongPasswordsAreLoggedSlowedDownAndGiveNoHintWhetherTheUserExists() async throws {
        let harness = try await EndpointHarness(port: 22407)
        defer { harness.shutDownLater() }

        // Three wrong passwords for alice, answered at once.
        var answers: [Duration] = []
        var transcripts: [String] = []
        for user in ["alice", "mallory"] {
            let client = try PseudoTerminal(
                executable: "/usr/bin/ssh",
                arguments: harness.passwordArguments(user: user)
            )
            var transcript = try client.expect("password: ")
            for attempt in 1...3 {
                let start = ContinuousClock.now
                client.send("wrong \(attempt)\r")
                transcript += try client.expect(attempt < 3 ? "password: " : "Permission denied", timeout: .seconds(40))
                answers.append(ContinuousClock.now - start)
            }
            #expect(try client.waitForExit(timeout: .seconds(40)) == 255)
            transcripts.append(transcript.replacingOccurrences(of: user, with: "USER"))
        }
        // An unknown user sees exactly what a known one with a wrong password sees.
        #expect(transcripts[0] == transcripts[1])
        // The first three failures from the address come at once; from the 4th on they are slowed
        // down: 1 s, then 2 s.
        for answer in answers.prefix(3) { #expect(answer < .seconds(1)) }
        #expect(answers[3] >= .seconds(1))
        #expect(answers[4] >= .seconds(2))

        let failures = harness.log.all.filter { $0.contains("failed authentication") }
        let pid = ProcessInfo.processInfo.processIdentifier
        #expect(failures.count == 6)
        #expect(failures.first == "Warning: PID \(pid): User alice failed authentication from 127.0.0.1")
        #expect(failures.last == "Warning: PID \(pid): User mallory failed authentication from 127.0.0.1")
        #expect(!harness.log.all.joined().contains("wrong"))
    }

    @Test(.enabled(if: clientInstalled, "needs Debian's openssh-client (Scripts/bootstrap installs it)"))
    func fiftyConcurrentExecSessions() async throws {
        let harness = try await EndpointHarness(port: 22408)
        defer { harness.shutDownLater() }
        let direct = try EsaProcess.run(["--data-dir", harness.dataDirectory.path, "-c", "version; nosuchcommand"])
        // All 50 clients are started before the first is waited for.
        let running = try (0..<50).map { _ in try harness.startSSH("version; nosuchcommand") }
        let results = running.map { $0.finish() }
        #expect(results.count == 50)
        for result in results {
            #expect(result.stdout == direct.stdout, "\(result.stderr)")
            #expect(result.status == direct.status, "\(result.stderr)")
        }
        // Every child has been reaped.
        let deadline = ContinuousClock.now + .seconds(10)
        while harness.endpoint.sessions.count > 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(harness.endpoint.sessions.count == 0)
    }

    @Test(.enabled(if: clientInstalled, "needs Debian's openssh-client (Scripts/bootstrap installs it)"))
    func clientsDroppingMidHandshakeAndCrashingSessionsLeaveTheEndpointServing() async throws {
        let standIn = try EndpointHarness.script("kill -SEGV $$")
        let crashing = try await EndpointHarness(port: 22409, executable: standIn)
        defer { crashing.shutDownLater() }
        let crashed = try crashing.ssh("anything")
        #expect(crashed.status == 255)

        let harness = try await EndpointHarness(port: 22410)
        defer { harness.shutDownLater() }
        for bytes in [Array("".utf8), Array("SSH-2.0-OpenSSH_9.2\r\n".utf8), Array("SSH-2.0-x\r\n".utf8) + [0, 0, 1]] {
            try RawClient.connectSendAndDrop(port: harness.port, bytes: bytes)
        }
        // A real client killed while it negotiates.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh")
        process.arguments = harness.keyOptions + ["-p", String(harness.port), "alice@127.0.0.1", "version"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        let after = try harness.ssh("version")
        #expect(after.status == 0)
        #expect(after.stdout.contains("Current Version"))
    }
}

/// A TCP client that sends some bytes and hangs up.
enum RawClient {
    static func connectSendAndDrop(port: Int, bytes: [UInt8]) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw HarnessError("connect failed") }
        if !bytes.isEmpty { _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } }
    }
}
