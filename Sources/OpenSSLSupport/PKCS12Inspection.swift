import COpenSSL

/// What a PKCS#12 file asks for before any key is derived: its password-based encryption
/// algorithms and their iteration counts. Reads the PKCS#7 safes and their bags (OpenSSL's public
/// structures) without decrypting anything.
enum PKCS12Inspection {
    /// The largest iteration count the file asks for (its MAC, its encrypted safes, its shrouded key
    /// bags), so that a file asking for millions is refused at once. `Int.max` when a count does not
    /// fit.
    static func maximumIterations(_ p12: OpaquePointer) -> Int {
        defer { ERR_clear_error() }
        var most = 0
        if PKCS12_mac_present(p12) != 0 {
            var macIterations: UnsafePointer<ASN1_INTEGER>?
            PKCS12_get0_mac(nil, nil, nil, &macIterations, p12)
            if let macIterations { most = count(macIterations) }
        }
        forEachEncryption(p12) { algorithm in
            most = max(most, iterations(algorithm))
            return false
        }
        return most
    }

    /// The name of the first encryption algorithm in the file whose cipher this process cannot use
    /// (it cannot be fetched from the loaded providers), or nil when every one can be used.
    static func unusableAlgorithm(_ p12: OpaquePointer) -> String? {
        defer { ERR_clear_error() }
        var found: String?
        forEachEncryption(p12) { algorithm in
            found = unusableName(algorithm)
            return found != nil
        }
        return found
    }

    /// Calls `body` with the algorithm of every encrypted safe and every shrouded key bag, in file
    /// order, until it returns true.
    private static func forEachEncryption(
        _ p12: OpaquePointer,
        _ body: (UnsafePointer<X509_ALGOR>) -> Bool
    ) {
        // Owned stack of owned PKCS7 values.
        guard let safes = PKCS12_unpack_authsafes(p12) else { return }
        defer { OPENSSL_sk_pop_free(safes) { PKCS7_free($0?.assumingMemoryBound(to: PKCS7.self)) } }
        for index in 0..<OPENSSL_sk_num(safes) {
            // Borrowed element.
            guard let safe = OPENSSL_sk_value(safes, index)?.assumingMemoryBound(to: PKCS7.self) else { continue }
            switch OBJ_obj2nid(safe.pointee.type) {
            case NID_pkcs7_encrypted:
                if let algorithm = safe.pointee.d.encrypted?.pointee.enc_data?.pointee.algorithm,
                    body(UnsafePointer(algorithm))
                {
                    return
                }
            case NID_pkcs7_data:
                // Owned stack of owned bags.
                guard let bags = PKCS12_unpack_p7data(safe) else { continue }
                defer { OPENSSL_sk_pop_free(bags) { PKCS12_SAFEBAG_free(OpaquePointer($0)) } }
                for bagIndex in 0..<OPENSSL_sk_num(bags) {
                    guard let bag = OPENSSL_sk_value(bags, bagIndex).map(OpaquePointer.init),
                        PKCS12_SAFEBAG_get_nid(bag) == NID_pkcs8ShroudedKeyBag
                    else { continue }
                    var algorithm: UnsafePointer<X509_ALGOR>?
                    // Borrowed: the bag's own X509_SIG and its algorithm.
                    X509_SIG_get0(PKCS12_SAFEBAG_get0_pkcs8(bag), &algorithm, nil)
                    if let algorithm, body(algorithm) { return }
                }
            default:
                continue
            }
        }
    }

    /// The iteration count of a password-based encryption algorithm (PBES2 with PBKDF2, or a
    /// PKCS#12 / PKCS#5 v1 PBE), read without deriving anything: 0 when there is none.
    static func iterations(_ algorithm: UnsafePointer<X509_ALGOR>) -> Int {
        let parameter = algorithm.pointee.parameter
        if OBJ_obj2nid(algorithm.pointee.algorithm) == NID_pbes2 {
            // Owned result.
            guard let pbes2 = unpack(PBE2PARAM_it(), parameter, as: PBE2PARAM.self) else { return 0 }
            defer { PBE2PARAM_free(pbes2) }
            guard let keyFunction = pbes2.pointee.keyfunc,
                OBJ_obj2nid(keyFunction.pointee.algorithm) == NID_id_pbkdf2,
                let kdf = unpack(PBKDF2PARAM_it(), keyFunction.pointee.parameter, as: PBKDF2PARAM.self)
            else { return 0 }
            defer { PBKDF2PARAM_free(kdf) }
            return kdf.pointee.iter.map { count(UnsafePointer($0)) } ?? 0
        }
        guard let pbe = unpack(PBEPARAM_it(), parameter, as: PBEPARAM.self) else { return 0 }
        defer { PBEPARAM_free(pbe) }
        return pbe.pointee.iter.map { count(UnsafePointer($0)) } ?? 0
    }

    /// The algorithm's name when its cipher cannot be fetched, nil when it can be used.
    private static func unusableName(_ algorithm: UnsafePointer<X509_ALGOR>) -> String? {
        let object = algorithm.pointee.algorithm
        let nid = OBJ_obj2nid(object)
        var cipherNID = NID_undef
        if nid == NID_pbes2 {
            // Owned result; parameters that cannot be read name no usable cipher.
            guard let pbes2 = unpack(PBE2PARAM_it(), algorithm.pointee.parameter, as: PBE2PARAM.self) else {
                return name(of: object)
            }
            defer { PBE2PARAM_free(pbes2) }
            guard let encryption = pbes2.pointee.encryption else { return name(of: object) }
            let named = encryption.pointee.algorithm
            cipherNID = OBJ_obj2nid(named)
            return cipherNID == NID_undef || !canFetch(cipherNID) ? name(of: named) : nil
        }
        // A PBE this OpenSSL does not know at all cannot be used either.
        guard EVP_PBE_find(EVP_PBE_TYPE_OUTER, nid, &cipherNID, nil, nil) != 0 else { return name(of: object) }
        return cipherNID != NID_undef && !canFetch(cipherNID) ? name(of: object) : nil
    }

    private static func canFetch(_ cipherNID: Int32) -> Bool {
        // Owned result (nil when no loaded provider has it).
        guard let cipher = EVP_CIPHER_fetch(nil, OBJ_nid2sn(cipherNID), nil) else { return false }
        EVP_CIPHER_free(cipher)
        return true
    }

    private static func name(of object: OpaquePointer?) -> String {
        var buffer = [CChar](repeating: 0, count: 128)
        let length = OBJ_obj2txt(&buffer, Int32(buffer.count), object, 0)
        guard length > 0 else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func unpack<T>(
        _ item: OpaquePointer?,
        _ parameter: UnsafeMutablePointer<ASN1_TYPE>?,
        as type: T.Type
    ) -> UnsafeMutablePointer<T>? {
        guard let parameter else { return nil }
        return ASN1_TYPE_unpack_sequence(item, parameter)?.assumingMemoryBound(to: T.self)
    }

    private static func count(_ integer: UnsafePointer<ASN1_INTEGER>) -> Int {
        let value = ASN1_INTEGER_get(integer)
        return value < 0 ? Int.max : value
    }
}
