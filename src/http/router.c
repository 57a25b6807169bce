/* router.c - matches request paths against route patterns.
 *
 * A pattern is a path of literal segments and "{name}" parameter segments;
 * a parameter matches exactly one non-empty segment. There are a handful of
 * routes, so matching is a linear scan comparing segment by segment. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static void split(const char *path, char ***out, size_t *count) {
    size_t n = 0, cap = 4;
    char **segs = vj_malloc(cap * sizeof *segs);
    const char *p = path;
    while (*p == '/') {
        p++;
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (n == cap) {
            cap *= 2;
            segs = vj_realloc(segs, cap * sizeof *segs);
        }
        segs[n++] = vj_strndup(p, len);
        p += len;
    }
    *out = segs;
    *count = n;
}

static void segments_free(char **segs, size_t n) {
    for (size_t i = 0; i < n; i++)
        free(segs[i]);
    free(segs);
}

int http__routes_compile(http_server_t *s, const http_route_t *routes,
                         size_t n) {
    s->routes = vj_calloc(n, sizeof *s->routes);
    s->route_count = n;
    for (size_t i = 0; i < n; i++) {
        if (routes[i].pattern[0] != '/')
            return VJ_EINVAL;
        s->routes[i].route = routes[i];
        split(routes[i].pattern, &s->routes[i].segments,
              &s->routes[i].segment_count);
    }
    return 0;
}

void http__routes_free(http_server_t *s) {
    for (size_t i = 0; i < s->route_count; i++)
        segments_free(s->routes[i].segments, s->routes[i].segment_count);
    free(s->routes);
    s->routes = NULL;
    s->route_count = 0;
}

static int is_param(const char *seg) {
    size_t len = strlen(seg);
    return len > 2 && seg[0] == '{' && seg[len - 1] == '}';
}

const http__route_t *http__route_match(http_server_t *s, http_req_t *req) {
    char **segs;
    size_t n;
    split(req->path, &segs, &n);
    const http__route_t *found = NULL;
    for (size_t i = 0; i < s->route_count && found == NULL; i++) {
        const http__route_t *r = &s->routes[i];
        if (r->segment_count != n)
            continue;
        size_t j = 0;
        for (; j < n; j++) {
            if (is_param(r->segments[j])) {
                if (segs[j][0] == '\0')
                    break;
            } else if (strcmp(r->segments[j], segs[j]) != 0) {
                break;
            }
        }
        if (j == n)
            found = r;
    }
    if (found) {
        for (size_t j = 0; j < n; j++) {
            const char *seg = found->segments[j];
            if (!is_param(seg) ||
                req->path_param_count == HTTP__MAX_PATH_PARAMS)
                continue;
            http__pair_t *p = &req->path_params[req->path_param_count++];
            p->name = vj_strndup(seg + 1, strlen(seg) - 2);
            p->value = segs[j];
            segs[j] = NULL;
        }
    }
    segments_free(segs, n);
    return found;
}
