/*
 * session.c: the session's life: an update merged into its session, and a
 * body compared with what was authorized. Which objects merge member by
 * member, and which fields are compared, come from the rules (`merge fields`,
 * `compare`), not from here.
 */
#include <stdlib.h>
#include <string.h>

#include "ol_private.h"

/* ---- the merge ------------------------------------------------------------ */

static int merges_members(const olp_rulebook *book, const char *key)
{
    size_t i;

    for (i = 0; i < book->nmerge_fields; i++) {
        if (strcmp(book->merge_fields[i], key) == 0)
            return 1;
    }
    return 0;
}

/* The session's value of key after the update's value. */
static json_t *merged_member(const olp_rulebook *book, const char *key, const json_t *old,
                             const json_t *new)
{
    json_t *merged, *copy;
    int rc;

    if (!old || !json_is_object(old) || !json_is_object(new) ||
        !merges_members(book, key))
        return json_deep_copy(new);
    merged = json_deep_copy(old);
    copy = json_deep_copy(new);
    rc = merged && copy ? json_object_update(merged, copy) : -1;
    json_decref(copy);
    if (rc != 0) {
        json_decref(merged);
        return NULL;
    }
    return merged;
}

int olp_merge(json_t **out, const olp_rulebook *book, const json_t *session,
              const json_t *update)
{
    const char *key;
    json_t *value, *merged = json_deep_copy(session);

    *out = NULL;
    if (!merged)
        return OL_ENOMEM;
    json_object_foreach((json_t *)update, key, value)
    {
        json_t *m = merged_member(book, key, json_object_get(merged, key), value);
        if (!m || json_object_set_new(merged, key, m) != 0) {
            json_decref(merged);
            return OL_ENOMEM;
        }
    }
    *out = merged;
    return OL_OK;
}

int ol_session_merge(json_t **out, const ol_ruleset *rs, const json_t *session,
                     const json_t *update, ol_error_t *err)
{
    int rc;

    if (out)
        *out = NULL;
    if (!out || !rs || !json_is_object(session) || !json_is_object(update)) {
        olp_error_set(
            err, OL_EINVAL, "", 0, 0, 0,
            "ol_session_merge: the session and the update must be JSON objects");
        return OL_EINVAL;
    }
    /* json_deep_copy recurses: a caller's tree of any depth must not reach it */
    if (olp_json_deeper_than(session, rs->opts.max_depth) ||
        olp_json_deeper_than(update, rs->opts.max_depth)) {
        olp_error_set(err, OL_EINVAL, "", 0, 0, 0,
                      "ol_session_merge: the session or the update is nested deeper than "
                      "%zu levels",
                      rs->opts.max_depth);
        return OL_EINVAL;
    }
    rc = olp_merge(out, &rs->book, session, update);
    if (rc != OL_OK)
        olp_error_set(err, rc, "", 0, 0, 0, "out of memory");
    return rc;
}

/* ---- the comparison with what was authorized ---------------------------- */

/* Past this depth two values are compared whole (with json_equal, which
 * recurses: the trees compared are within the ruleset's max_depth, which
 * ol_check_* checks of the body and of the context). */
#define DIFF_MAX_DEPTH OLP_MAX_TRAIL

typedef struct differ {
    olp_buf pointer, path; /* where the comparison is, in the body */
    const json_t *body;
    olp_difference *d;
    size_t n, cap;
    int oom;
} differ;

/* Compact JSON of v, or "absent"; olp_malloc'ed. */
static char *json_text(const json_t *v)
{
    size_t n;
    char *s;

    if (!v)
        return olp_strdup("absent");
    n = json_dumpb(v, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
    s = olp_malloc(n + 1);
    if (s && json_dumpb(v, s, n, JSON_COMPACT | JSON_ENCODE_ANY) != n) {
        olp_free(s);
        return NULL;
    }
    if (s)
        s[n] = '\0';
    return s;
}

static char *size_text(const json_t *array)
{
    olp_buf b;

    olp_buf_init(&b);
    olp_buf_printf(&b, "%zu", json_array_size(array));
    return olp_buf_take(&b);
}

static void add_difference(differ *df, const json_t *expected, const json_t *found,
                           int count)
{
    olp_difference *d;

    if (df->n == df->cap) {
        size_t cap = df->cap ? df->cap * 2 : 8;
        d = olp_realloc(df->d, cap * sizeof(*d));
        if (!d) {
            df->oom = 1;
            return;
        }
        df->d = d;
        df->cap = cap;
    }
    d = &df->d[df->n];
    memset(d, 0, sizeof(*d));
    d->count = count;
    d->seq = df->n;
    df->n++;
    d->pointer = olp_strdup(df->pointer.data ? df->pointer.data : "");
    d->path = olp_strdup(df->path.data ? df->path.data : "");
    d->expected = count ? size_text(expected) : json_text(expected);
    d->found = count ? size_text(found) : json_text(found);
    if (!d->pointer || !d->path || !d->expected || !d->found ||
        olp_pointer_rank(df->body, d->pointer, &d->rank, &d->nrank) != OL_OK)
        df->oom = 1;
}

static void diff_value(differ *df, const json_t *a, const json_t *b, int depth);

static void diff_member(differ *df, const char *key, const json_t *a, const json_t *b,
                        int depth)
{
    size_t plen = df->pointer.len, klen = df->path.len;

    olp_pointer_append_key(&df->pointer, key);
    olp_path_append_key(&df->path, key);
    diff_value(df, a, b, depth + 1);
    df->pointer.len = plen;
    df->path.len = klen;
    if (df->pointer.data)
        df->pointer.data[plen] = '\0';
    if (df->path.data)
        df->path.data[klen] = '\0';
}

/* Member by member: the body's members in its order, then those only the
 * authorized object has. */
static void diff_objects(differ *df, const json_t *a, const json_t *b, int depth)
{
    const char *key;
    json_t *value;

    json_object_foreach((json_t *)b, key, value)
    {
        diff_member(df, key, json_object_get(a, key), value, depth);
    }
    json_object_foreach((json_t *)a, key, value)
    {
        if (!json_object_get(b, key))
            diff_member(df, key, value, NULL, depth);
    }
}

/* As a list: a different length is one difference, else element by element.
 * The length of a compared path itself (order_lines) is told by the count
 * message; an array inside it differs like any value, by its path. */
static void diff_arrays(differ *df, const json_t *a, const json_t *b, int depth)
{
    size_t i, n = json_array_size(a), plen = df->pointer.len, klen = df->path.len;

    if (n != json_array_size(b)) {
        add_difference(df, a, b, depth == 0);
        return;
    }
    for (i = 0; i < n && !df->oom; i++) {
        olp_buf_printf(&df->pointer, "/%zu", i);
        olp_buf_printf(&df->path, "[%zu]", i);
        diff_value(df, json_array_get(a, i), json_array_get(b, i), depth + 1);
        df->pointer.len = plen;
        df->path.len = klen;
        if (df->pointer.data)
            df->pointer.data[plen] = '\0';
        if (df->path.data)
            df->path.data[klen] = '\0';
    }
}

static void diff_value(differ *df, const json_t *a, const json_t *b, int depth)
{
    if (df->oom || df->pointer.oom || df->path.oom) {
        df->oom = 1;
        return;
    }
    if (a && b && depth < DIFF_MAX_DEPTH && json_is_object(a) && json_is_object(b))
        diff_objects(df, a, b, depth);
    else if (a && b && depth < DIFF_MAX_DEPTH && json_is_array(a) && json_is_array(b))
        diff_arrays(df, a, b, depth);
    else if (!a || !b || !json_equal(a, b))
        add_difference(df, a, b, 0);
}

/* The value a compare path names in doc, with its location in df. */
static const json_t *resolve(differ *df, const olp_path *p, const json_t *doc, int locate)
{
    size_t i;

    for (i = 0; i < p->nsegs && doc; i++) {
        const olp_seg *s = &p->segs[i];
        if (s->type == OLP_SEG_KEY) {
            doc = json_object_get(doc, s->key);
            if (locate) {
                olp_pointer_append_key(&df->pointer, s->key);
                olp_path_append_key(&df->path, s->key);
            }
        } else {
            doc = json_array_get(doc, s->index);
            if (locate) {
                olp_buf_printf(&df->pointer, "/%zu", s->index);
                olp_buf_printf(&df->path, "[%zu]", s->index);
            }
        }
    }
    return doc;
}

/* Differences first in the body's order, then the count items (Klarna's
 * real responses list "Incorrect number of items ..." last). */
static int difference_order(const void *x, const void *y)
{
    const olp_difference *a = x, *b = y;
    int c;

    if (a->count != b->count)
        return a->count ? 1 : -1;
    c = olp_rank_cmp(a->rank, a->nrank, b->rank, b->nrank);
    if (c)
        return c;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void olp_differences_free(olp_difference *d, size_t n)
{
    size_t i;

    for (i = 0; d && i < n; i++) {
        olp_free(d[i].pointer);
        olp_free(d[i].path);
        olp_free(d[i].expected);
        olp_free(d[i].found);
        olp_free(d[i].rank);
    }
    olp_free(d);
}

int olp_compare(const json_t *authorized, const json_t *body, olp_path *const *paths,
                size_t npaths, olp_difference **out, size_t *n)
{
    differ df;
    size_t i;

    memset(&df, 0, sizeof(df));
    df.body = body;
    olp_buf_init(&df.pointer);
    olp_buf_init(&df.path);
    for (i = 0; i < npaths && !df.oom; i++) {
        const json_t *a, *b;

        olp_buf_reset(&df.pointer);
        olp_buf_reset(&df.path);
        olp_buf_append(&df.pointer, "", 0);
        olp_buf_append(&df.path, "", 0);
        a = resolve(&df, paths[i], authorized, 0);
        b = resolve(&df, paths[i], body, 1);
        /* What the snapshot does not hold was not authorized: it matches. */
        if (a)
            diff_value(&df, a, b, 0);
    }
    olp_buf_free(&df.pointer);
    olp_buf_free(&df.path);
    if (df.oom) {
        olp_differences_free(df.d, df.n);
        *out = NULL;
        *n = 0;
        return OL_ENOMEM;
    }
    if (df.n > 1)
        qsort(df.d, df.n, sizeof(*df.d), difference_order);
    *out = df.d;
    *n = df.n;
    return OL_OK;
}
