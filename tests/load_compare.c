/*
 * load_compare.c: the loader (lib/load.c) against its reference, jansson's
 * json_loadb, for the tests that compare them (check_load.c, load_suite.c,
 * fuzz/fuzz_load.c): the verdict, the tree, and the offsets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_compare.h"

/* json_loadb's flags as the text path read a body before the loader. */
#define REFERENCE_FLAGS (JSON_DECODE_ANY | JSON_ALLOW_NUL)

int lc_same_tree(const json_t *a, const json_t *b)
{
    size_t i;
    void *ia, *ib;

    if (json_typeof(a) != json_typeof(b))
        return 0;
    switch (json_typeof(a)) {
    case JSON_INTEGER:
        return json_integer_value(a) == json_integer_value(b);
    case JSON_REAL: {
        double x = json_real_value(a), y = json_real_value(b);
        return memcmp(&x, &y, sizeof(x)) == 0; /* bit for bit: -0.0 too */
    }
    case JSON_STRING:
        return json_string_length(a) == json_string_length(b) &&
               memcmp(json_string_value(a), json_string_value(b),
                      json_string_length(a)) == 0;
    case JSON_ARRAY:
        if (json_array_size(a) != json_array_size(b))
            return 0;
        for (i = 0; i < json_array_size(a); i++) {
            if (!lc_same_tree(json_array_get(a, i), json_array_get(b, i)))
                return 0;
        }
        return 1;
    case JSON_OBJECT:
        if (json_object_size(a) != json_object_size(b))
            return 0;
        ia = json_object_iter((json_t *)a);
        ib = json_object_iter((json_t *)b);
        for (; ia && ib; ia = json_object_iter_next((json_t *)a, ia),
                         ib = json_object_iter_next((json_t *)b, ib)) {
            size_t n = json_object_iter_key_len(ia);
            if (n != json_object_iter_key_len(ib) ||
                memcmp(json_object_iter_key(ia), json_object_iter_key(ib), n) != 0 ||
                !lc_same_tree(json_object_iter_value(ia), json_object_iter_value(ib)))
                return 0;
        }
        return !ia && !ib;
    default:
        return 1; /* true, false, null */
    }
}

/* What jansson reads at offset: the value that starts there. */
static json_t *value_at(const char *text, size_t len, size_t offset)
{
    if (offset >= len)
        return NULL;
    return json_loadb(text + offset, len - offset,
                      REFERENCE_FLAGS | JSON_DISABLE_EOF_CHECK, NULL);
}

static int same_at(const char *text, size_t len, size_t offset, const json_t *v)
{
    json_t *there = value_at(text, len, offset);
    int same = there && lc_same_tree(there, v);

    json_decref(there);
    return same;
}

static int key_at(const char *text, size_t len, size_t offset, const char *key,
                  size_t key_len)
{
    json_t *there = value_at(text, len, offset);
    int same = json_is_string(there) && json_string_length(there) == key_len &&
               memcmp(json_string_value(there), key, key_len) == 0;

    json_decref(there);
    return same;
}

static const char *check_value(const olp_doc *doc, const char *text, size_t len,
                               const json_t *v, size_t offset, size_t *checked)
{
    const char *why;
    size_t i, at, kat;
    void *it;

    if (!same_at(text, len, offset, v))
        return "a value's offset does not read back as the value";
    (*checked)++;
    if (json_is_array(v)) {
        for (i = 0; i < json_array_size(v); i++) {
            if (!olp_doc_element(doc, v, i, &at))
                return "an element without its offset";
            why = check_value(doc, text, len, json_array_get(v, i), at, checked);
            if (why)
                return why;
        }
        if (olp_doc_element(doc, v, i, &at))
            return "an offset past an array's last element";
    } else if (json_is_object(v)) {
        it = json_object_iter((json_t *)v);
        for (i = 0; it; i++, it = json_object_iter_next((json_t *)v, it)) {
            if (!olp_doc_member(doc, v, i, &kat, &at))
                return "a member without its offsets";
            if (!key_at(text, len, kat, json_object_iter_key(it),
                        json_object_iter_key_len(it)))
                return "a key's offset does not read back as the key";
            (*checked)++;
            why = check_value(doc, text, len, json_object_iter_value(it), at, checked);
            if (why)
                return why;
        }
        if (olp_doc_member(doc, v, i, &kat, &at))
            return "an offset past an object's last member";
    }
    return NULL;
}

const char *lc_check_offsets(olp_doc *doc, const char *text, size_t len, size_t *checked)
{
    size_t i, n = 0;
    const char *why = olp_doc_index(doc) != OL_OK
                          ? "no memory for the index"
                          : check_value(doc, text, len, doc->root, doc->root_offset, &n);

    for (i = 0; !why && i < doc->ndups; i++) {
        const olp_duplicate *d = &doc->dups[i];
        json_t *a = value_at(text, len, d->first), *b = value_at(text, len, d->offset);

        if (d->first >= d->offset || !json_is_string(a) || !lc_same_tree(a, b))
            why = "a repeated key's offsets do not read back as the same key";
        if (!d->pointer || d->pointer[0] != '/')
            why = "a repeated key without its pointer";
        if (i > 0 && doc->dups[i - 1].offset >= d->offset)
            why = "repeated keys out of text order";
        json_decref(a);
        json_decref(b);
    }
    if (checked)
        *checked = n;
    return why;
}

/* The loader's one deliberate difference (lib/load.c): jansson 2.14 drops
 * a NUL byte that directly follows a number or a literal ("[1\0]" reads as
 * [1]; it takes the byte given back after the token's last character for
 * an empty buffer), which the loader rejects. The token still ends there
 * ("[1\0" "2]" fails), so jansson reads such a byte as it reads a space: a
 * copy of text with a space for each NUL byte outside a string right after
 * a letter or a digit (*dropped says how many). NULL when out of memory. */
static char *with_spaces(const char *text, size_t len, size_t *dropped)
{
    char *out = malloc(len ? len : 1);
    size_t i;
    int in_string = 0, escaped = 0;

    *dropped = 0;
    if (!out)
        return NULL;
    memcpy(out, text, len);
    for (i = 0; i < len; i++) {
        char c = text[i], prev = i ? text[i - 1] : ' ';

        if (in_string) {
            if (escaped)
                escaped = 0;
            else if (c == '\\')
                escaped = 1;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '\0' && ((prev >= '0' && prev <= '9') ||
                                 ((prev | 0x20) >= 'a' && (prev | 0x20) <= 'z'))) {
            (*dropped)++;
            out[i] = ' ';
        }
    }
    return out;
}

/* The loaders on one text. */
static const char *compare(const char *text, size_t len, lc_result *res)
{
    json_error_t jerr, own;
    json_t *ref = json_loadb(text, len, REFERENCE_FLAGS, &jerr);
    olp_doc doc;
    int rc = olp_load(&doc, text, len, &own);
    const char *why = NULL;

    res->accepted = ref != NULL;
    res->offsets = 0;
    res->error[0] = '\0';
    if (rc == OL_ENOMEM)
        why = "the loader ran out of memory";
    else if ((rc == OL_OK) != (ref != NULL))
        why = ref ? "the loader rejects what jansson reads"
                  : "the loader reads what "
                    "jansson rejects";
    else if (rc == OL_OK && !lc_same_tree(doc.root, ref))
        why = "the loader's tree is not jansson's";
    else if (rc == OL_OK && !json_equal(doc.root, ref))
        why = "json_equal: the loader's tree is not jansson's";
    else if (rc == OL_OK && doc.container_depth != OLP_DEPTH_UNKNOWN &&
             doc.container_depth != olp_json_depth(ref, SIZE_MAX))
        why = "the loader's depth (olp_doc.container_depth) is not the tree's";
    else if (rc == OL_OK)
        why = lc_check_offsets(&doc, text, len, &res->offsets);
    else if (own.text[0] == '\0' || (size_t)own.position > len)
        why = "the loader's error says nothing, or points past the text";
    if (rc == OLP_LOAD_INVALID)
        snprintf(res->error, sizeof(res->error), "%d:%d (byte %d): %s", own.line,
                 own.column, own.position, own.text);
    json_decref(ref);
    olp_doc_free(&doc);
    return why;
}

/* Where jansson drops NUL bytes, the loader must reject the text, and
 * read the text with spaces for them as jansson reads the text. */
const char *lc_compare(const char *text, size_t len, lc_result *res)
{
    size_t dropped;
    char *copy = with_spaces(text, len, &dropped);
    const char *why = NULL;
    json_t *with, *without;
    olp_doc doc;

    memset(res, 0, sizeof(*res));
    if (!copy)
        return "out of memory in the test";
    if (dropped == 0) {
        free(copy);
        return compare(text, len, res);
    }
    if (olp_load(&doc, text, len, NULL) == OL_OK)
        why = "the loader reads a NUL byte outside a string";
    olp_doc_free(&doc);
    with = json_loadb(text, len, REFERENCE_FLAGS, NULL);
    without = json_loadb(copy, len, REFERENCE_FLAGS, NULL);
    if (!why &&
        ((with == NULL) != (without == NULL) || (with && !lc_same_tree(with, without))))
        why = "jansson does not drop the NUL bytes lib/load.c says it drops";
    if (!why)
        why = compare(copy, len, res);
    res->nul_dropped = dropped;
    json_decref(with);
    json_decref(without);
    free(copy);
    return why;
}
