/// Counts in messages: `1 minute`, `2 minutes`, `1 certificate authority`, `3 certificate authorities`.
public func counted(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
    count == 1 ? "1 \(singular)" : "\(count) \(plural ?? singular + "s")"
}
