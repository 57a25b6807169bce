/* response.c - turning what a handler answered into a libmicrohttpd
 * response with the headers every endpoint keeps.
 *
 * The entity tag is a hash of the identity body, so identical bodies get
 * identical tags across requests and restarts. The gzip representation gets
 * the same tag with a "-gzip" suffix (as Apache does), and If-None-Match
 * compares weakly, ignoring the suffix, so either representation
 * revalidates. Compression happens here with zlib: libmicrohttpd does not
 * compress. */
#include "internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#define GZIP_MIN_BYTES 1024

static const char *status_title(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Error";
    }
}

static void answer(http_req_t *req, int status, const char *type, char *body,
                   size_t len) {
    /* The first answer wins: a parser that already answered 400 is not
     * overwritten by a handler's later call. */
    if (req->answered) {
        free(body);
        return;
    }
    req->answered = 1;
    req->status = status;
    req->content_type = type;
    req->body = body;
    req->body_len = len;
}

void http_req_json(http_req_t *req, int status, char *body, size_t len) {
    answer(req, status, "application/json; charset=utf-8", body, len);
}

void http_req_json_shared(http_req_t *req, int status, const char *body,
                          size_t len, uint64_t hash, void (*release)(void *),
                          void *release_data) {
    if (req->answered) {
        release(release_data);
        return;
    }
    answer(req, status, "application/json; charset=utf-8", (char *)(uintptr_t)body,
           len);
    req->release = release;
    req->release_data = release_data;
    req->hash = hash;
    req->hash_set = 1;
}

/* Drops the body, freeing or releasing it. */
static void body_drop(http_req_t *req) {
    if (req->release)
        req->release(req->release_data);
    else
        free(req->body);
    req->body = NULL;
    req->body_len = 0;
    req->release = NULL;
}

void http_req_raw(http_req_t *req, int status, const char *content_type,
                  char *body, size_t len) {
    answer(req, status, content_type, body, len);
}

void http_req_problem(http_req_t *req, int status, const char *type_slug,
                      const char *param, const char *fmt, ...) {
    if (req->answered)
        return;
    char detail[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);

    char type[128];
    snprintf(type, sizeof type, "urn:vjcorpus:problem:%s", type_slug);
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string(type));
    json_object_set_new(o, "title", json_string(status_title(status)));
    json_object_set_new(o, "status", json_integer(status));
    /* detail and parameter may quote client input: keep them valid JSON
     * strings even if that input was cut mid-character. */
    json_t *d = json_string(detail);
    if (d == NULL)
        d = json_string("The request is invalid.");
    json_object_set_new(o, "detail", d);
    json_object_set_new(o, "instance",
                        json_string(req->path ? req->path : "/"));
    json_t *pj = param ? json_string(param) : NULL;
    if (pj)
        json_object_set_new(o, "parameter", pj);
    char *body = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    answer(req, status, "application/problem+json; charset=utf-8", body,
           strlen(body));
    req->no_store = 1;
}

/* Appends s to b percent-encoded: unreserved characters and those in keep
 * stay as they are. */
static void put_encoded(vj_buf_t *b, const char *s, const char *keep) {
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~", *p) ||
            strchr(keep, *p)) {
            vj_buf_putc(b, (char)*p);
        } else {
            vj_buf_putc(b, '%');
            vj_buf_putc(b, hex[*p >> 4]);
            vj_buf_putc(b, hex[*p & 15]);
        }
    }
}

static void put_link(http_req_t *req, long limit, long offset,
                     const char *rel) {
    vj_buf_t *b = &req->link;
    if (b->len)
        vj_buf_puts(b, ", ");
    vj_buf_putc(b, '<');
    put_encoded(b, req->path, "/");
    vj_buf_putc(b, '?');
    int first = 1;
    for (size_t i = 0; i < req->query_count; i++) {
        const char *n = req->query[i].name;
        if (strcmp(n, "offset") == 0 || strcmp(n, "limit") == 0)
            continue;
        vj_buf_puts(b, first ? "" : "&");
        put_encoded(b, n, "");
        vj_buf_putc(b, '=');
        put_encoded(b, req->query[i].value, "");
        first = 0;
    }
    vj_buf_printf(b, "%slimit=%ld&offset=%ld>; rel=\"%s\"", first ? "" : "&",
                  limit, offset, rel);
}

void http_req_paging(http_req_t *req, size_t total, long limit, long offset) {
    long t = (long)total;
    put_link(req, limit, 0, "first");
    if (offset > 0)
        put_link(req, limit, offset - limit > 0 ? offset - limit : 0, "prev");
    if (offset + limit < t)
        put_link(req, limit, offset + limit, "next");
    long last = t > 0 ? ((t - 1) / limit) * limit : 0;
    put_link(req, limit, last, "last");
}

void http_req_retry_after(http_req_t *req, unsigned seconds) {
    req->retry_after = seconds;
}

void http_req_timing(http_req_t *req, const char *name, uint64_t dur_us) {
    if (req->timing.len)
        vj_buf_puts(&req->timing, ", ");
    vj_buf_printf(&req->timing, "%s;dur=%.3f", name, (double)dur_us / 1000.0);
}

/* Does the Accept-Encoding value allow gzip? */
int http__accepts_gzip(const char *ae) {
    if (ae == NULL)
        return 0;
    int star = 0, gzip = -1;
    const char *p = ae;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *tok = p;
        while (*p && *p != ',' && *p != ';' && *p != ' ')
            p++;
        size_t len = (size_t)(p - tok);
        double q = 1.0;
        while (*p && *p != ',') {
            if (*p == ';') {
                p++;
                while (*p == ' ')
                    p++;
                if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=')
                    q = strtod(p + 2, NULL);
            } else {
                p++;
            }
        }
        int ok = q > 0.0;
        if ((len == 4 && strncasecmp(tok, "gzip", 4) == 0) ||
            (len == 6 && strncasecmp(tok, "x-gzip", 6) == 0))
            gzip = ok;
        else if (len == 1 && tok[0] == '*')
            star = ok;
    }
    return gzip >= 0 ? gzip : star;
}

/* Compresses in[0..len) as gzip into a new buffer; NULL on failure. */
static char *gzip_compress(const char *in, size_t len, size_t *out_len) {
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return NULL;
    uLong cap = deflateBound(&z, (uLong)len);
    char *out = vj_malloc(cap);
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    *out_len = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    return out;
}

/* Does If-None-Match inm name the entity tag whose hex hash is tag? */
int http__etag_matches(const char *inm, const char *tag) {
    const char *p = inm;
    size_t tlen = strlen(tag);
    while (*p) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        if (*p == '*')
            return 1;
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        if (*p != '"')
            break;
        const char *q = strchr(p + 1, '"');
        if (q == NULL)
            break;
        size_t len = (size_t)(q - p - 1);
        if (len >= 5 && memcmp(q - 5, "-gzip", 5) == 0)
            len -= 5;
        if (len == tlen && memcmp(p + 1, tag, len) == 0)
            return 1;
        p = q + 1;
    }
    return 0;
}

static void add(struct MHD_Response *r, const char *name, const char *value) {
    MHD_add_response_header(r, name, value);
}

/* The headers every response keeps (not Content-Type, ETag, Link,
 * Server-Timing and the status-specific ones). */
static void add_common(const http_server_t *s, struct MHD_Response *r,
                       int status, int no_store, const char *csp) {
    add(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
    if (status != 304 && (no_store || status >= 300)) {
        add(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    } else {
        char cc[64];
        snprintf(cc, sizeof cc, "public, max-age=%u, must-revalidate",
                 s->cfg.max_age_s);
        add(r, MHD_HTTP_HEADER_CACHE_CONTROL, cc);
    }
    add(r, "Access-Control-Allow-Origin", s->cors_origin);
    add(r, "Access-Control-Expose-Headers", "ETag, Link, Server-Timing");
    add(r, "X-Content-Type-Options", "nosniff");
    /* JSON is data, never a document: nothing may load or frame it */
    add(r, "Content-Security-Policy",
        csp ? csp : "default-src 'none'; frame-ancestors 'none'");
}

/* --- Reusable responses ------------------------------------------------- */

struct http_cached {
    unsigned refs; /* the owner's, one per live MHD response built on it */
    char *body;
    size_t len;
    char *gz;
    size_t gz_len;
    int gz_tried;
    char tag[24];
    char *link;
    const char *content_type;
    struct MHD_Response *plain, *zipped;
};

static void cached_release(void *cls) { http_cached_unref(cls); }

void http_cached_unref(http_cached_t *c) {
    if (c == NULL || --c->refs > 0)
        return;
    free(c->body);
    free(c->gz);
    free(c->link);
    free(c);
}

/* Drops the owner's reference: the prebuilt responses go too (each frees
 * its reference when libmicrohttpd is done sending it). */
void http_cached_free(http_cached_t *c) {
    if (c == NULL)
        return;
    struct MHD_Response *p = c->plain, *z = c->zipped;
    c->plain = c->zipped = NULL;
    if (p)
        MHD_destroy_response(p);
    if (z)
        MHD_destroy_response(z);
    http_cached_unref(c);
}

size_t http_cached_bytes(const http_cached_t *c) {
    return sizeof *c + c->len + c->gz_len + (c->link ? strlen(c->link) : 0);
}

http_cached_t *http_req_keep(http_req_t *req) {
    if (!req->answered || req->status != 200 || req->no_store ||
        req->body == NULL || req->body_len == 0 || req->release)
        return NULL;
    http_cached_t *c = vj_calloc(1, sizeof *c);
    c->refs = 1;
    c->body = req->body;
    c->len = req->body_len;
    c->content_type = req->content_type;
    uint64_t h = vj_hash64(VJ_HASH_INIT, c->body, c->len);
    snprintf(c->tag, sizeof c->tag, "%016llx", (unsigned long long)h);
    if (req->link.len)
        c->link = vj_strdup(req->link.data);
    req->body = NULL;
    req->body_len = 0;
    req->answered = 0;
    http_req_answer_cached(req, c);
    req->cache_fresh = 1; /* this one answers as a miss, with its timing */
    return c;
}

void http_req_csp(http_req_t *req, const char *policy) {
    req->csp = policy;
}

int http_req_answered_ok(const http_req_t *req) {
    return req->answered && req->status == 200;
}

void http_req_answer_cached(http_req_t *req, http_cached_t *c) {
    if (req->answered)
        return;
    req->answered = 1;
    req->status = 200;
    req->content_type = c->content_type;
    c->refs++;
    req->cached = c;
}

static struct MHD_Response *cached_response(http_server_t *s,
                                            http_cached_t *c, int gz) {
    const char *body = gz ? c->gz : c->body;
    size_t len = gz ? c->gz_len : c->len;
    struct MHD_Response *r =
        MHD_create_response_from_buffer_with_free_callback_cls(
            len, (void *)(uintptr_t)body, cached_release, c);
    if (r == NULL)
        return NULL;
    c->refs++;
    char etag[48];
    snprintf(etag, sizeof etag, "\"%s%s\"", c->tag, gz ? "-gzip" : "");
    add(r, MHD_HTTP_HEADER_CONTENT_TYPE, c->content_type);
    add(r, MHD_HTTP_HEADER_ETAG, etag);
    if (gz)
        add(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
    add_common(s, r, 200, 0, NULL);
    if (c->link)
        add(r, MHD_HTTP_HEADER_LINK, c->link);
    add(r, "Server-Timing", "cache;desc=\"hit\"");
    return r;
}

/* Queues req's cached answer; 0, or -1 when the ordinary path must answer
 * (a 304, or no memory for a prebuilt response). */
static int queue_cached(http_req_t *req) {
    http_server_t *s = req->srv;
    http_cached_t *c = req->cached;
    struct MHD_Connection *conn = req->conn;
    const char *inm =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "If-None-Match");
    if (inm && http__etag_matches(inm, c->tag))
        return -1;
    const char *ae =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Encoding");
    int gz = 0;
    if (c->len >= GZIP_MIN_BYTES && http__accepts_gzip(ae)) {
        if (!c->gz_tried) {
            c->gz_tried = 1;
            c->gz = gzip_compress(c->body, c->len, &c->gz_len);
        }
        gz = c->gz != NULL;
    }
    struct MHD_Response **slot = gz ? &c->zipped : &c->plain;
    if (*slot == NULL && (*slot = cached_response(s, c, gz)) == NULL)
        return -1;
    req->status = 200;
    req->bytes = gz ? c->gz_len : c->len;
    req->queued = MHD_queue_response(conn, 200, *slot) == MHD_YES;
    return 0;
}

void http__req_queue(http_req_t *req) {
    if (req->cached) {
        if (!req->cache_fresh && queue_cached(req) == 0)
            return;
        /* the ordinary path, over the cached body */
        http_cached_t *c = req->cached;
        req->cached = NULL;
        req->answered = 0;
        http_req_json_shared(req, 200, c->body, c->len, 0, cached_release, c);
        req->hash_set = 0;
        req->content_type = c->content_type;
        if (c->link && req->link.len == 0)
            vj_buf_puts(&req->link, c->link);
    }
    http_server_t *s = req->srv;
    struct MHD_Connection *c = req->conn;
    int status = req->status;
    char etag[48] = "";
    char tag[24] = "";
    int gz = 0;

    if (req->body && status != 204) {
        uint64_t h = req->hash_set ? req->hash
                                   : vj_hash64(VJ_HASH_INIT, req->body,
                                               req->body_len);
        snprintf(tag, sizeof tag, "%016llx", (unsigned long long)h);
    }

    int cacheable = status == 200 && !req->no_store;
    const char *ae =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding");
    const char *inm =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
    if (cacheable && tag[0] && inm && http__etag_matches(inm, tag)) {
        /* a 304 names the representation the 200 would have sent */
        gz = req->body_len >= GZIP_MIN_BYTES && http__accepts_gzip(ae);
        status = 304;
        body_drop(req);
    }

    if (req->body && req->body_len >= GZIP_MIN_BYTES && http__accepts_gzip(ae)) {
        size_t zlen;
        char *z = gzip_compress(req->body, req->body_len, &zlen);
        if (z) {
            body_drop(req);
            req->body = z;
            req->body_len = zlen;
            gz = 1;
        }
    }
    if (tag[0])
        snprintf(etag, sizeof etag, "\"%s%s\"", tag, gz ? "-gzip" : "");

    struct MHD_Response *r;
    if (req->body && req->body_len && req->release) {
        r = MHD_create_response_from_buffer_with_free_callback_cls(
            req->body_len, req->body, req->release, req->release_data);
        req->body = NULL; /* released by the response now */
        req->release = NULL;
    } else if (req->body && req->body_len) {
        r = MHD_create_response_from_buffer_with_free_callback(
            req->body_len, req->body, free);
        req->body = NULL; /* owned by the response now */
    } else {
        body_drop(req);
        r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    }
    req->bytes = req->body_len;
    if (req->content_type && status != 304 && status != 204)
        add(r, MHD_HTTP_HEADER_CONTENT_TYPE, req->content_type);
    if (etag[0])
        add(r, MHD_HTTP_HEADER_ETAG, etag);
    if (gz && status != 304)
        add(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
    add_common(s, r, status, req->no_store, req->csp);
    if (req->link.len && status == 200)
        add(r, MHD_HTTP_HEADER_LINK, req->link.data);
    if (req->allow)
        add(r, MHD_HTTP_HEADER_ALLOW, req->allow);
    if (req->retry_after) {
        char ra[16];
        snprintf(ra, sizeof ra, "%u", req->retry_after);
        add(r, MHD_HTTP_HEADER_RETRY_AFTER, ra);
    }
    if (status == 204 && req->allow) {
        add(r, "Access-Control-Allow-Methods", req->allow);
        add(r, "Access-Control-Allow-Headers",
            "Accept, Accept-Encoding, Content-Type, If-None-Match");
        add(r, "Access-Control-Max-Age", "86400");
    }
    http_req_timing(req, "total", vj_now_us() - req->start_us);
    add(r, "Server-Timing", req->timing.data);

    req->status = status;
    req->queued = MHD_queue_response(c, (unsigned)status, r) == MHD_YES;
    MHD_destroy_response(r);
}
