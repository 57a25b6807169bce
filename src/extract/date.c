/* date.c - calendar arithmetic and the date objects of DESIGN §3.
 *
 * An extract_date_t keeps whole days for both endpoints and the precision
 * of the unit they stand for; formatting prints each endpoint at that
 * precision (a week as its Monday and Sunday, a quarter as its first and
 * last months). Day numbers count from 1970-01-01 with the civil-from-days
 * algorithm of Howard Hinnant, so every year 1..9999 is exact. */
#include "calendar.h"
#include "internal.h"

#include <stdio.h>
#include <string.h>

int extract__is_leap(int y) { return vj_days_in_month(y, 2) == 29; }

int extract__days_in_month(int y, int m) { return vj_days_in_month(y, m); }

int extract__ymd_valid(int y, int m, int d) {
    return y >= EXTRACT__YEAR_MIN && y <= EXTRACT__YEAR_MAX && m >= 1 &&
           m <= 12 && d >= 1 && d <= extract__days_in_month(y, m);
}

int64_t extract__ymd_days(int y, int m, int d) {
    return vj_days_from_civil(y, m, d);
}

extract_ymd_t extract__days_ymd(int64_t z) {
    extract_ymd_t r;
    vj_civil_from_days(z, &r.year, &r.month, &r.day);
    return r;
}

int extract__weekday(int64_t days) {
    int64_t r = (days + 3) % 7;
    if (r < 0)
        r += 7;
    return (int)r + 1;
}

extract_ymd_t extract__add_days(extract_ymd_t ymd, int64_t n) {
    return extract__days_ymd(extract__ymd_days(ymd.year, ymd.month, ymd.day) +
                             n);
}

extract_ymd_t extract__add_months(int y, int m, int n) {
    int64_t k = (int64_t)y * 12 + (m - 1) + n;
    int64_t yy = k >= 0 ? k / 12 : -((-k + 11) / 12);
    extract_ymd_t r = {(int)yy, (int)(k - yy * 12) + 1, 1};
    return r;
}

extract_ymd_t extract__iso_monday(extract_ymd_t ymd) {
    int64_t z = extract__ymd_days(ymd.year, ymd.month, ymd.day);
    return extract__days_ymd(z - (extract__weekday(z) - 1));
}

void extract__iso_week(extract_ymd_t ymd, int *iso_year, int *week) {
    int64_t z = extract__ymd_days(ymd.year, ymd.month, ymd.day);
    /* The Thursday of this week decides the year. */
    int64_t thu = z - (extract__weekday(z) - 1) + 3;
    extract_ymd_t t = extract__days_ymd(thu);
    int64_t jan1 = extract__ymd_days(t.year, 1, 1);
    *iso_year = t.year;
    *week = (int)((thu - jan1) / 7) + 1;
}

/* Writes one endpoint at precision p into out (11 bytes). */
static void date_put(const extract_ymd_t *e, extract_precision_t p, char *out) {
    int y = e->year < 0 ? 0 : e->year > 9999 ? 9999 : e->year;
    int m = e->month < 0 ? 0 : e->month > 99 ? 99 : e->month;
    int d = e->day < 0 ? 0 : e->day > 99 ? 99 : e->day;
    switch (p) {
    case EXTRACT_PREC_DAY:
    case EXTRACT_PREC_WEEK:
        snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
        break;
    case EXTRACT_PREC_MONTH:
    case EXTRACT_PREC_QUARTER:
        snprintf(out, 11, "%04d-%02d", y, m);
        break;
    case EXTRACT_PREC_YEAR:
    default:
        snprintf(out, 11, "%04d", y);
        break;
    }
}

void extract_date_format(const extract_date_t *d, char *start, char *end) {
    date_put(&d->start, d->precision, start);
    date_put(&d->end, d->precision, end);
}

static int64_t ymd_key(const extract_ymd_t *a) {
    return (int64_t)a->year * 10000 + a->month * 100 + a->day;
}

int extract_date_overlaps(const extract_date_t *d, const extract_ymd_t *from,
                          const extract_ymd_t *to) {
    return ymd_key(&d->start) <= ymd_key(to) &&
           ymd_key(&d->end) >= ymd_key(from);
}

int extract_date_cmp(const extract_date_t *a, const extract_date_t *b) {
    int64_t x = ymd_key(&a->start), y = ymd_key(&b->start);
    if (x != y)
        return x < y ? -1 : 1;
    if (a->precision != b->precision)
        return a->precision < b->precision ? -1 : 1;
    x = ymd_key(&a->end);
    y = ymd_key(&b->end);
    if (x != y)
        return x < y ? -1 : 1;
    return 0;
}

/* Reads exactly n ASCII digits at s. */
static int digits(const char *s, int n, int *out) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int extract_iso_range(const char *s, extract_ymd_t *lo, extract_ymd_t *hi) {
    if (s == NULL)
        return VJ_EINVAL;
    size_t n = strlen(s);
    int y, m = 0, d = 0;
    if ((n != 4 && n != 7 && n != 10) || digits(s, 4, &y) != 0 ||
        y < EXTRACT__YEAR_MIN)
        return VJ_EINVAL;
    if (n >= 7 && (s[4] != '-' || digits(s + 5, 2, &m) != 0 || m < 1 || m > 12))
        return VJ_EINVAL;
    if (n == 10 && (s[7] != '-' || digits(s + 8, 2, &d) != 0 ||
                    !extract__ymd_valid(y, m, d)))
        return VJ_EINVAL;
    if (n == 4) {
        *lo = (extract_ymd_t){y, 1, 1};
        *hi = (extract_ymd_t){y, 12, 31};
    } else if (n == 7) {
        *lo = (extract_ymd_t){y, m, 1};
        *hi = (extract_ymd_t){y, m, extract__days_in_month(y, m)};
    } else {
        *lo = *hi = (extract_ymd_t){y, m, d};
    }
    return 0;
}
