import ApplianceConfig
import ConfigStore
import FoundationEssentials
import Synchronization

/// One administrator's session: the console, the committed revision it started from and its own
/// candidate (pending changes). Sessions never share a candidate (commit.md §8.4).
public final class Session {
    public let dialog: Dialog
    public let environment: ShellEnvironment
    public let store: any ConfigurationStore
    public let registry: CommandRegistry

    /// The committed revision the candidate is based on (the head when there are no pending changes).
    /// A session opened with a ``DeferredBase`` reads it when something first needs it.
    public var base: (info: RevisionInfo, configuration: ApplianceConfiguration) {
        if let loadedBase { return loadedBase }
        let loaded = readDeferredBase()
        loadedBase = loaded
        return loaded
    }
    private var loadedBase: (info: RevisionInfo, configuration: ApplianceConfiguration)?
    private let deferred: DeferredBase?
    private var candidate: ApplianceConfiguration?
    /// How the pending changes came to be when it was not typed edits (`load`, `rollback`): the
    /// method the next commit records. Any later edit makes them the session's own again.
    public private(set) var pendingMethod: CommitMethod?
    /// The last commit made in this session (`commitdetail`).
    public var lastCommit: RevisionInfo?
    /// Set by `exit`; the interpreter ends the session after the command.
    public var exitRequested = false
    /// Messages to print before the next prompt (for example an automatic revert done by a timer).
    public let notices = NoticeBoard()
    /// The newest revision this session has looked at for automatic reverts.
    private var lastSeenRevision: Int
    /// Set after `Changes committed` in an interactive session: the next prompt is written apart,
    /// about 200 ms later (ssh.md §4), so a client that matches the line sees the prompt in a later read.
    public var pauseBeforePrompt = false
    /// `setttymode 0 1`: long output is not paged in this session.
    public var pagingDisabled = false

    /// A session based on the store's head, read now; with `deferred`, read when first needed (a run of
    /// `version`, `help` or `exit` never decodes it), the prompt showing the host name `deferred` holds.
    public init(
        console: any Console,
        environment: ShellEnvironment,
        store: any ConfigurationStore,
        registry: CommandRegistry,
        deferred: DeferredBase? = nil
    )
        throws
    {
        self.dialog = Dialog(console: console)
        self.environment = environment
        self.store = store
        self.registry = registry
        self.deferred = deferred
        if let deferred {
            self.lastSeenRevision = deferred.number
        } else {
            let head = try store.head()
            self.loadedBase = head
            self.lastSeenRevision = head.info.number
        }
        dialog.commandWords = registry.allNames
    }

    /// The revision the deferred summary named (the head then; the head now if it was pruned since).
    private func readDeferredBase() -> (info: RevisionInfo, configuration: ApplianceConfiguration) {
        guard let deferred else { preconditionFailure("a session without a deferred base has its base") }
        do {
            return try store.revision(deferred.number) ?? store.head()
        } catch {
            deferred.unreadable(error)
        }
    }

    public var console: any Console { dialog.console }
    public var clock: ShellClock { environment.clock }

    /// What the commands of this session see: the candidate, or the committed base.
    public var configuration: ApplianceConfiguration { candidate ?? base.configuration }

    /// Whether the candidate differs from the committed revision it is based on.
    public var hasPendingChanges: Bool {
        guard let candidate else { return false }
        return candidate != base.configuration
    }

    /// The committed host name, shown in the prompt.
    public var committedHostname: String { loadedBase?.configuration.hostname ?? deferred?.hostname ?? "" }

    /// Stages one finished operation. Decide and validate first, then call this with a mutation that
    /// cannot fail: an operation stages all of its changes or none.
    public func stage(_ change: (inout ApplianceConfiguration) -> Void) {
        var working = candidate ?? base.configuration
        candidate = nil  // keep `working` uniquely referenced so large sections are edited in place
        change(&working)
        candidate = working
        pendingMethod = nil
    }

    /// Replaces the candidate with a whole configuration (loadconfig, rollbackconfig); the next commit
    /// records `method`.
    public func replaceCandidate(with configuration: ApplianceConfiguration, method: CommitMethod) {
        candidate = configuration
        pendingMethod = method
    }

    /// Drops the pending changes.
    public func clearChanges() {
        candidate = nil
        pendingMethod = nil
    }

    /// Called after a commit: the stored revision becomes the base, nothing is pending.
    public func didCommit(_ info: RevisionInfo, _ configuration: ApplianceConfiguration) {
        loadedBase = (info, configuration)
        candidate = nil
        pendingMethod = nil
        lastCommit = info
        // Our own commit right after the newest revision we had looked at: no revision came between,
        // so there is no automatic revert to look for (and no history to read back after a large commit).
        if info.number == lastSeenRevision + 1 { lastSeenRevision = info.number }
    }

    /// Adopts a revision this session committed at once, outside its pending changes (`passwd`):
    /// the same change is applied to the candidate, so the pending changes stay exactly what they were.
    public func adoptImmediateCommit(
        _ info: RevisionInfo,
        _ configuration: ApplianceConfiguration,
        applying change: (inout ApplianceConfiguration) -> Void
    ) {
        loadedBase = (info, configuration)
        if var working = candidate {
            candidate = nil
            change(&working)
            candidate = working
        }
    }

    /// `Commit {n} was not confirmed and has been reverted.` for every automatic revert stored since
    /// the last call, whichever process made it (commit.md §8.5): every open session is told once,
    /// the one that made the confirmed commit included.
    public func revertNotices() throws -> [String] {
        let head = try store.headNumber()
        guard head > lastSeenRevision else { return [] }
        let reverts = try store.automaticReverts(after: lastSeenRevision)
        lastSeenRevision = max(head, reverts.last?.revert ?? head)
        return reverts.map { "Commit \($0.reverted) was not confirmed and has been reverted." }
    }

    /// Follows commits of other sessions while this one has nothing pending.
    public func refreshBase() throws {
        guard candidate == nil else { return }
        if try store.headNumber() != loadedBase?.info.number ?? deferred?.number {
            loadedBase = try store.head()
        }
    }

    // MARK: Who is logged in

    /// The appliance user of this session, as committed (nil for the local operator).
    public var currentUser: ApplianceUser? {
        environment.applianceUser.flatMap { base.configuration.user(named: $0) }
    }

    /// The role whose rights apply: the appliance user's, or Administrators for the local operator.
    /// An appliance user removed meanwhile has the rights of nobody (Guests).
    public var role: UserRole {
        guard environment.applianceUser != nil else { return .administrator }
        return currentUser?.role ?? .guest
    }

    /// The message that refuses `command` with these words after its name for this session, or nil
    /// when it may run. A viewing batch form (`certconfig list`) needs only the right to view.
    public func refusal(for command: any ShellCommand, arguments: [String] = []) -> String? {
        let viewing = arguments.first.map { command.viewingForms.contains($0.lowercased()) } ?? false
        if environment.readOnly, !viewing, command.requiresCommit || command.writesDataDirectory {
            return Self.readOnlyMessage(environment.dataDirectory.path)
        }
        if currentUser?.mustChangePassphrase == true, !["passwd", "exit", "help"].contains(command.name) {
            return Self.changeDefaultMessage
        }
        let access = viewing && command.access == .configure ? CommandAccess.view : command.access
        return role.may(access) ? nil : Self.accessDenied
    }

    /// The refusal of a command that would change something in a read-only data directory.
    public static func readOnlyMessage(_ path: String) -> String {
        "The data directory \(TerminalSafe.escaped(path)) is read-only: only commands that change nothing can be used."
    }

    /// The refusal of a command outside the user's role (**exact** up to `use`).
    public static let accessDenied = "You are not in the correct access group to use this command."
    /// Until the factory passphrase is changed (contains the **exact** `change the default passphrase`).
    public static let changeDefaultMessage =
        "You must change the default passphrase before using this command. Use the passwd command."

    // MARK: Output helpers

    /// Prints long output; paged on a terminal (`-Press Any Key For More-`). Control characters in
    /// it (from the configuration, a certificate, a file) are escaped.
    public func page(_ text: String) {
        var lines = TerminalSafe.escapedLines(text).split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        guard console.isInteractive, !pagingDisabled, let rows = console.pageRows, rows > 1, lines.count > rows - 1
        else {
            console.write(lines.map { $0 + "\n" }.joined())
            return
        }
        var index = 0
        while index < lines.count {
            let end = min(index + rows - 1, lines.count)
            console.write(lines[index..<end].map { $0 + "\n" }.joined())
            index = end
            if index < lines.count && !console.waitForMore() { return }
        }
    }

    /// Formats a date the appliance way, with the time zone.
    public func format(_ date: Date) -> String { clock.appliance(date) }
}

/// Messages posted from other threads (a timer), shown at the next prompt.
public final class NoticeBoard: Sendable {
    private let items = Mutex<[String]>([])

    public init() {}

    /// Queues a message (from any thread).
    public func post(_ message: String) {
        items.withLock { $0.append(message) }
    }

    /// Takes the queued messages.
    public func take() -> [String] {
        items.withLock { items in
            defer { items = [] }
            return items
        }
    }
}

/// What a session opened before its committed revision is read needs: the head's number and host name
/// (``RevisionStore/headHostname()``: the prompt), and what ends the run when that revision turns out
/// unreadable when first needed — the binary reports it as it would have at start-up.
public struct DeferredBase {
    public var number: Int
    public var hostname: String
    public var unreadable: (any Error) -> Never

    public init(number: Int, hostname: String, unreadable: @escaping (any Error) -> Never) {
        self.number = number
        self.hostname = hostname
        self.unreadable = unreadable
    }
}
