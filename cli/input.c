/*
 * input.c: the operands. A file is read whole and checked as one document,
 * or streamed line by line when it is NDJSON; a directory is searched for
 * such files; "-" is standard input. The documents go to cli_submit
 * (jobs.c), which reports them in input order.
 */
#define _POSIX_C_SOURCE 200809L /* lstat, opendir */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define STDIN_NAME "<stdin>"

/* A list of file names found under a directory. */
typedef struct names {
    char **v;
    size_t n, cap;
} names;

/* ---- reading ------------------------------------------------------------ */

/* Make room for at least room more bytes past len in the buffer *data of
 * *cap bytes, doubling it (a first buffer holds room). Returns 0, or -1
 * (errno ENOMEM). */
static int reserve(char **data, size_t *cap, size_t len, size_t room)
{
    size_t want = *cap ? *cap : room;
    char *p;

    while (want - len < room) {
        if (want > ((size_t)-1) / 2) {
            errno = ENOMEM;
            return -1;
        }
        want *= 2;
    }
    if (want == *cap)
        return 0;
    p = realloc(*data, want);
    if (!p) {
        errno = ENOMEM;
        return -1;
    }
    *data = p;
    *cap = want;
    return 0;
}

/* The most bytes of one document kept in memory. Past the size limit the
 * library rejects a document unread, and seeing that takes max_bytes + 1
 * bytes after a byte-order mark (3) and before a line's "\r\n" (2); the
 * rest is read and dropped, so that a hostile input costs no more memory
 * than the limit, whatever its size. */
static size_t kept_bytes(const cli_run *run)
{
    size_t max = run->opts->limits.max_bytes;

    return max > (size_t)-1 - 6 ? (size_t)-1 : max + 6;
}

int cli_read_all(FILE *f, char **data, size_t *cap, size_t *len, size_t keep,
                 size_t *total)
{
    enum { CHUNK = 65536 };
    char drop[4096];
    size_t got;

    errno = 0;
    *len = *total = 0;
    do {
        if (*len < keep) {
            if (reserve(data, cap, *len, CHUNK))
                return -1;
            got = fread(*data + *len, 1, CHUNK, f);
            *len += got;
            if (*len > keep)
                *len = keep;
        } else {
            got = fread(drop, 1, sizeof(drop), f);
        }
        *total += got;
    } while (got > 0);
    if (ferror(f)) {
        if (errno == 0)
            errno = EIO;
        return -1;
    }
    return 0;
}

/* ---- checking ------------------------------------------------------------ */

/* JSON's whitespace (RFC 8259): a line of only these is not a document. */
static int is_blank(const char *s, size_t n)
{
    for (; n > 0; n--, s++) {
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            return 0;
    }
    return 1;
}

/* NDJSON is read in blocks straight from the file descriptor, each line
 * found in its block with memchr and checked where it lies: with one job a
 * line's bytes are never copied (with more, once, into the ring). A line
 * the block ends in the middle of is moved to the block's front and the
 * rest read after it. Only a line longer than a block, or than the size
 * limit, is gathered into a buffer of its own. A read(2) returns what a
 * pipe holds, so a line is checked as soon as it has come, and no stdio
 * buffer sits before the block: per byte through getc, reading a line cost
 * about a twentieth of its check. A block of 8 KiB holds three documents of
 * the benchmark's corpus (2.6 KB each); 64 KiB were no faster (16 KiB took
 * 0.983 of their CPU time), and took 56 KB more of the resident memory. */
#define READ_BLOCK 8192

typedef struct line_reader {
    int fd;
    char *block; /* READ_BLOCK bytes; [start, end) not yet taken */
    size_t start, end;
    /* Bytes from start already searched for a '\n' in vain: a line that
     * comes in small reads is searched once, not once for every read. */
    size_t scanned;
    int at_end;
    int error; /* the errno of a failed read, or 0 */
} line_reader;

/* Move what is left of the block to its front and read after it; the
 * block must not be full. Returns 0, or -1 at the end or on an error. */
static int fill_block(line_reader *r)
{
    size_t left = r->end - r->start;
    ssize_t got;

    if (left > 0 && r->start > 0)
        memmove(r->block, r->block + r->start, left);
    r->start = 0;
    r->end = left;
    do
        got = read(r->fd, r->block + left, READ_BLOCK - left);
    while (got < 0 && errno == EINTR);
    if (got <= 0) {
        r->at_end = 1;
        r->error = got < 0 ? errno : 0;
        return -1;
    }
    r->end += (size_t)got;
    return 0;
}

/* Append to *buf the part of n bytes at src that fits in keep. Returns 0,
 * or -1 when out of memory. */
static int keep_part(char **buf, size_t *cap, size_t *len, size_t keep, const char *src,
                     size_t n)
{
    size_t room = keep - *len;

    if (n > room)
        n = room;
    if (n == 0)
        return 0;
    if (reserve(buf, cap, *len, n) != 0)
        return -1;
    memcpy(*buf + *len, src, n);
    *len += n;
    return 0;
}

/* A line read into *buf a block at a time, keeping its first keep bytes
 * (see read_line). Returns 0, or -2 when out of memory. */
static int gather_line(line_reader *r, char **buf, size_t *cap, size_t keep, size_t *len,
                       size_t *consumed)
{
    *len = *consumed = 0;
    while (r->start < r->end || (!r->at_end && fill_block(r) == 0)) {
        const char *from = r->block + r->start;
        const char *nl = memchr(from, '\n', r->end - r->start);
        size_t n = nl ? (size_t)(nl - from) + 1 : r->end - r->start;

        if (keep_part(buf, cap, len, keep, from, n) != 0)
            return -2;
        *consumed += n;
        r->start += n;
        if (nl)
            break;
    }
    return 0;
}

/* Read one line, to its '\n' or the end: *text is its first *len bytes,
 * at most keep, and *consumed what was read. *text points into the block
 * or into *buf (grown as needed), and stays valid until the next call. A
 * line may hold NUL bytes. Returns 0, -1 at the end (or on a read error:
 * see r->error), -2 when out of memory. */
static int read_line(line_reader *r, char **buf, size_t *cap, size_t keep,
                     const char **text, size_t *len, size_t *consumed)
{
    int rc;

    for (;;) {
        const char *from = r->block + r->start;
        size_t left = r->end - r->start;
        const char *nl = memchr(from + r->scanned, '\n', left - r->scanned);
        size_t n = nl ? (size_t)(nl - from) + 1 : left;

        if ((nl || r->at_end) && n <= keep) {
            *text = from;
            *len = *consumed = n;
            r->start += n;
            r->scanned = 0;
            return n > 0 ? 0 : -1;
        }
        if (nl || r->at_end || left == READ_BLOCK)
            break;         /* past the limit, or longer than a block */
        r->scanned = left; /* the same bytes after fill_block's move */
        fill_block(r);
    }
    r->scanned = 0;
    rc = gather_line(r, buf, cap, keep, len, consumed);
    *text = *buf;
    return rc;
}

/* One document per line; "\r\n" ends a line too. The input is streamed:
 * a few lines in memory at a time (jobs.c), whatever the number of
 * documents. With one job each result is out before the next line is read
 * when the input is not a file (a filter in a pipeline); jobs.c does the
 * same with more. */
static void check_ndjson(cli_run *run, FILE *f, const char *source, ol_kind kind,
                         int interactive)
{
    char *buf = NULL;
    const char *text;
    size_t cap = 0, line = 0;
    cli_doc_in in = {source, 0, 0, kind, 0};
    size_t keep = kept_bytes(run), n, consumed;
    line_reader r = {fileno(f), malloc(READ_BLOCK), 0, 0, 0, 0, 0};
    int got = -2;

    while (r.block &&
           (got = read_line(&r, &buf, &cap, keep, &text, &n, &consumed)) == 0) {
        /* A line cut at the limit is past it, whatever its first bytes:
         * never a blank line, however many spaces it starts with. */
        int cut = consumed > n;

        line++;
        in.bytes += consumed;
        if (n > 0 && text[n - 1] == '\n')
            n--;
        if (n > 0 && text[n - 1] == '\r')
            n--;
        if (!cut && is_blank(text, n))
            continue;
        in.number++;
        in.first_line = line;
        cli_submit_text(run, &in, text, n);
        in.bytes = 0;
        if (interactive && !run->pool)
            fflush(stdout);
    }
    if (got == -2)
        cli_input_fail(run, "%s: out of memory", source);
    else if (r.error)
        cli_input_fail(run, "%s: %s", source, strerror(r.error));
    free(r.block);
    free(buf);
}

static int is_regular(FILE *f)
{
    struct stat st;

    return fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
}

static void check_stream(cli_run *run, FILE *f, const char *source, int ndjson)
{
    char *data = NULL;
    size_t cap = 0, len;
    /* what a file is checked as: --kind, or the configuration's globs */
    cli_doc_in in = {source, 1, 1, OL_KIND_CREATE_SESSION, 0};

    if (cli_config_kind(run->config, source, &in.kind) != 0) {
        cli_input_fail(run, "%s: out of memory", source);
        return;
    }
    if (ndjson) {
        check_ndjson(run, f, source, in.kind, !is_regular(f));
        return;
    }
    if (cli_read_all(f, &data, &cap, &len, kept_bytes(run), &in.bytes) != 0)
        cli_input_fail(run, "%s: %s", source, strerror(errno));
    else
        cli_submit(run, &in, &data, &cap, len);
    free(data);
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int is_ndjson_name(const char *path)
{
    return has_suffix(path, ".ndjson") || has_suffix(path, ".jsonl");
}

static void check_file(cli_run *run, const char *path)
{
    FILE *f = fopen(path, "rb");

    if (!f) {
        cli_input_fail(run, "%s: %s", path, strerror(errno));
        return;
    }
    check_stream(run, f, path, run->opts->ndjson || is_ndjson_name(path));
    fclose(f);
}

/* ---- directories --------------------------------------------------------- */

static int is_payload_name(const char *name)
{
    return has_suffix(name, ".json") || is_ndjson_name(name);
}

static int names_add(names *l, char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **v = realloc(l->v, cap * sizeof(*v));

        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = s;
    return 0;
}

static char *join_path(const char *dir, const char *name)
{
    size_t n = strlen(dir), m = strlen(name);
    size_t sep = n > 0 && dir[n - 1] == '/' ? 0 : 1;
    char *s = malloc(n + sep + m + 1);

    if (s) {
        memcpy(s, dir, n);
        s[n] = '/';
        memcpy(s + n + sep, name, m + 1);
    }
    return s;
}

static void collect_dir(cli_run *run, const char *dir, names *out);

enum entry { ENTRY_SKIP, ENTRY_DIR, ENTRY_PAYLOAD };

/* What to do with a directory entry. Symbolic links to files are followed,
 * to directories not (as grep -r does), so that a link cannot make the
 * walk loop. */
static enum entry entry_kind(cli_run *run, const char *path, const char *name)
{
    struct stat st;
    int is_link;

    if (lstat(path, &st) != 0) {
        cli_input_fail(run, "%s: %s", path, strerror(errno));
        return ENTRY_SKIP;
    }
    is_link = S_ISLNK(st.st_mode);
    if (is_link && stat(path, &st) != 0) {
        if (is_payload_name(name)) /* a payload we cannot read */
            cli_input_fail(run, "%s: %s", path, strerror(errno));
        return ENTRY_SKIP;
    }
    if (S_ISDIR(st.st_mode))
        return is_link ? ENTRY_SKIP : ENTRY_DIR;
    return S_ISREG(st.st_mode) && is_payload_name(name) ? ENTRY_PAYLOAD : ENTRY_SKIP;
}

/* Take path into the list or search it. Takes ownership of path. */
static void collect_entry(cli_run *run, char *path, const char *name, names *out)
{
    switch (entry_kind(run, path, name)) {
    case ENTRY_DIR:
        collect_dir(run, path, out);
        break;
    case ENTRY_PAYLOAD:
        if (names_add(out, path) == 0)
            return; /* the list owns path now */
        cli_input_fail(run, "out of memory");
        break;
    case ENTRY_SKIP:
        break;
    }
    free(path);
}

static void collect_dir(cli_run *run, const char *dir, names *out)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (!d) {
        cli_input_fail(run, "%s: %s", dir, strerror(errno));
        return;
    }
    for (;;) {
        char *path;

        errno = 0; /* readdir returns NULL both at the end and on an error */
        e = readdir(d);
        if (!e) {
            if (errno != 0)
                cli_input_fail(run, "%s: %s", dir, strerror(errno));
            break;
        }
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        path = join_path(dir, e->d_name);
        if (!path) {
            cli_input_fail(run, "out of memory");
            break;
        }
        collect_entry(run, path, e->d_name, out);
    }
    closedir(d);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every payload file under dir, in strcmp order of their paths. */
static void check_dir(cli_run *run, const char *dir)
{
    names l = {NULL, 0, 0};
    size_t i;

    collect_dir(run, dir, &l);
    if (l.n > 1)
        qsort(l.v, l.n, sizeof(*l.v), compare_names);
    for (i = 0; i < l.n; i++) {
        check_file(run, l.v[i]);
        free(l.v[i]);
    }
    free(l.v);
}

void cli_check_operand(cli_run *run, const char *operand)
{
    struct stat st;

    if (strcmp(operand, "-") == 0)
        check_stream(run, stdin, STDIN_NAME, run->opts->ndjson);
    else if (stat(operand, &st) != 0)
        cli_input_fail(run, "%s: %s", operand, strerror(errno));
    else if (S_ISDIR(st.st_mode))
        check_dir(run, operand);
    else
        check_file(run, operand);
}

/* The size of one operand when it is a regular file, else -1. */
static double operand_size(const char *operand)
{
    struct stat st;
    int rc = strcmp(operand, "-") == 0 ? fstat(STDIN_FILENO, &st) : stat(operand, &st);

    return rc == 0 && S_ISREG(st.st_mode) ? (double)st.st_size : -1;
}

double cli_input_size(const cli_options *o)
{
    double total = 0;
    size_t i;

    if (o->noperands == 0)
        return operand_size("-") > 0 ? operand_size("-") : 0;
    for (i = 0; i < o->noperands; i++) {
        double n = operand_size(o->operands[i]);

        if (n < 0)
            return 0; /* a directory or a pipe: not known in advance */
        total += n;
    }
    return total;
}
