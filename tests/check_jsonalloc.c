/*
 * check_jsonalloc.c: the command line's allocator for jansson
 * (cli/jsonalloc.c). Blocks of every size are usable and aligned; a small
 * block freed is the next one of its class, on the thread that freed it;
 * large blocks and blocks past a thread's cap go back to malloc; ending a
 * thread empties its cache. The functions are called directly: installing
 * them would change jansson's allocator for the other suites of this
 * process (CK_FORK=no). Each test ends with an empty cache, so valgrind's
 * leak check holds for the whole runner.
 */
#include <check.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "check_ol.h"
#include "cli.h"

/* What jansson's values need: its structs hold pointers, size_t,
 * json_int_t and double. */
#define VALUE_ALIGN                                                                      \
    (_Alignof(double) > _Alignof(json_int_t) ? _Alignof(double) : _Alignof(json_int_t))

/* Small blocks (up to 512 bytes) as jansson's values need, large ones as
 * malloc's are. */
static int aligned(const void *p, size_t size)
{
    size_t align = size > 512 ? _Alignof(max_align_t) : VALUE_ALIGN;

    return _Alignof(void *) <= VALUE_ALIGN && _Alignof(size_t) <= VALUE_ALIGN &&
           (uintptr_t)p % align == 0;
}

START_TEST(every_size_is_usable_and_aligned)
{
    static const size_t sizes[] = {0, 1, 15, 16, 17, 100, 511, 512, 513, 4096, 100000};
    size_t i;

    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        unsigned char *p = cli_json_alloc(sizes[i]);

        ck_assert_ptr_nonnull(p);
        ck_assert_msg(aligned(p, sizes[i]), "%zu bytes at %p", sizes[i], (void *)p);
        memset(p, 0xa5, sizes[i]); /* the whole block is ours (ASan, valgrind) */
        cli_json_release(p);
    }
    cli_jsonalloc_thread_end();
    ck_assert_uint_eq(cli_jsonalloc_cached(), 0);
}
END_TEST

START_TEST(a_freed_block_is_the_next_of_its_class)
{
    void *p = cli_json_alloc(40), *q, *r;

    cli_json_release(p);
    ck_assert_uint_gt(cli_jsonalloc_cached(), 0);
    q = cli_json_alloc(33); /* 33 to 48 bytes: the class of 40 */
    ck_assert_ptr_eq(q, p);
    ck_assert_uint_eq(cli_jsonalloc_cached(), 0);
    r = cli_json_alloc(40); /* none left in the cache: a new block */
    ck_assert_ptr_ne(r, q);
    cli_json_release(q);
    cli_json_release(r);
    cli_jsonalloc_thread_end();
}
END_TEST

START_TEST(another_class_gets_another_block)
{
    void *p = cli_json_alloc(40), *q;

    cli_json_release(p);
    q = cli_json_alloc(49); /* the next class up */
    ck_assert_ptr_ne(q, p);
    cli_json_release(q);
    cli_jsonalloc_thread_end();
}
END_TEST

START_TEST(large_blocks_are_not_kept)
{
    void *p = cli_json_alloc(513);

    cli_json_release(p);
    ck_assert_uint_eq(cli_jsonalloc_cached(), 0);
}
END_TEST

START_TEST(what_no_block_can_hold_fails)
{
    ck_assert_ptr_null(cli_json_alloc(SIZE_MAX));
    ck_assert_ptr_null(cli_json_alloc(SIZE_MAX - 8));
    cli_json_release(NULL); /* as free(NULL) */
    ck_assert_uint_eq(cli_jsonalloc_cached(), 0);
}
END_TEST

#define MANY 4096 /* blocks of 512 bytes: 2 MiB, eight times the cap */

START_TEST(a_thread_keeps_no_more_than_the_cap)
{
    static void *blocks[MANY];
    size_t i;

    for (i = 0; i < MANY; i++) {
        blocks[i] = cli_json_alloc(512);
        ck_assert_ptr_nonnull(blocks[i]);
    }
    for (i = 0; i < MANY; i++)
        cli_json_release(blocks[i]);
    ck_assert_uint_le(cli_jsonalloc_cached(), CLI_JSONALLOC_CACHE_BYTES);
    ck_assert_uint_gt(cli_jsonalloc_cached(), CLI_JSONALLOC_CACHE_BYTES - 1024);
    cli_jsonalloc_thread_end();
    ck_assert_uint_eq(cli_jsonalloc_cached(), 0);
}
END_TEST

/* A thread that allocates blocks for another to free, and ends. */
static void *allocate_some(void *arg)
{
    void **blocks = arg;
    size_t i;

    for (i = 0; i < 64; i++)
        blocks[i] = cli_json_alloc(24);
    cli_jsonalloc_thread_end();
    return NULL;
}

START_TEST(blocks_of_another_thread_join_the_cache_of_the_one_that_frees)
{
    void *blocks[64];
    pthread_t t;
    size_t i, before;

    ck_assert_int_eq(pthread_create(&t, NULL, allocate_some, blocks), 0);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    before = cli_jsonalloc_cached();
    for (i = 0; i < 64; i++) {
        memset(blocks[i], 0, 24); /* still valid after their thread ended */
        cli_json_release(blocks[i]);
    }
    ck_assert_uint_gt(cli_jsonalloc_cached(), before);
    ck_assert_ptr_eq(cli_json_alloc(17), blocks[63]); /* the last one freed */
    cli_json_release(blocks[63]);
    cli_jsonalloc_thread_end();
}
END_TEST

Suite *jsonalloc_suite(void)
{
    Suite *s = suite_create("jsonalloc");
    TCase *tc = tcase_create("cache");

    tcase_add_test(tc, every_size_is_usable_and_aligned);
    tcase_add_test(tc, a_freed_block_is_the_next_of_its_class);
    tcase_add_test(tc, another_class_gets_another_block);
    tcase_add_test(tc, large_blocks_are_not_kept);
    tcase_add_test(tc, what_no_block_can_hold_fails);
    tcase_add_test(tc, a_thread_keeps_no_more_than_the_cap);
    tcase_add_test(tc, blocks_of_another_thread_join_the_cache_of_the_one_that_frees);
    suite_add_tcase(s, tc);
    return s;
}
