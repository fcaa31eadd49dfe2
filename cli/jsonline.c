/*
 * jsonline.c: JSON strings and numbers written straight to a stream, byte
 * for byte as jansson's json_dumps writes them (JSON_COMPACT, no
 * JSON_ENSURE_ASCII): '"' and '\\' escaped, the control characters as \b,
 * \f, \n, \r, \t or \u00XX, everything else as it is. A document's line of
 * the json format is written with these, without building a json_t and
 * dumping it: that was about 6% of the command line's instructions, in the
 * thread that writes every result in turn.
 *
 * jansson takes UTF-8 only; jstring() of output.c, before, replaced the
 * non-ASCII bytes of a string that is not UTF-8 (a file name, say) with
 * '?', and so does cli_json_string. tests/check_jsonline.c compares the two
 * writers on every kind of string.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The bytes of the UTF-8 sequence that starts with c, or 0 for a byte that
 * cannot start one. */
static size_t sequence_length(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if (c < 0xC2)
        return 0; /* a continuation byte, or an overlong start */
    if (c < 0xE0)
        return 2;
    if (c < 0xF0)
        return 3;
    if (c < 0xF5)
        return 4;
    return 0;
}

/* Whether the n bytes at s are one code point, in its shortest form, not a
 * surrogate, at most U+10FFFF: what jansson accepts. */
static int valid_sequence(const unsigned char *s, size_t n)
{
    static const unsigned long least[] = {0, 0, 0x80, 0x800, 0x10000};
    unsigned long cp = s[0] & (0xFF >> (n + 1));
    size_t i;

    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    return cp >= least[n] && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
}

int cli_utf8_valid_n(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str, *end = s + len;

    while (s < end) {
        size_t n = sequence_length(*s);

        /* a NUL in a sequence is not a continuation byte: it ends it */
        if (n == 0 || n > (size_t)(end - s) || (n > 1 && !valid_sequence(s, n)))
            return 0;
        s += n;
    }
    return 1;
}

int cli_utf8_valid(const char *str) { return cli_utf8_valid_n(str, strlen(str)); }

/* The escape of c, or NULL when c goes out as it is. */
static const char *escape_of(unsigned char c, char spare[7])
{
    switch (c) {
    case '"':
        return "\\\"";
    case '\\':
        return "\\\\";
    case '\b':
        return "\\b";
    case '\f':
        return "\\f";
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\t':
        return "\\t";
    default:
        if (c >= 0x20)
            return NULL;
        snprintf(spare, 7, "\\u%04X", c);
        return spare;
    }
}

void cli_json_string(FILE *out, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    int ascii_only = !cli_utf8_valid((const char *)s);
    const unsigned char *run = s; /* the bytes not yet written */
    char spare[7];

    putc('"', out);
    for (; *s; s++) {
        const char *escape = escape_of(*s, spare);

        if (!escape && !(ascii_only && *s >= 0x80))
            continue;
        fwrite(run, 1, (size_t)(s - run), out);
        fputs(escape ? escape : "?", out);
        run = s + 1;
    }
    fwrite(run, 1, (size_t)(s - run), out);
    putc('"', out);
}

void cli_json_int(FILE *out, json_int_t n) { fprintf(out, "%" JSON_INTEGER_FORMAT, n); }

/* ---- json_dumps, with no failure lost ------------------------------------- */

typedef struct dump_buffer {
    char *text;
    size_t len, cap;
    int failed; /* once set, every later append fails too */
} dump_buffer;

static int append_dumped(const char *bytes, size_t n, void *data)
{
    dump_buffer *b = data;

    if (!b->failed && n >= b->cap - b->len) {
        size_t cap = b->cap * 2 > b->len + n + 1 ? b->cap * 2 : b->len + n + 1;
        char *grown = cap > b->len ? realloc(b->text, cap) : NULL;

        if (grown) {
            b->text = grown;
            b->cap = cap;
        } else
            b->failed = 1;
    }
    if (b->failed)
        return -1;
    memcpy(b->text + b->len, bytes, n);
    b->len += n;
    b->text[b->len] = '\0';
    return 0;
}

/* jansson 2.14 does not check the writing of an object's key (dump.c): with
 * json_dumps, a key that does not fit its buffer (out of memory) is left out
 * of the text, and the text is returned all the same. Here a writer that
 * has failed fails every call after, and those jansson checks. */
char *cli_json_dumps(const json_t *v, size_t flags)
{
    dump_buffer b = {NULL, 0, 0, 0};

    if (!v || json_dump_callback(v, append_dumped, &b, flags) != 0 || b.failed ||
        append_dumped("", 0, &b) != 0) {
        free(b.text);
        return NULL;
    }
    return b.text;
}
