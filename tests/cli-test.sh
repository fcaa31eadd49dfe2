#!/bin/sh
# cli-test.sh: the command-line contract of DESIGN.md ("The command line"),
# tried on the built tool: options, inputs (FILE, DIR, -, NDJSON), the three
# formats, the summary and the exit status. Run by `make check`, which sets
# top_srcdir and top_builddir; by hand: top_builddir=BUILD sh cli-test.sh
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=..}"
ol=$(cd "$top_builddir/cli" && pwd)/orderlint
payloads=$(cd "$top_srcdir/examples/payloads" && pwd)

name=cli-test
. "$top_srcdir/tests/cli-lib.sh"
cd "$tmp" || exit 99

stdout_has_line() { # LINE WHAT: a line of stdout is exactly LINE
    if grep -F -x -q -e "$1" "$out"; then pass; else fail "$2: no stdout line '$1'"; fi
}

stdout_matches() { # ERE WHAT: a line of stdout matches
    if grep -E -q -e "$1" "$out"; then pass; else fail "$2: no stdout line matches /$1/"; fi
}

stdout_lacks() { # STRING WHAT
    if grep -F -q -e "$1" "$out"; then fail "$2: stdout has '$1'"; else pass; fi
}

stderr_has() { # STRING WHAT
    if grep -F -q -e "$1" "$err"; then pass; else fail "$2: stderr lacks '$1'"; fi
}

stderr_matches() { # ERE WHAT
    if grep -E -q -e "$1" "$err"; then pass; else fail "$2: no stderr line matches /$1/"; fi
}

stdout_lines() { # N WHAT
    n=$(wc -l <"$out" | tr -d ' ')
    if [ "$n" -eq "$1" ]; then pass; else fail "$2: $n stdout lines, expected $1"; fi
}

# error_lines_are FILE LINES WHAT: stdout's errors in FILE are on LINES
# ("2 4 ", each followed by a space).
error_lines_are() {
    got=$(sed -n "s/^$1:\([0-9]*\):[0-9]*: error: .*/\1/p" "$out" | tr '\n' ' ')
    if [ "$got" = "$2" ]; then pass; else fail "$3: errors on lines $got, expected $2"; fi
}

stderr_empty() { # WHAT
    if [ -s "$err" ]; then fail "$1: stderr is not empty"; else pass; fi
}

# The "source" of each per-document JSON line, in order, one per line.
sources() {
    sed -n 's/^{"source":"\([^"]*\)",.*/\1/p' "$out"
}

sources_are() { # EXPECTED WHAT: EXPECTED holds one source per line
    if [ "$(sources)" = "$1" ]; then
        pass
    else
        fail "$2: sources in this order: $(sources | tr '\n' ' '), expected $(echo "$1" | tr '\n' ' ')"
    fi
}

# ---- fixtures ---------------------------------------------------------------

cp "$payloads/create-session-valid.json" good.json
cp "$payloads/create-session-tax-mistake.json" bad.json
cp "$payloads/update-session-valid.json" update.json
tr -d '\n' <good.json >good.line
tr -d '\n' <bad.json >bad.line
printf '{"purchase_country": "SE",\n' >broken.json
: >empty.json
printf '[1, 2]\n' >array.json
printf 'not json at all\n' >notjson.txt

# Where the tax mistake is: the value of the line's total_tax_amount.
tax_at() { # FILE: prints LINE:COL of the value
    awk '{ i = index($0, "\"total_tax_amount\": 2500");
           if (i) { print NR ":" i + length("\"total_tax_amount\": "); exit } }' "$1"
}
bad_at=$(tax_at bad.json)
line_col=$(tax_at bad.line)
line_col=${line_col#*:} # the column within the one-line document

good_json='{"source":"good.json","document":1,"kind":"create-session","valid":true,"error_code":null,"http_status":null,"error_messages":[],"findings":[]}'
tax_path='order_lines[0].total_tax_amount'
bad_json_prefix='{"source":"bad.json","document":1,"kind":"create-session","valid":false,"error_code":"BAD_VALUE","http_status":400,"error_messages":["Bad value: '$tax_path'"],"findings":[{"rule":"order-line.tax","severity":"error","pointer":"/order_lines/0/total_tax_amount","path":"'$tax_path'","line":'${bad_at%:*}',"column":'${bad_at#*:}',"message":"'

# A merchant's own rule, a warning (doc/rule-format.md's first example).
cp "$top_srcdir/tests/myshop.rules" myshop.rules
printf 'rule myshop.broken\n    kinds    nonsense\n' >broken.rules

# ---- --help, --version, bad options ------------------------------------------

run --help
status_is 0 "--help"
stdout_matches '^Usage: orderlint ' "--help prints the usage"
stdout_matches '--format=' "--help lists the options"
stderr_empty "--help"

run --version
status_is 0 "--version"
if head -n 1 "$out" | grep -E -q '^orderlint \(orderlint\) [0-9]+\.[0-9]+\.[0-9]+$'; then
    pass
else
    fail "--version: first line is not 'orderlint (orderlint) VERSION'"
fi

run --frobnicate good.json
status_is 2 "an unknown option"
stderr_has "--frobnicate" "an unknown option is named"
stderr_has "orderlint --help" "an unknown option points to --help"
stdout_lines 0 "an unknown option checks nothing"

run --strict=yes good.json
status_is 2 "a value for an option without one"

run --kind
status_is 2 "--kind without a value"

run --kind=delete-session good.json
status_is 2 "an unknown kind"
stderr_has "delete-session" "an unknown kind is named"

run --format=xml good.json
status_is 2 "an unknown format"

run --format=sarif good.json
status_is 0 "--format=sarif is a format (tests/sarif-test.sh checks it)"

for jobs in 0 -1 x 2x ""; do
    run "--jobs=$jobs" good.json
    status_is 2 "--jobs=$jobs"
done
run --jobs=4 good.json bad.json
status_is 1 "--jobs=4 checks"
stdout_matches '^good.json|^bad.json:' "--jobs=4 reports"
# No thread can be started (a shim that fails pthread_create): one job, and
# a message. Not under the sanitizers, whose runtime must be loaded first.
if [ "${OL_SANITIZED:-}" != yes ] && command -v cc >/dev/null 2>&1; then
    printf '#include <errno.h>\nint pthread_create(void *t, const void *a, void *(*f)(void *), void *arg)\n{ (void)t; (void)a; (void)f; (void)arg; return EAGAIN; }\n' >nothreads.c
    if cc -shared -fPIC -o nothreads.so nothreads.c 2>/dev/null; then
        cmd="LD_PRELOAD=nothreads.so orderlint --jobs=4 good.json bad.json"
        rc=0
        LD_PRELOAD=$PWD/nothreads.so "$ol" --jobs=4 good.json bad.json >"$out" 2>"$err" </dev/null || rc=$?
        status_is 1 "--jobs=4 without threads: checked on one"
        stdout_matches '^bad.json:' "--jobs=4 without threads: the findings"
        stderr_has "could not start 4 checking threads: checking on one" \
            "--jobs=4 without threads: says so"
    fi
fi

# ---- one file, text format ---------------------------------------------------

run good.json
status_is 0 "a valid create-session"
stdout_lines 0 "a valid document prints no finding"
stderr_has "1 documents, 1 valid, 0 rejected, 0 warnings" "the text summary on stderr"

run bad.json
status_is 1 "a tax mistake"
stdout_matches "^bad.json:$bad_at: error: .+ \\[order-line\\.tax\\]\$" \
    "FILE:LINE:COL: error: MESSAGE [RULE] at the value"
stderr_matches '^1 documents, 0 valid, 1 rejected, [0-9]+ warnings$' "the text summary"

run --kind=update-session update.json
status_is 0 "a valid update-session"

run update.json
status_is 1 "an update-session body checked as create-session lacks the required fields"

run --disable=order-line.tax bad.json
status_is 0 "--disable switches the rule off"
stdout_lacks "[order-line.tax]" "--disable: no finding of the rule"

run --disable=no.such-rule good.json
status_is 2 "--disable of an unknown rule"
stderr_has "no.such-rule" "--disable of an unknown rule names it"

# what says a body could not be read cannot be switched off: garbage would pass
printf 'garbage' >garbage.json
run --disable=doc.syntax garbage.json
status_is 2 "--disable of a locked rule"
stderr_has "orderlint: doc.syntax says a body could not be checked: it cannot be switched off" \
    "--disable of a locked rule says why"
run --disable=doc.bom garbage.json
status_is 1 "--disable of an event that is not locked (doc.bom); garbage is still rejected"

# ---- documents that are not JSON objects ---------------------------------------

run --format=json broken.json
status_is 1 "a document that is not JSON is rejected"
stdout_matches '^\{"source":"broken.json","document":1,"kind":"create-session","valid":false,"error_code":"BAD_REQUEST","http_status":400,.*"rule":"doc\.syntax"' \
    "not JSON: BAD_REQUEST, doc.syntax"

run --format=json empty.json
status_is 1 "an empty document is rejected"
stdout_matches '"error_code":"BAD_REQUEST".*"rule":"doc\.empty"' "empty: BAD_REQUEST, doc.empty"

run --format=json array.json
status_is 1 "a document that is not an object is rejected"
stdout_matches '"error_code":"BAD_REQUEST".*"rule":"doc\.not-object"' "an array: doc.not-object"

# ---- --format=json ---------------------------------------------------------------

run --format=json good.json bad.json
status_is 1 "json: one document rejected"
stdout_has_line "$good_json" "json: the valid document's object, exactly"
if grep -F -q -e "$bad_json_prefix" "$out"; then
    pass
else
    fail "json: the rejected document's object starts with $bad_json_prefix"
fi
stdout_lines 3 "json: two documents and the summary"
if [ "$(grep -c '"summary"' "$out")" -eq 1 ] &&
    tail -n 1 "$out" | grep -E -q '^\{"summary":\{"documents":2,"valid":1,"rejected":1,"by_error_code":\{"BAD_VALUE":1\},"by_rule":\{.*"order-line\.tax":1[,}].*\}\}$'; then
    pass
else
    fail "json: the last line is the summary, and the only one with a summary key"
fi
stderr_empty "json: nothing on stderr"
sources_are "good.json
bad.json" "json: results in input order"

# ---- --format=klarna --------------------------------------------------------------

run --format=klarna good.json bad.json good.json
status_is 1 "klarna: one document rejected"
stdout_lines 1 "klarna: one body per rejected document"
stdout_matches '^\{"correlation_id": "[0-9a-f-]{36}", "error_code": "BAD_VALUE", "error_messages": \["Bad value: order_lines\[0\]\.total_tax_amount"\]\}$' \
    "klarna: Klarna's error body"

run --format=klarna good.json
status_is 0 "klarna: a valid document"
stdout_lines 0 "klarna: no body for a valid document"

# ---- standard input ------------------------------------------------------------------

run_in good.json
status_is 0 "no operand reads standard input"

run_in bad.json -
status_is 1 "- reads standard input"
stdout_matches "^<stdin>:$bad_at: error: " "standard input is named <stdin>"

# ---- NDJSON ----------------------------------------------------------------------

{
    cat good.line && echo
    echo
    cat bad.line && echo
    printf ' \t \n'
    cat good.line
} >orders.ndjson # no newline at the end

run orders.ndjson
status_is 1 "ndjson: one document rejected"
stdout_matches "^orders.ndjson:3:$line_col: error: .+ \\[order-line\\.tax\\]\$" \
    "ndjson: LINE is the line in the file"
stderr_matches '^3 documents, 2 valid, 1 rejected, [0-9]+ warnings$' \
    "ndjson: blank lines are not documents"

run --format=json orders.ndjson
stdout_lines 4 "ndjson json: three documents and the summary"
stdout_matches '^\{"source":"orders.ndjson","document":2,"kind":"create-session","valid":false,.*"line":1,"column":'"$line_col"',' \
    "ndjson json: document counts from 1 within the source, line within the document"
stdout_has_line '{"source":"orders.ndjson","document":3,"kind":"create-session","valid":true,"error_code":null,"http_status":null,"error_messages":[],"findings":[]}' \
    "ndjson json: the last line without a newline is a document"

# A filter in a pipeline: NDJSON on standard input is read a line at a time,
# and each result is out before the next line is read. The writer sends the
# second document only once the first result has come back (were the input
# read to its end first, or the output held back, this would hang).
mkfifo to_ol from_ol
"$ol" --ndjson --format=json - <to_ol >from_ol 2>/dev/null &
ol_pid=$!
exec 3>to_ol 4<from_ol
cat good.line >&3 && echo >&3
first=$(timeout 20 head -n 1 <&4)
cat bad.line >&3 && echo >&3
exec 3>&-
rest=$(timeout 20 cat <&4)
exec 4<&-
rc=0
wait "$ol_pid" || rc=$?
cmd="orderlint --ndjson --format=json - (fed a line at a time)"
printf '%s\n%s\n' "$first" "$rest" >"$out"
: >"$err"
case $first in
'{"source":"<stdin>","document":1,'*'"valid":true'*) pass ;;
*) fail "ndjson stream: the first result before the second line is written" ;;
esac
case $rest in
'{"source":"<stdin>","document":2,'*'"valid":false'*'{"summary":'*) pass ;;
*) fail "ndjson stream: then the second result and the summary" ;;
esac
status_is 1 "ndjson stream: one document rejected"

{
    cat good.line && printf '\r\n'
    cat bad.line && printf '\r\n'
} >crlf.jsonl
run crlf.jsonl
status_is 1 "jsonl: read as NDJSON"
stdout_matches "^crlf.jsonl:2:$line_col: error: " "jsonl: CRLF line ends"
stderr_has "2 documents, 1 valid, 1 rejected" "jsonl: two documents"

# NDJSON is read in blocks of 8 KiB (cli/input.c): a line the block ends
# in, and line ends ("\r\n" too) that fall anywhere in one, are read whole.
# Each document is some 7,000 spaces (JSON's whitespace) and then a line of
# the fixtures, so that the 14 lines end at many places of 13 blocks.
pad=$(printf '%7000s' '')
{
    for i in 1 2 3 4 5 6 7; do
        printf '%s' "$pad" && cat good.line && printf '\r\n'
        printf '%s' "$pad" && cat bad.line && printf '\n'
    done
} >blocks.ndjson
run blocks.ndjson
status_is 1 "ndjson blocks: rejected documents"
stderr_has "14 documents, 7 valid, 7 rejected" "ndjson blocks: every line across the blocks"
error_lines_are blocks.ndjson "2 4 6 8 10 12 14 " "ndjson blocks"

# A line longer than a block is gathered into a buffer of its own; the
# lines around it, and a last line without a '\n', are checked where they
# lie in the block (with two jobs, copied from it into the ring).
{
    cat good.line && echo
    printf '%90000s' '' && cat bad.line && echo
    cat bad.line && echo
    cat good.line
} >huge.ndjson
for jobs in 1 2; do
    run --jobs=$jobs huge.ndjson
    status_is 1 "ndjson, a line longer than a block, $jobs job(s): rejected documents"
    stderr_has "4 documents, 2 valid, 2 rejected" \
        "ndjson, a line longer than a block, $jobs job(s): every line"
    error_lines_are huge.ndjson "2 3 " "ndjson, a line longer than a block, $jobs job(s)"
done

# Lines whose ends fall on a block's edge: a '\n' that is a block's last
# byte (8192), one before it, a line one byte longer than a block and
# one whose "\r\n" straddles an edge. padded LEN FILE END: FILE's line, led
# by spaces to LEN bytes with END ('\n' or '\r\n').
padded() {
    printf '%*s' $(($1 - $(wc -c <"$2") - $(printf "$3" | wc -c))) '' &&
        cat "$2" && printf "$3"
}
{
    padded 8192 good.line '\n'
    padded 8191 bad.line '\n'
    padded 8193 good.line '\r\n'
    padded 8194 bad.line '\n'
    padded 8192 good.line '\r\n'
} >edges.ndjson
for jobs in 1 2; do
    run --jobs=$jobs edges.ndjson
    stderr_has "5 documents, 3 valid, 2 rejected" "ndjson, lines on a block's edges, $jobs job(s)"
    error_lines_are edges.ndjson "2 4 " "ndjson, lines on a block's edges, $jobs job(s)"
done

# Lines of about --max-bytes: the reader keeps a few bytes past the limit,
# so that a line of N + 1 to N + 7 bytes is too large, whether it is read
# in place (N = 3000) or gathered (N = 20000, more than a block).
for max in 3000 20000; do
    for len in $((max - 1)) $max $((max + 1)) $((max + 5)) $((max + 6)) $((max + 7)); do
        padded $((len + 1)) good.line '\n'
    done >limit.ndjson
    run --max-bytes=$max limit.ndjson
    stderr_has "6 documents, 2 valid, 4 rejected" "ndjson, lines of about --max-bytes=$max"
    large=$(sed -n 's/^limit\.ndjson:\([0-9]*\):1: error: .*\[doc\.too-large\]$/\1/p' "$out" |
        tr '\n' ' ')
    if [ "$large" = "3 4 5 6 " ]; then
        pass
    else
        fail "ndjson, --max-bytes=$max: too large on lines $large, expected 3 4 5 6"
    fi
done

# A line far past --max-bytes is rejected unread, and the line after it is
# still a document of its own.
{
    printf '%s%s%s%s' "$pad" "$pad" "$pad" "$pad" && cat good.line && echo
    cat good.line && echo
} >long.ndjson
run --max-bytes=5000 long.ndjson
status_is 1 "ndjson, a long line: rejected"
stdout_matches '^long.ndjson:1:1: error: .*more than the limit of 5000.* \[doc\.too-large\]$' \
    "ndjson, a long line: too large"
stderr_has "2 documents, 1 valid, 1 rejected" "ndjson, a long line: the next line is read after it"

# A read that fails is named, as any unreadable input (a directory as
# standard input: open, but read(2) says EISDIR).
cmd="orderlint --ndjson - <."
rc=0
"$ol" --ndjson - <. >"$out" 2>"$err" || rc=$?
status_is 2 "ndjson, a read that fails: exit status 2"
stderr_has "<stdin>: Is a directory" "ndjson, a read that fails: its cause"

cp orders.ndjson orders.json
run orders.json
status_is 1 "without --ndjson a .json file is one document"
stdout_matches '^orders.json:[0-9]+:[0-9]+: error: .*\[doc\.syntax\]$' "several lines of JSON are not one document"

run --ndjson orders.json
stderr_has "3 documents, 2 valid, 1 rejected" "--ndjson reads a .json file as NDJSON"

run_in orders.ndjson --ndjson --format=json
stdout_lines 4 "--ndjson reads standard input as NDJSON"
sources_are "<stdin>
<stdin>
<stdin>" "--ndjson standard input: three documents"

# ---- directories -------------------------------------------------------------------

mkdir -p tree/a tree/sub/deeper tree/empty
cp good.json tree/b.json
cp bad.json tree/a.json
cp good.json tree/a/x.json
cp orders.ndjson tree/sub/c.ndjson
cp good.line tree/sub/deeper/d.jsonl
cp good.json tree/notes.txt
cp good.json tree/b.json.bak

run --format=json tree
status_is 1 "a directory: one rejected"
sources_are "tree/a.json
tree/a/x.json
tree/b.json
tree/sub/c.ndjson
tree/sub/c.ndjson
tree/sub/c.ndjson
tree/sub/deeper/d.jsonl" "a directory: *.json, *.ndjson, *.jsonl, recursively, in strcmp order"

run --format=json tree/sub/ good.json
sources_are "tree/sub/c.ndjson
tree/sub/c.ndjson
tree/sub/c.ndjson
tree/sub/deeper/d.jsonl
good.json" "DIR/ and FILE: input order, no doubled slash"

# ---- failures of the tool: exit 2, the rest still checked --------------------------

run --format=json good.json missing.json bad.json
status_is 2 "an unreadable file"
stderr_has "missing.json" "an unreadable file is named on stderr"
sources_are "good.json
bad.json" "the other inputs are still checked, in order"
if tail -n 1 "$out" | grep -F -q '{"summary":{"documents":2,'; then
    pass
else
    fail "an unreadable file: the summary counts the documents checked"
fi

run no-such-dir/
status_is 2 "a missing directory"

if [ "$(id -u)" -ne 0 ]; then # root reads anything
    cp good.json secret.json && chmod 000 secret.json
    run secret.json good.json
    status_is 2 "a file without read permission"
    stderr_has "secret.json" "a file without read permission is named"
    stderr_has "1 documents, 1 valid" "the readable file is still checked"
fi

# ---- --rules, --strict ---------------------------------------------------------------

run --rules=myshop.rules good.json
status_is 0 "a warning alone does not reject"
stdout_matches '^good.json:[0-9]+:[0-9]+: warning: reference "19-402" is not of the form SKU-nnnnnn \[myshop\.sku-reference\]$' \
    "--rules: the rule of the file runs; warnings print as warning:"
stderr_has "1 documents, 1 valid, 0 rejected, 1 warnings" "a warning in the summary"

run --strict --rules=myshop.rules good.json
status_is 1 "--strict: a warning gives exit status 1"

run --strict --rules=myshop.rules --disable=myshop.sku-reference good.json
status_is 0 "--disable works on the rules of a --rules file"

run --strict good.json
status_is 0 "--strict without warnings"

run --rules=myshop.rules --rules=myshop2.rules good.json
status_is 2 "--rules with a missing file"
stderr_has "myshop2.rules" "--rules: the missing file is named"

run --rules=broken.rules good.json
status_is 2 "--rules with a wrong rule file"
stderr_matches '^broken.rules:[0-9]+:[0-9]+: error: ' "--rules: the mistake as FILE:LINE:COL"

# ---- the check context ------------------------------------------------------------------

run --kind=update-session --session=good.json update.json
status_is 0 "--session"

run --kind=update-session --session=missing.json update.json
status_is 2 "--session with a missing file"
stderr_has "missing.json" "--session: the missing file is named"

run --kind=update-session --session=notjson.txt update.json
status_is 2 "--session with a file that is not JSON"

echo '[1]' >array.json
run --kind=update-session --session=array.json update.json update.json
status_is 2 "--session with a JSON array"
stderr_has "orderlint: --session: array.json: not a JSON object" "--session: the array is named"
[ "$(wc -l <"$err")" -eq 1 ] && pass || fail "--session: one error, not one per document"

printf '\357\273\277' >bom-session.json
cat good.json >>bom-session.json
run --kind=update-session --session=bom-session.json update.json
status_is 0 "--session with a byte-order mark, as a body may have"

{
    printf '{"a": '
    i=0
    while [ $i -lt 100 ]; do printf '['; i=$((i + 1)); done
    i=0
    while [ $i -lt 100 ]; do printf ']'; i=$((i + 1)); done
    printf '}'
} >deep-session.json
run --kind=update-session --session=deep-session.json update.json
status_is 2 "--session nested deeper than a body may be"
stderr_has "the session is nested deeper than 64 levels" "--session: the depth is named"

run --kind=create-order --authorized=good.json good.json
status_is 0 "--authorized"

run --kind=capture --order=broken.json good.json
status_is 2 "--order with a file that is not JSON"

run --session-id=3ea2ff1b-6e4f-4b54-a3d0-b0a1e5a5f1a4 --token=2f6c4d3b good.json
status_is 0 "--session-id and --token"

run --created-at=2024-05-01T10:00:00Z --authorized-at=2024-05-01t11:30:00.25+02:00 \
    --now='2024-05-01 12:00:00z' good.json
status_is 0 "RFC 3339 times"

for t in 2024-02-30T00:00:00Z 2024-05-01T24:00:00Z 2024-05-01T12:00:00 \
    2024-05-01 yesterday 2024-05-01T12:00:00+0200; do
    run "--now=$t" good.json
    status_is 2 "--now=$t is not an RFC 3339 time"
done

# ---- a batch with bad inputs among good ones -----------------------------------------

# An NDJSON line that is not JSON (cut short), one that holds a NUL byte,
# and one that is an array, among good ones: each bad line is its own
# rejected document, and the good lines before and after are still checked.
{
    cat good.line && echo
    printf '{"purchase_country": "SE", "order_amount": \n'
    cat good.line && echo
    printf '{"purchase_country": "S\000E"}\n'
    printf '[1, 2]\n'
    cat good.line && echo
} >batch.ndjson
run --format=json batch.ndjson
status_is 1 "a batch with broken lines: rejected documents, not a failure of the tool"
stdout_lines 7 "a batch with broken lines: six documents and the summary"
stdout_has_line '{"source":"batch.ndjson","document":6,"kind":"create-session","valid":true,"error_code":null,"http_status":null,"error_messages":[],"findings":[]}' \
    "a batch with broken lines: the good line after them is checked"
stdout_matches '^\{"source":"batch.ndjson","document":2,.*"error_code":"BAD_REQUEST",.*"rule":"doc\.syntax"' \
    "a batch with broken lines: the line cut short is a syntax finding"
stdout_matches '^\{"source":"batch.ndjson","document":4,.*"rule":"doc\.syntax".*a NUL byte' \
    "a batch with broken lines: the NUL byte is named"
stdout_matches '^\{"source":"batch.ndjson","document":5,.*"rule":"doc\.not-object"' \
    "a batch with broken lines: the array is not an object"
stdout_matches '^\{"summary":\{"documents":6,"valid":3,"rejected":3,' \
    "a batch with broken lines: the summary counts every line"

# The same batch, an unreadable file and a directory among files: exit 2
# for the file, and everything else is still checked and reported.
mkdir -p batchdir && cp good.json batchdir/a.json && cp bad.json batchdir/b.json
run --format=json good.json batch.ndjson missing.json batchdir bad.json
status_is 2 "an unreadable file in a batch: exit status 2"
stderr_has "missing.json" "an unreadable file in a batch is named"
sources_are "good.json
batch.ndjson
batch.ndjson
batch.ndjson
batch.ndjson
batch.ndjson
batch.ndjson
batchdir/a.json
batchdir/b.json
bad.json" "an unreadable file in a batch: the other inputs still checked, in order"
stdout_matches '^\{"summary":\{"documents":10,"valid":5,"rejected":5,' \
    "an unreadable file in a batch: the summary counts what was checked"

# ---- limits ------------------------------------------------------------------------

run --max-bytes=100 good.json
status_is 1 "--max-bytes: a larger document is rejected"
stdout_matches '^good.json:1:1: error: .*more than the limit of 100.* \[doc\.too-large\]$' \
    "--max-bytes: the limit is named"

printf '{"a": [[[1]]]}' >nested.json
run --max-depth=3 nested.json
status_is 1 "--max-depth: deeper nesting is rejected"
stdout_matches '^nested.json:1:9: error: .*nesting deeper than 3 levels.* \[doc\.too-deep\]$' \
    "--max-depth: at the first array past the limit"
run --max-depth=4 nested.json
stdout_lacks "doc.too-deep" "--max-depth: nesting at the limit is read"

# a document with two errors (order_amount and order_tax_amount are -1; the
# sums need them, so they are not computed): one listed, a note of the other
printf '{"purchase_country": "SE", "purchase_currency": "SEK", "locale": "sv-SE", "order_amount": -1, "order_tax_amount": -1, "order_lines": [{"name": "x", "quantity": 1, "unit_price": 0, "tax_rate": 0, "total_amount": 0, "total_tax_amount": 0}]}' >two.json
run --max-findings=1 --color=never two.json
status_is 1 "--max-findings: the verdict does not depend on the limit"
stdout_lines 4 "--max-findings=1: one finding (its line and caret) and the note"
stdout_matches '^two.json: note: 1 more findings in document 1 are not shown$' \
    "--max-findings: one note says how many more"
run --max-findings=1 --format=json two.json
stdout_matches '"findings":\[\{[^]]*\}\],"findings_not_listed":1\}$' \
    "--max-findings, json: one finding listed, and findings_not_listed says 1 more"
run --format=json two.json
stdout_lacks "findings_not_listed" "json: no findings_not_listed when every finding is listed"

cat >slow.rules <<'EOF'
rule myshop.slow
    kinds    all
    at       order_lines[*].reference
    assert   !matches(@, "^(a+)+$")
    severity warning
    code     BAD_VALUE
    message  "reference {json(@)} is only a's"
    explain  "A pattern that backtracks."
EOF
sed 's/"reference": "[^"]*"/"reference": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"/' good.json >slow.json
run --rules=slow.rules --regex-match-limit=1000 slow.json
status_is 1 "--regex-match-limit: a match past the limit decides nothing, and says so"
stdout_matches '^slow.json:[0-9]+:[0-9]+: error: .*myshop\.slow passed its limit \(1000 steps, depth 1000\) \[doc\.regex-limit\]$' \
    "--regex-match-limit: the rule and the limit are named"

for bad in --max-bytes=0 --max-depth=2049 --max-findings=-1 --regex-match-limit=4294967296 \
    --regex-depth-limit=x; do
    run "$bad" good.json
    status_is 2 "$bad is a bad option"
done

finish
