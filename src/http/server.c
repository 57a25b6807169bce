/* server.c - libmicrohttpd driven by a libuv loop.
 *
 * libmicrohttpd runs with MHD_USE_EPOLL and no thread of its own. Its epoll
 * fd is watched by one uv_poll_t; one uv_timer_t is armed from
 * MHD_get_timeout(). Both call pump(): MHD_run(), flush the access log,
 * re-arm the timer. This is how systemd's journal-remote drives
 * libmicrohttpd from its own loop.
 *
 * A request's life: the URI log callback allocates the request (its return
 * value becomes the connection's per-request pointer, and it sees the raw
 * URI, undecoded); the access handler's first call only counts; on a later
 * call with no upload data pending the request is dispatched and its
 * response queued. Queueing on the first call makes libmicrohttpd 0.9.75
 * answer "Connection: close", which costs most of the throughput. The
 * completion callback writes the access-log line and frees the request. */
#include "internal.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char ALLOW[] = "GET, HEAD, OPTIONS";

void http_config_init(http_config_t *cfg) {
    memset(cfg, 0, sizeof *cfg);
    cfg->host = "127.0.0.1";
    cfg->port = 8080;
    cfg->cors_origin = "*";
    cfg->log_format = HTTP_LOG_TEXT;
    cfg->access_log = 1;
    cfg->max_connections = 1024;
    cfg->max_connections_per_ip = 64;
    cfg->timeout_s = 30;
    cfg->max_uri = 16 * 1024;
    cfg->max_headers = 16 * 1024;
    cfg->max_age_s = 60;
}

/* --- Access log ------------------------------------------------------- */

/* Appends s with control bytes, quotes and backslashes escaped, so a
 * hostile URI cannot forge log lines (valid for both formats). */
static void log_escaped(vj_buf_t *b, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
            vj_buf_printf(b, "\\u%04x", c);
        else
            vj_buf_putc(b, (char)c);
    }
}

static void log_request(http_server_t *s, http_req_t *req) {
    char addr[INET6_ADDRSTRLEN] = "-";
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
        req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
                      addr, sizeof addr);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6,
                      &((const struct sockaddr_in6 *)sa)->sin6_addr, addr,
                      sizeof addr);
    }
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    unsigned long long us =
        (unsigned long long)(vj_now_us() - req->start_us);
    const char *method = req->method ? req->method : "-";
    size_t uri_len = req->raw_uri_len > 512 ? 512 : req->raw_uri_len;
    vj_buf_t *b = &s->log;
    if (s->cfg.log_format == HTTP_LOG_JSON) {
        vj_buf_printf(b, "{\"time\":\"%s\",\"remote\":\"%s\",\"method\":\"",
                      when, addr);
        log_escaped(b, method, strlen(method));
        vj_buf_puts(b, "\",\"path\":\"");
        log_escaped(b, req->raw_uri ? req->raw_uri : "", uri_len);
        vj_buf_printf(b, "\",\"status\":%d,\"bytes\":%zu,\"us\":%llu}\n",
                      req->status, req->bytes, us);
    } else {
        vj_buf_printf(b, "%s %s ", when, addr);
        log_escaped(b, method, strlen(method));
        vj_buf_putc(b, ' ');
        log_escaped(b, req->raw_uri ? req->raw_uri : "", uri_len);
        vj_buf_printf(b, " %d %zuB %lluus\n", req->status, req->bytes, us);
    }
}

static void log_flush(http_server_t *s) {
    if (s->log.len == 0)
        return;
    fwrite(s->log.data, 1, s->log.len, stderr);
    fflush(stderr);
    vj_buf_reset(&s->log);
}

/* --- Dispatch --------------------------------------------------------- */

static enum MHD_Result sum_header(void *cls, enum MHD_ValueKind kind,
                                  const char *key, const char *value) {
    size_t *total = cls;
    (void)kind;
    *total += strlen(key) + (value ? strlen(value) : 0) + 4;
    return MHD_YES;
}

/* Bytes in the request's header block, roughly as sent. */
static size_t header_bytes(struct MHD_Connection *c) {
    size_t total = 0;
    MHD_get_connection_values(c, MHD_HEADER_KIND, sum_header, &total);
    return total;
}

static void dispatch(http_req_t *req) {
    http_server_t *s = req->srv;
    struct MHD_Connection *c = req->conn;

    if (http__req_parse_uri(req) != 0)
        return;
    if (req->raw_uri_len > s->cfg.max_uri) {
        http_req_problem(req, 414, "uri-too-long", NULL,
                         "The request URI has %zu bytes; the limit is %zu.",
                         req->raw_uri_len, s->cfg.max_uri);
        return;
    }
    size_t hb = header_bytes(c);
    if (hb > s->cfg.max_headers) {
        http_req_problem(req, 431, "headers-too-large", NULL,
                         "The request headers have %zu bytes; the limit is "
                         "%zu.",
                         hb, s->cfg.max_headers);
        return;
    }

    req->route = http__route_match(s, req);
    int get = strcmp(req->method, "GET") == 0;
    req->is_head = strcmp(req->method, "HEAD") == 0;
    int options = strcmp(req->method, "OPTIONS") == 0;
    if (req->route == NULL) {
        http_req_problem(req, 404, "not-found", NULL,
                         "No resource at this path.");
        return;
    }
    if (!get && !req->is_head && !options) {
        http_req_problem(req, 405, "method-not-allowed", NULL,
                         "Method %s is not allowed here; use %s.",
                         req->method, ALLOW);
        req->allow = ALLOW;
        return;
    }
    if (req->body_seen) {
        http_req_problem(req, 413, "payload-too-large", NULL,
                         "This API takes no request body.");
        return;
    }
    if (options) {
        req->allow = ALLOW;
        http_req_raw(req, 204, NULL, NULL, 0);
        return;
    }
    if (!s->ready && !(req->route->route.flags & HTTP_ROUTE_ALWAYS)) {
        http_req_problem(req, 503, "not-ready", NULL,
                         "The corpus is still loading; retry shortly.");
        req->retry_after = 1;
        return;
    }
    if (http__req_check_params(req) != 0)
        return;
    if (req->route->route.flags & HTTP_ROUTE_NO_STORE)
        req->no_store = 1;

    uint64_t t0 = vj_now_us();
    req->route->route.handler(req, req->route->route.data);
    if (req->suspended)
        return; /* it answers later, from the loop */
    http_req_timing(req, "app", vj_now_us() - t0);
    if (!req->answered)
        http_req_problem(req, 500, "internal-error", NULL,
                         "The handler gave no answer.");
}

static void *uri_log_cb(void *cls, const char *uri,
                        struct MHD_Connection *conn) {
    http_server_t *s = cls;
    http_req_t *req = vj_calloc(1, sizeof *req);
    req->srv = s;
    req->conn = conn;
    req->start_us = vj_now_us();
    req->raw_uri_len = strlen(uri);
    req->raw_uri = vj_strndup(uri, req->raw_uri_len);
    vj_buf_init(&req->link);
    vj_buf_init(&req->timing);
    s->inflight++;
    return req;
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *conn,
                                 const char *url, const char *method,
                                 const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls) {
    http_server_t *s = cls;
    http_req_t *req = *con_cls;
    (void)url;
    (void)version;
    (void)upload_data;
    if (req == NULL) /* no URI callback ran: cannot happen, but be safe */
        *con_cls = req = uri_log_cb(s, url, conn);
    req->method = method;
    if (req->calls++ == 0) {
        /* A request with a body is refused at once with 413: libmicrohttpd
         * accepts a response only before the body is read or after all of
         * it, and we do not want to read it. The connection closes, which
         * is right for a client sending what we never read. */
        const char *cl =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if ((cl && strtoull(cl, NULL, 10) > 0) ||
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                        "Transfer-Encoding")) {
            req->body_seen = 1;
            goto answer;
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        req->body_seen = 1;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (req->queued)
        return MHD_YES;
    if (req->resumed) { /* a suspended request's answer is ready */
        http__req_queue(req);
        return MHD_YES;
    }
answer:
    dispatch(req);
    if (req->suspended) {
        s->suspended++;
        MHD_suspend_connection(conn);
        return MHD_YES;
    }
    http__req_queue(req);
    return MHD_YES;
}

static void completed_cb(void *cls, struct MHD_Connection *conn,
                         void **con_cls, enum MHD_RequestTerminationCode toe) {
    http_server_t *s = cls;
    http_req_t *req = *con_cls;
    (void)conn;
    (void)toe;
    if (req == NULL)
        return;
    http__metrics_count(s, req);
    if (s->cfg.access_log)
        log_request(s, req);
    if (s->inflight > 0)
        s->inflight--;
    http__req_free(req);
    *con_cls = NULL;
}

static void mhd_log_cb(void *cls, const char *fmt, va_list ap) {
    (void)cls;
    fputs("vjcorpus: http: ", stderr);
    vfprintf(stderr, fmt, ap);
}

static void timer_cb(uv_timer_t *h);

void http_req_suspend(http_req_t *req) {
    req->suspended = 1;
}

void http_req_resume(http_req_t *req) {
    if (!req->answered)
        http_req_problem(req, 500, "internal-error", NULL,
                         "The handler gave no answer.");
    req->suspended = 0;
    req->resumed = 1;
    if (req->srv->suspended > 0)
        req->srv->suspended--;
    MHD_resume_connection(req->conn);
    /* the daemon's event fd wakes the poll too; pump soon in any case */
    uv_timer_start(&req->srv->timer, timer_cb, 0, 0);
}

uv_loop_t *http_req_loop(const http_req_t *req) {
    return req->srv->loop;
}

/* --- The loop --------------------------------------------------------- */

static void pump(http_server_t *s);

static void poll_cb(uv_poll_t *h, int status, int events) {
    (void)status;
    (void)events;
    pump(h->data);
}

static void timer_cb(uv_timer_t *h) { pump(h->data); }

static void check_drained(http_server_t *s) {
    if (!s->draining || s->inflight > 0 || s->drained_cb == NULL)
        return;
    http_drained_cb cb = s->drained_cb;
    s->drained_cb = NULL;
    uv_timer_stop(&s->drain_timer);
    cb(s, s->drained_data);
}

static void pump(http_server_t *s) {
    if (s->mhd == NULL)
        return;
    MHD_run(s->mhd);
    log_flush(s);
    MHD_UNSIGNED_LONG_LONG ms;
    if (MHD_get_timeout(s->mhd, &ms) == MHD_YES)
        uv_timer_start(&s->timer, timer_cb, (uint64_t)ms, 0);
    else
        uv_timer_stop(&s->timer);
    check_drained(s);
}

static int bind_address(const char *host, uint16_t port,
                        struct sockaddr_storage *ss, char *err,
                        size_t errlen) {
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    char ports[8];
    snprintf(ports, sizeof ports, "%u", port);
    int rc = getaddrinfo(host, ports, &hints, &res);
    if (rc != 0 || res == NULL) {
        snprintf(err, errlen, "cannot resolve host '%s': %s", host,
                 gai_strerror(rc));
        return VJ_EINVAL;
    }
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return 0;
}

int http_server_start(uv_loop_t *loop, const http_config_t *cfg,
                      const http_route_t *routes, size_t n,
                      http_server_t **out, char *err, size_t errlen) {
    http_server_t *s = vj_calloc(1, sizeof *s);
    s->loop = loop;
    s->cfg = *cfg;
    s->host = vj_strdup(cfg->host);
    s->cors_origin = vj_strdup(cfg->cors_origin ? cfg->cors_origin : "*");
    s->cfg.host = s->host;
    s->cfg.cors_origin = s->cors_origin;
    vj_buf_init(&s->log);
    if (http__routes_compile(s, routes, n) != 0) {
        snprintf(err, errlen, "a route pattern does not start with '/'");
        goto fail_routes;
    }
    http__metrics_init(s);

    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    if (bind_address(cfg->host, cfg->port, &ss, err, errlen) != 0)
        goto fail_routes;

    unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    /* The per-connection pool must hold a request line and headers larger
     * than our own 414/431 limits, so those are answered by us with
     * problem+json and not by libmicrohttpd. */
    size_t pool = cfg->max_uri + cfg->max_headers + 16 * 1024;
    s->mhd = MHD_start_daemon(
        flags, 0, NULL, NULL, access_cb, s, MHD_OPTION_EXTERNAL_LOGGER,
        mhd_log_cb, NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&ss, MHD_OPTION_URI_LOG_CALLBACK, uri_log_cb, s,
        MHD_OPTION_NOTIFY_COMPLETED, completed_cb, s,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->timeout_s,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)cfg->max_connections_per_ip,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1, MHD_OPTION_END);
    if (s->mhd == NULL) {
        snprintf(err, errlen, "cannot listen on %s:%u (in use?)", cfg->host,
                 cfg->port);
        goto fail_routes;
    }
    const union MHD_DaemonInfo *di =
        MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : cfg->port;
    di = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_EPOLL_FD);
    if (di == NULL) {
        snprintf(err, errlen, "libmicrohttpd gave no epoll fd");
        goto fail_daemon;
    }

    if (uv_poll_init(loop, &s->poll, di->epoll_fd) != 0) {
        snprintf(err, errlen, "cannot watch libmicrohttpd's epoll fd");
        goto fail_daemon;
    }
    uv_timer_init(loop, &s->timer);
    uv_timer_init(loop, &s->drain_timer);
    s->poll.data = s->timer.data = s->drain_timer.data = s;
    s->handles_open = 3;
    uv_poll_start(&s->poll, UV_READABLE, poll_cb);
    pump(s);
    *out = s;
    return 0;

fail_daemon:
    MHD_stop_daemon(s->mhd);
fail_routes:
    http__metrics_free(s);
    http__routes_free(s);
    vj_buf_free(&s->log);
    free(s->host);
    free(s->cors_origin);
    free(s);
    return VJ_EIO;
}

uint16_t http_server_port(const http_server_t *s) { return s->port; }

void http_server_set_ready(http_server_t *s, int ready) { s->ready = ready; }

int http_server_ready(const http_server_t *s) { return s->ready; }

unsigned http_server_inflight(const http_server_t *s) { return s->inflight; }

static void drain_timeout_cb(uv_timer_t *h) {
    http_server_t *s = h->data;
    if (s->drained_cb) {
        http_drained_cb cb = s->drained_cb;
        s->drained_cb = NULL;
        cb(s, s->drained_data);
    }
}

void http_server_drain(http_server_t *s, uint64_t timeout_ms,
                       http_drained_cb cb, void *data) {
    if (s->draining)
        return;
    s->draining = 1;
    s->drained_cb = cb;
    s->drained_data = data;
    MHD_socket fd = MHD_quiesce_daemon(s->mhd);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    uv_timer_start(&s->drain_timer, drain_timeout_cb, timeout_ms, 0);
    pump(s);
}

static void handle_closed_cb(uv_handle_t *h) {
    http_server_t *s = h->data;
    if (--s->handles_open > 0)
        return;
    http__metrics_free(s);
    http__routes_free(s);
    vj_buf_free(&s->log);
    free(s->host);
    free(s->cors_origin);
    free(s);
}

unsigned http_server_suspended(const http_server_t *s) {
    return s ? s->suspended : 0;
}

void http_server_stop(http_server_t *s) {
    if (s == NULL || s->stopping)
        return;
    s->stopping = 1;
    uv_poll_stop(&s->poll);
    uv_timer_stop(&s->timer);
    uv_timer_stop(&s->drain_timer);
    /* Requests still open are completed (and logged) by MHD_stop_daemon. */
    MHD_stop_daemon(s->mhd);
    s->mhd = NULL;
    log_flush(s);
    uv_close((uv_handle_t *)&s->poll, handle_closed_cb);
    uv_close((uv_handle_t *)&s->timer, handle_closed_cb);
    uv_close((uv_handle_t *)&s->drain_timer, handle_closed_cb);
}
