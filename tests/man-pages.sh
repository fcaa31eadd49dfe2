#!/bin/sh
# man-pages.sh: the manual pages say what the sources say.
#   - orderlint.1 describes (an entry of OPTIONS) every option that
#     `orderlint --help` lists, and no option that it does not;
#   - liborderlint.3 declares in its SYNOPSIS every function that
#     orderlint.h declares (OL_EXTERN), no other ol_ function, and describes
#     each one (.BR name () in the text after the SYNOPSIS);
#   - orderlint-rules.5 has an entry for every directive of a rule, every
#     built-in event and every function of doc/rule-format.md;
#   - every page is ASCII (man renders escapes such as \(+- for the rest).
# Run by `make check`, which sets top_srcdir and top_builddir.
set -u

: "${top_srcdir:=..}" "${top_builddir:=..}"
man=$top_srcdir/man
tmp=$(mktemp -d "${TMPDIR:-/tmp}/man-pages.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

pass() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    echo "FAIL: $1"
}

# same WHAT EXPECTED ACTUAL: two sorted lists are equal; else show how.
same() {
    if [ ! -s "$2" ]; then
        fail "$1: nothing found to compare (the source changed its form?)"
    elif cmp -s "$2" "$3"; then
        pass
    else
        fail "$1 (- only in the source, + only in the page)"
        diff "$2" "$3" | sed -n 's/^</  -/p; s/^>/  +/p'
    fi
}

# covers WHAT EXPECTED ACTUAL: every line of EXPECTED is in ACTUAL.
covers() {
    if [ ! -s "$2" ]; then
        fail "$1: nothing found to compare (the source changed its form?)"
        return
    fi
    missing=$(LC_ALL=C comm -23 "$2" "$3")
    if [ -z "$missing" ]; then pass; else
        fail "$1: $(echo $missing)"
    fi
}

# The roff source with \- as -, as the tags are compared by name.
plain() { sed 's/\\-/-/g' "$1"; }

# The tag of each .TP entry: the first word of the line after .TP.
tags() { plain "$1" | awk 'prev == ".TP" && /^\.B/ { print $2 } { prev = $0 }'; }

# ---- orderlint.1 and --help ------------------------------------------------

"$top_builddir/cli/orderlint" --help >"$tmp/help" || fail "orderlint --help failed"
sed -n 's/^  *\(--[a-z-]*\).*/\1/p' "$tmp/help" | LC_ALL=C sort -u >"$tmp/help-options"
tags "$man/orderlint.1" | sed -n 's/^\(--[a-z-]*\).*/\1/p' | LC_ALL=C sort -u >"$tmp/man-options"
same "orderlint.1: its OPTIONS are not those of orderlint --help" "$tmp/help-options" "$tmp/man-options"

# ---- liborderlint.3 and orderlint.h ------------------------------------------

sed -n 's/^OL_EXTERN[^(]*[ *]\(ol_[a-z0-9_]*\)(.*/\1/p' "$top_srcdir/lib/orderlint.h" |
    LC_ALL=C sort -u >"$tmp/declared"
sed -n '/^\.SH SYNOPSIS/,/^\.SH /p' "$man/liborderlint.3" |
    grep -o 'ol_[a-z0-9_]*(' | tr -d '(' | LC_ALL=C sort -u >"$tmp/synopsis"
same "liborderlint.3: its SYNOPSIS does not declare the functions of orderlint.h" \
    "$tmp/declared" "$tmp/synopsis"
sed -n '/^\.SH DESCRIPTION/,$p' "$man/liborderlint.3" |
    sed -n 's/^\.BR \(ol_[a-z0-9_]*\) ().*/\1/p' | LC_ALL=C sort -u >"$tmp/described"
covers "liborderlint.3 does not describe" "$tmp/declared" "$tmp/described"

# ---- orderlint-rules.5 and doc/rule-format.md -----------------------------------

doc=$top_srcdir/doc/rule-format.md
tags "$man/orderlint-rules.5" | LC_ALL=C sort -u >"$tmp/rules-tags"
# The directives: the first word of each line of the block after "## rule".
awk '/^## rule$/ { on = 1; next } on && /^```$/ { if (in_block) exit; in_block = 1; next }
     in_block { print $1 }' "$doc" | LC_ALL=C sort -u >"$tmp/directives"
covers "orderlint-rules.5 has no entry for the directive" "$tmp/directives" "$tmp/rules-tags"
# The built-in events: the table after "| NAME | when |".
awk '/^\| NAME \| when \|$/ { on = 1; next } on && !/^\|/ { exit }
     on && /^\| `/ { sub(/^\| `/, ""); sub(/`.*/, ""); print }' "$doc" |
    LC_ALL=C sort -u >"$tmp/events"
covers "orderlint-rules.5 has no entry for the built-in event" "$tmp/events" "$tmp/rules-tags"
# The functions: the first column of the table under "### Functions".
awk '/^### Functions$/ { on = 1; next } on && /^#/ { exit }
     on && /^\| `/ { sub(/^\| /, ""); sub(/ \|.*/, ""); print }' "$doc" |
    grep -o '[a-z_]*(' | tr -d '(' | LC_ALL=C sort -u >"$tmp/functions"
sed -n '/^\.SH FUNCTIONS/,/^\.SH /p' "$man/orderlint-rules.5" |
    awk 'prev == ".TP" || prev == ".TQ" { print } { prev = $0 }' |
    grep -o '[a-z_]*(' | tr -d '(' | LC_ALL=C sort -u >"$tmp/man-functions"
covers "orderlint-rules.5 has no entry under FUNCTIONS for" "$tmp/functions" "$tmp/man-functions"

# ---- every page ----------------------------------------------------------------------

for page in "$man/orderlint.1" "$man/liborderlint.3" "$man/orderlint-rules.5" "$man/orderlint-config.5"; do
    if LC_ALL=C grep -n '[^ -~	]' "$page" >"$tmp/non-ascii"; then
        fail "$page: not ASCII: $(head -n 3 "$tmp/non-ascii")"
    else
        pass
    fi
done

echo "man-pages.sh: $passed checks passed, $failed failed"
[ "$failed" -eq 0 ]
