import ApplianceConfig
import ConfigStore
import Foundation

// Measures the revision store on a configuration with 10,000 destination entries: committing one
// change, and rolling back (reading an earlier revision and committing its content, as
// `rollbackconfig` does). Prints one `name median_ms min_ms max_ms` line per figure.
// Used by Scripts/bench; not part of the test suite.

let arguments = CommandLine.arguments
func option(_ name: String, _ fallback: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count,
        let value = Int(arguments[index + 1])
    else { return fallback }
    return value
}
if arguments.contains("--maillog") {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("esa-bench-maillog-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try runMailLogBench(lines: option("--maillog", 1_000_000), folder: folder)
    try? FileManager.default.removeItem(at: folder)
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
large.destinations = (0..<entries).map { DestinationEntry(domain: "d\($0).example.com", tls: .required) }

func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
}

func commit(_ configuration: ApplianceConfiguration, comment: String, method: CommitMethod = .script) throws {
    let head = try store.head().info.number
    let outcome = try store.commit(
        configuration,
        base: head,
        user: "bench",
        method: method,
        comment: comment,
        rollbackPoint: true,
        validate: { $0.validate().map(\.description) }
    )
    guard case .committed = outcome else { fatalError("benchmark commit did not commit: \(outcome)") }
}

let initial = try milliseconds { try commit(large, comment: "10,000 entries") }
let baseRevision = try store.head().info.number

var commitTimes: [Double] = []
var rollbackTimes: [Double] = []
for run in 0..<runs {
    // Commit: one entry changed in the 10,000-entry section.
    var candidate = try store.head().configuration
    candidate.destinations[run % entries].tls = run % 2 == 0 ? .preferred : .requiredVerify
    commitTimes.append(try milliseconds { try commit(candidate, comment: "change \(run)") })
    // Rollback: stage the 10,000-entry revision committed first, and commit it.
    rollbackTimes.append(
        try milliseconds {
            guard let earlier = try store.revision(baseRevision) else { fatalError("revision pruned") }
            try commit(earlier.configuration, comment: "Rollback to revision \(baseRevision)", method: .rollback)
        }
    )
}

func report(_ name: String, _ values: [Double]) {
    let sorted = values.sorted()
    let median = sorted[sorted.count / 2]
    print(String(format: "%@ %.2f %.2f %.2f", name, median, sorted.first ?? 0, sorted.last ?? 0))
}
print(String(format: "initial_commit_10000 %.2f %.2f %.2f", initial, initial, initial))
report("commit_one_change", commitTimes)
report("rollback", rollbackTimes)
