/// The remote side of a legacy `scp -O` transfer, as the login shell receives it in `-c` mode
/// (ssh.md §2): `scp -t [-v -p -d -r] [--] TARGET` (upload to here) or `scp -f … SOURCE` (download).
public struct SCPRequest: Equatable, Sendable {
    public enum Direction: Equatable, Sendable {
        /// `-t`: the client sends files, this side stores them (OpenSSH's "sink").
        case upload
        /// `-f`: this side sends a file (OpenSSH's "source").
        case download
    }

    public var direction: Direction
    /// The path the client named, as typed (`/configuration/NAME`, `/configuration`, `NAME`).
    public var path: String
    /// `-p`: the client wants (or sends) modification times.
    public var preserveTimes: Bool
    /// `-d`: the target must be a folder (several sources).
    public var targetIsFolder: Bool
    /// `-r`: recursive copy (refused: only files live in /configuration).
    public var recursive: Bool

    public init(
        direction: Direction,
        path: String,
        preserveTimes: Bool = false,
        targetIsFolder: Bool = false,
        recursive: Bool = false
    ) {
        self.direction = direction
        self.path = path
        self.preserveTimes = preserveTimes
        self.targetIsFolder = targetIsFolder
        self.recursive = recursive
    }

    /// Whether a `-c` line is an scp request at all (first word `scp`), before any other parsing.
    public static func isSCP(_ line: String) -> Bool {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        guard trimmed.hasPrefix("scp") else { return false }
        let rest = trimmed.dropFirst(3)
        return rest.isEmpty || rest.first == " " || rest.first == "\t"
    }

    /// The outcome of reading the words of an scp line.
    public enum Parsed: Equatable, Sendable {
        case request(SCPRequest)
        /// The words are not a transfer this side can run; the message goes to the client as
        /// `\x01scp: {message}\n`.
        case refused(String)
    }

    /// Reads the words of the line (already split, quotes removed): `scp`, options, one path.
    public static func parse(_ words: [String]) -> Parsed {
        guard words.first == "scp" else { return .refused("not an scp command") }
        var direction: Direction?
        var preserve = false
        var folder = false
        var recursive = false
        var paths: [String] = []
        var optionsEnded = false
        for word in words.dropFirst() {
            if optionsEnded || !word.hasPrefix("-") || word == "-" {
                paths.append(word)
                continue
            }
            if word == "--" {
                optionsEnded = true
                continue
            }
            for flag in word.dropFirst() {
                switch flag {
                case "t", "f":
                    let wanted: Direction = flag == "t" ? .upload : .download
                    if let direction, direction != wanted { return .refused("-t and -f cannot be combined") }
                    direction = wanted
                case "p": preserve = true
                case "d": folder = true
                case "r": recursive = true
                case "v", "q": break
                default: return .refused("unknown option -\(flag)")
                }
            }
        }
        guard let direction else { return .refused("only scp -t and scp -f are available") }
        guard paths.count == 1, let path = paths.first else {
            return .refused(paths.isEmpty ? "no file name given" : "one path only")
        }
        return .request(
            SCPRequest(
                direction: direction,
                path: path,
                preserveTimes: preserve,
                targetIsFolder: folder,
                recursive: recursive
            )
        )
    }

    /// Where a path points: the `/configuration` folder itself, or one name in it. `nil` for any
    /// other place (refused with `Permission denied`).
    public enum Location: Equatable, Sendable {
        case folder
        case file(String)
    }

    /// `/configuration`, `/configuration/`, `/configuration/NAME`, or a plain `NAME` (the login folder
    /// of the appliance account is /configuration). The name itself is checked by the caller's rule.
    public static func location(of path: String) -> Location? {
        let prefix = "/configuration"
        if path == prefix || path == prefix + "/" { return .folder }
        if path.hasPrefix(prefix + "/") {
            let name = String(path.dropFirst(prefix.count + 1))
            return name.contains("/") ? nil : .file(name)
        }
        if path.hasPrefix("/") || path.contains("/") { return nil }
        return .file(path)
    }
}
