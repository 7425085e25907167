import ApplianceConfig
import Foundation
import Testing

/// A configuration section that misses a step of Docs/Development.md's "add a section" recipe fails
/// here: every stored property of `ApplianceConfiguration` is encoded, set by `full()`, shown
/// by `changes(since:)`, carried over by `rebased(from:onto:)` and kept by the XML file.
@Suite struct SectionCompletenessTests {
    /// `LegacyFixture`'s configuration with every section away from its factory value.
    static func full() -> ApplianceConfiguration {
        var configuration = LegacyFixture.configuration()
        configuration.hostname = "mail.example.org"
        configuration.certificateAuthorities.customListEnabled = true
        configuration.certificateAuthorities.customCertificatesPEM = [
            "-----BEGIN CERTIFICATE-----\nMIIR\n-----END CERTIFICATE-----\n"
        ]
        configuration.listenerSettings.maxConcurrentConnections = 100
        configuration.userPolicy.maximumFailures = 3
        return configuration
    }

    /// The top-level encoded keys of a configuration and their JSON values.
    static func sections(of configuration: ApplianceConfiguration) throws -> [String: Any] {
        let data = try JSONEncoder().encode(configuration)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The factory configuration with one section taken from the fixture.
    static func factory(with section: String) throws -> ApplianceConfiguration {
        var object = try sections(of: LegacyFixture.factory())
        object[section] = try sections(of: Self.full())[section]
        let data = try JSONSerialization.data(withJSONObject: object)
        return try JSONDecoder().decode(ApplianceConfiguration.self, from: data)
    }

    @Test func everyStoredPropertyIsEncodedAndSetByTheFixture() throws {
        let labels = Set(Mirror(reflecting: Self.full()).children.compactMap(\.label))
        let encoded = try Self.sections(of: Self.full())
        #expect(Set(encoded.keys) == labels)
        let factory = try Self.sections(of: LegacyFixture.factory())
        for label in labels.sorted() {
            let fixture = try JSONSerialization.data(withJSONObject: ["v": encoded[label] as Any])
            let plain = try JSONSerialization.data(withJSONObject: ["v": factory[label] as Any])
            #expect(fixture != plain, "Self.full() leaves section \(label) at its factory value")
        }
    }

    /// A section of many objects is a `KeyedList` (found by name, diffed and rebased in place), never
    /// a plain array searched by name.
    @Test func everyCollectionSectionIsKeyed() {
        for child in Mirror(reflecting: Self.full()).children {
            #expect(!(child.value is [Any]), "section \(child.label ?? "?") is an array, not a KeyedList")
        }
    }

    @Test(arguments: Mirror(reflecting: Self.full()).children.compactMap(\.label))
    func everySectionIsDiffedMergedAndSaved(_ section: String) throws {
        let factory = LegacyFixture.factory()
        let changed = try Self.factory(with: section)
        #expect(changed != factory)
        #expect(!changed.changes(since: factory).isEmpty, "showchanges does not see section \(section)")
        #expect(
            try changed.rebased(from: factory, onto: factory).get() == changed,
            "a rebase drops section \(section)"
        )
        let file = try XMLCodec.encode(
            Self.full(),
            header: LegacyFormatTests.header,
            secrets: .encrypt(seal: { "S:" + $0 })
        )
        let read = try XMLCodec.decode(Data(file.utf8), open: { String($0.dropFirst(2)) })
        let readSections = try Self.sections(of: read)
        let fixtureSections = try Self.sections(of: Self.full())
        let readData = try JSONSerialization.data(
            withJSONObject: ["v": readSections[section] as Any],
            options: .sortedKeys
        )
        let fixtureData = try JSONSerialization.data(
            withJSONObject: ["v": fixtureSections[section] as Any],
            options: .sortedKeys
        )
        #expect(readData == fixtureData, "saveconfig/loadconfig lose section \(section)")
    }
}
