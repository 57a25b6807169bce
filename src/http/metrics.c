/* metrics.c - request counts and latencies for GET /metrics (Prometheus
 * text format 0.0.4): per route (its pattern, so the label set is bounded)
 * the requests by status and a latency histogram; requests in flight.
 * Updated on the loop when a request completes. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Upper bounds of the latency buckets, in seconds. */
static const double bounds[HTTP__BUCKETS] = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
    0.1,    0.25,  0.5,    1.0,   2.5,  5.0,   10.0};

void http__metrics_init(http_server_t *s) {
    s->metrics = vj_calloc(s->route_count + 1, sizeof *s->metrics);
}

void http__metrics_free(http_server_t *s) {
    free(s->metrics);
    s->metrics = NULL;
}

void http__metrics_count(http_server_t *s, const http_req_t *req) {
    if (s->metrics == NULL)
        return;
    if (req->status == 0 || !req->queued) {
        /* closed before an answer of ours: the client went away, or
         * libmicrohttpd refused the request itself */
        s->unanswered++;
        return;
    }
    size_t r = req->route ? (size_t)(req->route - s->routes) : s->route_count;
    http__route_metrics_t *m = &s->metrics[r];
    int status = req->status;
    size_t i = 0;
    while (i < m->status_count && m->status[i] != status)
        i++;
    if (i == m->status_count) {
        if (i == HTTP__STATUSES)
            i = HTTP__STATUSES - 1; /* cannot happen: few statuses exist */
        else
            m->status[m->status_count++] = status;
    }
    m->status_n[i]++;
    double sec = (double)(vj_now_us() - req->start_us) / 1e6;
    for (size_t b = 0; b < HTTP__BUCKETS; b++)
        if (sec <= bounds[b])
            m->bucket[b]++;
    m->count++;
    m->sum += sec;
}

static const char *route_label(const http_server_t *s, size_t r) {
    return r < s->route_count ? s->routes[r].route.pattern : "unmatched";
}

void http_req_metrics(const http_req_t *req, vj_buf_t *out) {
    const http_server_t *s = req->srv;
    vj_buf_puts(out, "# HELP vjcorpus_http_requests_total HTTP requests "
                     "answered, by route pattern and status.\n"
                     "# TYPE vjcorpus_http_requests_total counter\n");
    for (size_t r = 0; r <= s->route_count; r++) {
        const http__route_metrics_t *m = &s->metrics[r];
        for (size_t i = 0; i < m->status_count; i++)
            vj_buf_printf(out,
                          "vjcorpus_http_requests_total{route=\"%s\","
                          "status=\"%d\"} %llu\n",
                          route_label(s, r), m->status[i],
                          (unsigned long long)m->status_n[i]);
    }
    vj_buf_puts(out, "# HELP vjcorpus_http_request_duration_seconds Time "
                     "from the request line to the end of the response.\n"
                     "# TYPE vjcorpus_http_request_duration_seconds "
                     "histogram\n");
    for (size_t r = 0; r <= s->route_count; r++) {
        const http__route_metrics_t *m = &s->metrics[r];
        if (m->count == 0)
            continue;
        const char *label = route_label(s, r);
        for (size_t b = 0; b < HTTP__BUCKETS; b++)
            vj_buf_printf(out,
                          "vjcorpus_http_request_duration_seconds_bucket{"
                          "route=\"%s\",le=\"%g\"} %llu\n",
                          label, bounds[b], (unsigned long long)m->bucket[b]);
        vj_buf_printf(out,
                      "vjcorpus_http_request_duration_seconds_bucket{"
                      "route=\"%s\",le=\"+Inf\"} %llu\n"
                      "vjcorpus_http_request_duration_seconds_sum{route="
                      "\"%s\"} %.6f\n"
                      "vjcorpus_http_request_duration_seconds_count{route="
                      "\"%s\"} %llu\n",
                      label, (unsigned long long)m->count, label, m->sum,
                      label, (unsigned long long)m->count);
    }
    vj_buf_printf(out,
                  "# HELP vjcorpus_http_requests_unanswered_total Requests "
                  "closed before the server answered them (the client went "
                  "away, or the request was malformed beyond routing).\n"
                  "# TYPE vjcorpus_http_requests_unanswered_total counter\n"
                  "vjcorpus_http_requests_unanswered_total %llu\n",
                  (unsigned long long)s->unanswered);
    vj_buf_printf(out,
                  "# HELP vjcorpus_http_requests_in_flight Requests received "
                  "and not yet answered.\n"
                  "# TYPE vjcorpus_http_requests_in_flight gauge\n"
                  "vjcorpus_http_requests_in_flight %u\n",
                  s->inflight);
}
