internal import OpenSSLLoader

/// libcrypto and libssl are opened with `dlopen` the first time an OpenSSL function is called
/// (`OpenSSLLoader`; Docs/Architecture.md, "Libraries loaded on first use"): a run that computes no
/// digest and touches no key or certificate (an idle session, `esa -c version`) never maps them.
public enum OpenSSLLibrary {
    /// The shared objects, as the dynamic loader looks them up.
    public static let libcrypto = "libcrypto.so.3"
    public static let libssl = "libssl.so.3"

    /// Loads both now (once per process): nil when loaded, otherwise the one line an OpenSSL call would
    /// end the process with (after `esa: `, status 2).
    public static func loadError() -> String? {
        esa_openssl_load_error().map { String(cString: $0) }
    }

    /// What loading `name` as library `kind` ("libcrypto", "libssl") would say: nil when it loads,
    /// otherwise `cannot load libcrypto (NAME): REASON`. Nothing is kept loaded.
    public static func error(loading name: String, kind: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 512)
        guard esa_openssl_library_error(kind, name, &buffer, buffer.count) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
