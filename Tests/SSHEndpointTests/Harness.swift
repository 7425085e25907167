import Foundation
import SSHEndpoint
import Synchronization
import TestSupport

/// Users for the endpoint under test: passwords in clear (the directory's contract is only
/// "verify"), keys as OpenSSH lines.
struct TestUsers: SSHUserDirectory {
    var passwords: [String: String] = [:]
    var keys: [String: [String]] = [:]

    func verifyPassword(_ password: String, user: String) -> Bool { passwords[user] == password }
    func publicKeys(user: String) -> [String] { keys[user] ?? [] }
}

/// Lines the endpoint wrote to the system log.
final class CollectedLog: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

/// The result of a finished program.
struct Finished {
    var stdout: String
    var stderr: String
    var status: Int32
}

/// A running endpoint on its own port, a data directory, a client key pair, and helpers that run
/// Debian's OpenSSH client against it.
final class EndpointHarness {
    let folder: URL
    let dataDirectory: URL
    let clientKey: String
    let port: Int
    let endpoint: SSHEndpoint
    let log = CollectedLog()

    /// alice's passphrase in the committed configuration (the test directory uses it too).
    static let alicePassphrase = "Xq7-mK2-pL9"

    /// Ports of this helper: 22400–22499 (each test its own).
    /// - Parameter setup: more commands (`; `-separated) committed with alice, such as other users.
    init(
        port: Int,
        executable: String? = nil,
        setup: String = "",
        users: ((String) -> TestUsers)? = nil
    ) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("esa-endpoint-\(UUID().uuidString)")
        dataDirectory = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        clientKey = folder.appendingPathComponent("id_ed25519").path
        let keygen = try Self.run(
            "/usr/bin/ssh-keygen",
            ["-q", "-t", "ed25519", "-N", "", "-C", "alice@test", "-f", clientKey]
        )
        guard keygen.status == 0 else { throw HarnessError("ssh-keygen failed: \(keygen.stderr)") }
        let publicKey = try String(contentsOfFile: clientKey + ".pub", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let directory =
            users?(publicKey) ?? TestUsers(passwords: ["alice": Self.alicePassphrase], keys: ["alice": [publicKey]])
        guard let program = executable ?? EsaBinary.url?.path else { throw EsaProcess.NotBuilt() }
        // The session's `esa --user alice` runs as the committed appliance user alice.
        let added = try EsaProcess.run([
            "--data-dir", dataDirectory.path, "-c",
            "userconfig add alice \"Alice Example\" admin \(Self.alicePassphrase); \(setup)\(setup.isEmpty ? "" : "; ")"
                + "commit \"alice\"",
        ])
        guard added.status == 0 else { throw HarnessError("adding alice failed: \(added.stderr)") }
        let log = self.log
        endpoint = SSHEndpoint(
            configuration: .init(
                listen: ListenAddress(host: "127.0.0.1", port: port),
                hostKeyFolder: dataDirectory.appendingPathComponent("ssh").path,
                command: SessionCommand(executable: program, dataDirectory: dataDirectory.path),
                users: directory,
                log: { log.append($0) }
            )
        )
        self.port = try await endpoint.start()
    }

    func shutDown() async {
        await endpoint.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// For `defer`: stops the endpoint and waits for it (a test's defer cannot await).
    func shutDownLater() {
        let done = DispatchSemaphore(value: 0)
        let endpoint = self.endpoint
        let folder = self.folder
        Task.detached {
            await endpoint.stop()
            try? FileManager.default.removeItem(at: folder)
            done.signal()
        }
        done.wait()
    }

    /// Options every client run uses: no known_hosts, no user configuration, no agent.
    var commonOptions: [String] {
        [
            "-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "LogLevel=ERROR", "-o", "IdentityAgent=none",
        ]
    }

    /// `ssh` with the client key (public-key login, never a password prompt).
    var keyOptions: [String] {
        commonOptions + [
            "-i", clientKey, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "PasswordAuthentication=no",
        ]
    }

    func ssh(_ command: String, user: String = "alice", input: String = "") throws -> Finished {
        try Self.run("/usr/bin/ssh", keyOptions + ["-p", String(port), "\(user)@127.0.0.1", command], input: input)
    }

    /// Starts `ssh … command` and returns at once; `finish()` waits for it.
    func startSSH(_ command: String) throws -> RunningProgram {
        try RunningProgram(
            "/usr/bin/ssh",
            keyOptions + ["-p", String(port), "alice@127.0.0.1", command]
        )
    }

    func scp(_ arguments: [String]) throws -> Finished {
        try Self.run("/usr/bin/scp", ["-O", "-q"] + keyOptions + ["-P", String(port)] + arguments)
    }

    /// Arguments for an `ssh` that logs in with a password typed at its terminal.
    func passwordArguments(user: String, command: [String] = []) -> [String] {
        commonOptions + [
            "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password",
            "-o", "NumberOfPasswordPrompts=3", "-p", String(port), "\(user)@127.0.0.1",
        ] + command
    }

    static func run(_ executable: String, _ arguments: [String], input: String = "") throws -> Finished {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let out = Mutex<Data>(Data())
        let err = Mutex<Data>(Data())
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            let data = stdout.fileHandleForReading.readDataToEndOfFile()
            out.withLock { $0 = data }
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            let data = stderr.fileHandleForReading.readDataToEndOfFile()
            err.withLock { $0 = data }
            group.leave()
        }
        if !input.isEmpty { try? stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        return Finished(
            stdout: String(decoding: out.withLock { $0 }, as: UTF8.self),
            stderr: String(decoding: err.withLock { $0 }, as: UTF8.self),
            status: process.terminationStatus
        )
    }

    /// A shell script standing in for `esa` (for what only a stand-in can show: window sizes,
    /// crashes), in a temporary folder of its own.
    static func script(_ body: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("esa-endpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("stand-in").path
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }
}

/// A program started with its output on files (never a full pipe), waited for later.
final class RunningProgram {
    let process = Process()
    let out: FileHandle
    let err: FileHandle
    let outPath: String
    let errPath: String

    init(_ executable: String, _ arguments: [String]) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("esa-endpoint-\(UUID().uuidString)")
            .path
        outPath = base + ".out"
        errPath = base + ".err"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
    }

    func finish() -> Finished {
        process.waitUntilExit()
        try? out.close()
        try? err.close()
        defer {
            unlink(outPath)
            unlink(errPath)
        }
        return Finished(
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
            status: process.terminationStatus
        )
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
