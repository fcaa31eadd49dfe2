/*
 * check_locate.c: line and column of offsets, the depth scanner, the depth
 * of a tree. (Pointers to offsets and repeated keys: check_load.c.)
 */
#include <check.h>
#include <string.h>

#include "check_ol.h"
#include "ol_private.h"

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

START_TEST(test_too_deep_in_text)
{
    const char *text = "{\"a\": [1, {\"b\": \"[[[\", \"c\": [[[]]]}]}";

    ck_assert_str_eq(text + olp_locate_too_deep(text, strlen(text), 4), "[[]]]}]}");
    ck_assert_str_eq(text + olp_locate_too_deep(text, strlen(text), 2),
                     "{\"b\": \"[[[\", "
                     "\"c\": [[[]]]}]}");
    ck_assert_uint_eq(olp_locate_too_deep(text, strlen(text), 6), 0);
}
END_TEST

START_TEST(test_truncated_text_does_not_overrun)
{
    /* not valid JSON: the scanner must stop at the end, not crash */
    static const char *const texts[] = {
        "{\"a\": [1, {\"b\": \"x", "{\"a", "[", "\"\\u12", "{\"k\":", "[[[[[[", "{\"\\"};
    size_t i;

    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        ck_assert_uint_le(olp_locate_too_deep(texts[i], strlen(texts[i]), 2),
                          strlen(texts[i]));
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
    TCase *tc;

    tc = tcase_create("places");
    tcase_add_test(tc, test_places_count_code_points);
    tcase_add_test(tc, test_places_past_the_end_are_clamped);
    tcase_add_test(tc, test_too_deep_in_text);
    tcase_add_test(tc, test_truncated_text_does_not_overrun);
    tcase_add_test(tc, test_depth);
    suite_add_tcase(s, tc);
    return s;
}
