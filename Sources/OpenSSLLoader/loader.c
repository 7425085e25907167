/* Opens libcrypto and libssl on the first call of an OpenSSL function (see openssl_loader.h). */
#include "loader.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[512];

/* `cannot load KIND (NAME): REASON`, the reason without the loader's own `NAME: ` prefix. */
static const char *describe(const char *kind, const char *name, char *buffer, size_t size) {
    const char *reason = dlerror();
    if (reason == NULL) reason = "unknown error";
    size_t length = strlen(name);
    if (strncmp(reason, name, length) == 0 && strncmp(reason + length, ": ", 2) == 0) reason += length + 2;
    snprintf(buffer, size, "cannot load %s (%s): %s", kind, name, reason);
    return buffer;
}

static void load(void) {
    void *crypto = dlopen(ESA_LIBCRYPTO, RTLD_NOW | RTLD_LOCAL);
    if (crypto == NULL) {
        describe("libcrypto", ESA_LIBCRYPTO, failure, sizeof failure);
        return;
    }
    void *ssl = dlopen(ESA_LIBSSL, RTLD_NOW | RTLD_LOCAL);
    if (ssl == NULL) {
        describe("libssl", ESA_LIBSSL, failure, sizeof failure);
        return;
    }
    for (int index = 0; index < esa_openssl_function_count; index++) {
        const struct esa_openssl_symbol *symbol = &esa_openssl_symbols[index];
        esa_openssl_slots[index] = dlsym(symbol->inSSL ? ssl : crypto, symbol->name);
    }
}

const char *esa_openssl_load_error(void) {
    pthread_once(&once, load);
    return failure[0] == 0 ? NULL : failure;
}

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
    const char *error = esa_openssl_load_error();
    if (error != NULL) fail(error);
    void *function = esa_openssl_slots[index];
    if (function == NULL) {
        char line[256];
        const struct esa_openssl_symbol *symbol = &esa_openssl_symbols[index];
        snprintf(line, sizeof line, "cannot load %s (%s): the function %s is missing",
                 symbol->inSSL ? "libssl" : "libcrypto", symbol->inSSL ? ESA_LIBSSL : ESA_LIBCRYPTO, symbol->name);
        fail(line);
    }
    return function;
}
