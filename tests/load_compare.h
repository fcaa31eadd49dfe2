/*
 * load_compare.h: the loader against json_loadb (load_compare.c).
 */
#ifndef LOAD_COMPARE_H
#define LOAD_COMPARE_H

#include <stddef.h>

#include "ol_private.h"

/* 1 when a and b are the same tree: the same types, integers, reals bit for
 * bit, strings byte for byte, and objects' members in the same order. */
int lc_same_tree(const json_t *a, const json_t *b);

/* NULL when every offset of doc is right: each value (and key) jansson
 * reads at its offset in text is the value (the key); the repeated keys'
 * offsets read as the same key, in text order. *checked (if not NULL) gets
 * how many values and keys were read back. */
const char *lc_check_offsets(olp_doc *doc, const char *text, size_t len, size_t *checked);

typedef struct lc_result {
    int accepted;       /* jansson read the text */
    size_t offsets;     /* values and keys whose offsets were read back */
    char error[256];    /* the loader's error, when it rejected the text */
    size_t nul_dropped; /* NUL bytes jansson drops, the loader rejects */
} lc_result;

/* Read text with the loader and with json_loadb (JSON_DECODE_ANY |
 * JSON_ALLOW_NUL): NULL when they agree (the verdict; the tree, and its
 * depth where the loader knows it; the offsets) or differ only as the loader means to (a
 * NUL byte after a number or a literal, which jansson drops: counted in nul_dropped),
 * else what differs. */
const char *lc_compare(const char *text, size_t len, lc_result *res);

#endif /* LOAD_COMPARE_H */
