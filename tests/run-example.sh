#!/bin/sh
# run-example.sh: examples/preflight, a merchant's pre-flight check, accepts
# its cart and rejects the same cart with a tax mistake, answering with
# Klarna's error body. Run by `make check` (which sets top_builddir).
set -u

: "${top_builddir:=..}"
preflight=$top_builddir/examples/preflight
tmp=$(mktemp -d "${TMPDIR:-/tmp}/run-example.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
failed=0

fail() {
    failed=$((failed + 1))
    echo "FAIL: $1"
    sed 's/^/  stdout: /' "$tmp/out"
    sed 's/^/  stderr: /' "$tmp/err"
}

rc=0
"$preflight" >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 0 ] || fail "the correct cart: exit status $rc, expected 0"
grep -F -x -q 'preflight: the session can be created' "$tmp/out" ||
    fail "the correct cart: no 'the session can be created'"

rc=0
"$preflight" --tax-mistake >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 1 ] || fail "the tax mistake: exit status $rc, expected 1"
grep -E -q '^\{"correlation_id": "[0-9a-f-]{36}", "error_code": "BAD_VALUE", "error_messages": \["Bad value: order_lines\[0\]\.total_tax_amount", "Bad value: order_lines\[1\]\.total_tax_amount"\]\}$' "$tmp/out" ||
    fail "the tax mistake: not Klarna's body naming both lines' total_tax_amount"
grep -F -q '[order-line.tax]' "$tmp/err" ||
    fail "the tax mistake: the finding of order-line.tax is not explained on stderr"

rc=0
"$preflight" --bogus >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 2 ] || fail "a bad option: exit status $rc, expected 2"

echo "run-example.sh: $failed failed"
[ "$failed" -eq 0 ]
