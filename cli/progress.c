/*
 * progress.c: the progress line of a long run, on stderr when stderr is a
 * terminal:
 *
 *   orderlint: 1204350 documents, 9120/s, 1.3 GB read, 41%, 0:02:55 left
 *
 * It is redrawn at most every REDRAW seconds, taken off the screen before
 * anything else is written to the same terminal, and left off at the end:
 * the summary says the rest. When stderr is not a terminal (a log, a pipe,
 * a CI job) there is nothing of the kind. Only the thread that reports
 * documents calls these (cli_run's rule).
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, fileno */

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define REDRAW 0.25 /* seconds between two drawings of the line */
#define ERASE "\r\033[K"

static double seconds_now(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_start(cli_run *run, double total_bytes)
{
    cli_progress *p = &run->progress;

    p->on = run->opts->progress && isatty(fileno(stderr));
    p->stdout_tty = isatty(fileno(stdout));
    p->start = p->last = seconds_now();
    p->total = total_bytes;
}

/* "1.3 GB", "512 kB": decimal units, as file managers show sizes. */
static void print_bytes(double n)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    size_t u = 0;

    while (n >= 1000 && u + 1 < sizeof(units) / sizeof(units[0])) {
        n /= 1000;
        u++;
    }
    fprintf(stderr, u == 0 ? "%.0f %s" : "%.1f %s", n, units[u]);
}

static void print_duration(double s)
{
    unsigned long t = s < 0 ? 0 : (unsigned long)(s + 0.5);

    fprintf(stderr, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
}

static void draw(cli_progress *p, double now)
{
    double elapsed = now - p->start;

    fprintf(stderr, ERASE "orderlint: %zu documents", p->documents);
    if (elapsed > 0)
        fprintf(stderr, ", %.0f/s", (double)p->documents / elapsed);
    fputs(", ", stderr);
    print_bytes(p->bytes);
    fputs(" read", stderr);
    if (p->total > 0 && p->bytes <= p->total) {
        fprintf(stderr, ", %.0f%%", 100 * p->bytes / p->total);
        if (p->bytes > 0 && elapsed > 0) {
            fputs(", ", stderr);
            print_duration(elapsed * (p->total - p->bytes) / p->bytes);
            fputs(" left", stderr);
        }
    }
    fflush(stderr);
    p->shown = 1;
    p->last = now;
}

void cli_progress_advance(cli_run *run, size_t bytes)
{
    cli_progress *p = &run->progress;
    double now;

    p->documents++;
    p->bytes += (double)bytes;
    if (!p->on)
        return;
    now = seconds_now();
    if (now - p->last >= REDRAW)
        draw(p, now);
}

void cli_progress_clear(cli_run *run)
{
    cli_progress *p = &run->progress;

    if (p->shown) {
        fputs(ERASE, stderr);
        fflush(stderr);
        p->shown = 0;
    }
}

void cli_progress_clear_for_stdout(cli_run *run)
{
    if (run->progress.stdout_tty)
        cli_progress_clear(run);
}
