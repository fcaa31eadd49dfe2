/*
 * failmalloc.c: a shim for LD_PRELOAD that makes the Nth malloc, calloc or
 * realloc of an orderlint process fail (tests/alloc-fail-cli.sh), as
 * tests/check_alloc.c does for the library alone. FAILMALLOC_AT=N picks
 * the call (counted from the shim's start, over all threads);
 * FAILMALLOC_COUNT=PATH writes the number of calls made to PATH at exit.
 * Only a process whose name has "orderlint" in it is touched, so that a
 * libtool wrapper script runs as it is. Needs glibc (__libc_malloc).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);

static long fail_at = -1;
static long calls;
static int armed;

__attribute__((constructor)) static void start(void)
{
    const char *at = getenv("FAILMALLOC_AT");

    if (!strstr(program_invocation_short_name, "orderlint"))
        return;
    if (at)
        fail_at = strtol(at, NULL, 10);
    armed = 1;
}

__attribute__((destructor)) static void finish(void)
{
    const char *path = getenv("FAILMALLOC_COUNT");
    char text[32];
    int fd, n;

    if (!armed || !path)
        return;
    n = snprintf(text, sizeof text, "%ld\n", __atomic_load_n(&calls, __ATOMIC_RELAXED));
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        if (write(fd, text, (size_t)n) != n)
            n = 0;
        close(fd);
    }
}

static int fails(void)
{
    if (!armed || __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED) != fail_at)
        return 0;
    errno = ENOMEM;
    return 1;
}

void *malloc(size_t size) { return fails() ? NULL : __libc_malloc(size); }
void *calloc(size_t n, size_t size) { return fails() ? NULL : __libc_calloc(n, size); }
void *realloc(void *p, size_t size) { return fails() ? NULL : __libc_realloc(p, size); }
