import ApplianceConfig
import DomainNames
import FoundationEssentials
import Shell

/// Choosing the certificate profile of a service (HTTPS of an interface, LDAP, web security):
/// the numbered list of profiles with the current one as default, and the Demo warning of
/// certconfig.md §10 when `Demo` is chosen.
enum ServiceCertificateChoice {
    static let demoWarning = [
        "The \"Demo\" certificate is currently configured. You may use \"Demo\", but this will not be secure.",
        "To assure privacy, run \"certconfig\" first.",
    ]

    /// Shows the profiles under `question` and returns the chosen profile's name.
    static func ask(_ question: [String], current: ProfileName?, in session: Session) throws -> ProfileName {
        let names = session.configuration.certificates.map(\.name)
        guard !names.isEmpty else {
            throw ShellError.actionFailed("There are no certificate profiles. Run \"certconfig\" first.")
        }
        let defaultIndex =
            current.flatMap { current in
                names.firstIndex { current.names($0) }
            } ?? 0
        let index = try session.dialog.choose(question, items: names.map(\.text), default: defaultIndex)
        let chosen = names[index]
        warnIfDemo(chosen, in: session)
        return chosen
    }

    /// The profile named in a batch argument, spelled as configured; refused when it does not exist.
    static func resolve(_ name: String, in session: Session) throws(ShellError) -> ProfileName {
        guard let profile = session.configuration.certificate(named: name) else {
            throw ShellError.actionFailed(CertificateProfileText.missing(name))
        }
        return profile.name
    }

    /// Prints the Demo warning when `name` is the Demo profile.
    static func warnIfDemo(_ name: ProfileName, in session: Session) {
        if name.isDemo {
            session.dialog.block(demoWarning)
        }
    }
}

/// Refusals inside a menu: on a terminal the message is shown and the menu comes back; in a script
/// the command fails with it (status 3), because nobody is there to choose again.
enum MenuRefusal {
    static func refuse(_ message: String, in session: Session) throws {
        guard session.dialog.isInteractive else { throw ShellError.actionFailed(message) }
        session.dialog.block(message)
    }
}

/// Parsing of the interface values: IPv4 addresses, netmasks, interface names and ports.
enum InterfaceValues {
    /// An interface address: a dotted-quad IPv4 unicast address — four decimal numbers 0–255 without
    /// leading zeros; not 0.x or 224 and above (multicast and reserved) — or the IPv6 loopback `::1`.
    /// Loopback addresses (127.0.0.0/8, `::1`) are accepted: they are where a gateway on a
    /// workstation or in a test namespace listens.
    static func address(_ text: String) -> Result<String, ShellError> {
        if isIPv6Loopback(text) { return .success("::1") }
        guard let octets = octets(text), let first = octets.first, first != 0, first < 224 else {
            return .failure(.invalidInput("Invalid IPv4 address \"\(text)\". Enter an address such as 192.168.1.2."))
        }
        return .success(octets.map(String.init).joined(separator: "."))
    }

    /// `::1` in any of its spellings (`::1`, `0:0:0:0:0:0:0:1`, `::0001`).
    static func isIPv6Loopback(_ text: String) -> Bool { IPv6Address(text) == .loopback }

    /// The prefix length of an IPv6 interface address: 1–128.
    static func ipv6Prefix(_ text: String) -> Result<Int, ShellError> {
        guard text.allSatisfy(\.isASCIIDigit), let prefix = Int(text), (1...128).contains(prefix) else {
            return .failure(.invalidInput("Invalid prefix length \"\(text)\". Enter a number from 1 to 128."))
        }
        return .success(prefix)
    }

    /// A netmask as a prefix length (`24`), a dotted mask (`255.255.255.0`) or a hex mask (`0xffffff00`);
    /// the mask must be contiguous. Returns the prefix length, 1–32.
    static func netmask(_ text: String) -> Result<Int, ShellError> {
        let failure = ShellError.invalidInput(
            "Invalid netmask \"\(text)\". Enter a prefix length from 1 to 32, a mask such as 255.255.255.0 or a hex mask such as 0xffffff00."
        )
        var mask: UInt32
        if let prefix = Int(text), text.allSatisfy(\.isASCIIDigit) {
            guard (1...32).contains(prefix) else { return .failure(failure) }
            return .success(prefix)
        } else if text.lowercased().hasPrefix("0x") {
            let digits = text.dropFirst(2)
            guard (1...8).contains(digits.count), digits.allSatisfy(\.isHexDigit), let value = UInt32(digits, radix: 16)
            else { return .failure(failure) }
            mask = value
        } else if let octets = octets(text) {
            mask = octets.reduce(0) { $0 << 8 | UInt32($1) }
        } else {
            return .failure(failure)
        }
        let prefix = (~mask).leadingZeroBitCount
        guard prefix >= 1, mask == UInt32.max << (32 - prefix) else { return .failure(failure) }
        return .success(prefix)
    }

    /// An interface name: 1–64 letters, digits, `-`, `_` or `.`.
    static func name(_ text: String) -> Result<String, ShellError> {
        let allowed = text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || "-_.".unicodeScalars.contains(scalar))
        }
        guard (1...64).contains(text.count), allowed else {
            return .failure(
                .invalidInput(
                    "Invalid interface name \"\(text)\". Use 1 to 64 letters, digits, \"-\", \"_\" or \".\"."
                )
            )
        }
        return .success(text)
    }

    /// A TCP port, 1–65535.
    static func port(_ text: String) -> Result<Int, ShellError> {
        guard text.allSatisfy(\.isASCIIDigit), let port = Int(text), (1...65535).contains(port) else {
            return .failure(.invalidInput("Please enter a number from 1 to 65535."))
        }
        return .success(port)
    }

    private static func octets(_ text: String) -> [Int]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [Int] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCIIDigit), part == "0" || part.first != "0",
                let value = Int(part), value <= 255
            else { return nil }
            octets.append(value)
        }
        return octets
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
