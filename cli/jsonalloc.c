/*
 * jsonalloc.c: the allocator the command line gives jansson.
 *
 * A checked document is a tree of a few hundred small blocks (objects,
 * their hash tables, strings, numbers), made and freed by one checking
 * thread. glibc's malloc keeps only seven freed blocks of a size in a
 * thread's own cache; past that, every malloc and free of a tree goes to an
 * arena, under its lock once the process has threads. Here each thread
 * keeps the small blocks it frees, by size class, up to
 * CLI_JSONALLOC_CACHE_BYTES, and takes them back first: no lock, no atomic
 * operation, and the same blocks for the next document.
 *
 * The library is not involved: it allocates with malloc, and leaves
 * jansson's allocator to the program (json_set_alloc_funcs is one setting
 * for the whole process). A server that links liborderlint may do the same
 * as this file, or not.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "cli.h"

#define GRAIN 16   /* the classes are 16, 32, ..., CLASSES * GRAIN bytes */
#define CLASSES 32 /* larger blocks go straight to malloc and free */

/* Right before every block, a header that holds its class, or CLASSES for
 * a large one. A small block follows its header at once, so that it is
 * aligned as the header is, to 8 bytes on a 64-bit machine, not 16: what
 * jansson's values need (the union holds each kind of member they have),
 * and with 8 bytes less in front of it malloc rounds a small block 16 bytes
 * smaller (a json_t of an integer takes 48 bytes of the heap, not 64). A
 * large block starts LARGE_HEADER bytes into its allocation, so that it is
 * aligned as malloc's are, with its header right before it all the same. */
typedef union header {
    size_t cls;
    void *pointer;
    long long integer;
    double real;
} header;

#define LARGE_HEADER                                                                     \
    (sizeof(max_align_t) > sizeof(header) ? sizeof(max_align_t) : sizeof(header))

typedef struct free_block {
    struct free_block *next;
} free_block;

typedef struct cache {
    free_block *head[CLASSES];
    size_t bytes; /* of the blocks in the lists, headers included */
} cache;

/* Each thread's own: the state of this file, and never shared. */
static _Thread_local cache thread_cache;
static _Thread_local int reading; /* see cli_jsonalloc_reading */

static size_t class_bytes(size_t cls) { return sizeof(header) + (cls + 1) * GRAIN; }

static header *header_of(void *block) { return (header *)block - 1; }

static void *block_of(size_t size)
{
    size_t cls = size ? (size - 1) / GRAIN : 0;
    cache *c = &thread_cache;
    char *h, *block;

    if (cls >= CLASSES) {
        if (size > SIZE_MAX - LARGE_HEADER)
            return NULL;
        h = malloc(LARGE_HEADER + size);
        if (!h)
            return NULL;
        block = h + LARGE_HEADER;
        cls = CLASSES;
    } else if (c->head[cls]) {
        free_block *b = c->head[cls];

        c->head[cls] = b->next;
        c->bytes -= class_bytes(cls);
        return b; /* its header still holds cls */
    } else {
        h = malloc(class_bytes(cls));
        if (!h)
            return NULL;
        block = h + sizeof(header);
    }
    header_of(block)->cls = cls;
    return block;
}

void *cli_json_alloc(size_t size)
{
    void *block = block_of(size);

    if (!block && reading) { /* what stdout holds is dropped: the run failed */
        fputs("orderlint: out of memory\n", stderr);
        _Exit(CLI_EXIT_TROUBLE);
    }
    return block;
}

void cli_jsonalloc_reading(int on) { reading = on; }

void cli_json_release(void *p)
{
    cache *c = &thread_cache;
    free_block *b = p;
    size_t cls;

    if (!p)
        return;
    cls = header_of(p)->cls;
    if (cls >= CLASSES) {
        free((char *)p - LARGE_HEADER);
        return;
    }
    if (c->bytes + class_bytes(cls) > CLI_JSONALLOC_CACHE_BYTES) {
        free(header_of(p));
        return;
    }
    b->next = c->head[cls];
    c->head[cls] = b;
    c->bytes += class_bytes(cls);
}

/* Under AddressSanitizer, jansson keeps malloc: a block kept for reuse
 * would hide a use after free from it. */
#if defined(__SANITIZE_ADDRESS__)
#define OL_KEEP_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OL_KEEP_MALLOC 1
#endif
#endif

void cli_jsonalloc_install(void)
{
#ifndef OL_KEEP_MALLOC
    json_set_alloc_funcs(cli_json_alloc, cli_json_release);
#endif
}

void cli_jsonalloc_thread_end(void)
{
    cache *c = &thread_cache;
    size_t i;

    for (i = 0; i < CLASSES; i++) {
        while (c->head[i]) {
            free_block *b = c->head[i];

            c->head[i] = b->next;
            free(header_of(b));
        }
    }
    c->bytes = 0;
}

size_t cli_jsonalloc_cached(void) { return thread_cache.bytes; }
