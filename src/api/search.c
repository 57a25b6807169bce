/* search.c - GET /api/v1/search and GET /api/v1/suggest.
 *
 * Search runs the query against the snapshot's index (src/index) and
 * answers {"query","total","limit","offset","items","facets"}: one item
 * per matching paragraph with its score, an HTML snippet and highlights as
 * offsets into the document text, and facets (matches per document and
 * per published year) over all matches. document= keeps one document,
 * from= / to= the documents published in that range. The time taken goes
 * in Server-Timing, so equal queries answer equal bodies and ETags.
 *
 * Suggest completes the last syllable of q from the corpus vocabulary. */
#include "internal.h"
#include "vjcorpus/text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The q parameter: present, not empty, at most INDEX_QUERY_MAX_BYTES. */
static const char *query_param(http_req_t *req) {
    const char *q = http_req_query(req, "q");
    if (q == NULL || q[0] == '\0') {
        http_req_problem(req, 400, "invalid-parameter", "q",
                         "Query parameter 'q' is required and must not be "
                         "empty.");
        return NULL;
    }
    if (strlen(q) > INDEX_QUERY_MAX_BYTES) {
        http_req_problem(req, 400, "invalid-parameter", "q",
                         "Query parameter 'q' is longer than %d bytes.",
                         INDEX_QUERY_MAX_BYTES);
        return NULL;
    }
    return q;
}

/* The days a published date covers. */
static extract_date_t published_range(const corpus_date_t *d) {
    extract_date_t r = {{d->year, 1, 1},
                        {d->year, 12, 31},
                        EXTRACT_PREC_YEAR,
                        EXTRACT_MOD_NONE};
    if (d->precision >= CORPUS_PREC_MONTH) {
        r.start.month = r.end.month = d->month;
        r.end.day = vj_days_in_month(d->year, d->month);
        r.precision = EXTRACT_PREC_MONTH;
    }
    if (d->precision >= CORPUS_PREC_DAY) {
        r.start.day = r.end.day = d->day;
        r.precision = EXTRACT_PREC_DAY;
    }
    return r;
}

static json_t *published_json(const corpus_doc_t *doc) {
    return doc->published.precision == CORPUS_PREC_NONE
               ? json_null()
               : json_string(doc->published.iso);
}

static json_t *hit_json(const api_snapshot_t *snap, const index_result_t *res,
                        const index_hit_t *hit) {
    const corpus_doc_t *doc = corpus_doc_at(snap->corpus, hit->doc);
    char *snippet;
    index_span_t *spans;
    size_t n;
    index_render(snap->index, res, hit, &snippet, &spans, &n);
    json_t *hl = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            hl, json_pack("{s:I, s:I, s:I, s:I}", "start",
                          (json_int_t)spans[i].start, "end",
                          (json_int_t)spans[i].end, "char_start",
                          (json_int_t)spans[i].char_start, "char_end",
                          (json_int_t)spans[i].char_end));
    free(spans);
    /* six decimals: stable bodies, and enough to order by */
    double score = round(hit->score * 1e6) / 1e6;
    json_t *o =
        json_pack("{s:s, s:s, s:o, s:I, s:f, s:s, s:o}", "document_id", doc->id,
                  "document_title", doc->title, "published",
                  published_json(doc), "paragraph", (json_int_t)hit->paragraph,
                  "score", score, "snippet", snippet, "highlights", hl);
    free(snippet);
    return o;
}

void api__search(http_req_t *req, void *data) {
    uint64_t t0 = vj_now_us();
    long limit, offset;
    extract_ymd_t from, to;
    int has_range;
    const char *q = query_param(req);
    if (q == NULL || http_req_paging_params(req, &limit, &offset) != 0 ||
        api__range_params(req, &from, &to, &has_range) != 0)
        return;
    api_snapshot_t *snap = api_current(data);
    size_t only;
    index_query_t *query = NULL;
    const char *why = NULL;
    if (api__document_param(req, snap, &only) != 0)
        goto done;
    int rc = index_query_parse(q, strlen(q), &query, &why);
    if (rc != 0) {
        http_req_problem(req, 400, "invalid-parameter", "q",
                         "Query parameter 'q' cannot be searched: %s.", why);
        goto done;
    }

    size_t docs = corpus_doc_count(snap->corpus);
    uint8_t *allowed = NULL;
    if (only != SIZE_MAX || has_range) {
        allowed = vj_calloc(docs ? docs : 1, 1);
        for (size_t d = 0; d < docs; d++) {
            const corpus_doc_t *doc = corpus_doc_at(snap->corpus, d);
            if (only != SIZE_MAX && d != only)
                continue;
            if (has_range) {
                if (doc->published.precision == CORPUS_PREC_NONE)
                    continue;
                extract_date_t r = published_range(&doc->published);
                if (!extract_date_overlaps(&r, &from, &to))
                    continue;
            }
            allowed[d] = 1;
        }
    }
    index_search_options_t opts = {allowed, (size_t)offset, (size_t)limit};
    index_result_t res;
    index_search(snap->index, query, &opts, &res);
    free(allowed);
    uint64_t t1 = vj_now_us();

    json_t *items = json_array();
    for (size_t i = 0; i < res.hit_count; i++)
        json_array_append_new(items, hit_json(snap, &res, &res.hits[i]));
    json_t *by_doc = json_object(), *by_year = json_object();
    for (size_t d = 0; d < docs; d++) {
        if (res.doc_matches[d] == 0)
            continue;
        const corpus_doc_t *doc = corpus_doc_at(snap->corpus, d);
        json_object_set_new(by_doc, doc->id,
                            json_integer((json_int_t)res.doc_matches[d]));
        char year[16] = "unknown";
        if (doc->published.precision != CORPUS_PREC_NONE)
            snprintf(year, sizeof year, "%d", doc->published.year);
        json_t *v = json_object_get(by_year, year);
        json_object_set_new(by_year, year,
                            json_integer((v ? json_integer_value(v) : 0) +
                                         (json_int_t)res.doc_matches[d]));
    }
    json_t *o =
        json_pack("{s:s, s:I, s:I, s:I, s:o, s:{s:o, s:o}}", "query", q,
                  "total", (json_int_t)res.total, "limit", (json_int_t)limit,
                  "offset", (json_int_t)offset, "items", items, "facets",
                  "document", by_doc, "year", by_year);
    http_req_paging(req, res.total, limit, offset);
    index_result_cleanup(&res);
    http_req_timing(req, "search", t1 - t0);
    http_req_timing(req, "render", vj_now_us() - t1);
    api__respond(req, 200, o);
done:
    index_query_free(query);
    api_snapshot_unref(snap);
}

void api__suggest(http_req_t *req, void *data) {
    uint64_t t0 = vj_now_us();
    long limit;
    const char *q = query_param(req);
    if (q == NULL || http_req_query_long(req, "limit", 1, 100, 10, &limit))
        return;
    api_snapshot_t *snap = api_current(data);
    index_suggestion_t *s;
    size_t n;
    if (index_suggest(snap->index, q, strlen(q), (size_t)limit, &s, &n) != 0) {
        http_req_problem(req, 400, "invalid-parameter", "q",
                         "Query parameter 'q' cannot be completed.");
        api_snapshot_unref(snap);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items,
                              json_pack("{s:s, s:I}", "text", s[i].text,
                                        "count", (json_int_t)s[i].count));
    index_suggestions_free(s, n);
    http_req_timing(req, "suggest", vj_now_us() - t0);
    api__respond(req, 200, json_pack("{s:s, s:o}", "query", q, "items", items));
    api_snapshot_unref(snap);
}
