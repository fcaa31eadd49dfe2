/*
 * check_main.c: the one Check runner. Every module's suite is added here;
 * CK_RUN_SUITE and CK_RUN_CASE narrow a run, CK_FORK=no runs in one
 * process (needed under the sanitizers and valgrind).
 */
#include <stdlib.h>

#include "check_ol.h"

int main(void)
{
    SRunner *sr = srunner_create(expr_suite());
    int failed;

    srunner_add_suite(sr, rulefile_suite());
    srunner_add_suite(sr, locate_suite());
    srunner_add_suite(sr, load_suite());
    srunner_add_suite(sr, engine_suite());
    srunner_add_suite(sr, report_suite());
    srunner_add_suite(sr, threads_suite());
    srunner_add_suite(sr, plan_suite());
    srunner_add_suite(sr, jsonalloc_suite());
    srunner_add_suite(sr, jsonline_suite());
    srunner_add_suite(sr, jsonpos_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
