#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What can go wrong running the gateway; `message` is the admin's one line.
public struct GatewayError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        case postfixMissing, notRoot, spawn, io, check, start, reload
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static func spawn(_ program: String, _ number: Int32) -> GatewayError {
        GatewayError(.spawn, "\(program) cannot be started: \(String(cString: strerror(number))).")
    }

    static func io(_ path: String, _ number: Int32) -> GatewayError {
        GatewayError(.io, "\(path) cannot be written: \(String(cString: strerror(number))).")
    }
}
