import ApplianceConfig
import MailLog
import Service
import Shell

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Postfix side of `esa serve` (gateway.md §1–2): on the head revision and after every commit,
/// render → test-bind → check → write → start or reload; Postfix itself runs as a child and is
/// started again with back-off when it dies; its log is translated into `logs/mail_logs` by a
/// `MailLogPipeline` (module MailLog), whose required-TLS events become alerts (`AlertSender`, which
/// also checks certificate expiry at start and daily) and go to `onMailLogEvents`.
public struct GatewayPart: ServicePart {
    public let name = "gateway"
    public var options: RenderOptions
    /// The appliance's serial number, for the mail log's header lines.
    public var serial: String
    /// Events of newly translated mail-log lines (required-TLS delivery failures).
    public var onMailLogEvents: (@Sendable ([MailLogEvent]) -> Void)?
    public var postfixBackOff: BackOff
    /// Called after each apply (tests and `esa serve`'s first message).
    public var onApply: (@Sendable (ApplyReport, ApplianceConfiguration) -> Void)?
    /// How alerts leave (default: `sendmail` into the gateway's own Postfix).
    public var deliverAlert: AlertSender.Deliver?
    /// How often certificates' expiry is checked after the check at start.
    public var expiryCheckInterval: Duration = .seconds(86_400)

    public init(
        options: RenderOptions = RenderOptions(),
        serial: String = "",
        onMailLogEvents: (@Sendable ([MailLogEvent]) -> Void)? = nil,
        postfixBackOff: BackOff = BackOff(),
        onApply: (@Sendable (ApplyReport, ApplianceConfiguration) -> Void)? = nil
    ) {
        self.options = options
        self.serial = serial
        self.onMailLogEvents = onMailLogEvents
        self.postfixBackOff = postfixBackOff
        self.onApply = onApply
    }

    public func run(_ context: ServiceContext) async throws {
        let paths = GatewayPaths(dataDirectory: context.dataDirectory.path)
        let controller = GatewayController(
            instance: PostfixInstance(paths: paths),
            options: options,
            systemLog: context.systemLog,
            backOff: postfixBackOff
        )
        try await controller.prepare()
        // The Uptime column of `status` counts from here.
        try? CounterMark.record(
            dataDirectory: context.dataDirectory.path,
            at: CounterMark.startPath(dataDirectory: context.dataDirectory.path),
            date: Date().timeIntervalSince1970
        )
        let instance = PostfixInstance(paths: paths)
        let alerts = AlertSender(
            statePath: paths.alertState,
            systemLog: context.systemLog,
            clock: context.clock,
            serial: serial,
            deliver: deliverAlert ?? { message, sender, recipient in
                instance.sendmail(message, sender: sender, recipient: recipient)
            }
        )
        // The control channel: shells that are not root reach Postfix's root-only tools through it.
        let owner = DataDirectoryOwner.of(context.dataDirectory.path) ?? (geteuid(), getegid())
        var control: ControlServer?
        do throws(ControlChannelError) {
            control = try ControlServer(
                path: ControlChannel.socketPath(paths),
                owner: owner.uid,
                group: owner.gid,
                handler: { [handler = ControlHandler(instance: instance)] in handler.handle($0) }
            )
        } catch {
            context.systemLog.append("Warning: the gateway's control channel is not available: \(error)")
        }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                if let control { group.addTask { await control.run() } }
                group.addTask { await controller.superviseMaster() }
                group.addTask { await followMailLog(context, paths: paths, alerts: alerts) }
                group.addTask { await checkExpiry(context, controller: controller, alerts: alerts) }
                group.addTask {
                    for await snapshot in context.configurations() {
                        let report = await controller.apply(snapshot)
                        onApply?(report, snapshot.configuration)
                        // Postfix runs this configuration: what `mailconfig` left in the outbox goes out.
                        if report.failure == nil {
                            Outbox.deliver(
                                dataDirectory: context.dataDirectory.path,
                                instance: instance,
                                systemLog: context.systemLog
                            )
                        }
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            await controller.shutDown()
            throw error
        }
        await controller.shutDown()
        try Task.checkCancellation()
    }
}

extension GatewayPart {
    /// Keeps `logs/mail_logs/mail.current` up to date from Postfix's log (every 200 ms), with the
    /// settings of the committed configuration in force.
    func followMailLog(_ context: ServiceContext, paths: GatewayPaths, alerts: AlertSender) async {
        let data = context.dataDirectory.path
        var pipeline: MailLogPipeline?
        var revision = 0
        var lastProblem: String?
        let owner = DataDirectoryOwner.of(data)
        let peers = PeerCertificateWatcher(path: PeerCertificateFile.path(paths))
        var round = 0
        var spent = Duration.zero
        while !Task.isCancelled {
            // What esa serve (root) wrote in logs/ belongs to the data directory's owner (about once a second).
            if let owner, round % 5 == 0 { DataDirectoryOwner.handOver(data + "/logs", to: owner) }
            round += 1
            do throws(MailLogError) {
                if let snapshot = context.latest {
                    if pipeline == nil {
                        pipeline = try MailLogPipeline(
                            postfixLog: paths.maillog,
                            statePath: data + "/logs/mail_logs/state.json",
                            writer: try MailLogWriter(
                                folder: data + "/logs/mail_logs",
                                name: "mail",
                                version: ApplianceInfo.version,
                                serial: serial,
                                now: MailLogWriter.localClock
                            ),
                            settings: MailLogSettings(configuration: snapshot.configuration),
                            now: MailLogWriter.localClock,
                            // Postfix runs in this process's network namespace: the same routes.
                            sourceAddress: SourceAddress.route
                        )
                        revision = snapshot.revision
                    } else if snapshot.revision != revision {
                        pipeline?.settings = MailLogSettings(configuration: snapshot.configuration)
                        revision = snapshot.revision
                    }
                    let started = ContinuousClock.now
                    let events = try pipeline?.catchUp()
                    spent = ContinuousClock.now - started
                    if let hosts = pipeline?.state.hosts {
                        peers.update(hosts: hosts, helo: snapshot.configuration.hostname)
                    }
                    if let events, !events.isEmpty {
                        alerts.mailLogEvents(events, configuration: snapshot.configuration)
                        onMailLogEvents?(events)
                    }
                    lastProblem = nil
                }
            } catch {
                if lastProblem != error.message {
                    context.systemLog.append("Warning: the mail log cannot be written: \(error.message)")
                    lastProblem = error.message
                }
            }
            // Every 200 ms, or ten times as long as the last round took: the translator (its state
            // grows with the queued messages it saves each round) never takes more than about a
            // tenth of a core from Postfix (and the mail log is at most 5 s behind).
            try? await Task.sleep(for: min(max(.milliseconds(200), spent * 10), .seconds(5)))
        }
    }
}

extension GatewayPart {
    /// Checks the certificates' expiry at start (once Postfix runs, so the alerts can leave) and
    /// every day after; an alert that could not be sent is tried again ten minutes later.
    func checkExpiry(_ context: ServiceContext, controller: GatewayController, alerts: AlertSender) async {
        while !Task.isCancelled {
            guard let snapshot = context.latest, await controller.isStarted else {
                try? await Task.sleep(for: .milliseconds(200))
                continue
            }
            let delivered = alerts.checkExpiry(snapshot.configuration)
            try? await Task.sleep(for: delivered ? expiryCheckInterval : .seconds(600))
        }
    }
}

/// What one apply did.
public struct ApplyReport: Sendable, Equatable {
    public struct Unbound: Sendable, Equatable {
        public var listener: String
        public var address: String
        public var port: Int
        public var reason: String
    }

    public var revision: Int
    /// Listeners left out because their address could not be bound.
    public var unbound: [Unbound]
    /// nil when the new configuration is live; else why the previous one stays.
    public var failure: String?
}

/// Owns the Postfix child and the applied rendering; serialises applies and restarts.
actor GatewayController {
    let instance: PostfixInstance
    let options: RenderOptions
    let systemLog: SystemLogFile
    let backOff: BackOff
    private var master: ChildProcess?
    private var applied: RenderedGateway?
    private var stopping = false
    private var startedAt = Date()
    private var lastReport: ApplyReport?

    init(instance: PostfixInstance, options: RenderOptions, systemLog: SystemLogFile, backOff: BackOff) {
        self.instance = instance
        self.options = options
        self.systemLog = systemLog
        self.backOff = backOff
    }

    /// Whether Postfix runs (mail can be handed to it).
    var isStarted: Bool { master != nil }

    func prepare() throws {
        try instance.prepareDirectories()
        // A master left over by an esa serve that was killed holds the listeners: stop it.
        if instance.isRunning() { instance.stop() }
    }

    func apply(_ snapshot: CommittedSnapshot) -> ApplyReport {
        let configuration = snapshot.configuration
        // Sockets our own master holds now are not probed (they are bound, by us).
        let held = master == nil ? [] : Set((applied?.listeners ?? []).map { "\($0.address):\($0.port)" })
        var unbound: [ApplyReport.Unbound] = []
        for listener in PostfixRenderer.listenerAddresses(configuration)
        where !held.contains("\(listener.address):\(listener.port)") {
            if let reason = BindProbe.probe(address: listener.address, port: listener.port) {
                unbound.append(
                    .init(listener: listener.name, address: listener.address, port: listener.port, reason: reason)
                )
                systemLog.append(
                    "Warning: listener \(listener.name) could not bind \(listener.address):\(listener.port): \(reason)"
                )
            }
        }
        var renderOptions = options
        renderOptions.revision = snapshot.revision
        renderOptions.excludedListeners = Set(unbound.map(\.listener))
        let rendered = PostfixRenderer.render(configuration, paths: instance.paths, options: renderOptions)
        for note in rendered.notes where !(applied?.notes.contains(note) ?? false) {
            systemLog.append("Warning: gateway: \(note)")
        }
        let failure = install(rendered, revision: snapshot.revision)
        if let failure {
            systemLog.append(
                "Warning: the gateway keeps its previous configuration; revision \(snapshot.revision) was not applied: \(failure)"
            )
        }
        let report = ApplyReport(revision: snapshot.revision, unbound: unbound, failure: failure)
        lastReport = report
        writeState(report)
        return report
    }

    /// Checks, writes and activates a rendering; nil on success, else the cause.
    private func install(_ rendered: RenderedGateway, revision: Int) -> String? {
        // main.cf and master.cf unchanged: only maps and certificates differ, which `postfix check`
        // does not read; skip its second of work so a new certificate is served at once.
        let structural =
            applied.map {
                $0.file("main.cf") != rendered.file("main.cf") || $0.file("master.cf") != rendered.file("master.cf")
            } ?? true
        if structural {
            let checking = instance.paths.forChecking
            let copy = RenderedGateway(
                files: rendered.files.map { file in
                    var file = file
                    file.contents = file.contents.replacingAll(
                        instance.paths.configuration + "/",
                        with: checking.configuration + "/"
                    )
                    return file
                },
                listeners: rendered.listeners,
                notes: rendered.notes
            )
            do {
                try PostfixInstance.write(copy, into: checking.configuration)
            } catch {
                return "\(error)"
            }
            if let cause = instance.check(directory: checking.configuration) { return cause }
        }
        do {
            try PostfixInstance.write(rendered, into: instance.paths.configuration)
        } catch {
            return "\(error)"
        }
        applied = rendered
        if master == nil {
            return start()
        }
        return instance.reload()
    }

    private func start() -> String? {
        do {
            master = try instance.startForeground()
            startedAt = Date()
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Watches the master; when it dies (not stopped by us), logs it and starts it again with back-off.
    func superviseMaster() async {
        var delay = backOff.initial
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(200))
            guard let child = master, !stopping, let status = child.exitStatus(wait: false) else { continue }
            master = nil
            if Date().timeIntervalSince(startedAt) > Double(backOff.resetAfter.components.seconds) {
                delay = backOff.initial
            }
            systemLog.append(
                "Warning: Postfix stopped (exit status \(status)); restarting in \(delay.components.seconds) s"
            )
            try? await Task.sleep(for: delay)
            if Task.isCancelled || stopping { return }
            delay = min(delay * 2, backOff.maximum)
            if applied != nil, let failure = start() {
                systemLog.append("Warning: Postfix could not be started: \(failure)")
            }
        }
    }

    /// Stops Postfix (gracefully, then by force) and waits for the child.
    func shutDown() {
        stopping = true
        guard let child = master else { return }
        instance.stop()
        let deadline = ContinuousClock.now + .seconds(20)
        while child.exitStatus(wait: false) == nil {
            if ContinuousClock.now > deadline {
                kill(-child.pid, SIGKILL)
                _ = child.exitStatus(wait: true)
                break
            }
            usleep(50_000)
        }
        master = nil
    }

    private func writeState(_ report: ApplyReport) {
        let state = GatewayState(
            pid: Int(getpid()),
            startedAt: startedAt.timeIntervalSince1970,
            revision: report.revision,
            appliedAt: Date().timeIntervalSince1970,
            failure: report.failure,
            listeners: (applied?.listeners ?? []).map {
                .init(name: $0.name, address: $0.address, port: $0.port, bound: true, reason: nil)
            }
                + report.unbound.map {
                    .init(name: $0.listener, address: $0.address, port: $0.port, bound: false, reason: $0.reason)
                }
        )
        if let data = try? JSONEncoder().encode(state) {
            try? PostfixInstance.writeAtomically(
                instance.paths.state,
                String(decoding: data, as: UTF8.self),
                mode: 0o644
            )
        }
    }
}

/// `gateway/state.json`: what `esa serve` last did, for the shell's `status`.
public struct GatewayState: Codable, Sendable, Equatable {
    public struct ListenerState: Codable, Sendable, Equatable {
        public var name: String
        public var address: String
        public var port: Int
        public var bound: Bool
        public var reason: String?

        public init(name: String, address: String, port: Int, bound: Bool, reason: String?) {
            self.name = name
            self.address = address
            self.port = port
            self.bound = bound
            self.reason = reason
        }
    }

    public var pid: Int
    /// Seconds since 1970.
    public var startedAt: Double
    public var revision: Int
    public var appliedAt: Double
    /// nil when the revision is live.
    public var failure: String?
    public var listeners: [ListenerState]

    public init(
        pid: Int,
        startedAt: Double,
        revision: Int,
        appliedAt: Double,
        failure: String?,
        listeners: [ListenerState]
    ) {
        self.pid = pid
        self.startedAt = startedAt
        self.revision = revision
        self.appliedAt = appliedAt
        self.failure = failure
        self.listeners = listeners
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
