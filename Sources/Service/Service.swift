import ApplianceConfig
import ConfigStore
import Shell
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A committed configuration and its revision number: all a part of `esa serve` ever reads.
public struct CommittedSnapshot: Sendable, Equatable {
    public let revision: Int
    public let configuration: ApplianceConfiguration

    public init(revision: Int, configuration: ApplianceConfiguration) {
        self.revision = revision
        self.configuration = configuration
    }
}

/// One child of the supervisor (the Postfix gateway, the SSH endpoint): runs until its task is
/// cancelled, stopping its own children before it returns. Returning or throwing earlier counts as
/// dying: the supervisor logs it and starts the part again with back-off.
public protocol ServicePart: Sendable {
    var name: String { get }
    func run(_ context: ServiceContext) async throws
}

/// What every part gets from the supervisor.
public struct ServiceContext: Sendable {
    public let dataDirectory: URL
    public let clock: ShellClock
    public let systemLog: SystemLogFile
    let watcher: StoreWatcher

    public init(dataDirectory: URL, clock: ShellClock, watcher: StoreWatcher) {
        self.dataDirectory = dataDirectory
        self.clock = clock
        self.systemLog = SystemLogFile(dataDirectory: dataDirectory, clock: clock)
        self.watcher = watcher
    }

    /// The committed head now, then every new head (a commit in any shell), until cancelled.
    public func configurations() -> AsyncStream<CommittedSnapshot> { watcher.subscribe() }

    /// The newest committed snapshot the watcher has seen.
    public var latest: CommittedSnapshot? { watcher.latest }

    /// The committed head read now (a cached read of the store), so that what a shell has just
    /// committed counts at once (a login right after `userconfig … ; commit`); the newest snapshot
    /// seen when the store cannot be read.
    public var current: CommittedSnapshot? {
        try? watcher.refresh()
        return watcher.latest
    }
}

/// Watches the revision store: polls the head revision (a cached read) every `interval` and hands
/// a new head to every subscriber. No shell has to signal anything.
public final class StoreWatcher: Sendable {
    private struct State {
        var latest: CommittedSnapshot?
        var subscribers: [Int: AsyncStream<CommittedSnapshot>.Continuation] = [:]
        var nextID = 0
    }

    private let store: RevisionStore
    private let interval: Duration
    private let state = Mutex(State())

    public init(store: RevisionStore, interval: Duration = .milliseconds(100)) {
        self.store = store
        self.interval = interval
    }

    public var latest: CommittedSnapshot? { state.withLock { $0.latest } }

    /// Reads the head once; throws when the store cannot be read.
    public func refresh() throws {
        let head = try store.head()
        let continuations: [AsyncStream<CommittedSnapshot>.Continuation]
        let snapshot = CommittedSnapshot(revision: head.info.number, configuration: head.configuration)
        continuations = state.withLock { state in
            guard state.latest?.revision != snapshot.revision else { return [] }
            state.latest = snapshot
            return Array(state.subscribers.values)
        }
        for continuation in continuations { continuation.yield(snapshot) }
    }

    /// Polls until cancelled; a failed read is retried at the next tick.
    public func run(onError: (@Sendable (String) -> Void)? = nil) async {
        var problem: String?
        while !Task.isCancelled {
            do {
                try refresh()
                problem = nil
            } catch {
                // Reported once per distinct problem; the next tick tries again.
                let text = ErrorPresenter.logLine(error)
                if text != problem { onError?(text) }
                problem = text
            }
            try? await Task.sleep(for: interval)
        }
        let subscribers = state.withLock { state in
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for continuation in subscribers { continuation.finish() }
    }

    func subscribe() -> AsyncStream<CommittedSnapshot> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: CommittedSnapshot.self,
            bufferingPolicy: .bufferingNewest(1)
        )
        let (id, latest) = state.withLock { state in
            state.nextID += 1
            state.subscribers[state.nextID] = continuation
            return (state.nextID, state.latest)
        }
        if let latest { continuation.yield(latest) }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }
}

/// `esa serve`'s supervisor: runs the store watcher and every part; a part that dies is logged and
/// started again after a back-off (1 s doubling to 60 s, back to 1 s after a minute of good run).
public struct Service: Sendable {
    public let context: ServiceContext
    public let parts: [any ServicePart]
    public var backOff: BackOff

    public init(context: ServiceContext, parts: [any ServicePart], backOff: BackOff = BackOff()) {
        self.context = context
        self.parts = parts
        self.backOff = backOff
    }

    /// Runs until cancelled (SIGTERM/SIGINT cancel the task); every part has stopped when it returns.
    public func run() async throws {
        try context.watcher.refresh()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await context.watcher.run { problem in
                    context.systemLog.append("Warning: the committed configuration cannot be read: \(problem)")
                }
            }
            for part in parts {
                group.addTask { await supervise(part) }
            }
            await group.waitForAll()
        }
    }

    private func supervise(_ part: any ServicePart) async {
        var delay = backOff.initial
        while !Task.isCancelled {
            let started = ContinuousClock.now
            var reason = "it stopped"
            do {
                try await part.run(context)
            } catch is CancellationError {
                return
            } catch {
                reason = ErrorPresenter.logLine(error)
            }
            if Task.isCancelled { return }
            if ContinuousClock.now - started > backOff.resetAfter { delay = backOff.initial }
            context.systemLog.append(
                "Warning: \(part.name) stopped: \(reason); restarting in \(delay.components.seconds) s"
            )
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, backOff.maximum)
        }
    }
}

/// The restart delays of the supervisor (tests shorten them).
public struct BackOff: Sendable {
    public var initial: Duration
    public var maximum: Duration
    public var resetAfter: Duration

    public init(initial: Duration = .seconds(1), maximum: Duration = .seconds(60), resetAfter: Duration = .seconds(60))
    {
        self.initial = initial
        self.maximum = maximum
        self.resetAfter = resetAfter
    }
}
