/*
 * locate.c: where things stand in the JSON text, and how deep a tree is.
 *
 * The loader (load.c) knows where every value starts; here offsets become
 * lines and columns, and a small scanner finds the first container nested
 * past a depth limit in a text that jansson could not read for its depth
 * (where there is no tree to ask). The scanner never reads past the end,
 * whatever it is given.
 */
#include <stdlib.h>
#include <string.h>

#include "ol_private.h"

/* Deeper than jansson's own limit (2048): the scanner stops descending. */
#define SCAN_MAX_DEPTH 4096

typedef struct scanner {
    const char *text;
    size_t len;
    size_t pos;
    size_t depth_limit; /* the first container nested deeper than this */
    int found_deep;
    size_t deep_offset;
} scanner;

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

/* Skip a string at pos (on its opening quote). */
static void skip_string(scanner *sc)
{
    sc->pos++; /* the quote */
    while (sc->pos < sc->len) {
        char c = sc->text[sc->pos++];
        if (c == '"')
            return;
        if (c == '\\' && sc->pos < sc->len)
            sc->pos++;
    }
}

static void skip_scalar(scanner *sc)
{
    while (sc->pos < sc->len) {
        char c = sc->text[sc->pos];
        if (c == ',' || c == '}' || c == ']' || c == ':' || c == ' ' || c == '\t' ||
            c == '\n' || c == '\r')
            return;
        sc->pos++;
    }
}

static void scan_value(scanner *sc, int depth);

/* The members or elements of a container at pos (on its '{' or '['). */
static void scan_container(scanner *sc, int depth)
{
    int close = peek(sc) == '{' ? '}' : ']';

    sc->pos++;
    for (;;) {
        skip_ws(sc);
        if (peek(sc) == close || peek(sc) < 0)
            break;
        if (close == '}') {
            if (peek(sc) == '"')
                skip_string(sc);
            else
                skip_scalar(sc);
            skip_ws(sc);
            if (peek(sc) == ':')
                sc->pos++;
        }
        scan_value(sc, depth + 1);
        skip_ws(sc);
        if (peek(sc) != ',')
            break;
        sc->pos++;
    }
    if (peek(sc) == close)
        sc->pos++;
}

static void scan_value(scanner *sc, int depth)
{
    int c;

    skip_ws(sc);
    if (sc->pos >= sc->len)
        return;
    c = peek(sc);
    if ((c == '{' || c == '[') && (size_t)depth + 1 > sc->depth_limit) {
        sc->found_deep = 1;
        sc->deep_offset = sc->pos;
        sc->pos = sc->len; /* found: stop the scan */
        return;
    }
    if (depth >= SCAN_MAX_DEPTH)
        sc->pos = sc->len; /* cannot happen after jansson's own limit */
    else if (c == '{' || c == '[')
        scan_container(sc, depth);
    else if (c == '"')
        skip_string(sc);
    else
        skip_scalar(sc);
}

size_t olp_locate_too_deep(const char *text, size_t len, size_t limit)
{
    scanner sc;

    memset(&sc, 0, sizeof(sc));
    sc.text = text;
    sc.len = len;
    sc.depth_limit = limit ? limit : 1;
    scan_value(&sc, 0);
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
