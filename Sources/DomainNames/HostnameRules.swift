/// The host-name rule of the whole appliance (certconfig.md §8 row 6): host names of the
/// configuration, certificate names and the names commands look up all follow it.
public enum HostnameRules {
    /// Whether `name` is a fully qualified domain name: 2–127 labels of 1–63 ASCII letters, digits
    /// or hyphens, no hyphen at either end of a label, at most 253 characters in all, optionally
    /// preceded by `*.` when `allowWildcard` (the rest must then be an FQDN itself). The last label
    /// must not be all digits, so that IPv4 addresses are not taken for names.
    public static func isFQDN(_ name: String, allowWildcard: Bool = false) -> Bool {
        isDNSName(name, allowWildcard: allowWildcard, minimumLabels: 2)
    }

    /// Whether `name` is a DNS host name of at least one label (a single label such as `mailhost`
    /// counts), with the same label rules as `isFQDN`. Used to decide whether a Common Name also
    /// goes into the subjectAltName extension.
    public static func isDNSName(_ name: String, allowWildcard: Bool) -> Bool {
        isDNSName(name, allowWildcard: allowWildcard, minimumLabels: 1)
    }

    private static func isDNSName(_ name: String, allowWildcard: Bool, minimumLabels: Int) -> Bool {
        guard name.utf8.count <= 253 else {
            return false
        }
        var rest = Substring(name)
        if allowWildcard, rest.hasPrefix("*.") {
            rest = rest.dropFirst(2)
        }
        let labels = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= minimumLabels, labels.count <= 127 else {
            return false
        }
        for label in labels where !isLabel(label) {
            return false
        }
        if let last = labels.last, last.allSatisfy(\.isASCIIDigit) {
            return false
        }
        return true
    }

    private static func isLabel(_ label: Substring) -> Bool {
        guard (1...63).contains(label.utf8.count), label.first != "-", label.last != "-" else {
            return false
        }
        return label.allSatisfy { $0.isASCIIDigit || $0.isASCIILetter || $0 == "-" }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool {
        isASCII && isNumber
    }

    fileprivate var isASCIILetter: Bool {
        isASCII && isLetter
    }
}
