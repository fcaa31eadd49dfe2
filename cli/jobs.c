/*
 * jobs.c: checking documents, at once or on worker threads (--jobs=N).
 *
 * With one job, cli_submit checks a document and reports it before it
 * returns. With more, the documents pass through a ring of slots in input
 * order:
 *
 *   reader (main thread)  fills the next FREE slot, marks it READY
 *   N workers             take READY slots in turn, check them, mark them DONE
 *   one writer            reports the slots in order as each becomes DONE,
 *                         then marks it FREE again
 *
 * so the results come out in input order whatever the order the checks end
 * in, the reader is held back when the writer is behind (memory stays at
 * what the ring holds, whatever the length of the input), and all of the run's
 * counting and output happens on the writer thread. The reader's own
 * troubles (an unreadable file) go through the ring too, as message slots,
 * so that they are reported at their place among the results.
 *
 * A whole file is handed over: the reader gives the buffer it read the
 * file into and takes back the slot's previous one, and the bytes are not
 * copied. An NDJSON line is copied once, because the read block is read
 * over again before the line is checked: into the line store, one circular
 * buffer for the ring. The writer frees slots in the order the reader
 * filled them, so the store is used first in, first out, and a line costs
 * no allocation; its memory is what the lines in the ring take, not (as
 * when each slot kept a buffer of its own) the ring's slots times the
 * largest line each ever held. A line too long for the store goes in a
 * buffer of its own, freed once it is written; a file and a message go in
 * the slot's own buffer, which it keeps for the next unless it is larger
 * than KEEP_BUFFER. Memory stays bounded whatever the documents: the reader
 * also waits while the documents in the ring add up to more than IN_FLIGHT
 * bytes.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Slots per worker: enough that a worker finds the next document ready
 * while the writer is still reporting an earlier, slower one, and that the
 * reader and the writer, woken once per half and per quarter of the ring,
 * wake rarely: on 2 cores, 8 slots a worker gave --jobs=2 1.28 times the
 * speed of --jobs=1 before those batches, 1.51 with them, 1.66 with 16
 * slots and 1.73 with 32. */
#define SLOTS_PER_JOB 32

/* Bytes of the line store per worker. The reader waits for half the store
 * as for half the slots (but not while the workers have nothing to check),
 * and a line longer than an eighth of the store goes in a buffer of its
 * own (see goes_in_store). On the benchmark's corpus (lines of 2.6 KB on
 * average, 5.9 KB at most) 32 KiB a worker hold some 12 lines, and
 * --jobs=2 ran as fast as with a buffer in each slot (CPU 0.997 of it,
 * median of 15 pairs), at a peak of 3,868 KiB where those buffers took
 * 4,408 and a store of 48 KiB a worker 4,004 (medians of 7 runs). Longer
 * lines cost more than they did with a buffer in each slot: --jobs=2 took
 * 1.08 of the wall time on lines of 5.9 KB and 1.05 on 11.5 KB (11
 * pairs; with a quarter of the store, 1.22 on 11.5 KB, and with a
 * sixteenth, lines of more than 4 KB, each in a buffer of its own, made
 * the private memory of the benchmark's corpus 2% more than before). */
#define STORE_PER_JOB ((size_t)32 << 10)

/* Bytes of documents in the ring at most (one document is always let in,
 * whatever its size), and the largest buffer a slot keeps for the next
 * (cli_read_all reads a file into 128 KiB at least). */
#define IN_FLIGHT ((size_t)16 << 20)
#define KEEP_BUFFER ((size_t)256 << 10)

typedef enum slot_state {
    SLOT_FREE,     /* the reader may fill it */
    SLOT_READY,    /* a document waits for a worker */
    SLOT_CHECKING, /* a worker holds it */
    SLOT_DONE      /* checked (or a message): the writer may report it */
} slot_state;

typedef struct slot {
    slot_state state;
    size_t seq;     /* its place in the sequence, while not FREE */
    int is_message; /* the reader's trouble, text is the message */
    char *text;     /* the document's bytes, or the message: in buf or in
                     * the line store */
    size_t len;
    int in_store;       /* text is in the line store, up to store_end */
    uint64_t store_end; /* the store's head after its line */
    char *buf;          /* the slot's own buffer; owned */
    size_t cap;
    int own_line; /* buf holds a line too long for the store: freed once
                   * written, so that no slot keeps one */
    char *source; /* a copy of cli_doc_in.source; owned */
    size_t source_cap;
    cli_doc_in in; /* in.source points to source */
    int rc;        /* of ol_check_buffer */
    ol_error_t err;
    ol_report *report;
} slot;

/* The line store: bytes[cap], filled at head and given back at tail, both
 * counts of bytes since the start (64 bits do not wrap in any run, where
 * 32 would, and at a cap that does not divide 2^32 move a line), so
 * that head - tail bytes are in use and head % cap is where the next line
 * goes. A line never wraps: when it does not fit before the end, it goes
 * at the start and the bytes skipped count as used until it is freed. */
typedef struct line_store {
    char *bytes;
    size_t cap;
    uint64_t head, tail;
} line_store;

struct cli_pool {
    pthread_mutex_t lock;
    pthread_cond_t to_check; /* a slot became READY, or the input ended */
    pthread_cond_t to_write; /* a slot became DONE, or the input ended */
    pthread_cond_t freed;    /* a slot became FREE */
    slot *slots;
    size_t nslots;
    /* Sequence numbers of the next slot to fill, to check and to write;
     * slot i of the sequence is slots[i % nslots]. */
    size_t next_fill, next_check, next_write;
    size_t in_flight; /* bytes of the documents in slots not FREE */
    line_store store;
    int input_ended;
    /* Who sleeps, and for what: a thread is woken only when it has a batch
     * of work (see reader_may_go and writer_may_go), since each wake-up
     * takes a core from a worker. */
    int reader_waiting;
    size_t reader_wants; /* the bytes of the document the reader holds */
    int reader_stores;   /* and whether they go in the line store */
    int writer_waiting;
    pthread_t *workers;
    size_t nworkers;
    pthread_t writer;
    int writer_started;
    int lost_message; /* a message could not be stored (the reader's only) */
    cli_run *run;
};

/* ---- one document, checked and reported ---------------------------------- */

static ol_report *check_text(const cli_run *run, const cli_doc_in *in, const char *text,
                             size_t len, int *rc, ol_error_t *err)
{
    ol_report *report = NULL;

    /* out of memory in jansson's reader ends the run (cli_jsonalloc_reading) */
    cli_jsonalloc_reading(1);
    *rc = ol_check_buffer(&report, run->rs, in->kind, text, len, &run->opts->ctx, err);
    cli_jsonalloc_reading(0);
    /* the configuration's suppressions: safe on any thread */
    if (*rc == OL_OK && cli_config_suppress(run->config, in->source, report) != 0) {
        *rc = OL_ENOMEM;
        err->text[0] = '\0';
    }
    return report;
}

/* Report a checked document, and free its report. */
static void report_result(cli_run *run, const cli_doc_in *in, const char *text,
                          size_t len, int rc, const ol_error_t *err, ol_report *report)
{
    cli_doc doc;

    if (rc != OL_OK) {
        cli_progress_clear(run);
        cli_fail(run, "%s: document %zu could not be checked: %s", in->source, in->number,
                 err->text[0] ? err->text : ol_strerror(rc));
    } else {
        cli_progress_clear_for_stdout(run);
        doc.source = in->source;
        doc.number = in->number;
        doc.first_line = in->first_line;
        doc.kind = in->kind;
        doc.text = text;
        doc.len = len;
        doc.report = report;
        cli_report_document(run, &doc);
    }
    ol_report_free(report);
    cli_progress_advance(run, in->bytes);
}

/* ---- the ring -------------------------------------------------------------- */

static slot *slot_of(struct cli_pool *p, size_t seq)
{
    return &p->slots[seq % p->nslots];
}

/* The slots filled and not yet written. */
static size_t occupied(const struct cli_pool *p) { return p->next_fill - p->next_write; }

/* Whether a line of len bytes goes in the line store, not in a buffer of
 * its own: when the store holds 8 such lines at least. */
static int goes_in_store(const struct cli_pool *p, size_t len)
{
    return len <= p->store.cap / 8;
}

/* Where in the store (a count like head) a line of len bytes would start:
 * at head, or at the start of the buffer when it does not fit before the
 * end. */
static uint64_t store_start(const line_store *st, size_t len)
{
    size_t at = (size_t)(st->head % st->cap);

    return len <= st->cap - at ? st->head : st->head + (st->cap - at);
}

static int store_has_room(const line_store *st, size_t len)
{
    return store_start(st, len) + len - st->tail <= st->cap;
}

/* Whether the reader may fill the next slot: it is FREE, and the ring has
 * room for len more bytes (one document is always let in), in the line
 * store if they go there. */
static int room_for(struct cli_pool *p, size_t len, int stores)
{
    return slot_of(p, p->next_fill)->state == SLOT_FREE &&
           (p->in_flight == 0 || p->in_flight + len <= IN_FLIGHT) &&
           (!stores || store_has_room(&p->store, len));
}

/* Whether to wake the waiting reader: once half the ring is free (and half
 * the store, for a line), so that it fills slots in a run instead of one
 * each time the writer frees one; but at once when there is room and the
 * workers have nothing left to check (they wait anyway). When documents
 * are large the bytes hold it back instead; it goes once they allow, and
 * at the latest when the ring is empty. */
static int reader_may_go(struct cli_pool *p)
{
    if (!room_for(p, p->reader_wants, p->reader_stores))
        return 0;
    if (p->next_check == p->next_fill)
        return 1;
    return occupied(p) <= p->nslots / 2 &&
           (!p->reader_stores || p->store.head - p->store.tail <= p->store.cap / 2);
}

/* The DONE slots in a row from the next to write, counted up to limit. */
static size_t done_in_a_row(struct cli_pool *p, size_t limit)
{
    size_t n = 0;

    while (n < limit && p->next_write + n < p->next_fill &&
           slot_of(p, p->next_write + n)->state == SLOT_DONE)
        n++;
    return n;
}

/* Whether to wake the waiting writer: when a quarter of the ring is ready
 * to write in a row, or when there is something to write and nothing left
 * to check (the workers are about to wait: the input is slower than they
 * are, and each result must go out as soon as those before it). The latter
 * also keeps the ring moving whatever holds the reader back. */
static int writer_may_go(struct cli_pool *p)
{
    size_t batch = p->nslots / 4 ? p->nslots / 4 : 1;
    size_t ready = done_in_a_row(p, batch);

    return ready == batch || (ready > 0 && p->next_check == p->next_fill);
}

static void wake_writer_if_due(struct cli_pool *p)
{
    if (p->writer_waiting && writer_may_go(p))
        pthread_cond_signal(&p->to_write);
}

/* A worker: check READY slots, in sequence order, until the input ends. */
static void *worker_main(void *arg)
{
    struct cli_pool *p = arg;

    pthread_mutex_lock(&p->lock);
    for (;;) {
        size_t seq;
        slot *s;

        if (p->next_check == p->next_fill) {
            /* The results held back for a batch. Also on the way out: the
             * last slot this worker passed may have been a message, after
             * the last check of all. */
            wake_writer_if_due(p);
            /* and the reader, if it waits for a batch of room that this
             * worker would rather not wait for */
            if (p->reader_waiting && reader_may_go(p))
                pthread_cond_signal(&p->freed);
            if (p->input_ended)
                break;
            pthread_cond_wait(&p->to_check, &p->lock);
            continue;
        }
        seq = p->next_check++;
        s = slot_of(p, seq);
        /* A message has nothing to check; it may even be written and its
         * slot filled again for a later place in the sequence. */
        if (s->state != SLOT_READY || s->seq != seq)
            continue;
        s->state = SLOT_CHECKING;
        pthread_mutex_unlock(&p->lock);
        memset(&s->err, 0, sizeof(s->err));
        s->report = check_text(p->run, &s->in, s->text, s->len, &s->rc, &s->err);
        pthread_mutex_lock(&p->lock);
        s->state = SLOT_DONE;
        wake_writer_if_due(p);
    }
    pthread_mutex_unlock(&p->lock);
    cli_jsonalloc_thread_end();
    return NULL;
}

static void write_slot(cli_run *run, slot *s)
{
    if (s->is_message) {
        cli_progress_clear(run);
        cli_fail(run, "%s", s->text);
    } else
        report_result(run, &s->in, s->text, s->len, s->rc, &s->err, s->report);
    s->report = NULL;
}

/* The writer: report slots in sequence order as they are DONE. Before it
 * waits for input (every slot read is written), it flushes what it wrote,
 * so that a filter in a pipeline hands on each result as soon as the ones
 * before it are out. While slots are still being checked it waits without
 * flushing: their results come soon, and a write(2) per document cost more
 * than a tenth of the CPU of a batch on two jobs. */
static void *writer_main(void *arg)
{
    struct cli_pool *p = arg;
    int unflushed = 0;

    pthread_mutex_lock(&p->lock);
    for (;;) {
        slot *s = slot_of(p, p->next_write);

        if (p->next_write == p->next_fill || s->state != SLOT_DONE) {
            if (p->next_write == p->next_fill && p->input_ended)
                break;
            if (unflushed && p->next_write == p->next_fill) {
                pthread_mutex_unlock(&p->lock);
                fflush(stdout);
                pthread_mutex_lock(&p->lock);
                unflushed = 0;
                continue; /* the state may have changed meanwhile */
            }
            p->writer_waiting = 1;
            pthread_cond_wait(&p->to_write, &p->lock);
            p->writer_waiting = 0;
            continue;
        }
        pthread_mutex_unlock(&p->lock);
        write_slot(p->run, s);
        unflushed = 1;
        if (s->cap > KEEP_BUFFER || s->own_line) {
            free(s->buf);
            s->buf = NULL;
            s->cap = 0;
        }
        pthread_mutex_lock(&p->lock);
        p->in_flight -= s->is_message ? 0 : s->len;
        if (s->in_store) /* slots are freed in the order they were filled */
            p->store.tail = s->store_end;
        s->state = SLOT_FREE;
        p->next_write++;
        if (p->reader_waiting && reader_may_go(p))
            pthread_cond_signal(&p->freed);
    }
    pthread_mutex_unlock(&p->lock);
    cli_jsonalloc_thread_end();
    return NULL;
}

/* The next slot to fill, once the writer has freed it and there is room in
 * the ring for len more bytes, in the line store if stores; with the lock
 * held. Its bytes are in neither the store nor a buffer of their own until
 * the caller says so. */
static slot *wait_for_free_slot(struct cli_pool *p, size_t len, int stores)
{
    slot *s;

    p->reader_wants = len;
    p->reader_stores = stores;
    while (!room_for(p, len, stores)) {
        p->reader_waiting = 1;
        pthread_cond_wait(&p->freed, &p->lock);
        p->reader_waiting = 0;
    }
    s = slot_of(p, p->next_fill);
    s->in_store = 0;
    s->own_line = 0;
    return s;
}

/* Give a slot the next len bytes of the line store; with the lock held,
 * once store_has_room. */
static void reserve_in_store(struct cli_pool *p, slot *s, size_t len)
{
    uint64_t start = store_start(&p->store, len);

    s->text = p->store.bytes + start % p->store.cap;
    s->in_store = 1;
    s->store_end = start + len;
    p->store.head = s->store_end;
}

/* Copy n bytes at src into a slot's own growing buffer. Returns 0, or -1. */
static int copy_bytes(char **dst, size_t *cap, const char *src, size_t n)
{
    if (n > *cap) {
        char *p = realloc(*dst, n);

        if (!p)
            return -1;
        *dst = p;
        *cap = n;
    }
    if (n > 0)
        memcpy(*dst, src, n);
    return 0;
}

static int copy_into(char **dst, size_t *cap, const char *src)
{
    return copy_bytes(dst, cap, src, strlen(src) + 1);
}

static void swap_buffer(slot *s, char **buf, size_t *cap)
{
    char *b = s->buf;
    size_t c = s->cap;

    s->buf = *buf;
    s->cap = *cap;
    *buf = b;
    *cap = c;
}

/* Wait for a FREE slot for a document of len bytes, in the line store if
 * stores, and give it the document's source name. NULL when even that
 * cannot be stored. */
static slot *take_slot_for(struct cli_pool *p, const cli_doc_in *in, size_t len,
                           int stores)
{
    slot *s;
    uint64_t head;

    pthread_mutex_lock(&p->lock);
    s = wait_for_free_slot(p, len, stores);
    head = p->store.head;
    if (stores)
        reserve_in_store(p, s, len);
    pthread_mutex_unlock(&p->lock);
    /* A FREE slot, and its bytes in the store, are the reader's alone until
     * it is marked READY. */
    if (copy_into(&s->source, &s->source_cap, in->source) != 0) {
        pthread_mutex_lock(&p->lock);
        p->store.head = head; /* only the reader moves it */
        s->in_store = 0;
        pthread_mutex_unlock(&p->lock);
        cli_input_fail(p->run, "out of memory");
        return NULL;
    }
    return s;
}

/* The slot holds its document's bytes: hand it to the workers. */
static void mark_ready(struct cli_pool *p, slot *s, const cli_doc_in *in, size_t len)
{
    s->len = len;
    s->in = *in;
    s->in.source = s->source;
    s->is_message = 0;
    pthread_mutex_lock(&p->lock);
    p->in_flight += len;
    s->seq = p->next_fill;
    s->state = SLOT_READY;
    p->next_fill++;
    pthread_cond_signal(&p->to_check);
    pthread_mutex_unlock(&p->lock);
}

static void hand_to_pool(struct cli_pool *p, const cli_doc_in *in, char **buf,
                         size_t *cap, size_t len)
{
    slot *s = take_slot_for(p, in, len, 0);

    if (!s)
        return;
    swap_buffer(s, buf, cap);
    s->text = s->buf;
    mark_ready(p, s, in, len);
}

static void copy_to_pool(struct cli_pool *p, const cli_doc_in *in, const char *text,
                         size_t len)
{
    int stores = goes_in_store(p, len);
    slot *s = take_slot_for(p, in, len, stores);

    if (!s)
        return;
    if (stores) {
        memcpy(s->text, text, len);
    } else if (copy_bytes(&s->buf, &s->cap, text, len) != 0) {
        cli_input_fail(p->run, "%s: out of memory", in->source);
        return;
    } else {
        s->text = s->buf;
        s->own_line = 1;
    }
    mark_ready(p, s, in, len);
}

/* A message slot goes straight to DONE: no worker touches it. When even
 * the message cannot be stored, it is printed at once, out of its place,
 * and the run will fail all the same. */
static void message_to_pool(struct cli_pool *p, const char *msg)
{
    slot *s;

    pthread_mutex_lock(&p->lock);
    s = wait_for_free_slot(p, 0, 0);
    pthread_mutex_unlock(&p->lock);
    if (copy_into(&s->buf, &s->cap, msg) != 0) {
        cli_error("%s", msg);
        p->lost_message = 1;
        return;
    }
    s->text = s->buf;
    s->len = strlen(msg);
    s->is_message = 1;
    s->report = NULL;
    pthread_mutex_lock(&p->lock);
    s->seq = p->next_fill;
    s->state = SLOT_DONE;
    p->next_fill++;
    pthread_cond_signal(&p->to_write); /* rare: no batch to wait for */
    pthread_mutex_unlock(&p->lock);
}

/* ---- the interface of cli.h --------------------------------------------------- */

/* With one job, the document is checked and reported from the caller's
 * bytes: nothing is copied. */
static void check_here(cli_run *run, const cli_doc_in *in, const char *text, size_t len)
{
    ol_error_t err = OL_ERROR_INIT;
    ol_report *report;
    int rc;

    report = check_text(run, in, text, len, &rc, &err);
    report_result(run, in, text, len, rc, &err, report);
}

void cli_submit(cli_run *run, const cli_doc_in *in, char **buf, size_t *cap, size_t len)
{
    if (run->pool)
        hand_to_pool(run->pool, in, buf, cap, len);
    else
        check_here(run, in, *buf, len);
}

void cli_submit_text(cli_run *run, const cli_doc_in *in, const char *text, size_t len)
{
    if (run->pool)
        copy_to_pool(run->pool, in, text, len);
    else
        check_here(run, in, text, len);
}

void cli_input_fail(cli_run *run, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (run->pool)
        message_to_pool(run->pool, msg);
    else
        cli_fail(run, "%s", msg);
}

static void pool_free(struct cli_pool *p)
{
    size_t i;

    for (i = 0; p->slots && i < p->nslots; i++) { /* calloc may have failed */
        free(p->slots[i].buf);
        free(p->slots[i].source);
        ol_report_free(p->slots[i].report);
    }
    free(p->slots);
    free(p->store.bytes);
    free(p->workers);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->to_check);
    pthread_cond_destroy(&p->to_write);
    pthread_cond_destroy(&p->freed);
    free(p);
}

/* Tell the threads the input has ended, and wait for them. */
static void pool_stop(struct cli_pool *p)
{
    size_t i;

    pthread_mutex_lock(&p->lock);
    p->input_ended = 1;
    pthread_cond_broadcast(&p->to_check);
    pthread_cond_broadcast(&p->to_write);
    pthread_mutex_unlock(&p->lock);
    for (i = 0; i < p->nworkers; i++)
        pthread_join(p->workers[i], NULL);
    if (p->writer_started)
        pthread_join(p->writer, NULL);
}

static struct cli_pool *pool_new(cli_run *run, size_t jobs)
{
    struct cli_pool *p = calloc(1, sizeof(*p));

    if (!p)
        return NULL;
    p->run = run;
    p->nslots = jobs * SLOTS_PER_JOB;
    p->slots = calloc(p->nslots, sizeof(*p->slots));
    p->store.cap = jobs * STORE_PER_JOB;
    p->store.bytes = malloc(p->store.cap);
    p->workers = calloc(jobs, sizeof(*p->workers));
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->to_check, NULL);
    pthread_cond_init(&p->to_write, NULL);
    pthread_cond_init(&p->freed, NULL);
    if (!p->slots || !p->store.bytes || !p->workers) {
        pool_free(p);
        return NULL;
    }
    return p;
}

int cli_jobs_start(cli_run *run, long jobs)
{
    struct cli_pool *p;
    size_t i;

    if (jobs <= 1)
        return 0;
    p = pool_new(run, (size_t)jobs);
    if (!p)
        return -1;
    if (pthread_create(&p->writer, NULL, writer_main, p) != 0) {
        pool_free(p);
        return -1;
    }
    p->writer_started = 1;
    for (i = 0; i < (size_t)jobs; i++) {
        if (pthread_create(&p->workers[i], NULL, worker_main, p) != 0)
            break;
        p->nworkers++;
    }
    if (p->nworkers == 0) { /* not one thread: stop the writer */
        pool_stop(p);
        pool_free(p);
        return -1;
    }
    run->pool = p;
    return 0;
}

void cli_jobs_finish(cli_run *run)
{
    if (!run->pool)
        return;
    pool_stop(run->pool);
    if (run->pool->lost_message) /* the threads are gone: no race */
        run->trouble = 1;
    pool_free(run->pool);
    run->pool = NULL;
}
