/*
 * bench_check.c: what a check costs, printed as figures (`make bench`).
 *
 *   - checks per second of a valid two-line create-session, from text and
 *     from a json_t (the merchant server's pre-flight);
 *   - the cost per order line of bodies of 1,000 and 8,000 lines, in two
 *     shapes that were once quadratic (a body that names no country; lines
 *     with findings), and the ratio of the two costs, which is about 1 when
 *     the time is linear in the lines.
 *
 * Ratios within one run hold on a noisy machine; the absolute figures are
 * this machine's. Not a test: nothing here fails on a slow day.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "orderlint.h"

static const char session[] =
    "{\"purchase_country\": \"SE\", \"purchase_currency\": \"SEK\", \"locale\": "
    "\"sv-SE\",\n"
    " \"order_amount\": 30898, \"order_tax_amount\": 6180, \"order_lines\": [\n"
    "  {\"type\": \"physical\", \"reference\": \"19-402-SWE\", \"name\": \"Battery Power "
    "Pack\",\n"
    "   \"quantity\": 2, \"unit_price\": 12999, \"tax_rate\": 2500, \"total_amount\": "
    "25998,\n"
    "   \"total_discount_amount\": 0, \"total_tax_amount\": 5200},\n"
    "  {\"type\": \"shipping_fee\", \"name\": \"Express delivery\", \"quantity\": 1,\n"
    "   \"unit_price\": 4900, \"tax_rate\": 2500, \"total_amount\": 4900,\n"
    "   \"total_discount_amount\": 0, \"total_tax_amount\": 980}]}";

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds per check of text, over at least 0.5 s. */
static double per_check(const ol_ruleset *rs, ol_kind kind, const char *text,
                        const json_t *tree)
{
    double start = now(), elapsed;
    long n = 0;

    do {
        ol_report *r = NULL;
        int rc = tree ? ol_check_json(&r, rs, kind, tree, NULL, NULL)
                      : ol_check_buffer(&r, rs, kind, text, strlen(text), NULL, NULL);
        if (rc != OL_OK) {
            fprintf(stderr, "bench_check: the check failed: %s\n", ol_strerror(rc));
            exit(2);
        }
        ol_report_free(r);
        n++;
        elapsed = now() - start;
    } while (elapsed < 0.5);
    return elapsed / (double)n;
}

/* A body of n copies of line after head, closed by "]}". */
static char *body_of_lines(const char *head, const char *line, size_t n)
{
    size_t hl = strlen(head), ll = strlen(line), i;
    char *s = malloc(hl + n * (ll + 1) + 3), *p = s;

    if (!s)
        exit(2);
    memcpy(p, head, hl);
    p += hl;
    for (i = 0; i < n; i++) {
        if (i)
            *p++ = ',';
        memcpy(p, line, ll);
        p += ll;
    }
    strcpy(p, "]}");
    return s;
}

static void per_line(const ol_ruleset *rs, ol_kind kind, const char *what,
                     const char *head, const char *line)
{
    char *small = body_of_lines(head, line, 1000),
         *large = body_of_lines(head, line, 8000);
    double a = per_check(rs, kind, small, NULL) / 1000,
           b = per_check(rs, kind, large, NULL) / 8000;

    printf("%-40s %8.2f us/line at 1000 lines, %8.2f at 8000: ratio %.2f\n", what,
           a * 1e6, b * 1e6, b / a);
    free(small);
    free(large);
}

int main(void)
{
    ol_ruleset *rs = NULL;
    json_t *tree = json_loads(session, 0, NULL);
    double text, built;

    if (!tree || ol_ruleset_new(&rs, NULL, NULL) != OL_OK)
        return 2;
    text = per_check(rs, OL_KIND_CREATE_SESSION, session, NULL);
    built = per_check(rs, OL_KIND_CREATE_SESSION, NULL, tree);
    printf("%-40s %8.1f us, %8.0f checks/s\n", "valid create-session, from text",
           text * 1e6, 1 / text);
    printf("%-40s %8.1f us, %8.0f checks/s (%.2f of the text's time)\n",
           "valid create-session, from a json_t", built * 1e6, 1 / built, built / text);
    per_line(rs, OL_KIND_UPDATE_SESSION, "update naming no country",
             "{\"order_lines\": [", "{\"tax_rate\": 0}");
    per_line(rs, OL_KIND_CREATE_SESSION, "lines with findings (empty lines)",
             "{\"purchase_country\": \"SE\", \"purchase_currency\": \"SEK\", "
             "\"order_amount\": 0, "
             "\"order_lines\": [",
             "{}");
    json_decref(tree);
    ol_ruleset_free(rs);
    return 0;
}
