/* test_api_search.c - GET /api/v1/search and /api/v1/suggest against the
 * real server on data/corpus: the sample queries of the gold file, every
 * query form, highlights that slice the document text to the hit, facets
 * that add up to the total, filters, paging, stable bodies with the time
 * in Server-Timing, suggestions, and a 400 naming the parameter for every
 * bad input. */
#include "harness.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static vj_server_t *srv;

static void start(void) {
    srv = vj_server_start(VJ_CORPUS, NULL);
}

static void stop(void) {
    vj_server_stop(srv);
    srv = NULL;
}

TestSuite(search, .init = start, .fini = stop, .timeout = 120);

/* Percent-encodes every byte but the unreserved ones. */
static char *enc(const char *s) {
    size_t n = strlen(s);
    char *o = malloc(3 * n + 1), *p = o;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
            c == '~')
            *p++ = (char)c;
        else
            p += sprintf(p, "%%%02X", c);
    }
    *p = '\0';
    return o;
}

/* GET /api/v1/search?q=<q>&<extra>. */
static json_t *search(const char *q, const char *extra) {
    char *e = enc(q);
    char *path = vj_fmt("/api/v1/search?q=%s%s%s", e, extra ? "&" : "",
                        extra ? extra : "");
    json_t *j = vj_get_json(srv, path);
    free(path);
    free(e);
    return j;
}

static long long total(const json_t *j) {
    return json_integer_value(json_object_get(j, "total"));
}

static const char *item_doc(const json_t *j, size_t i) {
    json_t *it = json_array_get(json_object_get(j, "items"), i);
    return json_string_value(json_object_get(it, "document_id"));
}

/* Is a document whose id starts with prefix among the first n items? */
static int has_doc(const json_t *j, const char *prefix, size_t n) {
    json_t *items = json_object_get(j, "items");
    for (size_t i = 0; i < json_array_size(items) && i < n; i++)
        if (strncmp(item_doc(j, i), prefix, strlen(prefix)) == 0)
            return 1;
    return 0;
}

static char *fold(const char *s, size_t n) {
    utf8proc_uint8_t *out = NULL;
    utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &out,
                 UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD);
    /* đ -> d */
    char *r = (char *)out, *w = r;
    for (char *p = r; *p;) {
        if ((unsigned char)p[0] == 0xC4 && (unsigned char)p[1] == 0x91) {
            *w++ = 'd';
            p += 2;
        } else {
            *w++ = *p++;
        }
    }
    *w = '\0';
    return r;
}

/* --- The gold sample -------------------------------------------------- */

Test(search, sample_ha_noi) {
    json_t *j = search("ha noi", "limit=10");
    cr_assert_gt(total(j), 0);
    cr_assert(has_doc(j, "000", 10) && has_doc(j, "001", 10));
    json_t *items = json_object_get(j, "items"), *it;
    size_t i;
    int seen = 0;
    json_array_foreach(items, i, it) {
        const char *s = json_string_value(json_object_get(it, "snippet"));
        seen |= strstr(s, "<mark>Hà</mark> <mark>Nội</mark>") != NULL;
    }
    cr_assert(seen, "no snippet holds Hà Nội");
    cr_assert_str_eq(json_string_value(json_object_get(j, "query")), "ha noi");
    json_decref(j);
}

Test(search, sample_suzunami_dien_gio_xyzzy) {
    json_t *j = search("Suzunami", "limit=10");
    cr_assert_geq(total(j), 1);
    cr_assert(strncmp(item_doc(j, 0), "000", 3) == 0);
    json_decref(j);
    j = search("dien gio", "limit=10");
    cr_assert(has_doc(j, "000", 10) && has_doc(j, "001", 10));
    json_decref(j);
    j = search("xyzzyqq", NULL);
    cr_assert_eq(total(j), 0);
    cr_assert_eq(json_array_size(json_object_get(j, "items")), 0);
    json_decref(j);
}

/* --- Query forms ------------------------------------------------------ */

Test(search, folded_and_accented_forms_agree) {
    json_t *a = search("điện gió", NULL), *b = search("DIEN GIO", NULL);
    json_t *c = search("đie\xcc\xa3\xcc\x82n gio\xcc\x81", NULL); /* NFD */
    cr_assert_eq(total(a), total(b));
    cr_assert_eq(total(a), total(c));
    cr_assert_gt(total(a), 0);
    json_decref(a);
    json_decref(b);
    json_decref(c);
    /* both tone placements */
    a = search("hoà bình", NULL);
    b = search("hòa bình", NULL);
    cr_assert_eq(total(a), total(b));
    cr_assert_str_eq(item_doc(a, 0), item_doc(b, 0));
    json_decref(a);
    json_decref(b);
}

Test(search, phrase_exclusion_or_prefix) {
    json_t *all = search("dien gio", NULL);
    json_t *ph = search("\"dien gio\"", NULL);
    cr_assert_leq(total(ph), total(all));
    cr_assert_gt(total(ph), 0);
    json_t *ex = search("dien gio -\"Quang Tri\"", NULL);
    cr_assert_lt(total(ex), total(all));
    json_t *either = search("Suzunami OR Takaichi", NULL);
    json_t *s1 = search("Suzunami", NULL), *s2 = search("Takaichi", NULL);
    cr_assert_geq(total(either), total(s1));
    cr_assert_geq(total(either), total(s2));
    cr_assert_leq(total(either), total(s1) + total(s2));
    json_t *pre = search("Taka*", NULL);
    cr_assert_eq(total(pre), total(s2));
    json_t *typo = search("Takachi", NULL);
    cr_assert_eq(total(typo), total(s2));
    json_decref(all);
    json_decref(ph);
    json_decref(ex);
    json_decref(either);
    json_decref(s1);
    json_decref(s2);
    json_decref(pre);
    json_decref(typo);
}

Test(search, hyphenated_term_is_a_phrase) {
    json_t *j = search("LOTUSat-1", NULL);
    cr_assert_eq(total(j), 2);
    cr_assert(has_doc(j, "001", 2) && has_doc(j, "004", 2));
    json_decref(j);
}

Test(search, malformed_queries_are_read_leniently) {
    const char *qs[] = {"\"dien gio", "dien OR OR gio", "- dien",   "dien -",
                        "OR dien OR", "dien * gio",     "\"\" dien"};
    for (size_t i = 0; i < NELEM(qs); i++) {
        json_t *j = search(qs[i], NULL);
        cr_assert_gt(total(j), 0, "%s", qs[i]);
        json_decref(j);
    }
}

/* --- Results ---------------------------------------------------------- */

Test(search, highlights_slice_the_document_text) {
    const char *qs[] = {"ha noi", "Suzunami", "điện gió", "LOTUSat-1",
                        "Nhật Bản"};
    for (size_t q = 0; q < NELEM(qs); q++) {
        json_t *j = search(qs[q], "limit=20");
        json_t *items = json_object_get(j, "items"), *it;
        size_t i;
        json_array_foreach(items, i, it) {
            char *p =
                vj_fmt("/api/v1/documents/%s",
                       json_string_value(json_object_get(it, "document_id")));
            json_t *doc = vj_get_json(srv, p);
            free(p);
            const char *text = json_string_value(json_object_get(doc, "text"));
            json_t *para = json_array_get(
                json_object_get(doc, "paragraphs"),
                (size_t)json_integer_value(json_object_get(it, "paragraph")));
            long long ps = json_integer_value(json_object_get(para, "start"));
            long long pe = json_integer_value(json_object_get(para, "end"));
            json_t *hl = json_object_get(it, "highlights"), *h;
            size_t k;
            cr_assert_gt(json_array_size(hl), 0);
            json_array_foreach(hl, k, h) {
                long long s = json_integer_value(json_object_get(h, "start"));
                long long e = json_integer_value(json_object_get(h, "end"));
                long long cs =
                    json_integer_value(json_object_get(h, "char_start"));
                long long ce =
                    json_integer_value(json_object_get(h, "char_end"));
                cr_assert(s >= ps && e <= pe && s < e);
                cr_assert_eq((long long)vj_utf8_chars(text, (size_t)s), cs);
                cr_assert_eq(
                    (long long)vj_utf8_chars(text + s, (size_t)(e - s)),
                    ce - cs);
                /* the slice folds to a word of the query */
                char *slice = fold(text + s, (size_t)(e - s));
                char *fq = fold(qs[q], strlen(qs[q]));
                int ok = 0;
                for (char *w = strtok(fq, " -"); w && !ok;
                     w = strtok(NULL, " -"))
                    ok = strstr(slice, w) != NULL;
                cr_assert(ok, "highlight '%s' is not in query '%s'", slice,
                          qs[q]);
                free(slice);
                free(fq);
            }
            json_decref(doc);
        }
        json_decref(j);
    }
}

Test(search, facets_sum_to_total) {
    const char *qs[] = {"nam", "ha noi", "Nhật Bản", "dien gio", "xyzzyqq"};
    for (size_t q = 0; q < NELEM(qs); q++) {
        json_t *j = search(qs[q], NULL);
        json_t *f = json_object_get(j, "facets");
        const char *key;
        json_t *v;
        long long sd = 0, sy = 0;
        json_object_foreach(json_object_get(f, "document"), key, v) sd +=
            json_integer_value(v);
        json_object_foreach(json_object_get(f, "year"), key, v) sy +=
            json_integer_value(v);
        cr_assert_eq(sd, total(j), "%s", qs[q]);
        cr_assert_eq(sy, total(j), "%s", qs[q]);
        json_decref(j);
    }
}

Test(search, items_ordered_by_score_and_shaped) {
    json_t *j = search("nam", "limit=100");
    json_t *items = json_object_get(j, "items"), *it;
    size_t i;
    double prev = 1e300;
    json_array_foreach(items, i, it) {
        double s = json_number_value(json_object_get(it, "score"));
        cr_assert_leq(s, prev);
        prev = s;
        cr_assert(json_is_string(json_object_get(it, "document_title")));
        cr_assert(json_is_string(json_object_get(it, "published")) ||
                  json_is_null(json_object_get(it, "published")));
        cr_assert(json_is_integer(json_object_get(it, "paragraph")));
        const char *sn = json_string_value(json_object_get(it, "snippet"));
        cr_assert_not_null(strstr(sn, "<mark>"));
    }
    /* Nam (exact) outranks năm (folded): the first hit marks Nam */
    const char *s0 =
        json_string_value(json_object_get(json_array_get(items, 0), "snippet"));
    cr_assert_not_null(strstr(s0, "<mark>Nam</mark>"), "%s", s0);
    json_decref(j);
}

Test(search, filters_and_paging) {
    json_t *all = search("nam", "limit=5");
    json_t *one = search("nam", "document=004_5793ab1afd7dfe9c");
    json_t *f = json_object_get(json_object_get(all, "facets"), "document");
    cr_assert_eq(total(one), json_integer_value(
                                 json_object_get(f, "004_5793ab1afd7dfe9c")));
    json_t *y = search("nam", "from=2025-01-01&to=2025-12-31");
    cr_assert_eq(
        total(y),
        json_integer_value(json_object_get(
            json_object_get(json_object_get(all, "facets"), "year"), "2025")));
    json_t *p2 = search("nam", "limit=5&offset=5");
    cr_assert_eq(total(p2), total(all));
    cr_assert_eq(json_integer_value(json_object_get(p2, "offset")), 5);
    /* pages do not overlap */
    for (size_t i = 0; i < 5; i++)
        for (size_t k = 0; k < 5; k++) {
            json_t *a = json_array_get(json_object_get(all, "items"), i);
            json_t *b = json_array_get(json_object_get(p2, "items"), k);
            cr_assert(!(json_equal(json_object_get(a, "document_id"),
                                   json_object_get(b, "document_id")) &&
                        json_equal(json_object_get(a, "paragraph"),
                                   json_object_get(b, "paragraph"))));
        }
    json_t *far = search("nam", "offset=100000");
    cr_assert_eq(json_array_size(json_object_get(far, "items")), 0);
    json_decref(all);
    json_decref(one);
    json_decref(y);
    json_decref(p2);
    json_decref(far);
}

Test(search, timing_in_header_and_stable_bodies) {
    vj_resp_t *a = vj_get(srv, "/api/v1/search?q=ha+noi&limit=5");
    vj_resp_t *b = vj_get(srv, "/api/v1/search?q=ha+noi&limit=5");
    cr_assert_eq(a->status, 200);
    cr_assert_not_null(vj_header(a, "Server-Timing"));
    cr_assert_str_eq(a->body, b->body);
    cr_assert_str_eq(vj_header(a, "ETag"), vj_header(b, "ETag"));
    cr_assert_null(strstr(a->body, "took"));
    cr_assert_not_null(vj_header(a, "Link"));
    vj_resp_free(a);
    vj_resp_free(b);
}

/* --- Errors ------------------------------------------------------------ */

static void assert_400(const char *path, const char *param) {
    vj_resp_t *r = vj_get(srv, path);
    vj_assert_problem(r, 400, param);
    vj_resp_free(r);
}

Test(search, bad_input_is_400_naming_the_parameter) {
    assert_400("/api/v1/search", "q");
    assert_400("/api/v1/search?q=", "q");
    assert_400("/api/v1/search?q=%FF", "q");
    assert_400("/api/v1/search?q=a%C3", "q");
    assert_400("/api/v1/search?q=-dien", "q");
    assert_400("/api/v1/search?q=OR+OR", "q");
    assert_400("/api/v1/search?q=%22%22", "q");
    assert_400("/api/v1/search?q=*", "q");
    assert_400("/api/v1/search?q=+-+", "q");
    assert_400("/api/v1/search?q=dien&limit=0", "limit");
    assert_400("/api/v1/search?q=dien&limit=101", "limit");
    assert_400("/api/v1/search?q=dien&limit=x", "limit");
    assert_400("/api/v1/search?q=dien&offset=-1", "offset");
    assert_400("/api/v1/search?q=dien&document=nope", "document");
    assert_400("/api/v1/search?q=dien&from=2025-13", "from");
    assert_400("/api/v1/search?q=dien&from=2025&to=2024", "from");
    assert_400("/api/v1/search?q=dien&sort=x", "sort");
    char big[1100];
    memset(big, 'a', sizeof big);
    big[1001] = '\0';
    char *p = vj_fmt("/api/v1/search?q=%s", big);
    assert_400(p, "q");
    free(p);
    big[1000] = '\0'; /* 1000 bytes is fine */
    p = vj_fmt("/api/v1/search?q=%s", big);
    vj_resp_t *r = vj_get(srv, p);
    cr_assert_eq(r->status, 200);
    vj_resp_free(r);
    free(p);
    vj_assert_healthy(srv);
}

/* --- Suggest ----------------------------------------------------------- */

static json_t *suggest(const char *q) {
    char *e = enc(q);
    char *path = vj_fmt("/api/v1/suggest?q=%s", e);
    json_t *j = vj_get_json(srv, path);
    free(path);
    free(e);
    return j;
}

static const char *first_text(const json_t *j) {
    return json_string_value(json_object_get(
        json_array_get(json_object_get(j, "items"), 0), "text"));
}

Test(search, suggest_completes) {
    json_t *j = suggest("ha n");
    cr_assert_str_eq(first_text(j), "Hà Nội");
    cr_assert_str_eq(json_string_value(json_object_get(j, "query")), "ha n");
    json_decref(j);
    j = suggest("Taka");
    cr_assert_str_eq(first_text(j), "Takaichi");
    json_decref(j);
    j = suggest("viet n");
    cr_assert_str_eq(first_text(j), "Việt Nam");
    json_decref(j);
    j = suggest("vi");
    json_t *items = json_object_get(j, "items"), *it;
    size_t i;
    long long prev = 1LL << 60;
    cr_assert_gt(json_array_size(items), 1);
    json_array_foreach(items, i, it) {
        long long c = json_integer_value(json_object_get(it, "count"));
        cr_assert_leq(c, prev);
        prev = c;
    }
    json_decref(j);
    j = suggest("xyzzyqq");
    cr_assert_eq(json_array_size(json_object_get(j, "items")), 0);
    json_decref(j);
    j = vj_get_json(srv, "/api/v1/suggest?q=vi&limit=2");
    cr_assert_eq(json_array_size(json_object_get(j, "items")), 2);
    json_decref(j);
    assert_400("/api/v1/suggest", "q");
    assert_400("/api/v1/suggest?q=", "q");
    assert_400("/api/v1/suggest?q=vi&limit=0", "limit");
    assert_400("/api/v1/suggest?q=vi&offset=1", "offset");
}
