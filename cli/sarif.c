/*
 * sarif.c: --format=sarif, the findings of the whole run as one SARIF 2.1.0
 * log, the form code-scanning services (GitHub's) take:
 *
 *   {"$schema": ..., "version": "2.1.0", "runs": [{
 *      "tool": {"driver": {"name": "orderlint", "version", "rules": [...]}},
 *      "columnKind": "unicodeCodePoints",
 *      "results": [{"ruleId", "ruleIndex", "level", "message",
 *                   "locations": [{"physicalLocation": {
 *                       "artifactLocation": {"uri": FILE}, "region": {...}}}]}],
 *      "invocations": [{"executionSuccessful", "toolExecutionNotifications"}]}]}
 *
 * A log is one JSON document, so nothing can be written before the run
 * ends: the results are kept until then, and memory grows with the number
 * of findings (not of documents). The rules listed are those with a result,
 * in the order of their first one; ruleIndex is the place of a result's rule
 * in that list. Lines are lines of the file (an NDJSON document's own line)
 * and columns count characters, as in the text format: hence columnKind.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define STDIN_NAME "<stdin>" /* as input.c names standard input */

struct cli_sarif {
    json_t *rules;         /* reportingDescriptor objects */
    json_t *rule_index;    /* rule id -> its index in rules */
    json_t *results;       /* result objects, in input order */
    json_t *notifications; /* notification objects: findings not kept, and
                              what the tool could not do (an unreadable file) */
};

cli_sarif *cli_sarif_new(void)
{
    cli_sarif *s = calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    s->rules = json_array();
    s->rule_index = json_object();
    s->results = json_array();
    s->notifications = json_array();
    if (!s->rules || !s->rule_index || !s->results || !s->notifications) {
        cli_sarif_free(s);
        return NULL;
    }
    return s;
}

void cli_sarif_free(cli_sarif *s)
{
    if (!s)
        return;
    json_decref(s->rules);
    json_decref(s->rule_index);
    json_decref(s->results);
    json_decref(s->notifications);
    free(s);
}

/* ---- building blocks ------------------------------------------------------- */

/* A JSON string of s; jansson takes UTF-8 only, so any other byte becomes
 * '?' (a file name that is not UTF-8). NULL when out of memory: a string
 * that is UTF-8 is never changed (json_string's NULL does not say which). */
static json_t *jstr(const char *s)
{
    size_t n = strlen(s);
    char *copy, *p;
    json_t *v;

    if (cli_utf8_valid(s))
        return json_string(s);
    copy = malloc(n + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, n + 1);
    for (p = copy; *p; p++) {
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    }
    v = json_string(copy);
    free(copy);
    return v;
}

/* A SARIF message or multiformatMessageString: {"text": s}. */
static json_t *text_of(const char *s) { return json_pack("{s:o}", "text", jstr(s)); }

/* Set key to v (taking it) unless s is empty; -1 when out of memory. */
static int set_text_if(json_t *obj, const char *key, const char *s)
{
    if (!*s)
        return 0;
    return json_object_set_new(obj, key, text_of(s));
}

/* The rule's name for people, in the form SARIF suggests: the id's words in
 * PascalCase ("order-line.tax" is "OrderLineTax"). */
static json_t *rule_name(const char *id)
{
    size_t n = strlen(id), i, j = 0;
    char *name = malloc(n + 1);
    int word_start = 1;
    json_t *v;

    if (!name)
        return NULL;
    for (i = 0; i < n; i++) {
        char c = id[i];

        if (c == '-' || c == '.' || c == '_') {
            word_start = 1;
            continue;
        }
        name[j++] = word_start && c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
        word_start = 0;
    }
    name[j] = '\0';
    v = jstr(name);
    free(name);
    return v;
}

/* ---- rules ------------------------------------------------------------------- */

/* What the ruleset says about a rule, as a reportingDescriptor. Klarna's
 * message template is the short description: it is what Klarna would say. */
static json_t *rule_descriptor(const ol_rule_info *info)
{
    const char *summary = *info->klarna_message ? info->klarna_message
                          : *info->message      ? info->message
                                                : info->id;
    json_t *r = json_pack("{s:o, s:o, s:o, s:{s:s}, s:{s:o, s:i}}", "id", jstr(info->id),
                          "name", rule_name(info->id), "shortDescription",
                          text_of(summary), "defaultConfiguration", "level",
                          ol_severity_name(info->severity), "properties", "error_code",
                          jstr(info->error_code), "http_status", info->http_status);

    if (r && (set_text_if(r, "fullDescription", info->explanation) != 0 ||
              set_text_if(r, "help", info->hint) != 0)) {
        json_decref(r);
        r = NULL;
    }
    return r;
}

/* A rule the ruleset does not know (it cannot happen: every finding is of
 * one of its rules); listed by id alone rather than left out. */
static json_t *unknown_rule(const char *id)
{
    return json_pack("{s:o, s:o}", "id", jstr(id), "name", rule_name(id));
}

/* The index of the rule in the log's list, listing it first if need be;
 * -1 when out of memory. */
static json_int_t rule_index(cli_sarif *s, const ol_ruleset *rs, const char *id)
{
    json_t *known = json_object_get(s->rule_index, id);
    const ol_rule_info *info;
    json_int_t i;

    if (known)
        return json_integer_value(known);
    info = ol_ruleset_find_rule(rs, id);
    i = (json_int_t)json_array_size(s->rules);
    if (json_array_append_new(s->rules,
                              info ? rule_descriptor(info) : unknown_rule(id)) != 0 ||
        json_object_set_new(s->rule_index, id, json_integer(i)) != 0)
        return -1;
    return i;
}

/* ---- locations ------------------------------------------------------------ */

/* A byte a URI path keeps as it is (RFC 3986 unreserved, and '/'); any
 * other is percent-encoded, ':' too, so that a relative path is never
 * read as a scheme. */
static int keeps(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
}

/* The file as a URI reference: relative as given (less a leading "./"),
 * which code scanning resolves against the checkout; file:// when absolute. */
static json_t *file_uri(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n, j;
    char *uri;
    json_t *v;

    while (strncmp(path, "./", 2) == 0)
        path += 2;
    n = strlen(path);
    uri = malloc(3 * n + sizeof("file://"));
    if (!uri)
        return NULL;
    j = 0;
    if (path[0] == '/') {
        memcpy(uri, "file://", 7);
        j = 7;
    }
    for (; *path; path++) {
        unsigned char c = (unsigned char)*path;

        if (keeps(c)) {
            uri[j++] = (char)c;
        } else {
            uri[j++] = '%';
            uri[j++] = hex[c >> 4];
            uri[j++] = hex[c & 0xF];
        }
    }
    uri[j] = '\0';
    v = json_string(uri); /* ASCII only */
    free(uri);
    return v;
}

/* Standard input has no URI: it is described instead. */
static json_t *artifact_location(const char *source)
{
    if (strcmp(source, STDIN_NAME) == 0)
        return json_pack("{s:{s:s}}", "description", "text", "standard input");
    return json_pack("{s:o}", "uri", file_uri(source));
}

/* Where the finding is in the file; NULL (no region) when it has no line. */
static json_t *region(const cli_doc *d, const ol_finding *f)
{
    json_int_t line;
    json_t *r;

    if (f->line <= 0)
        return NULL;
    line = (json_int_t)(d->first_line + (size_t)f->line - 1);
    r = json_pack("{s:I}", "startLine", line);
    if (r && f->column > 0 &&
        json_object_set_new(r, "startColumn", json_integer(f->column)) != 0) {
        json_decref(r);
        r = NULL;
    }
    return r;
}

static json_t *location(const cli_doc *d, const ol_finding *f)
{
    json_t *physical =
        json_pack("{s:o}", "artifactLocation", artifact_location(d->source));

    if (physical && f->line > 0 &&
        json_object_set_new(physical, "region", region(d, f)) != 0) {
        json_decref(physical);
        physical = NULL; /* out of memory: json_pack fails on it */
    }
    return json_pack("[{s:o}]", "physicalLocation", physical);
}

/* ---- results ------------------------------------------------------------------ */

/* orderlint's message, then what Klarna would answer. */
static json_t *result_message(const ol_finding *f)
{
    json_t *m;
    char *s;
    size_t n;

    if (!*f->klarna_message)
        return text_of(f->message);
    n = strlen(f->message) + strlen(f->error_code) + strlen(f->klarna_message) + 16;
    s = malloc(n);
    if (!s)
        return NULL;
    snprintf(s, n, "%s (Klarna: %s \"%s\")", f->message, f->error_code,
             f->klarna_message);
    m = text_of(s);
    free(s);
    return m;
}

static json_t *result(const cli_doc *d, const ol_finding *f, json_int_t index)
{
    return json_pack(
        "{s:o, s:I, s:s, s:o, s:o, s:{s:o, s:o, s:I}}", "ruleId", jstr(f->rule),
        "ruleIndex", index, "level", ol_severity_name(f->severity), "message",
        result_message(f), "locations", location(d, f), "properties", "pointer",
        jstr(f->pointer), "path", jstr(f->path), "document", (json_int_t)d->number);
}

int cli_sarif_trouble(cli_sarif *s, const char *message)
{
    return json_array_append_new(
        s->notifications,
        json_pack("{s:s, s:o}", "level", "error", "message", text_of(message)));
}

/* Findings past the limit are not in the report: say how many, so that a
 * log with fewer results than there are mistakes does not pass for whole. */
static int note_dropped(cli_sarif *s, const cli_doc *d)
{
    size_t dropped = ol_report_dropped(d->report);
    char text[512];

    if (dropped == 0)
        return 0;
    snprintf(text, sizeof(text), "%zu more findings in document %zu are not shown",
             dropped, d->number);
    return json_array_append_new(s->notifications,
                                 json_pack("{s:s, s:o, s:[{s:{s:o}}]}", "level", "note",
                                           "message", text_of(text), "locations",
                                           "physicalLocation", "artifactLocation",
                                           artifact_location(d->source)));
}

int cli_sarif_add(cli_sarif *s, const ol_ruleset *rs, const cli_doc *d)
{
    size_t i, n = ol_report_count(d->report);

    for (i = 0; i < n; i++) {
        const ol_finding *f = ol_report_get(d->report, i);
        json_int_t index = rule_index(s, rs, f->rule);

        if (index < 0 || json_array_append_new(s->results, result(d, f, index)) != 0)
            return -1;
    }
    return note_dropped(s, d);
}

/* ---- the log ---------------------------------------------------------------------- */

static json_t *driver(const cli_sarif *s)
{
    json_t *drv = json_pack("{s:s, s:s, s:O}", "name", "orderlint", "version",
                            ol_version(), "rules", s->rules);

    /* informationUri must be an absolute URI: given only when configure
     * knows the project's (AC_INIT's URL). */
    if (drv && PACKAGE_URL[0] &&
        json_object_set_new(drv, "informationUri", json_string(PACKAGE_URL)) != 0) {
        json_decref(drv);
        drv = NULL;
    }
    return drv;
}

int cli_sarif_print(cli_sarif *s, FILE *out, int trouble)
{
    json_t *log = json_pack("{s:s, s:s, s:[{s:{s:o}, s:s, s:O, s:[{s:b, s:O}]}]}",
                            "$schema", SARIF_SCHEMA, "version", "2.1.0", "runs", "tool",
                            "driver", driver(s), "columnKind", "unicodeCodePoints",
                            "results", s->results, "invocations", "executionSuccessful",
                            !trouble, "toolExecutionNotifications", s->notifications);
    int rc = log ? json_dumpf(log, out, JSON_INDENT(2)) : -1;

    if (rc == 0)
        fputc('\n', out);
    json_decref(log);
    return rc == 0 ? 0 : -1;
}
