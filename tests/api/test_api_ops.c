/* test_api_ops.c - operating the server: /api/v1/health and its liveness
 * and readiness probes, /metrics (Prometheus text), the outcome of loads and
 * reloads (SIGHUP on a copy of the corpus: a file gone, a broken manifest,
 * restored), --watch reloading when the corpus folder changes, and the
 * Content-Security-Policy header on every kind of response.
 *
 * Waiting is always bounded polling: a reload is over once /metrics counts
 * one more in vjcorpus_reloads_total, a change seen by --watch once
 * /api/v1/health says so. */
#include "harness.h"

#include <criterion/criterion.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CSP "default-src 'none'; frame-ancestors 'none'"
#define DOC0 "000_9a418107b7a7cca5"
#define DOC2 "002_1e863f61e29da7dd"
#define NEW_DOC "005_0pswatch0000001"
#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Each test's server and temporary folder; .fini cleans up after a
 * failure too. */
static vj_server_t *srv;
static char tmp_base[256];

static void rm_tree(const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                    continue;
                char *p = vj_fmt("%s/%s", path, e->d_name);
                rm_tree(p);
                free(p);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void cleanup(void) {
    if (srv)
        vj_server_kill(srv);
    srv = NULL;
    if (tmp_base[0])
        rm_tree(tmp_base);
    tmp_base[0] = '\0';
    vj_docs_free();
}

TestSuite(ops, .fini = cleanup, .timeout = 120);

/* --- Small helpers ---------------------------------------------------- */

static const char *hdr(const vj_resp_t *r, const char *name) {
    const char *v = vj_header(r, name);
    return v ? v : "(none)";
}

static void pause_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void expect_csp(const vj_resp_t *r, const char *what) {
    cr_expect_eq(vj_header_count(r, "Content-Security-Policy"), 1,
                 "%s: %zu Content-Security-Policy headers", what,
                 vj_header_count(r, "Content-Security-Policy"));
    cr_expect_str_eq(hdr(r, "Content-Security-Policy"), CSP,
                     "%s: Content-Security-Policy %s", what,
                     hdr(r, "Content-Security-Policy"));
    cr_expect_str_eq(hdr(r, "X-Content-Type-Options"), "nosniff",
                     "%s: X-Content-Type-Options %s", what,
                     hdr(r, "X-Content-Type-Options"));
}

static void expect_no_store(const vj_resp_t *r, const char *what) {
    cr_expect(vj_header_has_token(r, "Cache-Control", "no-store"),
              "%s: Cache-Control %s", what, hdr(r, "Cache-Control"));
}

/* Reads a whole file (a new NUL-terminated buffer). */
static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    cr_assert(f != NULL, "cannot open %s: %s", path, strerror(errno));
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cap - n < 65536) {
            cap = cap ? cap * 2 : 65536;
            buf = realloc(buf, cap + 1);
            cr_assert(buf != NULL);
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (k == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

static void write_file(const char *path, const char *data, size_t len) {
    FILE *f = fopen(path, "wb");
    cr_assert(f != NULL, "cannot create %s: %s", path, strerror(errno));
    cr_assert_eq(fwrite(data, 1, len, f), len, "cannot write %s", path);
    cr_assert_eq(fclose(f), 0, "cannot write %s", path);
}

/* Writes a file into the corpus at once: written next to the corpus
 * folder, then renamed in, so a watcher never sees half a file. */
static void put_file(const char *corpus, const char *name, const char *data,
                     size_t len) {
    char *stage = vj_fmt("%s/stage.tmp", tmp_base);
    char *dst = vj_fmt("%s/%s", corpus, name);
    write_file(stage, data, len);
    cr_assert_eq(rename(stage, dst), 0, "rename to %s: %s", dst,
                 strerror(errno));
    free(stage);
    free(dst);
}

/* A copy of data/corpus in a new temporary folder; returns the corpus
 * folder (a new string). */
static char *corpus_copy(void) {
    snprintf(tmp_base, sizeof tmp_base, "/tmp/vjops.XXXXXX");
    cr_assert(mkdtemp(tmp_base) != NULL, "mkdtemp: %s", strerror(errno));
    char *dir = vj_fmt("%s/corpus", tmp_base);
    cr_assert_eq(mkdir(dir, 0755), 0, "mkdir %s: %s", dir, strerror(errno));
    DIR *d = opendir(VJ_CORPUS);
    cr_assert(d != NULL, "cannot list %s", VJ_CORPUS);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *src = vj_fmt("%s/%s", VJ_CORPUS, e->d_name);
        char *dst = vj_fmt("%s/%s", dir, e->d_name);
        size_t len;
        char *data = read_file(src, &len);
        write_file(dst, data, len);
        free(data);
        free(src);
        free(dst);
        n++;
    }
    closedir(d);
    cr_assert_eq(n, 6, "data/corpus has %d files, expected 5 + manifest", n);
    return dir;
}

/* --- Health ----------------------------------------------------------- */

static json_t *get_health(const vj_server_t *s, long want) {
    vj_resp_t *r = vj_get(s, "/api/v1/health");
    cr_assert_eq(r->status, want, "health answered %ld: %.500s", r->status,
                 r->body);
    json_t *j = vj_json(r);
    vj_resp_free(r);
    return j;
}

static int is_iso_utc(const char *at) {
    /* YYYY-MM-DDTHH:MM:SS[.fff]Z */
    size_t n = at ? strlen(at) : 0;
    if (n < 20 || at[4] != '-' || at[7] != '-' || at[10] != 'T' ||
        at[13] != ':' || at[16] != ':' || at[n - 1] != 'Z')
        return 0;
    for (int i = 0; i < 19; i++)
        if (i != 4 && i != 7 && i != 10 && i != 13 && i != 16 &&
            !isdigit((unsigned char)at[i]))
            return 0;
    return 1;
}

/* last_reload: {status, at, errors}; asserts its shape, returns status. */
static const char *last_reload(const json_t *h, const json_t **errors) {
    char *dump = json_dumps(h, JSON_COMPACT);
    const json_t *lr = json_object_get(h, "last_reload");
    cr_assert(json_is_object(lr), "last_reload is not an object: %s", dump);
    cr_expect_eq(json_object_size(lr), 3, "last_reload has other keys: %s",
                 dump);
    const char *st = json_string_value(json_object_get(lr, "status"));
    cr_assert(st != NULL, "last_reload.status: %s", dump);
    cr_expect(strcmp(st, "ok") == 0 || strcmp(st, "partial") == 0 ||
                  strcmp(st, "failed") == 0,
              "last_reload.status %s", st);
    const char *at = json_string_value(json_object_get(lr, "at"));
    cr_expect(at && is_iso_utc(at), "last_reload.at: %s", dump);
    const json_t *e = json_object_get(lr, "errors");
    cr_assert(json_is_array(e), "last_reload.errors: %s", dump);
    cr_expect(json_array_size(e) <= 21, "%zu errors", json_array_size(e));
    for (size_t i = 0; i < json_array_size(e); i++) {
        const char *m = json_string_value(json_array_get(e, i));
        cr_expect(m && *m, "errors[%zu] is not a string: %s", i, dump);
    }
    if (errors)
        *errors = e;
    free(dump);
    return st;
}

/* Some error names needle (NULL if none). */
static const char *error_naming(const json_t *errors, const char *needle) {
    for (size_t i = 0; i < json_array_size(errors); i++) {
        const char *m = json_string_value(json_array_get(errors, i));
        if (m && strstr(m, needle))
            return m;
    }
    return NULL;
}

/* --- Metrics ---------------------------------------------------------- */

static char *get_metrics(const vj_server_t *s) {
    vj_resp_t *r = vj_get(s, "/metrics");
    cr_assert_eq(r->status, 200, "/metrics answered %ld: %.300s", r->status,
                 r->body);
    cr_expect_str_eq(hdr(r, "Content-Type"),
                     "text/plain; version=0.0.4; charset=utf-8");
    char *body = r->body;
    r->body = NULL;
    vj_resp_free(r);
    return body;
}

/* The value of the sample written exactly `series` (name and labels), or
 * NAN when there is none. */
static double metric(const char *text, const char *series) {
    size_t n = strlen(series);
    for (const char *p = text; p && *p;) {
        if (strncmp(p, series, n) == 0 && p[n] == ' ') {
            char *end;
            double v = strtod(p + n + 1, &end);
            return end == p + n + 1 ? NAN : v;
        }
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return NAN;
}

static double reloads(const vj_server_t *s) {
    char *m = get_metrics(s);
    double n = 0;
    static const char *const outcomes[] = {"ok", "partial", "failed"};
    for (int i = 0; i < 3; i++) {
        char *k = vj_fmt("vjcorpus_reloads_total{outcome=\"%s\"}", outcomes[i]);
        double v = metric(m, k);
        cr_assert(!isnan(v), "no %s in /metrics", k);
        n += v;
        free(k);
    }
    free(m);
    return n;
}

/* Sends SIGHUP and waits (bounded) until the reload is over. */
static void reload(vj_server_t *s) {
    double before = reloads(s);
    cr_assert_eq(kill(s->pid, SIGHUP), 0);
    double end = vj_now() + 30;
    while (reloads(s) <= before) {
        cr_assert(vj_now() < end, "the reload did not finish within 30 s");
        pause_ms(20);
    }
}

/* The metric name a sample line belongs to: up to '{' or ' '. */
static char *sample_name(const char *line, size_t len) {
    size_t k = 0;
    while (k < len && line[k] != '{' && line[k] != ' ')
        k++;
    char *s = malloc(k + 1);
    memcpy(s, line, k);
    s[k] = '\0';
    return s;
}

/* A "# KIND name ..." line for name exists; its TYPE when kind is TYPE. */
static const char *meta_line(const char *text, const char *kind,
                             const char *name) {
    char *needle = vj_fmt("# %s %s ", kind, name);
    const char *p = text;
    const char *hit = NULL;
    while ((p = strstr(p, needle)) != NULL) {
        if (p == text || p[-1] == '\n') {
            hit = p + strlen(needle);
            break;
        }
        p++;
    }
    free(needle);
    return hit;
}

/* Every sample belongs to a metric with # HELP and # TYPE lines (a
 * histogram's _bucket, _sum and _count to the histogram). */
static void expect_help_and_type(const char *text) {
    int samples = 0;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len && p[0] != '#') {
            samples++;
            char *name = sample_name(p, len);
            const char *type = meta_line(text, "TYPE", name);
            const char *help = meta_line(text, "HELP", name);
            static const char *const sfx[] = {"_bucket", "_sum", "_count"};
            for (size_t i = 0; i < LEN(sfx) && !type; i++) {
                size_t n = strlen(name), k = strlen(sfx[i]);
                if (n <= k || strcmp(name + n - k, sfx[i]) != 0)
                    continue;
                char *base = vj_fmt("%.*s", (int)(n - k), name);
                const char *t = meta_line(text, "TYPE", base);
                if (t && strncmp(t, "histogram\n", 10) == 0) {
                    type = t;
                    help = meta_line(text, "HELP", base);
                }
                free(base);
            }
            cr_expect(type != NULL, "no # TYPE for %s: %.*s", name, (int)len,
                      p);
            cr_expect(help != NULL, "no # HELP for %s: %.*s", name, (int)len,
                      p);
            free(name);
        }
        p += len + (nl != NULL);
    }
    cr_expect(samples > 10, "only %d samples", samples);
}

/* The histogram of route: buckets cumulative, le="+Inf" == _count; returns
 * _count. */
static double expect_histogram(const char *text, const char *route) {
    static const char *const les[] = {"0.0005", "0.001", "0.0025", "0.005",
                                      "0.01",   "0.025", "0.05",   "0.1",
                                      "0.25",   "0.5",   "1",      "2.5",
                                      "5",      "10",    "+Inf"};
    double prev = 0;
    int seen = 0;
    for (size_t i = 0; i < LEN(les); i++) {
        char *k = vj_fmt("vjcorpus_http_request_duration_seconds_bucket{"
                         "route=\"%s\",le=\"%s\"}",
                         route, les[i]);
        double v = metric(text, k);
        free(k);
        if (isnan(v)) {
            cr_expect(strcmp(les[i], "+Inf") != 0,
                      "%s: no le=\"+Inf\" bucket", route);
            continue;
        }
        seen++;
        cr_expect(v >= prev, "%s: bucket le=%s is %g < %g (not cumulative)",
                  route, les[i], v, prev);
        prev = v;
    }
    cr_expect(seen >= 2, "%s: %d buckets", route, seen);
    char *k = vj_fmt("vjcorpus_http_request_duration_seconds_count{route=\"%s\"}",
                     route);
    double count = metric(text, k);
    free(k);
    k = vj_fmt("vjcorpus_http_request_duration_seconds_sum{route=\"%s\"}",
               route);
    double sum = metric(text, k);
    free(k);
    cr_expect(!isnan(count) && count == prev,
              "%s: le=\"+Inf\" %g but _count %g", route, prev, count);
    cr_expect(!isnan(sum) && sum >= 0, "%s: _sum %g", route, sum);
    return count;
}

/* --- Health and the probes -------------------------------------------- */

Test(ops, health_body_fields) {
    srv = vj_server_start(VJ_CORPUS, NULL);
    vj_resp_t *r = vj_get(srv, "/api/v1/health");
    cr_assert_eq(r->status, 200);
    expect_no_store(r, "health");
    expect_csp(r, "health");
    json_t *h = vj_json(r);
    vj_resp_free(r);
    static const char *const keys[] = {"status",   "live",      "ready",
                                       "documents", "skipped",  "loaded_at",
                                       "version",  "last_reload"};
    for (size_t i = 0; i < LEN(keys); i++)
        cr_expect(json_object_get(h, keys[i]) != NULL, "no %s", keys[i]);
    cr_expect_eq(json_object_size(h), LEN(keys),
                 "health has %zu keys", json_object_size(h));
    cr_expect_str_eq(vj_jstr(h, "status"), "ok");
    cr_expect(json_is_true(json_object_get(h, "live")));
    cr_expect(json_is_true(json_object_get(h, "ready")));
    cr_expect_eq(vj_jint(h, "documents"), 5);
    cr_expect_eq(vj_jint(h, "skipped"), 0);
    cr_expect(is_iso_utc(vj_jstr(h, "loaded_at")), "loaded_at %s",
              vj_jstr(h, "loaded_at"));
    cr_expect_str_eq(vj_jstr(h, "version"), "0.1.0");
    const json_t *errors;
    cr_expect_str_eq(last_reload(h, &errors), "ok");
    cr_expect_eq(json_array_size(errors), 0);
    json_decref(h);

    r = vj_get(srv, "/api/v1/health/live");
    cr_assert_eq(r->status, 200);
    expect_no_store(r, "live");
    expect_csp(r, "live");
    cr_expect(strncmp(hdr(r, "Content-Type"), "application/json", 16) == 0);
    json_t *j = vj_json(r);
    json_t *want = json_pack("{s:s}", "status", "live");
    cr_expect(json_equal(j, want), "live: %s", r->body);
    json_decref(want);
    json_decref(j);
    vj_resp_free(r);

    r = vj_get(srv, "/api/v1/health/ready");
    cr_assert_eq(r->status, 200);
    expect_no_store(r, "ready");
    expect_csp(r, "ready");
    cr_expect(vj_header(r, "Retry-After") == NULL, "Retry-After when ready");
    j = vj_json(r);
    want = json_pack("{s:s, s:i}", "status", "ready", "documents", 5);
    cr_expect(json_equal(j, want), "ready: %s", r->body);
    json_decref(want);
    json_decref(j);
    vj_resp_free(r);

    /* strict parameters, HEAD and the preflight like every path */
    static const char *const paths[] = {"/api/v1/health/live",
                                        "/api/v1/health/ready", "/metrics",
                                        NULL};
    for (size_t i = 0; paths[i]; i++) {
        char *p = vj_fmt("%s?verbose=1", paths[i]);
        r = vj_get(srv, p);
        vj_assert_problem(r, 400, "verbose");
        expect_csp(r, p);
        vj_resp_free(r);
        free(p);
        p = vj_fmt("%s?_=1", paths[i]);
        r = vj_get(srv, p);
        cr_expect_eq(r->status, 200, "%s answered %ld", p, r->status);
        vj_resp_free(r);
        free(p);
        vj_req_t q = {.method = "HEAD"};
        r = vj_request(srv, paths[i], &q);
        cr_expect_eq(r->status, 200, "HEAD %s: %ld", paths[i], r->status);
        cr_expect_eq(r->body_len, 0, "HEAD %s has a body", paths[i]);
        expect_csp(r, paths[i]);
        vj_resp_free(r);
        q.method = "OPTIONS";
        r = vj_request(srv, paths[i], &q);
        cr_expect_eq(r->status, 204, "OPTIONS %s: %ld", paths[i], r->status);
        expect_csp(r, paths[i]);
        vj_resp_free(r);
        q.method = "DELETE";
        r = vj_request(srv, paths[i], &q);
        vj_assert_problem(r, 405, NULL);
        cr_expect_str_eq(hdr(r, "Allow"), "GET, HEAD, OPTIONS");
        vj_resp_free(r);
    }
    vj_server_stop(srv);
    srv = NULL;
}

Test(ops, probes_while_loading) {
    static const char *const env[] = {"VJCORPUS_DEBUG_LOAD_DELAY_MS=3000",
                                      NULL};
    vj_server_opts_t o = {
        .corpus_dir = VJ_CORPUS, .env = env, .no_wait_ready = 1};
    srv = vj_server_start_opts(&o);

    vj_resp_t *r = vj_get(srv, "/api/v1/health/live");
    cr_expect_eq(r->status, 200, "live while loading: %ld", r->status);
    expect_no_store(r, "live while loading");
    json_t *j = vj_json(r);
    cr_expect_str_eq(vj_jstr(j, "status"), "live");
    json_decref(j);
    vj_resp_free(r);

    r = vj_get(srv, "/api/v1/health/ready");
    cr_expect_eq(r->status, 503, "ready while loading: %ld", r->status);
    const char *ra = vj_header(r, "Retry-After");
    cr_expect(ra && *ra && strspn(ra, "0123456789") == strlen(ra) &&
                  atol(ra) >= 1,
              "Retry-After %s", ra ? ra : "(none)");
    expect_no_store(r, "ready while loading");
    expect_csp(r, "ready while loading");
    j = vj_json(r);
    json_t *want = json_pack("{s:s}", "status", "loading");
    cr_expect(json_equal(j, want), "ready while loading: %s", r->body);
    json_decref(want);
    json_decref(j);
    vj_resp_free(r);

    j = get_health(srv, 503);
    cr_expect_str_eq(vj_jstr(j, "status"), "loading");
    cr_expect(json_is_true(json_object_get(j, "live")), "live while loading");
    cr_expect(json_is_false(json_object_get(j, "ready")));
    cr_expect(json_is_null(json_object_get(j, "last_reload")),
              "last_reload before the first load is not null");
    cr_expect(json_is_null(json_object_get(j, "loaded_at")));
    json_decref(j);

    char *m = get_metrics(srv);
    cr_expect_eq(metric(m, "vjcorpus_ready"), 0, "vjcorpus_ready while loading");
    cr_expect_eq(metric(m, "vjcorpus_snapshot_documents"), 0);
    cr_expect_eq(metric(m, "vjcorpus_reloads_total{outcome=\"ok\"}"), 0);
    expect_help_and_type(m);
    free(m);

    r = vj_get(srv, "/api/v1/documents");
    vj_assert_problem(r, 503, NULL);
    expect_csp(r, "503 problem");
    vj_resp_free(r);

    /* ready once loaded: 503 until then, nothing else */
    double end = vj_now() + 30;
    long st = 0;
    while (vj_now() < end) {
        r = vj_get(srv, "/api/v1/health/ready");
        st = r->status;
        vj_resp_free(r);
        if (st == 200)
            break;
        cr_assert_eq(st, 503, "ready answered %ld while loading", st);
        pause_ms(50);
    }
    cr_assert_eq(st, 200, "never became ready");
    j = vj_get_json(srv, "/api/v1/health/ready");
    cr_expect_eq(vj_jint(j, "documents"), 5);
    json_decref(j);
    j = get_health(srv, 200);
    cr_expect_str_eq(last_reload(j, NULL), "ok");
    json_decref(j);
    m = get_metrics(srv);
    cr_expect_eq(metric(m, "vjcorpus_ready"), 1);
    cr_expect_eq(metric(m, "vjcorpus_snapshot_documents"), 5);
    cr_expect_eq(metric(m, "vjcorpus_reloads_total{outcome=\"ok\"}"), 1);
    free(m);
    vj_server_stop(srv);
    srv = NULL;
}

/* --- /metrics --------------------------------------------------------- */

#define TL_200 "vjcorpus_http_requests_total{route=\"/api/v1/timeline\",status=\"200\"}"
#define UNMATCHED_404 "vjcorpus_http_requests_total{route=\"unmatched\",status=\"404\"}"

Test(ops, metrics_count_requests) {
    srv = vj_server_start(VJ_CORPUS, NULL);
    int hits_seen = 0;
    for (int i = 0; i < 3; i++) {
        vj_resp_t *r = vj_get(srv, "/api/v1/timeline");
        cr_assert_eq(r->status, 200);
        expect_csp(r, "timeline");
        if (strstr(hdr(r, "Server-Timing"), "cache;desc=\"hit\""))
            hits_seen++;
        vj_resp_free(r);
    }
    vj_resp_t *r = vj_get(srv, "/api/v1/no-such-thing");
    vj_assert_problem(r, 404, NULL);
    vj_resp_free(r);

    /* a request is counted once complete on the server, which may be just
     * after curl has the answer */
    char *m = NULL;
    double end = vj_now() + 5;
    for (;;) {
        free(m);
        m = get_metrics(srv);
        double tl = metric(m, TL_200), um = metric(m, UNMATCHED_404);
        if ((tl >= 3 && um >= 1) || vj_now() > end)
            break;
        pause_ms(20);
    }
    cr_expect_eq(metric(m, TL_200), 3, "%s is %g", TL_200, metric(m, TL_200));
    cr_expect(metric(m, UNMATCHED_404) >= 1, "%s is %g", UNMATCHED_404,
              metric(m, UNMATCHED_404));
    expect_help_and_type(m);
    double count = expect_histogram(m, "/api/v1/timeline");
    cr_expect_eq(count, 3, "timeline histogram _count %g", count);
    expect_histogram(m, "unmatched");
    expect_histogram(m, "/api/v1/health");
    cr_expect(metric(m, "vjcorpus_http_requests_in_flight") >= 0);
    cr_expect_eq(metric(m, "vjcorpus_ready"), 1);
    cr_expect_eq(metric(m, "vjcorpus_snapshot_documents"), 5);
    cr_expect(metric(m, "vjcorpus_snapshot_bytes") > 0);
    cr_expect(metric(m, "vjcorpus_snapshot_passages") > 0);
    cr_expect(metric(m, "vjcorpus_snapshot_age_seconds") >= 0);
    cr_expect_eq(metric(m, "vjcorpus_reloads_total{outcome=\"ok\"}"), 1);
    cr_expect_eq(metric(m, "vjcorpus_reloads_total{outcome=\"partial\"}"), 0);
    cr_expect_eq(metric(m, "vjcorpus_reloads_total{outcome=\"failed\"}"), 0);
    double hit = metric(m, "vjcorpus_cache_requests_total{result=\"hit\"}");
    double miss = metric(m, "vjcorpus_cache_requests_total{result=\"miss\"}");
    cr_expect(hit >= hits_seen, "cache hits %g, %d answers said hit", hit,
              hits_seen);
    cr_expect(miss >= 0 && !isnan(miss), "cache misses %g", miss);
    cr_expect(metric(m, "vjcorpus_cache_entries") >= 0);
    cr_expect(metric(m, "vjcorpus_cache_bytes") >= 0);
    /* no sample without a real status */
    cr_expect(strstr(m, "status=\"0\"") == NULL, "a status=\"0\" sample");
    free(m);

    r = vj_get(srv, "/metrics");
    expect_no_store(r, "/metrics");
    expect_csp(r, "/metrics");
    vj_resp_free(r);
    vj_server_stop(srv);
    srv = NULL;
}

/* --- Reloads ---------------------------------------------------------- */

Test(ops, reload_outcomes_via_sighup) {
    char *dir = corpus_copy();
    srv = vj_server_start(dir, NULL);
    json_t *h = get_health(srv, 200);
    cr_assert_eq(vj_jint(h, "documents"), 5);
    cr_expect_str_eq(last_reload(h, NULL), "ok");
    json_decref(h);

    /* an article file gone, its manifest entry left: partial */
    char *doc2 = vj_fmt("%s/" DOC2 ".txt", dir);
    size_t doc2_len;
    char *doc2_text = read_file(doc2, &doc2_len);
    cr_assert_eq(unlink(doc2), 0);
    reload(srv);
    h = get_health(srv, 200);
    const json_t *errors;
    cr_expect_str_eq(last_reload(h, &errors), "partial");
    cr_expect_eq(vj_jint(h, "documents"), 4);
    cr_expect(vj_jint(h, "skipped") >= 1, "skipped %lld",
              vj_jint(h, "skipped"));
    cr_expect(json_array_size(errors) >= 1, "no errors for a partial load");
    cr_expect(error_naming(errors, DOC2 ".txt") != NULL,
              "no error names " DOC2 ".txt: %s",
              json_string_value(json_array_get(errors, 0)));
    const char *loaded_at = vj_jstr(h, "loaded_at");
    char *partial_at = vj_fmt("%s", loaded_at ? loaded_at : "");
    json_decref(h);
    vj_resp_t *r = vj_get(srv, "/api/v1/documents/" DOC2);
    vj_assert_problem(r, 404, NULL);
    vj_resp_free(r);
    char *m = get_metrics(srv);
    cr_expect_eq(metric(m, "vjcorpus_reloads_total{outcome=\"partial\"}"), 1);
    cr_expect_eq(metric(m, "vjcorpus_snapshot_documents"), 4);
    free(m);

    /* a broken manifest: failed, the previous snapshot still served */
    char *manifest = vj_fmt("%s/manifest.json", dir);
    size_t manifest_len;
    char *manifest_text = read_file(manifest, &manifest_len);
    static const char broken[] = "{\"documents\": [\n  {\"file\": ";
    put_file(dir, "manifest.json", broken, sizeof broken - 1);
    reload(srv);
    h = get_health(srv, 200);
    cr_expect_str_eq(last_reload(h, &errors), "failed");
    cr_expect_str_eq(vj_jstr(h, "status"), "ok");
    cr_expect(json_is_true(json_object_get(h, "ready")));
    cr_expect_eq(vj_jint(h, "documents"), 4, "documents changed on a failure");
    cr_expect_str_eq(vj_jstr(h, "loaded_at"), partial_at,
                     "a failed reload replaced the snapshot");
    cr_assert(json_array_size(errors) >= 1, "no errors for a failed reload");
    const char *first = json_string_value(json_array_get(errors, 0));
    cr_expect(first && strncmp(first, dir, strlen(dir)) == 0 &&
                  strstr(first, ": load failed ("),
              "errors[0] %s is not \"%s: load failed (...)\"",
              first ? first : "(none)", dir);
    cr_expect(error_naming(errors, "manifest.json") != NULL,
              "no error names manifest.json");
    json_decref(h);
    json_t *j = vj_get_json(srv, "/api/v1/documents");
    cr_expect_eq(vj_jint(j, "total"), 4, "documents after a failed reload");
    json_decref(j);
    j = vj_get_json(srv, "/api/v1/health/ready");
    cr_expect_str_eq(vj_jstr(j, "status"), "ready");
    json_decref(j);
    m = get_metrics(srv);
    cr_expect(metric(m, "vjcorpus_reloads_total{outcome=\"failed\"}") >= 1,
              "reloads_total{outcome=\"failed\"} %g",
              metric(m, "vjcorpus_reloads_total{outcome=\"failed\"}"));
    cr_expect_eq(metric(m, "vjcorpus_ready"), 1);
    free(m);

    /* restored: ok again */
    put_file(dir, "manifest.json", manifest_text, manifest_len);
    put_file(dir, DOC2 ".txt", doc2_text, doc2_len);
    reload(srv);
    h = get_health(srv, 200);
    cr_expect_str_eq(last_reload(h, &errors), "ok");
    cr_expect_eq(json_array_size(errors), 0);
    cr_expect_eq(vj_jint(h, "documents"), 5);
    cr_expect_eq(vj_jint(h, "skipped"), 0);
    json_decref(h);
    r = vj_get(srv, "/api/v1/documents/" DOC2);
    cr_expect_eq(r->status, 200, "%s after the restore: %ld", DOC2, r->status);
    vj_resp_free(r);
    m = get_metrics(srv);
    cr_expect_eq(metric(m, "vjcorpus_reloads_total{outcome=\"ok\"}"), 2);
    cr_expect_eq(metric(m, "vjcorpus_reloads_total{outcome=\"partial\"}"), 1);
    cr_expect_eq(metric(m, "vjcorpus_reloads_total{outcome=\"failed\"}"), 1);
    free(m);

    vj_server_stop(srv);
    srv = NULL;
    free(manifest_text);
    free(manifest);
    free(doc2_text);
    free(doc2);
    free(partial_at);
    free(dir);
}

/* --- --watch ---------------------------------------------------------- */

/* Polls health (bounded) until it reports `documents`; returns the last
 * health seen (caller decrefs). */
static json_t *await_documents(vj_server_t *s, long long documents,
                               double timeout_s) {
    double end = vj_now() + timeout_s;
    for (;;) {
        json_t *h = get_health(s, 200);
        if (vj_jint(h, "documents") == documents || vj_now() > end)
            return h;
        json_decref(h);
        pause_ms(50);
    }
}

/* Polls health (bounded) until last_reload.status is status. */
static json_t *await_reload_status(vj_server_t *s, const char *status,
                                   double timeout_s) {
    double end = vj_now() + timeout_s;
    for (;;) {
        json_t *h = get_health(s, 200);
        const json_t *lr = json_object_get(h, "last_reload");
        const char *st = json_string_value(json_object_get(lr, "status"));
        if ((st && strcmp(st, status) == 0) || vj_now() > end)
            return h;
        json_decref(h);
        pause_ms(50);
    }
}

/* Adds a copy of DOC0 under a new name, then removes it, and checks the
 * server followed both changes by itself. */
static void watch_add_and_remove(vj_server_t *s, const char *dir) {
    char *src = vj_fmt("%s/" DOC0 ".txt", dir);
    size_t len;
    char *text = read_file(src, &len);
    put_file(dir, NEW_DOC ".txt", text, len);
    json_t *h = await_documents(s, 6, 10);
    cr_assert_eq(vj_jint(h, "documents"), 6,
                 "--watch: the new file was not loaded within 10 s");
    json_decref(h);
    vj_resp_t *r = vj_get(s, "/api/v1/documents/" NEW_DOC);
    cr_expect_eq(r->status, 200, "the new document: %ld", r->status);
    vj_resp_free(r);

    char *added = vj_fmt("%s/" NEW_DOC ".txt", dir);
    cr_assert_eq(unlink(added), 0);
    h = await_documents(s, 5, 10);
    cr_assert_eq(vj_jint(h, "documents"), 5,
                 "--watch: the removal was not seen within 10 s");
    json_decref(h);
    r = vj_get(s, "/api/v1/documents/" NEW_DOC);
    vj_assert_problem(r, 404, NULL);
    vj_resp_free(r);
    free(added);
    free(text);
    free(src);
}

Test(ops, watch_reloads_on_change) {
    char *dir = corpus_copy();
    static const char *const args[] = {"--watch", NULL};
    srv = vj_server_start(dir, args);
    json_t *h = get_health(srv, 200);
    cr_assert_eq(vj_jint(h, "documents"), 5);
    json_decref(h);
    watch_add_and_remove(srv, dir);

    /* a broken manifest: failed, and the snapshot stays */
    char *manifest = vj_fmt("%s/manifest.json", dir);
    size_t len;
    char *manifest_text = read_file(manifest, &len);
    static const char broken[] = "{\"documents\": [";
    put_file(dir, "manifest.json", broken, sizeof broken - 1);
    h = await_reload_status(srv, "failed", 10);
    const json_t *errors;
    cr_expect_str_eq(last_reload(h, &errors), "failed");
    cr_expect_eq(vj_jint(h, "documents"), 5);
    json_decref(h);
    put_file(dir, "manifest.json", manifest_text, len);
    h = await_reload_status(srv, "ok", 10);
    cr_expect_str_eq(last_reload(h, NULL), "ok");
    cr_expect_eq(vj_jint(h, "documents"), 5);
    json_decref(h);
    char *log = vj_server_log(srv);
    cr_expect(strstr(log, "changed, reloading") != NULL,
              "no reload in the log: %.800s", log);
    free(log);
    vj_server_stop(srv);
    srv = NULL;
    free(manifest_text);
    free(manifest);
    free(dir);
}

Test(ops, watch_from_the_environment) {
    char *dir = corpus_copy();
    static const char *const env[] = {"VJCORPUS_WATCH=1", NULL};
    vj_server_opts_t o = {.corpus_dir = dir, .env = env};
    srv = vj_server_start_opts(&o);
    watch_add_and_remove(srv, dir);
    vj_server_stop(srv);
    srv = NULL;
    free(dir);
}

Test(ops, no_watch_without_the_flag) {
    /* without --watch a change waits for SIGHUP */
    char *dir = corpus_copy();
    srv = vj_server_start(dir, NULL);
    char *src = vj_fmt("%s/" DOC0 ".txt", dir);
    size_t len;
    char *text = read_file(src, &len);
    put_file(dir, NEW_DOC ".txt", text, len);
    reload(srv);
    json_t *h = get_health(srv, 200);
    cr_expect_eq(vj_jint(h, "documents"), 6);
    json_decref(h);
    char *log = vj_server_log(srv);
    cr_expect(strstr(log, "changed, reloading") == NULL,
              "reloaded on a change without --watch: %.800s", log);
    free(log);
    vj_server_stop(srv);
    srv = NULL;
    free(text);
    free(src);
    free(dir);
}

/* --- Content-Security-Policy everywhere ------------------------------- */

Test(ops, csp_on_every_response) {
    srv = vj_server_start(VJ_CORPUS, NULL);
    static const struct {
        const char *method, *path;
        long status;
    } cases[] = {
        {NULL, "/api/v1/documents", 200},
        {NULL, "/api/v1/documents", 200}, /* again: from the cache */
        {NULL, "/api/v1/documents/" DOC0, 200},
        {NULL, "/api/v1/health", 200},
        {NULL, "/openapi.json", 200},
        {NULL, "/metrics", 200},
        {NULL, "/api/v1/nope", 404},
        {NULL, "/api/v1/documents/999_0000000000000000", 404},
        {NULL, "/api/v1/documents?limit=0", 400},
        {NULL, "/api/v1/documents?foo=1", 400},
        {NULL, "/api/v1/%ff", 400},
        {"POST", "/api/v1/documents", 405},
        {"HEAD", "/api/v1/documents", 200},
        {"HEAD", "/api/v1/nope", 404},
        {"OPTIONS", "/api/v1/documents", 204},
        {NULL, NULL, 0}};
    for (size_t i = 0; cases[i].path; i++) {
        vj_req_t q = {.method = cases[i].method};
        vj_resp_t *r = vj_request(srv, cases[i].path, &q);
        char *what = vj_fmt("%s %s", cases[i].method ? cases[i].method : "GET",
                            cases[i].path);
        cr_expect_eq(r->status, cases[i].status, "%s answered %ld", what,
                     r->status);
        if (cases[i].status >= 400 && !cases[i].method)
            vj_assert_problem(r, cases[i].status, NULL);
        expect_csp(r, what);
        free(what);
        vj_resp_free(r);
    }
    /* a cache hit and a 304 keep it too */
    vj_resp_t *a = vj_get(srv, "/api/v1/timeline?limit=3");
    vj_resp_t *b = vj_get(srv, "/api/v1/timeline?limit=3");
    cr_assert_eq(b->status, 200);
    expect_csp(b, "second GET /api/v1/timeline?limit=3");
    const char *etag = vj_header(a, "ETag");
    cr_assert(etag != NULL);
    char *inm = vj_fmt("If-None-Match: %s", etag);
    const char *const hs[] = {inm, NULL};
    vj_req_t q = {.headers = hs};
    vj_resp_t *c = vj_request(srv, "/api/v1/timeline?limit=3", &q);
    cr_expect_eq(c->status, 304);
    expect_csp(c, "304");
    vj_resp_free(c);
    free(inm);
    vj_resp_free(a);
    vj_resp_free(b);
    vj_server_stop(srv);
    srv = NULL;
}
