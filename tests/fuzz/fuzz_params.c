/* fuzz_params.c - libFuzzer harness for the parameter parser: the strict
 * query-parameter layer of the http module (src/http/request.c, the Link
 * builder of src/http/response.c) and the API's own parameter readers
 * (api__range_params, api__folded_param in src/api/api.c). Arbitrary bytes
 * are a request target and go through what the server does with one:
 *
 *   - http__percent_decode() on the whole input, both '+' modes, checked
 *     against a reference decoder written here (strict escapes, no NUL,
 *     strict UTF-8) and for a percent-encoding round trip;
 *   - http__req_parse_uri(): a failure answers 400 with a problem+json
 *     body; a success gives a path starting with '/' and at most
 *     HTTP__MAX_QUERY NUL-free UTF-8 pairs, exactly those of the reference;
 *   - the route match and http__req_check_params() against a copy of the
 *     API's route table: it refuses (400) exactly when a reference finds an
 *     unknown or repeated name;
 *   - the strict parsers (http_req_paging_params, http_req_query_long with
 *     the API's ranges and with the full range of long, and
 *     http_req_query_enum with the API's value lists): a success gives the
 *     default when the parameter is absent and otherwise exactly what a
 *     reference parser gives; a failure is a 400 problem naming the
 *     parameter; a success never answers;
 *   - the API's from/to and folded parameters;
 *   - http_req_paging(): the Link header is printable ASCII, and every
 *     target in it parses again to the same path and parameters with the
 *     limit and offset its rel calls for.
 *
 * Nothing may crash, leak or read out of bounds. The request is built by
 * hand (no libmicrohttpd connection): nothing on these paths touches the
 * connection, and the server is a dummy holding only the routes. */
#include "../../src/api/internal.h"
#include "../../src/http/internal.h"
#include "vjcorpus/extract.h"
#include "vjcorpus/text.h"

#include <jansson.h>
#include "vjcorpus/api.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_INPUT (32 * 1024)

/* --- The route table: the API's own (api_routes), never dispatched --- */

static http_server_t *server(void) {
    static http_server_t srv;
    static int compiled;
    if (!compiled) {
        compiled = 1;
        static api_t *api; /* lives as long as the process */
        const http_route_t *routes;
        api = api_new();
        size_t n = api_routes(api, &routes);
        if (http__routes_compile(&srv, routes, n) != 0)
            abort();
    }
    return &srv;
}

/* --- References, written independently of src/ ------------------------ */

/* Strict UTF-8: no NUL, no overlongs, no surrogates, nothing past
 * U+10FFFF. */
static int ref_utf8(const unsigned char *s, size_t n) {
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t k;
        uint32_t cp, min;
        if ((c & 0xE0) == 0xC0) {
            k = 1, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            k = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return 0;
        }
        if (n - i <= k)
            return 0;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + j] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

static int ref_hex(unsigned char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (unsigned char)(c | 0x20);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decodes s[0..n) into out (n + 1 bytes); 0 if it must be rejected. */
static int ref_decode(const unsigned char *s, size_t n, int plus, char *out) {
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = s[i];
        if (c == '%') {
            if (n - i < 3 || ref_hex(s[i + 1]) < 0 || ref_hex(s[i + 2]) < 0)
                return 0;
            c = (unsigned)(ref_hex(s[i + 1]) * 16 + ref_hex(s[i + 2]));
            i += 2;
        } else if (c == '+' && plus) {
            c = ' ';
        }
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return ref_utf8((const unsigned char *)out, o);
}

/* Strict decimal: -?[0-9]+ within long and [min, max]. */
static int ref_long(const char *v, long min, long max, long *out) {
    const char *p = v;
    int neg = *p == '-';
    if (neg)
        p++;
    if (*p == '\0')
        return 0;
    long n = 0; /* accumulated negative, so LONG_MIN fits */
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        int d = *p - '0';
        if (n < (LONG_MIN + d) / 10)
            return 0;
        n = n * 10 - d;
    }
    if (!neg) {
        if (n == LONG_MIN)
            return 0;
        n = -n;
    }
    if (n < min || n > max)
        return 0;
    *out = n;
    return 1;
}

static void put_encoded(vj_buf_t *b, const char *s) {
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        vj_buf_putc(b, '%');
        vj_buf_putc(b, hex[*p >> 4]);
        vj_buf_putc(b, hex[*p & 15]);
    }
}

/* Splits a target as the server must: the path (up to the first '?')
 * decoded without '+' as space and starting with '/', then the query's
 * '&'-separated non-empty pairs, each split at its first '=' and decoded
 * with '+' as space, at most HTTP__MAX_QUERY of them and at most
 * HTTP__MAX_QUERY - 2 besides limit and offset (a paging link adds those
 * two and must parse again). Compares with what
 * http__req_parse_uri() gave req (rc is its return). */
static void ref_parse_check(const uint8_t *s, size_t n, const http_req_t *req,
                            int rc) {
    char *buf = vj_malloc(n + 1);
    const uint8_t *q = memchr(s, '?', n);
    size_t path_len = q ? (size_t)(q - s) : n;
    int ok = ref_decode(s, path_len, 0, buf) && buf[0] == '/';
    if (ok && rc == 0 && strcmp(buf, req->path) != 0)
        abort();
    size_t count = 0, others = 0;
    const uint8_t *p = q ? q + 1 : s + n, *end = s + n;
    while (ok && p < end) {
        const uint8_t *amp = memchr(p, '&', (size_t)(end - p));
        const uint8_t *stop = amp ? amp : end;
        if (stop > p) {
            const uint8_t *eq = memchr(p, '=', (size_t)(stop - p));
            const uint8_t *name_end = eq ? eq : stop;
            if (!ref_decode(p, (size_t)(name_end - p), 1, buf)) {
                ok = 0;
                break;
            }
            int paging = strcmp(buf, "limit") == 0 || strcmp(buf, "offset") == 0;
            if (count == HTTP__MAX_QUERY ||
                (!paging && others == HTTP__MAX_QUERY - 2)) {
                ok = 0;
                break;
            }
            others += !paging;
            if (rc == 0 && (count >= req->query_count ||
                            strcmp(buf, req->query[count].name) != 0))
                abort();
            if (eq && !ref_decode(eq + 1, (size_t)(stop - eq - 1), 1, buf)) {
                ok = 0;
                break;
            }
            if (rc == 0 && strcmp(eq ? buf : "", req->query[count].value) != 0)
                abort();
            count++;
        }
        p = stop + 1;
    }
    if (ok != (rc == 0) || (ok && count != req->query_count))
        abort();
    free(buf);
}

/* Does the route accept the request's parameters? Names starting with '_'
 * always (cache busters), any name on an ANY_PARAMS route, limit and
 * offset on a LIST route, else those listed; and none twice. */
static int ref_params_ok(const http_req_t *req) {
    const http_route_t *r = &req->route->route;
    for (size_t i = 0; i < req->query_count; i++) {
        const char *name = req->query[i].name;
        if (name[0] == '_' || (r->flags & HTTP_ROUTE_ANY_PARAMS))
            continue;
        int known = (r->flags & HTTP_ROUTE_LIST) &&
                    (strcmp(name, "limit") == 0 || strcmp(name, "offset") == 0);
        for (const char *const *a = r->params; a && *a && !known; a++)
            known = strcmp(*a, name) == 0;
        if (!known)
            return 0;
        for (size_t j = 0; j < i; j++)
            if (strcmp(req->query[j].name, name) == 0)
                return 0;
    }
    return 1;
}

/* --- Checks ----------------------------------------------------------- */

static void check_decode(const uint8_t *data, size_t size, int plus) {
    char *ref = vj_malloc(size + 1);
    int ok = ref_decode(data, size, plus, ref);
    char *got = http__percent_decode((const char *)data, size, plus);
    if ((got != NULL) != ok || (got && strcmp(got, ref) != 0))
        abort();
    if (got) {
        /* Encoding every byte and decoding again gives the same string. */
        vj_buf_t b;
        vj_buf_init(&b);
        put_encoded(&b, got);
        char *again = http__percent_decode(b.data ? b.data : "", b.len, plus);
        if (again == NULL || strcmp(again, got) != 0)
            abort();
        free(again);
        vj_buf_free(&b);
    }
    free(got);
    free(ref);
}

static http_req_t *new_req(const char *target, size_t len) {
    http_req_t *req = vj_calloc(1, sizeof *req);
    req->srv = server();
    req->method = "GET";
    vj_buf_init(&req->link);
    vj_buf_init(&req->timing);
    req->raw_uri = vj_malloc(len + 1);
    memcpy(req->raw_uri, target, len);
    req->raw_uri[len] = '\0';
    req->raw_uri_len = len;
    return req;
}

/* The request was answered with a 400 problem (naming param, if given). */
static void check_problem(const http_req_t *req, const char *param) {
    if (!req->answered || req->status != 400 || req->body == NULL ||
        req->content_type == NULL ||
        strncmp(req->content_type, "application/problem+json", 24) != 0)
        abort();
    json_error_t err;
    json_t *o = json_loadb(req->body, req->body_len, 0, &err);
    const char *type = json_string_value(json_object_get(o, "type"));
    if (!json_is_object(o) || type == NULL ||
        json_integer_value(json_object_get(o, "status")) != 400 ||
        !json_is_string(json_object_get(o, "detail")) ||
        !json_is_string(json_object_get(o, "instance")) ||
        strncmp(type, "urn:vjcorpus:problem:", 21) != 0)
        abort();
    json_t *p = json_object_get(o, "parameter");
    if (p && !json_is_string(p))
        abort();
    if (param && p && strcmp(json_string_value(p), param) != 0)
        abort();
    json_decref(o);
}

/* After a parser call that returned rc: a success leaves the answer as it
 * was; a failure leaves a 400 (the first answer wins, so later failures
 * keep the first problem). */
static void check_rc(const http_req_t *req, int rc, int was_answered,
                     const char *param) {
    if (rc == 0) {
        if (req->answered != was_answered)
            abort();
    } else {
        if (rc != VJ_EINVAL)
            abort();
        check_problem(req, was_answered ? NULL : param);
    }
}

static void check_long(http_req_t *req, const char *name, long min, long max,
                       long def) {
    const char *v = http_req_query(req, name);
    long out = def + 1, want = def;
    int was = req->answered;
    int rc = http_req_query_long(req, name, min, max, def, &out);
    int ok = v == NULL || ref_long(v, min, max, &want);
    if ((rc == 0) != ok || (rc == 0 && out != want))
        abort();
    check_rc(req, rc, was, name);
}

static void check_enum(http_req_t *req, const char *name,
                       const char *const *values, int def) {
    const char *v = http_req_query(req, name);
    int out = def + 1, want = def;
    if (v) {
        want = -2;
        for (int i = 0; values[i] && want == -2; i++)
            if (strcmp(values[i], v) == 0)
                want = i;
    }
    int was = req->answered;
    int rc = http_req_query_enum(req, name, values, def, &out);
    if ((rc == 0) != (want != -2) || (rc == 0 && out != want))
        abort();
    check_rc(req, rc, was, name);
}

static int ymd_cmp(const extract_ymd_t *a, const extract_ymd_t *b) {
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    if (a->month != b->month)
        return a->month < b->month ? -1 : 1;
    return a->day < b->day ? -1 : a->day > b->day;
}

static void check_range(http_req_t *req) {
    const char *f = http_req_query(req, "from"), *t = http_req_query(req, "to");
    extract_ymd_t from, to, f_lo, f_hi, t_lo, t_hi;
    int has = -1, was = req->answered;
    int rc = api__range_params(req, &from, &to, &has);
    int ok = (f == NULL || extract_iso_range(f, &f_lo, &f_hi) == 0) &&
             (t == NULL || extract_iso_range(t, &t_lo, &t_hi) == 0) &&
             (f == NULL || t == NULL || ymd_cmp(&f_lo, &t_hi) <= 0);
    if (has != (f != NULL || t != NULL) || (rc == 0) != ok)
        abort();
    if (rc == 0 && ((f && ymd_cmp(&from, &f_lo) != 0) ||
                    (t && ymd_cmp(&to, &t_hi) != 0) || ymd_cmp(&from, &to) > 0))
        abort();
    check_rc(req, rc, was, NULL);
}

static void check_folded(http_req_t *req, const char *name) {
    const char *v = http_req_query(req, name);
    char *out = (char *)"x";
    int was = req->answered;
    int rc = api__folded_param(req, name, &out);
    if (rc == 0) {
        if ((v == NULL) != (out == NULL) ||
            (out &&
             (out[0] == '\0' || out[0] == ' ' || out[strlen(out) - 1] == ' ' ||
              text_utf8_validate(out, strlen(out), NULL) != 0)))
            abort();
    } else if (out != NULL || v == NULL) {
        abort();
    }
    free(out);
    check_rc(req, rc, was, name);
}

/* The pairs of a and b other than limit and offset are the same, in the
 * same order. */
static int same_params(const http_req_t *a, const http_req_t *b) {
    size_t i = 0, j = 0;
    for (;;) {
        while (i < a->query_count && (strcmp(a->query[i].name, "limit") == 0 ||
                                      strcmp(a->query[i].name, "offset") == 0))
            i++;
        while (j < b->query_count && (strcmp(b->query[j].name, "limit") == 0 ||
                                      strcmp(b->query[j].name, "offset") == 0))
            j++;
        if (i == a->query_count || j == b->query_count)
            return i == a->query_count && j == b->query_count;
        if (strcmp(a->query[i].name, b->query[j].name) != 0 ||
            strcmp(a->query[i].value, b->query[j].value) != 0)
            return 0;
        i++, j++;
    }
}

static void check_links(http_req_t *req, size_t total, long limit,
                        long offset) {
    http_req_paging(req, total, limit, offset);
    const char *s = req->link.data ? req->link.data : "";
    for (size_t i = 0; i < req->link.len; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E)
            abort(); /* a header value: no CR, LF or other bytes */

    long t = (long)total;
    size_t links = 0;
    for (const char *p = strchr(s, '<'); p; p = strchr(p, '<')) {
        const char *end = strchr(p, '>');
        if (end == NULL)
            abort();
        const char *rel = strstr(end, "rel=\"");
        if (rel == NULL)
            abort();
        rel += 5;
        long want;
        if (strncmp(rel, "first\"", 6) == 0)
            want = 0;
        else if (strncmp(rel, "prev\"", 5) == 0)
            want = offset - limit > 0 ? offset - limit : 0;
        else if (strncmp(rel, "next\"", 5) == 0)
            want = offset + limit;
        else if (strncmp(rel, "last\"", 5) == 0)
            want = t > 0 ? ((t - 1) / limit) * limit : 0;
        else
            abort();

        http_req_t *again = new_req(p + 1, (size_t)(end - p - 1));
        if (http__req_parse_uri(again) != 0 ||
            strcmp(again->path, req->path) != 0 || !same_params(req, again))
            abort();
        const char *l = http_req_query(again, "limit");
        const char *o = http_req_query(again, "offset");
        long lv, ov;
        if (l == NULL || o == NULL || !ref_long(l, LONG_MIN, LONG_MAX, &lv) ||
            lv != limit || !ref_long(o, LONG_MIN, LONG_MAX, &ov) || ov != want)
            abort();
        http__req_free(again);
        links++;
        p = end;
    }
    if (links < 2 || links > 4)
        abort();
}

/* --- The harness ------------------------------------------------------ */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > FUZZ_MAX_INPUT)
        return 0;
    check_decode(data, size, 0);
    check_decode(data, size, 1);

    http_req_t *req = new_req((const char *)data, size);
    int rc = http__req_parse_uri(req);
    ref_parse_check(data, size, req, rc);
    if (rc != 0) {
        check_problem(req, NULL);
        http__req_free(req);
        return 0;
    }
    if (req->answered || req->path == NULL || req->path[0] != '/' ||
        req->query_count > HTTP__MAX_QUERY)
        abort();
    for (size_t i = 0; i < req->query_count; i++) {
        const char *n = req->query[i].name, *v = req->query[i].value;
        if (text_utf8_validate(n, strlen(n), NULL) != 0 ||
            text_utf8_validate(v, strlen(v), NULL) != 0)
            abort();
    }

    req->route = http__route_match(server(), req);
    if (req->route) {
        for (size_t i = 0; i < req->path_param_count; i++) {
            const char *v = req->path_params[i].value;
            if (v[0] == '\0' || strchr(v, '/') ||
                text_utf8_validate(v, strlen(v), NULL) != 0)
                abort();
        }
        int ok = ref_params_ok(req);
        if ((http__req_check_params(req) == 0) != ok)
            abort();
        if (!ok) {
            check_problem(req, NULL);
            http__req_free(req);
            return 0;
        }
    }

    long limit = 0, offset = 0;
    int was = req->answered;
    int paging = http_req_paging_params(req, &limit, &offset);
    check_rc(req, paging, was, NULL);
    if (paging == 0 &&
        (limit < 1 || limit > 100 || offset < 0 || offset > 1000000))
        abort();
    check_long(req, "limit", 1, 100, 20);
    check_long(req, "offset", 0, 1000000, 0);
    check_long(req, "top", 1, API__TERMS, 20);
    check_long(req, "n", LONG_MIN, LONG_MAX, -1);
    check_long(req, "", -5, 5, 0);

    static const char *const order[] = {"asc", "desc", NULL};
    static const char *const empty[] = {NULL};
    check_enum(req, "order", order, 0);
    check_enum(req, "sector", extract_sector_names, -1);
    check_enum(req, "status", extract_status_names, -1);
    check_enum(req, "unit", extract_unit_names, -1);
    check_enum(req, "metric", extract_metric_names, -1);
    check_enum(req, "none", empty, 3);

    check_range(req);
    check_folded(req, "q");
    check_folded(req, "actor");

    if (paging == 0) {
        size_t total = size ? (size_t)data[size - 1] * 9000 + size : 0;
        check_links(req, total, limit, offset);
    }
    http__req_free(req);
    return 0;
}
