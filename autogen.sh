#!/bin/sh
# Generate configure and the Makefile.in files from a fresh checkout.
set -e
cd "$(dirname "$0")"
mkdir -p m4 # libtoolize puts its macros here; aclocal warns until it exists
exec autoreconf -fi
