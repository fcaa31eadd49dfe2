/*
 * ol_expr.h: what expr.c (the expression language) and rulefile.c (the rule
 * files) share: the lexer and parser state, tables and defs. Private to those
 * two files and their unit tests.
 *
 * rulefile.c drives one olx_parser over a whole file. It reads the rule-level
 * words itself (olx_read_word) and hands the parser to expr.c for every
 * expression, path, literal and template, so that both read one token stream
 * and every error carries a place in the file.
 */
#ifndef OL_EXPR_H
#define OL_EXPR_H

#include "ol_private.h"

/* How deep an expression may nest, counting the defs it uses: evaluation
 * recurses that deep, and a check must not run out of stack. */
#define OLX_MAX_DEPTH 256
/* Segments of one path (a walk recurses once per segment). */
#define OLX_MAX_SEGS OLP_MAX_TRAIL

typedef enum olx_tok {
    OLX_T_EOF = 0,
    OLX_T_BAD,          /* a character that starts no token */
    OLX_T_UNTERMINATED, /* a string without its closing quote on its line */
    OLX_T_IDENT,
    OLX_T_NUMBER,
    OLX_T_STRING, /* quotes included */
    OLX_T_LPAREN,
    OLX_T_RPAREN,
    OLX_T_LBRACK,
    OLX_T_RBRACK,
    OLX_T_LBRACE,
    OLX_T_RBRACE,
    OLX_T_COMMA,
    OLX_T_DOT,
    OLX_T_COLON,
    OLX_T_ASSIGN,
    OLX_T_DOLLAR,
    OLX_T_AT,
    OLX_T_QUESTION,
    OLX_T_COALESCE,
    OLX_T_PLUS,
    OLX_T_MINUS,
    OLX_T_STAR,
    OLX_T_SLASH,
    OLX_T_PERCENT,
    OLX_T_NOT,
    OLX_T_EQ,
    OLX_T_NE,
    OLX_T_LT,
    OLX_T_LE,
    OLX_T_GT,
    OLX_T_GE,
    OLX_T_AND,
    OLX_T_OR
} olx_tok;

typedef struct olx_token {
    olx_tok type;
    size_t start, end; /* byte offsets in the text being read (olx_parser.s) */
} olx_token;

/* ---- tables and defs ----------------------------------------------------- */

typedef struct olx_entry {
    char *key;
    size_t keylen;
    olp_value value; /* a literal: owns its strings and lists */
    size_t pos;      /* file offset of the key, for a duplicate-key error */
} olx_entry;

typedef struct olx_table {
    char *name;
    olx_entry *entries; /* sorted by key, ignoring ASCII case */
    size_t n;
    /* 'table NAME default {...}': a later file may give the table once more,
     * and its entries then replace these, in place (rules hold pointers to
     * the table). replaced: that has happened. */
    int is_default, replaced;
} olx_table;

typedef struct olx_def {
    char *name;
    olp_expr *expr;
    /* constant: the value reads no @ of its caller, so it is the same
     * wherever it is called on one document, and a check computes it once
     * (olp_eval.def_cache). index: its place among the book's defs. */
    int constant;
    size_t index;
} olx_def;

/* The keys of a book's paths, each once (open addressing by key_hash):
 * every key segment points to its key here (olp_seg.key_canon), so that
 * two segments of one key have one pointer. */
typedef struct olx_key {
    char *s; /* NULL: the slot is empty */
    size_t len;
    unsigned int hash;
} olx_key;

typedef struct olx_keys {
    olx_key *slots;
    size_t cap, n; /* cap is 0 or a power of two */
} olx_keys;

/* What olp_rulebook.names points to; also the names of a file being read. */
typedef struct olx_names {
    olx_table **tables;
    size_t ntables;
    olx_def **defs;
    size_t ndefs;
    olx_keys keys; /* the book's only (a file's keys go there at once) */
} olx_names;

/* ---- the parser ---------------------------------------------------------- */

/* A table named before it is defined: the node that names it, and the name
 * (owned) and its file offset, until olx_link finds the table. */
typedef struct olx_pending_table {
    olp_expr *node;
    char *name;
    size_t pos;
} olx_pending_table;

typedef struct olx_parser {
    const char *file; /* the whole rule file, for messages */
    size_t file_len;
    /* What the lexer reads: the file, or the decoded text of a template. */
    const char *s;
    size_t len;
    size_t pos;
    const size_t *map; /* file offset of each byte of s (len + 1); NULL: s is file */
    olx_token tok;     /* the next token, when peeked */
    int peeked;
    olx_token prev; /* the last token consumed, for "expected ... after 'x'" */
    const char *prev_s;
    /* Names: those of the book (may be NULL) and of the file so far. */
    const olx_names *scope[2];
    pcre2_compile_context *cctx; /* may be NULL */
    const char *const *reserved; /* words that are not field names; NULL-ended */
    /* Where keys are interned (the book's, which owns the key of every
     * segment it interned); NULL: they are not, and their segments have no
     * key_canon. A file that fails to load leaves its keys there, unused by
     * any segment, until the book is cleared. */
    olx_keys *keys;
    /* Table references seen before their table: resolved by olx_link. */
    struct olx_pending_table *pending;
    size_t npending, cpending;
    int depth;
    int json_calls;      /* json() and time() calls parsed (template only) */
    size_t json_pos;     /* where the last one was */
    const char *json_fn; /* and its name */
    /* The first error: OL_ERULES (err_pos, msg) or OL_ENOMEM. */
    int status;
    size_t err_pos; /* file offset */
    char msg[OL_ERROR_TEXT_LENGTH];
} olx_parser;

void olx_parser_init(olx_parser *p, const char *text, size_t len);
void olx_parser_fini(olx_parser *p);

/* The next token, lexed on first call; olx_next consumes it. */
const olx_token *olx_peek(olx_parser *p);
void olx_next(olx_parser *p);
/* Does the token spell word? */
int olx_token_is(const olx_parser *p, const olx_token *t, const char *word);

/* Record an error at a byte offset of the text being read (first one wins). */
void olx_fail(olx_parser *p, size_t local_pos, const char *fmt, ...) OLP_PRINTF(3, 4);
void olx_fail_oom(olx_parser *p);
/* "expected WHAT after 'previous token'", at the next token. */
void olx_fail_expected(olx_parser *p, const char *what);
/* How a token of the text being read is named in a message ("'x'",
 * "a string", "the end of the file"). */
void olx_describe(const olx_parser *p, const olx_token *t, char *buf, size_t size);
/* File offset of a byte offset of the text being read. */
size_t olx_file_pos(const olx_parser *p, size_t local_pos);

/* A rule-level word, [A-Za-z0-9_.-]+, starting at the next token. Returns
 * its length (0: none there) and its start in *start. */
size_t olx_read_word(olx_parser *p, size_t *start);

/* One or more adjacent string literals, decoded, NUL-terminated; NULL on
 * error (next token not a string, bad escape, no memory). */
char *olx_parse_string(olx_parser *p, size_t *len);

/* A literal: string, integer, true, false, null, or [list of literals]. */
int olx_parse_literal(olx_parser *p, olp_value *out);

olp_expr *olx_parse_expr(olx_parser *p);
/* A path alone ($, @, name, followed by .name [N] [*] [?(EXPR)] ["key"]). */
olp_path *olx_parse_path(olx_parser *p);
/* A template: one or more adjacent string literals holding {EXPR} parts. */
olp_template *olx_parse_template(olx_parser *p);
/* Resolve table references made before their table; 0 or -1 (error set). */
int olx_link(olx_parser *p);

/* ---- building blocks for rulefile.c ------------------------------------- */

olp_path *olx_path_root(void);                          /* $ */
olp_template *olx_template_default_klarna(void);        /* "Bad value: {path}" */
const char *olx_template_source(const olp_template *t); /* as written; "" for NULL */
int olx_path_has_wildcards(const olp_path *p);          /* [*] or [?()] */
int olx_path_has_filters(const olp_path *p);
int olx_is_function(const char *name, size_t len);
const olx_table *olx_find_table(const olx_parser *p, const char *name, size_t len);
const olx_def *olx_find_def(const olx_parser *p, const char *name, size_t len);
/* Sort the entries; a duplicate key (ignoring ASCII case) is an error. */
int olx_table_finish(olx_parser *p, olx_table *t);

void olx_value_free(olp_value *v); /* a literal's storage */
void olx_expr_free(olp_expr *e);
void olx_path_free(olp_path *p);
void olx_template_free(olp_template *t);
void olx_table_free(olx_table *t);
void olx_def_free(olx_def *d);

/* Whether e reads the @ of where it is evaluated (a path from @, or a def
 * that is not constant); @ inside all(), any() and filters is their own. */
int olx_expr_reads_current(const olp_expr *e);
void olx_names_free(olx_names *n); /* the tables and defs, and n's arrays */

/* The integer evaluator of e (for tests): 1 with *out set, or 0, as it
 * answers; -1 when e has none. */
int olx_expr_integer(const olp_expr *e, olp_eval *ev, json_int_t *out);

/* Compile one expression against the names of book (for tests and tools).
 * NULL with err set on a mistake. */
olp_expr *olx_compile_expr(const olp_rulebook *book, const char *text, size_t len,
                           pcre2_compile_context *cctx, ol_error_t *err);

/* Line and column (1-based, columns in code points) of a byte offset. */
void olx_place(const char *text, size_t len, size_t offset, int *line, int *column);

#endif /* OL_EXPR_H */
