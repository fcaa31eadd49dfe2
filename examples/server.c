#include <stdio.h>

#include <jansson.h>
#include <orderlint.h>

/* Compiled once at start-up; every request thread may check with it. */
static ol_ruleset *rules;

/* 1 when the body may be sent to Klarna; else say why, and do not send it. */
static int preflight(const json_t *body, ol_kind kind)
{
    ol_report *report = NULL;
    char *klarna = NULL;
    int ok;

    if (ol_check_json(&report, rules, kind, body, NULL, NULL) != OL_OK)
        return 0; /* out of memory: never send unchecked */
    ok = ol_report_valid(report);
    if (!ok && ol_report_klarna_json(report, &klarna) == OL_OK)
        fprintf(stderr, "not sent: Klarna would answer %s\n", klarna);
    ol_free(klarna);
    ol_report_free(report);
    return ok;
}

static json_t *session(json_int_t order_amount)
{
    return json_pack("{s:s, s:s, s:s, s:I, s:i, s:[{s:s, s:s, s:i, s:i, s:i, s:i, s:i}]}",
                     "purchase_country", "GB", "purchase_currency", "GBP", "locale",
                     "en-GB", "order_amount", order_amount, "order_tax_amount", 333,
                     "order_lines", "type", "physical", "name", "Battery Power Pack",
                     "quantity", 1, "unit_price", 2000, "tax_rate", 2000, "total_amount",
                     2000, "total_tax_amount", 333);
}

int main(void)
{
    json_t *good = session(2000), *bad = session(2001);
    int status;

    if (ol_ruleset_new(&rules, NULL, NULL) != OL_OK)
        return 2;
    status =
        preflight(good, OL_KIND_CREATE_SESSION) && !preflight(bad, OL_KIND_CREATE_SESSION)
            ? 0
            : 1;
    json_decref(good);
    json_decref(bad);
    ol_ruleset_free(rules);
    return status;
}
