/*
 * COpenSSL shim: the OpenSSL 3 headers used by OpenSSLSupport, plus fixed-arity static inline
 * wrappers for the macros and variadic functions that Swift cannot import (OPENSSL_free,
 * BIO_get_mem_data, EVP_PKEY_Q_keygen, the sk_TYPE_* stack macros, ...).
 * Declarations and one-line forwards only: logic lives in Swift (OpenSSLSupport), where it is
 * type-checked, tested and visible to the release build's whole-module optimisation.
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
