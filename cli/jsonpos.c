/*
 * jsonpos.c: where a member of a JSON text is. jansson tells the place of a
 * syntax error but not where a value it parsed came from; a mistake in the
 * configuration file (an unknown key, a rule id that is none) must still be
 * shown as FILE:LINE:COL. The text has been accepted by jansson already, so
 * this scanner only skips what it knows is well formed.
 */
#include <string.h>

#include "cli.h"

typedef struct scan {
    const char *s;
    size_t n, i;
} scan;

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

/* At a '{': to the key named seg[0..len) (when found, 1). Keys are
 * compared as written: a key with escapes is not found, and the caller
 * stays at the object. */
static int find_member(scan *sc, const char *seg, size_t len, size_t *key_at)
{
    sc->i++;
    for (;;) {
        size_t start;

        skip_space(sc);
        if (sc->i >= sc->n || sc->s[sc->i] != '"')
            return 0;
        start = sc->i;
        skip_string(sc);
        skip_space(sc);
        sc->i++; /* ':' */
        skip_space(sc);
        if (sc->i - start >= len + 2 && memcmp(sc->s + start + 1, seg, len) == 0 &&
            sc->s[start + 1 + len] == '"') {
            *key_at = start;
            return 1;
        }
        skip_value(sc);
        skip_space(sc);
        sc->i++; /* ',' or '}' */
    }
}

/* At a '[': to the element of that index (when there is one, 1). */
static int find_element(scan *sc, size_t index)
{
    size_t k;

    sc->i++;
    for (k = 0;; k++) {
        skip_space(sc);
        if (sc->i >= sc->n || sc->s[sc->i] == ']')
            return 0;
        if (k == index)
            return 1;
        skip_value(sc);
        skip_space(sc);
        sc->i++; /* ',' */
    }
}

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

/* One step down, from the value at sc->i. 0 when it goes nowhere. */
static int step(scan *sc, const char *seg, size_t len, size_t *key_at)
{
    scan try = *sc;
    size_t index;
    int found = 0;

    *key_at = sc->i;
    if (try.s[try.i] == '{')
        found = find_member(&try, seg, len, key_at);
    else if (try.s[try.i] == '[' && parse_index(seg, len, &index))
        found = find_element(&try, index);
    if (found)
        *sc = try;
    return found;
}

size_t cli_json_offset(const char *text, size_t len, const char *pointer, int key)
{
    scan sc = {text, len, 0};
    size_t key_at = 0;
    const char *seg = pointer;

    skip_space(&sc);
    key_at = sc.i;
    while (*seg == '/' && sc.i < len) {
        const char *end = strchr(seg + 1, '/');
        size_t n = end ? (size_t)(end - seg - 1) : strlen(seg + 1);

        if (!step(&sc, seg + 1, n, &key_at))
            return sc.i;
        seg += 1 + n;
    }
    return key ? key_at : sc.i;
}

void cli_text_place(const char *text, size_t offset, int *line, int *column)
{
    size_t i;

    *line = 1;
    *column = 1;
    for (i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *column = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            (*column)++; /* a character starts here: not a UTF-8 continuation */
        }
    }
}
