/* libcrypto and libssl, opened with dlopen on first use (Docs/Architecture.md, "Libraries loaded on
 * first use"): `esa` has no DT_NEEDED on either, and a run that calls no OpenSSL function (an idle
 * session, `esa -c version`) never maps them. This target defines every OpenSSL function the project
 * calls under OpenSSL's own name (forwards.c, generated), each calling the library's function through a
 * pointer looked up once with dlsym. */
#ifndef ESA_OPENSSL_LOADER_H
#define ESA_OPENSSL_LOADER_H

#include <stddef.h>

/* The shared objects, as the dynamic loader looks them up. */
#define ESA_LIBCRYPTO "libcrypto.so.3"
#define ESA_LIBSSL "libssl.so.3"

/* Loads libcrypto and libssl now (once per process): NULL when they are loaded, otherwise the one-line
 * reason, e.g. `cannot load libcrypto (libcrypto.so.3): cannot open shared object file: No such file or
 * directory`. When an OpenSSL function is called and they cannot be loaded, `esa: ` and that line go to
 * standard error and the process exits with status 2. */
const char *esa_openssl_load_error(void);

/* Whether `name` (a library of `kind`, "libcrypto" or "libssl") can be loaded: NULL when it can (it
 * is closed again), otherwise the reason as above, written into `buffer`. For tests. */
const char *esa_openssl_library_error(const char *kind, const char *name, char *buffer, size_t size);

#endif
