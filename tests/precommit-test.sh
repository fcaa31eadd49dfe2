#!/bin/sh
# precommit-test.sh: the hook of .pre-commit-hooks.yaml, run by pre-commit
# itself from a scratch git repository, as a user's repository would run it
# with the .pre-commit-config.yaml that README.md shows: a commit of a
# payload Klarna would reject is blocked, naming the file and the rule; a
# valid one, and files the configuration does not match, go through.
#
# Offline, and out of any source tree (under `make distcheck` the sources
# are a read-only tarball, not a git repository): the hook repository is a
# scratch git repository holding a copy of .pre-commit-hooks.yaml, which
# pre-commit clones from its path at the sha given as rev; HOME,
# PRE_COMMIT_HOME and the git identity are the test's own. Skipped (77)
# only when pre-commit or git is not installed.
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=..}"
top_srcdir=$(cd "$top_srcdir" && pwd)
cli=$(cd "$top_builddir/cli" && pwd)
payloads=$top_srcdir/examples/payloads

for tool in pre-commit git; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "precommit-test.sh: SKIP: $tool is not installed (build-aux/test-all.sh installs it)"
        exit 77
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/precommit-test.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

# Nothing of the user's: no git configuration, no pre-commit cache.
HOME=$tmp/home
PRE_COMMIT_HOME=$tmp/pre-commit-home
XDG_CACHE_HOME=$tmp/cache
XDG_CONFIG_HOME=$tmp/config
GIT_CONFIG_NOSYSTEM=1
GIT_AUTHOR_NAME=orderlint-test
GIT_AUTHOR_EMAIL=orderlint-test@example.invalid
GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME
GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
PATH=$cli:$PATH # the built orderlint is the one the hook finds
export HOME PRE_COMMIT_HOME XDG_CACHE_HOME XDG_CONFIG_HOME GIT_CONFIG_NOSYSTEM \
    GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL PATH
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE NO_COLOR
mkdir -p "$HOME"
git config --global init.defaultBranch main
git config --global advice.detachedHead false

passed=0
failed=0
out=$tmp/output

pass() { passed=$((passed + 1)); }

fail() {
    failed=$((failed + 1))
    echo "FAIL: $1"
    echo "  command: $cmd (exit status $rc)"
    sed 's/^/    /' "$out"
}

# in_project CMD...: run CMD in the project repository; status in $rc,
# stdout and stderr together in $out.
in_project() {
    cmd="$*"
    rc=0
    (cd "$tmp/project" && "$@") >"$out" 2>&1 </dev/null || rc=$?
}

output_has() { # STRING WHAT
    if grep -F -q -e "$1" "$out"; then pass; else fail "$2: the output lacks '$1'"; fi
}

commits() { git -C "$tmp/project" rev-list --count HEAD 2>/dev/null || echo 0; }

# ---- the hook repository ---------------------------------------------------------

mkdir "$tmp/hooks"
cp "$top_srcdir/.pre-commit-hooks.yaml" "$tmp/hooks/"
git -C "$tmp/hooks" init -q
git -C "$tmp/hooks" add .pre-commit-hooks.yaml
git -C "$tmp/hooks" commit -q -m "orderlint's hook"
rev=$(git -C "$tmp/hooks" rev-parse HEAD)

# ---- the project that uses it --------------------------------------------------------

# The configuration is README.md's, with the scratch repository and its sha
# for the place and the version of orderlint.
mkdir -p "$tmp/project/fixtures/klarna"
git -C "$tmp/project" init -q
awk '/^## In a pre-commit hook$/ { section = 1; next }
     /^## / { section = 0 }
     section && /^```yaml$/ { inside = 1; next }
     inside && /^```$/ { exit }
     inside { print }' "$top_srcdir/README.md" |
    sed -e "s|^\( *- repo:\).*|\1 $tmp/hooks|" -e "s|^\( *rev:\).*|\1 $rev|" \
        >"$tmp/project/.pre-commit-config.yaml"
if grep -q "^ *- id: orderlint\$" "$tmp/project/.pre-commit-config.yaml"; then
    pass
else
    cmd="the configuration of README.md"
    rc=0
    cp "$tmp/project/.pre-commit-config.yaml" "$out"
    fail "README.md shows a .pre-commit-config.yaml with the orderlint hook"
fi
git -C "$tmp/project" add .pre-commit-config.yaml
in_project pre-commit install
if [ "$rc" -eq 0 ] && [ -x "$tmp/project/.git/hooks/pre-commit" ]; then
    pass
else
    fail "pre-commit install writes the git hook"
fi
in_project git commit -q -m "pre-commit configuration"
[ "$rc" -eq 0 ] && pass || fail "a commit with no payload in it"

# A payload Klarna would reject blocks the commit.
fixtures=$tmp/project/fixtures/klarna
cp "$payloads/create-session-tax-mistake.json" "$fixtures/bad.json"
before=$(commits)
in_project git add fixtures/klarna/bad.json
in_project git commit -m "a rejected payload"
if [ "$rc" -ne 0 ] && [ "$(commits)" -eq "$before" ]; then
    pass
else
    fail "a rejected payload blocks the commit"
fi
output_has "orderlint" "the hook is named"
output_has "Failed" "pre-commit says the hook failed"
output_has "fixtures/klarna/bad.json:17:27: error: " "the file, line and column"
output_has "[order-line.tax]" "the rule"

# A valid one goes through, as do files the configuration does not match:
# JSON that is no payload, outside fixtures/klarna/, and a text file in it.
in_project git rm -q --cached fixtures/klarna/bad.json
cp "$payloads/create-session-valid.json" "$fixtures/good.json"
printf '{"name": "not a payload"}\n' >"$tmp/project/package.json"
printf 'not a payload {\n' >"$fixtures/notes.txt"
in_project git add fixtures/klarna/good.json fixtures/klarna/notes.txt package.json
in_project git commit -m "a valid payload"
if [ "$rc" -eq 0 ] && [ "$(commits)" -eq $((before + 1)) ]; then
    pass
else
    fail "a valid payload, and files the configuration does not match, are committed"
fi
output_has "Passed" "pre-commit says the hook passed"

# NDJSON is matched too: the line of the file is named.
{
    tr -d '\n' <"$payloads/create-session-valid.json" && echo
    tr -d '\n' <"$payloads/create-session-tax-mistake.json" && echo
} >"$fixtures/orders.ndjson"
in_project git add fixtures/klarna/orders.ndjson
in_project git commit -m "a stream with a rejected document"
[ "$rc" -ne 0 ] && pass || fail "a rejected NDJSON document blocks the commit"
output_has "fixtures/klarna/orders.ndjson:2:" "the NDJSON file and the document's line"

echo "precommit-test.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
