/*
 * cli.h: what the files of the orderlint tool share. The tool is a client of
 * the public API (orderlint.h) only, like any merchant's program.
 *
 *   orderlint.c  main: the ruleset, the run, the exit status
 *   args.c       the command line and the check context it describes
 *   rfc3339.c    RFC 3339 times to seconds since the epoch
 *   input.c      operands: files, directories, standard input, NDJSON
 *   jobs.c       checking documents, at once or on worker threads
 *   progress.c   the progress line on a terminal
 *   output.c     the text, json and klarna formats and the summary
 *   source-line.c the source line and caret after a text finding
 *   sarif.c      the sarif format, one SARIF 2.1.0 log for the whole run
 *   config.c     the project's configuration file (.orderlint.json)
 *   jsonpos.c    where a member of a JSON text is, for the config's messages
 *   rules-list.c --list-rules and --explain
 *   rule_examples.c  (generated) the examples of --explain, from the corpus
 */
#ifndef OL_CLI_H
#define OL_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "orderlint.h"

#if defined(__GNUC__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

/* Exit statuses: the command-line contract of DESIGN.md. */
#define CLI_EXIT_CLEAN 0    /* no document has an error */
#define CLI_EXIT_REJECTED 1 /* a document has one (or a warning, with --strict) */
#define CLI_EXIT_TROUBLE 2  /* the tool could not do its job */

/* Returned by cli_parse_args when the run should go on. */
#define CLI_CONTINUE (-1)

typedef enum cli_format {
    CLI_FORMAT_TEXT,
    CLI_FORMAT_JSON,
    CLI_FORMAT_KLARNA,
    CLI_FORMAT_SARIF
} cli_format;

/* --color: auto colours the text format on a terminal, unless NO_COLOR is
 * set and not empty (https://no-color.org) or TERM is dumb or unset; the
 * explicit always and never win over NO_COLOR. */
typedef enum cli_color { CLI_COLOR_AUTO, CLI_COLOR_ALWAYS, CLI_COLOR_NEVER } cli_color;

/* What the run does: check documents, or tell about the rules or the
 * configuration and exit. */
typedef enum cli_action {
    CLI_ACTION_CHECK,
    CLI_ACTION_LIST_RULES,  /* --list-rules */
    CLI_ACTION_EXPLAIN,     /* --explain=ID */
    CLI_ACTION_PRINT_CONFIG /* --print-config [FILE]... */
} cli_action;

/* The command line, parsed. Strings point into argv; the json_t members are
 * owned and released by cli_options_free. */
typedef struct cli_options {
    ol_kind kind;
    int kind_given; /* --kind was given: it wins over the config's globs */
    cli_action action;
    const char *explain;     /* --explain=ID */
    const char *print_file;  /* --print-config=FILE (also: the operands) */
    const char *config_file; /* --config=FILE */
    int no_config;           /* --no-config */
    cli_format format;
    cli_color color;
    int ndjson;   /* --ndjson: every input holds one document per line */
    int strict;   /* --strict: warnings count as errors for the exit status */
    long jobs;    /* --jobs=N: threads that check; 1 checks on the main thread */
    int progress; /* 0: --no-progress; 1: on a terminal (the default) */
    const char **rule_files;
    size_t nrule_files;
    const char **disabled;
    size_t ndisabled;
    char **operands;
    size_t noperands;
    json_t *session;
    json_t *authorized;
    json_t *order;
    ol_context ctx;    /* borrows the members above */
    ol_options limits; /* --max-bytes, --max-depth, ...: the ruleset's */
} cli_options;

typedef struct cli_config cli_config;

/* The progress line (progress.c); the writer's alone. */
typedef struct cli_progress {
    int on;         /* stderr is a terminal and --no-progress was not given */
    int shown;      /* the line is on the screen now */
    int stdout_tty; /* the results go to a terminal too */
    double start;   /* seconds, CLOCK_MONOTONIC */
    double last;    /* when the line was last drawn */
    double total;   /* bytes of input, when known; else 0 */
    double bytes;   /* bytes of the documents reported so far */
    size_t documents;
} cli_progress;

/* State of a run: the counts for the summary and whether the tool failed.
 * Everything here but pool and config (whose counters are atomic) is
 * changed by one thread only: the writer
 * (jobs.c), or the main thread with one job. */
typedef struct cli_run {
    const cli_options *opts;
    const ol_ruleset *rs;
    cli_config *config; /* the kinds and suppressions of the inputs */
    size_t documents;
    size_t valid;
    size_t rejected;
    size_t warnings;
    json_t *by_error_code;   /* error_code -> number of rejected documents */
    json_t *by_rule;         /* rule id -> number of findings */
    int trouble;             /* nonzero: something could not be done, exit 2 */
    int color;               /* the text format uses ANSI colours */
    struct cli_sarif *sarif; /* the sarif format's log, written at the end */
    cli_progress progress;
    struct cli_pool *pool; /* the worker threads; NULL with one job */
} cli_run;

/* A document as the reader found it. */
typedef struct cli_doc_in {
    const char *source; /* the file name as given, or "<stdin>" */
    size_t number;      /* 1-based within its source */
    size_t first_line;  /* physical line of the source where it starts */
    ol_kind kind;       /* what to check it as */
    size_t bytes;       /* bytes of input it stands for (the progress line) */
} cli_doc_in;

/* One checked document, as the formats see it. */
typedef struct cli_doc {
    const char *source; /* the file name as given, or "<stdin>" */
    size_t number;      /* 1-based within its source */
    size_t first_line;  /* physical line of the source where it starts */
    ol_kind kind;       /* what it was checked as */
    const char *text;   /* the document's bytes (not NUL-terminated) */
    size_t len;
    const ol_report *report;
} cli_doc;

/* args.c */
int cli_parse_args(cli_options *o, int argc, char **argv);
void cli_options_free(cli_options *o);

/* rfc3339.c: 0 and *out set, or -1 when s is not an RFC 3339 date-time. */
int cli_parse_rfc3339(const char *s, int64_t *out);

/* input.c */
void cli_check_operand(cli_run *run, const char *operand);
/* Read all of f into *data (a realloc-able buffer of *cap bytes), keeping its
 * first keep bytes: *len is what was kept, *total what was read. When all of
 * f is kept, there is room past *len for a NUL. Returns 0, or -1 with errno
 * set. */
int cli_read_all(FILE *f, char **data, size_t *cap, size_t *len, size_t keep,
                 size_t *total);
/* Bytes in the operands when all of them are regular files (or stdin is
 * one), for the progress line's percentage; else 0. */
double cli_input_size(const cli_options *o);

/* jobs.c: with jobs > 1, start the threads (0, or -1 when they cannot be). */
int cli_jobs_start(cli_run *run, long jobs);
/* Wait until every document submitted is reported; stop the threads. */
void cli_jobs_finish(cli_run *run);
/* Check the document (*buf)[0..len) and report it, now or, with threads,
 * once the documents before it are reported. *buf and *cap may come back
 * as another buffer (realloc-able, possibly NULL): the caller reuses or
 * frees what it gets back. */
void cli_submit(cli_run *run, const cli_doc_in *in, char **buf, size_t *cap, size_t len);
/* Check the document text[0..len), which the caller may reuse once this
 * returns: with one job it is checked in place, with threads copied into a
 * slot of the ring. */
void cli_submit_text(cli_run *run, const cli_doc_in *in, const char *text, size_t len);
/* The reader's trouble ("FILE: No such file"), reported at its place among
 * the documents; the run will exit 2. */
void cli_input_fail(cli_run *run, const char *fmt, ...) CLI_PRINTF(2, 3);

/* jsonline.c: JSON text straight to a stream, as json_dumps writes it.
 * cli_json_string writes s (NULL as ""), and a string that is not UTF-8
 * (cli_utf8_valid says) with '?' for its non-ASCII bytes. */
int cli_utf8_valid(const char *s);
int cli_utf8_valid_n(const char *s, size_t len); /* NUL bytes count as valid */
void cli_json_string(FILE *out, const char *s);
void cli_json_int(FILE *out, json_int_t n);
/* json_dumps, but NULL whenever a part of the text could not be stored
 * (out of memory), where jansson's may leave out an object's key; free()
 * the result. */
char *cli_json_dumps(const json_t *v, size_t flags);

/* jsonalloc.c: jansson's allocator, a cache of small blocks per thread.
 * Install it before the first jansson call; a thread that allocated with
 * jansson calls cli_jsonalloc_thread_end before it ends, which gives the
 * cache back to malloc (the blocks in use stay valid). */
void cli_jsonalloc_install(void);
/* What it installs: malloc and free for jansson (tests/check_jsonalloc.c). */
void *cli_json_alloc(size_t size);
void cli_json_release(void *p);
#define CLI_JSONALLOC_CACHE_BYTES ((size_t)256 << 10) /* a thread's at most */
void cli_jsonalloc_thread_end(void);
size_t cli_jsonalloc_cached(void); /* bytes in the calling thread's cache */
/* jansson 2.14's reader does not check that it could save a character of a
 * token (lex_save in its load.c; jansson issue #362): out of memory there,
 * it drops the character, or reads and writes past the end of its buffers.
 * So while the calling thread reads text with json_load* (on), an
 * allocation that fails ends the program with "out of memory" and status
 * 2, before jansson sees the NULL. The command line does so for the files
 * it reads itself, and while it checks a document: the library's loader
 * builds the tree with jansson's allocator, and a text that is not JSON is
 * read again by json_loadb, for jansson's message. Only with the allocator
 * installed: not under AddressSanitizer. */
void cli_jsonalloc_reading(int on);

/* progress.c */
void cli_progress_start(cli_run *run, double total_bytes);
void cli_progress_advance(cli_run *run, size_t bytes);
/* Take the line off the screen before a message on stderr. */
void cli_progress_clear(cli_run *run);
/* The same when the results go to the same terminal. */
void cli_progress_clear_for_stdout(cli_run *run);

/* output.c */
int cli_run_init(cli_run *run, const cli_options *o, const ol_ruleset *rs);
void cli_run_free(cli_run *run);
void cli_report_document(cli_run *run, const cli_doc *doc);
void cli_report_summary(cli_run *run);

/* source-line.c: after a finding's FILE:LINE:COL line, the line of d it
 * points into and a caret under the value (nothing when it has no place). */
void cli_print_source_line(FILE *out, const cli_doc *d, const ol_finding *f, int color);

/* sarif.c: the findings of every document, kept until the end of the run,
 * then written as one SARIF log. cli_sarif_add and cli_sarif_print return 0,
 * or -1 when out of memory. */
typedef struct cli_sarif cli_sarif;
cli_sarif *cli_sarif_new(void);
int cli_sarif_add(cli_sarif *s, const ol_ruleset *rs, const cli_doc *d);
int cli_sarif_print(cli_sarif *s, FILE *out, int trouble);
/* A message of cli_fail, as an error notification of the run. */
int cli_sarif_trouble(cli_sarif *s, const char *message);
void cli_sarif_free(cli_sarif *s);

/* config.c: the configuration file (README.md, "Configuration"). Its
 * errors are printed as FILE:LINE:COL: error: ..., and the calls that can
 * meet one return -1 (the tool then exits 2). */
int cli_config_load(cli_config **out, const cli_options *o);
void cli_config_free(cli_config *c);
/* Its rule files, to load before those of --rules. */
int cli_config_add_rule_files(const cli_config *c, ol_ruleset *rs);
/* Its severities and disabled rules, once every rule file is loaded; every
 * rule id it names must be one of the ruleset's. */
int cli_config_set_rules(const cli_config *c, ol_ruleset *rs);
/* What applies to one input (source as in cli_doc): the kind to check it
 * as, and dropping the findings the config suppresses for it. Safe to call
 * from several threads at once. Each returns 0, or -1 out of memory, when
 * what applies is not known: *kind is then the default and r unchanged,
 * and the input must not be reported as if nothing applied. */
int cli_config_kind(const cli_config *c, const char *source, ol_kind *kind);
int cli_config_suppress(cli_config *c, const char *source, ol_report *r);
/* After the run: warn on stderr about each suppression that applied to a
 * checked input and dropped nothing, their number in *unused. Returns -1
 * (out of memory, said) when a warning had to leave out its place. */
int cli_config_report_unused(const cli_config *c, size_t *unused);
/* --print-config: what applies to file (NULL: to any input). */
int cli_config_print(const cli_config *c, const cli_options *o, const char *file);

/* jsonpos.c: where the members of a JSON text jansson has accepted are.
 * cli_json_places_new borrows text (it must outlive the result) and reads
 * nothing yet: NULL only when out of memory. cli_json_place gives the
 * 1-based line and column (in characters) of the member pointer names (RFC
 * 6901, "~0" and "~1" escapes): of its key when key is nonzero (for an
 * object member), else of its value; where a segment cannot be found, of
 * the deepest value found. It returns 0, or -1 out of memory, when the place
 * is not known: line and column are then 0, and cli_json_places_failures
 * (the number of such lookups so far; NULL has none) grows. A lookup does
 * not rescan the text from its start (what it lists is kept), so it is not
 * safe from several threads at once. */
typedef struct cli_json_places cli_json_places;
cli_json_places *cli_json_places_new(const char *text, size_t len);
void cli_json_places_free(cli_json_places *p);
int cli_json_place(cli_json_places *p, const char *pointer, int key, int *line,
                   int *column);
size_t cli_json_places_failures(const cli_json_places *p);

/* rules-list.c */
int cli_list_rules(const ol_ruleset *rs, cli_format format);
int cli_explain_rule(const ol_ruleset *rs, const char *id, cli_format format);

/* rule_examples.c, generated by build-aux/gen-rule-examples.sh: for every
 * built-in rule, an example that fails it and one that passes, from the
 * corpus. */
typedef struct cli_example {
    const char *case_name; /* the corpus case, "tax/line-tax-one-below"; NULL: none */
    const char *kind;      /* what it is checked as */
    const char *input;     /* the document's bytes */
    size_t input_len;
    const char *session; /* the context documents it needs, or NULL */
    const char *authorized;
    const char *order;
    const char *context;    /* ids and times, lines "NAME VALUE" (corpus/README.md) */
    const char *limits;     /* the library limits it is checked with, or NULL */
    const char *rules_name; /* a rule file it is checked with (its name), or NULL */
    const char *rules;
} cli_example;

typedef struct cli_rule_examples {
    const char *rule;
    cli_example fail, pass;
} cli_rule_examples;

extern const cli_rule_examples cli_builtin_examples[];
extern const size_t cli_builtin_example_count;

/* "orderlint: MESSAGE" on stderr. */
void cli_error(const char *fmt, ...) CLI_PRINTF(1, 2);
/* The same, and the run will exit 2; the other inputs are still checked. */
void cli_fail(cli_run *run, const char *fmt, ...) CLI_PRINTF(2, 3);

#endif /* OL_CLI_H */
