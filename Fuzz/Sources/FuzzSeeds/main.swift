import ApplianceConfig
import Commands
import ConfigStore
import Foundation
import Shell

// Writes the generated seeds of Fuzz/Corpus: configuration files for FuzzConfigXML (made by real
// commands, then written as saveconfig writes them, with secrets "sealed" as base64 the way the
// target opens them) and the dictionary of FuzzDialog (command names and their completions).
// Usage: FuzzSeeds CORPUS_FOLDER (Fuzz/Corpus). Not a fuzz target.

guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: FuzzSeeds CORPUS_FOLDER\n".utf8))
    exit(64)
}
let corpus = URL(fileURLWithPath: CommandLine.arguments[1], isDirectory: true)
let start = Date(timeIntervalSince1970: 1_790_067_600)  // Tue Sep 22 09:00:00 2026 UTC
let clock = ShellClock(zone: .utc) { start }

/// Runs `script` (which commits) on a fresh store and returns the committed configuration.
func configuration(after script: String) throws -> ApplianceConfiguration {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("esa-seeds-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let data = DataDirectory(url: folder)
    try data.prepare()
    let factory = try FactoryConfiguration.make(now: start.addingTimeInterval(-86_400))
    let store = try RevisionStore(path: data.storePath, clock: clock.now, factory: { factory })
    var errors = ""
    let console = StreamConsole(source: MemorySource(script), output: { _ in }, errorOutput: { errors += $0 })
    let environment = ShellEnvironment(
        dataDirectory: folder,
        user: "admin",
        mode: .script,
        clock: clock,
        appliance: ApplianceInfo(
            serialNumber: "42A1B2C3D4E5F60718293A4B5C6D7E8F",
            installDate: start,
            cpuCount: 2,
            memoryMegabytes: 8192
        )
    )
    let session = try Session(console: console, environment: environment, store: store, registry: AllCommands.registry)
    let interpreter = Interpreter(session: session)
    interpreter.continueOnError = true
    _ = interpreter.runScript()
    if !errors.isEmpty { FileHandle.standardError.write(Data("seed script: \(errors)".utf8)) }
    return try store.head().configuration
}

let header = XMLHeader(
    product: ApplianceInfo.product,
    model: ApplianceInfo.model,
    version: ApplianceInfo.version,
    serialNumber: "42A1B2C3D4E5F60718293A4B5C6D7E8F",
    cpuCount: 2,
    memoryGB: 8,
    currentTime: "Tue Sep 22 09:00:00 2026"
)

let scripts = [
    "factory": "",
    "configured": """
    sethostname mail.example.com
    destconfig new example.com --tls=require_verify --max_host_concurrency=10
    destconfig new .partner.example --tls=on --bounce_validation=on
    alertconfig new admin@example.com --class=all --severity=critical
    interfaceconfig new Data1 192.0.2.10/24 data1.example.com
    listenerconfig edit IncomingMail hostaccess new sendergroup PARTNERS 10.1.1.0/24 --policy=ACCEPTED --comment="Partners"
    listenerconfig edit IncomingMail rcptaccess new example.com accept
    commit "seed"

    """,
]
do {
    let xmlFolder = corpus.appendingPathComponent("FuzzConfigXML")
    for (name, script) in scripts {
        let xml = try XMLCodec.encode(
            try configuration(after: script),
            header: header,
            secrets: .encrypt(seal: { Data($0.utf8).base64EncodedString() })
        )
        try Data(xml.utf8).write(to: xmlFolder.appendingPathComponent("\(name).xml"))
    }
    var words = Set(AllCommands.registry.allNames)
    for command in AllCommands.registry.commands { words.formUnion(command.completions) }
    let dictionary = words.sorted().map {
        "\"\($0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\""
    }
    try Data((dictionary.joined(separator: "\n") + "\n").utf8).write(
        to: corpus.appendingPathComponent("FuzzDialog.dict")
    )
} catch {
    FileHandle.standardError.write(Data("FuzzSeeds: \(error)\n".utf8))
    exit(1)
}

/// `-sanitize=fuzzer` links libFuzzer's own `main` object, which refers to this symbol; this
/// program never hands over to libFuzzer (its `main` is the code above), so no input reaches it.
@_cdecl("LLVMFuzzerTestOneInput")
public func ignoreInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt { 0 }
