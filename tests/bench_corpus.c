/*
 * bench_corpus.c: what orderlint costs on a realistic corpus (`make bench`).
 *
 * On a corpus made by bench_gen.c (create-session bodies, about one in ten
 * with one mistake), checked first with the library to prove the generator
 * right, it prints:
 *
 *   - documents/s and MB/s of parse only (json_loadb with the flags the
 *     library parsed with before its loader, then json_decref), the loader
 *     only (lib/load.c's olp_load, then olp_doc_free: the tree and the
 *     offsets), parse + check (ol_check_buffer) and check of a prebuilt
 *     json_t (ol_check_json), and the ratios: json_loadb to the loader, and
 *     the checks to the parse;
 *   - ol_check_buffer against json_loadb + ol_check_json on the valid
 *     documents: the text path with its loader against the text path as
 *     it was (jansson's parse, then the rules);
 *   - the command line, `--jobs=N` against `--jobs=1` on an NDJSON file of
 *     the corpus, and against N processes of `--jobs=1` side by side on an
 *     Nth of it each: what the machine gives to N checks that share
 *     nothing, the most the threads can reach;
 *   - with --before=OLD, an earlier build's command line (OLD) against this
 *     one on the same file, in turn: the whole text path's CPU time, and
 *     its private and peak memory, before and after, with --jobs=1 and
 *     --jobs=N;
 *   - the command line's peak resident memory for 100k and 1M documents of
 *     NDJSON on its standard input.
 *
 * The in-process phases are timed by the thread's CPU time, in rounds that
 * run every phase in turn (in a rotating order), and the best round counts:
 * on a machine shared with other work, a ratio within one run holds where an
 * absolute figure does not. `--callgrind` prints instruction counts instead,
 * which are the same on every run.
 *
 * Not a test: nothing here fails on a slow day. It fails only when the
 * generator is wrong (the library disagrees with it) or a child fails.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "bench_corpus.h"
#include "ol_private.h" /* olp_load: the bench links the library's internals */

#define SEED 0x6f72646572626e63ull /* "orderbnc" */
#define CHUNK 64 /* documents whose trees are built, then checked, at a time */
#define MAX_ROUNDS 32
#define MAX_CLI_RUNS 16

/* json_loadb's flags as lib/check.c parsed a document before its loader
 * (duplicates rejected: a document without them took one parse). */
#define PARSE_FLAGS (JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES)

typedef struct options {
    size_t documents;    /* the corpus of the in-process and --jobs runs */
    size_t rounds;       /* of the in-process phases */
    size_t cli_runs;     /* of each --jobs setting */
    size_t memory_small; /* documents of the two memory runs */
    size_t memory_large;
    int jobs;          /* N of --jobs=N */
    int emit;          /* --emit: write the corpus to stdout, and stop */
    int callgrind;     /* instruction counts instead of times */
    const char *phase; /* run one phase once (under callgrind) */
    const char *orderlint;
    const char *before; /* --before: an earlier build's orderlint, or NULL */
} options;

/* The load of the machine, for a reader of figures taken on a shared one. */
static void print_load(const char *when)
{
    double one = -1, five = -1, fifteen = -1;
    FILE *f = fopen("/proc/loadavg", "r");

    if (f && fscanf(f, "%lf %lf %lf", &one, &five, &fifteen) != 3)
        one = five = fifteen = -1;
    if (f)
        fclose(f);
    printf("  load average %s: %.2f %.2f %.2f (1, 5, 15 min; %ld cores)\n", when, one,
           five, fifteen, sysconf(_SC_NPROCESSORS_ONLN));
}

/* ---- the phases ---------------------------------------------------------- */

typedef enum phase_id {
    PHASE_PARSE,
    PHASE_LOAD,
    PHASE_CHECK,
    PHASE_JSON,
    PHASE_CHECK_VALID,
    PHASE_PARSE_JSON_VALID,
    PHASE_COUNT_
} phase_id;

typedef struct phase {
    const char *name; /* for --phase= */
    const char *what;
    int valid_only;  /* only the documents made valid */
    int needs_trees; /* the trees are built before the timer starts */
} phase;

static const phase phases[PHASE_COUNT_] = {
    {"parse", "parse only (json_loadb + json_decref)", 0, 0},
    {"load", "loader only (olp_load + olp_doc_free)", 0, 0},
    {"check", "parse + check (ol_check_buffer)", 0, 0},
    {"json", "check of a json_t (ol_check_json)", 0, 1},
    {"check-valid", "valid ones: ol_check_buffer", 1, 0},
    {"parse-json-valid", "valid ones: json_loadb + ol_check_json", 1, 0},
};

static json_t *parse_document(const bench_corpus *c, size_t i)
{
    json_error_t err;

    return json_loadb(c->text.data + c->start[i], c->length[i], PARSE_FLAGS, &err);
}

/* 1 when the check succeeded and found the document valid. */
static int check_tree(const ol_ruleset *rs, const json_t *tree)
{
    ol_report *r = NULL;
    int valid;

    if (ol_check_json(&r, rs, OL_KIND_CREATE_SESSION, tree, NULL, NULL) != OL_OK)
        bench_die("ol_check_json failed");
    valid = ol_report_valid(r);
    ol_report_free(r);
    return valid;
}

static int check_text(const ol_ruleset *rs, const bench_corpus *c, size_t i)
{
    ol_report *r = NULL;
    int valid;

    if (ol_check_buffer(&r, rs, OL_KIND_CREATE_SESSION, c->text.data + c->start[i],
                        c->length[i], NULL, NULL) != OL_OK)
        bench_die("ol_check_buffer failed");
    valid = ol_report_valid(r);
    ol_report_free(r);
    return valid;
}

static int one_document(phase_id id, const ol_ruleset *rs, const bench_corpus *c,
                        size_t i, json_t *tree)
{
    int valid;

    switch (id) {
    case PHASE_PARSE:
        tree = parse_document(c, i);
        json_decref(tree);
        return tree != NULL;
    case PHASE_LOAD: {
        olp_doc doc;
        int rc = olp_load(&doc, c->text.data + c->start[i], c->length[i], NULL);
        olp_doc_free(&doc);
        return rc == OL_OK;
    }
    case PHASE_JSON:
        return check_tree(rs, tree);
    case PHASE_PARSE_JSON_VALID:
        tree = parse_document(c, i);
        valid = tree && check_tree(rs, tree);
        json_decref(tree);
        return valid;
    default:
        return check_text(rs, c, i);
    }
}

/*
 * The measured work: documents first to first + n - 1 through one phase.
 * Its name is what --callgrind gives valgrind's --toggle-collect, so that
 * only this is counted; kept out of line for that.
 * Returns how many parsed (parse) or were valid (the others).
 */
__attribute__((noinline)) static size_t measured_chunk(phase_id id, const ol_ruleset *rs,
                                                       const bench_corpus *c,
                                                       size_t first, size_t n,
                                                       json_t *const *trees)
{
    size_t i, ok = 0;

    for (i = first; i < first + n; i++) {
        if (phases[id].valid_only && c->mistake[i] != BENCH_VALID)
            continue;
        ok += (size_t)one_document(id, rs, c, i, trees ? trees[i - first] : NULL);
    }
    return ok;
}

static double cpu_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void build_trees(const bench_corpus *c, size_t first, size_t n, json_t **trees)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!(trees[i] = parse_document(c, first + i)))
            bench_die("document %zu does not parse", first + i);
}

static void free_trees(json_t **trees, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        json_decref(trees[i]);
}

typedef struct phase_run {
    double seconds; /* CPU time of the measured chunks */
    size_t ok;      /* measured_chunk's count */
} phase_run;

/* The whole corpus through one phase, a chunk at a time, so that the trees of
 * PHASE_JSON are fresh in the cache as a server's would be. */
static phase_run run_phase(phase_id id, const ol_ruleset *rs, const bench_corpus *c)
{
    phase_run run = {0, 0};
    json_t *trees[CHUNK];
    size_t first, n;
    double started;

    for (first = 0; first < c->count; first += n) {
        n = c->count - first < CHUNK ? c->count - first : CHUNK;
        if (phases[id].needs_trees)
            build_trees(c, first, n, trees);
        started = cpu_now();
        run.ok +=
            measured_chunk(id, rs, c, first, n, phases[id].needs_trees ? trees : NULL);
        run.seconds += cpu_now() - started;
        if (phases[id].needs_trees)
            free_trees(trees, n);
    }
    return run;
}

/* ---- the corpus, proved by the library ----------------------------------- */

typedef struct verdict {
    size_t made[BENCH_MISTAKE_COUNT_];     /* documents of each sort */
    size_t rejected[BENCH_MISTAKE_COUNT_]; /* of those, rejected by the library */
    size_t valid_with_findings;            /* valid documents with warnings */
    size_t misclassified;
} verdict;

static void explain_misclassified(const ol_report *r, const bench_corpus *c, size_t i)
{
    const ol_finding *f = ol_report_get(r, 0);

    fprintf(stderr, "bench_corpus: document %zu (%s) was %s%s%s\n  %.*s\n", i,
            bench_mistake_name((bench_mistake)c->mistake[i]),
            ol_report_valid(r) ? "accepted" : "rejected", f ? " by " : "",
            f ? f->rule : "", (int)c->length[i], c->text.data + c->start[i]);
}

static verdict verify(const ol_ruleset *rs, const bench_corpus *c)
{
    verdict v;
    size_t i;

    memset(&v, 0, sizeof v);
    for (i = 0; i < c->count; i++) {
        ol_report *r = NULL;
        int m = c->mistake[i], valid;

        if (ol_check_buffer(&r, rs, OL_KIND_CREATE_SESSION, c->text.data + c->start[i],
                            c->length[i], NULL, NULL) != OL_OK)
            bench_die("ol_check_buffer failed");
        valid = ol_report_valid(r);
        v.made[m]++;
        v.rejected[m] += !valid;
        v.valid_with_findings += valid && m == BENCH_VALID && ol_report_count(r) > 0;
        if (valid != (m == BENCH_VALID) && v.misclassified++ < 3)
            explain_misclassified(r, c, i);
        ol_report_free(r);
    }
    return v;
}

static void print_verdict(const verdict *v)
{
    size_t broken = 0, rejected = 0;
    int m;

    for (m = BENCH_LINE_TAX; m < BENCH_MISTAKE_COUNT_; m++) {
        broken += v->made[m];
        rejected += v->rejected[m];
    }
    printf("  checked by the library: %zu of %zu valid ones valid (%zu with warnings), "
           "%zu of %zu broken ones rejected\n",
           v->made[BENCH_VALID] - v->rejected[BENCH_VALID], v->made[BENCH_VALID],
           v->valid_with_findings, rejected, broken);
    printf("  broken ones by mistake:");
    for (m = BENCH_LINE_TAX; m < BENCH_MISTAKE_COUNT_; m++)
        printf("%s %s %zu/%zu", m == BENCH_LINE_TAX ? "" : ",",
               bench_mistake_name((bench_mistake)m), v->rejected[m], v->made[m]);
    printf(" (rejected/made)\n");
}

/* The generator is wrong, not the library, when they disagree: more than 1%
 * and the figures would be of some other corpus. */
static void require_generator_right(const verdict *v, size_t count)
{
    if (v->misclassified * 100 > count)
        bench_die("%zu of %zu documents are not what the generator meant: fix "
                  "bench_gen.c",
                  v->misclassified, count);
}

/* ---- in process ---------------------------------------------------------- */

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, by_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double minimum(const double *v, size_t n)
{
    double m = v[0];
    size_t i;

    for (i = 1; i < n; i++)
        if (v[i] < m)
            m = v[i];
    return m;
}

typedef struct rounds {
    size_t n;
    double seconds[PHASE_COUNT_][MAX_ROUNDS];
    size_t documents[PHASE_COUNT_], bytes[PHASE_COUNT_];
} rounds;

static void count_documents(rounds *t, const bench_corpus *c)
{
    size_t i;
    int p;

    for (p = 0; p < PHASE_COUNT_; p++)
        for (i = 0; i < c->count; i++)
            if (!phases[p].valid_only || c->mistake[i] == BENCH_VALID) {
                t->documents[p]++;
                t->bytes[p] += c->length[i];
            }
}

/* How many documents of a phase measured_chunk should count, after what
 * verify found: all of them parse; the checks agree with verify. */
static size_t expected_ok(phase_id id, const verdict *v, size_t count)
{
    size_t valid_made_valid = v->made[BENCH_VALID] - v->rejected[BENCH_VALID];
    size_t broken = count - v->made[BENCH_VALID], rejected = 0;
    int m;

    for (m = BENCH_LINE_TAX; m < BENCH_MISTAKE_COUNT_; m++)
        rejected += v->rejected[m];
    if (id == PHASE_PARSE || id == PHASE_LOAD)
        return count;
    if (phases[id].valid_only)
        return valid_made_valid;
    return valid_made_valid + broken - rejected;
}

/* Each round runs every phase, starting one further on than the last, so that
 * no phase always follows the same one. */
static void run_rounds(rounds *t, const options *o, const ol_ruleset *rs,
                       const bench_corpus *c, const verdict *v)
{
    size_t r;
    int k;

    memset(t, 0, sizeof *t);
    t->n = o->rounds;
    count_documents(t, c);
    for (r = 0; r < t->n; r++)
        for (k = 0; k < PHASE_COUNT_; k++) {
            phase_id id = (phase_id)((k + r) % PHASE_COUNT_);
            phase_run run = run_phase(id, rs, c);
            size_t expect = expected_ok(id, v, c->count);
            if (run.ok != expect)
                bench_die("%s: %zu documents ok, %zu expected", phases[id].name, run.ok,
                          expect);
            t->seconds[id][r] = run.seconds;
        }
}

/* The ratio of two phases: that of their best rounds, and the median of the
 * ratios within each round. */
static void ratio_of(const rounds *t, phase_id a, phase_id b, double *best, double *mid)
{
    double each[MAX_ROUNDS];
    size_t r;

    for (r = 0; r < t->n; r++)
        each[r] = t->seconds[a][r] / t->seconds[b][r];
    *best = minimum(t->seconds[a], t->n) / minimum(t->seconds[b], t->n);
    *mid = median(each, t->n);
}

static const char *verdict_word(int met) { return met ? "met" : "NOT met"; }

static void print_ratio(const rounds *t, const char *what, phase_id a, phase_id b,
                        const char *target, double limit)
{
    double best, mid;

    ratio_of(t, a, b, &best, &mid);
    printf("  %-38s %6.3f (median of rounds %.3f)   target %s: %s\n", what, best, mid,
           target, verdict_word(best <= limit));
}

/* a / b, where a target asks b to be at least limit times faster */
static void print_speedup(const rounds *t, const char *what, phase_id a, phase_id b,
                          const char *target, double limit)
{
    double best, mid;

    ratio_of(t, a, b, &best, &mid);
    printf("  %-38s %6.3f (median of rounds %.3f)   target %s: %s\n", what, best, mid,
           target, verdict_word(best >= limit));
}

static void print_rounds(const rounds *t)
{
    int p;

    printf("in process, best of %zu rounds (CPU time of the thread):\n", t->n);
    for (p = 0; p < PHASE_COUNT_; p++) {
        double s = minimum(t->seconds[p], t->n);
        printf("  %-42s %8.0f docs/s %7.1f MB/s %8.1f us/doc\n", phases[p].what,
               (double)t->documents[p] / s, (double)t->bytes[p] / s / 1e6,
               s / (double)t->documents[p] * 1e6);
    }
    print_speedup(t, "json_loadb / loader", PHASE_PARSE, PHASE_LOAD, ">= 3", 3.0);
    print_ratio(t, "(parse + check) / parse", PHASE_CHECK, PHASE_PARSE, "<= 1.10", 1.10);
    print_ratio(t, "check of a json_t / parse", PHASE_JSON, PHASE_PARSE, "<= 0.10", 0.10);
    print_ratio(t, "valid: check_buffer / (parse + json)", PHASE_CHECK_VALID,
                PHASE_PARSE_JSON_VALID, "<= 1.02 (\"nothing\")", 1.02);
    print_speedup(t, "valid: text path before / after", PHASE_PARSE_JSON_VALID,
                  PHASE_CHECK_VALID, ">= 2.5", 2.5);
}

/* ---- the command line ---------------------------------------------------- */

static char temp_dir[PATH_MAX];
static char ndjson_path[PATH_MAX + 32];
/* The corpus in BENCH_MAX_AT_ONCE parts, for the processes side by side. */
static char part_path[BENCH_MAX_AT_ONCE][PATH_MAX + 32];

static void remove_parts(void)
{
    size_t i;

    for (i = 0; i < BENCH_MAX_AT_ONCE; i++)
        if (part_path[i][0]) {
            unlink(part_path[i]);
            part_path[i][0] = '\0';
        }
}

static void remove_temp(void)
{
    if (ndjson_path[0])
        unlink(ndjson_path);
    remove_parts();
    if (temp_dir[0])
        rmdir(temp_dir);
}

static const char *make_temp_dir(void)
{
    const char *base = getenv("TMPDIR");

    if (temp_dir[0])
        return temp_dir;
    snprintf(temp_dir, sizeof temp_dir, "%s/orderlint-bench.XXXXXX",
             base && *base ? base : "/tmp");
    if (!mkdtemp(temp_dir))
        bench_die("mkdtemp %s: %s", temp_dir, strerror(errno));
    atexit(remove_temp);
    return temp_dir;
}

static const char *write_ndjson(const bench_corpus *c)
{
    FILE *f;

    snprintf(ndjson_path, sizeof ndjson_path, "%s/corpus.ndjson", make_temp_dir());
    f = fopen(ndjson_path, "wb");
    if (!f || fwrite(c->text.data, 1, c->text.len, f) != c->text.len || fclose(f) != 0)
        bench_die("%s: %s", ndjson_path, strerror(errno));
    return ndjson_path;
}

/* Documents [first, end) of the corpus to a file of the temp directory. */
static const char *write_part(const bench_corpus *c, size_t part, size_t first,
                              size_t end)
{
    char *path = part_path[part];
    size_t from = first < c->count ? c->start[first] : c->text.len;
    size_t to = end < c->count ? c->start[end] : c->text.len;
    FILE *f;

    snprintf(path, sizeof part_path[part], "%s/part-%zu.ndjson", make_temp_dir(), part);
    f = fopen(path, "wb");
    if (!f || fwrite(c->text.data + from, 1, to - from, f) != to - from || fclose(f) != 0)
        bench_die("%s: %s", path, strerror(errno));
    return path;
}

/* The command line's exit status is 0 or 1 (documents rejected), never 2. */
static void require_ran(const bench_child *ch, const char *what)
{
    if (ch->status != 0 && ch->status != 1)
        bench_die("%s: exit status %d", what, ch->status);
}

static bench_child run_program(const char *program, int jobs, const char *path)
{
    char jobs_arg[32];
    char *argv[] = {(char *)program, "--format=json", jobs_arg, (char *)path, NULL};
    bench_child ch;

    snprintf(jobs_arg, sizeof jobs_arg, "--jobs=%d", jobs);
    ch = bench_run(argv, "/dev/null", "/dev/null");
    require_ran(&ch, program);
    return ch;
}

static bench_child run_cli_file(const options *o, int jobs, const char *path)
{
    return run_program(o->orderlint, jobs, path);
}

/* The run of least wall time. */
static bench_child fastest(const bench_child *runs, size_t n)
{
    size_t i, best = 0;

    for (i = 1; i < n; i++)
        if (runs[i].seconds < runs[best].seconds)
            best = i;
    return runs[best];
}

static double median_cpu(const bench_child *runs, size_t n)
{
    double v[MAX_CLI_RUNS];
    size_t i;

    for (i = 0; i < n; i++)
        v[i] = runs[i].cpu_seconds;
    return median(v, n);
}

static void print_cli_run(const char *what, const bench_child *best, size_t count)
{
    printf("  %-9s %7.2f s %8.0f docs/s   CPU %6.2f s, %5.1f us/doc\n", what,
           best->seconds, (double)count / best->seconds, best->cpu_seconds,
           best->cpu_seconds / (double)count * 1e6);
}

/* The yardstick of --jobs=N: N processes of --jobs=1 at once, each on an
 * Nth of the corpus. They share nothing but the machine, so their speed-up
 * over one process is what these cores give to N independent checks (a
 * virtual machine's cores, shared caches and memory all take their part);
 * the threads of --jobs=N can at best match it. */
typedef struct side_by_side {
    char jobs_arg[16];
    char *argv[BENCH_MAX_AT_ONCE][5];
    char *const *argvs[BENCH_MAX_AT_ONCE];
    size_t n;
} side_by_side;

static void side_by_side_init(side_by_side *s, const options *o, const bench_corpus *c)
{
    size_t i;

    s->n = o->jobs < BENCH_MAX_AT_ONCE ? (size_t)o->jobs : BENCH_MAX_AT_ONCE;
    snprintf(s->jobs_arg, sizeof s->jobs_arg, "--jobs=1");
    for (i = 0; i < s->n; i++) {
        s->argv[i][0] = (char *)o->orderlint;
        s->argv[i][1] = "--format=json";
        s->argv[i][2] = s->jobs_arg;
        s->argv[i][3] =
            (char *)write_part(c, i, c->count * i / s->n, c->count * (i + 1) / s->n);
        s->argv[i][4] = NULL;
        s->argvs[i] = s->argv[i];
    }
}

static bench_child run_side_by_side(const options *o, const side_by_side *s)
{
    bench_child ch = bench_run_all(s->argvs, s->n);

    require_ran(&ch, o->orderlint);
    return ch;
}

/* --jobs=1, --jobs=N and N processes side by side in turn (ABCABC), each
 * cli_runs times. */
static void print_jobs(const options *o, const bench_corpus *c)
{
    const char *path = write_ndjson(c);
    bench_child one[MAX_CLI_RUNS], many[MAX_CLI_RUNS], apart[MAX_CLI_RUNS];
    bench_child best_one, best_many, best_apart;
    double each[MAX_CLI_RUNS], each_apart[MAX_CLI_RUNS], each_of_apart[MAX_CLI_RUNS];
    double speed_up, apart_speed_up;
    char many_name[32], apart_name[32];
    side_by_side sbs;
    size_t r;

    printf("command line, %s --format=json on the corpus as NDJSON, best of %zu "
           "(wall time):\n",
           o->orderlint, o->cli_runs);
    print_load("before");
    side_by_side_init(&sbs, o, c);
    for (r = 0; r < o->cli_runs; r++) {
        one[r] = run_cli_file(o, 1, path);
        many[r] = run_cli_file(o, o->jobs, path);
        apart[r] = run_side_by_side(o, &sbs);
        each[r] = one[r].seconds / many[r].seconds;
        each_apart[r] = one[r].seconds / apart[r].seconds;
        each_of_apart[r] = apart[r].seconds / many[r].seconds;
    }
    unlink(path);
    remove_parts();
    best_one = fastest(one, o->cli_runs);
    best_many = fastest(many, o->cli_runs);
    best_apart = fastest(apart, o->cli_runs);
    speed_up = best_one.seconds / best_many.seconds;
    apart_speed_up = best_one.seconds / best_apart.seconds;
    snprintf(many_name, sizeof many_name, "--jobs=%d", o->jobs);
    snprintf(apart_name, sizeof apart_name, "%zu apart", sbs.n);
    print_cli_run("--jobs=1", &best_one, c->count);
    print_cli_run(many_name, &best_many, c->count);
    print_cli_run(apart_name, &best_apart, c->count);
    printf("  (%s: %zu processes of --jobs=1 at once, each on 1/%zu of the corpus)\n",
           apart_name, sbs.n, sbs.n);
    printf("  %-38s %6.3f (median of pairs %.3f)   target >= 1.8: %s\n",
           "speed-up of --jobs=N over --jobs=1", speed_up, median(each, o->cli_runs),
           verdict_word(speed_up >= 1.8));
    printf("  %-38s %6.3f (median of pairs %.3f)\n", "speed-up of N apart over --jobs=1",
           apart_speed_up, median(each_apart, o->cli_runs));
    /* 1.0: the threads lose nothing against processes that share nothing */
    printf("  %-38s %6.3f (median of pairs %.3f)\n", "--jobs=N against N apart",
           best_apart.seconds / best_many.seconds, median(each_of_apart, o->cli_runs));
    /* what the threads add, which a busy machine does not hide as it hides
     * the speed-up: on N idle cores the speed-up is at most N / this */
    printf("  %-38s %6.3f (CPU time of the fastest runs)\n", "CPU of --jobs=N / --jobs=1",
           best_many.cpu_seconds / best_one.cpu_seconds);
    print_load("after");
}

static const char *self_path(void)
{
    static char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);

    if (n < 0)
        bench_die("/proc/self/exe: %s", strerror(errno));
    path[n] = '\0';
    return path;
}

/* A libtool wrapper (a shell script) would add its shell's memory to the
 * figure: `make bench` passes the real program (libtool --mode=execute). */
static int is_script(const char *path)
{
    char start[2] = "";
    FILE *f = fopen(path, "rb");
    int script = f && fread(start, 1, 2, f) == 2 && start[0] == '#' && start[1] == '!';

    if (f)
        fclose(f);
    return script;
}

/* count documents fed to the command line through the helper of
 * bench_peak_helper. */
static bench_child run_program_fed(const char *program, int jobs, size_t count,
                                   long *helper_bytes)
{
    char jobs_arg[32], report_arg[PATH_MAX + 64], report[PATH_MAX + 32];
    char *argv[] = {(char *)self_path(),
                    report_arg,
                    "--",
                    (char *)program,
                    "--ndjson",
                    "--format=json",
                    jobs_arg,
                    "-",
                    NULL};
    bench_child ch;

    snprintf(jobs_arg, sizeof jobs_arg, "--jobs=%d", jobs);
    snprintf(report, sizeof report, "%s/peak", make_temp_dir());
    snprintf(report_arg, sizeof report_arg, "--peak-report=%s", report);
    ch = bench_run_fed(argv, SEED, count);
    require_ran(&ch, program);
    return bench_read_peak(report, ch.seconds, helper_bytes);
}

static bench_child run_cli_fed(const options *o, size_t count, long *helper_bytes)
{
    return run_program_fed(o->orderlint, o->jobs, count, helper_bytes);
}

/* One --jobs setting of --before's comparison: the earlier build and this
 * one in turn, runs times each; prints their CPU time, and their private
 * and peak memory. */
static void compare_builds(const options *o, int jobs, const char *path, size_t count)
{
    bench_child before[MAX_CLI_RUNS], now[MAX_CLI_RUNS], fed;
    double cpu[MAX_CLI_RUNS], rss_before[MAX_CLI_RUNS], rss_now[MAX_CLI_RUNS];
    double private_before[MAX_CLI_RUNS], private_now[MAX_CLI_RUNS];
    double speed_up, mib_before, mib_now, kib_before, kib_now;
    long floor;
    size_t r, runs = o->cli_runs < 5 ? 5 : o->cli_runs;

    if (runs > MAX_CLI_RUNS)
        runs = MAX_CLI_RUNS;

    for (r = 0; r < runs; r++) {
        before[r] = run_program(o->before, jobs, path);
        now[r] = run_program(o->orderlint, jobs, path);
        cpu[r] = before[r].cpu_seconds / now[r].cpu_seconds;
        /* memory from a small helper: a child forked from this process
         * counts the corpus this process holds until it execs */
        fed = run_program_fed(o->before, jobs, count, &floor);
        rss_before[r] = (double)fed.max_rss_bytes;
        private_before[r] = (double)fed.private_bytes;
        fed = run_program_fed(o->orderlint, jobs, count, &floor);
        rss_now[r] = (double)fed.max_rss_bytes;
        private_now[r] = (double)fed.private_bytes;
    }
    speed_up = median(cpu, runs);
    mib_before = median(rss_before, runs) / (1024.0 * 1024.0);
    mib_now = median(rss_now, runs) / (1024.0 * 1024.0);
    kib_before = median(private_before, runs) / 1024.0;
    kib_now = median(private_now, runs) / 1024.0;
    printf("  --jobs=%d, CPU a document: before %.1f us, now %.1f us (medians of %zu)\n",
           jobs, median_cpu(before, runs) / (double)count * 1e6,
           median_cpu(now, runs) / (double)count * 1e6, runs);
    /* issue 7's target is for the text path, as one job runs it */
    printf("  %-38s %6.3f (median of pairs)%s%s\n", "  before / now, CPU time", speed_up,
           jobs == 1 ? "   target >= 2.5: " : "",
           jobs == 1 ? verdict_word(speed_up >= 2.5) : "");
    /* The memory a run takes is its anonymous memory (see
     * bench_peak_helper); the peak resident set adds the pages of the
     * program and its libraries, and moves by 2 or 3% from run to run. */
    if (kib_now > 0 && kib_before > 0)
        printf("  %-38s %6.3f (%.0f against %.0f KiB, medians, documents on stdin)   "
               "target <= 1 (no worse): %s\n",
               "  private memory, now / before", kib_now / kib_before, kib_now,
               kib_before, verdict_word(kib_now <= kib_before));
    else
        printf("  %-38s not measured (no RssAnon in /proc/PID/status)\n",
               "  private memory, now / before");
    printf("  %-38s %6.3f (%.2f against %.2f MiB, medians, with the program's pages)\n",
           "  peak resident memory, now / before", mib_now / mib_before, mib_now,
           mib_before);
}

/* --before=PATH: the whole text path of an earlier build against this one
 * on the same file, the two in turn (issue 7's "before and after"). */
static void print_before(const options *o, const bench_corpus *c)
{
    const char *path = write_ndjson(c);

    printf("command line, before (%s) and now (%s), --format=json on the corpus as "
           "NDJSON, in turn:\n",
           o->before, o->orderlint);
    print_load("before");
    compare_builds(o, 1, path, c->count);
    compare_builds(o, o->jobs, path, c->count);
    print_load("after");
    unlink(path);
}

static void print_peak(size_t count, const bench_child *ch)
{
    printf(
        "  %8zu documents %7.1f MiB (private %5.0f KiB)   %6.1f s, %5.1f us/doc of CPU\n",
        count, (double)ch->max_rss_bytes / (1024.0 * 1024.0),
        (double)ch->private_bytes / 1024.0, ch->seconds,
        ch->cpu_seconds / (double)count * 1e6);
}

static void print_memory(const options *o)
{
    const double mib = 1024.0 * 1024.0;
    long floor_small, floor_large;
    bench_child small = run_cli_fed(o, o->memory_small, &floor_small);
    bench_child large = run_cli_fed(o, o->memory_large, &floor_large);
    double ratio = (double)large.max_rss_bytes / (double)small.max_rss_bytes;

    printf(
        "command line, peak resident memory (wait4), --ndjson --format=json --jobs=%d, "
        "documents on stdin, output to /dev/null:\n",
        o->jobs);
    print_peak(o->memory_small, &small);
    print_peak(o->memory_large, &large);
    printf("  (a figure is never below the starting helper's own %.1f MiB%s)\n",
           (double)(floor_small > floor_large ? floor_small : floor_large) / mib,
           is_script(o->orderlint)
               ? "; NOTE: the program is a script, whose shell counts too"
               : "");
    printf("  %-38s %6.3f                        target <= 1.2 and < 64 MiB: %s%s\n",
           "larger / smaller", ratio,
           verdict_word(ratio <= 1.2 && (double)large.max_rss_bytes < 64 * mib),
           o->memory_large == 1000000 && o->memory_small == 100000
               ? ""
               : " (not the target's 100k and 1M)");
}

/* ---- under callgrind ----------------------------------------------------- */

/* The "summary:" (or "totals:") line of a callgrind output file: the
 * instructions counted. */
static double callgrind_total(const char *path)
{
    char line[256];
    double total = -1;
    FILE *f = fopen(path, "r");

    if (!f)
        bench_die("%s: %s", path, strerror(errno));
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "summary:", 8) == 0 ||
            (total < 0 && strncmp(line, "totals:", 7) == 0))
            total = strtod(strchr(line, ':') + 1, NULL);
    fclose(f);
    unlink(path);
    if (total < 0)
        bench_die("%s: no summary line", path);
    return total;
}

/* Instructions of one phase over the corpus: this program again, under
 * callgrind, counting only inside measured_chunk. */
static double instructions_of(const options *o, phase_id id)
{
    char out_arg[PATH_MAX + 64], path[PATH_MAX + 32], phase_arg[64], docs_arg[64];
    char *argv[] = {"valgrind",
                    "--tool=callgrind",
                    out_arg,
                    "--collect-atstart=no",
                    "--toggle-collect=measured_chunk*",
                    "-q",
                    (char *)self_path(),
                    phase_arg,
                    docs_arg,
                    NULL};
    bench_child ch;

    snprintf(path, sizeof path, "%s/callgrind.%s", make_temp_dir(), phases[id].name);
    snprintf(out_arg, sizeof out_arg, "--callgrind-out-file=%s", path);
    snprintf(phase_arg, sizeof phase_arg, "--phase=%s", phases[id].name);
    snprintf(docs_arg, sizeof docs_arg, "--documents=%zu", o->documents);
    ch = bench_run(argv, "/dev/null", "/dev/null");
    if (ch.status == 127)
        bench_die("valgrind could not be run");
    if (ch.status != 0)
        bench_die("valgrind --phase=%s: exit status %d", phases[id].name, ch.status);
    return callgrind_total(path);
}

static void print_instructions(const options *o, const bench_corpus *c)
{
    double ir[PHASE_COUNT_];
    rounds t; /* for its counts of documents and bytes */
    int p;

    memset(&t, 0, sizeof t);
    count_documents(&t, c);
    printf("under callgrind (%zu documents, instructions counted in the measured loop "
           "only):\n",
           o->documents);
    for (p = 0; p < PHASE_COUNT_; p++) {
        ir[p] = instructions_of(o, (phase_id)p);
        printf("  %-42s %10.0f instructions/doc %6.1f per byte\n", phases[p].what,
               ir[p] / (double)t.documents[p], ir[p] / (double)t.bytes[p]);
    }
    printf("  %-38s %6.3f   target >= 3: %s\n", "json_loadb / loader",
           ir[PHASE_PARSE] / ir[PHASE_LOAD],
           verdict_word(ir[PHASE_PARSE] / ir[PHASE_LOAD] >= 3));
    printf("  %-38s %6.3f   target <= 1.10: %s\n", "(parse + check) / parse",
           ir[PHASE_CHECK] / ir[PHASE_PARSE],
           verdict_word(ir[PHASE_CHECK] / ir[PHASE_PARSE] <= 1.10));
    printf("  %-38s %6.3f   target <= 0.10: %s\n", "check of a json_t / parse",
           ir[PHASE_JSON] / ir[PHASE_PARSE],
           verdict_word(ir[PHASE_JSON] / ir[PHASE_PARSE] <= 0.10));
    printf("  %-38s %6.3f   target <= 1.02 (\"nothing\"): %s\n",
           "valid: check_buffer / (parse + json)",
           ir[PHASE_CHECK_VALID] / ir[PHASE_PARSE_JSON_VALID],
           verdict_word(ir[PHASE_CHECK_VALID] / ir[PHASE_PARSE_JSON_VALID] <= 1.02));
    printf("  %-38s %6.3f   target >= 2.5: %s\n", "valid: text path before / after",
           ir[PHASE_PARSE_JSON_VALID] / ir[PHASE_CHECK_VALID],
           verdict_word(ir[PHASE_PARSE_JSON_VALID] / ir[PHASE_CHECK_VALID] >= 2.5));
}

/* ---- the program --------------------------------------------------------- */

static void usage(FILE *f)
{
    fputs(
        "usage: bench_corpus [--documents=N] [--quick] [--jobs=N] [--orderlint=PATH]\n"
        "                    [--before=OLD]\n"
        "       (PATH: the build's cli/orderlint unless given; OLD: an earlier\n"
        "       build's, to compare the two in turn)\n"
        "       bench_corpus --callgrind [--documents=N]\n"
        "       bench_corpus --phase=parse|load|check|json|check-valid|parse-json-valid\n"
        "                    [--documents=N]   (one phase, once: what --callgrind "
        "runs)\n"
        "       bench_corpus --emit [--documents=N]   (the corpus as NDJSON, on "
        "stdout)\n",
        f);
}

static size_t count_arg(const char *s)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);

    if (*end || v < 1 || v > 100000000) {
        usage(stderr);
        exit(2);
    }
    return (size_t)v;
}

/* "--name=value" or "--name value": the value, or NULL for another option. */
static const char *value_of(const char *name, int argc, char **argv, int *i)
{
    size_t n = strlen(name);

    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] == '\0' && *i + 1 < argc)
        return argv[++*i];
    return NULL;
}

static options parse_options(int argc, char **argv)
{
    options o = {.rounds = 5,
                 .cli_runs = 3,
                 .memory_small = 100000,
                 .memory_large = 1000000,
                 .orderlint = BENCH_ORDERLINT};
    size_t documents = 0;
    const char *v;
    int i, quick = 0;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);

    o.jobs = cores > 2 ? (int)cores : 2;
    for (i = 1; i < argc; i++) {
        if ((v = value_of("--documents", argc, argv, &i)))
            documents = count_arg(v);
        else if ((v = value_of("--jobs", argc, argv, &i)))
            o.jobs = (int)count_arg(v);
        else if ((v = value_of("--orderlint", argc, argv, &i)))
            o.orderlint = v;
        else if ((v = value_of("--before", argc, argv, &i)))
            o.before = v;
        else if ((v = value_of("--phase", argc, argv, &i)))
            o.phase = v;
        else if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (strcmp(argv[i], "--callgrind") == 0)
            o.callgrind = 1;
        else if (strcmp(argv[i], "--emit") == 0)
            o.emit = 1;
        else {
            usage(strcmp(argv[i], "--help") == 0 ? stdout : stderr);
            exit(strcmp(argv[i], "--help") == 0 ? 0 : 2);
        }
    }
    if (quick) {
        o.rounds = 3;
        o.memory_small = 10000;
        o.memory_large = 100000;
    }
    /* under callgrind a document costs some 50 times as long: 1,000 keep the
     * five phases to a few minutes, and their counts per document were those
     * of 2,000 within 2% (the ratios within 1%) */
    o.documents = documents ? documents : o.callgrind ? 1000 : quick ? 2000 : 10000;
    return o;
}

static phase_id phase_named(const char *name)
{
    int p;

    for (p = 0; p < PHASE_COUNT_; p++)
        if (strcmp(phases[p].name, name) == 0)
            return (phase_id)p;
    bench_die("no phase is named %s", name);
}

/* --emit: the same documents for other tools (hyperfine, GNU parallel). */
static void emit_corpus(const bench_corpus *c)
{
    if (fwrite(c->text.data, 1, c->text.len, stdout) != c->text.len ||
        fflush(stdout) != 0)
        bench_die("stdout: %s", strerror(errno));
}

static void print_corpus(const bench_corpus *c, const ol_ruleset *rs)
{
    size_t i, enabled = 0;

    for (i = 0; i < ol_ruleset_rule_count(rs); i++)
        enabled += ol_ruleset_rule(rs, i)->enabled != 0;
    printf("corpus: %zu create-session documents, seed %#llx, %.2f MB (%.0f bytes and "
           "%.1f order lines a document)\n",
           c->count, (unsigned long long)SEED, (double)c->text.len / 1e6,
           (double)(c->text.len - c->count) / (double)c->count,
           (double)c->lines / (double)c->count);
    printf("rules: the built-in table, %zu of %zu enabled; liborderlint %s, jansson %s\n",
           enabled, ol_ruleset_rule_count(rs), ol_version(), JANSSON_VERSION);
    print_load("at the start");
}

int main(int argc, char **argv)
{
    options o;
    ol_ruleset *rs = NULL;
    bench_corpus c;
    verdict v;
    rounds t;

    /* first, before this process holds anything: see bench_peak_helper */
    if (argc > 3 && strncmp(argv[1], "--peak-report=", 14) == 0 &&
        strcmp(argv[2], "--") == 0)
        return bench_peak_helper(argv[1] + 14, argv + 3);
    o = parse_options(argc, argv);
    /* jansson seeds its hash tables at random; a fixed seed keeps callgrind's
     * counts the same from run to run (before the first object is made) */
    json_object_seed(1);
    if (ol_ruleset_new(&rs, NULL, NULL) != OL_OK)
        bench_die("ol_ruleset_new failed");
    bench_corpus_build(&c, SEED, o.documents);
    if (o.emit) {
        emit_corpus(&c);
    } else if (o.phase) {
        run_phase(phase_named(o.phase), rs, &c);
    } else {
        print_corpus(&c, rs);
        v = verify(rs, &c);
        print_verdict(&v);
        require_generator_right(&v, c.count);
        if (o.callgrind) {
            print_instructions(&o, &c);
        } else {
            run_rounds(&t, &o, rs, &c, &v);
            print_rounds(&t);
            print_jobs(&o, &c);
            if (o.before)
                print_before(&o, &c);
            print_memory(&o);
        }
    }
    bench_corpus_free(&c);
    ol_ruleset_free(rs);
    return 0;
}
