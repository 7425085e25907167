import FoundationEssentials
import Testing

/// The one rule for tests that need something of the machine (root, Postfix, sshd, a tmpfs, the
/// OpenSSH client): without it a test says why it is skipped and returns — except under `CI=true`,
/// where CI runs as root with every package installed, so a skip is a failure.
public enum MachineRequirement {
    /// Whether `CI=true` is set (the skip becomes a failure).
    public static var underCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Reports the skip for `reasons` (nothing when there are none); true when the test may run.
    public static func met(
        unless reasons: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Bool {
        guard !reasons.isEmpty else { return true }
        let reason = "skipped: " + reasons.joined(separator: ", ")
        if underCI {
            Issue.record("Under CI=true this test must run, but it was \(reason)", sourceLocation: sourceLocation)
        } else {
            print("◇ \(sourceLocation.fileID):\(sourceLocation.line) \(reason)")
        }
        return false
    }
}
