#!/bin/sh
# jobs-test.sh: batches. The same input gives the same output, byte for
# byte, whatever --jobs says; a broken line or an unreadable file among
# good ones is reported at its place; memory does not grow with the input;
# under GNU parallel --pipepart the results are those of one process; the
# progress line is on a terminal only. Run by `make check`.
set -u

: "${top_srcdir:=..}"
: "${top_builddir:=..}"
orderlint=$top_builddir/cli/orderlint
tmp=$(mktemp -d "${TMPDIR:-/tmp}/jobs-test.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    echo "FAIL: $1"
}
# same FILE1 FILE2 WHAT: the files are byte-identical.
same() {
    if cmp -s "$1" "$2"; then ok; else
        fail "$3"
        diff "$1" "$2" | head -n 10
    fi
}

command -v python3 >/dev/null 2>&1 || { echo "jobs-test.sh: no python3"; exit 77; }

# A batch: every create-session case of the corpus on one line each
# (valid ones, rejected ones, malformed ones), ten times over, with a
# blank line here and there. Documents of one kind, no context: the
# context of a case would not apply to its neighbours.
python3 - "$top_srcdir/corpus" "$tmp/batch.ndjson" <<'EOF' || exit 99
import os, sys
corpus, out = sys.argv[1], sys.argv[2]
lines = []
for root, dirs, files in sorted(os.walk(corpus)):
    dirs.sort()
    if "input.json" not in files:
        continue
    if set(files) & {"kind", "options", "context", "session.json",
                     "authorized.json", "order.json"}:
        continue
    data = open(os.path.join(root, "input.json"), "rb").read()
    if len(data) > 100000:
        continue
    lines.append(data.replace(b"\r", b"").replace(b"\n", b" "))
with open(out, "wb") as f:
    for i in range(10):
        for j, line in enumerate(lines):
            f.write(line + b"\n")
            if j % 50 == 0:
                f.write(b"\n")
EOF
# Lines of JSON whitespace only are not documents.
count_documents() {
    python3 -c 'import sys; print(sum(1 for l in open(sys.argv[1], "rb") if l.strip(b" \t\r\n")))' "$1"
}
documents=$(count_documents "$tmp/batch.ndjson")
[ "$documents" -gt 1000 ] || { echo "jobs-test.sh: only $documents documents"; exit 99; }

# ---- the same output whatever the number of jobs ----------------------------

valid_payload=$top_srcdir/examples/payloads/create-session-valid.json
mistake_payload=$top_srcdir/examples/payloads/create-session-tax-mistake.json

for format in json text; do
    "$orderlint" --format=$format --jobs=1 "$tmp/batch.ndjson" >"$tmp/one.$format" 2>"$tmp/one.err"
    echo $? >"$tmp/one.rc"
    for jobs in 2 3 8; do
        "$orderlint" --format=$format --jobs=$jobs "$tmp/batch.ndjson" >"$tmp/many" 2>"$tmp/many.err"
        echo $? >"$tmp/many.rc"
        same "$tmp/one.$format" "$tmp/many" "--format=$format --jobs=$jobs: stdout differs from --jobs=1"
        same "$tmp/one.err" "$tmp/many.err" "--format=$format --jobs=$jobs: stderr differs from --jobs=1"
        same "$tmp/one.rc" "$tmp/many.rc" "--format=$format --jobs=$jobs: exit status differs"
    done
done
# Every document is there once, in order, and the summary counts them all.
python3 - "$tmp/one.json" "$documents" <<'EOF' && ok || fail "--format=json: documents out of order or miscounted"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
docs, summary = lines[:-1], lines[-1]["summary"]
n = int(sys.argv[2])
assert [d["document"] for d in docs] == list(range(1, n + 1)), "numbers"
assert summary["documents"] == n
assert summary["valid"] + summary["rejected"] == n
assert summary["rejected"] == sum(1 for d in docs if not d["valid"]) > 0
assert summary["valid"] > 0
EOF

# Lines of many lengths: with more than one job, a line of up to an eighth
# of the ring's line store (32 KiB a job) is copied into the store, where
# lines go round and round, and a longer one into a buffer of its own.
# Spaces after the opening brace move the findings' columns, so that a line
# checked from another line's bytes would show. 600 lines, most short, one
# in four from 7 to 30 KB, and every tenth of those 2 bytes either side of
# an eighth of the store on 2 and on 3 jobs (8192 and 12288 bytes).
python3 - "$valid_payload" "$mistake_payload" "$tmp/lengths.ndjson" <<'EOF' || exit 99
import sys
docs = [open(p, "rb").read().replace(b"\r", b"").replace(b"\n", b" ") for p in sys.argv[1:3]]
edges = [n + d for n in (8192, 12288) for d in (-2, -1, 0, 1, 2)]
with open(sys.argv[3], "wb") as f:
    for i in range(600):
        doc = docs[(i // 3 + i) % 2]
        if i % 40 == 0:
            pad = edges[i // 40 % len(edges)] - len(doc)
        elif i % 4 == 0:
            pad = (i * 7919) % 30000
        else:
            pad = (i * 104729) % 4000
        f.write(doc[:1] + b" " * pad + doc[1:] + b"\n")
EOF
"$orderlint" --format=json --jobs=1 "$tmp/lengths.ndjson" >"$tmp/lengths.one" 2>&1
for jobs in 2 3 8; do
    "$orderlint" --format=json --jobs=$jobs "$tmp/lengths.ndjson" >"$tmp/lengths.many" 2>&1
    same "$tmp/lengths.one" "$tmp/lengths.many" "lines of many lengths, --jobs=$jobs: output differs from --jobs=1"
done
if [ "$(grep -c '"valid":false' "$tmp/lengths.one")" -ge 200 ]; then ok; else
    fail "lines of many lengths: fewer rejected documents than written: $(tail -n 1 "$tmp/lengths.one")"
fi

# ---- trouble among good documents, at its place ------------------------------

mkdir "$tmp/dir" "$tmp/dir/sub"
valid=$top_srcdir/examples/payloads/create-session-valid.json
mistake=$top_srcdir/examples/payloads/create-session-tax-mistake.json
{ tr -d '\n' <"$valid"; echo; tr -d '\n' <"$mistake"; echo; tr -d '\n' <"$valid"; echo; } >"$tmp/dir/a.ndjson"
printf '{"broken": \n' >"$tmp/dir/sub/b.json"
cp "$valid" "$tmp/good.json"
printf '{"order_amount": 1}\n{"x"\n\n[1]\n' >"$tmp/mixed.jsonl"
set -- "$tmp/good.json" "$tmp/missing.json" "$tmp/dir" "$tmp/mixed.jsonl" "$tmp/missing.ndjson"
for format in json text; do
    "$orderlint" --format=$format --jobs=1 "$@" >"$tmp/one" 2>"$tmp/one.err"
    rc=$?
    [ "$rc" -eq 2 ] && ok || fail "an unreadable file among good ones, --jobs=1: exit $rc, expected 2"
    "$orderlint" --format=$format --jobs=4 "$@" >"$tmp/many.$format" 2>"$tmp/many.$format.err"
    rc=$?
    [ "$rc" -eq 2 ] && ok || fail "an unreadable file among good ones, --jobs=4: exit $rc, expected 2"
    same "$tmp/one" "$tmp/many.$format" "--format=$format, files and troubles: stdout differs between 1 and 4 jobs"
    same "$tmp/one.err" "$tmp/many.$format.err" "--format=$format, files and troubles: stderr differs between 1 and 4 jobs"
done
# In the json format: good.json, a.ndjson's 3, b.json, mixed.jsonl's 3,
# and both missing files named on stderr, in order.
python3 - "$tmp/many.json" "$tmp/many.json.err" <<'EOF' && ok || fail "files and troubles: not every document reported, or trouble not named"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
docs = [(d["source"].rsplit("/", 1)[-1], d["document"], d["valid"]) for d in lines[:-1]]
assert [d[:2] for d in docs] == [("good.json", 1), ("a.ndjson", 1), ("a.ndjson", 2),
    ("a.ndjson", 3), ("b.json", 1), ("mixed.jsonl", 1), ("mixed.jsonl", 2),
    ("mixed.jsonl", 3)], docs
assert [d[2] for d in docs] == [True, True, False, True, False, False, False, False], docs
assert lines[-1]["summary"]["documents"] == 8
err = open(sys.argv[2]).read().splitlines()
assert len(err) == 2 and "missing.json: No such file" in err[0] \
    and "missing.ndjson: No such file" in err[1], err
EOF
# A document, then a file that cannot be read, 100 times: the input ends
# on a message, after the last document is checked, and the writer must
# still be woken for the result it held back for a batch (when the workers
# left without waking it, a quarter of these runs hung).
hung=0
i=0
while [ $i -lt 100 ]; do
    if command -v timeout >/dev/null 2>&1; then
        timeout 20 "$orderlint" --format=json --jobs=2 "$tmp/good.json" "$tmp/missing.json" \
            >/dev/null 2>&1
    else
        "$orderlint" --format=json --jobs=2 "$tmp/good.json" "$tmp/missing.json" >/dev/null 2>&1
    fi
    [ $? -eq 124 ] && hung=$((hung + 1))
    i=$((i + 1))
done
[ "$hung" -eq 0 ] && ok || fail "a document, then a missing file, --jobs=2: $hung of 100 runs hung"

# ---- memory does not grow with the input -------------------------------------

# The batch five times over: the same documents (the same longest line,
# which is what the buffers hold), five times as many of them.
for i in 1 2 3 4 5; do cat "$tmp/batch.ndjson"; done >"$tmp/big.ndjson"
big_docs=$((documents * 5))
if [ "${OL_SANITIZED:-}" = yes ]; then
    # AddressSanitizer keeps freed memory in quarantine: its RSS says
    # nothing about ours (the plain build measures it).
    echo "jobs-test.sh: a sanitizer build: memory not measured"
elif [ -x /usr/bin/time ]; then
    rss() {
        /usr/bin/time -f %M "$orderlint" --format=json --jobs=2 "$1" 2>&1 >/dev/null | tail -n 1
    }
    small=$(rss "$tmp/batch.ndjson")
    big=$(rss "$tmp/big.ndjson")
    # Within 20% (the threads' malloc arenas settle slowly: a few pages),
    # where keeping a share of the input would be five times as much.
    if [ "$big" -le $((small * 12 / 10)) ]; then ok; else
        fail "max RSS $big kB for $big_docs documents against $small kB for $documents"
    fi
    echo "jobs-test.sh: max RSS $small kB for $documents documents, $big kB for $big_docs"
    # A document past --max-bytes is rejected unread: a 32 MB line or file
    # costs no more memory than the limit (here 1000 bytes) and the
    # 4,000-document batch do.
    { printf '{"merchant_data": "'; head -c 33554432 /dev/zero | tr '\0' A; printf '"}\n'; } >"$tmp/huge.json"
    cp "$tmp/huge.json" "$tmp/huge.ndjson"
    cat "$tmp/batch.ndjson" >>"$tmp/huge.ndjson"
    for f in huge.json huge.ndjson; do
        /usr/bin/time -f %M "$orderlint" --format=json --max-bytes=1000 "$tmp/$f" \
            >"$tmp/huge.out" 2>"$tmp/huge.rss"
        rss=$(tail -n 1 "$tmp/huge.rss")
        if [ "$rss" -le $((small * 12 / 10)) ]; then ok; else
            fail "$f, 32 MB past --max-bytes=1000: max RSS $rss kB, against $small kB for the batch"
        fi
        if head -n 1 "$tmp/huge.out" | grep -q '"rule":"doc.too-large".*more than the limit of 1000 bytes'; then ok; else
            fail "$f: the first document is not doc.too-large: $(head -c 300 "$tmp/huge.out")"
        fi
    done
    echo "jobs-test.sh: max RSS $rss kB for a 32 MB line past the size limit"
    # A line past the limit that starts with more spaces than are kept is
    # still a document, too large, not a blank line.
    printf '%40s{"x": 1}\n' '' >"$tmp/spaces.ndjson"
    "$orderlint" --format=json --max-bytes=10 "$tmp/spaces.ndjson" >"$tmp/spaces.out" 2>&1
    if grep -q '"rule":"doc.too-large"' "$tmp/spaces.out"; then ok; else
        fail "a line of 40 spaces and a document, --max-bytes=10: not doc.too-large: $(head -c 300 "$tmp/spaces.out")"
    fi
    # Big documents on many jobs: what is in the ring is bounded (16 MiB of
    # documents), and each thread holds one document and its tree, so 24
    # lines of 2 MB on 4 jobs take at most 32 MB more than on one (before
    # the bound: 8 slots a job each kept a 2 MB buffer, and 71 MB in all).
    line=$(head -c 2000000 /dev/zero | tr '\0' A)
    i=0
    while [ $i -lt 24 ]; do
        printf '{"merchant_data": "%s"}\n' "$line"
        i=$((i + 1))
    done >"$tmp/big-lines.ndjson"
    one=$(/usr/bin/time -f %M "$orderlint" --format=json --jobs=1 "$tmp/big-lines.ndjson" 2>&1 >/dev/null | tail -n 1)
    four=$(/usr/bin/time -f %M "$orderlint" --format=json --jobs=4 "$tmp/big-lines.ndjson" 2>&1 >/dev/null | tail -n 1)
    if [ "$four" -le $((one + 32768)) ]; then ok; else
        fail "24 lines of 2 MB: max RSS $four kB on 4 jobs, against $one kB on one"
    fi
    echo "jobs-test.sh: 24 lines of 2 MB: max RSS $one kB on 1 job, $four kB on 4"
else
    echo "jobs-test.sh: no /usr/bin/time (Debian: apt-get install time): memory not measured"
fi

# ---- GNU parallel --pipepart: the results of one process ---------------------

# Each job reads a part of the file on stdin (--ndjson -), so its documents
# are numbered from 1 and its source is <stdin>, and each prints its own
# summary: the findings must be the same, in the same order (-k), and the
# summaries must add up to the single run's.
if command -v parallel >/dev/null 2>&1 && parallel --version 2>/dev/null | grep -q GNU; then
    parallel --will-cite --pipepart -a "$tmp/batch.ndjson" --block 64k -k \
        "$orderlint" --format=json --jobs=1 --ndjson - >"$tmp/parallel.json" 2>"$tmp/parallel.err"
    python3 - "$tmp/one.json" "$tmp/parallel.json" <<'EOF' && ok || fail "GNU parallel --pipepart: results differ from one process"
import json, sys
def split(path):
    docs, summaries = [], []
    for line in open(path):
        v = json.loads(line)
        if "summary" in v:
            summaries.append(v["summary"])
        else:
            del v["source"], v["document"]
            docs.append(v)
    return docs, summaries
one, [total] = split(sys.argv[1])
docs, parts = split(sys.argv[2])
assert len(parts) > 1, "the file was not split: %d parts" % len(parts)
assert docs == one, "documents differ"
merged = {"documents": 0, "valid": 0, "rejected": 0, "by_error_code": {}, "by_rule": {}}
for p in parts:
    for key, value in p.items():
        if isinstance(value, dict):
            for k, n in value.items():
                merged[key][k] = merged[key].get(k, 0) + n
        else:
            merged[key] += value
assert merged == total, (merged, total)
EOF
else
    echo "jobs-test.sh: no GNU parallel (Debian: apt-get install parallel): --pipepart not tested"
fi

# ---- the progress line: on a terminal only -------------------------------------

# Not a terminal: nothing on stderr, in a run long enough for the line
# (it is drawn every quarter of a second).
"$orderlint" --format=json "$tmp/big.ndjson" >/dev/null 2>"$tmp/err"
if [ -s "$tmp/err" ]; then fail "stderr not a terminal: progress written: $(head -c 200 "$tmp/err")"; else ok; fi
# A terminal (script(1) gives the command one): the line is drawn, and the
# results on stdout are the same as without it.
if script -q -e -c true /dev/null >/dev/null 2>&1; then
    script -q -e -c "'$orderlint' --format=json '$tmp/big.ndjson' >'$tmp/tty.json'" \
        "$tmp/typescript" >/dev/null 2>&1
    if grep -a -q 'orderlint: [0-9]* documents, [0-9]*/s, [0-9.]* [kMG]*B read, [0-9]*%' "$tmp/typescript"; then ok; else
        fail "stderr a terminal: no progress line: $(tr '\r' '\n' <"$tmp/typescript" | head -n 3)"
    fi
    python3 - "$tmp/tty.json" "$tmp/big.ndjson" <<'EOF' && ok || fail "stderr a terminal: the results changed"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
n = sum(1 for l in open(sys.argv[2], "rb") if l.strip(b" \t\r\n"))
assert lines[-1]["summary"]["documents"] == n
EOF
    script -q -e -c "'$orderlint' --no-progress --format=json '$tmp/batch.ndjson' >/dev/null" \
        "$tmp/typescript" >/dev/null 2>&1
    if grep -a -q 'documents,' "$tmp/typescript"; then fail "--no-progress: a progress line"; else ok; fi
else
    echo "jobs-test.sh: no script(1): the progress line on a terminal not tested"
fi

echo "jobs-test.sh: $passed checks passed, $failed failed"
[ "$failed" -eq 0 ]
