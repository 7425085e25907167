import ApplianceConfig
import Foundation
import Testing

@testable import ConfigStore

@Suite struct BinaryCodecTests {
    static func populated() -> ApplianceConfiguration {
        var configuration = ApplianceConfiguration.factory(
            demo: CertificateProfileRecord(
                name: "Demo",
                certificatePEM: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
                privateKeyPEM: "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
                intermediatesPEM: ["a", "", "ü✓ 😀"],
                signingRequestPEM: "csr"
            )
        )
        configuration.interfaces.append(
            NetworkInterface(name: "Data 1", address: "10.0.0.1", prefixLength: 8, hostname: "d.example.com")
        )
        var entry = DestinationEntry(domain: "Example.COM", tls: .requiredVerify)
        entry.maxConcurrency = Int.max
        entry.maxMessagesPerConnection = Int.min
        entry.recipientLimit = -1
        entry.recipientLimitPeriod = 0
        entry.limitType = .mxIP
        entry.limitApplies = .virtualGateway
        entry.bounceVerification = false
        entry.bounceProfile = "Default"
        entry.ipPreference = .ipv6Required
        configuration.destinations = [entry, DestinationEntry(domain: "plain.example.com")]
        configuration.certificateAuthorities.customCertificatesPEM = ["x", "y"]
        configuration.destinationDefaults.requiredTLSAlert = true
        configuration.webSecurity = WebSecuritySettings(urlFiltering: true, interactionTracking: false)
        return configuration
    }

    @Test func configurationRoundTrips() throws {
        for configuration in [Self.populated(), ApplianceConfiguration(hostname: "")] {
            let bytes = try #require(BinaryCodec.encode(configuration))
            #expect(try BinaryCodec.decode(ApplianceConfiguration.self, from: bytes) == configuration)
            let stored = try StoredContent(encoding: configuration, keys: KeySealer(nil))
            #expect(stored.encoding == StoredContent.binary)
            #expect(try stored.decode(keys: KeySealer(nil)) == configuration)
        }
    }

    @Test func primitivesRoundTrip() throws {
        struct Sample: Codable, Equatable {
            var int8: Int8 = .min
            var uint64: UInt64 = .max
            var int64: Int64 = .min
            var double: Double = -0.1
            var float: Float = 3.5
            var flags: [Bool] = [true, false]
            var nested: [[String: Int]] = [["a": 1], [:]]
            var optional: String? = nil
            var present: String? = "x"
        }
        let bytes = try #require(BinaryCodec.encode(Sample()))
        #expect(try BinaryCodec.decode(Sample.self, from: bytes) == Sample())
    }

    @Test func enumsWithAssociatedValuesRoundTrip() throws {
        enum Choice: Codable, Equatable {
            case none
            case policy(String)
            case pair(a: Int, b: [String])
        }
        let values: [Choice] = [.none, .policy("TRUSTED"), .pair(a: -3, b: ["x", "y"])]
        let bytes = try #require(BinaryCodec.encode(values))
        #expect(try BinaryCodec.decode([Choice].self, from: bytes) == values)
    }

    @Test func unsupportedShapesFallBack() throws {
        struct Super: Encodable {
            enum Keys: CodingKey { case a }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                try "x".encode(to: container.superEncoder())
            }
        }
        struct Silent: Encodable {
            func encode(to encoder: any Encoder) throws {}
        }
        struct Twice: Encodable {
            enum Keys: CodingKey { case a }
            func encode(to encoder: any Encoder) throws {
                var first = encoder.container(keyedBy: Keys.self)
                try first.encode(1, forKey: .a)
                var second = encoder.container(keyedBy: Keys.self)
                try second.encode(2, forKey: .a)
            }
        }
        struct Interleaved: Encodable {
            enum Keys: CodingKey { case a, b, x, y }
            func encode(to encoder: any Encoder) throws {
                var parent = encoder.container(keyedBy: Keys.self)
                var child = parent.nestedContainer(keyedBy: Keys.self, forKey: .a)
                try child.encode(1, forKey: .x)
                try parent.encode(2, forKey: .b)
                try child.encode(3, forKey: .y)
            }
        }
        #expect(BinaryCodec.encode(Interleaved()) == nil)
        #expect(BinaryCodec.encode(Super()) == nil)
        #expect(BinaryCodec.encode(Silent()) == nil)
        #expect(BinaryCodec.encode([Silent()]) == nil)
        #expect(BinaryCodec.encode(Twice()) == nil)
    }

    @Test func truncatedOrGarbledBytesThrow() throws {
        let bytes = try #require(BinaryCodec.encode(Self.populated()))
        for length in 0..<bytes.count {
            #expect(throws: (any Error).self) {
                try BinaryCodec.decode(ApplianceConfiguration.self, from: Array(bytes[..<length]))
            }
        }
        #expect(throws: (any Error).self) {
            try BinaryCodec.decode(ApplianceConfiguration.self, from: bytes + [0])
        }
        #expect(throws: (any Error).self) {
            try BinaryCodec.decode(ApplianceConfiguration.self, from: [0x42] + bytes.dropFirst())
        }
    }

}

/// The destination settings are enums stored as their words; a word this version does not know reads
/// as the setting's fallback instead of making the revision unreadable (issue 9).
@Suite struct TolerantSettingsTests {
    @Test func unknownStoredWordsReadAsTheFallback() throws {
        let json = """
            {"domain":"a.example","limitType":"per-galaxy","limitApplies":"VG","ipPreference":"IPv9 Only"}
            """
        let entry = try JSONDecoder().decode(DestinationEntry.self, from: Data(json.utf8))
        #expect(entry.limitType == .host)
        #expect(entry.limitApplies == .virtualGateway)
        #expect(entry.ipPreference == .ipv4Preferred)
        let written = String(decoding: try JSONEncoder().encode(entry), as: UTF8.self)
        #expect(written.contains("\"limitApplies\":\"VG\""))
    }
}
