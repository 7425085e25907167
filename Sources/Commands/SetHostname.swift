import ApplianceConfig
import Shell

/// `sethostname` (other-commands.md §1). The prompt shows the new name once it is committed.
public struct SetHostnameCommand: ShellCommand {
    public let name = "sethostname"
    public let summary = "Set the name of the machine."
    public let requiresCommit = true
    public let batchSyntax = ["sethostname {fqdn}"]

    public init() {}

    public func run(_ arguments: [String], in session: Session) throws {
        let newName: String
        switch arguments.count {
        case 0:
            let current = session.configuration.hostname
            newName = try session.dialog.ask([], default: current, validate: Self.check) ?? current
        case 1:
            newName = try Self.check(arguments[0]).get()
        default:
            throw ShellError.invalidInput("Usage: sethostname {fqdn}\nUnexpected argument \"\(arguments[1])\".")
        }
        guard newName != session.configuration.hostname else { return }
        session.stage { $0.hostname = newName }
    }

    static func check(_ text: String) -> Result<String, ShellError> {
        guard HostName.isFullyQualified(text) else {
            return .failure(
                .invalidInput(
                    "Invalid hostname \"\(text)\". Enter a fully qualified host name, such as mail.example.com."
                )
            )
        }
        return .success(text.lowercased())
    }
}
