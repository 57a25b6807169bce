/* date.c - publication dates: ISO 8601 at any precision, and the timestamp
 * lines news sites print under a headline.
 *
 * corpus_date_t carries the canonical ISO string at its precision, the parts,
 * and a sort key (YYYYMMDDhhmm, unknown parts 0) that orders dates of mixed
 * precision; a timestamp with an offset is keyed in UTC, converted through a
 * day count (vj_days_from_civil) so month and year roll over
 * correctly.
 *
 * Timestamp lines come in many shapes ("13:54, 26/11/2023", "26/11/2023
 * 13:54", "Thứ hai, 26/11/2023 - 13:54 (GMT+7)", "13h54 ngày 26/11/2023").
 * corpus__stamp_parse() accepts a line made only of one day-month-year date,
 * at most one time, weekday names and words from the lexicon, and
 * separators; anything else means it is not a timestamp line. Vietnamese
 * sites print local time, so a time gets +07:00. */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "vjcorpus/text.h"

#define VN_OFFSET_MIN (7 * 60)

int corpus__date_make(corpus_date_t *out, corpus_precision_t prec, int year,
                      int month, int day, int hour, int minute, int second,
                      int has_offset, int offset_min) {
    memset(out, 0, sizeof *out);
    if (prec == CORPUS_PREC_NONE)
        return 0;
    if (year < 1 || year > 9999)
        return VJ_EINVAL;
    if (prec >= CORPUS_PREC_MONTH && (month < 1 || month > 12))
        return VJ_EINVAL;
    if (prec >= CORPUS_PREC_DAY &&
        (day < 1 || day > vj_days_in_month(year, month)))
        return VJ_EINVAL;
    if (prec == CORPUS_PREC_TIME &&
        (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 ||
         second > 59 || offset_min < -18 * 60 || offset_min > 18 * 60))
        return VJ_EINVAL;

    out->precision = prec;
    out->year = year;
    switch (prec) {
    case CORPUS_PREC_YEAR:
        snprintf(out->iso, sizeof out->iso, "%04d", year);
        out->sort_key = (int64_t)year * 100000000;
        break;
    case CORPUS_PREC_MONTH:
        out->month = month;
        snprintf(out->iso, sizeof out->iso, "%04d-%02d", year, month);
        out->sort_key = ((int64_t)year * 100 + month) * 1000000;
        break;
    case CORPUS_PREC_DAY:
        out->month = month;
        out->day = day;
        snprintf(out->iso, sizeof out->iso, "%04d-%02d-%02d", year, month, day);
        out->sort_key = (((int64_t)year * 100 + month) * 100 + day) * 10000;
        break;
    case CORPUS_PREC_TIME: {
        out->month = month;
        out->day = day;
        int n =
            snprintf(out->iso, sizeof out->iso, "%04d-%02d-%02dT%02d:%02d:%02d",
                     year, month, day, hour, minute, second);
        int64_t mins =
            vj_days_from_civil(year, month, day) * 1440 + hour * 60 + minute;
        if (has_offset) {
            if (offset_min == 0) {
                snprintf(out->iso + n, sizeof out->iso - (size_t)n, "Z");
            } else {
                int a = offset_min < 0 ? -offset_min : offset_min;
                snprintf(out->iso + n, sizeof out->iso - (size_t)n,
                         "%c%02d:%02d", offset_min < 0 ? '-' : '+', a / 60,
                         a % 60);
            }
            mins -= offset_min;
        }
        int64_t days = mins >= 0 ? mins / 1440 : -((-mins + 1439) / 1440);
        int64_t rem = mins - days * 1440;
        int y, m, d;
        vj_civil_from_days(days, &y, &m, &d);
        out->sort_key =
            ((((int64_t)y * 100 + m) * 100 + d) * 100 + rem / 60) * 100 +
            rem % 60;
        break;
    }
    default:
        return VJ_EINVAL;
    }
    return 0;
}

/* Reads exactly n digits at s[*i]; returns the value or -1. */
static int digits_read(const char *s, size_t len, size_t *i, size_t n) {
    int v = 0;
    if (len - *i < n)
        return -1;
    for (size_t k = 0; k < n; k++) {
        char c = s[*i + k];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *i += n;
    return v;
}

int corpus_date_parse_iso(const char *s, corpus_date_t *out) {
    assert(out != NULL);
    memset(out, 0, sizeof *out);
    if (s == NULL)
        return VJ_EINVAL;

    size_t len = strlen(s), i = 0;
    int y, m = 0, d = 0, hh = 0, mm = 0, ss = 0, has_off = 0, off = 0;
    corpus_precision_t prec = CORPUS_PREC_YEAR;
    corpus_date_t tmp;

    if ((y = digits_read(s, len, &i, 4)) < 0)
        return VJ_EINVAL;
    if (i < len && s[i] == '-') {
        i++;
        if ((m = digits_read(s, len, &i, 2)) < 0)
            return VJ_EINVAL;
        prec = CORPUS_PREC_MONTH;
        if (i < len && s[i] == '-') {
            i++;
            if ((d = digits_read(s, len, &i, 2)) < 0)
                return VJ_EINVAL;
            prec = CORPUS_PREC_DAY;
            if (i < len && (s[i] == 'T' || s[i] == 't')) {
                i++;
                if ((hh = digits_read(s, len, &i, 2)) < 0 || i >= len ||
                    s[i++] != ':' || (mm = digits_read(s, len, &i, 2)) < 0)
                    return VJ_EINVAL;
                if (i < len && s[i] == ':') {
                    i++;
                    if ((ss = digits_read(s, len, &i, 2)) < 0)
                        return VJ_EINVAL;
                    if (i < len && s[i] == '.') { /* fraction: dropped */
                        i++;
                        size_t f = i;
                        while (i < len && s[i] >= '0' && s[i] <= '9')
                            i++;
                        if (i == f)
                            return VJ_EINVAL;
                    }
                }
                prec = CORPUS_PREC_TIME;
                if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
                    i++;
                    has_off = 1;
                } else if (i < len && (s[i] == '+' || s[i] == '-')) {
                    int sign = s[i++] == '-' ? -1 : 1;
                    int oh, om;
                    if ((oh = digits_read(s, len, &i, 2)) < 0)
                        return VJ_EINVAL;
                    if (i < len && s[i] == ':')
                        i++;
                    if ((om = digits_read(s, len, &i, 2)) < 0 || om > 59)
                        return VJ_EINVAL;
                    has_off = 1;
                    off = sign * (oh * 60 + om);
                }
            }
        }
    }
    if (i != len)
        return VJ_EINVAL;
    if (corpus__date_make(&tmp, prec, y, m, d, hh, mm, ss, has_off, off) != 0)
        return VJ_EINVAL;
    *out = tmp;
    return 0;
}

/* Stamp lines. */

static int stamp_is_sep(int32_t cp) {
    switch (cp) {
    case ' ':
    case ',':
    case '-':
    case '|':
    case '(':
    case ')':
    case '[':
    case ']':
    case 0x2013: /* – */
    case 0x2014: /* — */
    case 0x00B7: /* · */
    case 0x2022: /* • */
        return 1;
    default:
        return 0;
    }
}

/* Reads a run of 1..max digits. */
static int number_read(const char *s, size_t len, size_t *i, size_t max,
                       size_t *ndigits) {
    size_t k = *i;
    int v = 0;
    while (k < len && k - *i < max + 1 && s[k] >= '0' && s[k] <= '9')
        v = v * 10 + (s[k++] - '0');
    *ndigits = k - *i;
    if (*ndigits == 0 || *ndigits > max)
        return -1;
    *i = k;
    return v;
}

static int is_alnum_at(const char *s, size_t len, size_t i) {
    if (i >= len)
        return 0;
    int32_t cp = text_utf8_next(s, len, &i);
    return text_cp_is_letter(cp) || text_cp_is_digit(cp);
}

/* Matches a word of list at s[i] followed by a non-alphanumeric; returns
 * its byte length or 0. The longest match wins. */
static size_t word_match(const corpus__strlist_t *list, const char *s,
                         size_t len, size_t i) {
    size_t best = 0;
    for (size_t k = 0; k < list->count; k++) {
        size_t n = corpus__match_ci(s + i, len - i, list->items[k]);
        if (n > best && !is_alnum_at(s, len, i + n))
            best = n;
    }
    return best;
}

int corpus__stamp_parse(const char *s, size_t len, const corpus_lexicon_t *lex,
                        corpus_date_t *out) {
    int have_date = 0, have_time = 0, pm = -1;
    int y = 0, m = 0, d = 0, hh = 0, mm = 0, ss = 0;
    size_t i = 0;

    if (lex == NULL)
        lex = &corpus__lexicon_empty;
    if (len > 120)
        return VJ_EINVAL;
    while (i < len) {
        size_t at = i;
        int32_t cp = text_utf8_next(s, len, &at);
        if (stamp_is_sep(cp)) {
            i = at;
            continue;
        }
        size_t n = word_match(&lex->weekday, s, len, i);
        size_t n2 = word_match(&lex->stamp, s, len, i);
        if (n2 > n)
            n = n2;
        if (n > 0) {
            i += n;
            continue;
        }
        if (cp < '0' || cp > '9') {
            /* AM/PM markers, Vietnamese SA/CH included. */
            size_t k;
            if ((k = corpus__match_ci(s + i, len - i, "am")) ||
                (k = corpus__match_ci(s + i, len - i, "sa"))) {
                if (!have_time || is_alnum_at(s, len, i + k))
                    return VJ_EINVAL;
                pm = 0;
                i += k;
                continue;
            }
            if ((k = corpus__match_ci(s + i, len - i, "pm")) ||
                (k = corpus__match_ci(s + i, len - i, "ch"))) {
                if (!have_time || is_alnum_at(s, len, i + k))
                    return VJ_EINVAL;
                pm = 1;
                i += k;
                continue;
            }
            return VJ_EINVAL;
        }

        size_t nd;
        int a = number_read(s, len, &i, 4, &nd);
        if (a < 0)
            return VJ_EINVAL;
        if (nd == 4) { /* ISO yyyy-mm-dd */
            if (have_date || i >= len || s[i] != '-')
                return VJ_EINVAL;
            i++;
            if ((m = digits_read(s, len, &i, 2)) < 0 || i >= len ||
                s[i++] != '-' || (d = digits_read(s, len, &i, 2)) < 0)
                return VJ_EINVAL;
            y = a;
            have_date = 1;
        } else if (i < len && (s[i] == '/' || s[i] == '.' || s[i] == '-') &&
                   nd <= 2) {
            char sep = s[i++];
            size_t nd2, nd3;
            int b = number_read(s, len, &i, 2, &nd2);
            if (b < 0 || have_date || i >= len || s[i++] != sep)
                return VJ_EINVAL;
            int c = number_read(s, len, &i, 4, &nd3);
            if (c < 0 || nd3 != 4)
                return VJ_EINVAL;
            d = a;
            m = b;
            y = c;
            have_date = 1;
        } else if (i < len && (s[i] == ':' || s[i] == 'h' || s[i] == 'H') &&
                   nd <= 2) {
            i++;
            if (have_time || (mm = digits_read(s, len, &i, 2)) < 0)
                return VJ_EINVAL;
            hh = a;
            if (i < len && s[i] == ':') {
                i++;
                if ((ss = digits_read(s, len, &i, 2)) < 0)
                    return VJ_EINVAL;
            }
            have_time = 1;
        } else {
            return VJ_EINVAL;
        }
        if (is_alnum_at(s, len, i))
            return VJ_EINVAL;
    }
    if (!have_date)
        return VJ_EINVAL;
    if (have_time && pm >= 0) {
        if (hh < 1 || hh > 12)
            return VJ_EINVAL;
        hh = (hh % 12) + (pm ? 12 : 0);
    }
    if (have_time)
        return corpus__date_make(out, CORPUS_PREC_TIME, y, m, d, hh, mm, ss, 1,
                                 VN_OFFSET_MIN);
    return corpus__date_make(out, CORPUS_PREC_DAY, y, m, d, 0, 0, 0, 0, 0);
}
