#!/bin/sh
# check-exports.sh: the shared library's interface is what orderlint.h and
# lib/orderlint.map say it is:
#   1. it exports exactly the functions that orderlint.h declares
#      (OL_EXTERN), all ol_; the olp_ internals stay hidden;
#   2. its SONAME is liborderlint.so.MAJOR, MAJOR from configure's
#      -version-info (current - age);
#   3. where configure found a linker that takes a version script, each of
#      those functions carries, as its default version, a node of
#      lib/orderlint.map named for that MAJOR (ORDERLINT_0, ORDERLINT_0.2...).
# Skipped (77) without a shared library, nm or readelf.
set -u

: "${top_srcdir:=..}"
: "${top_builddir:=..}"
: "${OL_SO_MAJOR:?run by make check, which sets it}"
: "${OL_LD_VERSION_SCRIPT:?run by make check, which sets it}"
so=$top_builddir/lib/.libs/liborderlint.so
map=$top_srcdir/lib/orderlint.map
[ -f "$so" ] || { echo "check-exports.sh: no $so (static build?)"; exit 77; }
for tool in nm readelf; do
    command -v $tool >/dev/null 2>&1 || { echo "check-exports.sh: no $tool: skipped"; exit 77; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-exports.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
failed=0
passed=0

fail() {
    echo "FAIL: $1"
    failed=$((failed + 1))
}

# 1. The exports are the declarations. nm shows a versioned symbol as
# NAME@@NODE: the name alone is compared here.
sed -n 's/^OL_EXTERN[^(]*[ *]\(ol_[a-z0-9_]*\)(.*/\1/p' "$top_srcdir/lib/orderlint.h" |
    LC_ALL=C sort >"$tmp/declared"
nm -D --defined-only "$so" | awk '$2 ~ /^[TDBR]$/ { sub(/@.*/, "", $3); print $3 }' |
    LC_ALL=C sort >"$tmp/exported"
nexported=$(wc -l <"$tmp/exported" | tr -d ' ')
if [ ! -s "$tmp/declared" ]; then
    fail "no OL_EXTERN function found in orderlint.h"
elif ! diff -u "$tmp/declared" "$tmp/exported"; then
    fail "the exports differ from orderlint.h (- declared only, + exported only)"
else
    passed=$((passed + 1))
fi

# 2. The SONAME, which is what a program linked with the library records.
soname=$(readelf -d "$so" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
if [ "$soname" = "liborderlint.so.$OL_SO_MAJOR" ]; then
    passed=$((passed + 1))
else
    fail "SONAME is '$soname', expected liborderlint.so.$OL_SO_MAJOR"
fi

# 3. The symbol versions. readelf's dynamic symbol table names a defined
# symbol NAME@@NODE (its default version), NAME@NODE (an older one), or
# NAME alone when it has none.
if [ "$OL_LD_VERSION_SCRIPT" = yes ]; then
    # The nodes the map defines: a line "NAME {" outside its comment.
    sed -n 's/^\([A-Za-z_][A-Za-z0-9_.]*\)[ 	]*{.*/\1/p' "$map" >"$tmp/nodes"
    if [ ! -s "$tmp/nodes" ]; then
        fail "$map defines no version node"
    fi
    while read -r node; do
        case $node in
        "ORDERLINT_$OL_SO_MAJOR" | "ORDERLINT_$OL_SO_MAJOR".*) ;;
        *) fail "$map: node $node is not named for SONAME major $OL_SO_MAJOR (ORDERLINT_$OL_SO_MAJOR...)" ;;
        esac
    done <"$tmp/nodes"
    readelf -W --dyn-syms "$so" |
        awk '$7 != "UND" && $8 ~ /^ol_/ && ($4 == "FUNC" || $4 == "OBJECT") { print $8 }' |
        LC_ALL=C sort >"$tmp/versioned"
    bad=0
    while read -r fn; do
        node=$(sed -n "s/^$fn@@//p" "$tmp/versioned")
        if [ -z "$node" ]; then
            fail "$fn has no default version (.dynsym: $(grep "^$fn" "$tmp/versioned" | tr '\n' ' '))"
            bad=$((bad + 1))
        elif ! grep -F -x -q "$node" "$tmp/nodes"; then
            fail "$fn is at version $node, which $map does not define"
            bad=$((bad + 1))
        fi
    done <"$tmp/exported"
    [ "$bad" -eq 0 ] && passed=$((passed + 1))
    versions="versions from orderlint.map ($(tr '\n' ' ' <"$tmp/nodes" | sed 's/ $//'))"
else
    versions="no symbol versions (configure: the linker takes no version script)"
fi

echo "check-exports.sh: $passed checks passed, $failed failed: $nexported functions exported, as declared; SONAME $soname; $versions"
[ "$failed" -eq 0 ]
