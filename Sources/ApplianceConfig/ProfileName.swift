import DomainNames

/// The kinds of names the configuration holds. A stored name (`Name`) compares exactly and is found
/// ignoring case (`Name.key`, a `FoldedName`).
public enum CertificateProfiles: FoldedNameKind {}
public enum Listeners: FoldedNameKind {}
public enum Interfaces: FoldedNameKind {}
public enum SenderGroups: FoldedNameKind {}
public enum MailFlowPolicies: FoldedNameKind {}
public enum RevocationLists: FoldedNameKind {}
public enum MailAddresses: FoldedNameKind {}
public enum AccessPatterns: FoldedNameKind {}

/// A certificate profile's name, or a reference to one (`demo` finds `Demo`).
public typealias ProfileName = Name<CertificateProfiles>
public typealias ListenerName = Name<Listeners>
public typealias InterfaceName = Name<Interfaces>
/// A named sender group of a Host Access Table (`WHITELIST`).
public typealias SenderGroupName = Name<SenderGroups>
/// A mail flow policy of a Host Access Table, without its `$` (`ACCEPTED`).
public typealias PolicyName = Name<MailFlowPolicies>
public typealias RevocationListName = Name<RevocationLists>
/// An alert recipient's address as a lookup key (mail addresses compare ignoring case here, as the
/// appliance does; the model keeps them as text).
public typealias MailAddress = FoldedName<MailAddresses>
/// A Recipient Access Table pattern as a lookup key (`example.com`, `ALL`; kept as text).
public typealias AccessPattern = FoldedName<AccessPatterns>

extension Name where Kind == CertificateProfiles {
    /// The factory profile, which cannot be deleted and draws a warning wherever it is chosen.
    public static var demo: ProfileName { ProfileName(ApplianceConfiguration.demoProfileName) }

    /// Whether this names the factory profile, in any case.
    public var isDemo: Bool { names(.demo) }
}

extension CertificateProfileRecord: NamedConfigObject { public var objectName: ProfileName { name } }
extension NetworkInterface: NamedConfigObject { public var objectName: InterfaceName { name } }
extension RevocationListRecord: NamedConfigObject { public var objectName: RevocationListName { name } }
extension Listener: NamedConfigObject { public var objectName: ListenerName { name } }
extension DestinationEntry: NamedConfigObject { public var objectName: HostName { domain } }
