/*
 * expr.c: the expression language of the rule files: values, paths,
 * expressions and templates; how they are read (the lexer and a Pratt
 * parser, driven by rulefile.c) and how they are evaluated.
 *
 * Evaluation runs for every rule on every value of every document, so it
 * never allocates (the one exception: the PCRE2 match data, created once per
 * check) and it recurses at most OLX_MAX_DEPTH levels, a bound the parser
 * enforces, defs included.
 */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ol_expr.h"

/* Whether the process runs under valgrind, which cannot follow PCRE2's JIT
 * code (configure.ac): then matches() runs the interpreter. */
#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#define OLX_RUNNING_ON_VALGRIND RUNNING_ON_VALGRIND
#else
#define OLX_RUNNING_ON_VALGRIND 0
#endif

/* ======================================================================== */
/* The tree                                                                  */
/* ======================================================================== */

typedef enum node_kind {
    N_LIT,  /* value */
    N_PATH, /* path (owns_path); multi when it holds [*] or [?()] */
    N_NEG,  /* -a */
    N_NOT,  /* !a */
    N_BIN,  /* a op b */
    N_CALL, /* op is the function */
    N_DEF   /* def */
} node_kind;

typedef enum bin_op {
    B_COALESCE,
    B_OR,
    B_AND,
    B_EQ,
    B_NE,
    B_LT,
    B_LE,
    B_GT,
    B_GE,
    B_ADD,
    B_SUB,
    B_MUL,
    B_DIV,
    B_MOD
} bin_op;

typedef enum fn_id {
    F_HAS,
    F_TYPE,
    F_IS_INT,
    F_IS_REAL,
    F_IS_NUMBER,
    F_IS_STRING,
    F_IS_BOOL,
    F_IS_OBJECT,
    F_IS_ARRAY,
    F_IS_NULL,
    F_LEN,
    F_COUNT,
    F_SUM,
    F_ABS,
    F_MIN,
    F_MAX,
    F_FLOORDIV,
    F_CEILDIV,
    F_MATCHES,
    F_IN,
    F_IIN,
    F_IEQ,
    F_LOOKUP,
    F_SIZE,
    F_JSON,
    F_TIME,
    F_ALL,
    F_ANY,
    F_CONTEXT,
    F_KIND
} fn_id;

struct olp_expr {
    unsigned char kind;      /* node_kind */
    unsigned char op;        /* bin_op or fn_id */
    unsigned char parens;    /* written in parentheses (comparisons do not chain) */
    unsigned char multi;     /* N_PATH: selects a list */
    unsigned char context;   /* context(): the member read (context_member) */
    unsigned char owns_path; /* path is this node's (not a def's): freed with it */
    int height;              /* levels of evaluation below and including this node */
    size_t pos;              /* file offset, for errors */
    olp_value value;         /* N_LIT: owns its storage */
    const olp_path *path;    /* N_PATH, and the path of has/count/sum/all/any */
    olp_expr *a, *b;         /* operands, value arguments */
    /* A node needs one of these at most, known by its kind and function
     * (node_re and node_def say which): with some 1,800 nodes in the
     * built-in table, every 8 bytes of a node is 14 KB of each process. */
    union {
        const olx_table *table; /* N_CALL of lookup(), size(), in() and
                                 * iin() of a TABLE (NULL for in(x, list)) */
        pcre2_code *re;         /* N_CALL of matches() */
        const olx_def *def;     /* N_DEF */
    } u;
    /* How it is evaluated: chosen when the node is complete (node_done),
     * so that a literal or a path is a small function of its own and not a
     * case of the one that saves registers for all the others. */
    olp_value (*eval)(const olp_expr *e, olp_eval *ev);
    /* Its truth (olp_expr_truth), for the nodes whose truth is all that is
     * asked of them (a rule's when and assert, the operands of && || !, a
     * filter): the logic, the comparisons and the tests answer it without
     * making a value; the others through eval (truth_of_value). */
    int (*truth)(const olp_expr *e, olp_eval *ev);
    /* Its value when that is an integer, for the nodes of arithmetic that
     * have one (literals, members, + - * / %, ??, min, max, floordiv,
     * ceildiv, abs): 1 with *out set exactly when eval would give an
     * integer, 0 otherwise (eval then says what). NULL for the others. A
     * comparison of two such nodes compares integers, and the arithmetic
     * under it makes no value at any level. */
    int (*integer)(const olp_expr *e, olp_eval *ev, json_int_t *out);
};

/* Members of the union, NULL for a node that has none. */
static pcre2_code *node_re(const olp_expr *e)
{
    return e->kind == N_CALL && e->op == F_MATCHES ? e->u.re : NULL;
}

static const olx_def *node_def(const olp_expr *e)
{
    return e->kind == N_DEF ? e->u.def : NULL;
}

/* olp_expr_eval, inlined in this file. */
static inline olp_value evaluate(const olp_expr *e, olp_eval *ev)
{
    return e->eval(e, ev);
}

typedef enum part_kind {
    P_TEXT,
    P_EXPR,
    P_JSON,
    P_TIME,
    P_PATH,
    P_POINTER,
    P_DETAIL,
    P_FIELDS,
    P_EXPECTED,
    P_FOUND
} part_kind;

typedef struct tpart {
    part_kind kind;
    char *text; /* P_TEXT */
    size_t len;
    olp_expr *expr; /* P_EXPR, P_JSON */
} tpart;

struct olp_template {
    tpart *parts;
    size_t n;
    char *source; /* the text as written, for ol_rule_info */
};

/* ======================================================================== */
/* Freeing                                                                   */
/* ======================================================================== */

void olx_value_free(olp_value *v)
{
    size_t i;

    if (v->type == OLP_V_STR) {
        olp_free((char *)v->u.str.s);
    } else if (v->type == OLP_V_LIST && v->u.list) {
        olp_list *list = (olp_list *)v->u.list;
        for (i = 0; i < list->n; i++)
            olx_value_free(&list->items[i]);
        olp_free(list->items);
        olp_free(list);
    }
    v->type = OLP_V_UNDEF;
}

void olx_expr_free(olp_expr *e)
{
    if (!e)
        return;
    olx_expr_free(e->a);
    olx_expr_free(e->b);
    if (e->owns_path)
        olx_path_free((olp_path *)e->path); /* its own: see owns_path */
    olx_value_free(&e->value);
    pcre2_code_free(node_re(e));
    olp_free(e);
}

void olx_path_free(olp_path *p)
{
    size_t i;

    if (!p)
        return;
    for (i = 0; i < p->nsegs; i++) {
        if (!p->segs[i].key_canon)
            olp_free(p->segs[i].key);
        olx_expr_free(p->segs[i].filter);
    }
    olp_free(p->segs);
    olp_free(p);
}

void olx_template_free(olp_template *t)
{
    size_t i;

    if (!t)
        return;
    for (i = 0; i < t->n; i++) {
        olp_free(t->parts[i].text);
        olx_expr_free(t->parts[i].expr);
    }
    olp_free(t->parts);
    olp_free(t->source);
    olp_free(t);
}

void olx_table_free(olx_table *t)
{
    size_t i;

    if (!t)
        return;
    for (i = 0; i < t->n; i++) {
        olp_free(t->entries[i].key);
        olx_value_free(&t->entries[i].value);
    }
    olp_free(t->entries);
    olp_free(t->name);
    olp_free(t);
}

void olx_def_free(olx_def *d)
{
    if (!d)
        return;
    olx_expr_free(d->expr);
    olp_free(d->name);
    olp_free(d);
}

static void keys_free(olx_keys *k);

void olx_names_free(olx_names *n)
{
    size_t i;

    if (!n)
        return;
    for (i = 0; i < n->ntables; i++)
        olx_table_free(n->tables[i]);
    for (i = 0; i < n->ndefs; i++)
        olx_def_free(n->defs[i]);
    olp_free(n->tables);
    olp_free(n->defs);
    keys_free(&n->keys);
    n->tables = NULL;
    n->defs = NULL;
    n->ntables = n->ndefs = 0;
}

/* ======================================================================== */
/* The lexer                                                                 */
/* ======================================================================== */

static int is_ident_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }

static int is_ident_char(int c) { return is_ident_start(c) || is_digit(c); }

static int is_word_char(int c) { return is_ident_char(c) || c == '-' || c == '.'; }

/* Length of the UTF-8 sequence a lead byte starts (1 for anything odd). */
static size_t utf8_length(unsigned char c)
{
    if (c >= 0xF0 && c <= 0xF4)
        return 4;
    if (c >= 0xE0)
        return c <= 0xEF ? 3 : 1;
    if (c >= 0xC2)
        return 2;
    return 1;
}

void olx_parser_init(olx_parser *p, const char *text, size_t len)
{
    memset(p, 0, sizeof(*p));
    p->file = text;
    p->file_len = len;
    p->s = text;
    p->len = len;
}

static void forget_pending(olx_parser *p)
{
    size_t i;

    for (i = 0; i < p->npending; i++)
        olp_free(p->pending[i].name);
    p->npending = 0;
}

void olx_parser_fini(olx_parser *p)
{
    forget_pending(p);
    olp_free(p->pending);
    p->pending = NULL;
    p->cpending = 0;
}

/* Whitespace, and comments outside templates (a '#' in a template is text). */
static void skip_space(olx_parser *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            p->pos++;
        } else if (c == '#' && !p->map) {
            while (p->pos < p->len && p->s[p->pos] != '\n')
                p->pos++;
        } else {
            break;
        }
    }
}

/* A string ends at its unescaped quote; a line break or the end of the text
 * first means it is unterminated. */
static olx_tok lex_string(olx_parser *p)
{
    size_t i = p->pos + 1;

    while (i < p->len && p->s[i] != '\n') {
        if (p->s[i] == '"') {
            p->pos = i + 1;
            return OLX_T_STRING;
        }
        i += (p->s[i] == '\\' && i + 1 < p->len && p->s[i + 1] != '\n') ? 2 : 1;
    }
    p->pos = i;
    return OLX_T_UNTERMINATED;
}

/* Punctuation of one or two characters. */
static olx_tok lex_punct(olx_parser *p)
{
    static const struct {
        char text[3];
        olx_tok type;
    } puncts[] = {
        {"??", OLX_T_COALESCE}, {"!=", OLX_T_NE},      {"==", OLX_T_EQ},
        {"<=", OLX_T_LE},       {">=", OLX_T_GE},      {"&&", OLX_T_AND},
        {"||", OLX_T_OR},       {"(", OLX_T_LPAREN},   {")", OLX_T_RPAREN},
        {"[", OLX_T_LBRACK},    {"]", OLX_T_RBRACK},   {"{", OLX_T_LBRACE},
        {"}", OLX_T_RBRACE},    {",", OLX_T_COMMA},    {".", OLX_T_DOT},
        {":", OLX_T_COLON},     {"=", OLX_T_ASSIGN},   {"$", OLX_T_DOLLAR},
        {"@", OLX_T_AT},        {"?", OLX_T_QUESTION}, {"+", OLX_T_PLUS},
        {"-", OLX_T_MINUS},     {"*", OLX_T_STAR},     {"/", OLX_T_SLASH},
        {"%", OLX_T_PERCENT},   {"!", OLX_T_NOT},      {"<", OLX_T_LT},
        {">", OLX_T_GT},
    };
    size_t i, rest = p->len - p->pos;

    for (i = 0; i < sizeof(puncts) / sizeof(puncts[0]); i++) {
        size_t n = strlen(puncts[i].text);
        if (n <= rest && memcmp(p->s + p->pos, puncts[i].text, n) == 0) {
            p->pos += n;
            return puncts[i].type;
        }
    }
    p->pos += utf8_length((unsigned char)p->s[p->pos]);
    if (p->pos > p->len)
        p->pos = p->len;
    return OLX_T_BAD;
}

static olx_token lex(olx_parser *p)
{
    olx_token t;
    unsigned char c;

    skip_space(p);
    t.start = p->pos;
    c = p->pos < p->len ? (unsigned char)p->s[p->pos] : 0;
    if (p->pos >= p->len) {
        t.type = OLX_T_EOF;
    } else if (is_ident_start(c)) {
        while (p->pos < p->len && is_ident_char((unsigned char)p->s[p->pos]))
            p->pos++;
        t.type = OLX_T_IDENT;
    } else if (is_digit(c)) {
        while (p->pos < p->len && is_digit((unsigned char)p->s[p->pos]))
            p->pos++;
        t.type = OLX_T_NUMBER;
    } else if (c == '"') {
        t.type = lex_string(p);
    } else {
        t.type = lex_punct(p);
    }
    t.end = p->pos;
    return t;
}

const olx_token *olx_peek(olx_parser *p)
{
    if (!p->peeked) {
        p->tok = lex(p);
        p->peeked = 1;
    }
    return &p->tok;
}

void olx_next(olx_parser *p)
{
    olx_peek(p);
    p->prev = p->tok;
    p->prev_s = p->s;
    p->peeked = 0;
}

int olx_token_is(const olx_parser *p, const olx_token *t, const char *word)
{
    size_t n = strlen(word);
    return t->type == OLX_T_IDENT && t->end - t->start == n &&
           memcmp(p->s + t->start, word, n) == 0;
}

/* Go back to a place of the text already read (two-token lookahead). */
static void rewind_to(olx_parser *p, size_t pos, const olx_token *prev)
{
    p->pos = pos;
    p->peeked = 0;
    p->prev = *prev;
}

size_t olx_read_word(olx_parser *p, size_t *start)
{
    if (p->peeked) {
        p->pos = p->tok.start;
        p->peeked = 0;
    }
    skip_space(p);
    *start = p->pos;
    while (p->pos < p->len && is_word_char((unsigned char)p->s[p->pos]))
        p->pos++;
    p->prev.type = OLX_T_IDENT;
    p->prev.start = *start;
    p->prev.end = p->pos;
    p->prev_s = p->s;
    return p->pos - *start;
}

/* ======================================================================== */
/* Errors                                                                    */
/* ======================================================================== */

size_t olx_file_pos(const olx_parser *p, size_t local_pos)
{
    if (local_pos > p->len)
        local_pos = p->len;
    return p->map ? p->map[local_pos] : local_pos;
}

static void vfail_file(olx_parser *p, size_t file_pos, const char *fmt, va_list ap)
{
    if (p->status)
        return;
    p->status = OL_ERULES;
    p->err_pos = file_pos;
    vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
}

static void fail_file(olx_parser *p, size_t file_pos, const char *fmt, ...)
    OLP_PRINTF(3, 4);
static void fail_file(olx_parser *p, size_t file_pos, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfail_file(p, file_pos, fmt, ap);
    va_end(ap);
}

void olx_fail(olx_parser *p, size_t local_pos, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfail_file(p, olx_file_pos(p, local_pos), fmt, ap);
    va_end(ap);
}

void olx_fail_oom(olx_parser *p)
{
    if (p->status)
        return;
    p->status = OL_ENOMEM;
    p->err_pos = olx_file_pos(p, p->pos);
    snprintf(p->msg, sizeof(p->msg), "out of memory");
}

/* How a token is named in a message; s is the text it was read from. */
static void describe(const olx_parser *p, const char *s, const olx_token *t, char *buf,
                     size_t size)
{
    size_t n = t->end - t->start;

    switch (t->type) {
    case OLX_T_EOF:
        snprintf(buf, size, "%s",
                 p->map ? "the end of the template" : "the end of the file");
        break;
    case OLX_T_STRING:
        snprintf(buf, size, "a string");
        break;
    case OLX_T_UNTERMINATED:
        snprintf(buf, size, "an unterminated string");
        break;
    default:
        snprintf(buf, size, "'%.*s'", (int)(n > 32 ? 32 : n), s + t->start);
        break;
    }
}

void olx_describe(const olx_parser *p, const olx_token *t, char *buf, size_t size)
{
    describe(p, p->s, t, buf, size);
}

void olx_fail_expected(olx_parser *p, const char *what)
{
    char after[48];
    const olx_token *t = olx_peek(p);

    if (t->type == OLX_T_UNTERMINATED) {
        olx_fail(p, t->start, "unterminated string (a string ends on its line)");
        return;
    }
    if (p->prev_s) {
        describe(p, p->prev_s, &p->prev, after, sizeof(after));
        olx_fail(p, t->start, "expected %s after %s", what, after);
    } else {
        olx_fail(p, t->start, "expected %s", what);
    }
}

static int expect(olx_parser *p, olx_tok type, const char *what)
{
    if (olx_peek(p)->type != type) {
        olx_fail_expected(p, what);
        return -1;
    }
    olx_next(p);
    return 0;
}

/* ======================================================================== */
/* Strings                                                                   */
/* ======================================================================== */

static int hex4(const char *s, size_t avail, unsigned *out)
{
    size_t i;

    *out = 0;
    if (avail < 4)
        return -1;
    for (i = 0; i < 4; i++) {
        int c = (unsigned char)s[i], d;
        if (is_digit(c))
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        *out = *out * 16 + (unsigned)d;
    }
    return 0;
}

/* \uXXXX at *i (the backslash), with a surrogate pair as one code point. */
static size_t decode_unicode(olx_parser *p, size_t *i, size_t end, char *out)
{
    unsigned cp, lo;
    size_t at = *i;

    if (hex4(p->s + at + 2, end - (at + 2), &cp) != 0) {
        olx_fail(p, at, "\\u must be followed by four hexadecimal digits");
        return 0;
    }
    *i = at + 6;
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
        olx_fail(p, at, "a lone UTF-16 surrogate in a \\u escape");
        return 0;
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (*i + 1 >= end || p->s[*i] != '\\' || p->s[*i + 1] != 'u' ||
            hex4(p->s + *i + 2, end - (*i + 2), &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF) {
            olx_fail(p, at, "a lone UTF-16 surrogate in a \\u escape");
            return 0;
        }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        *i += 6;
    }
    if (cp == 0) {
        olx_fail(p, at, "\\u0000 is not allowed in a string");
        return 0;
    }
    return olp_utf8_encode(cp, out);
}

/* The escape at *i (a backslash) into out; returns its length, 0 on error. */
static size_t decode_escape(olx_parser *p, size_t *i, size_t end, char *out)
{
    size_t at = *i;
    char e = at + 1 < end ? p->s[at + 1] : '\0';

    switch (e) {
    case '"':
    case '\\':
        out[0] = e;
        break;
    case 'n':
        out[0] = '\n';
        break;
    case 't':
        out[0] = '\t';
        break;
    case 'u':
        return decode_unicode(p, i, end, out);
    default:
        if (e > ' ' && e < 0x7F)
            olx_fail(p, at, "unknown escape '\\%c' (a backslash is written '\\\\')", e);
        else
            olx_fail(p, at, "unknown escape in a string (a backslash is written '\\\\')");
        return 0;
    }
    *i = at + 2;
    return 1;
}

/* Decode the string token t, appending its bytes to out and, when map is
 * given, the file offset of each byte to map (an array of size_t). */
static int decode_string(olx_parser *p, const olx_token *t, olp_buf *out, olp_buf *map)
{
    size_t i = t->start + 1, end = t->end - 1;

    while (i < end) {
        unsigned char c = (unsigned char)p->s[i];
        size_t at = i, n, k;
        char enc[4];

        if (c == '\\') {
            n = decode_escape(p, &i, end, enc);
            if (!n)
                return -1;
        } else if (c < 0x20 && c != '\t') {
            olx_fail(p, at, "a control character in a string (write \\n or \\t)");
            return -1;
        } else {
            enc[0] = (char)c;
            n = 1;
            i++;
        }
        olp_buf_append(out, enc, n);
        for (k = 0; map && k < n; k++) {
            size_t fp = olx_file_pos(p, at);
            olp_buf_append(map, (const char *)&fp, sizeof(fp));
        }
    }
    return 0;
}

/* One or more adjacent string literals, decoded into out (and map, which
 * gets one more entry: the closing quote, for errors at the very end). */
static int read_strings(olx_parser *p, olp_buf *out, olp_buf *map)
{
    const olx_token *t = olx_peek(p);
    olx_token last;

    if (t->type != OLX_T_STRING) {
        olx_fail_expected(p, "a string");
        return -1;
    }
    olp_buf_append(out, "", 0);
    do {
        last = *t;
        olx_next(p);
        if (decode_string(p, &last, out, map) != 0)
            return -1;
        t = olx_peek(p);
        if (t->type == OLX_T_UNTERMINATED) {
            olx_fail(p, t->start, "unterminated string (a string ends on its line)");
            return -1;
        }
    } while (t->type == OLX_T_STRING);
    if (map) {
        size_t fp = olx_file_pos(p, last.end - 1);
        olp_buf_append(map, (const char *)&fp, sizeof(fp));
    }
    if (out->oom || (map && map->oom)) {
        olx_fail_oom(p);
        return -1;
    }
    return 0;
}

char *olx_parse_string(olx_parser *p, size_t *len)
{
    olp_buf b;

    olp_buf_init(&b);
    if (read_strings(p, &b, NULL) != 0) {
        olp_buf_free(&b);
        return NULL;
    }
    if (len)
        *len = b.len;
    return olp_buf_take(&b);
}

/* ======================================================================== */
/* Literals                                                                  */
/* ======================================================================== */

/* The integer token t, negated when negative (so that INT64_MIN can be
 * written). */
static int parse_integer(olx_parser *p, const olx_token *t, int negative, json_int_t *out)
{
    unsigned long long v = 0, limit = (unsigned long long)1 << 63;
    size_t i;

    if (t->end < p->len && p->s[t->end] == '.' && t->end + 1 < p->len &&
        is_digit((unsigned char)p->s[t->end + 1])) {
        olx_fail(p, t->start,
                 "numbers in rules are integers (amounts are in minor units)");
        return -1;
    }
    if (t->end < p->len && is_ident_char((unsigned char)p->s[t->end])) {
        olx_fail(p, t->start, "invalid number");
        return -1;
    }
    for (i = t->start; i < t->end; i++) {
        unsigned long long d = (unsigned long long)(p->s[i] - '0');
        if (v > (limit - d) / 10) { /* v * 10 + d > 2^63, checked before it wraps */
            olx_fail(p, t->start, "integer out of the 64-bit range");
            return -1;
        }
        v = v * 10 + d;
    }
    if (!negative && v == limit) {
        olx_fail(p, t->start, "integer out of the 64-bit range");
        return -1;
    }
    /* v <= 2^63: negate in unsigned arithmetic, then convert exactly. */
    if (negative)
        *out = v == limit ? (json_int_t)(-(long long)(limit - 1) - 1) : -(json_int_t)v;
    else
        *out = (json_int_t)v;
    return 0;
}

static int parse_literal_list(olx_parser *p, olp_value *out);

static int parse_literal_at_depth(olx_parser *p, olp_value *out)
{
    const olx_token *t = olx_peek(p);
    olx_token tok = *t;
    size_t len;
    char *s;

    memset(out, 0, sizeof(*out));
    if (t->type == OLX_T_STRING) {
        s = olx_parse_string(p, &len);
        if (!s)
            return -1;
        out->type = OLP_V_STR;
        out->u.str.s = s;
        out->u.str.len = len;
        return 0;
    }
    if (t->type == OLX_T_MINUS || t->type == OLX_T_NUMBER) {
        int negative = t->type == OLX_T_MINUS;
        if (negative) {
            olx_next(p);
            if (olx_peek(p)->type != OLX_T_NUMBER) {
                olx_fail_expected(p, "a number");
                return -1;
            }
        }
        tok = *olx_peek(p);
        olx_next(p);
        out->type = OLP_V_INT;
        return parse_integer(p, &tok, negative, &out->u.i);
    }
    if (t->type == OLX_T_LBRACK)
        return parse_literal_list(p, out);
    if (olx_token_is(p, t, "true") || olx_token_is(p, t, "false")) {
        out->type = OLP_V_BOOL;
        out->u.b = olx_token_is(p, t, "true");
        olx_next(p);
        return 0;
    }
    if (olx_token_is(p, t, "null")) {
        out->type = OLP_V_NULL;
        olx_next(p);
        return 0;
    }
    olx_fail_expected(p, "a literal (a string, an integer, true, false, null or a list)");
    return -1;
}

static int enter(olx_parser *p)
{
    if (++p->depth > OLX_MAX_DEPTH) {
        olx_fail(p, olx_peek(p)->start, "nested too deeply (more than %d levels)",
                 OLX_MAX_DEPTH);
        return -1;
    }
    return 0;
}

static void leave(olx_parser *p) { p->depth--; }

int olx_parse_literal(olx_parser *p, olp_value *out)
{
    int rc;

    memset(out, 0, sizeof(*out));
    if (enter(p) != 0)
        return -1;
    rc = parse_literal_at_depth(p, out);
    leave(p);
    if (rc != 0)
        olx_value_free(out);
    return rc;
}

static int list_push(olx_parser *p, olp_list *list, size_t *cap, const olp_value *v)
{
    if (list->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 4;
        olp_value *items = olp_realloc(list->items, ncap * sizeof(*items));
        if (!items) {
            olx_fail_oom(p);
            return -1;
        }
        list->items = items;
        *cap = ncap;
    }
    list->items[list->n++] = *v;
    return 0;
}

/* [literal, literal, ...], a trailing comma allowed. */
static int parse_literal_list(olx_parser *p, olp_value *out)
{
    olp_list *list = olp_calloc(1, sizeof(*list));
    size_t cap = 0;
    olp_value item;

    if (!list) {
        olx_fail_oom(p);
        return -1;
    }
    out->type = OLP_V_LIST;
    out->u.list = list;
    olx_next(p); /* [ */
    while (olx_peek(p)->type != OLX_T_RBRACK) {
        if (olx_parse_literal(p, &item) != 0)
            return -1;
        if (list_push(p, list, &cap, &item) != 0) {
            olx_value_free(&item);
            return -1;
        }
        if (olx_peek(p)->type == OLX_T_COMMA)
            olx_next(p);
        else if (olx_peek(p)->type != OLX_T_RBRACK) {
            olx_fail_expected(p, "',' or ']'");
            return -1;
        }
    }
    olx_next(p); /* ] */
    return 0;
}

/* ======================================================================== */
/* Nodes                                                                     */
/* ======================================================================== */

static olp_value eval_node(const olp_expr *e, olp_eval *ev);
static olp_value (*evaluator_of(const olp_expr *e))(const olp_expr *, olp_eval *);
static int truth_of_value(const olp_expr *e, olp_eval *ev);
static int (*truth_evaluator_of(const olp_expr *e))(const olp_expr *, olp_eval *);
typedef int (*integer_fn)(const olp_expr *e, olp_eval *ev, json_int_t *out);
static integer_fn integer_evaluator_of(const olp_expr *e);

static olp_expr *node_new(olx_parser *p, node_kind kind, size_t local_pos)
{
    olp_expr *e = olp_calloc(1, sizeof(*e));

    if (!e) {
        olx_fail_oom(p);
        return NULL;
    }
    e->kind = (unsigned char)kind;
    e->pos = olx_file_pos(p, local_pos);
    e->height = 1;
    e->eval = eval_node;
    e->truth = truth_of_value;
    return e;
}

static int path_height(const olp_path *path)
{
    int h = 0;
    size_t i;

    for (i = 0; path && i < path->nsegs; i++) {
        if (path->segs[i].filter && path->segs[i].filter->height > h)
            h = path->segs[i].filter->height;
    }
    return h;
}

/* The node's height from its parts; more than OLX_MAX_DEPTH is an error
 * (evaluation recurses that deep). Frees e and returns NULL then. */
static olp_expr *node_done(olx_parser *p, olp_expr *e)
{
    int h = 0;

    if (e->a && e->a->height > h)
        h = e->a->height;
    if (e->b && e->b->height > h)
        h = e->b->height;
    if (path_height(e->path) > h)
        h = path_height(e->path);
    if (node_def(e) && node_def(e)->expr->height > h)
        h = node_def(e)->expr->height;
    e->height = h + 1;
    e->eval = evaluator_of(e);
    e->truth = truth_evaluator_of(e);
    e->integer = integer_evaluator_of(e);
    if (e->height > OLX_MAX_DEPTH) {
        fail_file(p, e->pos,
                  "expression nested too deeply (more than %d levels, defs included)",
                  OLX_MAX_DEPTH);
        olx_expr_free(e);
        return NULL;
    }
    return e;
}

static olp_expr *literal_node(olx_parser *p, size_t pos, olp_value v)
{
    olp_expr *e = node_new(p, N_LIT, pos);

    if (!e) {
        olx_value_free(&v);
        return NULL;
    }
    e->value = v;
    e->eval = evaluator_of(e);
    e->truth = truth_evaluator_of(e);
    e->integer = integer_evaluator_of(e);
    return e;
}

/* ======================================================================== */
/* Paths                                                                     */
/* ======================================================================== */

static olp_path *path_new(olx_parser *p, int from_root)
{
    olp_path *path = olp_calloc(1, sizeof(*path));

    if (!path)
        olx_fail_oom(p);
    else
        path->from_root = from_root;
    return path;
}

olp_path *olx_path_root(void)
{
    olp_path *path = olp_calloc(1, sizeof(*path));

    if (path)
        path->from_root = 1;
    return path;
}

/* FNV-1a: the key's hash for olp_eval.members, computed once per rule. */
static unsigned int key_hash(const char *key, size_t len)
{
    unsigned int h = 2166136261u;
    size_t i;

    for (i = 0; i < len; i++)
        h = (h ^ (unsigned char)key[i]) * 16777619u;
    return h;
}

/* The slot of key in k: its own, or the empty one where it would go. */
static olx_key *key_slot(const olx_keys *k, const char *key, size_t len,
                         unsigned int hash)
{
    size_t i = hash & (k->cap - 1);

    while (k->slots[i].s && !(k->slots[i].hash == hash && k->slots[i].len == len &&
                              memcmp(k->slots[i].s, key, len) == 0))
        i = (i + 1) & (k->cap - 1);
    return &k->slots[i];
}

/* Keep k at most half full. */
static int keys_grow(olx_keys *k)
{
    olx_keys bigger;
    size_t i;

    if (k->cap && k->n + 1 <= k->cap / 2)
        return 0;
    bigger.cap = k->cap ? k->cap * 2 : 64;
    bigger.n = k->n;
    bigger.slots = olp_calloc(bigger.cap, sizeof(*bigger.slots));
    if (!bigger.slots)
        return -1;
    for (i = 0; i < k->cap; i++)
        if (k->slots[i].s)
            *key_slot(&bigger, k->slots[i].s, k->slots[i].len, k->slots[i].hash) =
                k->slots[i];
    olp_free(k->slots);
    *k = bigger;
    return 0;
}

/* The book's copy of key, made if it has none; NULL when out of memory. */
static char *intern(olx_keys *k, const char *key, size_t len, unsigned int hash)
{
    olx_key *slot;

    if (keys_grow(k) != 0)
        return NULL;
    slot = key_slot(k, key, len, hash);
    if (!slot->s) {
        slot->s = olp_malloc(len + 1);
        if (!slot->s)
            return NULL;
        memcpy(slot->s, key, len);
        slot->s[len] = '\0';
        slot->len = len;
        slot->hash = hash;
        k->n++;
    }
    return slot->s;
}

static void keys_free(olx_keys *k)
{
    size_t i;

    for (i = 0; i < k->cap; i++)
        olp_free(k->slots[i].s);
    olp_free(k->slots);
    memset(k, 0, sizeof(*k));
}

/* Make seg's key the book's copy, and free its own: the built-in table's
 * paths name some 300 keys in 1,200 segments. Returns 0, or -1 when out of
 * memory (seg then keeps its own). */
static int share_key(olx_keys *k, olp_seg *seg)
{
    char *canon = intern(k, seg->key, seg->key_len, seg->key_hash);

    if (!canon)
        return -1;
    olp_free(seg->key);
    seg->key = canon;
    seg->key_canon = canon;
    return 0;
}

/* Append seg (taking its key and filter, freed on failure). */
static int path_push(olx_parser *p, olp_path *path, olp_seg seg, size_t local_pos)
{
    olp_seg *segs;

    if (path->nsegs >= OLX_MAX_SEGS) {
        olx_fail(p, local_pos, "a path of more than %d segments", OLX_MAX_SEGS);
        goto fail;
    }
    segs = olp_realloc(path->segs, (path->nsegs + 1) * sizeof(*segs));
    if (!segs) {
        olx_fail_oom(p);
        goto fail;
    }
    path->segs = segs;
    if (seg.type == OLP_SEG_KEY) {
        seg.key_hash = key_hash(seg.key, seg.key_len);
        if (p->keys && share_key(p->keys, &seg) != 0) {
            olx_fail_oom(p);
            goto fail;
        }
    }
    if (seg.type == OLP_SEG_WILD || seg.type == OLP_SEG_FILTER)
        path->selects_many = 1;
    path->segs[path->nsegs++] = seg;
    return 0;
fail:
    olp_free(seg.key);
    olx_expr_free(seg.filter);
    return -1;
}

static int push_key(olx_parser *p, olp_path *path, const char *s, size_t n, size_t pos)
{
    olp_seg seg;

    memset(&seg, 0, sizeof(seg));
    seg.type = OLP_SEG_KEY;
    seg.key = olp_strndup(s, n);
    seg.key_len = n;
    if (!seg.key) {
        olx_fail_oom(p);
        return -1;
    }
    return path_push(p, path, seg, pos);
}

/* Inside [ ]: an index, *, ?(EXPR) or a quoted key. */
static int parse_bracket(olx_parser *p, olp_path *path)
{
    const olx_token *t = olx_peek(p);
    olx_token tok = *t;
    olp_seg seg;
    json_int_t index;

    memset(&seg, 0, sizeof(seg));
    if (t->type == OLX_T_NUMBER) {
        olx_next(p);
        if (parse_integer(p, &tok, 0, &index) != 0)
            return -1;
        seg.type = OLP_SEG_INDEX;
        seg.index = (size_t)index;
    } else if (t->type == OLX_T_STAR) {
        olx_next(p);
        seg.type = OLP_SEG_WILD;
    } else if (t->type == OLX_T_QUESTION) {
        olx_next(p);
        if (expect(p, OLX_T_LPAREN, "'('") != 0)
            return -1;
        seg.type = OLP_SEG_FILTER;
        seg.filter = olx_parse_expr(p);
        if (!seg.filter)
            return -1;
        if (expect(p, OLX_T_RPAREN, "')'") != 0) {
            olx_expr_free(seg.filter);
            return -1;
        }
    } else if (t->type == OLX_T_STRING) {
        seg.type = OLP_SEG_KEY;
        seg.key = olx_parse_string(p, &seg.key_len);
        if (!seg.key)
            return -1;
    } else {
        olx_fail_expected(p, "an index, '*', '?(' or a quoted key");
        return -1;
    }
    return path_push(p, path, seg, tok.start);
}

/* .name [N] [*] [?(EXPR)] ["key"], as many as follow. */
static int parse_segments(olx_parser *p, olp_path *path)
{
    for (;;) {
        const olx_token *t = olx_peek(p);
        if (t->type == OLX_T_DOT) {
            olx_next(p);
            t = olx_peek(p);
            if (t->type != OLX_T_IDENT) {
                olx_fail_expected(p, "a field name");
                return -1;
            }
            if (push_key(p, path, p->s + t->start, t->end - t->start, t->start) != 0)
                return -1;
            olx_next(p);
        } else if (t->type == OLX_T_LBRACK) {
            olx_next(p);
            if (parse_bracket(p, path) != 0 || expect(p, OLX_T_RBRACK, "']'") != 0)
                return -1;
        } else {
            return 0;
        }
    }
}

static int is_reserved(const olx_parser *p, const olx_token *t)
{
    size_t i;

    for (i = 0; p->reserved && p->reserved[i]; i++) {
        if (olx_token_is(p, t, p->reserved[i]))
            return 1;
    }
    return 0;
}

/* $session, $authorized, $order: the documents of a request's context. */
static const struct {
    const char *name;
    olp_root root;
} context_roots[] = {
    {"session", OLP_ROOT_SESSION},
    {"authorized", OLP_ROOT_AUTHORIZED},
    {"order", OLP_ROOT_ORDER},
};

/* After '$', a context document's name written against it, if any. */
static int context_root(olx_parser *p, const olx_token *dollar, olp_path *path)
{
    const olx_token *t = olx_peek(p);
    size_t i;

    if (t->type != OLX_T_IDENT || t->start != dollar->end)
        return 0;
    for (i = 0; i < sizeof(context_roots) / sizeof(context_roots[0]); i++) {
        if (olx_token_is(p, t, context_roots[i].name)) {
            path->from_root = context_roots[i].root;
            olx_next(p);
            return 1;
        }
    }
    return 0;
}

/* The start of a path: $ or @ (the token just consumed), or a name. */
static olp_path *path_from(olx_parser *p, const olx_token *start)
{
    olp_path *path =
        path_new(p, start->type == OLX_T_DOLLAR ? OLP_ROOT_PAYLOAD : OLP_ROOT_CURRENT);

    if (!path)
        return NULL;
    if (start->type == OLX_T_DOLLAR && context_root(p, start, path)) {
        /* $session, ...: its segments follow */
    } else if (start->type == OLX_T_IDENT) {
        if (push_key(p, path, p->s + start->start, start->end - start->start,
                     start->start) != 0)
            goto fail;
    } else if (olx_peek(p)->type == OLX_T_IDENT && olx_peek(p)->start == start->end) {
        olx_fail(p, olx_peek(p)->start,
                 "expected '.' between '%c' and a field name ($session, $authorized and "
                 "$order are the context's documents)",
                 p->s[start->start]);
        goto fail;
    }
    if (parse_segments(p, path) != 0)
        goto fail;
    return path;
fail:
    olx_path_free(path);
    return NULL;
}

olp_path *olx_parse_path(olx_parser *p)
{
    const olx_token *t = olx_peek(p);
    olx_token start = *t;

    if ((t->type != OLX_T_DOLLAR && t->type != OLX_T_AT && t->type != OLX_T_IDENT) ||
        (t->type == OLX_T_IDENT && is_reserved(p, t))) {
        olx_fail_expected(p, "a path");
        return NULL;
    }
    olx_next(p);
    return path_from(p, &start);
}

int olx_path_has_wildcards(const olp_path *p)
{
    size_t i;

    for (i = 0; p && i < p->nsegs; i++) {
        if (p->segs[i].type == OLP_SEG_WILD || p->segs[i].type == OLP_SEG_FILTER)
            return 1;
    }
    return 0;
}

int olx_path_has_filters(const olp_path *p)
{
    size_t i;

    for (i = 0; p && i < p->nsegs; i++) {
        if (p->segs[i].type == OLP_SEG_FILTER)
            return 1;
    }
    return 0;
}

/* ======================================================================== */
/* Names                                                                     */
/* ======================================================================== */

static int ascii_lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int icase_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i, n = an < bn ? an : bn;

    for (i = 0; i < n; i++) {
        int ca = ascii_lower((unsigned char)a[i]), cb = ascii_lower((unsigned char)b[i]);
        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return (an > bn) - (an < bn);
}

static int name_is(const char *name, const char *s, size_t n)
{
    return strlen(name) == n && memcmp(name, s, n) == 0;
}

const olx_table *olx_find_table(const olx_parser *p, const char *name, size_t len)
{
    size_t i, k;

    for (k = 0; k < 2; k++) {
        for (i = 0; p->scope[k] && i < p->scope[k]->ntables; i++) {
            if (name_is(p->scope[k]->tables[i]->name, name, len))
                return p->scope[k]->tables[i];
        }
    }
    return NULL;
}

const olx_def *olx_find_def(const olx_parser *p, const char *name, size_t len)
{
    size_t i, k;

    for (k = 0; k < 2; k++) {
        for (i = 0; p->scope[k] && i < p->scope[k]->ndefs; i++) {
            if (name_is(p->scope[k]->defs[i]->name, name, len))
                return p->scope[k]->defs[i];
        }
    }
    return NULL;
}

static int entry_cmp(const void *a, const void *b)
{
    const olx_entry *x = a, *y = b;
    int c = icase_cmp(x->key, x->keylen, y->key, y->keylen);

    /* Equal keys in the order written, so that the error names the later. */
    if (c == 0)
        c = (x->pos > y->pos) - (x->pos < y->pos);
    return c;
}

int olx_table_finish(olx_parser *p, olx_table *t)
{
    size_t i;

    if (t->n > 1)
        qsort(t->entries, t->n, sizeof(*t->entries), entry_cmp);
    for (i = 1; i < t->n; i++) {
        const olx_entry *a = &t->entries[i - 1], *b = &t->entries[i];
        if (icase_cmp(a->key, a->keylen, b->key, b->keylen) == 0) {
            fail_file(p, b->pos,
                      "duplicate key '%.40s' in table '%.40s' (keys ignore case)", b->key,
                      t->name);
            return -1;
        }
    }
    return 0;
}

static const olx_entry *table_find(const olx_table *t, const char *key, size_t len)
{
    size_t lo = 0, hi = t->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = icase_cmp(key, len, t->entries[mid].key, t->entries[mid].keylen);
        if (c == 0)
            return &t->entries[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* A table named by the token: found now, or left for olx_link. */
static int table_ref(olx_parser *p, olp_expr *e, const olx_token *name)
{
    size_t n = name->end - name->start;
    olx_pending_table *later;

    e->u.table = olx_find_table(p, p->s + name->start, n);
    if (e->u.table)
        return 0;
    if (p->npending == p->cpending) {
        size_t cap = p->cpending ? p->cpending * 2 : 8;
        olx_pending_table *pending = olp_realloc(p->pending, cap * sizeof(*pending));
        if (!pending) {
            olx_fail_oom(p);
            return -1;
        }
        p->pending = pending;
        p->cpending = cap;
    }
    later = &p->pending[p->npending];
    later->name = olp_strndup(p->s + name->start, n);
    if (!later->name) {
        olx_fail_oom(p);
        return -1;
    }
    later->node = e;
    later->pos = olx_file_pos(p, name->start);
    p->npending++;
    return 0;
}

int olx_link(olx_parser *p)
{
    size_t i;

    /* After a failure the nodes may be freed already: they are touched
     * only while no error is set, and then only the names are freed. */
    for (i = 0; i < p->npending && !p->status; i++) {
        const olx_pending_table *later = &p->pending[i];
        const char *name = later->name;

        later->node->u.table = olx_find_table(p, name, strlen(name));
        if (!later->node->u.table)
            fail_file(p, later->pos, "unknown table '%.40s' (a field is written @.%.40s)",
                      name, name);
    }
    forget_pending(p);
    return p->status ? -1 : 0;
}

/* ======================================================================== */
/* Functions                                                                 */
/* ======================================================================== */

typedef enum arg_kind {
    A_VALUE,    /* any expression */
    A_PATH,     /* a path, or a def that is one */
    A_TABLE,    /* a table name */
    A_HAYSTACK, /* a table name, or an expression giving a list */
    A_REGEX,    /* a string literal: compiled now */
    A_CONTEXT   /* a string literal naming a member of the context */
} arg_kind;

typedef struct fn_spec {
    const char *name;
    fn_id fn;
    int nargs;
    arg_kind args[2];
} fn_spec;

static const fn_spec fn_specs[] = {
    {"has", F_HAS, 1, {A_PATH, A_VALUE}},
    {"type", F_TYPE, 1, {A_VALUE, A_VALUE}},
    {"is_int", F_IS_INT, 1, {A_VALUE, A_VALUE}},
    {"is_real", F_IS_REAL, 1, {A_VALUE, A_VALUE}},
    {"is_number", F_IS_NUMBER, 1, {A_VALUE, A_VALUE}},
    {"is_string", F_IS_STRING, 1, {A_VALUE, A_VALUE}},
    {"is_bool", F_IS_BOOL, 1, {A_VALUE, A_VALUE}},
    {"is_object", F_IS_OBJECT, 1, {A_VALUE, A_VALUE}},
    {"is_array", F_IS_ARRAY, 1, {A_VALUE, A_VALUE}},
    {"is_null", F_IS_NULL, 1, {A_VALUE, A_VALUE}},
    {"len", F_LEN, 1, {A_VALUE, A_VALUE}},
    {"count", F_COUNT, 1, {A_PATH, A_VALUE}},
    {"sum", F_SUM, 1, {A_PATH, A_VALUE}},
    {"abs", F_ABS, 1, {A_VALUE, A_VALUE}},
    {"min", F_MIN, 2, {A_VALUE, A_VALUE}},
    {"max", F_MAX, 2, {A_VALUE, A_VALUE}},
    {"floordiv", F_FLOORDIV, 2, {A_VALUE, A_VALUE}},
    {"ceildiv", F_CEILDIV, 2, {A_VALUE, A_VALUE}},
    {"matches", F_MATCHES, 2, {A_VALUE, A_REGEX}},
    {"in", F_IN, 2, {A_VALUE, A_HAYSTACK}},
    {"iin", F_IIN, 2, {A_VALUE, A_HAYSTACK}},
    {"ieq", F_IEQ, 2, {A_VALUE, A_VALUE}},
    {"lookup", F_LOOKUP, 2, {A_TABLE, A_VALUE}},
    {"size", F_SIZE, 1, {A_TABLE, A_VALUE}},
    {"json", F_JSON, 1, {A_VALUE, A_VALUE}},
    {"time", F_TIME, 1, {A_VALUE, A_VALUE}},
    {"all", F_ALL, 2, {A_PATH, A_VALUE}},
    {"any", F_ANY, 2, {A_PATH, A_VALUE}},
    {"context", F_CONTEXT, 1, {A_CONTEXT, A_VALUE}},
    {"kind", F_KIND, 0, {A_VALUE, A_VALUE}},
};

static const fn_spec *find_fn(const char *name, size_t len)
{
    size_t i;

    for (i = 0; i < sizeof(fn_specs) / sizeof(fn_specs[0]); i++) {
        if (name_is(fn_specs[i].name, name, len))
            return &fn_specs[i];
    }
    return NULL;
}

int olx_is_function(const char *name, size_t len) { return find_fn(name, len) != NULL; }

static olp_expr *parse_binary(olx_parser *p, int min_prec);

olp_expr *olx_parse_expr(olx_parser *p) { return parse_binary(p, 1); }

/* The value arguments go to a, then b. */
static void attach_value(olp_expr *call, olp_expr *arg)
{
    if (!call->a)
        call->a = arg;
    else
        call->b = arg;
}

/* A path argument: a path expression, or a def whose body is one. */
static int path_arg(olx_parser *p, olp_expr *call, const fn_spec *spec)
{
    size_t at = olx_peek(p)->start;
    olp_expr *arg = olx_parse_expr(p);

    if (!arg)
        return -1;
    if (arg->kind == N_PATH) {
        call->path = arg->path;
        call->owns_path = arg->owns_path;
        arg->owns_path = 0;
    } else if (arg->kind == N_DEF && arg->u.def->expr->kind == N_PATH) {
        call->path = arg->u.def->expr->path;
    } else {
        olx_fail(p, at, "the first argument of %s() must be a path", spec->name);
        olx_expr_free(arg);
        return -1;
    }
    olx_expr_free(arg);
    return 0;
}

static int regex_arg(olx_parser *p, olp_expr *call)
{
    olp_buf pat, map;
    int code;
    PCRE2_SIZE offset;
    int rc = 0;

    if (olx_peek(p)->type != OLX_T_STRING) {
        olx_fail(
            p, olx_peek(p)->start,
            "the pattern of matches() must be a string literal (it is compiled once)");
        return -1;
    }
    olp_buf_init(&pat);
    olp_buf_init(&map);
    if (read_strings(p, &pat, &map) != 0) {
        rc = -1;
    } else {
        call->u.re = pcre2_compile((PCRE2_SPTR)pat.data, pat.len, PCRE2_UTF, &code,
                                   &offset, p->cctx);
        if (!call->u.re && code == PCRE2_ERROR_HEAP_FAILED) {
            olx_fail_oom(p);
            rc = -1;
        } else if (!call->u.re) {
            PCRE2_UCHAR text[96];
            const size_t *where = (const size_t *)map.data;
            pcre2_get_error_message(code, text, sizeof(text));
            fail_file(p, where[offset <= pat.len ? offset : pat.len],
                      "regular expression error: %s at offset %zu", (const char *)text,
                      (size_t)offset);
            rc = -1;
        } else {
            /* Without JIT the interpreter runs: slower, still correct.
             * Under valgrind it always does (configure.ac). */
            if (!OLX_RUNNING_ON_VALGRIND)
                (void)pcre2_jit_compile(call->u.re, PCRE2_JIT_COMPLETE);
        }
    }
    olp_buf_free(&pat);
    olp_buf_free(&map);
    return rc;
}

/* A bare name as the list of in()/iin() is a table; anything else is an
 * expression (a literal list, a path to an array). */
static int haystack_arg(olx_parser *p, olp_expr *call)
{
    const olx_token *t = olx_peek(p);
    olx_token name = *t, before = p->prev;
    olp_expr *arg;

    if (t->type == OLX_T_IDENT && !olx_token_is(p, t, "true") &&
        !olx_token_is(p, t, "false") && !olx_token_is(p, t, "null")) {
        olx_next(p);
        if (olx_peek(p)->type == OLX_T_RPAREN || olx_peek(p)->type == OLX_T_COMMA)
            return table_ref(p, call, &name);
        rewind_to(p, name.start, &before);
    }
    arg = olx_parse_expr(p);
    if (!arg)
        return -1;
    call->b = arg;
    return 0;
}

/* The members of ol_context that context() reads, by name. */
typedef enum context_member {
    C_SESSION_ID,
    C_TOKEN,
    C_CREATED_AT,
    C_AUTHORIZED_AT,
    C_NOW,
    C_COUNT_
} context_member;

static const char *const context_names[C_COUNT_] = {
    "session_id", "token", "created_at", "authorized_at", "now",
};

/* context("name"): the name is checked now, so a misspelling is a load
 * error rather than a rule that never applies. */
static int context_arg(olx_parser *p, olp_expr *call)
{
    size_t at = olx_peek(p)->start, len, i;
    char *name;

    if (olx_peek(p)->type != OLX_T_STRING) {
        olx_fail(p, at,
                 "context() takes a string literal: \"session_id\", \"token\", "
                 "\"created_at\", \"authorized_at\" or \"now\"");
        return -1;
    }
    name = olx_parse_string(p, &len);
    if (!name)
        return -1;
    for (i = 0; i < C_COUNT_; i++) {
        if (strlen(context_names[i]) == len && memcmp(context_names[i], name, len) == 0)
            break;
    }
    olp_free(name);
    if (i == C_COUNT_) {
        olx_fail(p, at,
                 "unknown context member: use \"session_id\", \"token\", "
                 "\"created_at\", \"authorized_at\" or \"now\"");
        return -1;
    }
    call->context = (unsigned char)i;
    return 0;
}

static int parse_arg(olx_parser *p, olp_expr *call, const fn_spec *spec, int i)
{
    const olx_token *t;
    olp_expr *arg;

    switch (spec->args[i]) {
    case A_PATH:
        return path_arg(p, call, spec);
    case A_REGEX:
        return regex_arg(p, call);
    case A_CONTEXT:
        return context_arg(p, call);
    case A_HAYSTACK:
        return haystack_arg(p, call);
    case A_TABLE:
        t = olx_peek(p);
        if (t->type != OLX_T_IDENT) {
            olx_fail(p, t->start, "the first argument of %s() must be a table name",
                     spec->name);
            return -1;
        }
        {
            olx_token name = *t;
            olx_next(p);
            return table_ref(p, call, &name);
        }
    case A_VALUE:
        break;
    }
    arg = olx_parse_expr(p);
    if (!arg)
        return -1;
    attach_value(call, arg);
    return 0;
}

static int fail_arity(olx_parser *p, const fn_spec *spec, size_t pos)
{
    olx_fail(p, pos, "%s() takes %d argument%s", spec->name, spec->nargs,
             spec->nargs == 1 ? "" : "s");
    return -1;
}

/* The arguments of a built-in function, after its '('. */
static int parse_args(olx_parser *p, olp_expr *call, const fn_spec *spec)
{
    int i;

    for (i = 0; i < spec->nargs; i++) {
        const olx_token *t = olx_peek(p);
        if (t->type == OLX_T_RPAREN)
            return fail_arity(p, spec, t->start);
        if (parse_arg(p, call, spec, i) != 0)
            return -1;
        t = olx_peek(p);
        if (i + 1 < spec->nargs && t->type == OLX_T_COMMA)
            olx_next(p);
        else if (i + 1 < spec->nargs && t->type == OLX_T_RPAREN)
            return fail_arity(p, spec, t->start);
        else if (i + 1 < spec->nargs)
            return expect(p, OLX_T_COMMA, "','");
    }
    if (olx_peek(p)->type == OLX_T_COMMA)
        return fail_arity(p, spec, olx_peek(p)->start);
    return expect(p, OLX_T_RPAREN, "')'");
}

static olp_expr *parse_def_call(olx_parser *p, const olx_token *name)
{
    size_t n = name->end - name->start;
    const olx_def *def = olx_find_def(p, p->s + name->start, n);
    olp_expr *e;

    if (!def) {
        olx_fail(p, name->start, "unknown function '%.*s'", (int)(n > 40 ? 40 : n),
                 p->s + name->start);
        return NULL;
    }
    if (olx_peek(p)->type != OLX_T_RPAREN) {
        olx_fail(p, olx_peek(p)->start, "'%.*s' is a def: it takes no arguments",
                 (int)(n > 40 ? 40 : n), p->s + name->start);
        return NULL;
    }
    olx_next(p);
    e = node_new(p, N_DEF, name->start);
    if (!e)
        return NULL;
    e->u.def = def;
    return node_done(p, e);
}

/* name( ... ): the '(' is the next token. */
static olp_expr *parse_call(olx_parser *p, const olx_token *name)
{
    const fn_spec *spec = find_fn(p->s + name->start, name->end - name->start);
    olp_expr *e;

    olx_next(p); /* ( */
    if (!spec)
        return parse_def_call(p, name);
    if (spec->fn == F_JSON || spec->fn == F_TIME) {
        if (!p->map) {
            olx_fail(p, name->start, "%s() is only for templates, as in \"{%s(@)}\"",
                     spec->name, spec->name);
            return NULL;
        }
        p->json_calls++;
        p->json_pos = name->start;
        p->json_fn = spec->name;
    }
    e = node_new(p, N_CALL, name->start);
    if (!e)
        return NULL;
    e->op = (unsigned char)spec->fn;
    if (parse_args(p, e, spec) != 0) {
        olx_expr_free(e);
        return NULL;
    }
    return node_done(p, e);
}

static olp_expr *path_node(olx_parser *p, const olx_token *start)
{
    olp_path *path = path_from(p, start);
    olp_expr *e;

    if (!path)
        return NULL;
    e = node_new(p, N_PATH, start->start);
    if (!e) {
        olx_path_free(path);
        return NULL;
    }
    e->owns_path = 1;
    e->path = path;
    e->multi = (unsigned char)olx_path_has_wildcards(path);
    return node_done(p, e);
}

static olp_expr *parse_ident(olx_parser *p, const olx_token *t)
{
    olx_token tok = *t;
    olp_value v;

    memset(&v, 0, sizeof(v));
    if (olx_token_is(p, t, "true") || olx_token_is(p, t, "false") ||
        olx_token_is(p, t, "null")) {
        if (olx_parse_literal(p, &v) != 0)
            return NULL;
        return literal_node(p, tok.start, v);
    }
    if (is_reserved(p, t)) {
        olx_fail_expected(p, "an expression");
        return NULL;
    }
    olx_next(p);
    if (olx_peek(p)->type == OLX_T_LPAREN)
        return parse_call(p, &tok);
    return path_node(p, &tok);
}

static olp_expr *parse_parens(olx_parser *p)
{
    olp_expr *e;

    olx_next(p); /* ( */
    e = olx_parse_expr(p);
    if (!e)
        return NULL;
    if (expect(p, OLX_T_RPAREN, "')'") != 0) {
        olx_expr_free(e);
        return NULL;
    }
    e->parens = 1;
    return e;
}

static olp_expr *parse_primary(olx_parser *p)
{
    const olx_token *t = olx_peek(p);
    olx_token tok = *t;
    olp_value v;

    switch (t->type) {
    case OLX_T_NUMBER:
    case OLX_T_STRING:
    case OLX_T_LBRACK:
        if (olx_parse_literal(p, &v) != 0)
            return NULL;
        return literal_node(p, tok.start, v);
    case OLX_T_LPAREN:
        return parse_parens(p);
    case OLX_T_DOLLAR:
    case OLX_T_AT:
        olx_next(p);
        return path_node(p, &tok);
    case OLX_T_IDENT:
        return parse_ident(p, t);
    default:
        olx_fail_expected(p, "an expression");
        return NULL;
    }
}

static olp_expr *unary_node(olx_parser *p, node_kind kind, size_t pos, olp_expr *operand)
{
    olp_expr *e;

    if (!operand)
        return NULL;
    e = node_new(p, kind, pos);
    if (!e) {
        olx_expr_free(operand);
        return NULL;
    }
    e->a = operand;
    return node_done(p, e);
}

static olp_expr *parse_unary(olx_parser *p);

static olp_expr *parse_unary_at_depth(olx_parser *p)
{
    const olx_token *t = olx_peek(p);
    olx_token tok = *t;
    olp_value v;

    if (t->type == OLX_T_NOT) {
        olx_next(p);
        return unary_node(p, N_NOT, tok.start, parse_unary(p));
    }
    if (t->type == OLX_T_MINUS) {
        olx_next(p);
        if (olx_peek(p)->type == OLX_T_NUMBER) {
            /* A negative literal, so that -9223372036854775808 can be written. */
            olx_token num = *olx_peek(p);
            olx_next(p);
            memset(&v, 0, sizeof(v));
            v.type = OLP_V_INT;
            if (parse_integer(p, &num, 1, &v.u.i) != 0)
                return NULL;
            return literal_node(p, tok.start, v);
        }
        return unary_node(p, N_NEG, tok.start, parse_unary(p));
    }
    return parse_primary(p);
}

/* Every nesting (parentheses, unary operators, arguments, filters) passes
 * here, so the depth bound keeps the parser's own recursion finite. */
static olp_expr *parse_unary(olx_parser *p)
{
    olp_expr *e;

    if (enter(p) != 0)
        return NULL;
    e = parse_unary_at_depth(p);
    leave(p);
    return e;
}

/* Precedence, loosest first; 0: not a binary operator. */
static int binary_prec(olx_tok t, bin_op *op)
{
    static const struct {
        olx_tok tok;
        bin_op op;
        int prec;
    } ops[] = {
        {OLX_T_COALESCE, B_COALESCE, 1},
        {OLX_T_OR, B_OR, 2},
        {OLX_T_AND, B_AND, 3},
        {OLX_T_EQ, B_EQ, 4},
        {OLX_T_NE, B_NE, 4},
        {OLX_T_LT, B_LT, 5},
        {OLX_T_LE, B_LE, 5},
        {OLX_T_GT, B_GT, 5},
        {OLX_T_GE, B_GE, 5},
        {OLX_T_PLUS, B_ADD, 6},
        {OLX_T_MINUS, B_SUB, 6},
        {OLX_T_STAR, B_MUL, 7},
        {OLX_T_SLASH, B_DIV, 7},
        {OLX_T_PERCENT, B_MOD, 7},
    };
    size_t i;

    for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        if (ops[i].tok == t) {
            *op = ops[i].op;
            return ops[i].prec;
        }
    }
    return 0;
}

static int comparison_prec(const olp_expr *e)
{
    if (e->kind != N_BIN || e->parens)
        return 0;
    if (e->op == B_EQ || e->op == B_NE)
        return 4;
    if (e->op >= B_LT && e->op <= B_GE)
        return 5;
    return 0;
}

static olp_expr *binary_node(olx_parser *p, bin_op op, const olx_token *tok, olp_expr *a,
                             olp_expr *b)
{
    olp_expr *e = node_new(p, N_BIN, tok->start);

    if (!e) {
        olx_expr_free(a);
        olx_expr_free(b);
        return NULL;
    }
    e->op = (unsigned char)op;
    e->a = a;
    e->b = b;
    return node_done(p, e);
}

/* Precedence climbing; operators of one level are left-associative, and
 * comparisons of one level do not chain (a < b < c is a mistake). */
static olp_expr *parse_binary(olx_parser *p, int min_prec)
{
    olp_expr *left = parse_unary(p), *right;

    while (left) {
        olx_token tok = *olx_peek(p);
        bin_op op;
        int prec = binary_prec(tok.type, &op);

        if (prec == 0 || prec < min_prec)
            break;
        if ((prec == 4 || prec == 5) && comparison_prec(left) == prec) {
            olx_fail(p, tok.start, "comparisons do not chain: write (a < b) && (b < c)");
            olx_expr_free(left);
            return NULL;
        }
        olx_next(p);
        right = parse_binary(p, prec + 1);
        if (!right) {
            olx_expr_free(left);
            return NULL;
        }
        left = binary_node(p, op, &tok, left, right);
    }
    return left;
}

/* ======================================================================== */
/* Templates                                                                 */
/* ======================================================================== */

/* Append a part. The room doubles (4, 8, 16, ...: the capacity is the
 * power of two at or above n, never stored), so that a long template loads
 * in linear time. */
static int template_push(olx_parser *p, olp_template *t, tpart part)
{
    if (t->n == 0 || (t->n >= 4 && (t->n & (t->n - 1)) == 0)) {
        tpart *parts = olp_realloc(t->parts, (t->n ? 2 * t->n : 4) * sizeof(*parts));
        if (!parts) {
            olp_free(part.text);
            olx_expr_free(part.expr);
            olx_fail_oom(p);
            return -1;
        }
        t->parts = parts;
    }
    t->parts[t->n++] = part;
    return 0;
}

static int flush_text(olx_parser *p, olp_template *t, olp_buf *text)
{
    tpart part;

    if (text->oom) {
        olx_fail_oom(p);
        return -1;
    }
    if (text->len == 0)
        return 0;
    memset(&part, 0, sizeof(part));
    part.kind = P_TEXT;
    part.len = text->len;
    part.text = olp_strndup(text->data, text->len);
    olp_buf_reset(text);
    if (!part.text) {
        olx_fail_oom(p);
        return -1;
    }
    return template_push(p, t, part);
}

/* {path}, {pointer}, {detail}: the place of the finding, not fields. */
static int special_part(olx_parser *p, tpart *part)
{
    static const struct {
        const char *name;
        part_kind kind;
    } specials[] = {{"path", P_PATH},     {"pointer", P_POINTER},   {"detail", P_DETAIL},
                    {"fields", P_FIELDS}, {"expected", P_EXPECTED}, {"found", P_FOUND}};
    const olx_token *t = olx_peek(p);
    olx_token name = *t, before = p->prev;
    size_t i;

    for (i = 0; i < sizeof(specials) / sizeof(specials[0]); i++) {
        if (!olx_token_is(p, t, specials[i].name))
            continue;
        olx_next(p);
        if (olx_peek(p)->type == OLX_T_RBRACE) {
            part->kind = specials[i].kind;
            return 1;
        }
        rewind_to(p, name.start, &before);
        return 0;
    }
    return 0;
}

/* An {EXPR} part whose '{' is at s[open]; returns where the text goes on. */
static size_t parse_part(olx_parser *p, olp_template *t, size_t open)
{
    tpart part;
    int json_before = p->json_calls;

    memset(&part, 0, sizeof(part));
    p->pos = open + 1;
    p->peeked = 0;
    p->prev.type = OLX_T_LBRACE;
    p->prev.start = open;
    p->prev.end = open + 1;
    p->prev_s = p->s;
    if (!special_part(p, &part)) {
        part.kind = P_EXPR;
        part.expr = olx_parse_expr(p);
        if (!part.expr)
            return p->len;
        if (part.expr->kind == N_CALL &&
            (part.expr->op == F_JSON || part.expr->op == F_TIME) && !part.expr->parens) {
            olp_expr *call = part.expr;
            part.kind = call->op == F_JSON ? P_JSON : P_TIME;
            part.expr = call->a;
            call->a = NULL;
            olx_expr_free(call);
            json_before++;
        }
        if (p->json_calls > json_before) {
            olx_expr_free(part.expr);
            olx_fail(p, p->json_pos, "%s() must be the whole of its part: {%s(x)}",
                     p->json_fn, p->json_fn);
            return p->len;
        }
    }
    if (olx_peek(p)->type != OLX_T_RBRACE) {
        olx_expr_free(part.expr);
        if (olx_peek(p)->type == OLX_T_EOF)
            olx_fail(p, open,
                     "'{' without its '}' in a template (a brace is written '{{')");
        else
            olx_fail_expected(p, "'}'");
        return p->len;
    }
    olx_next(p);
    template_push(p, t, part);
    return p->prev.end;
}

static void parse_template_text(olx_parser *p, olp_template *t)
{
    olp_buf text;
    size_t i = 0;

    olp_buf_init(&text);
    while (i < p->len && !p->status) {
        char c = p->s[i];
        int doubled = i + 1 < p->len && p->s[i + 1] == c;
        if ((c == '{' || c == '}') && doubled) {
            olp_buf_append(&text, &c, 1);
            i += 2;
        } else if (c == '}') {
            olx_fail(p, i, "a '}' in a template is written '}}'");
        } else if (c == '{') {
            if (flush_text(p, t, &text) == 0)
                i = parse_part(p, t, i);
        } else {
            olp_buf_append(&text, &c, 1);
            i++;
        }
    }
    if (!p->status)
        flush_text(p, t, &text);
    olp_buf_free(&text);
}

olp_template *olx_parse_template(olx_parser *p)
{
    olp_buf text, map;
    olp_template *t = NULL;
    olx_parser saved = *p;

    olp_buf_init(&text);
    olp_buf_init(&map);
    if (read_strings(p, &text, &map) == 0) {
        t = olp_calloc(1, sizeof(*t));
        if (!t)
            olx_fail_oom(p);
    }
    if (t) {
        t->source = olp_strndup(text.data ? text.data : "", text.len);
        if (!t->source)
            olx_fail_oom(p);
    }
    if (t && !p->status) {
        /* Read the decoded text; the map points errors into the file. */
        saved = *p;
        p->s = text.data;
        p->len = text.len;
        p->map = (const size_t *)map.data;
        parse_template_text(p, t);
        p->s = saved.s;
        p->len = saved.len;
        p->map = saved.map;
        p->pos = saved.pos;
        p->tok = saved.tok;
        p->peeked = saved.peeked;
        p->prev = saved.prev;
        p->prev_s = saved.prev_s;
    }
    olp_buf_free(&text);
    olp_buf_free(&map);
    if (p->status) {
        olx_template_free(t);
        return NULL;
    }
    return t;
}

const char *olx_template_source(const olp_template *t) { return t ? t->source : ""; }

olp_template *olx_template_default_klarna(void)
{
    olp_template *t = olp_calloc(1, sizeof(*t));

    if (!t)
        return NULL;
    t->parts = olp_calloc(2, sizeof(*t->parts));
    if (!t->parts) {
        olp_free(t);
        return NULL;
    }
    t->parts[0].kind = P_TEXT;
    t->parts[0].text = olp_strdup("Bad value: ");
    t->parts[0].len = t->parts[0].text ? strlen(t->parts[0].text) : 0;
    t->parts[1].kind = P_PATH;
    t->n = 2;
    t->source = olp_strdup("Bad value: {path}");
    if (!t->parts[0].text || !t->source) {
        olx_template_free(t);
        return NULL;
    }
    return t;
}

/* ======================================================================== */
/* Compiling one expression (tests, tools)                                   */
/* ======================================================================== */

void olx_place(const char *text, size_t len, size_t offset, int *line, int *column)
{
    size_t i;
    int l = 1, c = 1;

    if (offset > len)
        offset = len;
    for (i = 0; i < offset; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *column = c;
}

olp_expr *olx_compile_expr(const olp_rulebook *book, const char *text, size_t len,
                           pcre2_compile_context *cctx, ol_error_t *err)
{
    olx_parser p;
    olp_expr *e;
    int line, col;

    olx_parser_init(&p, text, len);
    p.scope[0] = book ? book->names : NULL;
    p.cctx = cctx;
    e = olx_parse_expr(&p);
    if (e && olx_peek(&p)->type != OLX_T_EOF)
        olx_fail_expected(&p, "an operator or the end");
    if (e)
        olx_link(&p);
    olx_parser_fini(&p);
    if (p.status) {
        olx_expr_free(e);
        olx_place(text, len, p.err_pos, &line, &col);
        olp_error_set(err, p.status, "<expression>", line, col, p.err_pos, "%s", p.msg);
        return NULL;
    }
    return e;
}

/* ======================================================================== */
/* Values                                                                    */
/* ======================================================================== */

/* Values are built member by member, not memset: evaluation returns them by
 * value in its inner loop, and a zeroed struct re-read in parts stalls. */
static olp_value v_type(olp_vtype t)
{
    olp_value v;

    v.type = t;
    v.u.i = 0;
    return v;
}

static olp_value v_undef(void) { return v_type(OLP_V_UNDEF); }

static olp_value v_overflow(void) { return v_type(OLP_V_OVERFLOW); }

static olp_value v_bool(int b)
{
    olp_value v = v_type(OLP_V_BOOL);
    v.u.b = b != 0;
    return v;
}

static olp_value v_int(json_int_t i)
{
    olp_value v = v_type(OLP_V_INT);
    v.u.i = i;
    return v;
}

static olp_value v_str(const char *s, size_t n)
{
    olp_value v = v_type(OLP_V_STR);
    v.u.str.s = s;
    v.u.str.len = n;
    return v;
}

static OLP_ALWAYS_INLINE olp_value value_of_json(const json_t *j)
{
    olp_value v;

    if (!j)
        return v_type(OLP_V_ABSENT);
    switch (json_typeof(j)) {
    case JSON_OBJECT:
    case JSON_ARRAY:
        v = v_type(OLP_V_JSON);
        v.u.json = j;
        return v;
    case JSON_STRING:
        return v_str(json_string_value(j), json_string_length(j));
    case JSON_INTEGER:
        return v_int(json_integer_value(j));
    case JSON_REAL:
        v = v_type(OLP_V_REAL);
        v.u.r = json_real_value(j);
        return v;
    case JSON_TRUE:
        return v_bool(1);
    case JSON_FALSE:
        return v_bool(0);
    default:
        return v_type(OLP_V_NULL);
    }
}

/* Absent or null: what ?? replaces, what == compares only to itself. */
static int is_nothing(olp_value v)
{
    return v.type == OLP_V_ABSENT || v.type == OLP_V_NULL;
}

/* Undefined and overflow pass through every operation that gets them. */
static int is_failure(olp_value v)
{
    return v.type == OLP_V_UNDEF || v.type == OLP_V_OVERFLOW;
}

static olp_value first_failure(olp_value a, olp_value b)
{
    if (a.type == OLP_V_OVERFLOW || b.type == OLP_V_OVERFLOW)
        return v_overflow();
    return v_undef();
}

int olp_value_truth(olp_value v)
{
    if (v.type == OLP_V_BOOL)
        return v.u.b ? 1 : 0;
    return v.type == OLP_V_OVERFLOW ? -2 : -1;
}

/* ---- arithmetic ---------------------------------------------------------- */

static olp_value negate(json_int_t x)
{
    json_int_t r;

    if (__builtin_sub_overflow((json_int_t)0, x, &r))
        return v_overflow();
    return v_int(r);
}

/* Rounded toward minus infinity (ceil: toward plus infinity). */
static olp_value divide(json_int_t x, json_int_t y, int ceil)
{
    json_int_t q;

    if (y == 0)
        return v_undef();
    if (y == -1)
        return negate(x); /* INT64_MIN / -1 overflows; C's / would trap */
    q = x / y;
    if (x % y != 0 && ((x < 0) != (y < 0)) && !ceil)
        q--;
    if (x % y != 0 && ((x < 0) == (y < 0)) && ceil)
        q++;
    return v_int(q);
}

/* The sign of the divisor, as Python's %. */
static olp_value modulo(json_int_t x, json_int_t y)
{
    json_int_t r;

    if (y == 0)
        return v_undef();
    if (y == -1)
        return v_int(0); /* INT64_MIN % -1 would trap */
    r = x % y;
    if (r != 0 && ((r < 0) != (y < 0)))
        r += y;
    return v_int(r);
}

static olp_value arithmetic(bin_op op, olp_value a, olp_value b)
{
    json_int_t x, y, r;
    int over = 0;

    if (a.type != OLP_V_INT || b.type != OLP_V_INT)
        return first_failure(a, b);
    x = a.u.i;
    y = b.u.i;
    switch (op) {
    case B_ADD:
        over = __builtin_add_overflow(x, y, &r);
        break;
    case B_SUB:
        over = __builtin_sub_overflow(x, y, &r);
        break;
    case B_MUL:
        over = __builtin_mul_overflow(x, y, &r);
        break;
    case B_DIV:
        return divide(x, y, 0);
    default:
        return modulo(x, y);
    }
    return over ? v_overflow() : v_int(r);
}

/* ---- comparison ------------------------------------------------------- */

/* Two strings of the same bytes (memcmp is not given a NULL of an empty
 * one). */
static int same_bytes(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

static int bytes_cmp(olp_value a, olp_value b)
{
    size_t n = a.u.str.len < b.u.str.len ? a.u.str.len : b.u.str.len;
    int c = n ? memcmp(a.u.str.s, b.u.str.s, n) : 0;

    if (c)
        return c < 0 ? -1 : 1;
    return (a.u.str.len > b.u.str.len) - (a.u.str.len < b.u.str.len);
}

/* -1, 0, 1; 2 when a and b have no order. */
static int order_of(olp_value a, olp_value b)
{
    if (a.type == OLP_V_INT && b.type == OLP_V_INT)
        return (a.u.i > b.u.i) - (a.u.i < b.u.i);
    if (a.type == OLP_V_STR && b.type == OLP_V_STR)
        return bytes_cmp(a, b);
    return 2;
}

static OLP_ALWAYS_INLINE olp_value ordering(bin_op op, olp_value a, olp_value b)
{
    int c = order_of(a, b);

    if (c == 2)
        return first_failure(a, b);
    switch (op) {
    case B_LT:
        return v_bool(c < 0);
    case B_LE:
        return v_bool(c <= 0);
    case B_GT:
        return v_bool(c > 0);
    default:
        return v_bool(c >= 0);
    }
}

static int is_sequence(olp_value v)
{
    return v.type == OLP_V_LIST || (v.type == OLP_V_JSON && json_is_array(v.u.json));
}

static size_t sequence_size(olp_value v)
{
    return v.type == OLP_V_LIST ? v.u.list->n : json_array_size(v.u.json);
}

static olp_value sequence_item(olp_value v, size_t i)
{
    return v.type == OLP_V_LIST ? v.u.list->items[i]
                                : value_of_json(json_array_get(v.u.json, i));
}

static int equality(olp_value a, olp_value b, int icase);

static int sequences_equal(olp_value a, olp_value b, int icase)
{
    size_t i, n = sequence_size(a);

    if (n != sequence_size(b))
        return 0;
    for (i = 0; i < n; i++) {
        int r = equality(sequence_item(a, i), sequence_item(b, i), icase);
        if (r != 1)
            return r;
    }
    return 1;
}

/* 1 equal, 0 not, -1 undefined (unlike types), -2 overflow. */
static int equality(olp_value a, olp_value b, int icase)
{
    if (a.type == OLP_V_OVERFLOW || b.type == OLP_V_OVERFLOW)
        return -2;
    if (a.type == OLP_V_UNDEF || b.type == OLP_V_UNDEF || a.type == OLP_V_NODES ||
        b.type == OLP_V_NODES)
        return -1;
    if (is_nothing(a) || is_nothing(b))
        return a.type == b.type;
    if (is_sequence(a) && is_sequence(b))
        return sequences_equal(a, b, icase);
    if (a.type != b.type)
        return -1;
    switch (a.type) {
    case OLP_V_BOOL:
        return !a.u.b == !b.u.b;
    case OLP_V_INT:
        return a.u.i == b.u.i;
    case OLP_V_REAL:
        return a.u.r == b.u.r;
    case OLP_V_STR:
        /* folding ASCII case keeps the length: strings of two lengths differ */
        if (a.u.str.len != b.u.str.len)
            return 0;
        if (icase)
            return icase_cmp(a.u.str.s, a.u.str.len, b.u.str.s, b.u.str.len) == 0;
        return bytes_cmp(a, b) == 0;
    case OLP_V_JSON:
        if (json_typeof(a.u.json) != json_typeof(b.u.json))
            return -1;
        return json_equal(a.u.json, b.u.json) ? 1 : 0;
    default:
        return -1;
    }
}

static olp_value equality_value(int r, int negated)
{
    if (r == -2)
        return v_overflow();
    if (r == -1)
        return v_undef();
    return v_bool(negated ? !r : r);
}

/* ---- logic ------------------------------------------------------------- */

/* Kleene logic: a false operand decides &&, a true one decides ||, even
 * beside an undefined one; otherwise an overflow wins over undefined, so
 * that an assert whose arithmetic overflowed reports it. */
static olp_value logic(const olp_expr *e, olp_eval *ev)
{
    int decisive = e->op == B_OR;
    olp_value a = evaluate(e->a, ev), b;

    if (a.type == OLP_V_BOOL && a.u.b == decisive)
        return a;
    b = evaluate(e->b, ev);
    if (b.type == OLP_V_BOOL && b.u.b == decisive)
        return b;
    if (a.type == OLP_V_BOOL && b.type == OLP_V_BOOL)
        return v_bool(!decisive);
    return first_failure(a, b);
}

/* ======================================================================== */
/* Walking paths                                                             */
/* ======================================================================== */

void olp_member_cache_clear(olp_member_cache *c)
{
    memset(c->filled, 0, sizeof(c->filled));
}

static const json_t *member_uncached(const json_t *object, const olp_seg *s)
{
    return json_object_getn(object, s->key, s->key_len);
}

/* Interned keys are one when their pointers are; a key of an expression
 * compiled alone (olx_compile_expr) is compared byte by byte. */
static int same_key(const olp_member_slot *slot, const olp_seg *s)
{
    if (s->key_canon && slot->key == s->key_canon)
        return 1;
    return slot->hash == s->key_hash && slot->len == s->key_len &&
           memcmp(slot->key, s->key, s->key_len) == 0;
}

const json_t *olp_member_lookup(olp_eval *ev, const json_t *node, const olp_seg *s)
{
    olp_member_cache *c = ev->members;
    const olp_member_slot *slot;
    const json_t *value;
    size_t i;

    if (!json_is_object(node))
        return NULL;
    if (!c)
        return member_uncached(node, s);
    i = olp_member_slot_of(node, s);
    slot = &c->slots[i];
    if ((c->filled[i / 64] & (1ull << (i % 64))) && slot->object == node &&
        same_key(slot, s))
        return slot->value;
    value = member_uncached(node, s);
    olp_member_remember(ev, node, s, value);
    return value;
}

typedef struct walker {
    const olp_path *path;
    olp_eval *ev;
    olp_step *trail; /* NULL: no locations wanted (walks inside expressions) */
    olp_visit_fn fn;
    void *arg;
} walker;

static int walk(walker *w, size_t seg, const json_t *node, size_t depth);

static int walk_into(walker *w, size_t seg, const json_t *child, const char *key,
                     size_t index, size_t depth)
{
    if (w->trail) {
        if (depth >= OLP_MAX_TRAIL)
            return 0;
        w->trail[depth].key = key;
        w->trail[depth].index = index;
    }
    return walk(w, seg + 1, child, depth + 1);
}

int olp_filter_holds(olp_eval *ev, const olp_expr *filter, const json_t *element)
{
    const json_t *saved = ev->current;
    int t;

    if (!filter)
        return 1;
    ev->current = element;
    t = olp_expr_truth(filter, ev);
    ev->current = saved;
    return t == 1;
}

static int filter_holds(walker *w, const olp_expr *filter, const json_t *element)
{
    return olp_filter_holds(w->ev, filter, element);
}

/* In the walk of an `at` path (a trail), the filter passed a regex limit
 * at element: the callback is called there, with ev->filter_limit set.
 * (In a walk inside an expression, the limit is the expression's.) */
static int filter_limit_at(walker *w, const json_t *element, const char *key,
                           size_t index, size_t depth)
{
    int stop;

    if (depth >= OLP_MAX_TRAIL)
        return 0;
    w->trail[depth].key = key;
    w->trail[depth].index = index;
    w->ev->filter_limit = 1;
    stop = w->fn(element, w->trail, depth + 1, w->arg);
    w->ev->filter_limit = 0;
    return stop;
}

/* One element of [*] or [?()]: 1 when the walk is to stop. */
static int walk_element(walker *w, size_t seg, const json_t *element, const char *key,
                        size_t index, size_t depth)
{
    const olp_expr *filter = w->path->segs[seg].filter;
    int holds = filter_holds(w, filter, element);
    int limited = filter && w->trail && w->ev->regex_limit;

    if (limited)
        w->ev->regex_limit = 0; /* the filter's: not of what follows */
    if (!holds)
        return limited ? filter_limit_at(w, element, key, index, depth) : 0;
    return walk_into(w, seg, element, key, index, depth);
}

/* [*] and [?()]: the elements of an array, the member values of an object. */
static int walk_each(walker *w, size_t seg, const json_t *node, size_t depth)
{
    const char *key;
    json_t *value;
    size_t i;

    if (json_is_array(node)) {
        for (i = 0; i < json_array_size(node); i++)
            if (walk_element(w, seg, json_array_get(node, i), NULL, i, depth))
                return 1;
    } else if (json_is_object(node)) {
        json_object_foreach((json_t *)node, key, value)
        {
            if (walk_element(w, seg, value, key, 0, depth))
                return 1;
        }
    }
    return 0;
}

static int walk(walker *w, size_t seg, const json_t *node, size_t depth)
{
    const olp_seg *s;

    if (seg == w->path->nsegs)
        return w->fn(node, w->trail, depth, w->arg);
    s = &w->path->segs[seg];
    switch (s->type) {
    case OLP_SEG_KEY: {
        const json_t *child = olp_member(w->ev, node, s);
        return child ? walk_into(w, seg, child, s->key, 0, depth) : 0;
    }
    case OLP_SEG_INDEX: {
        const json_t *child = json_array_get(node, s->index);
        return child ? walk_into(w, seg, child, NULL, s->index, depth) : 0;
    }
    default:
        return walk_each(w, seg, node, depth);
    }
}

/* The value a path starts from: @ (given), $, or a context document. */
static const json_t *path_start(const olp_path *p, const olp_eval *ev,
                                const json_t *current)
{
    switch ((olp_root)p->from_root) {
    case OLP_ROOT_PAYLOAD:
        return ev->root;
    case OLP_ROOT_SESSION:
        return ev->session;
    case OLP_ROOT_AUTHORIZED:
        return ev->authorized;
    case OLP_ROOT_ORDER:
        return ev->order;
    default:
        return current;
    }
}

int olp_path_walk(const olp_path *p, olp_eval *ev, const olp_step *base_trail,
                  size_t base_depth, olp_visit_fn fn, void *arg)
{
    olp_step trail[OLP_MAX_TRAIL];
    walker w;
    const json_t *start = path_start(p, ev, ev->current);
    size_t depth = 0;

    if (!start)
        return 0;
    if (!p->from_root && base_trail) {
        if (base_depth > OLP_MAX_TRAIL)
            return 0;
        memcpy(trail, base_trail, base_depth * sizeof(*trail));
        depth = base_depth;
    }
    w.path = p;
    w.ev = ev;
    w.trail = trail;
    w.fn = fn;
    w.arg = arg;
    return walk(&w, 0, start, depth);
}

/* A walk inside an expression: no locations; relative paths start at from. */
static int walk_from(const olp_path *p, olp_eval *ev, const json_t *from, olp_visit_fn fn,
                     void *arg)
{
    walker w;
    const json_t *start = path_start(p, ev, from);

    if (!start)
        return 0;
    w.path = p;
    w.ev = ev;
    w.trail = NULL;
    w.fn = fn;
    w.arg = arg;
    return walk(&w, 0, start, 0);
}

/* The value a path without [*] and [?()] names, or NULL. Inlined: it is
 * the heart of every path evaluated. */
static OLP_ALWAYS_INLINE const json_t *resolve(const olp_path *p, olp_eval *ev)
{
    const json_t *node = path_start(p, ev, ev->current);
    size_t i;

    for (i = 0; i < p->nsegs && node; i++) {
        if (p->segs[i].type == OLP_SEG_KEY)
            node = olp_member(ev, node, &p->segs[i]);
        else
            node = json_array_get(node, p->segs[i].index);
    }
    return node;
}

static olp_value eval_path(const olp_expr *e, olp_eval *ev)
{
    if (e->multi) {
        olp_value v = v_type(OLP_V_NODES);
        v.u.nodes.path = e->path;
        v.u.nodes.current = ev->current;
        return v;
    }
    return value_of_json(resolve(e->path, ev));
}

/* ======================================================================== */
/* Functions                                                                 */
/* ======================================================================== */

typedef struct fold {
    olp_eval *ev;
    const olp_expr *expr; /* all(), any(): the condition */
    olp_value x;          /* in(): the needle */
    int icase;
    int decisive; /* all(): false decides, any(): true */
    size_t count;
    json_int_t sum;
    int failed;   /* undefined seen (or, for sum, a non-integer) */
    int overflow; /* an overflow seen */
    int found;    /* any(): true seen; all(): false seen; in(): equal seen */
} fold;

static int visit_count(const json_t *v, const olp_step *trail, size_t depth, void *arg)
{
    fold *f = arg;

    (void)v, (void)trail, (void)depth;
    f->count++;
    return 0;
}

static int visit_has(const json_t *v, const olp_step *trail, size_t depth, void *arg)
{
    (void)v, (void)trail, (void)depth;
    ((fold *)arg)->found = 1;
    return 1;
}

static int visit_sum(const json_t *v, const olp_step *trail, size_t depth, void *arg)
{
    fold *f = arg;

    (void)trail, (void)depth;
    if (!json_is_integer(v)) {
        f->failed = 1;
        return 1;
    }
    if (__builtin_add_overflow(f->sum, json_integer_value(v), &f->sum)) {
        f->overflow = 1;
        return 1;
    }
    return 0;
}

/* all() stops at a false, any() at a true: found. */
static int visit_quantifier(const json_t *v, const olp_step *trail, size_t depth,
                            void *arg)
{
    fold *f = arg;
    const json_t *saved = f->ev->current;
    int t;

    (void)trail, (void)depth;
    f->ev->current = v;
    t = olp_expr_truth(f->expr, f->ev);
    f->ev->current = saved;
    if (t == f->decisive) {
        f->found = 1;
        return 1;
    }
    if (t == -2)
        f->overflow = 1;
    else if (t < 0)
        f->failed = 1;
    return 0;
}

static olp_value eval_quantifier(const olp_expr *e, olp_eval *ev, int any)
{
    fold f;

    memset(&f, 0, sizeof(f));
    f.ev = ev;
    f.expr = e->a;
    f.decisive = any;
    walk_from(e->path, ev, ev->current, visit_quantifier, &f);
    if (f.found)
        return v_bool(any);
    if (f.overflow)
        return v_overflow();
    if (f.failed)
        return v_undef();
    return v_bool(!any);
}

static olp_value eval_walk(const olp_expr *e, olp_eval *ev)
{
    fold f;

    memset(&f, 0, sizeof(f));
    f.ev = ev;
    switch ((fn_id)e->op) {
    case F_HAS:
        walk_from(e->path, ev, ev->current, visit_has, &f);
        return v_bool(f.found);
    case F_COUNT:
        walk_from(e->path, ev, ev->current, visit_count, &f);
        return v_int((json_int_t)f.count);
    default:
        walk_from(e->path, ev, ev->current, visit_sum, &f);
        if (f.overflow)
            return v_overflow();
        return f.failed ? v_undef() : v_int(f.sum);
    }
}

/* ---- in(), iin() ----------------------------------------------------------- */

/* One element of the haystack; 1 stops (found). */
static int member_check(fold *f, olp_value item)
{
    int r = equality(f->x, item, f->icase);

    if (r == 1) {
        f->found = 1;
        return 1;
    }
    if (r == -1)
        f->failed = 1;
    return 0;
}

static int visit_member(const json_t *v, const olp_step *trail, size_t depth, void *arg)
{
    (void)trail, (void)depth;
    return member_check(arg, value_of_json(v));
}

/* True when x equals an element; undefined when none does and some could
 * not be compared. */
static olp_value eval_in(const olp_expr *e, olp_eval *ev, int icase)
{
    olp_value x = evaluate(e->a, ev), hay;
    fold f;
    size_t i;

    if (is_failure(x))
        return x;
    if (e->u.table) {
        if (is_nothing(x))
            return v_bool(0);
        if (x.type != OLP_V_STR)
            return v_undef();
        return v_bool(table_find(e->u.table, x.u.str.s, x.u.str.len) != NULL);
    }
    hay = evaluate(e->b, ev);
    memset(&f, 0, sizeof(f));
    f.ev = ev;
    f.x = x;
    f.icase = icase;
    if (is_sequence(hay)) {
        for (i = 0; i < sequence_size(hay); i++) {
            if (member_check(&f, sequence_item(hay, i)))
                break;
        }
    } else if (hay.type == OLP_V_NODES) {
        walk_from(hay.u.nodes.path, ev, hay.u.nodes.current, visit_member, &f);
    } else {
        return hay.type == OLP_V_OVERFLOW ? hay : v_undef();
    }
    if (f.found)
        return v_bool(1);
    return f.failed ? v_undef() : v_bool(0);
}

static olp_value eval_lookup(const olp_expr *e, olp_eval *ev)
{
    olp_value key = evaluate(e->a, ev);
    const olx_entry *entry;

    if (is_failure(key))
        return key;
    if (is_nothing(key))
        return v_type(OLP_V_ABSENT);
    if (key.type != OLP_V_STR)
        return v_undef();
    entry = table_find(e->u.table, key.u.str.s, key.u.str.len);
    return entry ? entry->value : v_type(OLP_V_ABSENT);
}

static olp_value eval_matches(const olp_expr *e, olp_eval *ev)
{
    olp_value x = evaluate(e->a, ev);
    pcre2_match_data *local = NULL, *md;
    int rc;

    if (is_failure(x))
        return x;
    if (x.type != OLP_V_STR)
        return v_undef();
    if (ev->md && !*ev->md) {
        *ev->md = pcre2_match_data_create(1, ev->gctx);
        if (!*ev->md) {
            ev->oom = 1;
            return v_undef();
        }
    }
    md = ev->md ? *ev->md : (local = pcre2_match_data_create(1, ev->gctx));
    if (!md) {
        ev->oom = 1;
        return v_undef();
    }
    rc = pcre2_match(e->u.re, (PCRE2_SPTR)x.u.str.s, x.u.str.len, 0, 0, md, ev->mctx);
    pcre2_match_data_free(local);
    if (rc >= 0)
        return v_bool(1);
    if (rc == PCRE2_ERROR_NOMATCH)
        return v_bool(0);
    /* Out of memory fails the check; past a limit the engine says so (a
     * value that could not be checked); invalid UTF-8 from a hand-built
     * tree: unknown. */
    if (rc == PCRE2_ERROR_NOMEMORY)
        ev->oom = 1;
    else if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
             rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT)
        ev->regex_limit = 1;
    return v_undef();
}

/* ---- functions of values ------------------------------------------------- */

/* The UTF-8 continuation bytes (10xxxxxx) among the 8 bytes of w: a 1 in
 * each such byte, summed into the top byte by a multiplication (without
 * -mpopcnt, __builtin_popcountll is a call into libgcc). */
static unsigned continuations_in(uint64_t w)
{
    uint64_t c = (w & ~(w << 1) & 0x8080808080808080ull) >> 7;

    return (unsigned)((c * 0x0101010101010101ull) >> 56);
}

/* Code points of UTF-8 text: the bytes that are not continuation bytes,
 * counted 8 at a time (len() of every string field of every line). */
static size_t code_points(const char *s, size_t n)
{
    size_t i = 0, count = n;
    uint64_t w;

    for (; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        count -= continuations_in(w);
    }
    for (; i < n; i++)
        count -= ((unsigned char)s[i] & 0xC0) == 0x80;
    return count;
}

static olp_value fn_len(olp_value x)
{
    if (x.type == OLP_V_STR)
        return v_int((json_int_t)code_points(x.u.str.s, x.u.str.len));
    if (x.type == OLP_V_LIST)
        return v_int((json_int_t)x.u.list->n);
    if (x.type == OLP_V_JSON)
        return v_int((json_int_t)(json_is_array(x.u.json) ? json_array_size(x.u.json)
                                                          : json_object_size(x.u.json)));
    return v_undef();
}

static olp_value fn_type(olp_value x)
{
    static const char *const names[] = {
        [OLP_V_ABSENT] = "absent", [OLP_V_NULL] = "null",  [OLP_V_BOOL] = "boolean",
        [OLP_V_INT] = "integer",   [OLP_V_REAL] = "real",  [OLP_V_STR] = "string",
        [OLP_V_LIST] = "array",    [OLP_V_NODES] = "list",
    };
    const char *name;

    if (x.type == OLP_V_JSON)
        name = json_is_array(x.u.json) ? "array" : "object";
    else
        name = names[x.type];
    return v_str(name, strlen(name));
}

static OLP_ALWAYS_INLINE int type_test(fn_id fn, olp_value x)
{
    switch (fn) {
    case F_IS_INT:
        return x.type == OLP_V_INT;
    case F_IS_REAL:
        return x.type == OLP_V_REAL;
    case F_IS_NUMBER:
        return x.type == OLP_V_INT || x.type == OLP_V_REAL;
    case F_IS_STRING:
        return x.type == OLP_V_STR;
    case F_IS_BOOL:
        return x.type == OLP_V_BOOL;
    case F_IS_OBJECT:
        return x.type == OLP_V_JSON && json_is_object(x.u.json);
    case F_IS_ARRAY:
        return x.type == OLP_V_LIST || (x.type == OLP_V_JSON && json_is_array(x.u.json));
    default:
        return x.type == OLP_V_NULL;
    }
}

static olp_value fn_of_one(fn_id fn, olp_value x)
{
    if (is_failure(x))
        return x;
    switch (fn) {
    case F_LEN:
        return fn_len(x);
    case F_TYPE:
        return fn_type(x);
    case F_ABS:
        if (x.type != OLP_V_INT)
            return v_undef();
        return x.u.i < 0 ? negate(x.u.i) : x;
    case F_JSON:
    case F_TIME:
        return x;
    default:
        return v_bool(type_test(fn, x));
    }
}

static olp_value fn_of_two(fn_id fn, olp_value a, olp_value b)
{
    int c;

    if (is_failure(a) || is_failure(b))
        return first_failure(a, b);
    switch (fn) {
    case F_MIN:
    case F_MAX:
        c = order_of(a, b);
        if (c == 2)
            return v_undef();
        return (fn == F_MIN) == (c <= 0) ? a : b;
    case F_FLOORDIV:
    case F_CEILDIV:
        if (a.type != OLP_V_INT || b.type != OLP_V_INT)
            return v_undef();
        return divide(a.u.i, b.u.i, fn == F_CEILDIV);
    default: /* F_IEQ */
        return equality_value(equality(a, b, 1), 0);
    }
}

static olp_value context_time(int64_t t)
{
    return t == OL_TIME_UNSET ? v_type(OLP_V_ABSENT) : v_int((json_int_t)t);
}

static olp_value context_string(const char *s)
{
    return s ? v_str(s, strlen(s)) : v_type(OLP_V_ABSENT);
}

/* context("name"): what the caller gave of the request; absent when not. */
static olp_value eval_context(const olp_expr *e, const olp_eval *ev)
{
    const ol_context *c = ev->ctx;

    if (!c)
        return v_type(OLP_V_ABSENT);
    switch ((context_member)e->context) {
    case C_SESSION_ID:
        return context_string(c->session_id);
    case C_TOKEN:
        return context_string(c->token);
    case C_CREATED_AT:
        return context_time(c->created_at);
    case C_AUTHORIZED_AT:
        return context_time(c->authorized_at);
    default:
        return context_time(c->now);
    }
}

static olp_value eval_call(const olp_expr *e, olp_eval *ev)
{
    fn_id fn = (fn_id)e->op;
    const char *name;

    switch (fn) {
    case F_CONTEXT:
        return eval_context(e, ev);
    case F_KIND:
        name = ol_kind_name(ev->kind);
        return name ? v_str(name, strlen(name)) : v_undef();
    case F_HAS:
    case F_COUNT:
    case F_SUM:
        return eval_walk(e, ev);
    case F_ALL:
    case F_ANY:
        return eval_quantifier(e, ev, fn == F_ANY);
    case F_IN:
    case F_IIN:
        return eval_in(e, ev, fn == F_IIN);
    case F_LOOKUP:
        return eval_lookup(e, ev);
    case F_SIZE:
        return v_int((json_int_t)e->u.table->n);
    case F_MATCHES:
        return eval_matches(e, ev);
    case F_MIN:
    case F_MAX:
    case F_FLOORDIV:
    case F_CEILDIV:
    case F_IEQ:
        return fn_of_two(fn, evaluate(e->a, ev), evaluate(e->b, ev));
    default:
        return fn_of_one(fn, evaluate(e->a, ev));
    }
}

void olp_eval_forget(olp_eval *ev)
{
    memset(ev->def_known, 0, sizeof(ev->def_known));
    ev->len_s = NULL;
    if (ev->members)
        olp_member_cache_clear(ev->members);
}

/* A def's value; a constant def's once per root. (Its values borrow from the
 * tree and the rules, which outlive the check.) */
static olp_value eval_def(const olx_def *d, olp_eval *ev)
{
    olp_value v;
    int caller_limit, limited;

    if (!d->constant || d->index >= OLP_DEF_CACHE)
        return evaluate(d->expr, ev);
    if (ev->def_known[d->index]) {
        /* a value decided past a regex limit says so at every use, not
         * only at the first, whichever rule that was */
        if (ev->def_known[d->index] == 2)
            ev->regex_limit = 1;
        return ev->def_cache[d->index];
    }
    caller_limit = ev->regex_limit;
    ev->regex_limit = 0;
    v = evaluate(d->expr, ev);
    limited = ev->regex_limit;
    ev->regex_limit |= caller_limit;
    if (!ev->oom) {
        ev->def_cache[d->index] = v;
        ev->def_known[d->index] = limited ? 2 : 1;
    }
    return v;
}

int olx_expr_reads_current(const olp_expr *e)
{
    if (!e)
        return 0;
    if (e->kind == N_DEF)
        return !e->u.def->constant;
    if (e->path && e->path->from_root == OLP_ROOT_CURRENT)
        return 1;
    /* The condition of all() and any() (in a) has for its @ each value the
     * path selects, not the caller's; filters in a path likewise. */
    if (e->kind == N_CALL && (e->op == F_ALL || e->op == F_ANY))
        return 0;
    return olx_expr_reads_current(e->a) || olx_expr_reads_current(e->b);
}

int olp_path_reads_payload(const olp_path *p)
{
    size_t i;

    if (!p)
        return 0;
    if (p->from_root == OLP_ROOT_CURRENT || p->from_root == OLP_ROOT_PAYLOAD)
        return 1;
    for (i = 0; i < p->nsegs; i++) {
        if (p->segs[i].type == OLP_SEG_FILTER &&
            olp_expr_reads_payload(p->segs[i].filter))
            return 1;
    }
    return 0;
}

int olp_expr_reads_payload(const olp_expr *e)
{
    if (!e)
        return 0;
    if (e->kind == N_DEF)
        return olp_expr_reads_payload(e->u.def->expr);
    return olp_path_reads_payload(e->path) || olp_expr_reads_payload(e->a) ||
           olp_expr_reads_payload(e->b);
}

/* The nodes evaluator_of gives no evaluator of their own: a path of many
 * values, -x, and the calls that are not of values (eval_call). Any other
 * kind has one, which this forwards to. */
static olp_value eval_node(const olp_expr *e, olp_eval *ev)
{
    olp_value v;

    switch ((node_kind)e->kind) {
    case N_PATH:
        return eval_path(e, ev);
    case N_NEG:
        v = evaluate(e->a, ev);
        if (v.type != OLP_V_INT)
            return is_failure(v) ? v : v_undef();
        return negate(v.u.i);
    case N_CALL:
        return eval_call(e, ev);
    default:
        return evaluator_of(e)(e, ev);
    }
}

static olp_value eval_literal(const olp_expr *e, olp_eval *ev)
{
    (void)ev;
    return e->value;
}

static olp_value eval_value_path(const olp_expr *e, olp_eval *ev)
{
    return value_of_json(resolve(e->path, ev));
}

/* A member of @, as most paths of rules are (total_amount). */
static olp_value eval_member_of_current(const olp_expr *e, olp_eval *ev)
{
    return value_of_json(ev->current ? olp_member(ev, ev->current, &e->path->segs[0])
                                     : NULL);
}

/* @ itself, as in is_int(@) and @ >= 0. */
static olp_value eval_current(const olp_expr *e, olp_eval *ev)
{
    (void)e;
    return value_of_json(ev->current);
}

static int is_member_of_current(const olp_path *p)
{
    return p->from_root == OLP_ROOT_CURRENT && p->nsegs == 1 &&
           p->segs[0].type == OLP_SEG_KEY;
}

static olp_value eval_logic(const olp_expr *e, olp_eval *ev) { return logic(e, ev); }

static olp_value eval_coalesce(const olp_expr *e, olp_eval *ev)
{
    olp_value a = evaluate(e->a, ev);

    return is_nothing(a) ? evaluate(e->b, ev) : a;
}

static olp_value eval_equality(const olp_expr *e, olp_eval *ev)
{
    olp_value a = evaluate(e->a, ev), b = evaluate(e->b, ev);

    return equality_value(equality(a, b, 0), e->op == B_NE);
}

static olp_value eval_ordering(const olp_expr *e, olp_eval *ev)
{
    olp_value a = evaluate(e->a, ev), b = evaluate(e->b, ev);

    return ordering((bin_op)e->op, a, b);
}

static olp_value eval_arithmetic(const olp_expr *e, olp_eval *ev)
{
    olp_value a = evaluate(e->a, ev), b = evaluate(e->b, ev);

    return arithmetic((bin_op)e->op, a, b);
}

static olp_value eval_call_of_one(const olp_expr *e, olp_eval *ev)
{
    return fn_of_one((fn_id)e->op, evaluate(e->a, ev));
}

/* The test of type_test on the value of a node of the tree (NULL: absent),
 * without making the value. */
static OLP_ALWAYS_INLINE int json_type_test(fn_id fn, const json_t *j)
{
    switch (fn) {
    case F_IS_INT:
        return json_is_integer(j);
    case F_IS_REAL:
        return json_is_real(j);
    case F_IS_NUMBER:
        return json_is_number(j);
    case F_IS_STRING:
        return json_is_string(j);
    case F_IS_BOOL:
        return json_is_boolean(j);
    case F_IS_OBJECT:
        return json_is_object(j);
    case F_IS_ARRAY:
        return json_is_array(j);
    default:
        return json_is_null(j);
    }
}

/* is_int(@), is_string(name): a type test of a path of one value. */
static olp_value eval_type_test_of_path(const olp_expr *e, olp_eval *ev)
{
    return v_bool(json_type_test((fn_id)e->op, resolve(e->a->path, ev)));
}

/* is_int(x) and the other tests of a type: the most common calls. */
static olp_value eval_type_test(const olp_expr *e, olp_eval *ev)
{
    olp_value x = evaluate(e->a, ev);

    return is_failure(x) ? x : v_bool(type_test((fn_id)e->op, x));
}

static olp_value eval_call_of_two(const olp_expr *e, olp_eval *ev)
{
    olp_value a = evaluate(e->a, ev), b = evaluate(e->b, ev);

    return fn_of_two((fn_id)e->op, a, b);
}

static olp_value eval_def_node(const olp_expr *e, olp_eval *ev)
{
    return eval_def(e->u.def, ev);
}

static olp_value eval_not(const olp_expr *e, olp_eval *ev)
{
    olp_value v = evaluate(e->a, ev);

    if (v.type != OLP_V_BOOL)
        return is_failure(v) ? v : v_undef();
    return v_bool(!v.u.b);
}

/* has() of a path without [*] and [?()] */
static olp_value eval_has_one(const olp_expr *e, olp_eval *ev)
{
    return v_bool(resolve(e->path, ev) != NULL);
}

static olp_value eval_in_node(const olp_expr *e, olp_eval *ev)
{
    return eval_in(e, ev, e->op == F_IIN);
}

/* Is e in(x, [...]) or iin() of a list of strings only (the enumerations
 * of the table: about 60 visits a document)? Then x is compared with the
 * strings themselves, not as values of any type, one by one. */
static int in_strings_only(const olp_expr *e)
{
    const olp_list *l;
    size_t i;

    if (!e->b || e->b->kind != N_LIT || e->b->value.type != OLP_V_LIST)
        return 0;
    l = e->b->value.u.list;
    for (i = 0; i < l->n; i++)
        if (l->items[i].type != OLP_V_STR)
            return 0;
    return l->n > 0;
}

static int string_in(const olp_list *l, const char *s, size_t n, int icase)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        const olp_value *item = &l->items[i];
        if (item->u.str.len != n)
            continue;
        /* the bytes first, also for iin(): values are mostly written as
         * the list writes them */
        if (same_bytes(s, n, item->u.str.s, n) ||
            (icase && icase_cmp(s, n, item->u.str.s, n) == 0))
            return 1;
    }
    return 0;
}

/* eval_in on a list of strings: as equality() compares x with a string,
 * nothing is in no list, and x of another type is undefined. */
static olp_value eval_in_strings(const olp_expr *e, olp_eval *ev)
{
    olp_value x = evaluate(e->a, ev);

    if (is_failure(x))
        return x;
    if (is_nothing(x))
        return v_bool(0);
    if (x.type != OLP_V_STR)
        return v_undef();
    return v_bool(string_in(e->b->value.u.list, x.u.str.s, x.u.str.len, e->op == F_IIN));
}

static olp_value eval_matches_node(const olp_expr *e, olp_eval *ev)
{
    return eval_matches(e, ev);
}

/* The evaluator of a call that is not of values (call_of_values). */
static olp_value (*evaluator_of_call(const olp_expr *e))(const olp_expr *, olp_eval *)
{
    switch ((fn_id)e->op) {
    case F_HAS:
        return e->path->selects_many ? eval_node : eval_has_one;
    case F_IN:
    case F_IIN:
        return in_strings_only(e) ? eval_in_strings : eval_in_node;
    case F_MATCHES:
        return eval_matches_node;
    default:
        return eval_node;
    }
}

/* The functions fn_of_one answers with type_test. */
static int is_type_test(fn_id fn)
{
    switch (fn) {
    case F_LEN:
    case F_TYPE:
    case F_ABS:
    case F_JSON:
    case F_TIME:
        return 0;
    default:
        return 1;
    }
}

/* The functions eval_call answers with fn_of_one or fn_of_two. */
static int call_of_values(fn_id fn, int *two)
{
    switch (fn) {
    case F_CONTEXT:
    case F_KIND:
    case F_HAS:
    case F_COUNT:
    case F_SUM:
    case F_ALL:
    case F_ANY:
    case F_IN:
    case F_IIN:
    case F_LOOKUP:
    case F_SIZE:
    case F_MATCHES:
        return 0;
    case F_MIN:
    case F_MAX:
    case F_FLOORDIV:
    case F_CEILDIV:
    case F_IEQ:
        *two = 1;
        return 1;
    default:
        *two = 0;
        return 1;
    }
}

static olp_value (*evaluator_of_binary(bin_op op))(const olp_expr *, olp_eval *)
{
    switch (op) {
    case B_AND:
    case B_OR:
        return eval_logic;
    case B_COALESCE:
        return eval_coalesce;
    case B_EQ:
    case B_NE:
        return eval_equality;
    case B_LT:
    case B_LE:
    case B_GT:
    case B_GE:
        return eval_ordering;
    default:
        return eval_arithmetic;
    }
}

/* The evaluator of a complete node. */
static olp_value (*evaluator_of(const olp_expr *e))(const olp_expr *, olp_eval *)
{
    switch ((node_kind)e->kind) {
    case N_LIT:
        return eval_literal;
    case N_PATH:
        if (e->multi)
            return eval_node;
        if (e->path->from_root == OLP_ROOT_CURRENT && e->path->nsegs == 0)
            return eval_current;
        return is_member_of_current(e->path) ? eval_member_of_current : eval_value_path;
    case N_BIN:
        return evaluator_of_binary((bin_op)e->op);
    case N_CALL: {
        int two;
        if (!call_of_values((fn_id)e->op, &two))
            return evaluator_of_call(e);
        if (two)
            return eval_call_of_two;
        if (!is_type_test((fn_id)e->op))
            return eval_call_of_one;
        if ((node_kind)e->a->kind == N_PATH && !e->a->multi)
            return eval_type_test_of_path;
        return eval_type_test;
    }
    case N_DEF:
        return eval_def_node;
    case N_NOT:
        return eval_not;
    default:
        return eval_node;
    }
}

olp_value olp_expr_eval(const olp_expr *e, olp_eval *ev) { return e->eval(e, ev); }

/* ---- truth ----------------------------------------------------------------
 *
 * olp_value_truth of a node's value, computed without the value where that
 * is cheaper: an int in a register, not a value of 24 bytes in memory, at
 * every level of a rule's condition. Each function answers exactly what
 * olp_value_truth(e->eval(e, ev)) would (tests/check_expr.c compares them),
 * which the truth of a value allows: 1 true, 0 false, -1 undefined or not
 * a boolean, -2 overflow. */

/* What op says of a comparison c (-1, 0, 1). */
static int compared(bin_op op, int c)
{
    switch (op) {
    case B_LT:
        return c < 0;
    case B_LE:
        return c <= 0;
    case B_GT:
        return c > 0;
    default:
        return c >= 0;
    }
}

/* truth of an operand that failed to be a boolean: the overflow wins */
static int failed_truth(int a, int b) { return a == -2 || b == -2 ? -2 : -1; }

static int truth_of_value(const olp_expr *e, olp_eval *ev)
{
    return olp_value_truth(evaluate(e, ev));
}

static inline int truth(const olp_expr *e, olp_eval *ev) { return e->truth(e, ev); }

/* logic() in the truth of its operands: a decisive operand decides, even
 * beside an undefined one (false for &&, true for ||); past a true a of
 * &&, or a false a of ||, b's truth is the answer. */
static int truth_and(const olp_expr *e, olp_eval *ev)
{
    int a = truth(e->a, ev), b;

    if (a == 1) /* b decides: the common case, a call at the end */
        return truth(e->b, ev);
    if (a == 0)
        return 0;
    b = truth(e->b, ev);
    return b == 0 ? 0 : failed_truth(a, b);
}

static int truth_or(const olp_expr *e, olp_eval *ev)
{
    int a = truth(e->a, ev), b;

    if (a == 0)
        return truth(e->b, ev);
    if (a == 1)
        return 1;
    b = truth(e->b, ev);
    return b == 1 ? 1 : failed_truth(a, b);
}

/* eval_not: a value that is not a boolean is undefined (-1), a failure
 * stays what it is. */
static int truth_not(const olp_expr *e, olp_eval *ev)
{
    int t = truth(e->a, ev);

    return t >= 0 ? !t : t;
}

static int truth_has_one(const olp_expr *e, olp_eval *ev)
{
    return resolve(e->path, ev) != NULL;
}

/* A def's truth: that of the value a check keeps, once it has it
 * (lines_array(), in the when of every rule of a line). Only a constant
 * def's is kept; one decided past a regex limit (2) says so, in eval_def. */
static int truth_def_node(const olp_expr *e, olp_eval *ev)
{
    const olx_def *d = e->u.def;

    if (d->index < OLP_DEF_CACHE && ev->def_known[d->index] == 1)
        return olp_value_truth(ev->def_cache[d->index]);
    return truth_of_value(e, ev);
}

static int truth_in_strings(const olp_expr *e, olp_eval *ev)
{
    olp_value x = evaluate(e->a, ev);

    if (x.type == OLP_V_STR)
        return string_in(e->b->value.u.list, x.u.str.s, x.u.str.len, e->op == F_IIN);
    if (is_nothing(x))
        return 0;
    return x.type == OLP_V_OVERFLOW ? -2 : -1;
}

static int truth_type_test_of_path(const olp_expr *e, olp_eval *ev)
{
    return json_type_test((fn_id)e->op, resolve(e->a->path, ev));
}

/* is_string(@), the when of some 60 rules */
static int truth_type_test_of_current(const olp_expr *e, olp_eval *ev)
{
    return json_type_test((fn_id)e->op, ev->current);
}

/* is_int(total_amount) */
static int truth_type_test_of_member(const olp_expr *e, olp_eval *ev)
{
    const json_t *j =
        ev->current ? olp_member(ev, ev->current, &e->a->path->segs[0]) : NULL;

    return json_type_test((fn_id)e->op, j);
}

static int (*truth_of_type_test_of_path(const olp_expr *e))(const olp_expr *, olp_eval *)
{
    const olp_path *p = e->a->path;

    if (p->from_root == OLP_ROOT_CURRENT && p->nsegs == 0)
        return truth_type_test_of_current;
    return is_member_of_current(p) ? truth_type_test_of_member : truth_type_test_of_path;
}

/* Both operands as integers, when they have an integer evaluator and both
 * values are integers. */
static OLP_ALWAYS_INLINE int both_integers(const olp_expr *e, olp_eval *ev, json_int_t *x,
                                           json_int_t *y)
{
    return e->a->integer && e->b->integer && e->a->integer(e->a, ev, x) &&
           e->b->integer(e->b, ev, y);
}

static int equality_truth(const olp_expr *e, int r)
{
    if (r < 0)
        return r;
    return e->op == B_NE ? !r : r;
}

/* Operands that are not both integers: their values say what. */
static int truth_equality_of_values(const olp_expr *e, olp_eval *ev)
{
    return equality_truth(e, equality(evaluate(e->a, ev), evaluate(e->b, ev), 0));
}

static int truth_equality(const olp_expr *e, olp_eval *ev)
{
    json_int_t x, y;

    if (both_integers(e, ev, &x, &y))
        return (x == y) != (e->op == B_NE);
    return truth_equality_of_values(e, ev); /* (an evaluation only reads) */
}

/* x == "literal", x != "literal" (type == "sales_tax"): a string is
 * compared with the literal's bytes at once. */
static int truth_equality_of_string(const olp_expr *e, olp_eval *ev)
{
    olp_value a = evaluate(e->a, ev);
    const olp_value *b = &e->b->value;

    if (a.type == OLP_V_STR)
        return same_bytes(a.u.str.s, a.u.str.len, b->u.str.s, b->u.str.len) !=
               (e->op == B_NE);
    return equality_truth(e, equality(a, *b, 0));
}

/* x == 0, x != 0: an integer and an integer literal. */
static int truth_equality_of_integer(const olp_expr *e, olp_eval *ev)
{
    json_int_t x;

    if (e->a->integer(e->a, ev, &x))
        return (x == e->b->value.u.i) != (e->op == B_NE);
    return truth_equality_of_values(e, ev);
}

static int (*truth_of_equality(const olp_expr *e))(const olp_expr *, olp_eval *)
{
    if (e->b->kind != N_LIT)
        return truth_equality;
    if (e->b->value.type == OLP_V_STR)
        return truth_equality_of_string;
    if (e->b->value.type == OLP_V_INT && e->a->integer)
        return truth_equality_of_integer;
    return truth_equality;
}

/* An ordering of operands that are not both integers: their values. */
static int truth_ordering_of_values(const olp_expr *e, olp_eval *ev)
{
    olp_value a = evaluate(e->a, ev), b = evaluate(e->b, ev);
    int c = order_of(a, b);

    if (c == 2)
        return a.type == OLP_V_OVERFLOW || b.type == OLP_V_OVERFLOW ? -2 : -1;
    return compared((bin_op)e->op, c);
}

static int truth_ordering(const olp_expr *e, olp_eval *ev)
{
    json_int_t x, y;

    if (both_integers(e, ev, &x, &y))
        return compared((bin_op)e->op, (x > y) - (x < y));
    return truth_ordering_of_values(e, ev);
}

/* An integer and an integer literal, as in most of the table's orderings
 * (@ >= 0, len(@) <= 255): one function an operator, and the literal read
 * where it is. */
static int truth_lt_literal(const olp_expr *e, olp_eval *ev)
{
    json_int_t x;

    if (e->a->integer(e->a, ev, &x))
        return x < e->b->value.u.i;
    return truth_ordering_of_values(e, ev);
}

static int truth_le_literal(const olp_expr *e, olp_eval *ev)
{
    json_int_t x;

    if (e->a->integer(e->a, ev, &x))
        return x <= e->b->value.u.i;
    return truth_ordering_of_values(e, ev);
}

static int truth_gt_literal(const olp_expr *e, olp_eval *ev)
{
    json_int_t x;

    if (e->a->integer(e->a, ev, &x))
        return x > e->b->value.u.i;
    return truth_ordering_of_values(e, ev);
}

static int truth_ge_literal(const olp_expr *e, olp_eval *ev)
{
    json_int_t x;

    if (e->a->integer(e->a, ev, &x))
        return x >= e->b->value.u.i;
    return truth_ordering_of_values(e, ev);
}

static int (*truth_of_ordering(const olp_expr *e))(const olp_expr *, olp_eval *)
{
    int literal = e->a->integer && e->b->kind == N_LIT && e->b->value.type == OLP_V_INT;

    if (!literal)
        return truth_ordering;
    switch ((bin_op)e->op) {
    case B_LT:
        return truth_lt_literal;
    case B_LE:
        return truth_le_literal;
    case B_GT:
        return truth_gt_literal;
    default:
        return truth_ge_literal;
    }
}

/* The truth function of a complete node: of its own where evaluator_of
 * chose an evaluator whose value is a boolean or a failure. */
static int (*truth_evaluator_of(const olp_expr *e))(const olp_expr *, olp_eval *)
{
    olp_value (*eval)(const olp_expr *, olp_eval *) = evaluator_of(e);

    if (eval == eval_logic)
        return e->op == B_OR ? truth_or : truth_and;
    if (eval == eval_not)
        return truth_not;
    if (eval == eval_has_one)
        return truth_has_one;
    if (eval == eval_in_strings)
        return truth_in_strings;
    if (eval == eval_def_node)
        return truth_def_node;
    if (eval == eval_type_test_of_path)
        return truth_of_type_test_of_path(e);
    if (eval == eval_equality)
        return truth_of_equality(e);
    if (eval == eval_ordering)
        return truth_of_ordering(e);
    return truth_of_value;
}

int olp_expr_truth(const olp_expr *e, olp_eval *ev) { return e->truth(e, ev); }

/* ---- integers -------------------------------------------------------------
 *
 * The integer evaluators (olp_expr.integer). Each answers 1 exactly when
 * the node's eval would give an integer, and that integer (tests/check_expr.c
 * compares them on every kind of operand); anything else, an overflow, a
 * division by zero, a string, is left to eval. */

static int integer_of_json(const json_t *j, json_int_t *out)
{
    if (!json_is_integer(j))
        return 0;
    *out = json_integer_value(j);
    return 1;
}

static int integer_literal(const olp_expr *e, olp_eval *ev, json_int_t *out)
{
    (void)ev;
    *out = e->value.u.i;
    return 1;
}

static int integer_current(const olp_expr *e, olp_eval *ev, json_int_t *out)
{
    (void)e;
    return integer_of_json(ev->current, out);
}

static int integer_member_of_current(const olp_expr *e, olp_eval *ev, json_int_t *out)
{
    return ev->current &&
           integer_of_json(olp_member(ev, ev->current, &e->path->segs[0]), out);
}

static int integer_value_path(const olp_expr *e, olp_eval *ev, json_int_t *out)
{
    return integer_of_json(resolve(e->path, ev), out);
}

static int integer_of_value(olp_value v, json_int_t *out)
{
    if (v.type != OLP_V_INT)
        return 0;
    *out = v.u.i;
    return 1;
}

static int integer_arithmetic(const olp_expr *e, olp_eval *ev, json_int_t *out)
{
    json_int_t x, y;

    return both_integers(e, ev, &x, &y) &&
           integer_of_value(arithmetic((bin_op)e->op, v_int(x), v_int(y)), out);
}

static int integer_call_of_two(const olp_expr *e, olp_eval *ev, json_int_t *out)
{
    json_int_t x, y;

    return both_integers(e, ev, &x, &y) &&
           integer_of_value(fn_of_two((fn_id)e->op, v_int(x), v_int(y)), out);
}

static int integer_call_of_one(const olp_expr *e, olp_eval *ev, json_int_t *out)
{
    json_int_t x;

    return e->a->integer(e->a, ev, &x) &&
           integer_of_value(fn_of_one((fn_id)e->op, v_int(x)), out);
}

/* len(x): of x's value, whatever it is (a string, an array, ...) */
static int integer_len(const olp_expr *e, olp_eval *ev, json_int_t *out)
{
    olp_value x = evaluate(e->a, ev);

    if (x.type == OLP_V_STR) { /* most of them: not through fn_of_one's switch */
        if (!ev->members) {
            *out = (json_int_t)code_points(x.u.str.s, x.u.str.len);
            return 1;
        }
        if (x.u.str.s != ev->len_s || x.u.str.len != ev->len_n) {
            ev->len_points = code_points(x.u.str.s, x.u.str.len);
            ev->len_s = x.u.str.s;
            ev->len_n = x.u.str.len;
        }
        *out = (json_int_t)ev->len_points;
        return 1;
    }
    return integer_of_value(fn_of_one(F_LEN, x), out);
}

/* a ?? b: a when it is an integer; b when a is absent or null. a's value is
 * made once: asked first for an integer and then for its value, a chain of
 * ?? (a ?? b ?? c, which nests on the left) would cost the square of its
 * length. */
static int integer_coalesce(const olp_expr *e, olp_eval *ev, json_int_t *out)
{
    olp_value a = evaluate(e->a, ev);

    if (a.type == OLP_V_INT) {
        *out = a.u.i;
        return 1;
    }
    return is_nothing(a) && e->b->integer(e->b, ev, out);
}

/* (total_tax_amount ?? 0): a ?? b of a leaf a (a member, @), the table's
 * kind: asked for an integer, and only when it has none for its value. A
 * leaf has nothing under it, so a chain costs no square. */
static int integer_coalesce_of_leaf(const olp_expr *e, olp_eval *ev, json_int_t *out)
{
    return e->a->integer(e->a, ev, out) || integer_coalesce(e, ev, out);
}

/* The functions of two integers whose value is an integer. */
static int integer_function_of_two(fn_id fn)
{
    return fn == F_MIN || fn == F_MAX || fn == F_FLOORDIV || fn == F_CEILDIV;
}

int olx_expr_integer(const olp_expr *e, olp_eval *ev, json_int_t *out)
{
    return e->integer ? e->integer(e, ev, out) : -1;
}

static integer_fn integer_evaluator_of(const olp_expr *e)
{
    olp_value (*eval)(const olp_expr *, olp_eval *) = evaluator_of(e);
    int operands = e->a && e->a->integer && (!e->b || e->b->integer);

    if (eval == eval_literal)
        return e->value.type == OLP_V_INT ? integer_literal : NULL;
    if (eval == eval_current)
        return integer_current;
    if (eval == eval_member_of_current)
        return integer_member_of_current;
    if (eval == eval_value_path)
        return integer_value_path;
    if (eval == eval_call_of_one && e->op == F_LEN)
        return integer_len;
    if (!operands)
        return NULL;
    if (eval == eval_arithmetic)
        return integer_arithmetic;
    if (eval == eval_coalesce)
        return e->a->height == 1 ? integer_coalesce_of_leaf : integer_coalesce;
    if (eval == eval_call_of_two && integer_function_of_two((fn_id)e->op))
        return integer_call_of_two;
    if (eval == eval_call_of_one && e->op == F_ABS)
        return integer_call_of_one;
    return NULL;
}

/* ======================================================================== */
/* Rendering                                                                 */
/* ======================================================================== */

static void render(olp_value v, olp_eval *ev, olp_buf *out, int as_json);

/* {time(x)}: seconds since 1970-01-01T00:00:00Z as an RFC 3339 UTC time,
 * 2024-05-01T12:00:00Z, in the proleptic Gregorian calendar (H. Hinnant's
 * civil_from_days); anything else, or a year past 9999, as {x} would be. */
static void render_time(olp_value v, olp_eval *ev, olp_buf *out)
{
    json_int_t t, days, secs, z, era, doe, yoe, y, doy, mp, d, m;

    /* 253402300799 is 9999-12-31T23:59:59Z */
    if (v.type != OLP_V_INT || v.u.i < 0 || v.u.i > 253402300799) {
        render(v, ev, out, 0);
        return;
    }
    t = v.u.i;
    days = t / 86400;
    secs = t % 86400;
    z = days + 719468;
    era = z / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    olp_buf_printf(out, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
                   (long long)(y + (m <= 2)), (long long)m, (long long)d,
                   (long long)(secs / 3600), (long long)(secs / 60 % 60),
                   (long long)(secs % 60));
}

/* The shortest text that reads back as the same double, positional unless
 * the exponent is below -4 or from 16 on (980.0, 0.0001, 1e-05, 1e+16). */
static void render_real(double r, olp_buf *out)
{
    char text[400], *comma;
    int precision, exponent, decimals;

    if (!isfinite(r)) {
        olp_buf_puts(out, "?");
        return;
    }
    for (precision = 1;; precision++) {
        snprintf(text, sizeof(text), "%.*e", precision - 1, r);
        if (precision == 17 || strtod(text, NULL) == r)
            break;
    }
    exponent = atoi(strchr(text, 'e') + 1);
    if (exponent >= -4 && exponent < 16) {
        decimals = precision - 1 - exponent;
        snprintf(text, sizeof(text), "%.*f", decimals > 0 ? decimals : 0, r);
    }
    comma = strchr(text, ','); /* a locale's decimal comma */
    if (comma)
        *comma = '.';
    olp_buf_puts(out, text);
    if (!strpbrk(text, ".e"))
        olp_buf_puts(out, ".0");
}

static int dump_to_buf(const char *buffer, size_t size, void *data)
{
    olp_buf *out = data;

    olp_buf_append(out, buffer, size);
    return out->oom ? -1 : 0;
}

static void render(olp_value v, olp_eval *ev, olp_buf *out, int as_json);

typedef struct render_state {
    olp_buf *out;
    size_t n;
} render_state;

static int visit_render(const json_t *v, const olp_step *trail, size_t depth, void *arg)
{
    render_state *st = arg;

    (void)trail, (void)depth;
    if (st->n++)
        olp_buf_append(st->out, ",", 1);
    render(value_of_json(v), NULL, st->out, 1);
    return 0;
}

static void render_sequence(olp_value v, olp_eval *ev, olp_buf *out)
{
    render_state st;
    size_t i;

    olp_buf_append(out, "[", 1);
    if (v.type == OLP_V_LIST) {
        for (i = 0; i < v.u.list->n; i++) {
            if (i)
                olp_buf_append(out, ",", 1);
            render(v.u.list->items[i], NULL, out, 1);
        }
    } else {
        st.out = out;
        st.n = 0;
        walk_from(v.u.nodes.path, ev, v.u.nodes.current, visit_render, &st);
    }
    olp_buf_append(out, "]", 1);
}

static void render(olp_value v, olp_eval *ev, olp_buf *out, int as_json)
{
    switch (v.type) {
    case OLP_V_UNDEF:
        olp_buf_puts(out, "?");
        break;
    case OLP_V_OVERFLOW:
        olp_buf_puts(out, "overflow");
        break;
    case OLP_V_ABSENT:
        olp_buf_puts(out, "absent");
        break;
    case OLP_V_NULL:
        olp_buf_puts(out, "null");
        break;
    case OLP_V_BOOL:
        olp_buf_puts(out, v.u.b ? "true" : "false");
        break;
    case OLP_V_INT:
        olp_buf_printf(out, "%" JSON_INTEGER_FORMAT, v.u.i);
        break;
    case OLP_V_REAL:
        render_real(v.u.r, out);
        break;
    case OLP_V_STR:
        if (as_json)
            olp_buf_json_string(out, v.u.str.s, v.u.str.len);
        else
            olp_buf_append(out, v.u.str.s, v.u.str.len);
        break;
    case OLP_V_JSON:
        json_dump_callback(v.u.json, dump_to_buf, out, JSON_COMPACT | JSON_ENCODE_ANY);
        break;
    case OLP_V_LIST:
        render_sequence(v, ev, out);
        break;
    case OLP_V_NODES:
        if (ev)
            render_sequence(v, ev, out);
        else
            olp_buf_puts(out, "?");
        break;
    }
}

void olp_value_render(olp_value v, olp_buf *out) { render(v, NULL, out, 0); }

static void render_text(const char *s, olp_buf *out) { olp_buf_puts(out, s ? s : ""); }

void olp_template_render(const olp_template *t, olp_eval *ev, olp_buf *out)
{
    size_t i;

    olp_buf_append(out, "", 0);
    for (i = 0; t && i < t->n; i++) {
        const tpart *part = &t->parts[i];
        switch (part->kind) {
        case P_TEXT:
            olp_buf_append(out, part->text, part->len);
            break;
        case P_PATH:
            render_text(ev->path, out);
            break;
        case P_POINTER:
            render_text(ev->pointer, out);
            break;
        case P_DETAIL:
            render_text(ev->detail, out);
            break;
        case P_FIELDS:
            render_text(ev->fields, out);
            break;
        case P_EXPECTED:
            render_text(ev->expected, out);
            break;
        case P_FOUND:
            render_text(ev->found, out);
            break;
        case P_EXPR:
        case P_JSON:
            render(evaluate(part->expr, ev), ev, out, part->kind == P_JSON);
            break;
        case P_TIME:
            render_time(evaluate(part->expr, ev), ev, out);
            break;
        }
    }
    if (out->oom)
        ev->oom = 1;
}
