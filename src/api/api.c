/* api.c - the api object: the snapshot being served and the route table.
 *
 * Requests run on the loop thread; publishing swaps one pointer there too.
 * A snapshot built on a worker thread becomes visible only through
 * api_publish(), called on the loop, so handlers never see a half-built
 * one. */
#include "internal.h"
#include "vjcorpus/text.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const list_params[] = {"sort", "order", "language", NULL};
static const char *const timeline_params[] = {
    "from", "to", "type", "actor", "place", "q", "document", "order",
    "format", "planned", NULL};
static const char *const project_params[] = {
    "q", "sector", "status", "funding", "location", "partner", "document",
    NULL};
static const char *const statistic_params[] = {
    "metric", "unit", "from", "to", "q", "document", "sort", "order", "group",
    NULL};
static const char *const stats_params[] = {"top", NULL};
static const char *const entity_params[] = {"type", "q", "document", "sort",
                                            NULL};
static const char *const search_params[] = {"q", "document", "from", "to",
                                            NULL};
static const char *const suggest_params[] = {"q", "limit", NULL};

/* Answers from the response cache, or runs the handler and keeps its
 * answer. */
static void cached_handler(http_req_t *req, void *data) {
    api__route_t *r = data;
    api_t *api = r->api;
    size_t n;
    const char *key = http_req_target(req, &n);
    http_cached_t *hit = api__cache_get(&api->cache, key, n);
    if (hit) {
        http_req_answer_cached(req, hit);
        return;
    }
    uint64_t generation = api->cache.generation;
    r->handler(req, api);
    api__cache_keep(api, req, generation);
}

uint64_t api__cache_generation(const api_t *api) {
    return api->cache.generation;
}

void api__cache_keep(api_t *api, http_req_t *req, uint64_t generation) {
    if (api->cache.slots == NULL || generation != api->cache.generation ||
        !http_req_answered_ok(req))
        return;
    size_t n;
    const char *key = http_req_target(req, &n);
    http_cached_t *kept = http_req_keep(req);
    if (kept)
        api__cache_put(&api->cache, key, n, kept);
}

api_t *api_new(void) {
    api_t *api = vj_calloc(1, sizeof *api);
    const http_route_t routes[] = {
        {"/api/v1/health", api__health, NULL,
         HTTP_ROUTE_ALWAYS | HTTP_ROUTE_NO_STORE, api},
        {"/api/v1/health/live", api__health_live, NULL,
         HTTP_ROUTE_ALWAYS | HTTP_ROUTE_NO_STORE, api},
        {"/api/v1/health/ready", api__health_ready, NULL,
         HTTP_ROUTE_ALWAYS | HTTP_ROUTE_NO_STORE, api},
        {"/metrics", api__metrics, NULL,
         HTTP_ROUTE_ALWAYS | HTTP_ROUTE_NO_STORE, api},
        {"/openapi.json", api__openapi, NULL, HTTP_ROUTE_ALWAYS, api},
        {"/api/v1/documents", api__documents_list, list_params,
         HTTP_ROUTE_LIST, api},
        {"/api/v1/documents/{id}", api__documents_get, NULL, 0, api},
        {"/api/v1/timeline", api__timeline_list, timeline_params,
         HTTP_ROUTE_LIST, api},
        {"/api/v1/timeline/{id}", api__timeline_get, NULL, 0, api},
        {"/api/v1/entities", api__entities_list, entity_params,
         HTTP_ROUTE_LIST, api},
        {"/api/v1/entities/{id}", api__entities_get, NULL, 0, api},
        {"/api/v1/projects", api__projects_list, project_params,
         HTTP_ROUTE_LIST, api},
        {"/api/v1/projects/{id}", api__projects_get, NULL, 0, api},
        {"/api/v1/statistics", api__statistics_list, statistic_params,
         HTTP_ROUTE_LIST, api},
        {"/api/v1/stats", api__stats, stats_params, 0, api},
        {"/api/v1/search", api__search, search_params, HTTP_ROUTE_LIST, api},
        {"/api/v1/suggest", api__suggest, suggest_params, 0, api},
        /* the explorer page, last: /{file} must not shadow the API */
        {"/", api__web_index, NULL,
         HTTP_ROUTE_ALWAYS | HTTP_ROUTE_ANY_PARAMS, api},
        {"/{file}", api__web_file, NULL,
         HTTP_ROUTE_ALWAYS | HTTP_ROUTE_ANY_PARAMS, api},
    };
    api->route_count = VJ_ARRAY_SIZE(routes);
    api->routes = vj_malloc(sizeof routes);
    memcpy(api->routes, routes, sizeof routes);
    /* every resource but health and the OpenAPI document (static already)
     * answers through the response cache */
    api->wrapped = vj_calloc(api->route_count, sizeof *api->wrapped);
    for (size_t i = 0; i < api->route_count; i++) {
        if (api->routes[i].flags & HTTP_ROUTE_ALWAYS)
            continue;
        api->wrapped[i] = (api__route_t){api, api->routes[i].handler};
        api->routes[i].handler = cached_handler;
        api->routes[i].data = &api->wrapped[i];
    }
    api__cache_init(&api->cache, API__CACHE_DEFAULT_BYTES);
    api->web_dir = vj_strdup("web");
    return api;
}

void api_note_load(api_t *api, api_load_outcome_t outcome,
                   const char *const *problems, size_t n) {
    api__load_note_t *l = &api->last_load;
    for (size_t i = 0; i < l->problem_count; i++)
        free(l->problems[i]);
    free(l->problems);
    l->problems = vj_calloc(n ? n : 1, sizeof *l->problems);
    for (size_t i = 0; i < n; i++)
        l->problems[i] = vj_strdup(problems[i]);
    l->problem_count = n;
    l->outcome = outcome;
    l->set = 1;
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(l->at, sizeof l->at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if ((unsigned)outcome < 3)
        api->loads[outcome]++;
}

void api_set_cache_bytes(api_t *api, size_t bytes) {
    api__cache_free(&api->cache);
    api__cache_init(&api->cache, bytes);
}

void api_free(api_t *api) {
    if (api == NULL)
        return;
    api_snapshot_unref(api->current);
    api__cache_free(&api->cache);
    for (size_t i = 0; i < api->last_load.problem_count; i++)
        free(api->last_load.problems[i]);
    free(api->last_load.problems);
    free(api->routes);
    free(api->wrapped);
    free(api->web_dir);
    free(api);
}

void api_publish(api_t *api, api_snapshot_t *snap) {
    api_snapshot_t *old = api->current;
    api->current = snap;
    api->published_at = (int64_t)time(NULL);
    api__cache_clear(&api->cache);
    api_snapshot_unref(old);
}

api_snapshot_t *api_current(api_t *api) {
    return api->current ? api_snapshot_ref(api->current) : NULL;
}

size_t api_routes(api_t *api, const http_route_t **routes) {
    *routes = api->routes;
    return api->route_count;
}

void api__respond(http_req_t *req, int status, json_t *o) {
    /* 12 significant digits: scores and values without binary noise
     * (7.998649, not 7.9986490000000003) */
    char *body = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(12));
    json_decref(o);
    if (body == NULL) {
        http_req_problem(req, 500, "internal-error", NULL,
                         "The response could not be serialised.");
        return;
    }
    http_req_json(req, status, body, strlen(body));
}


json_t *api__string_or_null(const char *s) {
    return s ? json_string(s) : json_null();
}

json_t *api__date(const extract_date_t *d) {
    static const char *const prec[] = {"", "day", "week", "month", "quarter",
                                       "year"};
    static const char *const mods[] = {NULL, "early", "mid", "late",
                                       "approx", "fiscal"};
    char start[16], end[16];
    extract_date_format(d, start, end);
    json_t *o = json_pack("{s:s, s:s, s:s}", "start", start, "end", end,
                          "precision", prec[d->precision]);
    if (d->mod != EXTRACT_MOD_NONE)
        json_object_set_new(o, "mod", json_string(mods[d->mod]));
    return o;
}

static json_t *published_json(const corpus_doc_t *doc) {
    return doc->published.precision == CORPUS_PREC_NONE
               ? json_null()
               : json_string(doc->published.iso);
}

json_t *api__source(const api_snapshot_t *snap, const extract_source_t *src,
                    int with_doc) {
    const corpus_doc_t *doc = corpus_doc_at(snap->corpus, src->doc);
    const corpus_span_t *sp = &src->span;
    json_t *o = json_pack(
        "{s:s, s:I, s:I, s:I, s:I, s:I, s:s%}", "document_id", doc->id,
        "paragraph", (json_int_t)src->paragraph, "start",
        (json_int_t)sp->start, "end", (json_int_t)sp->end, "char_start",
        (json_int_t)sp->char_start, "char_end", (json_int_t)sp->char_end,
        "quote", doc->text + sp->start, (size_t)(sp->end - sp->start));
    if (with_doc) {
        json_object_set_new(o, "document_title", json_string(doc->title));
        json_object_set_new(o, "published", published_json(doc));
    }
    return o;
}

json_t *api__entity_ref(const api_snapshot_t *snap, uint32_t entity) {
    static const char *const types[] = {"person", "organization", "place"};
    const extract_entity_t *e = extract_entity_at(snap->xlex, entity);
    return json_pack("{s:s, s:s, s:s}", "id", e->id, "name", e->name, "type",
                     types[e->type]);
}

static int is_alnum_byte(unsigned char c) {
    /* folded text is ASCII letters and digits plus other scripts' bytes */
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

int api__folded_contains(const char *text, const char *folded_needle) {
    char *f;
    size_t n, nl = strlen(folded_needle);
    if (nl == 0 || text_fold(text, strlen(text), &f, &n) != 0)
        return 0;
    int hit = 0;
    for (const char *p = strstr(f, folded_needle); p && !hit;
         p = strstr(p + 1, folded_needle)) {
        /* whole words only: "ha noi" is not found in "nha noi" */
        int before = p == f || !is_alnum_byte((unsigned char)p[-1]) ||
                     !is_alnum_byte((unsigned char)folded_needle[0]);
        int after = p[nl] == '\0' || !is_alnum_byte((unsigned char)p[nl]) ||
                    !is_alnum_byte((unsigned char)folded_needle[nl - 1]);
        hit = before && after;
    }
    free(f);
    return hit;
}

int api__folded_param(http_req_t *req, const char *name, char **out) {
    const char *v = http_req_query(req, name);
    size_t n;
    *out = NULL;
    if (v == NULL)
        return 0;
    if (text_fold(v, strlen(v), out, &n) == 0) {
        /* trim: " ha noi " is "ha noi"; only spaces is empty */
        char *s = *out;
        while (*s == ' ')
            s++;
        size_t len = strlen(s);
        while (len && s[len - 1] == ' ')
            len--;
        memmove(*out, s, len);
        (*out)[len] = '\0';
        if (len)
            return 0;
    }
    free(*out);
    *out = NULL;
    http_req_problem(req, 400, "invalid-parameter", name,
                     "Query parameter '%s' must not be empty.", name);
    return VJ_EINVAL;
}

int api__document_param(http_req_t *req, const api_snapshot_t *snap,
                        size_t *doc) {
    const char *id = http_req_query(req, "document");
    *doc = SIZE_MAX;
    if (id == NULL)
        return 0;
    *doc = corpus_doc_find_index(snap->corpus, id);
    if (*doc != SIZE_MAX)
        return 0;
    http_req_problem(req, 400, "invalid-parameter", "document",
                     "No document with id '%s'.", id);
    return VJ_EINVAL;
}

int api__entity_named(const api_snapshot_t *snap, uint32_t entity,
                      const char *raw, const char *folded) {
    const extract_entity_t *e = extract_entity_at(snap->xlex, entity);
    if ((raw && strcmp(e->id, raw) == 0) ||
        api__folded_contains(e->name, folded))
        return 1;
    for (size_t i = 0; i < e->alias_count; i++)
        if (api__folded_contains(e->aliases[i], folded))
            return 1;
    return 0;
}

void api__respond_list(http_req_t *req, json_t *items, size_t total,
                       long limit, long offset) {
    json_t *o = json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total",
                          (json_int_t)total, "limit", (json_int_t)limit,
                          "offset", (json_int_t)offset);
    http_req_paging(req, total, limit, offset);
    api__respond(req, 200, o);
}

int api__range_params(http_req_t *req, extract_ymd_t *from,
                      extract_ymd_t *to, int *has) {
    const char *f = http_req_query(req, "from"), *t = http_req_query(req, "to");
    extract_ymd_t lo, hi;
    *from = (extract_ymd_t){-100000, 1, 1};
    *to = (extract_ymd_t){100000, 12, 31};
    *has = f || t;
    if (f) {
        if (extract_iso_range(f, &lo, &hi) != 0) {
            http_req_problem(req, 400, "invalid-parameter", "from",
                             "Query parameter 'from' must be an ISO 8601 "
                             "date: YYYY, YYYY-MM or YYYY-MM-DD.");
            return VJ_EINVAL;
        }
        *from = lo;
    }
    if (t) {
        if (extract_iso_range(t, &lo, &hi) != 0) {
            http_req_problem(req, 400, "invalid-parameter", "to",
                             "Query parameter 'to' must be an ISO 8601 "
                             "date: YYYY, YYYY-MM or YYYY-MM-DD.");
            return VJ_EINVAL;
        }
        *to = hi;
    }
    extract_date_t probe = {*from, *from, EXTRACT_PREC_DAY, 0};
    if (f && t && !extract_date_overlaps(&probe, from, to)) {
        http_req_problem(req, 400, "invalid-parameter", "from",
                         "Query parameter 'from' (%s) is after 'to' (%s).",
                         f, t);
        return VJ_EINVAL;
    }
    return 0;
}


json_t *api__number(double v) {
    if (v == (double)(json_int_t)v && v > -9007199254740992.0 &&
        v < 9007199254740992.0)
        return json_integer((json_int_t)v);
    return json_real(v);
}
