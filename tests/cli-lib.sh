# cli-lib.sh: what the command-line tests share, sourced (not run) by
# cli-test.sh, cli-formats.sh, config-test.sh and sarif-test.sh: a scratch
# directory, running orderlint, and counting what passed. The script sets
# $name (for the scratch directory and the count line) and $ol (the
# orderlint to run) first.

tmp=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
out=$tmp/stdout
err=$tmp/stderr

# run ARG...: run orderlint in the current directory, standard input
# empty; its status in $rc, its output in $out and $err, the command as
# the failures show it in $cmd.
run() {
    cmd="orderlint $*"
    [ "$PWD" = "$tmp" ] || cmd="(in ${PWD#"$tmp"/}) $cmd"
    rc=0
    "$ol" "$@" >"$out" 2>"$err" </dev/null || rc=$?
}

# run_in FILE ARG...: the same, with FILE on standard input.
run_in() {
    input=$1
    shift
    cmd="orderlint $* < $input"
    rc=0
    "$ol" "$@" >"$out" 2>"$err" <"$input" || rc=$?
}

pass() { passed=$((passed + 1)); }

# fail WHAT: count a failure and show the last run (its first 80 lines).
fail() {
    failed=$((failed + 1))
    echo "FAIL: $1"
    echo "  command: $cmd (exit status $rc)"
    echo "  stdout:"
    sed 's/^/    /' "$out" | head -n 80
    echo "  stderr:"
    sed 's/^/    /' "$err" | head -n 80
}

status_is() { # EXPECTED WHAT
    if [ "$rc" -eq "$1" ]; then pass; else fail "$2: exit status $rc, expected $1"; fi
}

# many_findings: on stdout, a create-session of 250 lines, each with a wrong
# tax: more findings than a report keeps (200).
many_findings() {
    awk 'BEGIN {
        printf "{\"purchase_country\": \"SE\", \"purchase_currency\": \"SEK\", \"locale\": \"sv-SE\",\n"
        printf " \"order_amount\": 250000, \"order_tax_amount\": 50000, \"order_lines\": [\n"
        for (i = 1; i <= 250; i++)
            printf "  {\"name\": \"x\", \"quantity\": 1, \"unit_price\": 1000, \"tax_rate\": 2500, \"total_amount\": 1000, \"total_tax_amount\": 1%s\n", i < 250 ? "}," : "}"
        printf "]}\n"
    }'
}

# finish: the count line, and the script's exit status.
finish() {
    echo "$name.sh: $passed assertions passed, $failed failed"
    [ "$failed" -eq 0 ]
}
