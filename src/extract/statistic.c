/* statistic.c - numeric facts (being written: this placeholder finds none,
 * so the build links while the extractor is developed). */
#include "internal.h"

#include <stdlib.h>

const char *const extract_unit_names[] = {
    "USD",    "EUR",     "JPY",     "VND",      "%",     "km",
    "person", "company", "project", "locality", "other", NULL};
const char *const extract_approx_names[] = {
    "exact", "about", "more_than", "less_than", "nearly", NULL};
const char *const extract_metric_names[] = {
    "trade",      "export",         "import",   "investment", "oda",
    "loan",       "visitors",       "residents", "workers",   "trainees",
    "students",   "companies",      "projects", "localities", "infrastructure",
    "target",     "other",          NULL};

struct extract__quantity_lex {
    int unused;
};

int extract__quantity_lex_load(const char *dir, corpus_problem_cb cb,
                               void *data, extract__quantity_lex_t **out) {
    (void)dir;
    (void)cb;
    (void)data;
    *out = vj_calloc(1, sizeof **out);
    return 0;
}

void extract__quantity_lex_free(extract__quantity_lex_t *q) { free(q); }

size_t extract_quantities_find(const extract_lexicon_t *lex, const char *text,
                               size_t len, extract_quantity_t **out) {
    (void)lex;
    (void)text;
    (void)len;
    *out = NULL;
    return 0;
}

void extract__statistics_run(const extract_lexicon_t *lex,
                             const corpus_t *corpus, extract_result_t *r) {
    (void)lex;
    (void)corpus;
    (void)r;
}

void extract__statistics_free(extract_result_t *r) { (void)r; }

size_t extract_statistic_count(const extract_result_t *r) {
    return r->statistic_count;
}

const extract_statistic_t *extract_statistic_at(const extract_result_t *r,
                                                size_t i) {
    return i < r->statistic_count ? &r->statistics[i] : NULL;
}
