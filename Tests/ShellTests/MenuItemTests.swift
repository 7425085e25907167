import Shell
import Testing

/// A menu is one list of items that carry their actions; `Dialog.run` runs the chosen one and shows
/// the menu again, or leaves it.
@Suite struct MenuItemTests {
    private final class Record {
        var out = ""
        var done: [String] = []
    }

    /// Runs `menu` on scripted input; returns what was printed and which actions ran.
    private func run(_ input: String, _ menu: (Record) -> Menu) throws -> Record {
        let record = Record()
        let console = StreamConsole(
            source: MemorySource(input),
            output: { record.out += $0 },
            errorOutput: { _ in }
        )
        try Dialog(console: console).run { _ in menu(record) }
        console.flush()
        return record
    }

    @Test func anItemsActionRunsAndTheMenuComesBack() throws {
        let record = try run("new\nnew\n\n") { record in
            Menu(status: ["Entries: \(record.done.count)"], [MenuItem("NEW", "Add one.") { record.done.append("new") }])
        }
        #expect(record.done == ["new", "new"])
        let menu = "\nChoose the operation you want to perform:\n- NEW - Add one.\n[]> "
        #expect(
            record.out
                == "\nEntries: 0\n" + menu + "new\n" + "\nEntries: 1\n" + menu + "new\n" + "\nEntries: 2\n" + menu
                + "\n"
        )
    }

    @Test func aLeavingItemLeavesTheMenuAfterItsAction() throws {
        let record = try run("edit\nnew\n") { record in
            Menu([
                MenuItem("NEW", "Add one.") { record.done.append("new") },
                .leaving("EDIT", "Change one.") { record.done.append("edit") },
            ])
        }
        #expect(record.done == ["edit"])
        #expect(record.out.components(separatedBy: "Choose the operation").count == 2)
    }

    @Test func aStepItemDecidesAndAHiddenAliasRunsTheSameAction() throws {
        let record = try run("print\nlist\n") { record in
            let list = MenuItem.deciding("LIST", "Show them.") {
                record.done.append("list")
                return record.done.count < 2 ? .stay : .leave
            }
            return Menu([list], hidden: [list.named("PRINT")])
        }
        #expect(record.done == ["list", "list"])
        #expect(!record.out.contains("PRINT -"))
    }

    @Test func aRefusedActionFailsAScript() throws {
        #expect(throws: ShellError.actionFailed("No.")) {
            try run("new\n\n") { _ in
                Menu([MenuItem("NEW", "Add one.") { throw ShellError.actionFailed("No.") }])
            }
        }
    }
}
