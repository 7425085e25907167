import Commands
import Shell

// The command-line layer: `Words.split`, `Words.commandList`, `BatchArguments` and the command
// registry's lookup, on any text. Besides "no crash", it checks properties a user relies on:
// - quoting each word of a split line and splitting again gives the same words;
// - `commandList` never returns an empty part or one with blanks around it;
// - `BatchArguments` only returns options and flags of the sets it was given;
// - a command found by `lookup` has a name or alias the typed word is a prefix of.

/// The valued options and flags of the batch commands (commit, alertconfig, interfaceconfig, ...),
/// plus a mixed set, so both forms of `--name value` / `--name=value` are exercised.
private let optionSets: [(valued: Set<String>, flags: Set<String>)] = [
    (["confirm"], ["check"]),
    (["class", "severity"], []),
    (["address", "hostname", "https", "https_certificate"], []),
    (["enable", "tracking", "certificate"], []),
    (["certificate"], []),
    (["tls", "max_concurrency", "max_messages", "dane", "a", "ab"], ["verbose", "a="]),
    ([], []),
]

/// Quotes a word so that `Words.split` gives it back unchanged.
private func quoted(_ word: String) -> String {
    var text = "\""
    for scalar in word.unicodeScalars {
        if scalar == "\\" || scalar == "\"" { text.unicodeScalars.append("\\") }
        text.unicodeScalars.append(scalar)
    }
    return text + "\""
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCommandLine(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let line = String(decoding: bytes, as: UTF8.self)

    let parts = Words.commandList(line)
    for part in parts {
        precondition(!part.isEmpty, "commandList returned an empty part")
        precondition(part.trimmingSpaces == part, "commandList returned a part with blanks around it")
    }

    for text in [line] + parts {
        guard let words = Words.split(text) else { continue }
        let again = Words.split(words.map(quoted).joined(separator: " "))
        precondition(again == words, "split(quote(words)) != words: \(words) -> \(String(describing: again))")

        guard let first = words.first else { continue }
        switch AllCommands.registry.lookup(first) {
        case .found(let command):
            let names = [command.name] + command.aliases
            precondition(
                names.contains { $0.lowercased().hasPrefix(first.lowercased()) },
                "lookup(\(first)) found \(command.name)"
            )
        case .ambiguous(let candidates):
            precondition(candidates.count > 1, "ambiguous with one candidate")
        case .unknown:
            break
        }

        let arguments = Array(words.dropFirst())
        for set in optionSets {
            guard let parsed = try? BatchArguments(arguments, valued: set.valued, flags: set.flags) else { continue }
            // Every word is either positional, an option (one or two words) or a flag.
            precondition(parsed.positional.count <= arguments.count, "more positional words than words")
            precondition(
                parsed.options.keys.allSatisfy(set.valued.contains) && parsed.flags.isSubset(of: set.flags),
                "an option outside the allowed sets"
            )
        }
    }
    return 0
}
