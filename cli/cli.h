/*
 * cli.h: what the files of the orderlint tool share. The tool is a client of
 * the public API (orderlint.h) only, like any merchant's program.
 *
 *   orderlint.c  main: the ruleset, the run, the exit status
 *   args.c       the command line and the check context it describes
 *   rfc3339.c    RFC 3339 times to seconds since the epoch
 *   input.c      operands: files, directories, standard input, NDJSON
 *   output.c     the text, json and klarna formats and the summary
 */
#ifndef OL_CLI_H
#define OL_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "orderlint.h"

/* Exit statuses: the command-line contract of DESIGN.md. */
#define CLI_EXIT_CLEAN 0    /* no document has an error */
#define CLI_EXIT_REJECTED 1 /* a document has one (or a warning, with --strict) */
#define CLI_EXIT_TROUBLE 2  /* the tool could not do its job */

/* Returned by cli_parse_args when the run should go on. */
#define CLI_CONTINUE (-1)

typedef enum cli_format {
    CLI_FORMAT_TEXT,
    CLI_FORMAT_JSON,
    CLI_FORMAT_KLARNA
} cli_format;

/* The command line, parsed. Strings point into argv; the json_t members are
 * owned and released by cli_options_free. */
typedef struct cli_options {
    ol_kind kind;
    cli_format format;
    int ndjson; /* --ndjson: every input holds one document per line */
    int strict; /* --strict: warnings count as errors for the exit status */
    long jobs;  /* --jobs=N: validated; documents are still checked in order */
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

/* State of a run: the counts for the summary and whether the tool failed. */
typedef struct cli_run {
    const cli_options *opts;
    const ol_ruleset *rs;
    size_t documents;
    size_t valid;
    size_t rejected;
    size_t warnings;
    json_t *by_error_code; /* error_code -> number of rejected documents */
    json_t *by_rule;       /* rule id -> number of findings */
    int trouble;           /* nonzero: something could not be done, exit 2 */
} cli_run;

/* One checked document, as the formats see it. */
typedef struct cli_doc {
    const char *source; /* the file name as given, or "<stdin>" */
    size_t number;      /* 1-based within its source */
    size_t first_line;  /* physical line of the source where it starts */
    const ol_report *report;
} cli_doc;

/* args.c */
int cli_parse_args(cli_options *o, int argc, char **argv);
void cli_options_free(cli_options *o);

/* rfc3339.c: 0 and *out set, or -1 when s is not an RFC 3339 date-time. */
int cli_parse_rfc3339(const char *s, int64_t *out);

/* input.c */
void cli_check_operand(cli_run *run, const char *operand);

/* output.c */
int cli_run_init(cli_run *run, const cli_options *o, const ol_ruleset *rs);
void cli_run_free(cli_run *run);
void cli_report_document(cli_run *run, const cli_doc *doc);
void cli_report_summary(cli_run *run);

#if defined(__GNUC__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

/* "orderlint: MESSAGE" on stderr. */
void cli_error(const char *fmt, ...) CLI_PRINTF(1, 2);
/* The same, and the run will exit 2; the other inputs are still checked. */
void cli_fail(cli_run *run, const char *fmt, ...) CLI_PRINTF(2, 3);

#endif /* OL_CLI_H */
