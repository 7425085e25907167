import ApplianceConfig
import ConfigStore
import FoundationEssentials
import Shell

/// `commit` (commit.md §2, §8.3–8.5, §8.7): validate, resolve concurrency, store durably, report.
public struct CommitCommand: DeclaredCommand {
    static let comment = Positional.optional("comment", .text("\"{comment}\""))
    /// A second unquoted word: the comment was meant to be quoted.
    static let unquoted = Positional.optional(
        "unquoted",
        ValueParser<String>("") { _, _ throws(ShellError) in
            throw .invalidInput("Put the comment in quotes: commit \"{comment}\".")
        }
    )
    static let check = BatchOption.flag("check")
    static let confirmMinutes = BatchOption(
        "confirm",
        .number("{minutes}", RevisionStore.confirmationMinutes) {
            "The confirmation time must be a number of minutes from 1 to 60, not \"\($0)\"."
        }
    )

    public let grammar = Grammar(
        CommandConfiguration("commit", summary: "Commit pending configuration changes.", writesDataDirectory: true),
        style: .joined,
        notes: ["commit --check", "commit --confirm {minutes} [\"{comment}\"]", "commit confirm"],
        Form(
            usage: "commit \"{comment}\"",
            .argument(CommitCommand.comment),
            .argument(CommitCommand.unquoted),
            .option(CommitCommand.check),
            .option(CommitCommand.confirmMinutes)
        ) { arguments, session in
            try CommitCommand.run(arguments, session)
        }
    )

    private static func run(_ arguments: BatchValues, _ session: Session) throws {
        let comment = arguments[Self.comment]
        let minutes = arguments[Self.confirmMinutes]
        if arguments.has(Self.check) {
            guard comment == nil, minutes == nil else {
                throw CommitCommand().grammar.usage(nil, "--check takes no other argument.")
            }
            try CommitFlow.check(session)
            return
        }
        if comment == "confirm" && minutes == nil {
            _ = try session.store.confirm()
            session.dialog.block("Commit confirmed.")
            return
        }
        try CommitFlow.commit(
            session,
            comment: comment,
            rollbackPoint: comment == nil ? nil : true,
            confirmMinutes: minutes
        )
    }
}

/// The steps of a commit, shared by `commit`, `rollbackconfig` and `loadconfig`.
public enum CommitFlow {
    /// The checks of commit.md §8.3 as `Error: …` lines.
    public static func validate(_ configuration: ApplianceConfiguration) -> [String] {
        configuration.validate().map(ErrorPresenter.message)
    }

    /// `commit --check`: what `commit` would do now, storing nothing — the same certificate
    /// warnings, the same rebase onto a head another session moved (and its conflicts), the same
    /// validation of the rebased result.
    public static func check(_ session: Session) throws {
        showWarnings(session)
        let outcome = try session.store.check(
            session.configuration,
            base: session.base.info.number,
            baseConfiguration: session.base.configuration,
            validate: validate
        )
        switch outcome {
        case .ready, .nothingToCommit:
            session.dialog.block("Configuration check succeeded.")
        case .invalid(let problems):
            throw ShellError.actionFailed(problems.joined(separator: "\n"))
        case .conflict(let other, let conflicts):
            throw conflictError(other, conflicts, session)
        }
    }

    /// The certificate warnings printed before a commit (and by `commit --check`).
    static func showWarnings(_ session: Session) {
        let warnings = CertificateRules.commitWarnings(session.configuration, now: session.clock.now())
        if !warnings.isEmpty { session.dialog.block(warnings) }
    }

    static func conflictError(_ other: RevisionInfo, _ conflicts: [MergeConflict], _ session: Session) -> ShellError {
        var lines = [
            "Commit failed: the configuration was changed by \(other.user) (\(other.method.rawValue)) at "
                + "\(session.format(other.date)) in revision \(other.number).",
            "Conflicting settings:",
        ]
        lines += conflicts.map { "    " + ErrorPresenter.line($0) }
        lines.append(
            "Your changes are still pending. Use 'showchanges' to review them, 'clearchanges' and enter them again."
        )
        return ShellError.actionFailed(lines.joined(separator: "\n"))
    }

    /// A comment is at most 255 characters and, so that combining marks cannot make one character
    /// huge, at most 1020 bytes (255 characters of 4 bytes).
    static func commentProblem(_ comment: String) -> ShellError? {
        if comment.count > 255 { return .invalidInput("The comment must be at most 255 characters.") }
        if comment.utf8.count > 1020 { return .invalidInput("The comment must be at most 1020 bytes.") }
        return nil
    }

    /// Commits the session's candidate. With `comment` nil the comment and rollback questions are asked.
    /// Prints `Changes committed: {date}` only once the revision is durable.
    public static func commit(
        _ session: Session,
        comment givenComment: String?,
        rollbackPoint givenRollback: Bool?,
        confirmMinutes: Int? = nil,
        method: CommitMethod? = nil,
        successMessage: ((RevisionInfo) -> String)? = nil
    ) throws {
        let dialog = session.dialog
        guard session.hasPendingChanges else {
            dialog.block("There is no data to commit.")
            return
        }
        if let comment = givenComment, let problem = commentProblem(comment) { throw problem }
        let comment =
            try givenComment
            ?? dialog.ask(
                ["Please enter some comments describing your changes:"],
                required: false,
                questionMarkIsData: true,
                format: AnswerFormat("A comment for the commit history.") { text in
                    commentProblem(text).map { .failure($0) } ?? .success(text)
                }
            ) ?? ""
        let rollbackPoint =
            try givenRollback
            ?? dialog.yesNo("Do you want to save the current configuration for rollback?", default: true)

        if session.role != .administrator,
            session.configuration.users != session.base.configuration.users
                || session.configuration.userPolicy != session.base.configuration.userPolicy
        {
            throw ShellError.actionFailed(Session.accessDenied)
        }
        showWarnings(session)
        // Store errors reach the admin through ErrorPresenter.
        let outcome = try session.store.commit(
            session.configuration,
            base: session.base.info.number,
            baseConfiguration: session.base.configuration,
            user: session.environment.user,
            method: method ?? session.pendingMethod ?? CommitMethod(session.environment.mode),
            comment: comment,
            rollbackPoint: rollbackPoint,
            confirmMinutes: confirmMinutes,
            validate: validate
        )
        switch outcome {
        case .nothingToCommit:
            session.clearChanges()
            dialog.block("There is no data to commit.")
        case .invalid(let problems):
            throw ShellError.actionFailed((problems + ["Nothing was committed."]).joined(separator: "\n"))
        case .conflict(let other, let conflicts):
            throw conflictError(other, conflicts, session)
        case .committed(let info, let configuration, _):
            session.didCommit(info, configuration)
            let acknowledgement = successMessage?(info) ?? "Changes committed: \(session.format(info.date))"
            dialog.block(acknowledgement)
            // The revision is stored: when standard output fails, acknowledge it on standard error.
            session.console.flush()
            if session.console.outputFailure != nil { session.console.writeError(acknowledgement + "\n") }
            session.pauseBeforePrompt = true
            SystemLog(session).append(
                "Info: PID \(ProcessInfo.processInfo.processIdentifier): User \(info.user) commit changes: \(info.comment)"
            )
            if let minutes = confirmMinutes {
                dialog.lines(
                    "Commit will be rolled back in \(counted(minutes, "minute")) unless confirmed with 'commit confirm'."
                )
            }
        }
    }
}

extension CommitMethod {
    /// The method recorded for commits typed in a session of this mode.
    init(_ mode: SessionMode) {
        switch mode {
        case .interactive: self = .interactive
        case .script: self = .script
        case .exec: self = .exec
        }
    }
}

/// The appliance's system log (`{date} Info: …` lines) in the data directory.
public struct SystemLog {
    let dataDirectory: URL
    let clock: ShellClock
    private var warn: (String) -> Void = { FileOutput.diagnose($0) }

    /// A log for the session lines of the binary (login, logout, batch commands). With `quiet`, a
    /// failed write is not reported: those lines come with every command, and a full disk is
    /// reported once by whatever the command itself writes.
    public init(dataDirectory: URL, clock: ShellClock, quiet: Bool = false) {
        self.dataDirectory = dataDirectory
        self.clock = clock
        if quiet { warn = { _ in } }
    }

    init(_ session: Session) {
        self.init(dataDirectory: session.environment.dataDirectory, clock: session.clock)
        warn = { [console = session.console] in console.writeError($0) }
    }

    /// `PID {pid}` — the prefix of the session lines (ssh.md §3).
    public static var pid: String { "PID \(ProcessInfo.processInfo.processIdentifier)" }

    /// Appends one line (control characters escaped, owner-only file). A failed write is reported
    /// on standard error as a warning: what was done before (a stored commit) stays done.
    public func append(_ message: String) {
        do {
            try SystemLogFile(dataDirectory: dataDirectory, clock: clock).write(message)
        } catch {
            warn("Warning: the system log cannot be written: \(error.message).\n")
        }
    }
}
