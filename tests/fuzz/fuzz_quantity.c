/* fuzz_quantity.c - libFuzzer harness for the number parser and the
 * statistics (src/extract/statistic.c). Arbitrary bytes (valid UTF-8, NFC
 * or not) go to extract_quantities_find() as one sentence: every quantity
 * must lie inside the text on code-point boundaries, in order, with a
 * finite value no larger than 1e18, a unit and qualifier in range, a unit
 * span inside its own span. The same bytes then run as a one-document
 * corpus through extract_run(): every statistic must have an id, spans
 * inside the text with matching code-point offsets, change links that
 * point at each other, and valid entity indices. The lexicons are loaded
 * once from data/lexicon (run from the repository root). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vjcorpus/common.h"
#include "vjcorpus/corpus.h"
#include "vjcorpus/extract.h"
#include "vjcorpus/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static corpus_lexicon_t *clex;
static extract_lexicon_t *xlex;

static int lexicons(void) {
    static int loaded;
    if (!loaded) {
        loaded = 1;
        if (corpus_lexicon_load("data/lexicon", NULL, NULL, &clex) != 0)
            clex = NULL;
        if (extract_lexicon_load("data/lexicon", NULL, NULL, &xlex) != 0)
            xlex = NULL;
    }
    return xlex != NULL;
}

static int boundary(const char *s, size_t len, size_t at) {
    return at == len || ((unsigned char)s[at] & 0xC0) != 0x80;
}

static void check_quantities(const char *s, size_t len) {
    extract_quantity_t *q = NULL;
    size_t n = extract_quantities_find(xlex, s, len, &q);
    uint32_t prev_end = 0;
    for (size_t i = 0; i < n; i++) {
        const extract_quantity_t *x = &q[i];
        if (x->start >= x->end || x->end > len || x->start < prev_end ||
            !boundary(s, len, x->start) || !boundary(s, len, x->end) ||
            !isfinite(x->value) || x->value < 0 || x->value > 1e18 ||
            (x->has_max && (!isfinite(x->value_max) || x->value_max > 1e18 ||
                            x->value_max <= x->value)) ||
            x->unit >= EXTRACT_UNIT_COUNT ||
            x->approx >= EXTRACT_APPROX_COUNT ||
            (x->unit_end && (x->unit_start < x->start || x->unit_end > x->end ||
                             x->unit_start >= x->unit_end)) ||
            x->change_sign < -1 || x->change_sign > 1)
            abort();
        prev_end = x->end;
    }
    free(q);
}

static void span_check(const corpus_doc_t *d, const extract_source_t *src) {
    const corpus_span_t *sp = &src->span;
    if (src->doc != 0 || sp->start > sp->end || sp->end > d->text_len ||
        src->paragraph >= d->paragraph_count ||
        !boundary(d->text, d->text_len, sp->start) ||
        !boundary(d->text, d->text_len, sp->end) ||
        text_utf8_count(d->text, sp->start) != sp->char_start ||
        text_utf8_count(d->text + sp->start, sp->end - sp->start) !=
            sp->char_end - sp->char_start)
        abort();
}

static void check_statistics(const corpus_t *c, const extract_result_t *r) {
    const corpus_doc_t *d = corpus_doc_at(c, 0);
    size_t n = extract_statistic_count(r), ents = extract_entity_count(xlex);
    for (size_t i = 0; i < n; i++) {
        const extract_statistic_t *f = extract_statistic_at(r, i);
        if (f->id == NULL || f->id[0] == '\0' ||
            f->metric >= EXTRACT_METRIC_COUNT ||
            f->q.unit >= EXTRACT_UNIT_COUNT ||
            (f->unit_text &&
             text_utf8_validate(f->unit_text, strlen(f->unit_text), NULL)) ||
            (f->change >= 0 &&
             ((size_t)f->change >= n ||
              extract_statistic_at(r, (size_t)f->change)->change_of !=
                  (int32_t)i)) ||
            (f->change_of >= 0 &&
             ((size_t)f->change_of >= n ||
              extract_statistic_at(r, (size_t)f->change_of)->change !=
                  (int32_t)i)) ||
            f->change < -1 || f->change_of < -1 ||
            (f->subject_from >= 0 && (size_t)f->subject_from >= ents) ||
            (f->subject_to >= 0 && (size_t)f->subject_to >= ents) ||
            f->subject_from < -1 || f->subject_to < -1)
            abort();
        span_check(d, &f->source);
        span_check(d, &f->sentence);
        if (f->source.span.start < f->sentence.span.start ||
            f->source.span.end > f->sentence.span.end)
            abort();
        for (size_t k = 0; k < i; k++)
            if (strcmp(extract_statistic_at(r, k)->id, f->id) == 0)
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!lexicons() || size > 16 * 1024)
        return 0;
    const char *s = (const char *)data;
    if (text_utf8_validate(s, size, NULL) == 0)
        check_quantities(s, size);
    corpus_meta_t meta = {.title = "Việt Nam và Nhật Bản",
                          .published =
                              size > 0 && (data[0] & 1) ? "2025-11-28" : NULL};
    corpus_doc_t *doc = NULL;
    if (corpus_doc_parse("fuzz", "fuzz.txt", s, size, &meta, clex, NULL, NULL,
                         &doc) != 0)
        return 0;
    corpus_t *c = NULL;
    if (corpus_from_docs(&doc, 1, &c) != 0) {
        corpus_doc_free(doc);
        return 0;
    }
    extract_result_t *r = NULL;
    if (extract_run(xlex, c, &r) == 0) {
        check_statistics(c, r);
        extract_result_free(r);
    }
    corpus_unref(c);
    return 0;
}
