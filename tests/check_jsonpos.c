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

/* A place asked for, and where it must be: the key's with key nonzero. */
typedef struct place_case {
    const char *pointer;
    int key, line, column;
} place_case;

/* Each case in text[0..len), twice: the second time from what the first
 * listed. No lookup may fail for want of memory. */
static void expect_places(const char *in, size_t len, const place_case *cases, size_t n)
{
    cli_json_places *p = cli_json_places_new(in, len);
    size_t round, i;

    ck_assert_ptr_nonnull(p);
    for (round = 0; round < 2; round++) {
        for (i = 0; i < n; i++) {
            const place_case *k = &cases[i];
            int l = -1, c = -1;

            ck_assert_int_eq(cli_json_place(p, k->pointer, k->key, &l, &c), 0);
            ck_assert_msg(l == k->line && c == k->column,
                          "%s (key %d): %d:%d, expected %d:%d", k->pointer, k->key, l, c,
                          k->line, k->column);
        }
    }
    ck_assert_uint_eq(cli_json_places_failures(p), 0);
    cli_json_places_free(p);
}

#define EXPECT_PLACES(in, len, cases)                                                    \
    expect_places(in, len, cases, sizeof(cases) / sizeof(cases[0]))

START_TEST(keys_values_and_elements)
{
    static const place_case cases[] = {
        {"", 0, 1, 1},
        {"/kinds", 1, 2, 3},
        {"/kinds", 0, 2, 12},
        {"/kinds/0", 0, 3, 5},
        {"/kinds/1/files", 1, 4, 6},
        {"/kinds/0/kind", 0, 3, 30},
        {"/a~1b~0c", 1, 6, 3},
        {"/caf\xc3\xa9/x", 0, 7, 22},
        /* the key before "\u00e9t\u00e9" has 2-byte characters: columns
         * count characters */
        {"/\xc3\xa9t\xc3\xa9", 0, 8, 10},
    };

    EXPECT_PLACES(text, strlen(text), cases);
}
END_TEST

START_TEST(nowhere_is_the_deepest_value_found)
{
    static const place_case cases[] = {
        {"/nope", 1, 1, 1},         {"/kinds/7", 0, 2, 12},        {"/kinds/x", 0, 2, 12},
        {"/kinds/1/kind", 1, 4, 5}, {"/a~1b~0c/deeper", 0, 6, 12},
    };

    EXPECT_PLACES(text, strlen(text), cases);
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
    static const place_case cases[] = {
        {"/lines/0", 0, 2, 1},  {"/pad", 1, 52, 1},       {"/pad", 0, 52, 8},
        {"/last", 1, 52, 5012}, {"/last/1", 0, 52, 5024},
    };

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
    ck_assert_uint_gt(n, 3 * 4096);
    EXPECT_PLACES(big, n, cases);
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
