import Foundation

/// Outbound TLS level of a destination.
public enum OutboundTLS: String, Sendable, Equatable, Codable, CaseIterable {
    case no, preferred, required
    case preferredVerify = "preferred-verify"
    case requiredVerify = "required-verify"
}

/// One destination controls entry. A nil setting means "use Default".
public struct DestinationEntry: Sendable, Equatable, Codable {
    public var domain: String
    public var maxConcurrency: Int?
    public var maxMessagesPerConnection: Int?
    public var recipientLimit: Int?
    public var recipientLimitPeriod: Int?
    public var limitType: String?
    public var limitApplies: String?
    public var tls: OutboundTLS?
    public var bounceVerification: Bool?
    public var bounceProfile: String?
    public var ipPreference: String?

    public init(domain: String, tls: OutboundTLS? = nil) {
        self.domain = domain
        self.tls = tls
    }
}

/// The Default destination entry and the global outbound settings of `destconfig SETUP`.
public struct DestinationDefaults: Sendable, Equatable, Codable {
    public var maxConcurrency: Int
    public var maxMessagesPerConnection: Int
    public var recipientLimit: Int
    public var recipientLimitPeriod: Int
    public var limitType: String
    public var limitApplies: String
    public var tls: OutboundTLS
    public var bounceVerification: Bool
    public var bounceProfile: String
    public var ipPreference: String
    /// The certificate offered on every outgoing TLS connection.
    public var outboundCertificate: String?
    /// Send an alert when a delivery to a Required destination fails for lack of TLS.
    public var requiredTLSAlert: Bool

    public init(outboundCertificate: String? = nil) {
        maxConcurrency = 500
        maxMessagesPerConnection = 50
        recipientLimit = 0
        recipientLimitPeriod = 60
        limitType = "host"
        limitApplies = "system"
        tls = .no
        bounceVerification = false
        bounceProfile = "Default"
        ipPreference = "IPv4 Preferred"
        self.outboundCertificate = outboundCertificate
        requiredTLSAlert = false
    }
}
