import COpenSSL
import FoundationEssentials

/// Owns an `X509_STORE` of trusted certificates and frees it in `deinit`. Only read after creation
/// (OpenSSL locks the store internally), so one store can verify from several threads.
public final class TrustStoreHandle: @unchecked Sendable {
    /// The owned `X509_STORE`.
    let pointer: OpaquePointer

    /// Builds a store holding `trusted` (each certificate is up-ref'd by the store).
    public init(trusted: [X509Handle]) throws(OpenSSLError) {
        let store = try call("X509_STORE_new") { X509_STORE_new() }
        for certificate in trusted {
            OpenSSLError.clearQueue()
            // Fails harmlessly for duplicates in the bundle; other errors are ignored the same way.
            _ = X509_STORE_add_cert(store, certificate.pointer)
        }
        ERR_clear_error()
        pointer = store
    }

    deinit {
        X509_STORE_free(pointer)
    }

    /// The outcome of a verification.
    public struct Outcome: Sendable, Equatable {
        /// `X509_V_OK` (0) on success, else OpenSSL's verify error number (e.g. 62 for a host mismatch).
        public let code: Int
        /// OpenSSL's text for `code`.
        public let message: String
        /// Depth in the chain where the error occurred (0 = leaf).
        public let depth: Int
        /// Length of the chain OpenSSL built (leaf to trust anchor) on success.
        public let chainLength: Int
    }

    /// Verifies `leaf` with the helper `intermediates` at `time`, optionally for `hostname`. When
    /// `crls` is not empty, revocation is checked for every certificate of the chain
    /// (`X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL`), so each issuer needs a CRL among them.
    public func verify(
        leaf: X509Handle,
        intermediates: [X509Handle],
        hostname: String?,
        time: Date,
        crls: [CRLHandle] = []
    ) throws(OpenSSLError) -> Outcome {
        let context = try call("X509_STORE_CTX_new") { X509_STORE_CTX_new() }
        defer { X509_STORE_CTX_free(context) }
        let untrusted = try call("sk_X509_new_null") { esa_sk_X509_new_null() }
        // Borrowed elements (the handles stay alive below); freed without them.
        defer { esa_sk_X509_free(untrusted) }
        for item in intermediates {
            try check("sk_X509_push") { esa_sk_X509_push(untrusted, item.pointer) }
        }
        let revocationLists = try call("sk_X509_CRL_new_null") { esa_sk_X509_CRL_new_null() }
        // Borrowed elements (the handles stay alive below); freed without them. The context does not
        // take ownership of the stack given with set0_crls (its cleanup leaves it alone).
        defer { esa_sk_X509_CRL_free(revocationLists) }
        for crl in crls {
            try check("sk_X509_CRL_push") { esa_sk_X509_CRL_push(revocationLists, crl.pointer) }
        }
        return try withExtendedLifetime((leaf, intermediates, crls)) { () throws(OpenSSLError) -> Outcome in
            try check("X509_STORE_CTX_init") { X509_STORE_CTX_init(context, pointer, leaf.pointer, untrusted) }
            // Borrowed parameters (get0), owned by the context.
            let parameters = try call("X509_STORE_CTX_get0_param") { X509_STORE_CTX_get0_param(context) }
            X509_VERIFY_PARAM_set_time(parameters, time_t(time.timeIntervalSince1970))
            if !crls.isEmpty {
                X509_STORE_CTX_set0_crls(context, revocationLists)
                try check("X509_VERIFY_PARAM_set_flags") {
                    X509_VERIFY_PARAM_set_flags(parameters, UInt(X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL))
                }
            }
            if let hostname {
                try check("X509_VERIFY_PARAM_set1_host") {
                    X509_VERIFY_PARAM_set1_host(parameters, hostname, hostname.utf8.count)
                }
            }
            OpenSSLError.clearQueue()
            let verified = X509_verify_cert(context)
            let code = Int(X509_STORE_CTX_get_error(context))
            // Borrowed static string.
            let message = X509_verify_cert_error_string(Int(code)).map { String(cString: $0) } ?? ""
            let depth = Int(X509_STORE_CTX_get_error_depth(context))
            // Borrowed chain (get0).
            let chain = X509_STORE_CTX_get0_chain(context)
            let length = chain.map { Int(esa_sk_X509_num($0)) } ?? 0
            ERR_clear_error()
            return Outcome(
                code: verified == 1 ? 0 : (code == 0 ? -1 : code),
                message: message,
                depth: depth,
                chainLength: verified == 1 ? length : 0
            )
        }
    }
}

/// Cryptographically secure random bytes.
public enum SecureRandom {
    /// Returns `count` random bytes from OpenSSL's DRBG.
    public static func bytes(_ count: Int) throws(OpenSSLError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        try check("RAND_bytes") { RAND_bytes(&bytes, Int32(count)) }
        return bytes
    }
}
