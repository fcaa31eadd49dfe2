#!/bin/sh
# readme-transcript.sh: the README's command-line transcripts are what
# orderlint prints. A transcript is the fenced block after a line
#   <!-- transcript: DIR -->
# in which "$ " starts a command (run in DIR, a directory of the source
# tree, with the built orderlint first in PATH) and the lines up to the
# next command are what it prints, stdout then stderr. The random
# correlation_id is the one thing masked.
set -u

: "${top_srcdir:=..}" "${top_builddir:=..}"
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/readme-transcript.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
PATH=$top_builddir/cli:$PATH
export PATH
passed=0
failed=0

mask() {
    sed -E 's/"correlation_id": "[0-9a-f-]{36}"/"correlation_id": "-"/g' "$1"
}

# Split the README into one script and one expected output per command:
# $tmp/N.dir, $tmp/N.cmd and $tmp/N.want.
awk -v out="$tmp" '
    /^<!-- transcript: .* -->$/ { dir = $3; armed = 1; next }
    armed && /^```/ { armed = 0; inside = 1; next }
    inside && /^```$/ { inside = 0; next }
    inside && /^\$ / {
        n++
        print dir > (out "/" n ".dir")
        print substr($0, 3) > (out "/" n ".cmd")
        printf "" > (out "/" n ".want")
        next
    }
    inside && n { print >> (out "/" n ".want") }
' "$top_srcdir/README.md"

n=1
while [ -f "$tmp/$n.cmd" ]; do
    dir=$(cat "$tmp/$n.dir")
    cmd=$(cat "$tmp/$n.cmd")
    (cd "$top_srcdir/$dir" && sh -c "$cmd") >"$tmp/$n.out" 2>"$tmp/$n.err"
    cat "$tmp/$n.err" >>"$tmp/$n.out"
    mask "$tmp/$n.want" >"$tmp/want"
    mask "$tmp/$n.out" >"$tmp/got"
    if cmp -s "$tmp/want" "$tmp/got"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: README.md, in $dir: \$ $cmd"
        diff -u "$tmp/want" "$tmp/got" | sed 's/^/  /'
    fi
    n=$((n + 1))
done
[ "$passed" -gt 0 ] || { echo "FAIL: no transcript found in README.md"; failed=$((failed + 1)); }
echo "readme-transcript.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
