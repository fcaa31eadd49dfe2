#!/bin/sh
# cli-formats.sh: what --format=text shows after each finding (the line of
# the file and a caret under the value, as GCC does) and its colours
# (--color, NO_COLOR). Every expected line below is written from that
# specification (cli/source-line.c's comment, README.md), not recorded.
# Run by `make check`; by hand: top_builddir=BUILD sh cli-formats.sh
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=..}"
ol=$(cd "$top_builddir/cli" && pwd)/orderlint
payloads=$(cd "$top_srcdir/examples/payloads" && pwd)

name=cli-formats
. "$top_srcdir/tests/cli-lib.sh"
cd "$tmp" || exit 99
unset NO_COLOR
esc=$(printf '\033')
tab=$(printf '\t')

# blanks N: N spaces.
blanks() {
    printf '%*s' "$1" ''
}

# block_is FIRST EXPECTED WHAT: the line of stdout that starts with FIRST
# and the two after it (the source line and the caret) are EXPECTED.
block_is() {
    got=$(awk -v first="$1" 'index($0, first) == 1 { n = 3 } n > 0 { print; n-- }' "$out")
    if [ "$got" = "$2" ]; then
        pass
    else
        fail "$3: expected
$2
got
$got"
    fi
}

# after_line FIRST N: the Nth line after the line of stdout that starts with FIRST.
after_line() {
    awk -v first="$1" -v n="$2" 'index($0, first) == 1 { k = n; next } k > 0 && --k == 0 { print }' "$out"
}

has_escape() { grep -q "$esc" "$out"; }

no_escape() { # WHAT
    if has_escape; then fail "$1: stdout has an escape sequence"; else pass; fi
}

some_escape() { # WHAT
    if has_escape; then pass; else fail "$1: stdout has no escape sequence"; fi
}

# ---- fixtures -------------------------------------------------------------------

cp "$payloads/create-session-valid.json" good.json
cp "$payloads/create-session-tax-mistake.json" bad.json

# Line 11 of the valid example holds a name with two-byte characters (ö, å)
# and two wide ones (寿司), then a tab, then a quantity that is a string.
sed -e 's/^      "name": "Battery Power Pack",$/      "name": "Smörgås 寿司",	"quantity": "2",/' \
    -e '/^      "quantity": 2,$/d' good.json >caret.json

# A rule of ours that warns (doc/rule-format.md's first example).
cp "$top_srcdir/tests/myshop.rules" myshop.rules

# ---- the source line and the caret ------------------------------------------------

run caret.json
status_is 1 "a string quantity"
# Columns count characters: 6 of indent, 21 of '"name": "Smörgås 寿司",', the
# tab, 12 of '"quantity": ', so the value is the 41st. In the caret line
# each character before it is a space, each wide one two, the tab a tab.
block_is 'caret.json:11:41: error: expected an integer, found string "2" [type.integer]' \
    "caret.json:11:41: error: expected an integer, found string \"2\" [type.integer]
   11 |       \"name\": \"Smörgås 寿司\",$tab\"quantity\": \"2\",
      | $(blanks 6)$(blanks 17)$(blanks 4)$(blanks 2)$tab$(blanks 12)^" \
    "the caret under the value, past multi-byte characters and a tab"

# Emoji of the transport (U+1F680) and symbols-extended (U+1FA90) blocks
# are two columns wide too: 25 characters, the two emoji, 19 more.
emoji=$(printf '\360\237\232\200\360\237\252\220')
printf '{"merchant_reference1": "%s", "order_amount": "1"}\n' "$emoji" >emoji.json
run emoji.json
block_is 'emoji.json:1:47: error: expected an integer amount in minor units, found string "1" [type.integer-amount]' \
    "emoji.json:1:47: error: expected an integer amount in minor units, found string \"1\" [type.integer-amount]
    1 | {\"merchant_reference1\": \"$emoji\", \"order_amount\": \"1\"}
      | $(blanks 25)$(blanks 4)$(blanks 19)^" \
    "the caret past emoji of two columns"

run bad.json
block_is 'bad.json:17:27: error: ' "$(grep '^bad.json:17:27: error: ' "$out")
   17 |       \"total_tax_amount\": 2500
      | $(blanks 26)^" "the line of the file, with its number in the gutter"
if grep -E -q '^bad\.json:17:27: error: expected 1999 to 2001 \(.*\), found 2500 \[order-line\.tax\]$' "$out"; then
    pass
else
    fail "the first line is FILE:LINE:COL: error: MESSAGE [RULE], as before"
fi

# NDJSON: the line in the gutter is the line of the file; the document's
# text is the line itself.
{
    tr -d '\n' <good.json && echo
    echo
    printf '{"purchase_country": 5}\n'
} >two.ndjson
run two.ndjson
block_is 'two.ndjson:3:22: error: expected a string, found integer 5 [type.string]' \
    'two.ndjson:3:22: error: expected a string, found integer 5 [type.string]
    3 | {"purchase_country": 5}
      |                      ^' "ndjson: the document's own line of the file"

# A line of more than 120 characters is cut: 40 characters before the
# value and 80 from it, "..." for the rest on either side.
a200=$(blanks 200 | tr ' ' a)
b200=$(blanks 200 | tr ' ' b)
{
    tr -d '\n' <good.json && echo
    printf '{"merchant_data": "%s", "purchase_country": 5, "merchant_reference2": "%s"}\n' \
        "$a200" "$b200"
} >long.ndjson
run long.ndjson
# 19 characters of '{"merchant_data": "', 200 a's, 23 of '", "purchase_country": '
b53=$(blanks 53 | tr ' ' b)
block_is 'long.ndjson:2:243: error: expected a string, found integer 5 [type.string]' \
    "long.ndjson:2:243: error: expected a string, found integer 5 [type.string]
    2 | ...aaaaaaaaaaaaaaaaa\", \"purchase_country\": 5, \"merchant_reference2\": \"$b53...
      | $(blanks 43)^" "a long line: cut around the value"

# A megabyte line prints no more than the window, for every finding.
{
    printf '{"merchant_data": "'
    blanks 1048576 | tr ' ' a
    printf '", "purchase_country": 5}\n'
} >huge.ndjson
run huge.ndjson
status_is 1 "a megabyte line"
long=$(LC_ALL=C awk 'length($0) > 300' "$out" | wc -l)
if [ "$long" -eq 0 ] && grep -q '^huge.ndjson:1:1048619: error: .*\[type.string\]$' "$out"; then
    pass
else
    fail "a megabyte line: $long lines of stdout longer than 300 bytes"
fi

# Nothing of the payload reaches the terminal raw: invalid UTF-8, control
# characters and bidirectional controls print as '?'.
printf '{"name": "a\377b"}\n' >invalid.json
run --color=never invalid.json
status_is 1 "invalid UTF-8 is not JSON"
if [ "$(after_line 'invalid.json:1:' 1)" = '    1 | {"name": "a?b"}' ]; then
    pass
else
    fail "an invalid UTF-8 byte prints as ?"
fi
if LC_ALL=C grep -q "$(printf '\377')" "$out"; then fail "the invalid byte is not printed"; else pass; fi

printf '{"name": "\033[31mred"}\n' >control.json
run --color=never control.json
if [ "$(after_line 'control.json:1:' 1)" = '    1 | {"name": "?[31mred"}' ]; then
    pass
else
    fail "a control character prints as ?"
fi
no_escape "the payload's escape character is not printed"

printf '{"purchase_country": 5, "locale": "\342\200\256x"}\n' >bidi.json
run bidi.json
block_is 'bidi.json:1:22: error: expected a string, found integer 5 [type.string]' \
    'bidi.json:1:22: error: expected a string, found integer 5 [type.string]
    1 | {"purchase_country": 5, "locale": "?x"}
      |                      ^' "a bidirectional control prints as ?"

# A valid document prints nothing, no source line either.
run good.json
if [ -s "$out" ]; then fail "a valid document prints nothing"; else pass; fi

# ---- colour ---------------------------------------------------------------------------

run --color=always --rules=myshop.rules caret.json
status_is 1 "--color=always"
block_is "${esc}[1mcaret.json:11:41:${esc}[0m ${esc}[1;31merror:${esc}[0m expected an integer" \
    "${esc}[1mcaret.json:11:41:${esc}[0m ${esc}[1;31merror:${esc}[0m expected an integer, found string \"2\" [type.integer]
   11 |       \"name\": \"Smörgås 寿司\",$tab\"quantity\": \"2\",
      | $(blanks 29)$tab$(blanks 12)${esc}[1;32m^${esc}[0m" \
    "--color=always: a bold place, a bold red error:, a bold green caret"
if grep -q "^${esc}\\[1mcaret.json:10:20:${esc}\\[0m ${esc}\\[1;35mwarning:${esc}\\[0m reference \"19-402\" is not of the form SKU-nnnnnn \\[myshop.sku-reference\\]\$" "$out"; then
    pass
else
    fail "--color=always: a bold magenta warning:"
fi
# Without its escape sequences, the coloured output is the plain one.
sed "s/${esc}\\[[0-9;]*m//g" "$out" >stripped
run --color=never --rules=myshop.rules caret.json
if [ -s stripped ] && cmp -s stripped "$out"; then pass; else fail "--color=always less its escapes is --color=never"; fi
no_escape "--color=never"

run caret.json
no_escape "--color=auto (the default) when stdout is not a terminal"

cmd="NO_COLOR=1 orderlint --color=always caret.json"
rc=0
NO_COLOR=1 "$ol" --color=always caret.json >"$out" 2>"$err" || rc=$?
some_escape "an explicit --color=always wins over NO_COLOR"

run --color=always --format=json caret.json
no_escape "--color colours the text format only"

# 250 lines with a wrong tax: more findings than a report keeps (200); the
# note that says so is coloured as GCC colours a note.
many_findings >many.json
run many.json
if tail -n 1 "$out" | grep -E -q '^many\.json: note: [0-9]+ more findings in document 1 are not shown$'; then
    pass
else
    fail "the note on the findings not kept"
fi
run --color=always many.json
if tail -n 1 "$out" | grep -E -q "^${esc}\\[1mmany\\.json:${esc}\\[0m ${esc}\\[1;36mnote:${esc}\\[0m [0-9]+ more findings"; then
    pass
else
    fail "--color=always: a bold place and a bold cyan note:"
fi

run --color=sometimes caret.json
status_is 2 "--color=sometimes"
if grep -q "sometimes" "$err"; then pass; else fail "--color: the wrong value is named"; fi

# On a terminal (script(1) gives orderlint one), --color=auto colours
# unless NO_COLOR is set and not empty, or TERM is dumb.
on_tty() { # ENV... : run orderlint caret.json on a terminal with these variables
    cmd="$* orderlint caret.json (on a terminal)"
    rc=0
    env "$@" script -q -e -c "'$ol' caret.json" /dev/null >"$out" 2>"$err" </dev/null || rc=$?
}
if script -q -e -c true /dev/null </dev/null >/dev/null 2>&1; then
    on_tty TERM=xterm
    some_escape "--color=auto on a terminal"
    on_tty TERM=xterm NO_COLOR=1
    no_escape "NO_COLOR=1 on a terminal"
    on_tty TERM=xterm NO_COLOR=
    some_escape "an empty NO_COLOR does not count"
    on_tty TERM=dumb
    no_escape "TERM=dumb on a terminal"
else
    echo "cli-formats.sh: script(1) cannot make a terminal here; not tried on one"
fi

finish
