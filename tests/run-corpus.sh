#!/bin/sh
# Replay the data-driven cases of corpus/ with the built-in rules.
# Run by `make check` from the build's tests directory, where automake sets
# srcdir to the source directory of the tests (so the corpus is one level
# up); run from the top of a tree, srcdir is that top.
srcdir=${srcdir:-.}
if [ -n "$top_srcdir" ] && [ -d "$top_srcdir/corpus" ]; then
    corpus=$top_srcdir/corpus
elif [ -d "$srcdir/corpus" ]; then
    corpus=$srcdir/corpus
else
    corpus=$srcdir/../corpus
fi
exec ./corpus_run "$corpus"
