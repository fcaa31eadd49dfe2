/*
 * check_ol.h: the suites of the unit-test runner, one per module
 * (tests/check_<module>.c), all run by tests/check_main.c.
 */
#ifndef CHECK_OL_H
#define CHECK_OL_H

#include <check.h>

Suite *expr_suite(void);
Suite *rulefile_suite(void);
Suite *locate_suite(void);
Suite *load_suite(void);
Suite *engine_suite(void);
Suite *report_suite(void);
Suite *threads_suite(void);
Suite *plan_suite(void);
Suite *jsonalloc_suite(void);
Suite *jsonline_suite(void);
Suite *jsonpos_suite(void);

#endif /* CHECK_OL_H */
