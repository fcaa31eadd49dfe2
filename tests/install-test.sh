#!/bin/sh
# install-test.sh: `make install` into a temporary DESTDIR installs what a
# user of the library and of the tool needs, and it works from there:
#   - the files: liborderlint.so and .so.MAJOR, orderlint.h (and no private
#     header), orderlint.pc, bin/orderlint, the four manual pages;
#   - orderlint.pc: its version, what it requires, and flags with which
#     examples/preflight.c and the EXAMPLE of liborderlint(3) build against
#     the installed header and library alone, and run with it;
#   - the installed bin/orderlint runs with the installed library;
#   - the installed manual pages format without a warning (groff -ww).
# Run by `make check`, which sets the variables below (tests/Makefile.am).
# Skipped (77) without a shared library, or without pkg-config or groff.
set -u

: "${top_srcdir:=..}" "${top_builddir:=..}"
for v in MAKE CC PKG_CONFIG PACKAGE_VERSION OL_SO_MAJOR OL_BINDIR OL_LIBDIR \
    OL_INCLUDEDIR OL_PKGCONFIGDIR OL_MANDIR; do
    eval "[ -n \"\${$v:-}\" ]" || { echo "install-test.sh: $v is not set (run by make check)"; exit 99; }
done
: "${CFLAGS:=}" "${LDFLAGS:=}" "${OL_WARN_CFLAGS:=}" "${OL_SANITIZE_FLAGS:=}"

[ -f "$top_builddir/lib/.libs/liborderlint.so" ] ||
    { echo "install-test.sh: no shared library was built (static build?): skipped"; exit 77; }
command -v "$PKG_CONFIG" >/dev/null 2>&1 ||
    { echo "install-test.sh: no $PKG_CONFIG: skipped"; exit 77; }
command -v groff >/dev/null 2>&1 ||
    { echo "install-test.sh: no groff (Debian: apt-get install groff-base): skipped"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/install-test.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest
passed=0
failed=0

pass() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    echo "FAIL: $1"
}
# show FILE: a log, indented, after a failure.
show() { sed 's/^/  | /' "$1"; }

# ---- make install ------------------------------------------------------------

if ! "$MAKE" -C "$top_builddir" install DESTDIR="$dest" >"$tmp/install.log" 2>&1; then
    echo "FAIL: make install DESTDIR=$dest"
    show "$tmp/install.log"
    echo "install-test.sh: $passed checks passed, 1 failed"
    exit 1
fi
pass

# ---- the files -----------------------------------------------------------------

D() { printf '%s%s' "$dest" "$1"; } # an installed path, in DESTDIR

# installed PATH [SOURCE]: PATH is installed (the same as SOURCE, if given).
installed() {
    if [ ! -e "$(D "$1")" ]; then
        fail "not installed: $1"
    elif [ $# -gt 1 ] && ! cmp -s "$(D "$1")" "$2"; then
        fail "installed $1 is not $2"
    else
        pass
    fi
}
installed "$OL_LIBDIR/liborderlint.so"
installed "$OL_LIBDIR/liborderlint.so.$OL_SO_MAJOR"
installed "$OL_INCLUDEDIR/orderlint.h" "$top_srcdir/lib/orderlint.h"
installed "$OL_PKGCONFIGDIR/orderlint.pc"
installed "$OL_BINDIR/orderlint"
installed "$OL_MANDIR/man1/orderlint.1" "$top_srcdir/man/orderlint.1"
installed "$OL_MANDIR/man3/liborderlint.3" "$top_srcdir/man/liborderlint.3"
installed "$OL_MANDIR/man5/orderlint-rules.5" "$top_srcdir/man/orderlint-rules.5"
installed "$OL_MANDIR/man5/orderlint-config.5" "$top_srcdir/man/orderlint-config.5"

# The public header alone: ol_private.h and ol_expr.h are the library's own.
headers=$(cd "$(D "$OL_INCLUDEDIR")" 2>/dev/null && ls)
if [ "$headers" = orderlint.h ]; then pass; else fail "$OL_INCLUDEDIR holds: $headers"; fi

# ---- orderlint.pc ------------------------------------------------------------------

# The .pc names its directories as configure was told (under prefix, or
# not); DESTDIR puts the same absolute paths under another root, which is
# what pkg-config's sysroot is for: it prefixes the -I and -L of the flags.
pc() {
    PKG_CONFIG_PATH=$(D "$OL_PKGCONFIGDIR") PKG_CONFIG_SYSROOT_DIR=$dest "$PKG_CONFIG" "$@"
}
# pc_is WHAT REGEX ARG...: pkg-config ARG... prints exactly one line, and
# it matches REGEX (grep -E).
pc_is() {
    what=$1 regex=$2
    shift 2
    got=$(pc "$@" orderlint 2>&1)
    if [ "$(printf '%s\n' "$got" | wc -l)" -eq 1 ] &&
        printf '%s\n' "$got" | grep -E -x -q -e "$regex"; then
        pass
    else
        fail "orderlint.pc: $what: pkg-config $* printed '$got', expected /$regex/"
    fi
}
pc_is "Version" "$(printf '%s' "$PACKAGE_VERSION" | sed 's/\./\\./g')" --modversion
# orderlint.h includes jansson.h, so a client compiles and links with
# jansson; PCRE2 is the library's own, needed only for a static link.
pc_is "Requires" "jansson( >= [0-9.]+)?" --print-requires
pc_is "Requires.private" "libpcre2-8( >= [0-9.]+)?" --print-requires-private
if "$PKG_CONFIG" --help 2>&1 | grep -q -e '--validate'; then
    if pc --validate orderlint >"$tmp/validate" 2>&1; then pass; else
        fail "orderlint.pc: pkg-config --validate"
        show "$tmp/validate"
    fi
fi

cflags=$(pc --cflags orderlint) && libs=$(pc --libs orderlint) || {
    fail "pkg-config --cflags --libs orderlint failed"
    cflags= libs=
}
# has_flag WHAT FLAG FLAGS: FLAGS (a list of words) holds FLAG.
has_flag() {
    case " $3 " in
    *" $2 "*) pass ;;
    *) fail "orderlint.pc: $1: '$2' not in '$3'" ;;
    esac
}
has_flag "Cflags" "-I$(D "$OL_INCLUDEDIR")" "$cflags"
has_flag "Libs" "-L$(D "$OL_LIBDIR")" "$libs"
has_flag "Libs" "-lorderlint" "$libs"
has_flag "Libs (jansson, required)" "-ljansson" "$libs"
case " $libs " in
*" -lpcre2-8 "*) fail "orderlint.pc: Libs: a dynamic link names -lpcre2-8: '$libs'" ;;
*) pass ;;
esac

# ---- programs built against the installed library --------------------------------

# The installed library is the one the programs find.
LD_LIBRARY_PATH=$(D "$OL_LIBDIR")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export LD_LIBRARY_PATH

# uses_installed PROGRAM: the dynamic linker resolves liborderlint to the
# DESTDIR copy (not the build tree's, not one installed on the system).
uses_installed() {
    command -v ldd >/dev/null 2>&1 || return 0
    lib=$(ldd "$1" 2>/dev/null | awk '$1 ~ /^liborderlint\.so/ { print $3 }')
    want=$(D "$OL_LIBDIR")/liborderlint.so.$OL_SO_MAJOR
    if [ "$lib" = "$want" ]; then pass; else
        fail "$(basename "$1") finds liborderlint at '$lib', not at $want"
    fi
}

# build NAME SOURCE: compile SOURCE, copied away from the sources so that
# "orderlint.h" can only come from the installed include directory, with
# pkg-config's flags and the project's warnings (an installed header must
# compile cleanly in a client too).
build() {
    mkdir -p "$tmp/src"
    cp "$2" "$tmp/src/$1.c"
    # shellcheck disable=SC2086 # the flags are lists of words
    if $CC $CFLAGS $OL_WARN_CFLAGS $OL_SANITIZE_FLAGS $cflags -o "$tmp/$1" "$tmp/src/$1.c" \
        $LDFLAGS $OL_SANITIZE_FLAGS $libs >"$tmp/cc.log" 2>&1; then
        pass
        uses_installed "$tmp/$1"
        return 0
    fi
    fail "$1.c does not build against the installed library"
    show "$tmp/cc.log"
    return 1
}

# runs WHAT EXPECTED-STATUS PROGRAM ARG...: the program exits so.
runs() {
    what=$1 expected=$2
    shift 2
    rc=0
    "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
    if [ "$rc" -eq "$expected" ]; then pass; else
        fail "$what: exit status $rc, expected $expected"
        show "$tmp/out"
        show "$tmp/err"
    fi
}

if build preflight "$top_srcdir/examples/preflight.c"; then
    runs "preflight (the correct cart)" 0 "$tmp/preflight"
    runs "preflight --tax-mistake" 1 "$tmp/preflight" --tax-mistake
    grep -q '"error_code": "BAD_VALUE"' "$tmp/out" && pass ||
        fail "preflight --tax-mistake: no Klarna body with BAD_VALUE"
fi

# The EXAMPLE of liborderlint(3), as a reader sees it (formatted, plain
# text): the program, what it prints, and its exit status.
groff -man -Tascii -P-cbou -rLL=200n "$(D "$OL_MANDIR/man3/liborderlint.3")" 2>/dev/null |
    sed -n '/^EXAMPLE$/,/^SEE ALSO$/p' >"$tmp/example.txt"
sed -n '/^       #include/,/^       }$/s/^       //p' "$tmp/example.txt" >"$tmp/man-example.c"
sed -n '/it prints, and exits with status/,/^[A-Z]/p' "$tmp/example.txt" |
    sed '1d;$d' | sed -n 's/^ *\(..*\)$/\1/p' >"$tmp/expected"
status=$(sed -n 's/.*it prints, and exits with status \([0-9]*\):.*/\1/p' "$tmp/example.txt")
if [ ! -s "$tmp/man-example.c" ] || [ ! -s "$tmp/expected" ] || [ -z "$status" ]; then
    fail "liborderlint.3: no EXAMPLE program, output and exit status found"
elif build man-example "$tmp/man-example.c"; then
    runs "liborderlint.3's EXAMPLE" "$status" "$tmp/man-example"
    if cmp -s "$tmp/expected" "$tmp/out"; then pass; else
        fail "liborderlint.3's EXAMPLE prints otherwise than the page says (- page, + printed)"
        diff -u "$tmp/expected" "$tmp/out" | sed 's/^/  | /'
    fi
fi

# ---- the installed tool --------------------------------------------------------------

ol=$(D "$OL_BINDIR/orderlint")
uses_installed "$ol"
runs "orderlint --version" 0 "$ol" --version
printf 'orderlint (orderlint) %s\nliborderlint %s\n' "$PACKAGE_VERSION" "$PACKAGE_VERSION" \
    >"$tmp/version"
cmp -s "$tmp/version" "$tmp/out" && pass || {
    fail "orderlint --version does not name $PACKAGE_VERSION for both"
    show "$tmp/out"
}
runs "orderlint on a tax mistake" 1 "$ol" "$top_srcdir/examples/payloads/create-session-tax-mistake.json"
grep -q '\[order-line.tax\]$' "$tmp/out" && pass ||
    fail "orderlint on a tax mistake: no finding of order-line.tax"

# ---- the manual pages ------------------------------------------------------------------

# groff exits 0 whatever it warns about: a page is clean when it says
# nothing, for the device man uses on a terminal and for groff's default.
for page in man1/orderlint.1 man3/liborderlint.3 man5/orderlint-rules.5 man5/orderlint-config.5; do
    f=$(D "$OL_MANDIR/$page")
    [ -f "$f" ] || continue # already failed above
    { groff -man -ww -z "$f" && groff -man -ww -z -Tutf8 "$f"; } >"$tmp/groff" 2>&1
    if [ -s "$tmp/groff" ]; then
        fail "groff -man -ww warns about $page"
        show "$tmp/groff"
    else
        pass
    fi
done

echo "install-test.sh: $passed checks passed, $failed failed"
[ "$failed" -eq 0 ]
