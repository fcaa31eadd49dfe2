/*
 * source-line.c: the line a finding points into, and a caret under the
 * value, as GCC and clang show them after a diagnostic:
 *
 *   bad.json:17:27: error: expected 1999 to 2001 ... [order-line.tax]
 *      17 |       "total_tax_amount": 2500,
 *         |                           ^
 *
 * The line number is the line in the file (an NDJSON document's own line).
 * The caret stands under the character at the finding's byte offset; it is
 * found from the offset rather than by counting lines from the start of the
 * text, so that a finding costs the length of its line, not of the file.
 *
 * A character is what lib/locate.c counts as one column: a byte that is not
 * a UTF-8 continuation byte, with the continuation bytes after it. Each is
 * shown so that the caret line stays under it:
 *   - a tab is printed as a tab in both lines (whatever the tab stops are,
 *     both lines meet them at the same place: their gutters are as wide);
 *   - wide characters (CJK, emoji) take two columns, combining marks none;
 *   - invalid UTF-8, control characters and the bidirectional controls
 *     (which could make the line read other than it is) print as '?', so
 *     that nothing of the payload reaches the terminal raw;
 *   - a byte-order mark is left out.
 * A line longer than SHOWN_MAX characters is cut around the caret, "..."
 * standing for what is left out, so that a megabyte line prints a few dozen.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* A line of at most this many characters is shown whole; a longer one is
 * cut to this many around the caret, at most LEAD_MAX of them before it
 * when there are more than that after it. */
#define SHOWN_MAX 120
#define LEAD_MAX 40

/* The gutter's line numbers take at least this many columns (as GCC's). */
#define GUTTER_WIDTH 5

#define CUT_MARK "..."
#define CARET_ON "\033[1;32m" /* bold green, as GCC's caret */
#define COLOR_OFF "\033[0m"

/* ---- characters ------------------------------------------------------------ */

static int is_continuation(char c) { return ((unsigned char)c & 0xC0) == 0x80; }

/* The end of the line at pos: a newline, a carriage return before one (or
 * at the end of the text), or the end of the text. */
static int ends_line(const char *t, size_t len, size_t pos)
{
    if (pos >= len || t[pos] == '\n')
        return 1;
    return t[pos] == '\r' && (pos + 1 == len || t[pos + 1] == '\n');
}

/* The start of the character after the one at pos (pos < len). */
static size_t next_char(const char *t, size_t len, size_t pos)
{
    pos++;
    while (pos < len && is_continuation(t[pos]))
        pos++;
    return pos;
}

/* The start of the character before pos, within its line (pos > 0 and
 * t[pos - 1] is not a newline). Continuation bytes at the start of a line,
 * with no byte to lead them, are one character, as next_char sees them. */
static size_t prev_char(const char *t, size_t pos)
{
    pos--;
    while (pos > 0 && is_continuation(t[pos]) && t[pos - 1] != '\n')
        pos--;
    return pos;
}

/* Up to max characters back from pos, within its line: where that is, and
 * how many there were (*count; at most max). */
static size_t back_chars(const char *t, size_t pos, size_t max, size_t *count)
{
    size_t n = 0;

    while (n < max && pos > 0 && t[pos - 1] != '\n') {
        pos = prev_char(t, pos);
        n++;
    }
    *count = n;
    return pos;
}

/* Up to max characters on from pos, within its line. */
static size_t forward_chars(const char *t, size_t len, size_t pos, size_t max,
                            size_t *count)
{
    size_t n = 0;

    while (n < max && !ends_line(t, len, pos)) {
        pos = next_char(t, len, pos);
        n++;
    }
    *count = n;
    return pos;
}

/* The code point of the n bytes at s when they are one well-formed UTF-8
 * sequence (no overlong form, no surrogate, at most U+10FFFF), else -1. */
static long decode_utf8(const unsigned char *s, size_t n)
{
    static const long least[] = {0, 0, 0x80, 0x800, 0x10000};
    size_t want = s[0] < 0x80 ? 1 : s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : 2;
    long cp;
    size_t i;

    if (n != want || (s[0] >= 0x80 && s[0] < 0xC2) || s[0] > 0xF4)
        return -1;
    if (n == 1)
        return s[0];
    cp = s[0] & (0x7F >> n);
    for (i = 1; i < n; i++)
        cp = (cp << 6) | (s[i] & 0x3F);
    if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    return cp;
}

/* ---- how a character is shown ---------------------------------------------- */

typedef struct range {
    long lo, hi;
} range;

static int in_ranges(long cp, const range *r, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (cp >= r[i].lo && cp <= r[i].hi)
            return 1;
    }
    return 0;
}

/* Shown as '?': C0 and C1 controls, the line and paragraph separators, and
 * the bidirectional controls. */
static int is_unsafe(long cp)
{
    static const range unsafe[] = {{0x00, 0x1F},     {0x7F, 0x9F},     {0x061C, 0x061C},
                                   {0x200E, 0x200F}, {0x2028, 0x202E}, {0x2066, 0x2069}};

    return in_ranges(cp, unsafe, sizeof(unsafe) / sizeof(unsafe[0]));
}

/* Characters a terminal shows in no column of their own: combining marks,
 * zero-width spaces and joiners, variation selectors. */
static int is_zero_width(long cp)
{
    static const range zero[] = {{0x0300, 0x036F}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
                                 {0x200B, 0x200D}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
                                 {0xFE20, 0xFE2F}};

    return in_ranges(cp, zero, sizeof(zero) / sizeof(zero[0]));
}

/* East Asian wide and fullwidth characters, and the emoji blocks: two
 * columns on a terminal (the common blocks, as wcwidth() has them). */
static int is_wide(long cp)
{
    static const range wide[] = {
        {0x1100, 0x115F},   {0x2E80, 0x303E},   {0x3041, 0x33FF},   {0x3400, 0x4DBF},
        {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},
        {0xFE30, 0xFE4F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x1F300, 0x1F64F},
        {0x1F680, 0x1F6FF}, {0x1F900, 0x1F9FF}, {0x1FA70, 0x1FAFF}, {0x20000, 0x2FFFD},
        {0x30000, 0x3FFFD}};

    return in_ranges(cp, wide, sizeof(wide) / sizeof(wide[0]));
}

typedef enum shown { SHOWN_RAW, SHOWN_TAB, SHOWN_UNSAFE, SHOWN_NOTHING } shown;

/* How the character of n bytes at s is shown, and in how many columns. */
static shown classify(const char *s, size_t n, int *columns)
{
    long cp = decode_utf8((const unsigned char *)s, n);

    *columns = 1;
    if (cp == '\t')
        return SHOWN_TAB;
    if (cp < 0 || is_unsafe(cp))
        return SHOWN_UNSAFE;
    if (cp == 0xFEFF || is_zero_width(cp)) {
        *columns = 0;
        return cp == 0xFEFF ? SHOWN_NOTHING : SHOWN_RAW;
    }
    if (is_wide(cp))
        *columns = 2;
    return SHOWN_RAW;
}

/* Print the character of n bytes at s as the source line shows it. */
static void put_char(FILE *out, const char *s, size_t n)
{
    int columns;

    switch (classify(s, n, &columns)) {
    case SHOWN_RAW:
    case SHOWN_TAB:
        fwrite(s, 1, n, out);
        break;
    case SHOWN_UNSAFE:
        fputc('?', out);
        break;
    case SHOWN_NOTHING:
        break;
    }
}

/* Print what stands under that character in the caret line. */
static void put_blank(FILE *out, const char *s, size_t n)
{
    int columns;

    if (classify(s, n, &columns) == SHOWN_TAB) {
        fputc('\t', out);
        return;
    }
    for (; columns > 0; columns--)
        fputc(' ', out);
}

/* ---- the two lines ----------------------------------------------------------- */

/* The part of a line that is shown: [from, to), and whether there is more
 * of the line before and after it. */
typedef struct window {
    size_t from, to;
    int cut_before, cut_after;
} window;

/* The window around pos: the whole line when it is short enough, else
 * SHOWN_MAX characters, at most LEAD_MAX of them before pos when the rest
 * of the line has more than enough to fill the window. */
static window window_at(const char *t, size_t len, size_t pos)
{
    size_t before, after, keep_before, keep_after, room;
    window w;

    back_chars(t, pos, SHOWN_MAX + 1, &before);
    forward_chars(t, len, pos, SHOWN_MAX + 1, &after);
    keep_before = before;
    keep_after = after;
    if (before + after > SHOWN_MAX) {
        room = after < SHOWN_MAX ? SHOWN_MAX - after : 0;
        keep_before = before < LEAD_MAX ? before : room > LEAD_MAX ? room : LEAD_MAX;
        if (keep_before > before)
            keep_before = before;
        keep_after = SHOWN_MAX - keep_before;
    }
    w.from = back_chars(t, pos, keep_before, &before);
    w.to = forward_chars(t, len, pos, keep_after, &after);
    w.cut_before = w.from > 0 && t[w.from - 1] != '\n';
    w.cut_after = !ends_line(t, len, w.to);
    return w;
}

/* Apply put to each character of t in [from, to). */
static void each_char(FILE *out, const char *t, size_t from, size_t to,
                      void (*put)(FILE *, const char *, size_t))
{
    size_t next;

    for (; from < to; from = next) {
        next = next_char(t, to, from);
        put(out, t + from, next - from);
    }
}

static void print_gutter(FILE *out, size_t line, int width)
{
    if (line > 0)
        fprintf(out, "%*zu | ", width, line);
    else
        fprintf(out, "%*s | ", width, "");
}

/* The number of digits of n, for a gutter wide enough for it. */
static int digits(size_t n)
{
    int d = 1;

    for (; n >= 10; n /= 10)
        d++;
    return d;
}

void cli_print_source_line(FILE *out, const cli_doc *d, const ol_finding *f, int color)
{
    const char *t = d->text;
    size_t line, pos = f->offset;
    int width;
    window w;

    if (!t || f->line <= 0 || f->column <= 0 || pos > d->len)
        return;
    while (pos > 0 && pos < d->len && is_continuation(t[pos]) && t[pos - 1] != '\n')
        pos--; /* inside a character: under its first byte */
    line = d->first_line + (size_t)f->line - 1;
    width = digits(line) > GUTTER_WIDTH ? digits(line) : GUTTER_WIDTH;
    w = window_at(t, d->len, pos);

    print_gutter(out, line, width);
    fputs(w.cut_before ? CUT_MARK : "", out);
    each_char(out, t, w.from, w.to, put_char);
    fprintf(out, "%s\n", w.cut_after ? CUT_MARK : "");

    print_gutter(out, 0, width);
    fprintf(out, "%*s", w.cut_before ? (int)strlen(CUT_MARK) : 0, "");
    each_char(out, t, w.from, pos, put_blank);
    fprintf(out, "%s^%s\n", color ? CARET_ON : "", color ? COLOR_OFF : "");
}
