/* main.c - the vjcorpus command line: serve, parse, check, health.
 *
 * serve starts listening at once and builds the first snapshot on the libuv
 * threadpool; until it is published every route but health and the OpenAPI
 * document answers 503. SIGINT and SIGTERM stop accepting and drain
 * in-flight requests (a second one exits at once); SIGHUP rebuilds the
 * snapshot and swaps it in only if the whole build succeeded.
 *
 * Configuration comes from flags, then VJCORPUS_* environment variables,
 * then defaults. A bad flag or value is a usage error: exit status 2. */
#include "vjcorpus/api.h"
#include "vjcorpus/common.h"
#include "vjcorpus/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <malloc.h>
#include <pthread.h>
#include <unistd.h>

typedef struct {
    const char *command;
    const char *corpus_dir;
    const char *lexicon_dir;
    http_config_t http;
    unsigned drain_timeout_s;
    unsigned cache_mb;
    int watch;
    const char *web_dir;
} config_t;

static const char USAGE[] =
    "Usage: vjcorpus <command> [options]\n"
    "\n"
    "An HTTP JSON API over a corpus of Vietnamese news about Vietnam-Japan\n"
    "relations.\n"
    "\n"
    "Commands:\n"
    "  serve     load the corpus and serve the API\n"
    "  parse     print the parsed corpus as JSON on stdout\n"
    "  check     validate the corpus; exit 1 on any problem\n"
    "  health    ask a running server for its health; exit 0 if it is\n"
    "\n"
    "Options (environment variable in brackets):\n"
    "  --corpus DIR              articles folder [VJCORPUS_CORPUS]"
    " (data/corpus)\n"
    "  --lexicon DIR             lexicon folder [VJCORPUS_LEXICON]"
    " (data/lexicon)\n"
    "  --host HOST               address to listen on [VJCORPUS_HOST]"
    " (127.0.0.1)\n"
    "  --port PORT               port, 0 for any free one [VJCORPUS_PORT]"
    " (8080)\n"
    "  --cors-origin ORIGIN      Access-Control-Allow-Origin"
    " [VJCORPUS_CORS_ORIGIN] (*)\n"
    "  --log-format text|json    access log format [VJCORPUS_LOG_FORMAT]"
    " (text)\n"
    "  --no-access-log           no access log [VJCORPUS_ACCESS_LOG=0]\n"
    "  --max-connections N       in total [VJCORPUS_MAX_CONNECTIONS] (1024)\n"
    "  --max-connections-per-ip N  per client address"
    " [VJCORPUS_MAX_CONNECTIONS_PER_IP] (64)\n"
    "  --timeout SECONDS         idle connection timeout"
    " [VJCORPUS_TIMEOUT] (30)\n"
    "  --drain-timeout SECONDS   shutdown drain limit"
    " [VJCORPUS_DRAIN_TIMEOUT] (10)\n"
    "  --cache-mb MB             response cache size, 0 for none"
    " [VJCORPUS_CACHE_MB] (64)\n"
    "  --watch                   reload when the corpus folder changes"
    " [VJCORPUS_WATCH=1]\n"
    "  --web DIR                 the explorer page's files, \"\" for none"
    " [VJCORPUS_WEB] (web)\n"
    "  -h, --help                this help\n"
    "  --version                 print the version\n";

static void usage_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("vjcorpus: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\n\n", stderr);
    va_end(ap);
    fputs(USAGE, stderr);
    exit(2);
}

static unsigned parse_uint(const char *what, const char *s, unsigned long max) {
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (s[0] < '0' || s[0] > '9' || *end || errno || v > max)
        usage_error("%s must be an integer from 0 to %lu, not '%s'", what,
                    max, s);
    return (unsigned)v;
}

static http_log_format_t parse_log_format(const char *s) {
    if (strcmp(s, "text") == 0)
        return HTTP_LOG_TEXT;
    if (strcmp(s, "json") == 0)
        return HTTP_LOG_JSON;
    usage_error("log format must be 'text' or 'json', not '%s'", s);
    return HTTP_LOG_TEXT;
}

enum {
    OPT_CORPUS = 256,
    OPT_LEXICON,
    OPT_HOST,
    OPT_PORT,
    OPT_CORS,
    OPT_LOG_FORMAT,
    OPT_NO_ACCESS_LOG,
    OPT_MAX_CONN,
    OPT_MAX_CONN_IP,
    OPT_TIMEOUT,
    OPT_DRAIN,
    OPT_CACHE,
    OPT_WATCH,
    OPT_WEB,
    OPT_VERSION,
};

/* Applies one setting; used for the environment and for flags alike. */
static void apply(config_t *cfg, int opt, const char *v) {
    switch (opt) {
    case OPT_CORPUS:
        cfg->corpus_dir = v;
        break;
    case OPT_LEXICON:
        cfg->lexicon_dir = v;
        break;
    case OPT_HOST:
        cfg->http.host = v;
        break;
    case OPT_PORT:
        cfg->http.port = (uint16_t)parse_uint("port", v, 65535);
        break;
    case OPT_CORS:
        cfg->http.cors_origin = v;
        break;
    case OPT_LOG_FORMAT:
        cfg->http.log_format = parse_log_format(v);
        break;
    case OPT_NO_ACCESS_LOG:
        cfg->http.access_log = parse_uint("access log", v, 1);
        break;
    case OPT_MAX_CONN:
        cfg->http.max_connections = parse_uint("max connections", v, 1000000);
        break;
    case OPT_MAX_CONN_IP:
        cfg->http.max_connections_per_ip =
            parse_uint("max connections per ip", v, 1000000);
        break;
    case OPT_TIMEOUT:
        cfg->http.timeout_s = parse_uint("timeout", v, 86400);
        break;
    case OPT_DRAIN:
        cfg->drain_timeout_s = parse_uint("drain timeout", v, 3600);
        break;
    case OPT_CACHE:
        cfg->cache_mb = parse_uint("cache size", v, 1u << 20);
        break;
    case OPT_WATCH:
        cfg->watch = (int)parse_uint("watch", v, 1);
        break;
    case OPT_WEB:
        cfg->web_dir = v;
        break;
    }
}

static void config_load(config_t *cfg, int argc, char **argv) {
    static const struct {
        const char *env;
        int opt;
    } envs[] = {
        {"VJCORPUS_CORPUS", OPT_CORPUS},
        {"VJCORPUS_LEXICON", OPT_LEXICON},
        {"VJCORPUS_HOST", OPT_HOST},
        {"VJCORPUS_PORT", OPT_PORT},
        {"VJCORPUS_CORS_ORIGIN", OPT_CORS},
        {"VJCORPUS_LOG_FORMAT", OPT_LOG_FORMAT},
        {"VJCORPUS_ACCESS_LOG", OPT_NO_ACCESS_LOG},
        {"VJCORPUS_MAX_CONNECTIONS", OPT_MAX_CONN},
        {"VJCORPUS_MAX_CONNECTIONS_PER_IP", OPT_MAX_CONN_IP},
        {"VJCORPUS_TIMEOUT", OPT_TIMEOUT},
        {"VJCORPUS_DRAIN_TIMEOUT", OPT_DRAIN},
        {"VJCORPUS_CACHE_MB", OPT_CACHE},
        {"VJCORPUS_WATCH", OPT_WATCH},
        {"VJCORPUS_WEB", OPT_WEB},
    };
    static const struct option longopts[] = {
        {"corpus", required_argument, NULL, OPT_CORPUS},
        {"lexicon", required_argument, NULL, OPT_LEXICON},
        {"host", required_argument, NULL, OPT_HOST},
        {"port", required_argument, NULL, OPT_PORT},
        {"cors-origin", required_argument, NULL, OPT_CORS},
        {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
        {"no-access-log", no_argument, NULL, OPT_NO_ACCESS_LOG},
        {"max-connections", required_argument, NULL, OPT_MAX_CONN},
        {"max-connections-per-ip", required_argument, NULL, OPT_MAX_CONN_IP},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"drain-timeout", required_argument, NULL, OPT_DRAIN},
        {"cache-mb", required_argument, NULL, OPT_CACHE},
        {"watch", no_argument, NULL, OPT_WATCH},
        {"web", required_argument, NULL, OPT_WEB},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };

    memset(cfg, 0, sizeof *cfg);
    cfg->corpus_dir = "data/corpus";
    cfg->lexicon_dir = "data/lexicon";
    cfg->drain_timeout_s = 10;
    cfg->cache_mb = 64;
    cfg->web_dir = "web";
    http_config_init(&cfg->http);

    for (size_t i = 0; i < VJ_ARRAY_SIZE(envs); i++) {
        const char *v = getenv(envs[i].env);
        if (v && *v)
            apply(cfg, envs[i].opt, v);
    }

    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(USAGE, stdout);
            exit(0);
        case OPT_VERSION:
            printf("vjcorpus %s\n", VJCORPUS_VERSION);
            exit(0);
        case OPT_NO_ACCESS_LOG:
            apply(cfg, c, "0");
            break;
        case OPT_WATCH:
            apply(cfg, c, "1");
            break;
        case ':':
            usage_error("option '%s' needs a value", argv[optind - 1]);
            break;
        case '?':
            usage_error("unknown option '%s'", argv[optind - 1]);
            break;
        default:
            apply(cfg, c, optarg);
        }
    }
    if (optind >= argc)
        usage_error("no command given");
    cfg->command = argv[optind++];
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
}

/* --- Loading ------------------------------------------------------------ */

#define REPORT_KEEP 20 /* problems kept for /api/v1/health */

/* The problems of one load: counted, printed, the first few kept. Build
 * threads may report at once. */
typedef struct {
    int problems;
    int quiet;
    pthread_mutex_t lock;
    char *kept[REPORT_KEEP];
    size_t kept_count;
} report_t;

/* Frees the problems kept (the count stays). */
static void report_drop_kept(report_t *r) {
    for (size_t i = 0; i < r->kept_count; i++)
        free(r->kept[i]);
    r->kept_count = 0;
}

static void print_problem(const corpus_problem_t *p, void *data) {
    report_t *r = data;
    char line[600];
    if (p->line && p->column)
        snprintf(line, sizeof line, "%s:%u:%u: %s", p->file, p->line,
                 p->column, p->message);
    else if (p->line)
        snprintf(line, sizeof line, "%s:%u: %s", p->file, p->line,
                 p->message);
    else
        snprintf(line, sizeof line, "%s: %s", p->file, p->message);
    pthread_mutex_lock(&r->lock);
    r->problems++;
    if (r->kept_count < REPORT_KEEP)
        r->kept[r->kept_count++] = vj_strdup(line);
    if (!r->quiet)
        fprintf(stderr, "%s\n", line);
    pthread_mutex_unlock(&r->lock);
}

static int build(const config_t *cfg, report_t *r, api_snapshot_t **out) {
    api_snapshot_options_t opts = {
        .corpus_dir = cfg->corpus_dir,
        .lexicon_dir = cfg->lexicon_dir,
        .on_problem = print_problem,
        .data = r,
    };
    return api_snapshot_build(&opts, out);
}

static int cmd_check(const config_t *cfg) {
    report_t r = {.lock = PTHREAD_MUTEX_INITIALIZER};
    api_snapshot_t *snap = NULL;
    int rc = build(cfg, &r, &snap);
    report_drop_kept(&r);
    if (rc != 0) {
        fprintf(stderr, "vjcorpus: %s: the corpus cannot be loaded\n",
                cfg->corpus_dir);
        return 1;
    }
    size_t n = corpus_doc_count(api_snapshot_corpus(snap));
    api_snapshot_unref(snap);
    if (r.problems) {
        fprintf(stderr, "vjcorpus: %s: %d problem%s, %zu documents load\n",
                cfg->corpus_dir, r.problems, r.problems == 1 ? "" : "s", n);
        return 1;
    }
    printf("%s: ok, %zu documents\n", cfg->corpus_dir, n);
    return 0;
}

static int cmd_parse(const config_t *cfg) {
    report_t r = {.lock = PTHREAD_MUTEX_INITIALIZER};
    api_snapshot_t *snap = NULL;
    int rc = build(cfg, &r, &snap);
    report_drop_kept(&r);
    if (rc != 0)
        return 1;
    char *s = api_snapshot_dump(snap);
    puts(s);
    free(s);
    api_snapshot_unref(snap);
    return 0;
}

/* --- health: a tiny HTTP client, so the container image needs no curl --- */

static int cmd_health(const config_t *cfg) {
    const char *host = cfg->http.host;
    if (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "") == 0)
        host = "127.0.0.1";
    else if (strcmp(host, "::") == 0)
        host = "::1";
    char port[8];
    snprintf(port, sizeof port, "%u", cfg->http.port);
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &res) != 0 || res == NULL) {
        fprintf(stderr, "vjcorpus: health: cannot resolve %s\n", host);
        return 1;
    }
    int fd = socket(res->ai_family, SOCK_STREAM, 0);
    struct timeval tv = {3, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int ok = fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) == 0;
    freeaddrinfo(res);
    if (!ok) {
        fprintf(stderr, "vjcorpus: health: nothing answers on %s:%s\n", host,
                port);
        if (fd >= 0)
            close(fd);
        return 1;
    }
    char req[256];
    int n = snprintf(req, sizeof req,
                     "GET /api/v1/health HTTP/1.0\r\nHost: %s\r\n\r\n", host);
    vj_buf_t b;
    vj_buf_init(&b);
    if (write(fd, req, (size_t)n) == n) {
        char chunk[4096];
        ssize_t got;
        while (b.len < 65536 && (got = read(fd, chunk, sizeof chunk)) > 0)
            vj_buf_append(&b, chunk, (size_t)got);
    }
    close(fd);
    int healthy = strncmp(b.data, "HTTP/1.", 7) == 0 && b.len > 12 &&
                  strncmp(b.data + 9, "200", 3) == 0 &&
                  strstr(b.data, "\"status\":\"ok\"") != NULL;
    const char *body = strstr(b.data, "\r\n\r\n");
    printf("%s\n", body ? body + 4 : "no answer");
    vj_buf_free(&b);
    return healthy ? 0 : 1;
}

/* --- serve ------------------------------------------------------------ */

typedef struct {
    config_t *cfg;
    uv_loop_t *loop;
    api_t *api;
    http_server_t *server;
    uv_signal_t sigint, sigterm, sighup;
    uv_fs_event_t watch;  /* --watch: the corpus folder */
    uv_timer_t debounce;  /* reload once changes stop for WATCH_QUIET_MS */
    int watching;
    uv_work_t work;
    int loading;      /* a build is queued or running */
    int reload_again; /* SIGHUP arrived during a build */
    int stopping;
    int exit_code;
    report_t report;
    int build_rc;
    api_snapshot_t *built;
    uint64_t build_started;
} app_t;

static void start_build(app_t *app);

static void close_signals(app_t *app) {
    uv_close((uv_handle_t *)&app->sigint, NULL);
    uv_close((uv_handle_t *)&app->sigterm, NULL);
    uv_close((uv_handle_t *)&app->sighup, NULL);
    if (app->watching) {
        app->watching = 0;
        uv_close((uv_handle_t *)&app->watch, NULL);
        uv_close((uv_handle_t *)&app->debounce, NULL);
    }
}

static void shutdown_now(app_t *app) {
    unsigned held = http_server_suspended(app->server);
    if (held > 0) {
        /* searches still computing on the threadpool: their connections
         * cannot be closed cleanly, and there is nothing left to wait for */
        fprintf(stderr, "vjcorpus: %u request%s still computing, exiting now\n",
                held, held == 1 ? "" : "s");
        fflush(stderr);
        _exit(app->exit_code);
    }
    http_server_stop(app->server);
    app->server = NULL;
    if (app->loading)
        uv_cancel((uv_req_t *)&app->work);
    close_signals(app);
}

static void build_work_cb(uv_work_t *w) {
    app_t *app = vj_container_of(w, app_t, work);
    const char *delay = getenv("VJCORPUS_DEBUG_LOAD_DELAY_MS");
    if (delay && *delay)
        usleep((useconds_t)atoi(delay) * 1000);
    report_drop_kept(&app->report);
    app->report.problems = 0;
    app->built = NULL;
    app->build_rc = build(app->cfg, &app->report, &app->built);
}

static void build_after_cb(uv_work_t *w, int status) {
    app_t *app = vj_container_of(w, app_t, work);
    app->loading = 0;
    if (status == UV_ECANCELED || app->stopping) {
        api_snapshot_unref(app->built);
        return;
    }
    double ms = (double)(vj_now_us() - app->build_started) / 1000.0;
    int first = !http_server_ready(app->server);
    if (app->build_rc != 0) {
        fprintf(stderr, "vjcorpus: %s: load failed (%s)%s\n",
                app->cfg->corpus_dir, vj_strerror(app->build_rc),
                first ? "" : "; still serving the previous snapshot");
        char why[300];
        snprintf(why, sizeof why, "%s: load failed (%s)",
                 app->cfg->corpus_dir, vj_strerror(app->build_rc));
        const char *msgs[REPORT_KEEP + 1];
        size_t nm = 0;
        msgs[nm++] = why;
        for (size_t i = 0; i < app->report.kept_count; i++)
            msgs[nm++] = app->report.kept[i];
        api_note_load(app->api, API_LOAD_FAILED, msgs, nm);
        if (first) {
            app->exit_code = 1;
            app->stopping = 1;
            shutdown_now(app);
        }
        return;
    }
    size_t n = corpus_doc_count(api_snapshot_corpus(app->built));
    api_note_load(app->api,
                  app->report.problems ? API_LOAD_PARTIAL : API_LOAD_OK,
                  (const char *const *)app->report.kept,
                  app->report.kept_count);
    api_publish(app->api, app->built);
    app->built = NULL;
    /* the build's scratch memory (and the old snapshot's, when no request
     * holds it any more) goes back to the system */
    malloc_trim(0);
    http_server_set_ready(app->server, 1);
    fprintf(stderr, "vjcorpus: %s %zu documents in %.1f ms (%d problem%s)\n",
            first ? "serving" : "reloaded", n, ms, app->report.problems,
            app->report.problems == 1 ? "" : "s");
    if (app->reload_again) {
        app->reload_again = 0;
        start_build(app);
    }
}

static void start_build(app_t *app) {
    if (app->loading) {
        app->reload_again = 1;
        return;
    }
    app->loading = 1;
    app->build_started = vj_now_us();
    uv_queue_work(app->loop, &app->work, build_work_cb, build_after_cb);
}

static void drained_cb(http_server_t *s, void *data) {
    app_t *app = data;
    unsigned left = http_server_inflight(s);
    if (left > 0)
        fprintf(stderr, "vjcorpus: drain timeout, exiting with %u request%s "
                        "unfinished\n",
                left, left == 1 ? "" : "s");
    else
        fprintf(stderr, "vjcorpus: drained, exiting\n");
    shutdown_now(app);
}

static void signal_cb(uv_signal_t *h, int signum) {
    app_t *app = h->data;
    if (signum == SIGHUP) {
        if (!app->stopping) {
            fprintf(stderr, "vjcorpus: SIGHUP, reloading %s\n",
                    app->cfg->corpus_dir);
            start_build(app);
        }
        return;
    }
    if (app->stopping) {
        fprintf(stderr, "vjcorpus: second signal, exiting now\n");
        shutdown_now(app);
        return;
    }
    app->stopping = 1;
    fprintf(stderr, "vjcorpus: %s, draining %u requests\n",
            signum == SIGINT ? "SIGINT" : "SIGTERM",
            http_server_inflight(app->server));
    if (app->loading)
        uv_cancel((uv_req_t *)&app->work);
    http_server_drain(app->server, app->cfg->drain_timeout_s * 1000ull,
                      drained_cb, app);
}

/* --watch: a burst of changes (an editor saving, a copy of many files)
 * becomes one reload, WATCH_QUIET_MS after the last of them. */
#define WATCH_QUIET_MS 300

static void debounce_cb(uv_timer_t *t) {
    app_t *app = t->data;
    if (app->stopping)
        return;
    fprintf(stderr, "vjcorpus: %s changed, reloading\n", app->cfg->corpus_dir);
    start_build(app);
}

static void watch_cb(uv_fs_event_t *h, const char *file, int events,
                     int status) {
    app_t *app = h->data;
    (void)file;
    (void)events;
    if (status < 0) {
        fprintf(stderr, "vjcorpus: watching %s: %s\n", app->cfg->corpus_dir,
                uv_strerror(status));
        return;
    }
    uv_timer_start(&app->debounce, debounce_cb, WATCH_QUIET_MS, 0);
}

static void watch_start(app_t *app) {
    uv_fs_event_init(app->loop, &app->watch);
    uv_timer_init(app->loop, &app->debounce);
    app->watch.data = app->debounce.data = app;
    app->watching = 1;
    int rc = uv_fs_event_start(&app->watch, watch_cb, app->cfg->corpus_dir, 0);
    if (rc != 0)
        fprintf(stderr, "vjcorpus: cannot watch %s: %s (SIGHUP still "
                        "reloads)\n",
                app->cfg->corpus_dir, uv_strerror(rc));
}

static int cmd_serve(config_t *cfg) {
    app_t app;
    memset(&app, 0, sizeof app);
    app.cfg = cfg;
    pthread_mutex_init(&app.report.lock, NULL);
    app.loop = uv_default_loop();
    app.api = api_new();
    api_set_cache_bytes(app.api, (size_t)cfg->cache_mb << 20);
    api_set_web_dir(app.api, cfg->web_dir);
    signal(SIGPIPE, SIG_IGN);

    const http_route_t *routes;
    size_t n = api_routes(app.api, &routes);
    char err[256];
    if (http_server_start(app.loop, &cfg->http, routes, n, &app.server, err,
                          sizeof err) != 0) {
        fprintf(stderr, "vjcorpus: %s\n", err);
        api_free(app.api);
        return 1;
    }
    /* signals first: whoever reads the line below may signal at once */
    uv_signal_init(app.loop, &app.sigint);
    uv_signal_init(app.loop, &app.sigterm);
    uv_signal_init(app.loop, &app.sighup);
    app.sigint.data = app.sigterm.data = app.sighup.data = &app;
    uv_signal_start(&app.sigint, signal_cb, SIGINT);
    uv_signal_start(&app.sigterm, signal_cb, SIGTERM);
    uv_signal_start(&app.sighup, signal_cb, SIGHUP);
    const char *h = cfg->http.host;
    int v6 = strchr(h, ':') != NULL;
    fprintf(stderr, "vjcorpus %s: listening on http://%s%s%s:%u\n",
            VJCORPUS_VERSION, v6 ? "[" : "", h, v6 ? "]" : "",
            http_server_port(app.server));

    if (cfg->watch)
        watch_start(&app);

    start_build(&app);
    uv_run(app.loop, UV_RUN_DEFAULT);
    report_drop_kept(&app.report);
    api_free(app.api);
    if (uv_loop_close(app.loop) != 0)
        fprintf(stderr, "vjcorpus: loop closed with handles open\n");
    return app.exit_code;
}

int main(int argc, char **argv) {
    /* Snapshots are built on pool threads; glibc would give each its own
     * arena, which keeps freed memory per thread. Two arenas are enough. */
    mallopt(M_ARENA_MAX, 2);
    config_t cfg;
    config_load(&cfg, argc, argv);
    if (strcmp(cfg.command, "serve") == 0)
        return cmd_serve(&cfg);
    if (strcmp(cfg.command, "parse") == 0)
        return cmd_parse(&cfg);
    if (strcmp(cfg.command, "check") == 0)
        return cmd_check(&cfg);
    if (strcmp(cfg.command, "health") == 0)
        return cmd_health(&cfg);
    usage_error("unknown command '%s'", cfg.command);
    return 2;
}
