import ApplianceConfig
import ConfigStore
import Dispatch
import DomainNames
import FoundationEssentials
import TextSupport

#if canImport(Glibc)
import Glibc
#endif

// Measures the revision store (and, with --maillog, the mail-log translator). Used by Scripts/bench; not part of the test suite.
//
// Default: a configuration with 10,000 destination entries: committing one change, and rolling back
// (reading an earlier revision and committing its content, as `rollbackconfig` does). Prints one
// `name median_ms min_ms max_ms` line per figure.
//
// `--store-growth ONE HUNDRED`: makes two data directories holding a 100,000-destination
// configuration (`--entries`), ONE with it committed once, HUNDRED with 100 one-line commits on top
// (100 kept revisions of it), and prints `stored_one BYTES`, `stored_hundred BYTES`,
// `growth_100_commits BYTES` and `commit_100k_median_ms MS`. Scripts/bench then times start-up in both.

let arguments = CommandLine.arguments
func option(_ name: String, _ fallback: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count,
        let value = Int(arguments[index + 1])
    else { return fallback }
    return value
}

func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
}

func commit(
    _ configuration: ApplianceConfiguration,
    to store: RevisionStore,
    comment: String,
    method: CommitMethod = .script
) throws {
    let head = try store.head().info.number
    let outcome = try store.commit(
        configuration,
        base: head,
        user: "bench",
        method: method,
        comment: comment,
        rollbackPoint: true,
        validate: { $0.validate().map { String(describing: $0) } }
    )
    guard case .committed = outcome else { fatalError("benchmark commit did not commit: \(outcome)") }
}

func report(_ name: String, _ values: [Double]) {
    let sorted = values.sorted()
    let median = sorted[sorted.count / 2]
    print(name + String(printf: " %.2f %.2f %.2f", median, sorted.first ?? 0, sorted.last ?? 0))
}

/// A data directory `esa` opens as one used before: the store and the identity.
func dataDirectory(_ path: String) throws -> RevisionStore {
    let folder = URL(fileURLWithPath: path, isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try Data(#"{"serialNumber":"BENCH0000000000000000000000000000","installDate":0}"#.utf8)
        .write(to: folder.appendingPathComponent("appliance.json"))
    return try RevisionStore(
        path: folder.appendingPathComponent("config.db").path,
        clock: { Date() },
        factory: { .factory(demo: nil) }
    )
}

if arguments.contains("--maillog") {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("esa-bench-maillog-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try runMailLogBench(lines: option("--maillog", 1_000_000), folder: folder)
    try? FileManager.default.removeItem(at: folder)
    exit(0)
}

if let index = arguments.firstIndex(of: "--store-growth"), index + 2 < arguments.count {
    let entries = option("--entries", 100_000)
    var large = ApplianceConfiguration.factory(demo: nil)
    large.destinations = KeyedList(
        (0..<entries).map { DestinationEntry(domain: HostName("d\($0).example.com"), tls: .required) }
    )
    let one = try dataDirectory(arguments[index + 1])
    try commit(large, to: one, comment: "\(entries) destinations")
    let hundred = try dataDirectory(arguments[index + 2])
    try commit(large, to: hundred, comment: "\(entries) destinations")
    let before = try hundred.fileBytes()
    var times: [Double] = []
    for run in 0..<100 {
        var candidate = try hundred.head().configuration
        candidate.destinations[(run * 997) % entries].tls = run % 2 == 0 ? .preferred : .requiredVerify
        times.append(try milliseconds { try commit(candidate, to: hundred, comment: "one line \(run)") })
    }
    print("stored_one \(try one.fileBytes())")
    print("stored_hundred \(try hundred.fileBytes())")
    print("growth_100_commits \(try hundred.fileBytes() - before)")
    print(String(printf: "commit_100k_median_ms %.2f", times.sorted()[times.count / 2]))
    exit(0)
}

let entries = option("--entries", 10_000)
let runs = option("--runs", 15)

let folder = FileManager.default.temporaryDirectory.appendingPathComponent("esa-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }

let store = try RevisionStore(
    path: folder.appendingPathComponent("config.db").path,
    clock: { Date() },
    factory: { .factory(demo: nil) }
)
var large = try store.head().configuration
large.destinations = KeyedList(
    (0..<entries).map { DestinationEntry(domain: HostName("d\($0).example.com"), tls: .required) }
)

let initial = try milliseconds { try commit(large, to: store, comment: "10,000 entries") }
let baseRevision = try store.head().info.number

var commitTimes: [Double] = []
var rollbackTimes: [Double] = []
for run in 0..<runs {
    // Commit: one entry changed in the 10,000-entry section.
    var candidate = try store.head().configuration
    candidate.destinations[run % entries].tls = run % 2 == 0 ? .preferred : .requiredVerify
    commitTimes.append(try milliseconds { try commit(candidate, to: store, comment: "change \(run)") })
    // Rollback: stage the 10,000-entry revision committed first, and commit it.
    rollbackTimes.append(
        try milliseconds {
            guard let earlier = try store.revision(baseRevision) else { fatalError("revision pruned") }
            try commit(
                earlier.configuration,
                to: store,
                comment: "Rollback to revision \(baseRevision)",
                method: .rollback
            )
        }
    )
}

print(String(printf: "initial_commit_10000 %.2f %.2f %.2f", initial, initial, initial))
report("commit_one_change", commitTimes)
report("rollback", rollbackTimes)
