/// The host-name rule is part of the certificate API (a Common Name, a subjectAltName): every module
/// that checks certificate names sees the same `HostnameRules` as the configuration does.
@_exported import DomainNames
import OpenSSLSupport

public typealias AlternativeName = OpenSSLSupport.AlternativeName
