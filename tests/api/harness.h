/* harness.h - API tests against the real vjcorpus binary.
 *
 * vj_server_start() forks and execs `$VJCORPUS_BIN serve --corpus DIR --host
 * 127.0.0.1 --port 0 [extra]` (default build/vjcorpus) with its stdout and
 * stderr in `$VJ_TEST_LOG_DIR/server-<pid>.log` (default build/logs; the
 * Makefile scans these logs for sanitizer reports, so they are kept), waits
 * for the `listening on http://127.0.0.1:PORT` line and then polls
 * GET /api/v1/health until it answers 200. vj_server_stop() sends SIGTERM
 * and asserts a clean exit (status 0) within 10 s.
 *
 * Requests go through libcurl (vj_get(), vj_request()); what curl will not
 * send (garbage request lines, pipelining) goes through vj_raw(), which
 * parses the answers into the same vj_resp_t. vj_run() runs the binary as a
 * command line tool and captures its exit status, stdout and stderr.
 *
 * Helpers that cannot go on (a server that never listens, a body that is
 * not JSON) fail the current Criterion test. */
#ifndef VJ_TEST_HARNESS_H
#define VJ_TEST_HARNESS_H

#include <curl/curl.h>
#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

#define VJ_CORPUS "data/corpus"
#define VJ_FIXTURES "tests/api/fixtures"

/* The five ids of data/corpus, in id order. */
extern const char *const vj_ids[5];

/* --- Servers ---------------------------------------------------------- */

typedef struct {
    const char *corpus_dir;  /* --corpus DIR; NULL: no --corpus */
    const char *const *args; /* after the defaults; NULL-terminated or NULL */
    const char *const *env;  /* extra "NAME=VALUE"; NULL-terminated or NULL */
    int no_host_port;        /* 1: no --host 127.0.0.1 --port 0 */
    int no_wait_ready;       /* 1: return once listening, before health 200 */
} vj_server_opts_t;

typedef struct {
    pid_t pid;
    unsigned port;
    char log_path[512];
    char base_url[64]; /* "http://127.0.0.1:PORT" */
    int exited;        /* set by vj_server_wait_exit() */
    int status;        /* waitpid() status once exited */
} vj_server_t;

/* Starts a server on corpus_dir with extra args (NULL-terminated or NULL)
 * and waits until it is listening and healthy. Returns a new server that
 * vj_server_stop() frees. Fails the test on a timeout. */
vj_server_t *vj_server_start(const char *corpus_dir,
                             const char *const *extra_args);
vj_server_t *vj_server_start_opts(const vj_server_opts_t *o);

/* Only forks and execs (no waiting); for servers expected not to start. */
vj_server_t *vj_server_spawn(const vj_server_opts_t *o);

/* Waits up to timeout_s for the process to exit. Returns 1 if it exited
 * (s->status holds the wait status), 0 on timeout. */
int vj_server_wait_exit(vj_server_t *s, double timeout_s);

/* SIGTERM (or sig), waits at most 10 s (then SIGKILL and fail), checks exit
 * status 0 and frees s. NULL is a no-op. A failure here aborts the worker
 * rather than asserting, because Criterion ignores assertions in a .fini:
 * the test then counts as crashed and the run fails. */
void vj_server_stop(vj_server_t *s);
void vj_server_stop_signal(vj_server_t *s, int sig);

/* Kills (SIGKILL) and frees a server without checking anything. */
void vj_server_kill(vj_server_t *s);

/* The server's log so far (a new string), and waiting for a needle in it. */
char *vj_server_log(const vj_server_t *s);
int vj_server_log_wait(const vj_server_t *s, const char *needle,
                       double timeout_s);

/* Asserts GET /api/v1/health answers 200 (the server survived). */
void vj_assert_healthy(const vj_server_t *s);

/* --- Requests --------------------------------------------------------- */

typedef struct {
    const char *method;         /* NULL: GET. "HEAD" asks without a body */
    const char *const *headers; /* "Name: value", NULL-terminated or NULL */
    int gzip;                   /* 1: send Accept-Encoding: gzip */
    int raw;                    /* 1: keep the body as sent (no gunzip) */
    const char *body;           /* request body (any method), or NULL */
    size_t body_len;
    CURL *curl; /* reuse this handle (keep-alive); NULL: a fresh one */
} vj_req_t;

typedef struct {
    char *name;
    char *value;
} vj_header_t;

typedef struct {
    long status;
    vj_header_t *headers;
    size_t header_count;
    char *body; /* NUL-terminated for convenience; body_len excludes it */
    size_t body_len;
    long num_connects; /* CURLINFO_NUM_CONNECTS */
} vj_resp_t;

/* GET path (starting with '/') from s. Fails the test on a transport error.
 */
vj_resp_t *vj_get(const vj_server_t *s, const char *path);
vj_resp_t *vj_request(const vj_server_t *s, const char *path,
                      const vj_req_t *r);
/* The same against a port, for servers not started by the harness. Returns
 * NULL on a transport error (no failure). */
vj_resp_t *vj_request_port(unsigned port, const char *path, const vj_req_t *r);
void vj_resp_free(vj_resp_t *r);

/* The value of the first header called name (case-insensitive), or NULL;
 * how many there are. */
const char *vj_header(const vj_resp_t *r, const char *name);
size_t vj_header_count(const vj_resp_t *r, const char *name);

/* 1 if the comma-separated header value list contains token
 * (case-insensitive, whitespace trimmed). */
int vj_header_has_token(const vj_resp_t *r, const char *name,
                        const char *token);

/* Parses the body as JSON; fails the test if it is not. New reference. */
json_t *vj_json(const vj_resp_t *r);

/* gunzips data; returns a new buffer (NUL-terminated) or NULL if it is not
 * a valid gzip stream. */
char *vj_gunzip(const char *data, size_t len, size_t *out_len);

/* Sends len bytes as they are on a new TCP connection and parses up to max
 * responses into out[] (each freed with vj_resp_free()). Stops at max
 * responses, when the server closes, or after timeout_s. Returns the number
 * of complete responses parsed; *closed (if not NULL) is 1 when the server
 * closed the connection with nothing left unparsed. */
size_t vj_raw(const vj_server_t *s, const void *data, size_t len,
              vj_resp_t **out, size_t max, double timeout_s, int *closed);

/* Asserts r is an application/problem+json answer with this status, and,
 * when param is not NULL, that it names param in "parameter" and in
 * "detail". */
void vj_assert_problem(const vj_resp_t *r, long status, const char *param);

/* --- Command line ----------------------------------------------------- */

typedef struct {
    int exited; /* 0: killed after the timeout */
    int code;   /* exit code when exited */
    char *out;  /* stdout */
    char *err;  /* stderr */
} vj_run_t;

/* Runs $VJCORPUS_BIN with argv (NULL-terminated, without the program) and
 * extra env ("NAME=VALUE", NULL-terminated or NULL); kills it after
 * timeout_s. stderr is kept in the log folder as cli-<pid>.log. */
vj_run_t vj_run(const char *const *argv, const char *const *env,
                double timeout_s);
void vj_run_free(vj_run_t *r);

/* --- Small things ----------------------------------------------------- */

/* Number of UTF-8 code points in s[0..len). */
size_t vj_utf8_chars(const char *s, size_t len);
/* Case-insensitive substring search. */
const char *vj_strcasestr(const char *hay, const char *needle);
/* A new string made with printf. */
char *vj_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* GET path on s, assert 200, and return its JSON (caller decrefs). */
json_t *vj_get_json(vj_server_t *s, const char *path);
/* Every item of a list endpoint, following offset pages of 100 (a new
 * array). */
json_t *vj_get_all(vj_server_t *s, const char *path);
/* A string member, or NULL; an integer member (asserted). */
const char *vj_jstr(const json_t *o, const char *k);
long long vj_jint(const json_t *o, const char *k);
/* The detail of seed document id (one of vj_ids), fetched from s once and
 * cached; vj_docs_free() drops the cache. */
const json_t *vj_doc(vj_server_t *s, const char *id);
void vj_docs_free(void);
/* Asserts a source or mention span slices its document text to its quote,
 * in bytes and in code points, inside its paragraph, and carries the
 * document's title and publication date. */
void vj_check_span(vj_server_t *s, const char *what, const json_t *src);

/* The judging fold: NFD, marks stripped, case folded, đ -> d (a new
 * string). */
char *vj_fold(const char *s);
/* Monotonic seconds. */
double vj_now(void);

#endif
