/*
 * fuzz_load.c: a differential libFuzzer target, the loader of the text path
 * (lib/load.c) against its reference, jansson's json_loadb with the flags
 * the text path used (JSON_DECODE_ANY | JSON_ALLOW_NUL).
 *
 * The same bytes go to both; any difference aborts: the verdict, the tree
 * (types, integers, reals bit for bit, strings, the order of members), and
 * the offsets (each value and key the loader placed reads back, with
 * jansson, as that value or key; the repeated keys' two places hold the same
 * key). The comparison is tests/load_compare.c, which the unit tests and
 * the JSONTestSuite run (load_suite.c) share.
 *
 * Built with -fsanitize=fuzzer by tests/fuzz/run-fuzz.sh; replayed without
 * libFuzzer by replay.c in `make check`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "load_compare.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lc_result res;
    const char *why = lc_compare((const char *)data, size, &res);

    if (why) {
        fprintf(stderr, "fuzz_load: %s (jansson %s the text; loader: %s)\n", why,
                res.accepted ? "reads" : "rejects", res.error[0] ? res.error : "-");
        abort();
    }
    return 0;
}
