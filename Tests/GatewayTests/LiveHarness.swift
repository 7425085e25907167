import ApplianceConfig
import Certificates
import ConfigStore
import Foundation
import Gateway
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A network namespace of its own (`gw-t{pid}-{n}`, loopback up, a resolv.conf naming the namespace's
/// dnsmasq), removed with everything started in it.
final class LiveNamespace: @unchecked Sendable {
    /// Suites run in parallel: each namespace needs its own number.
    private static let counter = Mutex(0)
    let name: String
    private var children: [ChildProcess] = []

    /// `prefix` names the namespace (`{prefix}{pid}-{n}`): each suite keeps to its own.
    init(prefix: String = "gw-t") throws {
        let number = Self.counter.withLock { counter in
            counter += 1
            return counter
        }
        name = "\(prefix)\(getpid())-\(number)"
        try Self.must(["/usr/sbin/ip", "netns", "add", name])
        try Self.must(["/usr/sbin/ip", "-n", name, "link", "set", "lo", "up"])
        try FileManager.default.createDirectory(atPath: "/etc/netns/\(name)", withIntermediateDirectories: true)
        try "nameserver 127.0.0.53\noptions timeout:1 attempts:2\n".write(
            toFile: "/etc/netns/\(name)/resolv.conf",
            atomically: true,
            encoding: .utf8
        )
    }

    deinit { tearDown() }

    func tearDown() {
        for child in children.reversed() {
            kill(-child.pid, SIGTERM)
            kill(child.pid, SIGTERM)
        }
        let deadline = ContinuousClock.now + .seconds(30)
        for child in children {
            while child.exitStatus(wait: false) == nil {
                if ContinuousClock.now > deadline {
                    kill(-child.pid, SIGKILL)
                    _ = child.exitStatus(wait: true)
                    break
                }
                usleep(50_000)
            }
        }
        children = []
        // Whatever is still inside the namespace was started by this test.
        if let pids = try? ChildProcess.run(["/usr/sbin/ip", "netns", "pids", name]) {
            for pid in pids.output.split(separator: "\n").compactMap({ Int32($0) }) { kill(pid, SIGKILL) }
        }
        _ = try? ChildProcess.run(["/usr/sbin/ip", "netns", "del", name])
        try? FileManager.default.removeItem(atPath: "/etc/netns/\(name)")
    }

    static func must(_ arguments: [String]) throws {
        let outcome = try ChildProcess.run(arguments)
        guard outcome.succeeded else { throw LiveError("\(arguments.joined(separator: " ")): \(outcome.output)") }
    }

    /// Runs a command inside the namespace to its end.
    func run(_ arguments: [String], timeout: Duration = .seconds(30)) throws -> ChildProcess.Outcome {
        try ChildProcess.run(["/usr/sbin/ip", "netns", "exec", name] + arguments, timeout: timeout)
    }

    /// Starts a long-running command inside the namespace; its output goes to `log` (a file path).
    @discardableResult
    func start(_ arguments: [String], log: String) throws -> ChildProcess {
        let fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LiveError("cannot open \(log)") }
        defer { close(fd) }
        let child = try ChildProcess.spawn(["/usr/sbin/ip", "netns", "exec", name] + arguments, output: fd)
        children.append(child)
        return child
    }

    /// dnsmasq on 127.0.0.53 answering `mx` (domain → MX host) and `hosts` (host → address).
    /// `preferences`: an MX host's preference when it is not 10.
    func startDNS(
        mx: [(String, String)],
        hosts: [(String, String)],
        folder: String,
        preferences: [String: Int] = [:]
    ) throws {
        var arguments = [
            "/usr/sbin/dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
            "--no-poll", "--listen-address=127.0.0.53", "--bind-interfaces", "--pid-file=", "--user=root",
        ]
        arguments += mx.map { "--mx-host=\($0.0),\($0.1),\(preferences[$0.1] ?? 10)" }
        arguments += hosts.map { "--host-record=\($0.0),\($0.1)" }
        try start(arguments, log: folder + "/dnsmasq.log")
        try waitUntil("dnsmasq answers", timeout: .seconds(10)) {
            let probe = try? run(["/usr/bin/getent", "hosts", hosts[0].0], timeout: .seconds(5))
            return probe?.output.contains(hosts[0].1) ?? false
        }
    }
}

/// Seals private keys with the data directory's `secret.key`, like the `esa` binary.
struct SecretFileSealer: SecretSealing {
    let path: String

    private func box() throws -> SecretBox {
        let key = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        return try SecretBox(key: key)
    }

    func seal(_ secret: String) throws -> String { try box().seal(secret) }
    func open(_ sealed: String) throws -> String { try box().open(sealed) }
}

struct LiveError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds; fails the test with `what` after `timeout`.
func waitUntil(
    _ what: String,
    timeout: Duration = .seconds(30),
    every interval: Duration = .milliseconds(100),
    _ condition: () throws -> Bool
) throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return }
        Thread.sleep(
            forTimeInterval: Double(interval.components.attoseconds) / 1e18 + Double(interval.components.seconds)
        )
    }
    throw LiveError("timed out after \(timeout) waiting until \(what)")
}

/// The text of a file, or "" when it does not exist yet.
func contents(_ path: String) -> String {
    (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
}

/// A data directory with `esa serve` running on it inside a namespace.
final class LiveGatewayRun: @unchecked Sendable {
    let namespace: LiveNamespace
    let directory: TemporaryDirectory
    let store: RevisionStore
    let paths: GatewayPaths
    var serve: ChildProcess?

    /// A fresh data directory made by `esa` itself (store, identity, `secret.key`), and the store
    /// opened here with the same secret, as a second shell would.
    init(namespace: LiveNamespace) throws {
        self.namespace = namespace
        directory = try TemporaryDirectory()
        paths = GatewayPaths(dataDirectory: directory.url.path)
        let made = try EsaProcess.run(["--data-dir", directory.url.path, "-c", "version"])
        guard made.status == 0 else { throw LiveError("esa could not make the data directory: \(made.stderr)") }
        store = try RevisionStore(
            path: directory.url.appendingPathComponent("config.db").path,
            clock: { Date() },
            createIfMissing: false,
            sealer: SecretFileSealer(path: directory.url.appendingPathComponent("secret.key").path),
            factory: { TestFactory.configuration }
        )
    }

    /// Stops `esa serve` (SIGTERM, as systemd does) and waits for it, bounded.
    func stop() {
        guard let serve else { return }
        kill(serve.pid, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(30)
        while serve.exitStatus(wait: false) == nil {
            if ContinuousClock.now > deadline {
                kill(serve.pid, SIGKILL)
                _ = serve.exitStatus(wait: true)
                break
            }
            usleep(50_000)
        }
        self.serve = nil
        // A safety net: nothing of this instance may outlive the test.
        _ = try? ChildProcess.run([PostfixInstance.postfixProgram, "-c", paths.configuration, "abort"])
    }

    var serveLog: String { directory.url.path + "/serve.log" }
    var systemLog: String { directory.url.path + "/logs/system.log" }

    /// Starts `esa serve` with short retry timings (seconds; tests of `delivernow` make them long);
    /// the SSH endpoint stays off (the gateway alone is under test, and its announcement would come
    /// before the gateway's own lines). `environment` is added to its own.
    func start(
        minimalBackoff: Int = 1,
        maximalBackoff: Int = 2,
        queueRunDelay: Int = 1,
        environment: [String: String] = [:]
    ) throws {
        guard let binary = EsaBinary.url else { throw EsaProcess.NotBuilt() }
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        serve = try namespace.start(
            (assignments.isEmpty ? [] : ["/usr/bin/env"] + assignments) + [
                binary.path, "serve", "--data-dir", directory.url.path, "--minimal-backoff", "\(minimalBackoff)",
                "--maximal-backoff", "\(maximalBackoff)", "--queue-run-delay", "\(queueRunDelay)", "--ssh", "off",
            ],
            log: serveLog
        )
    }

    /// Commits `change` applied to the head, as another process would.
    @discardableResult
    func commit(_ comment: String, _ change: (inout ApplianceConfiguration) -> Void) throws -> Int {
        let head = try store.head()
        var configuration = head.configuration
        change(&configuration)
        let outcome = try store.commit(
            configuration,
            base: head.info.number,
            user: "test",
            method: .script,
            comment: comment,
            rollbackPoint: false,
            validate: { _ in [] }
        )
        guard case .committed(let info, _, _) = outcome else { throw LiveError("commit refused: \(outcome)") }
        return info.number
    }

    /// Waits until `esa serve` applied `revision` (its state file says so).
    func waitForApply(_ revision: Int, timeout: Duration = .seconds(60)) throws -> GatewayState {
        var state: GatewayState?
        try waitUntil("revision \(revision) is applied", timeout: timeout) {
            guard let data = FileManager.default.contents(atPath: paths.state),
                let decoded = try? JSONDecoder().decode(GatewayState.self, from: data)
            else { return false }
            state = decoded
            return decoded.revision >= revision
        }
        return state!
    }

    /// Waits until something accepts connections on `address:port` inside the namespace.
    func waitForListener(_ address: String, _ port: Int) throws {
        try waitUntil("\(address):\(port) accepts connections", timeout: .seconds(60), every: .milliseconds(200)) {
            let probe = try namespace.run(
                ["/bin/bash", "-c", "exec 3<>/dev/tcp/\(address)/\(port) && head -c 3 <&3"],
                timeout: .seconds(5)
            )
            return probe.output.hasPrefix("220")
        }
    }
}
