/*
 * output.c: the formats of the command-line contract (DESIGN.md), the
 * counts behind the summary, and the tool's own error messages.
 *
 *   text    FILE:LINE:COL: error: MESSAGE [RULE], a summary on stderr
 *   json    one object per document, one per line, then {"summary": {...}}
 *   klarna  for each rejected document, the body Klarna would answer with
 *   sarif   one SARIF 2.1.0 log for the whole run, at its end (sarif.c)
 *
 * A document's JSON line is written as it goes, with jansson's escaping
 * (jsonline.c); the summary is built with jansson.
 */
#define _POSIX_C_SOURCE 200809L /* isatty */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* The colours of the text format, GCC's: a bold place, a bold red error, a
 * bold magenta warning, a bold cyan note (the caret is source-line.c's). */
#define PLACE_ON "\033[1m"
#define ERROR_ON "\033[1;31m"
#define WARNING_ON "\033[1;35m"
#define NOTE_ON "\033[1;36m"
#define COLOR_OFF "\033[0m"

/* ---- the tool's own messages ---------------------------------------------- */

/* stdout is flushed first, so that the two streams read in order when they
 * go to the same place (a terminal, a CI log). */
static void vmessage(const char *fmt, va_list ap)
{
    fflush(stdout);
    fputs("orderlint: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
}

/* With --format=sarif the message is also one of the log's notifications,
 * so that code scanning sees why the run was not successful. */
void cli_fail(cli_run *run, const char *fmt, ...)
{
    char text[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    cli_error("%s", text);
    if (run->sarif)
        cli_sarif_trouble(run->sarif, text); /* out of memory: stderr says it */
    run->trouble = 1;
}

/* ---- counting --------------------------------------------------------------- */

/* Whether the text format is coloured (cli.h, cli_color): an explicit
 * --color=always or never wins over NO_COLOR, as https://no-color.org asks;
 * auto colours a terminal that is not a dumb one. */
static int use_color(const cli_options *o)
{
    const char *no_color = getenv("NO_COLOR");
    const char *term = getenv("TERM");

    if (o->format != CLI_FORMAT_TEXT || o->color == CLI_COLOR_NEVER)
        return 0;
    if (o->color == CLI_COLOR_ALWAYS)
        return 1;
    if ((no_color && *no_color) || !term || strcmp(term, "dumb") == 0)
        return 0;
    return isatty(STDOUT_FILENO);
}

int cli_run_init(cli_run *run, const cli_options *o, const ol_ruleset *rs)
{
    memset(run, 0, sizeof(*run));
    run->opts = o;
    run->rs = rs;
    run->color = use_color(o);
    run->by_error_code = json_object();
    run->by_rule = json_object();
    if (o->format == CLI_FORMAT_SARIF) {
        run->sarif = cli_sarif_new();
        if (!run->sarif)
            return -1;
    }
    return run->by_error_code && run->by_rule ? 0 : -1;
}

void cli_run_free(cli_run *run)
{
    json_decref(run->by_error_code);
    json_decref(run->by_rule);
    cli_sarif_free(run->sarif);
    run->by_error_code = run->by_rule = NULL;
    run->sarif = NULL;
}

static void bump(cli_run *run, json_t *counts, const char *key)
{
    json_int_t n = json_integer_value(json_object_get(counts, key));

    if (json_object_set_new(counts, key, json_integer(n + 1)) != 0)
        cli_fail(run, "out of memory");
}

static void count_document(cli_run *run, const ol_report *r)
{
    size_t i, n = ol_report_count(r);

    run->documents++;
    if (ol_report_valid(r)) {
        run->valid++;
    } else {
        run->rejected++;
        bump(run, run->by_error_code, ol_report_error_code(r));
    }
    for (i = 0; i < n; i++) {
        const ol_finding *f = ol_report_get(r, i);

        if (f->severity == OL_SEVERITY_WARNING)
            run->warnings++;
        bump(run, run->by_rule, f->rule);
    }
}

/* ---- text ------------------------------------------------------------------ */

/* on, or "" when the output is not coloured. */
static const char *sgr(int color, const char *on) { return color ? on : ""; }

/* FILE:LINE:COL, where LINE counts in the whole file (an NDJSON document
 * starts on its own line of it). Without colour, the line is the contract's
 * exactly; with it, the same bytes between escape sequences. */
static void print_place(const cli_doc *d, const ol_finding *f, int color)
{
    size_t line;

    fputs(sgr(color, PLACE_ON), stdout);
    if (f->line <= 0) {
        printf("%s:", d->source);
    } else {
        line = d->first_line + (size_t)f->line - 1;
        if (f->column <= 0)
            printf("%s:%zu:", d->source, line);
        else
            printf("%s:%zu:%d:", d->source, line, f->column);
    }
    printf("%s ", sgr(color, COLOR_OFF));
}

static void print_finding(const cli_doc *d, const ol_finding *f, int color)
{
    const char *on = f->severity == OL_SEVERITY_WARNING ? WARNING_ON : ERROR_ON;

    print_place(d, f, color);
    printf("%s%s:%s %s [%s]\n", sgr(color, on), ol_severity_name(f->severity),
           sgr(color, COLOR_OFF), f->message, f->rule);
    cli_print_source_line(stdout, d, f, color);
}

static void print_text(const cli_doc *d, int color)
{
    size_t i, n = ol_report_count(d->report);
    size_t dropped = ol_report_dropped(d->report);

    for (i = 0; i < n; i++)
        print_finding(d, ol_report_get(d->report, i), color);
    if (dropped > 0)
        printf("%s%s:%s %snote:%s %zu more findings in document %zu are not shown\n",
               sgr(color, PLACE_ON), d->source, sgr(color, COLOR_OFF),
               sgr(color, NOTE_ON), sgr(color, COLOR_OFF), dropped, d->number);
}

/* ---- json ------------------------------------------------------------------- */

/* "KEY": with the comma before it but for the first member. */
static void put_key(const char *key, int first)
{
    fputs(first ? "\"" : ",\"", stdout);
    fputs(key, stdout);
    fputs("\":", stdout);
}

/* A positive integer, or null for "not known" (0). */
static void put_place(int n)
{
    if (n > 0)
        cli_json_int(stdout, n);
    else
        fputs("null", stdout);
}

/* An optional string member, left out when empty. */
static void put_if_nonempty(const char *key, const char *s)
{
    if (!s || !*s)
        return;
    put_key(key, 0);
    cli_json_string(stdout, s);
}

static void put_finding(const ol_finding *f)
{
    put_key("rule", 1);
    cli_json_string(stdout, f->rule);
    put_key("severity", 0);
    cli_json_string(stdout, ol_severity_name(f->severity));
    put_key("pointer", 0);
    cli_json_string(stdout, f->pointer);
    put_key("path", 0);
    cli_json_string(stdout, f->path);
    put_key("line", 0);
    put_place(f->line);
    put_key("column", 0);
    put_place(f->column);
    put_key("message", 0);
    cli_json_string(stdout, f->message);
    put_if_nonempty("klarna_message", f->klarna_message);
    put_if_nonempty("hint", f->hint);
}

static void put_messages(const ol_report *r)
{
    size_t i, n = ol_report_message_count(r);

    for (i = 0; i < n; i++) {
        if (i)
            putchar(',');
        cli_json_string(stdout, ol_report_message(r, i));
    }
}

static void put_findings(const ol_report *r)
{
    size_t i, n = ol_report_count(r);

    for (i = 0; i < n; i++) {
        fputs(i ? ",{" : "{", stdout);
        put_finding(ol_report_get(r, i));
        putchar('}');
    }
}

/* A document's line, written as it goes (jsonline.c): the members in the
 * order of the contract. Past --max-findings, "findings_not_listed" says
 * how many more there were (the text format's note); absent when every
 * finding is listed. */
static void print_document_json(const cli_doc *d)
{
    const ol_report *r = d->report;
    int valid = ol_report_valid(r);
    size_t dropped = ol_report_dropped(r);

    putchar('{');
    put_key("source", 1);
    cli_json_string(stdout, d->source);
    put_key("document", 0);
    cli_json_int(stdout, (json_int_t)d->number);
    put_key("kind", 0);
    cli_json_string(stdout, ol_kind_name(d->kind));
    put_key("valid", 0);
    fputs(valid ? "true" : "false", stdout);
    put_key("error_code", 0);
    if (valid)
        fputs("null", stdout);
    else
        cli_json_string(stdout, ol_report_error_code(r));
    put_key("http_status", 0);
    if (valid)
        fputs("null", stdout);
    else
        cli_json_int(stdout, ol_report_http_status(r));
    put_key("error_messages", 0);
    putchar('[');
    put_messages(r);
    putchar(']');
    put_key("findings", 0);
    putchar('[');
    put_findings(r);
    putchar(']');
    if (dropped > 0) {
        put_key("findings_not_listed", 0);
        cli_json_int(stdout, (json_int_t)dropped);
    }
    fputs("}\n", stdout);
}

/* Print v on one line and release it. */
static void print_json_line(cli_run *run, json_t *v)
{
    char *s = cli_json_dumps(v, JSON_COMPACT);

    if (s)
        printf("%s\n", s);
    else
        cli_fail(run, "out of memory");
    free(s);
    json_decref(v);
}

/* ---- klarna ----------------------------------------------------------------- */

static void print_klarna(cli_run *run, const cli_doc *d)
{
    char *body = NULL;
    int rc;

    if (ol_report_valid(d->report))
        return;
    rc = ol_report_klarna_json(d->report, &body);
    if (rc == OL_OK)
        printf("%s\n", body);
    else
        cli_fail(run, "%s: document %zu: no Klarna body: %s", d->source, d->number,
                 ol_strerror(rc));
    ol_free(body);
}

/* ---- the run ------------------------------------------------------------------ */

void cli_report_document(cli_run *run, const cli_doc *doc)
{
    count_document(run, doc->report);
    switch (run->opts->format) {
    case CLI_FORMAT_TEXT:
        print_text(doc, run->color);
        break;
    case CLI_FORMAT_JSON:
        print_document_json(doc);
        break;
    case CLI_FORMAT_KLARNA:
        print_klarna(run, doc);
        break;
    case CLI_FORMAT_SARIF: /* kept for the log at the end */
        if (cli_sarif_add(run->sarif, run->rs, doc) != 0)
            cli_fail(run, "out of memory");
        break;
    }
}

/* The summary of the text format goes to stderr, after the findings. */
typedef struct tally {
    const char *key;
    json_int_t n;
} tally;

/* The most first; among equals, by name (so that the line does not depend
 * on the order the documents came in). */
static int tally_order(const void *a, const void *b)
{
    const tally *x = a, *y = b;

    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->key, y->key);
}

/* "LABEL: KEY N, KEY N, ..." on stderr; nothing for no counts. -1 when out
 * of memory. */
static int print_counts(const char *label, const json_t *counts)
{
    size_t i = 0, n = json_object_size(counts);
    tally *v = n ? malloc(n * sizeof(*v)) : NULL;
    const char *key;
    json_t *value;

    if (!v)
        return n ? -1 : 0;
    json_object_foreach((json_t *)counts, key, value)
    {
        v[i].key = key;
        v[i++].n = json_integer_value(value);
    }
    qsort(v, n, sizeof(*v), tally_order);
    fprintf(stderr, "%s:", label);
    for (i = 0; i < n; i++)
        fprintf(stderr, "%s %s %" JSON_INTEGER_FORMAT, i ? "," : "", v[i].key, v[i].n);
    fputc('\n', stderr);
    free(v);
    return 0;
}

/* The totals, then the rejected documents by Klarna's error_code and the
 * findings by rule (the json format's by_error_code and by_rule). */
static int print_text_summary(const cli_run *run)
{
    fflush(stdout); /* the findings first, as in vmessage() */
    fprintf(stderr, "%zu documents, %zu valid, %zu rejected, %zu warnings\n",
            run->documents, run->valid, run->rejected, run->warnings);
    if (print_counts("rejected by error_code", run->by_error_code) != 0)
        return -1;
    return print_counts("findings by rule", run->by_rule);
}

/* The last line of the json format; its only key is "summary". */
static json_t *summary_json(const cli_run *run)
{
    return json_pack("{s:{s:I, s:I, s:I, s:O, s:O}}", "summary", "documents",
                     (json_int_t)run->documents, "valid", (json_int_t)run->valid,
                     "rejected", (json_int_t)run->rejected, "by_error_code",
                     run->by_error_code, "by_rule", run->by_rule);
}

void cli_report_summary(cli_run *run)
{
    switch (run->opts->format) {
    case CLI_FORMAT_TEXT:
        if (print_text_summary(run) != 0)
            cli_fail(run, "out of memory");
        break;
    case CLI_FORMAT_JSON:
        print_json_line(run, summary_json(run));
        break;
    case CLI_FORMAT_KLARNA: /* only Klarna's bodies */
        break;
    case CLI_FORMAT_SARIF:
        if (cli_sarif_print(run->sarif, stdout, run->trouble) != 0)
            cli_fail(run, "out of memory");
        break;
    }
}
