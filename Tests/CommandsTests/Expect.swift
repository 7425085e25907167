import TestSupport
import Testing

/// Asserts that a whole transcript equals its golden text, showing a line diff when it does not.
func expectTranscript(_ actual: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
    if let diff = Transcript.difference(expected: expected, actual: actual) {
        Issue.record("Transcript differs (- expected, + actual):\n\(diff)", sourceLocation: sourceLocation)
    }
}
