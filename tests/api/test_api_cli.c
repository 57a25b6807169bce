/* test_api_cli.c - the vjcorpus command line: serve, parse, check, health,
 * flags and environment, the access log, signals, and serving the small
 * fixture corpora (no manifest, an invalid UTF-8 file, a broken manifest).
 */
#include "harness.h"

#include <criterion/criterion.h>
#include <regex.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define NO_MANIFEST VJ_FIXTURES "/no_manifest"
#define BAD_UTF8 VJ_FIXTURES "/bad_utf8"
#define BROKEN_MANIFEST VJ_FIXTURES "/broken_manifest"

TestSuite(cli, .timeout = 180);
TestSuite(corpora, .timeout = 180);

static json_t *get_json(const vj_server_t *s, const char *path) {
    vj_resp_t *r = vj_get(s, path);
    cr_assert_eq(r->status, 200, "%s answered %ld: %.300s", path, r->status,
                 r->body);
    json_t *j = vj_json(r);
    vj_resp_free(r);
    return j;
}

static long long total_of(const vj_server_t *s) {
    json_t *j = get_json(s, "/api/v1/documents");
    long long t = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    return t;
}

/* --- Usage ------------------------------------------------------------ */

Test(cli, help_exits_0_with_usage_on_stdout) {
    static const char *const a1[] = {"--help", NULL};
    static const char *const a2[] = {"serve", "--help", NULL};
    const char *const *cases[] = {a1, a2};
    for (int i = 0; i < 2; i++) {
        vj_run_t r = vj_run(cases[i], NULL, 30);
        cr_expect(r.exited && r.code == 0, "%s --help: exit %d", cases[i][0],
                  r.code);
        cr_expect(vj_strcasestr(r.out, "usage"), "no usage on stdout: %s",
                  r.out);
        cr_expect(strstr(r.out, "serve") && strstr(r.out, "--corpus"),
                  "usage lacks serve/--corpus: %s", r.out);
        vj_run_free(&r);
    }
}

Test(cli, bad_usage_exits_2) {
    static const char *const cases[][5] = {
        {"serve", "--bogus", NULL},
        {"frobnicate", NULL},
        {"serve", "--port", "abc", NULL},
        {"serve", "--port", "70000", NULL},
        {"serve", "--log-format", "xml", NULL},
        {"check", "--nope", NULL},
        {"serve", "--corpus", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vj_run_t r = vj_run(cases[i], NULL, 30);
        cr_expect(r.exited && r.code == 2, "%s %s: exit %d (stderr %.200s)",
                  cases[i][0], cases[i][1] ? cases[i][1] : "", r.code, r.err);
        cr_expect(vj_strcasestr(r.err, "usage"),
                  "%s %s: no usage on stderr: %.300s", cases[i][0],
                  cases[i][1] ? cases[i][1] : "", r.err);
        vj_run_free(&r);
    }
}

/* --- check ------------------------------------------------------------ */

Test(cli, check_accepts_the_corpus) {
    static const char *const a[] = {"check", "--corpus", VJ_CORPUS, NULL};
    vj_run_t r = vj_run(a, NULL, 60);
    cr_expect(r.exited && r.code == 0, "check data/corpus: exit %d: %.500s",
              r.code, r.err);
    vj_run_free(&r);
    static const char *const b[] = {"check", "--corpus", NO_MANIFEST, NULL};
    r = vj_run(b, NULL, 60);
    cr_expect(r.exited && r.code == 0, "check no_manifest: exit %d: %.500s",
              r.code, r.err);
    vj_run_free(&r);
}

/* 1 if text has a line containing needle followed by a non-empty reason. */
static int has_problem_line(const char *text, const char *needle) {
    const char *p = text;
    while ((p = strstr(p, needle)) != NULL) {
        p += strlen(needle);
        while (*p == ' ')
            p++;
        if (*p && *p != '\n')
            return 1;
    }
    return 0;
}

Test(cli, check_reports_invalid_utf8) {
    static const char *const a[] = {"check", "--corpus", BAD_UTF8, NULL};
    vj_run_t r = vj_run(a, NULL, 60);
    cr_expect(r.exited && r.code == 1, "exit %d", r.code);
    cr_expect(has_problem_line(r.err, "bad.txt:3:"),
              "no 'bad.txt:3: reason' line on stderr: %.500s", r.err);
    cr_expect(!strstr(r.err, "good.txt:"), "good.txt reported: %.500s", r.err);
    vj_run_free(&r);
}

Test(cli, check_reports_a_broken_manifest) {
    static const char *const a[] = {"check", "--corpus", BROKEN_MANIFEST, NULL};
    vj_run_t r = vj_run(a, NULL, 60);
    cr_expect(r.exited && r.code == 1, "exit %d", r.code);
    cr_expect(has_problem_line(r.err, "manifest.json:3:"),
              "no 'manifest.json:3: reason' line on stderr: %.500s", r.err);
    vj_run_free(&r);
}

Test(cli, check_reads_the_environment_and_flags_win) {
    static const char *const env[] = {"VJCORPUS_CORPUS=" BAD_UTF8, NULL};
    static const char *const a[] = {"check", NULL};
    vj_run_t r = vj_run(a, env, 60);
    cr_expect(r.exited && r.code == 1, "VJCORPUS_CORPUS=bad_utf8: exit %d",
              r.code);
    cr_expect(strstr(r.err, "bad.txt:3:"), "%.300s", r.err);
    vj_run_free(&r);
    static const char *const b[] = {"check", "--corpus", VJ_CORPUS, NULL};
    r = vj_run(b, env, 60);
    cr_expect(r.exited && r.code == 0, "--corpus over the env: exit %d",
              r.code);
    vj_run_free(&r);
}

/* --- parse ------------------------------------------------------------ */

Test(cli, parse_prints_json) {
    static const char *const a[] = {"parse", "--corpus", VJ_CORPUS, NULL};
    vj_run_t r = vj_run(a, NULL, 120);
    cr_assert(r.exited && r.code == 0, "parse: exit %d: %.300s", r.code, r.err);
    json_error_t err;
    json_t *j = json_loads(r.out, JSON_REJECT_DUPLICATES, &err);
    cr_assert(j, "parse stdout is not JSON: %s (line %d)", err.text, err.line);
    cr_assert(json_is_object(j));
    json_t *docs = json_object_get(j, "documents");
    cr_assert(json_is_array(docs), "no documents array");
    cr_expect_eq(json_array_size(docs), 5);
    for (size_t i = 0; i < json_array_size(docs) && i < 5; i++)
        cr_expect_str_eq(
            json_string_value(json_object_get(json_array_get(docs, i), "id")),
            vj_ids[i]);
    json_decref(j);
    vj_run_free(&r);

    static const char *const b[] = {"parse", "--corpus", NO_MANIFEST, NULL};
    r = vj_run(b, NULL, 60);
    cr_assert(r.exited && r.code == 0, "parse no_manifest: exit %d", r.code);
    j = json_loads(r.out, 0, &err);
    cr_assert(j, "not JSON: %s", err.text);
    cr_expect_eq(json_array_size(json_object_get(j, "documents")), 2);
    json_decref(j);
    vj_run_free(&r);
}

/* --- health ----------------------------------------------------------- */

Test(cli, health_command) {
    vj_server_t *s = vj_server_start(VJ_CORPUS, NULL);
    char port[16];
    snprintf(port, sizeof port, "%u", s->port);
    const char *const a[] = {"health", "--port", port, NULL};
    vj_run_t r = vj_run(a, NULL, 30);
    cr_expect(r.exited && r.code == 0, "health on a live server: exit %d: %s",
              r.code, r.err);
    vj_run_free(&r);
    char *env0 = vj_fmt("VJCORPUS_PORT=%s", port);
    const char *const env[] = {env0, NULL};
    const char *const b[] = {"health", NULL};
    r = vj_run(b, env, 30);
    cr_expect(r.exited && r.code == 0, "health with VJCORPUS_PORT: exit %d",
              r.code);
    vj_run_free(&r);
    vj_server_stop(s);
    r = vj_run(a, NULL, 30);
    cr_expect(r.exited && r.code == 1, "health with nothing listening: %d",
              r.code);
    vj_run_free(&r);
    free(env0);
}

/* --- Signals ---------------------------------------------------------- */

Test(cli, sigint_exits_0) {
    vj_server_t *s = vj_server_start(VJ_CORPUS, NULL);
    vj_resp_t *r = vj_get(s, "/api/v1/documents");
    vj_resp_free(r);
    vj_server_stop_signal(s, SIGINT);
}

Test(cli, sigterm_while_loading_exits_0) {
    static const char *const env[] = {"VJCORPUS_DEBUG_LOAD_DELAY_MS=3000",
                                      NULL};
    vj_server_opts_t o = {
        .corpus_dir = VJ_CORPUS, .env = env, .no_wait_ready = 1};
    vj_server_t *s = vj_server_start_opts(&o);
    vj_server_stop(s);
}

/* --- Access log ------------------------------------------------------- */

/* Stops s and returns its whole log (a new string). */
static char *stop_and_log(vj_server_t *s) {
    char path[512];
    snprintf(path, sizeof path, "%s", s->log_path);
    vj_server_stop(s);
    vj_server_t tmp = {0};
    snprintf(tmp.log_path, sizeof tmp.log_path, "%s", path);
    return vj_server_log(&tmp);
}

static size_t count_matches(const char *log, const char *pattern,
                            long *first_bytes) {
    regex_t re;
    cr_assert_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NEWLINE), 0);
    size_t n = 0;
    regmatch_t m[2];
    const char *p = log;
    while (regexec(&re, p, 2, m, 0) == 0) {
        if (n == 0 && first_bytes && m[1].rm_so >= 0)
            *first_bytes = strtol(p + m[1].rm_so, NULL, 10);
        n++;
        p += m[0].rm_eo;
    }
    regfree(&re);
    return n;
}

/* Requests the harness itself never makes (it polls /api/v1/health), so
 * their access lines can be counted. */
static void make_requests(const vj_server_t *s, size_t *list_len) {
    vj_resp_t *r = vj_get(s, "/api/v1/documents?limit=1");
    *list_len = r->body_len;
    vj_resp_free(r);
    for (int i = 0; i < 3; i++) {
        r = vj_get(s, "/api/v1/documents/004_5793ab1afd7dfe9c");
        vj_resp_free(r);
    }
    r = vj_get(s, "/api/v1/nope-access");
    vj_resp_free(r);
}

Test(cli, access_log_text) {
    vj_server_t *s = vj_server_start(VJ_CORPUS, NULL);
    size_t len;
    make_requests(s, &len);
    char *log = stop_and_log(s);
    long bytes = -1;
    size_t n = count_matches(
        log, "GET /api/v1/documents(\\?limit=1)? 200 ([0-9]+)B [0-9]+us", NULL);
    cr_expect_eq(n, 1, "list access lines: %zu in %.800s", n, log);
    count_matches(log, "GET /api/v1/documents[?a-z=1]* 200 ([0-9]+)B", &bytes);
    cr_expect_eq(bytes, (long)len, "logged %ldB for a %zu-byte body", bytes,
                 len);
    n = count_matches(log,
                      "GET /api/v1/documents/004_5793ab1afd7dfe9c 200 "
                      "[0-9]+B [0-9]+us",
                      NULL);
    cr_expect_eq(n, 3, "document access lines: %zu", n);
    n = count_matches(log, "GET /api/v1/nope-access 404 [0-9]+B [0-9]+us",
                      NULL);
    cr_expect_eq(n, 1, "404 access lines: %zu", n);
    free(log);
}

/* The access entries of a JSON log whose path is path. */
static size_t json_entries(const char *log, const char *path, json_t **first) {
    size_t n = 0;
    const char *p = log;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len && *p == '{') {
            json_error_t err;
            json_t *j = json_loadb(p, len, 0, &err);
            cr_expect(j != NULL, "a log line is not JSON: %.*s", (int)len, p);
            const char *jp = json_string_value(json_object_get(j, "path"));
            size_t pl = strlen(path);
            if (j && jp && strncmp(jp, path, pl) == 0 &&
                (jp[pl] == '\0' || jp[pl] == '?')) {
                if (n++ == 0 && first)
                    *first = json_incref(j);
            }
            json_decref(j);
        }
        p += len + (e ? 1 : 0);
    }
    return n;
}

static void check_json_log(const char *log, size_t len) {
    json_t *h = NULL;
    size_t n = json_entries(log, "/api/v1/documents", &h);
    cr_expect_eq(n, 1, "list entries: %zu in %.800s", n, log);
    if (h) {
        cr_expect_str_eq(json_string_value(json_object_get(h, "method")),
                         "GET");
        cr_expect_eq(json_integer_value(json_object_get(h, "status")), 200);
        cr_expect(json_is_integer(json_object_get(h, "bytes")), "bytes");
        cr_expect_eq(json_integer_value(json_object_get(h, "bytes")),
                     (json_int_t)len);
        cr_expect(json_is_integer(json_object_get(h, "us")) &&
                      json_integer_value(json_object_get(h, "us")) >= 0,
                  "us");
        json_decref(h);
    }
    n = json_entries(log, "/api/v1/documents/004_5793ab1afd7dfe9c", NULL);
    cr_expect_eq(n, 3, "document entries: %zu", n);
    json_t *nf = NULL;
    n = json_entries(log, "/api/v1/nope-access", &nf);
    cr_expect_eq(n, 1, "404 entries: %zu", n);
    if (nf) {
        cr_expect_eq(json_integer_value(json_object_get(nf, "status")), 404);
        json_decref(nf);
    }
}

Test(cli, access_log_json) {
    static const char *const args[] = {"--log-format", "json", NULL};
    vj_server_t *s = vj_server_start(VJ_CORPUS, args);
    size_t hlen;
    make_requests(s, &hlen);
    char *log = stop_and_log(s);
    check_json_log(log, hlen);
    free(log);
}

Test(cli, log_format_env_and_flag_wins) {
    static const char *const env[] = {"VJCORPUS_LOG_FORMAT=json", NULL};
    vj_server_opts_t o = {.corpus_dir = VJ_CORPUS, .env = env};
    vj_server_t *s = vj_server_start_opts(&o);
    size_t hlen;
    make_requests(s, &hlen);
    char *log = stop_and_log(s);
    check_json_log(log, hlen);
    free(log);

    static const char *const args[] = {"--log-format", "text", NULL};
    o.args = args;
    s = vj_server_start_opts(&o);
    make_requests(s, &hlen);
    log = stop_and_log(s);
    size_t n = count_matches(
        log, "GET /api/v1/nope-access 404 [0-9]+B [0-9]+us", NULL);
    cr_expect_eq(n, 1, "--log-format text over the env: %.500s", log);
    free(log);
}

/* --- Environment ------------------------------------------------------ */

Test(cli, serve_from_the_environment) {
    static const char *const env[] = {"VJCORPUS_CORPUS=" NO_MANIFEST,
                                      "VJCORPUS_HOST=127.0.0.1",
                                      "VJCORPUS_PORT=0", NULL};
    vj_server_opts_t o = {.env = env, .no_host_port = 1};
    vj_server_t *s = vj_server_start_opts(&o);
    cr_expect_eq(total_of(s), 2, "VJCORPUS_CORPUS not used");
    vj_server_stop(s);
}

Test(cli, flags_win_over_the_environment) {
    /* were the environment used, the bind or the corpus would differ */
    static const char *const env[] = {"VJCORPUS_CORPUS=" NO_MANIFEST,
                                      "VJCORPUS_HOST=192.0.2.1",
                                      "VJCORPUS_PORT=1", NULL};
    vj_server_opts_t o = {.corpus_dir = VJ_CORPUS, .env = env};
    vj_server_t *s = vj_server_start_opts(&o);
    cr_expect_neq(s->port, 1);
    cr_expect_eq(total_of(s), 5, "--corpus lost to VJCORPUS_CORPUS");
    vj_server_stop(s);
}

/* --- Fixture corpora -------------------------------------------------- */

Test(corpora, without_manifest) {
    vj_server_t *s = vj_server_start(NO_MANIFEST, NULL);
    json_t *j = get_json(s, "/api/v1/documents");
    cr_expect_eq(json_integer_value(json_object_get(j, "total")), 2);
    json_t *items = json_object_get(j, "items");
    cr_assert_eq(json_array_size(items), 2);
    static const char *const ids[] = {"100_alpha", "101_beta"};
    static const char *const first[] = {"Hà Nội đón đoàn",
                                        "Sinh viên Việt Nam"};
    for (size_t i = 0; i < 2; i++) {
        json_t *it = json_array_get(items, i);
        cr_expect_str_eq(json_string_value(json_object_get(it, "id")), ids[i]);
        const char *t = json_string_value(json_object_get(it, "title"));
        cr_expect(t && strncmp(t, first[i], strlen(first[i])) == 0,
                  "%s: title %s is not from the text", ids[i],
                  t ? t : "(none)");
        cr_expect_str_eq(json_string_value(json_object_get(it, "language")),
                         "vi");
    }
    json_decref(j);
    j = get_json(s, "/api/v1/health");
    cr_expect_eq(json_integer_value(json_object_get(j, "documents")), 2);
    json_decref(j);
    j = get_json(s, "/api/v1/documents/101_beta");
    const char *text = json_string_value(json_object_get(j, "text"));
    cr_expect(text && strstr(text, "hơn 1.000 sinh viên"), "text: %s",
              text ? text : "(none)");
    json_decref(j);
    vj_server_stop(s);
}

Test(corpora, invalid_utf8_file_is_skipped) {
    vj_server_t *s = vj_server_start(BAD_UTF8, NULL);
    json_t *j = get_json(s, "/api/v1/documents");
    cr_expect_eq(json_integer_value(json_object_get(j, "total")), 1);
    json_t *it = json_array_get(json_object_get(j, "items"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(it, "id")), "good");
    json_decref(j);
    j = get_json(s, "/api/v1/health");
    cr_expect_eq(json_integer_value(json_object_get(j, "documents")), 1);
    cr_expect_eq(json_integer_value(json_object_get(j, "skipped")), 1);
    json_decref(j);
    vj_resp_t *r = vj_get(s, "/api/v1/documents/bad");
    vj_assert_problem(r, 404, NULL);
    vj_resp_free(r);
    char *log = vj_server_log(s);
    cr_expect(strstr(log, "bad.txt:3:"), "log lacks bad.txt:3: %.800s", log);
    free(log);
    vj_server_stop(s);
}

Test(corpora, broken_manifest_fails_serve) {
    vj_server_opts_t o = {.corpus_dir = BROKEN_MANIFEST};
    vj_server_t *s = vj_server_spawn(&o);
    int exited = vj_server_wait_exit(s, 30);
    char *log = vj_server_log(s);
    int status = s->status;
    vj_server_kill(s);
    cr_assert(exited, "serve kept running on a broken manifest: %.500s", log);
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) != 0,
              "serve on a broken manifest: status 0x%x", status);
    cr_expect(!WIFSIGNALED(status), "serve crashed (signal %d)",
              WTERMSIG(status));
    cr_expect(strstr(log, "manifest.json:3") ||
                  (strstr(log, "manifest.json") && strstr(log, "line 3")),
              "no message naming manifest.json and line 3: %.800s", log);
    free(log);
}

Test(corpora, missing_folder_fails_serve) {
    vj_server_opts_t o = {.corpus_dir = VJ_FIXTURES "/does-not-exist"};
    vj_server_t *s = vj_server_spawn(&o);
    int exited = vj_server_wait_exit(s, 30);
    char *log = vj_server_log(s);
    int status = s->status;
    vj_server_kill(s);
    cr_assert(exited, "serve kept running on a missing folder: %.500s", log);
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) != 0,
              "serve on a missing folder: status 0x%x", status);
    cr_expect(strstr(log, "does-not-exist"), "message does not name it: %s",
              log);
    free(log);
}
