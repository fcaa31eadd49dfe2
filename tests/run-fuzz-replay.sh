#!/bin/sh
# run-fuzz-replay.sh: the fuzz targets (tests/fuzz/) without libFuzzer, on
# the checked-in fuzz corpus (crashers once found, and seeds) and on the
# project's own inputs: every corpus payload through fuzz_check and
# fuzz_load (with JSONTestSuite's files), every rule file through
# fuzz_rules. Run by `make check`; `make fuzz` runs the targets under
# libFuzzer (tests/fuzz/run-fuzz.sh). Each input is named on stderr
# before it runs, so that the log shows which one failed.
set -eu

: "${top_srcdir:=..}"
: "${top_builddir:=..}"
tests=$top_builddir/tests

find "$top_srcdir/corpus" -name input.json -exec "$tests/fuzz_check_replay" \
    "$top_srcdir/tests/fuzz/corpus/check" {} +
find "$top_srcdir/corpus" -name '*.rules' -exec "$tests/fuzz_rules_replay" \
    "$top_srcdir/tests/fuzz/corpus/rules" "$top_srcdir/rules" {} +
find "$top_srcdir/corpus" -name input.json -exec "$tests/fuzz_load_replay" \
    "$top_srcdir/tests/fuzz/corpus/load" "$top_srcdir/tests/json-test-suite" {} +
