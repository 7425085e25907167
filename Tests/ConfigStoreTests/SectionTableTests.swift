import Foundation
import Testing

@testable import ApplianceConfig

/// Keeps `ApplianceConfiguration.table` whole: every stored property has its entry, each entry is
/// the property it names, and every certificate profile a section's objects name is seen by
/// validation and by the certificate bindings (certconfig PRINT and DELETE, the commit warnings).
@Suite struct SectionTableTests {
    static let properties = Mirror(reflecting: SectionCompletenessTests.full()).children.compactMap { $0.label }

    @Test func everyStoredPropertyHasOneTableEntry() {
        let entries = ApplianceConfiguration.table.map(\.property)
        #expect(Set(entries).count == entries.count, "a property has two entries in ApplianceConfiguration.table")
        for property in Self.properties {
            #expect(entries.contains(property), "section \(property) has no entry in ApplianceConfiguration.table")
        }
        for entry in entries {
            #expect(Self.properties.contains(entry), "the table names \(entry), which ApplianceConfiguration lacks")
        }
    }

    /// An entry's diff sees a change to its own property (so its `property` names the right one).
    @Test(arguments: ApplianceConfiguration.table.map { $0.property })
    func eachEntryComparesTheSectionItNames(_ property: String) throws {
        let entry = try #require(ApplianceConfiguration.table.first { $0.property == property })
        var changes: [ConfigChange] = []
        entry.changes.diff(LegacyFixture.factory(), try SectionCompletenessTests.factory(with: property)) {
            changes.append($0)
        }
        #expect(!changes.isEmpty, "the \(entry.command) entry for \(property) does not compare \(property)")
        #expect(changes.allSatisfy { $0.key.section == entry.command })
    }

    /// Each top-level element of the file is declared by one entry and has its place in the file;
    /// a section inside another's element names a declared one.
    @Test func everyXMLElementIsDeclaredOnceAndPlaced() {
        var declared: [String] = []
        for section in ApplianceConfiguration.table {
            switch section.xml {
            case .element(let layout)?: declared.append(layout.element)
            case .within(let element)?:
                #expect(
                    XMLCodec.fileOrder.contains(element),
                    "\(section.property) is inside <\(element)>, which no entry writes"
                )
            case nil: break
            }
        }
        #expect(declared.sorted() == XMLCodec.fileOrder.sorted(), "XMLCodec.fileOrder and the table's elements differ")
        #expect(ApplianceConfiguration.xmlLayouts.map(\.element) == XMLCodec.fileOrder)
    }

    /// Every text of `full()`'s section that names one of its certificate profiles points at a
    /// profile of its own that does not exist: validation reports each as missing in that
    /// section, and each is a use of that profile (what certconfig DELETE refuses with).
    @Test(arguments: Self.properties.filter { $0 != "certificates" })
    func everyCertificateReferenceIsValidatedAndBound(_ property: String) throws {
        let full = SectionCompletenessTests.full()
        let profiles = Set(full.certificates.map { $0.name.key.folded })
        var object = try SectionCompletenessTests.sections(of: full)
        var missing: [String] = []
        object[property] = Self.renaming(object[property] as Any, profiles) { _ in
            missing.append("Missing\(missing.count + 1)")
            return missing[missing.count - 1]
        }
        let data = try JSONSerialization.data(withJSONObject: object)
        let broken = try JSONDecoder().decode(ApplianceConfiguration.self, from: data)
        let command = try #require(ApplianceConfiguration.table.first { $0.property == property }).command
        let issues = broken.validate()
        for name in missing {
            #expect(
                issues.contains { $0.section == command && $0.code == .missingProfile(name) },
                "validation does not see that \(property) names a missing certificate profile"
            )
            #expect(
                broken.uses(ofProfile: name.uppercased()).contains { $0.section == command },
                "certconfig's bindings do not list \(property)'s use of a certificate profile"
            )
        }
    }

    /// The full configuration's bindings name every service (PRINT lists each).
    @Test func everyCertificateServiceIsUsedByTheFixture() {
        let services = Set(SectionCompletenessTests.full().certificateUses.map(\.service))
        for service in CertificateService.allCases {
            #expect(services.contains(service), "no section of full() uses a profile for \(service)")
        }
    }

    /// `value` with every string that is one of `names` (ignoring case) replaced by `rename`'s answer.
    static func renaming(_ value: Any, _ names: Set<String>, _ rename: (String) -> String) -> Any {
        switch value {
        case let text as String:
            return names.contains(text.lowercased()) ? rename(text) : text
        case let array as [Any]:
            return array.map { renaming($0, names, rename) }
        case let dictionary as [String: Any]:
            // In key order, so the names given are the same on every run.
            var result: [String: Any] = [:]
            for key in dictionary.keys.sorted() { result[key] = renaming(dictionary[key]!, names, rename) }
            return result
        default:
            return value
        }
    }
}
