import NIOCore
import NIOPosix
import NIOSSH
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the endpoint listens: `address:port` (`[v6]:port` for IPv6). Default `127.0.0.1:2222`.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public static let `default` = ListenAddress(host: "127.0.0.1", port: 2222)

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Reads `127.0.0.1:2222`, `[::1]:2222`, `0.0.0.0:22`.
    public init(parsing text: String) throws(SSHEndpointError) {
        let bad = SSHEndpointError(
            .badListenAddress,
            "The SSH listen address \"\(text)\" is not address:port (for example 127.0.0.1:2222)."
        )
        guard let colon = text.lastIndex(of: ":") else { throw bad }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port), !host.isEmpty,
            (try? SocketAddress(ipAddress: host, port: port)) != nil
        else { throw bad }
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// How a session's child is started: `{executable} --data-dir {folder} --user {name}` (then
/// `-c {command}` for an exec request). The executable is normally the running `esa` itself.
public struct SessionCommand: Sendable {
    public var executable: String
    public var dataDirectory: String
    /// Options after `--user` (for example `--idle-timeout 30`).
    public var extraArguments: [String]

    public init(executable: String, dataDirectory: String, extraArguments: [String] = []) {
        self.executable = executable
        self.dataDirectory = dataDirectory
        self.extraArguments = extraArguments
    }

    func arguments(user: String) -> [String] {
        [executable, "--data-dir", dataDirectory, "--user", user] + extraArguments
    }
}

/// The running sessions' child processes, so that stopping the endpoint hangs them all up.
public final class SessionRegistry: Sendable {
    private let children = Mutex<Set<pid_t>>([])

    public init() {}

    /// How many session children are running now.
    public var count: Int { children.withLock { $0.count } }

    func started(_ pid: pid_t) { _ = children.withLock { $0.insert(pid) } }
    func ended(_ pid: pid_t) { _ = children.withLock { $0.remove(pid) } }

    /// Sends `signal` to every running child.
    func signalAll(_ signal: Int32) {
        for pid in children.withLock({ $0 }) { kill(pid, signal) }
    }
}

/// The embedded SSH endpoint of `esa serve` (ssh.md §1): an SSH server on swift-nio-ssh that
/// authenticates the committed appliance users and runs each session as its own `esa` child.
public final class SSHEndpoint: Sendable {
    public struct Configuration: Sendable {
        public var listen: ListenAddress
        /// Folder of the host keys (made once; normally `{data directory}/ssh`).
        public var hostKeyFolder: String
        public var command: SessionCommand
        public var users: any SSHUserDirectory
        /// Writes one system-log line (`Warning: …`) with the date in front.
        public var log: @Sendable (String) -> Void
        /// Seconds a connection has to log in before it is closed (OpenSSH's LoginGraceTime).
        public var loginGraceSeconds: Int64

        public init(
            listen: ListenAddress = .default,
            hostKeyFolder: String,
            command: SessionCommand,
            users: any SSHUserDirectory,
            log: @escaping @Sendable (String) -> Void,
            loginGraceSeconds: Int64 = 60
        ) {
            self.listen = listen
            self.hostKeyFolder = hostKeyFolder
            self.command = command
            self.users = users
            self.log = log
            self.loginGraceSeconds = loginGraceSeconds
        }
    }

    private struct Running: Sendable {
        let group: MultiThreadedEventLoopGroup
        let pool: NIOThreadPool
        let server: any Channel
        let hostKeys: HostKeys
    }

    public let configuration: Configuration
    public let sessions = SessionRegistry()
    public let throttle: LoginThrottle
    private let running = Mutex<Running?>(nil)

    public init(configuration: Configuration, throttle: LoginThrottle = LoginThrottle()) {
        self.configuration = configuration
        self.throttle = throttle
    }

    /// Listens until the task is cancelled, then hangs up every session and returns. `started` is
    /// told the bound port and the host keys once the endpoint listens.
    public func run(started: @Sendable (Int, HostKeys) -> Void = { _, _ in }) async throws {
        let port = try await start()
        let server = running.withLock { $0?.server }
        if let hostKeys = running.withLock({ $0?.hostKeys }) { started(port, hostKeys) }
        await withTaskCancellationHandler {
            try? await server?.closeFuture.get()
        } onCancel: {
            server?.close(promise: nil)
        }
        await stop()
    }

    /// Loads or makes the host keys and starts listening; returns the bound port.
    public func start() async throws -> Int {
        let hostKeys = try HostKeys.loadOrCreate(in: configuration.hostKeyFolder)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        let configuration = self.configuration
        let throttle = self.throttle
        let sessions = self.sessions
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { connection in
                connection.eventLoop.makeCompletedFuture {
                    try Self.setUp(
                        connection,
                        hostKeys: hostKeys,
                        configuration: configuration,
                        throttle: throttle,
                        pool: pool,
                        sessions: sessions
                    )
                }
            }
        let server: any Channel
        do {
            server = try await bootstrap.bind(host: configuration.listen.host, port: configuration.listen.port).get()
        } catch {
            try? await pool.shutdownGracefully()
            try? await group.shutdownGracefully()
            throw SSHEndpointError(
                .cannotListen,
                "The SSH endpoint cannot listen on \(configuration.listen): \(Self.reason(error))."
            )
        }
        running.withLock { $0 = Running(group: group, pool: pool, server: server, hostKeys: hostKeys) }
        return server.localAddress?.port ?? configuration.listen.port
    }

    /// Stops listening, hangs up every session (SIGHUP, SIGKILL after 5 s) and waits for them.
    public func stop() async {
        guard
            let running = running.withLock({ state -> Running? in
                defer { state = nil }
                return state
            })
        else { return }
        try? await running.server.close()
        sessions.signalAll(SIGHUP)
        sessions.signalAll(SIGCONT)
        let deadline = NIODeadline.now() + .seconds(5)
        while sessions.count > 0 && NIODeadline.now() < deadline {
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        sessions.signalAll(SIGKILL)
        try? await running.group.shutdownGracefully()
        try? await running.pool.shutdownGracefully()
    }

    private static func setUp(
        _ connection: any Channel,
        hostKeys: HostKeys,
        configuration: Configuration,
        throttle: LoginThrottle,
        pool: NIOThreadPool,
        sessions: SessionRegistry
    ) throws {
        let client = (connection.remoteAddress?.ipAddress ?? "unknown", connection.remoteAddress?.port ?? 0)
        let local = (connection.localAddress?.ipAddress ?? "unknown", connection.localAddress?.port ?? 0)
        let authentication = UserAuthentication(
            directory: configuration.users,
            throttle: throttle,
            pool: pool,
            log: configuration.log,
            address: client.0
        )
        let handler = NIOSSHHandler(
            role: .server(
                .init(hostKeys: hostKeys.keys, userAuthDelegate: authentication, banner: nil)
            ),
            allocator: connection.allocator,
            inboundChildChannelInitializer: { channel, type in
                guard case .session = type, let user = authentication.authenticated.withLock({ $0 }) else {
                    return channel.eventLoop.makeFailedFuture(
                        SSHEndpointError(.system, "Only session channels are offered.")
                    )
                }
                let settings = SessionSettings(
                    command: configuration.command,
                    user: user,
                    client: client,
                    local: local,
                    sessions: sessions
                )
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SessionHandler(settings: settings))
                }
            }
        )
        try connection.pipeline.syncOperations.addHandlers([handler, ConnectionErrorHandler()])
        // A connection that has not logged in within the grace time is closed.
        connection.eventLoop.scheduleTask(in: .seconds(configuration.loginGraceSeconds)) {
            if authentication.authenticated.withLock({ $0 }) == nil { connection.close(promise: nil) }
        }
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        return "\(error)"
    }
}

/// Any protocol error or a client that drops ends that connection only.
final class ConnectionErrorHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = Any

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
