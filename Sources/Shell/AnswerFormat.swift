/// What a free-text question accepts, declared once for every question of its kind: the one line
/// `?` prints (what to type, the allowed range or format) and the check that turns the typed text
/// into a value or a one-line complaint. `Dialog.ask(_:…format:)` and `Dialog.askBare(_:…format:)`
/// take one; the dialog adds what Enter alone does, so no question falls back to a generic help.
public struct AnswerFormat<Value> {
    /// One line: what to type (`A host name such as mail.example.com.`), the range or format.
    public let help: String
    /// The value, or a one-line complaint.
    public let check: (String) -> Result<Value, ShellError>

    public init(_ help: String, check: @escaping (String) -> Result<Value, ShellError>) {
        self.help = help
        self.check = check
    }

    /// A check that throws its complaint (the batch forms' parsers).
    public init(_ help: String, parse: @escaping (String) throws(ShellError) -> Value) {
        self.init(help) { text in Result { () throws(ShellError) in try parse(text) } }
    }

    /// The same help over another check (a value the caller looks up after the first check).
    public func map<Other>(_ transform: @escaping (Value) -> Result<Other, ShellError>) -> AnswerFormat<Other> {
        let check = self.check
        return AnswerFormat<Other>(help) { text in check(text).flatMap(transform) }
    }
}
