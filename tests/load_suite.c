/*
 * load_suite.c: every file of JSONTestSuite (tests/json-test-suite/:
 * test_parsing/ and test_transform/, MIT-licensed data) through the loader
 * of the text path and through json_loadb, its reference (load_compare.c):
 * the same verdict, the same tree, and offsets that read back as the values
 * and keys they place. Run by `make check`.
 *
 *   load_suite [DIR]   (default: $top_srcdir/tests/json-test-suite)
 *
 * The names say what the suite expects (y_ accept, n_ reject, i_ either);
 * orderlint follows jansson, not the suite, so a file where jansson departs
 * from a y_ or n_ is listed, not failed. Exit status 0 when the loaders
 * agree on every file, 1 when not, 2 when the files cannot be read.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_compare.h"

typedef struct tally {
    size_t files, accepted, rejected, offsets, differ;
    size_t nul_dropped;
    size_t departs; /* from the suite's y_ or n_ */
} tally;

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (data = malloc((size_t)n + 1)) != NULL) {
        *len = fread(data, 1, (size_t)n, f);
        if (*len != (size_t)n) {
            free(data);
            data = NULL;
        }
    }
    fclose(f);
    return data;
}

static void one_file(const char *dir, const char *name, tally *t)
{
    char path[8192];
    size_t len = 0;
    char *data;
    lc_result res;
    const char *why;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    data = read_file(path, &len);
    if (!data) {
        perror(path);
        exit(2);
    }
    why = lc_compare(data, len, &res);
    t->files++;
    if (why) {
        printf("load_suite: %s: %s (loader: %s)\n", path, why,
               res.error[0] ? res.error : "read it");
        t->differ++;
    }
    t->accepted += res.accepted;
    t->rejected += !res.accepted;
    t->offsets += res.offsets;
    t->nul_dropped += res.nul_dropped;
    if (name[1] == '_' &&
        ((name[0] == 'y' && !res.accepted) || (name[0] == 'n' && res.accepted))) {
        printf("load_suite: %s: jansson %s it (the suite: %s), %s\n", name,
               res.accepted ? "reads" : "rejects", name[0] == 'y' ? "accept" : "reject",
               res.nul_dropped ? "the loader rejects it (a NUL byte jansson drops)"
                               : "and so does the loader");
        t->departs++;
    }
    free(data);
}

static size_t one_dir(const char *top, const char *sub, tally *t)
{
    char dir[4096];
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;

    snprintf(dir, sizeof(dir), "%s/%s", top, sub);
    d = opendir(dir);
    if (!d) {
        perror(dir);
        exit(2);
    }
    while ((e = readdir(d)) != NULL) {
        size_t k = strlen(e->d_name);
        if (k < 5 || strcmp(e->d_name + k - 5, ".json") != 0)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            names = realloc(names, cap * sizeof(*names));
            if (!names)
                exit(2);
        }
        if (!(names[n++] = strdup(e->d_name)))
            exit(2);
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof(*names), by_name);
    for (i = 0; i < n; i++) {
        one_file(dir, names[i], t);
        free(names[i]);
    }
    free(names);
    return n;
}

int main(int argc, char **argv)
{
    char dflt[4096];
    const char *top = getenv("top_srcdir"), *dir = argv[1];
    tally t;
    size_t parsing, transform;

    if (argc < 2) {
        snprintf(dflt, sizeof(dflt), "%s/tests/json-test-suite", top ? top : "..");
        dir = dflt;
    }
    memset(&t, 0, sizeof(t));
    parsing = one_dir(dir, "test_parsing", &t);
    transform = one_dir(dir, "test_transform", &t);
    printf("load_suite: %zu files (test_parsing %zu, test_transform %zu): %zu read and "
           "%zu rejected by json_loadb; the loader %s (%zu values and keys placed and "
           "read back), but for %zu with a NUL byte that jansson drops and the loader "
           "rejects on purpose; jansson departs from the suite's y_/n_ on %zu\n",
           t.files, parsing, transform, t.accepted, t.rejected,
           t.differ ? "DIFFERS" : "agrees on every one", t.offsets, t.nul_dropped,
           t.departs);
    if (parsing == 0 || transform == 0)
        return 2;
    return t.differ ? 1 : 0;
}
