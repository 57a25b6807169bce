/* test_api_documents.c - /api/v1/documents and /api/v1/documents/{id}
 * against the real server on data/corpus: the list, its parameters and Link
 * paging, and every document's paragraphs, sentences and offsets. */
#include "harness.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static vj_server_t *srv;

static void start(void) {
    srv = vj_server_start(VJ_CORPUS, NULL);
}

static void stop(void) {
    vj_server_stop(srv);
    srv = NULL;
}

TestSuite(documents, .init = start, .fini = stop, .timeout = 120);

static const char *const published[5] = {"2025-11-28", "2025-05", "2025-11-25",
                                         "2023-11-26T13:54:00+07:00",
                                         "2023-11-27"};

/* The ids of a list answer, comma-joined (a new string). */
static char *ids_of(const json_t *list) {
    json_t *items = json_object_get(list, "items");
    cr_assert(json_is_array(items), "no items array");
    char *s = strdup("");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        char *n = vj_fmt("%s%s%s", s, i ? "," : "", vj_jstr(it, "id"));
        free(s);
        s = n;
    }
    return s;
}

static void expect_ids(const char *path, const char *expect) {
    json_t *j = vj_get_json(srv, path);
    char *ids = ids_of(j);
    cr_expect_str_eq(ids, expect, "%s: ids %s, expected %s", path, ids, expect);
    free(ids);
    json_decref(j);
}

#define I0 "000_9a418107b7a7cca5"
#define I1 "001_58805106130a1a09"
#define I2 "002_1e863f61e29da7dd"
#define I3 "003_53ad46796207618d"
#define I4 "004_5793ab1afd7dfe9c"

/* --- The list --------------------------------------------------------- */

Test(documents, list_default) {
    json_t *j = vj_get_json(srv, "/api/v1/documents");
    cr_expect_eq(vj_jint(j, "total"), 5);
    cr_expect_eq(vj_jint(j, "limit"), 20);
    cr_expect_eq(vj_jint(j, "offset"), 0);
    char *ids = ids_of(j);
    cr_expect_str_eq(ids, I0 "," I1 "," I2 "," I3 "," I4,
                     "default order by id: %s", ids);
    free(ids);
    json_decref(j);
}

Test(documents, list_items) {
    json_error_t err;
    json_t *man = json_load_file(VJ_CORPUS "/manifest.json", 0, &err);
    cr_assert(man, "manifest: %s", err.text);
    json_t *mdocs = json_object_get(man, "documents");
    json_t *j = vj_get_json(srv, "/api/v1/documents");
    json_t *items = json_object_get(j, "items");
    cr_assert_eq(json_array_size(items), 5);
    for (size_t i = 0; i < 5; i++) {
        json_t *it = json_array_get(items, i);
        json_t *m = json_array_get(mdocs, i);
        cr_expect_str_eq(vj_jstr(it, "id"), vj_ids[i]);
        cr_expect_str_eq(vj_jstr(it, "title"), vj_jstr(m, "title"),
                         "%s: title %s", vj_ids[i], vj_jstr(it, "title"));
        cr_expect_str_eq(vj_jstr(it, "published"), published[i],
                         "%s: published %s", vj_ids[i],
                         vj_jstr(it, "published") ? vj_jstr(it, "published")
                                                  : "(not a string)");
        cr_expect_str_eq(vj_jstr(it, "language"), "vi");
        json_t *src = json_object_get(it, "source");
        json_t *url = json_object_get(it, "url");
        cr_expect(json_is_string(src) || json_is_null(src),
                  "%s: source missing", vj_ids[i]);
        cr_expect(json_is_string(url) || json_is_null(url), "%s: url missing",
                  vj_ids[i]);
        cr_expect_gt(vj_jint(it, "words"), 50, "%s: words", vj_ids[i]);
        cr_expect_gt(vj_jint(it, "paragraph_count"), 0, "%s", vj_ids[i]);
        cr_expect(json_object_get(it, "text") == NULL,
                  "%s: the list carries the text", vj_ids[i]);
    }
    cr_expect_str_eq(vj_jstr(json_array_get(items, 3), "source"),
                     "Nhân Dân điện tử");
    json_decref(j);
    json_decref(man);
}

Test(documents, list_paging) {
    json_t *j = vj_get_json(srv, "/api/v1/documents?limit=2");
    cr_expect_eq(vj_jint(j, "total"), 5);
    cr_expect_eq(vj_jint(j, "limit"), 2);
    cr_expect_eq(vj_jint(j, "offset"), 0);
    json_decref(j);
    expect_ids("/api/v1/documents?limit=2", I0 "," I1);
    expect_ids("/api/v1/documents?limit=2&offset=2", I2 "," I3);
    expect_ids("/api/v1/documents?offset=4", I4);
    expect_ids("/api/v1/documents?limit=1&offset=3", I3);
    expect_ids("/api/v1/documents?limit=100", I0 "," I1 "," I2 "," I3 "," I4);
    expect_ids("/api/v1/documents?offset=5", "");
    j = vj_get_json(srv, "/api/v1/documents?offset=1000000&limit=100");
    cr_expect_eq(vj_jint(j, "total"), 5);
    cr_expect_eq(vj_jint(j, "offset"), 1000000);
    cr_expect_eq(json_array_size(json_object_get(j, "items")), 0);
    json_decref(j);
}

Test(documents, list_sorting) {
    expect_ids("/api/v1/documents?sort=id", I0 "," I1 "," I2 "," I3 "," I4);
    expect_ids("/api/v1/documents?sort=id&order=asc",
               I0 "," I1 "," I2 "," I3 "," I4);
    expect_ids("/api/v1/documents?sort=id&order=desc",
               I4 "," I3 "," I2 "," I1 "," I0);
    expect_ids("/api/v1/documents?order=desc", I4 "," I3 "," I2 "," I1 "," I0);
    expect_ids("/api/v1/documents?sort=published",
               I3 "," I4 "," I1 "," I2 "," I0);
    expect_ids("/api/v1/documents?sort=published&order=desc",
               I0 "," I2 "," I1 "," I4 "," I3);
    expect_ids("/api/v1/documents?sort=published&order=desc&limit=2&offset=1",
               I2 "," I1);
}

Test(documents, list_language) {
    json_t *j = vj_get_json(srv, "/api/v1/documents?language=vi");
    cr_expect_eq(vj_jint(j, "total"), 5);
    json_decref(j);
    j = vj_get_json(srv, "/api/v1/documents?language=ja");
    cr_expect_eq(vj_jint(j, "total"), 0);
    cr_expect_eq(json_array_size(json_object_get(j, "items")), 0);
    json_decref(j);
    j = vj_get_json(srv, "/api/v1/documents?language=eng");
    cr_expect_eq(vj_jint(j, "total"), 0);
    json_decref(j);
}

/* --- Link ------------------------------------------------------------- */

typedef struct {
    char rel[16];
    char *url;
} link_t;

/* Parses a Link header into up to 8 links; returns how many. */
static size_t parse_links(const char *h, link_t *out) {
    size_t n = 0;
    const char *p = h;
    while (p && *p && n < 8) {
        const char *lt = strchr(p, '<');
        if (!lt)
            break;
        const char *gt = strchr(lt, '>');
        cr_assert(gt, "Link: unclosed <: %s", h);
        out[n].url = strndup(lt + 1, (size_t)(gt - lt - 1));
        out[n].rel[0] = '\0';
        const char *next = strchr(gt, ',');
        const char *rel = strstr(gt, "rel=");
        if (rel && (!next || rel < next)) {
            rel += 4;
            if (*rel == '"')
                rel++;
            size_t k = strcspn(rel, "\";, ");
            if (k >= sizeof out[n].rel)
                k = sizeof out[n].rel - 1;
            memcpy(out[n].rel, rel, k);
            out[n].rel[k] = '\0';
        }
        n++;
        p = next ? next + 1 : NULL;
    }
    return n;
}

static const char *find_rel(link_t *l, size_t n, const char *rel) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(l[i].rel, rel) == 0)
            return l[i].url;
    return NULL;
}

/* The value of query parameter name in url, as a number; -1 if absent. */
static long url_param(const char *url, const char *name) {
    const char *q = strchr(url, '?');
    size_t nl = strlen(name);
    while (q) {
        q++;
        if (strncmp(q, name, nl) == 0 && q[nl] == '=')
            return strtol(q + nl + 1, NULL, 10);
        q = strchr(q, '&');
    }
    return -1;
}

/* The path and query of url (absolute or not). */
static const char *url_path(const char *url) {
    const char *p = strstr(url, "://");
    return p ? strchr(p + 3, '/') : url;
}

static void expect_links(const char *path, long first, long prev, long next,
                         long last, long limit) {
    vj_resp_t *r = vj_get(srv, path);
    cr_assert_eq(r->status, 200);
    const char *h = vj_header(r, "Link");
    cr_assert(h, "%s: no Link header", path);
    link_t l[8];
    size_t n = parse_links(h, l);
    const char *names[4] = {"first", "prev", "next", "last"};
    long want[4] = {first, prev, next, last};
    for (int k = 0; k < 4; k++) {
        const char *u = find_rel(l, n, names[k]);
        if (want[k] < 0) {
            cr_expect(u == NULL, "%s: unexpected rel=%s in %s", path, names[k],
                      h);
            continue;
        }
        cr_expect(u != NULL, "%s: no rel=%s in %s", path, names[k], h);
        if (!u)
            continue;
        const char *up = url_path(u);
        cr_expect(up && strncmp(up, "/api/v1/documents?", 18) == 0,
                  "%s: rel=%s URL %s", path, names[k], u);
        cr_expect_eq(url_param(u, "offset"), want[k], "%s: rel=%s %s", path,
                     names[k], u);
        cr_expect_eq(url_param(u, "limit"), limit, "%s: rel=%s %s", path,
                     names[k], u);
    }
    for (size_t i = 0; i < n; i++)
        free(l[i].url);
    vj_resp_free(r);
}

Test(documents, link_header_pages) {
    expect_links("/api/v1/documents?limit=2", 0, -1, 2, 4, 2);
    expect_links("/api/v1/documents?limit=2&offset=2", 0, 0, 4, 4, 2);
    expect_links("/api/v1/documents?offset=4&limit=2", 0, 2, -1, 4, 2);
    expect_links("/api/v1/documents?limit=1&offset=1", 0, 0, 2, 4, 1);
}

Test(documents, link_header_keeps_the_query) {
    const char *path = "/api/v1/documents?sort=published&order=desc&limit=2";
    vj_resp_t *r = vj_get(srv, path);
    const char *h = vj_header(r, "Link");
    cr_assert(h, "no Link header");
    link_t l[8];
    size_t n = parse_links(h, l);
    const char *next = find_rel(l, n, "next");
    cr_assert(next, "no rel=next in %s", h);
    cr_expect(strstr(next, "sort=published") && strstr(next, "order=desc"),
              "next %s lost sort/order", next);
    /* following it gives the next page */
    vj_resp_t *r2 = vj_get(srv, url_path(next));
    cr_assert_eq(r2->status, 200, "following %s: %ld", next, r2->status);
    json_t *j = vj_json(r2);
    char *ids = ids_of(j);
    cr_expect_str_eq(ids, I1 "," I4, "next page %s", ids);
    free(ids);
    json_decref(j);
    vj_resp_free(r2);
    for (size_t i = 0; i < n; i++)
        free(l[i].url);
    vj_resp_free(r);
}

/* --- One document ----------------------------------------------------- */

static json_t *get_doc(const char *id) {
    char *p = vj_fmt("/api/v1/documents/%s", id);
    json_t *j = vj_get_json(srv, p);
    free(p);
    return j;
}

Test(documents, detail_fields) {
    json_t *list = vj_get_json(srv, "/api/v1/documents");
    for (size_t i = 0; i < 5; i++) {
        json_t *d = get_doc(vj_ids[i]);
        json_t *li = json_array_get(json_object_get(list, "items"), i);
        /* the summary fields equal the list's */
        const char *k;
        json_t *v;
        json_object_foreach(li, k, v) {
            cr_expect(json_equal(v, json_object_get(d, k)),
                      "%s: \"%s\" differs from the list", vj_ids[i], k);
        }
        char *file = vj_fmt("%s.txt", vj_ids[i]);
        cr_expect_str_eq(vj_jstr(d, "file"), file);
        free(file);
        json_t *au = json_object_get(d, "author");
        cr_expect(json_is_string(au) || json_is_null(au), "%s: author",
                  vj_ids[i]);
        cr_expect(json_is_string(json_object_get(d, "text")), "%s: text",
                  vj_ids[i]);
        cr_expect(json_is_array(json_object_get(d, "paragraphs")));
        cr_expect(json_is_array(json_object_get(d, "captions")));
        cr_expect_eq(
            vj_jint(d, "paragraph_count"),
            (long long)json_array_size(json_object_get(d, "paragraphs")));
        json_decref(d);
    }
    json_decref(list);
}

static void check_span(const char *id, const char *what, const char *text,
                       size_t text_len, const json_t *o, long long *start,
                       long long *end) {
    long long s = vj_jint(o, "start"), e = vj_jint(o, "end");
    long long cs = vj_jint(o, "char_start"), ce = vj_jint(o, "char_end");
    cr_assert(s >= 0 && s < e && (size_t)e <= text_len,
              "%s %s: bad span [%lld,%lld) of %zu", id, what, s, e, text_len);
    cr_expect_eq((size_t)cs, vj_utf8_chars(text, (size_t)s),
                 "%s %s: char_start %lld, byte %lld", id, what, cs, s);
    cr_expect_eq((size_t)(ce - cs), vj_utf8_chars(text + s, (size_t)(e - s)),
                 "%s %s: char_end %lld", id, what, ce);
    /* spans fall on character boundaries */
    cr_expect(((unsigned char)text[s] & 0xC0) != 0x80,
              "%s %s: start inside a character", id, what);
    cr_expect((size_t)e == text_len || ((unsigned char)text[e] & 0xC0) != 0x80,
              "%s %s: end inside a character", id, what);
    *start = s;
    *end = e;
}

Test(documents, detail_offsets) {
    for (size_t i = 0; i < 5; i++) {
        const char *id = vj_ids[i];
        json_t *d = get_doc(id);
        const char *text = vj_jstr(d, "text");
        cr_assert(text, "%s: no text", id);
        size_t tl = json_string_length(json_object_get(d, "text"));
        json_t *paras = json_object_get(d, "paragraphs");
        cr_assert_gt(json_array_size(paras), 0, "%s: no paragraphs", id);
        size_t pi;
        json_t *p;
        long long prev_end = -2, sentences = 0;
        char *joined = strdup("");
        json_array_foreach(paras, pi, p) {
            cr_expect_eq(vj_jint(p, "index"), (long long)pi, "%s: index", id);
            char what[32];
            snprintf(what, sizeof what, "paragraph %zu", pi);
            long long s, e;
            check_span(id, what, text, tl, p, &s, &e);
            const char *pt = vj_jstr(p, "text");
            cr_assert(pt, "%s %s: no text", id, what);
            cr_expect((size_t)(e - s) == strlen(pt) &&
                          memcmp(text + s, pt, (size_t)(e - s)) == 0,
                      "%s %s: text[start:end] is not the paragraph text", id,
                      what);
            cr_expect_eq(s, prev_end + 2,
                         "%s %s: starts at %lld, previous ended at %lld", id,
                         what, s, prev_end);
            prev_end = e;
            char *n = vj_fmt("%s%s%s", joined, pi ? "\n\n" : "", pt);
            free(joined);
            joined = n;
            json_t *sents = json_object_get(p, "sentences");
            cr_assert(json_is_array(sents) && json_array_size(sents) > 0,
                      "%s %s: no sentences", id, what);
            size_t si;
            json_t *st;
            long long last = s;
            json_array_foreach(sents, si, st) {
                char sw[64];
                snprintf(sw, sizeof sw, "paragraph %zu sentence %zu", pi, si);
                long long ss, se;
                check_span(id, sw, text, tl, st, &ss, &se);
                cr_expect(ss >= last && se <= e,
                          "%s %s: [%lld,%lld) outside or out of order", id, sw,
                          ss, se);
                last = se;
                sentences++;
            }
        }
        cr_expect_eq((long long)json_array_size(paras),
                     vj_jint(d, "paragraph_count"));
        cr_expect_eq(sentences, vj_jint(d, "sentence_count"),
                     "%s: sentence_count %lld, %lld sentences", id,
                     vj_jint(d, "sentence_count"), sentences);
        cr_expect(strcmp(joined, text) == 0,
                  "%s: text is not the paragraphs joined by a blank line", id);
        free(joined);
        /* NFC */
        utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)text);
        cr_expect(nfc && strcmp((const char *)nfc, text) == 0,
                  "%s: text is not NFC", id);
        free(nfc);
        json_decref(d);
    }
}

Test(documents, detail_003_without_boilerplate) {
    json_t *d = get_doc(I3);
    const char *text = vj_jstr(d, "text");
    cr_assert(text);
    static const char *const gone[] = {"Ý kiến bạn đọc", "Cùng chuyên mục",
                                       "800 triệu Euro", "Thái Lan lạc quan",
                                       NULL};
    for (size_t i = 0; gone[i]; i++)
        cr_expect(strstr(text, gone[i]) == NULL, "003 text has \"%s\"",
                  gone[i]);
    cr_expect(strstr(text, "Nửa thế kỷ kể từ khi thiết lập") != NULL,
              "003 lost its first paragraph");
    cr_expect_str_eq(vj_jstr(d, "source"), "Nhân Dân điện tử");
    cr_expect_str_eq(vj_jstr(d, "published"), "2023-11-26T13:54:00+07:00");
    json_decref(d);
}

Test(documents, detail_000_caption) {
    json_t *d = get_doc(I0);
    json_t *caps = json_object_get(d, "captions");
    cr_assert(json_is_array(caps));
    int found = 0;
    size_t i;
    json_t *c;
    json_array_foreach(caps, i, c) {
        cr_expect(json_is_string(json_object_get(c, "text")), "caption text");
        json_t *cr = json_object_get(c, "credit");
        cr_expect(json_is_string(cr) || json_is_null(cr), "caption credit");
        json_t *ap = json_object_get(c, "after_paragraph");
        cr_expect(json_is_integer(ap) || json_is_null(ap),
                  "caption after_paragraph");
        if (json_is_string(cr) &&
            strcmp(json_string_value(cr), "Thành Đạt") == 0) {
            found = 1;
            const char *t = vj_jstr(c, "text");
            cr_expect(t && strstr(t, "Ito Naoki"), "caption text %s", t);
            cr_expect(t && !strstr(t, "Ảnh"), "caption keeps its credit: %s",
                      t);
        }
    }
    cr_expect(found, "000 has no caption credited Thành Đạt");
    const char *text = vj_jstr(d, "text");
    cr_expect(text && !strstr(text, "Ảnh: Thành Đạt"),
              "the caption is in the text");
    cr_expect(text && !strstr(text, "date 2025-11-28"),
              "the date marker is in the text");
    json_decref(d);
}

Test(documents, unknown_id_is_404) {
    static const char *const paths[] = {
        "/api/v1/documents/nope",
        "/api/v1/documents/" I0 ".txt",
        "/api/v1/documents/manifest",
        "/api/v1/documents/000_9a418107b7a7cca",
        "/api/v1/documents/000_9A418107B7A7CCA5",
        "/api/v1/documents/..%2Fcorpus%2F" I0,
        "/api/v1/documents/%2E%2E",
        "/api/v1/documents/" I0 "%00",
        NULL};
    for (size_t i = 0; paths[i]; i++) {
        vj_resp_t *r = vj_get(srv, paths[i]);
        cr_log_info("checking %s", paths[i]);
        if (r->status != 404)
            cr_log_info("%s answered %ld", paths[i], r->status);
        /* a NUL is a bad request or not found, both fine */
        if (strstr(paths[i], "%00") && r->status == 400)
            vj_assert_problem(r, 400, NULL);
        else
            vj_assert_problem(r, 404, NULL);
        vj_resp_free(r);
    }
    /* a trailing slash is not the document either */
    vj_resp_t *r = vj_get(srv, "/api/v1/documents/" I0 "/");
    cr_expect_eq(r->status, 404, "trailing slash: %ld", r->status);
    vj_resp_free(r);
    vj_assert_healthy(srv);
}

Test(documents, id_percent_encoded) {
    /* the id is percent-decoded like any path parameter */
    json_t *j =
        vj_get_json(srv, "/api/v1/documents/%30%30%30_9a418107b7a7cca5");
    cr_expect_str_eq(vj_jstr(j, "id"), I0);
    json_decref(j);
}
