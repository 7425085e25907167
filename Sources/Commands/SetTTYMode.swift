import Shell

/// `setttymode 0 1`: sent by vendor automation right after login to turn paging off (ssh.md §4).
/// Accepted silently, not listed by `help`.
public struct SetTTYModeCommand: ShellCommand {
    public let name = "setttymode"
    public let summary = "Set terminal modes for automation (paging)."
    public let requiresCommit = false
    public let access = CommandAccess.status
    public let batchSyntax = ["setttymode {echo} {paging off}"]
    public let hidden = true

    public init() {}

    public func run(_ arguments: [String], in session: Session) throws {
        guard arguments.count == 2, let paging = Int(arguments[1]), Int(arguments[0]) != nil else {
            throw ShellError.invalidInput("Usage: setttymode {0|1} {0|1}")
        }
        // The second number 1 turns the pager off; 0 turns it back on.
        session.pagingDisabled = paging != 0
    }
}
