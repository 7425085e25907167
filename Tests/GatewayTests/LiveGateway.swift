import Foundation
import Gateway
import TestSupport
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
        return MachineRequirement.met(unless: reasons, sourceLocation: sourceLocation)
    }
}
