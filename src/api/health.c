/* health.c - GET /api/v1/health: liveness and readiness in one answer.
 * 200 once a snapshot is served, 503 with Retry-After while the first one
 * is still being built, so a container probe can tell the two apart. */
#include "internal.h"

void api__health(http_req_t *req, void *data) {
    api_t *api = data;
    api_snapshot_t *snap = api_current(api);
    const corpus_t *c = snap ? snap->corpus : NULL;
    json_t *o = json_pack(
        "{s:s, s:b, s:I, s:I, s:o, s:s}", "status", snap ? "ok" : "loading",
        "ready", snap != NULL, "documents",
        (json_int_t)(c ? corpus_doc_count(c) : 0), "skipped",
        (json_int_t)(c ? corpus_problem_count(c) : 0), "loaded_at",
        snap ? json_string(snap->loaded_at) : json_null(), "version",
        VJCORPUS_VERSION);
    if (snap == NULL)
        http_req_retry_after(req, 1);
    api__respond(req, snap ? 200 : 503, o);
    api_snapshot_unref(snap);
}
