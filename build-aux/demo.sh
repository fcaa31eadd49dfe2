#!/bin/sh
# demo.sh: from a fresh checkout, install what is missing, build orderlint
# and run it on the example payloads of examples/payloads/.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=_build/default
jobs=$(nproc 2>/dev/null || echo 2)

sh build-aux/deps.sh
./autogen.sh
mkdir -p "$build"
(cd "$build" && "$top/configure" --quiet)
make -C "$build" -s -j"$jobs"

# Show a command, run it, show its exit status (1 means "rejected").
show() {
    echo
    echo "\$ orderlint $*"
    status=0
    "$build/cli/orderlint" "$@" || status=$?
    echo "(exit status $status)"
    if [ "$status" -gt 1 ]; then
        echo "demo.sh: orderlint could not do its job" >&2
        exit "$status"
    fi
}

echo
echo "== orderlint on examples/payloads =="
show examples/payloads/create-session-valid.json examples/payloads/create-session-tax-mistake.json
show --kind=update-session examples/payloads/update-session-valid.json
show --format=klarna examples/payloads/create-session-tax-mistake.json
show --format=json examples/payloads/create-session-tax-mistake.json
echo
echo "== a session's life, on examples/session-life =="
cd examples/session-life
build=../../$build
show --kind=update-session --session=session.json update-billing-no.json
show --format=klarna --kind=create-order --authorized=authorized.json order-cart-changed.json
cd ../..
build=${build#../../}
echo
echo "orderlint is built: $build/cli/orderlint (try --help)."
