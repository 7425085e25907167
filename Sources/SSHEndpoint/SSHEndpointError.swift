#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one error type of the SSH endpoint: a code to assert on and the one line shown to the admin.
public struct SSHEndpointError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// `--ssh` is not `address:port`.
        case badListenAddress
        /// A host key file exists but cannot be read or is not a key this endpoint wrote.
        case badHostKey
        /// The listening socket could not be opened (address in use, not an address of this host).
        case cannotListen
        /// A system call failed (pty, pipe, spawn, file).
        case system
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static func system(_ what: String, _ code: Int32) -> SSHEndpointError {
        SSHEndpointError(.system, "\(what) failed: \(String(cString: strerror(code))).")
    }
}
