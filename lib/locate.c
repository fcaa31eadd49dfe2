/*
 * locate.c: where things stand in the JSON text.
 *
 * jansson's tree does not remember positions, so for a document that has
 * findings we scan its text once more: a small scanner that knows the RFC
 * 6901 pointer of every value it passes. Valid documents never come here,
 * so they pay nothing for line and column. The text has already been parsed
 * by jansson, so the scanner may assume it is well-formed JSON; it still
 * never reads past the end, whatever it is given.
 */
#include <stdlib.h>
#include <string.h>

#include "ol_private.h"

/* Deeper than jansson's own limit (2048): the scanner stops descending. */
#define SCAN_MAX_DEPTH 4096

typedef struct key_entry {
    char *key; /* decoded, owned */
    size_t len;
    size_t offset; /* of the key's opening quote */
} key_entry;

typedef struct scanner {
    const char *text;
    size_t len;
    size_t pos;
    olp_buf pointer; /* the pointer of the value being scanned */
    int oom;
    /* locate mode */
    const char *const *targets;
    size_t ntargets;
    size_t *offsets;
    size_t *best; /* length of the pointer recorded for each target */
    /* depth mode: the first container nested deeper than depth_limit */
    size_t depth_limit;
    int found_deep;
    size_t deep_offset;
    /* duplicate mode */
    int find_dups;
    olp_duplicate *dups;
    size_t ndups, capdups;
} scanner;

/* ---- lexical helpers ---------------------------------------------------- */

static void skip_ws(scanner *sc)
{
    while (sc->pos < sc->len) {
        char c = sc->text[sc->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        sc->pos++;
    }
}

static int peek(const scanner *sc)
{
    return sc->pos < sc->len ? (unsigned char)sc->text[sc->pos] : -1;
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static long read_hex4(scanner *sc)
{
    long v = 0;
    int i, h;

    if (sc->len - sc->pos < 4)
        return -1;
    for (i = 0; i < 4; i++) {
        h = hex_value((unsigned char)sc->text[sc->pos + i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    sc->pos += 4;
    return v;
}

static void put_utf8(olp_buf *out, unsigned long cp)
{
    char u[4];
    size_t n;

    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    olp_buf_append(out, u, n);
}

/* A \uXXXX escape (the backslash and u already read), with its low
 * surrogate when it is a high one. */
static void decode_unicode_escape(scanner *sc, olp_buf *out)
{
    long cp = read_hex4(sc), lo;

    if (cp < 0)
        return;
    if (cp >= 0xD800 && cp <= 0xDBFF && sc->len - sc->pos >= 6 &&
        sc->text[sc->pos] == '\\' && sc->text[sc->pos + 1] == 'u') {
        size_t save = sc->pos;
        sc->pos += 2;
        lo = read_hex4(sc);
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
            put_utf8(out, 0x10000 + (((unsigned long)cp - 0xD800) << 10) +
                              ((unsigned long)lo - 0xDC00));
            return;
        }
        sc->pos = save;
    }
    put_utf8(out, (unsigned long)cp);
}

static void decode_escape(scanner *sc, olp_buf *out)
{
    int c = peek(sc);

    if (c < 0)
        return;
    sc->pos++;
    switch (c) {
    case 'b':
        olp_buf_append(out, "\b", 1);
        break;
    case 'f':
        olp_buf_append(out, "\f", 1);
        break;
    case 'n':
        olp_buf_append(out, "\n", 1);
        break;
    case 'r':
        olp_buf_append(out, "\r", 1);
        break;
    case 't':
        olp_buf_append(out, "\t", 1);
        break;
    case 'u':
        decode_unicode_escape(sc, out);
        break;
    default: {
        char ch = (char)c;
        olp_buf_append(out, &ch, 1);
    }
    }
}

/* Scan a string at pos (on its opening quote). With out, decode it there. */
static void scan_string(scanner *sc, olp_buf *out)
{
    size_t run;

    sc->pos++; /* the quote */
    run = sc->pos;
    while (sc->pos < sc->len) {
        char c = sc->text[sc->pos];
        if (c == '"' || c == '\\') {
            if (out)
                olp_buf_append(out, sc->text + run, sc->pos - run);
            sc->pos++;
            if (c == '"')
                return;
            if (out)
                decode_escape(sc, out);
            else if (sc->pos < sc->len)
                sc->pos++;
            run = sc->pos;
            continue;
        }
        sc->pos++;
    }
}

static void skip_scalar(scanner *sc)
{
    while (sc->pos < sc->len) {
        char c = sc->text[sc->pos];
        if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' ||
            c == '\r')
            return;
        sc->pos++;
    }
}

/* ---- pointers ----------------------------------------------------------- */

static void pointer_push_key(olp_buf *ptr, const char *key, size_t n)
{
    size_t i;

    olp_buf_append(ptr, "/", 1);
    for (i = 0; i < n; i++) {
        if (key[i] == '~')
            olp_buf_append(ptr, "~0", 2);
        else if (key[i] == '/')
            olp_buf_append(ptr, "~1", 2);
        else
            olp_buf_append(ptr, key + i, 1);
    }
}

static void pointer_push_index(olp_buf *ptr, size_t index)
{
    olp_buf_printf(ptr, "/%zu", index);
}

static void pointer_pop(olp_buf *ptr, size_t len)
{
    ptr->len = len;
    if (ptr->data)
        ptr->data[len] = '\0';
}

/* Record the value at offset for every target it is, or is an ancestor of.
 * Later occurrences win, as jansson keeps the last of duplicate keys. */
static void visit_value(scanner *sc, size_t offset)
{
    const char *cur = sc->pointer.data ? sc->pointer.data : "";
    size_t curlen = sc->pointer.len, i;

    for (i = 0; i < sc->ntargets; i++) {
        const char *t = sc->targets[i];
        size_t tlen = strlen(t);
        int exact = tlen == curlen && memcmp(t, cur, curlen) == 0;
        int ancestor = tlen > curlen && memcmp(t, cur, curlen) == 0 && t[curlen] == '/';

        if ((exact || ancestor) && (sc->best[i] == (size_t)-1 || curlen >= sc->best[i])) {
            sc->best[i] = curlen;
            sc->offsets[i] = offset;
        }
    }
}

/* ---- duplicates --------------------------------------------------------- */

static int key_cmp(const void *a, const void *b)
{
    const key_entry *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);

    if (c)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static void add_duplicate(scanner *sc, const key_entry *k)
{
    size_t base = sc->pointer.len;
    olp_duplicate *d;

    if (sc->ndups == sc->capdups) {
        size_t cap = sc->capdups ? sc->capdups * 2 : 8;
        d = olp_realloc(sc->dups, cap * sizeof(*d));
        if (!d) {
            sc->oom = 1;
            return;
        }
        sc->dups = d;
        sc->capdups = cap;
    }
    pointer_push_key(&sc->pointer, k->key, k->len);
    d = &sc->dups[sc->ndups];
    d->pointer = olp_strdup(sc->pointer.data ? sc->pointer.data : "");
    d->offset = k->offset;
    pointer_pop(&sc->pointer, base);
    if (!d->pointer) {
        sc->oom = 1;
        return;
    }
    sc->ndups++;
}

/* After an object: every key equal to an earlier key is a duplicate. */
static void report_duplicates(scanner *sc, key_entry *keys, size_t n)
{
    size_t i;

    if (n < 2)
        return;
    qsort(keys, n, sizeof(*keys), key_cmp);
    for (i = 1; i < n; i++) {
        if (keys[i].len == keys[i - 1].len &&
            memcmp(keys[i].key, keys[i - 1].key, keys[i].len) == 0)
            add_duplicate(sc, &keys[i]);
    }
}

static void free_keys(key_entry *keys, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        olp_free(keys[i].key);
    olp_free(keys);
}

static int remember_key(scanner *sc, key_entry **keys, size_t *n, size_t *cap,
                        const olp_buf *key, size_t offset)
{
    key_entry *k;

    if (*n == *cap) {
        size_t newcap = *cap ? *cap * 2 : 8;
        k = olp_realloc(*keys, newcap * sizeof(**keys));
        if (!k)
            return -1;
        *keys = k;
        *cap = newcap;
    }
    k = &(*keys)[*n];
    k->key = olp_strndup(key->data ? key->data : "", key->len);
    if (!k->key)
        return -1;
    k->len = key->len;
    k->offset = offset;
    (*n)++;
    (void)sc;
    return 0;
}

/* ---- the walk ----------------------------------------------------------- */

static void scan_value(scanner *sc, int depth);

static void scan_members(scanner *sc, int depth)
{
    size_t base = sc->pointer.len, cap = 0, nkeys = 0;
    key_entry *keys = NULL;
    olp_buf key;

    olp_buf_init(&key);
    sc->pos++; /* { */
    for (;;) {
        size_t key_offset;

        skip_ws(sc);
        if (peek(sc) != '"')
            break;
        key_offset = sc->pos;
        olp_buf_reset(&key);
        scan_string(sc, &key);
        if (key.oom ||
            (sc->find_dups && remember_key(sc, &keys, &nkeys, &cap, &key, key_offset)))
            sc->oom = 1;
        skip_ws(sc);
        if (peek(sc) == ':')
            sc->pos++;
        pointer_push_key(&sc->pointer, key.data ? key.data : "", key.len);
        scan_value(sc, depth + 1);
        pointer_pop(&sc->pointer, base);
        skip_ws(sc);
        if (peek(sc) != ',' || sc->oom)
            break;
        sc->pos++;
    }
    if (peek(sc) == '}')
        sc->pos++;
    if (sc->find_dups && !sc->oom)
        report_duplicates(sc, keys, nkeys);
    free_keys(keys, nkeys);
    olp_buf_free(&key);
}

static void scan_elements(scanner *sc, int depth)
{
    size_t base = sc->pointer.len, index = 0;

    sc->pos++; /* [ */
    for (;;) {
        skip_ws(sc);
        if (peek(sc) == ']' || peek(sc) < 0)
            break;
        pointer_push_index(&sc->pointer, index++);
        scan_value(sc, depth + 1);
        pointer_pop(&sc->pointer, base);
        skip_ws(sc);
        if (peek(sc) != ',' || sc->oom)
            break;
        sc->pos++;
    }
    if (peek(sc) == ']')
        sc->pos++;
}

static void scan_value(scanner *sc, int depth)
{
    int c;

    skip_ws(sc);
    if (sc->pointer.oom)
        sc->oom = 1;
    if (sc->oom || sc->pos >= sc->len)
        return;
    if (sc->targets)
        visit_value(sc, sc->pos);
    c = peek(sc);
    if (sc->depth_limit && (c == '{' || c == '[') &&
        (size_t)depth + 1 > sc->depth_limit) {
        sc->found_deep = 1;
        sc->deep_offset = sc->pos;
        sc->pos = sc->len; /* found: stop the scan */
        return;
    }
    if (depth >= SCAN_MAX_DEPTH)
        sc->pos = sc->len; /* cannot happen after jansson's own limit */
    else if (c == '{')
        scan_members(sc, depth);
    else if (c == '[')
        scan_elements(sc, depth);
    else if (c == '"')
        scan_string(sc, NULL);
    else
        skip_scalar(sc);
}

static void scanner_init(scanner *sc, const char *text, size_t len)
{
    memset(sc, 0, sizeof(*sc));
    sc->text = text;
    sc->len = len;
    olp_buf_init(&sc->pointer);
    olp_buf_append(&sc->pointer, "", 0);
}

int olp_locate_pointers(const char *text, size_t len, const char *const *pointers,
                        size_t n, size_t *offsets)
{
    scanner sc;
    size_t i;

    scanner_init(&sc, text, len);
    sc.targets = pointers;
    sc.ntargets = n;
    sc.offsets = offsets;
    sc.best = olp_malloc(n * sizeof(*sc.best));
    if (!sc.best) {
        olp_buf_free(&sc.pointer);
        return OL_ENOMEM;
    }
    for (i = 0; i < n; i++) {
        sc.best[i] = (size_t)-1;
        offsets[i] = 0;
    }
    scan_value(&sc, 0);
    olp_free(sc.best);
    olp_buf_free(&sc.pointer);
    return sc.oom ? OL_ENOMEM : OL_OK;
}

static int dup_offset_cmp(const void *a, const void *b)
{
    const olp_duplicate *x = a, *y = b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

int olp_find_duplicates(const char *text, size_t len, olp_duplicate **out, size_t *n)
{
    scanner sc;
    size_t i;

    scanner_init(&sc, text, len);
    sc.find_dups = 1;
    scan_value(&sc, 0);
    olp_buf_free(&sc.pointer);
    if (sc.oom) {
        for (i = 0; i < sc.ndups; i++)
            olp_free(sc.dups[i].pointer);
        olp_free(sc.dups);
        *out = NULL;
        *n = 0;
        return OL_ENOMEM;
    }
    if (sc.ndups)
        qsort(sc.dups, sc.ndups, sizeof(*sc.dups), dup_offset_cmp);
    *out = sc.dups;
    *n = sc.ndups;
    return OL_OK;
}

size_t olp_locate_too_deep(const char *text, size_t len, size_t limit)
{
    scanner sc;

    scanner_init(&sc, text, len);
    sc.depth_limit = limit ? limit : 1;
    scan_value(&sc, 0);
    olp_buf_free(&sc.pointer);
    return sc.found_deep ? sc.deep_offset : 0;
}

/* ---- line and column ------------------------------------------------------ */

void olp_offsets_to_places(const char *text, size_t len, const size_t *offsets, size_t n,
                           olp_place *places)
{
    size_t pos = 0, i;
    int line = 1, column = 1;

    for (i = 0; i < n; i++) {
        size_t target = offsets[i] < len ? offsets[i] : len;

        for (; pos < target; pos++) {
            unsigned char c = (unsigned char)text[pos];
            if (c == '\n') {
                line++;
                column = 1;
            } else if ((c & 0xC0) != 0x80) {
                column++; /* count code points, not bytes */
            }
        }
        places[i].offset = offsets[i];
        places[i].line = line;
        places[i].column = column;
    }
}

/* ---- depth -------------------------------------------------------------- */

static int is_container(const json_t *v) { return json_is_object(v) || json_is_array(v); }

/* Scalars are skipped before the call: most members are scalars. Objects
 * are iterated without their keys (json_object_foreach looks each key up
 * again to step on). */
size_t olp_json_depth(const json_t *v, size_t limit)
{
    size_t deepest = 0, d, i, n;
    void *it;

    if (!is_container(v))
        return 0;
    if (limit == 0)
        return 1;
    if (json_is_array(v)) {
        n = json_array_size(v);
        for (i = 0; i < n && deepest < limit; i++) {
            const json_t *child = json_array_get(v, i);
            if (!is_container(child))
                continue;
            d = olp_json_depth(child, limit - 1);
            deepest = d > deepest ? d : deepest;
        }
    } else {
        for (it = json_object_iter((json_t *)v); it && deepest < limit;
             it = json_object_iter_next((json_t *)v, it)) {
            const json_t *child = json_object_iter_value(it);
            if (!is_container(child))
                continue;
            d = olp_json_depth(child, limit - 1);
            deepest = d > deepest ? d : deepest;
        }
    }
    return deepest + 1;
}

int olp_json_deeper_than(const json_t *v, size_t limit)
{
    return olp_json_depth(v, limit) > limit;
}
