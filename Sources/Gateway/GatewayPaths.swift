#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where the private Postfix instance lives inside the data directory (gateway.md §1). Queue and
/// data directories are beside, never inside, the configuration directory.
public struct GatewayPaths: Sendable, Equatable {
    /// `{data}/gateway`, an absolute path (`postfix -c` needs one).
    public let root: String

    /// main.cf, master.cf, maps, certificate files.
    public let configuration: String

    /// `dataDirectory` must be absolute.
    public init(dataDirectory: String) {
        let trimmed = dataDirectory.hasSuffix("/") ? String(dataDirectory.dropLast()) : dataDirectory
        root = trimmed + "/gateway"
        configuration = root + "/etc"
    }

    private init(root: String, configuration: String) {
        self.root = root
        self.configuration = configuration
    }

    /// The same instance with its configuration in `etc.check`: a rendering is checked there by
    /// `postfix check` before it replaces the running one.
    public var forChecking: GatewayPaths { GatewayPaths(root: root, configuration: root + "/etc.check") }
    public var queue: String { root + "/queue" }
    /// Owned by the `postfix` user.
    public var data: String { root + "/data" }
    public var log: String { root + "/log" }
    /// Postfix's own log (`maillog_file`), followed by the mail-log translator.
    public var maillog: String { log + "/maillog" }
    /// What `esa serve` last did, for the shell's `status` (written atomically after each apply).
    public var state: String { root + "/state.json" }

    /// Which certificate-expiry alert stages were sent (so a restart does not send them again).
    public var alertState: String { root + "/alerts.json" }

    /// A file of the configuration directory.
    public func file(_ name: String) -> String { configuration + "/" + name }
}
