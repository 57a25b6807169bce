/* fuzz_timex.c - libFuzzer harness for the temporal tagger and the date
 * helpers. The first byte picks the publication date (unknown, a year, a
 * month, a day, or days around a year end); the rest is the sentence, passed
 * as an exact-size copy so ASan sees any read past its end. Every result is
 * checked: spans inside the text, ordered and disjoint, on code-point
 * boundaries when the input is valid UTF-8, dates real calendar days with
 * start <= end, formatting within its buffers. The bytes also go through
 * extract_iso_range. The lexicon is loaded once from data/lexicon (run from
 * the repository root); without it the tagger runs on numeric shapes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/extract/calendar.h"
#include "../../src/extract/internal.h"
#include "vjcorpus/common.h"
#include "vjcorpus/extract.h"
#include "vjcorpus/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const extract_lexicon_t *fuzz_lexicon(void) {
    static int loaded;
    static struct extract_lexicon lex;
    if (!loaded) {
        loaded = 1;
        if (extract__timex_lex_load("data/lexicon", NULL, NULL, &lex.timex) !=
            0)
            lex.timex = NULL;
    }
    return &lex;
}

static corpus_date_t fuzz_ref(uint8_t b) {
    static const int days[][3] = {{2025, 11, 28}, {2026, 1, 1}, {2025, 12, 31},
                                  {2024, 2, 29},  {1, 1, 1},    {9999, 12, 31},
                                  {2023, 11, 26}, {2026, 1, 5}};
    corpus_date_t r;
    memset(&r, 0, sizeof r);
    const int *d = days[(b >> 2) & 7];
    switch (b & 3) {
    case 0:
        break; /* unknown */
    case 1:
        r.precision = CORPUS_PREC_YEAR;
        r.year = d[0];
        break;
    case 2:
        r.precision = CORPUS_PREC_MONTH;
        r.year = d[0];
        r.month = d[1];
        break;
    default:
        r.precision = (b & 0x20) ? CORPUS_PREC_TIME : CORPUS_PREC_DAY;
        r.year = d[0];
        r.month = d[1];
        r.day = d[2];
        break;
    }
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0)
        return 0;
    corpus_date_t ref = fuzz_ref(data[0]);
    size_t n = size - 1;
    char *text = malloc(n ? n : 1);
    if (text == NULL)
        abort();
    memcpy(text, data + 1, n);
    int valid = text_utf8_validate(text, n, NULL) == 0;

    extract_timex_t *t = NULL;
    size_t k = extract_timex_find(fuzz_lexicon(), text, n, &ref, &t);
    if ((k == 0) != (t == NULL))
        abort();
    for (size_t i = 0; i < k; i++) {
        const extract_timex_t *x = &t[i];
        if (x->start >= x->end || x->end > n || (i && t[i - 1].end > x->start))
            abort();
        if (valid &&
            (((unsigned char)text[x->start] & 0xC0) == 0x80 ||
             (x->end < n && ((unsigned char)text[x->end] & 0xC0) == 0x80)))
            abort();
        if (x->kind == EXTRACT_TIMEX_DATE) {
            const extract_date_t *d = &x->date;
            if (!extract__ymd_valid(d->start.year, d->start.month,
                                    d->start.day) ||
                !extract__ymd_valid(d->end.year, d->end.month, d->end.day) ||
                extract__ymd_days(d->start.year, d->start.month, d->start.day) >
                    extract__ymd_days(d->end.year, d->end.month, d->end.day) ||
                d->precision < EXTRACT_PREC_DAY ||
                d->precision > EXTRACT_PREC_YEAR)
                abort();
            char a[11], b[11];
            extract_date_format(d, a, b);
            extract_ymd_t lo, hi;
            if (extract_iso_range(a, &lo, &hi) != 0 ||
                extract_iso_range(b, &lo, &hi) != 0)
                abort();
        } else if (x->kind != EXTRACT_TIMEX_UNRESOLVED &&
                   x->kind != EXTRACT_TIMEX_DURATION) {
            abort();
        }
    }
    free(t);

    /* The bytes as an ISO filter value. */
    if (n < 64) {
        char buf[64];
        memcpy(buf, text, n);
        buf[n] = '\0';
        extract_ymd_t lo, hi;
        if (extract_iso_range(buf, &lo, &hi) == 0 &&
            (!extract__ymd_valid(lo.year, lo.month, lo.day) ||
             !extract__ymd_valid(hi.year, hi.month, hi.day)))
            abort();
    }
    free(text);
    return 0;
}
