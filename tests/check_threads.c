/*
 * check_threads.c: one ruleset, shared by threads that check at once, gives
 * each of them what it gives one thread alone (orderlint.h: a ruleset is
 * immutable once built and safe to share; a report belongs to its thread).
 * Run under ThreadSanitizer too, this is the test that a data race fails.
 * Two tests: four threads over five documents of every sort (with a
 * context), and eight threads over 64 documents that differ everywhere,
 * each thread in its own order, every result compared with the
 * single-threaded run's.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_ol.h"
#include "orderlint.h"

#define THREADS 4
#define ROUNDS 150

/* Bodies of several kinds of verdict: valid, a tax mistake, not JSON, an
 * update over a session, an order that differs from its authorization. */
static const struct {
    ol_kind kind;
    const char *body;
} docs[] = {
    {OL_KIND_CREATE_SESSION,
     "{\"purchase_country\": \"GB\", \"purchase_currency\": \"GBP\", \"locale\": "
     "\"en-GB\",\n"
     " \"order_amount\": 2000, \"order_tax_amount\": 333, \"order_lines\": [{\"type\": "
     "\"physical\",\n \"name\": \"Battery Power Pack\", \"quantity\": 1, \"unit_price\": "
     "2000,\n"
     " \"tax_rate\": 2000, \"total_amount\": 2000, \"total_tax_amount\": 333}]}"},
    {OL_KIND_CREATE_SESSION,
     "{\"purchase_country\": \"SE\", \"purchase_currency\": \"SEK\", \"locale\": "
     "\"sv-SE\",\n"
     " \"order_amount\": 10000, \"order_tax_amount\": 2500, \"order_lines\": [{\"name\": "
     "\"x\",\n \"quantity\": 1, \"unit_price\": 10000, \"tax_rate\": 2500, "
     "\"total_amount\": "
     "10000,\n \"total_tax_amount\": 2500, \"reference\": \"SKU-1\"}]}"},
    {OL_KIND_CREATE_SESSION, "{\"order_amount\": tru"},
    {OL_KIND_UPDATE_SESSION, "{\"billing_address\": {\"country\": \"NO\"}}"},
    {OL_KIND_CREATE_ORDER,
     "{\"purchase_country\": \"SE\", \"purchase_currency\": \"SEK\", \"locale\": "
     "\"sv-SE\",\n"
     " \"order_amount\": 10000, \"order_tax_amount\": 2000, \"order_lines\": [{\"name\": "
     "\"x\",\n \"quantity\": 1, \"unit_price\": 10000, \"tax_rate\": 2500, "
     "\"total_amount\": "
     "10000,\n \"total_tax_amount\": 2000}], \"billing_address\": {\"postal_code\": "
     "\"12345\"}}"},
};
#define NDOCS (sizeof(docs) / sizeof(docs[0]))

static const char session_text[] =
    "{\"purchase_country\": \"SE\", \"purchase_currency\": \"SEK\", \"locale\": "
    "\"sv-SE\","
    " \"billing_address\": {\"country\": \"SE\"}}";
static const char authorized_text[] =
    "{\"billing_address\": {\"postal_code\": \"123 45\"}}";

typedef struct shared {
    const ol_ruleset *rs;
    const ol_context *ctx;
    char *expected[NDOCS];
} shared;

typedef struct worker {
    pthread_t thread;
    const shared *sh;
    size_t index;
    int mismatches, failures;
} worker;

/* What a check says, as one string: its Klarna body with a fixed
 * correlation_id, and each finding's rule and place. NULL on failure. */
static char *verdict(const ol_report *r)
{
    char *body = NULL, *out;
    size_t i, n = ol_report_count(r), len = 64;

    if (!ol_report_valid(r) &&
        ol_report_klarna_json_ex(r, "00000000-0000-4000-8000-000000000000", &body) !=
            OL_OK)
        return NULL;
    len += body ? strlen(body) : 0;
    for (i = 0; i < n; i++)
        len +=
            strlen(ol_report_get(r, i)->rule) + strlen(ol_report_get(r, i)->pointer) + 32;
    out = malloc(len);
    if (out) {
        size_t at = (size_t)snprintf(out, len, "%s", body ? body : "valid");
        for (i = 0; i < n; i++) {
            const ol_finding *f = ol_report_get(r, i);
            at += (size_t)snprintf(out + at, len - at, "|%s %s %d:%d", f->rule,
                                   f->pointer, f->line, f->column);
        }
    }
    ol_free(body);
    return out;
}

static char *check_one(const shared *sh, size_t i)
{
    ol_report *r = NULL;
    char *v;

    if (ol_check_buffer(&r, sh->rs, docs[i].kind, docs[i].body, strlen(docs[i].body),
                        sh->ctx, NULL) != OL_OK)
        return NULL;
    v = verdict(r);
    ol_report_free(r);
    return v;
}

static void *work(void *arg)
{
    worker *w = arg;
    int round;
    size_t i;

    for (round = 0; round < ROUNDS; round++) {
        for (i = 0; i < NDOCS; i++) {
            /* each thread starts at another document, so that they differ */
            size_t k = (i + w->index) % NDOCS;
            char *v = check_one(w->sh, k);
            if (!v)
                w->failures++;
            else if (strcmp(v, w->sh->expected[k]) != 0)
                w->mismatches++;
            free(v);
        }
    }
    return NULL;
}

START_TEST(test_shared_ruleset_across_threads)
{
    ol_ruleset *rs = NULL;
    ol_context ctx = OL_CONTEXT_INIT;
    json_t *session = json_loads(session_text, 0, NULL);
    json_t *authorized = json_loads(authorized_text, 0, NULL);
    worker workers[THREADS];
    shared sh;
    size_t i;

    ck_assert_int_eq(ol_ruleset_new(&rs, NULL, NULL), OL_OK);
    ctx.session = session;
    ctx.authorized = authorized;
    sh.rs = rs;
    sh.ctx = &ctx;
    for (i = 0; i < NDOCS; i++) {
        sh.expected[i] = check_one(&sh, i);
        ck_assert_ptr_nonnull(sh.expected[i]);
    }
    /* the documents do differ, so that a mix-up would show */
    ck_assert_str_eq(sh.expected[0], "valid");
    ck_assert_ptr_nonnull(strstr(sh.expected[1], "order-line.tax"));
    ck_assert_ptr_nonnull(strstr(sh.expected[2], "doc.syntax"));
    ck_assert_ptr_nonnull(strstr(sh.expected[3], "market.currency"));
    ck_assert_ptr_nonnull(strstr(sh.expected[4], "order.not-authorized"));
    memset(workers, 0, sizeof(workers));
    for (i = 0; i < THREADS; i++) {
        workers[i].sh = &sh;
        workers[i].index = i;
        ck_assert_int_eq(pthread_create(&workers[i].thread, NULL, work, &workers[i]), 0);
    }
    for (i = 0; i < THREADS; i++) {
        ck_assert_int_eq(pthread_join(workers[i].thread, NULL), 0);
        ck_assert_int_eq(workers[i].failures, 0);
        ck_assert_int_eq(workers[i].mismatches, 0);
    }
    for (i = 0; i < NDOCS; i++)
        free(sh.expected[i]);
    ol_ruleset_free(rs);
    json_decref(session);
    json_decref(authorized);
}
END_TEST

/* ---- many threads, many documents ---------------------------------------- */

#define MANY_THREADS 8
#define MANY_DOCS 64
#define MANY_ROUNDS 4

static const char *const countries[][3] = {
    {"SE", "SEK", "sv-SE"}, {"NO", "NOK", "nb-NO"}, {"DE", "EUR", "de-DE"},
    {"GB", "GBP", "en-GB"}, {"FI", "EUR", "fi-FI"}, {"US", "USD", "en-US"},
};

/* Document i of a family that differs everywhere: countries, currencies
 * that fit or not, lines of 1 to 5 units, rates, totals that are right or
 * off by one, texts with a byte-order mark, cut short, or with a NUL. */
static char *many_doc(size_t i, size_t *len)
{
    const char *const *c = countries[i % 6];
    long q = (long)(i % 5) + 1, p = 1000 + (long)i * 37, rate = (long)(i % 3) * 1250;
    long total = q * p - (i % 7 == 0 ? 1 : 0);
    long tax = total - total * 10000 / (10000 + rate);
    char *s = malloc(1024);
    int n;

    ck_assert_ptr_nonnull(s);
    n = snprintf(s, 1024,
                 "%s{\"purchase_country\": \"%s\", \"purchase_currency\": \"%s\", "
                 "\"locale\": \"%s\", \"order_amount\": %ld, \"order_tax_amount\": %ld, "
                 "\"order_lines\": [{\"type\": \"physical\", \"name\": \"item %zu\", "
                 "\"quantity\": %ld, \"unit_price\": %ld, \"tax_rate\": %ld, "
                 "\"total_amount\": %ld, \"total_tax_amount\": %ld}]}",
                 i % 13 == 0 ? "\xEF\xBB\xBF" : "", c[0],
                 i % 4 == 0 ? countries[(i + 1) % 6][1] : c[1], c[2],
                 total + (i % 9 == 0), tax, i, q, p, rate, total, tax);
    ck_assert_int_gt(n, 0);
    *len = (size_t)n;
    if (i % 11 == 5)
        *len = (size_t)n / 2; /* cut short */
    if (i % 17 == 3)
        s[20] = '\0'; /* a NUL byte inside the text */
    return s;
}

typedef struct many {
    const ol_ruleset *rs;
    char *text[MANY_DOCS];
    size_t len[MANY_DOCS];
    char *expected[MANY_DOCS];
} many;

typedef struct many_worker {
    pthread_t thread;
    const many *m;
    size_t index;
    int mismatches, failures;
} many_worker;

static char *check_many(const many *m, size_t i)
{
    ol_report *r = NULL;
    char *v;

    if (ol_check_buffer(&r, m->rs, OL_KIND_CREATE_SESSION, m->text[i], m->len[i], NULL,
                        NULL) != OL_OK)
        return NULL;
    v = verdict(r);
    ol_report_free(r);
    return v;
}

static void *many_work(void *arg)
{
    many_worker *w = arg;
    size_t round, k;

    for (round = 0; round < MANY_ROUNDS; round++) {
        for (k = 0; k < MANY_DOCS; k++) {
            /* each thread its own order: at any time they check different
             * documents */
            size_t i = (k * (2 * w->index + 1) + w->index * 7) % MANY_DOCS;
            char *v = check_many(w->m, i);
            if (!v)
                w->failures++;
            else if (strcmp(v, w->m->expected[i]) != 0)
                w->mismatches++;
            free(v);
        }
    }
    return NULL;
}

START_TEST(test_many_threads_many_documents)
{
    ol_ruleset *rs = NULL;
    many_worker workers[MANY_THREADS];
    many m;
    size_t i, j, valid = 0, distinct = 0;

    ck_assert_int_eq(ol_ruleset_new(&rs, NULL, NULL), OL_OK);
    m.rs = rs;
    /* the single-threaded run: what each document must give */
    for (i = 0; i < MANY_DOCS; i++) {
        m.text[i] = many_doc(i, &m.len[i]);
        m.expected[i] = check_many(&m, i);
        ck_assert_ptr_nonnull(m.expected[i]);
        valid += strncmp(m.expected[i], "valid", 5) == 0;
    }
    /* the family holds both verdicts, and many different answers */
    for (i = 0; i < MANY_DOCS; i++) {
        for (j = 0; j < i && strcmp(m.expected[j], m.expected[i]) != 0; j++)
            ;
        distinct += j == i;
    }
    ck_assert_uint_gt(valid, 0);
    ck_assert_uint_lt(valid, MANY_DOCS);
    ck_assert_uint_ge(distinct, MANY_DOCS / 4);
    memset(workers, 0, sizeof(workers));
    for (i = 0; i < MANY_THREADS; i++) {
        workers[i].m = &m;
        workers[i].index = i;
        ck_assert_int_eq(pthread_create(&workers[i].thread, NULL, many_work, &workers[i]),
                         0);
    }
    for (i = 0; i < MANY_THREADS; i++) {
        ck_assert_int_eq(pthread_join(workers[i].thread, NULL), 0);
        ck_assert_int_eq(workers[i].failures, 0);
        ck_assert_int_eq(workers[i].mismatches, 0);
    }
    for (i = 0; i < MANY_DOCS; i++) {
        free(m.text[i]);
        free(m.expected[i]);
    }
    ol_ruleset_free(rs);
}
END_TEST

/* ---- a thread with a small stack ------------------------------------------- */

/* orderlint.h promises that a check fits the stack of a thread of 256 KiB,
 * whatever the document (nested 100,000 deep, as deep as allowed, a cart of
 * many lines), with the default max_depth; and 1 MiB with the largest. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define STACK_SCALE 8 /* a sanitizer's frames are several times larger */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define STACK_SCALE 8
#endif
#endif
#ifndef STACK_SCALE
#define STACK_SCALE 1
#endif
#define SMALL_STACK (256 * 1024 * STACK_SCALE)
#define STACK_FOR_DEEPEST (1024 * 1024 * STACK_SCALE)

typedef struct small_stack_run {
    const ol_ruleset *rs;
    const char *text;
    size_t len;
    char *verdict; /* what the check said, or NULL */
} small_stack_run;

static void *check_on_small_stack(void *arg)
{
    small_stack_run *run = arg;
    ol_report *r = NULL;

    if (ol_check_buffer(&r, run->rs, OL_KIND_CREATE_SESSION, run->text, run->len, NULL,
                        NULL) == OL_OK)
        run->verdict = verdict(r);
    ol_report_free(r);
    return NULL;
}

/* depth levels of {"a": ...} around 1, or of [ ... ] */
static char *nested(size_t depth, int objects, size_t *len)
{
    const char *open = objects ? "{\"a\": " : "[";
    const char *close = objects ? "}" : "]";
    size_t n = depth * (strlen(open) + 1) + 2, i, at = 0;
    char *s = malloc(n);

    ck_assert_ptr_nonnull(s);
    for (i = 0; i < depth; i++)
        at += (size_t)sprintf(s + at, "%s", open);
    at += (size_t)sprintf(s + at, "1");
    for (i = 0; i < depth; i++)
        at += (size_t)sprintf(s + at, "%s", close);
    *len = at;
    return s;
}

static char *many_lines(size_t lines, size_t *len)
{
    size_t cap = 200 + lines * 160, at, i;
    char *s = malloc(cap);

    ck_assert_ptr_nonnull(s);
    at = (size_t)sprintf(s,
                         "{\"purchase_country\": \"SE\", \"purchase_currency\": "
                         "\"SEK\", \"locale\": \"sv-SE\", \"order_amount\": %zu, "
                         "\"order_tax_amount\": %zu, \"order_lines\": [",
                         lines * 100, lines * 20);
    for (i = 0; i < lines; i++)
        at += (size_t)sprintf(s + at,
                              "%s{\"name\": \"x\", \"quantity\": 1, \"unit_price\": 100, "
                              "\"tax_rate\": 2500, \"total_amount\": 100, "
                              "\"total_tax_amount\": 20}",
                              i ? ", " : "");
    at += (size_t)sprintf(s + at, "]}");
    *len = at;
    return s;
}

static void check_with_stack(size_t max_depth, size_t stack)
{
    ol_options opts = OL_OPTIONS_INIT;
    ol_ruleset *rs = NULL;
    pthread_attr_t attr;
    char *texts[6];
    size_t lens[6], i;

    opts.max_depth = max_depth;
    ck_assert_int_eq(ol_ruleset_new(&rs, &opts, NULL), OL_OK);
    texts[0] = nested(100000, 0, &lens[0]);
    texts[1] = nested(100000, 1, &lens[1]);
    texts[2] = nested(max_depth, 1, &lens[2]);
    texts[3] = nested(max_depth - 1, 0, &lens[3]);
    texts[4] = nested(3000, 1, &lens[4]);
    texts[5] = many_lines(2000, &lens[5]);
    ck_assert_int_eq(pthread_attr_init(&attr), 0);
    ck_assert_int_eq(pthread_attr_setstacksize(&attr, stack), 0);
    for (i = 0; i < 6; i++) {
        small_stack_run here = {rs, texts[i], lens[i], NULL}, there = here;
        pthread_t t;

        check_on_small_stack(&here);
        ck_assert_ptr_nonnull(here.verdict);
        ck_assert_int_eq(pthread_create(&t, &attr, check_on_small_stack, &there), 0);
        ck_assert_int_eq(pthread_join(t, NULL), 0);
        ck_assert_ptr_nonnull(there.verdict);
        ck_assert_str_eq(there.verdict, here.verdict);
        free(here.verdict);
        free(there.verdict);
        free(texts[i]);
    }
    pthread_attr_destroy(&attr);
    ol_ruleset_free(rs);
}

START_TEST(test_small_stack)
{
    check_with_stack(OL_DEFAULT_MAX_DEPTH, SMALL_STACK);
    check_with_stack(OL_MAX_DEPTH_LIMIT, STACK_FOR_DEEPEST);
}
END_TEST

Suite *threads_suite(void)
{
    Suite *s = suite_create("threads");
    TCase *tc = tcase_create("shared");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_shared_ruleset_across_threads);
    tcase_add_test(tc, test_many_threads_many_documents);
    tcase_add_test(tc, test_small_stack);
    suite_add_tcase(s, tc);
    return s;
}
