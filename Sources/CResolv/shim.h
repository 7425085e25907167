/*
 * CResolv shim: the system resolver (glibc's libresolv) for tlsverify's and hoststatus's MX lookups.
 * `struct __res_state` does not import into Swift, so the query runs here with a private state
 * (res_nsearch, not the thread-unsafe global res_search). Only TLSClient imports this module.
 */
#ifndef ESA_CRESOLV_SHIM_H
#define ESA_CRESOLV_SHIM_H

#include <netinet/in.h>
#include <arpa/nameser.h>
#include <resolv.h>
#include <netdb.h>
#include <string.h>

/* Searches `name` for records of `type` (class IN) as /etc/resolv.conf says. Returns the answer's
 * length, or -1 with *error set to the resolver's h_errno (HOST_NOT_FOUND, NO_DATA, TRY_AGAIN, ...). */
static inline int esa_res_search(const char *name, int type, unsigned char *answer, int length, int *error) {
    struct __res_state state;
    memset(&state, 0, sizeof state);
    if (res_ninit(&state) != 0) {
        *error = NETDB_INTERNAL;
        return -1;
    }
    int count = res_nsearch(&state, name, ns_c_in, type, answer, length);
    *error = count < 0 ? state.res_h_errno : 0;
    res_nclose(&state);
    return count;
}

#endif
