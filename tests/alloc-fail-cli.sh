#!/bin/sh
# alloc-fail-cli.sh: the command line out of memory. A shim (failmalloc.c,
# built here with $CC, loaded with LD_PRELOAD) makes one allocation of a run
# fail: the first hundred one by one, then a hundred of the rest, evenly
# spaced, and the last 150 one by one, where the threads are started and
# the results and the summary written. Each run must end with status 0, 1
# or 2, never a signal or a hang; with 0 or 1 its output and its messages
# must be those of the run without a failure (the allocation was one the
# program can do without), and with 2 it must say why on stderr. Not under
# the sanitizers, whose runtime must be loaded first. Run by `make check`.
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=..}"
ol=$(cd "$top_builddir/cli" && pwd)/orderlint

name=alloc-fail-cli
. "$top_srcdir/tests/cli-lib.sh"

if [ "${OL_SANITIZED:-}" = yes ]; then
    echo "alloc-fail-cli.sh: a sanitizer build: no malloc of our own before its runtime"
    exit 77
fi
# the compiler make uses (CC may hold flags: split on purpose); -z defs makes
# a libc without __libc_malloc a build failure, and so a skip, not a shim
# that the loader refuses and a count of nothing
cc=${CC:-cc}
command -v ${cc%% *} >/dev/null 2>&1 || { echo "alloc-fail-cli.sh: no $cc"; exit 77; }
if ! $cc -shared -fPIC -Wl,-z,defs -o "$tmp/failmalloc.so" "$top_srcdir/tests/failmalloc.c" \
    2>"$tmp/cc.err"; then
    echo "alloc-fail-cli.sh: the shim does not build here (glibc's __libc_malloc?):"
    head -n 5 "$tmp/cc.err"
    exit 77
fi
timeout=
command -v timeout >/dev/null 2>&1 && timeout="timeout 30"

# The inputs: a file with a finding, and NDJSON of valid and rejected ones.
mistake=$top_srcdir/examples/payloads/create-session-tax-mistake.json
valid=$top_srcdir/examples/payloads/create-session-valid.json
i=0
while [ $i -lt 10 ]; do
    tr -d '\n' <"$valid" && echo
    tr -d '\n' <"$mistake" && echo
    i=$((i + 1))
done >"$tmp/batch.ndjson"

# The one message a run may add and still be right: no thread could be
# started (the threads' memory), and it checks on one.
fallback='could not start [0-9]* checking threads: checking on one'

# sweep WHAT ARG...: orderlint ARG... with each chosen allocation failing.
sweep() {
    what=$1
    shift
    "$ol" "$@" >"$tmp/base.out" 2>"$tmp/base.err" </dev/null
    base_rc=$?
    rm -f "$tmp/count"
    cmd="FAILMALLOC_COUNT=count LD_PRELOAD=failmalloc.so orderlint $*"
    rc=0
    FAILMALLOC_COUNT=$tmp/count LD_PRELOAD=$tmp/failmalloc.so "$ol" "$@" \
        >"$out" 2>"$err" </dev/null || rc=$?
    total=$(cat "$tmp/count" 2>/dev/null || echo 0)
    if [ "$rc" -ne "$base_rc" ]; then
        fail "$what: exit status $rc with the shim and no failure, $base_rc without it"
        return
    fi
    if [ "$total" -lt 1000 ]; then
        fail "$what: only $total allocations counted: the shim is not working"
        return
    fi
    stride=$(((total - 200) / 100 + 1))
    runs=0
    bad=0
    at=1
    while [ "$at" -le "$total" ]; do
        runs=$((runs + 1))
        cmd="FAILMALLOC_AT=$at LD_PRELOAD=failmalloc.so orderlint $*"
        rc=0
        FAILMALLOC_AT=$at LD_PRELOAD=$tmp/failmalloc.so $timeout "$ol" "$@" \
            >"$out" 2>"$err" </dev/null || rc=$?
        problem=
        if [ "$rc" -gt 2 ]; then
            problem="exit status $rc (a signal, or 124: a hang)"
        elif [ "$rc" -le 1 ] && { [ "$rc" -ne "$base_rc" ] || ! cmp -s "$out" "$tmp/base.out"; }; then
            problem="exit status $rc and other output than without a failure"
        elif [ "$rc" -le 1 ] && ! grep -v "$fallback" "$err" | cmp -s - "$tmp/base.err"; then
            problem="exit status $rc and other messages than without a failure"
        elif [ "$rc" -eq 2 ] && [ ! -s "$err" ]; then
            problem="exit status 2 and nothing on stderr"
        fi
        if [ -n "$problem" ]; then
            bad=$((bad + 1))
            # the first few shown in full, every one counted
            if [ "$bad" -le 5 ]; then
                fail "$what, allocation $at of $total failing: $problem"
            else
                failed=$((failed + 1))
            fi
        fi
        if [ "$at" -lt 100 ] || [ "$at" -gt $((total - 150)) ]; then
            at=$((at + 1))
        elif [ $((at + stride)) -gt $((total - 150)) ]; then
            at=$((total - 149)) # the last 150, every one
        else
            at=$((at + stride))
        fi
    done
    [ "$bad" -eq 0 ] && pass
    echo "alloc-fail-cli.sh: $what: $runs runs of $total allocations, $bad wrong"
}

sweep "one file, --format=json" --format=json "$mistake"
sweep "one file, the text format" "$mistake"
sweep "one file, --format=sarif" --format=sarif "$mistake"
sweep "NDJSON, --jobs=2" --format=json --jobs=2 "$tmp/batch.ndjson"
sweep "--explain, as JSON" --explain=order-line.tax --format=json
sweep "--explain, as text" --explain=order-line.tax

# A project's configuration, found from the working directory: a kind glob
# (not the default kind, so that losing it shows) and a suppression by
# glob, which must still apply (or the run end with 2) whatever allocation
# fails, on worker threads too; and a suppression that matches nothing, whose
# warning must keep its place.
mkdir -p "$tmp/project/legacy" || exit 99
cat >"$tmp/project/.orderlint.json" <<'EOF'
{
  "kinds": [{"files": "legacy/*", "kind": "update-session"}],
  "suppress": [
    {"rule": "order-line.tax", "files": "legacy/*", "reason": "old exports"},
    {"rule": "order.amount-sum", "pointer": "/nowhere", "files": "legacy/*"}
  ]
}
EOF
cp "$mistake" "$tmp/project/legacy/mistake.json"
cp "$tmp/batch.ndjson" "$tmp/project/legacy/batch.ndjson"
cd "$tmp/project" || exit 99
sweep "a configuration, one file" --format=json legacy/mistake.json
sweep "a configuration, NDJSON, --jobs=2" --format=json --jobs=2 legacy/batch.ndjson
sweep "a configuration, --print-config FILE" --print-config legacy/mistake.json
cd "$tmp" || exit 99

finish
