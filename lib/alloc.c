/*
 * alloc.c: what is built on the allocator, the growable buffer, and error
 * reporting.
 *
 * Every allocation of the library goes through olp_malloc and friends,
 * defined apart in sysalloc.c, so that a test can link the library with an
 * allocator of its own instead (tests/check_alloc.c fails the Nth
 * allocation); the library itself has no hook and no global to set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ol_private.h"

char *olp_strndup(const char *s, size_t n)
{
    char *copy = olp_malloc(n + 1);
    if (copy) {
        memcpy(copy, s, n);
        copy[n] = '\0';
    }
    return copy;
}

char *olp_strdup(const char *s) { return olp_strndup(s, strlen(s)); }

void ol_free(void *p) { olp_free(p); }

void olp_error_set(ol_error_t *err, int code, const char *source, int line, int column,
                   size_t position, const char *fmt, ...)
{
    va_list ap;

    /* The first error wins: it is the cause, later ones are consequences. */
    if (!err || err->code != OL_OK)
        return;
    err->code = code;
    err->line = line;
    err->column = column;
    err->position = position;
    snprintf(err->source, sizeof(err->source), "%s", source ? source : "");
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof(err->text), fmt, ap);
    va_end(ap);
}

const char *ol_strerror(int code)
{
    switch (code) {
    case OL_OK:
        return "success";
    case OL_ENOMEM:
        return "out of memory";
    case OL_EINVAL:
        return "invalid argument";
    case OL_ERULES:
        return "error in a rule file";
    case OL_EIO:
        return "cannot read a rule file";
    case OL_ENOTFOUND:
        return "no such rule";
    default:
        return "unknown error";
    }
}

const char *ol_version(void) { return OL_VERSION_STRING; }

/* ---- olp_buf ------------------------------------------------------------ */

void olp_buf_init(olp_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->oom = 0;
}

static int buf_reserve(olp_buf *b, size_t extra)
{
    size_t need, cap;
    char *data;

    if (b->oom)
        return -1;
    if (extra > SIZE_MAX - b->len - 1)
        goto fail;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    data = olp_realloc(b->data, cap);
    if (!data)
        goto fail;
    b->data = data;
    b->cap = cap;
    return 0;
fail:
    b->oom = 1;
    return -1;
}

void olp_buf_append(olp_buf *b, const char *s, size_t n)
{
    if (buf_reserve(b, n) != 0)
        return;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void olp_buf_puts(olp_buf *b, const char *s) { olp_buf_append(b, s, strlen(s)); }

void olp_buf_printf(olp_buf *b, const char *fmt, ...)
{
    va_list ap;
    char small[128];
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        olp_buf_append(b, small, (size_t)n);
        return;
    }
    if (buf_reserve(b, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void olp_buf_reset(olp_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *olp_buf_take(olp_buf *b)
{
    char *data;

    if (b->oom) {
        olp_buf_free(b);
        return NULL;
    }
    if (!b->data)
        olp_buf_append(b, "", 0);
    data = b->data;
    if (b->oom)
        data = NULL;
    olp_buf_init(b);
    return data;
}

void olp_buf_free(olp_buf *b)
{
    olp_free(b->data);
    olp_buf_init(b);
}

size_t olp_utf8_encode(unsigned long cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

void olp_pointer_append_key(olp_buf *b, const char *key)
{
    olp_buf_append(b, "/", 1);
    for (; *key; key++) {
        if (*key == '~')
            olp_buf_append(b, "~0", 2);
        else if (*key == '/')
            olp_buf_append(b, "~1", 2);
        else
            olp_buf_append(b, key, 1);
    }
}

void olp_path_append_key(olp_buf *b, const char *key)
{
    if (b->len)
        olp_buf_append(b, ".", 1);
    olp_buf_puts(b, key);
}

void olp_buf_json_string(olp_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, run = 0;

    olp_buf_append(b, "\"", 1);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[7];

        if (c == '"')
            esc = "\\\"";
        else if (c == '\\')
            esc = "\\\\";
        else if (c == '\n')
            esc = "\\n";
        else if (c == '\r')
            esc = "\\r";
        else if (c == '\t')
            esc = "\\t";
        else if (c < 0x20) {
            memcpy(u, "\\u00", 4);
            u[4] = hex[c >> 4];
            u[5] = hex[c & 15];
            u[6] = '\0';
            esc = u;
        }
        if (!esc)
            continue;
        olp_buf_append(b, s + run, i - run);
        olp_buf_puts(b, esc);
        run = i + 1;
    }
    olp_buf_append(b, s + run, n - run);
    olp_buf_append(b, "\"", 1);
}

/* ---- UTF-8 ------------------------------------------------------------ */

/* Offset of the first byte that is not valid UTF-8 (or is NUL), or len. */
size_t olp_utf8_invalid_at(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, n, k;

    while (i < len) {
        unsigned char c = s[i];
        unsigned char lo = 0x80, hi = 0xBF;
        if (c == 0)
            return i;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            n = 2;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 3;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 4;
        else
            return i;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
        else if (c == 0xF0)
            lo = 0x90; /* overlong */
        else if (c == 0xF4)
            hi = 0x8F; /* past U+10FFFF */
        if (len - i < n || s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (k = 2; k < n; k++) {
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return i;
        }
        i += n;
    }
    return len;
}

void olp_buf_puts_valid_utf8(olp_buf *b, const char *s)
{
    size_t len = strlen(s), bad;

    while ((bad = olp_utf8_invalid_at(s, len)) < len) {
        olp_buf_append(b, s, bad);
        olp_buf_puts(b, "?");
        s += bad + 1;
        len -= bad + 1;
    }
    olp_buf_append(b, s, len);
}
