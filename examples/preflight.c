/*
 * preflight.c: a merchant's pre-flight check, the way a shop's server would
 * use liborderlint. It builds a create-session body from its cart with
 * jansson, checks it before sending it to Klarna and, when Klarna would
 * reject it, prints the error body Klarna would answer with.
 *
 *   preflight                the cart, with tax computed correctly
 *   preflight --tax-mistake  the same cart, with tax added on top of prices
 *                            that already include it (a common slip)
 *
 * Exit status: 0 when the body can be sent, 1 when Klarna would reject it,
 * 2 when the check itself failed.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "orderlint.h"

/* A line of the cart as the shop keeps it: prices in minor units, tax
 * included, tax_rate in hundredths of a percent (2500 = 25%). */
typedef struct cart_line {
    const char *reference;
    const char *name;
    json_int_t quantity;
    json_int_t unit_price;
    json_int_t tax_rate;
} cart_line;

static const cart_line cart[] = {
    {"19-402", "Battery Power Pack", 2, 5000, 2500},
    {"SHIP-1", "Standard shipping", 1, 4900, 2500},
};

/* The tax included in a gross total (Klarna's formula), or, by mistake,
 * tax added on top of it. */
static json_int_t line_tax(json_int_t total, json_int_t rate, int mistake)
{
    if (mistake)
        return total * rate / 10000;
    return total - total * 10000 / (10000 + rate);
}

static json_t *order_line(const cart_line *c, int mistake, json_int_t *total,
                          json_int_t *tax)
{
    *total = c->quantity * c->unit_price;
    *tax = line_tax(*total, c->tax_rate, mistake);
    return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "type",
                     strncmp(c->reference, "SHIP", 4) == 0 ? "shipping_fee" : "physical",
                     "reference", c->reference, "name", c->name, "quantity", c->quantity,
                     "unit_price", c->unit_price, "tax_rate", c->tax_rate, "total_amount",
                     *total, "total_discount_amount", (json_int_t)0, "total_tax_amount",
                     *tax);
}

/* The create-session body for the cart. */
static json_t *build_session(int mistake)
{
    json_t *lines = json_array();
    json_int_t amount = 0, tax_amount = 0, total, tax;
    size_t i;

    for (i = 0; lines && i < sizeof(cart) / sizeof(cart[0]); i++) {
        if (json_array_append_new(lines, order_line(&cart[i], mistake, &total, &tax))) {
            json_decref(lines);
            return NULL;
        }
        amount += total;
        tax_amount += tax;
    }
    return json_pack("{s:s, s:s, s:s, s:I, s:I, s:o}", "purchase_country", "SE",
                     "purchase_currency", "SEK", "locale", "sv-SE", "order_amount",
                     amount, "order_tax_amount", tax_amount, "order_lines", lines);
}

/* What the developer should fix, on stderr; the Klarna body on stdout. */
static int explain_rejection(const ol_report *report)
{
    size_t i;
    char *body = NULL;

    for (i = 0; i < ol_report_count(report); i++) {
        const ol_finding *f = ol_report_get(report, i);

        fprintf(stderr, "preflight: %s: %s: %s [%s]\n", f->path,
                ol_severity_name(f->severity), f->message, f->rule);
    }
    if (ol_report_klarna_json(report, &body) != OL_OK) {
        fputs("preflight: cannot render the Klarna body\n", stderr);
        return 2;
    }
    printf("%s\n", body);
    ol_free(body);
    return 1;
}

static int preflight(const json_t *session)
{
    ol_error_t err = OL_ERROR_INIT;
    ol_ruleset *rs = NULL;
    ol_report *report = NULL;
    int status;

    if (ol_ruleset_new(&rs, NULL, &err) != OL_OK ||
        ol_check_json(&report, rs, OL_KIND_CREATE_SESSION, session, NULL, &err) !=
            OL_OK) {
        fprintf(stderr, "preflight: %s\n", err.text);
        ol_ruleset_free(rs);
        return 2;
    }
    if (ol_report_valid(report)) {
        puts("preflight: the session can be created");
        status = 0;
    } else {
        status = explain_rejection(report);
    }
    ol_report_free(report);
    ol_ruleset_free(rs);
    return status;
}

int main(int argc, char **argv)
{
    int mistake = argc > 1 && strcmp(argv[1], "--tax-mistake") == 0;
    json_t *session;
    int status;

    if (argc > 2 || (argc == 2 && !mistake)) {
        fputs("usage: preflight [--tax-mistake]\n", stderr);
        return 2;
    }
    session = build_session(mistake);
    if (!session) {
        fputs("preflight: out of memory\n", stderr);
        return 2;
    }
    status = preflight(session);
    json_decref(session);
    return status;
}
