/*
 * check_jsonpos.c: where cli/jsonpos.c says a member of a JSON text is, for
 * the configuration's messages: keys and values, elements of arrays,
 * escaped keys and pointer segments ("~0", "~1"), columns in characters,
 * a pointer that goes nowhere (the deepest value found), the same lookups
 * again from the listed containers, and places past the first checkpoint
 * of the line count. Out of memory is tests/alloc-fail-cli.sh's.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_ol.h"
#include "cli.h"

static const char text[] = "{\n"
                           "  \"kinds\": [\n"
                           "    {\"files\": \"a/*\", \"kind\": \"load\"},\n"
                           "    {\"files\": \"b/*\"}\n"
                           "  ],\n"
                           "  \"a/b~c\": 1,\n"
                           "  \"caf\\u00e9\": {\"x\": true},\n"
                           "  \"\xc3\xa9t\xc3\xa9\": \"z\"\n"
                           "}\n";

/* "LINE:COLUMN" of pointer in text (its key's with key nonzero). */
static void expect_place(cli_json_places *p, const char *pointer, int key, int line,
                         int column)
{
    int l = -1, c = -1;

    ck_assert_int_eq(cli_json_place(p, pointer, key, &l, &c), 0);
    ck_assert_msg(l == line && c == column, "%s (key %d): %d:%d, expected %d:%d", pointer,
                  key, l, c, line, column);
}

START_TEST(keys_values_and_elements)
{
    cli_json_places *p = cli_json_places_new(text, strlen(text));
    int round;

    ck_assert_ptr_nonnull(p);
    for (round = 0; round < 2; round++) { /* the second from what is listed */
        expect_place(p, "", 0, 1, 1);
        expect_place(p, "/kinds", 1, 2, 3);
        expect_place(p, "/kinds", 0, 2, 12);
        expect_place(p, "/kinds/0", 0, 3, 5);
        expect_place(p, "/kinds/1/files", 1, 4, 6);
        expect_place(p, "/kinds/0/kind", 0, 3, 30);
        expect_place(p, "/a~1b~0c", 1, 6, 3);
        expect_place(p, "/caf\xc3\xa9/x", 0, 7, 22);
        /* the key before "\u00e9t\u00e9" has 2-byte characters: columns count
         * characters */
        expect_place(p, "/\xc3\xa9t\xc3\xa9", 0, 8, 10);
    }
    ck_assert_uint_eq(cli_json_places_failures(p), 0);
    cli_json_places_free(p);
}
END_TEST

START_TEST(nowhere_is_the_deepest_value_found)
{
    cli_json_places *p = cli_json_places_new(text, strlen(text));

    ck_assert_ptr_nonnull(p);
    expect_place(p, "/nope", 1, 1, 1);
    expect_place(p, "/kinds/7", 0, 2, 12);
    expect_place(p, "/kinds/x", 0, 2, 12);
    expect_place(p, "/kinds/1/kind", 1, 4, 5);
    expect_place(p, "/a~1b~0c/deeper", 0, 6, 12);
    ck_assert_uint_eq(cli_json_places_failures(p), 0);
    cli_json_places_free(p);
}
END_TEST

/* Places past several checkpoints (every 4,096 bytes): lines of 100
 * bytes before them, and a minified line of 10,000 that crosses two, with
 * UTF-8 in it, so that both the line and the column of a checkpoint are
 * used. */
START_TEST(past_the_checkpoints)
{
    size_t lines = 50, pad = 10000, i, n = 0;
    char *big = malloc(lines * 101 + 2 * pad + 64);
    cli_json_places *p;

    ck_assert_ptr_nonnull(big);
    n += (size_t)sprintf(big + n, "{\"lines\": [\n");
    for (i = 0; i < lines; i++) /* lines 2 to 50: "1," 50 times; 51 closes */
        n += (size_t)sprintf(big + n, "%s\n",
                             i + 1 < lines ? "1,1,1,1,1,1,1,1,1,1,"
                                             "1,1,1,1,1,1,1,1,1,1,"
                                             "1,1,1,1,1,1,1,1,1,1,"
                                             "1,1,1,1,1,1,1,1,1,1,"
                                             "1,1,1,1,1,1,1,1,1,1,"
                                           : "1],");
    n += (size_t)sprintf(big + n, "\"pad\": \"");
    for (i = 0; i < pad / 2; i++) { /* 10,000 bytes, 5,000 characters */
        big[n++] = (char)0xc3;
        big[n++] = (char)0xa9;
    }
    n += (size_t)sprintf(big + n, "\", \"last\": [0, 1]}");
    p = cli_json_places_new(big, n);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_gt(n, 3 * 4096);
    expect_place(p, "/lines/0", 0, 2, 1);
    expect_place(p, "/pad", 1, 52, 1);
    expect_place(p, "/pad", 0, 52, 8);
    expect_place(p, "/last", 1, 52, 5012);
    expect_place(p, "/last/1", 0, 52, 5024);
    cli_json_places_free(p);
    free(big);
}
END_TEST

Suite *jsonpos_suite(void)
{
    Suite *s = suite_create("jsonpos");
    TCase *tc = tcase_create("places");

    tcase_add_test(tc, keys_values_and_elements);
    tcase_add_test(tc, nowhere_is_the_deepest_value_found);
    tcase_add_test(tc, past_the_checkpoints);
    suite_add_tcase(s, tc);
    return s;
}
