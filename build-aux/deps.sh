#!/bin/sh
# deps.sh: install the Debian 12 packages orderlint needs, the ones that are
# missing only. Run as root, or as a user who may use sudo. Arguments are
# more packages to install the same way (the test suite's own tools).
set -eu

packages="gcc make libc6-dev autoconf automake libtool pkg-config \
libjansson-dev libpcre2-dev check $*"

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps.sh: not a Debian system; make sure these (or their equivalents) are installed:" >&2
    echo "  $packages" >&2
    exit 0
fi

missing=
for p in $packages; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
if [ -z "$missing" ]; then
    echo "deps.sh: all dependencies are installed"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=
elif command -v sudo >/dev/null 2>&1; then
    as_root=sudo
else
    echo "deps.sh: these packages are missing:$missing" >&2
    echo "deps.sh: install them as root (apt-get install$missing), or install sudo" >&2
    exit 1
fi

echo "deps.sh: installing$missing"
$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
# shellcheck disable=SC2086 # $missing is a list of words
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
