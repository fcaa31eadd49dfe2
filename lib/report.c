/*
 * report.c: the report of a check: findings in document order, the answer
 * Klarna would give, and its error body.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "ol_private.h"

typedef struct item {
    ol_finding pub;
    int locked;     /* its rule is locked: never suppressed */
    int importance; /* importance(): lower matters more */
    size_t seq;     /* order of addition: rule order, the tie-breaker */
    int has_offset; /* offset known before locating (built-in events) */
    size_t *rank;   /* the pointer's position in tree order */
    size_t nrank;
} item;

/* The findings of one rule that a full report did not keep: enough for
 * ol_report_suppress to know whether an error it cannot see still stands. */
typedef struct lost_rule {
    char *rule;    /* the rule's id */
    char *code;    /* the error_code of its errors (NULL before the first) */
    int http;      /* and their HTTP status */
    size_t errors; /* its errors not kept */
    size_t others; /* its warnings not kept */
    int locked;    /* the rule is locked: never forgotten */
} lost_rule;

/* The places of the kept errors, and every place above them: "", "/a",
 * "/a/1", "/a/1/b" for an error at /a/1/b, each with the number of kept
 * errors at or under it. An open-addressing hash table, so that `needs`
 * asks in one lookup whether a place already has an error. */
typedef struct place_count {
    char *pointer; /* NULL: a free slot */
    size_t count;
} place_count;

struct ol_report {
    item *items;
    size_t n, cap;
    place_count *places;
    size_t nplaces, cplaces; /* slots used (with any count), slots */
    size_t max;
    size_t dropped;  /* findings not kept: the sum over lost */
    lost_rule *lost; /* by rule */
    size_t nlost, caplost;
    size_t added;     /* findings offered so far: the next seq */
    int worst;        /* a full report: the largest importance kept; -1 not known */
    const char *code; /* the chosen answer, borrowed from an item */
    int http;
    const char **messages; /* borrowed from the items */
    size_t nmessages;
};

/* Klarna's order of checking (CONTRACT.md section 3): the resource in the
 * path (404), then a body that cannot be read (BAD_REQUEST), then field
 * rules (other 400s), then the state of the resource (403: Order Management's
 * CAPTURE_NOT_ALLOWED, ...), then the mismatch with the authorization (409).
 * The lower rank answers. */
static int answer_rank(const char *code, int http)
{
    switch (http) {
    case 404:
        return strcmp(code, "NOT_FOUND") == 0 ? 0 : 1;
    case 400:
        return strcmp(code, "BAD_REQUEST") == 0 ? 2 : 3;
    case 403:
        return 4;
    case 409:
        return 5;
    default:
        return 6;
    }
}

ol_report *olp_report_new(size_t max_findings)
{
    ol_report *r = olp_calloc(1, sizeof(*r));

    if (r) {
        r->max = max_findings;
        r->worst = -1;
    }
    return r;
}

static void item_free(item *it)
{
    olp_free((char *)it->pub.rule);
    olp_free((char *)it->pub.pointer);
    olp_free((char *)it->pub.path);
    olp_free((char *)it->pub.message);
    olp_free((char *)it->pub.hint);
    olp_free((char *)it->pub.klarna_message);
    olp_free((char *)it->pub.error_code);
    olp_free(it->rank);
}

void ol_report_free(ol_report *r)
{
    size_t i;

    if (!r)
        return;
    for (i = 0; i < r->cplaces; i++)
        olp_free(r->places[i].pointer);
    olp_free(r->places);
    for (i = 0; i < r->n; i++)
        item_free(&r->items[i]);
    for (i = 0; i < r->nlost; i++) {
        olp_free(r->lost[i].rule);
        olp_free(r->lost[i].code);
    }
    olp_free(r->lost);
    olp_free(r->items);
    olp_free(r->messages);
    olp_free(r);
}

static int grow(ol_report *r)
{
    size_t cap;
    item *items;

    if (r->n < r->cap)
        return OL_OK;
    cap = r->cap ? r->cap * 2 : 8;
    items = olp_realloc(r->items, cap * sizeof(*items));
    if (!items)
        return OL_ENOMEM;
    r->items = items;
    r->cap = cap;
    return OL_OK;
}

static char *dup_or_empty(const char *s) { return olp_strdup(s ? s : ""); }

/* ---- the places of the errors -------------------------------------------- */

static size_t place_hash(const char *s, size_t n)
{
    size_t h = 14695981039346656037u, i; /* FNV-1a */

    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

/* The slot of the place s[0..n): its own, or the free one where it would go. */
static place_count *place_slot(place_count *places, size_t cap, const char *s, size_t n)
{
    size_t i = place_hash(s, n) & (cap - 1);

    while (places[i].pointer &&
           (strlen(places[i].pointer) != n || memcmp(places[i].pointer, s, n) != 0))
        i = (i + 1) & (cap - 1);
    return &places[i];
}

/* Room for one more place: at most half the slots used. */
static int places_grow(ol_report *r)
{
    size_t cap = r->cplaces ? r->cplaces * 2 : 64, i;
    place_count *places;

    if (2 * (r->nplaces + 1) <= r->cplaces)
        return OL_OK;
    places = olp_calloc(cap, sizeof(*places));
    if (!places)
        return OL_ENOMEM;
    for (i = 0; i < r->cplaces; i++) {
        if (r->places[i].pointer) {
            const char *p = r->places[i].pointer;
            *place_slot(places, cap, p, strlen(p)) = r->places[i];
        }
    }
    olp_free(r->places);
    r->places = places;
    r->cplaces = cap;
    return OL_OK;
}

/* Count an error at pointer (delta 1) or forget one (delta -1), at its place
 * and every place above it. */
static int places_count(ol_report *r, const char *pointer, int delta)
{
    size_t n = strlen(pointer), end = 0;

    for (;;) {
        place_count *pc;
        if (delta > 0 && places_grow(r) != OL_OK)
            return OL_ENOMEM;
        pc = r->cplaces ? place_slot(r->places, r->cplaces, pointer, end) : NULL;
        if (pc && !pc->pointer && delta > 0) {
            pc->pointer = olp_strndup(pointer, end);
            if (!pc->pointer)
                return OL_ENOMEM;
            r->nplaces++;
        }
        if (pc && pc->pointer && delta > 0)
            pc->count++;
        else if (pc && pc->pointer && pc->count > 0)
            pc->count--;
        if (end == n)
            return OL_OK;
        end++; /* past this '/', to the next one or the end */
        while (end < n && pointer[end] != '/')
            end++;
    }
}

/* How much a finding matters when the report is full, lower first: an
 * error before any warning, and among errors the answer Klarna gives first
 * (so that the validity and the answer of a report never depend on the
 * limit; only the rest of the list may be cut). */
static int importance(ol_severity severity, const char *code, int http)
{
    return severity == OL_SEVERITY_ERROR ? answer_rank(code, http) : 100;
}

/* The kept finding a full report gives up for one of importance imp: the
 * least important, the latest of those; NULL when none matters less. Most
 * findings of a full report matter no more than the worst kept, and are
 * dropped at once; the list is searched only to give one up. */
static item *evictable(ol_report *r, int imp)
{
    item *worst = NULL;
    size_t i;

    if (r->worst < 0) {
        for (i = 0; i < r->n; i++) {
            if (r->items[i].importance > r->worst)
                r->worst = r->items[i].importance;
        }
    }
    if (imp >= r->worst)
        return NULL;
    for (i = 0; i < r->n; i++) {
        item *it = &r->items[i];
        if (it->importance == r->worst && (!worst || it->seq > worst->seq))
            worst = it;
    }
    r->worst = -1; /* one of them goes */
    return worst;
}

/* The entry of lost for rule_id, made when absent; NULL when out of memory. */
static lost_rule *lost_entry(ol_report *r, const char *rule_id)
{
    size_t i;

    for (i = 0; i < r->nlost; i++) {
        if (strcmp(r->lost[i].rule, rule_id) == 0)
            return &r->lost[i];
    }
    if (r->nlost == r->caplost) {
        size_t cap = r->caplost ? 2 * r->caplost : 8;
        lost_rule *v = olp_realloc(r->lost, cap * sizeof(*v));

        if (!v)
            return NULL;
        r->lost = v;
        r->caplost = cap;
    }
    memset(&r->lost[r->nlost], 0, sizeof(r->lost[0]));
    r->lost[r->nlost].rule = olp_strdup(rule_id);
    return r->lost[r->nlost].rule ? &r->lost[r->nlost++] : NULL;
}

/* Count a finding the report does not keep. Returns 0, or OL_ENOMEM. */
static int count_lost(ol_report *r, const char *rule_id, int locked, ol_severity severity,
                      const char *code, int http)
{
    lost_rule *e = lost_entry(r, rule_id);

    if (!e)
        return OL_ENOMEM;
    e->locked = locked;
    if (severity != OL_SEVERITY_ERROR) {
        e->others++;
    } else {
        if (!e->code && !(e->code = olp_strdup(code)))
            return OL_ENOMEM;
        e->http = http;
        e->errors++;
    }
    r->dropped++;
    return OL_OK;
}

/* Where a new finding goes: a new item, or, in a full report, the place of
 * one that matters less (NULL: the finding itself is dropped, *rc OL_OK). */
static item *slot_for(ol_report *r, const olp_finding_in *f, int *rc)
{
    item *it;

    *rc = OL_OK;
    if (r->max && r->n >= r->max) {
        it = evictable(r, importance(f->rule->severity, f->rule->code, f->rule->http));
        if (!it) {
            *rc = count_lost(r, f->rule->id, f->rule->info.locked, f->rule->severity,
                             f->rule->code, f->rule->http);
            return NULL;
        }
        *rc = count_lost(r, it->pub.rule, it->locked, it->pub.severity,
                         it->pub.error_code, it->pub.http_status);
        if (*rc != OL_OK)
            return NULL;
        if (it->pub.severity == OL_SEVERITY_ERROR && it->pub.pointer)
            places_count(r, it->pub.pointer, -1);
        item_free(it);
        return it;
    }
    if (grow(r) != OL_OK) {
        *rc = OL_ENOMEM;
        return NULL;
    }
    return &r->items[r->n++];
}

int olp_report_add(ol_report *r, const olp_finding_in *f)
{
    item *it;
    int rc;

    it = slot_for(r, f, &rc);
    if (!it)
        return rc;
    memset(it, 0, sizeof(*it));
    it->pub.rule = olp_strdup(f->rule->id);
    it->pub.pointer = dup_or_empty(f->pointer);
    it->pub.path = dup_or_empty(f->path);
    it->pub.message = dup_or_empty(f->message);
    it->pub.hint = dup_or_empty(f->hint);
    it->pub.klarna_message = dup_or_empty(f->klarna);
    it->pub.error_code = dup_or_empty(f->rule->code);
    it->pub.severity = f->rule->severity;
    it->pub.http_status = f->rule->http;
    it->locked = f->rule->info.locked;
    it->importance = importance(f->rule->severity, f->rule->code, f->rule->http);
    it->pub.offset = f->offset;
    it->has_offset = f->has_offset;
    it->seq = r->added++;
    if (!it->pub.rule || !it->pub.pointer || !it->pub.path || !it->pub.message ||
        !it->pub.hint || !it->pub.klarna_message || !it->pub.error_code)
        return OL_ENOMEM; /* the item stays, freed with the report */
    if (it->pub.severity == OL_SEVERITY_ERROR)
        return places_count(r, it->pub.pointer, 1);
    return OL_OK;
}

/* ---- pointer segments --------------------------------------------------- */

/* Next segment of a pointer at *p (on a '/'): its raw text and length. */
static int next_segment(const char **p, const char **seg, size_t *len)
{
    const char *s = *p, *end;

    if (*s != '/')
        return 0;
    s++;
    end = strchr(s, '/');
    if (!end)
        end = s + strlen(s);
    *seg = s;
    *len = (size_t)(end - s);
    *p = end;
    return 1;
}

/* Does a raw (escaped) pointer segment name the key? */
static int segment_is_key(const char *seg, size_t len, const char *key)
{
    size_t i, k = 0;

    for (i = 0; i < len; i++, k++) {
        char c = seg[i];
        if (c == '~' && i + 1 < len) {
            c = seg[i + 1] == '1' ? '/' : '~';
            i++;
        }
        if (key[k] != c)
            return 0;
    }
    return key[k] == '\0';
}

static int segment_index(const char *seg, size_t len, size_t *index)
{
    size_t i, v = 0;

    if (len == 0 || len > 18)
        return 0;
    for (i = 0; i < len; i++) {
        if (seg[i] < '0' || seg[i] > '9')
            return 0;
        v = v * 10 + (size_t)(seg[i] - '0');
    }
    *index = v;
    return 1;
}

/* Does a pattern hold a wildcard segment, "*"? */
static int has_wildcard(const char *pattern)
{
    const char *p = pattern, *seg;
    size_t len;

    while (next_segment(&p, &seg, &len)) {
        if (len == 1 && seg[0] == '*')
            return 1;
    }
    return 0;
}

int olp_report_has_errors(const ol_report *r)
{
    /* places_count counts every error at the root place "" too */
    const place_count *pc = r->cplaces ? place_slot(r->places, r->cplaces, "", 0) : NULL;

    return pc && pc->pointer && pc->count > 0;
}

int olp_report_has_error_under(const ol_report *r, const char *pattern)
{
    size_t i;

    if (!has_wildcard(pattern)) {
        const place_count *pc =
            r->cplaces ? place_slot(r->places, r->cplaces, pattern, strlen(pattern))
                       : NULL;
        return pc && pc->pointer && pc->count > 0;
    }
    for (i = 0; i < r->n; i++) {
        const char *p = pattern, *f = r->items[i].pub.pointer, *ps, *fs;
        size_t plen, flen;
        int match = 1;

        if (r->items[i].pub.severity != OL_SEVERITY_ERROR)
            continue;
        while (match && next_segment(&p, &ps, &plen)) {
            if (!next_segment(&f, &fs, &flen))
                match = 0;
            else if (!(plen == 1 && ps[0] == '*') &&
                     (plen != flen || memcmp(ps, fs, plen)))
                match = 0;
        }
        if (match)
            return 1;
    }
    return 0;
}

/* ---- document order ------------------------------------------------------ */

/* The member named by seg, and its index in the object's iteration order
 * (the order of the text: jansson keeps insertion order). */
static const json_t *member_at(const json_t *obj, const char *seg, size_t len,
                               size_t *rank)
{
    void *iter = json_object_iter((json_t *)obj);
    size_t i;

    for (i = 0; iter; i++, iter = json_object_iter_next((json_t *)obj, iter)) {
        if (segment_is_key(seg, len, json_object_iter_key(iter))) {
            *rank = i;
            return json_object_iter_value(iter);
        }
    }
    return NULL;
}

static int push_rank(size_t **rank, size_t *n, size_t *cap, size_t r)
{
    if (*n == *cap) {
        size_t newcap = *cap ? *cap * 2 : 4;
        size_t *ranks = olp_realloc(*rank, newcap * sizeof(*ranks));
        if (!ranks)
            return OL_ENOMEM;
        *rank = ranks;
        *cap = newcap;
    }
    (*rank)[(*n)++] = r;
    return OL_OK;
}

int olp_pointer_rank(const json_t *root, const char *pointer, size_t **rank, size_t *n)
{
    const char *p = pointer, *seg;
    const json_t *node = root;
    size_t len, cap = 0, r = 0;

    *rank = NULL;
    *n = 0;
    while (node && next_segment(&p, &seg, &len)) {
        const json_t *child = NULL;

        if (json_is_object(node))
            child = member_at(node, seg, len, &r);
        else if (json_is_array(node) && segment_index(seg, len, &r))
            child = json_array_get(node, r);
        if (!child)
            break;
        if (push_rank(rank, n, &cap, r) != OL_OK)
            return OL_ENOMEM;
        node = child;
    }
    return OL_OK;
}

int olp_rank_cmp(const size_t *a, size_t na, const size_t *b, size_t nb)
{
    size_t i, n = na < nb ? na : nb;

    for (i = 0; i < n; i++) {
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    }
    return na < nb ? -1 : na > nb;
}

static int item_order(const void *a, const void *b)
{
    const item *x = a, *y = b;
    int c = olp_rank_cmp(x->rank, x->nrank, y->rank, y->nrank);

    if (c)
        return c;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ---- places --------------------------------------------------------------- */

static int offset_order(const void *a, const void *b)
{
    const item *const *x = a, *const *y = b;
    size_t ox = (*x)->pub.offset, oy = (*y)->pub.offset;
    return ox < oy ? -1 : ox > oy;
}

size_t olp_doc_locate(const olp_doc *doc, const char *pointer)
{
    const char *p = pointer, *seg;
    const json_t *node = doc->root;
    size_t offset = doc->root_offset, len, index, at;

    while (next_segment(&p, &seg, &len)) {
        const json_t *child = NULL;

        if (json_is_object(node)) {
            child = member_at(node, seg, len, &index);
            if (!child || !olp_doc_member(doc, node, index, NULL, &at))
                break;
        } else if (json_is_array(node) && segment_index(seg, len, &index) &&
                   (len == 1 || seg[0] != '0')) {
            child = json_array_get(node, index);
            if (!child || !olp_doc_element(doc, node, index, &at))
                break;
        } else {
            break;
        }
        node = child;
        offset = at;
    }
    return offset;
}

/* Offsets of the findings that do not have one yet. */
static void locate_items(ol_report *r, const olp_doc *doc, size_t skip)
{
    size_t i;

    for (i = 0; i < r->n; i++) {
        if (!r->items[i].has_offset)
            r->items[i].pub.offset = skip + olp_doc_locate(doc, r->items[i].pub.pointer);
    }
}

static int place_items(ol_report *r, const char *text, size_t len)
{
    item **byoff = olp_calloc(r->n, sizeof(*byoff));
    size_t *offsets = olp_calloc(r->n, sizeof(*offsets));
    olp_place *places = olp_calloc(r->n, sizeof(*places));
    size_t i;
    int rc = OL_ENOMEM;

    if (byoff && offsets && places) {
        for (i = 0; i < r->n; i++)
            byoff[i] = &r->items[i];
        qsort(byoff, r->n, sizeof(*byoff), offset_order);
        for (i = 0; i < r->n; i++)
            offsets[i] = byoff[i]->pub.offset;
        olp_offsets_to_places(text, len, offsets, r->n, places);
        for (i = 0; i < r->n; i++) {
            byoff[i]->pub.line = places[i].line;
            byoff[i]->pub.column = places[i].column;
        }
        rc = OL_OK;
    }
    olp_free(byoff);
    olp_free(offsets);
    olp_free(places);
    return rc;
}

/* ---- the answer --------------------------------------------------------- */

static int answer_of(const item *it)
{
    return answer_rank(it->pub.error_code, it->pub.http_status);
}

static int already_listed(const ol_report *r, const char *message)
{
    size_t i;

    for (i = 0; i < r->nmessages; i++) {
        if (strcmp(r->messages[i], message) == 0)
            return 1;
    }
    return 0;
}

/* The answer: the error Klarna checks first (answer_rank), NULL when the
 * report holds no error. */
static void pick_answer(ol_report *r)
{
    size_t i;
    int best = -1, a;

    r->code = NULL;
    r->http = 0;
    for (i = 0; i < r->n; i++) {
        if (r->items[i].pub.severity != OL_SEVERITY_ERROR)
            continue;
        a = answer_of(&r->items[i]);
        if (best < 0 || a < best) {
            best = a;
            r->code = r->items[i].pub.error_code;
            r->http = r->items[i].pub.http_status;
        }
    }
    /* A finding not kept matters no more than any kept one (evictable), so
     * these decide only once ol_report_suppress took the kept errors away:
     * an error not seen still rejects the report. */
    for (i = 0; i < r->nlost; i++) {
        if (r->lost[i].errors == 0)
            continue;
        a = answer_rank(r->lost[i].code, r->lost[i].http);
        if (best < 0 || a < best) {
            best = a;
            r->code = r->lost[i].code;
            r->http = r->lost[i].http;
        }
    }
}

/* The messages of the answer into r->messages, which has room for r->n. */
static void list_messages(ol_report *r)
{
    size_t i;

    r->nmessages = 0;
    for (i = 0; r->code && i < r->n; i++) {
        const ol_finding *f = &r->items[i].pub;
        if (f->severity == OL_SEVERITY_ERROR && strcmp(f->error_code, r->code) == 0 &&
            f->http_status == r->http && !already_listed(r, f->klarna_message))
            r->messages[r->nmessages++] = f->klarna_message;
    }
}

static int choose_answer(ol_report *r)
{
    pick_answer(r);
    if (!r->code)
        return OL_OK;
    r->messages = olp_calloc(r->n, sizeof(*r->messages));
    if (!r->messages)
        return OL_ENOMEM;
    list_messages(r);
    return OL_OK;
}

int olp_report_finish(ol_report *r, const json_t *root, const char *text, size_t len,
                      size_t skip, olp_doc *doc)
{
    size_t i;
    int rc;

    for (i = 0; i < r->n; i++) {
        rc = olp_pointer_rank(root, r->items[i].pub.pointer, &r->items[i].rank,
                              &r->items[i].nrank);
        if (rc != OL_OK)
            return rc;
    }
    if (r->n > 1) /* qsort's array must not be NULL, even for 0 items */
        qsort(r->items, r->n, sizeof(*r->items), item_order);
    if (text && r->n) {
        if (doc && doc->root) {
            rc = olp_doc_index(doc);
            if (rc != OL_OK)
                return rc;
            locate_items(r, doc, skip);
        }
        rc = place_items(r, text, len);
        if (rc != OL_OK)
            return rc;
    }
    return choose_answer(r);
}

/* ---- suppression ---------------------------------------------------------- */

static int suppressed(const item *it, const char *rule_id, const char *pointer)
{
    return !it->locked && strcmp(it->pub.rule, rule_id) == 0 &&
           (!pointer || strcmp(it->pub.pointer, pointer) == 0);
}

/* Forget one kept finding, as if it had never been added. */
static void forget(ol_report *r, item *it)
{
    if (it->pub.severity == OL_SEVERITY_ERROR)
        places_count(r, it->pub.pointer, -1); /* never allocates when forgetting */
    item_free(it);
}

/* The findings of rule_id not kept, forgotten when the suppression is for
 * every place (with a pointer, they may have stood anywhere). Returns how
 * many. A locked rule's are never forgotten. */
static size_t forget_lost(ol_report *r, const char *rule_id, const char *pointer)
{
    size_t i, n;

    for (i = 0; !pointer && i < r->nlost; i++) {
        lost_rule *e = &r->lost[i];

        if (strcmp(e->rule, rule_id) != 0 || e->locked)
            continue;
        n = e->errors + e->others;
        r->dropped -= n;
        e->errors = e->others = 0;
        return n;
    }
    return 0;
}

size_t ol_report_suppress(ol_report *r, const char *rule_id, const char *pointer)
{
    size_t i, kept = 0, removed;

    if (!r || !rule_id)
        return 0;
    for (i = 0; i < r->n; i++) {
        if (suppressed(&r->items[i], rule_id, pointer))
            forget(r, &r->items[i]);
        else
            r->items[kept++] = r->items[i];
    }
    removed = r->n - kept;
    removed += forget_lost(r, rule_id, pointer);
    if (removed == 0)
        return 0;
    r->n = kept;
    r->worst = -1;
    /* The messages array has room for every finding the report had, and a
     * report without one had no error, so has none now: re-choosing the
     * answer never allocates, and cannot fail. */
    pick_answer(r);
    if (r->messages)
        list_messages(r);
    return removed;
}

/* ---- public accessors ---------------------------------------------------- */

size_t ol_report_count(const ol_report *r) { return r ? r->n : 0; }

const ol_finding *ol_report_get(const ol_report *r, size_t i)
{
    return r && i < r->n ? &r->items[i].pub : NULL;
}

int ol_report_valid(const ol_report *r) { return r && r->code == NULL; }

size_t ol_report_dropped(const ol_report *r) { return r ? r->dropped : 0; }

const char *ol_report_error_code(const ol_report *r) { return r ? r->code : NULL; }

int ol_report_http_status(const ol_report *r) { return r ? r->http : 0; }

size_t ol_report_message_count(const ol_report *r) { return r ? r->nmessages : 0; }

const char *ol_report_message(const ol_report *r, size_t i)
{
    return r && i < r->nmessages ? r->messages[i] : NULL;
}

/* ---- the Klarna body ------------------------------------------------------- */

/* A random UUID version 4 (RFC 4122 section 4.4) from the OS random source. */
static int random_uuid(char out[37])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[16];
    size_t i, k = 0, got = 0;

    while (got < sizeof(b)) {
        ssize_t n = getrandom(b + got, sizeof(b) - got, 0);
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* RFC 4122 variant */
    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[k++] = '-';
        out[k++] = hex[b[i] >> 4];
        out[k++] = hex[b[i] & 15];
    }
    out[k] = '\0';
    return 0;
}

int ol_report_klarna_json_ex(const ol_report *r, const char *correlation_id, char **out)
{
    olp_buf b;
    size_t i;

    if (!out)
        return OL_EINVAL;
    *out = NULL;
    if (!r || !r->code || !correlation_id)
        return OL_EINVAL;
    olp_buf_init(&b);
    olp_buf_puts(&b, "{\"correlation_id\": ");
    olp_buf_json_string(&b, correlation_id, strlen(correlation_id));
    olp_buf_puts(&b, ", \"error_code\": ");
    olp_buf_json_string(&b, r->code, strlen(r->code));
    olp_buf_puts(&b, ", \"error_messages\": [");
    for (i = 0; i < r->nmessages; i++) {
        if (i)
            olp_buf_puts(&b, ", ");
        olp_buf_json_string(&b, r->messages[i], strlen(r->messages[i]));
    }
    olp_buf_puts(&b, "]}");
    *out = olp_buf_take(&b);
    return *out ? OL_OK : OL_ENOMEM;
}

int ol_report_klarna_json(const ol_report *r, char **out)
{
    char uuid[37];

    if (out)
        *out = NULL;
    if (random_uuid(uuid) != 0)
        return OL_EIO; /* the OS random source failed */
    return ol_report_klarna_json_ex(r, uuid, out);
}
