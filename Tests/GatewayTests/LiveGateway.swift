import Foundation
import Gateway
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Whether tests that need root and Postfix can run. Without them a test prints why it is skipped
/// and returns — except under `CI=true`, where a skip is a failure (CI runs as root with Postfix).
enum LiveGateway {
    static func available(_ sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
        var reasons: [String] = []
        if getuid() != 0 { reasons.append("not root") }
        if !PostfixInstance.isInstalled { reasons.append("Postfix is not installed (Scripts/bootstrap installs it)") }
        guard !reasons.isEmpty else { return true }
        let reason = "skipped: " + reasons.joined(separator: ", ")
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("Under CI=true this test must run, but it was \(reason)", sourceLocation: sourceLocation)
        } else {
            print("◇ \(sourceLocation.fileID):\(sourceLocation.line) \(reason)")
        }
        return false
    }
}
