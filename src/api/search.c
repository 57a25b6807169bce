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

/* A search in flight: bound on the loop, run on the threadpool (index
 * search and the whole JSON body), answered back on the loop. */
typedef struct {
    uv_work_t work;
    http_req_t *req;
    api_t *api;
    uint64_t generation; /* of the response cache when it started */
    api_snapshot_t *snap;
    index_query_t *query;
    uint8_t *allowed;
    char *q;
    long limit, offset;
    char *body; /* the answer */
    size_t len, total;
    uint64_t search_us, render_us;
} search_job_t;

typedef struct {
    uint32_t doc, count;
} doc_count_t;

/* Is a listed before b (more matches, then corpus order)? */
static int doc_before(const doc_count_t *a, const doc_count_t *b) {
    return a->count != b->count ? a->count > b->count : a->doc < b->doc;
}

static int cmp_doc_count(const void *a, const void *b) {
    const doc_count_t *x = a, *y = b;
    return doc_before(x, y) ? -1 : doc_before(y, x) ? 1 : 0;
}

/* Keeps the best k of the documents in h (a heap, its worst on top). */
static void top_push(doc_count_t *h, size_t *n, size_t k, doc_count_t v) {
    if (*n < k) {
        size_t i = (*n)++;
        h[i] = v;
        while (i > 0 && doc_before(&h[(i - 1) / 2], &h[i])) {
            doc_count_t t = h[i];
            h[i] = h[(i - 1) / 2];
            h[(i - 1) / 2] = t;
            i = (i - 1) / 2;
        }
        return;
    }
    if (!doc_before(&v, &h[0]))
        return;
    h[0] = v;
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, w = i;
        if (l < *n && doc_before(&h[w], &h[l]))
            w = l;
        if (r < *n && doc_before(&h[w], &h[r]))
            w = r;
        if (w == i)
            break;
        doc_count_t t = h[i];
        h[i] = h[w];
        h[w] = t;
        i = w;
    }
}

/* facets: matches per document (the API__FACET_DOCS documents with the
 * most, most first) and per published year (all, ascending, then
 * "unknown") */
static json_t *facets_json(const api_snapshot_t *snap,
                           const index_result_t *res) {
    size_t docs = res->doc_count, n = 0;
    doc_count_t top[API__FACET_DOCS];
    uint32_t *per_year = vj_calloc(snap->year_count + 1, sizeof *per_year);
    for (size_t d = 0; d < docs; d++) {
        uint32_t c = res->doc_matches[d];
        if (c == 0)
            continue;
        per_year[snap->doc_year[d]] += c;
        top_push(top, &n, API__FACET_DOCS, (doc_count_t){(uint32_t)d, c});
    }
    qsort(top, n, sizeof *top, cmp_doc_count);
    json_t *by_doc = json_object();
    for (size_t i = 0; i < n; i++)
        json_object_set_new(by_doc,
                            corpus_doc_at(snap->corpus, top[i].doc)->id,
                            json_integer((json_int_t)top[i].count));
    json_t *by_year = json_object();
    for (size_t y = 0; y <= snap->year_count; y++) {
        if (per_year[y] == 0)
            continue;
        char key[16] = "unknown";
        if (y < snap->year_count)
            snprintf(key, sizeof key, "%d", snap->years[y]);
        json_object_set_new(by_year, key, json_integer((json_int_t)per_year[y]));
    }
    free(per_year);
    return json_pack("{s:o, s:o}", "document", by_doc, "year", by_year);
}

static void search_work(uv_work_t *w) {
    search_job_t *job = w->data;
    api_snapshot_t *snap = job->snap;
    uint64_t t0 = vj_now_us();
    index_search_options_t opts = {job->allowed, (size_t)job->offset,
                                   (size_t)job->limit};
    index_result_t res;
    index_search(snap->index, job->query, &opts, &res);
    uint64_t t1 = vj_now_us();
    json_t *items = json_array();
    for (size_t i = 0; i < res.hit_count; i++)
        json_array_append_new(items, hit_json(snap, &res, &res.hits[i]));
    json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:o, s:o}", "query", job->q,
                          "total", (json_int_t)res.total, "limit",
                          (json_int_t)job->limit, "offset",
                          (json_int_t)job->offset, "items", items, "facets",
                          facets_json(snap, &res));
    job->total = res.total;
    index_result_cleanup(&res);
    job->body = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(12));
    job->len = job->body ? strlen(job->body) : 0;
    json_decref(o);
    job->search_us = t1 - t0;
    job->render_us = vj_now_us() - t1;
}

/* Answers the job's request with what search_work() made (status: the
 * threadpool's, 0 when it ran). */
static void search_answer(search_job_t *job, int status) {
    http_req_t *req = job->req;
    if (status != 0 || job->body == NULL) {
        free(job->body);
        http_req_problem(req, 500, "internal-error", NULL,
                         "The search could not be completed.");
    } else {
        http_req_paging(req, job->total, job->limit, job->offset);
        http_req_timing(req, "search", job->search_us);
        http_req_timing(req, "render", job->render_us);
        http_req_json(req, 200, job->body, job->len);
        api__cache_keep(job->api, req, job->generation);
    }
}

static void search_job_free(search_job_t *job) {
    index_query_free(job->query);
    free(job->allowed);
    free(job->q);
    api_snapshot_unref(job->snap);
    free(job);
}

static void search_done(uv_work_t *w, int status) {
    search_job_t *job = w->data;
    search_answer(job, status);
    http_req_resume(job->req);
    search_job_free(job);
}

void api__search(http_req_t *req, void *data) {
    long limit, offset;
    extract_ymd_t from, to;
    int has_range;
    const char *q = query_param(req);
    if (q == NULL || http_req_paging_params(req, &limit, &offset) != 0 ||
        api__range_params(req, &from, &to, &has_range) != 0)
        return;
    api_t *api = data;
    api_snapshot_t *snap = api_current(api);
    size_t only;
    index_query_t *query = NULL;
    const char *why = NULL;
    if (api__document_param(req, snap, &only) != 0)
        goto fail;
    int rc = index_query_parse(q, strlen(q), &query, &why);
    if (rc != 0) {
        http_req_problem(req, 400, "invalid-parameter", "q",
                         "Query parameter 'q' cannot be searched: %s.", why);
        goto fail;
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
    search_job_t *job = vj_calloc(1, sizeof *job);
    *job = (search_job_t){.req = req,
                          .api = api,
                          .generation = api__cache_generation(api),
                          .snap = snap,
                          .query = query,
                          .allowed = allowed,
                          .q = vj_strdup(q),
                          .limit = limit,
                          .offset = offset};
    job->work.data = job;
    if (uv_queue_work(http_req_loop(req), &job->work, search_work,
                      search_done) != 0) {
        search_work(&job->work); /* no pool: answer here */
        search_answer(job, 0);
        search_job_free(job);
        return;
    }
    http_req_suspend(req);
    return;
fail:
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
