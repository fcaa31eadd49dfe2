#!/bin/sh
# config-test.sh: the configuration file (.orderlint.json, doc/config.md)
# and --list-rules, tried on the built tool in scratch projects: finding the
# file (walking up, stopping), globs to kinds, severities, disabled rules,
# rule files, suppressions (by file, by pointer, unused ones reported), the
# command line over the file, --print-config, the file's mistakes. The
# expected outputs are written from doc/config.md, not recorded from the
# tool. (--explain is tests/explain-test.sh.)
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=..}"
ol=$(cd "$top_builddir/cli" && pwd)/orderlint
payloads=$(cd "$top_srcdir/examples/payloads" && pwd)

name=config-test
. "$top_srcdir/tests/cli-lib.sh"

stdout_is() { # TEXT WHAT: stdout is exactly TEXT (and a final newline)
    if [ "$(cat "$out")" = "$1" ]; then pass; else fail "$2: stdout differs from
$1"; fi
}

stderr_is() { # TEXT WHAT
    if [ "$(cat "$err")" = "$1" ]; then pass; else fail "$2: stderr differs from
$1"; fi
}

stdout_has_line() { # LINE WHAT
    if grep -F -x -q -e "$1" "$out"; then pass; else fail "$2: no stdout line '$1'"; fi
}

stdout_has() { # STRING WHAT
    if grep -F -q -e "$1" "$out"; then pass; else fail "$2: stdout lacks '$1'"; fi
}

stdout_lacks() { # STRING WHAT
    if grep -F -q -e "$1" "$out"; then fail "$2: stdout has '$1'"; else pass; fi
}

stderr_has_line() { # LINE WHAT
    if grep -F -x -q -e "$1" "$err"; then pass; else fail "$2: no stderr line '$1'"; fi
}

stderr_lacks() { # STRING WHAT
    if grep -F -q -e "$1" "$err"; then fail "$2: stderr has '$1'"; else pass; fi
}

# run_timed SECONDS ARG...: run, killed after SECONDS (exit status 124): a
# run that used to take minutes fails instead of hanging the suite.
run_timed() {
    limit=$1
    shift
    cmd="timeout $limit orderlint $*"
    [ "$PWD" = "$tmp" ] || cmd="(in ${PWD#"$tmp"/}) $cmd"
    rc=0
    timeout "$limit" "$ol" "$@" >"$out" 2>"$err" </dev/null || rc=$?
}

# A scratch project: a directory with .git (so that the walk stops there,
# whatever lies above the scratch directory) and the config text given.
project() { # DIR CONFIG_TEXT
    mkdir -p "$1/.git" || exit 99
    printf '%s\n' "$2" >"$1/.orderlint.json"
}

cp "$payloads/create-session-valid.json" "$tmp/good.json"
cp "$payloads/create-session-tax-mistake.json" "$tmp/bad.json"
cp "$payloads/update-session-valid.json" "$tmp/update.json"
# bad.json has one finding: order-line.tax at /order_lines/0/total_tax_amount,
# line 17, column 27 (examples/payloads; cli-test.sh relies on it too).

# ---- finding the file ---------------------------------------------------------

project "$tmp/walk" '{}'
mkdir -p "$tmp/walk/a/b"
cd "$tmp/walk/a/b" || exit 99
run --print-config
stdout_is 'config: ../../.orderlint.json
kind: create-session (the default)' "walking up to the first configuration"
status_is 0 "--print-config exits 0"

printf '{}\n' >"$tmp/walk/a/.orderlint.json"
run --print-config
stdout_has_line 'config: ../.orderlint.json' "the nearest configuration wins"

run --no-config --print-config
stdout_has_line 'config: none' "--no-config"

run --config=../../.orderlint.json --print-config
stdout_has_line 'config: ../../.orderlint.json' "--config names the file"

run --config=x.json --no-config --print-config
status_is 2 "--config with --no-config"

# A directory holding .git is the top: the walk stops there, even though a
# configuration lies above it.
project "$tmp/outer" '{"disable": ["order-line.tax"]}'
mkdir -p "$tmp/outer/repo/.git" "$tmp/outer/repo/sub"
cd "$tmp/outer/repo/sub" || exit 99
run --print-config
stdout_is 'config: none
kind: create-session (the default)' "the walk stops at a directory holding .git"
run ../../../bad.json
status_is 1 "the configuration above the repository is not used"

# ---- globs to kinds -------------------------------------------------------------

project "$tmp/kinds" '{
  "kinds": [
    {"files": "fixtures/updates/*.json", "kind": "update-session"},
    {"files": "fixtures/**/orders/*.json", "kind": "create-order"},
    {"files": "fixtures/updates/*", "kind": "load"}
  ]
}'
mkdir -p "$tmp/kinds/fixtures/updates" "$tmp/kinds/fixtures/orders" \
    "$tmp/kinds/fixtures/a/b/orders" "$tmp/kinds/fixtures/updates/deeper" "$tmp/kinds/sub"
cp "$tmp/update.json" "$tmp/kinds/fixtures/updates/u.json"
cp "$tmp/update.json" "$tmp/kinds/fixtures/updates/deeper/u.json"
cp "$tmp/good.json" "$tmp/kinds/fixtures/orders/o.json"
cp "$tmp/good.json" "$tmp/kinds/fixtures/a/b/orders/o.json"
cp "$tmp/good.json" "$tmp/kinds/other.json"
cd "$tmp/kinds/sub" || exit 99

run --format=json ../fixtures/updates/u.json
stdout_has '"kind":"update-session"' "a glob gives the kind (the first that matches)"
status_is 0 "an update checked as an update is valid"

run --format=json ../fixtures/updates/deeper/u.json
stdout_has '"kind":"create-session"' "'*' does not cross a '/': no glob matches"

run --format=json ../fixtures/orders/o.json
stdout_has '"kind":"create-order"' "'**' matches no directory"
run --format=json ../fixtures/a/b/orders/o.json
stdout_has '"kind":"create-order"' "'**' matches several directories"

run --format=json ../other.json
stdout_has '"kind":"create-session"' "no glob matches: the default kind"

cd "$tmp/kinds" || exit 99
run --format=json fixtures/updates/u.json ./fixtures//orders/o.json
stdout_has '"source":"fixtures/updates/u.json","document":1,"kind":"update-session"' \
    "globs are relative to the config's directory, from there too"
stdout_has '"source":"./fixtures//orders/o.json","document":1,"kind":"create-order"' \
    "a path is compared in its normal form"

run --format=json "$tmp/kinds/fixtures/updates/u.json"
stdout_has '"kind":"update-session"' "an absolute path"

run --format=json fixtures
stdout_has '"source":"fixtures/updates/u.json","document":1,"kind":"update-session"' \
    "the files of a directory operand"

run --format=json --kind=create-session fixtures/updates/u.json
stdout_has '"kind":"create-session"' "--kind wins over the globs"
status_is 1 "an update checked as a create-session is rejected"

run --format=json - <"$tmp/update.json"
stdout_has '"kind":"create-session"' "standard input matches no glob"

run --print-config fixtures/updates/u.json
stdout_is 'config: .orderlint.json
file: fixtures/updates/u.json
kind: update-session (.orderlint.json:3:5: fixtures/updates/*.json)' \
    "--print-config FILE: the kind and the glob that gave it"

run --print-config
stdout_is 'config: .orderlint.json
kind: update-session for fixtures/updates/*.json (.orderlint.json:3:5)
kind: create-order for fixtures/**/orders/*.json (.orderlint.json:4:5)
kind: load for fixtures/updates/* (.orderlint.json:5:5)
kind: create-session (the default)' "--print-config without FILE: every glob"

run --print-config=other.json --kind=refund
stdout_is 'config: .orderlint.json
file: other.json
kind: refund (--kind)' "--print-config=FILE with --kind"

# Symbolic links are resolved, in the operand and in the configuration's
# directory: a file gets the globs of where it is, however it is reached.
ln -s fixtures/updates "$tmp/kinds/linked" || exit 99
ln -s kinds "$tmp/kinds-alias" || exit 99
run --format=json linked/u.json
stdout_has '"kind":"update-session"' "an operand through a linked directory: where it is"
cd "$tmp" || exit 99
run --format=json --config=kinds-alias/.orderlint.json kinds/fixtures/updates/u.json
stdout_has '"kind":"update-session"' "a configuration through a linked directory"
run --format=json --config=kinds/.orderlint.json kinds-alias/fixtures/updates/u.json
stdout_has '"kind":"update-session"' "an operand through a linked configuration directory"

# Many "**" against a deep path: matched in time proportional to the glob's
# parts times the path's (trying every way to split the path took minutes
# for these 16 against 24 directories). The first glob matches nothing, so
# the second gives the kind; "**/**" is one "**".
many=
deep=
i=0
while [ $i -lt 24 ]; do
    [ $i -lt 16 ] && many="$many**/"
    deep="${deep}d$i/"
    i=$((i + 1))
done
project "$tmp/deep" "{\"kinds\": [{\"files\": \"${many}nomatch\", \"kind\": \"update-session\"},
  {\"files\": \"d0/**/**/d23/*.json\", \"kind\": \"create-order\"}]}"
mkdir -p "$tmp/deep/$deep" || exit 99
cp "$tmp/good.json" "$tmp/deep/${deep}o.json"
cd "$tmp/deep" || exit 99
run_timed 10 --format=json "${deep}o.json"
status_is 0 "16 '**' against 24 directories: done in time"
stdout_has '"kind":"create-order"' "16 '**' against 24 directories: the glob that matches"

# ---- severities, disabled rules, rule files ------------------------------------

project "$tmp/sev" '{"severity": {"order-line.tax": "warning"}}'
cd "$tmp/sev" || exit 99
run ../bad.json
status_is 0 "a rule made a warning no longer rejects"
stdout_has_line "../bad.json:17:27: warning: expected 1999 to 2001 (tax_rate 2500 on total_amount 10000: 25000000 / 12500, ±1), found 2500 [order-line.tax]" \
    "the finding is a warning"
run --strict ../bad.json
status_is 1 "a warning with --strict"
run --list-rules
stdout_has_line "order-line.tax  warning  create-session,update-session,create-order,load,authorize,reauthorize,finalize" \
    "--list-rules shows the configured severity"

project "$tmp/off" '{"disable": ["order-line.tax"]}'
cd "$tmp/off" || exit 99
run ../bad.json
status_is 0 "a rule disabled in the configuration"
stdout_lacks "[order-line.tax]" "a disabled rule reports nothing"
run --list-rules
stdout_has_line "order-line.tax  error  create-session,update-session,create-order,load,authorize,reauthorize,finalize  disabled" \
    "--list-rules shows a disabled rule"
run --disable=order-line.tax-exact --print-config
stdout_is 'config: .orderlint.json
kind: create-session (the default)
disabled: order-line.tax (.orderlint.json:1:14)
disabled: order-line.tax-exact (--disable)' "--disable adds to the configuration's"

project "$tmp/rules" '{"rule_files": ["rules/shop.rules"]}'
mkdir -p "$tmp/rules/rules" "$tmp/rules/sub"
cat >"$tmp/rules/rules/shop.rules" <<'EOF'
rule shop.sku
    kinds    create-session
    at       order_lines[*].reference
    assert   matches(@, "^SKU-[0-9]{6}$")
    severity warning
    code     BAD_VALUE
    message  "reference {json(@)} is not a SKU"
    explain  "Our references are SKU- and six digits."
EOF
sed 's/shop\.sku/extra.sku/; s/not a SKU/not ours/' "$tmp/rules/rules/shop.rules" >"$tmp/extra.rules"
cd "$tmp/rules/sub" || exit 99
run ../../good.json
stdout_has_line '../../good.json:10:20: warning: reference "19-402" is not a SKU [shop.sku]' \
    "a rule file of the configuration, relative to its directory"
status_is 0 "its warning does not reject"
run --rules=../../extra.rules ../../good.json
stdout_has_line '../../good.json:10:20: warning: reference "19-402" is not a SKU [shop.sku]' \
    "--rules keeps the configuration's rule files"
stdout_has_line '../../good.json:10:20: warning: reference "19-402" is not ours [extra.sku]' \
    "--rules adds its own"
run --rules=../../extra.rules --print-config
stdout_is 'config: ../.orderlint.json
kind: create-session (the default)
rule file: ../rules/shop.rules (../.orderlint.json:1:17)
rule file: ../../extra.rules (--rules)' "--print-config: the rule files"
run --list-rules
stdout_has_line "shop.sku  warning  create-session" "--list-rules lists the configuration's rules"

# ---- suppressions ----------------------------------------------------------------

project "$tmp/sup" '{
  "suppress": [
    {"rule": "order-line.tax", "files": "legacy/*.json", "reason": "the old export"},
    {"rule": "order-line.tax", "pointer": "/order_lines/0/total_tax_amount",
     "files": "pointer/*.json"},
    {"rule": "order-line.tax", "pointer": "/order_lines/1/total_tax_amount"},
    {"rule": "order.amount-sum", "files": "nowhere/*.json"}
  ]
}'
mkdir -p "$tmp/sup/legacy" "$tmp/sup/pointer" "$tmp/sup/new"
cp "$tmp/bad.json" "$tmp/sup/legacy/bad.json"
cp "$tmp/bad.json" "$tmp/sup/pointer/bad.json"
cp "$tmp/bad.json" "$tmp/sup/new/bad.json"
cd "$tmp/sup" || exit 99
unused3='.orderlint.json:6:5: warning: the suppression of order-line.tax at "/order_lines/1/total_tax_amount" matched nothing'

run --format=json legacy/bad.json
stdout_has '"valid":true,"error_code":null,"http_status":null,"error_messages":[],"findings":[]' \
    "suppressed in a file: valid, as if the finding had never been"
status_is 0 "a suppressed error does not reject"

run pointer/bad.json
status_is 0 "suppressed at its pointer in that file"
stdout_lacks "[order-line.tax]" "the suppressed finding is not shown"

run new/bad.json
status_is 1 "the suppressions of other files do not apply"
stdout_has_line "new/bad.json:17:27: error: expected 1999 to 2001 (tax_rate 2500 on total_amount 10000: 25000000 / 12500, ±1), found 2500 [order-line.tax]" \
    "the finding of a file no suppression names"
stderr_has_line "$unused3" "a suppression that applied and matched nothing is reported"
stderr_lacks "order.amount-sum" "a suppression of files not checked is not judged"
stderr_lacks "legacy/*.json" "nor is one whose files were not checked"

run --format=json ../good.json
status_is 0 "an unused suppression alone: exit 0"
stderr_has_line "$unused3" "... reported on stderr with --format=json too"
stdout_lacks "suppression" "... and never on stdout"
run --strict ../good.json
status_is 1 "an unused suppression with --strict: exit 1"

run legacy/bad.json pointer/bad.json
stderr_has_line "$unused3" "the suppression that dropped nothing is reported"
stderr_lacks ".orderlint.json:3:5" "those that dropped a finding are not (by file)"
stderr_lacks ".orderlint.json:4:5" "those that dropped a finding are not (by pointer)"

run --print-config pointer/bad.json
stdout_is 'config: .orderlint.json
file: pointer/bad.json
kind: create-session (the default)
suppressed: order-line.tax at "/order_lines/0/total_tax_amount" in pointer/*.json (.orderlint.json:4:5)
suppressed: order-line.tax at "/order_lines/1/total_tax_amount" (.orderlint.json:6:5)' \
    "--print-config FILE: the suppressions that apply to it"

# A large configuration: 20000 suppressions, one a line, each applying to
# every input and dropping nothing, so each is reported at its place. Its
# size must not cost its square (finding each entry's place from the start
# of the text took over 20 s for this).
mkdir -p "$tmp/many/.git"
{
    echo '{"suppress": ['
    i=1
    while [ $i -lt 20000 ]; do
        echo "{\"rule\": \"order-line.tax\", \"pointer\": \"/n/$i\", \"reason\": \"as the old export sent it\"},"
        i=$((i + 1))
    done
    echo '{"rule": "order-line.tax", "pointer": "/n/20000", "reason": "as the old export sent it"}'
    echo ']}'
} >"$tmp/many/.orderlint.json"
cd "$tmp/many" || exit 99
run_timed 20 ../good.json
status_is 0 "20000 suppressions: done in time, exit 0"
stderr_has_line '.orderlint.json:2:1: warning: the suppression of order-line.tax at "/n/1" matched nothing' \
    "20000 suppressions: the first unused one at its place"
stderr_has_line '.orderlint.json:20001:1: warning: the suppression of order-line.tax at "/n/20000" matched nothing' \
    "20000 suppressions: the last unused one at its place"
n=$(grep -c 'matched nothing$' "$err")
if [ "$n" -eq 20000 ]; then pass; else fail "20000 suppressions: $n reported"; fi

# ---- the file's mistakes -----------------------------------------------------------

bad_config() { # TEXT EXPECTED_STDERR WHAT
    mkdir -p "$tmp/err/.git"
    printf '%s\n' "$1" >"$tmp/err/.orderlint.json"
    cd "$tmp/err" || exit 99
    run ../good.json
    status_is 2 "$3: exit 2"
    stderr_is "$2" "$3"
    if [ -s "$out" ]; then fail "$3: stdout is not empty"; else pass; fi
}

bad_config '{
  "kinds": [],
  "disabel": ["order-line.tax"]
}' '.orderlint.json:3:3: error: unknown key "disabel" (the keys here: kinds, rule_files, disable, severity, suppress)' \
    "an unknown key"
bad_config '{"suppress": [{"rule": "order-line.tax", "file": "x.json"}]}' \
    '.orderlint.json:1:42: error: unknown key "file" (the keys here: rule, files, pointer, reason)' \
    "an unknown key in a suppression"
bad_config '{
  "disable": ["order-line.tax",
              "order-line.taks"]
}' ".orderlint.json:3:15: error: no rule has the id 'order-line.taks'" "an unknown rule id"
bad_config '{"severity": {"order-line.tax": "fatal"}}' \
    '.orderlint.json:1:33: error: the severity of order-line.tax is "error" or "warning"' \
    "a severity that is none"
bad_config '{"kinds": [{"files": "a/*.json", "kind": "update"}]}' \
    '.orderlint.json:1:42: error: unknown kind "update"' "an unknown kind"
bad_config '{"suppress": [{"rule": "order-line.tax"}]}' \
    '.orderlint.json:1:15: error: a suppression names "files", a "pointer" or both (to switch order-line.tax off everywhere, use "disable")' \
    "a suppression of nothing in particular"
bad_config '{"suppress": [{"rule": "no.rule", "pointer": ""}]}' \
    ".orderlint.json:1:15: error: no rule has the id 'no.rule'" "a suppression of an unknown rule"
bad_config '{
  "disable": ["order-line.tax",
}' ".orderlint.json:3:1: error: unexpected token near '}'" "a JSON syntax error"
bad_config '{"rule_files": ["missing.rules"]}' \
    '.orderlint.json:1:17: error: missing.rules: cannot open: No such file or directory' \
    "a rule file that cannot be read"
bad_config '{"kinds": [{"files": "./sub/../*.json", "kind": "update-session"}]}' \
    '.orderlint.json:1:22: error: "./sub/../*.json": ".." in a glob would never match (a file'"'"'s path from the directory of .orderlint.json is taken in its normal form, without "..")' \
    "a glob holding '..'"

# An unknown key holding '/' or '~' is found at its own place (a JSON
# pointer escapes them as ~1 and ~0), written plainly or with escapes.
bad_config '{"kinds": [], "x/y~z": 1}' \
    '.orderlint.json:1:15: error: unknown key "x/y~z" (the keys here: kinds, rule_files, disable, severity, suppress)' \
    "an unknown key holding '/' and '~'"
bad_config '{"suppress": [{"rule": "order-line.tax", "pointer": "",
                "~1/": "x"}]}' \
    '.orderlint.json:2:17: error: unknown key "~1/" (the keys here: rule, files, pointer, reason)' \
    "an unknown key '~1/' in a suppression"
bad_config '{"kinds": [],
  "\u00e9\/~": 1}' \
    '.orderlint.json:2:3: error: unknown key "é/~" (the keys here: kinds, rule_files, disable, severity, suppress)' \
    "an unknown key written with escapes"

# A locked rule says a body could not be checked: the configuration may
# not switch it off, make it a warning or suppress it.
bad_config '{"disable": ["doc.syntax"]}' \
    '.orderlint.json:1:14: error: doc.syntax says a body could not be checked: it cannot be switched off' \
    "disabling a locked rule"
bad_config '{"severity": {"doc.syntax": "warning"}}' \
    '.orderlint.json:1:15: error: doc.syntax says a body could not be checked: it cannot be a warning' \
    "a locked rule made a warning"
bad_config '{"suppress": [{"rule": "doc.syntax", "files": "*.json"}]}' \
    '.orderlint.json:1:15: error: doc.syntax says a body could not be checked: its findings cannot be suppressed' \
    "suppressing a locked rule"
for id in doc.empty doc.not-object doc.too-large doc.too-deep doc.number-range doc.regex-limit; do
    bad_config "{\"disable\": [\"$id\"]}" \
        ".orderlint.json:1:14: error: $id says a body could not be checked: it cannot be switched off" \
        "disabling the locked $id"
done

printf 'garbage\n' >"$tmp/garbage.json"
run ../garbage.json
status_is 2 "text that is not JSON, with a configuration disabling doc.syntax: exit 2"
if [ -s "$out" ]; then fail "... and nothing is checked"; else pass; fi
printf '{"severity": {"doc.syntax": "error"}}\n' >"$tmp/err/.orderlint.json"
run ../garbage.json
status_is 1 "a locked rule's severity may be said to be error: text that is not JSON is rejected"
stdout_has "[doc.syntax]" "... by doc.syntax"

run --config="$tmp/none.json" ../good.json
status_is 2 "--config names a file that is not there"

# ---- --list-rules ---------------------------------------------------------------------

cd "$tmp" || exit 99
nrules=$(cat "$top_srcdir"/rules/*.rules | grep -c '^rule ')
run --no-config --list-rules
status_is 0 "--list-rules exits 0"
n=$(grep -c '^[^ ]' "$out")
if [ "$n" -eq "$nrules" ]; then pass; else
    fail "--list-rules: $n rules, the rule files hold $nrules"
fi
stdout_has_line "order-line.tax  error  create-session,update-session,create-order,load,authorize,reauthorize,finalize" \
    "--list-rules: a rule's line"
stdout_has_line "    klarna:  Bad value: {path}" "--list-rules: Klarna's message (the default template)"
stdout_has_line "    explain: Klarna rejects a line tax more than 1 away from the tax included in total_amount at tax_rate (facts.md I-3, I-4, I-6)." \
    "--list-rules: the explanation"
stdout_has_line "doc.syntax  error  all" "--list-rules: a rule of every kind"

run --no-config --list-rules --format=json
status_is 0 "--list-rules --format=json"
n=$(grep -c '^    "id": ' "$out")
if [ "$n" -eq "$nrules" ]; then pass; else
    fail "--list-rules --format=json: $n objects, the rule files hold $nrules"
fi
stdout_has '"id": "doc.syntax"' "--format=json: a rule's id"

run --no-config --list-rules --format=klarna
status_is 2 "--list-rules --format=klarna"
run --no-config --list-rules good.json
status_is 2 "--list-rules takes no FILE"
run --no-config --list-rules --explain=doc.syntax
status_is 2 "--list-rules with --explain"

finish
