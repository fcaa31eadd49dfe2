/*
 * args.c: the command line (DESIGN.md, "The command line") and the check
 * context it describes.
 */
#define _POSIX_C_SOURCE 200809L /* sysconf */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Long-only options get values past any character. */
enum {
    OPT_KIND = 256,
    OPT_FORMAT,
    OPT_COLOR,
    OPT_NDJSON,
    OPT_STRICT,
    OPT_JOBS,
    OPT_NO_PROGRESS,
    OPT_SESSION,
    OPT_AUTHORIZED,
    OPT_ORDER,
    OPT_SESSION_ID,
    OPT_TOKEN,
    OPT_CREATED_AT,
    OPT_AUTHORIZED_AT,
    OPT_NOW,
    OPT_RULES,
    OPT_DISABLE,
    OPT_CONFIG,
    OPT_NO_CONFIG,
    OPT_PRINT_CONFIG,
    OPT_LIST_RULES,
    OPT_EXPLAIN,
    OPT_MAX_BYTES,
    OPT_MAX_DEPTH,
    OPT_MAX_FINDINGS,
    OPT_REGEX_MATCH_LIMIT,
    OPT_REGEX_DEPTH_LIMIT,
    OPT_HELP,
    OPT_VERSION
};

/* The most jobs --jobs accepts: a bound on threads, not on documents. */
#define MAX_JOBS 1024

static const struct option long_options[] = {
    {"kind", required_argument, NULL, OPT_KIND},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"color", required_argument, NULL, OPT_COLOR},
    {"ndjson", no_argument, NULL, OPT_NDJSON},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"jobs", required_argument, NULL, OPT_JOBS},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"session", required_argument, NULL, OPT_SESSION},
    {"authorized", required_argument, NULL, OPT_AUTHORIZED},
    {"order", required_argument, NULL, OPT_ORDER},
    {"session-id", required_argument, NULL, OPT_SESSION_ID},
    {"token", required_argument, NULL, OPT_TOKEN},
    {"created-at", required_argument, NULL, OPT_CREATED_AT},
    {"authorized-at", required_argument, NULL, OPT_AUTHORIZED_AT},
    {"now", required_argument, NULL, OPT_NOW},
    {"rules", required_argument, NULL, OPT_RULES},
    {"disable", required_argument, NULL, OPT_DISABLE},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"no-config", no_argument, NULL, OPT_NO_CONFIG},
    {"print-config", optional_argument, NULL, OPT_PRINT_CONFIG},
    {"list-rules", no_argument, NULL, OPT_LIST_RULES},
    {"explain", required_argument, NULL, OPT_EXPLAIN},
    {"max-bytes", required_argument, NULL, OPT_MAX_BYTES},
    {"max-depth", required_argument, NULL, OPT_MAX_DEPTH},
    {"max-findings", required_argument, NULL, OPT_MAX_FINDINGS},
    {"regex-match-limit", required_argument, NULL, OPT_REGEX_MATCH_LIMIT},
    {"regex-depth-limit", required_argument, NULL, OPT_REGEX_DEPTH_LIMIT},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0}};

static const char usage_text[] =
    "Usage: orderlint [OPTION]... [FILE|DIR|-]...\n"
    "Check Klarna Payments request bodies before they are sent: report what\n"
    "Klarna would reject, and the error body it would answer with.\n"
    "\n"
    "With no FILE, or when FILE is -, read standard input. A DIR is searched\n"
    "recursively for *.json, *.ndjson and *.jsonl files, in sorted order.\n"
    "A *.ndjson or *.jsonl file holds one document per line.\n"
    "\n"
    "What is checked:\n"
    "      --kind=KIND         the request the documents are for: create-session\n"
    "                          (default), update-session, create-order, load,\n"
    "                          authorize, reauthorize, finalize, capture, refund\n"
    "      --ndjson            read every input as one document per line\n"
    "      --rules=FILE        add the rules of FILE (repeatable)\n"
    "      --disable=ID        switch off the rule ID (repeatable)\n"
    "\n"
    "Configuration (README.md, \"Configuration\"):\n"
    "      --config=FILE       read the configuration from FILE; by default it is\n"
    "                          the first .orderlint.json found walking up from\n"
    "                          the current directory (stopping at a directory\n"
    "                          holding .git, or at /)\n"
    "      --no-config         use no configuration file\n"
    "      --print-config [FILE]...  show what applies to each FILE (the file,\n"
    "                          its kind, rule files, severities, disabled rules,\n"
    "                          suppressions) and exit\n"
    "  --kind wins over the configuration's globs; --rules and --disable add to\n"
    "  its rule files and disabled rules.\n"
    "\n"
    "The rules:\n"
    "      --list-rules        list every rule (id, severity, kinds, Klarna's\n"
    "                          message, why) and exit; --format=json: a JSON array\n"
    "      --explain=ID        show the rule ID in full, with an example that\n"
    "                          fails it and one that passes, and exit\n"
    "\n"
    "Limits (a document past one is rejected with a finding that says so):\n"
    "      --max-bytes=N       the largest document, in bytes (default 16777216)\n"
    "      --max-depth=N       the deepest nesting, 1 to 2048 (default 64)\n"
    "      --max-findings=N    findings listed per document, then a note of how\n"
    "                          many more (default 200)\n"
    "      --regex-match-limit=N  steps one regular expression of a rule may\n"
    "                          take on a value (default 100000)\n"
    "      --regex-depth-limit=N  its backtracking depth (default 1000)\n"
    "\n"
    "Context of the request:\n"
    "      --session=FILE      the session an update (or JS SDK data) changes\n"
    "      --authorized=FILE   the data authorized before a create-order\n"
    "      --order=FILE        the order a capture or refund acts on\n"
    "      --session-id=ID     the session id in the request path\n"
    "      --token=TOKEN       the authorization token in the request path\n"
    "      --created-at=TIME   when the session was created (RFC 3339)\n"
    "      --authorized-at=TIME  when the authorization token was issued\n"
    "      --now=TIME          when the request would be sent\n"
    "\n"
    "Output:\n"
    "      --format=FORMAT     text (default): FILE:LINE:COL: error: MESSAGE [RULE],\n"
    "                            then the line of the file and a caret under the value\n"
    "                          json: one object per document, then a summary\n"
    "                          klarna: Klarna's error body per rejected document\n"
    "                          sarif: one SARIF 2.1.0 log for code scanning, written\n"
    "                            at the end (it holds every finding in memory)\n"
    "      --color=WHEN        colour the text format: auto (default: on a terminal,\n"
    "                          unless NO_COLOR is set and not empty), always, never\n"
    "      --strict            warnings (and suppressions of the configuration\n"
    "                          that matched nothing) make the exit status 1 too\n"
    "      --jobs=N            check on N threads (1 to 1024; default: the\n"
    "                          number of processors); results stay in input order\n"
    "      --no-progress       no progress line (there is one on stderr when\n"
    "                          stderr is a terminal)\n"
    "      --help              display this help and exit\n"
    "      --version           output version information and exit\n"
    "\n"
    "Exit status: 0 when no document has an error, 1 when one has, 2 when\n"
    "orderlint could not do its job (a bad option, an unreadable file).\n";

static void print_version(void)
{
    printf("orderlint (orderlint) %s\n", PACKAGE_VERSION);
    printf("liborderlint %s\n", ol_version());
}

static int usage_error(void)
{
    fputs("Try 'orderlint --help' for more information.\n", stderr);
    return CLI_EXIT_TROUBLE;
}

static int parse_kind(cli_options *o, const char *arg)
{
    int k;

    if (ol_kind_parse(&o->kind, arg) == OL_OK) {
        o->kind_given = 1;
        return CLI_CONTINUE;
    }
    cli_error("unknown kind '%s'; the kinds are:", arg);
    for (k = 0; k < OL_KIND_COUNT_; k++)
        fprintf(stderr, "  %s\n", ol_kind_name((ol_kind)k));
    return usage_error();
}

static int parse_format(cli_options *o, const char *arg)
{
    if (strcmp(arg, "text") == 0)
        o->format = CLI_FORMAT_TEXT;
    else if (strcmp(arg, "json") == 0)
        o->format = CLI_FORMAT_JSON;
    else if (strcmp(arg, "klarna") == 0)
        o->format = CLI_FORMAT_KLARNA;
    else if (strcmp(arg, "sarif") == 0)
        o->format = CLI_FORMAT_SARIF;
    else {
        cli_error("unknown format '%s' (text, json, klarna or sarif)", arg);
        return usage_error();
    }
    return CLI_CONTINUE;
}

static int parse_color(cli_options *o, const char *arg)
{
    if (strcmp(arg, "auto") == 0)
        o->color = CLI_COLOR_AUTO;
    else if (strcmp(arg, "always") == 0)
        o->color = CLI_COLOR_ALWAYS;
    else if (strcmp(arg, "never") == 0)
        o->color = CLI_COLOR_NEVER;
    else {
        cli_error("--color needs auto, always or never, not '%s'", arg);
        return usage_error();
    }
    return CLI_CONTINUE;
}

static int parse_jobs(cli_options *o, const char *arg)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(arg, &end, 10);
    if (errno != 0 || end == arg || *end != '\0' || n < 1 || n > MAX_JOBS) {
        cli_error("--jobs needs a whole number from 1 to %d, not '%s'", MAX_JOBS, arg);
        return usage_error();
    }
    o->jobs = n;
    return CLI_CONTINUE;
}

/* --max-bytes and the other limits: a whole number from 1 to max. */
static int parse_limit(unsigned long long *out, const char *option, const char *arg,
                       unsigned long long max)
{
    char *end;
    unsigned long long n;

    errno = 0;
    n = strtoull(arg, &end, 10);
    if (errno != 0 || end == arg || *end != '\0' || arg[0] == '-' || n < 1 || n > max) {
        cli_error("--%s needs a whole number from 1 to %llu, not '%s'", option, max, arg);
        return usage_error();
    }
    *out = n;
    return CLI_CONTINUE;
}

static int limit_option(cli_options *o, int c, const char *arg)
{
    unsigned long long n = 0;
    int rc;

    switch (c) {
    case OPT_MAX_BYTES:
        rc = parse_limit(&n, "max-bytes", arg, SIZE_MAX);
        o->limits.max_bytes = (size_t)n;
        return rc;
    case OPT_MAX_DEPTH:
        rc = parse_limit(&n, "max-depth", arg, OL_MAX_DEPTH_LIMIT);
        o->limits.max_depth = (size_t)n;
        return rc;
    case OPT_MAX_FINDINGS:
        rc = parse_limit(&n, "max-findings", arg, SIZE_MAX);
        o->limits.max_findings = (size_t)n;
        return rc;
    case OPT_REGEX_MATCH_LIMIT:
        rc = parse_limit(&n, "regex-match-limit", arg, UINT32_MAX);
        o->limits.regex_match_limit = (uint32_t)n;
        return rc;
    default: /* OPT_REGEX_DEPTH_LIMIT */
        rc = parse_limit(&n, "regex-depth-limit", arg, UINT32_MAX);
        o->limits.regex_depth_limit = (uint32_t)n;
        return rc;
    }
}

/* Open a context file past its UTF-8 byte-order mark, if it has one (as
 * for a body, a file saved by a Windows tool is read as it was meant). */
static FILE *open_past_bom(const char *path)
{
    FILE *f = fopen(path, "rb");
    char head[3];

    if (f && (fread(head, 1, 3, f) != 3 || memcmp(head, "\xEF\xBB\xBF", 3) != 0))
        rewind(f);
    return f;
}

/* Load a JSON file of the context (--session, --authorized, --order): a
 * JSON object, else the tool cannot do its job. */
static int load_json(json_t **dst, const char *option, const char *path)
{
    json_error_t jerr;
    FILE *f = open_past_bom(path);
    json_t *v;

    if (!f) {
        cli_error("--%s: %s: %s", option, path, strerror(errno));
        return CLI_EXIT_TROUBLE;
    }
    cli_jsonalloc_reading(1);
    v = json_loadf(f, JSON_ALLOW_NUL, &jerr);
    cli_jsonalloc_reading(0);
    fclose(f);
    if (!v) {
        if (jerr.line > 0)
            cli_error("--%s: %s:%d:%d: %s", option, path, jerr.line, jerr.column,
                      jerr.text);
        else
            cli_error("--%s: %s: %s", option, path, jerr.text);
        return CLI_EXIT_TROUBLE;
    }
    if (!json_is_object(v)) {
        cli_error("--%s: %s: not a JSON object", option, path);
        json_decref(v);
        return CLI_EXIT_TROUBLE;
    }
    json_decref(*dst); /* given twice: the last one counts */
    *dst = v;
    return CLI_CONTINUE;
}

static int parse_time(int64_t *dst, const char *option, const char *arg)
{
    if (cli_parse_rfc3339(arg, dst) == 0)
        return CLI_CONTINUE;
    cli_error("--%s: '%s' is not an RFC 3339 time (like 2024-05-01T12:00:00Z)", option,
              arg);
    return usage_error();
}

/* The options that fill the check context. */
static int context_option(cli_options *o, int c, const char *arg)
{
    switch (c) {
    case OPT_SESSION:
        return load_json(&o->session, "session", arg);
    case OPT_AUTHORIZED:
        return load_json(&o->authorized, "authorized", arg);
    case OPT_ORDER:
        return load_json(&o->order, "order", arg);
    case OPT_SESSION_ID:
        o->ctx.session_id = arg;
        return CLI_CONTINUE;
    case OPT_TOKEN:
        o->ctx.token = arg;
        return CLI_CONTINUE;
    case OPT_CREATED_AT:
        return parse_time(&o->ctx.created_at, "created-at", arg);
    case OPT_AUTHORIZED_AT:
        return parse_time(&o->ctx.authorized_at, "authorized-at", arg);
    default: /* OPT_NOW */
        return parse_time(&o->ctx.now, "now", arg);
    }
}

/* --list-rules, --explain and --print-config each do one thing instead of
 * checking: at most one of them. */
static int set_action(cli_options *o, cli_action action, const char *option)
{
    if (o->action != CLI_ACTION_CHECK && o->action != action) {
        cli_error("%s cannot be combined with --list-rules, --explain or --print-config",
                  option);
        return usage_error();
    }
    o->action = action;
    return CLI_CONTINUE;
}

/* The options of the configuration and of the rules as information. */
static int config_option(cli_options *o, int c, const char *arg)
{
    switch (c) {
    case OPT_CONFIG:
        o->config_file = arg;
        return CLI_CONTINUE;
    case OPT_NO_CONFIG:
        o->no_config = 1;
        return CLI_CONTINUE;
    case OPT_PRINT_CONFIG:
        o->print_file = arg;
        return set_action(o, CLI_ACTION_PRINT_CONFIG, "--print-config");
    case OPT_LIST_RULES:
        return set_action(o, CLI_ACTION_LIST_RULES, "--list-rules");
    default: /* OPT_EXPLAIN */
        o->explain = arg;
        return set_action(o, CLI_ACTION_EXPLAIN, "--explain");
    }
}

static int one_option(cli_options *o, int c, char *arg)
{
    if (c >= OPT_CONFIG && c <= OPT_EXPLAIN)
        return config_option(o, c, arg);
    switch (c) {
    case OPT_KIND:
        return parse_kind(o, arg);
    case OPT_FORMAT:
        return parse_format(o, arg);
    case OPT_COLOR:
        return parse_color(o, arg);
    case OPT_NDJSON:
        o->ndjson = 1;
        return CLI_CONTINUE;
    case OPT_STRICT:
        o->strict = 1;
        return CLI_CONTINUE;
    case OPT_JOBS:
        return parse_jobs(o, arg);
    case OPT_NO_PROGRESS:
        o->progress = 0;
        return CLI_CONTINUE;
    case OPT_RULES:
        o->rule_files[o->nrule_files++] = arg;
        return CLI_CONTINUE;
    case OPT_DISABLE:
        o->disabled[o->ndisabled++] = arg;
        return CLI_CONTINUE;
    case OPT_MAX_BYTES:
    case OPT_MAX_DEPTH:
    case OPT_MAX_FINDINGS:
    case OPT_REGEX_MATCH_LIMIT:
    case OPT_REGEX_DEPTH_LIMIT:
        return limit_option(o, c, arg);
    case OPT_HELP:
        fputs(usage_text, stdout);
        return CLI_EXIT_CLEAN;
    case OPT_VERSION:
        print_version();
        return CLI_EXIT_CLEAN;
    default:
        return context_option(o, c, arg);
    }
}

/* getopt_long's own messages would name the libtool wrapper's argv[0];
 * these name the tool. */
static int bad_option(int c, char **argv)
{
    const char *opt = argv[optind - 1];

    if (c == ':')
        cli_error("option '%s' requires an argument", opt);
    else if (optopt >= OPT_KIND) /* a long option given a value it does not take */
        cli_error("option '%s' doesn't allow an argument", opt);
    else if (optopt > 0) /* a short option: there are none */
        cli_error("invalid option -- '%c'", optopt);
    else
        cli_error("unrecognized or ambiguous option '%s'", opt);
    return usage_error();
}

/* One job per processor online, as many as --jobs accepts at most. */
static long default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : n;
}

static int init_options(cli_options *o, int argc)
{
    static const ol_context ctx = OL_CONTEXT_INIT;

    memset(o, 0, sizeof(*o));
    o->kind = OL_KIND_CREATE_SESSION;
    o->format = CLI_FORMAT_TEXT;
    o->color = CLI_COLOR_AUTO;
    o->jobs = default_jobs();
    o->progress = 1;
    o->ctx = ctx;
    ol_options_init(&o->limits, OL_OPTIONS_VERSION);
    /* --rules and --disable take at most one argument each. */
    o->rule_files = calloc((size_t)argc, sizeof(*o->rule_files));
    o->disabled = calloc((size_t)argc, sizeof(*o->disabled));
    if (!o->rule_files || !o->disabled) {
        cli_error("out of memory");
        return CLI_EXIT_TROUBLE;
    }
    return CLI_CONTINUE;
}

int cli_parse_args(cli_options *o, int argc, char **argv)
{
    int c, rc = init_options(o, argc);

    opterr = 0;
    while (rc == CLI_CONTINUE) {
        c = getopt_long(argc, argv, ":", long_options, NULL);
        if (c == -1)
            break;
        if (c == '?' || c == ':')
            rc = bad_option(c, argv);
        else
            rc = one_option(o, c, optarg);
    }
    if (rc != CLI_CONTINUE)
        return rc;
    if (o->config_file && o->no_config) {
        cli_error("--config and --no-config contradict each other");
        return usage_error();
    }
    o->operands = argv + optind;
    o->noperands = (size_t)(argc - optind);
    o->ctx.session = o->session;
    o->ctx.authorized = o->authorized;
    o->ctx.order = o->order;
    return CLI_CONTINUE;
}

void cli_options_free(cli_options *o)
{
    free(o->rule_files);
    free(o->disabled);
    json_decref(o->session);
    json_decref(o->authorized);
    json_decref(o->order);
    memset(o, 0, sizeof(*o));
}
