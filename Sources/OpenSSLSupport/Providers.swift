import COpenSSL

/// Loads OpenSSL's `legacy` provider (RC2, RC4, DES for old PKCS#12 files) and, because an explicit
/// load disables the implicit fallback, the `default` provider too. The work runs once per process:
/// a global `let` is initialised lazily and thread-safely by Swift. The providers stay loaded for
/// the life of the process, so their handles are deliberately never unloaded.
private let providersLoaded: Bool = {
    // Owned provider handles, intentionally kept for the process lifetime.
    let defaultProvider = OSSL_PROVIDER_load(nil, "default")
    let legacyProvider = OSSL_PROVIDER_load(nil, "legacy")
    ERR_clear_error()
    return defaultProvider != nil && legacyProvider != nil
}()

/// Process-wide OpenSSL provider set-up.
public enum OpenSSLProviders {
    /// Makes sure the `default` and `legacy` providers are loaded; returns whether the legacy one is available.
    @discardableResult
    public static func ensureLegacyLoaded() -> Bool {
        providersLoaded
    }
}
