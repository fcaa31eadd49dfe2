#!/bin/sh
# gen-rule-examples.sh CORPUS_DIR RULES_FILE... > rule_examples.c
#
# The examples of `orderlint --explain=ID`, taken from the corpus at build
# time so that an installed orderlint needs no corpus: for every rule of the
# RULES_FILEs, a failing example and a passing one, embedded as C strings in
# the cli_builtin_examples[] table declared in cli/cli.h.
#
# The corpus's expected dumps are written from the spec (corpus/README.md),
# so a case whose dump lists a finding of a rule is a case that fails it:
#
#  - failing: among the cases with a finding of the rule, the one with the
#    fewest findings, then the least context (session, ids, times...), then
#    the fewest bytes. Cases with an options file only when no other case
#    fails the rule: with a rule file of their own (the merchant's account
#    table the market.account-* rules read; it is embedded too), or checked
#    with limits (doc.too-large: the command line cannot set them, and
#    --explain says so).
#  - passing: a case of the same kind without a finding of the rule, without
#    limits (with a rule file only if the failing case has one): first a
#    valid case with the same context and options as the failing one (so
#    that the rule really runs: a lifetime needs its times), then any valid
#    case, then the others; among equals the one with no finding at all,
#    one no bigger than needed (not 100 KiB for a rule a small case fails),
#    the one of its suite whose name shares the longest beginning with the
#    failing case's (its neighbour in the corpus: "...-past-edge" and
#    "...-at-edge"), then the fewest bytes.
#
# A rule with no failing case gets no entry (tests/rule-coverage.sh fails on
# it first). The output depends on the corpus only, byte for byte.
set -eu

: "${AWK:=awk}"
if [ "$#" -lt 2 ]; then
    echo "usage: $0 CORPUS_DIR RULES_FILE..." >&2
    exit 2
fi
corpus=$1
shift
[ -d "$corpus" ] || { echo "$0: no corpus at $corpus" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gen-rule-examples.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
LC_ALL=C
export LC_ALL

# The rule ids, in table order.
sed -n 's/^rule  *\([^ ]*\).*/\1/p' "$@" >"$tmp/ids"

# One line per case: NAME KIND BYTES OPTIONS SIGNATURE, where OPTIONS is
# "-", "limits" or "rules:FILE" (a rule file of its own, in its directory)
# and SIGNATURE lists its context (or "-").
for input in "$corpus"/*/*/input.json; do
    dir=${input%/input.json}
    name=${dir#"$corpus"/}
    kind=create-session
    [ -f "$dir/kind" ] && read -r kind <"$dir/kind"
    bytes=$(wc -c <"$input" | tr -d ' ')
    options=-
    if [ -f "$dir/options" ]; then
        options=limits
        rules=$(sed -n 's/^rules  *//p' "$dir/options" | head -n 1)
        [ -n "$rules" ] && options=rules:$rules
    fi
    sig=
    for doc in session authorized order; do
        [ -f "$dir/$doc.json" ] && sig="$sig,$doc"
    done
    [ -f "$dir/context" ] && sig="$sig,$(cut -d' ' -f1 "$dir/context" | sort | tr '\n' ',')"
    sig=${sig#,}
    printf '%s %s %s %s %s\n' "$name" "$kind" "$bytes" "$options" "${sig:--}"
done >"$tmp/cases"

# Choose: one line per rule, ID FAILING_CASE PASSING_CASE (or "-").
# The findings of each case come from its expected dump.
"$AWK" -v corpus="$corpus/" '
FILENAME == ARGV[1] { ids[++nids] = $1; next }
FILENAME == ARGV[2] {
    name[++n] = $1; kind[$1] = $2; bytes[$1] = $3 + 0; opts[$1] = $4; sig[$1] = $5
    nsig[$1] = ($5 == "-") ? 0 : split($5, parts, ",")
    next
}
FNR == 1 { c = substr(FILENAME, length(corpus) + 1); sub(/\/expected$/, "", c) }
/^valid / { valid[c] = ($2 == "true") }
/^finding / { nfind[c]++; has[c, $3] = 1 }
# How much of their names two cases of one suite share past "SUITE/".
function common(a, b,    i, s) {
    s = index(a, "/")
    if (substr(a, 1, s) != substr(b, 1, s))
        return 0
    for (i = s + 1; i <= length(a) && substr(a, i, 1) == substr(b, i, 1); i++)
        ;
    return i - 1 - s
}
function has_rules(c) { return substr(opts[c], 1, 6) == "rules:" }
# Sort keys as fixed-width strings: the smallest wins.
function fail_key(c) {
    return sprintf("%d %06d %03d %09d %s", (opts[c] != "-") + (opts[c] == "limits"),
                   nfind[c], nsig[c], bytes[c], c)
}
function pass_key(c, f,    group, same, big) {
    same = sig[c] == sig[f] && opts[c] == opts[f]
    group = valid[c] ? (same ? 0 : 1) : (same ? 2 : 3)
    big = bytes[c] > 16384 && bytes[c] > 2 * bytes[f]
    return sprintf("%d %d %d %06d %09d %s", group, nfind[c] > 0, big,
                   999999 - common(c, f), bytes[c], c)
}
function may_pass(c, f) {
    return kind[c] == kind[f] && (opts[c] == "-" || (has_rules(c) && has_rules(f)))
}
END {
    for (r = 1; r <= nids; r++) {
        id = ids[r]; best = ""; fail = ""
        for (i = 1; i <= n; i++) {
            c = name[i]
            if (!has[c, id])
                continue
            k = fail_key(c)
            if (fail == "" || k < best) { best = k; fail = c }
        }
        if (fail == "")
            continue
        best = ""; pass = "-"
        for (i = 1; i <= n; i++) {
            c = name[i]
            if (has[c, id] || !may_pass(c, fail))
                continue
            k = pass_key(c, fail)
            if (pass == "-" || k < best) { best = k; pass = c }
        }
        print id, fail, pass
    }
}
' "$tmp/ids" "$tmp/cases" "$corpus"/*/*/expected >"$tmp/chosen"

# The cases chosen, each once; its line number is its N below.
cut -d' ' -f2,3 "$tmp/chosen" | tr ' ' '\n' | grep -v -x -e - | sort -u >"$tmp/names"

# A case's parts, as lines PART FILE: input.json, the context documents,
# its context file, its limits, its rule file.
parts() { # NAME
    dir=$corpus/$1
    echo input input.json
    for doc in session authorized order; do
        if [ -f "$dir/$doc.json" ]; then echo "$doc $doc.json"; fi
    done
    if [ -f "$dir/context" ]; then echo context context; fi
    options=$("$AWK" -v c="$1" '$1 == c { print $4 }' "$tmp/cases")
    case $options in
    limits) echo limits options ;;
    rules:*) echo rules "${options#rules:}" ;;
    esac
}

# C string literals, byte for byte: printable ASCII as it is (backslash,
# quote and '?' escaped: no trigraphs), every other byte as a three-digit
# octal escape, so that the source charset does not matter.
c_string() { # FILE
    "$AWK" '
    BEGIN { for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i }
    function esc(s,    out, i, ch, o) {
        out = ""
        for (i = 1; i <= length(s); i++) {
            ch = substr(s, i, 1); o = ord[ch]
            if (ch == "\\" || ch == "\"" || ch == "?")
                out = out "\\" ch
            else if (o < 32 || o > 126)
                out = out sprintf("\\%03o", o)
            else
                out = out ch
        }
        return out
    }
    { printf "    \"%s\\n\"\n", esc($0) }
    ' "$1"
}

emit_case() { # N NAME: its parts as the C strings case_N_PART
    parts "$2" >"$tmp/parts"
    while read -r part file; do
        printf 'static const char case_%s_%s[] = /* %s/%s */\n' "$1" "$part" "$2" "$file"
        if [ -s "$corpus/$2/$file" ]; then c_string "$corpus/$2/$file"; fi
        printf '    "";\n'
    done <"$tmp/parts"
}

member() { # N PART: the C name of that part of case N, NULL when it has none
    if grep -q "^$2 " "$tmp/parts.$1"; then printf 'case_%s_%s' "$1" "$2"; else printf NULL; fi
}

example() { # NAME: the initializer of its cli_example
    if [ "$1" = - ]; then
        printf '{NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL}'
        return
    fi
    i=$(grep -n -x -F "$1" "$tmp/names" | cut -d: -f1)
    kind=$("$AWK" -v c="$1" '$1 == c { print $2 }' "$tmp/cases")
    rules=$(sed -n 's/^rules //p' "$tmp/parts.$i")
    if [ -n "$rules" ]; then rules="\"$rules\""; else rules=NULL; fi
    printf '{"%s", "%s", case_%s_input, sizeof(case_%s_input) - 1, %s, %s, %s, %s, %s, %s, %s}' \
        "$1" "$kind" "$i" "$i" "$(member "$i" session)" "$(member "$i" authorized)" \
        "$(member "$i" order)" "$(member "$i" context)" "$(member "$i" limits)" \
        "$rules" "$(member "$i" rules)"
}

echo "/* Generated by build-aux/gen-rule-examples.sh from corpus/: do not edit. */"
echo '#include "cli.h"'
echo
i=0
while read -r name; do
    i=$((i + 1))
    emit_case "$i" "$name"
    cp "$tmp/parts" "$tmp/parts.$i"
done <"$tmp/names"
echo
echo "const cli_rule_examples cli_builtin_examples[] = {"
while read -r id fail pass; do
    printf '    {"%s",\n     %s,\n     %s},\n' "$id" "$(example "$fail")" "$(example "$pass")"
done <"$tmp/chosen"
echo "};"
echo
echo "const size_t cli_builtin_example_count ="
echo "    sizeof(cli_builtin_examples) / sizeof(cli_builtin_examples[0]);"
