#!/bin/sh
# check-exports.sh: the shared library exports exactly the functions that
# orderlint.h declares (OL_EXTERN), all ol_; the olp_ internals stay hidden
# (lib/Makefile.am: -export-symbols-regex '^ol_'). Skipped (77) without a
# shared library or nm.
set -u

: "${top_srcdir:=..}"
: "${top_builddir:=..}"
so=$top_builddir/lib/.libs/liborderlint.so
[ -f "$so" ] || { echo "check-exports.sh: no $so (static build?)"; exit 77; }
command -v nm >/dev/null 2>&1 || { echo "check-exports.sh: no nm"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-exports.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

sed -n 's/^OL_EXTERN[^(]*[ *]\(ol_[a-z0-9_]*\)(.*/\1/p' "$top_srcdir/lib/orderlint.h" |
    LC_ALL=C sort >"$tmp/declared"
nm -D --defined-only "$so" | awk '$2 ~ /^[TDBR]$/ { print $3 }' | LC_ALL=C sort >"$tmp/exported"

if [ ! -s "$tmp/declared" ]; then
    echo "check-exports.sh: no OL_EXTERN function found in orderlint.h"
    exit 1
fi
if ! diff -u "$tmp/declared" "$tmp/exported"; then
    echo "check-exports.sh: the exports differ from orderlint.h (- declared only, + exported only)"
    exit 1
fi
echo "check-exports.sh: $(wc -l <"$tmp/exported" | tr -d ' ') functions exported, as declared"
