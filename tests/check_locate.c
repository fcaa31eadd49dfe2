/*
 * check_locate.c: the text scanner: pointers to offsets, duplicate keys,
 * line and column, depth.
 */
#include <check.h>
#include <string.h>

#include "check_ol.h"
#include "ol_private.h"

static size_t locate_one(const char *text, const char *pointer)
{
    const char *targets[1] = {pointer};
    size_t offset = (size_t)-1;

    ck_assert_int_eq(olp_locate_pointers(text, strlen(text), targets, 1, &offset), OL_OK);
    return offset;
}

static const char doc[] = "{\n"
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
    {"/nothing", "{\n"},
};

START_TEST(test_locate_pointer)
{
    size_t off = locate_one(doc, locate_cases[_i].pointer);
    const char *want = locate_cases[_i].expect;

    ck_assert_msg(strncmp(doc + off, want, strlen(want)) == 0, "%s: found at '%.12s'",
                  locate_cases[_i].pointer, doc + off);
}
END_TEST

START_TEST(test_locate_many_at_once)
{
    const char *targets[3] = {"/a", "/lines/0/x", "/a"};
    size_t offsets[3];

    ck_assert_int_eq(olp_locate_pointers(doc, strlen(doc), targets, 3, offsets), OL_OK);
    ck_assert_uint_eq(offsets[0], offsets[2]);
    ck_assert_uint_lt(offsets[0], offsets[1]);
}
END_TEST

START_TEST(test_locate_last_duplicate_wins)
{
    const char *text = "{\"k\": 1, \"k\": 22}";
    size_t off = locate_one(text, "/k");

    ck_assert_str_eq(text + off, "22}");
}
END_TEST

START_TEST(test_locate_escaped_key)
{
    const char *text = "{\"\\u0061\\n\": 5}";
    size_t off = locate_one(text, "/a\n");

    ck_assert_str_eq(text + off, "5}");
}
END_TEST

START_TEST(test_duplicates_found_in_text_order)
{
    const char *text = "{\"b\": 1, \"a\": {\"x\": 1, \"x\": 2}, \"b\": 3, \"b\": 4}";
    olp_duplicate *d;
    size_t n, i;

    ck_assert_int_eq(olp_find_duplicates(text, strlen(text), &d, &n), OL_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(d[0].pointer, "/a/x");
    ck_assert_str_eq(text + d[0].offset, "\"x\": 2}, \"b\": 3, \"b\": 4}");
    ck_assert_str_eq(d[1].pointer, "/b");
    ck_assert_str_eq(d[2].pointer, "/b");
    ck_assert_uint_lt(d[1].offset, d[2].offset);
    for (i = 0; i < n; i++)
        olp_free(d[i].pointer);
    olp_free(d);
}
END_TEST

START_TEST(test_duplicates_after_decoding)
{
    /* "a" and "\u0061" are the same key */
    const char *text = "{\"a\": 1, \"\\u0061\": 2}";
    olp_duplicate *d;
    size_t n;

    ck_assert_int_eq(olp_find_duplicates(text, strlen(text), &d, &n), OL_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(d[0].pointer, "/a");
    olp_free(d[0].pointer);
    olp_free(d);
}
END_TEST

START_TEST(test_no_duplicates)
{
    const char *text = "[{\"a\": 1}, {\"a\": 2}]";
    olp_duplicate *d;
    size_t n;

    ck_assert_int_eq(olp_find_duplicates(text, strlen(text), &d, &n), OL_OK);
    ck_assert_uint_eq(n, 0);
    olp_free(d);
}
END_TEST

START_TEST(test_places_count_code_points)
{
    /* "é" is two bytes, one column; "€" three bytes, one column */
    const char *text = "{\"é€\": 1,\n \"b\": 2}";
    size_t offsets[3] = {0, 10, 15}; /* '{', '1', 'b' */
    olp_place p[3];

    olp_offsets_to_places(text, strlen(text), offsets, 3, p);
    ck_assert_int_eq(p[0].line, 1);
    ck_assert_int_eq(p[0].column, 1);
    ck_assert_int_eq(p[1].line, 1);
    ck_assert_int_eq(p[1].column, 8);
    ck_assert_int_eq(p[2].line, 2);
    ck_assert_int_eq(p[2].column, 3);
}
END_TEST

START_TEST(test_places_past_the_end_are_clamped)
{
    size_t offsets[1] = {100};
    olp_place p[1];

    olp_offsets_to_places("ab\n", 3, offsets, 1, p);
    ck_assert_int_eq(p[0].line, 2);
    ck_assert_int_eq(p[0].column, 1);
}
END_TEST

START_TEST(test_truncated_text_does_not_overrun)
{
    /* not valid JSON: the scanner must stop at the end, not crash */
    static const char *const texts[] = {"{\"a\": [1, {\"b\": \"x", "{\"a", "[", "\"\\u12",
                                        "{\"k\":"};
    size_t i, off;
    olp_duplicate *d;
    size_t n;

    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        off = locate_one(texts[i], "/a/1/b");
        ck_assert_uint_le(off, strlen(texts[i]));
        ck_assert_int_eq(olp_find_duplicates(texts[i], strlen(texts[i]), &d, &n), OL_OK);
        olp_free(d);
    }
}
END_TEST

START_TEST(test_depth)
{
    json_t *v = json_loads("{\"a\": [1, {\"b\": [[]]}]}", 0, NULL);

    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(olp_json_depth(v, 64), 5);
    ck_assert_uint_gt(olp_json_depth(v, 3), 3); /* stops early, but says "deeper" */
    ck_assert(olp_json_deeper_than(v, 4));
    ck_assert(!olp_json_deeper_than(v, 5));
    ck_assert_uint_eq(olp_json_depth(json_array_get(json_object_get(v, "a"), 0), 64), 0);
    json_decref(v);
}
END_TEST

Suite *locate_suite(void)
{
    Suite *s = suite_create("locate");
    TCase *tc = tcase_create("pointers");

    tcase_add_loop_test(tc, test_locate_pointer, 0,
                        (int)(sizeof(locate_cases) / sizeof(locate_cases[0])));
    tcase_add_test(tc, test_locate_many_at_once);
    tcase_add_test(tc, test_locate_last_duplicate_wins);
    tcase_add_test(tc, test_locate_escaped_key);
    suite_add_tcase(s, tc);
    tc = tcase_create("duplicates");
    tcase_add_test(tc, test_duplicates_found_in_text_order);
    tcase_add_test(tc, test_duplicates_after_decoding);
    tcase_add_test(tc, test_no_duplicates);
    suite_add_tcase(s, tc);
    tc = tcase_create("places");
    tcase_add_test(tc, test_places_count_code_points);
    tcase_add_test(tc, test_places_past_the_end_are_clamped);
    tcase_add_test(tc, test_truncated_text_does_not_overrun);
    tcase_add_test(tc, test_depth);
    suite_add_tcase(s, tc);
    return s;
}
