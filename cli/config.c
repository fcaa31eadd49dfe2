/*
 * config.c: the project's configuration file, .orderlint.json (README.md,
 * "Configuration"; doc/config.md). It is found by walking up from the
 * current directory, stopping at the first one, at a directory holding .git
 * (the top of a repository) or at /; --config=FILE names one, --no-config
 * uses none. It says which kind each file is (globs), which rules are off or
 * of another severity, which rule files to load, and which findings to
 * suppress. The command line wins: --kind over the globs; --rules and
 * --disable add to the file's.
 *
 * A mistake in the file is FILE:LINE:COL: error: ..., and exit 2: an unknown
 * key or rule id too, so that a typo cannot switch a check off unseen.
 */
#define _XOPEN_SOURCE 700 /* strdup, getcwd; realpath is XSI */

#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define CONFIG_NAME ".orderlint.json"

/* How input.c names standard input (cli_doc.source): no glob matches it. */
#define STDIN_SOURCE "<stdin>"

/* A glob, split at '/': a segment is an fnmatch(3) pattern, or "**". */
typedef struct glob {
    const char *text; /* as written */
    char *buf;        /* the segments point into it */
    char **seg;
    size_t nseg;
} glob;

typedef struct place {
    int line, column;
} place;

/* Where each entry is written is found when a message needs it, from the
 * place of the entry in the JSON (its array index, its key): finding it as
 * each was read made reading the file quadratic in its size. */

typedef struct kind_glob { /* "/kinds/INDEX" */
    glob files;
    ol_kind kind;
} kind_glob;

typedef struct entry { /* a rule file, a disabled rule id: "/LIST/INDEX" */
    const char *text;  /* as written */
    char *path;        /* a rule file's path from the current directory */
    const char *list;  /* "rule_files" or "disable" */
    size_t index;
} entry;

typedef struct severity_of { /* "/severity/ID" */
    const char *id;
    ol_severity severity;
} severity_of;

typedef struct suppression { /* "/suppress/INDEX" */
    const char *rule;
    const char *pointer; /* NULL: everywhere in the files */
    int has_files;
    glob files;
    atomic_size_t applied; /* documents it applied to */
    atomic_size_t dropped; /* findings it dropped */
} suppression;

struct cli_config {
    ol_kind kind;   /* --kind, or the default */
    int kind_given; /* --kind was given */
    char *cwd;      /* the current directory, absolute */
    char *shown;    /* the file's name in messages (from the current directory) */
    char *dir;      /* its directory, links resolved: what globs are relative to */
    char *text;     /* the file, past a byte-order mark */
    size_t len;
    json_t *root;            /* the strings above borrow from it */
    cli_json_places *places; /* where in text its members are */
    kind_glob *kinds;
    size_t nkinds;
    entry *rule_files;
    size_t nrule_files;
    entry *disabled;
    size_t ndisabled;
    severity_of *severities;
    size_t nseverities;
    suppression *sups;
    size_t nsups;
};

/* ---- messages ------------------------------------------------------------- */

/* The place of the member pointer names (of its key, when key is nonzero).
 * c->places is changed (what it has listed is kept), though c is not. */
static place place_of(const cli_config *c, const char *pointer, int key)
{
    place p;

    cli_json_place(c->places, pointer, key, &p.line, &p.column);
    return p;
}

/* The place of element index of the top-level array list. */
static place element_place(const cli_config *c, const char *list, size_t index)
{
    char ptr[64];

    snprintf(ptr, sizeof(ptr), "/%s/%zu", list, index);
    return place_of(c, ptr, 0);
}

/* at + "/" + key as an RFC 6901 pointer: '~' and '/' in key escaped ("~0",
 * "~1"), so that a key holding them is found, not its parent. A pointer
 * too long for buf is at alone, the nearest place above (the root, if at
 * itself is too long: never, with the callers' buffers). */
static void pointer_join(char *buf, size_t cap, const char *at, const char *key)
{
    size_t n = strlen(at), i;

    if (n + 2 > cap) {
        buf[0] = '\0';
        return;
    }
    memcpy(buf, at, n);
    buf[n++] = '/';
    for (i = 0; key[i] && n + 3 <= cap; i++) {
        if (key[i] == '~' || key[i] == '/') {
            buf[n++] = '~';
            buf[n++] = key[i] == '~' ? '0' : '1';
        } else {
            buf[n++] = key[i];
        }
    }
    buf[key[i] ? strlen(at) : n] = '\0';
}

static place entry_place(const cli_config *c, const entry *e)
{
    return element_place(c, e->list, e->index);
}

static place severity_place(const cli_config *c, const severity_of *s)
{
    char ptr[512];

    pointer_join(ptr, sizeof(ptr), "/severity", s->id);
    return place_of(c, ptr, 1);
}

static place kind_place(const cli_config *c, const kind_glob *k)
{
    return element_place(c, "kinds", (size_t)(k - c->kinds));
}

static place suppression_place(const cli_config *c, const suppression *s)
{
    return element_place(c, "suppress", (size_t)(s - c->sups));
}

/* FILE:LINE:COL, or FILE alone when the place is not known (line 0: out
 * of memory), rather than a wrong one. */
static void put_place(FILE *f, const char *file, place at)
{
    if (at.line > 0)
        fprintf(f, "%s:%d:%d", file, at.line, at.column);
    else
        fputs(file, f);
}

static void vsay(const char *file, place at, const char *level, const char *fmt,
                 va_list ap)
{
    fflush(stdout);
    put_place(stderr, file, at);
    fprintf(stderr, ": %s: ", level);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

/* FILE:LINE:COL: error: ... at the member pointer names (its key, when key
 * is nonzero). Returns -1, for the caller to return. */
static int config_error(const cli_config *c, const char *pointer, int key,
                        const char *fmt, ...) CLI_PRINTF(4, 5);
static int config_error(const cli_config *c, const char *pointer, int key,
                        const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsay(c->shown, place_of(c, pointer, key), "error", fmt, ap);
    va_end(ap);
    return -1;
}

static int error_at(const cli_config *c, place at, const char *fmt, ...) CLI_PRINTF(3, 4);
static int error_at(const cli_config *c, place at, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsay(c->shown, at, "error", fmt, ap);
    va_end(ap);
    return -1;
}

static int out_of_memory(void)
{
    cli_error("out of memory");
    return -1;
}

/* ---- paths ------------------------------------------------------------------ */

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir), m = strlen(name);
    int sep = n > 0 && dir[n - 1] != '/';
    char *s = malloc(n + (size_t)sep + m + 1);

    if (s) {
        memcpy(s, dir, n);
        if (sep)
            s[n] = '/';
        memcpy(s + n + (size_t)sep, name, m + 1);
    }
    return s;
}

static char *current_dir(void)
{
    size_t cap = 256;

    for (;;) {
        char *buf = malloc(cap);
        if (!buf)
            return NULL;
        if (getcwd(buf, cap))
            return buf;
        free(buf);
        if (errno != ERANGE)
            return NULL;
        cap *= 2;
    }
}

/* path made absolute from cwd and lexically normal: no "", "." or ".."
 * segments. Symbolic links are not resolved: physical() does that, and
 * falls back on this for a path that is not there. */
static char *absolute(const char *cwd, const char *path)
{
    char *all = path[0] == '/' ? strdup(path) : join(cwd, path);
    char *out, *seg, *save = NULL;
    size_t n = 0;

    out = all ? malloc(strlen(all) + 2) : NULL;
    if (!out) {
        free(all);
        return NULL;
    }
    for (seg = strtok_r(all, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
        if (strcmp(seg, ".") == 0)
            continue;
        if (strcmp(seg, "..") == 0) {
            while (n > 0 && out[--n] != '/')
                ;
            continue;
        }
        out[n++] = '/';
        memcpy(out + n, seg, strlen(seg));
        n += strlen(seg);
    }
    if (n == 0)
        out[n++] = '/';
    out[n] = '\0';
    free(all);
    return out;
}

/* Where path is: absolute, normal and with symbolic links resolved
 * (realpath(3)), so that a file reached through a linked directory gets
 * the globs of where it is, and so does the configuration's directory. A
 * path that is not there (--print-config may name one) is resolved as far
 * as its directory, else taken lexically. NULL when out of memory,
 * realpath's included: that is not a path that is not there. */
static char *physical(const char *cwd, const char *path)
{
    char *given = path[0] == '/' ? strdup(path) : join(cwd, path);
    char *real = given ? realpath(given, NULL) : NULL;
    int lost = !given || (!real && errno == ENOMEM);
    char *abs, *slash, *dir;

    free(given);
    if (real || lost)
        return real;
    abs = absolute(cwd, path);
    slash = abs ? strrchr(abs, '/') : NULL;
    if (!slash || slash == abs)
        return abs; /* out of memory, or right under "/" */
    *slash = '\0';
    dir = realpath(abs, NULL);
    *slash = '/';
    if (!dir && errno == ENOMEM) {
        free(abs);
        return NULL;
    }
    if (!dir)
        return abs;
    real = join(dir, slash + 1);
    free(dir);
    free(abs);
    return real;
}

/* The directory part of an absolute, normal path. */
static void cut_last(char *path)
{
    char *slash = strrchr(path, '/');

    if (slash == path)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
}

/* 1 if dir/name exists, 0 if not, -1 out of memory: a configuration must
 * not be passed over for want of the memory to name it. */
static int exists(const char *dir, const char *name)
{
    char *p = join(dir, name);
    int found = p ? access(p, F_OK) == 0 : -1;

    free(p);
    return found;
}

/* ---- globs ------------------------------------------------------------------ */

/* Split text at '/', leaving out empty and "." segments ("./a//b" is "a/b"). */
static int split(const char *text, char **buf, char ***seg, size_t *nseg)
{
    char *s, *save = NULL;
    size_t n = 0;

    *buf = strdup(text);
    *seg = *buf ? calloc(strlen(text) / 2 + 2, sizeof(**seg)) : NULL;
    if (!*seg)
        return -1;
    for (s = strtok_r(*buf, "/", &save); s; s = strtok_r(NULL, "/", &save)) {
        if (strcmp(s, ".") != 0)
            (*seg)[n++] = s;
    }
    *nseg = n;
    return 0;
}

static void glob_free(glob *g)
{
    free(g->buf);
    free(g->seg);
}

static int any_dirs(const char *seg) { return strcmp(seg, "**") == 0; }

/* can[j] says whether the segments of pat seen so far match path[0..j);
 * one pass per segment of pat. Trying each way for each "**" to split the
 * path, as a recursion does, takes exponential time: 16 of them against 24
 * directories ran for minutes. This is at most np * nq fnmatch calls. */
static int match_rows(char *const *pat, size_t np, char *const *path, size_t nq,
                      unsigned char *can)
{
    size_t i, j;

    memset(can, 0, nq + 1);
    can[0] = 1;
    for (i = 0; i < np; i++) {
        int some = 0;

        if (any_dirs(pat[i])) { /* any number of directories, none too */
            for (j = 1; j <= nq; j++)
                can[j] |= can[j - 1];
            continue;
        }
        for (j = nq; j > 0; j--) { /* downwards: can[j - 1] is still the last row's */
            can[j] = can[j - 1] && fnmatch(pat[i], path[j - 1], 0) == 0;
            some |= can[j];
        }
        can[0] = 0;
        if (!some)
            return 0; /* no prefix of the path matches: nor will a longer pattern */
    }
    return can[nq];
}

/* "**" is any number of directories, none too; any other segment is matched
 * by fnmatch(3) within one directory, as FNM_PATHNAME would. 1 for a match,
 * 0 for none, -1 out of memory. */
static int match_segments(char *const *pat, size_t np, char *const *path, size_t nq)
{
    unsigned char small[128];
    unsigned char *can = nq < sizeof(small) ? small : malloc(nq + 1);
    int matched;

    if (!can)
        return -1;
    matched = match_rows(pat, np, path, nq, can);
    if (can != small)
        free(can);
    return matched;
}

/* An input's path from the config's directory, split. inside is 0 for
 * standard input and for a file outside that directory: no glob matches. */
typedef struct relpath {
    int inside;
    char *abs, *buf;
    char **seg;
    size_t nseg;
} relpath;

static void rel_free(relpath *rp)
{
    free(rp->abs);
    free(rp->buf);
    free(rp->seg);
}

/* 0, or -1 out of memory: then the input's kind and suppressions are not
 * known, and it must not be checked as if it were outside (rel_free is
 * still called). */
static int rel_init(relpath *rp, const cli_config *c, const char *source)
{
    size_t n;

    memset(rp, 0, sizeof(*rp));
    if (!c->dir || !source || strcmp(source, STDIN_SOURCE) == 0)
        return 0;
    rp->abs = physical(c->cwd, source);
    n = strlen(c->dir);
    if (!rp->abs)
        return -1;
    if (strcmp(c->dir, "/") == 0)
        n = 0;
    else if (strncmp(rp->abs, c->dir, n) != 0 || rp->abs[n] != '/')
        return 0;
    if (split(rp->abs + n + 1, &rp->buf, &rp->seg, &rp->nseg) != 0)
        return -1;
    rp->inside = 1;
    return 0;
}

/* 1, 0, or -1 out of memory. */
static int glob_matches(const glob *g, const relpath *rp)
{
    return rp->inside ? match_segments(g->seg, g->nseg, rp->seg, rp->nseg) : 0;
}

/* ---- reading the file --------------------------------------------------------- */

static int read_text(cli_config *c, const char *path)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 0, total;
    int failed = !f || cli_read_all(f, &c->text, &cap, &c->len, (size_t)-1, &total) != 0;

    if (f)
        fclose(f);
    if (failed) {
        cli_error("%s: %s", c->shown, strerror(errno ? errno : EIO));
        return -1;
    }
    c->text[c->len] = '\0';
    if (c->len >= 3 && memcmp(c->text, "\xEF\xBB\xBF", 3) == 0) {
        memmove(c->text, c->text + 3, c->len - 2);
        c->len -= 3;
    }
    return 0;
}

/* ---- the members ---------------------------------------------------------------- */

/* Each key of obj is one of allowed (NULL-terminated), else an error at it. */
static int known_keys(const cli_config *c, const json_t *obj, const char *at,
                      const char *const *allowed, const char *list)
{
    const char *key;
    const json_t *v;
    size_t i;
    char ptr[512];

    json_object_foreach((json_t *)obj, key, v)
    {
        for (i = 0; allowed[i] && strcmp(allowed[i], key) != 0; i++)
            ;
        if (!allowed[i]) {
            pointer_join(ptr, sizeof(ptr), at, key);
            return config_error(c, ptr, 1, "unknown key \"%s\" (the keys here: %s)", key,
                                list);
        }
    }
    return 0;
}

/* A member that must be a string, or absent when optional. */
static int string_member(const cli_config *c, const json_t *obj, const char *at,
                         const char *key, int optional, const char **out)
{
    const json_t *v = json_object_get(obj, key);
    char ptr[512];

    *out = NULL;
    pointer_join(ptr, sizeof(ptr), at, key);
    if (!v && optional)
        return 0;
    if (!v)
        return config_error(c, at, 0, "\"%s\" is missing", key);
    if (!json_is_string(v) || json_string_length(v) == 0)
        return config_error(c, ptr, 0, "\"%s\" must be a string, not empty", key);
    *out = json_string_value(v);
    return 0;
}

static int array_member(const cli_config *c, const char *key, size_t *n)
{
    const json_t *v = json_object_get(c->root, key);
    char ptr[64];

    *n = 0;
    if (!v)
        return 0;
    snprintf(ptr, sizeof(ptr), "/%s", key);
    if (!json_is_array(v))
        return config_error(c, ptr, 0, "\"%s\" must be an array", key);
    *n = json_array_size(v);
    return 0;
}

/* A glob's segments as they are matched: "**" then "**" is one "**" (the
 * same directories, and fewer ways to split a path); ".." is refused. An
 * operand is compared in its normal form, where no ".." is left, so a ".."
 * segment would never match: silently, were it accepted. ("." and empty
 * segments are gone already, as from a path.) */
static int tidy_glob(const cli_config *c, const char *ptr, glob *g)
{
    size_t i, n = 0;

    for (i = 0; i < g->nseg; i++) {
        if (strcmp(g->seg[i], "..") == 0)
            return config_error(c, ptr, 0,
                                "\"%s\": \"..\" in a glob would never match (a "
                                "file's path from the directory of %s is taken in its "
                                "normal form, without \"..\")",
                                g->text, c->shown);
        if (n > 0 && any_dirs(g->seg[i]) && any_dirs(g->seg[n - 1]))
            continue;
        g->seg[n++] = g->seg[i];
    }
    g->nseg = n;
    return 0;
}

static int compile_glob(const cli_config *c, const char *ptr, const char *text, glob *g)
{
    g->text = text;
    if (text[0] == '/')
        return config_error(c, ptr, 0,
                            "\"%s\": globs are relative to the directory of %s, not "
                            "absolute",
                            text, c->shown);
    if (split(text, &g->buf, &g->seg, &g->nseg) != 0)
        return out_of_memory();
    if (g->nseg == 0)
        return config_error(c, ptr, 0, "\"%s\" names no file", text);
    return tidy_glob(c, ptr, g);
}

static int parse_kind_glob(cli_config *c, const json_t *v, const char *at, kind_glob *k)
{
    static const char *const keys[] = {"files", "kind", NULL};
    const char *files, *kind;
    char ptr[128];

    if (!json_is_object(v))
        return config_error(c, at, 0,
                            "an entry of \"kinds\" is an object: "
                            "{\"files\": GLOB, \"kind\": KIND}");
    if (known_keys(c, v, at, keys, "files, kind") != 0 ||
        string_member(c, v, at, "files", 0, &files) != 0 ||
        string_member(c, v, at, "kind", 0, &kind) != 0)
        return -1;
    snprintf(ptr, sizeof(ptr), "%s/kind", at);
    if (ol_kind_parse(&k->kind, kind) != OL_OK)
        return config_error(c, ptr, 0, "unknown kind \"%s\"", kind);
    snprintf(ptr, sizeof(ptr), "%s/files", at);
    return compile_glob(c, ptr, files, &k->files);
}

static int parse_kinds(cli_config *c)
{
    size_t i, n;
    char at[64];

    if (array_member(c, "kinds", &n) != 0)
        return -1;
    c->kinds = calloc(n + 1, sizeof(*c->kinds));
    if (!c->kinds)
        return out_of_memory();
    for (i = 0; i < n; i++) {
        c->nkinds++; /* freed with the config from here, whatever happens */
        snprintf(at, sizeof(at), "/kinds/%zu", i);
        if (parse_kind_glob(c, json_array_get(json_object_get(c->root, "kinds"), i), at,
                            &c->kinds[i]) != 0)
            return -1;
    }
    return 0;
}

/* An array of strings, "rule_files" or "disable". */
static int parse_entries(cli_config *c, const char *key, entry **out, size_t *count)
{
    const json_t *a = json_object_get(c->root, key);
    size_t i, n;
    char at[64];

    if (array_member(c, key, &n) != 0)
        return -1;
    *out = calloc(n + 1, sizeof(**out));
    if (!*out)
        return out_of_memory();
    for (i = 0; i < n; i++) {
        const json_t *v = json_array_get(a, i);
        snprintf(at, sizeof(at), "/%s/%zu", key, i);
        if (!json_is_string(v) || json_string_length(v) == 0)
            return config_error(c, at, 0, "an entry of \"%s\" is a string, not empty",
                                key);
        (*out)[i].text = json_string_value(v);
        (*out)[i].list = key;
        (*out)[i].index = i;
        *count = i + 1;
    }
    return 0;
}

/* A rule file's path from the current directory: as written when absolute,
 * else from the config file's directory. */
static int resolve_rule_files(cli_config *c)
{
    char *dir = strdup(c->shown), *slash;
    size_t i;

    if (!dir)
        return out_of_memory();
    slash = strrchr(dir, '/');
    if (slash)
        slash[1] = '\0';
    else
        dir[0] = '\0';
    for (i = 0; i < c->nrule_files; i++) {
        const char *t = c->rule_files[i].text;
        c->rule_files[i].path = t[0] == '/' || !dir[0] ? strdup(t) : join(dir, t);
        if (!c->rule_files[i].path) {
            free(dir);
            return out_of_memory();
        }
    }
    free(dir);
    return 0;
}

static int parse_severities(cli_config *c)
{
    const json_t *obj = json_object_get(c->root, "severity"), *v;
    const char *id;
    char ptr[512];

    if (!obj)
        return 0;
    if (!json_is_object(obj))
        return config_error(
            c, "/severity", 0,
            "\"severity\" is an object: {\"RULE\": \"error\" or \"warning\"}");
    c->severities = calloc(json_object_size(obj) + 1, sizeof(*c->severities));
    if (!c->severities)
        return out_of_memory();
    json_object_foreach((json_t *)obj, id, v)
    {
        severity_of *s = &c->severities[c->nseverities];
        const char *name = json_string_value(v);

        pointer_join(ptr, sizeof(ptr), "/severity", id);
        if (name && strcmp(name, "error") == 0)
            s->severity = OL_SEVERITY_ERROR;
        else if (name && strcmp(name, "warning") == 0)
            s->severity = OL_SEVERITY_WARNING;
        else
            return config_error(c, ptr, 0,
                                "the severity of %s is \"error\" or \"warning\"", id);
        s->id = id;
        c->nseverities++;
    }
    return 0;
}

static int parse_suppression(cli_config *c, const json_t *v, const char *at,
                             suppression *s)
{
    static const char *const keys[] = {"rule", "files", "pointer", "reason", NULL};
    const char *files, *reason;
    const json_t *pointer = json_object_get(v, "pointer");
    char ptr[128];

    if (!json_is_object(v))
        return config_error(c, at, 0,
                            "an entry of \"suppress\" is an object: "
                            "{\"rule\": ID, \"files\": GLOB, \"pointer\": POINTER}");
    if (known_keys(c, v, at, keys, "rule, files, pointer, reason") != 0 ||
        string_member(c, v, at, "rule", 0, &s->rule) != 0 ||
        string_member(c, v, at, "files", 1, &files) != 0 ||
        string_member(c, v, at, "reason", 1, &reason) != 0)
        return -1;
    snprintf(ptr, sizeof(ptr), "%s/pointer", at);
    if (pointer) {
        s->pointer = json_string_value(pointer);
        if (!s->pointer || (s->pointer[0] && s->pointer[0] != '/'))
            return config_error(c, ptr, 0,
                                "\"pointer\" is an RFC 6901 pointer: \"\" or \"/...\"");
    }
    if (!files && !pointer)
        return config_error(c, at, 0,
                            "a suppression names \"files\", a \"pointer\" or both (to "
                            "switch %s off everywhere, use \"disable\")",
                            s->rule);
    s->has_files = files != NULL;
    snprintf(ptr, sizeof(ptr), "%s/files", at);
    return files ? compile_glob(c, ptr, files, &s->files) : 0;
}

static int parse_suppressions(cli_config *c)
{
    size_t i, n;
    char at[64];

    if (array_member(c, "suppress", &n) != 0)
        return -1;
    c->sups = calloc(n + 1, sizeof(*c->sups));
    if (!c->sups)
        return out_of_memory();
    for (i = 0; i < n; i++) {
        c->nsups++; /* freed with the config from here, whatever happens */
        snprintf(at, sizeof(at), "/suppress/%zu", i);
        atomic_init(&c->sups[i].applied, 0);
        atomic_init(&c->sups[i].dropped, 0);
        if (parse_suppression(c, json_array_get(json_object_get(c->root, "suppress"), i),
                              at, &c->sups[i]) != 0)
            return -1;
    }
    return 0;
}

static int parse_config(cli_config *c)
{
    static const char *const keys[] = {"kinds",    "rule_files", "disable",
                                       "severity", "suppress",   NULL};
    json_error_t jerr;

    c->places = cli_json_places_new(c->text, c->len);
    if (!c->places)
        return out_of_memory();
    cli_jsonalloc_reading(1);
    c->root = json_loadb(c->text, c->len, JSON_REJECT_DUPLICATES, &jerr);
    cli_jsonalloc_reading(0);
    if (!c->root) {
        place at = {jerr.line > 0 ? jerr.line : 1, jerr.column > 0 ? jerr.column : 1};
        return error_at(c, at, "%s", jerr.text);
    }
    if (!json_is_object(c->root))
        return config_error(c, "", 0, "the configuration is a JSON object");
    if (known_keys(c, c->root, "", keys,
                   "kinds, rule_files, disable, severity, suppress"))
        return -1;
    if (parse_kinds(c) != 0 ||
        parse_entries(c, "rule_files", &c->rule_files, &c->nrule_files) != 0 ||
        parse_entries(c, "disable", &c->disabled, &c->ndisabled) != 0 ||
        parse_severities(c) != 0 || parse_suppressions(c) != 0)
        return -1;
    return resolve_rule_files(c);
}

/* ---- finding the file ---------------------------------------------------------------
 */

/* Walk up from the current directory. 0 with c->shown and c->dir set when
 * found, 0 without when not, -1 out of memory. */
static int discover(cli_config *c)
{
    char *dir = strdup(c->cwd);
    size_t up = 0, i;
    int found = 0, top = 0;

    while (dir && (found = exists(dir, CONFIG_NAME)) == 0) {
        top = exists(dir, ".git");
        if (top < 0)
            break;
        if (top || strcmp(dir, "/") == 0) {
            free(dir);
            return 0;
        }
        cut_last(dir);
        up++;
    }
    c->shown = dir && found > 0 ? malloc(3 * up + sizeof(CONFIG_NAME)) : NULL;
    if (!c->shown) {
        free(dir);
        return out_of_memory();
    }
    for (i = 0; i < up; i++)
        memcpy(c->shown + 3 * i, "../", 3);
    memcpy(c->shown + 3 * up, CONFIG_NAME, sizeof(CONFIG_NAME));
    c->dir = dir;
    return 0;
}

/* The directory holding file, resolved: the directory of the name given,
 * not of what a symbolic link named so points to (a linked configuration
 * describes the files next to the link). */
static char *config_dir(const char *cwd, const char *file)
{
    size_t n = strlen(file);
    char *name = malloc(n + 2), *slash, *dir; /* room for "." */

    if (!name)
        return NULL;
    memcpy(name, file, n + 1);
    slash = strrchr(name, '/');
    if (!slash)
        strcpy(name, ".");
    else if (slash == name)
        name[1] = '\0';
    else
        *slash = '\0';
    dir = physical(cwd, name);
    free(name);
    return dir;
}

static int locate_config(cli_config *c, const cli_options *o)
{
    if (o->no_config)
        return 0;
    if (!o->config_file)
        return discover(c);
    c->shown = strdup(o->config_file);
    c->dir = c->shown ? config_dir(c->cwd, c->shown) : NULL;
    if (!c->shown || !c->dir)
        return out_of_memory();
    return 0;
}

int cli_config_load(cli_config **out, const cli_options *o)
{
    cli_config *c = calloc(1, sizeof(*c));

    *out = c;
    if (!c)
        return out_of_memory();
    c->kind = o->kind;
    c->kind_given = o->kind_given;
    c->cwd = current_dir();
    if (!c->cwd) {
        cli_error("the current directory: %s", strerror(errno));
        return -1;
    }
    if (locate_config(c, o) != 0)
        return -1;
    if (!c->shown)
        return 0; /* no configuration: the command line alone */
    if (read_text(c, c->shown) != 0)
        return -1;
    return parse_config(c);
}

void cli_config_free(cli_config *c)
{
    size_t i;

    if (!c)
        return;
    for (i = 0; i < c->nkinds; i++)
        glob_free(&c->kinds[i].files);
    for (i = 0; i < c->nsups; i++)
        glob_free(&c->sups[i].files);
    for (i = 0; i < c->nrule_files; i++)
        free(c->rule_files[i].path);
    free(c->kinds);
    free(c->rule_files);
    free(c->disabled);
    free(c->severities);
    free(c->sups);
    json_decref(c->root);
    cli_json_places_free(c->places);
    free(c->text);
    free(c->dir);
    free(c->shown);
    free(c->cwd);
    free(c);
}

/* ---- the ruleset ---------------------------------------------------------------- */

int cli_config_add_rule_files(const cli_config *c, ol_ruleset *rs)
{
    size_t i;

    for (i = 0; i < c->nrule_files; i++) {
        const entry *f = &c->rule_files[i];
        ol_error_t err = OL_ERROR_INIT;
        int rc = ol_ruleset_add_file(rs, f->path, &err);

        if (rc == OL_OK)
            continue;
        if (err.line > 0) /* a mistake in the rule file: its own place */
            fprintf(stderr, "%s:%d:%d: error: %s\n", f->path, err.line, err.column,
                    err.text);
        else
            error_at(c, entry_place(c, f), "%s: %s", f->path,
                     err.text[0] ? err.text : ol_strerror(rc));
        return -1;
    }
    return 0;
}

/* The rule id names, or NULL after an error at at. A locked rule says a
 * body or a value could not be checked at all: with it off, a warning or
 * suppressed, an unchecked document would pass as valid, so the library
 * refuses. When what would do one of those, the error is said here, at the
 * entry's place, which the library's own message cannot give. */
static const ol_rule_info *rule_for(const cli_config *c, const ol_ruleset *rs, place at,
                                    const char *id, const char *what)
{
    const ol_rule_info *info = ol_ruleset_find_rule(rs, id);

    if (!info)
        error_at(c, at, "no rule has the id '%s'", id);
    else if (info->locked && what)
        error_at(c, at, "%s says a body could not be checked: %s", id, what);
    else
        return info;
    return NULL;
}

/* A change the library refused for another reason than those above. */
static int refused(const cli_config *c, place at, const ol_error_t *err, int rc)
{
    return error_at(c, at, "%s", err->text[0] ? err->text : ol_strerror(rc));
}

static int set_severities(const cli_config *c, ol_ruleset *rs)
{
    size_t i;

    for (i = 0; i < c->nseverities; i++) {
        const severity_of *s = &c->severities[i];
        int warning = s->severity == OL_SEVERITY_WARNING, rc;
        ol_error_t err = OL_ERROR_INIT;

        if (!rule_for(c, rs, severity_place(c, s), s->id,
                      warning ? "it cannot be a warning" : NULL))
            return -1;
        rc = ol_ruleset_set_severity(rs, s->id, s->severity, &err);
        if (rc != OL_OK)
            return refused(c, severity_place(c, s), &err, rc);
    }
    return 0;
}

static int disable_rules(const cli_config *c, ol_ruleset *rs)
{
    size_t i;

    for (i = 0; i < c->ndisabled; i++) {
        const entry *d = &c->disabled[i];
        ol_error_t err = OL_ERROR_INIT;
        int rc;

        if (!rule_for(c, rs, entry_place(c, d), d->text, "it cannot be switched off"))
            return -1;
        rc = ol_ruleset_disable(rs, d->text, &err);
        if (rc != OL_OK)
            return refused(c, entry_place(c, d), &err, rc);
    }
    return 0;
}

/* The library would keep a locked rule's findings whatever the suppression
 * says; the configuration must not claim otherwise. */
static int check_suppressions(const cli_config *c, const ol_ruleset *rs)
{
    size_t i;

    for (i = 0; i < c->nsups; i++) {
        if (!rule_for(c, rs, suppression_place(c, &c->sups[i]), c->sups[i].rule,
                      "its findings cannot be suppressed"))
            return -1;
    }
    return 0;
}

int cli_config_set_rules(const cli_config *c, ol_ruleset *rs)
{
    if (set_severities(c, rs) != 0 || disable_rules(c, rs) != 0)
        return -1;
    return check_suppressions(c, rs);
}

/* ---- one input ------------------------------------------------------------------ */

/* The first kind glob that matches source (*k NULL: none); 0, or -1 out
 * of memory. */
static int kind_glob_for(const cli_config *c, const char *source, const kind_glob **k)
{
    relpath rp;
    size_t i;
    int m = rel_init(&rp, c, source);

    *k = NULL;
    for (i = 0; i < c->nkinds && m == 0; i++) {
        m = glob_matches(&c->kinds[i].files, &rp);
        if (m > 0)
            *k = &c->kinds[i];
    }
    rel_free(&rp);
    return m < 0 ? -1 : 0;
}

int cli_config_kind(const cli_config *c, const char *source, ol_kind *kind)
{
    const kind_glob *k = NULL;

    *kind = c->kind;
    if (c->kind_given || c->nkinds == 0)
        return 0;
    if (kind_glob_for(c, source, &k) != 0)
        return -1;
    if (k)
        *kind = k->kind;
    return 0;
}

/* 1, 0, or -1 out of memory. */
static int applies(const suppression *s, const relpath *rp)
{
    return s->has_files ? glob_matches(&s->files, rp) : 1;
}

/* Which suppressions apply to source, decided before any is applied, so
 * that out of memory leaves the report and the counts as they were. */
static int applying(const cli_config *c, const relpath *rp, unsigned char *which)
{
    size_t i;

    for (i = 0; i < c->nsups; i++) {
        int m = applies(&c->sups[i], rp);
        if (m < 0)
            return -1;
        which[i] = (unsigned char)m;
    }
    return 0;
}

int cli_config_suppress(cli_config *c, const char *source, ol_report *r)
{
    relpath rp;
    unsigned char small[64], *which;
    size_t i;
    int rc;

    if (c->nsups == 0)
        return 0;
    rc = rel_init(&rp, c, source);
    which = c->nsups <= sizeof(small) ? small : malloc(c->nsups);
    if (rc == 0)
        rc = which ? applying(c, &rp, which) : -1;
    for (i = 0; i < c->nsups && rc == 0; i++) {
        suppression *s = &c->sups[i];
        if (!which[i])
            continue;
        atomic_fetch_add(&s->applied, 1);
        atomic_fetch_add(&s->dropped, ol_report_suppress(r, s->rule, s->pointer));
    }
    rel_free(&rp);
    if (which != small)
        free(which);
    return rc;
}

/* "RULE at POINTER in GLOB", as much of it as the suppression says. */
static void describe(FILE *f, const suppression *s)
{
    fputs(s->rule, f);
    if (s->pointer)
        fprintf(f, " at \"%s\"", s->pointer);
    if (s->has_files)
        fprintf(f, " in %s", s->files.text);
}

int cli_config_report_unused(const cli_config *c, size_t *unused)
{
    size_t i, failures = cli_json_places_failures(c->places);

    *unused = 0;
    for (i = 0; i < c->nsups; i++) {
        const suppression *s = &c->sups[i];
        place at;

        if (atomic_load(&s->applied) == 0 || atomic_load(&s->dropped) > 0)
            continue;
        at = suppression_place(c, s);
        fflush(stdout);
        put_place(stderr, c->shown, at);
        fputs(": warning: the suppression of ", stderr);
        describe(stderr, s);
        fputs(" matched nothing\n", stderr);
        (*unused)++;
    }
    /* a warning without its place, for want of memory */
    return cli_json_places_failures(c->places) == failures ? 0 : out_of_memory();
}

/* ---- --print-config -----------------------------------------------------------------
 */

/* "(FILE:LINE:COL)" or "(FILE:LINE:COL: DETAIL)", and the end of the line. */
static void print_from(const cli_config *c, place at, const char *detail)
{
    putchar('(');
    put_place(stdout, c->shown, at);
    if (detail)
        printf(": %s", detail);
    puts(")");
}

static int print_kind(const cli_config *c, const char *file)
{
    const kind_glob *k = NULL;

    if (c->kind_given) {
        printf("kind: %s (--kind)\n", ol_kind_name(c->kind));
        return 0;
    }
    if (kind_glob_for(c, file, &k) != 0)
        return out_of_memory();
    if (k) {
        printf("kind: %s ", ol_kind_name(k->kind));
        print_from(c, kind_place(c, k), k->files.text);
    } else {
        printf("kind: %s (the default)\n", ol_kind_name(c->kind));
    }
    return 0;
}

static void print_globs(const cli_config *c)
{
    size_t i;

    if (c->kind_given) {
        printf("kind: %s (--kind)\n", ol_kind_name(c->kind));
        return;
    }
    for (i = 0; i < c->nkinds; i++) {
        printf("kind: %s for %s ", ol_kind_name(c->kinds[i].kind),
               c->kinds[i].files.text);
        print_from(c, kind_place(c, &c->kinds[i]), NULL);
    }
    printf("kind: %s (the default)\n", ol_kind_name(c->kind));
}

/* "WHAT TEXT (FILE:LINE:COL)" for an entry of a list. */
static void print_entry(const cli_config *c, const char *what, const entry *e,
                        const char *text)
{
    printf("%s: %s ", what, text);
    print_from(c, entry_place(c, e), NULL);
}

static void print_rules(const cli_config *c, const cli_options *o)
{
    size_t i;

    for (i = 0; i < c->nrule_files; i++)
        print_entry(c, "rule file", &c->rule_files[i], c->rule_files[i].path);
    for (i = 0; i < o->nrule_files; i++)
        printf("rule file: %s (--rules)\n", o->rule_files[i]);
    for (i = 0; i < c->nseverities; i++) {
        printf("severity: %s %s ", c->severities[i].id,
               ol_severity_name(c->severities[i].severity));
        print_from(c, severity_place(c, &c->severities[i]), NULL);
    }
    for (i = 0; i < c->ndisabled; i++)
        print_entry(c, "disabled", &c->disabled[i], c->disabled[i].text);
    for (i = 0; i < o->ndisabled; i++)
        printf("disabled: %s (--disable)\n", o->disabled[i]);
}

/* Those that apply to file, or all of them (file NULL). */
static int print_suppressions(const cli_config *c, const char *file)
{
    relpath rp;
    size_t i;
    int m = rel_init(&rp, c, file);

    for (i = 0; i < c->nsups && m >= 0; i++) {
        const suppression *s = &c->sups[i];

        if (file && (m = applies(s, &rp)) <= 0)
            continue;
        fputs("suppressed: ", stdout);
        describe(stdout, s);
        putchar(' ');
        print_from(c, suppression_place(c, s), NULL);
    }
    rel_free(&rp);
    return m < 0 ? out_of_memory() : 0;
}

int cli_config_print(const cli_config *c, const cli_options *o, const char *file)
{
    size_t failures = cli_json_places_failures(c->places);

    printf("config: %s\n", c->shown ? c->shown : "none");
    if (file) {
        printf("file: %s\n", file);
        if (print_kind(c, file) != 0)
            return CLI_EXIT_TROUBLE;
    } else {
        print_globs(c);
    }
    print_rules(c, o);
    if (print_suppressions(c, file) != 0)
        return CLI_EXIT_TROUBLE;
    /* a place left out, for want of memory */
    if (cli_json_places_failures(c->places) != failures) {
        out_of_memory();
        return CLI_EXIT_TROUBLE;
    }
    return CLI_EXIT_CLEAN;
}
