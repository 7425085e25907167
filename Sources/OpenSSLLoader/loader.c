/* Opens libcrypto on the first call of a libcrypto function, libssl on the first call of a libssl one
 * (see openssl_loader.h). */
#include "loader.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* libcrypto is opened for the first libcrypto function, libssl (which needs libcrypto) for the first
 * libssl one: a run that hashes, seals or reads certificates but makes no TLS session (a commit)
 * never maps libssl. Each once, under pthread_once (esa-serve's threads may race for it). */
static pthread_once_t cryptoOnce = PTHREAD_ONCE_INIT;
static pthread_once_t sslOnce = PTHREAD_ONCE_INIT;
static char cryptoFailure[512];
static char sslFailure[512];

/* `cannot load KIND (NAME): REASON`, the reason without the loader's own `NAME: ` prefix. */
static const char *describe(const char *kind, const char *name, char *buffer, size_t size) {
    const char *reason = dlerror();
    if (reason == NULL) reason = "unknown error";
    size_t length = strlen(name);
    if (strncmp(reason, name, length) == 0 && strncmp(reason + length, ": ", 2) == 0) reason += length + 2;
    snprintf(buffer, size, "cannot load %s (%s): %s", kind, name, reason);
    return buffer;
}

/* The slots of the functions one library defines. */
static void fill(void *library, int inSSL) {
    for (int index = 0; index < esa_openssl_function_count; index++) {
        const struct esa_openssl_symbol *symbol = &esa_openssl_symbols[index];
        if (symbol->inSSL == inSSL) esa_openssl_slots[index] = dlsym(library, symbol->name);
    }
}

static void loadCrypto(void) {
    void *crypto = dlopen(ESA_LIBCRYPTO, RTLD_NOW | RTLD_LOCAL);
    if (crypto == NULL) {
        describe("libcrypto", ESA_LIBCRYPTO, cryptoFailure, sizeof cryptoFailure);
        return;
    }
    fill(crypto, 0);
}

static void loadSSL(void) {
    void *ssl = dlopen(ESA_LIBSSL, RTLD_NOW | RTLD_LOCAL);
    if (ssl == NULL) {
        describe("libssl", ESA_LIBSSL, sslFailure, sizeof sslFailure);
        return;
    }
    fill(ssl, 1);
}

static const char *cryptoError(void) {
    pthread_once(&cryptoOnce, loadCrypto);
    return cryptoFailure[0] == 0 ? NULL : cryptoFailure;
}

static const char *sslError(void) {
    const char *error = cryptoError();
    if (error != NULL) return error;
    pthread_once(&sslOnce, loadSSL);
    return sslFailure[0] == 0 ? NULL : sslFailure;
}

const char *esa_openssl_load_error(void) { return sslError(); }

const char *esa_openssl_library_error(const char *kind, const char *name, char *buffer, size_t size) {
    void *handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) return describe(kind, name, buffer, size);
    dlclose(handle);
    return NULL;
}

/* One line on standard error, then exit: the caller cannot go on without the function. */
static void fail(const char *line) {
    char message[640];
    int length = snprintf(message, sizeof message, "esa: %s\n", line);
    if (length > (int)sizeof message - 1) length = (int)sizeof message - 1;
    ssize_t written = write(2, message, (size_t)length);
    (void)written;
    _exit(2);
}

void *esa_openssl_function(int index) {
    const struct esa_openssl_symbol *symbol = &esa_openssl_symbols[index];
    const char *error = symbol->inSSL ? sslError() : cryptoError();
    if (error != NULL) fail(error);
    void *function = esa_openssl_slots[index];
    if (function == NULL) {
        char line[256];
        snprintf(line, sizeof line, "cannot load %s (%s): the function %s is missing",
                 symbol->inSSL ? "libssl" : "libcrypto", symbol->inSSL ? ESA_LIBSSL : ESA_LIBCRYPTO, symbol->name);
        fail(line);
    }
    return function;
}
