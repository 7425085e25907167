/* Shared by loader.c and the generated forwards.c. */
#ifndef ESA_OPENSSL_LOADER_PRIVATE_H
#define ESA_OPENSSL_LOADER_PRIVATE_H

/* The C library's headers first, so that its functions keep their default visibility. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* The forwarding functions stay inside the binary that links them: never exported, so libcrypto's
 * and libssl's own calls of each other never come back through them. */
#pragma GCC visibility push(hidden)
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
#pragma GCC visibility pop

#include "openssl_loader.h"

#define ESA_FORWARD __attribute__((visibility("hidden")))

struct esa_openssl_symbol {
    const char *name;
    int inSSL; /* defined by libssl (else libcrypto) */
};

/* The functions (forwards.c), and their addresses in the libraries once loaded. */
extern const struct esa_openssl_symbol esa_openssl_symbols[];
extern const int esa_openssl_function_count;
extern void *esa_openssl_slots[];

/* The library function `index` of esa_openssl_symbols, loading the libraries on first use; never
 * returns when it cannot be had (see openssl_loader.h). */
void *esa_openssl_function(int index);

#endif
