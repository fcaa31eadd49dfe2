/*
 * sysalloc.c: the allocator of the library, the C library's. Every
 * allocation of lib/ comes here (PCRE2's too, through the general context
 * of ruleset.c); jansson's goes through its own, which the caller owns.
 *
 * Kept alone in its file so that a test can link libolcore with an
 * allocator of its own in place of this one (tests/check_alloc.c).
 */
#include <stdlib.h>

#include "ol_private.h"

void *olp_malloc(size_t size) { return malloc(size ? size : 1); }

void *olp_calloc(size_t n, size_t size) { return calloc(n ? n : 1, size ? size : 1); }

void *olp_realloc(void *p, size_t size) { return realloc(p, size ? size : 1); }

void olp_free(void *p) { free(p); }
