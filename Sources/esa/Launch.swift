import ApplianceConfig
import Certificates
import Commands
import ConfigStore
import Dispatch
import FoundationEssentials
import LineEditing
import SecureCopy
import Shell

#if canImport(Glibc)
import Glibc
#endif

/// Wires one run of the shell: data directory, store, console, session, interpreter.
struct Launch {
    var dataDirectory: String?
    var user: String?
    var commands: String?
    var script: String?
    var continueOnError: Bool
    var idleTimeoutMinutes: Int
    /// `--verify-store`: check every kept revision (start-up checks only the head) and exit.
    var verifyStore = false

    func start() -> ExitStatus {
        // Everything esa writes (store, logs, history, identity, exported files) is owner-only,
        // whatever umask it was started with.
        umask(0o077)
        let clock = ShellClock()
        let directory = DataDirectory(
            url: dataDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? DataDirectory.defaultURL()
        )
        let mode: SessionMode
        let console: any Console
        var scriptFD: Int32?
        if let commands, SCPRequest.isSCP(commands) {
            return secureCopy(commands, directory: directory, clock: clock)
        }
        let access: DataDirectory.Access
        do {
            access = try directory.prepare()
            // Loose modes left by an older version or another tool are fixed and noted in the system log.
            for warning in access == .writable ? directory.tightenModes() : [] {
                try? FileOutput.append(
                    "\(clock.appliance(clock.now(), zone: false)) \(TerminalSafe.escaped(warning))\n",
                    toFileAt: directory.url.appendingPathComponent("logs/system.log").path
                )
            }
            if let script {
                let fd = open(script, O_RDONLY)
                guard fd >= 0 else {
                    throw ShellError.io("The script \(script) cannot be read: \(String(cString: strerror(errno))).")
                }
                scriptFD = fd
                mode = .script
                console = StreamConsole.standard(inputFD: fd)
            } else if commands != nil {
                mode = .exec
                console = StreamConsole.standard()
            } else if LibEditConsole.isTerminal(0) && LibEditConsole.isTerminal(1) {
                mode = .interactive
                console = try LibEditConsole(
                    historyFile: directory.historyPath(user: userName),
                    idleTimeout: .seconds(idleTimeoutMinutes * 60)
                )
            } else {
                mode = .script
                console = StreamConsole.standard()
            }
        } catch let error as ShellError {
            return fail(error.message, error.code.status)
        } catch {
            return fail("The terminal cannot be used: \(error).", .ioError)
        }
        defer { if let scriptFD { close(scriptFD) } }

        let store: RevisionStore
        let appliance: ApplianceInfo
        // A script or a `-c` line reads the head's host name (its prompt) now and its content when a
        // command first needs it, so `version`, `help` and `exit` never decode it (issue 13). An
        // interactive session (Tab completion reads names), `--user` (the account) and
        // `--verify-store` read it now.
        let deferHead = mode != .interactive && user == nil && !verifyStore
        var summary: (number: Int, hostname: String)?
        do {
            let opened = try OpenedStore.open(directory, access: access, clock: clock, verifyHead: false)
            store = opened.store
            if deferHead { summary = try store.headHostname() } else { _ = try store.head() }
            appliance = ApplianceInfo(
                serialNumber: opened.identity.serial,
                installDate: opened.identity.installDate,
                cpuCount: ProcessInfo.processInfo.processorCount,
                memoryMegabytes: Int(ProcessInfo.processInfo.physicalMemory / 1_048_576)
            )
            if access == .readOnly {
                console.writeError("esa: \(Session.readOnlyMessage(directory.url.path))\n")
            } else if let reverted = try store.revertIfDue(now: clock.now()) {
                console.writeError("Commit \(reverted.number - 1) was not confirmed and has been reverted.\n")
            }
        } catch {
            let failure = OpenedStore.failure(error)
            return fail(failure.message, failure.status)
        }

        if verifyStore {
            do {
                let count = try store.verify()
                print("The configuration store is intact: \(count) revision\(count == 1 ? "" : "s") checked.")
                return .success
            } catch let error as StoreError {
                return fail(ErrorPresenter.message(error), .ioError)
            } catch {
                return fail("The configuration store cannot be read: \(error).", .ioError)
            }
        }

        if let user {
            // ssh.md §3: `--user NAME` acts as that appliance user; the same answer whether the
            // account does not exist or is locked.
            guard let account = try? store.head().configuration.user(named: user), !account.locked else {
                return fail("Access denied for \(user).", .actionFailed)
            }
        }
        let systemLog = SystemLog(dataDirectory: directory.url, clock: clock, quiet: true)
        let connection = Self.connection()
        if mode == .interactive {
            systemLog.append(
                "Info: \(SystemLog.pid): User \(userName) login from \(connection.source) on \(connection.local)"
            )
        }
        defer {
            if mode == .interactive {
                systemLog.append("Info: \(SystemLog.pid): User \(userName) logged out of CLI session")
            }
        }
        let lastLogin =
            mode == .interactive && access == .writable
            ? directory.recordLogin(user: userName, now: clock.now(), from: Self.remoteAddress()) : nil
        var environment = ShellEnvironment(
            dataDirectory: directory.url,
            user: userName,
            mode: mode,
            clock: clock,
            appliance: appliance,
            idleTimeoutMinutes: idleTimeoutMinutes,
            lastLogin: lastLogin,
            applianceUser: user
        )
        environment.readOnly = access == .readOnly
        let session: Session
        do {
            session = try Session(
                console: console,
                environment: environment,
                store: store,
                registry: AllCommands.registry,
                deferred: summary.map { summary in
                    DeferredBase(number: summary.number, hostname: summary.hostname) { error in
                        // Unreadable when first needed: the line and status start-up would have given.
                        (console as? StreamConsole)?.flush()
                        let failure = OpenedStore.failure(error)
                        Glibc.exit(fail(failure.message, failure.status).rawValue)
                    }
                }
            )
        } catch {
            let failure = OpenedStore.failure(error)
            return fail(failure.message, failure.status)
        }
        let interpreter = Interpreter(session: session)
        interpreter.continueOnError = continueOnError
        // A passphrase typed on a command line never reaches the history file.
        (console as? LibEditConsole)?.historyEntry = { [interpreter] line in interpreter.loggable(line) }
        let auditLog = access == .writable ? directory.openAuditLog() : nil
        if let auditLog {
            interpreter.audit = { line, status in
                if let warning = auditLog.record(
                    date: clock.now(),
                    user: environment.user,
                    mode: mode,
                    status: status,
                    line: line
                ) {
                    console.writeError("esa: \(warning)\n")
                }
            }
        }
        interpreter.batchLog = { line in
            systemLog.append("Info: \(SystemLog.pid): User \(environment.user) executed batch command: \(line)")
        }
        if mode == .interactive { Interrupts.install() }
        let reverter =
            mode == .interactive && access == .writable ? AutoRevertTimer(store: store, clock: clock) : nil
        defer { reverter?.stop() }

        let status: ExitStatus
        switch mode {
        case .interactive:
            // ssh.md §3: an expired passphrase is changed before the banner.
            status = ExpiredPassphrase.changeAtLogin(session) ?? interpreter.runInteractive()
        case .script: status = interpreter.runScript()
        case .exec: status = interpreter.runCommands(Words.commandList(commands ?? ""))
        }
        if let report = auditLog?.finish() { console.writeError("esa: \(report)\n") }
        (console as? StreamConsole)?.flush()
        return status
    }

    private var userName: String {
        if let user, !user.isEmpty { return user }
        if let login = ProcessInfo.processInfo.environment["USER"], !login.isEmpty { return login }
        if let name = getlogin() { return String(cString: name) }
        return "admin"
    }

    /// Runs `scp -t`/`scp -f` from an SSH exec request (ssh.md §2), before any command parsing;
    /// nothing but protocol bytes on standard output. Read-only roles may download only.
    private func secureCopy(_ line: String, directory: DataDirectory, clock: ShellClock) -> ExitStatus {
        var transfer = SecureCopyTransfer(folder: directory.configurationFolder)
        do {
            let access = try directory.prepare()
            transfer.mayUpload = access == .writable
            if let user {
                let store = try OpenedStore.store(in: directory, access: access, clock: clock)
                guard let account = try store.head().configuration.user(named: user), !account.locked else {
                    return transfer.refuse("Access denied for \(user).")
                }
                transfer.mayUpload =
                    transfer.mayUpload && account.role.may(.configure) && !account.mustChangePassphrase
            }
        } catch {
            return transfer.refuse(OpenedStore.failure(error).message)
        }
        return transfer.run(line)
    }

    /// The client's and this host's addresses of the SSH connection (`SSH_CONNECTION`).
    private static func connection() -> (source: String, local: String) {
        let parts = (ProcessInfo.processInfo.environment["SSH_CONNECTION"] ?? "").split(separator: " ")
        guard parts.count == 4 else { return ("127.0.0.1", "127.0.0.1") }
        return (String(parts[0]), String(parts[2]))
    }

    private static func remoteAddress() -> String {
        if let client = ProcessInfo.processInfo.environment["SSH_CLIENT"],
            let address = client.split(separator: " ").first
        {
            return String(address)
        }
        return "localhost"
    }

    private func fail(_ message: String, _ status: ExitStatus) -> ExitStatus {
        try? FileOutput.write("esa: \(message)\n", to: 2)
        return status
    }
}

/// Restores the previous revision when a confirmed commit is not confirmed in time, while an
/// interactive session is open (commit.md §8.5).
final class AutoRevertTimer {
    private let timer: any DispatchSourceTimer

    init(store: RevisionStore, clock: ShellClock) {
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + 5, repeating: 5)
        timer.setEventHandler {
            // The sessions see the new revision and say so at their next prompt.
            _ = try? store.revertIfDue(now: clock.now())
        }
        timer.resume()
        self.timer = timer
    }

    func stop() { timer.cancel() }
}
