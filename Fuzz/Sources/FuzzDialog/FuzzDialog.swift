import ApplianceConfig
import Commands
import ConfigStore
import Foundation
import Shell

// The dialog engine and every command, fed random input streams exactly as `esa < script` reads
// them (a StreamConsole over the raw bytes, invalid UTF-8 and over-long lines included).
//
// The first input byte picks how the rest runs: bit 0 = `--continue-on-error`; bit 1 = `-c` mode
// (the first line is the `;`-separated command list, the rest answers its questions).
//
// One data directory per process: a store, the appliance secret, and in /configuration a file
// written by `saveconfig` (encrypted secrets, so `loadconfig` can read it), a destination INI file
// (`destinations.ini`) and a HAT (`hat.txt`). It is made once as a template; after any input that
// committed, or changed a file of the data directory, the working directory is restored from the
// template, so every input starts from the same state and the disk use stays bounded.
//
// Besides crashes and hangs, an input fails when a command ends in an internal error (status 1):
// every failure a user can cause must be one of the shell's own errors.

/// The process-wide fuzzing state. libFuzzer calls the target from one thread only.
private final class Harness: @unchecked Sendable {
    let root: URL
    let template: URL
    let work: URL
    let clock = ShellClock(zone: .utc) {
        Date(timeIntervalSince1970: 1_790_067_600)  // Tue Sep 22 09:00:00 2026 UTC
    }
    let appliance = ApplianceInfo(
        serialNumber: "42A1B2C3D4E5F60718293A4B5C6D7E8F",
        installDate: Date(timeIntervalSince1970: 1_790_067_600),
        cpuCount: 2,
        memoryMegabytes: 8192
    )
    private var store: RevisionStore?
    private var templateFiles: [String: FileFacts] = [:]
    private var templateHead: RevisionInfo?
    private(set) var restores = 0

    struct FileFacts: Equatable {
        var size: Int
        var modified: Date
    }

    init() {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("esa-fuzz-\(getpid())")
        template = root.appendingPathComponent("template")
        work = root.appendingPathComponent("work")
        do {
            try? FileManager.default.removeItem(at: root)
            try makeTemplate()
            try restore()
        } catch {
            fatalError("The fuzzing data directory cannot be prepared: \(error)")
        }
    }

    /// The template data directory: a new store, then the fixture files.
    private func makeTemplate() throws {
        let data = DataDirectory(url: template)
        try data.prepare()
        let now = clock.now
        let factory = try FactoryConfiguration.make(now: now().addingTimeInterval(-86_400))
        let store = try RevisionStore(path: data.storePath, clock: now, factory: { factory })
        let status = run(Array("saveconfig\n2\n".utf8), store: store, dataDirectory: template, exec: false)
        guard status.status == .success else { fatalError("saveconfig failed: \(status.errors)") }
        let folder = data.configurationFolder
        try Data(Fixtures.destinations.utf8).write(to: folder.appendingPathComponent("destinations.ini"))
        try Data(Fixtures.hostAccess.utf8).write(to: folder.appendingPathComponent("hat.txt"))
    }

    /// Replaces the working directory by a copy of the template and opens its store.
    func restore() throws {
        store = nil  // closes the database
        try? FileManager.default.removeItem(at: work)
        try FileManager.default.copyItem(at: template, to: work)
        let opened = try RevisionStore(path: DataDirectory(url: work).storePath, clock: clock.now) {
            fatalError("the template store is empty")
        }
        store = opened
        templateHead = try opened.history(limit: 1).first
        templateFiles = facts()
        restores += 1
    }

    /// Size and modification time of every file of the working directory but the store's own.
    private func facts() -> [String: FileFacts] {
        var result: [String: FileFacts] = [:]
        let prefix = work.resolvingSymlinksInPath().path + "/"
        guard let walker = FileManager.default.enumerator(at: work, includingPropertiesForKeys: nil) else { return [:] }
        for case let url as URL in walker {
            let path = url.resolvingSymlinksInPath().path
            let name = path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
            if name.hasPrefix("config.db") { continue }
            let attributes = (try? FileManager.default.attributesOfItem(atPath: path)) ?? [:]
            result[name] = FileFacts(
                size: (attributes[.size] as? Int) ?? -1,
                modified: (attributes[.modificationDate] as? Date) ?? .distantPast
            )
        }
        return result
    }

    /// Whether the last input left the working directory as the template was.
    func isPristine() -> Bool {
        guard let store, let head = try? store.history(limit: 1).first, head == templateHead else { return false }
        return facts() == templateFiles
    }

    func run(_ bytes: [UInt8]) -> (status: ExitStatus, errors: String) {
        guard let store else { fatalError("no store") }
        let flags = bytes.first ?? 0
        let body = Array(bytes.dropFirst())
        return run(body, store: store, dataDirectory: work, exec: flags & 2 != 0, continueOnError: flags & 1 != 0)
    }

    private func run(
        _ bytes: [UInt8],
        store: RevisionStore,
        dataDirectory: URL,
        exec: Bool,
        continueOnError: Bool = false
    ) -> (status: ExitStatus, errors: String) {
        var errors = ""
        var input = bytes
        var commands: [String] = []
        if exec {
            let end = input.firstIndex(of: UInt8(ascii: "\n")) ?? input.count
            commands = Words.commandList(String(decoding: input[..<end], as: UTF8.self))
            input = Array(input[min(end + 1, input.count)...])
        }
        let console = StreamConsole(
            source: MemorySource(input),
            output: { _ in },
            errorOutput: { errors += $0 }
        )
        let environment = ShellEnvironment(
            dataDirectory: dataDirectory,
            user: "admin",
            mode: exec ? .exec : .script,
            clock: clock,
            appliance: appliance
        )
        let session: Session
        do {
            session = try Session(
                console: console,
                environment: environment,
                store: store,
                registry: AllCommands.registry
            )
        } catch {
            fatalError("A session cannot start on the fuzzing store: \(error)")
        }
        let interpreter = Interpreter(session: session)
        interpreter.continueOnError = continueOnError
        let status = exec ? interpreter.runCommands(commands) : interpreter.runScript()
        console.flush()
        return (status, errors)
    }

    func removeAll() {
        store = nil
        try? FileManager.default.removeItem(at: root)
    }
}

/// The files /configuration holds for `destconfig IMPORT` and `listenerconfig ... HOSTACCESS IMPORT`.
private enum Fixtures {
    static let destinations = """
        [Default]
        ip_sort_pref = prefer_v4
        max_host_concurrency = 500
        max_messages_per_connection = 50
        recipient_limit = 0
        recipient_minutes = 60
        limit_type = host
        limit_apply = system
        use_tls = 0
        bounce_validation = 0
        bounce_profile = Default

        [example.com]
        use_tls = 3
        max_host_concurrency = 10

        [.partner.example]
        use_tls = 4

        """

    static let hostAccess = """
        $ACCEPTED
            ACCEPT
        $BLOCKED
            REJECT
        $RELAYED
            RELAY {
                tls = "required"
            }
        PARTNERS:
                10.1.1.0/24
                .partner.example
                $RELAYED (Partners relay)
        spamdomain.com
            REJECT (reject the domain "spamdomain.com")
        ALL
            $ACCEPTED

        """
}

private let harness = Harness()

@_cdecl("LLVMFuzzerInitialize")
public func fuzzDialogInitialize(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> CInt {
    _ = harness.restores
    atexit { harness.removeAll() }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDialog(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = [UInt8](UnsafeRawBufferPointer(start: start, count: count))
    let result = harness.run(bytes)
    precondition(!result.errors.contains("Internal error"), "a command ended in an internal error:\n\(result.errors)")
    if !harness.isPristine() {
        do {
            try harness.restore()
        } catch {
            fatalError("The fuzzing data directory cannot be restored: \(error)")
        }
    }
    return 0
}
