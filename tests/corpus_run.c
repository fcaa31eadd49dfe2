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
 *   corpus_run --cli PROGRAM CASE_DIR...
 *                              run the cases through the command line
 *                              instead: PROGRAM --format=json with the
 *                              case's kind and context as options; the dump
 *                              is made from its output, and its exit status
 *                              must be 0 for a valid document, 1 for a
 *                              rejected one; a case's rule files are
 *                              --rules options, its limits --max-bytes=N
 *                              and the like. A case with max_findings is
 *                              skipped (the json format does not count
 *                              what it drops), and counted as such.
 *
 * A case is a directory with
 *   input.json   the payload, bytes as they are; or
 *   input.gen    the recipe of a payload too big to commit, lines
 *                "text S" (a JSON string), "repeat N S", "bytes HEX";
 *   kind         optional, one line: the payload kind (default create-session);
 *   options      optional, lines "LIMIT N", LIMIT a member of ol_options
 *                (max_bytes, max_depth, max_findings, regex_match_limit,
 *                regex_depth_limit): the case is checked with a ruleset
 *                made with these limits (so that a limit can be tested
 *                without a 16 MiB file); lines
 *                "rules FILE": a rule file of the case, loaded after the
 *                built-in table (a merchant's own rules and tables);
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

/* ---- lists of strings ------------------------------------------------------ */

/* Strings, each owned by the list, kept NULL-terminated so that a list can
 * be an argv: the lines of a file, the case directories, a command line. */
typedef struct strv {
    char **v;
    size_t n, cap;
} strv;

/* Append s (NULL: out of memory), which the list now owns. */
static void strv_push(strv *l, char *s)
{
    if (!s)
        die_oom();
    if (l->n + 1 >= l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **v = realloc(l->v, cap * sizeof(*v));
        if (!v)
            die_oom();
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = s;
    l->v[l->n] = NULL;
}

/* Append a copy of the n bytes at s. */
static void strv_push_copy(strv *l, const char *s, size_t n)
{
    char *copy = malloc(n + 1);

    if (!copy)
        die_oom();
    memcpy(copy, s, n);
    copy[n] = '\0';
    strv_push(l, copy);
}

/* Split text into lines (a final newline does not make an empty last line;
 * a CR before the LF is dropped, so that a checkout with CRLF still reads). */
static void lines_split(strv *l, const char *text, size_t len)
{
    size_t start = 0, i;

    for (i = 0; i < len; i++) {
        if (text[i] == '\n') {
            size_t end = i;
            if (end > start && text[end - 1] == '\r')
                end--;
            strv_push_copy(l, text + start, end - start);
            start = i + 1;
        }
    }
    if (start < len)
        strv_push_copy(l, text + start, len - start);
    /* trailing empty lines carry no meaning */
    while (l->n && l->v[l->n - 1][0] == '\0') {
        free(l->v[--l->n]);
        l->v[l->n] = NULL;
    }
}

static void strv_free(strv *l)
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

/* What a case's options file says: limits, and rule files to load. */
typedef struct case_options {
    ol_options limits;
    int has_limits;
    strv rules; /* paths of the rule files, from the case directory */
} case_options;

/* The limit of ol_options called name set to n: 1, or 0 for an unknown name. */
static int set_limit(ol_options *o, const char *name, unsigned long long n)
{
    if (strcmp(name, "max_bytes") == 0)
        o->max_bytes = (size_t)n;
    else if (strcmp(name, "max_depth") == 0)
        o->max_depth = (size_t)n;
    else if (strcmp(name, "max_findings") == 0)
        o->max_findings = (size_t)n;
    else if (strcmp(name, "regex_match_limit") == 0 && n <= UINT32_MAX)
        o->regex_match_limit = (uint32_t)n;
    else if (strcmp(name, "regex_depth_limit") == 0 && n <= UINT32_MAX)
        o->regex_depth_limit = (uint32_t)n;
    else
        return 0;
    return 1;
}

/* Read dir/options, lines "LIMIT N" (a member of ol_options: max_bytes,
 * max_depth, max_findings, regex_match_limit, regex_depth_limit) and
 * "rules FILE" (a rule file of the case directory, loaded after the
 * built-in table). No file is no options. 0, or -1 (the reason in out). */
static int read_options(const char *dir, case_options *o, buf *out)
{
    char *path = path_join(dir, "options");
    char *text = read_file(path, NULL);
    strv l = {NULL, 0, 0};
    ol_options init = OL_OPTIONS_INIT;
    size_t i;
    int rc = 0;

    memset(o, 0, sizeof(*o));
    o->limits = init;
    if (text)
        lines_split(&l, text, strlen(text));
    for (i = 0; i < l.n && rc == 0; i++) {
        char name[32], value[256];
        unsigned long long n;
        if (sscanf(l.v[i], "%31s %255s", name, value) != 2) {
            rc = -1;
        } else if (strcmp(name, "rules") == 0) {
            strv_push(&o->rules, path_join(dir, value));
        } else if (sscanf(value, "%llu", &n) == 1 && set_limit(&o->limits, name, n)) {
            o->has_limits = 1;
        } else {
            rc = -1;
        }
    }
    if (rc != 0)
        buf_printf(out,
                   "%s: expected lines \"LIMIT N\" (max_bytes, max_depth, max_findings, "
                   "regex_match_limit, regex_depth_limit) or \"rules FILE\"\n",
                   path);
    strv_free(&l);
    free(text);
    free(path);
    return rc;
}

/* The ruleset of a case with options: the built-in table with its limits
 * and its rule files. NULL (with the reason in out) when one is wrong. */
static ol_ruleset *case_ruleset(const case_options *o, buf *out)
{
    ol_ruleset *rs = NULL;
    ol_error_t err = OL_ERROR_INIT;
    size_t i;

    if (ol_ruleset_new(&rs, &o->limits, &err) != OL_OK) {
        buf_printf(out, "ol_ruleset_new failed: %s\n", err.text);
        return NULL;
    }
    for (i = 0; i < o->rules.n; i++) {
        if (ol_ruleset_add_file(rs, o->rules.v[i], &err) != OL_OK) {
            buf_printf(out, "%s:%d:%d: %s\n", err.source, err.line, err.column, err.text);
            ol_ruleset_free(rs);
            return NULL;
        }
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
    strv l = {NULL, 0, 0};
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
    strv_free(&l);
    free(text);
    free(path);
    return rc;
}

/* The kind of a case: its kind file, else create-session. 0, or -1 (the
 * reason in out). */
static int read_kind(const char *dir, ol_kind *kind, buf *out)
{
    char *kind_path = path_join(dir, "kind");
    char *text = read_file(kind_path, NULL);
    int rc = 0;

    *kind = OL_KIND_CREATE_SESSION;
    if (text) {
        char *s = text, *e;
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        e = s + strlen(s);
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
            *--e = '\0';
        if (ol_kind_parse(kind, s) != OL_OK) {
            buf_printf(out, "%s: unknown kind \"%s\"\n", kind_path, s);
            rc = -1;
        }
    }
    free(text);
    free(kind_path);
    return rc;
}

/* ---- generated inputs ------------------------------------------------------ */

/* One line of input.gen: "text S" appends the JSON string S (UTF-8, \u0000
 * included), "repeat N S" appends it N times, "bytes HEX" appends raw bytes
 * (for texts that are not UTF-8). 0, or -1 when the line is none of these. */
static int gen_line(buf *b, const char *line)
{
    unsigned long long n = 1, k;
    const char *s = line;
    json_t *j;

    if (strncmp(line, "bytes ", 6) == 0) {
        for (s = line + 6; s[0] && s[1]; s += 2) {
            unsigned int byte;
            char c;
            if (sscanf(s, "%2x", &byte) != 1)
                return -1;
            c = (char)byte;
            buf_add(b, &c, 1);
        }
        return *s ? -1 : 0;
    }
    if (strncmp(line, "repeat ", 7) == 0) {
        char *end;
        n = strtoull(line + 7, &end, 10);
        if (end == line + 7 || *end != ' ')
            return -1;
        s = end + 1;
    } else if (strncmp(line, "text ", 5) == 0) {
        s = line + 5;
    } else {
        return -1;
    }
    j = json_loads(s, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (!json_is_string(j)) {
        json_decref(j);
        return -1;
    }
    for (k = 0; k < n; k++)
        buf_add(b, json_string_value(j), json_string_length(j));
    json_decref(j);
    return 0;
}

/* The input of a case: input.json as it is, or the text input.gen makes
 * (so that a megabyte is not committed). NULL, the reason in out, when
 * there is neither or input.gen is wrong. */
static char *read_input(const char *dir, size_t *len, buf *out)
{
    char *path = path_join(dir, "input.json"), *text;
    strv l = {NULL, 0, 0};
    buf b = {NULL, 0, 0};
    size_t i;

    text = read_file(path, len);
    free(path);
    if (text)
        return text;
    path = path_join(dir, "input.gen");
    text = read_file(path, NULL);
    if (!text) {
        buf_printf(out, "cannot read %s/input.json or %s: %s\n", dir, path,
                   strerror(errno));
        free(path);
        return NULL;
    }
    lines_split(&l, text, strlen(text));
    buf_add(&b, "", 0);
    for (i = 0; i < l.n; i++) {
        if (l.v[i][0] && l.v[i][0] != '#' && gen_line(&b, l.v[i]) != 0) {
            buf_printf(out,
                       "%s:%zu: expected \"text S\", \"repeat N S\" or \"bytes HEX\"\n",
                       path, i + 1);
            free(b.data);
            b.data = NULL;
            break;
        }
    }
    strv_free(&l);
    free(text);
    free(path);
    *len = b.len;
    return b.data;
}

/* A case's input in a file the command line can read: input.json itself,
 * or a temporary file with the text of input.gen (*tmp set: remove it). */
static char *input_file(const char *dir, int *tmp, buf *out)
{
    char *path = path_join(dir, "input.json"), *text;
    char name[] = "/tmp/corpus_run.XXXXXX";
    size_t len;
    FILE *f;
    int fd;

    *tmp = 0;
    if (is_file(path))
        return path;
    free(path);
    text = read_input(dir, &len, out);
    if (!text)
        return NULL;
    fd = mkstemp(name);
    f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
        buf_printf(out, "cannot write %s: %s\n", name, strerror(errno));
        free(text);
        return NULL;
    }
    free(text);
    *tmp = 1;
    path = strdup(name);
    if (!path)
        die_oom();
    return path;
}

/* Run one case; the dump goes to out. Returns 0, or -1 when the case cannot
 * be run (the reason is in out). */
static int run_case(const ol_ruleset *rs, const char *dir, buf *out)
{
    char *json = NULL;
    case_options opts;
    size_t len = 0;
    ol_kind kind;
    ol_report *report = NULL;
    ol_ruleset *own = NULL;
    ol_error_t err = OL_ERROR_INIT;
    case_ctx cc;
    int has_ctx = 0;
    int rc = -1;

    memset(&cc, 0, sizeof(cc));
    memset(&opts, 0, sizeof(opts));
    json = read_input(dir, &len, out);
    if (!json)
        goto done;
    if (read_kind(dir, &kind, out) != 0)
        goto done;
    if (read_options(dir, &opts, out) != 0)
        goto done;
    if (opts.has_limits || opts.rules.n) {
        own = case_ruleset(&opts, out);
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
    strv_free(&opts.rules);
    free(json);
    return rc;
}

/* ---- through the command line --------------------------------------------- */

static char *concat(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *p = malloc(la + lb + 1);

    if (!p)
        die_oom();
    memcpy(p, a, la);
    memcpy(p + la, b, lb + 1);
    return p;
}

/* --NAME=FILE when the case has the context document FILE. */
static void push_doc_option(strv *w, const char *dir, const char *file,
                            const char *option)
{
    char *path = path_join(dir, file);

    if (is_file(path))
        strv_push(w, concat(option, path));
    free(path);
}

/* --NAME=TIME, the time in RFC 3339, when the case gives it. */
static int push_time_option(strv *w, const char *option, int64_t t, buf *out)
{
    char text[64];
    time_t tt = (time_t)t;
    struct tm tm;

    if (t == OL_TIME_UNSET)
        return 0;
    if ((int64_t)tt != t || !gmtime_r(&tt, &tm) ||
        !strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm)) {
        buf_printf(out, "%s: the time %lld has no RFC 3339 form here\n", option,
                   (long long)t);
        return -1;
    }
    strv_push(w, concat(option, text));
    return 0;
}

/* --LIMIT=N when the case's options set it (0: not set). */
static void push_limit(strv *w, const char *option, unsigned long long n)
{
    char text[32];

    if (n == 0)
        return;
    snprintf(text, sizeof(text), "%llu", n);
    strv_push(w, concat(option, text));
}

/* The command line of a case: PROGRAM --format=json --kind=K, the context
 * as options, the input. 0, or -1 (the reason in out). */
static int cli_words(strv *w, const char *program, const char *dir, const char *input,
                     const case_options *opts, buf *out)
{
    case_ctx cc;
    ol_kind kind;
    size_t i;
    int has_ctx, rc = -1;

    if (read_kind(dir, &kind, out) != 0)
        return -1;
    if (load_context(&cc, dir, &has_ctx, out) != 0)
        goto done;
    strv_push(w, strdup(program));
    strv_push(w, strdup("--format=json"));
    strv_push(w, concat("--kind=", ol_kind_name(kind)));
    push_doc_option(w, dir, "session.json", "--session=");
    push_doc_option(w, dir, "authorized.json", "--authorized=");
    push_doc_option(w, dir, "order.json", "--order=");
    if (cc.session_id)
        strv_push(w, concat("--session-id=", cc.session_id));
    if (cc.token)
        strv_push(w, concat("--token=", cc.token));
    if (push_time_option(w, "--created-at=", cc.ctx.created_at, out) != 0 ||
        push_time_option(w, "--authorized-at=", cc.ctx.authorized_at, out) != 0 ||
        push_time_option(w, "--now=", cc.ctx.now, out) != 0)
        goto done;
    for (i = 0; i < opts->rules.n; i++)
        strv_push(w, concat("--rules=", opts->rules.v[i]));
    push_limit(w, "--max-bytes=", opts->limits.max_bytes);
    push_limit(w, "--max-depth=", opts->limits.max_depth);
    push_limit(w, "--max-findings=", opts->limits.max_findings);
    push_limit(w, "--regex-match-limit=", opts->limits.regex_match_limit);
    push_limit(w, "--regex-depth-limit=", opts->limits.regex_depth_limit);
    strv_push(w, strdup(input));
    rc = 0;
done:
    case_ctx_free(&cc);
    return rc;
}

/* Read all of fd into b. */
static void read_all(int fd, buf *b)
{
    char chunk[8192];
    ssize_t n;

    while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        buf_add(b, chunk, (size_t)n);
    }
}

/* Run argv; its stdout into *so, its stderr into *se. The exit status, or
 * -1 when it did not exit normally. */
static int spawn(char *const argv[], buf *so, buf *se)
{
    int out_pipe[2];
    FILE *err = tmpfile();
    pid_t pid;
    int status;

    if (!err || pipe(out_pipe) != 0) {
        if (err)
            fclose(err);
        return -1;
    }
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        dup2(out_pipe[1], STDOUT_FILENO);
        dup2(fileno(err), STDERR_FILENO);
        close(out_pipe[0]);
        close(out_pipe[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(out_pipe[1]);
    if (pid > 0)
        read_all(out_pipe[0], so);
    close(out_pipe[0]);
    if (pid < 0 || waitpid(pid, &status, 0) != pid) {
        fclose(err);
        return -1;
    }
    rewind(err);
    read_all(fileno(err), se);
    fclose(err);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static const char *jtext(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* The dump of a document object of --format=json: the same lines as
 * dump_report() writes from a report. */
static void dump_document(buf *out, const json_t *doc)
{
    const json_t *v;
    size_t i;

    buf_printf(out, "valid %s\n",
               json_is_true(json_object_get(doc, "valid")) ? "true" : "false");
    if (json_is_string(json_object_get(doc, "error_code")))
        buf_printf(out, "answer %s %lld\n", jtext(doc, "error_code"),
                   (long long)json_integer_value(json_object_get(doc, "http_status")));
    else
        buf_puts(out, "answer none\n");
    json_array_foreach(json_object_get(doc, "error_messages"), i, v)
    {
        buf_puts(out, "message ");
        put_one_line(out, json_string_value(v));
        buf_puts(out, "\n");
    }
    json_array_foreach(json_object_get(doc, "findings"), i, v)
    {
        const char *pointer = jtext(v, "pointer");
        buf_printf(out, "finding %s %s %s %lld:%lld ", jtext(v, "severity"),
                   jtext(v, "rule"), pointer[0] ? pointer : "\"\"",
                   (long long)json_integer_value(json_object_get(v, "line")),
                   (long long)json_integer_value(json_object_get(v, "column")));
        put_one_line(out, jtext(v, "klarna_message"));
        buf_puts(out, "\n  detail ");
        put_one_line(out, jtext(v, "message"));
        buf_puts(out, "\n");
    }
}

/* What the command line must also get right, beyond the dump: one document
 * line then the summary, the document named by its source and numbered 1,
 * its kind, and the exit status of its verdict. */
static void check_cli_frame(buf *out, const strv *l, const json_t *doc, const strv *w,
                            int status)
{
    const char *input = w->v[w->n - 1];
    int valid = json_is_true(json_object_get(doc, "valid"));

    if (l->n != 2 || !strstr(l->v[1], "{\"summary\":"))
        buf_printf(out,
                   "cli: expected a document line and a summary line, found %zu lines\n",
                   l->n);
    if (strcmp(jtext(doc, "source"), input) != 0 ||
        json_integer_value(json_object_get(doc, "document")) != 1)
        buf_printf(out, "cli: expected source \"%s\", document 1\n", input);
    if (strcmp(jtext(doc, "kind"), w->v[2] + strlen("--kind=")) != 0)
        buf_printf(out, "cli: expected kind %s, found \"%s\"\n",
                   w->v[2] + strlen("--kind="), jtext(doc, "kind"));
    if (status != (valid ? 0 : 1))
        buf_printf(out, "cli: expected exit status %d, found %d\n", valid ? 0 : 1,
                   status);
}

/* Run one case through the command line; the dump goes to out. 0, 1 when
 * the case cannot be run so (max_findings, whose count the json format
 * does not show), -1 on failure (the reason in out). */
static int run_case_cli(const char *program, const char *dir, buf *out)
{
    case_options opts;
    strv w = {NULL, 0, 0};
    buf so = {NULL, 0, 0}, se = {NULL, 0, 0};
    strv l = {NULL, 0, 0};
    json_t *doc = NULL;
    char *input = NULL;
    int status, tmp = 0, rc = -1;

    buf_add(&so, "", 0);
    buf_add(&se, "", 0);
    if (read_options(dir, &opts, out) != 0)
        goto done;
    if (opts.limits.max_findings) {
        rc = 1;
        goto done;
    }
    input = input_file(dir, &tmp, out);
    if (!input || cli_words(&w, program, dir, input, &opts, out) != 0)
        goto done;
    status = spawn(w.v, &so, &se);
    lines_split(&l, so.data, so.len);
    doc = l.n ? json_loads(l.v[0], 0, NULL) : NULL;
    if (status < 0 || !json_is_object(doc)) {
        buf_printf(out, "%s exited with %d, printing:\n%s%s", program, status, so.data,
                   se.data);
        goto done;
    }
    dump_document(out, doc);
    check_cli_frame(out, &l, doc, &w, status);
    rc = 0;
done:
    json_decref(doc);
    if (tmp)
        remove(input);
    free(input);
    strv_free(&l);
    free(so.data);
    free(se.data);
    strv_free(&w);
    strv_free(&opts.rules);
    return rc;
}

/* ---- comparing ----------------------------------------------------------- */

/* Print a line diff of expected (a) against actual (b): the longest common
 * subsequence, with "-" for lines only expected and "+" for lines only
 * actual. Cases are small, so the quadratic table is fine. */
static void print_diff(const strv *a, const strv *b)
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

/* How the cases are run: by the library, or by the command line PROGRAM. */
typedef struct runner {
    const ol_ruleset *rs;
    const char *program; /* NULL: the library */
} runner;

/* Compare a case's dump with its expected file: 1 when they are the same,
 * 0 when not, -1 when the case is skipped. */
static int compare_case(const runner *how, const char *dir)
{
    char *expected_path = path_join(dir, "expected");
    size_t elen = 0;
    char *expected = read_file(expected_path, &elen);
    buf actual = {NULL, 0, 0};
    strv a = {NULL, 0, 0}, b = {NULL, 0, 0};
    int ok = 0, rc;
    size_t i;

    buf_add(&actual, "", 0);
    rc = how->program ? run_case_cli(how->program, dir, &actual)
                      : run_case(how->rs, dir, &actual);
    if (rc == 1) {
        ok = -1;
        goto done;
    }
    if (rc != 0) {
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
    strv_free(&a);
    strv_free(&b);
    free(actual.data);
    free(expected);
    free(expected_path);
    return ok;
}

/* ---- finding the cases ---------------------------------------------------- */

static int name_cmp(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Collect the case directories at or under dir, in name order. */
static int collect(const char *dir, strv *cases)
{
    char *input = path_join(dir, "input.json"), *gen = path_join(dir, "input.gen");
    DIR *d;
    struct dirent *e;
    strv subs = {NULL, 0, 0};
    size_t i;
    int rc = 0, is_case = is_file(input) || is_file(gen);

    free(input);
    free(gen);
    if (is_case) {
        strv_push(cases, strdup(dir));
        return 0;
    }
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
            strv_push(&subs, sub);
        else
            free(sub);
    }
    closedir(d);
    if (subs.n > 1) /* qsort must not get a NULL array */
        qsort(subs.v, subs.n, sizeof(*subs.v), name_cmp);
    for (i = 0; i < subs.n; i++) {
        if (collect(subs.v[i], cases) != 0)
            rc = -1;
    }
    strv_free(&subs);
    return rc;
}

/* ---- main ---------------------------------------------------------------- */

static void usage(void)
{
    fputs("usage: corpus_run CASE_DIR...\n"
          "       corpus_run --print CASE_DIR\n"
          "       corpus_run --cli PROGRAM CASE_DIR...\n",
          stderr);
}

/* Print one case's dump (--print). */
static int print_case(const ol_ruleset *rs, const char *dir)
{
    buf out = {NULL, 0, 0};
    int rc;

    buf_add(&out, "", 0);
    rc = run_case(rs, dir, &out);
    fputs(out.data, stdout);
    free(out.data);
    return rc == 0 ? 0 : 2;
}

/* Run every case under the directories of dirs[0..n). */
static int run_all(const runner *how, char **dirs, int n)
{
    strv cases = {NULL, 0, 0};
    size_t i, total, passed = 0, failed = 0, skipped = 0;
    int a, rc = 0;

    for (a = 0; a < n && rc == 0; a++)
        rc = collect(dirs[a], &cases);
    for (i = 0; rc == 0 && i < cases.n; i++) {
        int ok = compare_case(how, cases.v[i]);
        if (ok > 0)
            passed++;
        else if (ok < 0)
            skipped++;
        else
            failed++;
    }
    total = cases.n;
    strv_free(&cases);
    if (rc != 0)
        return 2;
    if (how->program)
        printf("corpus through %s: %zu passed, %zu failed, %zu skipped (max_findings, "
               "whose count the json format does not show)\n",
               how->program, passed, failed, skipped);
    else
        printf("corpus: %zu passed, %zu failed\n", passed, failed);
    if (total == 0) {
        fputs("corpus_run: no cases found\n", stderr);
        return 1;
    }
    return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    ol_error_t err = OL_ERROR_INIT;
    runner how = {NULL, NULL};
    ol_ruleset *rs = NULL;
    int rc;

    if (argc < 2 || (strcmp(argv[1], "--print") == 0 && argc != 3) ||
        (strcmp(argv[1], "--cli") == 0 && argc < 4)) {
        usage();
        return 2;
    }
    if (ol_ruleset_new(&rs, NULL, &err) != OL_OK) {
        fprintf(stderr, "corpus_run: the built-in rules do not load: %s:%d:%d: %s\n",
                err.source, err.line, err.column, err.text);
        return 2;
    }
    how.rs = rs;
    if (strcmp(argv[1], "--print") == 0)
        rc = print_case(rs, argv[2]);
    else if (strcmp(argv[1], "--cli") == 0) {
        how.program = argv[2];
        rc = run_all(&how, argv + 3, argc - 3);
    } else
        rc = run_all(&how, argv + 1, argc - 1);
    ol_ruleset_free(rs);
    return rc;
}
