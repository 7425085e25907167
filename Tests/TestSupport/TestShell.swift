import ApplianceConfig
import Commands
import ConfigStore
import Foundation
import Shell
import Synchronization

/// A clock the tests move by hand. Starts at Tue Sep 22 09:00:00 2026 UTC.
public final class TestClock: Sendable {
    private let current: Mutex<Date>
    public static let start = Date(timeIntervalSince1970: 1_790_067_600)  // 2026-09-22 09:00:00 UTC

    public init(_ date: Date = TestClock.start) { current = Mutex(date) }

    public func now() -> Date { current.withLock { $0 } }
    public func advance(seconds: Double) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }

    /// A shell clock on this time, shown in UTC.
    public var shellClock: ShellClock {
        ShellClock(zone: .utc) { [self] in self.now() }
    }
}

/// The factory configuration with one Demo certificate generated per test process (RSA keys are slow).
public enum TestFactory {
    public static let configuration: ApplianceConfiguration = {
        do {
            return try FactoryConfiguration.make(now: TestClock.start.addingTimeInterval(-86_400))
        } catch {
            fatalError("The Demo certificate could not be generated: \(error)")
        }
    }()
}

/// The result of running lines through a shell: the transcript (stdout), stderr and the status.
public struct RunResult: Sendable {
    public var output: String
    public var errorOutput: String
    public var status: ExitStatus
}

/// A shell on a temporary data directory, driven by scripted input through the same console and
/// interpreter as `esa < script` (or `-c`). Several `run` calls are several sessions on one store.
public final class TestShell {
    public let directory: TemporaryDirectory
    public let clock: TestClock
    public let store: RevisionStore
    public let user: String
    /// The appliance user sessions act as (`esa --user NAME`); nil for the local operator.
    public var applianceUser: String?
    /// The commands of its sessions (tests of the gateway commands give a fake gateway link).
    public var registry: CommandRegistry = AllCommands.registry

    public init(clock: TestClock = TestClock(), user: String = "admin") throws {
        self.clock = clock
        self.user = user
        directory = try TemporaryDirectory()
        let data = DataDirectory(url: directory.url)
        try data.prepare()
        // A data directory the binary can open too: a used one needs its identity.
        _ = try data.identity(now: clock.now())
        store = try RevisionStore(
            path: data.storePath,
            clock: { [clock] in clock.now() },
            factory: { TestFactory.configuration }
        )
    }

    public var appliance: ApplianceInfo {
        ApplianceInfo(
            serialNumber: "42A1B2C3D4E5F60718293A4B5C6D7E8F",
            installDate: TestClock.start,
            cpuCount: 2,
            memoryMegabytes: 8192
        )
    }

    /// Makes a session on scripted input; the caller drives it.
    public func session(input: String, mode: SessionMode = .script) throws -> (Session, StreamConsole, Output) {
        let output = Output()
        let console = StreamConsole(
            source: MemorySource(input),
            output: { output.append(stdout: $0) },
            errorOutput: { output.append(stderr: $0) }
        )
        let environment = ShellEnvironment(
            dataDirectory: directory.url,
            user: user,
            mode: mode,
            clock: clock.shellClock,
            appliance: appliance,
            applianceUser: applianceUser
        )
        let session = try Session(
            console: console,
            environment: environment,
            store: store,
            registry: registry
        )
        return (session, console, output)
    }

    /// Commits `change` to the store directly (test set-up), as the local operator.
    public func commit(_ comment: String = "set-up", _ change: (inout ApplianceConfiguration) -> Void) throws {
        let head = try store.head()
        var configuration = head.configuration
        change(&configuration)
        _ = try store.commit(
            configuration,
            base: head.info.number,
            user: user,
            method: .script,
            comment: comment,
            rollbackPoint: false,
            validate: { _ in [] }
        )
    }

    /// Runs `input` as a piped script (`esa < file`).
    public func run(_ input: String, continueOnError: Bool = false) throws -> RunResult {
        let (session, console, output) = try session(input: input)
        let interpreter = Interpreter(session: session)
        interpreter.continueOnError = continueOnError
        let status = interpreter.runScript()
        console.flush()
        return RunResult(output: output.stdout, errorOutput: output.stderr, status: status)
    }

    /// Runs a `-c` command list, with `answers` on standard input.
    public func exec(_ commands: String, answers: String = "") throws -> RunResult {
        let (session, console, output) = try session(input: answers, mode: .exec)
        let status = Interpreter(session: session).runCommands(Words.commandList(commands))
        console.flush()
        return RunResult(output: output.stdout, errorOutput: output.stderr, status: status)
    }

    /// Collected output of a scripted console.
    public final class Output: @unchecked Sendable {
        public private(set) var stdout = ""
        public private(set) var stderr = ""
        func append(stdout text: String) { stdout += text }
        func append(stderr text: String) { stderr += text }
    }
}

/// A console that answers from a script but tells the dialog rules it is a terminal: a rejected
/// answer is asked again and a refused menu operation brings the menu back, as for an admin typing.
final class ScriptedTerminal: Console {
    private let lines: StreamConsole

    init(_ lines: StreamConsole, columns: Int? = nil) {
        self.lines = lines
        self.columns = columns
    }

    let isInteractive = true
    let pageRows: Int? = nil
    /// The terminal's width (nil: unknown, nothing is wrapped).
    let columns: Int?
    func read(prompt: String, kind: InputKind, completer: Completer) -> InputEvent {
        lines.read(prompt: prompt, kind: kind, completer: completer)
    }
    func write(_ text: String) { lines.write(text) }
    func writeError(_ text: String) { lines.writeError(text) }
    func waitForMore() -> Bool { true }
    func flush() { lines.flush() }
}

extension TestShell {
    /// Runs `input` as typed on a terminal (without the banner and the line editor): errors are shown
    /// on standard output, rejected answers asked again, refused menu operations return to the menu.
    /// `columns` is the width the terminal reports.
    public func terminal(_ input: String, columns: Int? = nil) throws -> RunResult {
        let output = Output()
        let stream = StreamConsole(
            source: MemorySource(input),
            output: { output.append(stdout: $0) },
            errorOutput: { output.append(stderr: $0) }
        )
        let console = ScriptedTerminal(stream, columns: columns)
        let session = try Session(
            console: console,
            environment: ShellEnvironment(
                dataDirectory: directory.url,
                user: user,
                mode: .interactive,
                clock: clock.shellClock,
                appliance: appliance
            ),
            store: store,
            registry: AllCommands.registry
        )
        let interpreter = Interpreter(session: session)
        interpreter.continueOnError = true
        let status = interpreter.runScript()
        console.flush()
        return RunResult(output: output.stdout, errorOutput: output.stderr, status: status)
    }
}
