/* api.c - the api object: the snapshot being served and the route table.
 *
 * Requests run on the loop thread; publishing swaps one pointer there too.
 * A snapshot built on a worker thread becomes visible only through
 * api_publish(), called on the loop, so handlers never see a half-built
 * one. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const list_params[] = {"sort", "order", "language", NULL};

api_t *api_new(void) {
    api_t *api = vj_calloc(1, sizeof *api);
    const http_route_t routes[] = {
        {"/api/v1/health", api__health, NULL,
         HTTP_ROUTE_ALWAYS | HTTP_ROUTE_NO_STORE, api},
        {"/openapi.json", api__openapi, NULL, HTTP_ROUTE_ALWAYS, api},
        {"/api/v1/documents", api__documents_list, list_params,
         HTTP_ROUTE_LIST, api},
        {"/api/v1/documents/{id}", api__documents_get, NULL, 0, api},
    };
    api->route_count = VJ_ARRAY_SIZE(routes);
    api->routes = vj_malloc(sizeof routes);
    memcpy(api->routes, routes, sizeof routes);
    return api;
}

void api_free(api_t *api) {
    if (api == NULL)
        return;
    api_snapshot_unref(api->current);
    free(api->routes);
    free(api);
}

void api_publish(api_t *api, api_snapshot_t *snap) {
    api_snapshot_t *old = api->current;
    api->current = snap;
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
    char *body = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (body == NULL) {
        http_req_problem(req, 500, "internal-error", NULL,
                         "The response could not be serialised.");
        return;
    }
    http_req_json(req, status, body, strlen(body));
}

static void release_snapshot(void *snap) { api_snapshot_unref(snap); }

void api__respond_cached(http_req_t *req, api_snapshot_t *snap,
                         const char *body, size_t len, uint64_t hash) {
    http_req_json_shared(req, 200, body, len, hash, release_snapshot,
                         api_snapshot_ref(snap));
}

json_t *api__string_or_null(const char *s) {
    return s ? json_string(s) : json_null();
}
