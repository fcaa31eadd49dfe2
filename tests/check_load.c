/*
 * check_load.c: the loader (lib/load.c) against json_loadb, its offsets,
 * its repeated keys, and the place of a pointer (olp_doc_locate).
 */
#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_ol.h"
#include "load_compare.h"
#include "ol_private.h"

/* ---- the same answer as jansson --------------------------------------------- */

static const struct {
    const char *text;
    size_t len; /* 0: strlen */
    int valid;  /* what jansson (and the loader) say */
} texts[] = {
    {"{}", 0, 1},
    {"[]", 0, 1},
    {" \t\r\n[ ]\n", 0, 1},
    {"", 0, 0},
    {"   ", 0, 0},
    {"1", 0, 1},
    {"\"x\"", 0, 1},
    {"true", 0, 1},
    {"nul", 0, 0},
    {"truex", 0, 0},
    {"True", 0, 0},
    {"[1,]", 0, 0},
    {"[,1]", 0, 0},
    {"{\"a\":1,}", 0, 0},
    {"{\"a\" 1}", 0, 0},
    {"{1:1}", 0, 0},
    {"[1 2]", 0, 0},
    {"[1] x", 0, 0},
    {"[1]]", 0, 0},
    {"\f[]", 0, 0}, /* form feed is not whitespace */
    /* numbers */
    {"-0", 0, 1},
    {"-", 0, 0},
    {"01", 0, 0},
    {"-01", 0, 0},
    {"1.", 0, 0},
    {".5", 0, 0},
    {"1.5e", 0, 0},
    {"1e+", 0, 0},
    {"+1", 0, 0},
    {"0x10", 0, 0},
    {"1E2", 0, 1},
    {"-0.0", 0, 1},
    {"0e0", 0, 1},
    {"9223372036854775807", 0, 1},
    {"-9223372036854775808", 0, 1},
    {"9223372036854775808", 0, 0},
    {"-9223372036854775809", 0, 0},
    {"123456789012345678901234567890", 0, 0},
    {"1e308", 0, 1},
    {"1e309", 0, 0},
    {"-1e309", 0, 0},
    {"1.7976931348623157e308", 0, 1},
    {"1.7976931348623158e308", 0, 1}, /* rounds down to DBL_MAX */
    {"1.7976931348623159e308", 0, 0},
    {"4.9e-324", 0, 1},
    {"2e-324", 0, 1}, /* rounds to 0: underflow is no failure */
    {"1e-400", 0, 1},
    {"-1e-400", 0, 1},
    {"1e-99999999999999999999999", 0, 1},
    {"1e99999999999999999999999", 0, 0},
    {"0e99999999999999999999999", 0, 1},
    {"0.1", 0, 1},
    {"0.3", 0, 1},
    {"2.2250738585072011e-308", 0, 1},
    {"2.2250738585072012e-308", 0, 1},
    {"9007199254740993", 0, 1},
    {"9007199254740993.0", 0, 1},
    {"123456789012345678901234567890.5e-10", 0, 1},
    {"0.000000000000000000000000000000000000000000000000000000001", 0, 1},
    {"1.00000000000000011102230246251565404236316680908203125", 0, 1},
    {"1.00000000000000011102230246251565404236316680908203124", 0, 1},
    {"7.2057594037927933e16", 0, 1},
    {"[1.5,-2.25e-3,3E+4]", 0, 1},
    /* strings */
    {"\"\\u0000\"", 0, 1},
    {"\"a\\u0000b\"", 0, 1},
    {"{\"\\u0000\":1}", 0, 0}, /* jansson: no NUL in a key */
    {"{\"a\\u0000\":1}", 0, 0},
    {"\"\\ud83d\\ude00\"", 0, 1},
    {"\"\\uD83D\\uDE00\"", 0, 1},
    {"\"\\ud83d\"", 0, 0},
    {"\"\\ud83dx\"", 0, 0},
    {"\"\\ud83d\\u0041\"", 0, 0},
    {"\"\\ude00\"", 0, 0},
    {"\"\\u12\"", 0, 0},
    {"\"\\u12G4\"", 0, 0},
    {"\"\\x\"", 0, 0},
    {"\"\\'\"", 0, 0},
    {"\"\\/\\b\\f\\n\\r\\t\\\\\\\"\"", 0, 1},
    {"\"a\tb\"", 0, 0},
    {"\"a\nb\"", 0, 0},
    {"\"\x7f\"", 0, 1},
    {"\"\x1f\"", 0, 0},
    {"\"unterminated", 0, 0},
    {"\"back\\", 0, 0},
    {"\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"", 0, 1},
    {"\"\xc0\x80\"", 0, 0},         /* overlong NUL */
    {"\"\xc1\xbf\"", 0, 0},         /* overlong */
    {"\"\xe0\x80\xaf\"", 0, 0},     /* overlong '/' */
    {"\"\xf0\x80\x80\xaf\"", 0, 0}, /* overlong */
    {"\"\xed\xa0\x80\"", 0, 0},     /* a surrogate */
    {"\"\xed\x9f\xbf\"", 0, 1},     /* U+D7FF */
    {"\"\xee\x80\x80\"", 0, 1},     /* U+E000 */
    {"\"\xf4\x8f\xbf\xbf\"", 0, 1}, /* U+10FFFF */
    {"\"\xf4\x90\x80\x80\"", 0, 0}, /* past U+10FFFF */
    {"\"\xf5\x80\x80\x80\"", 0, 0},
    {"\"\xe2\x82\"", 0, 0}, /* cut short */
    {"\"\xe2\x82", 0, 0},
    {"\"\x80\"", 0, 0},
    {"\"\xff\"", 0, 0},
    {"\xef\xbb\xbf{}", 0, 0}, /* a byte-order mark: lib/check.c skips it */
    {"[\"\xc3\xa9\"] \xc3\xa9", 0, 0},
    /* raw NUL bytes */
    {"\0", 1, 0},
    {"\"a\0b\"", 5, 0},
    {"[1]\0", 4, 0},
    {"[\"a\"\0]", 6, 0},
    /* nesting */
    {"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", 0, 1},
    {"{\"a\":{\"b\":{\"c\":[{\"d\":[]}]}}}", 0, 1},
    {"[[", 0, 0},
    {"{\"a\":", 0, 0},
    {"{\"a\"", 0, 0},
    {"{", 0, 0},
    /* repeated keys: the last value, at the first key's place */
    {"{\"a\":1,\"b\":2,\"a\":3}", 0, 1},
    {"{\"a\":{\"x\":1,\"x\":2},\"a\":[1]}", 0, 1},
    {"{\"a\":1,\"\\u0061\":2}", 0, 1},
};

START_TEST(test_same_as_jansson)
{
    const char *text = texts[_i].text;
    size_t len = texts[_i].len ? texts[_i].len : strlen(text);
    lc_result res;
    const char *why = lc_compare(text, len, &res);

    ck_assert_msg(!why, "text %d: %s", _i, why ? why : "");
    ck_assert_msg(res.accepted == texts[_i].valid, "text %d (%s): jansson %s it", _i,
                  text, res.accepted ? "reads" : "rejects");
    ck_assert_uint_eq(res.nul_dropped, 0);
}
END_TEST

/* The depth of every value counts, scalars too, as jansson counts it: a
 * value inside JSON_PARSER_MAX_DEPTH containers fails, an empty container
 * at that depth does not. */
static char *nested(size_t n, const char *inner)
{
    size_t k = strlen(inner), i;
    char *s = malloc(2 * n + k + 1);

    ck_assert_ptr_nonnull(s);
    for (i = 0; i < n; i++) {
        s[i] = '[';
        s[n + k + i] = ']';
    }
    memcpy(s + n, inner, k);
    s[2 * n + k] = '\0';
    return s;
}

START_TEST(test_depth_as_jansson)
{
    static const struct {
        size_t containers;
        const char *inner;
        int valid;
    } cases[] = {
        {JSON_PARSER_MAX_DEPTH, "", 1},       {JSON_PARSER_MAX_DEPTH + 1, "", 0},
        {JSON_PARSER_MAX_DEPTH - 1, "1", 1},  {JSON_PARSER_MAX_DEPTH, "1", 0},
        {JSON_PARSER_MAX_DEPTH - 1, "{}", 1}, {JSON_PARSER_MAX_DEPTH - 1, "{\"a\":1}", 0},
        {JSON_PARSER_MAX_DEPTH * 4, "", 0},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *s = nested(cases[i].containers, cases[i].inner);
        lc_result res;
        const char *why = lc_compare(s, strlen(s), &res);

        ck_assert_msg(!why, "case %zu: %s", i, why ? why : "");
        ck_assert_int_eq(res.accepted, cases[i].valid);
        free(s);
    }
}
END_TEST

/* olp_load_within stops at its own depth, with jansson's code for it (a
 * check asks for no more than it accepts: check.c, parse). */
START_TEST(test_depth_within_a_limit)
{
    olp_doc doc;
    json_error_t err;

    ck_assert_int_eq(olp_load_within(&doc, "[[1]]", 5, 3, &err), OL_OK);
    olp_doc_free(&doc);
    ck_assert_int_eq(olp_load_within(&doc, "[[1]]", 5, 2, &err), OLP_LOAD_INVALID);
    ck_assert_int_eq(json_error_code(&err), json_error_stack_overflow);
    ck_assert_int_eq(err.position, 2);
    olp_doc_free(&doc);
    ck_assert_int_eq(olp_load_within(&doc, "[[1]", 4, 2, &err), OLP_LOAD_INVALID);
    ck_assert_int_eq(json_error_code(&err), json_error_stack_overflow);
    olp_doc_free(&doc);
    /* a syntax error before the limit is one */
    ck_assert_int_eq(olp_load_within(&doc, "[x, [[1]]]", 10, 2, &err), OLP_LOAD_INVALID);
    ck_assert_int_ne(json_error_code(&err), json_error_stack_overflow);
    olp_doc_free(&doc);
    /* and past jansson's limit, jansson's is the one */
    ck_assert_int_eq(olp_load_within(&doc, "1", 1, (size_t)-1, &err), OL_OK);
    olp_doc_free(&doc);
}
END_TEST

/* Reals: bit for bit what strtod (jansson's) gives, fast path or not. */
START_TEST(test_reals_bit_for_bit)
{
    static const char *const reals[] = {"0.1",
                                        "0.2",
                                        "1e22",
                                        "1e23",
                                        "9007199254740992e0",
                                        "9007199254740993e0",
                                        "123.456e-7",
                                        "5e-324",
                                        "2.4703282292062327e-324",
                                        "2.4703282292062328e-324",
                                        "1.5e300",
                                        "8.98846567431158e307",
                                        "3.14159265358979323846264338327950288",
                                        "-123456789.987654321",
                                        "0.0000000000000000000000001",
                                        "100000000000000000000000.0",
                                        "4.35679e-10",
                                        "1.0e-22",
                                        "1e-23"};
    size_t i;

    for (i = 0; i < sizeof(reals) / sizeof(reals[0]); i++) {
        char text[128];
        olp_doc doc;
        double want = strtod(reals[i], NULL), got;

        snprintf(text, sizeof(text), "[%s]", reals[i]);
        ck_assert_int_eq(olp_load(&doc, text, strlen(text), NULL), OL_OK);
        got = json_real_value(json_array_get(doc.root, 0));
        ck_assert_msg(memcmp(&got, &want, sizeof(got)) == 0, "%s: %.17g, not %.17g",
                      reals[i], got, want);
        olp_doc_free(&doc);
    }
}
END_TEST

/* The loader neither reads nor sets LC_NUMERIC: under a locale whose
 * decimal point is a comma (when the system has one) it reads the same. */
START_TEST(test_reals_whatever_the_locale)
{
    static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                        "sv_SE.UTF-8", "ru_RU.UTF-8"};
    const char *text = "[0.5, 1.25e-3, 3.14159265358979323846264338327950288]";
    char *before = strdup(setlocale(LC_NUMERIC, NULL));
    json_t *ref = json_loads(text, 0, NULL);
    olp_doc doc;
    size_t i;

    ck_assert_ptr_nonnull(ref);
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (setlocale(LC_NUMERIC, names[i]))
            break;
    }
    if (i == sizeof(names) / sizeof(names[0])) {
        /* CI installs one (build-aux/test-all.sh): there, this test must
         * not pass without testing anything */
        ck_assert_msg(!getenv("ORDERLINT_NEED_COMMA_LOCALE"),
                      "no locale with a decimal comma (install locales-all)");
        fprintf(stderr, "check_load: no locale with a decimal comma here, the C one "
                        "only\n");
    } else {
        ck_assert_str_eq(localeconv()->decimal_point, ",");
    }
    ck_assert_int_eq(olp_load(&doc, text, strlen(text), NULL), OL_OK);
    ck_assert(lc_same_tree(doc.root, ref));
    olp_doc_free(&doc);
    setlocale(LC_NUMERIC, before);
    ck_assert_str_eq(setlocale(LC_NUMERIC, NULL), before);
    free(before);
    json_decref(ref);
}
END_TEST

/* ---- the deliberate difference ------------------------------------------------ */

START_TEST(test_nul_after_a_token_is_rejected)
{
    static const struct {
        const char *text;
        size_t len, nul;
    } cases[] = {
        {"[1\0]", 4, 2},      {"123\0", 4, 3},     {"{\"a\":true\0}", 11, 9},
        {"[null\0,2]", 9, 5}, {"[1.5e3\0]", 8, 6},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *ref = json_loadb(cases[i].text, cases[i].len,
                                 JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
        json_error_t err;
        olp_doc doc;
        lc_result res;

        /* jansson 2.14 drops the NUL byte; the loader says where it is */
        ck_assert_ptr_nonnull(ref);
        ck_assert_int_eq(olp_load(&doc, cases[i].text, cases[i].len, &err),
                         OLP_LOAD_INVALID);
        ck_assert_int_eq(err.position, (int)cases[i].nul);
        ck_assert_str_eq(err.text, "a NUL byte outside a string");
        ck_assert_ptr_null(doc.root);
        olp_doc_free(&doc);
        ck_assert_ptr_null(lc_compare(cases[i].text, cases[i].len, &res));
        ck_assert_uint_eq(res.nul_dropped, 1);
        json_decref(ref);
    }
}
END_TEST

/* The token still ends at the byte jansson drops: "[1\0" "2]" is not [12]. */
START_TEST(test_nul_after_a_token_still_ends_it)
{
    lc_result res;

    ck_assert_ptr_null(lc_compare("[1\0"
                                  "2]",
                                  5, &res));
    ck_assert_uint_eq(res.nul_dropped, 1);
    ck_assert(!res.accepted);
    ck_assert_ptr_null(lc_compare("[true\0"
                                  ",\"a\0\"]",
                                  13, &res));
    ck_assert_uint_eq(res.nul_dropped, 1); /* not the one in the string */
    ck_assert(!res.accepted);
}
END_TEST

/* ---- errors ---------------------------------------------------------------------- */

START_TEST(test_error_says_where)
{
    static const struct {
        const char *text;
        int line, column, position;
    } cases[] = {
        {"{\n  \"a\": tru\n}", 2, 8, 9},
        {"[1,\n 2,\n x]", 3, 2, 9},
        {"\"\xc3\xa9\xff\"", 1, 3, 3},
        {"[\"\xc3\xa9\", 01]", 1, 7, 7},
        {"", 1, 1, 0},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_error_t err;
        olp_doc doc;

        ck_assert_int_eq(olp_load(&doc, cases[i].text, strlen(cases[i].text), &err),
                         OLP_LOAD_INVALID);
        ck_assert_msg(err.line == cases[i].line && err.column == cases[i].column &&
                          err.position == cases[i].position,
                      "case %zu: %d:%d (%d) %s", i, err.line, err.column, err.position,
                      err.text);
        ck_assert_str_ne(err.text, "");
        olp_doc_free(&doc);
    }
}
END_TEST

/* ---- offsets ---------------------------------------------------------------------- */

static const char doc_text[] =
    "{\n"
    "  \"a\": 1,\n"
    "  \"lines\": [ {\"x\": \"s\\\"}\"}, {\"x\": [true, null]} ],\n"
    "  \"a/b\": {\"~k\": -2.5e3}\n"
    "}";

static const struct {
    const char *pointer;
    const char *expect; /* the text at the offset found */
} locate_cases[] = {
    {"", "{\n"},
    {"/a", "1,"},
    {"/lines", "[ {"},
    {"/lines/0", "{\"x\": \"s"},
    {"/lines/0/x", "\"s\\\"}\""},
    {"/lines/1/x/1", "null]"},
    {"/a~1b/~0k", "-2.5e3"},
    /* absent: the deepest ancestor that exists */
    {"/lines/1/missing", "{\"x\": ["},
    {"/lines/7/x", "[ {"},
    {"/lines/01", "[ {"}, /* not an index: RFC 6901 has no leading zeros */
    {"/nothing", "{\n"},
    {"/a/deeper", "1,"},
};

static size_t locate_in(olp_doc *doc, const char *pointer)
{
    ck_assert_int_eq(olp_doc_index(doc), OL_OK);
    return olp_doc_locate(doc, pointer);
}

START_TEST(test_locate_pointer)
{
    olp_doc doc;
    size_t off;
    const char *want = locate_cases[_i].expect;

    ck_assert_int_eq(olp_load(&doc, doc_text, strlen(doc_text), NULL), OL_OK);
    off = locate_in(&doc, locate_cases[_i].pointer);
    ck_assert_msg(strncmp(doc_text + off, want, strlen(want)) == 0,
                  "%s: found at '%.12s'", locate_cases[_i].pointer, doc_text + off);
    olp_doc_free(&doc);
}
END_TEST

START_TEST(test_offsets_of_keys_and_values)
{
    olp_doc doc;
    size_t key, value, at;
    const json_t *lines;

    ck_assert_int_eq(olp_load(&doc, doc_text, strlen(doc_text), NULL), OL_OK);
    ck_assert_int_eq(olp_doc_index(&doc), OL_OK);
    ck_assert_uint_eq(doc.root_offset, 0);
    ck_assert(olp_doc_member(&doc, doc.root, 1, &key, &value));
    ck_assert(strncmp(doc_text + key, "\"lines\"", 7) == 0);
    ck_assert(strncmp(doc_text + value, "[ {", 3) == 0);
    ck_assert(!olp_doc_member(&doc, doc.root, 3, &key, &value));
    lines = json_object_get(doc.root, "lines");
    ck_assert(olp_doc_element(&doc, lines, 1, &at));
    ck_assert(strncmp(doc_text + at, "{\"x\": [", 7) == 0);
    ck_assert(!olp_doc_element(&doc, lines, 2, &at));
    /* a scalar, or a tree the doc does not hold, has no children */
    ck_assert(!olp_doc_element(&doc, json_object_get(doc.root, "a"), 0, &at));
    ck_assert_ptr_null(lc_check_offsets(&doc, doc_text, strlen(doc_text), &at));
    ck_assert_uint_eq(at, 17); /* 11 values and 6 keys */
    olp_doc_free(&doc);
}
END_TEST

START_TEST(test_leading_whitespace)
{
    const char *text = " \n\t [1, {\"a\" : \"b\"}]  ";
    olp_doc doc;

    ck_assert_int_eq(olp_load(&doc, text, strlen(text), NULL), OL_OK);
    ck_assert_uint_eq(doc.root_offset, 4);
    ck_assert_str_eq(text + locate_in(&doc, "/1/a"), "\"b\"}]  ");
    olp_doc_free(&doc);
}
END_TEST

/* A repeated key: the member keeps its first place, and stands at the value
 * jansson keeps, the last. */
START_TEST(test_locate_last_duplicate_wins)
{
    const char *text = "{\"k\": 1, \"j\": {\"x\": 1}, \"k\": 22, \"j\": [7]}";
    olp_doc doc;
    size_t key;

    ck_assert_int_eq(olp_load(&doc, text, strlen(text), NULL), OL_OK);
    ck_assert_str_eq(text + locate_in(&doc, "/k"), "22, \"j\": [7]}");
    ck_assert_str_eq(text + locate_in(&doc, "/j/0"), "7]}");
    ck_assert_str_eq(text + locate_in(&doc, "/j/x"), "[7]}");
    ck_assert(olp_doc_member(&doc, doc.root, 0, &key, NULL));
    ck_assert_uint_eq(key, 1); /* the first "k" */
    olp_doc_free(&doc);
}
END_TEST

START_TEST(test_locate_escaped_key)
{
    const char *text = "{\"\\u0061\\n\": 5, \"b\\/c\": [6]}";
    olp_doc doc;

    ck_assert_int_eq(olp_load(&doc, text, strlen(text), NULL), OL_OK);
    ck_assert_str_eq(text + locate_in(&doc, "/a\n"), "5, \"b\\/c\": [6]}");
    ck_assert_str_eq(text + locate_in(&doc, "/b~1c/0"), "6]}");
    olp_doc_free(&doc);
}
END_TEST

/* ---- repeated keys ---------------------------------------------------------------- */

START_TEST(test_duplicates_found_in_text_order)
{
    const char *text = "{\"b\": 1, \"a\": {\"x\": 1, \"x\": 2}, \"b\": 3, \"b\": 4}";
    olp_doc doc;

    ck_assert_int_eq(olp_load(&doc, text, strlen(text), NULL), OL_OK);
    ck_assert_uint_eq(doc.ndups, 3);
    ck_assert_str_eq(doc.dups[0].pointer, "/a/x");
    ck_assert_str_eq(text + doc.dups[0].offset, "\"x\": 2}, \"b\": 3, \"b\": 4}");
    ck_assert_str_eq(text + doc.dups[0].first,
                     "\"x\": 1, \"x\": 2}, \"b\": 3, \"b\": 4}");
    ck_assert_str_eq(doc.dups[1].pointer, "/b");
    ck_assert_str_eq(doc.dups[2].pointer, "/b");
    ck_assert_uint_lt(doc.dups[1].offset, doc.dups[2].offset);
    /* both later ones name the first as the first */
    ck_assert_uint_eq(doc.dups[1].first, 1);
    ck_assert_uint_eq(doc.dups[2].first, 1);
    olp_doc_free(&doc);
}
END_TEST

START_TEST(test_duplicates_after_decoding)
{
    /* "a" and "\u0061" are the same key; the pointer escapes / and ~ */
    const char *text = "[{\"a\": 1, \"\\u0061\": 2}, {\"~/\": {\"k\": 0, \"k\": 1}, "
                       "\"\\u007e/\": 3}]";
    olp_doc doc;

    ck_assert_int_eq(olp_load(&doc, text, strlen(text), NULL), OL_OK);
    ck_assert_uint_eq(doc.ndups, 3);
    ck_assert_str_eq(doc.dups[0].pointer, "/0/a");
    ck_assert_str_eq(doc.dups[1].pointer, "/1/~0~1/k");
    ck_assert_str_eq(doc.dups[2].pointer, "/1/~0~1");
    olp_doc_free(&doc);
}
END_TEST

/* A repeated key inside a value that a later one replaces is still a
 * repeated key of the text; the replaced containers are no longer found. */
START_TEST(test_duplicates_in_a_replaced_value)
{
    const char *text = "{\"a\": {\"x\": 1, \"x\": 2}, \"a\": {\"y\": [3]}}";
    olp_doc doc;

    ck_assert_int_eq(olp_load(&doc, text, strlen(text), NULL), OL_OK);
    ck_assert_uint_eq(doc.ndups, 2);
    ck_assert_str_eq(doc.dups[0].pointer, "/a/x");
    ck_assert_str_eq(doc.dups[1].pointer, "/a");
    ck_assert_str_eq(text + locate_in(&doc, "/a/x"), "{\"y\": [3]}}");
    ck_assert_str_eq(text + locate_in(&doc, "/a/y/0"), "3]}}");
    ck_assert_ptr_null(lc_check_offsets(&doc, text, strlen(text), NULL));
    olp_doc_free(&doc);
}
END_TEST

START_TEST(test_no_duplicates)
{
    const char *text = "[{\"a\": 1}, {\"a\": 2}]";
    olp_doc doc;

    ck_assert_int_eq(olp_load(&doc, text, strlen(text), NULL), OL_OK);
    ck_assert_uint_eq(doc.ndups, 0);
    olp_doc_free(&doc);
}
END_TEST

/* ---- a larger text: past the doc's own storage ------------------------------------ */

START_TEST(test_large_text)
{
    olp_buf b;
    olp_doc doc;
    lc_result res;
    size_t i, n = 0;

    olp_buf_init(&b);
    olp_buf_puts(&b, "{\"lines\": [");
    for (i = 0; i < 400; i++)
        olp_buf_printf(&b,
                       "%s{\"name\": \"line \\u00e9 %zu\", \"q\": %zu, \"p\": %zu.25, "
                       "\"tags\": [\"a\", \"b\\n\"], \"q\": %zu}",
                       i ? ", " : "", i, i, i, i + 1);
    olp_buf_puts(&b, "], \"long key ");
    for (i = 0; i < 300; i++)
        olp_buf_puts(&b, "\\u0041\\t");
    olp_buf_puts(&b, "\": true}");
    ck_assert(!b.oom);
    ck_assert_ptr_null(lc_compare(b.data, b.len, &res));
    ck_assert(res.accepted);
    ck_assert_uint_gt(res.offsets, 4000);
    ck_assert_int_eq(olp_load(&doc, b.data, b.len, NULL), OL_OK);
    ck_assert_uint_eq(doc.ndups, 400);
    for (i = 0; i < doc.ndups; i++)
        n += strncmp(b.data + doc.dups[i].first, "\"q\"", 3) == 0;
    ck_assert_uint_eq(n, 400);
    olp_doc_free(&doc);
    olp_buf_free(&b);
}
END_TEST

Suite *load_suite(void)
{
    Suite *s = suite_create("load");
    TCase *tc = tcase_create("as-jansson");

    tcase_add_loop_test(tc, test_same_as_jansson, 0,
                        (int)(sizeof(texts) / sizeof(texts[0])));
    tcase_add_test(tc, test_depth_as_jansson);
    tcase_add_test(tc, test_depth_within_a_limit);
    tcase_add_test(tc, test_reals_bit_for_bit);
    tcase_add_test(tc, test_reals_whatever_the_locale);
    tcase_add_test(tc, test_nul_after_a_token_is_rejected);
    tcase_add_test(tc, test_nul_after_a_token_still_ends_it);
    tcase_add_test(tc, test_error_says_where);
    tcase_add_test(tc, test_large_text);
    suite_add_tcase(s, tc);
    tc = tcase_create("offsets");
    tcase_add_loop_test(tc, test_locate_pointer, 0,
                        (int)(sizeof(locate_cases) / sizeof(locate_cases[0])));
    tcase_add_test(tc, test_offsets_of_keys_and_values);
    tcase_add_test(tc, test_leading_whitespace);
    tcase_add_test(tc, test_locate_last_duplicate_wins);
    tcase_add_test(tc, test_locate_escaped_key);
    suite_add_tcase(s, tc);
    tc = tcase_create("duplicates");
    tcase_add_test(tc, test_duplicates_found_in_text_order);
    tcase_add_test(tc, test_duplicates_after_decoding);
    tcase_add_test(tc, test_duplicates_in_a_replaced_value);
    tcase_add_test(tc, test_no_duplicates);
    suite_add_tcase(s, tc);
    return s;
}
