/*
 * orderlint.h: the public API of liborderlint.
 *
 * liborderlint checks Klarna Payments order payloads before they are sent and
 * answers with the findings Klarna would report, and with the error body
 * Klarna would return.
 *
 * This header is the whole public API: a function, type or macro that is not
 * declared here is not part of it, whatever the library happens to export.
 *
 * Conventions
 *  - Every public name starts with ol_ (functions, types) or OL_ (macros).
 *  - Fallible calls return int: OL_OK (0) on success, a negative OL_E* code
 *    on failure. Out-parameters come first and are named out.
 *  - Hard failures (out of memory, a wrong rule file, a bad argument) are
 *    return codes plus an optional caller-owned ol_error_t. Faults of the
 *    payload (not JSON, a wrong amount) are never errors: they are findings
 *    in the report.
 *  - Objects are opaque and have a _free that accepts NULL.
 *  - The library has no mutable global state, does no I/O except reading a
 *    rule file the caller names, and never reads the clock.
 *
 * Thread safety (in the manner of PCRE2's MULTITHREADING section)
 *  - An ol_ruleset is built and configured by one thread (ol_ruleset_new,
 *    ol_ruleset_add_file, ol_ruleset_add_buffer, ol_ruleset_disable,
 *    ol_ruleset_set_severity). Once
 *    configured it is never changed by a check, and any number of threads
 *    may check with it at the same time.
 *  - An ol_report belongs to the thread that holds it.
 *  - The json_t given to ol_check_json is only read; the caller must not
 *    change it while the check runs.
 *  - A check keeps about 45 KB on the calling thread's stack, and about 300
 *    bytes more for each level of nesting it reads: a thread of 256 KiB
 *    checks any document with the default max_depth, one of 1 MiB with
 *    the largest (OL_MAX_DEPTH_LIMIT).
 */
#ifndef ORDERLINT_H
#define ORDERLINT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define OL_EXTERN __attribute__((visibility("default")))
#else
#define OL_EXTERN
#endif

#define OL_VERSION_MAJOR 0
#define OL_VERSION_MINOR 1
#define OL_VERSION_PATCH 0
#define OL_VERSION_STRING "0.1.0"

/** The library's version as "MAJOR.MINOR.PATCH"; static storage. */
OL_EXTERN const char *ol_version(void);

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */
/* ------------------------------------------------------------------------ */

/* Return codes. Append only: a code is never renumbered or removed. */
#define OL_OK 0
#define OL_ENOMEM (-1)    /* out of memory */
#define OL_EINVAL (-2)    /* a bad argument (NULL where one is needed, ...) */
#define OL_ERULES (-3)    /* a rule file is wrong; the error says where */
#define OL_EIO (-4)       /* a rule file could not be read */
#define OL_ENOTFOUND (-5) /* no rule has that id */

#define OL_ERROR_SOURCE_LENGTH 80
#define OL_ERROR_TEXT_LENGTH 160

/**
 * Details of a hard failure, owned by the caller. Every function that takes
 * one accepts NULL. The first error set wins: a call does not overwrite an
 * error already in the struct, so initialise it with OL_ERROR_INIT or
 * memset before use.
 */
typedef struct ol_error_t {
    int code;        /* the OL_E* code, OL_OK when nothing went wrong */
    int line;        /* 1-based line in source, 0 when not about a text */
    int column;      /* 1-based column (characters), 0 when not known */
    size_t position; /* byte offset in source */
    char source[OL_ERROR_SOURCE_LENGTH]; /* file or buffer name, or "" */
    char text[OL_ERROR_TEXT_LENGTH];     /* what went wrong, one line */
} ol_error_t;

/* clang-format off */
#define OL_ERROR_INIT {0, 0, 0, 0, "", ""}
/* clang-format on */

/** Static text for a return code; never NULL. */
OL_EXTERN const char *ol_strerror(int code);

/* ------------------------------------------------------------------------ */
/* Kinds of payload                                                          */
/* ------------------------------------------------------------------------ */

/** What a payload is for (CONTRACT.md section 6). Append only. */
typedef enum ol_kind {
    OL_KIND_CREATE_SESSION = 0, /* POST /payments/v1/sessions */
    OL_KIND_UPDATE_SESSION,     /* POST /payments/v1/sessions/{id} */
    OL_KIND_CREATE_ORDER,       /* POST /payments/v1/authorizations/{t}/order */
    OL_KIND_LOAD,               /* Klarna.Payments.load() data */
    OL_KIND_AUTHORIZE,          /* Klarna.Payments.authorize() data */
    OL_KIND_REAUTHORIZE,        /* Klarna.Payments.reauthorize() data */
    OL_KIND_FINALIZE,           /* Klarna.Payments.finalize() data */
    OL_KIND_CAPTURE,            /* Order Management capture */
    OL_KIND_REFUND,             /* Order Management refund */
    OL_KIND_COUNT_              /* not a kind: the number of kinds */
} ol_kind;

/** The kind's name as on the command line ("create-session"); NULL if out of range. */
OL_EXTERN const char *ol_kind_name(ol_kind kind);

/** Parse a kind name. Returns OL_OK, or OL_EINVAL for an unknown name. */
OL_EXTERN int ol_kind_parse(ol_kind *out, const char *name);

/* ------------------------------------------------------------------------ */
/* Options and the ruleset                                                   */
/* ------------------------------------------------------------------------ */

#define OL_OPTIONS_VERSION 2

/* The defaults of the limits, and the deepest nesting a ruleset accepts
 * (jansson's parser stops at JSON_PARSER_MAX_DEPTH, 2048). */
#define OL_DEFAULT_MAX_BYTES ((size_t)16 * 1024 * 1024)
#define OL_DEFAULT_MAX_DEPTH 64
#define OL_MAX_DEPTH_LIMIT 2048
#define OL_DEFAULT_MAX_FINDINGS 200
#define OL_DEFAULT_REGEX_MATCH_LIMIT 100000
#define OL_DEFAULT_REGEX_DEPTH_LIMIT 1000

/**
 * Limits and switches for a ruleset. Initialise with OL_OPTIONS_INIT or
 * ol_options_init(); a zero limit means "the default".
 *  - A document of more than max_bytes bytes (after a byte-order mark) is
 *    not read: it is rejected with one finding, doc.too-large.
 *  - A document nested deeper than max_depth arrays and objects (the
 *    top-level object is level 1) is rejected with doc.too-deep. max_depth
 *    is at most OL_MAX_DEPTH_LIMIT; ol_ruleset_new answers OL_EINVAL past it.
 *  - Past max_findings a report keeps the findings that matter most (errors
 *    before warnings; among errors, those of the answer Klarna gives first)
 *    and counts the others (ol_report_dropped): its validity and its answer
 *    never depend on the limit, only how many findings and messages it lists.
 *  - Every matches() of a rule runs with PCRE2's match limit (the number of
 *    steps a match may take, regex_match_limit) and depth limit
 *    (regex_depth_limit, the backtracking depth of the interpreter; the JIT
 *    has none), so that no pattern makes a check hang on any text. A match
 *    stopped by a limit decides nothing: the value is reported with
 *    doc.regex-limit (an error, since the document could not be checked).
 * Version 1 of the struct ended before the regex limits; a caller built with
 * it gets their defaults.
 */
typedef struct ol_options {
    unsigned int version;       /* OL_OPTIONS_VERSION */
    size_t max_bytes;           /* largest document; default 16 MiB */
    size_t max_depth;           /* deepest nesting; default 64 */
    size_t max_findings;        /* findings kept per document; default 200 */
    int no_builtin_rules;       /* nonzero: start from an empty table */
    uint32_t regex_match_limit; /* steps of one match; default 100000 */
    uint32_t regex_depth_limit; /* backtracking depth of one match; default 1000 */
} ol_options;

/* clang-format off */
#define OL_OPTIONS_INIT {OL_OPTIONS_VERSION, 0, 0, 0, 0, 0, 0}
/* clang-format on */

/** Fill opts with the defaults. Returns OL_EINVAL for an unknown version. */
OL_EXTERN int ol_options_init(ol_options *opts, unsigned int version);

typedef enum ol_severity { OL_SEVERITY_ERROR = 0, OL_SEVERITY_WARNING = 1 } ol_severity;

/** "error" or "warning". */
OL_EXTERN const char *ol_severity_name(ol_severity severity);

/** A compiled rule table. Opaque. */
typedef struct ol_ruleset ol_ruleset;

/**
 * Create a ruleset holding the built-in Klarna Payments table (unless
 * opts->no_builtin_rules). opts may be NULL for the defaults.
 * On success *out is owned by the caller: free it with ol_ruleset_free().
 */
OL_EXTERN int ol_ruleset_new(ol_ruleset **out, const ol_options *opts, ol_error_t *err);

/**
 * Compile the rules of a rule file (see doc/rule-format.md) and append them.
 * Reads the file; the library does no other I/O. On OL_ERULES the error holds
 * the file name, line and column. On failure the ruleset is unchanged.
 */
OL_EXTERN int ol_ruleset_add_file(ol_ruleset *rs, const char *path, ol_error_t *err);

/**
 * Like ol_ruleset_add_file, for rule text in memory. name is used in errors
 * and may be NULL. text need not be NUL-terminated.
 */
OL_EXTERN int ol_ruleset_add_buffer(ol_ruleset *rs, const char *name, const char *text,
                                    size_t len, ol_error_t *err);

/** Switch a rule off by id: a check then costs nothing for it (what only it
 * would read is not walked). Returns OL_ENOTFOUND when no rule has that id,
 * OL_EINVAL for a locked rule (ol_rule_info.locked). */
OL_EXTERN int ol_ruleset_disable(ol_ruleset *rs, const char *rule_id, ol_error_t *err);

/**
 * Change a rule's severity (a project that counts a warning as an error, or
 * the reverse). Like ol_ruleset_disable, configuration: before any check.
 * Returns OL_ENOTFOUND when no rule has that id, OL_EINVAL for a severity
 * that is not one, or to make a locked rule (ol_rule_info.locked) a warning.
 */
OL_EXTERN int ol_ruleset_set_severity(ol_ruleset *rs, const char *rule_id,
                                      ol_severity severity, ol_error_t *err);

/**
 * What a ruleset holds about one rule: for listings (orderlint --list-rules),
 * SARIF rule metadata, documentation. Every pointer is borrowed from the
 * ruleset and valid until ol_ruleset_free(); the strings are never NULL.
 * Members may be added at the end in later versions: never allocate or copy
 * one by value.
 */
typedef struct ol_rule_info {
    const char *id;             /* "order.amount-sum" */
    ol_severity severity;       /* as configured (ol_ruleset_set_severity) */
    int enabled;                /* 0 once ol_ruleset_disable() switched it off */
    unsigned int kinds;         /* bit (1u << kind) for each ol_kind it applies to */
    const char *error_code;     /* Klarna's error_code, "BAD_VALUE" */
    int http_status;            /* 400, 403, 404 or 409 */
    const char *klarna_message; /* Klarna's message as a template, "Bad value: {path}" */
    const char *message;        /* orderlint's own message, as a template; "" none */
    const char *hint;           /* how to fix it, as a template; "" none */
    const char *explanation;    /* why the rule exists; "" none */
    const char *file;           /* where it was defined: a rule file's name */
    int line;                   /* 1-based line of its `rule` there */
    /* Nonzero for a rule that says the body, or a value, could not be
     * checked at all (not JSON, empty, not an object, too large, too deep,
     * a number out of range, a regular expression past its limits): it
     * cannot be switched off, made a warning or suppressed, so that nothing
     * unchecked ever passes as valid. */
    int locked;
} ol_rule_info;

/** Number of rules in the ruleset, in the order they were loaded. */
OL_EXTERN size_t ol_ruleset_rule_count(const ol_ruleset *rs);

/** The i-th rule (borrowed), or NULL when i is out of range. */
OL_EXTERN const ol_rule_info *ol_ruleset_rule(const ol_ruleset *rs, size_t i);

/** The rule with that id (borrowed), or NULL when there is none. */
OL_EXTERN const ol_rule_info *ol_ruleset_find_rule(const ol_ruleset *rs,
                                                   const char *rule_id);

/** Free a ruleset. NULL is a no-op. Reports made with it stay valid (they own their
 * strings). */
OL_EXTERN void ol_ruleset_free(ol_ruleset *rs);

/* ------------------------------------------------------------------------ */
/* The context of a check                                                    */
/* ------------------------------------------------------------------------ */

#define OL_CONTEXT_VERSION 1

/** A time that was not given. */
#define OL_TIME_UNSET INT64_MIN

/**
 * What a check may need beyond the body itself. Every member is optional.
 * The json_t members are borrowed for the duration of the check only.
 * Times are seconds since the Unix epoch, OL_TIME_UNSET when not given.
 */
typedef struct ol_context {
    unsigned int version;     /* OL_CONTEXT_VERSION */
    const json_t *session;    /* the session an update (or SDK call) changes */
    const json_t *authorized; /* the data authorized before a create-order */
    const json_t *order;      /* the order a capture or refund acts on */
    const char *session_id;   /* the session id in the request path */
    const char *token;        /* the authorization token in the path */
    int64_t created_at;       /* when the session was created */
    int64_t authorized_at;    /* when the token was issued */
    int64_t now;              /* the time the request would be sent */
} ol_context;

/* clang-format off */
#define OL_CONTEXT_INIT \
    {OL_CONTEXT_VERSION, NULL, NULL, NULL, NULL, NULL, OL_TIME_UNSET, OL_TIME_UNSET, \
     OL_TIME_UNSET}
/* clang-format on */

/* ------------------------------------------------------------------------ */
/* Checking                                                                  */
/* ------------------------------------------------------------------------ */

/** A report of findings. Opaque. */
typedef struct ol_report ol_report;

/**
 * Check a payload given as text (UTF-8 JSON, len bytes, need not be
 * NUL-terminated). Text that is not a JSON object is a finding
 * (BAD_REQUEST), not an error. ctx may be NULL.
 * With ctx->session, an update (update-session, and the data of load,
 * authorize, reauthorize, finalize) is merged into it (ol_session_merge) and
 * the merged session is checked as a create-session, plus the rules of the
 * kind itself; findings are placed in the update's text where they point into
 * it, else at their nearest ancestor there. With ctx->authorized, a
 * create-order is compared with what was authorized.
 * On success *out is owned by the caller: free it with ol_report_free().
 * Returns OL_ENOMEM or OL_EINVAL only; on failure *out is NULL.
 */
OL_EXTERN int ol_check_buffer(ol_report **out, const ol_ruleset *rs, ol_kind kind,
                              const char *json, size_t len, const ol_context *ctx,
                              ol_error_t *err);

/**
 * Check a payload the caller built with jansson. The tree is read, never
 * copied or changed. Findings carry no line or column (there is no text).
 */
OL_EXTERN int ol_check_json(ol_report **out, const ol_ruleset *rs, ol_kind kind,
                            const json_t *payload, const ol_context *ctx,
                            ol_error_t *err);

/**
 * The session an update leaves behind: session with update applied, as Klarna
 * applies an update-session body (CONTRACT.md section 6). A field of the
 * update replaces the session's; the objects the ruleset names with
 * `merge fields` (the addresses, in the built-in table) are merged member by
 * member; order_lines is replaced whole. This is what a check of an update
 * with ctx->session checks, offered so that a merchant server that keeps its
 * session can keep it in step. Neither input is changed; *out is a new tree
 * (a deep copy), owned by the caller: json_decref() it. Returns OL_EINVAL when
 * either input is not a JSON object.
 */
OL_EXTERN int ol_session_merge(json_t **out, const ol_ruleset *rs, const json_t *session,
                               const json_t *update, ol_error_t *err);

/* ------------------------------------------------------------------------ */
/* Reports and findings                                                      */
/* ------------------------------------------------------------------------ */

/**
 * One finding. Every pointer member is borrowed from the report and valid
 * until ol_report_free(). Members may be added at the end in later versions:
 * never allocate or copy one by value.
 */
typedef struct ol_finding {
    const char *rule; /* stable rule id, "order-line.tax" */
    ol_severity severity;
    const char *pointer;    /* RFC 6901, "/order_lines/2/total_tax_amount"; "" = root */
    const char *path;       /* Klarna's form, "order_lines[2].total_tax_amount" */
    int line;               /* 1-based; 0 when checked from a json_t */
    int column;             /* 1-based, in characters; 0 when unknown */
    size_t offset;          /* byte offset of the value in the text */
    const char *message;    /* what was expected and what was found */
    const char *hint;       /* how to fix it; "" when the rule has none */
    const char *error_code; /* Klarna's error_code, "BAD_VALUE" */
    int http_status;        /* 400, 403, 404 or 409 */
    const char *klarna_message; /* Klarna's message, "Bad value: order_amount" */
} ol_finding;

/** Number of findings, in document order. */
OL_EXTERN size_t ol_report_count(const ol_report *r);

/** The i-th finding (borrowed), or NULL when i is out of range. */
OL_EXTERN const ol_finding *ol_report_get(const ol_report *r, size_t i);

/** Nonzero when the report holds no finding of severity error. */
OL_EXTERN int ol_report_valid(const ol_report *r);

/** Number of findings past the max_findings limit that were not kept. */
OL_EXTERN size_t ol_report_dropped(const ol_report *r);

/**
 * The error_code Klarna would answer with, chosen in Klarna's order of
 * checking: NOT_FOUND (404), BAD_REQUEST (400), the other 400 codes
 * (BAD_VALUE), the 403 codes (Order Management's CAPTURE_NOT_ALLOWED, ...),
 * BAD_VALUE 409 (a mismatch with the authorization). NULL when the report is
 * valid. Borrowed from the report.
 */
OL_EXTERN const char *ol_report_error_code(const ol_report *r);

/** The HTTP status of that answer (400, 403, 404, 409), 0 when valid. */
OL_EXTERN int ol_report_http_status(const ol_report *r);

/** Number of Klarna error_messages: those of the chosen answer, in document order,
 * without repeats. */
OL_EXTERN size_t ol_report_message_count(const ol_report *r);

/** The i-th of those messages (borrowed), or NULL when out of range. */
OL_EXTERN const char *ol_report_message(const ol_report *r, size_t i);

/**
 * Klarna's error body for the report:
 * {"correlation_id": "...", "error_code": "...", "error_messages": [...]}.
 * correlation_id is a random UUID v4 (from the operating system's random
 * source). On success *out is a NUL-terminated string owned by the caller,
 * freed with ol_free(). A valid report has no body: *out = NULL, OL_EINVAL.
 */
OL_EXTERN int ol_report_klarna_json(const ol_report *r, char **out);

/** As ol_report_klarna_json with the correlation_id given (for reproducible output). */
OL_EXTERN int ol_report_klarna_json_ex(const ol_report *r, const char *correlation_id,
                                       char **out);

/**
 * Drop the findings of one rule from a report: those at pointer (an RFC 6901
 * pointer compared exactly, "" for the root), or all of them when pointer is
 * NULL. The report is then what it would have been without them: its
 * validity, error_code, HTTP status and messages are chosen again from the
 * findings left, which keep their order. This is how a project suppresses a
 * finding it has judged harmless (orderlint's configuration file).
 * The findings of a locked rule (ol_rule_info.locked) are never dropped.
 * A report past max_findings counts the findings it did not keep, by rule:
 * those of rule_id are forgotten with the others when pointer is NULL;
 * with a pointer they may have stood elsewhere, so they still count, and
 * an error among them keeps the report rejected.
 * Findings of other rules that the dropped ones held back (a rule's `needs`)
 * do not appear afterwards: they were never made. Never allocates.
 * @param r        a report; NULL drops nothing
 * @param rule_id  the rule whose findings go; NULL drops nothing
 * @param pointer  where, or NULL for everywhere
 * @return the number of findings dropped
 * @since 0.1.0
 */
OL_EXTERN size_t ol_report_suppress(ol_report *r, const char *rule_id,
                                    const char *pointer);

/** Free a report. NULL is a no-op. */
OL_EXTERN void ol_report_free(ol_report *r);

/** Free memory the library handed over (the strings of ol_report_klarna_json). */
OL_EXTERN void ol_free(void *p);

#ifdef __cplusplus
}
#endif

#endif /* ORDERLINT_H */
