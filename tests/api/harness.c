/* harness.c - starting the real vjcorpus binary and speaking HTTP to it.
 *
 * A server is a child process whose stdout and stderr go to a log file named
 * after its pid; its port is read from the `listening on` line it prints
 * once bound (it listens on port 0). The child asks for SIGTERM when the
 * Criterion worker that started it dies, so a crashed or timed-out test
 * leaves no server behind. */
#include "harness.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>
#include <zlib.h>

extern char **environ;

const char *const vj_ids[5] = {
    "000_9a418107b7a7cca5", "001_58805106130a1a09", "002_1e863f61e29da7dd",
    "003_53ad46796207618d", "004_5793ab1afd7dfe9c",
};

#define LISTEN_TIMEOUT_S 10.0
#define READY_TIMEOUT_S 30.0
#define STOP_TIMEOUT_S 10.0
#define REQUEST_TIMEOUT_S 30L

/* --- Small things ----------------------------------------------------- */

double vj_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
}

char *vj_fmt(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    cr_assert(n >= 0, "out of memory");
    return s;
}

const char *vj_strcasestr(const char *hay, const char *needle) {
    if (!hay || !needle)
        return NULL;
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return hay;
    return n == 0 ? hay : NULL;
}

size_t vj_utf8_chars(const char *s, size_t len) {
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

static const char *bin_path(void) {
    const char *b = getenv("VJCORPUS_BIN");
    return b && *b ? b : "build/vjcorpus";
}

static const char *log_dir(void) {
    const char *d = getenv("VJ_TEST_LOG_DIR");
    d = d && *d ? d : "build/logs";
    mkdir(d, 0777); /* the Makefile creates it; this is for a bare run */
    return d;
}

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

/* The last max bytes of a string, for failure messages. */
static const char *tail(const char *s, size_t max) {
    if (!s)
        return "(none)";
    size_t n = strlen(s);
    return n > max ? s + n - max : s;
}

/* Writes decimal v into buf (async-signal-safe). */
static void put_uint(char *buf, unsigned long v) {
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *buf++ = tmp[--n];
    *buf = '\0';
}

/* A new environment: ours with the extra NAME=VALUE entries replacing or
 * adding to it. */
static char **make_env(const char *const *extra) {
    size_t n = 0, m = 0;
    while (environ[n])
        n++;
    while (extra && extra[m])
        m++;
    char **env = calloc(n + m + 1, sizeof *env);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int replaced = 0;
        for (size_t j = 0; j < m; j++) {
            size_t nl = strcspn(extra[j], "=");
            if (strncmp(environ[i], extra[j], nl) == 0 && environ[i][nl] == '=')
                replaced = 1;
        }
        if (!replaced)
            env[k++] = environ[i];
    }
    for (size_t j = 0; j < m; j++)
        env[k++] = (char *)(uintptr_t)extra[j];
    env[k] = NULL;
    return env;
}

/* Forks and execs bin with argv and env; the child's stdout goes to
 * out_path (or, if NULL, to the log), its stderr to <dir>/<prefix><pid>.log.
 * Returns the pid and fills log_path. */
static pid_t spawn(char *const *argv, const char *const *extra_env,
                   const char *prefix, int to_out, char *log_path,
                   size_t log_len, char *out_path, size_t out_len) {
    const char *dir = log_dir();
    char **env = make_env(extra_env);
    char base[400];
    snprintf(base, sizeof base, "%s/%s", dir, prefix);
    pid_t parent = getpid();
    /* The child says when its log is open (and truncated): until then the
     * file at that path may be an old log of a recycled pid, whose
     * "listening on" line would send us to a wrong port. */
    int ready[2];
    cr_assert(pipe2(ready, O_CLOEXEC) == 0, "pipe: %s", strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    cr_assert(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        close(ready[0]);
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(127);
        char path[480], num[24];
        put_uint(num, (unsigned long)getpid());
        size_t bl = strlen(base), nl = strlen(num);
        memcpy(path, base, bl);
        memcpy(path + bl, num, nl);
        memcpy(path + bl + nl, ".log", 5);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0666);
        if (fd < 0)
            _exit(126);
        int ofd = fd;
        if (to_out) {
            memcpy(path + bl + nl, ".out", 5);
            ofd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
            if (ofd < 0)
                _exit(126);
        }
        if (write(ready[1], "", 1) < 0) {
        }
        int nul = open("/dev/null", O_RDONLY);
        dup2(nul, 0);
        dup2(ofd, 1);
        dup2(fd, 2);
        for (int i = 3; i < 1024; i++)
            close(i);
        execve(argv[0], argv, env);
        static const char msg[] = "exec failed: is VJCORPUS_BIN built?\n";
        if (write(2, msg, sizeof msg - 1) < 0) {
        }
        _exit(127);
    }
    close(ready[1]);
    char byte;
    while (read(ready[0], &byte, 1) < 0 && errno == EINTR) {
    }
    close(ready[0]);
    free(env);
    snprintf(log_path, log_len, "%s%ld.log", base, (long)pid);
    if (out_path)
        snprintf(out_path, out_len, "%s%ld.out", base, (long)pid);
    return pid;
}

/* --- Servers ---------------------------------------------------------- */

vj_server_t *vj_server_spawn(const vj_server_opts_t *o) {
    const char *argv[64];
    size_t n = 0;
    argv[n++] = bin_path();
    argv[n++] = "serve";
    if (o->corpus_dir) {
        argv[n++] = "--corpus";
        argv[n++] = o->corpus_dir;
    }
    if (!o->no_host_port) {
        argv[n++] = "--host";
        argv[n++] = "127.0.0.1";
        argv[n++] = "--port";
        argv[n++] = "0";
    }
    for (size_t i = 0; o->args && o->args[i]; i++) {
        cr_assert(n < 62, "too many server arguments");
        argv[n++] = o->args[i];
    }
    argv[n] = NULL;
    vj_server_t *s = calloc(1, sizeof *s);
    s->pid = spawn((char *const *)(uintptr_t)argv, o->env, "server-", 0,
                   s->log_path, sizeof s->log_path, NULL, 0);
    return s;
}

int vj_server_wait_exit(vj_server_t *s, double timeout_s) {
    if (s->exited)
        return 1;
    double end = vj_now() + timeout_s;
    for (;;) {
        int st;
        pid_t r = waitpid(s->pid, &st, WNOHANG);
        if (r == s->pid) {
            s->exited = 1;
            s->status = st;
            return 1;
        }
        if (vj_now() > end)
            return 0;
        sleep_ms(10);
    }
}

char *vj_server_log(const vj_server_t *s) {
    char *log = read_file(s->log_path, NULL);
    return log ? log : strdup("");
}

int vj_server_log_wait(const vj_server_t *s, const char *needle,
                       double timeout_s) {
    double end = vj_now() + timeout_s;
    for (;;) {
        char *log = vj_server_log(s);
        int found = strstr(log, needle) != NULL;
        free(log);
        if (found)
            return 1;
        if (vj_now() > end)
            return 0;
        sleep_ms(10);
    }
}

void vj_server_kill(vj_server_t *s) {
    if (!s)
        return;
    if (!s->exited) {
        kill(s->pid, SIGKILL);
        int st;
        waitpid(s->pid, &st, 0);
    }
    free(s);
}

/* Kills s and fails the test with a message and the log's tail. In_fini:
 * Criterion ignores a failed assertion in a .fini, so abort instead (the
 * test then counts as crashed and the run fails). */
static void fail_server_at(vj_server_t *s, char *what, int owned, int in_fini) {
    char *log = vj_server_log(s);
    char *msg = vj_fmt("%s (pid %ld, log %s):\n%s", what, (long)s->pid,
                       s->log_path, tail(log, 2000));
    free(log);
    vj_server_kill(s);
    if (in_fini) {
        fprintf(stderr, "vj_server_stop: server: %s\n", msg);
        abort();
    }
    cr_log_error("%s", msg);
    free(msg);
    char short_what[200];
    snprintf(short_what, sizeof short_what, "%s", what);
    if (owned)
        free(what);
    cr_assert_fail("server: %s", short_what);
}

static void fail_server(vj_server_t *s, const char *what) {
    fail_server_at(s, (char *)(uintptr_t)what, 0, 0);
}

static void wait_listening(vj_server_t *s) {
    static const char needle[] = "listening on http://127.0.0.1:";
    double end = vj_now() + LISTEN_TIMEOUT_S;
    for (;;) {
        char *log = vj_server_log(s);
        const char *p = strstr(log, needle);
        if (p) {
            s->port = (unsigned)strtoul(p + sizeof needle - 1, NULL, 10);
            free(log);
            break;
        }
        free(log);
        if (vj_server_wait_exit(s, 0))
            fail_server(s, "exited before listening");
        if (vj_now() > end)
            fail_server(s, "no 'listening on http://127.0.0.1:PORT' line in "
                           "10 s");
        sleep_ms(10);
    }
    if (s->port == 0 || s->port > 65535)
        fail_server(s, "bad port in the listening line");
    snprintf(s->base_url, sizeof s->base_url, "http://127.0.0.1:%u", s->port);
}

static void wait_ready(vj_server_t *s) {
    double end = vj_now() + READY_TIMEOUT_S;
    long last = 0;
    for (;;) {
        vj_resp_t *r = vj_request_port(s->port, "/api/v1/health", NULL);
        if (r) {
            last = r->status;
            vj_resp_free(r);
            if (last == 200)
                return;
        }
        if (vj_server_wait_exit(s, 0))
            fail_server(s, "exited before becoming healthy");
        if (vj_now() > end) {
            fail_server_at(
                s, vj_fmt("health not 200 within 30 s (last %ld)", last), 1, 0);
        }
        sleep_ms(20);
    }
}

vj_server_t *vj_server_start_opts(const vj_server_opts_t *o) {
    vj_server_t *s = vj_server_spawn(o);
    wait_listening(s);
    if (!o->no_wait_ready)
        wait_ready(s);
    return s;
}

vj_server_t *vj_server_start(const char *corpus_dir,
                             const char *const *extra_args) {
    vj_server_opts_t o = {.corpus_dir = corpus_dir, .args = extra_args};
    return vj_server_start_opts(&o);
}

void vj_server_stop_signal(vj_server_t *s, int sig) {
    if (!s)
        return;
    if (!s->exited)
        kill(s->pid, sig);
    if (!vj_server_wait_exit(s, STOP_TIMEOUT_S))
        fail_server_at(s, "did not exit within 10 s of the signal", 0, 1);
    int st = s->status;
    if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
        fail_server_at(s,
                       WIFSIGNALED(st)
                           ? vj_fmt("killed by signal %d after signal %d",
                                    WTERMSIG(st), sig)
                           : vj_fmt("exit status %d after signal %d",
                                    WEXITSTATUS(st), sig),
                       1, 1);
    free(s);
}

void vj_server_stop(vj_server_t *s) {
    vj_server_stop_signal(s, SIGTERM);
}

void vj_assert_healthy(const vj_server_t *s) {
    vj_resp_t *r = vj_request_port(s->port, "/api/v1/health", NULL);
    cr_assert(r != NULL, "server no longer answers (crashed?)");
    long st = r->status;
    vj_resp_free(r);
    cr_assert_eq(st, 200, "health answered %ld after a hostile request", st);
}

/* --- Responses -------------------------------------------------------- */

static void resp_add_header(vj_resp_t *r, const char *line, size_t len) {
    while (len && (line[len - 1] == '\r' || line[len - 1] == '\n'))
        len--;
    const char *colon = memchr(line, ':', len);
    if (!colon)
        return;
    const char *v = colon + 1, *e = line + len;
    while (v < e && (*v == ' ' || *v == '\t'))
        v++;
    while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    r->headers =
        realloc(r->headers, (r->header_count + 1) * sizeof *r->headers);
    r->headers[r->header_count].name = strndup(line, (size_t)(colon - line));
    r->headers[r->header_count].value = strndup(v, (size_t)(e - v));
    r->header_count++;
}

static void resp_clear_headers(vj_resp_t *r) {
    for (size_t i = 0; i < r->header_count; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    free(r->headers);
    r->headers = NULL;
    r->header_count = 0;
}

void vj_resp_free(vj_resp_t *r) {
    if (!r)
        return;
    resp_clear_headers(r);
    free(r->body);
    free(r);
}

const char *vj_header(const vj_resp_t *r, const char *name) {
    for (size_t i = 0; i < r->header_count; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

size_t vj_header_count(const vj_resp_t *r, const char *name) {
    size_t n = 0;
    for (size_t i = 0; i < r->header_count; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            n++;
    return n;
}

int vj_header_has_token(const vj_resp_t *r, const char *name,
                        const char *token) {
    size_t tl = strlen(token);
    for (size_t i = 0; i < r->header_count; i++) {
        if (strcasecmp(r->headers[i].name, name) != 0)
            continue;
        const char *p = r->headers[i].value;
        while (*p) {
            while (*p == ' ' || *p == '\t' || *p == ',')
                p++;
            const char *q = p;
            while (*q && *q != ',')
                q++;
            const char *e = q;
            while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
                e--;
            if ((size_t)(e - p) == tl && strncasecmp(p, token, tl) == 0)
                return 1;
            p = q;
        }
    }
    return 0;
}

json_t *vj_json(const vj_resp_t *r) {
    json_error_t err;
    json_t *j = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &err);
    cr_assert(j != NULL, "body is not JSON (%s at %d:%d): %.300s", err.text,
              err.line, err.column, r->body ? r->body : "");
    return j;
}

char *vj_gunzip(const char *data, size_t len, size_t *out_len) {
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return NULL;
    size_t cap = len * 4 + 1024, n = 0;
    char *out = malloc(cap);
    z.next_in = (Bytef *)(uintptr_t)data;
    z.avail_in = (uInt)len;
    int rc;
    do {
        if (cap - n < 1024) {
            cap *= 2;
            out = realloc(out, cap);
        }
        z.next_out = (Bytef *)out + n;
        z.avail_out = (uInt)(cap - n - 1);
        rc = inflate(&z, Z_NO_FLUSH);
        n = cap - 1 - z.avail_out;
    } while (rc == Z_OK);
    inflateEnd(&z);
    if (rc != Z_STREAM_END || z.avail_in != 0) {
        free(out);
        return NULL;
    }
    out[n] = '\0';
    *out_len = n;
    return out;
}

/* --- libcurl ---------------------------------------------------------- */

typedef struct {
    char *data;
    size_t len, cap;
} buf_t;

static void buf_add(buf_t *b, const void *p, size_t n) {
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = realloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static size_t on_body(char *p, size_t size, size_t n, void *ud) {
    buf_add(ud, p, size * n);
    return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud) {
    vj_resp_t *r = ud;
    size_t len = size * n;
    if (len >= 5 && strncmp(p, "HTTP/", 5) == 0)
        resp_clear_headers(r); /* a new (possibly final) response */
    else
        resp_add_header(r, p, len);
    return len;
}

static void curl_init_once(void) {
    static int done;
    if (!done) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        done = 1;
    }
}

vj_resp_t *vj_request_port(unsigned port, const char *path, const vj_req_t *r) {
    static const vj_req_t none;
    if (!r)
        r = &none;
    curl_init_once();
    CURL *c = r->curl ? r->curl : curl_easy_init();
    if (r->curl)
        curl_easy_reset(c); /* keeps the live connections */
    char *url = vj_fmt("http://127.0.0.1:%u%s", port, path);
    vj_resp_t *resp = calloc(1, sizeof *resp);
    buf_t body = {0};
    struct curl_slist *hl = NULL;
    for (size_t i = 0; r->headers && r->headers[i]; i++)
        hl = curl_slist_append(hl, r->headers[i]);

    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, REQUEST_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, resp);
    if (r->gzip && !r->raw)
        curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
    if (r->gzip && r->raw) {
        hl = curl_slist_append(hl, "Accept-Encoding: gzip");
        curl_easy_setopt(c, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    }
    if (r->raw)
        curl_easy_setopt(c, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    const char *method = r->method ? r->method : "GET";
    if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (r->body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)r->body_len);
        if (strcmp(method, "POST") != 0)
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        /* no Expect: 100-continue round trip */
        hl = curl_slist_append(hl, "Expect:");
    } else if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
    } else if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);

    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
        curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &resp->num_connects);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(hl);
    if (!r->curl)
        curl_easy_cleanup(c);
    free(url);
    resp->body = body.data ? body.data : calloc(1, 1);
    resp->body_len = body.len;
    if (rc != CURLE_OK) {
        cr_log_info("%s: %s", path, curl_easy_strerror(rc));
        vj_resp_free(resp);
        return NULL;
    }
    return resp;
}

vj_resp_t *vj_request(const vj_server_t *s, const char *path,
                      const vj_req_t *r) {
    vj_resp_t *resp = vj_request_port(s->port, path, r);
    cr_assert(resp != NULL, "request %s %.200s failed (server down?)",
              r && r->method ? r->method : "GET", path);
    return resp;
}

vj_resp_t *vj_get(const vj_server_t *s, const char *path) {
    return vj_request(s, path, NULL);
}

void vj_assert_problem(const vj_resp_t *r, long status, const char *param) {
    cr_assert_eq(r->status, status, "status %ld, expected %ld; body %.300s",
                 r->status, status, r->body);
    const char *ct = vj_header(r, "Content-Type");
    cr_assert(ct && strncasecmp(ct, "application/problem+json", 24) == 0,
              "Content-Type of a %ld is %s, not application/problem+json",
              status, ct ? ct : "(none)");
    cr_assert(vj_strcasestr(ct, "charset=utf-8"),
              "Content-Type %s lacks charset=utf-8", ct);
    cr_assert(vj_header_has_token(r, "Cache-Control", "no-store"),
              "an error must be Cache-Control: no-store, got %s",
              vj_header(r, "Cache-Control") ? vj_header(r, "Cache-Control")
                                            : "(none)");
    json_t *j = vj_json(r);
    const char *type = json_string_value(json_object_get(j, "type"));
    const char *title = json_string_value(json_object_get(j, "title"));
    const char *detail = json_string_value(json_object_get(j, "detail"));
    const char *inst = json_string_value(json_object_get(j, "instance"));
    json_t *st = json_object_get(j, "status");
    char *body = strdup(r->body);
    int ok_type = type && strncmp(type, "urn:vjcorpus:problem:", 21) == 0 &&
                  type[21] != '\0';
    int ok_title = title && *title;
    int ok_status = json_is_integer(st) && json_integer_value(st) == status;
    int ok_detail = detail && *detail;
    int ok_inst = inst && *inst;
    int ok_param = 1, ok_param_detail = 1;
    if (param) {
        const char *p = json_string_value(json_object_get(j, "parameter"));
        ok_param = p && strcmp(p, param) == 0;
        ok_param_detail = detail && strstr(detail, param) != NULL;
    }
    json_decref(j);
    cr_assert(ok_type, "problem type is not urn:vjcorpus:problem:<slug>: %s",
              body);
    cr_assert(ok_title, "problem has no title: %s", body);
    cr_assert(ok_status, "problem status is not %ld: %s", status, body);
    cr_assert(ok_detail, "problem has no detail: %s", body);
    cr_assert(ok_inst, "problem has no instance: %s", body);
    cr_assert(ok_param, "problem does not name parameter \"%s\": %s", param,
              body);
    cr_assert(ok_param_detail, "problem detail does not name \"%s\": %s", param,
              body);
    free(body);
}

/* --- Raw sockets ------------------------------------------------------ */

/* Parses one response from buf[0..len). Returns 1 and sets *used when one
 * is complete (or, at eof, whatever body there is), 0 if more is needed, -1
 * if what is there is not HTTP. */
static int parse_response(const char *buf, size_t len, int eof, size_t *used,
                          vj_resp_t *out) {
    const char *end = memmem(buf, len, "\r\n\r\n", 4);
    if (!end)
        return len >= 5 && strncmp(buf, "HTTP/", 5) != 0 ? -1 : 0;
    if (strncmp(buf, "HTTP/1.", 7) != 0)
        return -1;
    size_t hlen = (size_t)(end - buf) + 4;
    memset(out, 0, sizeof *out);
    out->status = strtol(buf + 9, NULL, 10);
    const char *line = memchr(buf, '\n', hlen) + 1;
    while (line < end) {
        const char *nl = memchr(line, '\n', (size_t)(end + 2 - line));
        resp_add_header(out, line, (size_t)(nl - line));
        line = nl + 1;
    }
    const char *cl = vj_header(out, "Content-Length");
    const char *te = vj_header(out, "Transfer-Encoding");
    buf_t body = {0};
    size_t total;
    if ((out->status >= 100 && out->status < 200) || out->status == 204 ||
        out->status == 304) {
        total = hlen;
    } else if (te && vj_strcasestr(te, "chunked")) {
        size_t p = hlen;
        for (;;) {
            const char *crlf = memmem(buf + p, len - p, "\r\n", 2);
            if (!crlf)
                goto more;
            size_t n = strtoul(buf + p, NULL, 16);
            p = (size_t)(crlf - buf) + 2;
            if (n == 0) {
                const char *t = memmem(buf + p - 2, len - p + 2, "\r\n\r\n", 4);
                if (!t)
                    goto more;
                total = (size_t)(t - buf) + 4;
                break;
            }
            if (len - p < n + 2)
                goto more;
            buf_add(&body, buf + p, n);
            p += n + 2;
        }
    } else if (cl) {
        size_t n = strtoul(cl, NULL, 10);
        if (len - hlen < n)
            goto more;
        buf_add(&body, buf + hlen, n);
        total = hlen + n;
    } else {
        if (!eof)
            goto more;
        buf_add(&body, buf + hlen, len - hlen);
        total = len;
    }
    out->body = body.data ? body.data : calloc(1, 1);
    out->body_len = body.len;
    *used = total;
    return 1;
more:
    free(body.data);
    resp_clear_headers(out);
    return 0;
}

size_t vj_raw(const vj_server_t *s, const void *data, size_t len,
              vj_resp_t **out, size_t max, double timeout_s, int *closed) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    cr_assert(fd >= 0, "socket: %s", strerror(errno));
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)s->port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc = connect(fd, (struct sockaddr *)&a, sizeof a);
    cr_assert(rc == 0, "connect to %u: %s", s->port, strerror(errno));
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);

    buf_t in = {0};
    size_t sent = 0, parsed = 0, off = 0;
    int eof = 0;
    double end = vj_now() + timeout_s;
    while (parsed < max) {
        /* parse what has come */
        for (;;) {
            if (parsed >= max || off >= in.len)
                break;
            vj_resp_t tmp;
            size_t used = 0;
            int p =
                parse_response(in.data + off, in.len - off, eof, &used, &tmp);
            if (p != 1)
                break;
            out[parsed] = malloc(sizeof tmp);
            *out[parsed++] = tmp;
            off += used;
        }
        if (parsed >= max || eof)
            break;
        double left = end - vj_now();
        if (left <= 0)
            break;
        struct pollfd pfd = {fd, POLLIN | (sent < len ? POLLOUT : 0), 0};
        int pr = poll(&pfd, 1, (int)(left * 1000) + 1);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            continue;
        if ((pfd.revents & POLLOUT) && sent < len) {
            ssize_t w =
                send(fd, (const char *)data + sent, len - sent, MSG_NOSIGNAL);
            if (w > 0)
                sent += (size_t)w;
            else if (w < 0 && errno != EAGAIN && errno != EINTR)
                sent = len; /* the server closed: stop sending, read */
        }
        if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
            char tmp[16384];
            ssize_t r = recv(fd, tmp, sizeof tmp, 0);
            if (r > 0)
                buf_add(&in, tmp, (size_t)r);
            else if (r == 0 || (errno != EAGAIN && errno != EINTR))
                eof = 1;
        }
    }
    if (closed)
        *closed = eof && off == in.len;
    close(fd);
    free(in.data);
    return parsed;
}

/* --- Command line ----------------------------------------------------- */

vj_run_t vj_run(const char *const *argv, const char *const *env,
                double timeout_s) {
    const char *av[64];
    size_t n = 0;
    av[n++] = bin_path();
    for (size_t i = 0; argv && argv[i]; i++) {
        cr_assert(n < 62, "too many arguments");
        av[n++] = argv[i];
    }
    av[n] = NULL;
    char log_path[512], out_path[512];
    pid_t pid = spawn((char *const *)(uintptr_t)av, env, "cli-", 1, log_path,
                      sizeof log_path, out_path, sizeof out_path);
    vj_run_t r = {0};
    vj_server_t tmp = {.pid = pid};
    if (vj_server_wait_exit(&tmp, timeout_s)) {
        r.exited = WIFEXITED(tmp.status);
        r.code = WIFEXITED(tmp.status) ? WEXITSTATUS(tmp.status)
                                       : 128 + WTERMSIG(tmp.status);
    } else {
        kill(pid, SIGKILL);
        int st;
        waitpid(pid, &st, 0);
        r.exited = 0;
        r.code = -1;
    }
    size_t len;
    r.out = read_file(out_path, &len);
    r.err = read_file(log_path, &len);
    if (!r.out)
        r.out = strdup("");
    if (!r.err)
        r.err = strdup("");
    unlink(out_path);
    return r;
}

void vj_run_free(vj_run_t *r) {
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* --- JSON helpers shared by the API suites ----------------------------- */

json_t *vj_get_json(vj_server_t *s, const char *path) {
    vj_resp_t *r = vj_get(s, path);
    cr_assert_eq(r->status, 200, "%s answered %ld: %.300s", path, r->status,
                 r->body);
    json_t *j = vj_json(r);
    vj_resp_free(r);
    return j;
}

const char *vj_jstr(const json_t *o, const char *k) {
    return json_string_value(json_object_get(o, k));
}

long long vj_jint(const json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    cr_assert(json_is_integer(v), "\"%s\" is not an integer", k);
    return json_integer_value(v);
}

json_t *vj_get_all(vj_server_t *s, const char *path) {
    json_t *all = json_array();
    const char *sep = strchr(path, '?') ? "&" : "?";
    for (long off = 0;; off += 100) {
        char *p = vj_fmt("%s%slimit=100&offset=%ld", path, sep, off);
        json_t *j = vj_get_json(s, p);
        free(p);
        json_t *items = json_object_get(j, "items");
        cr_assert(json_is_array(items), "%s: no items", path);
        json_array_extend(all, items);
        long long total = vj_jint(j, "total");
        json_decref(j);
        if (off + 100 >= total)
            break;
    }
    return all;
}

char *vj_fold(const char *s) {
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n =
        utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
                     UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE |
                         UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD);
    cr_assert(n >= 0, "utf8proc_map failed on %s", s);
    /* đ (U+0111, also what Đ folds to) is two bytes: c4 91 */
    char *o = (char *)out, *w = o;
    for (const char *r = o; *r;) {
        if ((unsigned char)r[0] == 0xC4 && (unsigned char)r[1] == 0x91) {
            *w++ = 'd';
            r += 2;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    return o;
}

static json_t *doc_cache[5];

const json_t *vj_doc(vj_server_t *s, const char *id) {
    for (size_t i = 0; i < 5; i++) {
        if (strcmp(vj_ids[i], id) != 0)
            continue;
        if (!doc_cache[i]) {
            char *p = vj_fmt("/api/v1/documents/%s", id);
            doc_cache[i] = vj_get_json(s, p);
            free(p);
        }
        return doc_cache[i];
    }
    cr_assert_fail("no document %s", id);
    return NULL;
}

void vj_docs_free(void) {
    for (size_t i = 0; i < 5; i++) {
        json_decref(doc_cache[i]);
        doc_cache[i] = NULL;
    }
}

void vj_check_span(vj_server_t *srv, const char *what, const json_t *s) {
    cr_assert(json_is_object(s), "%s: not an object", what);
    const char *id = vj_jstr(s, "document_id");
    cr_assert(id, "%s: no document_id", what);
    const json_t *d = vj_doc(srv, id);
    const char *text = vj_jstr(d, "text");
    size_t tl = json_string_length(json_object_get(d, "text"));
    long long b = vj_jint(s, "start"), e = vj_jint(s, "end");
    long long cb = vj_jint(s, "char_start"), ce = vj_jint(s, "char_end");
    const char *quote = vj_jstr(s, "quote");
    cr_assert(quote, "%s: no quote", what);
    cr_assert(b >= 0 && b < e && (size_t)e <= tl,
              "%s: span [%lld,%lld) outside a text of %zu bytes", what, b, e,
              tl);
    cr_expect((size_t)(e - b) == strlen(quote) &&
                  memcmp(text + b, quote, (size_t)(e - b)) == 0,
              "%s: text[%lld:%lld] of %s is \"%.*s\", not the quote \"%s\"",
              what, b, e, id, (int)(e - b), text + b, quote);
    cr_expect_eq((size_t)cb, vj_utf8_chars(text, (size_t)b),
                 "%s: char_start %lld is not byte %lld", what, cb, b);
    cr_expect_eq((size_t)(ce - cb), vj_utf8_chars(quote, strlen(quote)),
                 "%s: char_end %lld does not end the quote", what, ce);
    long long pi = vj_jint(s, "paragraph");
    json_t *p = json_array_get(json_object_get(d, "paragraphs"), (size_t)pi);
    cr_assert(p, "%s: no paragraph %lld in %s", what, pi, id);
    cr_expect(b >= vj_jint(p, "start") && e <= vj_jint(p, "end"),
              "%s: [%lld,%lld) is not inside paragraph %lld", what, b, e, pi);
    cr_expect_str_eq(vj_jstr(s, "document_title"), vj_jstr(d, "title"),
                     "%s: document_title", what);
    cr_expect(json_equal(json_object_get(s, "published"),
                         json_object_get(d, "published")),
              "%s: published differs from the document's", what);
}
