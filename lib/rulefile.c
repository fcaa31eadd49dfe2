/*
 * rulefile.c: reading a rule file (doc/rule-format.md) into an olp_rulebook:
 * rule, table and def entries. Expressions, paths, literals and templates
 * are read by expr.c from the same token stream (ol_expr.h).
 *
 * A file is read completely into a staging area and added to the book only
 * when all of it is right, so that a mistake leaves the book as it was.
 */
#include <stdio.h>
#include <string.h>

#include "ol_expr.h"

/* Words that start a directive or an entry: where a value ends. They are
 * not field names in expressions (a field so named is written @.code). */
static const char *const reserved_words[] = {
    "rule",   "table",   "def",      "kinds",   "at",    "when",   "needs",
    "assert", "report",  "severity", "code",    "http",  "klarna", "message",
    "hint",   "explain", "builtin",  "compare", "merge", NULL,
};

typedef enum directive {
    D_KINDS,
    D_AT,
    D_WHEN,
    D_NEEDS,
    D_ASSERT,
    D_REPORT,
    D_SEVERITY,
    D_CODE,
    D_HTTP,
    D_KLARNA,
    D_MESSAGE,
    D_HINT,
    D_EXPLAIN,
    D_BUILTIN,
    D_COMPARE,
    D_COUNT_MESSAGE,
    D_COUNT
} directive;

static const char *const directive_names[D_COUNT] = {
    "kinds",    "at",      "when",    "needs",         "assert",  "report",
    "severity", "code",    "http",    "klarna",        "message", "hint",
    "explain",  "builtin", "compare", "count-message",
};

static const char *const builtin_names[OLP_BUILTIN_COUNT_] = {
    [OLP_BUILTIN_SYNTAX] = "syntax",
    [OLP_BUILTIN_NUMBER_RANGE] = "number-range",
    [OLP_BUILTIN_EMPTY] = "empty",
    [OLP_BUILTIN_NOT_OBJECT] = "not-object",
    [OLP_BUILTIN_TOO_LARGE] = "too-large",
    [OLP_BUILTIN_TOO_DEEP] = "too-deep",
    [OLP_BUILTIN_BOM] = "bom",
    [OLP_BUILTIN_DUPLICATE_KEY] = "duplicate-key",
    [OLP_BUILTIN_AUTHORIZED_MISMATCH] = "authorized-mismatch",
    [OLP_BUILTIN_REGEX_LIMIT] = "regex-limit",
};

/* A table of this file that replaces a default table of the book. */
typedef struct replacement {
    olx_table *target; /* the book's */
    olx_table *staged; /* this file's: the new entries */
} replacement;

/* The file being read, and what it adds. */
typedef struct loader {
    olx_parser p;
    const olp_rulebook *book;
    const char *name;
    olx_names names;           /* this file's tables and defs */
    replacement *replacements; /* of the book's default tables */
    size_t nreplacements;
    olp_rule **rules;
    size_t nrules, crules;
    char **merge_fields; /* merge fields NAME... */
    size_t nmerge_fields;
    size_t line_pos; /* line counting for rule->line, which only moves forward */
    int line;
} loader;

/* The rule being read. */
typedef struct rule_ctx {
    olp_rule *rule;
    size_t pos;           /* of the word 'rule' */
    size_t seen[D_COUNT]; /* 1 + offset of each directive given, 0 if not */
} rule_ctx;

typedef void (*directive_fn)(loader *l, rule_ctx *rc);

/* ---- small helpers ------------------------------------------------------- */

static int word_is(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(s, word, n) == 0;
}

static int is_reserved_token(loader *l, const olx_token *t)
{
    size_t i;

    for (i = 0; reserved_words[i]; i++) {
        if (olx_token_is(&l->p, t, reserved_words[i]))
            return 1;
    }
    return 0;
}

/* Where one entry ends: the end of the file, or rule / table / def. */
static int at_entry_end(loader *l)
{
    const olx_token *t = olx_peek(&l->p);

    return t->type == OLX_T_EOF || olx_token_is(&l->p, t, "rule") ||
           olx_token_is(&l->p, t, "table") || olx_token_is(&l->p, t, "def") ||
           olx_token_is(&l->p, t, "merge");
}

static void fail_unexpected(loader *l, const char *expected)
{
    const olx_token *t = olx_peek(&l->p);
    char found[48];

    olx_describe(&l->p, t, found, sizeof(found));
    if (t->type == OLX_T_BAD)
        olx_fail(&l->p, t->start, "unexpected character %s", found);
    else if (t->type == OLX_T_UNTERMINATED)
        olx_fail(&l->p, t->start, "unterminated string (a string ends on its line)");
    else
        olx_fail(&l->p, t->start, "%s, found %s", expected, found);
}

static int line_of(loader *l, size_t pos)
{
    if (pos < l->line_pos) {
        l->line_pos = 0;
        l->line = 1;
    }
    for (; l->line_pos < pos; l->line_pos++) {
        if (l->p.file[l->line_pos] == '\n')
            l->line++;
    }
    return l->line;
}

/* A word (kinds, severity, code, builtin): its start and length, 0 if none. */
static size_t expect_word(loader *l, const char *what, size_t *start)
{
    const olx_token *t = olx_peek(&l->p);
    size_t n = 0;

    if (t->type == OLX_T_IDENT && !is_reserved_token(l, t))
        n = olx_read_word(&l->p, start);
    if (n == 0)
        olx_fail_expected(&l->p, what);
    return n;
}

/* Append the size bytes at item to the array whose address is arrayp (a
 * pointer to the pointer to its first element) of *n elements. */
static int append(loader *l, void *arrayp, size_t *n, const void *item, size_t size)
{
    char *array;

    memcpy(&array, arrayp, sizeof(array));
    array = olp_realloc(array, (*n + 1) * size);
    if (!array) {
        olx_fail_oom(&l->p);
        return -1;
    }
    memcpy(array + *n * size, item, size);
    memcpy(arrayp, &array, sizeof(array));
    (*n)++;
    return 0;
}

static int push_path(loader *l, olp_path ***paths, size_t *n, olp_path *path)
{
    if (append(l, paths, n, &path, sizeof(path)) == 0)
        return 0;
    olx_path_free(path);
    return -1;
}

/* ---- directives ------------------------------------------------------------ */

static void parse_kinds(loader *l, rule_ctx *rc)
{
    const unsigned int all = (1u << OL_KIND_COUNT_) - 1;
    size_t start, n;
    int count = 0;

    while (olx_peek(&l->p)->type == OLX_T_IDENT &&
           !is_reserved_token(l, olx_peek(&l->p))) {
        char word[32];
        ol_kind kind;

        n = olx_read_word(&l->p, &start);
        if (word_is(l->p.s + start, n, "all")) {
            rc->rule->kinds |= all;
        } else {
            snprintf(word, sizeof(word), "%.*s", (int)n, l->p.s + start);
            if (n >= sizeof(word) || ol_kind_parse(&kind, word) != OL_OK) {
                olx_fail(&l->p, start, "unknown kind '%.40s'", word);
                return;
            }
            rc->rule->kinds |= 1u << kind;
        }
        count++;
    }
    if (!count)
        olx_fail_expected(&l->p, "a kind (create-session, update-session, ..., or all)");
}

static void parse_at(loader *l, rule_ctx *rc)
{
    olp_rule *r = rc->rule;

    for (;;) {
        olp_path *path = olx_parse_path(&l->p);
        if (!path || push_path(l, &r->at, &r->nat, path) != 0)
            return;
        if (olx_peek(&l->p)->type != OLX_T_COMMA)
            return;
        olx_next(&l->p);
    }
}

static void parse_when(loader *l, rule_ctx *rc)
{
    rc->rule->when = olx_parse_expr(&l->p);
}

static void parse_assert(loader *l, rule_ctx *rc)
{
    rc->rule->assertion = olx_parse_expr(&l->p);
}

static int starts_path(loader *l)
{
    const olx_token *t = olx_peek(&l->p);

    return t->type == OLX_T_DOLLAR || t->type == OLX_T_AT ||
           (t->type == OLX_T_IDENT && !is_reserved_token(l, t));
}

static void parse_needs(loader *l, rule_ctx *rc)
{
    olp_rule *r = rc->rule;

    if (!starts_path(l)) {
        olx_fail_expected(&l->p, "a path");
        return;
    }
    while (starts_path(l)) {
        size_t at = olx_peek(&l->p)->start;
        olp_path *path = olx_parse_path(&l->p);
        if (!path)
            return;
        if (path->from_root || olx_path_has_filters(path)) {
            olx_fail(&l->p, at,
                     "a needs path is relative to the rule's value, without [?()]");
            olx_path_free(path);
            return;
        }
        if (push_path(l, &r->needs, &r->nneeds, path) != 0)
            return;
    }
}

static void parse_report(loader *l, rule_ctx *rc)
{
    size_t at = olx_peek(&l->p)->start;
    olp_path *path = olx_parse_path(&l->p);

    if (!path)
        return;
    if (path->from_root || olx_path_has_wildcards(path)) {
        olx_fail(&l->p, at,
                 "report is one value relative to the rule's value: no $, [*] or [?()]");
        olx_path_free(path);
        return;
    }
    rc->rule->report = path;
}

static void parse_severity(loader *l, rule_ctx *rc)
{
    size_t start, n = expect_word(l, "error or warning", &start);

    if (!n)
        return;
    if (word_is(l->p.s + start, n, "error"))
        rc->rule->severity = OL_SEVERITY_ERROR;
    else if (word_is(l->p.s + start, n, "warning"))
        rc->rule->severity = OL_SEVERITY_WARNING;
    else
        olx_fail(&l->p, start, "unknown severity '%.*s': use error or warning",
                 (int)(n > 40 ? 40 : n), l->p.s + start);
}

/* Klarna's error codes are upper-case words: BAD_VALUE, NOT_FOUND,
 * CAPTURE_NOT_ALLOWED, ... */
static int is_error_code(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > 64 || s[0] < 'A' || s[0] > 'Z')
        return 0;
    for (i = 1; i < n; i++) {
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '_'))
            return 0;
    }
    return 1;
}

static void parse_code(loader *l, rule_ctx *rc)
{
    size_t start, n = expect_word(l, "an error code (BAD_VALUE, NOT_FOUND, ...)", &start);

    if (!n)
        return;
    if (!is_error_code(l->p.s + start, n)) {
        olx_fail(&l->p, start,
                 "code '%.*s': an error code is upper-case letters, digits and '_'",
                 (int)(n > 40 ? 40 : n), l->p.s + start);
        return;
    }
    rc->rule->code = olp_strndup(l->p.s + start, n);
    if (!rc->rule->code)
        olx_fail_oom(&l->p);
}

static void parse_http(loader *l, rule_ctx *rc)
{
    const olx_token *t = olx_peek(&l->p);
    size_t n = t->end - t->start;

    if (t->type != OLX_T_NUMBER) {
        olx_fail_expected(&l->p, "400, 403, 404 or 409");
        return;
    }
    if (word_is(l->p.s + t->start, n, "400"))
        rc->rule->http = 400;
    else if (word_is(l->p.s + t->start, n, "403"))
        rc->rule->http = 403;
    else if (word_is(l->p.s + t->start, n, "404"))
        rc->rule->http = 404;
    else if (word_is(l->p.s + t->start, n, "409"))
        rc->rule->http = 409;
    else {
        olx_fail(&l->p, t->start, "http must be 400, 403, 404 or 409");
        return;
    }
    olx_next(&l->p);
}

static void parse_klarna(loader *l, rule_ctx *rc)
{
    rc->rule->klarna = olx_parse_template(&l->p);
}

static void parse_message(loader *l, rule_ctx *rc)
{
    rc->rule->message = olx_parse_template(&l->p);
}

static void parse_hint(loader *l, rule_ctx *rc)
{
    rc->rule->hint = olx_parse_template(&l->p);
}

static void parse_explain(loader *l, rule_ctx *rc)
{
    rc->rule->explain = olx_parse_string(&l->p, NULL);
}

static void parse_builtin(loader *l, rule_ctx *rc)
{
    size_t start, n = expect_word(l, "the name of a built-in event", &start);
    int i;

    if (!n)
        return;
    for (i = 1; i < OLP_BUILTIN_COUNT_; i++) {
        if (word_is(l->p.s + start, n, builtin_names[i])) {
            rc->rule->builtin = (olp_builtin)i;
            return;
        }
    }
    olx_fail(
        &l->p, start,
        "unknown built-in event '%.*s' (syntax, empty, not-object, too-large, too-deep, "
        "bom, duplicate-key, authorized-mismatch, regex-limit)",
        (int)(n > 30 ? 30 : n), l->p.s + start);
}

/* count-message is one word with a '-', which the expression lexer reads
 * as three tokens: recognised on the text itself. */
static int at_count_message(loader *l, const olx_token *t)
{
    static const char word[] = "count-message";
    size_t n = sizeof(word) - 1, end = t->start + n;

    if (t->type != OLX_T_IDENT || l->p.len - t->start < n ||
        memcmp(l->p.s + t->start, word, n) != 0)
        return 0;
    return end == l->p.len || !(l->p.s[end] == '_' || l->p.s[end] == '-' ||
                                (l->p.s[end] >= 'a' && l->p.s[end] <= 'z') ||
                                (l->p.s[end] >= 'A' && l->p.s[end] <= 'Z') ||
                                (l->p.s[end] >= '0' && l->p.s[end] <= '9'));
}

/* compare PATH...: from the payload's root, each one value. */
static void parse_compare(loader *l, rule_ctx *rc)
{
    olp_rule *r = rc->rule;

    if (!starts_path(l)) {
        olx_fail_expected(&l->p, "a path");
        return;
    }
    while (starts_path(l) && !at_count_message(l, olx_peek(&l->p))) {
        size_t at = olx_peek(&l->p)->start;
        olp_path *path = olx_parse_path(&l->p);
        if (!path)
            return;
        if (path->from_root > OLP_ROOT_PAYLOAD || olx_path_has_wildcards(path)) {
            olx_fail(&l->p, at,
                     "a compare path names one value of the payload: no "
                     "$session, $authorized, $order, [*] or [?()]");
            olx_path_free(path);
            return;
        }
        if (push_path(l, &r->compare, &r->ncompare, path) != 0)
            return;
    }
}

static void parse_count_message(loader *l, rule_ctx *rc)
{
    rc->rule->count_message = olx_parse_template(&l->p);
}

static const directive_fn directive_parsers[D_COUNT] = {
    parse_kinds,   parse_at,      parse_when,     parse_needs,
    parse_assert,  parse_report,  parse_severity, parse_code,
    parse_http,    parse_klarna,  parse_message,  parse_hint,
    parse_explain, parse_builtin, parse_compare,  parse_count_message,
};

/* ---- rules ----------------------------------------------------------------- */

static void rule_free(olp_rule *r)
{
    size_t i;

    if (!r)
        return;
    for (i = 0; i < r->nat; i++)
        olx_path_free(r->at[i]);
    for (i = 0; i < r->nneeds; i++)
        olx_path_free(r->needs[i]);
    for (i = 0; i < r->ncompare; i++)
        olx_path_free(r->compare[i]);
    olp_free(r->at);
    olp_free(r->needs);
    olp_free(r->compare);
    olx_template_free(r->count_message);
    olx_expr_free(r->when);
    olx_expr_free(r->assertion);
    olx_path_free(r->report);
    olx_template_free(r->klarna);
    olx_template_free(r->message);
    olx_template_free(r->hint);
    olp_free(r->id);
    olp_free(r->code);
    olp_free(r->explain);
    olp_free(r->file);
    olp_free(r);
}

static int id_char_ok(char c, int first)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (!first && (c == '.' || c == '-' || c == '_'));
}

static int id_taken(loader *l, const char *id, size_t n)
{
    size_t i;

    for (i = 0; i < l->book->nrules; i++) {
        if (word_is(id, n, l->book->rules[i]->id))
            return 1;
    }
    for (i = 0; i < l->nrules; i++) {
        if (l->rules[i]->id && word_is(id, n, l->rules[i]->id))
            return 1;
    }
    return 0;
}

static void parse_rule_id(loader *l, olp_rule *r)
{
    size_t start, i, n = olx_read_word(&l->p, &start);
    const char *id = l->p.s + start;
    int shown = (int)(n > 40 ? 40 : n);

    if (n == 0) {
        olx_fail(&l->p, start, "expected a rule id after 'rule'");
        return;
    }
    for (i = 0; i < n; i++) {
        if (!id_char_ok(id[i], i == 0)) {
            olx_fail(&l->p, start,
                     "rule id '%.*s': use lower-case letters, digits, '.', '-' and '_'",
                     shown, id);
            return;
        }
    }
    if (id_taken(l, id, n)) {
        olx_fail(&l->p, start, "duplicate rule id '%.*s'", shown, id);
        return;
    }
    r->id = olp_strndup(id, n);
    if (!r->id)
        olx_fail_oom(&l->p);
}

static int directive_of(loader *l, const olx_token *t)
{
    int d;

    if (at_count_message(l, t))
        return D_COUNT_MESSAGE;
    for (d = 0; d < D_COUNT; d++) {
        if (olx_token_is(&l->p, t, directive_names[d]))
            return d;
    }
    return -1;
}

static void parse_directives(loader *l, rule_ctx *rc)
{
    while (!l->p.status && !at_entry_end(l)) {
        const olx_token *t = olx_peek(&l->p);
        int d = directive_of(l, t);

        if (d < 0) {
            if (t->type == OLX_T_IDENT)
                olx_fail(&l->p, t->start, "unknown directive '%.*s' in rule '%s'",
                         (int)(t->end - t->start > 40 ? 40 : t->end - t->start),
                         l->p.s + t->start, rc->rule->id);
            else
                fail_unexpected(l, "expected a directive or an operator");
            return;
        }
        if (rc->seen[d]) {
            olx_fail(&l->p, t->start, "'%s' given twice in rule '%s'", directive_names[d],
                     rc->rule->id);
            return;
        }
        rc->seen[d] = t->start + 1;
        if (d == D_COUNT_MESSAGE) {
            size_t start;
            olx_read_word(&l->p, &start);
        } else {
            olx_next(&l->p);
        }
        directive_parsers[d](l, rc);
    }
}

/* What a built-in event has instead of them. */
static const directive builtin_excludes[] = {D_AT, D_WHEN, D_NEEDS, D_ASSERT, D_REPORT};
static const directive required[] = {D_KINDS, D_ASSERT,  D_SEVERITY,
                                     D_CODE,  D_MESSAGE, D_EXPLAIN};

/* compare and count-message belong to the authorized-mismatch event. */
static void check_mismatch_directives(loader *l, rule_ctx *rc)
{
    int mismatch = rc->rule->builtin == OLP_BUILTIN_AUTHORIZED_MISMATCH;

    if (!mismatch && rc->seen[D_COMPARE])
        olx_fail(&l->p, rc->seen[D_COMPARE] - 1,
                 "'compare' is for the authorized-mismatch event only");
    else if (!mismatch && rc->seen[D_COUNT_MESSAGE])
        olx_fail(&l->p, rc->seen[D_COUNT_MESSAGE] - 1,
                 "'count-message' is for the authorized-mismatch event only");
    else if (mismatch && !rc->seen[D_COMPARE])
        olx_fail(&l->p, rc->pos, "rule '%s' has no compare", rc->rule->id);
}

static int is_locked(olp_builtin b);

static void check_directives(loader *l, rule_ctx *rc)
{
    olp_rule *r = rc->rule;
    size_t i;

    for (i = 0; r->builtin && i < sizeof(builtin_excludes) / sizeof(builtin_excludes[0]);
         i++) {
        directive d = builtin_excludes[i];
        if (rc->seen[d])
            olx_fail(&l->p, rc->seen[d] - 1, "'%s' cannot be used in a builtin rule",
                     directive_names[d]);
    }
    for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
        directive d = required[i];
        if (!rc->seen[d] && !(d == D_ASSERT && r->builtin))
            olx_fail(&l->p, rc->pos, "rule '%s' has no %s", r->id, directive_names[d]);
    }
    check_mismatch_directives(l, rc);
    if (!l->p.status && is_locked(r->builtin) && r->severity != OL_SEVERITY_ERROR)
        olx_fail(&l->p, rc->seen[D_SEVERITY] ? rc->seen[D_SEVERITY] - 1 : rc->pos,
                 "rule '%s' says a body could not be checked: its severity must be error",
                 r->id);
}

/* Does a rule read the body? Its place (at paths other than $, report,
 * needs) or its expressions. */
static int reads_body(const olp_rule *r)
{
    size_t i;

    for (i = 0; i < r->nat; i++) {
        if (r->at[i]->from_root != OLP_ROOT_PAYLOAD || r->at[i]->nsegs)
            return 1;
    }
    return r->report || r->nneeds || olp_expr_reads_payload(r->when) ||
           olp_expr_reads_payload(r->assertion);
}

/* The events that say a body, or a value, could not be checked at all: a
 * configuration may not switch them off, make them warnings or suppress
 * them, since the document would then pass unchecked (ol_rule_info.locked). */
static int is_locked(olp_builtin b)
{
    switch (b) {
    case OLP_BUILTIN_SYNTAX:
    case OLP_BUILTIN_NUMBER_RANGE:
    case OLP_BUILTIN_EMPTY:
    case OLP_BUILTIN_NOT_OBJECT:
    case OLP_BUILTIN_TOO_LARGE:
    case OLP_BUILTIN_TOO_DEEP:
    case OLP_BUILTIN_REGEX_LIMIT:
        return 1;
    default:
        return 0;
    }
}

/* The public view of r (ol_ruleset_rule): borrowed pointers, "" for none. */
static void fill_info(olp_rule *r)
{
    ol_rule_info *info = &r->info;

    info->id = r->id;
    info->severity = r->severity;
    info->enabled = !r->disabled;
    info->kinds = r->kinds;
    info->error_code = r->code;
    info->http_status = r->http;
    info->klarna_message = olx_template_source(r->klarna);
    info->message = olx_template_source(r->message);
    info->hint = olx_template_source(r->hint);
    info->explanation = r->explain ? r->explain : "";
    info->file = r->file;
    info->line = r->line;
    info->locked = is_locked(r->builtin);
}

static void apply_defaults(loader *l, olp_rule *r)
{
    if (!r->http)
        r->http = strcmp(r->code, "NOT_FOUND") == 0 ? 404 : 400;
    if (!r->klarna) {
        r->klarna = olx_template_default_klarna();
        if (!r->klarna)
            olx_fail_oom(&l->p);
    }
    if (!r->builtin && r->nat == 0) {
        olp_path *root = olx_path_root();
        if (!root)
            olx_fail_oom(&l->p);
        else
            push_path(l, &r->at, &r->nat, root);
    }
    r->about_request = !r->builtin && !reads_body(r);
    if (!l->p.status)
        fill_info(r);
}

static void parse_rule(loader *l)
{
    rule_ctx rc;

    memset(&rc, 0, sizeof(rc));
    rc.pos = olx_peek(&l->p)->start;
    olx_next(&l->p); /* rule */
    rc.rule = olp_calloc(1, sizeof(*rc.rule));
    if (!rc.rule) {
        olx_fail_oom(&l->p);
        return;
    }
    /* Staged at once, so that it is freed with the others on a mistake. */
    if (append(l, &l->rules, &l->nrules, &rc.rule, sizeof(rc.rule)) != 0) {
        olp_free(rc.rule);
        return;
    }
    rc.rule->line = line_of(l, rc.pos);
    rc.rule->file = olp_strdup(l->name);
    if (!rc.rule->file)
        olx_fail_oom(&l->p);
    parse_rule_id(l, rc.rule);
    if (l->p.status)
        return;
    parse_directives(l, &rc);
    if (!l->p.status)
        check_directives(l, &rc);
    if (!l->p.status)
        apply_defaults(l, rc.rule);
}

/* ---- tables and defs ----------------------------------------------------- */

/* A new table or def name: an identifier not yet taken. */
static int parse_new_name(loader *l, const char *what, olx_token *name)
{
    const olx_token *t = olx_peek(&l->p);
    size_t n = t->end - t->start;
    int shown = (int)(n > 40 ? 40 : n);
    const char *s = l->p.s + t->start;

    if (t->type != OLX_T_IDENT) {
        olx_fail_expected(&l->p, what);
        return -1;
    }
    if (is_reserved_token(l, t) || word_is(s, n, "true") || word_is(s, n, "false") ||
        word_is(s, n, "null")) {
        olx_fail(&l->p, t->start, "'%.*s' is a reserved word", shown, s);
        return -1;
    }
    if (olx_is_function(s, n)) {
        olx_fail(&l->p, t->start, "'%.*s' is a built-in function", shown, s);
        return -1;
    }
    if (olx_find_table(&l->p, s, n) || olx_find_def(&l->p, s, n)) {
        olx_fail(&l->p, t->start, "'%.*s' is already defined", shown, s);
        return -1;
    }
    *name = *t;
    olx_next(&l->p);
    return 0;
}

static int table_push(loader *l, olx_table *t, const olx_entry *e)
{
    olx_entry *entries = olp_realloc(t->entries, (t->n + 1) * sizeof(*entries));

    if (!entries) {
        olx_fail_oom(&l->p);
        return -1;
    }
    t->entries = entries;
    t->entries[t->n++] = *e;
    return 0;
}

/* KEY: LITERAL, the key a name or a string. */
static int parse_entry(loader *l, olx_table *t)
{
    const olx_token *k = olx_peek(&l->p);
    olx_entry e;

    memset(&e, 0, sizeof(e));
    e.pos = olx_file_pos(&l->p, k->start);
    if (k->type == OLX_T_IDENT) {
        e.keylen = k->end - k->start;
        e.key = olp_strndup(l->p.s + k->start, e.keylen);
        if (!e.key)
            olx_fail_oom(&l->p);
        olx_next(&l->p);
    } else if (k->type == OLX_T_STRING) {
        e.key = olx_parse_string(&l->p, &e.keylen);
    } else {
        olx_fail_expected(&l->p, "a key (a name or a string)");
    }
    if (!e.key)
        return -1;
    if (olx_peek(&l->p)->type != OLX_T_COLON) {
        olx_fail_expected(&l->p, "':'");
    } else {
        olx_next(&l->p);
        if (olx_parse_literal(&l->p, &e.value) == 0 && table_push(l, t, &e) == 0)
            return 0;
    }
    olp_free(e.key);
    olx_value_free(&e.value);
    return -1;
}

static int parse_entries(loader *l, olx_table *t)
{
    if (olx_peek(&l->p)->type != OLX_T_LBRACE) {
        olx_fail_expected(&l->p, "'{'");
        return -1;
    }
    olx_next(&l->p);
    while (olx_peek(&l->p)->type != OLX_T_RBRACE) {
        if (parse_entry(l, t) != 0)
            return -1;
        if (olx_peek(&l->p)->type == OLX_T_COMMA) {
            olx_next(&l->p);
        } else if (olx_peek(&l->p)->type != OLX_T_RBRACE) {
            olx_fail_expected(&l->p, "',' or '}'");
            return -1;
        }
    }
    olx_next(&l->p);
    return 0;
}

/* The book's default table of that name, when this file may replace it
 * (CONTRACT: a file replaces a default table once, by defining it again). */
static olx_table *replaceable_table(loader *l, const olx_token *t)
{
    const olx_names *book = l->book->names;
    size_t i, n = t->end - t->start;

    for (i = 0; book && i < book->ntables; i++) {
        olx_table *bt = book->tables[i];
        if (strlen(bt->name) == n && memcmp(bt->name, l->p.s + t->start, n) == 0)
            return bt->is_default && !bt->replaced ? bt : NULL;
    }
    return NULL;
}

/* A second table of the same name in this file, replacing the same default. */
static int replaced_twice(loader *l, const olx_table *target, const olx_token *t)
{
    size_t i;

    for (i = 0; i < l->nreplacements; i++) {
        if (l->replacements[i].target == target) {
            olx_fail(&l->p, t->start, "'%s' is already defined", target->name);
            return 1;
        }
    }
    return 0;
}

/* table NAME [default] { KEY: LITERAL, ... } */
static void parse_table(loader *l)
{
    olx_token name;
    olx_table *t, *target;

    olx_next(&l->p); /* table */
    target = replaceable_table(l, olx_peek(&l->p));
    if (target) {
        name = *olx_peek(&l->p);
        if (replaced_twice(l, target, &name))
            return;
        olx_next(&l->p);
    } else if (parse_new_name(l, "a table name", &name) != 0) {
        return;
    }
    t = olp_calloc(1, sizeof(*t));
    if (t)
        t->name = olp_strndup(l->p.s + name.start, name.end - name.start);
    if (!t || !t->name) {
        olx_fail_oom(&l->p);
        olx_table_free(t);
        return;
    }
    if (!target && olx_token_is(&l->p, olx_peek(&l->p), "default")) {
        t->is_default = 1;
        olx_next(&l->p);
    }
    if (parse_entries(l, t) != 0 || olx_table_finish(&l->p, t) != 0) {
        olx_table_free(t);
        return;
    }
    if (!target) {
        if (append(l, &l->names.tables, &l->names.ntables, &t, sizeof(t)) != 0)
            olx_table_free(t);
        return;
    }
    {
        replacement r = {target, t};
        if (append(l, &l->replacements, &l->nreplacements, &r, sizeof(r)) != 0)
            olx_table_free(t);
    }
}

static void parse_def(loader *l)
{
    olx_token name;
    olx_def *d;

    olx_next(&l->p); /* def */
    if (parse_new_name(l, "a def name", &name) != 0)
        return;
    if (olx_peek(&l->p)->type != OLX_T_ASSIGN) {
        olx_fail_expected(&l->p, "'='");
        return;
    }
    olx_next(&l->p);
    d = olp_calloc(1, sizeof(*d));
    if (d)
        d->name = olp_strndup(l->p.s + name.start, name.end - name.start);
    if (!d || !d->name) {
        olx_fail_oom(&l->p);
        olx_def_free(d);
        return;
    }
    /* Added after its body: a def cannot use itself. */
    d->expr = olx_parse_expr(&l->p);
    if (d->expr)
        d->constant = !olx_expr_reads_current(d->expr);
    if (!d->expr || append(l, &l->names.defs, &l->names.ndefs, &d, sizeof(d)) != 0)
        olx_def_free(d);
}

/* merge fields NAME...: the objects an update merges member by member. */
static void parse_merge(loader *l)
{
    size_t start, n;
    int count = 0;

    olx_next(&l->p); /* merge */
    if (!olx_token_is(&l->p, olx_peek(&l->p), "fields")) {
        olx_fail_expected(&l->p, "'fields'");
        return;
    }
    olx_next(&l->p);
    while (!l->p.status && !at_entry_end(l)) {
        char *name;
        n = expect_word(l, "a field name", &start);
        if (!n)
            return;
        name = olp_strndup(l->p.s + start, n);
        if (!name ||
            append(l, &l->merge_fields, &l->nmerge_fields, &name, sizeof(name)) != 0) {
            olp_free(name);
            olx_fail_oom(&l->p);
            return;
        }
        count++;
    }
    if (!count && !l->p.status)
        olx_fail_expected(&l->p, "a field name");
}

/* ---- the file -------------------------------------------------------------- */

static void parse_file(loader *l)
{
    size_t bad = olp_utf8_invalid_at(l->p.s, l->p.len);

    if (bad < l->p.len) {
        olx_fail(&l->p, bad, "%s",
                 l->p.s[bad] ? "the file is not valid UTF-8 text"
                             : "the file holds a NUL byte");
        return;
    }
    while (!l->p.status) {
        const olx_token *t = olx_peek(&l->p);
        if (t->type == OLX_T_EOF)
            break;
        if (olx_token_is(&l->p, t, "rule"))
            parse_rule(l);
        else if (olx_token_is(&l->p, t, "table"))
            parse_table(l);
        else if (olx_token_is(&l->p, t, "def"))
            parse_def(l);
        else if (olx_token_is(&l->p, t, "merge"))
            parse_merge(l);
        else
            fail_unexpected(l, "expected 'rule', 'table', 'def' or 'merge'");
    }
    if (!l->p.status)
        olx_link(&l->p);
}

static void loader_free(loader *l)
{
    size_t i;

    for (i = 0; i < l->nrules; i++)
        rule_free(l->rules[i]);
    olp_free(l->rules);
    for (i = 0; i < l->nmerge_fields; i++)
        olp_free(l->merge_fields[i]);
    olp_free(l->merge_fields);
    for (i = 0; i < l->nreplacements; i++)
        olx_table_free(l->replacements[i].staged);
    olp_free(l->replacements);
    olx_names_free(&l->names);
    olx_parser_fini(&l->p);
}

/* Give the default tables this file replaces their new entries. The rules
 * hold pointers to those tables, so the entries move, not the tables; the
 * old entries go with the loader. Cannot fail. */
static void replace_tables(loader *l)
{
    size_t i;

    for (i = 0; i < l->nreplacements; i++) {
        olx_table *book = l->replacements[i].target, *file = l->replacements[i].staged;
        olx_entry *entries = book->entries;
        size_t n = book->n;

        book->entries = file->entries;
        book->n = file->n;
        book->replaced = 1;
        file->entries = entries;
        file->n = n;
    }
}

/* Hand the staged rules, tables and defs to the book: room first, so that
 * nothing can fail half-way. */
static int commit(loader *l, olp_rulebook *book)
{
    size_t i;
    olx_names *names = book->names;
    olp_rule **rules;
    olx_table **tables;
    olx_def **defs;
    char **merge;

    if (!names) {
        names = olp_calloc(1, sizeof(*names));
        if (!names)
            return OL_ENOMEM;
        book->names = names;
    }
    rules = olp_realloc(book->rules, (book->nrules + l->nrules) * sizeof(*rules));
    if (!rules)
        return OL_ENOMEM;
    book->rules = rules;
    tables =
        olp_realloc(names->tables, (names->ntables + l->names.ntables) * sizeof(*tables));
    if (!tables)
        return OL_ENOMEM;
    names->tables = tables;
    defs = olp_realloc(names->defs, (names->ndefs + l->names.ndefs) * sizeof(*defs));
    if (!defs)
        return OL_ENOMEM;
    names->defs = defs;
    merge = olp_realloc(book->merge_fields,
                        (book->nmerge_fields + l->nmerge_fields) * sizeof(*merge));
    if (!merge)
        return OL_ENOMEM;
    book->merge_fields = merge;
    if (l->nmerge_fields)
        memcpy(book->merge_fields + book->nmerge_fields, l->merge_fields,
               l->nmerge_fields * sizeof(*merge));
    book->nmerge_fields += l->nmerge_fields;
    l->nmerge_fields = 0;
    /* (memcpy may not be given NULL, even for no bytes) */
    if (l->nrules)
        memcpy(book->rules + book->nrules, l->rules, l->nrules * sizeof(*l->rules));
    book->nrules += l->nrules;
    if (l->names.ntables)
        memcpy(names->tables + names->ntables, l->names.tables,
               l->names.ntables * sizeof(*names->tables));
    names->ntables += l->names.ntables;
    for (i = 0; i < l->names.ndefs; i++)
        l->names.defs[i]->index = names->ndefs + i;
    if (l->names.ndefs)
        memcpy(names->defs + names->ndefs, l->names.defs,
               l->names.ndefs * sizeof(*names->defs));
    names->ndefs += l->names.ndefs;
    l->nrules = l->names.ntables = l->names.ndefs = 0;
    replace_tables(l);
    return OL_OK;
}

int olp_rulebook_add(olp_rulebook *book, const char *name, const char *text, size_t len,
                     pcre2_compile_context *cctx, ol_error_t *err)
{
    loader l;
    int rc, line, col, created = 0;

    if (!book || (!text && len)) {
        olp_error_set(err, OL_EINVAL, name, 0, 0, 0, "olp_rulebook_add: bad argument");
        return OL_EINVAL;
    }
    memset(&l, 0, sizeof(l));
    olx_parser_init(&l.p, text ? text : "", len);
    if (!book->names) {
        book->names = olp_calloc(1, sizeof(olx_names));
        if (!book->names) {
            olp_error_set(err, OL_ENOMEM, name, 0, 0, 0, "out of memory");
            return OL_ENOMEM;
        }
        created = 1;
    }
    l.p.keys = &((olx_names *)book->names)->keys;
    l.p.scope[0] = book->names;
    l.p.scope[1] = &l.names;
    l.p.cctx = cctx;
    l.p.reserved = reserved_words;
    l.book = book;
    l.name = name ? name : "<rules>";
    l.line = 1;
    parse_file(&l);
    rc = l.p.status;
    if (rc == OL_ERULES) {
        olx_place(l.p.file, l.p.file_len, l.p.err_pos, &line, &col);
        olp_error_set(err, OL_ERULES, l.name, line, col, l.p.err_pos, "%s", l.p.msg);
    } else if (rc == OL_OK) {
        rc = commit(&l, book);
    }
    if (rc == OL_ENOMEM)
        olp_error_set(err, OL_ENOMEM, l.name, 0, 0, 0, "out of memory");
    loader_free(&l);
    if (rc != OL_OK && created) {
        olx_names_free(book->names);
        olp_free(book->names);
        book->names = NULL;
    }
    return rc;
}

void olp_rulebook_clear(olp_rulebook *book)
{
    size_t i;

    if (!book)
        return;
    olp_plan_free(book->plan);
    book->plan = NULL;
    for (i = 0; i < book->nrules; i++)
        rule_free(book->rules[i]);
    olp_free(book->rules);
    for (i = 0; i < book->nmerge_fields; i++)
        olp_free(book->merge_fields[i]);
    olp_free(book->merge_fields);
    book->merge_fields = NULL;
    book->nmerge_fields = 0;
    olx_names_free(book->names);
    olp_free(book->names);
    book->rules = NULL;
    book->nrules = 0;
    book->names = NULL;
}
