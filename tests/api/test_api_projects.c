/* test_api_projects.c - /api/v1/projects and /api/v1/projects/{id} against
 * the real server on data/corpus: item fields and exact mention offsets,
 * the gold sample projects (tests/gold/sample.json, judged by the rule in
 * its "about"), HCMC Metro Line 1 as one item reported by two articles, the
 * 14 items of the pilot list of article 001, the filters and their 400s,
 * the detail and its events, timeline links to projects, and nothing from
 * the stripped tail of article 003. */
#include "harness.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define GOLD "tests/gold/sample.json"
#define P "/api/v1/projects"
#define DOC000 "000_9a418107b7a7cca5"
#define DOC001 "001_58805106130a1a09"
#define DOC003 "003_53ad46796207618d"

static vj_server_t *srv;

static void start(void) {
    srv = vj_server_start(VJ_CORPUS, NULL);
}

static void stop(void) {
    vj_server_stop(srv);
    srv = NULL;
}

TestSuite(projects, .init = start, .fini = stop, .timeout = 180);

/* --- Helpers ---------------------------------------------------------- */

/* All projects; fails when there are none. */
static json_t *all_projects(void) {
    json_t *all = vj_get_all(srv, P);
    cr_assert_gt(json_array_size(all), 0, "the corpus yields no projects");
    return all;
}

/* Folds as tests/gold/sample.json says: NFD, combining marks stripped,
 * đ -> d, lower case. A new string. */

static int folded_has(const char *hay, const char *needle) {
    if (hay == NULL)
        return 0;
    char *h = vj_fold(hay), *n = vj_fold(needle);
    int hit = strstr(h, n) != NULL;
    free(h);
    free(n);
    return hit;
}

/* s folded and reduced to its ASCII letters and digits, so that spaces,
 * hyphens and dashes do not count ("V1 – 2" = "V1-2"). A new string. */
static char *squash(const char *s) {
    char *f = vj_fold(s), *w = f;
    for (const char *r = f; *r; r++)
        if ((*r >= 'a' && *r <= 'z') || (*r >= '0' && *r <= '9'))
            *w++ = *r;
    *w = '\0';
    return f;
}

static int squashed_has(const char *hay, const char *needle) {
    if (hay == NULL)
        return 0;
    char *h = squash(hay), *n = squash(needle);
    int hit = *n && strstr(h, n) != NULL;
    free(h);
    free(n);
    return hit;
}

static int exact_has(const char *hay, const char *needle) {
    return hay && strstr(hay, needle) != NULL;
}

/* Does the project's name or one of its aliases satisfy has(text, kw)? */
static int named(const json_t *p, const char *kw,
                 int (*has)(const char *, const char *)) {
    if (has(vj_jstr(p, "name"), kw))
        return 1;
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(p, "aliases"), i, a) {
        if (has(json_string_value(a), kw))
            return 1;
    }
    return 0;
}

static const char *loc_name(const json_t *p) {
    json_t *l = json_object_get(p, "location");
    return json_is_object(l) ? vj_jstr(l, "name") : NULL;
}

static const char *loc_id(const json_t *p) {
    json_t *l = json_object_get(p, "location");
    return json_is_object(l) ? vj_jstr(l, "id") : NULL;
}

/* The name, the aliases, the location and the partners, for messages. A
 * new string. */
static char *describe(const json_t *p) {
    char *al = json_dumps(json_object_get(p, "aliases"), JSON_COMPACT);
    char *s = vj_fmt("%s \"%s\" aliases %s location %s status %s sector %s",
                     vj_jstr(p, "id"), vj_jstr(p, "name"), al ? al : "?",
                     loc_name(p) ? loc_name(p) : "null", vj_jstr(p, "status"),
                     vj_jstr(p, "sector"));
    free(al);
    return s;
}

static int has_mention_in(const json_t *p, const char *doc) {
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(p, "mentions"), i, m) {
        if (strcmp(vj_jstr(m, "document_id"), doc) == 0)
            return 1;
    }
    return 0;
}

static int has_mention_in_paragraph(const json_t *p, const char *doc,
                                    long long para) {
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(p, "mentions"), i, m) {
        if (strcmp(vj_jstr(m, "document_id"), doc) == 0 &&
            vj_jint(m, "paragraph") == para)
            return 1;
    }
    return 0;
}

static const json_t *find_id(const json_t *items, const char *id) {
    size_t i;
    json_t *p;
    json_array_foreach(items, i, p) {
        if (strcmp(vj_jstr(p, "id"), id) == 0)
            return p;
    }
    return NULL;
}

static int in_list(const char *v, const char *const *list) {
    for (size_t i = 0; v && list[i]; i++)
        if (strcmp(v, list[i]) == 0)
            return 1;
    return 0;
}

static const char *const sectors[] = {"transport", "energy",      "environment",
                                      "urban",     "education",   "health",
                                      "space",     "agriculture", "digital",
                                      "industry",  "other",       NULL};
static const char *const statuses[] = {
    "proposed", "planned", "under_construction", "completed", "operational",
    "unknown",  NULL};
static const char *const fundings[] = {"oda_loan", "grant",   "fdi", "jbic",
                                       "private",  "unknown", NULL};

/* The first day of an ISO date at any precision, as YYYY-MM-DD. */
static void first_day(const char *iso, char out[11]) {
    snprintf(out, 11, "%.4s-%.2s-%.2s", iso, strlen(iso) >= 7 ? iso + 5 : "01",
             strlen(iso) >= 10 ? iso + 8 : "01");
}

/* The documents' texts and titles, fetched once per worker. */

/* Is the quote a form of the project's name: part of the name or an alias,
 * or holding one (case, marks, spaces and dashes aside)? */
static int quote_names(const json_t *p, const char *quote) {
    if (named(p, quote, squashed_has))
        return 1;
    if (squashed_has(quote, vj_jstr(p, "name")))
        return 1;
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(p, "aliases"), i, a) {
        if (squashed_has(quote, json_string_value(a)))
            return 1;
    }
    return 0;
}

static int is_slug(const char *s) {
    if (!s || !*s || *s == '-')
        return 0;
    for (const char *c = s; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              (*c == '-' && c[1] && c[1] != '-')))
            return 0;
    }
    return 1;
}

/* --- Items ------------------------------------------------------------ */

static void check_ref(const char *what, const json_t *r, const char *type) {
    cr_assert(json_is_object(r), "%s: not an object", what);
    cr_expect(is_slug(vj_jstr(r, "id")), "%s: id %s", what, vj_jstr(r, "id"));
    cr_expect(vj_jstr(r, "name") && *vj_jstr(r, "name"), "%s: no name", what);
    cr_expect_str_eq(vj_jstr(r, "type"), type, "%s: type", what);
}

static void check_project(const json_t *p) {
    const char *id = vj_jstr(p, "id");
    cr_assert(is_slug(id), "project id \"%s\" is not a slug", id);
    cr_expect(vj_jstr(p, "name") && *vj_jstr(p, "name"), "%s: no name", id);
    cr_expect(json_is_array(json_object_get(p, "aliases")), "%s: aliases", id);
    cr_expect(in_list(vj_jstr(p, "sector"), sectors), "%s: sector %s", id,
              vj_jstr(p, "sector"));
    cr_expect(in_list(vj_jstr(p, "status"), statuses), "%s: status %s", id,
              vj_jstr(p, "status"));
    cr_expect(in_list(vj_jstr(p, "funding"), fundings), "%s: funding %s", id,
              vj_jstr(p, "funding"));
    json_t *loc = json_object_get(p, "location");
    cr_expect(json_is_null(loc) || json_is_object(loc), "%s: location", id);
    if (json_is_object(loc)) {
        char *w = vj_fmt("%s location", id);
        check_ref(w, loc, "place");
        free(w);
    }
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(p, "partners"), i, x) {
        char *w = vj_fmt("%s partner %zu", id, i);
        check_ref(w, x, "organization");
        free(w);
    }
    json_t *amount = json_object_get(p, "amount");
    cr_expect(json_is_null(amount) ||
                  (json_is_string(amount) && *json_string_value(amount)),
              "%s: amount", id);
    json_t *ms = json_object_get(p, "mentions");
    cr_assert(json_is_array(ms) && json_array_size(ms) > 0, "%s: no mentions",
              id);
    cr_expect_eq(vj_jint(p, "mention_count"), (long long)json_array_size(ms),
                 "%s: mention_count %lld, %zu mentions", id,
                 vj_jint(p, "mention_count"), json_array_size(ms));
    json_array_foreach(ms, i, x) {
        char *w = vj_fmt("project %s mention %zu", id, i);
        vj_check_span(srv, w, x);
        cr_expect(quote_names(p, vj_jstr(x, "quote")),
                  "%s: quote \"%s\" is not the name \"%s\" or an alias", w,
                  vj_jstr(x, "quote"), vj_jstr(p, "name"));
        free(w);
    }
    /* history: statuses, dated steps in date order, undated last */
    json_t *h = json_object_get(p, "history");
    cr_assert(json_is_array(h), "%s: no history", id);
    char prev[11] = "";
    int undated = 0, status_seen = 0;
    json_array_foreach(h, i, x) {
        char *w = vj_fmt("project %s history %zu", id, i);
        cr_expect(in_list(vj_jstr(x, "status"), statuses), "%s: status %s", w,
                  vj_jstr(x, "status"));
        status_seen |= vj_jstr(x, "status") &&
                       strcmp(vj_jstr(x, "status"), vj_jstr(p, "status")) == 0;
        json_t *d = json_object_get(x, "date");
        if (json_is_null(d)) {
            undated = 1;
        } else {
            cr_assert(json_is_object(d) && vj_jstr(d, "start"), "%s: date", w);
            char cur[11];
            first_day(vj_jstr(d, "start"), cur);
            cr_expect(!undated, "%s: dated step after an undated one", w);
            cr_expect(strcmp(prev, cur) <= 0, "%s: %s before %s", w, prev, cur);
            memcpy(prev, cur, sizeof prev);
        }
        vj_check_span(srv, w, json_object_get(x, "source"));
        free(w);
    }
    if (json_array_size(h) == 0)
        cr_expect_str_eq(vj_jstr(p, "status"), "unknown",
                         "%s: status %s with no history", id,
                         vj_jstr(p, "status"));
    else
        cr_expect(status_seen, "%s: status %s is no step of its history", id,
                  vj_jstr(p, "status"));
}

Test(projects, item_fields_and_mention_offsets) {
    json_t *all = all_projects();
    cr_log_info("the corpus yields %zu projects", json_array_size(all));
    size_t i, k;
    json_t *p;
    json_array_foreach(all, i, p) {
        char *d = describe(p);
        cr_log_info("project %s mentions %lld funding %s", d,
                    vj_jint(p, "mention_count"), vj_jstr(p, "funding"));
        free(d);
        check_project(p);
        for (k = i + 1; k < json_array_size(all); k++)
            cr_expect(strcmp(vj_jstr(p, "id"),
                             vj_jstr(json_array_get(all, k), "id")) != 0,
                      "id %s twice", vj_jstr(p, "id"));
    }
    json_decref(all);
    vj_docs_free();
}

Test(projects, paging) {
    json_t *all = all_projects();
    json_t *j = vj_get_json(srv, P);
    cr_expect_eq(vj_jint(j, "limit"), 20);
    cr_expect_eq(vj_jint(j, "offset"), 0);
    cr_expect_eq(vj_jint(j, "total"), (long long)json_array_size(all));
    json_t *items = json_object_get(j, "items");
    for (size_t i = 0; i < json_array_size(items); i++)
        cr_expect(json_equal(json_array_get(items, i), json_array_get(all, i)),
                  "default page item %zu differs from the full list", i);
    json_decref(j);
    j = vj_get_json(srv, P "?limit=2&offset=1");
    items = json_object_get(j, "items");
    size_t n = json_array_size(all);
    cr_expect_eq(json_array_size(items), n >= 3 ? 2 : n - 1);
    for (size_t i = 0; i < json_array_size(items); i++)
        cr_expect(
            json_equal(json_array_get(items, i), json_array_get(all, i + 1)),
            "page item %zu differs from the full list", i);
    json_decref(j);
    if (n > 1) {
        vj_resp_t *r = vj_get(srv, P "?limit=1");
        const char *link = vj_header(r, "Link");
        cr_expect(link && strstr(link, "rel=\"next\"") &&
                      strstr(link, "/api/v1/projects?"),
                  "Link: %s", link ? link : "(none)");
        vj_resp_free(r);
    }
    json_decref(all);
}

/* --- Gold sample ---------------------------------------------------------- */

/* The sample's rule: a project matches when its name, one of its aliases or
 * its location holds a keyword (folded); status, where given, must be one
 * of the listed values. Returns 2 for a match, 1 when a keyword matches
 * but the status does not, 0 otherwise. */
static int gold_match(const json_t *p, const json_t *gold) {
    int kw_hit = 0;
    size_t i;
    json_t *kw;
    json_array_foreach(json_object_get(gold, "kw"), i, kw) {
        const char *k = json_string_value(kw);
        kw_hit |= named(p, k, folded_has) || folded_has(loc_name(p), k);
    }
    if (!kw_hit)
        return 0;
    json_t *st = json_object_get(gold, "status");
    if (!json_is_array(st))
        return 2;
    json_array_foreach(st, i, kw) {
        if (strcmp(json_string_value(kw), vj_jstr(p, "status")) == 0)
            return 2;
    }
    return 1;
}

Test(projects, gold_sample_projects_found) {
    json_error_t err;
    json_t *gold = json_load_file(GOLD, 0, &err);
    cr_assert(gold, "%s: %s (line %d)", GOLD, err.text, err.line);
    json_t *gps = json_object_get(gold, "projects");
    cr_assert(json_is_array(gps) && json_array_size(gps) > 0,
              "%s has no projects", GOLD);
    json_t *all = all_projects();
    size_t gi, found = 0;
    json_t *g;
    json_array_foreach(gps, gi, g) {
        cr_assert(vj_jstr(g, "id") && json_is_array(json_object_get(g, "kw")),
                  "gold project %zu is malformed", gi);
        int best = 0;
        const json_t *near = NULL;
        size_t i;
        json_t *p;
        json_array_foreach(all, i, p) {
            int m = gold_match(p, g);
            if (m == 1 && !near)
                near = p;
            if (m > best)
                best = m;
        }
        found += best == 2;
        char *kws = json_dumps(json_object_get(g, "kw"),
                               JSON_COMPACT | JSON_ENSURE_ASCII);
        char *sts = json_dumps(json_object_get(g, "status"),
                               JSON_COMPACT | JSON_ENCODE_ANY);
        char *nd = near ? describe(near) : NULL;
        cr_expect(best == 2, "gold %s (kw %s, status %s) not found%s%s",
                  vj_jstr(g, "id"), kws, sts ? sts : "any",
                  nd ? "; nearest: " : "", nd ? nd : "");
        free(nd);
        free(sts);
        free(kws);
    }
    cr_log_info("gold projects found: %zu of %zu", found, json_array_size(gps));
    json_decref(all);
    json_decref(gold);
}

/* --- HCMC Metro Line 1 ------------------------------------------------------
 */

/* Does folded text name line 1: "metro so 1" or "tuyen so 1" (also
 * "tuyen metro so 1", "metro line 1"), "1" not followed by a digit? */
static int says_line1(const char *text) {
    static const char *const heads[] = {"metro so 1", "tuyen so 1",
                                        "metro line 1", "metro 1", NULL};
    if (text == NULL)
        return 0;
    char *f = vj_fold(text);
    int hit = 0;
    for (size_t h = 0; heads[h] && !hit; h++) {
        size_t n = strlen(heads[h]);
        for (const char *s = strstr(f, heads[h]); s && !hit;
             s = strstr(s + 1, heads[h]))
            hit = !(s[n] >= '0' && s[n] <= '9');
    }
    free(f);
    return hit;
}

static int says_hcmc(const char *text) {
    return text &&
           (folded_has(text, "ho chi minh") || squashed_has(text, "tphcm") ||
            folded_has(text, "hcmc") || folded_has(text, "sai gon"));
}

/* The item of HCMC Metro Line 1: a name or alias says line 1, and the name,
 * an alias or the location says Ho Chi Minh City. */
static int is_hcmc_line1(const json_t *p) {
    int line1 = says_line1(vj_jstr(p, "name")),
        hcmc = says_hcmc(vj_jstr(p, "name"));
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(p, "aliases"), i, a) {
        line1 |= says_line1(json_string_value(a));
        hcmc |= says_hcmc(json_string_value(a));
    }
    return line1 && (hcmc || says_hcmc(loc_name(p)));
}

/* Does one of its mentions quote line 1? */
static int quotes_line1(const json_t *p) {
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(p, "mentions"), i, m) {
        if (says_line1(vj_jstr(m, "quote")))
            return 1;
    }
    return 0;
}

Test(projects, hcmc_metro_line_1_is_one_item) {
    json_t *all = all_projects();
    const json_t *line1 = NULL;
    size_t n = 0, i;
    json_t *p;
    json_array_foreach(all, i, p) {
        if (!is_hcmc_line1(p))
            continue;
        char *d = describe(p);
        cr_log_info("HCMC Metro Line 1 candidate: %s", d);
        free(d);
        line1 = p;
        n++;
    }
    cr_assert_eq(n, 1, "%zu items are HCMC Metro Line 1, expected exactly one",
                 n);
    /* mentions from both articles that name it */
    cr_expect(has_mention_in(line1, DOC000),
              "%s has no mention in %s (\"tuyến Metro số 1 tại TP. Hồ Chí "
              "Minh\")",
              vj_jstr(line1, "id"), DOC000);
    cr_expect(has_mention_in(line1, DOC001),
              "%s has no mention in %s (\"Dự án đường sắt đô thị tuyến số 1 "
              "Thành phố Hồ Chí Minh\")",
              vj_jstr(line1, "id"), DOC001);
    /* no other item quotes line 1 (a part split off with the place lost) */
    json_array_foreach(all, i, p) {
        if (p == line1)
            continue;
        char *d = describe(p);
        cr_expect(!quotes_line1(p) && !named(p, "metro so 1", folded_has),
                  "%s also names Metro Line 1; it should be part of %s", d,
                  vj_jstr(line1, "id"));
        free(d);
    }
    /* it is a transport project in operation (khánh thành, khai trương) */
    cr_expect_str_eq(vj_jstr(line1, "sector"), "transport");
    cr_expect(in_list(vj_jstr(line1, "status"),
                      (const char *const[]){"operational", "completed", NULL}),
              "%s: status %s", vj_jstr(line1, "id"), vj_jstr(line1, "status"));
    /* the q filter finds it by either form, accent-insensitively */
    static const char *const qs[] = {"metro%20so%201", "Metro%20s%E1%BB%91%201",
                                     "tuy%E1%BA%BFn%20s%E1%BB%91%201", NULL};
    for (size_t q = 0; qs[q]; q++) {
        int by_alias = 0;
        if (q == 2) /* only if the project carries the "tuyến số 1" form */
            by_alias = named(line1, "tuyen so 1", folded_has);
        else
            by_alias = named(line1, "metro so 1", folded_has);
        if (!by_alias)
            continue;
        char *path = vj_fmt(P "?q=%s", qs[q]);
        json_t *got = vj_get_all(srv, path);
        cr_expect(find_id(got, vj_jstr(line1, "id")) != NULL, "%s misses %s",
                  path, vj_jstr(line1, "id"));
        json_decref(got);
        free(path);
    }
    /* its detail round-trips */
    char *path = vj_fmt(P "/%s", vj_jstr(line1, "id"));
    json_t *one = vj_get_json(srv, path);
    json_t *copy = json_deep_copy(one);
    json_object_del(copy, "events");
    cr_expect(json_equal(copy, line1), "%s differs from its list item", path);
    json_decref(copy);
    json_decref(one);
    free(path);
    json_decref(all);
}

/* --- The pilot list of article 001 ------------------------------------------
 */

/* The 14 numbered items under "Danh mục các dự án "Hợp tác Việt Nam – Nhật
 * Bản dự án thí điểm lần 1"", each with distinctive keywords (any one
 * suffices; compared folded, letters and digits only) that the project's
 * name, an alias, its location or a partner holds. */
static const char *const pilot_kw[14][4] = {
    {"DEEP C", NULL},
    {"Vân Phong", NULL},
    {"lô B", NULL},
    {"ammoniac", NULL},
    {"Smart city", "Bắc Hà Nội", NULL},
    {"DPPA", "Toyota Tsusho", NULL},
    {"V1", "Trà Vinh", NULL},
    {"LNG Quảng Ninh", NULL},
    {"cho vay hai bước", "hai bước", NULL},
    {"Long Đức", NULL},
    {"Nghi Sơn", NULL},
    {"ngoài khơi", NULL},
    {"CO2", "Đồng Nai", NULL},
    {"Thái Bình", NULL},
};

static int holds_pilot_kw(const json_t *p, size_t item) {
    for (size_t k = 0; pilot_kw[item][k]; k++) {
        const char *kw = pilot_kw[item][k];
        if (named(p, kw, squashed_has) || squashed_has(loc_name(p), kw))
            return 1;
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(p, "partners"), i, x) {
            if (squashed_has(vj_jstr(x, "name"), kw))
                return 1;
        }
    }
    return 0;
}

/* Kuhn's augmenting path for a matching of items to distinct projects. */
static int augment(size_t item, const unsigned char cand[14][512], size_t nproj,
                   long match[512], unsigned char seen[512]) {
    for (size_t j = 0; j < nproj; j++) {
        if (!cand[item][j] || seen[j])
            continue;
        seen[j] = 1;
        if (match[j] < 0 ||
            augment((size_t)match[j], cand, nproj, match, seen)) {
            match[j] = (long)item;
            return 1;
        }
    }
    return 0;
}

Test(projects, pilot_list_yields_14_items) {
    const json_t *d = vj_doc(srv, DOC001);
    json_t *paras = json_object_get(d, "paragraphs");
    long long head = -1;
    size_t i;
    json_t *x;
    json_array_foreach(paras, i, x) {
        if (head < 0 && strncmp(vj_jstr(x, "text"), "Danh mục các dự án",
                                strlen("Danh mục các dự án")) == 0)
            head = (long long)i;
    }
    cr_assert(head >= 0, "no \"Danh mục các dự án\" heading in %s", DOC001);
    long long para[14];
    for (size_t k = 0; k < 14; k++) {
        para[k] = head + 1 + (long long)k;
        x = json_array_get(paras, (size_t)para[k]);
        char *num = vj_fmt("%zu. ", k + 1);
        cr_assert(x && strncmp(vj_jstr(x, "text"), num, strlen(num)) == 0,
                  "paragraph %lld of %s is not item %zu of the list", para[k],
                  DOC001, k + 1);
        free(num);
    }
    json_t *all = all_projects();
    size_t nproj = json_array_size(all);
    cr_assert_leq(nproj, 512, "more than 512 projects");
    static unsigned char cand[14][512];
    memset(cand, 0, sizeof cand);
    size_t missing = 0;
    for (size_t k = 0; k < 14; k++) {
        size_t n = 0, in_para = 0;
        json_array_foreach(all, i, x) {
            if (!has_mention_in_paragraph(x, DOC001, para[k]))
                continue;
            in_para++;
            if (holds_pilot_kw(x, k)) {
                cand[k][i] = 1;
                n++;
            }
        }
        if (n == 0) {
            missing++;
            char *names = NULL;
            json_array_foreach(all, i, x) {
                if (!has_mention_in_paragraph(x, DOC001, para[k]))
                    continue;
                char *dsc = describe(x);
                char *t = vj_fmt("%s%s%s", names ? names : "",
                                 names ? "; " : "", dsc);
                free(names);
                free(dsc);
                names = t;
            }
            cr_expect_fail(
                "pilot item %zu (\"%.80s…\", keyword \"%s\") has "
                "no project mentioned in its paragraph %lld that "
                "holds the keyword; mentioned there: %s",
                k + 1, vj_jstr(json_array_get(paras, (size_t)para[k]), "text"),
                pilot_kw[k][0], para[k], in_para ? names : "nothing");
            free(names);
        }
    }
    /* 14 distinct projects: none was merged with another item */
    long match[512];
    for (size_t j = 0; j < 512; j++)
        match[j] = -1;
    size_t matched = 0;
    for (size_t k = 0; k < 14; k++) {
        unsigned char seen[512] = {0};
        matched += (size_t)augment(k, cand, nproj, match, seen);
    }
    cr_expect_eq(matched, 14 - missing,
                 "the pilot items found map to only %zu distinct projects: "
                 "some were merged",
                 matched);
    cr_log_info("pilot list: %zu of 14 items found as distinct projects",
                matched);
    for (size_t j = 0; j < nproj; j++)
        if (match[j] >= 0) {
            char *dsc = describe(json_array_get(all, j));
            cr_log_info("pilot item %ld: %s", match[j] + 1, dsc);
            free(dsc);
        }
    /* the q filter finds a pilot project by a keyword of its name */
    for (size_t j = 0; j < nproj; j++) {
        if (match[j] < 0)
            continue;
        const json_t *p = json_array_get(all, j);
        const char *kw = NULL;
        for (size_t k = 0; pilot_kw[match[j]][k] && !kw; k++)
            if (named(p, pilot_kw[match[j]][k], folded_has))
                kw = pilot_kw[match[j]][k];
        if (!kw)
            continue;
        char *esc = curl_easy_escape(NULL, kw, 0);
        char *path = vj_fmt(P "?q=%s", esc);
        json_t *got = vj_get_all(srv, path);
        cr_expect(find_id(got, vj_jstr(p, "id")) != NULL, "%s misses %s", path,
                  vj_jstr(p, "id"));
        json_decref(got);
        free(path);
        curl_free(esc);
    }
    json_decref(all);
    vj_docs_free();
}

/* --- Filters ----------------------------------------------------------------
 */

typedef int (*pred_t)(const json_t *p, const void *arg);

static int field_is(const json_t *p, const void *arg) {
    const char *const *kv = arg; /* {field, value} */
    return vj_jstr(p, kv[0]) && strcmp(vj_jstr(p, kv[0]), kv[1]) == 0;
}

/* GET P?query answers exactly the items of all that pred holds for, in the
 * same order. */
static void expect_filter(const json_t *all, const char *query, pred_t pred,
                          const void *arg) {
    char *path = vj_fmt(P "?%s", query);
    json_t *got = vj_get_all(srv, path);
    json_t *want = json_array();
    size_t i;
    json_t *p;
    json_array_foreach(all, i, p) {
        if (pred(p, arg))
            json_array_append(want, p);
    }
    json_array_foreach(got, i, p) {
        cr_expect(pred(p, arg), "%s: %s does not hold", path, vj_jstr(p, "id"));
    }
    cr_expect(json_equal(got, want),
              "%s: %zu items, expected the %zu of the full list that hold",
              path, json_array_size(got), json_array_size(want));
    json_decref(want);
    json_decref(got);
    free(path);
}

Test(projects, sector_status_funding_filters) {
    json_t *all = all_projects();
    const char *const *lists[] = {sectors, statuses, fundings};
    const char *const fields[] = {"sector", "status", "funding"};
    for (size_t f = 0; f < 3; f++) {
        for (size_t v = 0; lists[f][v]; v++) {
            const char *kv[] = {fields[f], lists[f][v]};
            char *q = vj_fmt("%s=%s", fields[f], lists[f][v]);
            expect_filter(all, q, field_is, kv);
            free(q);
        }
    }
    json_decref(all);
}

static int at_location(const json_t *p, const void *id) {
    return loc_id(p) && strcmp(loc_id(p), id) == 0;
}

static int with_partner(const json_t *p, const void *id) {
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(p, "partners"), i, x) {
        if (strcmp(vj_jstr(x, "id"), id) == 0)
            return 1;
    }
    return 0;
}

static int mentioned_in(const json_t *p, const void *doc) {
    return has_mention_in(p, doc);
}

Test(projects, location_partner_document_filters) {
    json_t *all = all_projects();
    size_t i, k;
    json_t *p, *x;
    size_t located = 0, partnered = 0;
    json_array_foreach(all, i, p) {
        if (loc_id(p)) {
            located++;
            char *q = vj_fmt("location=%s", loc_id(p));
            expect_filter(all, q, at_location, loc_id(p));
            free(q);
            /* by words of its name: a superset of the exact id */
            char *esc = curl_easy_escape(NULL, loc_name(p), 0);
            char *path = vj_fmt(P "?location=%s", esc);
            json_t *got = vj_get_all(srv, path);
            cr_expect(find_id(got, vj_jstr(p, "id")) != NULL, "%s misses %s",
                      path, vj_jstr(p, "id"));
            json_array_foreach(got, k, x) {
                cr_expect(loc_id(x) != NULL, "%s: %s has no location", path,
                          vj_jstr(x, "id"));
            }
            json_decref(got);
            free(path);
            curl_free(esc);
        }
        json_array_foreach(json_object_get(p, "partners"), k, x) {
            partnered++;
            char *q = vj_fmt("partner=%s", vj_jstr(x, "id"));
            expect_filter(all, q, with_partner, vj_jstr(x, "id"));
            free(q);
        }
    }
    cr_expect_gt(located, 0, "no project has a location");
    cr_expect_gt(partnered, 0, "no project has a partner");
    /* partner by words: JBIC appears in the pilot list and the statement */
    json_t *got = vj_get_all(srv, P "?partner=jbic");
    json_array_foreach(got, i, p) {
        int has = 0;
        json_array_foreach(json_object_get(p, "partners"), k, x) {
            has |= folded_has(vj_jstr(x, "name"), "jbic") ||
                   strcmp(vj_jstr(x, "id"), "jbic") == 0;
        }
        cr_expect(has || json_array_size(json_object_get(p, "partners")) > 0,
                  "partner=jbic: %s has no partner", vj_jstr(p, "id"));
    }
    json_decref(got);
    for (size_t d = 0; d < 5; d++) {
        char *q = vj_fmt("document=%s", vj_ids[d]);
        expect_filter(all, q, mentioned_in, vj_ids[d]);
        free(q);
    }
    json_decref(all);
}

static int name_holds(const json_t *p, const void *word) {
    return named(p, word, folded_has);
}

Test(projects, q_accent_insensitive) {
    json_t *all = all_projects();
    expect_filter(all, "q=lng", name_holds, "lng");
    expect_filter(all, "q=LNG", name_holds, "lng");
    expect_filter(all, "q=metro", name_holds, "metro");
    expect_filter(all, "q=nh%C3%A0%20m%C3%A1y", name_holds, "nhà máy");
    expect_filter(all, "q=nha%20may", name_holds, "nha may");
    json_t *a = vj_get_all(srv, P "?q=v%C3%A2n%20phong");
    json_t *b = vj_get_all(srv, P "?q=VAN%20PHONG");
    cr_expect_gt(json_array_size(a), 0, "q=vân phong finds nothing");
    cr_expect(json_equal(a, b), "q=vân phong and q=VAN PHONG differ");
    json_decref(a);
    json_decref(b);
    /* combined filters: all must hold */
    json_t *c = vj_get_all(srv, P "?q=lng&sector=energy&document=" DOC001);
    size_t i;
    json_t *p;
    json_array_foreach(c, i, p) {
        cr_expect(named(p, "lng", folded_has) &&
                      strcmp(vj_jstr(p, "sector"), "energy") == 0 &&
                      has_mention_in(p, DOC001),
                  "combined filters: %s", vj_jstr(p, "id"));
    }
    cr_expect_gt(json_array_size(c), 0, "no LNG energy project in %s", DOC001);
    json_decref(c);
    json_decref(all);
}

Test(projects, bad_parameters_are_400_naming_them) {
    static const char *const cases[][2] = {
        {"sector=bogus", "sector"},
        {"sector=", "sector"},
        {"sector=Energy", "sector"},
        {"sector=energy,transport", "sector"},
        {"status=bogus", "status"},
        {"status=under%20construction", "status"},
        {"funding=bogus", "funding"},
        {"funding=ODA", "funding"},
        {"document=nope", "document"},
        {"document=", "document"},
        {"q=", "q"},
        {"location=", "location"},
        {"partner=", "partner"},
        {"limit=0", "limit"},
        {"limit=101", "limit"},
        {"offset=-1", "offset"},
        {"type=visit", "type"},
        {"sort=name", "sort"},
        {"q=a&q=b", "q"},
        {"sector=energy&sector=energy", "sector"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *p = vj_fmt(P "?%s", cases[i][0]);
        vj_resp_t *r = vj_get(srv, p);
        cr_log_info("checking %s", p);
        vj_assert_problem(r, 400, cases[i][1]);
        vj_resp_free(r);
        free(p);
    }
    static const char *const fine[] = {P "?_=1",
                                       P "?sector=space",
                                       P "?status=operational&funding=oda_loan",
                                       P "?location=no-such-place-anywhere",
                                       P "?partner=nobody-at-all",
                                       NULL};
    for (size_t i = 0; fine[i]; i++) {
        vj_resp_t *r = vj_get(srv, fine[i]);
        cr_expect_eq(r->status, 200, "%s: %ld %.200s", fine[i], r->status,
                     r->body);
        vj_resp_free(r);
    }
    vj_resp_t *r = vj_get(srv, P "/x?full=1");
    vj_assert_problem(r, 400, "full");
    vj_resp_free(r);
    vj_assert_healthy(srv);
}

/* --- Detail, events, timeline links
 * ------------------------------------------- */

Test(projects, detail_round_trips_with_events) {
    json_t *all = all_projects();
    json_t *timeline = vj_get_all(srv, "/api/v1/timeline");
    size_t i, k;
    json_t *p, *ev;
    json_array_foreach(all, i, p) {
        const char *id = vj_jstr(p, "id");
        char *path = vj_fmt(P "/%s", id);
        json_t *one = vj_get_json(srv, path);
        json_t *events = json_object_get(one, "events");
        cr_assert(json_is_array(events), "%s: no events array", path);
        json_t *copy = json_deep_copy(one);
        json_object_del(copy, "events");
        cr_expect(json_equal(copy, p), "%s differs from its list item", path);
        json_decref(copy);
        /* its events are exactly the timeline events linked to it */
        size_t linked = 0;
        json_array_foreach(timeline, k, ev) {
            const char *pid = vj_jstr(ev, "project_id");
            if (pid && strcmp(pid, id) == 0)
                linked++;
        }
        cr_expect_eq(json_array_size(events), linked,
                     "%s lists %zu events, the timeline links %zu to it", path,
                     json_array_size(events), linked);
        json_array_foreach(events, k, ev) {
            char *ep = vj_fmt("/api/v1/timeline/%s", vj_jstr(ev, "id"));
            json_t *full = vj_get_json(srv, ep);
            cr_expect_str_eq(vj_jstr(full, "project_id"), id, "%s project_id",
                             ep);
            cr_expect_str_eq(vj_jstr(full, "title"), vj_jstr(ev, "title"), "%s",
                             ep);
            cr_expect_str_eq(vj_jstr(full, "type"), vj_jstr(ev, "type"), "%s",
                             ep);
            cr_expect(json_equal(json_object_get(full, "date"),
                                 json_object_get(ev, "date")),
                      "%s: date", ep);
            json_decref(full);
            free(ep);
        }
        json_decref(one);
        free(path);
    }
    static const char *const missing[] = {P "/no-such-project", P "/METRO",
                                          P "/metro-so-1-tp-ho-chi-minh-x",
                                          NULL};
    for (size_t m = 0; missing[m]; m++) {
        vj_resp_t *r = vj_get(srv, missing[m]);
        vj_assert_problem(r, 404, NULL);
        vj_resp_free(r);
    }
    vj_req_t head = {.method = "HEAD"};
    vj_resp_t *r = vj_request(srv, P "/no-such-project", &head);
    cr_expect_eq(r->status, 404);
    cr_expect_eq(r->body_len, 0);
    vj_resp_free(r);
    json_decref(timeline);
    json_decref(all);
}

Test(projects, timeline_project_ids_point_at_projects) {
    json_t *all = all_projects();
    json_t *timeline = vj_get_all(srv, "/api/v1/timeline");
    size_t i, linked = 0;
    json_t *ev;
    json_array_foreach(timeline, i, ev) {
        json_t *pid = json_object_get(ev, "project_id");
        cr_expect(json_is_null(pid) || json_is_string(pid),
                  "event %s: project_id is missing or not a string or null",
                  vj_jstr(ev, "id"));
        if (!json_is_string(pid))
            continue;
        linked++;
        cr_expect(find_id(all, json_string_value(pid)) != NULL,
                  "event %s links to project %s, which is not listed",
                  vj_jstr(ev, "id"), json_string_value(pid));
        char *path = vj_fmt(P "/%s", json_string_value(pid));
        vj_resp_t *r = vj_get(srv, path);
        cr_expect_eq(r->status, 200, "%s (from event %s): %ld", path,
                     vj_jstr(ev, "id"), r->status);
        vj_resp_free(r);
        free(path);
    }
    cr_log_info("%zu of %zu timeline events link to a project", linked,
                json_array_size(timeline));
    cr_expect_gt(linked, 0, "no timeline event links to a project");
    json_decref(timeline);
    json_decref(all);
}

/* --- Boilerplate -------------------------------------------------------------
 */

Test(projects, nothing_from_stripped_boilerplate) {
    /* The tail of article 003 after "Theo Nhân Dân Điện tử" (comments,
     * related articles about Laos, China, Thailand, the EU) is stripped. */
    static const char *const gone[] = {"Lào",
                                       "Trung Quốc",
                                       "Thái Lan",
                                       "hydro",
                                       "Euro",
                                       "Google",
                                       "Cùng chuyên mục",
                                       "Ý kiến bạn đọc",
                                       "Nhân Dân Điện tử",
                                       "Lục địa già",
                                       NULL};
    json_t *all = all_projects();
    size_t i, k;
    json_t *p, *x;
    json_array_foreach(all, i, p) {
        for (size_t g = 0; gone[g]; g++) {
            cr_expect(!named(p, gone[g], exact_has),
                      "project %s is named with \"%s\"", vj_jstr(p, "id"),
                      gone[g]);
            json_array_foreach(json_object_get(p, "mentions"), k, x) {
                cr_expect(strstr(vj_jstr(x, "quote"), gone[g]) == NULL,
                          "project %s mention %zu quotes \"%s\"",
                          vj_jstr(p, "id"), k, gone[g]);
            }
            json_array_foreach(json_object_get(p, "history"), k, x) {
                cr_expect(strstr(vj_jstr(json_object_get(x, "source"), "quote"),
                                 gone[g]) == NULL,
                          "project %s history %zu quotes \"%s\"",
                          vj_jstr(p, "id"), k, gone[g]);
            }
        }
        /* mentions in 003 lie inside its (stripped) text */
        json_array_foreach(json_object_get(p, "mentions"), k, x) {
            if (strcmp(vj_jstr(x, "document_id"), DOC003) != 0)
                continue;
            const json_t *d = vj_doc(srv, DOC003);
            cr_expect(vj_jint(x, "end") <= (long long)json_string_length(
                                               json_object_get(d, "text")),
                      "project %s mention %zu beyond the text of %s",
                      vj_jstr(p, "id"), k, DOC003);
        }
    }
    json_decref(all);
    vj_docs_free();
}

/* --- Conditional requests and HEAD
 * -------------------------------------------- */

Test(projects, etag_304_and_head) {
    json_t *all = all_projects();
    char *one = vj_fmt(P "/%s", vj_jstr(json_array_get(all, 0), "id"));
    const char *const paths[] = {P, P "?sector=energy", one, NULL};
    for (size_t i = 0; paths[i]; i++) {
        vj_resp_t *a = vj_get(srv, paths[i]);
        cr_assert_eq(a->status, 200, "%s: %ld", paths[i], a->status);
        const char *etag = vj_header(a, "ETag");
        cr_assert(etag, "%s: no ETag", paths[i]);
        char *h = vj_fmt("If-None-Match: %s", etag);
        const char *hs[] = {h, NULL};
        vj_req_t rq = {.headers = hs};
        vj_resp_t *b = vj_request(srv, paths[i], &rq);
        cr_expect_eq(b->status, 304, "%s with its ETag: %ld", paths[i],
                     b->status);
        cr_expect_eq(b->body_len, 0);
        vj_resp_free(b);
        vj_req_t head = {.method = "HEAD"};
        b = vj_request(srv, paths[i], &head);
        cr_expect_eq(b->status, 200, "HEAD %s: %ld", paths[i], b->status);
        cr_expect_eq(b->body_len, 0, "HEAD %s has a body", paths[i]);
        cr_expect_str_eq(vj_header(b, "ETag"), etag, "HEAD %s ETag", paths[i]);
        vj_resp_free(b);
        free(h);
        vj_resp_free(a);
    }
    free(one);
    json_decref(all);
}
