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

# The README shows the example FILE verbatim: the fenced block after the
# line "<!-- FILE -->", up to its closing fence.
shows_source() {
    sed -n "\|^<!-- $1 -->\$|,/^\`\`\`\$/p" "$top_srcdir/README.md" | sed '1,2d;$d' >"$tmp/readme.c"
    cmp -s "$tmp/readme.c" "$top_srcdir/$1" || fail "README.md does not show $1 as it is"
}

# What the README says "$ PROGRAM" prints: the lines after it, up to the fence.
shown_output() {
    sed -n "\|^\\$ $1\$|,/^\`\`\`\$/p" "$top_srcdir/README.md" | sed '1d;$d'
}

shows_source examples/server.c
shows_source examples/session-life.c

# doc/rule-format.md's example from the built-in table is in that file, as it is.
awk '/^<!-- rules\/60-totals.rules -->$/ { getline; on = 1; next } on && /^```$/ { exit } on' \
    "$top_srcdir/doc/rule-format.md" | tr '\n' '\001' >"$tmp/example"
tr '\n' '\001' <"$top_srcdir/rules/60-totals.rules" >"$tmp/rules"
[ -s "$tmp/example" ] && grep -q -F -f "$tmp/example" "$tmp/rules" ||
    fail "doc/rule-format.md does not show a rule of rules/60-totals.rules as it is"

rc=0
"$top_builddir/examples/server" >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 0 ] || fail "examples/server: exit status $rc, expected 0"
grep -E -q '^not sent: Klarna would answer \{"correlation_id": "[0-9a-f-]{36}", "error_code": "BAD_VALUE", "error_messages": \["Bad value: order_amount"\]\}$' "$tmp/err" ||
    fail "examples/server: the rejected session's Klarna answer is not on stderr"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "examples/server: more than the one rejection on stderr"

# The session's life: the update and the order are caught, and it prints
# what the README shows, the random correlation_id aside.
rc=0
"$top_builddir/examples/session-life" >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 0 ] || fail "examples/session-life: exit status $rc, expected 0"
sed -E 's/"correlation_id": "[0-9a-f-]{36}"/"correlation_id": "…"/g' "$tmp/out" >"$tmp/masked"
shown_output examples/session-life >"$tmp/shown"
[ -s "$tmp/shown" ] || fail "README.md shows no output of examples/session-life"
cmp -s "$tmp/masked" "$tmp/shown" || {
    fail "examples/session-life does not print what README.md shows"
    diff -u "$tmp/shown" "$tmp/masked" | sed 's/^/  /'
}

echo "readme-example.sh: $((9 - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
