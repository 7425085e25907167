import ApplianceConfig
import ConfigStore
import FoundationEssentials

#if canImport(Glibc)
import Glibc
#endif

/// Runs top-level command lines in a session: interactively, from a script, or from a `-c` list.
/// All three share `execute(_:)`, so a command behaves the same whichever way it is typed.
public final class Interpreter {
    public let session: Session
    /// Keep going after a failing command (`--continue-on-error`).
    public var continueOnError = false
    /// Appends one line per top-level command to the audit log (set by the binary; nil in tests).
    public var audit: ((_ line: String, _ status: ExitStatus) -> Void)?
    /// Records each command of a `-c` list in the system log (set by the binary; nil in tests).
    public var batchLog: ((_ line: String) -> Void)?

    public init(session: Session) {
        self.session = session
    }

    private var dialog: Dialog { session.dialog }
    private var console: any Console { session.console }

    /// The login banner of interactive sessions (shell.md §1).
    public func banner() -> String {
        let env = session.environment
        var text = ""
        if let last = env.lastLogin {
            text += "Last login: \(env.clock.appliance(last.date, zone: false)) from \(last.from)\n"
        }
        text += "esa \(ApplianceInfo.packageVersion) (AsyncOS-compatible) build \(ApplianceInfo.build)\n"
        text += "\nWelcome to the esa Email Security Appliance Shell\n"
        text +=
            "\nNOTE: This session will expire if left idle for \(counted(env.idleTimeoutMinutes, "minute")). Any uncommitted\n"
        text += "configuration changes will be lost. Commit the configuration changes as soon as\n"
        text += "they are made.\n\n"
        return text
    }

    /// The interactive loop: banner, prompt, commands, until `exit`, Ctrl-D or the idle timeout.
    public func runInteractive() -> ExitStatus {
        console.write(banner())
        while true {
            showNotices()
            try? session.refreshBase()
            let prompt = "\(session.committedHostname)> "
            pauseIfCommitted()
            let context = ArgumentContext(
                configuration: session.configuration,
                commandNames: session.registry.allNames
            )
            switch console.read(prompt: prompt, kind: .command, completer: session.registry.completer(in: context)) {
            case .line(let line):
                let status = execute(line)
                if !line.trimmingSpaces.isEmpty { audit?(loggable(line), status) }
                if session.exitRequested { return .success }
            case .interrupt:
                console.write("\n")
            case .endOfInput:
                // Ctrl-D at the prompt behaves like exit, pending-changes question included.
                console.write("exit\n")
                let status = execute("exit")
                if session.exitRequested { return status == .success ? .success : status }
            case .timedOut:
                timeOut()
                return .success
            case .invalid(let problem):
                console.write(Dialog.message(for: problem) + "\n")
            }
        }
    }

    /// Reads commands and answers from the console until the end of input (piped stdin or `--script`).
    public func runScript() -> ExitStatus {
        var worst = ExitStatus.success
        var next: InputEvent?
        var afterBlankLine = false
        while true {
            // A run of blank lines shows no prompts (StreamConsole), so nothing could show a notice.
            if !afterBlankLine { showNotices() }
            let prompt = "\(session.committedHostname)> "
            let event = next ?? console.read(prompt: prompt, kind: .command, completer: .none)
            next = nil
            switch event {
            case .line(let line):
                dialog.countLine()
                afterBlankLine = line.trimmingSpaces.isEmpty
                let before = dialog.linesRead
                let status = execute(line)
                if !line.trimmingSpaces.isEmpty { audit?(loggable(line), status) }
                if let failed = outputFailed() { return abandon(failed) }
                if status != .success {
                    if !continueOnError { return abandon(status) }
                    worst = worst == .success ? status : worst
                    // The lines after a failed dialog are its answers (passphrases too): never run,
                    // echo or audit them as commands.
                    if dialog.linesRead > before { next = skipAnswers(prompt: prompt) }
                }
                if session.exitRequested { return endOfSession(worst) }
            case .endOfInput:
                return endOfSession(worst)
            case .invalid(let problem):
                dialog.countLine()
                console.writeError("line \(dialog.linesRead): \(Dialog.message(for: problem))\n")
                if !continueOnError { return abandon(.invalidInput) }
                worst = worst == .success ? .invalidInput : worst
            case .interrupt, .timedOut:
                return endOfSession(worst)
            }
        }
    }

    /// After a dialog failed in a script that goes on (`--continue-on-error`): consumes lines
    /// without running, echoing or auditing them up to the next line that starts with a command
    /// name (returned, echoed as if read at the prompt) or the end of input.
    private func skipAnswers(prompt: String) -> InputEvent {
        let first = dialog.linesRead + 1
        var skipped = 0
        while true {
            let event = console.skip()
            if case .line(let line) = event, isCommandLine(line) {
                if skipped > 0 { reportSkipped(skipped, from: first) }
                console.write(prompt + line + "\n")
                return event
            }
            switch event {
            case .line, .invalid:
                dialog.countLine()
                skipped += 1
            case .endOfInput, .interrupt, .timedOut:
                if skipped > 0 { reportSkipped(skipped, from: first) }
                return event
            }
        }
    }

    /// Most answers skipped after a failed dialog of a `-c` list before the list stops instead.
    static let maximumSkippedAnswers = 100_000

    /// `-c` with `--continue-on-error` after a failed dialog: consumes the rest of the answers on
    /// standard input without echoing them; later commands that ask a question see the end of input.
    /// False when the input does not end (the list stops, as without `--continue-on-error`).
    private func skipQueuedAnswers() -> Bool {
        var skipped = 0
        reading: while skipped < Self.maximumSkippedAnswers {
            switch console.skip() {
            case .line, .invalid: skipped += 1
            case .endOfInput, .interrupt, .timedOut: break reading
            }
        }
        let ended = skipped < Self.maximumSkippedAnswers
        guard skipped > 0 else { return true }
        let noun = skipped == 1 ? "answer" : "answers"
        console.writeError(
            "\(ended ? "" : "at least ")\(skipped) more \(noun) on standard input skipped after the failed "
                + "dialog: a -c list cannot tell which answers belong to its later commands"
                + (ended ? ".\n" : "; the list stops here.\n")
        )
        return ended
    }

    private func reportSkipped(_ count: Int, from first: Int) {
        let range = count == 1 ? "line \(first)" : "lines \(first)-\(first + count - 1)"
        console.writeError("\(range): skipped after the failed dialog, up to the next command.\n")
    }

    /// Whether `line` starts with the full name or alias of a command.
    private func isCommandLine(_ line: String) -> Bool {
        guard let first = line.trimmingSpaces.split(separator: " ").first?.lowercased() else { return false }
        return session.registry.allNames.contains(first)
    }

    /// Runs each command of a `-c` list; answers to questions, if any, come from the console.
    public func runCommands(_ commands: [String]) -> ExitStatus {
        var worst = ExitStatus.success
        for (index, command) in commands.enumerated() {
            if !console.isInteractive {
                console.write("\(session.committedHostname)> \(TerminalSafe.escaped(command))\n")
            }
            if !command.trimmingSpaces.isEmpty { batchLog?(loggable(command)) }
            let before = dialog.linesRead
            let status = execute(command, position: index + 1)
            if !command.trimmingSpaces.isEmpty { audit?(loggable(command), status) }
            if let failed = outputFailed() { return abandon(failed) }
            if status != .success {
                if !continueOnError { return abandon(status) }
                worst = worst == .success ? status : worst
                // The rest of standard input holds the failed dialog's other answers (passphrases
                // too) and nothing marks where the later commands' answers begin: none is used.
                if dialog.linesRead > before, (console as? StreamConsole)?.answersAreQueued == true,
                    !skipQueuedAnswers()
                {
                    return abandon(status)
                }
            }
            if session.exitRequested { break }
        }
        return endOfSession(worst)
    }

    // MARK: Running one line

    /// When set, errors name this position (`-c` lists) instead of the input line number.
    private var fixedPosition: Int?

    /// Runs one top-level line. Errors are reported here: on a terminal as a message, in scripts on
    /// stderr as `line N: message`. Returns the status the line would give a script.
    @discardableResult
    public func execute(_ line: String, position: Int? = nil) -> ExitStatus {
        fixedPosition = session.environment.mode == .exec ? position : nil
        let trimmed = line.trimmingSpaces
        if trimmed.isEmpty { return .success }
        // Lines from a terminal or a script were checked when read; a `-c` list comes from argv.
        if TerminalSafe.typedControl(in: trimmed) != nil {
            return report(ShellError.invalidInput(Dialog.message(for: .controlCharacter)))
        }
        if trimmed == "?" { return execute("help") }
        guard let words = Words.split(trimmed), let first = words.first else {
            return report(ShellError.invalidInput("Unbalanced quotes in \"\(trimmed)\"."))
        }
        let command: any ShellCommand
        switch session.registry.lookup(first) {
        case .found(let found):
            command = found
        case .ambiguous(let names):
            return report(ShellError.invalidInput("Ambiguous command \"\(first)\": \(names.joined(separator: ", "))."))
        case .unknown:
            return report(ShellError.invalidInput("Unknown command or missing feature key: \(first)"))
        }
        _ = Interrupts.take()  // a Ctrl-C pressed before this command does not abandon it
        var arguments = Array(words.dropFirst())
        if let refusal = session.refusal(for: command, arguments: arguments) {
            return report(ShellError.actionFailed(refusal))
        }
        if arguments == ["?"] {
            arguments = ["help", command.name]
            return execute(arguments.joined(separator: " "))
        }
        do {
            try command.run(arguments, in: session)
            return .success
        } catch DialogAbort.interrupted {
            console.write("\n")
            return .success
        } catch DialogAbort.endOfInput {
            if !console.isInteractive {
                console.write("\n")
                console.writeError("line \(currentLine): input ended during a dialog\n")
            }
            return .ioError
        } catch DialogAbort.timedOut {
            timeOut()
            session.exitRequested = true
            return .success
        } catch {
            return report(ErrorPresenter.present(error))
        }
    }

    private var currentLine: Int { fixedPosition ?? dialog.linesRead }

    /// The line as it may be logged: a passphrase given on it replaced by `*****`.
    public func loggable(_ line: String) -> String {
        let trimmed = line.trimmingSpaces
        guard let words = Words.split(trimmed), let first = words.first,
            case .found(let command) = session.registry.lookup(first)
        else { return line }
        let arguments = Array(words.dropFirst())
        let shown = command.loggable(arguments)
        guard shown != arguments else { return line }
        return ([first] + shown.map(Self.quoted)).joined(separator: " ")
    }

    private static func quoted(_ word: String) -> String {
        word.contains(" ") || word.isEmpty ? "\"\(word)\"" : word
    }

    private func report(_ error: ShellError) -> ExitStatus {
        let message = TerminalSafe.escapedLines(error.message)
        if console.isInteractive {
            console.write("\n\(message)\n")
        } else {
            console.writeError("line \(currentLine): \(message)\n")
        }
        return error.code.status
    }

    /// The compatibility pause of ssh.md §4: `Changes committed` was written (the console writes
    /// at once); the prompt follows as a separate write.
    private func pauseIfCommitted() {
        guard session.pauseBeforePrompt else { return }
        session.pauseBeforePrompt = false
        guard session.environment.mode == .interactive else { return }
        usleep(Self.promptPauseMicroseconds)
    }

    /// How long the prompt waits after `Changes committed` in an interactive session.
    public static let promptPauseMicroseconds: UInt32 = 200_000

    /// Messages posted for this session and automatic reverts of confirmed commits, before a prompt.
    private func showNotices() {
        let reverts = (try? session.revertNotices()) ?? []
        for notice in session.notices.take() + reverts { console.write("\n\(notice)\n") }
    }

    private func timeOut() {
        var message =
            "\nSession timed out after \(counted(session.environment.idleTimeoutMinutes, "minute")) of inactivity."
        if session.hasPendingChanges { message += " Uncommitted changes have been discarded." }
        console.write(message + "\n")
        session.clearChanges()
    }

    /// A script stops at its first failure: pending changes are discarded.
    private func abandon(_ status: ExitStatus) -> ExitStatus {
        session.clearChanges()
        return status
    }

    /// When standard output could not be written (a full disk, a closed pipe), says so on standard
    /// error and returns the status that ends the run: nobody can read what the commands print.
    private func outputFailed() -> ExitStatus? {
        guard let failure = console.outputFailure else { return nil }
        console.writeError("line \(currentLine): The output cannot be written: \(failure.message).\n")
        return .ioError
    }

    private func endOfSession(_ status: ExitStatus) -> ExitStatus {
        console.flush()
        if let failed = outputFailed() { return abandon(failed) }
        if session.hasPendingChanges {
            console.writeError("Warning: the session ended with uncommitted changes; they have been discarded.\n")
            session.clearChanges()
        }
        return status
    }
}
