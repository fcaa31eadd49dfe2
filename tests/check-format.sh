#!/bin/sh
# check-format.sh: the C sources are formatted as .clang-format says.
# Skipped (77) where clang-format is not installed.
set -u

: "${top_srcdir:=..}"
command -v clang-format >/dev/null 2>&1 || { echo "clang-format not found: skipped"; exit 77; }
failed=0
count=0
for f in "$top_srcdir"/lib/*.[ch] "$top_srcdir"/cli/*.[ch] "$top_srcdir"/tests/*.[ch] \
    "$top_srcdir"/tests/fuzz/*.c "$top_srcdir"/examples/*.c; do
    case $f in */builtin_rules.c) continue ;; esac
    [ -f "$f" ] || continue
    count=$((count + 1))
    if ! clang-format --style=file "$f" | cmp -s "$f" -; then
        echo "FAIL: $f is not formatted (clang-format -i $f)"
        failed=$((failed + 1))
    fi
done
echo "check-format.sh: $((count - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
