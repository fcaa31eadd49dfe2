#!/bin/sh
# readme-example.sh: the README's library example is examples/server.c,
# unchanged, and it does what the README says: sends the good session, and
# keeps back the one whose order_amount is off, with Klarna's answer.
set -u

: "${top_srcdir:=..}" "${top_builddir:=..}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/readme-example.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
failed=0

fail() {
    failed=$((failed + 1))
    echo "FAIL: $1"
}

# The fenced block after the marker line, up to its closing fence.
sed -n '/^<!-- examples\/server.c -->$/,/^```$/p' "$top_srcdir/README.md" |
    sed '1,2d;$d' >"$tmp/readme.c"
cmp -s "$tmp/readme.c" "$top_srcdir/examples/server.c" ||
    fail "README.md does not show examples/server.c as it is"

rc=0
"$top_builddir/examples/server" >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 0 ] || fail "examples/server: exit status $rc, expected 0"
grep -E -q '^not sent: Klarna would answer \{"correlation_id": "[0-9a-f-]{36}", "error_code": "BAD_VALUE", "error_messages": \["Bad value: order_amount"\]\}$' "$tmp/err" ||
    fail "examples/server: the rejected session's Klarna answer is not on stderr"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "examples/server: more than the one rejection on stderr"

echo "readme-example.sh: $((3 - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
