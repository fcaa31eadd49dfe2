/*
 * bench_corpus.h: the benchmark's corpus (bench_gen.c) and its runs of the
 * command line as a child process (bench_cli.c), for bench_corpus.c.
 */
#ifndef BENCH_CORPUS_H
#define BENCH_CORPUS_H

#include <stddef.h>
#include <stdint.h>

/* The one mistake a broken document carries; BENCH_VALID for none. */
typedef enum bench_mistake {
    BENCH_VALID = 0,
    BENCH_LINE_TAX,     /* a line's total_tax_amount off by 2 or more */
    BENCH_ORDER_AMOUNT, /* order_amount is not the sum of the lines */
    BENCH_MISSING,      /* a required field is absent */
    BENCH_CURRENCY,     /* a currency that is not the country's */
    BENCH_TOO_LONG,     /* a string past its length limit */
    BENCH_MISTAKE_COUNT_
} bench_mistake;

/** "valid", "line tax", ...: for the printed counts. */
const char *bench_mistake_name(bench_mistake m);

/* A growing text buffer. */
typedef struct bench_text {
    char *data;
    size_t len, cap;
} bench_text;

void bench_text_append(bench_text *t, const char *s, size_t n);
void bench_text_free(bench_text *t);

/*
 * Append document `index` of the sequence that `seed` names to out, on one
 * line (no newline). The same seed and index give the same bytes on every
 * machine: the generator has a PRNG of its own. *lines gets the number of
 * order lines. Returns the mistake the document was given.
 */
bench_mistake bench_generate(bench_text *out, uint64_t seed, size_t index, size_t *lines);

/* Documents 0 to count - 1 of a seed's sequence, as NDJSON in one buffer. */
typedef struct bench_corpus {
    bench_text text; /* the documents, each followed by '\n' */
    size_t count;
    size_t *start;          /* where document i starts in text */
    size_t *length;         /* its length, without the newline */
    unsigned char *mistake; /* its bench_mistake */
    size_t lines;           /* order lines in all of them */
} bench_corpus;

void bench_corpus_build(bench_corpus *c, uint64_t seed, size_t count);
void bench_corpus_free(bench_corpus *c);

/* Seconds on the monotonic clock. */
double bench_wall_now(void);

/* Exit with a message on stderr: the benchmark cannot go on. */
void bench_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* ---- child processes (bench_cli.c) ------------------------------------- */

/* What a child process took. */
typedef struct bench_child {
    int status;         /* its exit status, or 128 + the signal */
    double seconds;     /* wall time from fork to wait */
    double cpu_seconds; /* its user and system time, all threads */
    long max_rss_bytes; /* its peak resident memory */
    long private_bytes; /* its most anonymous memory (RssAnon) seen; 0: not
                         * sampled (see bench_peak_helper) */
} bench_child;

/*
 * Run argv[0] with its standard input from stdin_path and its standard
 * output to stdout_path ("/dev/null" for either), and wait for it.
 */
bench_child bench_run(char *const argv[], const char *stdin_path,
                      const char *stdout_path);

/*
 * Run n commands at once, argvs[i] for each, standard input and output
 * /dev/null, and wait for all: seconds is the wall time until the last one
 * ended, cpu_seconds their sum, max_rss_bytes the largest, status the first
 * that is not 0 (or 0).
 */
bench_child bench_run_all(char *const *const argvs[], size_t n);
#define BENCH_MAX_AT_ONCE 64

/*
 * Run argv[0] with documents 0 to count - 1 of the seed's sequence written
 * to its standard input as NDJSON (generated as they are written, so that no
 * file of that size is made), standard output to /dev/null.
 */
bench_child bench_run_fed(char *const argv[], uint64_t seed, size_t count);

/*
 * The helper of the memory runs (bench_corpus --peak-report=PATH -- argv):
 * runs argv and writes its peak resident memory to report_path, without the
 * memory of the process that starts it, and the most of its private
 * memory seen. Returns argv's exit status.
 */
int bench_peak_helper(const char *report_path, char *const argv[]);

/* What the helper wrote: the child's figures, with the wall time the caller
 * measured; *helper_bytes is the helper's own peak, the least the figure can
 * be. */
bench_child bench_read_peak(const char *report_path, double seconds, long *helper_bytes);

#endif /* BENCH_CORPUS_H */
