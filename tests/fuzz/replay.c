/*
 * replay.c: a main() for a libFuzzer target without libFuzzer, so that
 * `make check` runs the fuzz corpus (the crashers found, and seeds) on
 * every build, with whatever sanitizers that build has.
 *
 *   replay FILE|DIR...
 *
 * Each FILE, and each regular file in each DIR and below (in name order),
 * is one input, handed to LLVMFuzzerTestOneInput as it is. A target
 * reports a failure by aborting; replay says which input it was replaying
 * first. Exit status 0, or 2 when an input cannot be read.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t replayed;

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL, *p;
    size_t len = 0, cap = 0, got;

    if (!f) {
        perror(path);
        return -1;
    }
    do {
        if (cap - len < 65536) {
            cap = cap ? 2 * cap : 65536;
            p = realloc(data, cap);
            if (!p) {
                fprintf(stderr, "%s: out of memory\n", path);
                free(data);
                fclose(f);
                return -1;
            }
            data = p;
        }
        got = fread(data + len, 1, cap - len, f);
        len += got;
    } while (got > 0);
    if (ferror(f)) {
        perror(path);
        free(data);
        fclose(f);
        return -1;
    }
    fclose(f);
    /* an exact-size copy, so that a read past the end is caught */
    p = malloc(len ? len : 1);
    if (!p) {
        free(data);
        return -1;
    }
    memcpy(p, data, len);
    free(data);
    fprintf(stderr, "replay: %s\n", path);
    LLVMFuzzerTestOneInput(p, len);
    free(p);
    replayed++;
    return 0;
}

static int compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay(const char *path);

static int replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    int rc = 0;

    if (!d) {
        perror(dir);
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        size_t len;
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **v = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof(*v));
            if (!v)
                break;
            names = v;
        }
        len = strlen(dir) + strlen(e->d_name) + 2;
        names[n] = malloc(len);
        if (!names[n])
            break;
        snprintf(names[n++], len, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof(*names), compare);
    for (i = 0; i < n; i++) {
        if (replay(names[i]) != 0)
            rc = -1;
        free(names[i]);
    }
    free(names);
    return rc;
}

static int replay(const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0) {
        perror(path);
        return -1;
    }
    if (S_ISDIR(st.st_mode))
        return replay_dir(path);
    return S_ISREG(st.st_mode) ? replay_file(path) : 0;
}

int main(int argc, char **argv)
{
    int i, rc = 0;

    if (argc < 2) {
        fputs("usage: replay FILE|DIR...\n", stderr);
        return 2;
    }
    for (i = 1; i < argc; i++) {
        if (replay(argv[i]) != 0)
            rc = 2;
    }
    printf("replay: %zu inputs, no failure\n", replayed);
    return rc;
}
