/* stats.c - GET /api/v1/stats: figures of the whole corpus. Counts of
 * documents, paragraphs, sentences, words; the publication date range;
 * counts of events, projects, statistics and entities; counts per year and
 * per type; and the top terms (top=N, at most 100). */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void bump(json_t *o, const char *key) {
    json_t *v = json_object_get(o, key);
    json_object_set_new(o, key,
                        json_integer(v ? json_integer_value(v) + 1 : 1));
}

static void bump_year(json_t *o, int year) {
    char key[16];
    snprintf(key, sizeof key, "%d", year);
    bump(o, key);
}

static json_t *terms_json(const api_term_t *t, size_t n, long top) {
    json_t *a = json_array();
    for (size_t i = 0; i < n && i < (size_t)top; i++)
        json_array_append_new(a, json_pack("{s:s, s:I}", "term", t[i].term,
                                           "count", (json_int_t)t[i].count));
    return a;
}

void api__stats(http_req_t *req, void *data) {
    long top;
    if (http_req_query_long(req, "top", 1, API__TERMS, 20, &top) != 0)
        return;
    api_snapshot_t *snap = api_current(data);
    const corpus_t *c = snap->corpus;
    const extract_result_t *r = snap->extract;

    json_t *docs_per_year = json_object(), *events_per_year = json_object();
    const corpus_date_t *first = NULL, *last = NULL;
    for (size_t i = 0; i < corpus_doc_count(c); i++) {
        const corpus_doc_t *d = corpus_doc_at(c, i);
        if (d->published.precision == CORPUS_PREC_NONE)
            continue;
        bump_year(docs_per_year, d->published.year);
        if (!first || d->published.sort_key < first->sort_key)
            first = &d->published;
        if (!last || d->published.sort_key > last->sort_key)
            last = &d->published;
    }
    json_t *events_by_type = json_object();
    for (size_t i = 0; i < extract_event_count(r); i++) {
        const extract_event_t *ev = extract_event_at(r, i);
        bump_year(events_per_year, ev->date.start.year);
        bump(events_by_type, extract_event_type_names[ev->type]);
    }
    json_t *by_sector = json_object(), *by_status = json_object();
    for (size_t i = 0; i < extract_project_count(r); i++) {
        const extract_project_t *p = extract_project_at(r, i);
        bump(by_sector, extract_sector_names[p->sector]);
        bump(by_status, extract_status_names[p->status]);
    }
    json_t *by_metric = json_object();
    for (size_t i = 0; i < extract_statistic_count(r); i++)
        bump(by_metric,
             extract_metric_names[extract_statistic_at(r, i)->metric]);
    static const char *const entity_types[] = {"person", "organization",
                                               "place"};
    json_t *by_entity = json_object();
    size_t entities = 0;
    for (size_t i = 0; i < extract_entity_count(snap->xlex); i++) {
        const extract_entity_mention_t *m;
        if (extract_entity_mentions(r, i, &m) == 0)
            continue;
        entities++;
        bump(by_entity, entity_types[extract_entity_at(snap->xlex, i)->type]);
    }

    json_t *o = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:{s:o, s:o}, s:{s:I, s:I, s:I, s:I, "
        "s:I}, s:{s:o, s:o}, s:{s:o, s:o, s:o, s:o, s:o}, s:{s:o, s:o}}",
        "documents", (json_int_t)corpus_doc_count(c), "paragraphs",
        (json_int_t)corpus_paragraph_total(c), "sentences",
        (json_int_t)corpus_sentence_total(c), "words",
        (json_int_t)corpus_word_total(c), "bytes",
        (json_int_t)corpus_byte_total(c), "published", "from",
        first ? json_string(first->iso) : json_null(), "to",
        last ? json_string(last->iso) : json_null(), "counts", "events",
        (json_int_t)extract_event_count(r), "projects",
        (json_int_t)extract_project_count(r), "statistics",
        (json_int_t)extract_statistic_count(r), "entities",
        (json_int_t)entities, "unresolved_dates",
        (json_int_t)extract_unresolved_count(r), "per_year", "documents",
        docs_per_year, "events", events_per_year, "per_type", "events",
        events_by_type, "projects_by_sector", by_sector, "projects_by_status",
        by_status, "statistics_by_metric", by_metric, "entities", by_entity,
        "top_terms", "syllables",
        terms_json(snap->top_words, snap->top_word_count, top), "words",
        terms_json(snap->top_pairs, snap->top_pair_count, top));
    api__respond(req, 200, o);
    api_snapshot_unref(snap);
}
