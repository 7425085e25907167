import ApplianceConfig
import ArgumentParser
import Commands
import ConfigStore
import Dispatch
import FoundationEssentials
import Gateway
import SSHEndpoint
import Service
import Shell
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `esa serve`: the gateway's supervisor and the SSH endpoint (Docs/Gateway.md), a program of its own
/// (`esa-serve`, which `esa serve` runs in its place) so that the shell links none of SwiftNIO,
/// NIOSSH and swift-crypto. Foreground, stopped by SIGTERM or Ctrl-C.
@main
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "esa serve",
        abstract:
            "Run the mail gateway (a private Postfix configured from the committed configuration) and the SSH endpoint.",
        discussion: """
            Renders the committed configuration into a Postfix instance in the data directory, starts \
            it, and applies every later commit (needs root). Runs the SSH endpoint for the appliance's \
            users (--ssh; no root needed: without root only the endpoint runs). Stops Postfix and every \
            SSH session when it ends (SIGTERM, Ctrl-C). Each SSH session runs the program esa from \
            esa-serve's folder.
            """,
        version: "esa \(ApplianceInfo.version)"
    )

    @Option(name: .long, help: "The data directory (default: $XDG_DATA_HOME/esa).")
    var dataDir: String?

    @Option(name: .long, help: "Address and port of the embedded SSH endpoint, or 'off'.")
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
        // Every SSH session is the shell, `esa` from this program's folder.
        if sshListen != nil {
            let shell = Programs.sibling(Programs.shell)
            guard access(shell, X_OK) == 0 else {
                return fail(
                    "The SSH endpoint runs each session as \(TerminalSafe.escaped(shell)), which "
                        + (errno == ENOENT ? "is missing" : "cannot be run (\(String(cString: strerror(errno))))")
                        + "; install esa next to esa-serve.",
                    .ioError
                )
            }
        }
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
                    executable: Programs.sibling(Programs.shell),
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
            return fail(ErrorPresenter.logLine(error), .actionFailed)
        }
        say("stopped.")
        return .success
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
