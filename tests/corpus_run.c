/*
 * corpus_run.c: replay the data-driven cases of corpus/ against the built-in
 * rule table, through the public API only (orderlint.h).
 *
 *   corpus_run CASE_DIR...     run the cases (a directory holding input.json
 *                              is a case; any other directory is searched
 *                              for cases, recursively, in name order)
 *   corpus_run --print CASE_DIR
 *                              print the dump of one case, for debugging
 *                              (never to write an expectation with)
 *
 * A case is a directory with
 *   input.json   the payload, bytes as they are;
 *   kind         optional, one line: the payload kind (default create-session);
 *   options      optional, lines "max_bytes N" and "max_depth N": the case is
 *                checked with a ruleset made with these limits (so that a
 *                limit can be tested without a 16 MiB file);
 *   session.json, authorized.json, order.json
 *                optional: the context documents (ol_context's session,
 *                authorized and order), read with jansson;
 *   context      optional, lines "session_id VALUE", "token VALUE",
 *                "created_at N", "authorized_at N", "now N": the ids of the
 *                request path and the times (N: whole seconds since the
 *                epoch). VALUE is the rest of the line after one space, as it
 *                is (it may be empty), or, when it starts with a double quote,
 *                a JSON string (for values with characters a line cannot
 *                show: "\t", a trailing space);
 *   expected     the dump below, exactly;
 *   why          optional prose, not read here.
 *
 * The dump:
 *   valid true|false
 *   answer CODE HTTP | answer none
 *   message M                       (one per Klarna error_message, in order)
 *   finding SEVERITY RULE POINTER LINE:COL KLARNA_MESSAGE
 *     detail MESSAGE                (two spaces)
 * The root pointer is written "".
 *
 * Exit status: 0 when every case passed, 1 when one failed, 2 on a usage or
 * setup error.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "orderlint.h"

/* ---- small helpers ------------------------------------------------------- */

typedef struct buf {
    char *data;
    size_t len, cap;
} buf;

static void die_oom(void)
{
    fputs("corpus_run: out of memory\n", stderr);
    exit(2);
}

static void buf_add(buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *p;
        while (cap < b->len + n + 1)
            cap *= 2;
        p = realloc(b->data, cap);
        if (!p)
            die_oom();
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void buf_puts(buf *b, const char *s) { buf_add(b, s, strlen(s)); }

static void buf_printf(buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    char small[512];
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        buf_add(b, small, (size_t)n);
        return;
    }
    {
        char *big = malloc((size_t)n + 1);
        if (!big)
            die_oom();
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        buf_add(b, big, (size_t)n);
        free(big);
    }
}

static char *path_join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *p = malloc(la + lb + 2);

    if (!p)
        die_oom();
    memcpy(p, a, la);
    p[la] = '/';
    memcpy(p + la + 1, b, lb + 1);
    return p;
}

/* Read a whole file; NULL when it does not exist or cannot be read. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    buf b = {NULL, 0, 0};
    char chunk[8192];
    size_t n;

    if (!f)
        return NULL;
    buf_add(&b, "", 0);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_add(&b, chunk, n);
    if (ferror(f)) {
        fclose(f);
        free(b.data);
        return NULL;
    }
    fclose(f);
    if (len)
        *len = b.len;
    return b.data;
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* ---- lines --------------------------------------------------------------- */

typedef struct lines {
    char **v;
    size_t n, cap;
} lines;

static void lines_push(lines *l, const char *s, size_t n)
{
    char *copy;

    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **v = realloc(l->v, cap * sizeof(*v));
        if (!v)
            die_oom();
        l->v = v;
        l->cap = cap;
    }
    copy = malloc(n + 1);
    if (!copy)
        die_oom();
    memcpy(copy, s, n);
    copy[n] = '\0';
    l->v[l->n++] = copy;
}

/* Split text into lines (a final newline does not make an empty last line;
 * a CR before the LF is dropped, so that a checkout with CRLF still reads). */
static void lines_split(lines *l, const char *text, size_t len)
{
    size_t start = 0, i;

    for (i = 0; i < len; i++) {
        if (text[i] == '\n') {
            size_t end = i;
            if (end > start && text[end - 1] == '\r')
                end--;
            lines_push(l, text + start, end - start);
            start = i + 1;
        }
    }
    if (start < len)
        lines_push(l, text + start, len - start);
    /* trailing empty lines carry no meaning */
    while (l->n && l->v[l->n - 1][0] == '\0')
        free(l->v[--l->n]);
}

static void lines_free(lines *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* ---- the dump ------------------------------------------------------------ */

/* Messages are one line in the dump: a newline inside one is written \n. */
static void put_one_line(buf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '\n')
            buf_puts(b, "\\n");
        else if (*s == '\r')
            buf_puts(b, "\\r");
        else
            buf_add(b, s, 1);
    }
}

static void dump_report(buf *out, const ol_report *r)
{
    size_t i, n;
    const char *code = ol_report_error_code(r);

    buf_printf(out, "valid %s\n", ol_report_valid(r) ? "true" : "false");
    if (code)
        buf_printf(out, "answer %s %d\n", code, ol_report_http_status(r));
    else
        buf_puts(out, "answer none\n");
    n = ol_report_message_count(r);
    for (i = 0; i < n; i++) {
        buf_puts(out, "message ");
        put_one_line(out, ol_report_message(r, i));
        buf_puts(out, "\n");
    }
    n = ol_report_count(r);
    for (i = 0; i < n; i++) {
        const ol_finding *f = ol_report_get(r, i);
        buf_printf(out, "finding %s %s %s %d:%d ", ol_severity_name(f->severity), f->rule,
                   f->pointer[0] ? f->pointer : "\"\"", f->line, f->column);
        put_one_line(out, f->klarna_message);
        buf_puts(out, "\n  detail ");
        put_one_line(out, f->message);
        buf_puts(out, "\n");
    }
    if (ol_report_dropped(r))
        buf_printf(out, "dropped %zu\n", ol_report_dropped(r));
}

/* The ruleset of a case with an options file: the built-in table with the
 * limits it names. NULL (with the reason in out) when the file is wrong. */
static ol_ruleset *case_ruleset(const char *path, const char *text, buf *out)
{
    ol_options opts = OL_OPTIONS_INIT;
    ol_ruleset *rs = NULL;
    ol_error_t err = OL_ERROR_INIT;
    const char *p = text;

    while (*p) {
        char name[32];
        unsigned long long value;
        int used = 0;
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (!*p)
            break;
        if (sscanf(p, "%31s %llu%n", name, &value, &used) != 2) {
            buf_printf(out, "%s: expected lines \"max_bytes N\" or \"max_depth N\"\n",
                       path);
            return NULL;
        }
        if (strcmp(name, "max_bytes") == 0)
            opts.max_bytes = (size_t)value;
        else if (strcmp(name, "max_depth") == 0)
            opts.max_depth = (size_t)value;
        else {
            buf_printf(out, "%s: unknown option \"%s\"\n", path, name);
            return NULL;
        }
        p += used;
    }
    if (ol_ruleset_new(&rs, &opts, &err) != OL_OK) {
        buf_printf(out, "%s: ol_ruleset_new failed: %s\n", path, err.text);
        return NULL;
    }
    return rs;
}

/* ---- the context of a case ------------------------------------------------ */

/* What a case's context owns: the documents and the id strings. */
typedef struct case_ctx {
    ol_context ctx;
    json_t *session, *authorized, *order;
    char *session_id, *token;
} case_ctx;

static void case_ctx_free(case_ctx *c)
{
    json_decref(c->session);
    json_decref(c->authorized);
    json_decref(c->order);
    free(c->session_id);
    free(c->token);
}

/* Load dir/name into *out when the file exists. 0, or -1 (reason in out). */
static int load_doc(const char *dir, const char *name, json_t **doc, buf *out)
{
    char *path = path_join(dir, name);
    json_error_t jerr;
    int rc = 0;

    if (is_file(path)) {
        *doc = json_load_file(path, 0, &jerr);
        if (!*doc) {
            buf_printf(out, "%s:%d:%d: %s\n", path, jerr.line, jerr.column, jerr.text);
            rc = -1;
        }
    }
    free(path);
    return rc;
}

/* A value of the context file: the rest of the line, or a JSON string. */
static char *context_value(const char *s, const char *path, buf *out)
{
    char *v;

    if (*s == '"') {
        json_error_t jerr;
        json_t *j = json_loads(s, JSON_DECODE_ANY, &jerr);
        if (!j || !json_is_string(j)) {
            buf_printf(out, "%s: not a JSON string: %s\n", path, s);
            json_decref(j);
            return NULL;
        }
        v = strdup(json_string_value(j));
        json_decref(j);
    } else {
        v = strdup(s);
    }
    if (!v)
        die_oom();
    return v;
}

static int context_time(int64_t *t, const char *s, const char *path, buf *out)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (!*s || *end || errno) {
        buf_printf(out, "%s: expected an integer number of seconds, found \"%s\"\n", path,
                   s);
        return -1;
    }
    *t = (int64_t)v;
    return 0;
}

/* Read the context of a case (its documents and its context file). Returns
 * 0 and sets *used when the case has one, -1 when a file is wrong. */
static int load_context(case_ctx *c, const char *dir, int *used, buf *out)
{
    ol_context init = OL_CONTEXT_INIT;
    char *path = path_join(dir, "context");
    char *text = NULL;
    lines l = {NULL, 0, 0};
    size_t i;
    int rc = -1;

    memset(c, 0, sizeof(*c));
    c->ctx = init;
    *used = 0;
    if (load_doc(dir, "session.json", &c->session, out) != 0 ||
        load_doc(dir, "authorized.json", &c->authorized, out) != 0 ||
        load_doc(dir, "order.json", &c->order, out) != 0)
        goto done;
    text = read_file(path, NULL);
    if (text) {
        lines_split(&l, text, strlen(text));
        for (i = 0; i < l.n; i++) {
            char *line = l.v[i], *sp = strchr(line, ' ');
            const char *value = sp ? sp + 1 : "";
            char **id = NULL;
            int64_t *t = NULL;
            if (sp)
                *sp = '\0';
            if (!*line)
                continue;
            if (strcmp(line, "session_id") == 0)
                id = &c->session_id;
            else if (strcmp(line, "token") == 0)
                id = &c->token;
            else if (strcmp(line, "created_at") == 0)
                t = &c->ctx.created_at;
            else if (strcmp(line, "authorized_at") == 0)
                t = &c->ctx.authorized_at;
            else if (strcmp(line, "now") == 0)
                t = &c->ctx.now;
            if ((id && *id) || (t && *t != OL_TIME_UNSET) || (!id && !t)) {
                buf_printf(out, "%s: unknown or repeated line \"%s\"\n", path, line);
                goto done;
            }
            if (id && !(*id = context_value(value, path, out)))
                goto done;
            if (t && context_time(t, value, path, out) != 0)
                goto done;
        }
    }
    c->ctx.session = c->session;
    c->ctx.authorized = c->authorized;
    c->ctx.order = c->order;
    c->ctx.session_id = c->session_id;
    c->ctx.token = c->token;
    *used = text || c->session || c->authorized || c->order;
    rc = 0;
done:
    lines_free(&l);
    free(text);
    free(path);
    return rc;
}

/* Run one case; the dump goes to out. Returns 0, or -1 when the case cannot
 * be run (the reason is in out). */
static int run_case(const ol_ruleset *rs, const char *dir, buf *out)
{
    char *input_path = path_join(dir, "input.json");
    char *kind_path = path_join(dir, "kind");
    char *options_path = path_join(dir, "options");
    char *json = NULL, *kind_text = NULL, *options_text = NULL;
    size_t len = 0;
    ol_kind kind = OL_KIND_CREATE_SESSION;
    ol_report *report = NULL;
    ol_ruleset *own = NULL;
    ol_error_t err = OL_ERROR_INIT;
    case_ctx cc;
    int has_ctx = 0;
    int rc = -1;

    memset(&cc, 0, sizeof(cc));
    json = read_file(input_path, &len);
    if (!json) {
        buf_printf(out, "cannot read %s: %s\n", input_path, strerror(errno));
        goto done;
    }
    kind_text = read_file(kind_path, NULL);
    if (kind_text) {
        char *s = kind_text, *e;
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        e = s + strlen(s);
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
            *--e = '\0';
        if (ol_kind_parse(&kind, s) != OL_OK) {
            buf_printf(out, "%s: unknown kind \"%s\"\n", kind_path, s);
            goto done;
        }
    }
    options_text = read_file(options_path, NULL);
    if (options_text) {
        own = case_ruleset(options_path, options_text, out);
        if (!own)
            goto done;
        rs = own;
    }
    if (load_context(&cc, dir, &has_ctx, out) != 0)
        goto done;
    if (ol_check_buffer(&report, rs, kind, json, len, has_ctx ? &cc.ctx : NULL, &err) !=
        OL_OK) {
        buf_printf(out, "ol_check_buffer failed: %s (%s)\n", ol_strerror(err.code),
                   err.text);
        goto done;
    }
    dump_report(out, report);
    rc = 0;
done:
    ol_report_free(report);
    ol_ruleset_free(own);
    case_ctx_free(&cc);
    free(json);
    free(kind_text);
    free(options_text);
    free(input_path);
    free(kind_path);
    free(options_path);
    return rc;
}

/* ---- comparing ----------------------------------------------------------- */

/* Print a line diff of expected (a) against actual (b): the longest common
 * subsequence, with "-" for lines only expected and "+" for lines only
 * actual. Cases are small, so the quadratic table is fine. */
static void print_diff(const lines *a, const lines *b)
{
    size_t n = a->n, m = b->n, i, j;
    size_t *t = calloc((n + 1) * (m + 1), sizeof(*t));

    if (!t)
        die_oom();
#define T(i, j) t[(i) * (m + 1) + (j)]
    for (i = n; i-- > 0;) {
        for (j = m; j-- > 0;) {
            if (strcmp(a->v[i], b->v[j]) == 0)
                T(i, j) = T(i + 1, j + 1) + 1;
            else
                T(i, j) = T(i + 1, j) > T(i, j + 1) ? T(i + 1, j) : T(i, j + 1);
        }
    }
    printf("--- expected\n+++ actual\n");
    i = j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && strcmp(a->v[i], b->v[j]) == 0) {
            printf(" %s\n", a->v[i]);
            i++;
            j++;
        } else if (j < m && (i == n || T(i, j + 1) >= T(i + 1, j))) {
            printf("+%s\n", b->v[j]);
            j++;
        } else {
            printf("-%s\n", a->v[i]);
            i++;
        }
    }
#undef T
    free(t);
}

static int compare_case(const ol_ruleset *rs, const char *dir)
{
    char *expected_path = path_join(dir, "expected");
    size_t elen = 0;
    char *expected = read_file(expected_path, &elen);
    buf actual = {NULL, 0, 0};
    lines a = {NULL, 0, 0}, b = {NULL, 0, 0};
    int ok = 0;
    size_t i;

    buf_add(&actual, "", 0);
    if (run_case(rs, dir, &actual) != 0) {
        printf("FAIL %s\n  %s", dir, actual.data);
        goto done;
    }
    if (!expected) {
        printf("FAIL %s\n  no expected file (%s)\n", dir, expected_path);
        goto done;
    }
    lines_split(&a, expected, elen);
    lines_split(&b, actual.data, actual.len);
    ok = a.n == b.n;
    for (i = 0; ok && i < a.n; i++)
        ok = strcmp(a.v[i], b.v[i]) == 0;
    if (!ok) {
        printf("FAIL %s\n", dir);
        print_diff(&a, &b);
    }
done:
    lines_free(&a);
    lines_free(&b);
    free(actual.data);
    free(expected);
    free(expected_path);
    return ok;
}

/* ---- finding the cases ---------------------------------------------------- */

typedef struct names {
    char **v;
    size_t n, cap;
} names;

static void names_push(names *l, char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char **v = realloc(l->v, cap * sizeof(*v));
        if (!v)
            die_oom();
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = s;
}

static int name_cmp(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Collect the case directories at or under dir, in name order. */
static int collect(const char *dir, names *cases)
{
    char *input = path_join(dir, "input.json");
    DIR *d;
    struct dirent *e;
    names subs = {NULL, 0, 0};
    size_t i;
    int rc = 0;

    if (is_file(input)) {
        free(input);
        names_push(cases, strdup(dir));
        return 0;
    }
    free(input);
    d = opendir(dir);
    if (!d) {
        fprintf(stderr, "corpus_run: cannot open %s: %s\n", dir, strerror(errno));
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        char *sub;
        if (e->d_name[0] == '.')
            continue;
        sub = path_join(dir, e->d_name);
        if (is_dir(sub))
            names_push(&subs, sub);
        else
            free(sub);
    }
    closedir(d);
    if (subs.n > 1) /* qsort must not get a NULL array */
        qsort(subs.v, subs.n, sizeof(*subs.v), name_cmp);
    for (i = 0; i < subs.n; i++) {
        if (collect(subs.v[i], cases) != 0)
            rc = -1;
        free(subs.v[i]);
    }
    free(subs.v);
    return rc;
}

/* ---- main ---------------------------------------------------------------- */

static void usage(void)
{
    fputs("usage: corpus_run CASE_DIR...\n"
          "       corpus_run --print CASE_DIR\n",
          stderr);
}

int main(int argc, char **argv)
{
    ol_ruleset *rs = NULL;
    ol_error_t err = OL_ERROR_INIT;
    names cases = {NULL, 0, 0};
    size_t i, passed = 0, failed = 0;
    int a;

    if (argc < 2) {
        usage();
        return 2;
    }
    if (ol_ruleset_new(&rs, NULL, &err) != OL_OK) {
        fprintf(stderr, "corpus_run: the built-in rules do not load: %s:%d:%d: %s\n",
                err.source, err.line, err.column, err.text);
        return 2;
    }
    if (strcmp(argv[1], "--print") == 0) {
        buf out = {NULL, 0, 0};
        int rc;
        if (argc != 3) {
            usage();
            ol_ruleset_free(rs);
            return 2;
        }
        buf_add(&out, "", 0);
        rc = run_case(rs, argv[2], &out);
        fputs(out.data, stdout);
        free(out.data);
        ol_ruleset_free(rs);
        return rc == 0 ? 0 : 2;
    }
    for (a = 1; a < argc; a++) {
        if (collect(argv[a], &cases) != 0) {
            ol_ruleset_free(rs);
            return 2;
        }
    }
    for (i = 0; i < cases.n; i++) {
        if (compare_case(rs, cases.v[i]))
            passed++;
        else
            failed++;
        free(cases.v[i]);
    }
    free(cases.v);
    ol_ruleset_free(rs);
    printf("corpus: %zu passed, %zu failed\n", passed, failed);
    if (cases.n == 0) {
        fputs("corpus_run: no cases found\n", stderr);
        return 1;
    }
    return failed ? 1 : 0;
}
