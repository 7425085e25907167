import COpenSSL

/// One attribute of an X.509 distinguished name, e.g. `CN` = `mail.example.com`.
public struct NameEntry: Sendable, Equatable {
    /// OpenSSL's short name for the attribute (`C`, `ST`, `L`, `O`, `OU`, `CN`, ...), or the dotted OID.
    public let shortName: String
    /// The value as UTF-8.
    public let value: String

    /// Creates an entry.
    public init(shortName: String, value: String) {
        self.shortName = shortName
        self.value = value
    }
}

enum X509Names {
    /// Reads every entry of a borrowed `X509_NAME`, in encoding order.
    static func entries(of name: OpaquePointer?) -> [NameEntry] {
        guard let name else {
            return []
        }
        var result: [NameEntry] = []
        for index in 0..<X509_NAME_entry_count(name) {
            // Borrowed entry, object and data (get0 semantics): owned by `name`.
            guard let entry = X509_NAME_get_entry(name, index),
                let object = X509_NAME_ENTRY_get_object(entry),
                let data = X509_NAME_ENTRY_get_data(entry)
            else {
                continue
            }
            let nid = OBJ_obj2nid(object)
            let shortName: String
            if nid != NID_undef, let sn = OBJ_nid2sn(nid) {
                shortName = String(cString: sn)
            } else {
                var buffer = [CChar](repeating: 0, count: 128)
                OBJ_obj2txt(&buffer, Int32(buffer.count), object, 1)
                shortName = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            var utf8: UnsafeMutablePointer<UInt8>?
            // Owned buffer from ASN1_STRING_to_UTF8: freed with OPENSSL_free.
            let length = ASN1_STRING_to_UTF8(&utf8, data)
            guard length >= 0, let utf8 else {
                continue
            }
            let value = String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)
            esa_OPENSSL_free(utf8)
            result.append(NameEntry(shortName: shortName, value: value))
        }
        ERR_clear_error()
        return result
    }

    /// Builds an owned `X509_NAME` from entries; the caller frees it with `X509_NAME_free`.
    static func make(_ entries: [NameEntry]) throws(OpenSSLError) -> OpaquePointer {
        let name = try call("X509_NAME_new") { X509_NAME_new() }
        for entry in entries {
            let bytes = Array(entry.value.utf8)
            OpenSSLError.clearQueue()
            let added = X509_NAME_add_entry_by_txt(
                name,
                entry.shortName,
                MBSTRING_UTF8,
                bytes,
                Int32(bytes.count),
                -1,
                0
            )
            if added != 1 {
                let error = OpenSSLError.drain("X509_NAME_add_entry_by_txt(\(entry.shortName))")
                X509_NAME_free(name)
                throw error
            }
        }
        return name
    }

    /// Builds an owned `GENERAL_NAMES` holding one dNSName per name; free with `esa_GENERAL_NAMES_free`.
    static func makeDNSNames(_ names: [String]) throws(OpenSSLError) -> OpaquePointer {
        let stack = try call("sk_GENERAL_NAME_new_null") { esa_GENERAL_NAMES_new_null() }
        for name in names {
            let bytes = Array(name.utf8)
            OpenSSLError.clearQueue()
            guard let general = GENERAL_NAME_new() else {
                let error = OpenSSLError.drain("GENERAL_NAME_new")
                esa_GENERAL_NAMES_free(stack)
                throw error
            }
            guard let ia5 = ASN1_IA5STRING_new(), ASN1_STRING_set(ia5, bytes, Int32(bytes.count)) == 1 else {
                let error = OpenSSLError.drain("ASN1_STRING_set")
                GENERAL_NAME_free(general)
                esa_GENERAL_NAMES_free(stack)
                throw error
            }
            // set0: `general` takes ownership of `ia5`; the stack then takes ownership of `general`.
            GENERAL_NAME_set0_value(general, GEN_DNS, ia5)
            if esa_GENERAL_NAMES_push(stack, general) <= 0 {
                let error = OpenSSLError.drain("sk_GENERAL_NAME_push")
                GENERAL_NAME_free(general)
                esa_GENERAL_NAMES_free(stack)
                throw error
            }
        }
        return stack
    }

    /// Reads the dNSName entries of an owned `GENERAL_NAMES` and frees it.
    static func takeDNSNames(_ names: OpaquePointer?) -> [String] {
        takeAlternativeNames(names).compactMap { if case .dns(let name) = $0 { name } else { nil } }
    }

    /// Reads the dNSName, iPAddress and rfc822Name entries of an owned `GENERAL_NAMES`, in order, and
    /// frees it. Other kinds (URIs, directory names…) are skipped.
    static func takeAlternativeNames(_ names: OpaquePointer?) -> [AlternativeName] {
        guard let names else {
            ERR_clear_error()
            return []
        }
        defer { esa_GENERAL_NAMES_free(names) }
        var result: [AlternativeName] = []
        for index in 0..<esa_GENERAL_NAMES_num(names) {
            var type: Int32 = 0
            // Borrowed element and value.
            guard let general = esa_GENERAL_NAMES_value(names, index),
                let value = GENERAL_NAME_get0_value(general, &type),
                type == GEN_DNS || type == GEN_IPADD || type == GEN_EMAIL
            else {
                continue
            }
            let string = value.assumingMemoryBound(to: ASN1_STRING.self)
            guard let data = ASN1_STRING_get0_data(string) else {
                continue
            }
            let bytes = Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(string))))
            switch type {
            case GEN_DNS: result.append(.dns(String(decoding: bytes, as: UTF8.self)))
            case GEN_EMAIL: result.append(.email(String(decoding: bytes, as: UTF8.self)))
            default: result.append(.ipAddress(AlternativeName.addressText(bytes)))
            }
        }
        return result
    }
}

/// One subjectAltName entry of the kinds an administrator is shown.
public enum AlternativeName: Sendable, Equatable {
    case dns(String)
    /// The address as text: dotted IPv4, RFC 5952 IPv6 (lower case, the longest run of zero groups
    /// as `::`); another length as hexadecimal bytes.
    case ipAddress(String)
    case email(String)

    static func addressText(_ bytes: [UInt8]) -> String {
        switch bytes.count {
        case 4:
            return bytes.map(String.init).joined(separator: ".")
        case 16:
            let groups = (0..<8).map { Int(bytes[2 * $0]) << 8 | Int(bytes[2 * $0 + 1]) }
            // The longest run of two or more zero groups (the first of equal ones) becomes "::".
            var best: Range<Int>?
            var start: Int?
            for index in 0...8 {
                if index < 8 && groups[index] == 0 {
                    if start == nil { start = index }
                } else if let first = start {
                    if index - first >= 2 && index - first > (best?.count ?? 0) { best = first..<index }
                    start = nil
                }
            }
            let hex = groups.map { String($0, radix: 16) }
            guard let run = best else { return hex.joined(separator: ":") }
            return hex[..<run.lowerBound].joined(separator: ":") + "::" + hex[run.upperBound...].joined(separator: ":")
        default:
            return bytes.map { String($0, radix: 16) }.joined(separator: ":")
        }
    }
}
