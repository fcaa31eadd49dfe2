/*
 * plan.c: the `at` paths of all the rules, merged into one tree, so that a
 * check walks the payload once instead of once per path.
 *
 * The built-in table has about 250 `at` paths, most of them under the same
 * few members (order_lines[*], billing_address): walked one by one, each
 * path looks up its members and runs over every line again. Merged, a
 * member is looked up once, a wildcard runs once, and at each value the
 * rules whose path ends there are visited.
 *
 * The walk visits values in another order than rule by rule, so the visit
 * callback must not depend on the order: check.c evaluates every visit and
 * keeps the failures, then reports them in rule order (see run_plan there).
 * Within one path, the values are visited in the order olp_path_walk
 * visits them. A visit is of every path that ends at the value
 * (olp_plan_end: the rule and which of its paths it is), those of rules that
 * do not run on the check among them.
 */
#include <limits.h>
#include <string.h>

#include "ol_private.h"

typedef olp_plan_end plan_end;

typedef struct plan_node plan_node;

struct plan_node {
    const olp_seg *seg; /* the step from the parent; NULL at the root */
    /* the kinds on which a rule at or below runs, by merged (0, 1): a walk
     * skips the rest */
    unsigned int runs[2];
    plan_end *ends; /* paths ending here, in rule order */
    size_t nends;
    plan_node **children;
    size_t nchildren;
    /* Its children of a key, by key (key_mask + 1 slots, open addressing;
     * NULL for a node of fewer than PLAN_KEYED_MIN): at an object of no
     * more members than that, the walk takes each member and finds its
     * child here, instead of looking up every key. The payload's root has
     * some 40 key children for a kind and ten members, an order line some
     * 15 for eight or nine, and most keys are not there. A slot holds 1 +
     * the child's index in children (0: empty), in 2 bytes: a node of more
     * children than that has no by_key. */
    unsigned short *by_key;
    size_t key_mask, nkeys;
};

#define PLAN_KEYED_MIN 4
#define PLAN_KEYED_MAX USHRT_MAX

struct olp_plan {
    plan_node root;      /* paths from the payload ($, or @ at the root) */
    plan_end *elsewhere; /* paths from a context document: walked alone */
    size_t nelsewhere;
};

/* ---- building ------------------------------------------------------------ */

static int append_end(plan_end **ends, size_t *n, const plan_end *e)
{
    plan_end *grown = olp_realloc(*ends, (*n + 1) * sizeof(**ends));

    if (!grown)
        return -1;
    grown[(*n)++] = *e;
    *ends = grown;
    return 0;
}

/* Two steps a walk takes together. A filter is never shared: each is its own
 * expression, evaluated where it is written. */
static int same_step(const olp_seg *a, const olp_seg *b)
{
    if (a->type != b->type)
        return 0;
    switch (a->type) {
    case OLP_SEG_KEY:
        return a->key_len == b->key_len && memcmp(a->key, b->key, a->key_len) == 0;
    case OLP_SEG_INDEX:
        return a->index == b->index;
    case OLP_SEG_WILD:
        return 1;
    default:
        return a == b;
    }
}

static plan_node *child_for(plan_node *n, const olp_seg *seg)
{
    plan_node **grown, *c;
    size_t i;

    for (i = 0; i < n->nchildren; i++)
        if (same_step(n->children[i]->seg, seg))
            return n->children[i];
    c = olp_calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    grown = olp_realloc(n->children, (n->nchildren + 1) * sizeof(*grown));
    if (!grown) {
        olp_free(c);
        return NULL;
    }
    c->seg = seg;
    grown[n->nchildren++] = c;
    n->children = grown;
    return c;
}

/* A disabled rule runs on no kind (and is never enabled again). */
static void disable_end(plan_end *e)
{
    if (e->rule->disabled)
        e->runs[0] = e->runs[1] = 0;
}

/* The kinds of n from its rules that are not disabled and its children:
 * a walk does not go where no rule would run. */
static void mark_runs(plan_node *n)
{
    size_t i;

    n->runs[0] = n->runs[1] = 0;
    for (i = 0; i < n->nends; i++) {
        disable_end(&n->ends[i]);
        n->runs[0] |= n->ends[i].runs[0];
        n->runs[1] |= n->ends[i].runs[1];
    }
    for (i = 0; i < n->nchildren; i++) {
        mark_runs(n->children[i]);
        n->runs[0] |= n->children[i]->runs[0];
        n->runs[1] |= n->children[i]->runs[1];
    }
}

void olp_plan_rules_disabled(olp_plan *plan)
{
    size_t i;

    mark_runs(&plan->root);
    for (i = 0; i < plan->nelsewhere; i++)
        disable_end(&plan->elsewhere[i]);
}

static int add_path(olp_plan *plan, const plan_end *e, const olp_path *p)
{
    plan_node *n = &plan->root;
    size_t i;

    if (p->from_root != OLP_ROOT_PAYLOAD && p->from_root != OLP_ROOT_CURRENT)
        return append_end(&plan->elsewhere, &plan->nelsewhere, e);
    for (i = 0; i < p->nsegs; i++) {
        n = child_for(n, &p->segs[i]);
        if (!n)
            return -1;
    }
    return append_end(&n->ends, &n->nends, e);
}

static void node_free(plan_node *n)
{
    size_t i;

    for (i = 0; i < n->nchildren; i++) {
        node_free(n->children[i]);
        olp_free(n->children[i]);
    }
    olp_free(n->children);
    olp_free(n->ends);
    olp_free(n->by_key);
}

/* Where a key starts in a node's by_key: from its length and its first and
 * last bytes, which tell the keys of one object apart well enough, at a
 * cost that does not grow with the key. */
static size_t key_start(const char *key, size_t len, size_t mask)
{
    size_t sig = len * 0x9E3779B1u;

    if (len)
        sig ^= (unsigned char)key[0] * 31u ^ (size_t)(unsigned char)key[len - 1] << 8;
    return (sig ^ sig >> 7) & mask;
}

static int is_key_child(const plan_node *c) { return c->seg->type == OLP_SEG_KEY; }

/* by_key of n and of every node under it; -1 when out of memory. */
static int index_keys(plan_node *n)
{
    size_t i, j, size = 1;

    for (i = 0; i < n->nchildren; i++) {
        if (index_keys(n->children[i]) != 0)
            return -1;
        n->nkeys += is_key_child(n->children[i]);
    }
    if (n->nkeys < PLAN_KEYED_MIN || n->nchildren >= PLAN_KEYED_MAX)
        return 0;
    while (size < 2 * n->nkeys)
        size *= 2;
    n->by_key = olp_calloc(size, sizeof(*n->by_key));
    if (!n->by_key)
        return -1;
    n->key_mask = size - 1;
    for (i = 0; i < n->nchildren; i++) {
        const olp_seg *seg = n->children[i]->seg;
        if (!is_key_child(n->children[i]))
            continue;
        j = key_start(seg->key, seg->key_len, n->key_mask);
        while (n->by_key[j])
            j = (j + 1) & n->key_mask;
        n->by_key[j] = (unsigned short)(i + 1);
    }
    return 0;
}

/* The child of n for the key, or NULL (n->by_key is not NULL). */
static const plan_node *child_by_key(const plan_node *n, const char *key, size_t len)
{
    size_t j = key_start(key, len, n->key_mask);

    while (n->by_key[j]) {
        const plan_node *c = n->children[n->by_key[j] - 1];
        if (c->seg->key_len == len && memcmp(c->seg->key, key, len) == 0)
            return c;
        j = (j + 1) & n->key_mask;
    }
    return NULL;
}

void olp_plan_free(olp_plan *plan)
{
    if (!plan)
        return;
    node_free(&plan->root);
    olp_free(plan->elsewhere);
    olp_free(plan);
}

olp_plan *olp_plan_build(const olp_rulebook *book)
{
    olp_plan *plan = olp_calloc(1, sizeof(*plan));
    size_t i, j;

    if (!plan)
        return NULL;
    for (i = 0; i < book->nrules; i++) {
        const olp_rule *rule = book->rules[i];
        if (rule->builtin != OLP_BUILTIN_NONE)
            continue;
        for (j = 0; j < rule->nat; j++) {
            plan_end e;
            e.rule = rule;
            e.rule_index = i;
            e.at_index = j;
            e.runs[0] = olp_rule_runs_on(rule, 0);
            e.runs[1] = olp_rule_runs_on(rule, 1);
            if (add_path(plan, &e, rule->at[j]) != 0) {
                olp_plan_free(plan);
                return NULL;
            }
        }
    }
    if (index_keys(&plan->root) != 0) {
        olp_plan_free(plan);
        return NULL;
    }
    olp_plan_rules_disabled(plan);
    return plan;
}

/* ---- walking ------------------------------------------------------------- */

typedef struct plan_walk {
    olp_eval *ev;
    const olp_plan_visitor *visitor;
    unsigned int kind_bit; /* 1u << visitor->kind */
    int merged;            /* visitor->merged */
    olp_step trail[OLP_MAX_TRAIL];
} plan_walk;

static int walk_node(plan_walk *w, const plan_node *n, const json_t *value, size_t depth);

static int runs(const plan_walk *w, const unsigned int runs[2])
{
    return olp_runs_on(runs, w->kind_bit, w->merged);
}

static int visit_ends(plan_walk *w, const plan_node *n, const json_t *value, size_t depth)
{
    const olp_plan_visitor *v = w->visitor;

    return n->nends && v->visit(v->arg, n->ends, n->nends, value, w->trail, depth);
}

/* As olp_path_walk: a value past OLP_MAX_TRAIL levels is not visited. */
static int step_into(plan_walk *w, const plan_node *child, const json_t *value,
                     const char *key, size_t index, size_t depth)
{
    if (depth >= OLP_MAX_TRAIL)
        return 0;
    w->trail[depth].key = key;
    w->trail[depth].index = index;
    return walk_node(w, child, value, depth + 1);
}

static int filter_holds(plan_walk *w, const olp_expr *filter, const json_t *element)
{
    return olp_filter_holds(w->ev, filter, element);
}

/* Every path at or under n, told at value that its filter passed a regex
 * limit there (as olp_path_walk does). */
static int visit_all_ends(plan_walk *w, const plan_node *n, const json_t *value,
                          size_t depth)
{
    size_t i;

    if (visit_ends(w, n, value, depth))
        return 1;
    for (i = 0; i < n->nchildren; i++)
        if (visit_all_ends(w, n->children[i], value, depth))
            return 1;
    return 0;
}

static int filter_limit_at(plan_walk *w, const plan_node *child, const json_t *element,
                           const char *key, size_t index, size_t depth)
{
    int stop;

    if (depth >= OLP_MAX_TRAIL)
        return 0;
    w->trail[depth].key = key;
    w->trail[depth].index = index;
    w->ev->filter_limit = 1;
    stop = visit_all_ends(w, child, element, depth + 1);
    w->ev->filter_limit = 0;
    return stop;
}

/* One element of [*] or [?()]: 1 when the walk is to stop. */
static int step_element(plan_walk *w, const plan_node *child, const json_t *element,
                        const char *key, size_t index, size_t depth)
{
    const olp_expr *filter = child->seg->filter;
    int holds = !filter || filter_holds(w, filter, element); /* [*]: no call */
    int limited = filter && w->ev->regex_limit;

    if (limited)
        w->ev->regex_limit = 0; /* the filter's: not of what follows */
    if (!holds)
        return limited ? filter_limit_at(w, child, element, key, index, depth) : 0;
    return step_into(w, child, element, key, index, depth);
}

/* [*] and [?()]: the elements of an array, the member values of an object. */
static int step_each(plan_walk *w, const plan_node *child, const json_t *value,
                     size_t depth)
{
    const char *key;
    json_t *member;
    size_t i, n;

    if (json_is_array(value)) {
        n = json_array_size(value);
        for (i = 0; i < n; i++)
            if (step_element(w, child, json_array_get(value, i), NULL, i, depth))
                return 1;
    } else if (json_is_object(value)) {
        json_object_foreach((json_t *)value, key, member)
        {
            if (step_element(w, child, member, key, 0, depth))
                return 1;
        }
    }
    return 0;
}

static int step(plan_walk *w, const plan_node *child, const json_t *value, size_t depth)
{
    const olp_seg *s = child->seg;
    const json_t *next;

    switch (s->type) {
    case OLP_SEG_KEY:
        next = olp_member(w->ev, value, s);
        return next ? step_into(w, child, next, s->key, 0, depth) : 0;
    case OLP_SEG_INDEX:
        next = json_array_get(value, s->index);
        return next ? step_into(w, child, next, NULL, s->index, depth) : 0;
    default:
        return step_each(w, child, value, depth);
    }
}

/* The key children of n by the members of object: each member found is
 * told to the member cache, for the rules that read it next. */
static int step_members(plan_walk *w, const plan_node *n, const json_t *object,
                        size_t depth)
{
    void *it;

    for (it = json_object_iter((json_t *)object); it;
         it = json_object_iter_next((json_t *)object, it)) {
        const plan_node *c =
            child_by_key(n, json_object_iter_key(it), json_object_iter_key_len(it));
        const json_t *member;
        if (!c)
            continue;
        member = json_object_iter_value(it);
        olp_member_remember(w->ev, object, c->seg, member);
        if (runs(w, c->runs) && step_into(w, c, member, c->seg->key, 0, depth))
            return 1;
    }
    return 0;
}

/* The paths under n first, then those ending at n: the rules of an object
 * read the members under it (a line's amounts, for the order's sums), and
 * the walk has then told the member cache where they are. */
static int walk_node(plan_walk *w, const plan_node *n, const json_t *value, size_t depth)
{
    int by_members;
    size_t i;

    by_members =
        n->by_key && json_is_object(value) && json_object_size(value) <= n->nkeys;
    if (by_members && step_members(w, n, value, depth))
        return 1;
    for (i = 0; i < n->nchildren; i++) {
        const plan_node *c = n->children[i];
        if ((by_members && is_key_child(c)) || !runs(w, c->runs))
            continue;
        if (step(w, c, value, depth))
            return 1;
    }
    return visit_ends(w, n, value, depth);
}

/* A path from a context document, walked alone. */
typedef struct elsewhere_visit {
    const olp_plan_visitor *visitor;
    const plan_end *end;
} elsewhere_visit;

static int visit_elsewhere(const json_t *value, const olp_step *trail, size_t depth,
                           void *arg)
{
    const elsewhere_visit *x = arg;

    return x->visitor->visit(x->visitor->arg, x->end, 1, value, trail, depth);
}

int olp_plan_walk(const olp_plan *plan, olp_eval *ev, const json_t *root,
                  const olp_plan_visitor *visitor)
{
    plan_walk w;
    size_t i;

    w.ev = ev;
    w.visitor = visitor;
    w.kind_bit = 1u << visitor->kind;
    w.merged = visitor->merged != 0;
    ev->current = root;
    if (runs(&w, plan->root.runs) && walk_node(&w, &plan->root, root, 0))
        return 1;
    for (i = 0; i < plan->nelsewhere; i++) {
        const plan_end *e = &plan->elsewhere[i];
        elsewhere_visit x;
        if (!runs(&w, e->runs))
            continue;
        x.visitor = visitor;
        x.end = e;
        ev->current = root;
        if (olp_path_walk(e->rule->at[e->at_index], ev, NULL, 0, visit_elsewhere, &x))
            return 1;
    }
    return 0;
}
