/* http.h - the HTTP layer: libmicrohttpd driven by a libuv loop, a router,
 * strict query parameters and the response conventions every endpoint keeps.
 *
 * The layer knows nothing of the corpus. Routes map a GET path pattern
 * ("/api/v1/documents/{id}") to a handler; the handler reads parameters
 * through the http_req_* accessors and answers with http_req_json() or
 * http_req_problem(). Everything else is done here, once, for every route:
 * HEAD and OPTIONS (CORS preflight), 404/405/413/414/431, rejecting unknown
 * parameter names, ETag and 304, Cache-Control, CORS headers, gzip with
 * Vary, Link paging headers, Server-Timing, charset=utf-8 and the access
 * log.
 *
 * libmicrohttpd runs without threads of its own (MHD_USE_EPOLL): its epoll fd
 * is watched by a uv_poll_t, and MHD_get_timeout() arms a uv_timer_t. All
 * callbacks run on the loop thread. */
#ifndef VJCORPUS_HTTP_H
#define VJCORPUS_HTTP_H

#include "vjcorpus/common.h"

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

typedef struct http_server http_server_t;
typedef struct http_req http_req_t;

/* A handler answers one request by calling exactly one of http_req_json(),
 * http_req_raw() or http_req_problem() before it returns. */
typedef void (*http_handler_cb)(http_req_t *req, void *data);

enum {
    /* The route answers a list: limit and offset are accepted, and
     * http_req_paging() adds Link headers. */
    HTTP_ROUTE_LIST = 1 << 0,
    /* The route is answered while the server is not ready (health). */
    HTTP_ROUTE_ALWAYS = 1 << 1,
    /* The response must not be cached (Cache-Control: no-store). */
    HTTP_ROUTE_NO_STORE = 1 << 2,
    /* Any query parameter is accepted (a page reads its own). */
    HTTP_ROUTE_ANY_PARAMS = 1 << 3,
};

typedef struct {
    const char *pattern;       /* "/api/v1/documents/{id}" */
    http_handler_cb handler;
    const char *const *params; /* accepted query names, NULL-terminated; may
                                  be NULL for none */
    unsigned flags;
    void *data; /* passed to handler */
} http_route_t;

typedef enum { HTTP_LOG_TEXT = 0, HTTP_LOG_JSON } http_log_format_t;

typedef struct {
    const char *host; /* numeric address or name; "127.0.0.1" */
    uint16_t port;    /* 0 picks a free port: see http_server_port() */
    const char *cors_origin;         /* Access-Control-Allow-Origin; "*" */
    http_log_format_t log_format;
    int access_log;                  /* 1: one line per request on stderr */
    unsigned max_connections;        /* total */
    unsigned max_connections_per_ip; /* per client address */
    unsigned timeout_s;              /* idle connection timeout */
    size_t max_uri;                  /* 414 above this many bytes */
    size_t max_headers;              /* 431 above this many header bytes */
    unsigned max_age_s;              /* Cache-Control max-age */
} http_config_t;

/* Fills cfg with the defaults. */
void http_config_init(http_config_t *cfg);

/* Creates a server on loop (borrowed) with a copy of routes[0..n) (the
 * strings and data must outlive the server). Binds and starts listening.
 * Returns 0 or a negative code, with a message in err (size errlen). */
int http_server_start(uv_loop_t *loop, const http_config_t *cfg,
                      const http_route_t *routes, size_t n,
                      http_server_t **out, char *err, size_t errlen);

/* The port the server listens on (useful with port 0). */
uint16_t http_server_port(const http_server_t *s);

/* Marks the server ready or not. While not ready every route without
 * HTTP_ROUTE_ALWAYS answers 503 with Retry-After. */
void http_server_set_ready(http_server_t *s, int ready);
int http_server_ready(const http_server_t *s);

/* Requests between their first byte and their completion. */
unsigned http_server_inflight(const http_server_t *s);

/* Stops accepting connections; requests in flight continue. Calls cb once
 * no request is in flight or after timeout_ms, whichever is first. */
typedef void (*http_drained_cb)(http_server_t *s, void *data);
void http_server_drain(http_server_t *s, uint64_t timeout_ms,
                       http_drained_cb cb, void *data);

/* Stops the daemon and closes the libuv handles; the server is freed once
 * the handles are closed (run the loop). http_server_stop(NULL) is a no-op.
 */
void http_server_stop(http_server_t *s);
/* Requests suspended by their handler (work on the threadpool). The
 * server must not be stopped while there are any: libmicrohttpd cannot
 * close a suspended connection, and the work would answer a freed one. */
unsigned http_server_suspended(const http_server_t *s);

/* --- Requests --------------------------------------------------------- */

/* The value of path parameter {name}, percent-decoded, or NULL. */
const char *http_req_path_param(const http_req_t *req, const char *name);

/* The request path without the query string. */
const char *http_req_path(const http_req_t *req);

/* The raw value of query parameter name (percent-decoded, valid UTF-8), or
 * NULL if absent. A present but empty parameter is "". */
const char *http_req_query(const http_req_t *req, const char *name);

/* Strict parsers: on a bad value they answer the request with a 400 problem
 * naming the parameter and return VJ_EINVAL; the handler then returns. When
 * the parameter is absent *out = def and they return 0. */
int http_req_query_long(http_req_t *req, const char *name, long min, long max,
                        long def, long *out);
/* values is NULL-terminated; *out is the index of the match. */
int http_req_query_enum(http_req_t *req, const char *name,
                        const char *const *values, int def, int *out);
/* limit (1-100, default 20) and offset (>= 0, at most 1 000 000). */
int http_req_paging_params(http_req_t *req, long *limit, long *offset);

/* --- Responses -------------------------------------------------------- */

/* Answers with a JSON body; steals body (malloc'd, len bytes). */
void http_req_json(http_req_t *req, int status, char *body, size_t len);

/* Answers with a JSON body the caller keeps (a cached, immutable
 * serialisation): body must stay valid until release(release_data) is
 * called, once, when libmicrohttpd is done with it. hash is
 * vj_hash64(VJ_HASH_INIT, body, len), precomputed, which becomes the ETag. */
void http_req_json_shared(http_req_t *req, int status, const char *body,
                          size_t len, uint64_t hash, void (*release)(void *),
                          void *release_data);

/* Answers with any body and content type; steals body. */
void http_req_raw(http_req_t *req, int status, const char *content_type,
                  char *body, size_t len);

/* Answers with an application/problem+json body (RFC 9457). type_slug names
 * the problem type ("invalid-parameter", "not-found"); param, if not NULL,
 * is added as "parameter". */
void http_req_problem(http_req_t *req, int status, const char *type_slug,
                      const char *param, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Sets the Content-Security-Policy of req's answer (a static string),
 * instead of the JSON default "default-src 'none'". */
void http_req_csp(http_req_t *req, const char *policy);

/* Appends the server's metrics in Prometheus text format to out: requests
 * by route pattern and status, latency histograms, requests in flight. */
void http_req_metrics(const http_req_t *req, vj_buf_t *out);

/* --- Answering later ------------------------------------------------ */

/* Called by a handler that answers later (work on the libuv threadpool):
 * the connection is suspended when the handler returns, and the loop keeps
 * serving others. The handler's work must not touch req off the loop
 * thread; back on the loop it answers req as usual (http_req_json, ...)
 * and calls http_req_resume(req), which sends the answer. */
void http_req_suspend(http_req_t *req);
void http_req_resume(http_req_t *req);
/* The loop the request is served on (for uv_queue_work). */
uv_loop_t *http_req_loop(const http_req_t *req);

/* --- Reusable responses ------------------------------------------------ */

/* A 200 answer kept to serve again (a response cache's entry): its body,
 * entity tag, Link header and, built on first use, its gzip form and the
 * libmicrohttpd responses of both, so serving it again allocates nothing.
 * Loop thread only. */
typedef struct http_cached http_cached_t;

/* Turns the answer a handler just gave req into a reusable response and
 * answers req from it. Returns the new object (the caller's reference, to
 * drop with http_cached_free()), or NULL when the answer is not a 200 with
 * a body of its own that may be stored (req is then unchanged). */
http_cached_t *http_req_keep(http_req_t *req);

/* Has req been answered, and with a 200? (Suspended requests have not,
 * until their handler answers.) */
int http_req_answered_ok(const http_req_t *req);

/* Answers req with c (req takes a reference of its own). */
void http_req_answer_cached(http_req_t *req, http_cached_t *c);

/* Drops the owner's reference; responses in flight finish first. */
void http_cached_free(http_cached_t *c);
void http_cached_unref(http_cached_t *c);

/* Bytes c holds (body, gzip form, headers). */
size_t http_cached_bytes(const http_cached_t *c);

/* The request target as received: path and query, not decoded. */
const char *http_req_target(const http_req_t *req, size_t *len);

/* Adds Link rel=first/prev/next/last headers for a list of total items seen
 * through limit/offset, built from the request's own path and query. */
void http_req_paging(http_req_t *req, size_t total, long limit, long offset);

/* Adds Retry-After: seconds (for a 503 the handler answers itself). */
void http_req_retry_after(http_req_t *req, unsigned seconds);

/* Adds a Server-Timing metric (dur in microseconds). */
void http_req_timing(http_req_t *req, const char *name, uint64_t dur_us);

#endif
