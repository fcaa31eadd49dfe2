#!/bin/sh
# test-all.sh: the whole test suite, as CI runs it (.ci/run). From a fresh
# checkout: install what is missing, then
#   1. build with warnings as errors, make check, make distcheck;
#   2. build with ASan + UBSan (every finding fatal), make check, where
#      Check does not fork and leaks are errors (see tests/Makefile.am);
#   3. valgrind's memcheck over the corpus runner and the Check suite of
#      the first build: no leak, no invalid read;
#   4. build with TSan and run the threads suite (a shared ruleset), and
#      orderlint --jobs=4 over the corpus.
# Each build has its own directory under _build/.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)

# Configure and build in $1 with the options that follow.
build() {
    dir=$1
    shift
    echo "== configure $* ($dir)"
    mkdir -p "$dir"
    (cd "$dir" && "$top/configure" --quiet "$@")
    make -C "$dir" -s -j"$jobs"
}

# make check in $1; say what ran, and on failure show every log.
check() {
    dir=$1
    echo "== make check ($dir)"
    if ! make -C "$dir" -j"$jobs" check; then
        for log in "$dir"/tests/*.log; do
            echo "---- $log"
            cat "$log"
        done
        echo "test-all.sh: tests failed in $dir" >&2
        exit 1
    fi
    echo "-- what ran ($dir):"
    grep -H -e '%: Checks:' "$dir"/tests/check_orderlint.log "$dir"/tests/check_alloc.log || true
    grep -h -e '^load_suite: [0-9]* files' "$dir"/tests/load_suite.log || true
    for log in "$dir"/tests/*.sh.log; do
        tail -n 2 "$log" | head -n 1 # the script's own count
    done
}

# The test suite's own tools: clang-format (tests/check-format.sh checks the
# sources against .clang-format), python3 (tests/sarif-test.sh and
# tests/jobs-test.sh read JSON with its json module), parallel and time
# (tests/jobs-test.sh: GNU parallel --pipepart, the max RSS), pre-commit and
# git (tests/precommit-test.sh runs the hook of .pre-commit-hooks.yaml as a
# user's repository would), groff-base (tests/install-test.sh formats the
# installed manual pages), valgrind (memcheck over the corpus and the suite),
# locales-all (tests/check_load.c reads reals under a locale whose decimal
# point is a comma; ORDERLINT_NEED_COMMA_LOCALE makes its absence a failure
# here, where a plain `make check` only says it).
sh build-aux/deps.sh clang-format python3 parallel time pre-commit git groff-base valgrind \
    locales-all
export ORDERLINT_NEED_COMMA_LOCALE=1
./autogen.sh

build _build/werror --enable-werror
check _build/werror
# The tarball builds and passes its tests out of a read-only source tree.
# Its (long) output goes to a log, shown when it fails.
echo "== make distcheck (_build/werror, log in _build/werror/distcheck.log)"
if ! make -C _build/werror -j"$jobs" distcheck \
    DISTCHECK_CONFIGURE_FLAGS="--enable-werror --quiet" >_build/werror/distcheck.log 2>&1; then
    cat _build/werror/distcheck.log
    echo "test-all.sh: make distcheck failed" >&2
    exit 1
fi
grep -A 1 'archives ready for distribution' _build/werror/distcheck.log

build _build/sanitize --enable-werror --enable-sanitizers
check _build/sanitize

# memcheck over the whole corpus (through the library) and the Check suite,
# on the first build (without sanitizers, which valgrind cannot run with).
# A leak (definite or indirect), an invalid read or an uninitialised value
# fails. corpus_run is a libtool wrapper: libtool runs valgrind on the
# program itself.
echo "== valgrind memcheck: the corpus and the Check suite (_build/werror)"
vg="valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect"
vg_start=$(date +%s)
vg_logs=_build/werror/tests
# shellcheck disable=SC2086 # $vg is a command line
if ! (cd _build/werror/tests &&
    ../libtool --mode=execute $vg ./corpus_run "$top/corpus" >valgrind-corpus.log 2>&1 &&
    CK_FORK=no $vg ./check_orderlint >valgrind-check.log 2>&1); then
    cat "$vg_logs/valgrind-corpus.log" "$vg_logs/valgrind-check.log" 2>/dev/null
    echo "test-all.sh: valgrind found an error" >&2
    exit 1
fi
tail -n 1 "$vg_logs/valgrind-corpus.log"
grep -h -e '%: Checks:' "$vg_logs/valgrind-check.log"
echo "-- valgrind took $(($(date +%s) - vg_start)) s"

# The threads suite once more under ThreadSanitizer: one ruleset shared by
# four checking threads, where a data race is a failure.
echo "== ThreadSanitizer: the threads suite (_build/tsan)"
mkdir -p _build/tsan
(cd _build/tsan && "$top/configure" --quiet --enable-werror \
    CFLAGS="-fsanitize=thread -g -O1" LDFLAGS="-fsanitize=thread")
make -C _build/tsan/lib -s -j"$jobs"
make -C _build/tsan/tests -s -j"$jobs" check_orderlint
(cd _build/tsan/tests && CK_FORK=no CK_RUN_SUITE=threads TSAN_OPTIONS=halt_on_error=1 \
    ./check_orderlint)
# And the command line's worker threads: the corpus directory on four
# jobs, which must also say exactly what one job says.
echo "== ThreadSanitizer: orderlint --jobs=4 over corpus/ (_build/tsan)"
make -C _build/tsan/cli -s -j"$jobs"
TSAN_OPTIONS=halt_on_error=1 _build/tsan/cli/orderlint --format=json --jobs=4 corpus \
    >_build/tsan/jobs4.json || [ $? -eq 1 ]
TSAN_OPTIONS=halt_on_error=1 _build/tsan/cli/orderlint --format=json --jobs=1 corpus \
    >_build/tsan/jobs1.json || [ $? -eq 1 ]
cmp _build/tsan/jobs1.json _build/tsan/jobs4.json
echo "$(($(wc -l <_build/tsan/jobs4.json) - 1)) documents, the same on 1 and 4 jobs, no race reported"

echo
echo "test-all.sh: all tests passed (plain, distcheck, ASan+UBSan, valgrind, TSan on the threads suite and --jobs)"
