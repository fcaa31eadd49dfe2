/*
 * jsonpos.c: where a member of a JSON text is. jansson tells the place of a
 * syntax error but not where a value it parsed came from; a mistake in the
 * configuration file (an unknown key, a rule id that is none) must still be
 * shown as FILE:LINE:COL. The text has been accepted by jansson already, so
 * this scanner only skips what it knows is well formed.
 *
 * A configuration may hold tens of thousands of entries, and --print-config
 * or the unused-suppression warnings ask for the place of each: a lookup
 * must not rescan the text from its start. So the containers a lookup
 * passes through are listed once (a few kept, the ones asked again and
 * again being "/suppress" and its like), and the line and column of an
 * offset are counted from the nearest checkpoint, not from byte 0.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The line and column are counted from a checkpoint at most this far back. */
#define CHECKPOINT 4096

/* Containers kept listed: enough for the top level and its members. */
#define NCACHE 8

typedef struct scan {
    const char *s;
    size_t n, i;
} scan;

/* One member of an object (its key decoded), or one element of an array. */
typedef struct member {
    char *key;    /* NULL in an array */
    size_t at;    /* its key's '"' in an object, else its value */
    size_t value; /* its value */
} member;

/* An object or array, listed; an object's members sorted by key. */
typedef struct container {
    size_t at; /* its '{' or '['; SIZE_MAX: an empty slot */
    member *m;
    size_t n;
} container;

struct cli_json_places {
    const char *s;
    size_t n;
    container cache[NCACHE];
    size_t next;     /* the slot to reuse next */
    int *line, *col; /* at each multiple of CHECKPOINT; NULL before */
    size_t ncheck;
    size_t failures; /* lookups that failed for want of memory */
};

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static void skip_space(scan *sc)
{
    while (sc->i < sc->n && is_space(sc->s[sc->i]))
        sc->i++;
}

/* At a '"': past the closing one. */
static void skip_string(scan *sc)
{
    for (sc->i++; sc->i < sc->n && sc->s[sc->i] != '"'; sc->i++) {
        if (sc->s[sc->i] == '\\')
            sc->i++;
    }
    sc->i++;
}

/* At a value: past it. Strings are skipped whole, so that a bracket inside
 * one is not counted. */
static void skip_value(scan *sc)
{
    size_t depth = 0;

    while (sc->i < sc->n) {
        char c = sc->s[sc->i];

        if (c == '"') {
            skip_string(sc);
            if (depth == 0)
                return;
            continue;
        }
        if (depth == 0 && (c == ',' || c == '}' || c == ']' || is_space(c)))
            return; /* the end of a number, true, false or null */
        sc->i++;
        if (c == '{' || c == '[')
            depth++;
        else if ((c == '}' || c == ']') && --depth == 0)
            return;
    }
}

/* ---- decoding keys and pointer segments ------------------------------------ */

static unsigned hex4(const char *s)
{
    unsigned v = 0;
    int k;

    for (k = 0; k < 4; k++) {
        char c = s[k];
        v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
}

static size_t put_utf8(char *out, unsigned cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* One escape of a JSON string, at the '\\' of s[*i]: appended to out. The
 * text is jansson's, so a high surrogate is followed by its low one. */
static size_t unescape_json(const char *s, size_t *i, char *out)
{
    static const char from[] = "bfnrt", to[] = "\b\f\n\r\t";
    const char *e = strchr(from, s[*i + 1]);
    unsigned cp;

    if (s[*i + 1] != 'u') {
        *out = e ? to[e - from] : s[*i + 1]; /* \" \\ \/ stand for themselves */
        *i += 2;
        return 1;
    }
    cp = hex4(s + *i + 2);
    *i += 6;
    if (cp >= 0xD800 && cp < 0xDC00) { /* and "\uDC00".."\uDFFF" */
        cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4(s + *i + 2) - 0xDC00);
        *i += 6;
    }
    return put_utf8(out, cp);
}

/* The JSON string at s[at] ('"'), decoded; NULL when out of memory. Never
 * longer than as written, so its size is bounded by that. */
static char *decode_string(const char *s, size_t n_text, size_t at)
{
    scan sc = {s, n_text, at};
    size_t i = at + 1, n = 0;
    char *out;

    skip_string(&sc);
    out = malloc(sc.i - at);
    if (!out)
        return NULL;
    while (i < sc.i - 1) {
        if (s[i] == '\\')
            n += unescape_json(s, &i, out + n);
        else
            out[n++] = s[i++];
    }
    out[n] = '\0';
    return out;
}

/* An RFC 6901 segment, seg[0..len), unescaped: "~1" is '/', "~0" is '~'. */
static char *decode_segment(const char *seg, size_t len)
{
    char *out = malloc(len + 1);
    size_t i, n = 0;

    if (!out)
        return NULL;
    for (i = 0; i < len; i++) {
        if (seg[i] == '~' && i + 1 < len && (seg[i + 1] == '0' || seg[i + 1] == '1'))
            out[n++] = seg[++i] == '1' ? '/' : '~';
        else
            out[n++] = seg[i];
    }
    out[n] = '\0';
    return out;
}

/* ---- listing a container ---------------------------------------------------- */

static void container_clear(container *k)
{
    size_t i;

    for (i = 0; i < k->n; i++)
        free(k->m[i].key);
    free(k->m);
    k->m = NULL;
    k->n = 0;
    k->at = SIZE_MAX;
}

static int by_key(const void *a, const void *b)
{
    return strcmp(((const member *)a)->key, ((const member *)b)->key);
}

/* The members of the container at sc->i, in the order written. */
static int list_members(scan *sc, container *k, int object)
{
    size_t cap = 0;

    for (sc->i++;; sc->i++) { /* past '{' or '[', then each ',' */
        member *m;

        skip_space(sc);
        if (sc->i >= sc->n || sc->s[sc->i] == '}' || sc->s[sc->i] == ']')
            return 0; /* an empty container */
        if (k->n == cap) {
            cap = cap ? 2 * cap : 16;
            m = realloc(k->m, cap * sizeof(*m));
            if (!m)
                return -1;
            k->m = m;
        }
        m = &k->m[k->n++];
        m->key = NULL;
        m->at = sc->i;
        if (object) {
            if (!(m->key = decode_string(sc->s, sc->n, sc->i)))
                return -1;
            skip_string(sc);
            skip_space(sc);
            sc->i++; /* ':' */
            skip_space(sc);
        }
        m->value = sc->i;
        skip_value(sc);
        skip_space(sc);
        if (sc->i >= sc->n || sc->s[sc->i] != ',')
            return 0; /* its '}' or ']' */
    }
}

/* The container whose '{' or '[' is at, listed (from the cache when it is
 * there); NULL when out of memory. */
static container *listed(cli_json_places *p, size_t at)
{
    scan sc = {p->s, p->n, at};
    container *k;
    size_t i;

    for (i = 0; i < NCACHE; i++) {
        if (p->cache[i].at == at)
            return &p->cache[i];
    }
    k = &p->cache[p->next];
    p->next = (p->next + 1) % NCACHE;
    container_clear(k);
    if (list_members(&sc, k, p->s[at] == '{') != 0) {
        container_clear(k);
        return NULL;
    }
    if (p->s[at] == '{')
        qsort(k->m, k->n, sizeof(*k->m), by_key);
    k->at = at;
    return k;
}

/* ---- following a pointer -------------------------------------------------------- */

static int parse_index(const char *seg, size_t len, size_t *index)
{
    size_t i, v = 0;

    if (len == 0 || len > 9)
        return 0;
    for (i = 0; i < len; i++) {
        if (seg[i] < '0' || seg[i] > '9')
            return 0;
        v = v * 10 + (size_t)(seg[i] - '0');
    }
    *index = v;
    return 1;
}

/* The member of the container k that seg[0..len) names in *found (NULL
 * when none); -1 out of memory. */
static int member_named(const container *k, int object, const char *seg, size_t len,
                        const member **found)
{
    member want = {NULL, 0, 0};
    size_t index;

    *found = NULL;
    if (!object) {
        if (parse_index(seg, len, &index) && index < k->n)
            *found = &k->m[index];
        return 0;
    }
    want.key = decode_segment(seg, len);
    if (!want.key)
        return -1;
    *found = bsearch(&want, k->m, k->n, sizeof(*k->m), by_key);
    free(want.key);
    return 0;
}

/* One step down, from the value at *at: to the member's value, and its key
 * (or the element itself) in *key_at. 0 when it goes nowhere, -1 out of
 * memory. */
static int step(cli_json_places *p, size_t *at, const char *seg, size_t len,
                size_t *key_at)
{
    const container *k;
    const member *m;
    char c = p->s[*at];

    if (c != '{' && c != '[')
        return 0;
    k = listed(p, *at);
    if (!k || member_named(k, c == '{', seg, len, &m) != 0)
        return -1;
    if (!m)
        return 0;
    *key_at = m->at;
    *at = m->value;
    return 1;
}

/* The byte offset of what pointer names: its key's when key is nonzero
 * (for an object member), else its value's. Where a segment cannot be
 * found, the offset of the deepest value found. -1 out of memory. */
static int offset_of(cli_json_places *p, const char *pointer, int key, size_t *offset)
{
    scan sc = {p->s, p->n, 0};
    size_t at, key_at;
    const char *seg = pointer;
    int stepped = 1;

    skip_space(&sc);
    at = key_at = sc.i;
    while (*seg == '/' && at < p->n && stepped > 0) {
        const char *end = strchr(seg + 1, '/');
        size_t n = end ? (size_t)(end - seg - 1) : strlen(seg + 1);

        stepped = step(p, &at, seg + 1, n, &key_at);
        seg += 1 + n;
    }
    if (stepped < 0)
        return -1;
    *offset = key && stepped ? key_at : at;
    return 0;
}

/* ---- lines and columns ---------------------------------------------------------- */

/* From the place (*line, *column) at from, to the place at to. A column
 * counts characters: a UTF-8 continuation byte does not start one. */
static void advance(const char *s, size_t from, size_t to, int *line, int *column)
{
    size_t i;

    for (i = from; i < to; i++) {
        if (s[i] == '\n') {
            (*line)++;
            *column = 1;
        } else if (((unsigned char)s[i] & 0xC0) != 0x80) {
            (*column)++;
        }
    }
}

/* The checkpoints, counted once, at the first place asked for. */
static int checkpoints(cli_json_places *p)
{
    size_t k;
    int line = 1, column = 1;

    if (p->line)
        return 0;
    p->ncheck = p->n / CHECKPOINT + 1;
    p->line = malloc(p->ncheck * sizeof(*p->line));
    p->col = malloc(p->ncheck * sizeof(*p->col));
    if (!p->line || !p->col) {
        free(p->line);
        free(p->col);
        p->line = p->col = NULL;
        return -1;
    }
    for (k = 0; k < p->ncheck; k++) {
        if (k > 0)
            advance(p->s, (k - 1) * CHECKPOINT, k * CHECKPOINT, &line, &column);
        p->line[k] = line;
        p->col[k] = column;
    }
    return 0;
}

/* Out of memory for the checkpoints, counted from byte 0: slow, not wrong. */
static void text_place(cli_json_places *p, size_t offset, int *line, int *column)
{
    size_t from = 0;

    *line = 1;
    *column = 1;
    if (offset > p->n)
        offset = p->n;
    if (checkpoints(p) == 0) {
        from = offset / CHECKPOINT * CHECKPOINT;
        *line = p->line[offset / CHECKPOINT];
        *column = p->col[offset / CHECKPOINT];
    }
    advance(p->s, from, offset, line, column);
}

/* ---- the interface ---------------------------------------------------------------- */

cli_json_places *cli_json_places_new(const char *text, size_t len)
{
    cli_json_places *p = calloc(1, sizeof(*p));
    size_t i;

    if (!p)
        return NULL;
    p->s = text;
    p->n = len;
    for (i = 0; i < NCACHE; i++)
        p->cache[i].at = SIZE_MAX;
    return p;
}

void cli_json_places_free(cli_json_places *p)
{
    size_t i;

    if (!p)
        return;
    for (i = 0; i < NCACHE; i++)
        container_clear(&p->cache[i]);
    free(p->line);
    free(p->col);
    free(p);
}

int cli_json_place(cli_json_places *p, const char *pointer, int key, int *line,
                   int *column)
{
    size_t offset;

    if (offset_of(p, pointer, key, &offset) != 0) {
        *line = *column = 0;
        p->failures++;
        return -1;
    }
    text_place(p, offset, line, column);
    return 0;
}

size_t cli_json_places_failures(const cli_json_places *p) { return p ? p->failures : 0; }
