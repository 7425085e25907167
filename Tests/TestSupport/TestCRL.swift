import Foundation

extension TestCA {
    /// Issues a CRL with `openssl ca -gencrl`, revoking `revokedPEMs` (certificates this CA issued).
    /// The dates are given (whole seconds, UTC), so the CRL does not depend on the wall clock; the
    /// defaults surround the shells' fixed clock (Sep 22 2026). Returns the CRL as PEM bytes, or DER
    /// bytes when `der` is set.
    public func makeCRL(
        revoking revokedPEMs: [String] = [],
        lastUpdate: Date = TestClock.start.addingTimeInterval(-21 * 86_400 - 9 * 3600),
        nextUpdate: Date = TestClock.start.addingTimeInterval(9 * 86_400 - 9 * 3600),
        der: Bool = false
    ) throws -> [UInt8] {
        let folder = try TemporaryDirectory()
        try folder.write("ca.pem", certificatePEM)
        try folder.write("ca.key", keyPEM)
        try folder.write("index.txt", "")
        let config = try folder.write(
            "ca.cnf",
            """
            [ca]
            default_ca = test_ca
            [test_ca]
            database = index.txt
            default_md = sha256
            certificate = ca.pem
            private_key = ca.key

            """
        )
        for (index, pem) in revokedPEMs.enumerated() {
            let file = try folder.write("revoked-\(index).pem", pem)
            _ = try OpenSSLCLI.output(["ca", "-config", config, "-revoke", file], in: folder.url)
        }
        let pem = try OpenSSLCLI.output(
            [
                "ca", "-config", config, "-gencrl", "-crl_lastupdate", Self.generalizedTime(lastUpdate),
                "-crl_nextupdate", Self.generalizedTime(nextUpdate),
            ],
            in: folder.url
        )
        guard der else { return Array(pem.utf8) }
        let arguments = ["crl", "-outform", "DER"]
        let converted = try OpenSSLCLI.run(arguments, input: Array(pem.utf8))
        guard converted.succeeded else {
            throw OpenSSLCLI.Failure(arguments: arguments, status: converted.status, errorText: converted.errorText)
        }
        return converted.data
    }

    /// `YYYYMMDDHHMMSSZ` in UTC, as `openssl ca -crl_lastupdate` and `-startdate` take it.
    static func generalizedTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMddHHmmss'Z'"
        return formatter.string(from: date)
    }
}
