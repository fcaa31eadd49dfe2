/*
 * ruleset.c: ol_ruleset_*: the built-in table, added rule files, options.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ol_private.h"

/* The size of version 1 of ol_options, which ended at no_builtin_rules. */
#define OPTIONS_V1_END (offsetof(ol_options, no_builtin_rules) + sizeof(int))

int ol_options_init(ol_options *opts, unsigned int version)
{
    if (!opts || version != OL_OPTIONS_VERSION)
        return OL_EINVAL;
    memset(opts, 0, sizeof(*opts));
    opts->version = version;
    opts->max_bytes = OL_DEFAULT_MAX_BYTES;
    opts->max_depth = OL_DEFAULT_MAX_DEPTH;
    opts->max_findings = OL_DEFAULT_MAX_FINDINGS;
    opts->regex_match_limit = OL_DEFAULT_REGEX_MATCH_LIMIT;
    opts->regex_depth_limit = OL_DEFAULT_REGEX_DEPTH_LIMIT;
    return OL_OK;
}

static int copy_options(ol_options *dst, const ol_options *src, ol_error_t *err)
{
    ol_options given;

    ol_options_init(dst, OL_OPTIONS_VERSION);
    if (!src)
        return OL_OK;
    if (src->version != 1 && src->version != OL_OPTIONS_VERSION) {
        olp_error_set(err, OL_EINVAL, "", 0, 0, 0, "ol_options version %u is not %u",
                      src->version, OL_OPTIONS_VERSION);
        return OL_EINVAL;
    }
    /* a version 1 struct is shorter: read no more of it than it has */
    memset(&given, 0, sizeof(given));
    memcpy(&given, src, src->version == 1 ? OPTIONS_V1_END : sizeof(given));
    if (given.max_depth > OL_MAX_DEPTH_LIMIT) {
        olp_error_set(err, OL_EINVAL, "", 0, 0, 0,
                      "ol_options: max_depth %zu is more than %d", given.max_depth,
                      OL_MAX_DEPTH_LIMIT);
        return OL_EINVAL;
    }
    if (given.max_bytes)
        dst->max_bytes = given.max_bytes;
    if (given.max_depth)
        dst->max_depth = given.max_depth;
    if (given.max_findings)
        dst->max_findings = given.max_findings;
    if (given.regex_match_limit)
        dst->regex_match_limit = given.regex_match_limit;
    if (given.regex_depth_limit)
        dst->regex_depth_limit = given.regex_depth_limit;
    dst->no_builtin_rules = given.no_builtin_rules;
    return OL_OK;
}

/* PCRE2's allocations go through the library's allocator like any other. */
static void *pcre_malloc(size_t size, void *data)
{
    (void)data;
    return olp_malloc(size);
}

static void pcre_free(void *p, void *data)
{
    (void)data;
    olp_free(p);
}

static int make_contexts(ol_ruleset *rs, ol_error_t *err)
{
    rs->gctx = pcre2_general_context_create(pcre_malloc, pcre_free, NULL);
    if (rs->gctx) {
        rs->cctx = pcre2_compile_context_create(rs->gctx);
        rs->mctx = pcre2_match_context_create(rs->gctx);
    }
    if (!rs->gctx || !rs->cctx || !rs->mctx) {
        olp_error_set(err, OL_ENOMEM, "", 0, 0, 0, "out of memory");
        return OL_ENOMEM;
    }
    /* a check must finish in bounded time whatever a rule file says */
    pcre2_set_match_limit(rs->mctx, rs->opts.regex_match_limit);
    pcre2_set_depth_limit(rs->mctx, rs->opts.regex_depth_limit);
    return OL_OK;
}

/* After rules were added: the plan of them all (once for the built-in
 * files, not once for each). Out of memory here costs speed only: without
 * a plan, checks walk rule by rule. */
static int replan(ol_ruleset *rs, int rc)
{
    if (rc == OL_OK) {
        olp_plan_free(rs->book.plan);
        rs->book.plan = olp_plan_build(&rs->book);
    }
    return rc;
}

static int add_builtin_rules(ol_ruleset *rs, ol_error_t *err)
{
    size_t i;
    int rc;

    for (i = 0; i < olp_builtin_rule_file_count; i++) {
        const olp_embedded_file *f = &olp_builtin_rule_files[i];
        rc = olp_rulebook_add(&rs->book, f->name, f->text, f->len, rs->cctx, err);
        if (rc != OL_OK)
            return rc;
    }
    return replan(rs, OL_OK);
}

int ol_ruleset_new(ol_ruleset **out, const ol_options *opts, ol_error_t *err)
{
    ol_ruleset *rs;
    int rc;

    if (!out) {
        olp_error_set(err, OL_EINVAL, "", 0, 0, 0, "ol_ruleset_new: out is NULL");
        return OL_EINVAL;
    }
    *out = NULL;
    rs = olp_calloc(1, sizeof(*rs));
    if (!rs) {
        olp_error_set(err, OL_ENOMEM, "", 0, 0, 0, "out of memory");
        return OL_ENOMEM;
    }
    rc = copy_options(&rs->opts, opts, err);
    if (rc == OL_OK)
        rc = make_contexts(rs, err);
    if (rc == OL_OK && !rs->opts.no_builtin_rules)
        rc = add_builtin_rules(rs, err);
    if (rc != OL_OK) {
        ol_ruleset_free(rs);
        return rc;
    }
    *out = rs;
    return OL_OK;
}

int ol_ruleset_add_buffer(ol_ruleset *rs, const char *name, const char *text, size_t len,
                          ol_error_t *err)
{
    if (!rs || (!text && len)) {
        olp_error_set(err, OL_EINVAL, name, 0, 0, 0,
                      "ol_ruleset_add_buffer: bad argument");
        return OL_EINVAL;
    }
    return replan(rs, olp_rulebook_add(&rs->book, name ? name : "<buffer>",
                                       text ? text : "", len, rs->cctx, err));
}

/* Read a whole file into an olp_buf. Returns OL_OK, OL_EIO or OL_ENOMEM. */
static int read_file(const char *path, olp_buf *b, ol_error_t *err)
{
    char chunk[65536];
    size_t n;
    FILE *f = fopen(path, "rb");

    if (!f) {
        olp_error_set(err, OL_EIO, path, 0, 0, 0, "cannot open: %s", strerror(errno));
        return OL_EIO;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        olp_buf_append(b, chunk, n);
    if (ferror(f)) {
        fclose(f);
        olp_error_set(err, OL_EIO, path, 0, 0, 0, "cannot read: %s", strerror(errno));
        return OL_EIO;
    }
    fclose(f);
    if (b->oom) {
        olp_error_set(err, OL_ENOMEM, path, 0, 0, 0, "out of memory");
        return OL_ENOMEM;
    }
    return OL_OK;
}

int ol_ruleset_add_file(ol_ruleset *rs, const char *path, ol_error_t *err)
{
    olp_buf text;
    int rc;

    if (!rs || !path) {
        olp_error_set(err, OL_EINVAL, "", 0, 0, 0, "ol_ruleset_add_file: bad argument");
        return OL_EINVAL;
    }
    olp_buf_init(&text);
    rc = read_file(path, &text, err);
    if (rc == OL_OK)
        rc = replan(rs, olp_rulebook_add(&rs->book, path, text.data ? text.data : "",
                                         text.len, rs->cctx, err));
    olp_buf_free(&text);
    return rc;
}

/* ---- the rules, one by one ---------------------------------------------- */

static olp_rule *rule_by_id(const ol_ruleset *rs, const char *rule_id)
{
    size_t i;

    for (i = 0; i < rs->book.nrules; i++) {
        if (strcmp(rs->book.rules[i]->id, rule_id) == 0)
            return rs->book.rules[i];
    }
    return NULL;
}

/* The rule a configuring call names, or NULL with the error set. */
static olp_rule *rule_to_configure(ol_ruleset *rs, const char *rule_id, const char *fn,
                                   ol_error_t *err, int *rc)
{
    olp_rule *r;

    if (!rs || !rule_id) {
        olp_error_set(err, OL_EINVAL, "", 0, 0, 0, "%s: bad argument", fn);
        *rc = OL_EINVAL;
        return NULL;
    }
    r = rule_by_id(rs, rule_id);
    if (!r) {
        olp_error_set(err, OL_ENOTFOUND, "", 0, 0, 0, "no rule has the id '%s'", rule_id);
        *rc = OL_ENOTFOUND;
    }
    return r;
}

int ol_ruleset_disable(ol_ruleset *rs, const char *rule_id, ol_error_t *err)
{
    int rc = OL_OK;
    olp_rule *r = rule_to_configure(rs, rule_id, "ol_ruleset_disable", err, &rc);

    if (r && r->info.locked) {
        olp_error_set(err, OL_EINVAL, "", 0, 0, 0,
                      "%s says a body could not be checked: it cannot be switched off",
                      rule_id);
        return OL_EINVAL;
    }
    if (r) {
        r->disabled = 1;
        r->info.enabled = 0;
        if (rs->book.plan)
            olp_plan_rules_disabled(rs->book.plan);
    }
    return rc;
}

int ol_ruleset_set_severity(ol_ruleset *rs, const char *rule_id, ol_severity severity,
                            ol_error_t *err)
{
    int rc = OL_OK;
    olp_rule *r;

    if (severity != OL_SEVERITY_ERROR && severity != OL_SEVERITY_WARNING) {
        olp_error_set(err, OL_EINVAL, "", 0, 0, 0,
                      "ol_ruleset_set_severity: bad severity");
        return OL_EINVAL;
    }
    r = rule_to_configure(rs, rule_id, "ol_ruleset_set_severity", err, &rc);
    if (r && r->info.locked && severity != OL_SEVERITY_ERROR) {
        olp_error_set(err, OL_EINVAL, "", 0, 0, 0,
                      "%s says a body could not be checked: it cannot be a warning",
                      rule_id);
        return OL_EINVAL;
    }
    if (r)
        r->severity = r->info.severity = severity;
    return rc;
}

size_t ol_ruleset_rule_count(const ol_ruleset *rs) { return rs ? rs->book.nrules : 0; }

const ol_rule_info *ol_ruleset_rule(const ol_ruleset *rs, size_t i)
{
    return rs && i < rs->book.nrules ? &rs->book.rules[i]->info : NULL;
}

const ol_rule_info *ol_ruleset_find_rule(const ol_ruleset *rs, const char *rule_id)
{
    const olp_rule *r = rs && rule_id ? rule_by_id(rs, rule_id) : NULL;

    return r ? &r->info : NULL;
}

void ol_ruleset_free(ol_ruleset *rs)
{
    if (!rs)
        return;
    olp_rulebook_clear(&rs->book);
    pcre2_compile_context_free(rs->cctx);
    pcre2_match_context_free(rs->mctx);
    pcre2_general_context_free(rs->gctx);
    olp_free(rs);
}

/* ---- kinds ------------------------------------------------------------- */

static const char *const kind_names[OL_KIND_COUNT_] = {
    "create-session", "update-session", "create-order", "load",   "authorize",
    "reauthorize",    "finalize",       "capture",      "refund",
};

const char *ol_kind_name(ol_kind kind)
{
    if ((int)kind < 0 || kind >= OL_KIND_COUNT_)
        return NULL;
    return kind_names[kind];
}

int ol_kind_parse(ol_kind *out, const char *name)
{
    int i;

    if (!out || !name)
        return OL_EINVAL;
    for (i = 0; i < OL_KIND_COUNT_; i++) {
        if (strcmp(kind_names[i], name) == 0) {
            *out = (ol_kind)i;
            return OL_OK;
        }
    }
    return OL_EINVAL;
}

const char *ol_severity_name(ol_severity severity)
{
    return severity == OL_SEVERITY_WARNING ? "warning" : "error";
}
