/*
 * check.c: ol_check_buffer and ol_check_json.
 *
 * A check reads the text (byte-order mark, limits, the loader of load.c), then
 * runs every enabled rule of the ruleset that applies to the kind over the
 * tree, in table order, and hands the findings to the report. Nothing here
 * knows a Klarna field: what is checked, and what is said, is in the rules.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ol_private.h"

static const char utf8_bom[] = "\xEF\xBB\xBF";

/* A visit of the plan's walk where the rule does not hold, kept to be
 * reported in rule order (run_plan). */
typedef struct failure {
    const olp_rule *rule;
    size_t rule_index, at_index, seq; /* the order of a walk rule by rule */
    const json_t *value;
    size_t trail_at, depth; /* its location: run.steps[trail_at..+depth) */
    int truth;              /* rule_truth: 0, -2; or 1 with regex_limit */
    int regex_limit;        /* a regular expression passed a limit */
    int filter_limit;       /* ... in the filter of the path, at value */
} failure;

typedef struct run {
    const ol_ruleset *rs;
    ol_kind kind;
    const json_t *root;
    ol_report *report;
    olp_eval ev;
    pcre2_match_data *md;
    const olp_rule *rule;
    const char *text; /* the text checked, NULL for a json_t */
    size_t len;
    olp_doc doc;    /* the tree read from text and its offsets, owned */
    json_t *merged; /* the session after the update, owned */
    int rc;
    olp_buf pointer, path, klarna, message, hint;
    failure *failures; /* of the plan's walk; allocated when one fails */
    size_t nfailures, cfailures;
    olp_step *steps; /* their locations */
    size_t nsteps, csteps;
    /* Last: run_init clears what is above it, and the cache clears itself
     * (a bitmap, not its 16 KB). */
    olp_member_cache members;
} run;

static void run_init(run *r, const ol_ruleset *rs, ol_kind kind, const ol_context *ctx,
                     ol_report *report)
{
    memset(r, 0, offsetof(run, members));
    olp_member_cache_clear(&r->members);
    r->ev.members = &r->members;
    r->rs = rs;
    r->kind = kind;
    r->report = report;
    r->ev.book = &rs->book;
    r->ev.mctx = rs->mctx;
    r->ev.gctx = rs->gctx;
    r->ev.md = &r->md;
    r->ev.kind = kind;
    r->ev.ctx = ctx;
    if (ctx) {
        r->ev.session = ctx->session;
        r->ev.authorized = ctx->authorized;
        r->ev.order = ctx->order;
    }
    olp_buf_init(&r->pointer);
    olp_buf_init(&r->path);
    olp_buf_init(&r->klarna);
    olp_buf_init(&r->message);
    olp_buf_init(&r->hint);
}

static void run_free(run *r)
{
    pcre2_match_data_free(r->md);
    olp_doc_free(&r->doc);
    json_decref(r->merged);
    olp_buf_free(&r->pointer);
    olp_buf_free(&r->path);
    olp_buf_free(&r->klarna);
    olp_buf_free(&r->message);
    olp_buf_free(&r->hint);
    olp_free(r->failures);
    olp_free(r->steps);
}

/* $ of the expressions; the cached values of constant defs go with it. */
static void set_root(run *r, const json_t *root)
{
    if (r->ev.root != root)
        olp_eval_forget(&r->ev);
    r->ev.root = root;
}

static int applies(const olp_rule *rule, ol_kind kind)
{
    return !rule->disabled && (rule->kinds & (1u << kind)) != 0;
}

/* The kinds whose body is a partial update of a session. */
static int is_update(ol_kind kind)
{
    return kind == OL_KIND_UPDATE_SESSION || kind == OL_KIND_LOAD ||
           kind == OL_KIND_AUTHORIZE || kind == OL_KIND_REAUTHORIZE ||
           kind == OL_KIND_FINALIZE;
}

unsigned int olp_rule_runs_on(const olp_rule *rule, int merged)
{
    const unsigned int create = 1u << OL_KIND_CREATE_SESSION;
    const unsigned int partial = 1u << OL_KIND_UPDATE_SESSION;

    if (!merged)
        return rule->kinds;
    if (rule->kinds & create)
        return ~0u;
    return (rule->kinds & partial) ? 0 : rule->kinds;
}

/* Does an ordinary rule run on this check? */
static int runs(const run *r, const olp_rule *rule)
{
    if (rule->disabled || rule->builtin != OLP_BUILTIN_NONE)
        return 0;
    return (olp_rule_runs_on(rule, r->merged != NULL) & (1u << r->kind)) != 0;
}

/* ---- locations ----------------------------------------------------------- */

static void location_add_key(run *r, const char *key)
{
    olp_pointer_append_key(&r->pointer, key);
    olp_path_append_key(&r->path, key);
}

static void location_add_index(run *r, size_t index)
{
    olp_buf_printf(&r->pointer, "/%zu", index);
    olp_buf_printf(&r->path, "[%zu]", index);
}

static void location_from_trail(run *r, const olp_step *trail, size_t depth)
{
    size_t i;

    olp_buf_reset(&r->pointer);
    olp_buf_reset(&r->path);
    olp_buf_append(&r->pointer, "", 0);
    olp_buf_append(&r->path, "", 0);
    for (i = 0; i < depth; i++) {
        if (trail[i].key)
            location_add_key(r, trail[i].key);
        else
            location_add_index(r, trail[i].index);
    }
}

/* The rule's report path (relative, without wildcards) after the trail. */
static void location_add_report(run *r, const olp_path *report)
{
    size_t i;

    for (i = 0; report && i < report->nsegs; i++) {
        if (report->segs[i].type == OLP_SEG_KEY)
            location_add_key(r, report->segs[i].key);
        else
            location_add_index(r, report->segs[i].index);
    }
}

/* The pointer pattern of a needs path: the trail, then its segments, with
 * "*" for a wildcard. */
static void needs_pattern(run *r, const olp_path *needs, const olp_step *trail,
                          size_t depth)
{
    size_t i;

    location_from_trail(r, trail, depth);
    for (i = 0; i < needs->nsegs; i++) {
        const olp_seg *s = &needs->segs[i];
        if (s->type == OLP_SEG_KEY)
            olp_pointer_append_key(&r->pointer, s->key);
        else if (s->type == OLP_SEG_INDEX)
            olp_buf_printf(&r->pointer, "/%zu", s->index);
        else
            olp_buf_append(&r->pointer, "/*", 2);
    }
}

/* ---- findings ------------------------------------------------------------ */

/* note, when not NULL, is appended to the rule's message. */
static void add_finding(run *r, const olp_rule *rule, int has_offset, size_t offset,
                        const char *note)
{
    olp_finding_in f;

    olp_buf_reset(&r->klarna);
    olp_buf_reset(&r->message);
    olp_buf_reset(&r->hint);
    r->ev.path = r->path.data ? r->path.data : "";
    r->ev.pointer = r->pointer.data ? r->pointer.data : "";
    olp_template_render(rule->klarna, &r->ev, &r->klarna);
    olp_template_render(rule->message, &r->ev, &r->message);
    if (note)
        olp_buf_puts(&r->message, note);
    if (rule->hint)
        olp_template_render(rule->hint, &r->ev, &r->hint);
    if (r->ev.oom || r->pointer.oom || r->path.oom || r->klarna.oom || r->message.oom ||
        r->hint.oom) {
        r->rc = OL_ENOMEM;
        return;
    }
    memset(&f, 0, sizeof(f));
    f.rule = rule;
    f.pointer = r->ev.pointer;
    f.path = r->ev.path;
    f.klarna = r->klarna.data;
    f.message = r->message.data;
    f.hint = r->hint.data;
    f.has_offset = has_offset;
    f.offset = offset;
    if (olp_report_add(r->report, &f) != OL_OK)
        r->rc = OL_ENOMEM;
}

/* ---- ordinary rules ---------------------------------------------------------- */

static int blocked_by_needs(run *r, const olp_step *trail, size_t depth)
{
    size_t i;

    /* No error yet, nothing can block: the patterns need not be built (the
     * whole cost of `needs` on a valid document). */
    if (r->rule->nneeds == 0 || !olp_report_has_errors(r->report))
        return 0;
    for (i = 0; i < r->rule->nneeds; i++) {
        needs_pattern(r, r->rule->needs[i], trail, depth);
        if (r->pointer.oom || r->path.oom) {
            r->rc = OL_ENOMEM;
            return 1;
        }
        if (olp_report_has_error_under(r->report, r->pointer.data))
            return 1;
    }
    return 0;
}

/* The truth of the rule at the current value: 1 holds, 0 broken, -1 does not
 * apply, -2 broken by an arithmetic overflow. */
static int rule_truth(run *r)
{
    int t;

    if (r->rule->when) {
        t = olp_expr_truth(r->rule->when, &r->ev);
        if (t != 1)
            return -1;
    }
    t = olp_expr_truth(r->rule->assertion, &r->ev);
    return t;
}

/* A regular expression of the rule passed a limit of the ruleset where the
 * rule is: the value could not be checked, which doc.regex-limit says. */
static void regex_limit_event(run *r)
{
    char detail[192];
    size_t i;

    snprintf(detail, sizeof(detail),
             "a regular expression of the rule %s passed its limit (%lu steps, "
             "depth %lu)",
             r->rule->id, (unsigned long)r->rs->opts.regex_match_limit,
             (unsigned long)r->rs->opts.regex_depth_limit);
    r->ev.detail = detail;
    for (i = 0; i < r->rs->book.nrules && r->rc == OL_OK; i++) {
        const olp_rule *rule = r->rs->book.rules[i];
        if (rule->builtin == OLP_BUILTIN_REGEX_LIMIT && applies(rule, r->kind))
            add_finding(r, rule, 0, 0, NULL);
    }
    r->ev.detail = NULL;
}

/* Evaluate r->rule at value: its truth (rule_truth), left in *truth; 1
 * when that is all (the rule holds, or does not apply, as at most visits),
 * 0 when evaluated() has more to say. */
static OLP_ALWAYS_INLINE int holds_at(run *r, const json_t *value, int *truth)
{
    r->ev.current = value;
    r->ev.regex_limit = 0;
    *truth = rule_truth(r);
    return *truth != 0 && *truth != -2 && !r->ev.regex_limit && !r->ev.oom;
}

/* After holds_at: the truth, and in *regex_limit whether a regular
 * expression passed a limit; -3 when the check failed. */
static int evaluated(run *r, int truth, int *regex_limit)
{
    *regex_limit = r->ev.regex_limit;
    r->ev.regex_limit = 0;
    if (r->ev.oom)
        r->rc = OL_ENOMEM;
    return r->rc == OL_OK ? truth : -3;
}

static OLP_ALWAYS_INLINE int evaluate_at(run *r, const json_t *value, int *regex_limit)
{
    int t;

    holds_at(r, value, &t);
    return evaluated(r, t, regex_limit);
}

static int failed(int truth, int regex_limit)
{
    return regex_limit || truth == 0 || truth == -2;
}

/* Report what evaluate_at found at value (ev.current), at trail; or, with
 * filter_limit, that the path's filter passed a regex limit there (where
 * the rule's value is not known, so neither its report path). */
static void report_failure(run *r, int truth, int regex_limit, int filter_limit,
                           const olp_step *trail, size_t depth)
{
    location_from_trail(r, trail, depth);
    if (!filter_limit)
        location_add_report(r, r->rule->report);
    if (regex_limit || filter_limit) {
        regex_limit_event(r);
        return;
    }
    /* A payload whose amounts multiply past 64 bits is wrong whatever else
     * it says: the rule's finding, with a note of why. */
    add_finding(r, r->rule, 0, 0,
                truth == -2 ? " (the arithmetic overflowed 64-bit integers)" : NULL);
}

static int visit(const json_t *value, const olp_step *trail, size_t depth, void *arg)
{
    run *r = arg;
    int t, regex_limit;

    if (r->ev.filter_limit) {
        /* not the rule's value: its `needs` do not apply */
        r->ev.current = value;
        report_failure(r, 1, 0, 1, trail, depth);
        return r->rc != OL_OK;
    }
    if (blocked_by_needs(r, trail, depth))
        return r->rc != OL_OK;
    t = evaluate_at(r, value, &regex_limit);
    if (t == -3)
        return 1;
    if (failed(t, regex_limit))
        report_failure(r, t, regex_limit, 0, trail, depth);
    return r->rc != OL_OK;
}

static void run_rule(run *r, const olp_rule *rule)
{
    size_t i;

    r->rule = rule;
    for (i = 0; i < rule->nat && r->rc == OL_OK; i++) {
        r->ev.current = r->root;
        olp_path_walk(rule->at[i], &r->ev, NULL, 0, visit, r);
    }
}

/* ---- the plan: one walk for all rules ------------------------------------ */

static int grow(void **items, size_t *cap, size_t need, size_t size)
{
    size_t n = *cap ? *cap : 16;
    void *grown;

    if (need <= *cap)
        return 0;
    while (n < need)
        n *= 2;
    grown = olp_realloc(*items, n * size);
    if (!grown)
        return -1;
    *items = grown;
    *cap = n;
    return 0;
}

static int keep_failure(run *r, const failure *f, const olp_step *trail)
{
    if (grow((void **)&r->failures, &r->cfailures, r->nfailures + 1, sizeof(failure)) ||
        grow((void **)&r->steps, &r->csteps, r->nsteps + f->depth, sizeof(olp_step))) {
        r->rc = OL_ENOMEM;
        return 1;
    }
    r->failures[r->nfailures] = *f;
    r->failures[r->nfailures].trail_at = r->nsteps;
    if (f->depth)
        memcpy(r->steps + r->nsteps, trail, f->depth * sizeof(*trail));
    r->nsteps += f->depth;
    r->nfailures++;
    return 0;
}

/* A visit where the rule does not hold (or its filter passed a limit),
 * kept for run_plan. */
static int keep_visit(run *r, const olp_plan_end *e, const json_t *value,
                      const olp_step *trail, size_t depth, int truth, int regex_limit)
{
    failure f;

    f.filter_limit = r->ev.filter_limit;
    f.truth = truth;
    f.regex_limit = regex_limit;
    f.rule = e->rule;
    f.rule_index = e->rule_index;
    f.at_index = e->at_index;
    f.seq = r->nfailures;
    f.value = value;
    f.depth = depth;
    return keep_failure(r, &f, trail);
}

/* Evaluate every visit; keep the failures for run_plan. `needs` is left to
 * then, since it asks what rules before this one reported. */
static int plan_visit(void *arg, const olp_plan_end *ends, size_t n, const json_t *value,
                      const olp_step *trail, size_t depth)
{
    run *r = arg;
    unsigned int kind_bit = 1u << r->kind;
    int merged = r->merged != NULL, truth, regex_limit;
    size_t i;

    for (i = 0; i < n; i++) {
        const olp_plan_end *e = &ends[i];
        if (!olp_plan_end_runs(e, kind_bit, merged))
            continue;
        if (r->ev.filter_limit) {
            truth = 1;
            regex_limit = 0;
        } else {
            r->rule = e->rule;
            if (holds_at(r, value, &truth))
                continue;
            truth = evaluated(r, truth, &regex_limit);
            if (truth == -3)
                return 1;
            if (!failed(truth, regex_limit))
                continue;
        }
        if (keep_visit(r, e, value, trail, depth, truth, regex_limit))
            return 1;
    }
    return 0;
}

static int failure_cmp(const void *a, const void *b)
{
    const failure *x = a, *y = b;

    if (x->rule_index != y->rule_index)
        return x->rule_index < y->rule_index ? -1 : 1;
    if (x->at_index != y->at_index)
        return x->at_index < y->at_index ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* All rules over one walk of the tree, then their failures in the order a
 * walk rule by rule finds them: rule, path, value. So `needs` sees the
 * errors of the rules before, and the report gets its findings in the same
 * order, as run_rule would give them. Evaluating a visit that `needs` then
 * blocks changes nothing: an evaluation only reads. */
static void run_plan(run *r)
{
    olp_plan_visitor v;
    size_t i;

    v.kind = r->kind;
    v.merged = r->merged != NULL;
    v.visit = plan_visit;
    v.arg = r;
    olp_plan_walk(r->rs->book.plan, &r->ev, r->root, &v);
    if (r->rc != OL_OK || r->nfailures == 0)
        return;
    qsort(r->failures, r->nfailures, sizeof(*r->failures), failure_cmp);
    for (i = 0; i < r->nfailures && r->rc == OL_OK; i++) {
        const failure *f = &r->failures[i];
        /* (steps is NULL when every failure is at the root) */
        const olp_step *trail = f->depth ? r->steps + f->trail_at : NULL;
        r->rule = f->rule;
        if (!f->filter_limit && blocked_by_needs(r, trail, f->depth))
            continue;
        r->ev.current = f->value;
        report_failure(r, f->truth, f->regex_limit, f->filter_limit, trail, f->depth);
    }
}

static void run_rules(run *r)
{
    size_t i;

    set_root(r, r->root);
    if (r->rs->book.plan) {
        run_plan(r);
        return;
    }
    for (i = 0; i < r->rs->book.nrules && r->rc == OL_OK; i++) {
        const olp_rule *rule = r->rs->book.rules[i];
        if (runs(r, rule))
            run_rule(r, rule);
    }
}

/* ---- the session's life ---------------------------------------------------- */

/* An update with the session it updates: check the session it leaves. */
static void merge_session(run *r)
{
    const ol_context *ctx = r->ev.ctx;

    if (!ctx || !ctx->session || !is_update(r->kind))
        return;
    if (olp_merge(&r->merged, &r->rs->book, ctx->session, r->root) != OL_OK) {
        r->rc = OL_ENOMEM;
        return;
    }
    r->root = r->merged;
}

/* {fields}: the differing paths, then the count messages, joined by ", ". */
static void mismatch_fields(run *r, const olp_rule *rule, const olp_difference *d,
                            size_t n, olp_buf *fields)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (i)
            olp_buf_puts(fields, ", ");
        if (!d[i].count || !rule->count_message) {
            olp_buf_puts(fields, d[i].path);
            continue;
        }
        r->ev.expected = d[i].expected;
        r->ev.found = d[i].found;
        olp_template_render(rule->count_message, &r->ev, fields);
    }
}

static void location_set(run *r, const char *pointer, const char *path)
{
    olp_buf_reset(&r->pointer);
    olp_buf_reset(&r->path);
    olp_buf_puts(&r->pointer, pointer);
    olp_buf_puts(&r->path, path);
}

/* One finding per difference, each with Klarna's one message for all. */
static void mismatch_event(run *r, const olp_rule *rule)
{
    olp_difference *d = NULL;
    size_t n = 0, i;
    olp_buf fields;

    if (olp_compare(r->ev.authorized, r->root, rule->compare, rule->ncompare, &d, &n) !=
        OL_OK) {
        r->rc = OL_ENOMEM;
        return;
    }
    olp_buf_init(&fields);
    r->ev.current = r->root;
    mismatch_fields(r, rule, d, n, &fields);
    r->ev.fields = fields.data;
    for (i = 0; i < n && r->rc == OL_OK && !fields.oom; i++) {
        location_set(r, d[i].pointer, d[i].path);
        r->ev.expected = d[i].expected;
        r->ev.found = d[i].found;
        add_finding(r, rule, 0, 0, NULL);
    }
    if (fields.oom)
        r->rc = OL_ENOMEM;
    r->ev.fields = r->ev.expected = r->ev.found = NULL;
    olp_buf_free(&fields);
    olp_differences_free(d, n);
}

static void mismatch_events(run *r)
{
    size_t i;

    if (!r->ev.authorized)
        return;
    for (i = 0; i < r->rs->book.nrules && r->rc == OL_OK; i++) {
        const olp_rule *rule = r->rs->book.rules[i];
        if (rule->builtin == OLP_BUILTIN_AUTHORIZED_MISMATCH && applies(rule, r->kind))
            mismatch_event(r, rule);
    }
}

/* The body can be read and is an object: check what it says. */
static void check_body(run *r)
{
    merge_session(r);
    if (r->rc == OL_OK)
        run_rules(r);
    if (r->rc == OL_OK)
        mismatch_events(r);
}

/* The body cannot be read: the rules about the request still speak (the
 * session id, the token, their lifetimes), over an empty body, so that a
 * wrong path answers NOT_FOUND before the body's BAD_REQUEST (CONTRACT.md
 * section 3). */
static void check_request(run *r)
{
    const json_t *root = r->root;
    json_t *empty = json_object();
    size_t i;

    if (!empty) {
        r->rc = OL_ENOMEM;
        return;
    }
    r->root = empty;
    set_root(r, empty);
    for (i = 0; i < r->rs->book.nrules && r->rc == OL_OK; i++) {
        const olp_rule *rule = r->rs->book.rules[i];
        if (rule->about_request && runs(r, rule))
            run_rule(r, rule);
    }
    r->root = root;
    set_root(r, root);
    json_decref(empty);
}

/* ---- built-in events ------------------------------------------------------- */

/* Klarna's path of a pointer, read against the tree to tell indices from
 * keys that look like numbers. */
static void location_from_pointer(run *r, const char *pointer)
{
    const json_t *node = r->root;
    olp_buf key;

    olp_buf_reset(&r->pointer);
    olp_buf_reset(&r->path);
    olp_buf_append(&r->pointer, "", 0);
    olp_buf_append(&r->path, "", 0);
    olp_buf_init(&key);
    while (*pointer == '/') {
        const char *end = strchr(pointer + 1, '/');
        size_t n = end ? (size_t)(end - pointer - 1) : strlen(pointer + 1), i;

        olp_buf_reset(&key);
        for (i = 0; i < n; i++) {
            char c = pointer[1 + i];
            if (c == '~' && i + 1 < n) {
                c = pointer[2 + i] == '1' ? '/' : '~';
                i++;
            }
            olp_buf_append(&key, &c, 1);
        }
        if (json_is_array(node) && key.data) {
            size_t index = (size_t)strtoull(key.data, NULL, 10);
            location_add_index(r, index);
            node = json_array_get(node, index);
        } else {
            location_add_key(r, key.data ? key.data : "");
            node = json_object_get(node, key.data ? key.data : "");
        }
        pointer += 1 + n;
    }
    if (key.oom)
        r->rc = OL_ENOMEM;
    olp_buf_free(&key);
}

static void emit_event(run *r, olp_builtin event, const char *pointer, size_t offset,
                       const char *detail)
{
    size_t i;

    set_root(r, r->root);
    r->ev.current = r->root;
    r->ev.detail = detail;
    for (i = 0; i < r->rs->book.nrules && r->rc == OL_OK; i++) {
        const olp_rule *rule = r->rs->book.rules[i];
        if (rule->builtin != event || !applies(rule, r->kind))
            continue;
        location_from_pointer(r, pointer);
        add_finding(r, rule, 1, offset, NULL);
    }
    r->ev.detail = NULL;
}

/* ---- reading the text --------------------------------------------------- */

static int only_whitespace(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return 0;
    }
    return 1;
}

/* An event about the document as a whole, placed at offset. {detail} says
 * what was found and, when there is a text, where (CONTRACT.md section 3). */
static void document_event(run *r, olp_builtin event, size_t offset, const char *what)
{
    olp_buf detail;
    olp_place place;

    olp_buf_init(&detail);
    olp_buf_puts_valid_utf8(&detail, what);
    if (r->text) {
        olp_offsets_to_places(r->text, r->len, &offset, 1, &place);
        olp_buf_printf(&detail, ", at line %d column %d", place.line, place.column);
    }
    if (detail.oom)
        r->rc = OL_ENOMEM;
    else
        emit_event(r, event, "", offset, detail.data);
    olp_buf_free(&detail);
}

static void too_deep_event(run *r, size_t skip)
{
    size_t limit = r->rs->opts.max_depth, offset = 0;
    char what[64];

    /* jansson stops at its own depth limit, which is then the one in force */
    if (limit > JSON_PARSER_MAX_DEPTH)
        limit = JSON_PARSER_MAX_DEPTH;
    if (r->text)
        offset = skip + olp_locate_too_deep(r->text + skip, r->len - skip, limit);
    snprintf(what, sizeof(what), "nesting deeper than %zu levels", limit);
    document_event(r, OLP_BUILTIN_TOO_DEEP, offset, what);
}

/* jansson's error position is just past the token it could not take; the
 * token is quoted in its message ("... near 'tru'"), so step back over it
 * to point at where the token starts. */
static size_t syntax_offset(const json_error_t *jerr, const char *text, size_t skip,
                            size_t len)
{
    const char *near = strstr(jerr->text, " near '");
    size_t position = skip + (size_t)(jerr->position > 0 ? jerr->position : 0);
    size_t token_len, textlen = strlen(jerr->text);

    if (position > len)
        position = len;
    if (!near && json_error_code(jerr) == json_error_numeric_overflow) {
        /* "too big negative integer" quotes no token: the number ends here */
        while (position > skip && strchr("0123456789+-.eE", text[position - 1]))
            position--;
        return position;
    }
    if (!near || jerr->text[textlen - 1] != '\'')
        return position; /* "near end of file", or a message cut short */
    token_len = (size_t)(jerr->text + textlen - 1 - (near + 7));
    return token_len <= position - skip ? position - token_len : position;
}

static void syntax_event(run *r, size_t skip, const json_error_t *jerr)
{
    const char *nul = memchr(r->text + skip, '\0', r->len - skip);

    if (json_error_code(jerr) == json_error_stack_overflow) {
        too_deep_event(r, skip);
        return;
    }
    /* jansson reads a NUL byte as the end of the text ("end of file
     * expected near end of file" in the middle of it): say what it is */
    if (nul && (size_t)(nul - r->text) <= skip + (size_t)jerr->position) {
        document_event(r, OLP_BUILTIN_SYNTAX, (size_t)(nul - r->text),
                       "a NUL byte, which a JSON text cannot hold (in a string it is "
                       "written \\u0000)");
        return;
    }
    /* JSON without a limit of its own, past the reader's: 64-bit integers
     * and doubles */
    document_event(r,
                   json_error_code(jerr) == json_error_numeric_overflow
                       ? OLP_BUILTIN_NUMBER_RANGE
                       : OLP_BUILTIN_SYNTAX,
                   syntax_offset(jerr, r->text, skip, r->len), jerr->text);
}

/* Every repeated key the loader found, at the later key, saying where the
 * first one is. */
static void duplicate_events(run *r, size_t skip)
{
    const olp_doc *d = &r->doc;
    size_t i, first;
    olp_place place;
    char detail[128];

    for (i = 0; i < d->ndups && r->rc == OL_OK; i++) {
        first = skip + d->dups[i].first;
        olp_offsets_to_places(r->text, r->len, &first, 1, &place);
        snprintf(detail, sizeof(detail),
                 "the key appears more than once in its object, first at line %d column "
                 "%d",
                 place.line, place.column);
        emit_event(r, OLP_BUILTIN_DUPLICATE_KEY, d->dups[i].pointer,
                   skip + d->dups[i].offset, detail);
    }
}

/* jansson 2.14 does not always say when an allocation failed: it may
 * return NULL without setting the error at all, or with a syntax error that
 * the text does not have (tests/check_alloc.c finds both). A failure is
 * believed only when it says something, and a syntax error only when a
 * second parse finds it again, at the same place: a text's own fault is
 * there every time. Else the check fails with OL_ENOMEM, never a finding. */
static json_t *load(const char *text, size_t len, size_t flags, json_error_t *jerr)
{
    memset(jerr, 0, sizeof(*jerr));
    return json_loadb(text, len, flags, jerr);
}

static int failed_to_allocate(const json_error_t *jerr)
{
    return json_error_code(jerr) == json_error_out_of_memory || jerr->text[0] == '\0';
}

/* 1 when the failure jerr reports is the text's own. */
static int fault_of_text(const char *text, size_t len, size_t flags,
                         const json_error_t *jerr)
{
    json_error_t again;
    json_t *root;

    if (failed_to_allocate(jerr))
        return 0;
    root = load(text, len, flags, &again);
    json_decref(root);
    return !root && json_error_code(&again) == json_error_code(jerr) &&
           again.position == jerr->position && strcmp(again.text, jerr->text) == 0;
}

/* Read the text with the loader (load.c): the tree, the offset of every
 * value and key, and the repeated keys, in one pass. A text the loader
 * rejects is read once more by jansson, json_loadb with the same flags,
 * for jansson's message: a deliberate choice (liborderlint(3), "Reading
 * the text"), so that a finding about a text that is not JSON says what
 * it said before the loader, word for word, while the loader's own
 * message stays in the loader's tests. The two agree on the verdict
 * (tests/check_load.c, tests/load_suite.c, tests/fuzz/fuzz_load.c);
 * should jansson read a text the loader rejects (a NUL byte that jansson
 * drops, load.c), the loader's error is reported. Only a failing text
 * pays the second parse. */
static void parse(run *r, const char *text, size_t len, size_t skip)
{
    /* \u0000 is valid JSON (RFC 8259); strings are read with their length.
     * A repeated key keeps its last value (duplicate_events says so). */
    const size_t keep_last = JSON_DECODE_ANY | JSON_ALLOW_NUL;
    json_error_t own, jerr;
    json_t *root;
    /* values one level below the deepest container allowed: deeper, the
     * body is too deep whatever jansson says (it is asked, below, so that
     * a text that is also not JSON says so, as before the loader) */
    int rc = olp_load_within(&r->doc, text + skip, len - skip, r->rs->opts.max_depth + 1,
                             &own);

    if (rc == OL_OK) {
        r->root = r->doc.root;
        duplicate_events(r, skip);
        return;
    }
    if (rc != OLP_LOAD_INVALID) {
        r->rc = rc;
        return;
    }
    root = load(text + skip, len - skip, keep_last, &jerr);
    if (root) {
        json_decref(root);
        syntax_event(r, skip, &own);
        return;
    }
    if (!fault_of_text(text + skip, len - skip, keep_last, &jerr)) {
        r->rc = OL_ENOMEM;
        return;
    }
    syntax_event(r, skip, &jerr);
}

/* Checks of the document as a whole; 1 when the rules can run. offset is
 * where the root value starts in the text. */
static int document_ok(run *r, const json_t *root, size_t offset, size_t skip)
{
    size_t limit = r->rs->opts.max_depth;

    if (!json_is_object(root)) {
        document_event(r, OLP_BUILTIN_NOT_OBJECT, offset,
                       "the payload is not a JSON object");
        return 0;
    }
    /* The loader counted the depth of a text's tree as it read it (unless
     * a repeated key replaced a value); a caller's tree is walked for it. */
    if (root == r->doc.root && r->doc.container_depth != OLP_DEPTH_UNKNOWN
            ? r->doc.container_depth > limit
            : olp_json_deeper_than(root, limit)) {
        too_deep_event(r, skip);
        return 0;
    }
    return 1;
}

static size_t first_non_space(const char *s, size_t n, size_t from)
{
    while (from < n &&
           (s[from] == ' ' || s[from] == '\t' || s[from] == '\n' || s[from] == '\r'))
        from++;
    return from;
}

/* Read the text: 1 when it is a body the rules can run on, in r->root
 * (which stays there for the report), 0 when it cannot be read. */
static int read_text(run *r)
{
    size_t skip = 0, len = r->len;
    const char *text = r->text;
    char what[96];

    if (len >= 3 && memcmp(text, utf8_bom, 3) == 0) {
        skip = 3;
        emit_event(r, OLP_BUILTIN_BOM, "", 0,
                   "a UTF-8 byte-order mark before the JSON text");
    }
    if (len - skip > r->rs->opts.max_bytes) {
        /* Not the length itself: a caller may stop reading a document at
         * the limit and give only the first max_bytes + 1 bytes. */
        snprintf(what, sizeof(what), "more than the limit of %zu bytes",
                 r->rs->opts.max_bytes);
        document_event(r, OLP_BUILTIN_TOO_LARGE, skip, what);
        return 0;
    }
    if (only_whitespace(text + skip, len - skip)) {
        document_event(r, OLP_BUILTIN_EMPTY, len, "no JSON text");
        return 0;
    }
    parse(r, text, len, skip);
    return r->root && r->rc == OL_OK &&
           document_ok(r, r->root, first_non_space(text, len, skip), skip);
}

/* Check what was read: the body when it could be read, else what is about
 * the request alone. */
static void check(run *r, int readable)
{
    if (readable)
        check_body(r);
    else if (r->rc == OL_OK)
        check_request(r);
}

/* ---- the API ------------------------------------------------------------ */

/* A document of the context must be an object, and no deeper than a body
 * may be: the merge and the comparison walk it (jansson's copy and equality
 * recurse), and a tree a caller built can be of any depth. */
static int context_doc_bad(const ol_ruleset *rs, const json_t *doc, const char *name,
                           ol_error_t *err)
{
    size_t limit = rs->opts.max_depth;

    if (!doc)
        return 0;
    if (!json_is_object(doc))
        olp_error_set(err, OL_EINVAL, "", 0, 0, 0,
                      "ol_context: the %s is not a JSON object", name);
    else if (olp_json_deeper_than(doc, limit))
        olp_error_set(err, OL_EINVAL, "", 0, 0, 0,
                      "ol_context: the %s is nested deeper than %zu levels", name, limit);
    else
        return 0;
    return 1;
}

static int check_args(ol_report **out, const ol_ruleset *rs, ol_kind kind,
                      const ol_context *ctx, ol_error_t *err)
{
    if (out)
        *out = NULL;
    if (!out || !rs || (int)kind < 0 || kind >= OL_KIND_COUNT_) {
        olp_error_set(err, OL_EINVAL, "", 0, 0, 0, "ol_check: bad argument");
        return OL_EINVAL;
    }
    if (ctx && ctx->version != OL_CONTEXT_VERSION) {
        olp_error_set(err, OL_EINVAL, "", 0, 0, 0, "ol_context version %u is not %u",
                      ctx->version, OL_CONTEXT_VERSION);
        return OL_EINVAL;
    }
    if (ctx && (context_doc_bad(rs, ctx->session, "session", err) ||
                context_doc_bad(rs, ctx->authorized, "authorized", err) ||
                context_doc_bad(rs, ctx->order, "order", err)))
        return OL_EINVAL;
    return OL_OK;
}

/* Finish a run: order and place the findings, hand over the report. */
static int conclude(run *r, ol_report **out, const char *text, size_t len,
                    ol_error_t *err)
{
    size_t skip = text && len >= 3 && memcmp(text, utf8_bom, 3) == 0 ? 3 : 0;

    /* a buffer that could not grow fails the check, finding or not, and so
     * does an evaluation that ran out of memory where no visit followed to
     * see it (a filter's match data, say) */
    if (r->rc == OL_OK && (r->ev.oom || r->pointer.oom || r->path.oom || r->klarna.oom ||
                           r->message.oom || r->hint.oom))
        r->rc = OL_ENOMEM;
    if (r->rc == OL_OK)
        r->rc = olp_report_finish(r->report, r->root, text, len, skip,
                                  r->doc.root ? &r->doc : NULL);
    run_free(r);
    if (r->rc != OL_OK) {
        ol_report_free(r->report);
        olp_error_set(err, r->rc, "", 0, 0, 0, "%s", ol_strerror(r->rc));
        return r->rc;
    }
    *out = r->report;
    return OL_OK;
}

/* Check the arguments every check takes and set up a run with an empty
 * report. missing names the input when the caller gave none. */
static int start_run(run *r, ol_report **out, const ol_ruleset *rs, ol_kind kind,
                     const ol_context *ctx, const char *missing, ol_error_t *err)
{
    ol_report *report;
    int rc = check_args(out, rs, kind, ctx, err);

    if (rc != OL_OK)
        return rc;
    if (missing) {
        olp_error_set(err, OL_EINVAL, "", 0, 0, 0, "%s is NULL", missing);
        return OL_EINVAL;
    }
    report = olp_report_new(rs->opts.max_findings);
    if (!report) {
        olp_error_set(err, OL_ENOMEM, "", 0, 0, 0, "out of memory");
        return OL_ENOMEM;
    }
    run_init(r, rs, kind, ctx, report);
    return OL_OK;
}

int ol_check_buffer(ol_report **out, const ol_ruleset *rs, ol_kind kind, const char *json,
                    size_t len, const ol_context *ctx, ol_error_t *err)
{
    run r;
    int rc = start_run(&r, out, rs, kind, ctx,
                       !json && len ? "ol_check_buffer: the text" : NULL, err);

    if (rc != OL_OK)
        return rc;
    r.text = json ? json : "";
    r.len = len;
    check(&r, read_text(&r));
    return conclude(&r, out, r.text, len, err);
}

int ol_check_json(ol_report **out, const ol_ruleset *rs, ol_kind kind,
                  const json_t *payload, const ol_context *ctx, ol_error_t *err)
{
    run r;
    int rc = start_run(&r, out, rs, kind, ctx,
                       payload ? NULL : "ol_check_json: the payload", err);

    if (rc != OL_OK)
        return rc;
    r.root = payload; /* borrowed: never changed, never released */
    check(&r, document_ok(&r, payload, 0, 0));
    return conclude(&r, out, NULL, 0, err);
}
