import DomainNames

/// The kinds of names the configuration holds, each folding case (`FoldedName`).
public enum CertificateProfiles: FoldedNameKind {}
public enum Listeners: FoldedNameKind {}
public enum Interfaces: FoldedNameKind {}
public enum SenderGroups: FoldedNameKind {}
public enum MailFlowPolicies: FoldedNameKind {}
public enum RevocationLists: FoldedNameKind {}
public enum MailAddresses: FoldedNameKind {}
public enum AccessPatterns: FoldedNameKind {}

/// A certificate profile's name (`demo` finds `Demo`).
public typealias ProfileName = FoldedName<CertificateProfiles>
public typealias ListenerName = FoldedName<Listeners>
public typealias InterfaceName = FoldedName<Interfaces>
/// A named sender group of a Host Access Table (`WHITELIST`).
public typealias SenderGroupName = FoldedName<SenderGroups>
/// A mail flow policy of a Host Access Table, without its `$` (`ACCEPTED`).
public typealias PolicyName = FoldedName<MailFlowPolicies>
public typealias RevocationListName = FoldedName<RevocationLists>
/// An alert recipient's address (mail addresses compare ignoring case here, as the appliance does).
public typealias MailAddress = FoldedName<MailAddresses>
/// A Recipient Access Table pattern (`example.com`, `ALL`).
public typealias AccessPattern = FoldedName<AccessPatterns>

extension FoldedName where Kind == CertificateProfiles {
    /// The factory profile, which cannot be deleted and draws a warning wherever it is chosen.
    public static var demo: ProfileName { ProfileName(ApplianceConfiguration.demoProfileName) }

    public var isDemo: Bool { self == .demo }
}

extension CertificateProfileRecord: NamedConfigObject { public typealias NameKind = CertificateProfiles }
extension NetworkInterface: NamedConfigObject { public typealias NameKind = Interfaces }
extension RevocationListRecord: NamedConfigObject { public typealias NameKind = RevocationLists }
extension Listener: NamedConfigObject { public typealias NameKind = Listeners }
extension DestinationEntry: NamedConfigObject { public typealias NameKind = HostNames }
