/*
 * rfc3339.c: an RFC 3339 date-time (section 5.6) to seconds since the Unix
 * epoch, as the library's context wants them.
 *
 *   2024-05-01T12:00:00Z   2024-05-01t12:00:00.250+02:00   2024-05-01 12:00:00Z
 *
 * A fraction of a second is read and dropped. A leap second (:60) counts as
 * the first second of the next minute, as POSIX time has none. Written by
 * hand, not with strptime/timegm, so that it neither depends on the locale
 * and the time zone nor on non-standard functions.
 */
#include <stddef.h>

#include "cli.h"

typedef struct civil {
    int year, month, day, hour, minute, second;
    int offset; /* seconds east of UTC */
} civil;

/* Read exactly n decimal digits. */
static int digits(const char **p, int n, int *value)
{
    int v = 0;

    for (; n > 0; n--, (*p)++) {
        if (**p < '0' || **p > '9')
            return -1;
        v = v * 10 + (**p - '0');
    }
    *value = v;
    return 0;
}

static int expect(const char **p, const char *one_of)
{
    for (; *one_of; one_of++) {
        if (**p == *one_of) {
            (*p)++;
            return 0;
        }
    }
    return -1;
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* full-date = date-fullyear "-" date-month "-" date-mday */
static int parse_date(const char **p, civil *c)
{
    if (digits(p, 4, &c->year) || expect(p, "-") || digits(p, 2, &c->month) ||
        expect(p, "-") || digits(p, 2, &c->day))
        return -1;
    if (c->month < 1 || c->month > 12)
        return -1;
    return c->day >= 1 && c->day <= days_in_month(c->year, c->month) ? 0 : -1;
}

/* partial-time = time-hour ":" time-minute ":" time-second [time-secfrac] */
static int parse_time(const char **p, civil *c)
{
    int ignored;

    if (digits(p, 2, &c->hour) || expect(p, ":") || digits(p, 2, &c->minute) ||
        expect(p, ":") || digits(p, 2, &c->second))
        return -1;
    if (c->hour > 23 || c->minute > 59 || c->second > 60)
        return -1;
    if (expect(p, ".") == 0) {
        if (digits(p, 1, &ignored))
            return -1;
        while (**p >= '0' && **p <= '9')
            (*p)++;
    }
    return 0;
}

/* time-offset = "Z" / time-numoffset */
static int parse_offset(const char **p, civil *c)
{
    int sign, hours, minutes;

    if (expect(p, "Zz") == 0) {
        c->offset = 0;
        return 0;
    }
    sign = **p == '-' ? -1 : 1;
    if (expect(p, "+-") || digits(p, 2, &hours) || expect(p, ":") ||
        digits(p, 2, &minutes) || hours > 23 || minutes > 59)
        return -1;
    c->offset = sign * (hours * 3600 + minutes * 60);
    return 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int cli_parse_rfc3339(const char *s, int64_t *out)
{
    civil c;
    const char *p = s;

    if (parse_date(&p, &c) || expect(&p, "Tt ") || parse_time(&p, &c) ||
        parse_offset(&p, &c) || *p != '\0')
        return -1;
    *out = days_from_civil(c.year, c.month, c.day) * 86400 + c.hour * 3600 +
           c.minute * 60 + c.second - c.offset;
    return 0;
}
