/*
 * orderlint.c: the command-line tool. main() builds the rule table the
 * options ask for, checks every operand in order and turns what happened
 * into the exit status of the contract (DESIGN.md, "The command line").
 */
#include <errno.h>
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Say why the rule table could not be built: a rule file's error with its
 * place (FILE:LINE:COL, as compilers do), anything else plainly. */
static void ruleset_error(const char *file, const ol_error_t *err, int rc)
{
    const char *text = err->text[0] ? err->text : ol_strerror(rc);

    if (file && err->line > 0)
        fprintf(stderr, "%s:%d:%d: error: %s\n", file, err->line, err->column, text);
    else if (file)
        cli_error("%s: %s", file, text);
    else
        cli_error("%s", text);
}

static int add_rule_files(ol_ruleset *rs, const cli_options *o)
{
    size_t i;

    for (i = 0; i < o->nrule_files; i++) {
        ol_error_t err = OL_ERROR_INIT;
        int rc = ol_ruleset_add_file(rs, o->rule_files[i], &err);

        if (rc != OL_OK) {
            ruleset_error(o->rule_files[i], &err, rc);
            return -1;
        }
    }
    return 0;
}

/* After the rule files, so that their rules can be switched off too. */
static int disable_rules(ol_ruleset *rs, const cli_options *o)
{
    size_t i;

    for (i = 0; i < o->ndisabled; i++) {
        ol_error_t err = OL_ERROR_INIT;
        int rc = ol_ruleset_disable(rs, o->disabled[i], &err);

        if (rc == OL_ENOTFOUND) {
            cli_error("--disable=%s: no rule has that id", o->disabled[i]);
            return -1;
        }
        if (rc != OL_OK) {
            ruleset_error(NULL, &err, rc);
            return -1;
        }
    }
    return 0;
}

/* The built-in table, the config's rule files, then those of --rules; the
 * config's severities and disabled rules, then --disable. */
static ol_ruleset *make_ruleset(const cli_options *o, const cli_config *cfg)
{
    ol_error_t err = OL_ERROR_INIT;
    ol_ruleset *rs = NULL;
    int rc = ol_ruleset_new(&rs, &o->limits, &err);

    if (rc != OL_OK) {
        ruleset_error(NULL, &err, rc);
        return NULL;
    }
    if (cli_config_add_rule_files(cfg, rs) != 0 || add_rule_files(rs, o) != 0 ||
        cli_config_set_rules(cfg, rs) != 0 || disable_rules(rs, o) != 0) {
        ol_ruleset_free(rs);
        return NULL;
    }
    return rs;
}

/* The context must be one the library takes (each document an object, no
 * deeper than a body may be): asked once, with an empty body, so that a
 * wrong --session is one error, not one per document. */
static int context_ok(const ol_ruleset *rs, const cli_options *o)
{
    ol_error_t err = OL_ERROR_INIT;
    ol_report *r = NULL;
    json_t *empty = json_object();
    int rc = empty ? ol_check_json(&r, rs, o->kind, empty, &o->ctx, &err) : OL_ENOMEM;

    ol_report_free(r);
    json_decref(empty);
    if (rc == OL_OK)
        return 1;
    cli_error("the context of the check: %s", err.text[0] ? err.text : ol_strerror(rc));
    return 0;
}

static void check_operands(cli_run *run, const cli_options *o)
{
    size_t i;

    if (o->noperands == 0)
        cli_check_operand(run, "-");
    for (i = 0; i < o->noperands; i++)
        cli_check_operand(run, o->operands[i]);
}

/* Output that could not be written (a full disk, a closed pipe) is the
 * tool's failure, as in every GNU tool. */
static int flush_stdout(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error("write error: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* unused: the config's suppressions that matched nothing, warnings too. */
static int exit_status(const cli_run *run, const cli_options *o, size_t unused)
{
    if (run->trouble)
        return CLI_EXIT_TROUBLE;
    if (run->rejected > 0 || (o->strict && (run->warnings > 0 || unused > 0)))
        return CLI_EXIT_REJECTED;
    return CLI_EXIT_CLEAN;
}

/* --list-rules, --explain, --print-config: about the rules or the
 * configuration, not about documents. */
static int tell(const cli_options *o, const cli_config *cfg, const ol_ruleset *rs)
{
    size_t i;
    int status;

    if (o->action == CLI_ACTION_PRINT_CONFIG) {
        if (!o->print_file && o->noperands == 0)
            return cli_config_print(cfg, o, NULL);
        status = o->print_file ? cli_config_print(cfg, o, o->print_file) : CLI_EXIT_CLEAN;
        for (i = 0; i < o->noperands && status == CLI_EXIT_CLEAN; i++)
            status = cli_config_print(cfg, o, o->operands[i]);
        return status;
    }
    if (o->noperands > 0) {
        cli_error("%s takes no FILE",
                  o->action == CLI_ACTION_EXPLAIN ? "--explain" : "--list-rules");
        return CLI_EXIT_TROUBLE;
    }
    if (o->action == CLI_ACTION_EXPLAIN)
        return cli_explain_rule(rs, o->explain, o->format);
    return cli_list_rules(rs, o->format);
}

static int check_all(const cli_options *o, cli_config *cfg, const ol_ruleset *rs)
{
    cli_run run;
    size_t unused;
    int status;

    if (!context_ok(rs, o))
        return CLI_EXIT_TROUBLE;
    if (cli_run_init(&run, o, rs) != 0) {
        cli_error("out of memory");
        status = CLI_EXIT_TROUBLE;
    } else {
        run.config = cfg;
        /* Threads are a speed-up, not a need: without them, one job. */
        if (cli_jobs_start(&run, o->jobs) != 0)
            cli_error("could not start %ld checking threads: checking on one", o->jobs);
        cli_progress_start(&run, cli_input_size(o));
        check_operands(&run, o);
        cli_jobs_finish(&run);
        cli_progress_clear(&run); /* the summary says the rest */
        cli_report_summary(&run);
        if (cli_config_report_unused(cfg, &unused) != 0)
            run.trouble = 1;
        status = exit_status(&run, o, unused);
    }
    cli_run_free(&run);
    return status;
}

static int run_checks(const cli_options *o)
{
    cli_config *cfg = NULL;
    ol_ruleset *rs = NULL;
    int status = CLI_EXIT_TROUBLE;

    if (cli_config_load(&cfg, o) == 0)
        rs = make_ruleset(o, cfg);
    if (rs && o->action != CLI_ACTION_CHECK)
        status = tell(o, cfg, rs);
    else if (rs)
        status = check_all(o, cfg, rs);
    ol_ruleset_free(rs);
    cli_config_free(cfg);
    return status;
}

/* glibc raises its mmap threshold each time a large block is freed, after
 * which large blocks (a tree of a megabyte document) come from the heap of
 * the thread that made them and stay there once freed: with N checking
 * threads, N times the largest document. A fixed threshold keeps them
 * mmapped and gives them back. (40 lines of 5 MB on 8 jobs: max RSS 144 MB
 * without, 46 MB with; no change on small documents.) */
static void give_back_large_blocks(void)
{
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD)
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
}

int main(int argc, char **argv)
{
    cli_options o;
    int status;

    give_back_large_blocks();
    cli_jsonalloc_install();
    status = cli_parse_args(&o, argc, argv);

    if (status == CLI_CONTINUE)
        status = run_checks(&o);
    if (flush_stdout() != 0)
        status = CLI_EXIT_TROUBLE;
    cli_options_free(&o);
    cli_jsonalloc_thread_end();
    return status;
}
