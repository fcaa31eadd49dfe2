/*
 * check_alloc.c: out of memory at every allocation.
 *
 * This program links libolcore with an allocator of its own in place of
 * lib/sysalloc.c, and gives jansson the same one (json_set_alloc_funcs: a
 * global of jansson, so it is set here, in the test, never in the library).
 * PCRE2 allocates through the library's (ruleset.c's general context).
 *
 * For each scenario (build a ruleset, add a rule file, check texts and
 * trees of every sort, merge a session, write Klarna's body) it makes the
 * Nth allocation fail, for N = 1, 2, 3, ... until a run meets no failure,
 * and asserts of every run that
 *  - it ends in OL_ENOMEM (the error says so too), never in a report, so
 *    never in a "valid" verdict; or, when the failed allocation was one the
 *    library may do without (PCRE2's JIT compilation, which falls back to
 *    the interpreter), in the same result as a run without failure;
 *  - except where jansson 2.14 itself loses the failure: its lexer ignores
 *    a token buffer that could not grow and reads the token cut short, a
 *    tree that is not the text's with no error to see (counted and shown,
 *    "lost by jansson"; lib/check.c load() catches jansson's other silent
 *    failures). The text path reads with the loader (lib/load.c), which
 *    loses none, and asks jansson only for the message of a text that is
 *    not JSON: there alone can it happen;
 *  - everything it allocated is freed (counted here: a leak fails the test
 *    in every build, not only under ASan or valgrind);
 *  - it does not crash (under ASan and UBSan too, with CK_FORK=no).
 * The run that meets no failure must give the result of a plain run.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ol_private.h"

/* ---- the allocator ------------------------------------------------------------ */

static long countdown;        /* the allocation that fails when it reaches 0 */
static int failed;            /* an allocation was made to fail */
static int failed_in_jansson; /* and it was one of jansson's */
static long live;             /* blocks allocated and not freed */
static unsigned long calls;   /* allocations asked for */

/* 1 when this allocation is the one to fail. */
static int fail_now(void)
{
    calls++;
    if (countdown > 0 && --countdown == 0) {
        failed = 1;
        return 1;
    }
    return 0;
}

void *olp_malloc(size_t size)
{
    void *p = fail_now() ? NULL : malloc(size ? size : 1);
    live += p != NULL;
    return p;
}

void *olp_calloc(size_t n, size_t size)
{
    void *p = fail_now() ? NULL : calloc(n ? n : 1, size ? size : 1);
    live += p != NULL;
    return p;
}

void *olp_realloc(void *p, size_t size)
{
    void *q;

    if (fail_now())
        return NULL;
    q = realloc(p, size ? size : 1);
    if (q && !p)
        live++;
    return q;
}

void olp_free(void *p)
{
    live -= p != NULL;
    free(p);
}

static void *json_alloc(size_t size)
{
    void *p = olp_malloc(size);

    if (!p && failed)
        failed_in_jansson = 1;
    return p;
}

/* What the test itself builds with jansson is built with no failure. */
static json_t *parse_freely(const char *text)
{
    long saved = countdown;
    json_t *v;

    countdown = 0;
    v = json_loads(text, JSON_DECODE_ANY, NULL);
    countdown = saved;
    return v;
}

static void json_release(void *p) { olp_free(p); }

/* ---- scenarios ------------------------------------------------------------- */

/* A scenario runs one call of the API (and what it needs around it), frees
 * everything, and says what came of it: OL_OK and a description of the
 * result in out (malloc'ed, with the allocator off), or an error code. */
typedef int (*scenario_fn)(char **out);

static const char *const rule_text =
    "table shops { SE: \"Sweden\", NO: \"Norway\" }\n"
    "def c = $.billing_address.country ?? $.purchase_country\n"
    "rule test.reference\n"
    "    kinds    create-session update-session create-order\n"
    "    at       order_lines[*].reference, order_lines[?(@.quantity > 1)].name\n"
    "    when     in(c, shops)\n"
    "    assert   matches(@, \"^SKU-[0-9]{6}$\") && len(@) <= 64\n"
    "    severity warning\n"
    "    code     BAD_VALUE\n"
    "    message  \"reference {json(@)} at {path} is not SKU-nnnnnn ({c})\"\n"
    "    hint     \"Write SKU- and six digits.\"\n"
    "    explain  \"A test rule.\"\n";

static const char *const session_text =
    "{\"purchase_country\": \"SE\", \"purchase_currency\": \"SEK\", \"locale\": "
    "\"sv-SE\", \"order_amount\": 10000, \"order_tax_amount\": 2000, \"order_lines\": "
    "[{\"type\": \"physical\", \"reference\": \"SKU-000001\", \"name\": \"x\", "
    "\"quantity\": 1, \"unit_price\": 10000, \"tax_rate\": 2500, \"total_amount\": "
    "10000, \"total_tax_amount\": 2000}], \"billing_address\": {\"country\": \"SE\", "
    "\"postal_code\": \"123 45\"}}";

/* Texts of every sort: valid, wrong in many ways at once, not JSON, with a
 * byte-order mark and duplicate keys, an update, an order, a capture. */
static const struct {
    ol_kind kind;
    int with_context;
    const char *text;
} texts[] = {
    {OL_KIND_CREATE_SESSION, 0, NULL /* session_text */},
    {OL_KIND_CREATE_SESSION, 0,
     "{\"purchase_country\": \"SE\", \"purchase_currency\": \"NOK\", \"locale\": "
     "\"en-US\", \"order_amount\": 1, \"order_tax_amount\": -5, \"order_lines\": "
     "[{\"name\": \"\", \"quantity\": 2, \"unit_price\": 9223372036854775807, "
     "\"tax_rate\": 99999, \"total_amount\": 3, \"total_tax_amount\": 1.5, "
     "\"reference\": \"19-402\"}, {\"name\": \"y\", \"quantity\": 3, \"unit_price\": "
     "100, \"tax_rate\": 2500, \"total_amount\": 300, \"total_tax_amount\": 60, "
     "\"reference\": \"SKU-12\"}], \"merchant_urls\": {\"confirmation\": \"ftp://x\"}}"},
    {OL_KIND_CREATE_SESSION, 0, "{\"order_amount\": tru"},
    {OL_KIND_CREATE_SESSION, 0, "[1, 2, 3]"},
    {OL_KIND_CREATE_SESSION, 0, "  \n"},
    {OL_KIND_CREATE_SESSION, 0,
     "\xEF\xBB\xBF{\"locale\": \"sv-SE\", \"locale\": \"en-SE\", \"order_lines\": "
     "[[[[]]]]}"},
    {OL_KIND_UPDATE_SESSION, 1,
     "{\"billing_address\": {\"country\": \"NO\"}, \"order_lines\": [{\"name\": \"z\", "
     "\"quantity\": 1, \"unit_price\": 10000, \"tax_rate\": 2500, \"total_amount\": "
     "10000, \"total_tax_amount\": 2000, \"reference\": \"SKU-000002\"}]}"},
    {OL_KIND_CREATE_ORDER, 1,
     "{\"purchase_country\": \"SE\", \"purchase_currency\": \"SEK\", \"locale\": "
     "\"sv-SE\", \"order_amount\": 12000, \"order_tax_amount\": 2400, \"order_lines\": "
     "[{\"name\": \"x\", \"quantity\": 1, \"unit_price\": 12000, \"tax_rate\": 2500, "
     "\"total_amount\": 12000, \"total_tax_amount\": 2400}, {\"name\": \"w\", "
     "\"quantity\": 1, \"unit_price\": 0, \"tax_rate\": 0, \"total_amount\": 0, "
     "\"total_tax_amount\": 0}], \"billing_address\": {\"postal_code\": \"12345\"}}"},
    {OL_KIND_CAPTURE, 1, "{\"captured_amount\": 20000, \"description\": \"all\"}"},
};
#define NTEXTS (sizeof(texts) / sizeof(texts[0]))

/* A regular expression in a filter, and no visit of a rule after it in the
 * walk: a failure to allocate there is seen by nothing but the end of the
 * check, which must still answer OL_ENOMEM. */
static const char *const filter_rules_text =
    "rule t.zero kinds all at a.q assert true severity error code BAD_VALUE\n"
    "    message \"zero\" explain \"x\"\n"
    "rule t.one kinds all at a[?(matches(@, \"x\"))] assert false severity error\n"
    "    code BAD_VALUE message \"one\" explain \"x\"\n";
static const char *const filter_text = "{\"a\": {\"q\": \"y\"}}";

static ol_ruleset *shared_rules; /* built once, with the allocator on */
static ol_ruleset *filter_rules;
static json_t *session; /* the context's documents */
static json_t *order;

/* What a report says, in full: every finding's every member, the answer,
 * and Klarna's body. */
static char *describe(const ol_report *r)
{
    size_t i, n = ol_report_count(r), len = 0, at;
    char *body = NULL, *out;
    long saved = countdown;

    if (!ol_report_valid(r) &&
        ol_report_klarna_json_ex(r, "00000000-0000-4000-8000-000000000000", &body) !=
            OL_OK)
        return NULL;
    countdown = 0;
    for (i = 0; i < n; i++) {
        const ol_finding *f = ol_report_get(r, i);
        len += strlen(f->rule) + strlen(f->pointer) + strlen(f->path) +
               strlen(f->message) + strlen(f->hint) + strlen(f->error_code) +
               strlen(f->klarna_message) + 64;
    }
    len += (body ? strlen(body) : 0) + 64;
    out = malloc(len);
    ck_assert_ptr_nonnull(out);
    at = (size_t)snprintf(out, len, "%s %zu|", body ? body : "valid",
                          ol_report_dropped(r));
    for (i = 0; i < n; i++) {
        const ol_finding *f = ol_report_get(r, i);
        at += (size_t)snprintf(out + at, len - at, "%s %d %s %s %d:%d %s %s %s %d %s|",
                               f->rule, (int)f->severity, f->pointer, f->path, f->line,
                               f->column, f->message, f->hint, f->error_code,
                               f->http_status, f->klarna_message);
    }
    olp_free(body);
    countdown = saved;
    return out;
}

static void context_of(ol_context *ctx, size_t i)
{
    static const ol_context init = OL_CONTEXT_INIT;

    *ctx = init;
    if (!texts[i].with_context)
        return;
    ctx->session = session;
    ctx->authorized = session;
    ctx->order = order;
    ctx->session_id = "3ea2ff1b-6e4f-4b54-a3d0-b0a1e5a5f1a4";
    ctx->created_at = 0;
    ctx->now = 3600;
}

static int check_text(size_t i, char **out)
{
    ol_error_t err = OL_ERROR_INIT;
    ol_report *r = (ol_report *)&err; /* must be set to NULL on failure */
    const char *text = texts[i].text ? texts[i].text : session_text;
    ol_context ctx;
    int rc;

    context_of(&ctx, i);
    rc = ol_check_buffer(&r, shared_rules, texts[i].kind, text, strlen(text), &ctx, &err);
    if (rc != OL_OK) {
        ck_assert_ptr_null(r);
        ck_assert_int_eq(err.code, rc);
        return rc;
    }
    ck_assert_int_eq(err.code, OL_OK);
    *out = describe(r);
    ol_report_free(r);
    return *out ? OL_OK : OL_ENOMEM;
}

static int check_filter(char **out)
{
    ol_report *r = NULL;
    int rc = ol_check_buffer(&r, filter_rules, OL_KIND_CREATE_SESSION, filter_text,
                             strlen(filter_text), NULL, NULL);

    if (rc != OL_OK)
        return rc;
    *out = describe(r);
    ol_report_free(r);
    return *out ? OL_OK : OL_ENOMEM;
}

/* The same, from a tree (ol_check_json) built with jansson's allocator
 * failing too. */
static int check_tree(size_t i, char **out)
{
    const char *text = texts[i].text ? texts[i].text : session_text;
    ol_error_t err = OL_ERROR_INIT;
    ol_report *r = NULL;
    ol_context ctx;
    json_t *tree = parse_freely(text + (text[0] == (char)0xEF ? 3 : 0));
    int rc;

    if (!tree) { /* not JSON: nothing to check as a tree */
        *out = strdup("not JSON");
        return OL_OK;
    }
    context_of(&ctx, i);
    rc = ol_check_json(&r, shared_rules, texts[i].kind, tree, &ctx, &err);
    json_decref(tree);
    if (rc != OL_OK) {
        ck_assert_ptr_null(r);
        ck_assert_int_eq(err.code, rc);
        return rc;
    }
    *out = describe(r);
    ol_report_free(r);
    return *out ? OL_OK : OL_ENOMEM;
}

/* A ruleset of the built-in table and a rule file, then one check. */
static int build_ruleset(int builtin, char **out)
{
    ol_options opts = OL_OPTIONS_INIT;
    ol_error_t err = OL_ERROR_INIT;
    ol_ruleset *rs = (ol_ruleset *)&err; /* must be set to NULL on failure */
    ol_report *r = NULL;
    int rc;

    opts.no_builtin_rules = !builtin;
    rc = ol_ruleset_new(&rs, &opts, &err);
    if (rc != OL_OK) {
        ck_assert_ptr_null(rs);
        ck_assert_int_eq(err.code, rc);
        return rc;
    }
    rc = ol_ruleset_add_buffer(rs, "test.rules", rule_text, strlen(rule_text), &err);
    if (rc == OL_OK)
        rc = ol_ruleset_disable(rs, "test.reference", &err) == OL_OK ? OL_OK : OL_EINVAL;
    if (rc == OL_OK)
        rc = ol_check_buffer(&r, rs, OL_KIND_CREATE_SESSION, texts[1].text,
                             strlen(texts[1].text), NULL, &err);
    if (rc == OL_OK) {
        *out = describe(r);
        rc = *out ? OL_OK : OL_ENOMEM;
    } else {
        ck_assert_int_eq(err.code, rc);
    }
    ol_report_free(r);
    ol_ruleset_free(rs);
    return rc;
}

static int build_builtin(char **out) { return build_ruleset(1, out); }

static int build_small(char **out) { return build_ruleset(0, out); }

static int merge(char **out)
{
    json_t *update = parse_freely(texts[6].text), *merged = NULL;
    char *text;
    int rc;

    if (!update)
        return OL_ENOMEM;
    rc = ol_session_merge(&merged, shared_rules, session, update, NULL);
    json_decref(update);
    if (rc != OL_OK) {
        ck_assert_ptr_null(merged);
        return rc;
    }
    text = json_dumps(merged, JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(merged);
    if (!text)
        return OL_ENOMEM;
    *out = strdup(text);
    olp_free(text);
    return OL_OK;
}

/* The loader alone (lib/load.c), on a text past its own storage: more
 * slots, containers and decoded bytes than fit before it allocates, and
 * repeated keys; then the index and a few places. Every failure is
 * OL_ENOMEM: the loader never reads a string cut short. */
static char *loader_text;

static void make_loader_text(void)
{
    size_t cap = 64 * 1024, at = 0, i;

    loader_text = malloc(cap);
    ck_assert_ptr_nonnull(loader_text);
    at += (size_t)snprintf(loader_text + at, cap - at, "{\"k\": [");
    for (i = 0; i < 150; i++)
        at += (size_t)snprintf(loader_text + at, cap - at,
                               "%s{\"a\": %zu, \"b\": [1.5, \"x\\n\"], \"a\": -%zu}",
                               i ? ", " : "", i, i);
    at += (size_t)snprintf(loader_text + at, cap - at, "], \"long\\u0041");
    for (i = 0; i < 200; i++)
        at += (size_t)snprintf(loader_text + at, cap - at, "\\t\\u00e9");
    snprintf(loader_text + at, cap - at, "\": true, \"z\": null}");
}

static int load_text(char **out)
{
    static const char *const pointers[] = {"/z", "/k/149/b/1", "/k/3/missing"};
    olp_doc doc;
    char *tree, line[160];
    size_t i, len;
    long saved;
    int rc = olp_load(&doc, loader_text, strlen(loader_text), NULL);

    if (rc != OL_OK)
        ck_assert_ptr_null(doc.root); /* nothing of a text half read */
    else
        rc = olp_doc_index(&doc);
    if (rc != OL_OK) {
        ck_assert_int_eq(rc, OL_ENOMEM);
        olp_doc_free(&doc);
        return rc;
    }
    saved = countdown;
    countdown = 0;
    tree = json_dumps(doc.root, JSON_COMPACT | JSON_ENCODE_ANY);
    ck_assert_ptr_nonnull(tree);
    len = strlen(tree) + sizeof(line) * (doc.ndups + 4);
    *out = malloc(len);
    ck_assert_ptr_nonnull(*out);
    snprintf(*out, len, "%s|", tree);
    olp_free(tree);
    for (i = 0; i < doc.ndups; i++) {
        snprintf(line, sizeof(line), "%s %zu %zu|", doc.dups[i].pointer,
                 doc.dups[i].first, doc.dups[i].offset);
        strcat(*out, line);
    }
    for (i = 0; i < sizeof(pointers) / sizeof(pointers[0]); i++) {
        snprintf(line, sizeof(line), "%zu|", olp_doc_locate(&doc, pointers[i]));
        strcat(*out, line);
    }
    countdown = saved;
    olp_doc_free(&doc);
    return OL_OK;
}

/* ---- the test ---------------------------------------------------------------- */

typedef struct outcome {
    unsigned long runs;     /* runs made, with allocation 1, 2, ... failing */
    unsigned long absorbed; /* failures the library did without, same result */
    unsigned long jansson;  /* failures jansson kept to itself: another tree */
} outcome;

/* Run scenario with allocation N failing, for N = 1, 2, ... (every step-th
 * N, for a scenario of many allocations), until a run meets no failure. */
static outcome fail_each(scenario_fn scenario, long step)
{
    char *reference = NULL, *got;
    outcome o = {0, 0, 0};
    long n, before;
    int rc;

    countdown = 0;
    before = live;
    ck_assert_int_eq(scenario(&reference), OL_OK);
    ck_assert_int_eq(live, before);
    for (n = 1;; n += step) {
        got = NULL;
        failed = failed_in_jansson = 0;
        countdown = n;
        before = live;
        rc = scenario(&got);
        countdown = 0;
        o.runs++;
        if (live != before)
            ck_abort_msg("allocation %ld failing: %ld blocks leaked", n, live - before);
        if (!failed) {
            ck_assert_int_eq(rc, OL_OK);
            ck_assert_str_eq(got, reference);
            free(got);
            break;
        }
        if (rc == OL_OK && failed_in_jansson && strcmp(got, reference) != 0) {
            /* jansson 2.14 may lose a failed allocation of its lexer and
             * give a string cut short, with no error: a tree that is not
             * the text's, which no caller can tell (check.c, load()) */
            o.jansson++;
        } else if (rc == OL_OK) {
            /* done without the allocation: only if the result is the same */
            if (strcmp(got, reference) != 0)
                ck_abort_msg("allocation %ld failing: a result, and not the right one:\n"
                             "%s\nexpected\n%s",
                             n, got, reference);
            o.absorbed++;
            if (getenv("CHECK_ALLOC_VERBOSE"))
                fprintf(stderr, "allocation %ld%s: done without\n", n,
                        failed_in_jansson ? " (jansson's)" : "");
        } else if (rc != OL_ENOMEM) {
            ck_abort_msg("allocation %ld failing: %s, not out of memory", n,
                         ol_strerror(rc));
        }
        free(got);
    }
    free(reference);
    return o;
}

static void setup(void)
{
    json_set_alloc_funcs(json_alloc, json_release);
    countdown = 0;
    ck_assert_int_eq(ol_ruleset_new(&shared_rules, NULL, NULL), OL_OK);
    ck_assert_int_eq(ol_ruleset_add_buffer(shared_rules, "test.rules", rule_text,
                                           strlen(rule_text), NULL),
                     OL_OK);
    {
        ol_options opts = OL_OPTIONS_INIT;
        opts.no_builtin_rules = 1;
        ck_assert_int_eq(ol_ruleset_new(&filter_rules, &opts, NULL), OL_OK);
        ck_assert_int_eq(ol_ruleset_add_buffer(filter_rules, "filter.rules",
                                               filter_rules_text,
                                               strlen(filter_rules_text), NULL),
                         OL_OK);
    }
    make_loader_text();
    session = json_loads(session_text, 0, NULL);
    order = json_loads("{\"order_amount\": 10000, \"captured_amount\": 5000, "
                       "\"refunded_amount\": 0, \"captures\": [{\"captured_amount\": "
                       "5000}], \"refunds\": []}",
                       0, NULL);
    ck_assert_ptr_nonnull(session);
    ck_assert_ptr_nonnull(order);
}

static void teardown(void)
{
    json_decref(session);
    json_decref(order);
    ol_ruleset_free(shared_rules);
    ol_ruleset_free(filter_rules);
    free(loader_text);
    ck_assert_int_eq(live, 0);
}

static size_t text_index;

static int check_text_at(char **out) { return check_text(text_index, out); }

static int check_tree_at(char **out) { return check_tree(text_index, out); }

START_TEST(test_check_buffer_fails_cleanly)
{
    outcome o;

    text_index = (size_t)_i;
    o = fail_each(check_text_at, 1);
    ck_assert_uint_gt(o.runs, 1);
    ck_assert_uint_eq(o.absorbed, 0);
    fprintf(stderr,
            "ol_check_buffer, text %zu: allocations 1 to %lu failed in turn (%lu lost "
            "by jansson)\n",
            text_index, o.runs - 1, o.jansson);
}
END_TEST

START_TEST(test_check_json_fails_cleanly)
{
    outcome o;

    text_index = (size_t)_i;
    o = fail_each(check_tree_at, 1);
    ck_assert_uint_eq(o.absorbed, 0);
    fprintf(stderr, "ol_check_json, text %zu: allocations 1 to %lu failed in turn\n",
            text_index, o.runs - 1);
}
END_TEST

/* What a check of a valid document allocates, beyond its tree: the report,
 * and the match data of PCRE2 (made on the first regex of the check) - not
 * one allocation per rule, per line or per member (issue 5). The count is
 * the same for a cart of one line and of 200. */
static unsigned long allocations_of_check(const ol_ruleset *rs, const char *text)
{
    json_t *tree = parse_freely(text);
    ol_report *r = NULL;
    unsigned long before;

    ck_assert_ptr_nonnull(tree);
    before = calls;
    ck_assert_int_eq(ol_check_json(&r, rs, OL_KIND_CREATE_SESSION, tree, NULL, NULL),
                     OL_OK);
    ck_assert_msg(ol_report_valid(r) && ol_report_count(r) == 0, "%s", text);
    ol_report_free(r);
    json_decref(tree);
    return calls - before;
}

START_TEST(test_valid_document_allocates_the_report_only)
{
    ol_ruleset *rs = NULL;
    char *cart;
    size_t i, at;
    static const char line[] = "{\"type\": \"physical\", \"reference\": \"SKU-1\", "
                               "\"name\": \"x\", \"quantity\": 1, \"unit_price\": "
                               "100, \"tax_rate\": 2500, \"total_amount\": 100, "
                               "\"total_tax_amount\": 20}";

    ck_assert_int_eq(ol_ruleset_new(&rs, NULL, NULL), OL_OK);
    cart = malloc(200 * (sizeof(line) + 2) + 512);
    ck_assert_ptr_nonnull(cart);
    at = (size_t)sprintf(cart, "{\"purchase_country\": \"SE\", \"purchase_currency\": "
                               "\"SEK\", \"locale\": \"sv-SE\", \"order_amount\": "
                               "20000, \"order_tax_amount\": 4000, \"order_lines\": [");
    for (i = 0; i < 200; i++)
        at += (size_t)sprintf(cart + at, "%s%s", i ? ", " : "", line);
    sprintf(cart + at, "]}");
    ck_assert_uint_eq(allocations_of_check(rs, session_text), 2);
    ck_assert_uint_eq(allocations_of_check(rs, cart), 2);
    free(cart);
    ol_ruleset_free(rs);
}
END_TEST

START_TEST(test_filter_fails_cleanly)
{
    outcome o = fail_each(check_filter, 1);

    ck_assert_uint_gt(o.runs, 1);
    ck_assert_uint_eq(o.absorbed, 0);
}
END_TEST

START_TEST(test_small_ruleset_fails_cleanly)
{
    outcome o = fail_each(build_small, 1);

    fprintf(stderr,
            "ol_ruleset_new + add_buffer: allocations 1 to %lu failed in turn (%lu done "
            "without)\n",
            o.runs - 1, o.absorbed);
}
END_TEST

/* The built-in table takes tens of thousands of allocations, each run
 * milliseconds: every 97th is made to fail (97 is prime, so that the runs
 * do not keep meeting the same place of a repeating pattern). */
START_TEST(test_builtin_ruleset_fails_cleanly)
{
    outcome o = fail_each(build_builtin, 97);

    fprintf(stderr,
            "ol_ruleset_new (built-in): %lu runs, every 97th allocation (%lu done "
            "without)\n",
            o.runs, o.absorbed);
}
END_TEST

START_TEST(test_loader_fails_cleanly)
{
    outcome o = fail_each(load_text, 1);

    ck_assert_uint_eq(o.absorbed, 0);
    ck_assert_uint_eq(o.jansson, 0);
    fprintf(stderr, "olp_load + olp_doc_index: allocations 1 to %lu failed in turn\n",
            o.runs - 1);
}
END_TEST

START_TEST(test_merge_fails_cleanly)
{
    outcome o = fail_each(merge, 1);

    ck_assert_uint_eq(o.absorbed, 0);
}
END_TEST

static Suite *alloc_suite(void)
{
    Suite *s = suite_create("alloc");
    TCase *tc = tcase_create("fail-nth");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_check_buffer_fails_cleanly, 0, (int)NTEXTS);
    tcase_add_loop_test(tc, test_check_json_fails_cleanly, 0, (int)NTEXTS);
    tcase_add_test(tc, test_filter_fails_cleanly);
    tcase_add_test(tc, test_valid_document_allocates_the_report_only);
    tcase_add_test(tc, test_small_ruleset_fails_cleanly);
    tcase_add_test(tc, test_builtin_ruleset_fails_cleanly);
    tcase_add_test(tc, test_merge_fails_cleanly);
    tcase_add_test(tc, test_loader_fails_cleanly);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(alloc_suite());
    int nfailed;

    srunner_run_all(sr, CK_NORMAL);
    nfailed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
