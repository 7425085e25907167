import Synchronization
import Testing

@testable import ApplianceConfig

/// Diff and rebase of a keyed section work on the `KeyedList` in place: committing a few changes
/// on top of another session's commit in a 10,000-entry section stays as cheap as in a small one.
@Suite struct KeyedSectionTests {
    /// How many times elements were asked for their id (a rebuilt list asks every element).
    final class IDReads: Sendable {
        let count = Mutex(0)
        var value: Int { count.withLock { $0 } }
    }

    struct Entry: ConfigObject {
        var name: String
        var value: Int
        let reads: IDReads

        var objectID: String {
            reads.count.withLock { $0 += 1 }
            return name
        }
        var objectReference: ObjectReference { .destination(name) }
        var settings: [Setting] { [Setting("value", String(value))] }

        static func == (a: Entry, b: Entry) -> Bool { a.name == b.name && a.value == b.value }
    }

    static func list(_ count: Int, _ reads: IDReads) -> KeyedList<Entry> {
        KeyedList((0..<count).map { Entry(name: "e\($0)", value: 0, reads: reads) })
    }

    @Test func aRebaseTransplantsTheChangedEntriesWithoutTouchingTheOthers() {
        let reads = IDReads()
        let size = 2_000
        let base = Self.list(size, reads)
        var mine = base
        for position in stride(from: 100, to: size, by: 200) { mine[position].value = 1 }
        mine.remove(id: "e7")
        mine.append(Entry(name: "new", value: 1, reads: reads))
        var head = base
        head[3].value = 2
        head.insert(Entry(name: "theirs", value: 2, reads: reads), at: 0)

        let ids = KeyedSection.changedIDs(base, mine)
        #expect(ids.count == 12)
        let before = reads.value
        var merged = head
        for id in ids.sorted() { KeyedSection.transplant(id, into: &merged, from: mine) }
        // Each transplant looks up a handful of ids; rebuilding the list would read all 2,000.
        #expect(reads.value - before < 20 * ids.count)

        #expect(merged.count == size + 1)
        #expect(merged.first?.name == "theirs" && merged.last?.name == "new")
        #expect(merged[id: "e3"]?.value == 2 && merged[id: "e100"]?.value == 1 && merged[id: "e1900"]?.value == 1)
        #expect(!merged.contains(id: "e7"))
        #expect(merged.map(\.name) == ["theirs"] + mine.map(\.name).filter { $0 != "new" } + ["new"])
    }

    @Test func aChangeInALongSectionIsFoundWithoutHashingEveryID() {
        let reads = IDReads()
        let old = Self.list(2_000, reads)
        var new = old
        new[1_000].value = 1
        let before = reads.value
        var changes: [ConfigChange] = []
        KeyedSection.diff("test", old, new) { changes.append($0) }
        #expect(
            changes == [
                ConfigChange(
                    key: ObjectKey(section: "test", id: "e1000"),
                    object: .destination("e1000"),
                    kind: .modified(setting: "value", old: "0", new: "1")
                )
            ]
        )
        #expect(KeyedSection.changedIDs(old, new) == ["e1000"])
        #expect(reads.value - before < 20)
    }
}
