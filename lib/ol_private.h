/*
 * ol_private.h: what the modules of liborderlint share. Not installed, not
 * API. Cross-file internals use the olp_ prefix; everything else is static.
 *
 * Modules:
 *   alloc.c     olp_malloc & co., olp_buf, olp_error_set
 *   expr.c      values, paths, expressions, templates (the expression language)
 *   rulefile.c  the rule-file lexer and parser, tables, defs -> olp_rulebook
 *   ruleset.c   ol_ruleset_* (built-in table + added files + disabled ids)
 *   check.c     ol_check_*: reading the text, running the rules over the tree
 *   load.c      the loader: text -> json_t, with every value's offset (olp_doc)
 *   locate.c    line:col of offsets; the depth scanner; the depth of a tree
 *   report.c    ol_report_*: findings, document order, the Klarna body
 *   plan.c      the at paths of all rules merged, walked once per check
 *   builtin_rules.c  (generated from the rules/ files at build time)
 */
#ifndef OL_PRIVATE_H
#define OL_PRIVATE_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdarg.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "orderlint.h"

#if defined(__GNUC__)
#define OLP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define OLP_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define OLP_PRINTF(f, a)
#define OLP_ALWAYS_INLINE inline
#endif

/* ---- alloc.c ------------------------------------------------------------ */

/* Every allocation of the library goes through these (sysalloc.c), so that
 * a test can make them fail. Raw malloc/free are not used in lib/. */
void *olp_malloc(size_t size);
void *olp_calloc(size_t n, size_t size);
void *olp_realloc(void *p, size_t size);
void olp_free(void *p);
char *olp_strdup(const char *s);
char *olp_strndup(const char *s, size_t n);

/* Set err (if non-NULL and not already set). text is printf-formatted. */
void olp_error_set(ol_error_t *err, int code, const char *source, int line, int column,
                   size_t position, const char *fmt, ...) OLP_PRINTF(7, 8);

/* A growable byte buffer, always NUL-terminated when data != NULL. On an
 * allocation failure it sets oom and ignores further appends. */
typedef struct olp_buf {
    char *data;
    size_t len;
    size_t cap;
    int oom;
} olp_buf;

void olp_buf_init(olp_buf *b);
void olp_buf_append(olp_buf *b, const char *s, size_t n);
void olp_buf_puts(olp_buf *b, const char *s);
void olp_buf_printf(olp_buf *b, const char *fmt, ...) OLP_PRINTF(2, 3);
void olp_buf_reset(olp_buf *b); /* len = 0, keeps memory */
char *olp_buf_take(olp_buf *b); /* hand over data (NULL if oom) */
void olp_buf_free(olp_buf *b);

/* Append "/key" to an RFC 6901 pointer (with ~0 and ~1), and ".key" (or
 * "key" first) to a Klarna path. */
void olp_pointer_append_key(olp_buf *b, const char *key);
void olp_path_append_key(olp_buf *b, const char *key);

/* Write code point cp (at most U+10FFFF, not a surrogate) as UTF-8 at
 * out, which has room for 4 bytes; returns how many it wrote. */
size_t olp_utf8_encode(unsigned long cp, char *out);

/* Offset of the first byte of text that is not valid UTF-8 (or is NUL), or
 * len when there is none. */
size_t olp_utf8_invalid_at(const char *text, size_t len);

/* Append s with each byte that is not valid UTF-8 written "?" (text from
 * elsewhere, such as jansson's messages, which quote a token cut short). */
void olp_buf_puts_valid_utf8(olp_buf *b, const char *s);

/* Append s as a JSON string literal (quotes and escapes). */
void olp_buf_json_string(olp_buf *b, const char *s, size_t n);

/* ---- expr.c: values --------------------------------------------------- */

typedef struct olp_expr olp_expr;
typedef struct olp_path olp_path;
typedef struct olp_template olp_template;
typedef struct olp_rulebook olp_rulebook;

typedef enum olp_vtype {
    OLP_V_UNDEF = 0, /* cannot be computed: the rule does not apply */
    OLP_V_OVERFLOW,  /* integer arithmetic left 64 bits */
    OLP_V_ABSENT,    /* a path selected nothing */
    OLP_V_NULL,
    OLP_V_BOOL,
    OLP_V_INT,
    OLP_V_REAL,
    OLP_V_STR,  /* str.s/str.len: borrowed from the tree or the expression */
    OLP_V_JSON, /* an array or object of the tree (json) */
    OLP_V_LIST, /* a literal list of the rule file (list) */
    OLP_V_NODES /* what a wildcard or filter path selects (nodes), lazily */
} olp_vtype;

typedef struct olp_list {
    size_t n;
    struct olp_value *items;
} olp_list;

typedef struct olp_value {
    olp_vtype type;
    union {
        int b;
        json_int_t i;
        double r;
        struct {
            const char *s;
            size_t len;
        } str;
        const json_t *json;
        const olp_list *list;
        struct {
            const olp_path *path;
            const json_t *current; /* the @ the path was evaluated from */
        } nodes;
    } u;
} olp_value;

/* Constant defs whose values a check keeps (the built-in table has about 10). */
#define OLP_DEF_CACHE 64

/* Members a check has looked up, by object and key (a power of two). The
 * built-in table looks up about 1,400 members of a document of ten lines,
 * most of them many times (every line rule reads total_amount), and a
 * jansson lookup hashes the key each time; a slot here compares a pointer.
 * About 300 different members are read. 512 slots (16 KB, on the stack of
 * the check) cost 0.4% more instructions than 1,024 for half the memory,
 * and 256 (8 KB) with a read block of 8 KiB in the command line another
 * 0.4% of a whole run (2,000 documents, 871.7 M to 875.0 M instructions),
 * for the command line's private memory to be no more than before the
 * loader. */
#define OLP_MEMBER_SLOT_BITS 8
#define OLP_MEMBER_SLOTS (1u << OLP_MEMBER_SLOT_BITS)

typedef struct olp_member_slot {
    const json_t *object;
    const char *key;     /* key_canon, else the segment's own key */
    const json_t *value; /* NULL: the object has no such member */
    unsigned int hash, len;
} olp_member_slot;

typedef struct olp_member_cache {
    /* A slot is filled when its bit is set: one check clears 64 bytes, not
     * the whole table. */
    unsigned long long filled[OLP_MEMBER_SLOTS / 64];
    olp_member_slot slots[OLP_MEMBER_SLOTS];
} olp_member_cache;

/* Forget every member (a check starts; a tree it read may be freed). A slot
 * points to the book's key of the segment that filled it: the rules must outlive
 * what the cache holds, as a ruleset outlives its checks. */
void olp_member_cache_clear(olp_member_cache *c);

/* Where an expression is evaluated. The engine fills it; expr.c reads it. */
typedef struct olp_eval {
    const olp_rulebook *book; /* tables and defs */
    const json_t *root;       /* $ */
    const json_t *current;    /* @ */
    const json_t *session;    /* $session, NULL when not given */
    const json_t *authorized; /* $authorized */
    const json_t *order;      /* $order */
    const ol_context *ctx;    /* context(); NULL when none was given */
    ol_kind kind;             /* kind() */
    const char *fields;       /* {fields}, {expected}, {found}: the mismatch event */
    const char *expected;
    const char *found;
    pcre2_match_context *mctx;   /* match limits (shared, read-only) */
    pcre2_general_context *gctx; /* the allocator of match data */
    pcre2_match_data **md;       /* created on first use by expr.c, freed by the engine */
    const char *path;            /* {path}: Klarna path of the reported value */
    const char *pointer;         /* {pointer} */
    const char *detail;          /* {detail}: what a built-in event found */
    int oom;                     /* set by expr.c when an allocation failed */
    int regex_limit;             /* set by expr.c when a match passed a limit */
    /* Set by a walk of an `at` path during a visit at an element where the
     * path's filter passed a regex limit: the rule cannot be checked there,
     * nor under it (olp_path_walk, olp_plan_walk). */
    int filter_limit;
    /* The values of the constant defs (olx_def.constant) on this root, by
     * def index, for the first OLP_DEF_CACHE defs: def_known[i] says whether
     * def_cache[i] holds one (2: one decided past a regex limit, which each
     * use raises again). Cleared with olp_eval_forget when $ changes. */
    olp_value def_cache[OLP_DEF_CACHE];
    unsigned char def_known[OLP_DEF_CACHE];
    /* Members looked up on the trees of this check; NULL: none kept. The
     * trees must not change while it is set. */
    olp_member_cache *members;
    /* The last string len() counted, and its code points: the rules of a
     * length ask twice (len(@) >= 1 && len(@) <= 255), and two rules of one
     * field in turn. Kept only with members (len_s NULL: none), on the
     * same terms: the trees must not change, nor be freed, while it is set. */
    const char *len_s;
    size_t len_n, len_points;
} olp_eval;

/* The root ($) of ev changed: the cached values of defs no longer hold,
 * nor the members looked up, nor the last len() (a tree of before may be
 * gone). */
void olp_eval_forget(olp_eval *ev);

olp_value olp_expr_eval(const olp_expr *e, olp_eval *ev);
/* olp_value_truth(olp_expr_eval(e, ev)), without the copies between. */
int olp_expr_truth(const olp_expr *e, olp_eval *ev);
/* Does the filter of a [?()] segment (NULL: [*]) hold at element? */
int olp_filter_holds(olp_eval *ev, const olp_expr *filter, const json_t *element);

/* Whether evaluating e may read the payload: a path from @ or $, in e or in
 * a def it uses (paths into the context documents do not count; @ inside a
 * filter or a quantifier over them does, to be safe). */
int olp_expr_reads_payload(const olp_expr *e);
int olp_path_reads_payload(const olp_path *p);

/* 1 when v is a true boolean, 0 when false, -1 when undefined (anything
 * else, overflow included), -2 when overflow. */
int olp_value_truth(olp_value v);

/* Append v as message text: integers in decimal, strings raw, arrays and
 * objects as compact JSON, absent as "absent", undefined as "?". */
void olp_value_render(olp_value v, olp_buf *out);

/* ---- expr.c: paths ------------------------------------------------------ */

typedef enum olp_seg_type {
    OLP_SEG_KEY,   /* .name */
    OLP_SEG_INDEX, /* [N] */
    OLP_SEG_WILD,  /* [*] */
    OLP_SEG_FILTER /* [?(expr)] */
} olp_seg_type;

typedef struct olp_seg {
    olp_seg_type type;
    unsigned int key_hash; /* of the key's bytes, for olp_eval.members */
    /* OLP_SEG_KEY: the key, owned unless it is key_canon */
    char *key;
    size_t key_len; /* its length: no strlen at every lookup */
    /* The book's one copy of the key (olx_keys), or NULL: segments of
     * one key share it (key points there too), and a member cache
     * compares it as a pointer. */
    const char *key_canon;
    size_t index;     /* OLP_SEG_INDEX */
    olp_expr *filter; /* OLP_SEG_FILTER */
} olp_seg;

/* Where a path starts: @, $, or a document of the context. */
typedef enum olp_root {
    OLP_ROOT_CURRENT = 0, /* @ */
    OLP_ROOT_PAYLOAD,     /* $ */
    OLP_ROOT_SESSION,     /* $session */
    OLP_ROOT_AUTHORIZED,  /* $authorized */
    OLP_ROOT_ORDER        /* $order */
} olp_root;

struct olp_path {
    int from_root;    /* an olp_root: nonzero when the path is not relative */
    int selects_many; /* a segment is [*] or [?()] */
    size_t nsegs;
    olp_seg *segs;
};

/* One concrete step of a selected value's location. */
typedef struct olp_step {
    const char *key; /* object member name, or NULL for an array index */
    size_t index;
} olp_step;

/* Called for each value a path selects. trail[0..depth) is its location
 * from the root ($); the callback returns nonzero to stop the walk.
 * base_trail/base_depth give the location of ev->current, so that a
 * relative path yields locations from the root. */
typedef int (*olp_visit_fn)(const json_t *value, const olp_step *trail, size_t depth,
                            void *arg);

/* Walk the values p selects. trail storage is provided by the walker (a
 * fixed maximum depth of OLP_MAX_TRAIL; deeper selections are skipped).
 * Returns nonzero if the callback stopped the walk. */
#define OLP_MAX_TRAIL 128
int olp_path_walk(const olp_path *p, olp_eval *ev, const olp_step *base_trail,
                  size_t base_depth, olp_visit_fn fn, void *arg);

/* The slot of ev->members where the member s->key of object would be:
 * the high bits of a multiplicative hash, since the low bits of a product
 * depend only on the low bits of the address. */
static inline size_t olp_member_slot_of(const json_t *object, const olp_seg *s)
{
    return (
        size_t)((((uint64_t)(uintptr_t)object ^ s->key_hash) * 0x9E3779B97F4A7C15ull) >>
                (64 - OLP_MEMBER_SLOT_BITS));
}

/* olp_member when the cache does not hold the member by its interned key:
 * a slot of another key, a key compared byte by byte, no cache. */
const json_t *olp_member_lookup(olp_eval *ev, const json_t *node, const olp_seg *s);

/* Tell the cache of ev that the member s->key of object is value (a
 * lookup, or a walk over the object's members, found it). Keys longer than
 * a slot records are looked up every time. */
static inline void olp_member_remember(olp_eval *ev, const json_t *object,
                                       const olp_seg *s, const json_t *value)
{
    olp_member_cache *c = ev->members;
    olp_member_slot *slot;
    size_t i;

    if (!c || s->key_len > UINT_MAX)
        return;
    i = olp_member_slot_of(object, s);
    slot = &c->slots[i];
    c->filled[i / 64] |= 1ull << (i % 64);
    slot->object = object;
    slot->key = s->key_canon ? s->key_canon : s->key;
    slot->hash = s->key_hash;
    slot->len = (unsigned int)s->key_len;
    slot->value = value;
}

/* The member s->key (s is an OLP_SEG_KEY) of node, through ev->members;
 * NULL when node is no object or has no such member. Inline: a rule reads
 * some 640 members of a document of ten lines, two in three of them found
 * in the cache, where a call would cost more than the lookup. */
static inline const json_t *olp_member(olp_eval *ev, const json_t *node, const olp_seg *s)
{
    if (!json_is_object(node))
        return NULL;
    if (ev->members && s->key_canon) {
        size_t i = olp_member_slot_of(node, s);
        const olp_member_slot *slot = &ev->members->slots[i];
        if ((ev->members->filled[i / 64] & (1ull << (i % 64))) && slot->object == node &&
            slot->key == s->key_canon)
            return slot->value;
    }
    return olp_member_lookup(ev, node, s);
}

/* ---- expr.c: templates -------------------------------------------------- */

/* Render a template ("Bad value: {path}") into out. */
void olp_template_render(const olp_template *t, olp_eval *ev, olp_buf *out);

/* ---- rulefile.c: the parsed rules --------------------------------------- */

typedef enum olp_builtin {
    OLP_BUILTIN_NONE = 0,
    OLP_BUILTIN_SYNTAX,
    OLP_BUILTIN_NUMBER_RANGE,
    OLP_BUILTIN_EMPTY,
    OLP_BUILTIN_NOT_OBJECT,
    OLP_BUILTIN_TOO_LARGE,
    OLP_BUILTIN_TOO_DEEP,
    OLP_BUILTIN_BOM,
    OLP_BUILTIN_DUPLICATE_KEY,
    OLP_BUILTIN_AUTHORIZED_MISMATCH,
    OLP_BUILTIN_REGEX_LIMIT,
    OLP_BUILTIN_COUNT_
} olp_builtin;

typedef struct olp_rule {
    char *id;
    unsigned int kinds;  /* bit (1u << ol_kind) per kind it applies to */
    olp_builtin builtin; /* OLP_BUILTIN_NONE for an ordinary rule */
    olp_path **at;       /* nat paths; at least one ($) for ordinary rules */
    size_t nat;
    olp_expr *when;   /* NULL: always */
    olp_path **needs; /* relative paths; may hold [*] */
    size_t nneeds;
    olp_expr *assertion; /* NULL only for built-in events */
    olp_path *report;    /* relative, no wildcards; NULL means @ */
    ol_severity severity;
    char *code; /* "BAD_VALUE", "BAD_REQUEST", "NOT_FOUND" */
    int http;   /* 400, 404, 409 */
    olp_template *klarna;
    olp_template *message;
    olp_template *hint; /* NULL: none */
    olp_path **compare; /* authorized-mismatch: the paths compared */
    size_t ncompare;
    olp_template *count_message; /* authorized-mismatch: arrays of other lengths */
    char *explain;
    char *file; /* where the rule was defined */
    int line;
    int disabled;      /* set by ol_ruleset_disable */
    ol_rule_info info; /* the public view: points into this rule */
    /* An ordinary rule that reads nothing of the body (only the context and
     * the kind, at $): it is about the request, and runs even when the body
     * cannot be read, so that NOT_FOUND answers before BAD_REQUEST. */
    int about_request;
} olp_rule;

/* The rules, tables and defs of everything loaded into one ruleset. */
struct olp_rulebook {
    olp_rule **rules;
    size_t nrules;
    char **merge_fields; /* objects an update merges member by member */
    size_t nmerge_fields;
    void *names; /* tables and defs: private to rulefile.c/expr.c */
    /* The `at` paths merged (plan.c), rebuilt by ruleset.c after rules are
     * added; NULL before, or when that ran out of memory: a check then
     * walks rule by rule. */
    struct olp_plan *plan;
};

/* Parse rule text and append its rules, tables and defs to book. Names
 * (tables, defs) already in book may be used. On failure (OL_ERULES with
 * file:line:col in err, or OL_ENOMEM) book is left unchanged, but for the
 * keys the text interned (olx_keys), which no segment of the book uses. */
int olp_rulebook_add(olp_rulebook *book, const char *name, const char *text, size_t len,
                     pcre2_compile_context *cctx, ol_error_t *err);

/* Free everything in book (not book itself). */
void olp_rulebook_clear(olp_rulebook *book);

/* ---- check.c ------------------------------------------------------------ */

/* The kinds (1u << ol_kind each) on which an ordinary rule runs: its own
 * when the body is checked alone; over a session the body updates
 * (merged), every kind for the create-session rules, and its own for those
 * not written for the partial body (doc/rule-format.md, "Updates over a
 * session"). */
unsigned int olp_rule_runs_on(const olp_rule *rule, int merged);

/* ---- plan.c: the at paths of all rules, in one tree --------------------- */

typedef struct olp_plan olp_plan;

/* A path of a rule, at the plan's node where it ends. */
typedef struct olp_plan_end {
    const olp_rule *rule;
    size_t rule_index; /* in the book */
    size_t at_index;   /* of its `at` paths */
    /* olp_rule_runs_on(rule, merged) by merged (0, 1); 0 once the rule is
     * disabled */
    unsigned int runs[2];
} olp_plan_end;

/* Do runs, by merged (0 or 1) as olp_plan_end's, hold the kind of
 * kind_bit (1u << kind)? Of a path, and of a node of the plan. */
static inline int olp_runs_on(const unsigned int runs[2], unsigned int kind_bit,
                              int merged)
{
    return (runs[merged] & kind_bit) != 0;
}

/* Does the path run on the kind of kind_bit, merged (1) or not (0)? */
static inline int olp_plan_end_runs(const olp_plan_end *e, unsigned int kind_bit,
                                    int merged)
{
    return olp_runs_on(e->runs, kind_bit, merged);
}

/* What a walk of the plan calls. */
typedef struct olp_plan_visitor {
    /* The check's kind, and whether its body is merged into a session: the
     * rules that run are those olp_rule_runs_on says, and not disabled. */
    ol_kind kind;
    int merged;
    /* The paths ends[0..n) end at value, trail[0..depth) is where it is:
     * one call for them all, as most visits end at once (the rule holds),
     * and a call each would cost more than many of them. Among them are
     * paths of rules that do not run (olp_plan_end_runs says which). Nonzero
     * stops the walk. */
    int (*visit)(void *arg, const olp_plan_end *ends, size_t n, const json_t *value,
                 const olp_step *trail, size_t depth);
    void *arg;
} olp_plan_visitor;

/* The plan of the ordinary rules of book (NULL when out of memory). It
 * points into the book's rules, and is freed before them. */
olp_plan *olp_plan_build(const olp_rulebook *book);
void olp_plan_free(olp_plan *plan);
/* Rules of the book were disabled since the plan was built: the walk
 * leaves out what only they would visit. Configuration, before any check. */
void olp_plan_rules_disabled(olp_plan *plan);

/* Visit every value the at paths of the rules select in the tree root (and,
 * for paths from $session and the like, in those documents). Values of
 * different paths come interleaved; those of one path in the order of
 * olp_path_walk. Returns nonzero when the visitor stopped the walk. */
int olp_plan_walk(const olp_plan *plan, olp_eval *ev, const json_t *root,
                  const olp_plan_visitor *visitor);

/* ---- builtin_rules.c (generated) ----------------------------------------- */

typedef struct olp_embedded_file {
    const char *name; /* "rules/klarna-order.rules" */
    const char *text;
    size_t len;
} olp_embedded_file;

extern const olp_embedded_file olp_builtin_rule_files[];
extern const size_t olp_builtin_rule_file_count;

/* ---- session.c ---------------------------------------------------------- */

/* update merged into session (deep copies; book->merge_fields merge member
 * by member). Both must be objects. Returns 0 or OL_ENOMEM. */
int olp_merge(json_t **out, const olp_rulebook *book, const json_t *session,
              const json_t *update);

/* One difference between the authorized snapshot and a body. */
typedef struct olp_difference {
    char *pointer, *path; /* where, in the body */
    char *expected;      /* the authorized value as JSON, "absent"; a count: its length */
    char *found;         /* the body's */
    int count;           /* two arrays of different lengths */
    size_t seq;          /* order found, the tie-breaker */
    size_t *rank, nrank; /* the pointer's place in the body (olp_pointer_rank) */
} olp_difference;

/* The differences at the paths compared (from the root, no wildcards), in
 * the body's order, count differences last. *out is olp_malloc'ed; free with
 * olp_differences_free. Returns 0 or OL_ENOMEM. */
int olp_compare(const json_t *authorized, const json_t *body, olp_path *const *paths,
                size_t npaths, olp_difference **out, size_t *n);
void olp_differences_free(olp_difference *d, size_t n);

/* ---- ruleset.c ---------------------------------------------------------- */

struct ol_ruleset {
    ol_options opts;
    olp_rulebook book;
    pcre2_general_context *gctx; /* PCRE2 allocates with olp_malloc */
    pcre2_compile_context *cctx;
    pcre2_match_context *mctx;
};

/* ---- load.c ------------------------------------------------------------- */

/* A key that repeats an earlier key of its object. */
typedef struct olp_duplicate {
    char *pointer; /* of the member, owned (olp_free) */
    size_t first;  /* offset of the key's first occurrence */
    size_t offset; /* of this, a later one */
} olp_duplicate;

/* One container of the tree: its children's offsets are slots[start ..
 * start + n) (an object's are key, value, key, value, ...). */
struct olp_doc_entry {
    const json_t *container;
    size_t start;
    size_t n;
};

/* What a doc holds before it allocates: enough for a body of a few KB. */
#define OLP_DOC_LOCAL_SLOTS 256
#define OLP_DOC_LOCAL_LIST 32

/* A text read by olp_load: the tree, and where each of its values and keys
 * starts in the text (byte offsets). Containers are known by address (never
 * scalars: jansson shares true, false and null), their children by index.
 * The table lives as long as the tree (a check's). */
typedef struct olp_doc {
    json_t *root; /* owned */
    size_t root_offset;
    /* olp_json_depth(root), as the loader read it; OLP_DEPTH_UNKNOWN once a
     * repeated key replaced a value, which may have been the deepest */
    size_t container_depth;
    struct olp_doc_entry *list; /* private to load.c */
    size_t nlist, caplist;
    size_t *index; /* made by olp_doc_index */
    size_t icap;
    size_t *slots;
    size_t nslots, capslots;
    olp_duplicate *dups; /* every repeated key, in text order */
    size_t ndups, capdups;
    size_t slots_local[OLP_DOC_LOCAL_SLOTS];
    struct olp_doc_entry list_local[OLP_DOC_LOCAL_LIST];
} olp_doc;

#define OLP_DEPTH_UNKNOWN SIZE_MAX

/* olp_load's failure when the text is not JSON (err says what, and where). */
#define OLP_LOAD_INVALID 1

/* Read text as json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL)
 * would (load.c says how exactly). Returns OL_OK with doc filled in,
 * OLP_LOAD_INVALID with err (if not NULL) set and doc empty, or OL_ENOMEM.
 * Free doc with olp_doc_free either way. */
int olp_load(olp_doc *doc, const char *text, size_t len, json_error_t *err);
/* The same, failing (OLP_LOAD_INVALID, with jansson's code for it,
 * json_error_stack_overflow) past max_depth levels of values (the root is
 * level 1, scalars count), or past jansson's limit if that is lower: the
 * loader recurses once a level, and a check need not read deeper than it
 * will accept. */
int olp_load_within(olp_doc *doc, const char *text, size_t len, size_t max_depth,
                    json_error_t *err);
void olp_doc_init(olp_doc *doc);
void olp_doc_free(olp_doc *doc); /* the tree too */

/* Make the index that olp_doc_element and olp_doc_member need (once; a
 * document whose places are never asked for never pays for it). Returns
 * OL_OK or OL_ENOMEM. */
int olp_doc_index(olp_doc *doc);

/* The offset of element index of an array of doc's tree; 1, or 0 when doc
 * does not know it (or has no index). */
int olp_doc_element(const olp_doc *doc, const json_t *array, size_t index,
                    size_t *offset);
/* The offsets of the key and the value of member index (in the object's
 * order) of an object of doc's tree; either may be NULL. A repeated key's
 * member has its first key's offset and its last value's. 1, or 0. */
int olp_doc_member(const olp_doc *doc, const json_t *object, size_t index,
                   size_t *key_offset, size_t *value_offset);

/* ---- locate.c ----------------------------------------------------------- */

/* A place in the text. */
typedef struct olp_place {
    size_t offset;
    int line;
    int column;
} olp_place;

/* Line and column (1-based, columns in code points) of byte offsets in
 * text. offsets must be sorted ascending; places[i] gets offsets[i]. */
void olp_offsets_to_places(const char *text, size_t len, const size_t *offsets, size_t n,
                           olp_place *places);

/* Offset of the first array or object nested deeper than limit levels (the
 * outermost container is level 1), or 0 when there is none. */
size_t olp_locate_too_deep(const char *text, size_t len, size_t limit);

/* Depth of the deepest nesting of a tree (a scalar is 0, {} is 1), stopping
 * early once past limit. */
size_t olp_json_depth(const json_t *v, size_t limit);

/* Is v nested deeper than limit levels? */
int olp_json_deeper_than(const json_t *v, size_t limit);

/* ---- report.c ----------------------------------------------------------- */

typedef struct olp_finding_in {
    const olp_rule *rule;
    const char *pointer; /* built from the trail */
    const char *path;    /* Klarna's form */
    const char *message;
    const char *klarna;
    const char *hint;
    int has_offset; /* the offset is known already (events) */
    size_t offset;
} olp_finding_in;

ol_report *olp_report_new(size_t max_findings);
/* Copy a finding in. Returns 0, or OL_ENOMEM. Past max_findings it counts
 * the finding as dropped and returns 0. */
int olp_report_add(ol_report *r, const olp_finding_in *f);
/* Sort the findings in document order (tree order of their pointers in
 * root, which may be NULL for a document that was not read) and, when text
 * is given, fill in offset, line and column: from doc, the text as loaded
 * (NULL when it was not), for a finding without an offset of its own; the
 * JSON starts skip bytes into text (after a byte-order mark), where doc's
 * offsets start. root may be another tree than doc's (a session merged
 * with the update): a pointer is placed at what it names in doc's tree, or
 * at its deepest ancestor there. Then choose the Klarna answer. */
int olp_report_finish(ol_report *r, const json_t *root, const char *text, size_t len,
                      size_t skip, olp_doc *doc);
/* The offset of the value an RFC 6901 pointer names in doc's tree (which
 * has its index, olp_doc_index) or, when it names nothing there, of its
 * deepest ancestor that it does name (a field absent from the text stands
 * at its object; with a repeated key, the member is the one jansson keeps,
 * at its last value). */
size_t olp_doc_locate(const olp_doc *doc, const char *pointer);
/* The place of pointer in the tree order of root: the member and element
 * indices down to where it leaves the tree. *rank is olp_malloc'ed (NULL
 * when *n is 0). Returns 0 or OL_ENOMEM. */
int olp_pointer_rank(const json_t *root, const char *pointer, size_t **rank, size_t *n);
/* Compare two rank vectors: tree order, an ancestor before its members. */
int olp_rank_cmp(const size_t *a, size_t na, const size_t *b, size_t nb);

/* Has an error finding been reported at pointer, or inside it? pattern may
 * hold "*" segments matching any one segment. */
/* Whether the report holds an error yet (a quick answer for `needs`). */
int olp_report_has_errors(const ol_report *r);
int olp_report_has_error_under(const ol_report *r, const char *pattern);

#endif /* OL_PRIVATE_H */
