import Shell
import Testing

/// A dialog on scripted input, as in a piped script (answers echoed after prompts).
private final class Scripted {
    private final class Box {
        var out = ""
    }

    private let box = Box()
    let console: StreamConsole
    let dialog: Dialog

    init(_ input: String) {
        let box = self.box
        console = StreamConsole(source: MemorySource(input), output: { box.out += $0 }, errorOutput: { _ in })
        dialog = Dialog(console: console)
    }

    var output: String {
        console.flush()
        return box.out
    }
}

private var items: [MenuItem] {
    [
        MenuItem("NEW", "Create a new entry.") {},
        MenuItem("EDIT", "Modify an entry.") {},
        MenuItem("DELETE", "Remove an entry.") {},
    ]
}

@Suite struct DialogTests {
    @Test func menuShowsTheExactHeaderAndItems() throws {
        let s = Scripted("edit\n")
        #expect(try s.dialog.menu(items)?.name == "EDIT")
        #expect(
            s.output == """

                Choose the operation you want to perform:
                - NEW - Create a new entry.
                - EDIT - Modify an entry.
                - DELETE - Remove an entry.
                []> edit

                """
        )
    }

    @Test func menuNamesAreCaseInsensitiveAndTrimmedAndPrefixesWork() throws {
        #expect(try Scripted("  New \n").dialog.menu(items)?.name == "NEW")
        #expect(try Scripted("d\n").dialog.menu(items)?.name == "DELETE")
        #expect(try Scripted("DeL\n").dialog.menu(items)?.name == "DELETE")
    }

    @Test func emptyLineLeavesTheMenu() throws {
        #expect(try Scripted("\n").dialog.menu(items) == nil)
    }

    @Test func endOfInputAtAMenuLeavesIt() throws {
        #expect(try Scripted("").dialog.menu(items) == nil)
    }

    @Test func unknownOperationFailsAScriptWithStatus4() {
        let s = Scripted("frobnicate\n")
        #expect(throws: ShellError.invalidInput("Invalid operation \"frobnicate\".")) {
            try s.dialog.menu(items)
        }
    }

    @Test func ambiguousPrefixIsRefused() {
        let twoE = [MenuItem("EDIT", "x") {}, MenuItem("EXPORT", "y") {}]
        #expect(throws: ShellError.invalidInput("Ambiguous operation \"e\": EDIT, EXPORT.")) {
            try Scripted("e\n").dialog.menu(twoE)
        }
    }

    @Test func yesNoSharesTheLineWithItsPrompt() throws {
        let s = Scripted("\n")
        #expect(try s.dialog.yesNo("Do you want to save the current configuration for rollback?", default: true))
        #expect(s.output == "\nDo you want to save the current configuration for rollback? [Y]> \n")
    }

    @Test(arguments: [("y", true), ("YES", true), ("n", false), ("No", false)])
    func yesNoAcceptsAnyCase(_ answer: String, _ expected: Bool) throws {
        #expect(try Scripted(answer + "\n").dialog.yesNo("Sure?", default: !expected) == expected)
    }

    @Test func yesNoRejectsOtherAnswersInAScript() {
        #expect(throws: ShellError.invalidInput("Please answer Y or N.")) {
            try Scripted("maybe\n").dialog.yesNo("Sure?", default: false)
        }
    }

    @Test func numberQuestionTakesDefaultAndChecksRange() throws {
        let s = Scripted("\n")
        #expect(try s.dialog.askNumber(["Max concurrency:"], range: 1...1000, default: 500) == 500)
        #expect(s.output == "\nMax concurrency:\n[500]> \n")
        #expect(throws: ShellError.invalidInput("Please enter a number from 1 to 1000.")) {
            try Scripted("0\n").dialog.askNumber(["Max concurrency:"], range: 1...1000, default: 500)
        }
    }

    @Test func requiredQuestionWithoutDefaultIsAbandonedOnEmptyInput() throws {
        #expect(try Scripted("\n").dialog.askText(["Enter the domain:"], help: "A domain.") == nil)
        #expect(try Scripted("\n").dialog.askText(["Comment:"], help: "A comment.", required: false) == "")
    }

    @Test func numberedChoice() throws {
        let s = Scripted("2\n")
        #expect(try s.dialog.choose(["Choose the certificate:"], items: ["Demo", "mail_example"]) == 1)
        #expect(s.output == "\nChoose the certificate:\n1. Demo\n2. mail_example\n[1]> 2\n")
        #expect(throws: ShellError.invalidInput("Please enter a number from 1 to 2.")) {
            try Scripted("3\n").dialog.choose(["Choose:"], items: ["a", "b"])
        }
    }

    @Test func pasteEndsAtADotLineIgnoringTrailingSpacesAndCR() throws {
        let s = Scripted("-----BEGIN X-----\r\nabc\n. \r\nnext\n")
        #expect(try s.dialog.paste("Paste it (end with '.'):") == "-----BEGIN X-----\nabc\n")
    }

    @Test func pasteRefusesMoreThanOneMebibyte() {
        let line = String(repeating: "A", count: 60_000) + "\n"
        let input = String(repeating: line, count: 20) + ".\n"
        #expect(throws: ShellError.invalidInput("Input too long.")) { try Scripted(input).dialog.paste("Paste:") }
    }

    @Test func secretsAreNotEchoed() throws {
        let s = Scripted("hunter2\n")
        #expect(try s.dialog.secret("Enter passphrase: ") == "hunter2")
        #expect(s.output == "Enter passphrase: \n")
    }

    @Test func endOfInputDuringAQuestionAbandonsTheDialog() {
        #expect(throws: DialogAbort.endOfInput) { try Scripted("").dialog.askText(["Name:"], help: "A name.") }
    }

    @Test func invalidUTF8AndNULAreRefused() {
        let console = StreamConsole(
            source: MemorySource([0x66, 0xff, 0x0a, 0x61, 0x00, 0x62, 0x0a]),
            output: { _ in },
            errorOutput: { _ in }
        )
        #expect(console.read(prompt: "", kind: .answer, completer: .none) == .invalid(.notText))
        #expect(console.read(prompt: "", kind: .answer, completer: .none) == .invalid(.notText))
        #expect(console.read(prompt: "", kind: .answer, completer: .none) == .endOfInput)
    }

    @Test func overLongLinesAreRefusedWithoutLosingTheNextLine() {
        let input = String(repeating: "x", count: 70_000) + "\nok\n"
        let console = StreamConsole(source: MemorySource(input), output: { _ in }, errorOutput: { _ in })
        #expect(console.read(prompt: "", kind: .answer, completer: .none) == .invalid(.tooLong))
        #expect(console.read(prompt: "", kind: .answer, completer: .none) == .line("ok"))
    }
}

@Suite struct WordsTests {
    @Test func quotesGroupWords() {
        #expect(Words.split(#"commit "Deploy new cert" now"#) == ["commit", "Deploy new cert", "now"])
        #expect(Words.split(#"a 'b c' "d \"e\"""#) == ["a", "b c", #"d "e""#])
        #expect(Words.split(#"commit "open"#) == nil)
    }

    @Test func commandListsSplitOnSemicolonsOutsideQuotes() {
        #expect(
            Words.commandList(#"sethostname a.example.com; commit "x; y" ;; version"#) == [
                "sethostname a.example.com", #"commit "x; y""#, "version",
            ]
        )
    }

    @Test func batchOptions() throws {
        let args = try BatchArguments(
            ["new", "example.com", "--tls=require", "--max", "5", "--check"],
            valued: ["tls", "max"],
            flags: ["check"]
        )
        #expect(args.positional == ["new", "example.com"])
        #expect(args.options == ["tls": "require", "max": "5"])
        #expect(args.flags == ["check"])
        #expect(throws: ShellError.invalidInput("Unknown option \"--bogus\".")) {
            try BatchArguments(["--bogus=1"], valued: ["tls"])
        }
    }
}
