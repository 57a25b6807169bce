/* request.c - the request side: decoding the URI, strict query parameters.
 *
 * We parse the raw request target ourselves rather than use
 * libmicrohttpd's decoded arguments, because those hide what we must
 * reject: a "%00" truncates a value, a bad escape passes through, and
 * repeated names collapse. Every value handed to a handler is strictly
 * percent-decoded, valid UTF-8 and NUL-free. */
#include "internal.h"
#include "vjcorpus/text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int hexval(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *http__percent_decode(const char *s, size_t len, int plus_space) {
    char *out = vj_malloc(len + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= len || hexval(s[i + 1]) < 0 ||
                hexval(s[i + 2]) < 0)
                goto fail;
            c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else if (c == '+' && plus_space) {
            c = ' ';
        }
        if (c == '\0')
            goto fail;
        out[o++] = c;
    }
    out[o] = '\0';
    if (text_utf8_validate(out, o, NULL) != 0)
        goto fail;
    return out;
fail:
    free(out);
    return NULL;
}

int http__req_parse_uri(http_req_t *req) {
    const char *uri = req->raw_uri;
    size_t len = req->raw_uri_len;
    const char *q = memchr(uri, '?', len);
    size_t path_len = q ? (size_t)(q - uri) : len;

    req->path = http__percent_decode(uri, path_len, 0);
    if (req->path == NULL || req->path[0] != '/') {
        free(req->path);
        req->path = vj_strdup("/");
        http_req_problem(req, 400, "invalid-path", NULL,
                         "The request path is not a valid percent-encoded "
                         "UTF-8 path.");
        return VJ_EINVAL;
    }
    if (q == NULL)
        return 0;

    const char *p = q + 1, *end = uri + len;
    size_t others = 0; /* pairs other than limit and offset */
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        if (stop > p) {
            const char *eq = memchr(p, '=', (size_t)(stop - p));
            const char *name_end = eq ? eq : stop;
            char *name = http__percent_decode(p, (size_t)(name_end - p), 1);
            char *value =
                eq ? http__percent_decode(eq + 1, (size_t)(stop - eq - 1), 1)
                   : vj_strdup("");
            if (name == NULL || value == NULL) {
                free(value);
                http_req_problem(req, 400, "invalid-parameter", name,
                                 "Query parameter%s%s is not valid "
                                 "percent-encoded UTF-8 (or contains %%00).",
                                 name ? " " : "", name ? name : "");
                free(name);
                return VJ_EINVAL;
            }
            /* limit and offset aside, two fewer than fit: a paging link
             * adds them, and must stay within the limit it is sent to */
            int paging =
                strcmp(name, "limit") == 0 || strcmp(name, "offset") == 0;
            if (req->query_count == HTTP__MAX_QUERY ||
                (!paging && others == HTTP__MAX_QUERY - 2)) {
                free(name);
                free(value);
                http_req_problem(req, 400, "invalid-parameter", NULL,
                                 "Too many query parameters (at most %d "
                                 "besides limit and offset).",
                                 HTTP__MAX_QUERY - 2);
                return VJ_EINVAL;
            }
            others += !paging;
            req->query[req->query_count].name = name;
            req->query[req->query_count].value = value;
            req->query_count++;
        }
        p = stop + 1;
    }
    return 0;
}

static int accepted(const http_route_t *r, const char *name) {
    if (r->flags & HTTP_ROUTE_LIST &&
        (strcmp(name, "limit") == 0 || strcmp(name, "offset") == 0))
        return 1;
    for (const char *const *p = r->params; p && *p; p++)
        if (strcmp(*p, name) == 0)
            return 1;
    return 0;
}

int http__req_check_params(http_req_t *req) {
    for (size_t i = 0; i < req->query_count; i++) {
        const char *name = req->query[i].name;
        if (name[0] == '_' ||
            (req->route->route.flags & HTTP_ROUTE_ANY_PARAMS))
            continue; /* cache busters; a page's own parameters */
        if (!accepted(&req->route->route, name)) {
            http_req_problem(req, 400, "unknown-parameter", name,
                             "Unknown query parameter '%s'.", name);
            return VJ_EINVAL;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(req->query[j].name, name) == 0) {
                http_req_problem(req, 400, "invalid-parameter", name,
                                 "Query parameter '%s' is given more than "
                                 "once.",
                                 name);
                return VJ_EINVAL;
            }
        }
    }
    return 0;
}

void http__req_free(http_req_t *req) {
    if (req == NULL)
        return;
    for (size_t i = 0; i < req->path_param_count; i++) {
        free(req->path_params[i].name);
        free(req->path_params[i].value);
    }
    for (size_t i = 0; i < req->query_count; i++) {
        free(req->query[i].name);
        free(req->query[i].value);
    }
    free(req->raw_uri);
    free(req->path);
    if (req->release)
        req->release(req->release_data);
    else
        free(req->body);
    http_cached_unref(req->cached);
    vj_buf_free(&req->link);
    vj_buf_free(&req->timing);
    free(req);
}

const char *http_req_target(const http_req_t *req, size_t *len) {
    *len = req->raw_uri_len;
    return req->raw_uri;
}

const char *http_req_path_param(const http_req_t *req, const char *name) {
    for (size_t i = 0; i < req->path_param_count; i++)
        if (strcmp(req->path_params[i].name, name) == 0)
            return req->path_params[i].value;
    return NULL;
}

const char *http_req_path(const http_req_t *req) { return req->path; }

const char *http_req_query(const http_req_t *req, const char *name) {
    for (size_t i = 0; i < req->query_count; i++)
        if (strcmp(req->query[i].name, name) == 0)
            return req->query[i].value;
    return NULL;
}

int http_req_query_long(http_req_t *req, const char *name, long min, long max,
                        long def, long *out) {
    const char *v = http_req_query(req, name);
    if (v == NULL) {
        *out = def;
        return 0;
    }
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    int ok = v[0] != '\0' && *end == '\0' && errno == 0 &&
             (v[0] == '-' || (v[0] >= '0' && v[0] <= '9'));
    if (!ok || n < min || n > max) {
        http_req_problem(req, 400, "invalid-parameter", name,
                         "Query parameter '%s' must be an integer from %ld "
                         "to %ld.",
                         name, min, max);
        return VJ_EINVAL;
    }
    *out = n;
    return 0;
}

int http_req_query_enum(http_req_t *req, const char *name,
                        const char *const *values, int def, int *out) {
    const char *v = http_req_query(req, name);
    if (v == NULL) {
        *out = def;
        return 0;
    }
    for (int i = 0; values[i]; i++) {
        if (strcmp(values[i], v) == 0) {
            *out = i;
            return 0;
        }
    }
    vj_buf_t allowed;
    vj_buf_init(&allowed);
    for (int i = 0; values[i]; i++)
        vj_buf_printf(&allowed, "%s%s", i ? ", " : "", values[i]);
    http_req_problem(req, 400, "invalid-parameter", name,
                     "Query parameter '%s' must be one of: %s.", name,
                     allowed.data);
    vj_buf_free(&allowed);
    return VJ_EINVAL;
}

int http_req_paging_params(http_req_t *req, long *limit, long *offset) {
    if (http_req_query_long(req, "limit", 1, 100, 20, limit) != 0)
        return VJ_EINVAL;
    return http_req_query_long(req, "offset", 0, 1000000, 0, offset);
}
