/*
 * fuzz_check.c: a libFuzzer target for ol_check_buffer and ol_check_json.
 *
 * The input is the text of a payload, checked as a create-session. When its
 * first byte is below 2 * OL_KIND_COUNT_ that byte is not part of the text
 * but chooses the kind (byte % OL_KIND_COUNT_) and, for the upper half,
 * checks with a context (a session, an authorized snapshot, an order, ids
 * and times), so that the fuzzer reaches every kind while a plain JSON file
 * is still a seed as it is.
 *
 * Beyond "no crash, no leak, no undefined behaviour", it asserts what a
 * report promises: a check of a text never fails (there is memory enough
 * here), every finding is complete, valid means no error finding and no
 * answer, and the text and its tree agree on the verdict when the text
 * holds nothing that only a text can (a byte-order mark, a duplicate key,
 * more bytes than the limit, a NUL byte that jansson drops).
 *
 * Built with -fsanitize=fuzzer by tests/fuzz/run-fuzz.sh; replayed without
 * libFuzzer by replay.c in `make check`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "orderlint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ol_ruleset *rules;
static json_t *session, *authorized, *order;

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_check: %s\n", what);
    abort();
}

static json_t *load(const char *text)
{
    json_t *v = json_loads(text, 0, NULL);

    if (!v)
        fail("a context document does not parse");
    return v;
}

static void setup(void)
{
    if (rules)
        return;
    if (ol_ruleset_new(&rules, NULL, NULL) != OL_OK)
        fail("ol_ruleset_new");
    session = load("{\"purchase_country\": \"SE\", \"purchase_currency\": \"SEK\","
                   " \"locale\": \"sv-SE\", \"order_amount\": 10000,"
                   " \"order_tax_amount\": 2000, \"order_lines\": [{\"name\": \"x\","
                   " \"quantity\": 1, \"unit_price\": 10000, \"tax_rate\": 2500,"
                   " \"total_amount\": 10000, \"total_tax_amount\": 2000}],"
                   " \"billing_address\": {\"country\": \"SE\", \"postal_code\": "
                   "\"123 45\"}}");
    authorized = json_deep_copy(session);
    order = load("{\"order_id\": \"f3392f8b-6116-4073-ab96-e330819e2c07\","
                 " \"order_amount\": 10000, \"captured_amount\": 5000,"
                 " \"refunded_amount\": 0, \"remaining_authorized_amount\": 5000,"
                 " \"purchase_currency\": \"SEK\", \"status\": \"PART_CAPTURED\","
                 " \"captures\": [{\"capture_id\": \"c1\", \"captured_amount\": 5000}],"
                 " \"refunds\": []}");
    if (!authorized)
        fail("json_deep_copy");
}

/* What every report promises, whatever the payload. */
static void check_report(const ol_report *r, int from_text)
{
    size_t i, n = ol_report_count(r), errors = 0;
    char *body = NULL;
    int rc;

    for (i = 0; i < n; i++) {
        const ol_finding *f = ol_report_get(r, i);

        if (!f || !f->rule || !f->pointer || !f->path || !f->message || !f->hint ||
            !f->error_code || !f->klarna_message)
            fail("a finding with a NULL member");
        if (f->severity == OL_SEVERITY_ERROR)
            errors++;
        if (from_text && (f->line < 1 || f->column < 1))
            fail("a finding of a text without its line and column");
        if (!from_text && (f->line != 0 || f->column != 0))
            fail("a finding of a tree with a line or column");
    }
    if (ol_report_get(r, n) != NULL)
        fail("ol_report_get past the end");
    /* past max_findings, errors are kept before warnings */
    if (ol_report_valid(r) != (errors == 0))
        fail("ol_report_valid disagrees with the findings");
    if (ol_report_valid(r)) {
        if (errors || ol_report_error_code(r) || ol_report_http_status(r) ||
            ol_report_message_count(r))
            fail("a valid report with an error or an answer");
        if (ol_report_klarna_json_ex(r, "x", &body) != OL_EINVAL || body)
            fail("a valid report with a Klarna body");
        return;
    }
    if (!ol_report_error_code(r) || ol_report_message_count(r) == 0)
        fail("a rejected report without an answer");
    if (ol_report_http_status(r) < 400 || ol_report_http_status(r) > 409)
        fail("a rejected report with an odd HTTP status");
    for (i = 0; i < ol_report_message_count(r); i++) {
        if (!ol_report_message(r, i))
            fail("a NULL Klarna message");
    }
    rc = ol_report_klarna_json_ex(r, "00000000-0000-4000-8000-000000000000", &body);
    if (rc != OL_OK || !body)
        fail("ol_report_klarna_json_ex of a rejected report");
    ol_free(body);
}

/* A text that holds what a tree cannot say (a byte-order mark, a key twice,
 * more than the size limit) may get another verdict from its tree. */
static int text_only_findings(const ol_report *r)
{
    size_t i;

    for (i = 0; i < ol_report_count(r); i++) {
        const char *rule = ol_report_get(r, i)->rule;
        if (strcmp(rule, "doc.bom") == 0 || strcmp(rule, "doc.duplicate-key") == 0 ||
            strcmp(rule, "doc.too-large") == 0)
            return 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ol_context ctx = OL_CONTEXT_INIT;
    ol_kind kind = OL_KIND_CREATE_SESSION;
    const ol_context *with = NULL;
    ol_report *text_report = NULL, *tree_report = NULL;
    ol_error_t err = OL_ERROR_INIT;
    json_t *tree;

    setup();
    if (size > 0 && data[0] < 2 * OL_KIND_COUNT_) {
        kind = (ol_kind)(data[0] % OL_KIND_COUNT_);
        if (data[0] >= OL_KIND_COUNT_) {
            ctx.session = session;
            ctx.authorized = authorized;
            ctx.order = order;
            ctx.session_id = "3ea2ff1b-6e4f-4b54-a3d0-b0a1e5a5f1a4";
            ctx.token = "2f6c4d3b-8e1a-4c1e-9b7d-0a6f5e4d3c2b";
            ctx.created_at = 1714557600;
            ctx.authorized_at = 1714561200;
            ctx.now = 1714562000;
            with = &ctx;
        }
        data++;
        size--;
    }
    if (ol_check_buffer(&text_report, rules, kind, (const char *)data, size, with,
                        &err) != OL_OK)
        fail("ol_check_buffer failed");
    check_report(text_report, 1);

    tree = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (tree) {
        int rc = ol_check_json(&tree_report, rules, kind, tree, with, &err);
        if (rc != OL_OK)
            fail("ol_check_json failed");
        check_report(tree_report, 0);
        /* a NUL byte right after a number or a literal: jansson drops it,
         * the text path rejects it (lib/load.c) */
        if (!text_only_findings(text_report) && !memchr(data, '\0', size) &&
            ol_report_valid(text_report) != ol_report_valid(tree_report))
            fail("the text and its tree get different verdicts");
        ol_report_free(tree_report);
        json_decref(tree);
    }
    ol_report_free(text_report);
    return 0;
}
