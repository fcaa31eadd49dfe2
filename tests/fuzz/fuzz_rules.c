/*
 * fuzz_rules.c: a libFuzzer target for loading a rule file
 * (ol_ruleset_add_buffer) and for running what it loads.
 *
 * The input is the text of a rule file, added to an empty table (the
 * built-in one costs milliseconds to build, too slow to build for every
 * input, and a ruleset is not changed once checking starts). A text that is
 * not a rule file must be answered with OL_ERULES and a place in it; one
 * that loads is run over a few documents of several kinds, with a context,
 * and every rule it defined can be switched off by id.
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

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_rules: %s\n", what);
    abort();
}

static const char *const docs[] = {
    "{\"purchase_country\": \"SE\", \"purchase_currency\": \"SEK\", \"locale\": "
    "\"sv-SE\", \"order_amount\": 10000, \"order_tax_amount\": 2000, \"order_lines\": "
    "[{\"type\": \"physical\", \"reference\": \"SKU-123456\", \"name\": \"x\", "
    "\"quantity\": 1, \"unit_price\": 10000, \"tax_rate\": 2500, \"total_amount\": "
    "10000, \"total_tax_amount\": 2000}, {\"name\": \"\\u00e9\", \"quantity\": -1, "
    "\"unit_price\": 9223372036854775807, \"tax_rate\": 1.5, \"total_amount\": null}], "
    "\"billing_address\": {\"country\": \"NO\"}, \"merchant_data\": \"a\\u0000b\"}",
    "{\"billing_address\": {\"country\": \"NO\"}, \"order_lines\": []}",
    "[1, 2]",
    "{\"order_amount\": tru",
};

static const ol_kind kinds[] = {OL_KIND_CREATE_SESSION, OL_KIND_UPDATE_SESSION,
                                OL_KIND_CREATE_ORDER, OL_KIND_CAPTURE};

static void run_checks(const ol_ruleset *rs)
{
    ol_context ctx = OL_CONTEXT_INIT;
    json_t *session = json_loads(docs[0], JSON_ALLOW_NUL, NULL);
    size_t d, k, i;

    if (!session)
        fail("the session does not parse");
    ctx.session = session;
    ctx.authorized = session;
    ctx.order = session;
    ctx.session_id = "3ea2ff1b-6e4f-4b54-a3d0-b0a1e5a5f1a4";
    ctx.token = "tok";
    ctx.created_at = 0;
    ctx.now = 3600;
    for (d = 0; d < sizeof(docs) / sizeof(docs[0]); d++) {
        for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
            ol_report *r = NULL;
            char *body = NULL;

            if (ol_check_buffer(&r, rs, kinds[k], docs[d], strlen(docs[d]),
                                k % 2 ? &ctx : NULL, NULL) != OL_OK)
                fail("ol_check_buffer failed");
            for (i = 0; i < ol_report_count(r); i++) {
                const ol_finding *f = ol_report_get(r, i);
                if (!f->rule || !f->message || !f->klarna_message || !f->pointer)
                    fail("a finding with a NULL member");
            }
            if (!ol_report_valid(r) && ol_report_klarna_json_ex(r, "x", &body) != OL_OK)
                fail("no Klarna body for a rejected report");
            ol_free(body);
            ol_report_free(r);
        }
    }
    json_decref(session);
}

/* Every rule the text defined can be found by its id. The ids are read
 * from the text the way a person would: the word after "rule". */
static void disable_rules(ol_ruleset *rs, const char *text, size_t size)
{
    const char *p = text, *end = text + size;
    char id[128];

    for (; end - p > 5; p++) {
        size_t n = 0;
        if (memcmp(p, "rule ", 5) != 0)
            continue;
        p += 5;
        while (p + n < end && n < sizeof(id) - 1 && p[n] != ' ' && p[n] != '\n' &&
               p[n] != '\t' && p[n] != '\r' && p[n] != '\0')
            n++;
        memcpy(id, p, n);
        id[n] = '\0';
        (void)ol_ruleset_disable(rs, id, NULL); /* "rule" inside a string: no rule */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ol_options opts = OL_OPTIONS_INIT;
    ol_error_t err = OL_ERROR_INIT;
    ol_ruleset *rs = NULL;
    int rc;

    opts.no_builtin_rules = 1;
    if (ol_ruleset_new(&rs, &opts, NULL) != OL_OK)
        fail("ol_ruleset_new");
    rc = ol_ruleset_add_buffer(rs, "fuzz.rules", (const char *)data, size, &err);
    if (rc == OL_OK) {
        run_checks(rs);
        disable_rules(rs, (const char *)data, size);
        run_checks(rs);
    } else if (rc == OL_ERULES) {
        if (err.code != OL_ERULES || err.line < 1 || err.column < 1 || !err.text[0] ||
            strcmp(err.source, "fuzz.rules") != 0)
            fail("a wrong rule file without its place or reason");
        if (memchr(err.text, '\0', sizeof(err.text)) == NULL)
            fail("an error text that is not a string");
    } else {
        fail("ol_ruleset_add_buffer: neither OL_OK nor OL_ERULES");
    }
    ol_ruleset_free(rs);
    return 0;
}
