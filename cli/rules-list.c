/*
 * rules-list.c: --list-rules (every rule of the ruleset: the built-in
 * table, the config's rule files, --rules) and --explain=ID (one rule in
 * full, with an example that fails it and one that passes, for the
 * built-in rules: cli_builtin_examples, made from the corpus at build time).
 *
 * The text forms are for reading; --format=json gives the same as JSON, for
 * tools. An example is printed as the command that checks it and its files,
 * each after a line "--- NAME", the last followed by "--- end", so that it
 * can be pasted, or cut out by a script (tests/explain-test.sh does).
 */
#define _POSIX_C_SOURCE 200809L /* gmtime_r */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define EXAMPLE_FILE "example.json"

/* ---- a rule ------------------------------------------------------------------ */

/* "all", or the kinds' names separated by sep. */
static void kinds_text(unsigned int kinds, char *buf, size_t cap)
{
    size_t n = 0;
    int k;

    buf[0] = '\0';
    if (kinds == (1u << OL_KIND_COUNT_) - 1) {
        snprintf(buf, cap, "all");
        return;
    }
    for (k = 0; k < OL_KIND_COUNT_; k++) {
        if (kinds & (1u << k))
            n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%s%s", n ? "," : "",
                                  ol_kind_name((ol_kind)k));
    }
}

static json_t *kinds_json(unsigned int kinds)
{
    json_t *a = json_array();
    int k;

    for (k = 0; a && k < OL_KIND_COUNT_; k++) {
        if ((kinds & (1u << k)) &&
            json_array_append_new(a, json_string(ol_kind_name((ol_kind)k))) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *rule_json(const ol_rule_info *r)
{
    return json_pack("{s:s, s:s, s:b, s:o, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:i}", "id",
                     r->id, "severity", ol_severity_name(r->severity), "enabled",
                     r->enabled, "kinds", kinds_json(r->kinds), "error_code",
                     r->error_code, "http_status", r->http_status, "klarna_message",
                     r->klarna_message, "message", r->message, "hint", r->hint,
                     "explanation", r->explanation, "file", r->file, "line", r->line);
}

/* Print v (taking it) as JSON on a line; -1 when there was none to print. */
static int print_json(json_t *v)
{
    char *s = cli_json_dumps(v, JSON_INDENT(2));

    json_decref(v);
    if (!s) {
        cli_error("out of memory");
        return -1;
    }
    puts(s);
    free(s);
    return 0;
}

static void print_rule_line(const ol_rule_info *r)
{
    char kinds[256];

    kinds_text(r->kinds, kinds, sizeof(kinds));
    printf("%s  %s  %s%s\n", r->id, ol_severity_name(r->severity), kinds,
           r->enabled ? "" : "  disabled");
    printf("    klarna:  %s\n", r->klarna_message);
    printf("    explain: %s\n", r->explanation);
}

static int format_ok(cli_format format, const char *option)
{
    if (format == CLI_FORMAT_TEXT || format == CLI_FORMAT_JSON)
        return 1;
    cli_error("%s prints --format=text or --format=json", option);
    return 0;
}

int cli_list_rules(const ol_ruleset *rs, cli_format format)
{
    size_t i, n = ol_ruleset_rule_count(rs);
    json_t *all;

    if (!format_ok(format, "--list-rules"))
        return CLI_EXIT_TROUBLE;
    if (format == CLI_FORMAT_TEXT) {
        for (i = 0; i < n; i++)
            print_rule_line(ol_ruleset_rule(rs, i));
        return CLI_EXIT_CLEAN;
    }
    all = json_array();
    for (i = 0; all && i < n; i++) {
        if (json_array_append_new(all, rule_json(ol_ruleset_rule(rs, i))) != 0) {
            json_decref(all);
            all = NULL;
        }
    }
    return print_json(all) == 0 ? CLI_EXIT_CLEAN : CLI_EXIT_TROUBLE;
}

/* ---- an example's command line -------------------------------------------------- */

/* The words after "orderlint": at most a few options and the file. */
typedef struct words {
    char *v[16];
    size_t n;
    int failed; /* a word could not be stored: the command would be wrong */
} words;

static void words_add(words *w, const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = w->n < sizeof(w->v) / sizeof(w->v[0]) ? malloc(la + lb + 1) : NULL;

    if (!s) {
        w->failed = 1; /* out of memory, or more words than fit */
        return;
    }
    memcpy(s, a, la);
    memcpy(s + la, b, lb + 1);
    w->v[w->n++] = s;
}

static void words_free(words *w)
{
    while (w->n > 0)
        free(w->v[--w->n]);
}

/* A time of the context file (seconds since the epoch) in RFC 3339. */
static void add_time(words *w, const char *option, const char *value)
{
    char text[64];
    time_t t = (time_t)strtoll(value, NULL, 10);
    struct tm tm;

    if (gmtime_r(&t, &tm) && strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm))
        words_add(w, option, text);
}

/* A value of the context file: the rest of the line, or a JSON string. */
static void add_value(words *w, const char *option, const char *value)
{
    json_error_t err;
    json_t *s;

    if (value[0] != '"') {
        words_add(w, option, value);
        return;
    }
    cli_jsonalloc_reading(1);
    s = json_loads(value, JSON_DECODE_ANY, &err);
    cli_jsonalloc_reading(0);
    if (json_is_string(s))
        words_add(w, option, json_string_value(s));
    else if (!s && json_error_code(&err) == json_error_out_of_memory)
        w->failed = 1;
    json_decref(s);
}

static void add_context_line(words *w, const char *line)
{
    static const struct {
        const char *name, *option;
        int is_time;
    } names[] = {{"session_id", "--session-id=", 0},
                 {"token", "--token=", 0},
                 {"created_at", "--created-at=", 1},
                 {"authorized_at", "--authorized-at=", 1},
                 {"now", "--now=", 1}};
    const char *space = strchr(line, ' ');
    size_t i, n = space ? (size_t)(space - line) : strlen(line);

    for (i = 0; space && i < sizeof(names) / sizeof(names[0]); i++) {
        if (strlen(names[i].name) != n || strncmp(line, names[i].name, n) != 0)
            continue;
        if (names[i].is_time)
            add_time(w, names[i].option, space + 1);
        else
            add_value(w, names[i].option, space + 1);
    }
}

static void add_context(words *w, const char *context)
{
    char *copy = context ? strdup(context) : NULL, *line, *save = NULL;

    for (line = copy ? strtok_r(copy, "\n", &save) : NULL; line;
         line = strtok_r(NULL, "\n", &save))
        add_context_line(w, line);
    free(copy);
}

/* What to type to check the example: no configuration (a project's own
 * could switch the rule off), its kind, its context, the file. */
static void example_words(words *w, const cli_example *ex)
{
    w->n = 0;
    w->failed = 0;
    words_add(w, "--no-config", "");
    words_add(w, "--kind=", ex->kind);
    if (ex->session)
        words_add(w, "--session=", "session.json");
    if (ex->authorized)
        words_add(w, "--authorized=", "authorized.json");
    if (ex->order)
        words_add(w, "--order=", "order.json");
    add_context(w, ex->context);
    if (ex->rules_name)
        words_add(w, "--rules=", ex->rules_name);
    words_add(w, EXAMPLE_FILE, "");
}

/* A word as the shell reads it back: quoted unless it is plain. */
static void print_word(const char *s)
{
    const char *p;

    if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                        "0123456789-_=.,:/+@%") == strlen(s)) {
        fputs(s, stdout);
        return;
    }
    putchar('\'');
    for (p = s; *p; p++) {
        if (*p == '\'')
            fputs("'\\''", stdout);
        else
            putchar(*p);
    }
    putchar('\'');
}

/* ---- an example, as text ----------------------------------------------------- */

static void print_file(const char *name, const char *text, size_t len)
{
    printf("--- %s\n", name);
    fwrite(text, 1, len, stdout);
    if (len > 0 && text[len - 1] != '\n')
        putchar('\n');
}

static void print_limits_note(const char *limits)
{
    ol_options defaults;

    ol_options_init(&defaults, OL_OPTIONS_VERSION);
    printf("  note: the corpus checks this example with the library limit %.*s\n"
           "  (ol_options), which the command line does not set: from it, a document\n"
           "  fails this rule past the default limit, %zu bytes.\n",
           (int)strcspn(limits, "\n"), limits, defaults.max_bytes);
}

/* -1 when the command could not be put together (out of memory). */
static int print_example(const char *title, const cli_example *ex)
{
    words w;
    size_t i;

    if (!ex->case_name) {
        printf("%s: none in the corpus.\n", title);
        return 0;
    }
    example_words(&w, ex);
    if (w.failed) {
        words_free(&w);
        return -1;
    }
    printf("%s (corpus case %s):\n  $ orderlint", title, ex->case_name);
    for (i = 0; i < w.n; i++) {
        putchar(' ');
        print_word(w.v[i]);
    }
    putchar('\n');
    words_free(&w);
    if (ex->limits)
        print_limits_note(ex->limits);
    print_file(EXAMPLE_FILE, ex->input, ex->input_len);
    if (ex->session)
        print_file("session.json", ex->session, strlen(ex->session));
    if (ex->authorized)
        print_file("authorized.json", ex->authorized, strlen(ex->authorized));
    if (ex->order)
        print_file("order.json", ex->order, strlen(ex->order));
    if (ex->rules_name)
        print_file(ex->rules_name, ex->rules, strlen(ex->rules));
    puts("--- end");
    return 0;
}

static const cli_rule_examples *examples_of(const char *id)
{
    size_t i;

    for (i = 0; i < cli_builtin_example_count; i++) {
        if (strcmp(cli_builtin_examples[i].rule, id) == 0)
            return &cli_builtin_examples[i];
    }
    return NULL;
}

static const char *or_none(const char *s) { return s[0] ? s : "(none)"; }

/* -1 when out of memory. */
static int explain_text(const ol_rule_info *r, const cli_rule_examples *ex)
{
    char kinds[256];

    kinds_text(r->kinds, kinds, sizeof(kinds));
    printf("%s\n", r->id);
    printf("  severity:    %s\n", ol_severity_name(r->severity));
    printf("  enabled:     %s\n", r->enabled ? "yes" : "no");
    printf("  kinds:       %s\n", kinds);
    printf("  error_code:  %s\n", r->error_code);
    printf("  http_status: %d\n", r->http_status);
    printf("  klarna:      %s\n", r->klarna_message);
    printf("  message:     %s\n", or_none(r->message));
    printf("  hint:        %s\n", or_none(r->hint));
    printf("  explanation: %s\n", or_none(r->explanation));
    printf("  defined at:  %s:%d\n", r->file, r->line);
    putchar('\n');
    if (!ex) {
        printf("Examples: none; %s comes from %s, and only the built-in rules have "
               "examples.\n",
               r->id, r->file);
        return 0;
    }
    if (print_example("Failing example", &ex->fail) != 0)
        return -1;
    putchar('\n');
    return print_example("Passing example", &ex->pass);
}

/* ---- an example, as JSON ---------------------------------------------------- */

static int set_file(json_t *files, const char *name, const char *text, size_t len)
{
    /* a text that is not UTF-8 (a malformed body) cannot be a JSON string */
    json_t *s = json_stringn(text, len);

    if (!s && cli_utf8_valid_n(text, len))
        return -1; /* out of memory */
    return json_object_set_new(files, name, s ? s : json_null());
}

static json_t *example_json(const cli_example *ex)
{
    json_t *o, *args = json_array(), *files = json_object();
    words w;
    size_t i;
    int bad = !args || !files;

    if (!ex->case_name || bad) {
        json_decref(args);
        json_decref(files);
        return bad ? NULL : json_null();
    }
    example_words(&w, ex);
    bad |= w.failed;
    for (i = 0; i < w.n; i++)
        bad |= json_array_append_new(args, json_string(w.v[i]));
    words_free(&w);
    bad |= set_file(files, EXAMPLE_FILE, ex->input, ex->input_len);
    if (ex->session)
        bad |= set_file(files, "session.json", ex->session, strlen(ex->session));
    if (ex->authorized)
        bad |= set_file(files, "authorized.json", ex->authorized, strlen(ex->authorized));
    if (ex->order)
        bad |= set_file(files, "order.json", ex->order, strlen(ex->order));
    if (ex->rules_name)
        bad |= set_file(files, ex->rules_name, ex->rules, strlen(ex->rules));
    o = json_pack("{s:s, s:s, s:o, s:o, s:s*}", "case", ex->case_name, "kind", ex->kind,
                  "arguments", args, "files", files, "limits", ex->limits);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *explain_json(const ol_rule_info *r, const cli_rule_examples *ex)
{
    json_t *o = rule_json(r);
    json_t *e = ex ? json_pack("{s:o, s:o}", "fail", example_json(&ex->fail), "pass",
                               example_json(&ex->pass))
                   : json_null();

    if (!e || json_object_set_new(o, "examples", e) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int cli_explain_rule(const ol_ruleset *rs, const char *id, cli_format format)
{
    const ol_rule_info *r = ol_ruleset_find_rule(rs, id);

    if (!format_ok(format, "--explain"))
        return CLI_EXIT_TROUBLE;
    if (!r) {
        cli_error("--explain=%s: no rule has that id (orderlint --list-rules lists them)",
                  id);
        return CLI_EXIT_TROUBLE;
    }
    if (format == CLI_FORMAT_JSON)
        return print_json(explain_json(r, examples_of(id))) == 0 ? CLI_EXIT_CLEAN
                                                                 : CLI_EXIT_TROUBLE;
    if (explain_text(r, examples_of(id)) != 0) {
        cli_error("out of memory");
        return CLI_EXIT_TROUBLE;
    }
    return CLI_EXIT_CLEAN;
}
