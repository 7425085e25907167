import ApplianceConfig
import Foundation
import Testing

/// The configuration's keyed collections: order kept, found by id, stored as plain arrays.
@Suite struct KeyedListTests {
    @Test func entriesAreFoundByTheirFoldedNameAndATakenNameIsRefused() {
        var list: KeyedList<DestinationEntry> = [
            DestinationEntry(domain: "a.example"), DestinationEntry(domain: "b.example"),
        ]
        #expect(list[id: "b.example"]?.domain == "b.example")
        #expect(list.index(ofID: "b.example") == 1)
        let duplicate = list.append(DestinationEntry(domain: "A.example", tls: .required))
        #expect(!duplicate)
        #expect(list.count == 2 && list[0].tls != .required)
        let added = list.append(DestinationEntry(domain: "c.example"))
        #expect(added)
        #expect(list.map(\.domain) == ["a.example", "b.example", "c.example"])
        list[1].tls = .required
        #expect(list[id: "b.example"]?.tls == .required)
        list.remove(id: "a.example")
        #expect(list.map(\.domain) == ["b.example", "c.example"] && list.index(ofID: "c.example") == 1)
    }

    @Test func renamingAnEntryInPlaceKeepsItsPositionAndItsKey() {
        var list: KeyedList<DestinationEntry> = [
            DestinationEntry(domain: "a.example"), DestinationEntry(domain: "b.example"),
        ]
        list[0] = DestinationEntry(domain: "z.example")
        #expect(list.map(\.domain) == ["z.example", "b.example"])
        #expect(list[id: "a.example"] == nil && list[id: "z.example"] != nil)
    }

    @Test func aListIsEncodedExactlyAsTheArrayItReplaced() throws {
        let entries = [DestinationEntry(domain: "a.example", tls: .required), DestinationEntry(domain: "b.example")]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(KeyedList(entries)) == encoder.encode(entries))
        let decoded = try JSONDecoder().decode(KeyedList<DestinationEntry>.self, from: encoder.encode(entries))
        #expect(decoded.elements == entries)
    }
}
