#!/bin/sh
# rule-coverage.sh: every rule of the built-in table has a corpus case in
# which it reports a finding (the case that fails), so that no rule goes
# untested. The cases where it holds are the valid/ suite and every other
# case the rule does not appear in.
set -u

: "${top_srcdir:=..}"
failed=0
count=0
for id in $(sed -n 's/^rule  *\([^ ]*\).*/\1/p' "$top_srcdir"/rules/*.rules); do
    count=$((count + 1))
    if ! grep -q -F " $id " "$top_srcdir"/corpus/*/*/expected; then
        echo "FAIL: rule $id has no corpus case in which it reports a finding"
        failed=$((failed + 1))
    fi
done
[ "$count" -gt 0 ] || { echo "FAIL: no rule found in $top_srcdir/rules"; failed=1; }
echo "rule-coverage.sh: $((count - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
