/* health.c - probes and metrics.
 *
 * GET /api/v1/health: the whole state: live (always, while the process
 * answers), ready (a snapshot is served), the corpus figures and the
 * outcome of the last load or reload (last_reload: status ok, partial or
 * failed, when, and its problems). 200 once ready, 503 with Retry-After
 * before. GET /api/v1/health/live answers 200 whenever the loop runs (a
 * liveness probe: restart if it fails); GET /api/v1/health/ready 200 only
 * while a snapshot is served (a readiness probe: send traffic). GET
 * /metrics: Prometheus text format. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const outcome_names[] = {"ok", "partial", "failed"};

static json_t *last_load_json(const api_t *api) {
    const api__load_note_t *l = &api->last_load;
    if (!l->set)
        return json_null();
    json_t *errors = json_array();
    for (size_t i = 0; i < l->problem_count; i++)
        json_array_append_new(errors, json_string(l->problems[i]));
    return json_pack("{s:s, s:s, s:o}", "status", outcome_names[l->outcome],
                     "at", l->at, "errors", errors);
}

void api__health(http_req_t *req, void *data) {
    api_t *api = data;
    api_snapshot_t *snap = api_current(api);
    const corpus_t *c = snap ? snap->corpus : NULL;
    json_t *o = json_pack(
        "{s:s, s:b, s:b, s:I, s:I, s:o, s:s, s:o}", "status",
        snap ? "ok" : "loading", "live", 1, "ready", snap != NULL, "documents",
        (json_int_t)(c ? corpus_doc_count(c) : 0), "skipped",
        (json_int_t)(c ? corpus_problem_count(c) : 0), "loaded_at",
        snap ? json_string(snap->loaded_at) : json_null(), "version",
        VJCORPUS_VERSION, "last_reload", last_load_json(api));
    if (snap == NULL)
        http_req_retry_after(req, 1);
    api__respond(req, snap ? 200 : 503, o);
    api_snapshot_unref(snap);
}

void api__health_live(http_req_t *req, void *data) {
    (void)data;
    api__respond(req, 200, json_pack("{s:s}", "status", "live"));
}

void api__health_ready(http_req_t *req, void *data) {
    api_t *api = data;
    api_snapshot_t *snap = api_current(api);
    if (snap == NULL) {
        http_req_retry_after(req, 1);
        api__respond(req, 503, json_pack("{s:s}", "status", "loading"));
        return;
    }
    api__respond(req, 200,
                 json_pack("{s:s, s:I}", "status", "ready", "documents",
                           (json_int_t)corpus_doc_count(snap->corpus)));
    api_snapshot_unref(snap);
}

void api__metrics(http_req_t *req, void *data) {
    api_t *api = data;
    vj_buf_t b;
    vj_buf_init(&b);
    http_req_metrics(req, &b);
    api_snapshot_t *snap = api_current(api);
    const corpus_t *c = snap ? snap->corpus : NULL;
    long long age = snap ? (long long)(time(NULL) - api->published_at) : 0;
    vj_buf_printf(
        &b,
        "# HELP vjcorpus_ready 1 while a snapshot of the corpus is served.\n"
        "# TYPE vjcorpus_ready gauge\n"
        "vjcorpus_ready %d\n"
        "# HELP vjcorpus_snapshot_age_seconds Seconds since the snapshot "
        "being served was published.\n"
        "# TYPE vjcorpus_snapshot_age_seconds gauge\n"
        "vjcorpus_snapshot_age_seconds %lld\n"
        "# HELP vjcorpus_snapshot_documents Documents in the snapshot.\n"
        "# TYPE vjcorpus_snapshot_documents gauge\n"
        "vjcorpus_snapshot_documents %zu\n"
        "# HELP vjcorpus_snapshot_bytes Bytes of document text in the "
        "snapshot.\n"
        "# TYPE vjcorpus_snapshot_bytes gauge\n"
        "vjcorpus_snapshot_bytes %zu\n"
        "# HELP vjcorpus_snapshot_passages Paragraphs in the search index.\n"
        "# TYPE vjcorpus_snapshot_passages gauge\n"
        "vjcorpus_snapshot_passages %zu\n",
        snap != NULL, age, c ? corpus_doc_count(c) : 0,
        c ? corpus_byte_total(c) : 0,
        snap ? index_passage_count(snap->index) : 0);
    vj_buf_puts(&b, "# HELP vjcorpus_reloads_total Loads and reloads of the "
                    "corpus, by outcome.\n"
                    "# TYPE vjcorpus_reloads_total counter\n");
    for (int i = 0; i < 3; i++)
        vj_buf_printf(&b, "vjcorpus_reloads_total{outcome=\"%s\"} %llu\n",
                      outcome_names[i], (unsigned long long)api->loads[i]);
    const api__cache_t *k = &api->cache;
    vj_buf_printf(
        &b,
        "# HELP vjcorpus_cache_requests_total Response cache look-ups, by "
        "result.\n"
        "# TYPE vjcorpus_cache_requests_total counter\n"
        "vjcorpus_cache_requests_total{result=\"hit\"} %llu\n"
        "vjcorpus_cache_requests_total{result=\"miss\"} %llu\n"
        "# HELP vjcorpus_cache_entries Responses in the cache.\n"
        "# TYPE vjcorpus_cache_entries gauge\n"
        "vjcorpus_cache_entries %zu\n"
        "# HELP vjcorpus_cache_bytes Bytes the cached responses hold.\n"
        "# TYPE vjcorpus_cache_bytes gauge\n"
        "vjcorpus_cache_bytes %zu\n",
        (unsigned long long)k->hits, (unsigned long long)k->misses, k->count,
        k->bytes);
    api_snapshot_unref(snap);
    size_t len;
    char *body = vj_buf_steal(&b, &len);
    vj_buf_free(&b);
    http_req_raw(req, 200, "text/plain; version=0.0.4; charset=utf-8", body,
                 len);
}
