import Foundation
import Testing

/// Issue 10 item 16: a data directory that cannot be written (here a read-only mount) still opens for
/// viewing commands; commands that would change something are refused with one line, and nothing in
/// the directory changes.
@Suite struct ReadOnlyDataDirectoryTests {
    static let refusal = "is read-only: only commands that change nothing can be used."

    @Test func viewingCommandsRunAndChangingOnesAreRefusedOnAReadOnlyMount() throws {
        guard
            let result = try StoreEndToEndTests.onSmallDisk(
                """
                "$ESA" --data-dir "$D/d" -c 'sethostname ro.example.com; commit "before the mount"' >/dev/null || exit 98
                ls -l --time-style=+%s "$D/d" "$D/d/logs" > "$D/../before" 2>&1
                mount -o remount,ro "$D" || exit 97
                for line in 'commithistory' 'showchanges' 'version' 'certconfig list' 'destconfig detail all' \\
                    'sethostname other.example.com' 'destconfig new x.example.com' 'commit "nothing"' 'saveconfig' \\
                    'passwd'; do
                    echo "== $line"
                    "$ESA" --data-dir "$D/d" -c "$line" 2>&1
                    echo "status=$?"
                done
                echo "== scp"
                printf 'C0600 4 x.pem\\nabc\\n\\0' | "$ESA" --data-dir "$D/d" -c 'scp -t /configuration/x.pem' | tr '\\001' '!'
                echo
                ls -l --time-style=+%s "$D/d" "$D/d/logs" | diff "$D/../before" - && echo "unchanged"
                """
            )
        else { return }
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let sections = Dictionary(
            uniqueKeysWithValues: result.stdout.components(separatedBy: "== ").dropFirst().map { section in
                let lines = section.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                return (lines[0], Array(lines.dropFirst()))
            }
        )
        let history = try #require(sections["commithistory"])
        #expect(
            history.first?.hasPrefix("esa: The data directory ") == true
                && history.first?.hasSuffix(Self.refusal) == true
        )
        #expect(history.contains { $0.contains("before the mount") }, "\(history)")
        #expect(history.contains("status=0"))
        #expect(sections["version"]?.contains("status=0") == true)
        #expect(sections["showchanges"]?.contains("There is no data to commit.") == true)
        // The viewing batch forms of commands that otherwise stage changes run too.
        #expect(sections["certconfig list"]?.contains { $0.contains("Demo") } == true, "\(result.stdout)")
        #expect(sections["certconfig list"]?.contains("status=0") == true)
        #expect(sections["destconfig detail all"]?.contains("status=0") == true, "\(result.stdout)")
        for line in [
            "sethostname other.example.com", "destconfig new x.example.com", "commit \"nothing\"", "saveconfig",
            "passwd",
        ] {
            let section = try #require(sections[line], "\(result.stdout)")
            #expect(
                section.contains { $0.hasPrefix("line 1: The data directory ") && $0.hasSuffix(Self.refusal) },
                "\(line): \(section)"
            )
            #expect(section.contains("status=3"), "\(line): \(section)")
        }
        let scp = try #require(sections["scp"])
        #expect(scp.first == "!scp: /configuration/x.pem: Permission denied", "\(scp)")
        #expect(result.stdout.contains("unchanged\n"), "nothing in the data directory changed: \(result.stdout)")
    }
}
