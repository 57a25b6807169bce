/* test_api_cache.c - the response cache and search off the loop, against the
 * real server: a repeated GET is a hit (Server-Timing cache;desc="hit")
 * with the same body, ETag, Link and headers as the miss; each spelling of
 * a target is its own entry; gzip, 304 and HEAD from the cache; errors,
 * health and the OpenAPI document are never hits; --cache-mb 0 turns it
 * off; a small cache evicts without corrupting answers; a reload (SIGHUP)
 * empties it; concurrent searches on the threadpool answer what sequential
 * ones do while health keeps answering; searches whose client left do not
 * hurt the server; facets add up and the document facet keeps the 100
 * documents with the most matches. */
#include "harness.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define DOC0 "/api/v1/documents/000_9a418107b7a7cca5"
#define DOC1 "/api/v1/documents/001_58805106130a1a09"
#define HIT "cache;desc=\"hit\""

static vj_server_t *srv;

static void stop(void) {
    vj_server_stop(srv);
    srv = NULL;
    vj_docs_free();
}

static const char *hdr(const vj_resp_t *r, const char *name) {
    const char *v = vj_header(r, name);
    return v ? v : "(none)";
}

/* Was r served from the response cache? */
static int is_hit(const vj_resp_t *r) {
    const char *st = vj_header(r, "Server-Timing");
    return st && strstr(st, HIT) != NULL;
}

/* Does r's Server-Timing carry a metric called name? */
static int has_metric(const vj_resp_t *r, const char *name) {
    const char *st = vj_header(r, "Server-Timing");
    size_t n = strlen(name);
    for (const char *p = st; p && *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        if (strncmp(p, name, n) == 0 &&
            (p[n] == ';' || p[n] == ',' || p[n] == '\0'))
            return 1;
        p = strchr(p, ',');
    }
    return 0;
}

static int same_body(const vj_resp_t *a, const vj_resp_t *b) {
    return a->body_len == b->body_len &&
           memcmp(a->body, b->body, a->body_len) == 0;
}

static vj_resp_t *get_with(const vj_server_t *s, const char *path,
                           const char *header, int gzip) {
    const char *h[] = {header, NULL};
    vj_req_t q = {.headers = header ? h : NULL, .gzip = gzip, .raw = gzip};
    return vj_request(s, path, &q);
}

/* Asserts b (a hit) answers what a (the miss) did, header for header. */
static void check_same_answer(const vj_resp_t *a, const vj_resp_t *b,
                              const char *what) {
    cr_expect_eq(a->status, 200, "%s: miss status %ld", what, a->status);
    cr_expect_eq(b->status, 200, "%s: hit status %ld", what, b->status);
    cr_expect(same_body(a, b), "%s: bodies differ (%zu vs %zu bytes)", what,
              a->body_len, b->body_len);
    static const char *const same[] = {"ETag",
                                       "Link",
                                       "Content-Type",
                                       "Content-Encoding",
                                       "Cache-Control",
                                       "Vary",
                                       "Access-Control-Allow-Origin",
                                       "Access-Control-Expose-Headers",
                                       "X-Content-Type-Options",
                                       "Content-Security-Policy"};
    for (size_t i = 0; i < NELEM(same); i++)
        cr_expect_str_eq(hdr(a, same[i]), hdr(b, same[i]),
                         "%s: %s differs: miss %s, hit %s", what, same[i],
                         hdr(a, same[i]), hdr(b, same[i]));
    for (size_t i = 0; i < NELEM(same); i++)
        cr_expect_eq(vj_header_count(b, same[i]), vj_header_count(a, same[i]),
                     "%s: %zu %s headers on the hit, %zu on the miss", what,
                     vj_header_count(b, same[i]), same[i],
                     vj_header_count(a, same[i]));
    cr_expect(vj_header(b, "ETag") != NULL, "%s: hit without ETag", what);
    cr_expect_str_eq(hdr(b, "Access-Control-Allow-Origin"), "*",
                     "%s: hit without CORS", what);
    cr_expect(vj_header_has_token(b, "Access-Control-Expose-Headers", "ETag"),
              "%s: hit Access-Control-Expose-Headers %s", what,
              hdr(b, "Access-Control-Expose-Headers"));
    cr_expect_str_eq(hdr(b, "X-Content-Type-Options"), "nosniff",
                     "%s: hit X-Content-Type-Options", what);
    cr_expect_eq(vj_header_count(b, "Server-Timing"), 1,
                 "%s: %zu Server-Timing headers on the hit", what,
                 vj_header_count(b, "Server-Timing"));
    if (is_hit(b))
        cr_expect(!has_metric(b, "app"), "%s: hit has app timing: %s", what,
                  hdr(b, "Server-Timing"));
    char *len = vj_fmt("%zu", b->body_len);
    cr_expect_str_eq(hdr(b, "Content-Length"), len,
                     "%s: hit Content-Length %s for %zu bytes", what,
                     hdr(b, "Content-Length"), b->body_len);
    free(len);
}

/* GETs path twice: asserts a miss then a hit with the same answer. */
static void miss_then_hit(const vj_server_t *s, const char *path) {
    vj_resp_t *a = vj_get(s, path);
    vj_resp_t *b = vj_get(s, path);
    cr_expect(!is_hit(a), "%s: first GET is a hit: %s", path,
              hdr(a, "Server-Timing"));
    cr_expect(has_metric(a, "total"), "%s: miss without total timing: %s", path,
              hdr(a, "Server-Timing"));
    cr_expect(is_hit(b), "%s: second GET is not a hit: %s", path,
              hdr(b, "Server-Timing"));
    check_same_answer(a, b, path);
    vj_resp_free(a);
    vj_resp_free(b);
}

/* --- The seed corpus, default cache ------------------------------------ */

static void start(void) {
    srv = vj_server_start(VJ_CORPUS, NULL);
}

TestSuite(cache, .init = start, .fini = stop, .timeout = 120);

Test(cache, miss_then_hit) {
    const char *path = "/api/v1/timeline?limit=5";
    vj_resp_t *a = vj_get(srv, path);
    vj_resp_t *b = vj_get(srv, path);
    cr_expect(!is_hit(a), "first GET is a hit: %s", hdr(a, "Server-Timing"));
    cr_expect(has_metric(a, "app"), "miss without app timing: %s",
              hdr(a, "Server-Timing"));
    cr_expect(has_metric(a, "total"), "miss without total timing: %s",
              hdr(a, "Server-Timing"));
    cr_expect(is_hit(b), "second GET is not a hit: %s",
              hdr(b, "Server-Timing"));
    cr_expect(vj_header(a, "Link") != NULL, "no Link on a list");
    check_same_answer(a, b, path);
    /* and it stays a hit */
    vj_resp_t *c = vj_get(srv, path);
    cr_expect(is_hit(c), "third GET is not a hit: %s", hdr(c, "Server-Timing"));
    check_same_answer(a, c, path);
    vj_resp_free(a);
    vj_resp_free(b);
    vj_resp_free(c);
}

Test(cache, every_cached_route) {
    static const char *const paths[] = {
        "/api/v1/documents",
        "/api/v1/documents?limit=2&offset=1",
        DOC0,
        "/api/v1/timeline",
        "/api/v1/entities?limit=3",
        "/api/v1/projects",
        "/api/v1/statistics?limit=4",
        "/api/v1/stats",
        "/api/v1/search?q=nhat+ban&limit=3",
        "/api/v1/suggest?q=nh",
    };
    for (size_t i = 0; i < NELEM(paths); i++)
        miss_then_hit(srv, paths[i]);
    /* the item routes too: the first id of each list */
    static const char *const lists[] = {"timeline", "entities", "projects"};
    for (size_t i = 0; i < NELEM(lists); i++) {
        char *p = vj_fmt("/api/v1/%s?limit=1", lists[i]);
        json_t *j = vj_get_json(srv, p);
        free(p);
        json_t *it = json_array_get(json_object_get(j, "items"), 0);
        const char *id = vj_jstr(it, "id");
        cr_assert(id, "%s: first item has no id", lists[i]);
        p = vj_fmt("/api/v1/%s/%s", lists[i], id);
        miss_then_hit(srv, p);
        free(p);
        json_decref(j);
    }
}

Test(cache, each_spelling_is_its_own_entry) {
    static const char *const spellings[] = {
        "/api/v1/timeline?limit=5",
        "/api/v1/timeline?limit=5&offset=0",
        "/api/v1/timeline?offset=0&limit=5",
        "/api/v1/timeline?limit=05",
    };
    json_t *first = NULL;
    for (size_t i = 0; i < NELEM(spellings); i++) {
        vj_resp_t *a = vj_get(srv, spellings[i]);
        cr_expect(!is_hit(a),
                  "%s: first GET is a hit although only other "
                  "spellings were asked",
                  spellings[i]);
        vj_resp_t *b = vj_get(srv, spellings[i]);
        cr_expect(is_hit(b), "%s: second GET is not a hit", spellings[i]);
        check_same_answer(a, b, spellings[i]);
        json_t *j = vj_json(a);
        if (first == NULL) {
            first = j;
        } else {
            cr_expect(json_equal(json_object_get(j, "items"),
                                 json_object_get(first, "items")),
                      "%s: items differ from %s", spellings[i], spellings[0]);
            cr_expect_eq(vj_jint(j, "total"), vj_jint(first, "total"));
            json_decref(j);
        }
        vj_resp_free(a);
        vj_resp_free(b);
    }
    json_decref(first);
}

Test(cache, gzip_once_per_entry) {
    static const char *const paths[] = {DOC0, "/api/v1/timeline?limit=50"};
    for (size_t i = 0; i < NELEM(paths); i++) {
        const char *p = paths[i];
        vj_resp_t *g1 = get_with(srv, p, NULL, 1);
        vj_resp_t *g2 = get_with(srv, p, NULL, 1);
        vj_resp_t *g3 = get_with(srv, p, NULL, 1);
        cr_expect(!is_hit(g1), "%s: first gzip GET is a hit", p);
        cr_expect(is_hit(g2), "%s: second gzip GET is not a hit: %s", p,
                  hdr(g2, "Server-Timing"));
        cr_expect(is_hit(g3), "%s: third gzip GET is not a hit", p);
        check_same_answer(g2, g3, p);
        const vj_resp_t *gz[] = {g1, g2, g3};
        const char *et = hdr(g1, "ETag");
        size_t el = strlen(et);
        cr_expect(el > 7 && strcmp(et + el - 6, "-gzip\"") == 0,
                  "%s: gzip ETag %s", p, et);
        char *plain_tag = vj_fmt("%.*s\"", (int)(el > 6 ? el - 6 : 0), et);
        size_t n0 = 0;
        char *un0 = vj_gunzip(g1->body, g1->body_len, &n0);
        cr_assert(un0, "%s: miss body is not gzip", p);
        for (size_t k = 0; k < NELEM(gz); k++) {
            cr_expect_str_eq(hdr(gz[k], "Content-Encoding"), "gzip",
                             "%s #%zu: Content-Encoding %s", p, k + 1,
                             hdr(gz[k], "Content-Encoding"));
            cr_expect_str_eq(hdr(gz[k], "ETag"), et, "%s #%zu: ETag %s", p,
                             k + 1, hdr(gz[k], "ETag"));
            cr_expect(vj_header_has_token(gz[k], "Vary", "Accept-Encoding"),
                      "%s #%zu: Vary %s", p, k + 1, hdr(gz[k], "Vary"));
            size_t n = 0;
            char *un = vj_gunzip(gz[k]->body, gz[k]->body_len, &n);
            cr_assert(un, "%s #%zu: body is not gzip", p, k + 1);
            cr_expect(n == n0 && memcmp(un, un0, n) == 0,
                      "%s #%zu: gunzipped body differs", p, k + 1);
            free(un);
        }
        /* a plain request after that: identity, from the same entry */
        vj_resp_t *id = vj_get(srv, p);
        cr_expect_eq(id->status, 200);
        cr_expect(is_hit(id), "%s: identity after gzip is not a hit", p);
        cr_expect(vj_header(id, "Content-Encoding") == NULL,
                  "%s: Content-Encoding %s without Accept-Encoding", p,
                  hdr(id, "Content-Encoding"));
        cr_expect_str_eq(hdr(id, "ETag"), plain_tag, "%s: identity ETag", p);
        cr_expect(id->body_len == n0 && memcmp(id->body, un0, n0) == 0,
                  "%s: identity body differs from the gunzipped one", p);
        cr_expect_gt(id->body_len, g2->body_len, "%s: gzip is not smaller", p);
        /* gzip again after identity: still the same gzip answer */
        vj_resp_t *g4 = get_with(srv, p, NULL, 1);
        cr_expect(is_hit(g4), "%s: gzip after identity is not a hit", p);
        cr_expect_str_eq(hdr(g4, "Content-Encoding"), "gzip");
        cr_expect(same_body(g2, g4), "%s: gzip bodies of two hits differ", p);
        /* curl's own decoding of a hit */
        vj_req_t qd = {.gzip = 1};
        vj_resp_t *d = vj_request(srv, p, &qd);
        cr_expect(d->body_len == n0 && memcmp(d->body, un0, n0) == 0,
                  "%s: decoded hit differs", p);
        vj_resp_free(d);
        vj_resp_free(g4);
        vj_resp_free(id);
        free(un0);
        free(plain_tag);
        vj_resp_free(g1);
        vj_resp_free(g2);
        vj_resp_free(g3);
    }
}

Test(cache, gzip_first_then_identity_first) {
    /* the entry made by an identity miss serves gzip hits too */
    const char *p = "/api/v1/timeline?limit=40";
    vj_resp_t *id = vj_get(srv, p);
    cr_assert_gt(id->body_len, 1024);
    vj_resp_t *gz = get_with(srv, p, NULL, 1);
    cr_expect(is_hit(gz), "gzip after identity is not a hit");
    cr_expect_str_eq(hdr(gz, "Content-Encoding"), "gzip");
    size_t n = 0;
    char *un = vj_gunzip(gz->body, gz->body_len, &n);
    cr_assert(un, "hit body is not gzip");
    cr_expect(n == id->body_len && memcmp(un, id->body, n) == 0,
              "gunzipped hit differs from the identity miss");
    char *tag = vj_fmt("%.*s-gzip\"", (int)strlen(hdr(id, "ETag")) - 1,
                       hdr(id, "ETag"));
    cr_expect_str_eq(hdr(gz, "ETag"), tag);
    free(tag);
    free(un);
    vj_resp_free(gz);
    vj_resp_free(id);
    /* a small body is never compressed, hit or not */
    p = "/api/v1/documents?limit=1";
    vj_resp_t *s1 = get_with(srv, p, NULL, 1);
    vj_resp_t *s2 = get_with(srv, p, NULL, 1);
    cr_assert_lt(s1->body_len, 1024, "%s is not small", p);
    cr_expect(is_hit(s2));
    cr_expect(vj_header(s1, "Content-Encoding") == NULL);
    cr_expect(vj_header(s2, "Content-Encoding") == NULL,
              "small hit compressed: %s", hdr(s2, "Content-Encoding"));
    check_same_answer(s1, s2, p);
    vj_resp_free(s1);
    vj_resp_free(s2);
}

Test(cache, if_none_match_on_a_hit_gives_304) {
    const char *p = DOC0;
    vj_resp_t *a = vj_get(srv, p);
    vj_resp_t *b = vj_get(srv, p);
    cr_assert(is_hit(b), "second GET is not a hit");
    vj_resp_t *g = get_with(srv, p, NULL, 1);
    cr_assert(is_hit(g), "gzip GET is not a hit");
    const char *tag = hdr(a, "ETag"), *gtag = hdr(g, "ETag");
    cr_assert(tag[0] == '"' && strstr(gtag, "-gzip\""), "ETags %s / %s", tag,
              gtag);
    char *forms[] = {
        vj_fmt("If-None-Match: %s", tag),
        vj_fmt("If-None-Match: %s", gtag),
        vj_fmt("If-None-Match: W/%s", tag),
        vj_fmt("If-None-Match: W/%s", gtag),
        vj_fmt("If-None-Match: \"other\", %s", tag),
        vj_fmt("If-None-Match: *"),
    };
    for (size_t i = 0; i < NELEM(forms); i++) {
        for (int gzip = 0; gzip <= 1; gzip++) {
            vj_resp_t *c = get_with(srv, p, forms[i], gzip);
            cr_expect_eq(c->status, 304, "%s (gzip %d): %ld", forms[i], gzip,
                         c->status);
            cr_expect_eq(c->body_len, 0, "%s (gzip %d): 304 with %zu bytes",
                         forms[i], gzip, c->body_len);
            cr_expect(vj_header(c, "ETag") != NULL, "%s (gzip %d): no ETag",
                      forms[i], gzip);
            cr_expect_str_eq(hdr(c, "Access-Control-Allow-Origin"), "*",
                             "%s: 304 without CORS", forms[i]);
            cr_expect(vj_header(c, "Content-Encoding") == NULL,
                      "%s: 304 with Content-Encoding", forms[i]);
            vj_resp_free(c);
        }
        free(forms[i]);
    }
    /* another tag: the full answer, still from the cache */
    vj_resp_t *c = get_with(srv, p, "If-None-Match: \"0000000000000000\"", 0);
    cr_expect_eq(c->status, 200);
    cr_expect(is_hit(c), "a non-matching If-None-Match is not a hit");
    check_same_answer(a, c, p);
    vj_resp_free(c);
    /* the 304 did not spoil the entry */
    c = vj_get(srv, p);
    cr_expect(is_hit(c));
    check_same_answer(a, c, p);
    vj_resp_free(c);
    vj_resp_free(g);
    vj_resp_free(a);
    vj_resp_free(b);
}

Test(cache, if_none_match_on_a_miss) {
    /* a tag learnt on another spelling revalidates a fresh target */
    vj_resp_t *a = vj_get(srv, "/api/v1/timeline?limit=3");
    char *inm = vj_fmt("If-None-Match: %s", hdr(a, "ETag"));
    const char *p = "/api/v1/timeline?offset=0&limit=3";
    vj_resp_t *c = get_with(srv, p, inm, 0);
    cr_expect_eq(c->status, 304, "%s with the ETag of the same body: %ld", p,
                 c->status);
    cr_expect_eq(c->body_len, 0);
    vj_resp_free(c);
    /* the 304 still filled the entry with the whole answer */
    vj_resp_t *d = vj_get(srv, p);
    cr_expect_eq(d->status, 200);
    cr_expect(same_body(a, d), "%s after a 304: body differs", p);
    cr_expect_str_eq(hdr(d, "ETag"), hdr(a, "ETag"));
    vj_resp_free(d);
    free(inm);
    vj_resp_free(a);
}

Test(cache, head_on_a_cached_target) {
    const char *p = "/api/v1/documents?limit=3";
    vj_resp_t *a = vj_get(srv, p);
    vj_resp_t *b = vj_get(srv, p);
    cr_assert(is_hit(b));
    vj_req_t qh = {.method = "HEAD"};
    vj_resp_t *h = vj_request(srv, p, &qh);
    cr_expect_eq(h->status, 200);
    cr_expect_eq(h->body_len, 0, "HEAD with %zu bytes", h->body_len);
    cr_expect(is_hit(h), "HEAD on a cached target is not a hit");
    cr_expect_str_eq(hdr(h, "ETag"), hdr(a, "ETag"));
    cr_expect_str_eq(hdr(h, "Link"), hdr(a, "Link"));
    cr_expect_str_eq(hdr(h, "Content-Type"), hdr(a, "Content-Type"));
    char *len = vj_fmt("%zu", a->body_len);
    cr_expect_str_eq(hdr(h, "Content-Length"), len);
    free(len);
    vj_resp_free(h);
    /* HEAD with gzip on a large cached body */
    vj_resp_t *g = get_with(srv, DOC1, NULL, 1);
    vj_req_t qhg = {.method = "HEAD", .gzip = 1, .raw = 1};
    h = vj_request(srv, DOC1, &qhg);
    cr_expect_eq(h->status, 200);
    cr_expect_eq(h->body_len, 0);
    cr_expect(is_hit(h), "gzip HEAD is not a hit");
    cr_expect_str_eq(hdr(h, "Content-Encoding"), "gzip");
    cr_expect_str_eq(hdr(h, "ETag"), hdr(g, "ETag"));
    vj_resp_free(h);
    vj_resp_free(g);
    /* the GET after the HEADs still has its body */
    vj_resp_t *c = vj_get(srv, p);
    cr_expect(is_hit(c));
    check_same_answer(a, c, p);
    vj_resp_free(c);
    vj_resp_free(a);
    vj_resp_free(b);
}

Test(cache, head_first_fills_the_entry) {
    const char *p = "/api/v1/entities?limit=7";
    vj_req_t qh = {.method = "HEAD"};
    vj_resp_t *h = vj_request(srv, p, &qh);
    cr_expect_eq(h->status, 200);
    cr_expect_eq(h->body_len, 0);
    cr_expect(!is_hit(h), "first HEAD is a hit");
    vj_resp_t *g = vj_get(srv, p);
    cr_expect_eq(g->status, 200);
    cr_expect(is_hit(g), "GET after HEAD is not a hit");
    cr_expect_str_eq(hdr(g, "ETag"), hdr(h, "ETag"));
    char *len = vj_fmt("%zu", g->body_len);
    cr_expect_str_eq(hdr(h, "Content-Length"), len,
                     "HEAD announced %s bytes, the GET has %zu",
                     hdr(h, "Content-Length"), g->body_len);
    free(len);
    json_t *j = vj_json(g);
    cr_expect_eq(json_array_size(json_object_get(j, "items")), 7);
    json_decref(j);
    /* the same body as a fresh computation of another spelling */
    vj_resp_t *o = vj_get(srv, "/api/v1/entities?offset=0&limit=7");
    cr_expect(!is_hit(o));
    cr_expect(same_body(g, o), "hit after HEAD differs from a fresh answer");
    vj_resp_free(o);
    vj_resp_free(g);
    vj_resp_free(h);
}

Test(cache, other_methods_and_refused_gzip) {
    const char *p = DOC0;
    vj_resp_t *a = vj_get(srv, p);
    vj_resp_t *b = vj_get(srv, p);
    cr_assert(is_hit(b));
    static const char *const methods[] = {"OPTIONS", "DELETE", "POST", "PUT"};
    for (size_t i = 0; i < NELEM(methods); i++) {
        vj_req_t q = {.method = methods[i]};
        vj_resp_t *r = vj_request(srv, p, &q);
        cr_expect(r->status == 204 || r->status == 405, "%s: %ld", methods[i],
                  r->status);
        cr_expect(!is_hit(r), "%s answered from the cache", methods[i]);
        cr_expect(r->status != 405 || vj_header(r, "ETag") == NULL ||
                      strcmp(hdr(r, "ETag"), hdr(a, "ETag")) != 0,
                  "%s: 405 with the cached ETag", methods[i]);
        vj_resp_free(r);
    }
    /* gzip refused (q=0) or not offered: identity from the entry */
    static const char *const aes[] = {
        "Accept-Encoding: gzip;q=0", "Accept-Encoding: identity",
        "Accept-Encoding: br", "Accept-Encoding: *;q=0"};
    for (size_t i = 0; i < NELEM(aes); i++) {
        vj_resp_t *r = get_with(srv, p, aes[i], 0);
        cr_expect(is_hit(r), "%s: not a hit", aes[i]);
        cr_expect(vj_header(r, "Content-Encoding") == NULL,
                  "%s: Content-Encoding %s", aes[i],
                  hdr(r, "Content-Encoding"));
        check_same_answer(a, r, aes[i]);
        vj_resp_free(r);
    }
    /* x-gzip and a wildcard do get gzip */
    static const char *const gzs[] = {"Accept-Encoding: x-gzip",
                                      "Accept-Encoding: *",
                                      "Accept-Encoding: br, gzip;q=0.5"};
    for (size_t i = 0; i < NELEM(gzs); i++) {
        const char *h[] = {gzs[i], NULL};
        vj_req_t q = {.headers = h, .raw = 1};
        vj_resp_t *r = vj_request(srv, p, &q);
        cr_expect(is_hit(r), "%s: not a hit", gzs[i]);
        cr_expect_str_eq(hdr(r, "Content-Encoding"), "gzip", "%s", gzs[i]);
        size_t n = 0;
        char *un = vj_gunzip(r->body, r->body_len, &n);
        cr_expect(un && n == a->body_len && memcmp(un, a->body, n) == 0,
                  "%s: gunzipped body differs", gzs[i]);
        free(un);
        vj_resp_free(r);
    }
    vj_resp_free(a);
    vj_resp_free(b);
}

Test(cache, errors_are_never_cached) {
    static const struct {
        const char *path;
        long status;
        const char *param;
    } bad[] = {
        {"/api/v1/timeline?type=bogus", 400, "type"},
        {"/api/v1/documents?limit=0", 400, "limit"},
        {"/api/v1/documents/nope", 404, NULL},
        {"/api/v1/search?q=", 400, "q"},
        {"/api/v1/search?q=ha+noi&limit=bogus", 400, "limit"},
        {"/api/v1/search?q=ha+noi&document=nope", 0, NULL},
        {"/api/v1/nope", 404, NULL},
    };
    for (size_t i = 0; i < NELEM(bad); i++) {
        for (int k = 0; k < 3; k++) {
            vj_resp_t *r = vj_get(srv, bad[i].path);
            cr_log_info("%s #%d: %ld", bad[i].path, k, r->status);
            if (bad[i].status)
                vj_assert_problem(r, bad[i].status, bad[i].param);
            else
                cr_expect_geq(r->status, 400, "%s: %ld", bad[i].path,
                              r->status);
            cr_expect(!is_hit(r), "%s #%d: an error served from the cache",
                      bad[i].path, k + 1);
            cr_expect(vj_header_has_token(r, "Cache-Control", "no-store"),
                      "%s: Cache-Control %s", bad[i].path,
                      hdr(r, "Cache-Control"));
            vj_resp_free(r);
        }
    }
}

Test(cache, health_and_openapi_are_never_hits) {
    static const char *const paths[] = {"/api/v1/health", "/openapi.json"};
    for (size_t i = 0; i < NELEM(paths); i++)
        for (int k = 0; k < 3; k++) {
            vj_resp_t *r = vj_get(srv, paths[i]);
            cr_expect_eq(r->status, 200);
            cr_expect(!is_hit(r), "%s #%d is a cache hit", paths[i], k + 1);
            vj_resp_free(r);
        }
}

Test(cache, search_hits) {
    const char *p = "/api/v1/search?q=ha+noi";
    vj_resp_t *a = vj_get(srv, p);
    vj_resp_t *b = vj_get(srv, p);
    cr_expect(!is_hit(a), "first search is a hit");
    cr_expect(has_metric(a, "total"), "miss timing %s",
              hdr(a, "Server-Timing"));
    cr_expect(is_hit(b), "second search is not a hit: %s",
              hdr(b, "Server-Timing"));
    check_same_answer(a, b, p);
    json_t *j = vj_json(b);
    cr_expect_eq(vj_jint(j, "total"), 3);
    json_decref(j);
    vj_resp_free(a);
    vj_resp_free(b);
}

/* rel=name's target in a Link header, or NULL (a new string) */
static char *link_rel(const char *link, const char *name) {
    char *want = vj_fmt("rel=\"%s\"", name);
    char *out = NULL;
    for (const char *p = link; p && (p = strchr(p, '<'));) {
        const char *e = strchr(p, '>');
        if (!e)
            break;
        const char *next = strchr(e, '<');
        const char *r = strstr(e, want);
        if (r && (!next || r < next)) {
            out = strndup(p + 1, (size_t)(e - p - 1));
            break;
        }
        p = e;
    }
    free(want);
    return out;
}

Test(cache, search_pages_keep_their_links) {
    json_t *all = vj_get_json(srv, "/api/v1/search?q=nhat+ban&limit=100");
    long long total = vj_jint(all, "total");
    cr_assert_gt(total, 30);
    json_t *items = json_object_get(all, "items");
    for (long off = 0; off < total; off += 10) {
        char *p = vj_fmt("/api/v1/search?q=nhat+ban&limit=10&offset=%ld", off);
        vj_resp_t *a = vj_get(srv, p);
        vj_resp_t *b = vj_get(srv, p);
        cr_expect(!is_hit(a), "%s: first is a hit", p);
        cr_expect(is_hit(b), "%s: second is not a hit", p);
        check_same_answer(a, b, p);
        const char *link = vj_header(b, "Link");
        cr_assert(link, "%s: hit without Link", p);
        char *next = link_rel(link, "next"), *prev = link_rel(link, "prev");
        char *first = link_rel(link, "first");
        cr_expect(first != NULL, "%s: no first in %s", p, link);
        char *want_next = vj_fmt("offset=%ld", off + 10);
        char *want_prev = vj_fmt("offset=%ld", off - 10);
        if (off + 10 < total)
            cr_expect(next && strstr(next, want_next), "%s: next %s", p,
                      next ? next : "(none)");
        else
            cr_expect(next == NULL, "%s: next %s on the last page", p, next);
        if (off > 0)
            cr_expect(prev && strstr(prev, want_prev), "%s: prev %s", p,
                      prev ? prev : "(none)");
        else
            cr_expect(prev == NULL, "%s: prev %s on the first page", p, prev);
        free(want_next);
        free(want_prev);
        /* the page's items are the slice of the whole list */
        json_t *j = vj_json(b);
        json_t *page = json_object_get(j, "items");
        for (size_t k = 0; k < json_array_size(page); k++) {
            json_t *x = json_array_get(page, k);
            json_t *y = json_array_get(items, (size_t)off + k);
            cr_expect(json_equal(x, y),
                      "%s: item %zu differs from the full "
                      "list",
                      p, k);
        }
        /* following next from the cache gives the next page */
        if (next) {
            vj_resp_t *n = vj_get(srv, next);
            cr_expect_eq(n->status, 200, "%s: %ld", next, n->status);
            vj_resp_free(n);
        }
        json_decref(j);
        free(next);
        free(prev);
        free(first);
        vj_resp_free(a);
        vj_resp_free(b);
        free(p);
    }
    json_decref(all);
}

Test(cache, hits_over_keep_alive) {
    CURL *c = curl_easy_init();
    vj_req_t q = {.curl = c};
    const char *p = "/api/v1/search?q=viet+nam&limit=7";
    vj_resp_t *first = vj_request(srv, p, &q);
    cr_assert_eq(first->status, 200);
    for (int i = 0; i < 5; i++) {
        vj_resp_t *r = vj_request(srv, i % 2 ? DOC0 : p, &q);
        cr_expect_eq(r->status, 200);
        cr_expect_eq(r->num_connects, 0, "request %d opened a connection", i);
        if (i % 2 == 0) {
            cr_expect(is_hit(r), "keep-alive request %d is not a hit", i);
            check_same_answer(first, r, p);
        }
        vj_resp_free(r);
    }
    vj_resp_free(first);
    curl_easy_cleanup(c);
}

Test(cache, pipelined_hits) {
    const char *one = "GET /api/v1/search?q=hop+tac&limit=4 HTTP/1.1\r\n"
                      "Host: x\r\n\r\n";
    char *req = vj_fmt("%s%s%s", one, one, one);
    vj_resp_t *out[3] = {0};
    size_t n = vj_raw(srv, req, strlen(req), out, 3, 30, NULL);
    cr_assert_eq(n, 3, "%zu of 3 pipelined answers", n);
    for (size_t i = 0; i < n; i++) {
        cr_expect_eq(out[i]->status, 200, "#%zu: %ld", i, out[i]->status);
        if (i > 0)
            cr_expect(same_body(out[0], out[i]), "#%zu: body differs", i);
    }
    cr_expect(is_hit(out[2]), "third pipelined search is not a hit");
    for (size_t i = 0; i < n; i++)
        vj_resp_free(out[i]);
    free(req);
    vj_assert_healthy(srv);
}

Test(cache, facets_add_up) {
    static const char *const qs[] = {"ha+noi",  "nhat+ban",  "viet+nam",
                                     "hop+tac", "thu+tuong", "kinh+te",
                                     "dau+tu",  "dai+su",    "cong+nghe"};
    for (size_t i = 0; i < NELEM(qs); i++) {
        char *p = vj_fmt("/api/v1/search?q=%s&limit=1", qs[i]);
        json_t *j = vj_get_json(srv, p);
        long long total = vj_jint(j, "total");
        json_t *f = json_object_get(j, "facets");
        json_t *docs = json_object_get(f, "document");
        json_t *years = json_object_get(f, "year");
        cr_assert(json_is_object(docs) && json_is_object(years),
                  "%s: facets are not objects", p);
        cr_expect_leq(json_object_size(docs), 5);
        long long sum = 0, prev = -1;
        const char *k;
        json_t *v;
        json_object_foreach(docs, k, v) {
            long long c = json_integer_value(v);
            cr_expect_gt(c, 0, "%s: %s has %lld", p, k, c);
            cr_expect(prev < 0 || c <= prev,
                      "%s: document facet not most first (%s: %lld after "
                      "%lld)",
                      p, k, c, prev);
            prev = c;
            sum += c;
        }
        cr_expect_eq(sum, total, "%s: document facet sums to %lld, total %lld",
                     p, sum, total);
        sum = 0;
        json_object_foreach(years, k, v) sum += json_integer_value(v);
        cr_expect_eq(sum, total, "%s: year facet sums to %lld, total %lld", p,
                     sum, total);
        json_decref(j);
        free(p);
    }
}

/* --- Searches whose client went away ------------------------------------ */

/* Sends a request on a new connection and closes it at once, with a reset
 * when rst is set. */
static void send_and_leave(const vj_server_t *s, const char *req, int rst) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)s->port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert(connect(fd, (struct sockaddr *)&a, sizeof a) == 0, "connect: %s",
              strerror(errno));
    ssize_t w = send(fd, req, strlen(req), MSG_NOSIGNAL);
    cr_assert(w == (ssize_t)strlen(req), "send: %s", strerror(errno));
    if (rst) {
        struct linger l = {1, 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    close(fd);
}

Test(cache, abandoned_searches) {
    for (int i = 0; i < 48; i++) {
        char *r = vj_fmt("GET /api/v1/search?q=viet+nam&limit=%d HTTP/1.1\r\n"
                         "Host: x\r\n\r\n",
                         1 + i % 16);
        send_and_leave(srv, r, i % 2);
        free(r);
    }
    vj_assert_healthy(srv);
    /* answers after that are whole and right */
    for (int i = 0; i < 16; i++) {
        char *p = vj_fmt("/api/v1/search?q=viet+nam&limit=%d", 1 + i);
        vj_resp_t *r = vj_get(srv, p);
        cr_expect_eq(r->status, 200, "%s: %ld", p, r->status);
        json_t *j = vj_json(r);
        cr_expect_eq(json_array_size(json_object_get(j, "items")),
                     (size_t)(1 + i), "%s", p);
        cr_expect_eq(vj_jint(j, "total"), 78, "%s", p);
        json_decref(j);
        vj_resp_free(r);
        free(p);
    }
    vj_assert_healthy(srv);
}

/* --- --cache-mb ---------------------------------------------------------- */

static void start_off(void) {
    static const char *const args[] = {"--cache-mb", "0", NULL};
    srv = vj_server_start(VJ_CORPUS, args);
}

TestSuite(cache_off, .init = start_off, .fini = stop, .timeout = 120);

Test(cache_off, never_a_hit) {
    static const char *const paths[] = {"/api/v1/timeline?limit=5", DOC0,
                                        "/api/v1/search?q=ha+noi",
                                        "/api/v1/stats"};
    for (size_t i = 0; i < NELEM(paths); i++) {
        vj_resp_t *first = NULL;
        for (int k = 0; k < 3; k++) {
            vj_resp_t *r = get_with(srv, paths[i], NULL, k == 2);
            cr_expect_eq(r->status, 200, "%s: %ld", paths[i], r->status);
            cr_expect(!is_hit(r), "%s #%d: a hit with --cache-mb 0", paths[i],
                      k + 1);
            cr_expect(has_metric(r, "total"), "%s: timing %s", paths[i],
                      hdr(r, "Server-Timing"));
            if (k == 0) {
                first = r;
                continue;
            }
            if (k == 1)
                cr_expect(same_body(first, r), "%s: bodies differ", paths[i]);
            vj_resp_free(r);
        }
        /* 304 without a cache */
        char *inm = vj_fmt("If-None-Match: %s", hdr(first, "ETag"));
        vj_resp_t *c = get_with(srv, paths[i], inm, 0);
        cr_expect_eq(c->status, 304, "%s: %ld", paths[i], c->status);
        vj_resp_free(c);
        free(inm);
        vj_resp_free(first);
    }
}

Test(cache_flags, env_zero_turns_it_off) {
    static const char *const env[] = {"VJCORPUS_CACHE_MB=0", NULL};
    vj_server_opts_t o = {.corpus_dir = VJ_CORPUS, .env = env};
    vj_server_t *s = vj_server_start_opts(&o);
    for (int k = 0; k < 3; k++) {
        vj_resp_t *r = vj_get(s, "/api/v1/documents");
        cr_expect_eq(r->status, 200);
        cr_expect(!is_hit(r), "#%d: a hit with VJCORPUS_CACHE_MB=0", k + 1);
        vj_resp_free(r);
    }
    vj_server_stop(s);
}

Test(cache_flags, flag_wins_over_env) {
    static const char *const env[] = {"VJCORPUS_CACHE_MB=0", NULL};
    static const char *const args[] = {"--cache-mb", "8", NULL};
    vj_server_opts_t o = {.corpus_dir = VJ_CORPUS, .env = env, .args = args};
    vj_server_t *s = vj_server_start_opts(&o);
    miss_then_hit(s, "/api/v1/documents");
    vj_server_stop(s);
}

Test(cache_flags, bad_values_are_usage_errors) {
    static const char *const bad[] = {"-1", "lots", "", "1.5", "99999999999"};
    for (size_t i = 0; i < NELEM(bad); i++) {
        const char *argv[] = {"serve", "--corpus",   VJ_CORPUS, "--port",
                              "0",     "--cache-mb", bad[i],    NULL};
        vj_run_t r = vj_run(argv, NULL, 20);
        cr_expect(r.exited && r.code == 2, "--cache-mb '%s': exit %d (%s)",
                  bad[i], r.code, r.exited ? "exited" : "killed");
        cr_expect(vj_strcasestr(r.err, "cache"), "--cache-mb '%s': %s", bad[i],
                  r.err);
        vj_run_free(&r);
    }
}

/* Many distinct targets through a 1 MB cache: entries are evicted or not
 * kept, and every answer stays whole and the same. */
Test(cache_flags, small_cache_evicts_cleanly) {
    static const char *const args[] = {"--cache-mb", "1", NULL};
    vj_server_t *s = vj_server_start(VJ_CORPUS, args);
    enum { N = 100 };
    vj_resp_t *first[N];
    size_t bytes = 0, hits = 0;
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++) {
            char *p = i < 5 ? vj_fmt("/api/v1/documents/%s", vj_ids[i])
                            : vj_fmt("/api/v1/timeline?limit=%d", i);
            vj_resp_t *r = get_with(s, p, NULL, round == 2);
            cr_assert_eq(r->status, 200, "%s: %ld", p, r->status);
            if (round == 0) {
                first[i] = r;
                bytes += r->body_len;
            } else if (round == 1) {
                hits += is_hit(r);
                check_same_answer(first[i], r, p);
                vj_resp_free(r);
            } else {
                size_t n = 0;
                char *un =
                    r->body_len ? vj_gunzip(r->body, r->body_len, &n) : NULL;
                if (vj_header(r, "Content-Encoding")) {
                    cr_assert(un, "%s: not gzip", p);
                    cr_expect(n == first[i]->body_len &&
                                  memcmp(un, first[i]->body, n) == 0,
                              "%s: gzip hit differs", p);
                } else {
                    cr_expect(same_body(first[i], r), "%s: differs", p);
                }
                free(un);
                vj_resp_free(r);
            }
            free(p);
        }
    }
    cr_log_info("%zu bytes of distinct answers through a 1 MB cache, %zu of "
                "%d hits",
                bytes, hits, (int)N);
    /* some were kept, not all could be */
    cr_expect_gt(hits, 0, "nothing kept in a 1 MB cache");
    cr_expect_lt(hits, N, "everything kept in a 1 MB cache");
    cr_expect_gt(bytes, (size_t)1 << 20, "the answers fit in the cache");
    for (int i = 0; i < N; i++)
        vj_resp_free(first[i]);
    vj_assert_healthy(s);
    vj_server_stop(s);
}

/* --- Reload ------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    cr_assert(f, "%s: %s", path, strerror(errno));
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 > cap)
            buf = realloc(buf, cap = (n + 4096) * 2);
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    fclose(f);
    *len = n;
    return buf;
}

static void spit(const char *path, const char *data, size_t len) {
    FILE *f = fopen(path, "wb");
    cr_assert(f, "%s: %s", path, strerror(errno));
    cr_assert_eq(fwrite(data, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

static const char *const seed_files[] = {
    "000_9a418107b7a7cca5.txt", "001_58805106130a1a09.txt",
    "002_1e863f61e29da7dd.txt", "003_53ad46796207618d.txt",
    "004_5793ab1afd7dfe9c.txt", "manifest.json"};

/* A temporary copy of data/corpus (a new path). */
static char *copy_corpus(void) {
    char tmpl[] = "/tmp/vjcache-XXXXXX";
    cr_assert(mkdtemp(tmpl), "mkdtemp: %s", strerror(errno));
    for (size_t i = 0; i < NELEM(seed_files); i++) {
        char *src = vj_fmt("%s/%s", VJ_CORPUS, seed_files[i]);
        char *dst = vj_fmt("%s/%s", tmpl, seed_files[i]);
        size_t n;
        char *data = slurp(src, &n);
        spit(dst, data, n);
        free(data);
        free(src);
        free(dst);
    }
    return strdup(tmpl);
}

static void remove_corpus(char *dir) {
    for (size_t i = 0; i < NELEM(seed_files); i++) {
        char *p = vj_fmt("%s/%s", dir, seed_files[i]);
        unlink(p);
        free(p);
    }
    rmdir(dir);
    free(dir);
}

/* Removes file from the corpus in dir: the text and its manifest entry. */
static void drop_article(const char *dir, const char *file) {
    char *p = vj_fmt("%s/%s", dir, file);
    cr_assert_eq(unlink(p), 0, "unlink %s: %s", p, strerror(errno));
    free(p);
    char *mp = vj_fmt("%s/manifest.json", dir);
    json_error_t err;
    json_t *m = json_load_file(mp, 0, &err);
    cr_assert(m, "manifest: %s", err.text);
    json_t *docs = json_object_get(m, "documents");
    for (size_t i = 0; i < json_array_size(docs); i++)
        if (strcmp(vj_jstr(json_array_get(docs, i), "file"), file) == 0) {
            json_array_remove(docs, i);
            break;
        }
    cr_assert_eq(json_dump_file(m, mp, JSON_INDENT(2)), 0);
    json_decref(m);
    free(mp);
}

static void sighup_and_wait(vj_server_t *s) {
    cr_assert_eq(kill(s->pid, SIGHUP), 0);
    cr_assert(vj_server_log_wait(s, "reloaded", 60),
              "no 'reloaded' line within 60 s");
}

Test(cache_reload, sighup_empties_the_cache) {
    char *dir = copy_corpus();
    vj_server_t *s = vj_server_start(dir, NULL);
    static const char *const paths[] = {
        "/api/v1/documents", DOC1, "/api/v1/search?q=ha+noi",
        "/api/v1/timeline?limit=100", "/api/v1/stats"};
    vj_resp_t *before[NELEM(paths)];
    for (size_t i = 0; i < NELEM(paths); i++) {
        before[i] = vj_get(s, paths[i]);
        vj_resp_t *b = vj_get(s, paths[i]);
        cr_assert(is_hit(b), "%s: second GET is not a hit", paths[i]);
        check_same_answer(before[i], b, paths[i]);
        vj_resp_free(b);
    }
    json_t *j = vj_json(before[0]);
    cr_assert_eq(vj_jint(j, "total"), 5);
    json_decref(j);

    drop_article(dir, "001_58805106130a1a09.txt");
    sighup_and_wait(s);

    /* the list: the change, not a hit, another ETag */
    vj_resp_t *r = vj_get(s, paths[0]);
    cr_expect_eq(r->status, 200);
    cr_expect(!is_hit(r), "documents after the reload is a hit");
    j = vj_json(r);
    cr_expect_eq(vj_jint(j, "total"), 4, "total %lld after dropping one of 5",
                 vj_jint(j, "total"));
    json_decref(j);
    cr_expect_str_neq(hdr(r, "ETag"), hdr(before[0], "ETag"),
                      "same ETag after the reload");
    vj_resp_free(r);
    /* the dropped document: a 404 now, never the cached 200 */
    r = vj_get(s, DOC1);
    cr_expect_eq(r->status, 404, "%s after its removal: %ld (hit %d)", DOC1,
                 r->status, is_hit(r));
    vj_resp_free(r);
    /* search: it matched in the dropped document */
    r = vj_get(s, paths[2]);
    cr_expect_eq(r->status, 200);
    cr_expect(!is_hit(r), "search after the reload is a hit");
    j = vj_json(r);
    cr_expect_eq(vj_jint(j, "total"), 1, "ha noi total %lld after the reload",
                 vj_jint(j, "total"));
    cr_expect(json_object_get(
                  json_object_get(json_object_get(j, "facets"), "document"),
                  "001_58805106130a1a09") == NULL,
              "the dropped document in the facets");
    json_decref(j);
    vj_resp_free(r);
    for (size_t i = 3; i < NELEM(paths); i++) {
        r = vj_get(s, paths[i]);
        cr_expect_eq(r->status, 200);
        cr_expect(!is_hit(r), "%s after the reload is a hit", paths[i]);
        cr_expect(!same_body(r, before[i]), "%s: same body after the reload",
                  paths[i]);
        /* and the new answer is cached in turn */
        vj_resp_t *again = vj_get(s, paths[i]);
        cr_expect(is_hit(again), "%s: not cached again after the reload",
                  paths[i]);
        check_same_answer(r, again, paths[i]);
        vj_resp_free(again);
        vj_resp_free(r);
    }
    for (size_t i = 0; i < NELEM(paths); i++)
        vj_resp_free(before[i]);
    vj_server_stop(s);
    remove_corpus(dir);
}

Test(cache_reload, reload_without_change_keeps_answers) {
    char *dir = copy_corpus();
    vj_server_t *s = vj_server_start(dir, NULL);
    const char *p = "/api/v1/search?q=nhat+ban&limit=5";
    vj_resp_t *a = vj_get(s, p);
    vj_resp_t *b = vj_get(s, p);
    cr_assert(is_hit(b));
    sighup_and_wait(s);
    vj_resp_t *c = vj_get(s, p);
    cr_expect(!is_hit(c), "a hit after the reload");
    cr_expect(same_body(a, c), "same corpus, different body after a reload");
    cr_expect_str_eq(hdr(a, "ETag"), hdr(c, "ETag"));
    vj_resp_free(c);
    c = vj_get(s, p);
    cr_expect(is_hit(c), "not cached again after the reload");
    check_same_answer(a, c, p);
    vj_resp_free(a);
    vj_resp_free(b);
    vj_resp_free(c);
    vj_server_stop(s);
    remove_corpus(dir);
}

/* --- Concurrent searches ------------------------------------------------ */

typedef struct {
    CURL *h;
    const char *path;
    char *body;
    size_t len, cap;
    long status;
    CURLcode result;
    int hit;
    int done;
} job_t;

static size_t job_body(char *p, size_t size, size_t n, void *ud) {
    job_t *j = ud;
    size_t len = size * n;
    if (j->len + len + 1 > j->cap) {
        j->cap = (j->len + len + 1) * 2;
        j->body = realloc(j->body, j->cap);
    }
    memcpy(j->body + j->len, p, len);
    j->len += len;
    j->body[j->len] = '\0';
    return len;
}

static size_t job_header(char *p, size_t size, size_t n, void *ud) {
    job_t *j = ud;
    size_t len = size * n;
    if (len > 14 && strncasecmp(p, "Server-Timing:", 14) == 0 &&
        memmem(p, len, HIT, strlen(HIT)))
        j->hit = 1;
    return len;
}

/* Requests on their own connections at once, driven by curl multi. */
typedef struct {
    CURLM *m;
    size_t added, done;
} batch_t;

static void batch_add(batch_t *b, job_t *j, unsigned port) {
    j->h = curl_easy_init();
    char *url = vj_fmt("http://127.0.0.1:%u%s", port, j->path);
    curl_easy_setopt(j->h, CURLOPT_URL, url);
    curl_easy_setopt(j->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(j->h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(j->h, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(j->h, CURLOPT_WRITEFUNCTION, job_body);
    curl_easy_setopt(j->h, CURLOPT_WRITEDATA, j);
    curl_easy_setopt(j->h, CURLOPT_HEADERFUNCTION, job_header);
    curl_easy_setopt(j->h, CURLOPT_HEADERDATA, j);
    curl_easy_setopt(j->h, CURLOPT_PRIVATE, j);
    free(url);
    if (b->m == NULL) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        b->m = curl_multi_init();
    }
    curl_multi_add_handle(b->m, j->h);
    b->added++;
}

/* Drives the batch until every request is done or seconds have passed;
 * returns how many are still out. */
static size_t batch_run(batch_t *b, double seconds) {
    double end = vj_now() + seconds;
    int running = 1;
    while (b->done < b->added) {
        CURLMcode mc = curl_multi_perform(b->m, &running);
        cr_assert_eq(mc, CURLM_OK, "curl_multi_perform: %s",
                     curl_multi_strerror(mc));
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(b->m, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            job_t *j;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
            j->result = msg->data.result;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE,
                              &j->status);
            curl_multi_remove_handle(b->m, j->h);
            curl_easy_cleanup(j->h);
            j->h = NULL;
            j->done = 1;
            b->done++;
        }
        if (b->done >= b->added || vj_now() > end)
            break;
        curl_multi_poll(b->m, NULL, 0, 50, NULL);
    }
    return b->added - b->done;
}

static void batch_end(batch_t *b) {
    if (b->m)
        curl_multi_cleanup(b->m);
    b->m = NULL;
}

static void job_free(job_t *j) {
    if (j->h)
        curl_easy_cleanup(j->h);
    free(j->body);
    memset(j, 0, sizeof *j);
}

/* Runs jobs[0..n) at once (one connection each) and health after the first
 * turn, which must answer 200 while the searches are out. */
static void run_at_once(const vj_server_t *s, job_t *jobs, size_t n) {
    batch_t b = {0};
    for (size_t i = 0; i < n; i++)
        batch_add(&b, &jobs[i], s->port);
    int running;
    curl_multi_perform(b.m, &running);
    job_t health = {.path = "/api/v1/health"};
    batch_add(&b, &health, s->port);
    size_t out = batch_run(&b, 120);
    cr_expect_eq(out, 0, "%zu of %zu requests did not finish", out, n + 1);
    for (size_t i = 0; i < n; i++)
        cr_expect_eq(jobs[i].result, CURLE_OK, "%s: %s", jobs[i].path,
                     curl_easy_strerror(jobs[i].result));
    cr_expect_eq(health.status, 200, "health answered %ld during the searches",
                 health.status);
    job_free(&health);
    batch_end(&b);
}

static const char *const words[] = {"viet+nam",  "nhat+ban", "hop+tac",
                                    "thu+tuong", "kinh+te",  "dau+tu",
                                    "dai+su",    "cong+nghe"};

enum { JOBS = 64 };

static void concurrent_searches(vj_server_t *s, int cached) {
    job_t jobs[JOBS];
    memset(jobs, 0, sizeof jobs);
    char *paths[JOBS];
    for (size_t i = 0; i < JOBS; i++)
        jobs[i].path = paths[i] =
            vj_fmt("/api/v1/search?q=%s&limit=5&offset=%zu",
                   words[i % NELEM(words)], 5 * (i / NELEM(words)));
    run_at_once(s, jobs, JOBS);
    for (size_t i = 0; i < JOBS; i++) {
        job_t *j = &jobs[i];
        cr_expect_eq(j->status, 200, "%s: %ld", j->path, j->status);
        cr_expect(!j->hit, "%s: a hit on the first round", j->path);
        /* sequentially, under another spelling (a fresh computation) */
        const char *q = strchr(j->path, '?') + 1;
        const char *amp = strchr(q, '&');
        char *other =
            vj_fmt("/api/v1/search?%s&%.*s", amp + 1, (int)(amp - q), q);
        vj_resp_t *r = vj_get(s, other);
        cr_expect_eq(r->status, 200);
        cr_expect(!is_hit(r), "%s: a hit on its first request", other);
        cr_expect(
            r->body_len == j->len && memcmp(r->body, j->body, j->len) == 0,
            "%s: concurrent body differs from the sequential one", j->path);
        json_t *a = vj_json(r);
        json_error_t err;
        json_t *b = json_loadb(j->body ? j->body : "", j->len, 0, &err);
        cr_assert(b, "%s: not JSON: %s", j->path, err.text);
        cr_expect_eq(vj_jint(b, "total"), vj_jint(a, "total"), "%s: total",
                     j->path);
        json_decref(a);
        json_decref(b);
        vj_resp_free(r);
        free(other);
    }
    /* the same targets at once again: hits when cached, same bodies */
    job_t again[JOBS];
    memset(again, 0, sizeof again);
    for (size_t i = 0; i < JOBS; i++)
        again[i].path = jobs[i].path;
    run_at_once(s, again, JOBS);
    for (size_t i = 0; i < JOBS; i++) {
        cr_expect_eq(again[i].status, 200);
        cr_expect_eq(again[i].hit, cached, "%s: hit %d on the second round",
                     again[i].path, again[i].hit);
        cr_expect(again[i].len == jobs[i].len &&
                      memcmp(again[i].body, jobs[i].body, jobs[i].len) == 0,
                  "%s: second round body differs", again[i].path);
        free(again[i].body);
    }
    for (size_t i = 0; i < JOBS; i++) {
        free(paths[i]);
        free(jobs[i].body);
    }
    vj_assert_healthy(s);
}

Test(cache_concurrency, searches_at_once) {
    static const char *const args[] = {"--max-connections-per-ip", "1000",
                                       NULL};
    vj_server_t *s = vj_server_start(VJ_CORPUS, args);
    concurrent_searches(s, 1);
    vj_server_stop(s);
}

Test(cache_concurrency, searches_at_once_without_cache) {
    static const char *const args[] = {"--max-connections-per-ip", "1000",
                                       "--cache-mb", "0", NULL};
    vj_server_t *s = vj_server_start(VJ_CORPUS, args);
    concurrent_searches(s, 0);
    vj_server_stop(s);
}

Test(cache_concurrency, one_target_at_once) {
    /* 64 misses of the same target racing to fill one entry */
    static const char *const args[] = {"--max-connections-per-ip", "1000",
                                       NULL};
    vj_server_t *s = vj_server_start(VJ_CORPUS, args);
    job_t jobs[JOBS];
    memset(jobs, 0, sizeof jobs);
    for (size_t i = 0; i < JOBS; i++)
        jobs[i].path = "/api/v1/search?q=viet+nam&limit=50";
    run_at_once(s, jobs, JOBS);
    vj_resp_t *r = vj_get(s, jobs[0].path);
    cr_expect(is_hit(r), "not cached after 64 racing misses");
    for (size_t i = 0; i < JOBS; i++) {
        cr_expect_eq(jobs[i].status, 200);
        cr_expect(jobs[i].len == r->body_len &&
                      memcmp(jobs[i].body, r->body, r->body_len) == 0,
                  "racing answer %zu differs", i);
        free(jobs[i].body);
    }
    vj_resp_free(r);
    vj_assert_healthy(s);
    vj_server_stop(s);
}

/* --- The document facet on a corpus of many documents ------------------- */

enum { MANY = 130 };

/* Matching paragraphs of document i. */
static int many_count(int i) {
    return 1 + (i * 37) % 11;
}

static char *many_corpus(void) {
    char tmpl[] = "/tmp/vjfacet-XXXXXX";
    cr_assert(mkdtemp(tmpl), "mkdtemp: %s", strerror(errno));
    json_t *docs = json_array();
    for (int i = 0; i < MANY; i++) {
        char *name = vj_fmt("d%03d.txt", i);
        char *title = vj_fmt("Bài số %d về quan hệ hai nước", i);
        char *text = vj_fmt("%s\n\n", title);
        for (int k = 0; k < many_count(i); k++) {
            char *t = vj_fmt("%sĐoạn %d: hai bên nhất trí thúc đẩy hợp tác "
                             "kinh tế trong năm tới.\n\n",
                             text, k + 1);
            free(text);
            text = t;
        }
        char *t = vj_fmt("%sHai bên cũng bàn về giáo dục và văn hoá.\n", text);
        free(text);
        text = t;
        char *path = vj_fmt("%s/%s", tmpl, name);
        spit(path, text, strlen(text));
        char *pub = vj_fmt("%d-06-01", 2015 + i % 7);
        json_array_append_new(docs,
                              json_pack("{s:s, s:s, s:s, s:n, s:s}", "file",
                                        name, "title", title, "published", pub,
                                        "source", "language", "vi"));
        free(pub);
        free(path);
        free(text);
        free(title);
        free(name);
    }
    json_t *m = json_pack("{s:o}", "documents", docs);
    char *mp = vj_fmt("%s/manifest.json", tmpl);
    cr_assert_eq(json_dump_file(m, mp, JSON_INDENT(2)), 0);
    free(mp);
    json_decref(m);
    return strdup(tmpl);
}

static void many_remove(char *dir) {
    for (int i = 0; i < MANY; i++) {
        char *p = vj_fmt("%s/d%03d.txt", dir, i);
        unlink(p);
        free(p);
    }
    char *p = vj_fmt("%s/manifest.json", dir);
    unlink(p);
    free(p);
    rmdir(dir);
    free(dir);
}

typedef struct {
    int doc, count;
} dc_t;

static int dc_cmp(const void *a, const void *b) {
    const dc_t *x = a, *y = b;
    if (x->count != y->count)
        return y->count - x->count;
    return x->doc - y->doc;
}

Test(cache_facets, document_facet_keeps_the_top_100) {
    char *dir = many_corpus();
    vj_server_t *s = vj_server_start(dir, NULL);
    json_t *h = vj_get_json(s, "/api/v1/health");
    cr_assert_eq(vj_jint(h, "documents"), MANY, "documents: %lld",
                 vj_jint(h, "documents"));
    json_decref(h);

    dc_t want[MANY];
    long long sum_all = 0;
    for (int i = 0; i < MANY; i++) {
        want[i] = (dc_t){i, many_count(i)};
        sum_all += want[i].count;
    }
    qsort(want, MANY, sizeof *want, dc_cmp);

    const char *p = "/api/v1/search?q=kinh+te&limit=3";
    vj_resp_t *a = vj_get(s, p);
    vj_resp_t *b = vj_get(s, p);
    cr_expect(is_hit(b), "second search is not a hit");
    check_same_answer(a, b, p);
    json_t *j = vj_json(a);
    long long total = vj_jint(j, "total");
    cr_expect_eq(total, sum_all, "total %lld, %lld matching paragraphs", total,
                 sum_all);
    json_t *f = json_object_get(j, "facets");
    json_t *docs = json_object_get(f, "document");
    cr_expect_eq(json_object_size(docs), 100, "%zu documents in the facet",
                 json_object_size(docs));
    size_t i = 0;
    const char *k;
    json_t *v;
    json_object_foreach(docs, k, v) {
        if (i >= MANY)
            break;
        char id[16];
        snprintf(id, sizeof id, "d%03d", want[i].doc);
        cr_expect_str_eq(k, id, "facet entry %zu is %s, want %s", i, k, id);
        cr_expect_eq(json_integer_value(v), want[i].count,
                     "facet %s: %lld, want %d", k,
                     (long long)json_integer_value(v), want[i].count);
        i++;
    }
    /* years: all of them, adding up to the total */
    json_t *years = json_object_get(f, "year");
    cr_expect_eq(json_object_size(years), 7, "%zu years",
                 json_object_size(years));
    long long ysum = 0;
    json_object_foreach(years, k, v) {
        long long want_y = 0;
        for (int d = 0; d < MANY; d++)
            if (2015 + d % 7 == atoi(k))
                want_y += many_count(d);
        cr_expect_eq(json_integer_value(v), want_y, "year %s: %lld, want %lld",
                     k, (long long)json_integer_value(v), want_y);
        ysum += json_integer_value(v);
    }
    cr_expect_eq(ysum, total, "year facet sums to %lld, total %lld", ysum,
                 total);
    json_decref(j);
    vj_resp_free(a);
    vj_resp_free(b);

    /* filtered to one document: the facet has just it */
    j = vj_get_json(s, "/api/v1/search?q=kinh+te&document=d007");
    docs = json_object_get(json_object_get(j, "facets"), "document");
    cr_expect_eq(json_object_size(docs), 1);
    cr_expect_eq(json_integer_value(json_object_get(docs, "d007")),
                 many_count(7));
    cr_expect_eq(vj_jint(j, "total"), many_count(7));
    json_decref(j);
    vj_server_stop(s);
    many_remove(dir);
}

/* --- Searches held behind a slow reload --------------------------------- */

/* With one pool thread and a slow build (VJCORPUS_DEBUG_LOAD_DELAY_MS), a
 * SIGHUP keeps the pool busy for the delay: searches sent then are parsed
 * on the loop, suspended and queued behind the build, so they are surely in
 * flight when the test acts. */
#define HOLD_MS "1500"

static vj_server_t *start_held(const char *corpus, const char *drain) {
    static const char *const env[] = {
        "UV_THREADPOOL_SIZE=1", "VJCORPUS_DEBUG_LOAD_DELAY_MS=" HOLD_MS, NULL};
    const char *args[] = {"--drain-timeout", drain, NULL};
    vj_server_opts_t o = {.corpus_dir = corpus, .env = env, .args = args};
    return vj_server_start_opts(&o);
}

enum { HELD = 8 };

/* SIGHUP, then HELD searches sent and left waiting behind the build. */
static void hold_searches(vj_server_t *s, batch_t *b, job_t *jobs,
                          char **paths) {
    cr_assert_eq(kill(s->pid, SIGHUP), 0);
    cr_assert(vj_server_log_wait(s, "SIGHUP, reloading", 10), "no SIGHUP line");
    for (size_t i = 0; i < HELD; i++) {
        jobs[i].path = paths[i] =
            vj_fmt("/api/v1/search?q=ha+noi&limit=%zu", i + 1);
        batch_add(b, &jobs[i], s->port);
    }
    /* the requests go out; the loop parses them at once (it is idle), the
     * pool stays busy with the build for HOLD_MS */
    size_t out = batch_run(b, 0.4);
    cr_assert_eq(out, HELD, "%zu searches answered before the build ended",
                 HELD - out);
}

static void free_held(job_t *jobs, char **paths) {
    for (size_t i = 0; i < HELD; i++) {
        job_free(&jobs[i]);
        free(paths[i]);
    }
}

Test(cache_inflight, loop_answers_while_searches_wait) {
    vj_server_t *s = start_held(VJ_CORPUS, "10");
    vj_resp_t *a = vj_get(s, "/api/v1/documents");
    batch_t b = {0};
    job_t jobs[HELD] = {0};
    char *paths[HELD];
    hold_searches(s, &b, jobs, paths);
    /* the loop is free: health and a cached answer come at once */
    vj_resp_t *h = vj_get(s, "/api/v1/health");
    cr_expect_eq(h->status, 200, "health while searches wait: %ld", h->status);
    vj_resp_free(h);
    vj_resp_t *c = vj_get(s, "/api/v1/documents");
    cr_expect(is_hit(c), "documents while searches wait is not a hit");
    check_same_answer(a, c, "/api/v1/documents");
    vj_resp_free(c);
    vj_resp_free(a);
    size_t out = batch_run(&b, 60);
    cr_expect_eq(out, 0, "%zu searches never answered", out);
    for (size_t i = 0; i < HELD; i++) {
        cr_expect_eq(jobs[i].status, 200, "%s: %ld (%s)", jobs[i].path,
                     jobs[i].status, curl_easy_strerror(jobs[i].result));
        json_error_t err;
        json_t *j =
            json_loadb(jobs[i].body ? jobs[i].body : "", jobs[i].len, 0, &err);
        cr_assert(j, "%s: not JSON", jobs[i].path);
        cr_expect_eq(vj_jint(j, "total"), 3);
        json_decref(j);
    }
    free_held(jobs, paths);
    batch_end(&b);
    vj_assert_healthy(s);
    vj_server_stop(s);
}

Test(cache_inflight, drain_waits_for_held_searches) {
    vj_server_t *s = start_held(VJ_CORPUS, "30");
    batch_t b = {0};
    job_t jobs[HELD] = {0};
    char *paths[HELD];
    hold_searches(s, &b, jobs, paths);
    cr_assert_eq(kill(s->pid, SIGTERM), 0);
    size_t out = batch_run(&b, 60);
    cr_expect_eq(out, 0, "%zu searches never answered", out);
    for (size_t i = 0; i < HELD; i++)
        cr_expect_eq(jobs[i].status, 200, "%s during the drain: %ld (%s)",
                     jobs[i].path, jobs[i].status,
                     curl_easy_strerror(jobs[i].result));
    free_held(jobs, paths);
    batch_end(&b);
    cr_assert(vj_server_wait_exit(s, 30), "no exit after the drain");
    char *log = vj_server_log(s);
    const char *tail = strstr(log, "SIGHUP, reloading");
    cr_expect(strstr(log, "draining 8 requests"), "log: %s", tail ? tail : log);
    free(log);
    vj_server_stop(s); /* exited already: checks the status 0 */
}

/* What a stop that cannot wait must do with suspended searches: exit with
 * status 0 like any stop, not abort. */
static void stop_with_held_searches(const char *drain, int second_signal) {
    vj_server_t *s = start_held(VJ_CORPUS, drain);
    batch_t b = {0};
    job_t jobs[HELD] = {0};
    char *paths[HELD];
    hold_searches(s, &b, jobs, paths);
    cr_assert_eq(kill(s->pid, SIGTERM), 0);
    if (second_signal) {
        cr_assert(vj_server_log_wait(s, "draining", 10), "no drain line");
        cr_assert_eq(kill(s->pid, SIGTERM), 0);
    }
    /* the clients get whatever they get; the server must not crash */
    batch_run(&b, 30);
    free_held(jobs, paths);
    batch_end(&b);
    int exited = vj_server_wait_exit(s, 30);
    char *log = vj_server_log(s);
    int st = s->status;
    vj_server_kill(s);
    /* the end of the log is what matters (not the 503s while loading) */
    const char *tail = strstr(log, "SIGHUP, reloading");
    tail = tail ? tail : log;
    cr_assert(exited, "no exit: %s", tail);
    cr_expect(!WIFSIGNALED(st),
              "killed by signal %d with searches in flight:"
              "\n%s",
              WIFSIGNALED(st) ? WTERMSIG(st) : 0, tail);
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0,
              "exit status 0x%x with searches in flight", st);
    cr_expect(!strstr(log, "Fatal error"), "libmicrohttpd panicked");
    free(log);
}

Test(cache_inflight, drain_timeout_with_held_searches) {
    stop_with_held_searches("0", 0);
}

Test(cache_inflight, second_signal_with_held_searches) {
    stop_with_held_searches("30", 1);
}

Test(cache_inflight, reload_during_search_keeps_nothing_stale) {
    char *dir = copy_corpus();
    vj_server_t *s = start_held(dir, "10");
    drop_article(dir, "001_58805106130a1a09.txt");
    batch_t b = {0};
    job_t jobs[HELD] = {0};
    char *paths[HELD];
    hold_searches(s, &b, jobs, paths);
    size_t out = batch_run(&b, 60);
    cr_expect_eq(out, 0, "%zu searches never answered", out);
    cr_assert(vj_server_log_wait(s, "reloaded", 30), "no reload");
    for (size_t i = 0; i < HELD; i++) {
        /* asked before the new snapshot was published: the old answer */
        cr_expect_eq(jobs[i].status, 200, "%s: %ld", jobs[i].path,
                     jobs[i].status);
        json_error_t err;
        json_t *j =
            json_loadb(jobs[i].body ? jobs[i].body : "", jobs[i].len, 0, &err);
        cr_assert(j, "%s: not JSON", jobs[i].path);
        cr_expect_eq(vj_jint(j, "total"), 3, "%s: total %lld", jobs[i].path,
                     vj_jint(j, "total"));
        json_decref(j);
        /* but that answer was not kept for the new snapshot */
        vj_resp_t *r = vj_get(s, jobs[i].path);
        cr_expect_eq(r->status, 200);
        cr_expect(!is_hit(r), "%s: the answer of the old snapshot was kept",
                  jobs[i].path);
        j = vj_json(r);
        cr_expect_eq(vj_jint(j, "total"), 1, "%s after the reload: total %lld",
                     jobs[i].path, vj_jint(j, "total"));
        json_decref(j);
        vj_resp_free(r);
    }
    free_held(jobs, paths);
    batch_end(&b);
    vj_server_stop(s);
    remove_corpus(dir);
}
