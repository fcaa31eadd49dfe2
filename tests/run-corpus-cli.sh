#!/bin/sh
# Replay the corpus through the command line: every case's kind and context
# become options of `orderlint --format=json`, and the verdict it prints must
# be the case's expected dump, its exit status that of the verdict. So every
# scenario of the corpus is shown through the CLI as well as the library.
srcdir=${srcdir:-.}
if [ -n "$top_srcdir" ] && [ -d "$top_srcdir/corpus" ]; then
    corpus=$top_srcdir/corpus
else
    corpus=$srcdir/../corpus
fi
exec ./corpus_run --cli "${top_builddir:-..}/cli/orderlint" "$corpus"
