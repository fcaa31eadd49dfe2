/*
 * session-life.c: a merchant server that keeps its Klarna session and checks
 * each call against it, with liborderlint: an update whose billing country
 * leaves the currency behind, then an order placed after the cart changed.
 * It prints Klarna's answer to each and exits 0 when both were caught.
 */
#include <stdio.h>

#include <jansson.h>
#include <orderlint.h>

/* Print Klarna's answer for a report; 1 when the body would be rejected. */
static int rejected(const char *what, const ol_report *r)
{
    char *body = NULL;

    if (ol_report_valid(r))
        return 0;
    if (ol_report_klarna_json(r, &body) == OL_OK)
        printf("%s: HTTP %d %s\n", what, ol_report_http_status(r), body);
    ol_free(body);
    return 1;
}

static json_t *line(const char *name, json_int_t price)
{
    return json_pack("{s:s, s:s, s:i, s:I, s:i, s:I, s:I}", "type", "physical", "name",
                     name, "quantity", 1, "unit_price", price, "tax_rate", 2500,
                     "total_amount", price, "total_tax_amount", price / 5);
}

int main(void)
{
    ol_ruleset *rules = NULL;
    ol_context ctx = OL_CONTEXT_INIT;
    ol_report *r = NULL;
    json_t *session, *update, *merged = NULL, *order;
    int caught = 0;

    if (ol_ruleset_new(&rules, NULL, NULL) != OL_OK)
        return 2;
    /* The session as created: Sweden, SEK, one line. */
    session =
        json_pack("{s:s, s:s, s:s, s:i, s:i, s:[o], s:{s:s}}", "purchase_country", "SE",
                  "purchase_currency", "SEK", "locale", "sv-SE", "order_amount", 10000,
                  "order_tax_amount", 2000, "order_lines",
                  line("Battery Power Pack", 10000), "billing_address", "country", "SE");

    /* The customer moves the billing address to Norway: check the update
     * with the session it updates, as Klarna checks the merged session. */
    update = json_pack("{s:{s:s}}", "billing_address", "country", "NO");
    ctx.session = session;
    if (ol_check_json(&r, rules, OL_KIND_UPDATE_SESSION, update, &ctx, NULL) == OL_OK)
        caught += rejected("update", r);
    ol_report_free(r);
    /* Had it been sent, the session would now be this one. */
    if (ol_session_merge(&merged, rules, session, update, NULL) == OL_OK)
        printf("merged billing country: %s\n",
               json_string_value(json_object_get(
                   json_object_get(merged, "billing_address"), "country")));

    /* The session was authorized as it is; then a line is added to the cart
     * and the order is placed with the old authorization. */
    order = json_deep_copy(session);
    json_array_append_new(json_object_get(order, "order_lines"), line("USB cable", 2000));
    json_object_set_new(order, "order_amount", json_integer(12000));
    json_object_set_new(order, "order_tax_amount", json_integer(2400));
    ctx.session = NULL;
    ctx.authorized = session;
    r = NULL;
    if (ol_check_json(&r, rules, OL_KIND_CREATE_ORDER, order, &ctx, NULL) == OL_OK) {
        caught += rejected("order", r);
        if (ol_report_count(r) > 0)
            printf("hint: %s\n", ol_report_get(r, 0)->hint);
    }
    ol_report_free(r);

    json_decref(order);
    json_decref(merged);
    json_decref(update);
    json_decref(session);
    ol_ruleset_free(rules);
    return caught == 2 ? 0 : 1;
}
