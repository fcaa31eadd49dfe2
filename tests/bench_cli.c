/*
 * bench_cli.c: the benchmark's child processes (the command line, valgrind),
 * timed by the wall clock and measured by wait4's resource usage, which
 * holds the child's peak resident set.
 */
#define _DEFAULT_SOURCE /* wait4, nanosleep */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_corpus.h"

/* What is fed to a child is written in pieces of about this size. */
#define FEED_CHUNK (256 * 1024)

static int open_or_die(const char *path, int flags)
{
    int fd = open(path, flags);

    if (fd < 0)
        bench_die("%s: %s", path, strerror(errno));
    return fd;
}

/* In the child: stdin and stdout as given, then argv; 127 when it cannot run
 * (as a shell says). */
static void exec_child(char *const argv[], int in_fd, int out_fd)
{
    if (dup2(in_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0)
        _exit(127);
    execvp(argv[0], argv);
    fprintf(stderr, "bench_corpus: %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

static pid_t start_child(char *const argv[], int in_fd, int out_fd)
{
    pid_t pid;

    fflush(stdout);
    pid = fork();
    if (pid < 0)
        bench_die("fork: %s", strerror(errno));
    if (pid == 0)
        exec_child(argv, in_fd, out_fd);
    return pid;
}

/* The figures of a child that has ended, from its wait status and usage. */
static bench_child ended_child(int status, const struct rusage *ru, double started)
{
    bench_child c;

    c.seconds = bench_wall_now() - started;
    c.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    c.cpu_seconds = (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 +
                    (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec / 1e6;
    c.max_rss_bytes = ru->ru_maxrss * 1024L; /* kilobytes on Linux */
    c.private_bytes = 0;
    return c;
}

static bench_child wait_child(pid_t pid, double started)
{
    struct rusage ru;
    int status;

    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR)
            bench_die("wait4: %s", strerror(errno));
    return ended_child(status, &ru, started);
}

bench_child bench_run(char *const argv[], const char *stdin_path, const char *stdout_path)
{
    int in_fd = open_or_die(stdin_path, O_RDONLY);
    int out_fd = open_or_die(stdout_path, O_WRONLY);
    double started = bench_wall_now();
    pid_t pid = start_child(argv, in_fd, out_fd);

    close(in_fd);
    close(out_fd);
    return wait_child(pid, started);
}

bench_child bench_run_all(char *const *const argvs[], size_t n)
{
    int in_fd = open_or_die("/dev/null", O_RDONLY);
    int out_fd = open_or_die("/dev/null", O_WRONLY);
    pid_t pids[BENCH_MAX_AT_ONCE];
    bench_child all = {0, 0.0, 0.0, 0, 0}, c;
    double started;
    size_t i;

    if (n > BENCH_MAX_AT_ONCE)
        bench_die("%zu commands at once: at most %d", n, BENCH_MAX_AT_ONCE);
    started = bench_wall_now();
    for (i = 0; i < n; i++)
        pids[i] = start_child(argvs[i], in_fd, out_fd);
    close(in_fd);
    close(out_fd);
    for (i = 0; i < n; i++) {
        c = wait_child(pids[i], started);
        if (c.seconds > all.seconds)
            all.seconds = c.seconds;
        all.cpu_seconds += c.cpu_seconds;
        if (c.max_rss_bytes > all.max_rss_bytes)
            all.max_rss_bytes = c.max_rss_bytes;
        if (all.status == 0)
            all.status = c.status;
    }
    return all;
}

/* All of text to fd; 0 when the reader has gone. */
static int write_all(int fd, const char *text, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, text, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return 0;
        text += n;
        len -= (size_t)n;
    }
    return 1;
}

static void feed(int fd, uint64_t seed, size_t count)
{
    bench_text buf = {NULL, 0, 0};
    size_t i, lines;

    for (i = 0; i < count; i++) {
        bench_generate(&buf, seed, i, &lines);
        bench_text_append(&buf, "\n", 1);
        if (buf.len < FEED_CHUNK && i + 1 < count)
            continue;
        if (!write_all(fd, buf.data, buf.len))
            break; /* the child's status says why */
        buf.len = 0;
    }
    bench_text_free(&buf);
}

bench_child bench_run_fed(char *const argv[], uint64_t seed, size_t count)
{
    int pipe_fd[2], out_fd = open_or_die("/dev/null", O_WRONLY);
    double started;
    pid_t pid;

    if (pipe(pipe_fd) < 0)
        bench_die("pipe: %s", strerror(errno));
    /* a child that stops reading is an error of write(), not a signal */
    signal(SIGPIPE, SIG_IGN);
    /* the child must not hold the write end, or it never sees the end */
    fcntl(pipe_fd[1], F_SETFD, FD_CLOEXEC);
    started = bench_wall_now();
    pid = start_child(argv, pipe_fd[0], out_fd);
    close(pipe_fd[0]);
    close(out_fd);
    feed(pipe_fd[1], seed, count);
    close(pipe_fd[1]);
    return wait_child(pid, started);
}

/* A field of kilobytes ("VmHWM:", "RssAnon:") of /proc/PID/status, in
 * bytes; 0 if unknown. */
static long status_bytes(const char *path, const char *field)
{
    char line[128];
    size_t n = strlen(field);
    long kb = 0;
    FILE *f = fopen(path, "r");

    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0)
            kb = strtol(line + n, NULL, 10);
    if (f)
        fclose(f);
    return kb * 1024L;
}

/* This process's own peak since its exec (VmHWM), in bytes; 0 if unknown.
 * getrusage would count the memory of the process it was forked from. */
static long own_peak_since_exec(void)
{
    return status_bytes("/proc/self/status", "VmHWM:");
}

/*
 * Wait for a child, and look at its anonymous memory (RssAnon: the heap,
 * the stacks, what it allocated) every millisecond until it ends. The peak
 * resident memory of wait4 also counts the pages of its program and its
 * libraries, which come from files, are shared with the page cache and
 * with other processes, and move by 2 or 3% from run to run with what the
 * kernel maps around each fault; the anonymous part is the memory the run
 * itself takes, and moves by a page or two. A sample before the child's
 * exec sees this helper's copy, which is smaller.
 */
static bench_child wait_child_sampling(pid_t pid, double started)
{
    const struct timespec pause = {0, 1000000};
    char path[64];
    long most = 0, now;
    struct rusage ru;
    bench_child c;
    int status;
    pid_t got;

    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    for (;;) {
        got = wait4(pid, &status, WNOHANG, &ru);
        if (got == pid)
            break;
        if (got < 0 && errno != EINTR)
            bench_die("wait4: %s", strerror(errno));
        now = status_bytes(path, "RssAnon:");
        if (now > most)
            most = now;
        nanosleep(&pause, NULL);
    }
    c = ended_child(status, &ru, started);
    c.private_bytes = most;
    return c;
}

/*
 * The peak resident memory of a child, without this process's. Linux keeps,
 * in a process's peak, that of the memory it had before exec: a child forked
 * from the benchmark, which holds the corpus, would count it. So the
 * benchmark runs itself again, fresh from exec and small, as this helper,
 * which forks and execs argv, waits, and writes to report_path the child's
 * peak, CPU time and exit status, and its own peak before the fork (the
 * floor of the figure: the child is its copy until it execs). Returns the child's exit
 * status.
 */
int bench_peak_helper(const char *report_path, char *const argv[])
{
    long own = own_peak_since_exec();
    bench_child ch;
    FILE *f;

    ch = wait_child_sampling(start_child(argv, STDIN_FILENO, STDOUT_FILENO),
                             bench_wall_now());
    f = fopen(report_path, "w");
    if (!f)
        bench_die("%s: %s", report_path, strerror(errno));
    fprintf(f, "%d %ld %.6f %ld %ld\n", ch.status, ch.max_rss_bytes, ch.cpu_seconds, own,
            ch.private_bytes);
    if (fclose(f) != 0)
        bench_die("%s: %s", report_path, strerror(errno));
    return ch.status;
}

bench_child bench_read_peak(const char *report_path, double seconds, long *helper_bytes)
{
    bench_child ch;
    FILE *f = fopen(report_path, "r");

    if (!f || fscanf(f, "%d %ld %lf %ld %ld", &ch.status, &ch.max_rss_bytes,
                     &ch.cpu_seconds, helper_bytes, &ch.private_bytes) != 5)
        bench_die("%s: no report of the helper", report_path);
    fclose(f);
    unlink(report_path);
    ch.seconds = seconds;
    return ch;
}
