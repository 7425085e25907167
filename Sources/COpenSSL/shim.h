/*
 * COpenSSL shim: the OpenSSL 3 headers used by OpenSSLSupport, plus fixed-arity static inline
 * wrappers for the macros and variadic functions that Swift cannot import (OPENSSL_free,
 * BIO_get_mem_data, EVP_PKEY_Q_keygen, the sk_TYPE_* stack macros, ...).
 * Only OpenSSLSupport imports this module.
 */
#ifndef ESA_COPENSSL_SHIM_H
#define ESA_COPENSSL_SHIM_H

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

/* ---- memory ---- */

static inline void esa_OPENSSL_free(void *pointer) { OPENSSL_free(pointer); }

/* ---- BIO ---- */

/* Borrowed pointer into the memory BIO's buffer (valid until the BIO changes or is freed). */
static inline long esa_BIO_get_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }

/* ---- key generation (EVP_RSA_gen / EVP_EC_gen are macros over the variadic EVP_PKEY_Q_keygen) ---- */

static inline EVP_PKEY *esa_EVP_RSA_gen(unsigned int bits) {
    return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
}

static inline EVP_PKEY *esa_EVP_EC_gen(const char *curve) {
    return EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
}

/* ---- STACK_OF(X509) ---- */

static inline STACK_OF(X509) *esa_sk_X509_new_null(void) { return sk_X509_new_null(); }
static inline int esa_sk_X509_num(const STACK_OF(X509) *stack) { return sk_X509_num(stack); }
/* Borrowed element. */
static inline X509 *esa_sk_X509_value(const STACK_OF(X509) *stack, int index) { return sk_X509_value(stack, index); }
/* Takes ownership of the pushed certificate. */
static inline int esa_sk_X509_push(STACK_OF(X509) *stack, X509 *certificate) { return sk_X509_push(stack, certificate); }
/* Frees the stack without touching its elements. */
static inline void esa_sk_X509_free(STACK_OF(X509) *stack) { sk_X509_free(stack); }
/* Frees the stack and every element (X509_free). */
static inline void esa_sk_X509_pop_free(STACK_OF(X509) *stack) { sk_X509_pop_free(stack, X509_free); }

/* ---- GENERAL_NAMES (subjectAltName) ---- */

static inline GENERAL_NAMES *esa_GENERAL_NAMES_new_null(void) { return sk_GENERAL_NAME_new_null(); }
static inline int esa_GENERAL_NAMES_num(const GENERAL_NAMES *names) { return sk_GENERAL_NAME_num(names); }
/* Borrowed element. */
static inline GENERAL_NAME *esa_GENERAL_NAMES_value(const GENERAL_NAMES *names, int index) {
    return sk_GENERAL_NAME_value(names, index);
}
/* Takes ownership of the pushed name. */
static inline int esa_GENERAL_NAMES_push(GENERAL_NAMES *names, GENERAL_NAME *name) {
    return sk_GENERAL_NAME_push(names, name);
}
/* Frees the stack and every element. */
static inline void esa_GENERAL_NAMES_free(GENERAL_NAMES *names) { GENERAL_NAMES_free(names); }

/* Decodes the subjectAltName extension of a certificate; owned result (free with esa_GENERAL_NAMES_free). */
static inline GENERAL_NAMES *esa_X509_get_subject_alt_names(const X509 *certificate) {
    return (GENERAL_NAMES *)X509_get_ext_d2i(certificate, NID_subject_alt_name, NULL, NULL);
}

/* Decodes the subjectAltName from a list of extensions (a CSR's); owned result. */
static inline GENERAL_NAMES *esa_extensions_get_subject_alt_names(const STACK_OF(X509_EXTENSION) *extensions) {
    return (GENERAL_NAMES *)X509V3_get_d2i(extensions, NID_subject_alt_name, NULL, NULL);
}

/* ---- STACK_OF(X509_EXTENSION) ---- */

static inline STACK_OF(X509_EXTENSION) *esa_sk_X509_EXTENSION_new_null(void) {
    return sk_X509_EXTENSION_new_null();
}
/* Takes ownership of the pushed extension. */
static inline int esa_sk_X509_EXTENSION_push(STACK_OF(X509_EXTENSION) *stack, X509_EXTENSION *extension) {
    return sk_X509_EXTENSION_push(stack, extension);
}
/* Frees the stack and every element. */
static inline void esa_sk_X509_EXTENSION_pop_free(STACK_OF(X509_EXTENSION) *stack) {
    sk_X509_EXTENSION_pop_free(stack, X509_EXTENSION_free);
}

/* ---- PKCS#12 ---- */

static inline int esa_PKCS12_mac_present(const PKCS12 *p12) { return PKCS12_mac_present(p12); }

/* ---- constants that are macros with casts ---- */

static inline unsigned long esa_XN_FLAG_ONELINE(void) { return XN_FLAG_ONELINE; }

/*
 * Finds the first encryption algorithm in a PKCS#12 file that this process cannot use (its cipher
 * cannot be fetched from the loaded providers) and writes its name into `buffer`. Returns 1 when
 * one was found, 0 otherwise. Reads PKCS7 / X509_ALGOR fields, which Swift cannot reach easily.
 */
static inline int esa_algorithm_is_usable(const X509_ALGOR *algorithm, char *buffer, int length) {
    const ASN1_OBJECT *object = NULL;
    X509_ALGOR_get0(&object, NULL, NULL, algorithm);
    int nid = OBJ_obj2nid(object);
    int cipher_nid = NID_undef;
    const ASN1_OBJECT *named = object;
    PBE2PARAM *pbes2 = NULL;
    if (nid == NID_pbes2) {
        pbes2 = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), algorithm->parameter);
        if (pbes2 == NULL || pbes2->encryption == NULL) {
            PBE2PARAM_free(pbes2);
            OBJ_obj2txt(buffer, length, object, 0);
            return 0;
        }
        named = pbes2->encryption->algorithm;
        cipher_nid = OBJ_obj2nid(named);
    } else if (!EVP_PBE_find(EVP_PBE_TYPE_OUTER, nid, &cipher_nid, NULL, NULL)) {
        OBJ_obj2txt(buffer, length, object, 0);
        return 0;
    }
    int usable = 1;
    if (cipher_nid != NID_undef) {
        EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, OBJ_nid2sn(cipher_nid), NULL);
        usable = cipher != NULL;
        EVP_CIPHER_free(cipher);
    } else if (nid == NID_pbes2) {
        usable = 0;
    }
    OBJ_obj2txt(buffer, length, named, 0);
    PBE2PARAM_free(pbes2);
    ERR_clear_error();
    return usable;
}

static inline int esa_PKCS12_find_unusable_algorithm(PKCS12 *p12, char *buffer, int length) {
    int found = 0;
    STACK_OF(PKCS7) *safes = PKCS12_unpack_authsafes(p12);
    if (safes == NULL) {
        return 0;
    }
    for (int i = 0; i < sk_PKCS7_num(safes) && !found; i++) {
        PKCS7 *safe = sk_PKCS7_value(safes, i);
        int type = OBJ_obj2nid(safe->type);
        if (type == NID_pkcs7_encrypted) {
            if (safe->d.encrypted != NULL && safe->d.encrypted->enc_data != NULL) {
                found = !esa_algorithm_is_usable(safe->d.encrypted->enc_data->algorithm, buffer, length);
            }
        } else if (type == NID_pkcs7_data) {
            STACK_OF(PKCS12_SAFEBAG) *bags = PKCS12_unpack_p7data(safe);
            for (int j = 0; bags != NULL && j < sk_PKCS12_SAFEBAG_num(bags) && !found; j++) {
                const PKCS12_SAFEBAG *bag = sk_PKCS12_SAFEBAG_value(bags, j);
                if (PKCS12_SAFEBAG_get_nid(bag) == NID_pkcs8ShroudedKeyBag) {
                    const X509_ALGOR *algorithm = NULL;
                    X509_SIG_get0(PKCS12_SAFEBAG_get0_pkcs8(bag), &algorithm, NULL);
                    found = algorithm != NULL && !esa_algorithm_is_usable(algorithm, buffer, length);
                }
            }
            sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
        }
    }
    sk_PKCS7_pop_free(safes, PKCS7_free);
    ERR_clear_error();
    return found;
}

/*
 * The iteration count of a password-based encryption algorithm (PBES2 with PBKDF2, or a PKCS#12 /
 * PKCS#5 v1 PBE), read without deriving anything: 0 when there is none, LONG_MAX when it does not
 * fit a long.
 */
static inline long esa_pbe_iterations(const X509_ALGOR *algorithm) {
    const ASN1_OBJECT *object = NULL;
    X509_ALGOR_get0(&object, NULL, NULL, algorithm);
    long iterations = 0;
    const ASN1_INTEGER *count = NULL;
    if (OBJ_obj2nid(object) == NID_pbes2) {
        PBE2PARAM *pbes2 = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), algorithm->parameter);
        if (pbes2 != NULL && pbes2->keyfunc != NULL && OBJ_obj2nid(pbes2->keyfunc->algorithm) == NID_id_pbkdf2) {
            PBKDF2PARAM *kdf = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM), pbes2->keyfunc->parameter);
            if (kdf != NULL && kdf->iter != NULL) {
                iterations = ASN1_INTEGER_get(kdf->iter);
                if (iterations < 0) iterations = LONG_MAX;
            }
            PBKDF2PARAM_free(kdf);
        }
        PBE2PARAM_free(pbes2);
    } else {
        PBEPARAM *pbe = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBEPARAM), algorithm->parameter);
        if (pbe != NULL && pbe->iter != NULL) {
            count = pbe->iter;
            iterations = ASN1_INTEGER_get(count);
            if (iterations < 0) iterations = LONG_MAX;
        }
        PBEPARAM_free(pbe);
    }
    ERR_clear_error();
    return iterations;
}

/*
 * The largest iteration count a PKCS#12 file asks for (its MAC, its encrypted safes, its shrouded
 * key bags), found before any key is derived, so that a file asking for millions is refused at once.
 */
static inline long esa_PKCS12_max_iterations(PKCS12 *p12) {
    long most = 0;
    if (PKCS12_mac_present(p12)) {
        const ASN1_INTEGER *mac_iterations = NULL;
        PKCS12_get0_mac(NULL, NULL, NULL, &mac_iterations, p12);
        if (mac_iterations != NULL) {
            long count = ASN1_INTEGER_get(mac_iterations);
            most = count < 0 ? LONG_MAX : count;
        }
    }
    STACK_OF(PKCS7) *safes = PKCS12_unpack_authsafes(p12);
    for (int i = 0; safes != NULL && i < sk_PKCS7_num(safes); i++) {
        PKCS7 *safe = sk_PKCS7_value(safes, i);
        int type = OBJ_obj2nid(safe->type);
        if (type == NID_pkcs7_encrypted) {
            if (safe->d.encrypted != NULL && safe->d.encrypted->enc_data != NULL) {
                long count = esa_pbe_iterations(safe->d.encrypted->enc_data->algorithm);
                if (count > most) most = count;
            }
        } else if (type == NID_pkcs7_data) {
            STACK_OF(PKCS12_SAFEBAG) *bags = PKCS12_unpack_p7data(safe);
            for (int j = 0; bags != NULL && j < sk_PKCS12_SAFEBAG_num(bags); j++) {
                const PKCS12_SAFEBAG *bag = sk_PKCS12_SAFEBAG_value(bags, j);
                if (PKCS12_SAFEBAG_get_nid(bag) == NID_pkcs8ShroudedKeyBag) {
                    const X509_ALGOR *algorithm = NULL;
                    X509_SIG_get0(PKCS12_SAFEBAG_get0_pkcs8(bag), &algorithm, NULL);
                    long count = algorithm == NULL ? 0 : esa_pbe_iterations(algorithm);
                    if (count > most) most = count;
                }
            }
            sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
        }
    }
    sk_PKCS7_pop_free(safes, PKCS7_free);
    ERR_clear_error();
    return most;
}

/* ---- CRLs: STACK_OF(X509_REVOKED), STACK_OF(X509_CRL) ---- */

static inline int esa_sk_X509_REVOKED_num(const STACK_OF(X509_REVOKED) *stack) { return sk_X509_REVOKED_num(stack); }
/* Borrowed element. */
static inline X509_REVOKED *esa_sk_X509_REVOKED_value(const STACK_OF(X509_REVOKED) *stack, int index) {
    return sk_X509_REVOKED_value(stack, index);
}
static inline STACK_OF(X509_CRL) *esa_sk_X509_CRL_new_null(void) { return sk_X509_CRL_new_null(); }
/* The stack borrows the pushed CRL until it is freed with esa_sk_X509_CRL_free. */
static inline int esa_sk_X509_CRL_push(STACK_OF(X509_CRL) *stack, X509_CRL *crl) { return sk_X509_CRL_push(stack, crl); }
/* Frees the stack without touching its elements. */
static inline void esa_sk_X509_CRL_free(STACK_OF(X509_CRL) *stack) { sk_X509_CRL_free(stack); }

/* ---- TLS sessions (tlsverify's client; the test servers) ---- */

static inline long esa_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}
/* The context takes its own reference on the certificate. */
static inline long esa_SSL_CTX_add1_chain_cert(SSL_CTX *context, X509 *certificate) {
    return SSL_CTX_add1_chain_cert(context, certificate);
}

#endif
