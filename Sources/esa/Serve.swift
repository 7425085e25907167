import ApplianceConfig
import ArgumentParser
import Commands
import ConfigStore
import Dispatch
import Foundation
import Gateway
import SSHEndpoint
import Service
import Shell
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `esa serve`: the gateway's supervisor (Docs/Gateway.md). Foreground, stopped by SIGTERM or Ctrl-C.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Run the mail gateway (a private Postfix configured from the committed configuration) and the SSH endpoint.",
        discussion: """
            Renders the committed configuration into a Postfix instance in the data directory, starts \
            it, and applies every later commit (needs root). Runs the SSH endpoint for the appliance's \
            users (--ssh; no root needed: without root only the endpoint runs). Stops Postfix and every \
            SSH session when it ends (SIGTERM, Ctrl-C).
            """
    )

    @OptionGroup var data: DataDirectoryOption
    var dataDir: String? { data.dataDir }

    @Option(
        name: .long,
        help: "Address and port of the embedded SSH endpoint, or 'off' (default: 127.0.0.1:2222)."
    )
    var ssh: String = ListenAddress.default.description

    @Flag(name: .long, help: "Run the SSH endpoint only, not the gateway.")
    var noGateway = false

    @Option(name: .long, help: "Postfix's shortest retry interval in seconds (tests shorten it).")
    var minimalBackoff: Int = 300

    @Option(name: .long, help: "Postfix's longest retry interval in seconds.")
    var maximalBackoff: Int = 4000

    @Option(name: .long, help: "Seconds between Postfix's deferred-queue scans.")
    var queueRunDelay: Int = 300

    func validate() throws {
        if ssh != "off" {
            do {
                _ = try ListenAddress(parsing: ssh)
            } catch {
                throw ValidationError(error.message)
            }
        }
    }

    func run() async throws {
        let status = await serve()
        throw ExitCode(status.rawValue)
    }

    private func fail(_ message: String, _ status: ExitStatus) -> ExitStatus {
        FileOutput.diagnose("esa: \(message)\n")
        return status
    }

    private func say(_ line: String) {
        FileOutput.diagnose("esa serve: \(line)\n")
    }

    func serve() async -> ExitStatus {
        // The gateway needs root and Postfix; the SSH endpoint needs neither and runs alone then.
        let sshListen = ssh == "off" ? nil : try? ListenAddress(parsing: ssh)
        var gatewayProblem: String?
        if noGateway {
            gatewayProblem = "--no-gateway: the gateway does not run."
        } else if getuid() != 0 {
            gatewayProblem = "esa serve needs root for the gateway (Postfix's master runs as root); start it with sudo."
        } else if !PostfixInstance.isInstalled {
            gatewayProblem =
                "Postfix is not installed (\(PostfixInstance.postfixProgram) is missing); run Scripts/bootstrap."
        }
        if let gatewayProblem {
            guard sshListen != nil else {
                return fail(
                    noGateway ? "--no-gateway with --ssh off leaves nothing to run." : gatewayProblem,
                    .actionFailed
                )
            }
            if !noGateway {
                say("the gateway does not run: \(gatewayProblem) Only the SSH endpoint runs.")
            }
        }
        let clock = ShellClock()
        let url =
            dataDir.map { URL(fileURLWithPath: $0, isDirectory: true).standardizedFileURL }
            ?? DataDirectory.defaultURL()
        let directory = DataDirectory(url: url)
        let store: RevisionStore
        let serial: String
        do {
            guard try directory.prepare() == .writable else {
                throw ShellError.io("The data directory \(url.path) is not writable.")
            }
            let opened = try OpenedStore.open(directory, access: .writable, clock: clock)
            store = opened.store
            serial = opened.identity.serial
            _ = try store.revertIfDue(now: clock.now())
        } catch {
            let failure = OpenedStore.failure(error)
            return fail(failure.message, failure.status)
        }
        if gatewayProblem == nil, let unreachable = PostfixInstance.unreachableReason(dataDirectory: url.path) {
            guard sshListen != nil else { return fail(unreachable, .actionFailed) }
            say("the gateway does not run: \(unreachable) Only the SSH endpoint runs.")
            gatewayProblem = unreachable
        }
        let esa = dataDir == nil ? "esa" : "esa --data-dir \(url.path)"
        let watcher = StoreWatcher(store: store)
        let context = ServiceContext(dataDirectory: url, clock: clock, watcher: watcher)
        let first = FirstApply()
        let gateway = GatewayPart(
            options: RenderOptions(
                minimalBackoffSeconds: minimalBackoff,
                maximalBackoffSeconds: maximalBackoff,
                queueRunDelaySeconds: queueRunDelay
            ),
            serial: serial,
            onApply: { report, configuration in
                guard first.claim() else { return }
                for line in LoopbackHint.lines(for: report.unbound, configuration: configuration, esa: esa) {
                    FileOutput.diagnose("esa serve: \(line)\n")
                }
                if let failure = report.failure {
                    FileOutput.diagnose("esa serve: revision \(report.revision) was not applied: \(failure)\n")
                } else {
                    FileOutput.diagnose(
                        "esa serve: the gateway runs revision \(report.revision); Ctrl-C or SIGTERM stops it.\n"
                    )
                }
            }
        )
        var parts: [any ServicePart] = gatewayProblem == nil ? [gateway] : []
        if let sshListen {
            parts.append(
                SSHEndpointPart(
                    listen: sshListen,
                    executable: Self.runningBinary,
                    lock: { user, failures in AccountLockout.lock(user, in: store, failures: failures) }
                ) { line in
                    FileOutput.diagnose("esa serve: \(line)\n")
                }
            )
        }
        let service = Service(context: context, parts: parts)
        let task = Task { try await service.run() }
        let signals = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
        defer { for source in signals { source.cancel() } }
        do {
            try await task.value
        } catch is CancellationError {
        } catch {
            return fail("\(error)", .actionFailed)
        }
        say("stopped.")
        return .success
    }
}

extension Serve {
    /// The path of the running `esa`, which every SSH session runs as its child.
    static var runningBinary: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if count > 0 { return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }
}

/// True once: the first apply's report is printed on the terminal, later ones go to the system log.
final class FirstApply: Sendable {
    private let done = Mutex(false)

    func claim() -> Bool {
        done.withLock { done in
            defer { done = true }
            return !done
        }
    }
}
