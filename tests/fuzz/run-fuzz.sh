#!/bin/sh
# run-fuzz.sh: build the libFuzzer targets with ASan and UBSan and run them.
#
#   tests/fuzz/run-fuzz.sh [SECONDS] [TARGET...]
#
# SECONDS (default 60; the issue's runs were 600) is the time of each
# target, run one after the other, one process each (-jobs=1 -workers=1).
# TARGETs are check, rules and load (default: all three); load is the
# differential target of the loader against json_loadb (fuzz_load.c). Everything goes under
# _build/fuzz/ (FUZZ_DIR): the binaries, the working corpus, the crashers
# (crash-*, timeout-*, leak-*) and each run's log, whose last lines are
# libFuzzer's statistics (stat::number_of_executed_units).
#
# The working corpus starts from the checked-in one (tests/fuzz/corpus/
# TARGET: crashers found and fixed, and a few seeds) and from seeds taken
# from the project at run time: small payloads of each corpus/ suite for
# check, the rule files for rules. A crasher becomes a file of
# tests/fuzz/corpus/TARGET and a fix; `make check` replays that directory.
#
# Needs clang with libFuzzer (Debian 12: apt-get install clang).
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-60}
[ "$#" -gt 0 ] && shift
targets=${*:-check rules load}
dir=${FUZZ_DIR:-$top/_build/fuzz}
CC=${CC:-clang}
mkdir -p "$dir"
cd "$dir"

flags="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
-fno-sanitize-recover=all"
deps="$(pkg-config --cflags --libs jansson libpcre2-8)"

echo "== generating the built-in rule table"
sh "$top/build-aux/gen-builtin-rules.sh" "$top"/rules/*.rules >builtin_rules.c.tmp
mv -f builtin_rules.c.tmp builtin_rules.c

for t in $targets; do
    echo "== building fuzz_$t"
    # shellcheck disable=SC2086 # $flags and $deps are lists of words
    extra=
    [ "$t" = load ] && extra=$top/tests/load_compare.c
    # shellcheck disable=SC2086 # $extra is empty or one file
    $CC $flags -I"$top/lib" -I"$top/tests" "$top/tests/fuzz/fuzz_$t.c" $extra \
        "$top"/lib/*.c builtin_rules.c $deps -o "fuzz_$t"
done

# Seeds of check: the smallest payloads of each suite, and a few context
# cases with a kind byte in front (see fuzz_check.c).
seed_check() {
    out=$1
    for suite in "$top"/corpus/*/; do
        # shellcheck disable=SC2012 # names hold no newline
        ls -S -r "$suite"*/input.json 2>/dev/null | head -n 3 |
            while read -r f; do
                case=$(basename "$(dirname "$f")")
                cp "$f" "$out/$(basename "$suite")-$case.json"
            done
    done
    k=0
    for f in "$top"/corpus/session/*/input.json "$top"/corpus/om/*/input.json; do
        [ $k -lt 18 ] || break
        printf "\\$(printf '%03o' $((9 + k % 9)))" >"$out/kind-$k.json"
        cat "$f" >>"$out/kind-$k.json"
        k=$((k + 1))
    done
}

# Seeds of rules: each rule file with the defs it may use in front, and
# the corpus's own rule files.
seed_rules() {
    out=$1
    for f in "$top"/rules/*.rules; do
        cat "$top/rules/05-defs.rules" "$f" >"$out/$(basename "$f")"
    done
    find "$top/corpus" -name '*.rules' | head -n 20 | while read -r f; do
        cp "$f" "$out/$(basename "$(dirname "$f")")-$(basename "$f")"
    done
}

# Seeds of load: JSONTestSuite's files (accepted, rejected and either), and
# the smallest payloads of each corpus suite.
seed_load() {
    out=$1
    cp "$top"/tests/json-test-suite/test_parsing/*.json \
        "$top"/tests/json-test-suite/test_transform/*.json "$out/"
    seed_check "$out"
}

status=0
for t in $targets; do
    rm -rf "seeds-$t"
    mkdir -p "seeds-$t" "corpus-$t" "artifacts-$t"
    "seed_$t" "seeds-$t"
    echo "== fuzz_$t for $seconds s (log: $dir/fuzz-$t.log)"
    rc=0
    "./fuzz_$t" -jobs=1 -workers=1 -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -dict="$top/tests/fuzz/$t.dict" \
        -artifact_prefix="$dir/artifacts-$t/" \
        "corpus-$t" "$top/tests/fuzz/corpus/$t" "seeds-$t" >"fuzz-$t.log" 2>&1 || rc=$?
    # with -jobs, libFuzzer writes the run's own output to fuzz-0.log
    if [ -f fuzz-0.log ]; then cat fuzz-0.log >>"fuzz-$t.log" && rm -f fuzz-0.log; fi
    grep -E 'stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+.*DONE' \
        "fuzz-$t.log" | awk '!seen[$0]++' || true
    if [ "$rc" -ne 0 ] || ls "artifacts-$t"/* >/dev/null 2>&1; then
        echo "run-fuzz.sh: fuzz_$t found something: $dir/artifacts-$t/" >&2
        status=1
    fi
done
exit $status
