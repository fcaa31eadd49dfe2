#!/bin/sh
# sarif-test.sh: --format=sarif, one SARIF 2.1.0 log per run as code
# scanning reads it (cli/sarif.c): the driver and its rules, each result's
# rule, level, message, file, line and column. The log is parsed with
# Python's json module and its structure asserted; the expected values come
# from the fixtures and the rule files, not from a recorded run.
# Run by `make check`; by hand: top_builddir=BUILD sh sarif-test.sh
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=..}"
ol=$(cd "$top_builddir/cli" && pwd)/orderlint
payloads=$(cd "$top_srcdir/examples/payloads" && pwd)

if ! command -v python3 >/dev/null 2>&1; then
    echo "sarif-test.sh: SKIP: python3 is not installed (build-aux/test-all.sh installs it)"
    exit 77
fi

name=sarif-test
. "$top_srcdir/tests/cli-lib.sh"
cd "$tmp" || exit 99

# The checker: stdout must be one JSON document; then each check(COND, WHAT)
# of the Python code given counts as an assertion. log is the document, run
# its only run, results and rules its lists; rule(id) is the descriptor
# with that id, loc(r) a result's physical location.
cat >check.py <<'EOF'
import json, sys

failures = []
count = 0

def check(cond, what):
    global count
    count += 1
    if not cond:
        failures.append(what)

with open(sys.argv[1], encoding="utf-8") as f:
    text = f.read()
try:
    log = json.loads(text)
except ValueError as e:
    print("0 1")
    print("FAIL: stdout is not one JSON document: %s" % e)
    sys.exit(0)
run = (log.get("runs") or [{}])[0]
driver = run.get("tool", {}).get("driver", {})
rules = driver.get("rules", [])
results = run.get("results", [])

def rule(rule_id):
    found = [r for r in rules if r.get("id") == rule_id]
    return found[0] if len(found) == 1 else {}

def loc(r):
    return r["locations"][0]["physicalLocation"]

def by_rule(rule_id):
    return [r for r in results if r.get("ruleId") == rule_id]

try:
    exec(sys.argv[2])
except Exception as e:  # a missing member, a wrong type: a failed check
    count += 1
    failures.append("the checks stopped: %r" % (e,))
print("%d %d" % (count - len(failures), len(failures)))
for what in failures:
    print("FAIL: " + what)
EOF

# sarif WHAT PYTHON: the checks of PYTHON on the log in $out.
sarif() {
    python3 check.py "$out" "$2" >verdict
    read -r ok bad <verdict
    passed=$((passed + ok))
    if [ "$bad" -gt 0 ]; then
        sed -n '2,$p' verdict
        fail "$1: $bad checks failed"
        failed=$((failed + bad - 1))
    fi
}

# ---- fixtures ---------------------------------------------------------------

cp "$payloads/create-session-valid.json" good.json
cp "$payloads/create-session-tax-mistake.json" bad.json
tr -d '\n' <good.json >good.line
tr -d '\n' <bad.json >bad.line
{
    cat good.line && echo
    echo
    cat bad.line && echo
} >orders.ndjson # the rejected document is on line 3

# Where the tax mistake is: the value of the line's total_tax_amount.
tax_at() { # FILE: prints LINE COL of the value
    awk '{ i = index($0, "\"total_tax_amount\": 2500");
           if (i) { print NR, i + length("\"total_tax_amount\": "); exit } }' "$1"
}
set -- $(tax_at bad.json)
bad_line=$1 bad_col=$2
set -- $(tax_at bad.line)
ndjson_col=$2

cp "$top_srcdir/tests/myshop.rules" myshop.rules

lib_version=$("$ol" --version | sed -n 's/^liborderlint //p')

# ---- one log for the run -------------------------------------------------------

run --format=sarif good.json
status_is 0 "sarif: a valid document"
sarif "the log of a clean run" '
check(log.get("version") == "2.1.0", "version is 2.1.0")
check(log.get("$schema", "").startswith("https://") and "sarif-2.1.0" in log["$schema"], "$schema names SARIF 2.1.0")
check(len(log.get("runs", [])) == 1, "one run")
check(driver.get("name") == "orderlint", "tool.driver.name")
check(driver.get("version") == "'"$lib_version"'", "tool.driver.version is ol_version()")
check(driver.get("informationUri", "https://").startswith("https://"), "informationUri, when given, is absolute")
check(run.get("columnKind") == "unicodeCodePoints", "columns count code points")
check(results == [] and rules == [], "no result, no rule listed")
check(run["invocations"][0]["executionSuccessful"] is True, "the run was successful")
'
if [ -s "$err" ]; then fail "sarif: stderr is not empty"; else passed=$((passed + 1)); fi

run --format=sarif good.json bad.json ./orders.ndjson
status_is 1 "sarif: rejected documents"
sarif "a file and an NDJSON file" '
tax = by_rule("order-line.tax")
check(len(tax) == 2, "two results of order-line.tax")
r = tax[0]
check(r["level"] == "error", "level error")
check(rules[r["ruleIndex"]]["id"] == "order-line.tax", "ruleIndex points at the rule")
check(loc(r)["artifactLocation"]["uri"] == "bad.json", "the file as given")
check(loc(r)["region"] == {"startLine": '"$bad_line"', "startColumn": '"$bad_col"'}, "line and column of the value")
check(r["message"]["text"].startswith("expected 1999 to 2001 (") and
      r["message"]["text"].endswith(", found 2500 (Klarna: BAD_VALUE \"Bad value: order_lines[0].total_tax_amount\")"),
      "message: orderlint'\''s, then Klarna'\''s")
check(r["properties"]["pointer"] == "/order_lines/0/total_tax_amount", "the pointer")
n = tax[1]
check(loc(n)["artifactLocation"]["uri"] == "orders.ndjson", "a leading ./ is dropped")
check(loc(n)["region"] == {"startLine": 3, "startColumn": '"$ndjson_col"'}, "NDJSON: the line of the file")
check(n["properties"]["document"] == 2, "NDJSON: the document within its file")
check(n["ruleIndex"] == r["ruleIndex"], "one rule, one index")
d = rule("order-line.tax")
check(d.get("name") == "OrderLineTax", "rule name")
check(d.get("shortDescription", {}).get("text") == "Bad value: {path}", "short description: Klarna'\''s message template")
check(d.get("fullDescription", {}).get("text", "").startswith("Klarna rejects a line tax more than 1 away"), "full description: the explanation")
check(d.get("help", {}).get("text", "").startswith("Tax is included in total_amount"), "help: the hint")
check(d.get("defaultConfiguration") == {"level": "error"}, "default level")
check(d.get("properties", {}).get("error_code") == "BAD_VALUE", "Klarna'\''s error_code")
check(len(rules) == len(set(x["id"] for x in rules)), "each rule listed once")
check(all(rules[x["ruleIndex"]]["id"] == x["ruleId"] for x in results), "every ruleIndex matches its ruleId")
check(len(results) == 2, "no other result")
'

run --format=sarif --rules=myshop.rules good.json
status_is 0 "sarif: a warning alone"
sarif "a warning" '
w = by_rule("myshop.sku-reference")
check(len(w) == 1 and w[0]["level"] == "warning", "level warning")
d = rule("myshop.sku-reference")
check(d.get("defaultConfiguration") == {"level": "warning"}, "default level warning")
check(d.get("fullDescription") == {"text": "Our references are SKU- and six digits."}, "the explanation")
check("help" not in d, "no hint, no help")
check(d.get("shortDescription") == {"text": "Bad value: {path}"}, "the default Klarna message")
check(w[0]["message"]["text"] == "reference \"19-402\" is not of the form SKU-nnnnnn (Klarna: BAD_VALUE \"Bad value: order_lines[0].reference\")", "the message")
check(loc(w[0])["region"] == {"startLine": 10, "startColumn": 20}, "the place of the reference")
'

run --format=sarif --strict --rules=myshop.rules good.json
status_is 1 "sarif: --strict counts the warning"

# ---- names and standard input ------------------------------------------------------

cp bad.json "my order.json"
mkdir -p sub
cp bad.json sub/x.json
run --format=sarif "my order.json" "$tmp/sub/x.json"
sarif "file names as URIs" '
uris = [loc(r)["artifactLocation"]["uri"] for r in results]
check(uris[0] == "my%20order.json", "a space is percent-encoded")
check(uris[-1] == "file://'"$tmp"'/sub/x.json", "an absolute name is a file URI")
'

cmd="orderlint --format=sarif - < bad.json"
rc=0
"$ol" --format=sarif - <bad.json >"$out" 2>"$err" || rc=$?
status_is 1 "sarif: standard input"
sarif "standard input" '
a = loc(results[0])["artifactLocation"]
check("uri" not in a and a.get("description") == {"text": "standard input"}, "described, not named")
check(loc(results[0])["region"]["startLine"] == '"$bad_line"', "with its region")
'

# ---- what a log says when not all is well -----------------------------------------

run --format=sarif good.json missing.json bad.json
status_is 2 "sarif: an unreadable file"
sarif "an unreadable file" '
check(run["invocations"][0]["executionSuccessful"] is False, "the run was not successful")
check(len(by_rule("order-line.tax")) == 1, "the other files are still in the log")
notes = run["invocations"][0]["toolExecutionNotifications"]
errors = [n for n in notes if n["level"] == "error"]
check(len(errors) == 1 and errors[0]["message"]["text"] == "missing.json: No such file or directory",
      "a notification says which file and why")
'

# 250 lines, each with a wrong tax: more findings than a report keeps (200).
many_findings >many.json
run --format=sarif many.json
status_is 1 "sarif: more findings than are kept"
sarif "findings past the limit" '
check(len(results) == 200, "the 200 findings kept")
notes = run["invocations"][0]["toolExecutionNotifications"]
check(len(notes) == 1 and notes[0]["level"] == "note", "one note")
import re
check(re.fullmatch(r"[0-9]+ more findings in document 1 are not shown", notes[0]["message"]["text"]) is not None, "says how many are not shown")
check(notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "many.json", "and where")
'

finish
