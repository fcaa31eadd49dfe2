/*
 * check_jsonline.c: the command line's JSON writer (cli/jsonline.c)
 * against jansson's json_dumps, its reference: every ASCII byte alone,
 * strings of UTF-8 valid and not (overlongs, surrogates, past U+10FFFF,
 * truncated sequences, stray continuation bytes), and 20,000 random byte
 * strings, each written by both and compared byte for byte. A string that
 * is not UTF-8, which jansson refuses, must come out as jansson writes it
 * with '?' for its non-ASCII bytes (what output.c did before the writer).
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */

#include <check.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check_ol.h"
#include "cli.h"

/* What cli_json_string writes of s; the caller frees it. */
static char *written(const char *s)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    ck_assert_ptr_nonnull(f);
    cli_json_string(f, s);
    ck_assert_int_eq(fclose(f), 0);
    return text;
}

/* What jansson writes of s, or of s with '?' for its non-ASCII bytes when
 * it refuses s; *valid says which. The caller frees it. */
static char *reference(const char *s, int *valid)
{
    json_t *v = json_string(s);
    char *text, *copy = NULL, *p;

    *valid = v != NULL;
    if (!v) {
        copy = strdup(s);
        ck_assert_ptr_nonnull(copy);
        for (p = copy; *p; p++)
            if ((unsigned char)*p >= 0x80)
                *p = '?';
        v = json_string(copy);
    }
    ck_assert_ptr_nonnull(v);
    text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    ck_assert_ptr_nonnull(text);
    json_decref(v);
    free(copy);
    return text;
}

static void same_as_jansson(const char *s)
{
    int valid;
    char *mine = written(s), *theirs = reference(s, &valid);

    ck_assert_msg(strcmp(mine, theirs) == 0, "wrote %s, jansson %s", mine, theirs);
    ck_assert_int_eq(cli_utf8_valid(s), valid);
    free(mine);
    free(theirs);
}

START_TEST(every_ascii_byte)
{
    char s[4] = "a?b";
    int c;

    for (c = 1; c < 0x80; c++) {
        s[1] = (char)c;
        same_as_jansson(s);
        same_as_jansson(s + 1);
    }
}
END_TEST

START_TEST(utf8_valid_and_not)
{
    static const char *const strings[] = {
        "",
        "plain",
        "quote \" backslash \\ slash /",
        "\x1f\x7f",
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", /* 2, 3 and 4 bytes */
        "\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf",  /* the edges of each length */
        "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf",          /* U+10000, U+10FFFF */
        "\xc0\xaf",                                  /* overlong '/' */
        "\xc1\xbf",                                  /* overlong */
        "\xe0\x9f\xbf",                              /* overlong 3 bytes */
        "\xf0\x8f\xbf\xbf",                          /* overlong 4 bytes */
        "\xed\xa0\x80",                              /* a surrogate, U+D800 */
        "\xed\xbf\xbf",                              /* U+DFFF */
        "\xed\x9f\xbf",                              /* U+D7FF, valid */
        "\xf4\x90\x80\x80",                          /* past U+10FFFF */
        "\xf5\x80\x80\x80",                          /* no such first byte */
        "\xff",
        "\x80",    /* a stray continuation */
        "abc\xc3", /* truncated at the end */
        "\xe2\x82",
        "\xf0\x9f\x98",
        "\xe2\x28\xa1",                               /* a bad continuation */
        "ok \xc3\xa9 then bad \xc3 and \"quoted\"\n", /* a mix, not UTF-8 */
    };
    size_t i;

    for (i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
        same_as_jansson(strings[i]);
}
END_TEST

START_TEST(null_is_the_empty_string)
{
    char *mine = written(NULL);

    ck_assert_str_eq(mine, "\"\"");
    free(mine);
}
END_TEST

/* Random strings, weighted to the bytes that matter: controls, quotes,
 * first and continuation bytes of UTF-8. */
START_TEST(random_strings)
{
    static const unsigned char bytes[] = {0x01, 0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x1f, ' ',
                                          '"',  '\\', '/',  'a',  0x7f, 0x80, 0x8f, 0x90,
                                          0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0,
                                          0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xa9, 0xbc};
    uint64_t state = 0x6a736f6e6c696e65ull; /* "jsonline" */
    char s[16];
    int round;

    for (round = 0; round < 20000; round++) {
        size_t n, i;

        state = state * 6364136223846793005ull + 1442695040888963407ull;
        n = (size_t)(state >> 60) % sizeof(s);
        for (i = 0; i < n; i++) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            s[i] = (char)bytes[(state >> 59) % sizeof(bytes)];
        }
        s[n] = '\0';
        same_as_jansson(s);
    }
}
END_TEST

START_TEST(integers)
{
    /* json_int_t is long long where jansson has it (JSON_INTEGER_IS_LONG_LONG) */
    static const json_int_t values[] = {
        0,
        1,
        -1,
        400,
        9007199254740993,
#if JSON_INTEGER_IS_LONG_LONG
        LLONG_MAX,
        LLONG_MIN
#else
        LONG_MAX,
        LONG_MIN
#endif
    };
    size_t i;

    for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        char *text = NULL, *theirs;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        json_t *v = json_integer(values[i]);

        ck_assert_ptr_nonnull(f);
        cli_json_int(f, values[i]);
        ck_assert_int_eq(fclose(f), 0);
        theirs = json_dumps(v, JSON_ENCODE_ANY);
        ck_assert_str_eq(text, theirs);
        free(text);
        free(theirs);
        json_decref(v);
    }
}
END_TEST

Suite *jsonline_suite(void)
{
    Suite *s = suite_create("jsonline");
    TCase *tc = tcase_create("against jansson");

    tcase_add_test(tc, every_ascii_byte);
    tcase_add_test(tc, utf8_valid_and_not);
    tcase_add_test(tc, null_is_the_empty_string);
    tcase_add_test(tc, random_strings);
    tcase_add_test(tc, integers);
    suite_add_tcase(s, tc);
    return s;
}
