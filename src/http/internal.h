/* internal.h - what the files of the http module share: the server and
 * request structs and the functions that pass requests between them. */
#ifndef VJCORPUS_HTTP_INTERNAL_H
#define VJCORPUS_HTTP_INTERNAL_H

#include "vjcorpus/common.h"
#include "vjcorpus/http.h"

#include <microhttpd.h>

#define HTTP__MAX_PATH_PARAMS 4
#define HTTP__MAX_QUERY 64

typedef struct {
    char *name;
    char *value;
} http__pair_t;

/* A route with its pattern split into segments. */
typedef struct {
    http_route_t route;
    char **segments; /* "{name}" segments are parameters */
    size_t segment_count;
} http__route_t;

#define HTTP__BUCKETS 14
#define HTTP__STATUSES 16

/* Counts of one route (metrics.c). */
typedef struct {
    int status[HTTP__STATUSES];
    uint64_t status_n[HTTP__STATUSES];
    size_t status_count;
    uint64_t bucket[HTTP__BUCKETS]; /* cumulative, as Prometheus wants */
    uint64_t count;
    double sum;
} http__route_metrics_t;

struct http_server {
    uv_loop_t *loop;
    struct MHD_Daemon *mhd;
    uv_poll_t poll;
    uv_timer_t timer;
    uv_timer_t drain_timer;
    int handles_open; /* libuv handles still to close before freeing */

    http_config_t cfg;
    char *host;
    char *cors_origin;
    http__route_t *routes;
    size_t route_count;

    uint16_t port;
    int ready;
    unsigned inflight;
    unsigned suspended; /* requests whose handler answers later */
    int draining;
    int stopping;
    http_drained_cb drained_cb;
    void *drained_data;

    vj_buf_t log; /* access log lines, written once per pump */
    http__route_metrics_t *metrics; /* per route, then the unmatched */
    uint64_t unanswered;            /* closed before our answer */
};

struct http_req {
    http_server_t *srv;
    struct MHD_Connection *conn;
    uint64_t start_us;
    unsigned calls;
    char *raw_uri; /* as received: path and query, undecoded */
    size_t raw_uri_len;
    const char *method;
    char *path; /* decoded, NULL if the path could not be decoded */

    const http__route_t *route;
    http__pair_t path_params[HTTP__MAX_PATH_PARAMS];
    size_t path_param_count;
    http__pair_t query[HTTP__MAX_QUERY];
    size_t query_count;

    int is_head;
    int body_seen;   /* the client sent a request body */
    int answered;    /* a handler or the layer set the response */
    int queued;      /* handed to libmicrohttpd */
    int status;
    char *body;
    size_t body_len;
    /* A borrowed body (http_req_json_shared): released, not freed. */
    void (*release)(void *);
    void *release_data;
    uint64_t hash;
    int hash_set;
    const char *content_type;
    const char *allow;   /* Allow header, or NULL */
    int no_store;        /* Cache-Control: no-store */
    unsigned retry_after; /* seconds; 0 for none */
    vj_buf_t link;
    vj_buf_t timing;

    size_t bytes; /* body bytes sent, for the access log */
    http_cached_t *cached; /* answered from a reusable response */
    int cache_fresh;       /* ... made by this request */
    int suspended;         /* its handler answers later (http_req_resume) */
    const char *csp;       /* Content-Security-Policy, NULL: the JSON one */
    int resumed;
};

/* metrics.c */
void http__metrics_init(http_server_t *s);
void http__metrics_free(http_server_t *s);
/* Counts a request that completed. */
void http__metrics_count(http_server_t *s, const http_req_t *req);

/* router.c */
int http__routes_compile(http_server_t *s, const http_route_t *routes,
                         size_t n);
void http__routes_free(http_server_t *s);
/* Finds the route for req->path and fills req's path parameters. */
const http__route_t *http__route_match(http_server_t *s, http_req_t *req);

/* request.c */
/* Decodes the raw URI into path and query pairs. Returns 0, or answers the
 * request with a 400 problem and returns VJ_EINVAL. */
int http__req_parse_uri(http_req_t *req);
/* Rejects query names the route does not accept and repeated names. */
int http__req_check_params(http_req_t *req);
void http__req_free(http_req_t *req);

/* response.c */
/* Builds the libmicrohttpd response for what the request answered, with all
 * the common headers, and queues it. */
void http__req_queue(http_req_t *req);

/* Does an Accept-Encoding value allow gzip (q > 0, or "*")? */
int http__accepts_gzip(const char *accept_encoding);
/* Does an If-None-Match value name the tag with hex hash tag (weak
 * comparison; a "-gzip" suffix is ignored; "*" matches)? */
int http__etag_matches(const char *if_none_match, const char *tag);

/* Percent-decodes s[0..len) strictly (bad escapes, %00 and invalid UTF-8
 * fail; '+' is a space when plus_space). Returns a new string or NULL. */
char *http__percent_decode(const char *s, size_t len, int plus_space);

#endif
