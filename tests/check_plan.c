/*
 * check_plan.c: the plan (lib/plan.c, one walk for all rules) against the
 * walk rule by rule it replaces, on every input of the corpus: the same
 * findings, in the same order, with the same words and places.
 *
 * The corpus says what the answers are (corpus_run); this says that the two
 * ways of getting them agree, including where the order matters: `needs`,
 * which sees only the errors of earlier rules, and max_findings, which
 * keeps the first findings offered.
 */
#define _XOPEN_SOURCE 700

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_ol.h"
#include "ol_private.h"

#ifndef OL_CORPUS_DIR
#error "OL_CORPUS_DIR: the corpus directory, set by tests/Makefile.am"
#endif

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    size_t n = 0, cap = 0, got;

    if (!f)
        return NULL;
    do {
        if (n + 4096 > cap) {
            cap = cap ? cap * 2 : 8192;
            data = realloc(data, cap);
            ck_assert_ptr_nonnull(data);
        }
        got = fread(data + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *len = n;
    return data;
}

/* A document of the case beside its input, or NULL. */
static json_t *sibling_json(const char *input, const char *name)
{
    char path[4096];
    const char *slash = strrchr(input, '/');
    json_error_t jerr;

    snprintf(path, sizeof path, "%.*s/%s", (int)(slash - input), input, name);
    return json_load_file(path, 0, &jerr);
}

static ol_kind case_kind(const char *input)
{
    char path[4096], word[64] = "";
    const char *slash = strrchr(input, '/');
    FILE *f;
    ol_kind kind = OL_KIND_CREATE_SESSION;

    snprintf(path, sizeof path, "%.*s/kind", (int)(slash - input), input);
    f = fopen(path, "r");
    if (f && fscanf(f, "%63s", word) == 1)
        ck_assert_int_eq(ol_kind_parse(&kind, word), OL_OK);
    if (f)
        fclose(f);
    return kind;
}

static void same_finding(const char *input, size_t i, const ol_finding *a,
                         const ol_finding *b)
{
    ck_assert_msg(strcmp(a->rule, b->rule) == 0, "%s: finding %zu: rule %s, %s", input, i,
                  a->rule, b->rule);
    ck_assert_str_eq(a->pointer, b->pointer);
    ck_assert_str_eq(a->path, b->path);
    ck_assert_str_eq(a->message, b->message);
    ck_assert_str_eq(a->hint, b->hint);
    ck_assert_str_eq(a->klarna_message, b->klarna_message);
    ck_assert_str_eq(a->error_code, b->error_code);
    ck_assert_int_eq(a->severity, b->severity);
    ck_assert_int_eq(a->line, b->line);
    ck_assert_int_eq(a->column, b->column);
    ck_assert_uint_eq(a->offset, b->offset);
}

static void same_report(const char *input, const ol_report *a, const ol_report *b)
{
    size_t i;

    ck_assert_msg(ol_report_count(a) == ol_report_count(b), "%s: %zu findings, %zu",
                  input, ol_report_count(a), ol_report_count(b));
    ck_assert_int_eq(ol_report_valid(a), ol_report_valid(b));
    ck_assert_uint_eq(ol_report_dropped(a), ol_report_dropped(b));
    for (i = 0; i < ol_report_count(a); i++)
        same_finding(input, i, ol_report_get(a, i), ol_report_get(b, i));
}

/* The rulesets of one comparison: with the plan, and without. */
typedef struct pair {
    ol_ruleset *planned, *rule_by_rule;
    size_t inputs, findings;
} pair;

static pair pairs[2]; /* [0]: the default limits; [1]: max_findings 3 */

static void compare_on(pair *p, const char *input, const char *text, size_t len)
{
    ol_context ctx;
    ol_report *a = NULL, *b = NULL;
    ol_error_t err = OL_ERROR_INIT;
    json_t *session = sibling_json(input, "session.json");
    json_t *authorized = sibling_json(input, "authorized.json");
    json_t *order = sibling_json(input, "order.json");
    ol_kind kind = case_kind(input);

    memset(&ctx, 0, sizeof ctx);
    ctx.version = OL_CONTEXT_VERSION;
    ctx.session = json_is_object(session) ? session : NULL;
    ctx.authorized = json_is_object(authorized) ? authorized : NULL;
    ctx.order = json_is_object(order) ? order : NULL;
    ck_assert_int_eq(ol_check_buffer(&a, p->planned, kind, text, len, &ctx, &err), OL_OK);
    ck_assert_int_eq(ol_check_buffer(&b, p->rule_by_rule, kind, text, len, &ctx, &err),
                     OL_OK);
    same_report(input, a, b);
    p->inputs++;
    p->findings += ol_report_count(a);
    ol_report_free(a);
    ol_report_free(b);
    json_decref(session);
    json_decref(authorized);
    json_decref(order);
}

static int each_input(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    size_t len = 0;
    char *text;
    const char *base = path + ftw->base;

    (void)st;
    if (type != FTW_F || strcmp(base, "input.json") != 0)
        return 0;
    text = slurp(path, &len);
    ck_assert_msg(text != NULL, "%s: cannot be read", path);
    compare_on(&pairs[0], path, text, len);
    compare_on(&pairs[1], path, text, len);
    free(text);
    return 0;
}

static ol_ruleset *ruleset(size_t max_findings, int planned)
{
    ol_options opts = OL_OPTIONS_INIT;
    ol_error_t err = OL_ERROR_INIT;
    ol_ruleset *rs = NULL;

    if (max_findings)
        opts.max_findings = max_findings;
    ck_assert_int_eq(ol_ruleset_new(&rs, &opts, &err), OL_OK);
    ck_assert_ptr_nonnull(rs->book.plan);
    if (!planned) {
        olp_plan_free(rs->book.plan);
        rs->book.plan = NULL;
    }
    return rs;
}

START_TEST(test_plan_agrees_with_rule_by_rule_on_the_corpus)
{
    size_t i;

    pairs[0].planned = ruleset(0, 1);
    pairs[0].rule_by_rule = ruleset(0, 0);
    pairs[1].planned = ruleset(3, 1);
    pairs[1].rule_by_rule = ruleset(3, 0);
    ck_assert_int_eq(nftw(OL_CORPUS_DIR, each_input, 16, FTW_PHYS), 0);
    /* the corpus is there, and broken documents are among it */
    ck_assert_uint_ge(pairs[0].inputs, 500);
    ck_assert_uint_ge(pairs[0].findings, 400);
    for (i = 0; i < 2; i++) {
        ol_ruleset_free(pairs[i].planned);
        ol_ruleset_free(pairs[i].rule_by_rule);
    }
}
END_TEST

/* Rules whose failures interleave in the walk: two paths of one rule, the
 * second before the first in the document, and a rule that needs what an
 * earlier rule with another path reports. */
START_TEST(test_plan_keeps_rule_order)
{
    static const char text[] =
        "rule t.b kinds all at z, a assert is_int(@) severity error code BAD_VALUE\n"
        "  message \"not an integer\" explain \"x\"\n"
        "rule t.lines kinds all at lines[*].q assert @ >= 0 severity error code "
        "BAD_VALUE\n"
        "  message \"negative\" explain \"x\"\n"
        "rule t.total kinds all at lines[*] needs q assert t == q\n"
        "  report t severity error code BAD_VALUE message \"total\" explain \"x\"\n";
    static const char doc[] =
        "{\"a\": \"1\", \"z\": \"2\", \"lines\": [{\"q\": -1, \"t\": 5}, {\"q\": 2, "
        "\"t\": 3}]}";
    ol_options opts = OL_OPTIONS_INIT;
    ol_error_t err = OL_ERROR_INIT;
    ol_ruleset *rs[2];
    ol_report *r[2];
    int i;

    opts.no_builtin_rules = 1;
    for (i = 0; i < 2; i++) {
        ck_assert_int_eq(ol_ruleset_new(&rs[i], &opts, &err), OL_OK);
        ck_assert_int_eq(
            ol_ruleset_add_buffer(rs[i], "t.rules", text, strlen(text), &err), OL_OK);
        ck_assert_ptr_nonnull(rs[i]->book.plan);
    }
    olp_plan_free(rs[1]->book.plan);
    rs[1]->book.plan = NULL;
    for (i = 0; i < 2; i++)
        ck_assert_int_eq(ol_check_buffer(&r[i], rs[i], OL_KIND_CREATE_SESSION, doc,
                                         strlen(doc), NULL, &err),
                         OL_OK);
    same_report("keeps rule order", r[0], r[1]);
    /* a, z, the negative q of line 0, and the total of line 1 only: line 0's
     * total needs its q, which t.lines reported */
    ck_assert_uint_eq(ol_report_count(r[0]), 4);
    ck_assert_str_eq(ol_report_get(r[0], 0)->pointer, "/a");
    ck_assert_str_eq(ol_report_get(r[0], 1)->pointer, "/z");
    ck_assert_str_eq(ol_report_get(r[0], 2)->pointer, "/lines/0/q");
    ck_assert_str_eq(ol_report_get(r[0], 3)->pointer, "/lines/1/t");
    for (i = 0; i < 2; i++) {
        ol_report_free(r[i]);
        ol_ruleset_free(rs[i]);
    }
}
END_TEST

/* A ruleset of the text alone, with the plan or without. */
static ol_ruleset *ruleset_of(const char *text, int planned)
{
    ol_options opts = OL_OPTIONS_INIT;
    ol_error_t err = OL_ERROR_INIT;
    ol_ruleset *rs = NULL;

    opts.no_builtin_rules = 1;
    ck_assert_int_eq(ol_ruleset_new(&rs, &opts, &err), OL_OK);
    ck_assert_msg(ol_ruleset_add_buffer(rs, "t.rules", text, strlen(text), &err) == OL_OK,
                  "%d:%d: %s", err.line, err.column, err.text);
    ck_assert_ptr_nonnull(rs->book.plan);
    if (!planned) {
        olp_plan_free(rs->book.plan);
        rs->book.plan = NULL;
    }
    return rs;
}

/* Both ways give the same report, whose findings are at these pointers
 * (document order), by these rules. */
static void agree_on(const char *rules, const char *doc, const char *const *want)
{
    ol_ruleset *rs[2] = {ruleset_of(rules, 1), ruleset_of(rules, 0)};
    ol_report *r[2];
    ol_error_t err = OL_ERROR_INIT;
    size_t i, n = 0;
    int k;

    for (k = 0; k < 2; k++)
        ck_assert_int_eq(ol_check_buffer(&r[k], rs[k], OL_KIND_CREATE_SESSION, doc,
                                         strlen(doc), NULL, &err),
                         OL_OK);
    same_report(doc, r[0], r[1]);
    while (want[n])
        n++;
    ck_assert_uint_eq(ol_report_count(r[0]), n / 2);
    for (i = 0; i < n / 2; i++) {
        const ol_finding *f = ol_report_get(r[0], i);
        ck_assert_str_eq(f->pointer, want[2 * i]);
        ck_assert_str_eq(f->rule, want[2 * i + 1]);
    }
    for (k = 0; k < 2; k++) {
        ol_report_free(r[k]);
        ol_ruleset_free(rs[k]);
    }
}

#define REGEX_LIMIT_RULE                                                                 \
    "rule doc.regex-limit kinds all builtin regex-limit severity error code BAD_VALUE\n" \
    "  message \"limit: {detail}\" explain \"x\"\n"                                      \
    "def bad = matches($.s, \"^(a+)+$\")\n"
#define CATASTROPHIC "\"s\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\""

/* A constant def decided past a regex limit says so to every rule that
 * uses it, not only to the first to evaluate it: the plan evaluates in
 * another order than rule by rule. */
START_TEST(test_plan_regex_limit_in_a_def)
{
    static const char *const both[] = {"/a", "doc.regex-limit", "/a/b", "doc.regex-limit",
                                       NULL};
    static const char *const needs[] = {"/a/x", "t.x", "/a/b", "doc.regex-limit", NULL};

    agree_on(REGEX_LIMIT_RULE
             "rule t.first kinds all at a.b assert bad() ?? true severity error\n"
             "  code BAD_VALUE message \"first\" explain \"x\"\n"
             "rule t.second kinds all at a assert bad() ?? true severity error\n"
             "  code BAD_VALUE message \"second\" explain \"x\"\n",
             "{" CATASTROPHIC ", \"a\": {\"b\": 1}}", both);
    /* ... asked for its truth (truth_def_node), not its value */
    agree_on(REGEX_LIMIT_RULE
             "rule t.first kinds all at a.b assert bad() || true severity error\n"
             "  code BAD_VALUE message \"first\" explain \"x\"\n"
             "rule t.second kinds all at a assert bad() || true severity error\n"
             "  code BAD_VALUE message \"second\" explain \"x\"\n",
             "{" CATASTROPHIC ", \"a\": {\"b\": 1}}", both);
    /* t.second needs x, which t.x reported: it is skipped, and the limit its
     * evaluation met is t.third's too */
    agree_on(REGEX_LIMIT_RULE
             "rule t.x kinds all at a.x assert is_int(@) severity error code BAD_VALUE\n"
             "  message \"x\" explain \"x\"\n"
             "rule t.second kinds all at a needs x assert bad() ?? true severity error\n"
             "  code BAD_VALUE message \"second\" explain \"x\"\n"
             "rule t.third kinds all at a.b assert bad() ?? true severity error\n"
             "  code BAD_VALUE message \"third\" explain \"x\"\n",
             "{" CATASTROPHIC ", \"a\": {\"x\": \"no\", \"b\": 1}}", needs);
}
END_TEST

/* A filter of an `at` path that passes a regex limit at an element cannot
 * say whether the rule applies there: doc.regex-limit for the rule, at the
 * element, however deep the path goes on (before, the element was left
 * out, and the document could pass unchecked). */
START_TEST(test_plan_regex_limit_in_a_filter)
{
    static const char *const in_def[] = {"/a/x", "doc.regex-limit", "/b/c",
                                         "doc.regex-limit", NULL};
    static const char *const deep[] = {"/lines/0", "doc.regex-limit", "/lines/2/q", "t.q",
                                       NULL};

    agree_on(REGEX_LIMIT_RULE
             "rule t.zero kinds all at a.x assert true severity error code BAD_VALUE\n"
             "  message \"zero\" explain \"x\"\n"
             "rule t.first kinds all at b.c assert bad() ?? true severity error\n"
             "  code BAD_VALUE message \"first\" explain \"x\"\n"
             "rule t.second kinds all at a[?(bad() ?? true)] assert true severity error\n"
             "  code BAD_VALUE message \"second\" explain \"x\"\n",
             "{" CATASTROPHIC ", \"a\": {\"x\": 1}, \"b\": {\"c\": 1}}", in_def);
    agree_on(
        REGEX_LIMIT_RULE
        "rule t.q kinds all at lines[?(matches(@.n, \"^(a+)+$\") || @.n == \"y\")].q\n"
        "  needs q assert @ >= 0 severity error code BAD_VALUE message \"q\"\n"
        "  explain \"x\"\n",
        "{\"lines\": [{\"n\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\", \"q\": -1},"
        " {\"n\": \"x\", \"q\": -2}, {\"n\": \"y\", \"q\": -3}]}",
        deep);
}
END_TEST

#define KEY_RULE(id, at)                                                                 \
    "rule t." id " kinds all at " at " assert is_int(@) severity error code BAD_VALUE\n" \
    "  message \"" id "\" explain \"x\"\n"
/* The rules of test_plan_keys_by_members: one at each key. */
static const char key_rules[] = KEY_RULE("axa", "axa") KEY_RULE("aya", "aya")
    KEY_RULE("aza", "aza") KEY_RULE("ab", "ab") KEY_RULE("abc", "abc")
        KEY_RULE("empty", "$[\"\"]") KEY_RULE("n-axa", "n.axa");

/* A node of many keys finds an object's members by key (plan.c, by_key):
 * keys of one length and the same first and last bytes (one start in the
 * table), a key that begins another, the empty key; an object of fewer
 * members than the node has keys is walked member by member, one of more
 * key by key, and both find the same. */
START_TEST(test_plan_keys_by_members)
{
    static const char *const want[] = {"/aza",  "t.aza",  "/",       "t.empty", "/axa",
                                       "t.axa", "/n/axa", "t.n-axa", NULL};

    agree_on(key_rules,
             "{\"aza\": \"s\", \"\": \"s\", \"ab\": 1, \"axa\": \"s\", "
             "\"n\": {\"axa\": \"s\"}}",
             want);
    agree_on(key_rules,
             "{\"aza\": \"s\", \"\": \"s\", \"ab\": 1, \"axa\": \"s\", "
             "\"n\": {\"axa\": \"s\"}, \"m1\": 1, \"m2\": 1, \"m3\": 1, \"m4\": 1, "
             "\"m5\": 1, \"m6\": 1, \"m7\": 1, \"m8\": 1}",
             want);
}
END_TEST

/* Counts the paths that run on the walk's kind. */
typedef struct counter {
    size_t visits;
    ol_kind kind;
    int merged;
} counter;

static int count_visit(void *arg, const olp_plan_end *ends, size_t n, const json_t *value,
                       const olp_step *trail, size_t depth)
{
    counter *c = arg;
    size_t i;

    (void)value, (void)trail, (void)depth;
    for (i = 0; i < n; i++)
        c->visits += olp_plan_end_runs(&ends[i], 1u << c->kind, c->merged);
    return 0;
}

/* Walk rs's plan over doc as a check of kind, merged or not: the visits. */
static size_t visits_of(const ol_ruleset *rs, const json_t *doc, ol_kind kind, int merged,
                        olp_member_cache *members)
{
    olp_plan_visitor v;
    olp_eval ev;
    counter c;

    memset(&ev, 0, sizeof ev);
    ev.book = &rs->book;
    ev.root = ev.current = ev.session = doc;
    ev.members = members;
    olp_member_cache_clear(members);
    c.visits = 0;
    c.kind = kind;
    c.merged = merged;
    memset(&v, 0, sizeof v);
    v.kind = kind;
    v.merged = merged;
    v.visit = count_visit;
    v.arg = &c;
    ck_assert_int_eq(olp_plan_walk(rs->book.plan, &ev, doc, &v), 0);
    return c.visits;
}

/* A rule of create-session runs on every kind merged into a session
 * (olp_rule_runs_on): the walk goes to its path then, and only then. */
START_TEST(test_plan_walks_by_kind_and_merged)
{
    static const char rules[] =
        "rule t.a kinds create-session at a.b assert true severity error code BAD_VALUE\n"
        "  message \"a\" explain \"x\"\n"
        "rule t.c kinds update-session at c assert true severity error code BAD_VALUE\n"
        "  message \"c\" explain \"x\"\n";
    json_t *doc = json_loads("{\"a\": {\"b\": 1}, \"c\": 1}", 0, NULL);
    ol_ruleset *rs = ruleset_of(rules, 1);
    olp_member_cache members;

    ck_assert_uint_eq(visits_of(rs, doc, OL_KIND_CREATE_SESSION, 0, &members), 1);
    ck_assert_uint_eq(visits_of(rs, doc, OL_KIND_UPDATE_SESSION, 0, &members), 1);
    ck_assert_uint_eq(visits_of(rs, doc, OL_KIND_UPDATE_SESSION, 1, &members), 1);
    ck_assert_uint_eq(visits_of(rs, doc, OL_KIND_CREATE_ORDER, 1, &members), 1);
    ck_assert_uint_eq(visits_of(rs, doc, OL_KIND_CREATE_ORDER, 0, &members), 0);
    ol_ruleset_free(rs);
    json_decref(doc);
}
END_TEST

/* Does the member cache hold the member key of object? */
static int cached(const olp_member_cache *c, const json_t *object, const olp_seg *s)
{
    size_t i = olp_member_slot_of(object, s);

    return (c->filled[i / 64] & (1ull << (i % 64))) && c->slots[i].object == object &&
           c->slots[i].key == s->key_canon;
}

/* A walk leaves out what only disabled rules would visit: it does not even
 * look up their members (disabled before the plan was built, or after). */
START_TEST(test_plan_leaves_out_disabled_rules)
{
    static const char rules[] =
        "rule t.a kinds all at a.b assert true severity error code BAD_VALUE\n"
        "  message \"a\" explain \"x\"\n"
        "rule t.c kinds all at c.d assert true severity error code BAD_VALUE\n"
        "  message \"c\" explain \"x\"\n"
        "rule t.s kinds all at $session.a assert true severity error code BAD_VALUE\n"
        "  message \"s\" explain \"x\"\n";
    static const char later[] =
        "rule t.e kinds all at e assert true severity error code BAD_VALUE\n"
        "  message \"e\" explain \"x\"\n";
    json_t *doc = json_loads("{\"a\": {\"b\": 1}, \"c\": {\"d\": 1}, \"e\": 1}", 0, NULL);
    ol_error_t err = OL_ERROR_INIT;
    int round;

    for (round = 0; round < 2; round++) {
        ol_ruleset *rs = ruleset_of(rules, 1);
        const olp_rule *a = rs->book.rules[0], *c = rs->book.rules[1];
        olp_member_cache members;

        ck_assert_int_eq(ol_ruleset_disable(rs, "t.c", &err), OL_OK);
        /* a path from a context document is walked alone: left out too */
        ck_assert_int_eq(ol_ruleset_disable(rs, "t.s", &err), OL_OK);
        if (round == 1) /* the plan is built again, with t.c disabled */
            ck_assert_int_eq(
                ol_ruleset_add_buffer(rs, "later.rules", later, strlen(later), &err),
                OL_OK);
        ck_assert_uint_eq(visits_of(rs, doc, OL_KIND_CREATE_SESSION, 0, &members),
                          1u + (unsigned)round);
        ck_assert(cached(&members, doc, &a->at[0]->segs[0]));
        ck_assert(!cached(&members, doc, &c->at[0]->segs[0]));
        ol_ruleset_free(rs);
    }
    json_decref(doc);
}
END_TEST

Suite *plan_suite(void)
{
    Suite *s = suite_create("plan");
    TCase *tc = tcase_create("agrees");

    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_plan_keeps_rule_order);
    tcase_add_test(tc, test_plan_regex_limit_in_a_def);
    tcase_add_test(tc, test_plan_regex_limit_in_a_filter);
    tcase_add_test(tc, test_plan_keys_by_members);
    tcase_add_test(tc, test_plan_leaves_out_disabled_rules);
    tcase_add_test(tc, test_plan_walks_by_kind_and_merged);
    tcase_add_test(tc, test_plan_agrees_with_rule_by_rule_on_the_corpus);
    suite_add_tcase(s, tc);
    return s;
}
