import OpenSSLSupport

/// The parts of an X.509 subject or issuer name that the appliance shows and sets. Values are
/// UTF-8. A name read from a certificate keeps the first value of each attribute; other attribute
/// types (emailAddress, DC, ...) are not represented.
public struct DistinguishedName: Sendable, Equatable, Hashable {
    /// CN.
    public var commonName: String?
    /// O.
    public var organization: String?
    /// OU.
    public var organizationalUnit: String?
    /// L.
    public var locality: String?
    /// ST.
    public var state: String?
    /// C (two letters).
    public var country: String?

    /// Creates a name; leave out what should not appear.
    public init(
        commonName: String? = nil,
        organization: String? = nil,
        organizationalUnit: String? = nil,
        locality: String? = nil,
        state: String? = nil,
        country: String? = nil
    ) {
        self.commonName = commonName
        self.organization = organization
        self.organizationalUnit = organizationalUnit
        self.locality = locality
        self.state = state
        self.country = country
    }

    /// The present, non-empty attributes as (short name, value), in the order C, ST, L, O, OU, CN.
    public var components: [(shortName: String, value: String)] {
        let all: [(String, String?)] = [
            ("C", country), ("ST", state), ("L", locality), ("O", organization), ("OU", organizationalUnit),
            ("CN", commonName),
        ]
        return all.compactMap { shortName, value in
            guard let value, !value.isEmpty else {
                return nil
            }
            return (shortName, value)
        }
    }

    /// `C=US, ST=California, L=San Jose, O=Example Inc, OU=IT, CN=mail.example.com` (present fields only).
    public var oneLine: String {
        components.map { "\($0.shortName)=\($0.value)" }.joined(separator: ", ")
    }

    /// `C=US,CN=partner.com,L=San Jose,O=Partner Inc,ST=California`: short names sorted, no spaces.
    public var compactSorted: String {
        components.sorted { $0.shortName < $1.shortName }.map { "\($0.shortName)=\($0.value)" }
            .joined(separator: ",")
    }

    /// The Common Name, or the one-line rendering when there is none (for notes and lists).
    public var displayName: String {
        commonName ?? oneLine
    }

    init(entries: [NameEntry]) {
        func first(_ shortName: String) -> String? {
            entries.first { $0.shortName == shortName }?.value
        }
        self.init(
            commonName: first("CN"),
            organization: first("O"),
            organizationalUnit: first("OU"),
            locality: first("L"),
            state: first("ST"),
            country: first("C")
        )
    }

    var entries: [NameEntry] {
        components.map { NameEntry(shortName: $0.shortName, value: $0.value) }
    }
}
