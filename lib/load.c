/*
 * load.c: the loader of the text path.
 *
 * One pass over the bytes builds the json_t that jansson's json_loadb builds
 * with the flags lib/check.c reads a body with (JSON_DECODE_ANY |
 * JSON_ALLOW_NUL, a repeated key keeping its last value), through jansson's
 * public API, and remembers where every value and every object key starts
 * (olp_doc). It also finds the repeated keys, with the places of both
 * occurrences. jansson stays the data model; only its lexer, which reads a
 * byte at a time through a stream with a UTF-8 decoder in it, is replaced.
 *
 * The same answer as json_loadb, tested against it (tests/check_load.c,
 * tests/load_suite.c over JSONTestSuite, tests/fuzz/fuzz_load.c):
 *  - the grammar of RFC 8259, whitespace being space, tab, CR and LF; any
 *    value at the top (JSON_DECODE_ANY), nothing but whitespace after it;
 *  - a value nested in JSON_PARSER_MAX_DEPTH containers fails, as jansson
 *    counts the depth of every value, scalars too (an empty container at
 *    that depth is read);
 *  - strings: strict UTF-8 (no overlong forms, no surrogates, nothing past
 *    U+10FFFF, no sequence cut short), no raw control character (NUL
 *    included), the escapes of RFC 8259, \u escapes with surrogate pairs
 *    (a lone or unpaired surrogate fails), \u0000 allowed in a value
 *    (JSON_ALLOW_NUL) but not in a key (jansson: "NUL byte in object key
 *    not supported");
 *  - an integer (no fraction, no exponent) that does not fit json_int_t
 *    fails; a real whose magnitude is past DBL_MAX fails, one below the
 *    smallest subnormal reads as 0 (strtod's ERANGE on underflow is not a
 *    failure to jansson), and every real is the correctly rounded double
 *    of its decimal text, bit for bit what jansson's strtod gives;
 *  - a key repeated in an object keeps its first place in the object's
 *    order and its last value (json_object_setn_new_nocheck replaces).
 *
 * Deliberate differences from json_loadb (liborderlint(3), "Reading the text";
 * tests/check_load.c tests each):
 *  - a NUL byte right after a number or a literal is rejected, as a NUL
 *    byte is anywhere outside a string. jansson 2.14 drops it: its stream
 *    takes a NUL in its one-character buffer for "nothing buffered" when
 *    the lexer gives back the character after a token, so "[1\0]" reads
 *    as [1] and "{\"a\":1\0}" as {"a": 1} (but "[1\0\0]" fails);
 *  - every failed allocation is OL_ENOMEM, where jansson 2.14 reads a
 *    string cut short when its token buffer cannot grow;
 *  - the loader's own error (OLP_LOAD_INVALID) says what and where in
 *    words of its own; lib/check.c, on a text the loader rejects, asks
 *    json_loadb for jansson's message, so that the findings say what they
 *    always said.
 *
 * Reals, and the locale: the fast path is exact (a significand of at most
 * 2^53 times a power of ten of at most 10^22, Clinger's case: one IEEE
 * multiplication or division of two exact doubles, correctly rounded);
 * else the digits are handed to strtod without their decimal point, as
 * DIGITSeEXP, which no locale reads otherwise (the decimal point is the
 * only part of a number strtod takes from LC_NUMERIC). The library never
 * reads or changes the locale.
 */
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ol_private.h"

#if JSON_INTEGER_IS_LONG_LONG
#define INT_MAX_OF_JSON LLONG_MAX
#else
#define INT_MAX_OF_JSON LONG_MAX
#endif

/* A repeated key's exponent past this reads as this: the real is 0 or
 * past DBL_MAX either way (a text has fewer digits than 10^15). */
#define EXPONENT_CAP 1000000000000000LL

/* Where the value being read stands: the chain up to the root, for the
 * pointer of a repeated key (built only then). */
typedef struct step {
    const struct step *up;
    int is_key;
    int key_in_stack; /* the key is in the loader's stack, else in the text */
    size_t key_at;    /* offset of the key in the stack or the text */
    size_t key_len;
    size_t index;
} step;

typedef struct loader {
    const char *s;
    size_t len;
    size_t pos;
    olp_doc *doc;
    char *stack; /* decoded strings: keys until their member is set */
    size_t stack_len, stack_cap;
    size_t *pend; /* the slots of the open containers */
    size_t npend, cappend;
    size_t pend_local[OLP_DOC_LOCAL_SLOTS];
    char stack_local[512];
    int oom;
    int invalid;
    json_error_t *err;
    size_t max_depth; /* of values (olp_load_within) */
} loader;

/* ---- failing --------------------------------------------------------------- */

static void fail(loader *ld, size_t at, const char *what)
{
    olp_place place;

    if (ld->invalid || ld->oom)
        return;
    ld->invalid = 1;
    if (!ld->err)
        return;
    if (at < ld->len && ld->s[at] == '\0')
        what = "a NUL byte outside a string";
    olp_offsets_to_places(ld->s, ld->len, &at, 1, &place);
    memset(ld->err, 0, sizeof(*ld->err));
    ld->err->line = place.line;
    ld->err->column = place.column;
    ld->err->position = (int)(at > INT_MAX ? INT_MAX : at);
    snprintf(ld->err->source, sizeof(ld->err->source), "%s", "<buffer>");
    snprintf(ld->err->text, sizeof(ld->err->text), "%s", what);
}

/* Nested past the limit: jansson's own code for it, so that a caller tells
 * it from a syntax error (json_error_code). */
static void fail_too_deep(loader *ld, size_t at)
{
    int first = !ld->invalid && !ld->oom;

    fail(ld, at, "nested deeper than the limit");
    if (first && ld->err)
        ld->err->text[JSON_ERROR_TEXT_LENGTH - 1] = (char)json_error_stack_overflow;
}

static void out_of_memory(loader *ld) { ld->oom = 1; }

static int stopped(const loader *ld) { return ld->oom || ld->invalid; }

/* ---- growing arrays -------------------------------------------------------- */

/* Make room for need elements of size in *p (capacity *cap), which may be
 * local, the storage the array starts in (never freed here). */
static int grow(void **p, size_t *cap, size_t need, size_t size, void *local)
{
    size_t n = *cap ? *cap : 16;
    void *q;

    if (need <= *cap)
        return 0;
    while (n < need && n <= SIZE_MAX / 2 / size)
        n *= 2;
    if (n < need)
        return -1;
    if (local && *p == local) {
        q = olp_malloc(n * size);
        if (q)
            memcpy(q, local, *cap * size);
    } else {
        q = olp_realloc(*p, n * size);
    }
    if (!q)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

static inline int push_slot(loader *ld, size_t offset)
{
    if (ld->npend == ld->cappend && grow((void **)&ld->pend, &ld->cappend, ld->npend + 1,
                                         sizeof(*ld->pend), ld->pend_local)) {
        out_of_memory(ld);
        return -1;
    }
    ld->pend[ld->npend++] = offset;
    return 0;
}

static int stack_reserve(loader *ld, size_t more)
{
    if (ld->stack_cap - ld->stack_len >= more)
        return 0;
    if (grow((void **)&ld->stack, &ld->stack_cap, ld->stack_len + more, 1,
             ld->stack_local)) {
        out_of_memory(ld);
        return -1;
    }
    return 0;
}

/* ---- the table of containers ----------------------------------------------- */

/* A container is complete: its slots, pend[base ..], go to the table. The
 * table is a list in the order the containers closed; olp_doc_index makes
 * its index by address only when a place is asked for (a document without
 * findings never needs it). */
static void close_container(loader *ld, const json_t *c, size_t base)
{
    olp_doc *d = ld->doc;
    size_t n = ld->npend - base;
    struct olp_doc_entry *e;

    if (n == 0)
        return; /* nothing to find in it */
    if ((d->nlist == d->caplist && grow((void **)&d->list, &d->caplist, d->nlist + 1,
                                        sizeof(*d->list), d->list_local)) ||
        grow((void **)&d->slots, &d->capslots, d->nslots + n, sizeof(*d->slots),
             d->slots_local)) {
        out_of_memory(ld);
        return;
    }
    memcpy(d->slots + d->nslots, ld->pend + base, n * sizeof(*d->slots));
    e = &d->list[d->nlist++];
    e->container = c;
    e->start = d->nslots;
    e->n = n;
    d->nslots += n;
    ld->npend = base;
}

static size_t addr_hash(const json_t *p, size_t cap)
{
    size_t h = (size_t)(uintptr_t)p;

    h ^= h >> 17;
    h *= (size_t)0x9E3779B97F4A7C15ull;
    return (h >> 7) & (cap - 1);
}

/* The index slot of container c: its own, or the free one where it goes
 * (index[i] is 1 + the entry's place in the list, 0 when free). */
static size_t *index_slot(const olp_doc *d, const json_t *c)
{
    size_t i = addr_hash(c, d->icap);

    while (d->index[i] && d->list[d->index[i] - 1].container != c)
        i = (i + 1) & (d->icap - 1);
    return &d->index[i];
}

int olp_doc_index(olp_doc *d)
{
    size_t cap = 16, i;

    if (d->icap || d->nlist == 0)
        return OL_OK;
    while (cap < 2 * d->nlist)
        cap *= 2;
    d->index = olp_calloc(cap, sizeof(*d->index));
    if (!d->index)
        return OL_ENOMEM;
    d->icap = cap;
    /* an address met again is a container made after an earlier one was
     * freed (a value a repeated key replaced): the later one is the tree's */
    for (i = 0; i < d->nlist; i++)
        *index_slot(d, d->list[i].container) = i + 1;
    return OL_OK;
}

static const struct olp_doc_entry *entry_of(const olp_doc *d, const json_t *c)
{
    size_t k;

    if (!d || !d->icap || !c)
        return NULL;
    k = *index_slot(d, c);
    return k ? &d->list[k - 1] : NULL;
}

int olp_doc_element(const olp_doc *d, const json_t *array, size_t index, size_t *offset)
{
    const struct olp_doc_entry *e = entry_of(d, array);

    if (!e || !json_is_array(array) || index >= e->n)
        return 0;
    *offset = d->slots[e->start + index];
    return 1;
}

int olp_doc_member(const olp_doc *d, const json_t *object, size_t index,
                   size_t *key_offset, size_t *value_offset)
{
    const struct olp_doc_entry *e = entry_of(d, object);

    if (!e || !json_is_object(object) || 2 * index + 1 >= e->n)
        return 0;
    if (key_offset)
        *key_offset = d->slots[e->start + 2 * index];
    if (value_offset)
        *value_offset = d->slots[e->start + 2 * index + 1];
    return 1;
}

/* the local storage needs no clearing */
void olp_doc_init(olp_doc *d) { memset(d, 0, offsetof(olp_doc, slots_local)); }

void olp_doc_free(olp_doc *d)
{
    size_t i;

    json_decref(d->root);
    if (d->list != d->list_local)
        olp_free(d->list);
    olp_free(d->index);
    if (d->slots != d->slots_local)
        olp_free(d->slots);
    for (i = 0; i < d->ndups; i++)
        olp_free(d->dups[i].pointer);
    olp_free(d->dups);
    olp_doc_init(d);
}

/* ---- repeated keys ----------------------------------------------------------- */

static const char *key_text(const loader *ld, const step *st)
{
    return (st->key_in_stack ? ld->stack : ld->s) + st->key_at;
}

static void append_key(olp_buf *b, const char *key, size_t n)
{
    size_t i, run = 0;

    olp_buf_append(b, "/", 1);
    for (i = 0; i < n; i++) {
        if (key[i] != '~' && key[i] != '/')
            continue;
        olp_buf_append(b, key + run, i - run);
        olp_buf_append(b, key[i] == '~' ? "~0" : "~1", 2);
        run = i + 1;
    }
    olp_buf_append(b, key + run, n - run);
}

/* The RFC 6901 pointer of the member st names. */
static char *pointer_of(const loader *ld, const step *st)
{
    const step *chain[JSON_PARSER_MAX_DEPTH + 2];
    size_t n = 0;
    olp_buf b;

    for (; st && n < sizeof(chain) / sizeof(chain[0]); st = st->up)
        chain[n++] = st;
    olp_buf_init(&b);
    olp_buf_append(&b, "", 0);
    while (n-- > 0) {
        if (chain[n]->is_key)
            append_key(&b, key_text(ld, chain[n]), chain[n]->key_len);
        else
            olp_buf_printf(&b, "/%zu", chain[n]->index);
    }
    return olp_buf_take(&b);
}

/* The index, in the object's order, of the member key (which it has). */
static size_t member_index(json_t *object, const char *key, size_t len)
{
    void *it = json_object_iter(object);
    size_t i;

    for (i = 0; it; i++, it = json_object_iter_next(object, it)) {
        if (json_object_iter_key_len(it) == len &&
            memcmp(json_object_iter_key(it), key, len) == 0)
            return i;
    }
    return 0;
}

static void add_duplicate(loader *ld, const step *st, size_t first, size_t offset)
{
    olp_doc *d = ld->doc;
    olp_duplicate *dup;

    if (d->ndups == d->capdups &&
        grow((void **)&d->dups, &d->capdups, d->ndups + 1, sizeof(*d->dups), NULL)) {
        out_of_memory(ld);
        return;
    }
    dup = &d->dups[d->ndups];
    dup->pointer = pointer_of(ld, st);
    dup->first = first;
    dup->offset = offset;
    if (!dup->pointer) {
        out_of_memory(ld);
        return;
    }
    d->ndups++;
}

/* ---- the bytes ----------------------------------------------------------- */

static void skip_ws(loader *ld)
{
    const char *s = ld->s;
    size_t p = ld->pos, n = ld->len;

    while (p < n && (s[p] == ' ' || s[p] == '\n' || s[p] == '\r' || s[p] == '\t'))
        p++;
    ld->pos = p;
}

/* Bytes a string's fast loop stops at: '"', '\\', control characters and
 * the bytes of multi-byte UTF-8 sequences. */
static const unsigned char stops[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 00 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 10 */
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 20 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 30 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 40 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 50 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 60 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 70 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 80 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 90 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* A0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* B0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* C0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* D0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* E0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* F0 */
};

/* The first byte of s[p..n) that stops a string's fast loop (n when none):
 * eight at a time while eight remain, as long as none of them can be one
 * (a byte of 0x80 or more, below 0x20, '"' or '\\'; a word that may hold
 * one goes to the loop of single bytes, which decides). */
static size_t skip_plain(const unsigned char *s, size_t p, size_t n)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;

    while (n - p >= 8) {
        uint64_t x, q, b;

        memcpy(&x, s + p, 8);
        q = x ^ (ones * '"');
        b = x ^ (ones * '\\');
        if (((x | ((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b)) &
             highs) != 0)
            break;
        p += 8;
    }
    while (p < n && !stops[s[p]])
        p++;
    return p;
}

/* The length of the valid UTF-8 sequence at s[0..n) (its first byte at
 * least 0x80), or 0: jansson's utf8_check_first and utf8_check_full. */
static size_t utf8_sequence(const unsigned char *s, size_t n)
{
    unsigned long cp;
    size_t k, i;

    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        k = 2;
        cp = s[0] & 0x1F;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        k = 3;
        cp = s[0] & 0x0F;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        k = 4;
        cp = s[0] & 0x07;
    } else {
        return 0; /* a continuation byte, C0, C1, or F5 and above */
    }
    if (n < k)
        return 0;
    for (i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    if ((k == 2 && cp < 0x80) || (k == 3 && cp < 0x800) || (k == 4 && cp < 0x10000))
        return 0;
    return k;
}

static int hex4(const char *s, unsigned long *v)
{
    int i;

    *v = 0;
    for (i = 0; i < 4; i++) {
        unsigned char c = (unsigned char)s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            d = (c | 0x20) - 'a' + 10;
        else
            return -1;
        *v = (*v << 4) | d;
    }
    return 0;
}

/* A \u escape at s[p] (on the backslash): its code point into out, the
 * bytes read into *used. 0, or -1 (the loader has failed). */
static int unicode_escape(loader *ld, size_t p, char *out, size_t *used, size_t *put)
{
    unsigned long cp, lo;

    if (ld->len - p < 6 || hex4(ld->s + p + 2, &cp)) {
        fail(ld, p, "invalid \\u escape");
        return -1;
    }
    *used = 6;
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
        fail(ld, p, "a \\u escape of a low surrogate without its high one");
        return -1;
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (ld->len - p < 12 || ld->s[p + 6] != '\\' || ld->s[p + 7] != 'u') {
            fail(ld, p, "a \\u escape of a high surrogate without its low one");
            return -1;
        }
        if (hex4(ld->s + p + 8, &lo)) {
            fail(ld, p + 6, "invalid \\u escape");
            return -1;
        }
        if (lo < 0xDC00 || lo > 0xDFFF) {
            fail(ld, p, "a \\u escape of a high surrogate without its low one");
            return -1;
        }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        *used = 12;
    }
    *put = olp_utf8_encode((unsigned long)cp, out);
    return 0;
}

/* Decode the rest of a string from s[p] (after its opening quote and the
 * run up to p, already on the stack) onto the stack. The closing quote's
 * offset in *end. 0, or -1. */
static int decode_string(loader *ld, size_t p, size_t *end)
{
    const unsigned char *s = (const unsigned char *)ld->s;
    size_t n = ld->len;

    for (;;) {
        size_t run = p, used, put;

        p = skip_plain(s, p, n);
        if (stack_reserve(ld, p - run + 4))
            return -1;
        memcpy(ld->stack + ld->stack_len, s + run, p - run);
        ld->stack_len += p - run;
        if (p >= n) {
            fail(ld, p, "a string without its closing quote");
            return -1;
        }
        if (s[p] == '"') {
            *end = p;
            return 0;
        }
        if (s[p] >= 0x80) {
            used = utf8_sequence(s + p, n - p);
            if (!used) {
                fail(ld, p, "a byte that is not valid UTF-8");
                return -1;
            }
            memcpy(ld->stack + ld->stack_len, s + p, used);
            ld->stack_len += used;
            p += used;
            continue;
        }
        if (s[p] != '\\') {
            fail(ld, p, "a control character in a string");
            return -1;
        }
        if (p + 1 >= n) {
            fail(ld, p, "a string without its closing quote");
            return -1;
        }
        put = 1;
        used = 2;
        switch (s[p + 1]) {
        case '"':
        case '\\':
        case '/':
            ld->stack[ld->stack_len] = (char)s[p + 1];
            break;
        case 'b':
            ld->stack[ld->stack_len] = '\b';
            break;
        case 'f':
            ld->stack[ld->stack_len] = '\f';
            break;
        case 'n':
            ld->stack[ld->stack_len] = '\n';
            break;
        case 'r':
            ld->stack[ld->stack_len] = '\r';
            break;
        case 't':
            ld->stack[ld->stack_len] = '\t';
            break;
        case 'u':
            if (unicode_escape(ld, p, ld->stack + ld->stack_len, &used, &put))
                return -1;
            break;
        default:
            fail(ld, p, "an invalid escape");
            return -1;
        }
        ld->stack_len += put;
        p += used;
    }
}

/* A string at pos (on its opening quote). Without an escape, *out points
 * into the text; with one, the string is decoded onto the stack from
 * *at_stack (which the caller gives back when done), and *in_stack is set.
 * 0, or -1. */
static int read_string(loader *ld, size_t *at, size_t *len, int *in_stack)
{
    const unsigned char *s = (const unsigned char *)ld->s;
    size_t p = ld->pos + 1, n = ld->len, end, used;

    for (;;) {
        p = skip_plain(s, p, n);
        if (p < n && s[p] >= 0x80) {
            used = utf8_sequence(s + p, n - p);
            if (!used) {
                fail(ld, p, "a byte that is not valid UTF-8");
                return -1;
            }
            p += used;
            continue;
        }
        break;
    }
    if (p < n && s[p] == '"') {
        *at = ld->pos + 1;
        *len = p - *at;
        *in_stack = 0;
        ld->pos = p + 1;
        return 0;
    }
    if (p >= n) {
        fail(ld, p, "a string without its closing quote");
        return -1;
    }
    if (s[p] != '\\') {
        fail(ld, p, "a control character in a string");
        return -1;
    }
    /* an escape: the run so far, then the rest decoded */
    *at = ld->stack_len;
    if (stack_reserve(ld, p - ld->pos - 1))
        return -1;
    memcpy(ld->stack + ld->stack_len, s + ld->pos + 1, p - ld->pos - 1);
    ld->stack_len += p - ld->pos - 1;
    if (decode_string(ld, p, &end))
        return -1;
    *len = ld->stack_len - *at;
    *in_stack = 1;
    ld->pos = end + 1;
    return 0;
}

/* ---- numbers -------------------------------------------------------------- */

static int is_digit(char c) { return c >= '0' && c <= '9'; }

#if FLT_EVAL_METHOD == 0
static const double exact_powers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
#endif

/* The correctly rounded double of the digits s[from..to) with the decimal
 * point (if any) at point, times 10^exp10, negated when neg: strtod on the
 * digits without the point. 0, or -1 when out of memory. */
static int real_by_strtod(loader *ld, size_t from, size_t to, size_t point, long long exp,
                          int neg, double *out)
{
    char small[128], *buf = small;
    size_t need = (to - from) + 32, k = 0, i;
    long long e10 = exp - (long long)(to - point);
    int saved = errno;

    if (need > sizeof(small)) {
        buf = olp_malloc(need);
        if (!buf) {
            out_of_memory(ld);
            return -1;
        }
    }
    if (neg)
        buf[k++] = '-';
    for (i = from; i < to; i++) {
        if (i != point - 1 || ld->s[i] != '.')
            buf[k++] = ld->s[i];
    }
    snprintf(buf + k, need - k, "e%lld", e10);
    *out = strtod(buf, NULL);
    errno = saved;
    if (buf != small)
        olp_free(buf);
    return 0;
}

static json_t *real_value(loader *ld, double d)
{
    json_t *v = json_real(d);

    if (!v)
        out_of_memory(ld);
    return v;
}

static json_t *read_real(loader *ld, size_t start, size_t int_from, size_t int_to,
                         int neg)
{
    const char *s = ld->s;
    size_t p = int_to, point = int_to, frac_to = int_to, i;
    long long exp = 0;
    unsigned long long w = 0;
    int digits = 0, exp_neg = 0;
    double v;

    if (p < ld->len && s[p] == '.') {
        p++;
        if (p >= ld->len || !is_digit(s[p])) {
            fail(ld, start, "a number with a point but no digit after it");
            return NULL;
        }
        while (p < ld->len && is_digit(s[p]))
            p++;
        point = int_to + 1;
        frac_to = p;
    }
    if (p < ld->len && (s[p] == 'e' || s[p] == 'E')) {
        p++;
        if (p < ld->len && (s[p] == '+' || s[p] == '-'))
            exp_neg = s[p++] == '-';
        if (p >= ld->len || !is_digit(s[p])) {
            fail(ld, start, "a number with an exponent but no digit in it");
            return NULL;
        }
        for (; p < ld->len && is_digit(s[p]); p++) {
            if (exp < EXPONENT_CAP)
                exp = exp * 10 + (s[p] - '0');
        }
        if (exp_neg)
            exp = -exp;
    }
    ld->pos = p;
    /* the significand, past its leading zeros */
    for (i = int_from; i < frac_to; i++) {
        if (s[i] == '.')
            continue;
        if (digits == 0 && s[i] == '0')
            continue;
        if (++digits > 19)
            break;
        w = w * 10 + (unsigned)(s[i] - '0');
    }
#if FLT_EVAL_METHOD == 0
    {
        long long e10 = exp - (long long)(frac_to - point);
        if (digits <= 19 && w <= (1ull << 53) && e10 >= -22 && e10 <= 22) {
            v = (double)w;
            v = e10 < 0 ? v / exact_powers[-e10] : v * exact_powers[e10];
            return real_value(ld, neg ? -v : v);
        }
    }
#endif
    if (real_by_strtod(ld, int_from, frac_to, point, exp, neg, &v))
        return NULL;
    if (v == HUGE_VAL || v == -HUGE_VAL) {
        fail(ld, start, "a real number past the range of a double");
        return NULL;
    }
    return real_value(ld, v);
}

static json_t *read_number(loader *ld)
{
    const char *s = ld->s;
    size_t start = ld->pos, p = start, from;
    unsigned long long u = 0, limit;
    int neg = 0;
    json_t *v;

    if (s[p] == '-') {
        neg = 1;
        p++;
    }
    from = p;
    if (p >= ld->len || !is_digit(s[p])) {
        fail(ld, start, "a minus sign without a number");
        return NULL;
    }
    if (s[p] == '0') {
        p++;
        if (p < ld->len && is_digit(s[p])) {
            fail(ld, start, "a number with a leading zero");
            return NULL;
        }
    } else {
        while (p < ld->len && is_digit(s[p]))
            p++;
    }
    if (p < ld->len && (s[p] == '.' || s[p] == 'e' || s[p] == 'E'))
        return read_real(ld, start, from, p, neg);
    limit = (unsigned long long)INT_MAX_OF_JSON + (unsigned)neg;
    for (ld->pos = from; ld->pos < p; ld->pos++) {
        unsigned d = (unsigned)(s[ld->pos] - '0');
        if (u > (limit - d) / 10) {
            fail(ld, start, "an integer past the range of json_int_t");
            return NULL;
        }
        u = u * 10 + d;
    }
    if (neg)
        v = json_integer(u == limit ? (json_int_t)-INT_MAX_OF_JSON - 1 : -(json_int_t)u);
    else
        v = json_integer((json_int_t)u);
    if (!v)
        out_of_memory(ld);
    return v;
}

/* ---- values ------------------------------------------------------------------ */

static json_t *read_value(loader *ld, size_t depth, const step *where);

/* After a member or an element: 1 on a ',' (past it), 0 on the closing
 * bracket (past it, the container complete), -1 when the loader failed. */
static int next_or_close(loader *ld, char close, const json_t *c, size_t base)
{
    skip_ws(ld);
    if (ld->pos < ld->len && ld->s[ld->pos] == ',') {
        ld->pos++;
        return 1;
    }
    if (ld->pos < ld->len && ld->s[ld->pos] == close) {
        ld->pos++;
        close_container(ld, c, base);
        return stopped(ld) ? -1 : 0;
    }
    fail(ld, ld->pos, close == ']' ? "',' or ']' expected" : "',' or '}' expected");
    return -1;
}

static json_t *read_array(loader *ld, size_t depth, const step *where)
{
    json_t *array = json_array();
    size_t base = ld->npend;
    step st = {where, 0, 0, 0, 0, 0};

    if (!array) {
        out_of_memory(ld);
        return NULL;
    }
    ld->pos++; /* [ */
    skip_ws(ld);
    if (ld->pos < ld->len && ld->s[ld->pos] == ']') {
        ld->pos++;
        return array;
    }
    for (;;) {
        json_t *v;
        int more;

        skip_ws(ld);
        if (push_slot(ld, ld->pos))
            break;
        v = read_value(ld, depth + 1, &st);
        if (!v)
            break;
        if (json_array_append_new(array, v)) {
            out_of_memory(ld);
            break;
        }
        st.index++;
        more = next_or_close(ld, ']', array, base);
        if (more > 0)
            continue;
        if (more == 0)
            return array;
        break;
    }
    ld->npend = base;
    json_decref(array);
    return NULL;
}

/* Set the member whose key is st's, with its value v read at value_at; a
 * repeated key is recorded. 0, or -1. */
static int set_member(loader *ld, json_t *object, const step *st, size_t key_at,
                      size_t value_at, json_t *v, size_t base)
{
    size_t before = json_object_size(object), i;
    const char *key = key_text(ld, st);

    if (json_object_setn_new_nocheck(object, key, st->key_len, v)) {
        out_of_memory(ld);
        return -1;
    }
    if (json_object_size(object) != before)
        return 0;
    ld->doc->container_depth = OLP_DEPTH_UNKNOWN; /* the value replaced may be why */
    /* the key again: the member keeps its place and its first key's
     * offset, and takes the new value's */
    ld->npend -= 2;
    i = member_index(object, key, st->key_len);
    add_duplicate(ld, st, ld->pend[base + 2 * i], key_at);
    ld->pend[base + 2 * i + 1] = value_at;
    return stopped(ld) ? -1 : 0;
}

static json_t *read_object(loader *ld, size_t depth, const step *where)
{
    json_t *object = json_object();
    size_t base = ld->npend, mark = ld->stack_len;
    step st = {where, 1, 0, 0, 0, 0};

    if (!object) {
        out_of_memory(ld);
        return NULL;
    }
    ld->pos++; /* { */
    skip_ws(ld);
    if (ld->pos < ld->len && ld->s[ld->pos] == '}') {
        ld->pos++;
        return object;
    }
    for (;;) {
        size_t key_at, value_at;
        json_t *v;
        int more;

        skip_ws(ld);
        key_at = ld->pos;
        if (ld->pos >= ld->len || ld->s[ld->pos] != '"') {
            fail(ld, ld->pos, "a string or '}' expected");
            break;
        }
        if (read_string(ld, &st.key_at, &st.key_len, &st.key_in_stack))
            break;
        /* raw, a NUL is a control character: only an escape makes one */
        if (st.key_in_stack && memchr(key_text(ld, &st), '\0', st.key_len)) {
            fail(ld, key_at, "a NUL character (\\u0000) in an object key");
            break;
        }
        skip_ws(ld);
        if (ld->pos >= ld->len || ld->s[ld->pos] != ':') {
            fail(ld, ld->pos, "':' expected");
            break;
        }
        ld->pos++;
        skip_ws(ld);
        value_at = ld->pos;
        if (push_slot(ld, key_at) || push_slot(ld, value_at))
            break;
        v = read_value(ld, depth + 1, &st);
        if (!v || set_member(ld, object, &st, key_at, value_at, v, base))
            break;
        ld->stack_len = mark;
        more = next_or_close(ld, '}', object, base);
        if (more > 0)
            continue;
        if (more == 0)
            return object;
        break;
    }
    ld->npend = base;
    ld->stack_len = mark;
    json_decref(object);
    return NULL;
}

static json_t *read_literal(loader *ld, const char *word, size_t n, json_t *v)
{
    if (ld->len - ld->pos < n || memcmp(ld->s + ld->pos, word, n) != 0) {
        fail(ld, ld->pos, "an invalid token");
        return NULL;
    }
    ld->pos += n;
    return v;
}

/* A container at depth: the tree's depth as olp_json_depth counts it, so
 * that a check need not walk the tree again to know it. */
static void note_container(loader *ld, size_t depth)
{
    if (depth > ld->doc->container_depth) /* (and not once OLP_DEPTH_UNKNOWN) */
        ld->doc->container_depth = depth;
}

/* The value at pos (past any whitespace). */
static json_t *read_value(loader *ld, size_t depth, const step *where)
{
    size_t at, len, mark = ld->stack_len;
    int in_stack;
    json_t *v;

    if (depth > ld->max_depth) {
        fail_too_deep(ld, ld->pos);
        return NULL;
    }
    if (ld->pos >= ld->len) {
        fail(ld, ld->pos, "a value expected, found the end of the text");
        return NULL;
    }
    switch (ld->s[ld->pos]) {
    case '{':
        note_container(ld, depth);
        return read_object(ld, depth, where);
    case '[':
        note_container(ld, depth);
        return read_array(ld, depth, where);
    case '"':
        if (read_string(ld, &at, &len, &in_stack))
            return NULL;
        v = json_stringn_nocheck((in_stack ? ld->stack : ld->s) + at, len);
        ld->stack_len = mark;
        if (!v)
            out_of_memory(ld);
        return v;
    case 't':
        return read_literal(ld, "true", 4, json_true());
    case 'f':
        return read_literal(ld, "false", 5, json_false());
    case 'n':
        return read_literal(ld, "null", 4, json_null());
    case '-':
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case '8':
    case '9':
        return read_number(ld);
    default:
        fail(ld, ld->pos, "an invalid token");
        return NULL;
    }
}

static int dup_order(const void *a, const void *b)
{
    const olp_duplicate *x = a, *y = b;

    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

int olp_load(olp_doc *doc, const char *text, size_t len, json_error_t *err)
{
    return olp_load_within(doc, text, len, JSON_PARSER_MAX_DEPTH, err);
}

int olp_load_within(olp_doc *doc, const char *text, size_t len, size_t max_depth,
                    json_error_t *err)
{
    loader ld;
    json_t *root = NULL;

    olp_doc_init(doc);
    memset(&ld, 0, sizeof(ld));
    ld.max_depth = max_depth < JSON_PARSER_MAX_DEPTH ? max_depth : JSON_PARSER_MAX_DEPTH;
    ld.s = text ? text : "";
    ld.len = len;
    ld.doc = doc;
    ld.err = err;
    /* A typical body's slots and strings fit in the storage of the doc and
     * of the loader: no allocation but the tree's */
    ld.pend = ld.pend_local;
    ld.cappend = OLP_DOC_LOCAL_SLOTS;
    ld.stack = ld.stack_local;
    ld.stack_cap = sizeof(ld.stack_local);
    doc->slots = doc->slots_local;
    doc->capslots = OLP_DOC_LOCAL_SLOTS;
    doc->list = doc->list_local;
    doc->caplist = OLP_DOC_LOCAL_LIST;
    skip_ws(&ld);
    doc->root_offset = ld.pos;
    root = read_value(&ld, 1, NULL);
    if (root) {
        skip_ws(&ld);
        if (ld.pos < ld.len)
            fail(&ld, ld.pos, "the end of the text expected");
    }
    if (ld.stack != ld.stack_local)
        olp_free(ld.stack);
    if (ld.pend != ld.pend_local)
        olp_free(ld.pend);
    if (stopped(&ld)) {
        json_decref(root);
        olp_doc_free(doc);
        if (ld.oom && err) {
            memset(err, 0, sizeof(*err));
            snprintf(err->text, sizeof(err->text), "%s", "out of memory");
        }
        return ld.oom ? OL_ENOMEM : OLP_LOAD_INVALID;
    }
    doc->root = root;
    if (doc->ndups > 1)
        qsort(doc->dups, doc->ndups, sizeof(*doc->dups), dup_order);
    return OL_OK;
}
