/// Why a text file (HAT, destination INI, the texts embedded in a configuration file) was refused:
/// one line of it and the problem, shown as `Error: line {n}: {problem}`.
public struct TextLineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    public var problem: String

    public init(line: Int, problem: String) {
        self.line = line
        self.problem = problem
    }

    public var description: String { "Error: line \(line): \(problem)" }
}
