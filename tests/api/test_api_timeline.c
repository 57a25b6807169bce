/* test_api_timeline.c - /api/v1/timeline, /api/v1/timeline/{id},
 * /api/v1/entities and /api/v1/entities/{id} against the real server on
 * data/corpus: date order, exact source offsets, the filters and their
 * 400s, the TimelineJS shape, the gold sample events (tests/gold/
 * sample.json, judged by the rule in its "about"), nothing from stripped
 * boilerplate, and entities with roles, aliases, mentions and events. */
#include "harness.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define GOLD "tests/gold/sample.json"

static vj_server_t *srv;

static void start(void) {
    srv = vj_server_start(VJ_CORPUS, NULL);
}

static void stop(void) {
    vj_server_stop(srv);
    srv = NULL;
}

TestSuite(timeline, .init = start, .fini = stop, .timeout = 180);
TestSuite(entities, .init = start, .fini = stop, .timeout = 180);

/* --- Helpers ---------------------------------------------------------- */

/* Folds as tests/gold/sample.json says: NFD, combining marks stripped,
 * đ -> d, lower case. A new string. */

static int folded_has(const char *hay, const char *needle) {
    char *h = vj_fold(hay), *n = vj_fold(needle);
    int hit = strstr(h, n) != NULL;
    free(h);
    free(n);
    return hit;
}

/* Does the event's title or one of its sources' quotes hold word
 * (folded)? */
static int event_says(const json_t *ev, const char *word) {
    if (folded_has(vj_jstr(ev, "title"), word))
        return 1;
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(ev, "sources"), i, s) {
        if (folded_has(vj_jstr(s, "quote"), word))
            return 1;
    }
    return 0;
}

/* The first and last day of an ISO date at any precision, as YYYY-MM-DD
 * strings that compare as dates ("2025" -> 2025-01-01 / 2025-12-31;
 * "2025-04" -> 2025-04-01 / 2025-04-31, which still compares right). */
static void first_day(const char *iso, char out[11]) {
    snprintf(out, 11, "%.4s-%.2s-%.2s", iso, strlen(iso) >= 7 ? iso + 5 : "01",
             strlen(iso) >= 10 ? iso + 8 : "01");
}

static void last_day(const char *iso, char out[11]) {
    snprintf(out, 11, "%.4s-%.2s-%.2s", iso, strlen(iso) >= 7 ? iso + 5 : "12",
             strlen(iso) >= 10 ? iso + 8 : "31");
}

static json_t *date_of(const json_t *ev) {
    json_t *d = json_object_get(ev, "date");
    cr_assert(json_is_object(d), "event %s has no date", vj_jstr(ev, "id"));
    return d;
}

/* Does ev's date range overlap [lo, hi] (days)? */
static int overlaps(const json_t *ev, const char *lo, const char *hi) {
    char s[11], e[11];
    first_day(vj_jstr(date_of(ev), "start"), s);
    last_day(vj_jstr(date_of(ev), "end"), e);
    return strcmp(s, hi) <= 0 && strcmp(e, lo) >= 0;
}

/* The documents' texts and titles, fetched once per worker. */

/* How many of items satisfy pred(item, arg)? */
static size_t count_if(const json_t *items,
                       int (*pred)(const json_t *, const void *),
                       const void *arg) {
    size_t n = 0, i;
    json_t *it;
    json_array_foreach(items, i, it) n += pred(it, arg) != 0;
    return n;
}

/* --- Order ------------------------------------------------------------- */

static void expect_date_order(const json_t *items, int desc, const char *what) {
    char prev[11] = "", cur[11];
    size_t i;
    json_t *ev;
    json_array_foreach(items, i, ev) {
        first_day(vj_jstr(date_of(ev), "start"), cur);
        if (i > 0)
            cr_expect(desc ? strcmp(prev, cur) >= 0 : strcmp(prev, cur) <= 0,
                      "%s: item %zu (%s, %s) out of %s order after %s", what, i,
                      vj_jstr(ev, "id"), cur, desc ? "desc" : "asc", prev);
        memcpy(prev, cur, sizeof prev);
    }
}

Test(timeline, ordered_by_date) {
    json_t *asc = vj_get_all(srv, "/api/v1/timeline");
    cr_assert_gt(json_array_size(asc), 0, "the corpus yields no events");
    cr_log_info("the corpus yields %zu events", json_array_size(asc));
    expect_date_order(asc, 0, "asc");
    json_t *asc2 = vj_get_all(srv, "/api/v1/timeline?order=asc");
    cr_expect(json_equal(asc, asc2), "order=asc is not the default order");
    json_t *desc = vj_get_all(srv, "/api/v1/timeline?order=desc");
    expect_date_order(desc, 1, "desc");
    cr_assert_eq(json_array_size(desc), json_array_size(asc));
    size_t n = json_array_size(asc);
    for (size_t i = 0; i < n; i++)
        cr_expect_str_eq(vj_jstr(json_array_get(desc, i), "id"),
                         vj_jstr(json_array_get(asc, n - 1 - i), "id"),
                         "order=desc is not the asc list reversed at %zu", i);
    /* ids are unique */
    for (size_t i = 0; i < n; i++)
        for (size_t k = i + 1; k < n; k++)
            cr_expect(strcmp(vj_jstr(json_array_get(asc, i), "id"),
                             vj_jstr(json_array_get(asc, k), "id")) != 0,
                      "id %s twice", vj_jstr(json_array_get(asc, i), "id"));
    json_decref(asc);
    json_decref(asc2);
    json_decref(desc);
}

Test(timeline, paging) {
    json_t *all = vj_get_all(srv, "/api/v1/timeline");
    json_t *j = vj_get_json(srv, "/api/v1/timeline");
    cr_expect_eq(vj_jint(j, "limit"), 20);
    cr_expect_eq(vj_jint(j, "offset"), 0);
    cr_expect_eq(vj_jint(j, "total"), (long long)json_array_size(all));
    json_decref(j);
    j = vj_get_json(srv, "/api/v1/timeline?limit=2&offset=1");
    json_t *items = json_object_get(j, "items");
    cr_expect_eq(json_array_size(items),
                 json_array_size(all) >= 3 ? 2 : json_array_size(all) - 1);
    for (size_t i = 0; i < json_array_size(items); i++)
        cr_expect(
            json_equal(json_array_get(items, i), json_array_get(all, i + 1)),
            "page item %zu differs from the full list", i);
    json_decref(j);
    vj_resp_t *r = vj_get(srv, "/api/v1/timeline?limit=1");
    const char *link = vj_header(r, "Link");
    cr_expect(link && strstr(link, "rel=\"next\"") &&
                  strstr(link, "/api/v1/timeline?"),
              "Link: %s", link ? link : "(none)");
    vj_resp_free(r);
    json_decref(all);
}

/* --- Items -------------------------------------------------------------- */

static int is_type_name(const char *t) {
    static const char *const types[] = {
        "visit", "meeting",      "agreement", "opening", "groundbreaking",
        "forum", "announcement", "milestone", "target",  "other",
        NULL};
    for (size_t i = 0; t && types[i]; i++)
        if (strcmp(types[i], t) == 0)
            return 1;
    return 0;
}

Test(timeline, item_fields_and_source_offsets) {
    json_t *all = vj_get_all(srv, "/api/v1/timeline");
    size_t i;
    json_t *ev;
    json_array_foreach(all, i, ev) {
        const char *id = vj_jstr(ev, "id");
        cr_assert(id && *id, "item %zu has no id", i);
        cr_expect(is_type_name(vj_jstr(ev, "type")), "%s: type %s", id,
                  vj_jstr(ev, "type"));
        cr_expect(json_is_boolean(json_object_get(ev, "planned")),
                  "%s: planned", id);
        const char *title = vj_jstr(ev, "title");
        cr_expect(title && *title, "%s: no title", id);
        json_t *d = date_of(ev);
        const char *prec = vj_jstr(d, "precision");
        cr_expect(prec && strstr("day week month quarter year", prec),
                  "%s: precision %s", id, prec);
        cr_expect(strcmp(vj_jstr(d, "start"), vj_jstr(d, "end")) <= 0 ||
                      strlen(vj_jstr(d, "start")) != strlen(vj_jstr(d, "end")),
                  "%s: start %s after end %s", id, vj_jstr(d, "start"),
                  vj_jstr(d, "end"));
        cr_expect(json_is_array(json_object_get(ev, "actors")) &&
                      json_is_array(json_object_get(ev, "places")),
                  "%s: actors, places", id);
        json_t *srcs = json_object_get(ev, "sources");
        cr_assert(json_is_array(srcs) && json_array_size(srcs) > 0,
                  "%s: no sources", id);
        size_t k;
        json_t *s;
        json_array_foreach(srcs, k, s) {
            char *what = vj_fmt("event %s source %zu", id, k);
            vj_check_span(srv, what, s);
            cr_expect(json_is_object(json_object_get(s, "date")), "%s: no date",
                      what);
            free(what);
        }
    }
    json_decref(all);
    vj_docs_free();
}

Test(timeline, detail_round_trips) {
    json_t *all = vj_get_all(srv, "/api/v1/timeline");
    size_t i;
    json_t *ev;
    json_array_foreach(all, i, ev) {
        char *p = vj_fmt("/api/v1/timeline/%s", vj_jstr(ev, "id"));
        json_t *one = vj_get_json(srv, p);
        cr_expect(json_equal(one, ev), "%s differs from its list item", p);
        json_decref(one);
        free(p);
    }
    vj_resp_t *r = vj_get(srv, "/api/v1/timeline/no-such-event");
    vj_assert_problem(r, 404, NULL);
    vj_resp_free(r);
    json_decref(all);
}

/* --- Filters ------------------------------------------------------------ */

typedef struct {
    const char *lo, *hi;
} range_t;

static int in_range(const json_t *ev, const void *arg) {
    const range_t *r = arg;
    return overlaps(ev, r->lo, r->hi);
}

/* The filtered list is exactly the events of the full list in range. */
static void expect_range(const json_t *all, const char *query, const char *lo,
                         const char *hi) {
    char *p = vj_fmt("/api/v1/timeline?%s", query);
    json_t *got = vj_get_all(srv, p);
    range_t r = {lo, hi};
    size_t i;
    json_t *ev;
    json_array_foreach(got, i, ev) {
        cr_expect(in_range(ev, &r), "%s: %s (%s..%s) does not overlap %s..%s",
                  p, vj_jstr(ev, "id"), vj_jstr(date_of(ev), "start"),
                  vj_jstr(date_of(ev), "end"), lo, hi);
    }
    cr_expect_eq(json_array_size(got), count_if(all, in_range, &r),
                 "%s: %zu events, but %zu of the full list overlap %s..%s", p,
                 json_array_size(got), count_if(all, in_range, &r), lo, hi);
    json_decref(got);
    free(p);
}

Test(timeline, from_to_overlap) {
    json_t *all = vj_get_all(srv, "/api/v1/timeline");
    expect_range(all, "from=2025-04&to=2025-04", "2025-04-01", "2025-04-30");
    expect_range(all, "from=2025&to=2025", "2025-01-01", "2025-12-31");
    expect_range(all, "from=2025-04-28&to=2025-04-28", "2025-04-28",
                 "2025-04-28");
    expect_range(all, "from=2023-11-01", "2023-11-01", "9999-12-31");
    expect_range(all, "to=2000", "0000-01-01", "2000-12-31");
    expect_range(all, "from=2024-02&to=2024-02-29", "2024-02-01", "2024-02-29");
    /* April 2025 holds the Ishiba visit, dated in April 2025 */
    json_t *apr = vj_get_all(srv, "/api/v1/timeline?from=2025-04&to=2025-04");
    int visit = 0;
    size_t i;
    json_t *ev;
    json_array_foreach(apr, i, ev) {
        if (strncmp(vj_jstr(date_of(ev), "start"), "2025-04", 7) == 0 &&
            event_says(ev, "Ishiba"))
            visit = 1;
    }
    cr_expect(visit, "from=2025-04&to=2025-04 has no April 2025 Ishiba "
                     "event");
    json_decref(apr);
    json_decref(all);
}

static int has_type(const json_t *ev, const void *arg) {
    const char *const *types = arg;
    for (size_t i = 0; types[i]; i++)
        if (strcmp(vj_jstr(ev, "type"), types[i]) == 0)
            return 1;
    return 0;
}

static void expect_types(const json_t *all, const char *query,
                         const char *const *types) {
    char *p = vj_fmt("/api/v1/timeline?type=%s", query);
    json_t *got = vj_get_all(srv, p);
    size_t i;
    json_t *ev;
    json_array_foreach(got, i, ev) {
        cr_expect(has_type(ev, types), "%s: %s is a %s", p, vj_jstr(ev, "id"),
                  vj_jstr(ev, "type"));
    }
    cr_expect_eq(json_array_size(got), count_if(all, has_type, types),
                 "%s: %zu events, the full list has %zu", p,
                 json_array_size(got), count_if(all, has_type, types));
    json_decref(got);
    free(p);
}

Test(timeline, type_filter) {
    json_t *all = vj_get_all(srv, "/api/v1/timeline");
    static const char *const visit[] = {"visit", NULL};
    static const char *const vm[] = {"visit", "meeting", "agreement", NULL};
    static const char *const target[] = {"target", NULL};
    expect_types(all, "visit", visit);
    expect_types(all, "visit,meeting,agreement", vm);
    expect_types(all, "target", target);
    json_t *v = vj_get_all(srv, "/api/v1/timeline?type=visit");
    cr_expect_gt(json_array_size(v), 0, "no visit at all");
    json_decref(v);
    json_decref(all);
}

static int from_doc(const json_t *ev, const void *arg) {
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(ev, "sources"), i, s) {
        if (strcmp(vj_jstr(s, "document_id"), arg) == 0)
            return 1;
    }
    return 0;
}

Test(timeline, document_filter) {
    json_t *all = vj_get_all(srv, "/api/v1/timeline");
    for (size_t d = 0; d < 5; d++) {
        char *p = vj_fmt("/api/v1/timeline?document=%s", vj_ids[d]);
        json_t *got = vj_get_all(srv, p);
        size_t i;
        json_t *ev;
        json_array_foreach(got, i, ev) {
            cr_expect(from_doc(ev, vj_ids[d]), "%s: %s has no source in it", p,
                      vj_jstr(ev, "id"));
        }
        cr_expect_eq(json_array_size(got), count_if(all, from_doc, vj_ids[d]),
                     "%s: %zu events, the full list has %zu", p,
                     json_array_size(got), count_if(all, from_doc, vj_ids[d]));
        json_decref(got);
        free(p);
    }
    json_decref(all);
}

static int says(const json_t *ev, const void *arg) {
    return event_says(ev, arg);
}

/* q=query answers the events of the full list whose title or quote holds
 * word (folded); returns how many. */
static size_t expect_q(const json_t *all, const char *query, const char *word) {
    char *p = vj_fmt("/api/v1/timeline?q=%s", query);
    json_t *got = vj_get_all(srv, p);
    size_t i;
    json_t *ev;
    json_array_foreach(got, i, ev) {
        cr_expect(event_says(ev, word), "%s: %s does not say %s", p,
                  vj_jstr(ev, "id"), word);
    }
    size_t n = json_array_size(got);
    cr_expect_eq(n, count_if(all, says, word),
                 "%s: %zu events, %zu of the full list say %s", p, n,
                 count_if(all, says, word), word);
    json_decref(got);
    free(p);
    return n;
}

Test(timeline, q_accent_insensitive) {
    json_t *all = vj_get_all(srv, "/api/v1/timeline");
    cr_expect_gt(expect_q(all, "ishiba", "ishiba"), 0, "q=ishiba: nothing");
    expect_q(all, "ISHIBA", "ishiba");
    size_t a = expect_q(all, "h%E1%BB%99i%20%C4%91%C3%A0m", "hội đàm");
    size_t b = expect_q(all, "hoi%20dam", "hoi dam");
    cr_expect_eq(a, b, "q=hội đàm %zu events, q=hoi dam %zu", a, b);
    /* q=ishiba finds the April 2025 visit */
    json_t *got = vj_get_all(srv, "/api/v1/timeline?q=ishiba");
    int visit = 0;
    size_t i;
    json_t *ev;
    json_array_foreach(got, i, ev) {
        if (strncmp(vj_jstr(date_of(ev), "start"), "2025-04", 7) == 0)
            visit = 1;
    }
    cr_expect(visit, "q=ishiba does not find the April 2025 visit");
    json_decref(got);
    json_decref(all);
}

Test(timeline, actor_place_planned) {
    json_t *all = vj_get_all(srv, "/api/v1/timeline");
    json_t *got = vj_get_all(srv, "/api/v1/timeline?actor=ishiba");
    size_t i;
    json_t *ev;
    json_array_foreach(got, i, ev) {
        int hit = 0;
        size_t k;
        json_t *a;
        json_array_foreach(json_object_get(ev, "actors"), k, a) {
            hit |= folded_has(vj_jstr(a, "name"), "ishiba");
        }
        cr_expect(hit, "actor=ishiba: %s has no actor Ishiba",
                  vj_jstr(ev, "id"));
    }
    json_decref(got);
    size_t planned = 0, done = 0;
    json_array_foreach(all, i, ev) {
        if (json_is_true(json_object_get(ev, "planned")))
            planned++;
        else
            done++;
    }
    got = vj_get_all(srv, "/api/v1/timeline?planned=true");
    cr_expect_eq(json_array_size(got), planned);
    json_array_foreach(got, i, ev) {
        cr_expect(json_is_true(json_object_get(ev, "planned")));
    }
    json_decref(got);
    got = vj_get_all(srv, "/api/v1/timeline?planned=false");
    cr_expect_eq(json_array_size(got), done);
    json_decref(got);
    json_decref(all);
}

/* --- TimelineJS --------------------------------------------------------- */

static void expect_tljs_date(const char *id, const json_t *td, const char *iso,
                             const char *prec) {
    cr_assert(json_is_object(td), "%s: no TimelineJS date", id);
    cr_expect_eq(vj_jint(td, "year"), strtol(iso, NULL, 10), "%s: year", id);
    int has_month = strcmp(prec, "year") != 0;
    int has_day = !strcmp(prec, "day") || !strcmp(prec, "week");
    cr_expect_eq(json_object_get(td, "month") != NULL, has_month,
                 "%s: month for precision %s", id, prec);
    cr_expect_eq(json_object_get(td, "day") != NULL, has_day,
                 "%s: day for precision %s", id, prec);
    if (has_month && json_object_get(td, "month"))
        cr_expect_eq(vj_jint(td, "month"), strtol(iso + 5, NULL, 10),
                     "%s: month", id);
    if (has_day && json_object_get(td, "day"))
        cr_expect_eq(vj_jint(td, "day"), strtol(iso + 8, NULL, 10), "%s: day",
                     id);
}

Test(timeline, timelinejs_shape) {
    json_t *all = vj_get_json(srv, "/api/v1/timeline?limit=100");
    json_t *t =
        vj_get_json(srv, "/api/v1/timeline?format=timelinejs&limit=100");
    json_t *title = json_object_get(json_object_get(t, "title"), "text");
    cr_expect(vj_jstr(title, "headline") && *vj_jstr(title, "headline"),
              "no title.text.headline");
    cr_expect(json_is_string(json_object_get(title, "text")),
              "no title.text.text");
    cr_expect(json_object_get(t, "items") == NULL, "timelinejs has items");
    cr_expect_eq(vj_jint(t, "total"), vj_jint(all, "total"));
    cr_expect_eq(vj_jint(t, "limit"), 100);
    cr_expect_eq(vj_jint(t, "offset"), 0);
    json_t *evs = json_object_get(t, "events");
    json_t *items = json_object_get(all, "items");
    cr_assert(json_is_array(evs), "no events array");
    cr_assert_eq(json_array_size(evs), json_array_size(items));
    size_t i;
    json_t *e;
    json_array_foreach(evs, i, e) {
        json_t *ev = json_array_get(items, i);
        const char *id = vj_jstr(ev, "id");
        cr_expect_str_eq(vj_jstr(e, "unique_id"), id, "event %zu", i);
        cr_expect_str_eq(vj_jstr(e, "group"), vj_jstr(ev, "type"), "%s group",
                         id);
        json_t *text = json_object_get(e, "text");
        cr_expect_str_eq(vj_jstr(text, "headline"), vj_jstr(ev, "title"),
                         "%s headline", id);
        cr_expect_str_eq(
            vj_jstr(text, "text"),
            vj_jstr(json_array_get(json_object_get(ev, "sources"), 0), "quote"),
            "%s text is not its first source's quote", id);
        json_t *d = date_of(ev);
        const char *prec = vj_jstr(d, "precision");
        expect_tljs_date(id, json_object_get(e, "start_date"),
                         vj_jstr(d, "start"), prec);
        if (strcmp(vj_jstr(d, "start"), vj_jstr(d, "end")) != 0)
            expect_tljs_date(id, json_object_get(e, "end_date"),
                             vj_jstr(d, "end"), prec);
        else
            cr_expect(json_object_get(e, "end_date") == NULL,
                      "%s: end_date for a single point", id);
    }
    json_decref(t);
    json_decref(all);
    /* paging and filters apply to it too */
    t = vj_get_json(srv,
                    "/api/v1/timeline?format=timelinejs&type=visit&limit=1");
    cr_expect_leq(json_array_size(json_object_get(t, "events")), 1);
    json_decref(t);
}

/* --- 400s ----------------------------------------------------------------- */

Test(timeline, bad_parameters_are_400_naming_them) {
    static const char *const cases[][2] = {
        {"from=2025-13", "from"},
        {"from=2025-02-30", "from"},
        {"to=2023-02-29", "to"},
        {"from=25", "from"},
        {"from=2025-4-1", "from"},
        {"from=abcd", "from"},
        {"to=2025-04-31", "to"},
        {"from=2025-05&to=2025-04", "from"},
        {"from=2025-04-02&to=2025-04-01", "from"},
        {"type=bogus", "type"},
        {"type=visit,bogus", "type"},
        {"type=Visit", "type"},
        {"type=", "type"},
        {"type=visit,", "type"},
        {"order=sideways", "order"},
        {"format=xml", "format"},
        {"planned=maybe", "planned"},
        {"planned=1", "planned"},
        {"document=nope", "document"},
        {"q=", "q"},
        {"actor=", "actor"},
        {"place=", "place"},
        {"limit=0", "limit"},
        {"limit=101", "limit"},
        {"offset=-1", "offset"},
        {"when=2025", "when"},
        {"q=a&q=b", "q"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *p = vj_fmt("/api/v1/timeline?%s", cases[i][0]);
        vj_resp_t *r = vj_get(srv, p);
        cr_log_info("checking %s", p);
        vj_assert_problem(r, 400, cases[i][1]);
        vj_resp_free(r);
        free(p);
    }
    /* the same from and to, a leap day, and an underscore are fine */
    static const char *const fine[] = {
        "/api/v1/timeline?from=2025-04&to=2025-04",
        "/api/v1/timeline?from=2024-02-29", "/api/v1/timeline?_=123",
        "/api/v1/timeline?type=visit,visit", NULL};
    for (size_t i = 0; fine[i]; i++) {
        vj_resp_t *r = vj_get(srv, fine[i]);
        cr_expect_eq(r->status, 200, "%s: %ld %.200s", fine[i], r->status,
                     r->body);
        vj_resp_free(r);
    }
    vj_assert_healthy(srv);
}

/* --- Boilerplate and gold ----------------------------------------------- */

Test(timeline, nothing_from_stripped_boilerplate) {
    static const char *const gone[] = {"Lào",
                                       "800 triệu Euro",
                                       "Trung Quốc thông tin",
                                       "Cùng chuyên mục",
                                       "Ý kiến bạn đọc",
                                       NULL};
    json_t *all = vj_get_all(srv, "/api/v1/timeline");
    size_t i;
    json_t *ev;
    json_array_foreach(all, i, ev) {
        for (size_t g = 0; gone[g]; g++) {
            cr_expect(strstr(vj_jstr(ev, "title"), gone[g]) == NULL,
                      "event %s title holds \"%s\"", vj_jstr(ev, "id"),
                      gone[g]);
            size_t k;
            json_t *s;
            json_array_foreach(json_object_get(ev, "sources"), k, s) {
                cr_expect(strstr(vj_jstr(s, "quote"), gone[g]) == NULL,
                          "event %s source %zu quotes \"%s\"",
                          vj_jstr(ev, "id"), k, gone[g]);
            }
        }
    }
    json_decref(all);
}

/* The sample's rule: an event matches when an item's date.start begins
 * with the gold date and its title or one of its sources' quotes holds one
 * of the keywords (folded). */
static int gold_matches(const json_t *ev, const json_t *gold) {
    const char *date = vj_jstr(gold, "date");
    if (strncmp(vj_jstr(date_of(ev), "start"), date, strlen(date)) != 0)
        return 0;
    size_t i;
    json_t *kw;
    json_array_foreach(json_object_get(gold, "kw"), i, kw) {
        if (event_says(ev, json_string_value(kw)))
            return 1;
    }
    return 0;
}

Test(timeline, gold_sample_events_found) {
    json_error_t err;
    json_t *gold = json_load_file(GOLD, 0, &err);
    cr_assert(gold, "%s: %s (line %d)", GOLD, err.text, err.line);
    json_t *events = json_object_get(gold, "events");
    cr_assert(json_is_array(events) && json_array_size(events) > 0,
              "%s has no events", GOLD);
    json_t *all = vj_get_all(srv, "/api/v1/timeline");
    size_t gi, found = 0;
    json_t *g;
    json_array_foreach(events, gi, g) {
        const char *gid = vj_jstr(g, "id"), *date = vj_jstr(g, "date");
        cr_assert(gid && date && json_is_array(json_object_get(g, "kw")),
                  "gold event %zu is malformed", gi);
        int hit = 0;
        size_t i;
        json_t *ev;
        json_array_foreach(all, i, ev) {
            if (gold_matches(ev, g)) {
                hit = 1;
                break;
            }
        }
        found += hit;
        char *kws = json_dumps(json_object_get(g, "kw"),
                               JSON_COMPACT | JSON_ENSURE_ASCII);
        cr_expect(hit, "gold %s (date %s, kw %s, doc %s) not found", gid, date,
                  kws, vj_jstr(g, "doc") ? vj_jstr(g, "doc") : "?");
        free(kws);
    }
    cr_log_info("gold events found: %zu of %zu", found,
                json_array_size(events));
    json_decref(all);
    json_decref(gold);
}

/* One real-world event reported several times is one item (issue 3): the
 * April 2025 visit of Prime Minister Ishiba, the 24-25 November 2025 local
 * cooperation forum. */
Test(timeline, one_item_per_real_event) {
    json_t *v =
        vj_get_all(srv, "/api/v1/timeline?type=visit&from=2025-04&to=2025-04");
    size_t i;
    json_t *ev;
    json_array_foreach(v, i, ev) {
        cr_log_info("April 2025 visit %s (%s): %s", vj_jstr(ev, "id"),
                    vj_jstr(date_of(ev), "start"), vj_jstr(ev, "title"));
    }
    cr_expect_eq(json_array_size(v), 1,
                 "%zu visit items in April 2025, expected the one visit "
                 "with all its reports",
                 json_array_size(v));
    json_t *first = json_array_size(v) == 1 ? json_array_get(v, 0) : NULL;
    if (first) {
        cr_expect(event_says(first, "Ishiba"), "the April visit: %s",
                  vj_jstr(first, "title"));
        cr_expect_str_eq(vj_jstr(date_of(first), "start"), "2025-04-27");
        cr_expect_str_eq(vj_jstr(date_of(first), "end"), "2025-04-29");
        cr_expect_geq(json_array_size(json_object_get(first, "sources")), 2,
                      "the April visit has one source");
    }
    json_decref(v);
    /* the plan to hold it (late 2025, planned) stays an item of its own */
    json_t *f = vj_get_all(
        srv, "/api/v1/timeline?type=forum&from=2025-11-24&to=2025-11-25"
             "&planned=false");
    size_t forums = 0;
    json_array_foreach(f, i, ev) {
        forums += event_says(ev, "Diễn đàn hợp tác địa phương");
    }
    cr_expect_eq(forums, 1, "%zu items for the November 2025 forum", forums);
    json_decref(f);
}

/* --- Conditional requests ------------------------------------------------ */

Test(timeline, etag_304) {
    static const char *const paths[] = {"/api/v1/timeline?type=visit",
                                        "/api/v1/timeline?format=timelinejs",
                                        "/api/v1/entities?type=person", NULL};
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
        free(h);
        vj_resp_free(a);
    }
}

/* --- Entities ----------------------------------------------------------- */

static int roles_hold(const json_t *e, const char *role) {
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(e, "roles"), i, r) {
        if (strcmp(json_string_value(r), role) == 0)
            return 1;
    }
    return 0;
}

static const json_t *find_named(const json_t *items, const char *name) {
    size_t i;
    json_t *e;
    json_array_foreach(items, i, e) {
        if (strcmp(vj_jstr(e, "name"), name) == 0)
            return e;
    }
    return NULL;
}

Test(entities, people_with_roles) {
    json_t *people = vj_get_all(srv, "/api/v1/entities?type=person");
    cr_assert_gt(json_array_size(people), 0, "no people");
    const json_t *t = find_named(people, "Takaichi Sanae");
    cr_assert(t, "Takaichi Sanae is not listed among people");
    cr_expect_str_eq(vj_jstr(t, "id"), "takaichi-sanae");
    cr_expect(roles_hold(t, "Thủ tướng"), "Takaichi Sanae: no role Thủ tướng");
    cr_expect_str_eq(vj_jstr(t, "country"), "JP");
    cr_expect_gt(vj_jint(t, "mention_count"), 0);
    json_t *all = vj_get_all(srv, "/api/v1/entities");
    size_t i;
    json_t *e;
    long long prev = -1;
    json_array_foreach(all, i, e) {
        long long n = vj_jint(e, "mention_count");
        cr_expect(prev < 0 || prev >= n, "not most mentioned first at %zu", i);
        prev = n;
        cr_expect(vj_jint(e, "document_count") >= 1 &&
                      vj_jint(e, "document_count") <= 5,
                  "%s: document_count", vj_jstr(e, "id"));
        cr_expect_leq(json_array_size(json_object_get(e, "mentions")), 5,
                      "%s: the list gives more than 5 mentions",
                      vj_jstr(e, "id"));
    }
    json_decref(all);
    json_decref(people);
}

Test(entities, type_filter) {
    static const char *const types[] = {"person", "organization", "place"};
    json_t *all = vj_get_all(srv, "/api/v1/entities");
    size_t sum = 0;
    for (size_t t = 0; t < 3; t++) {
        char *p = vj_fmt("/api/v1/entities?type=%s", types[t]);
        json_t *got = vj_get_all(srv, p);
        cr_expect_gt(json_array_size(got), 0, "%s: none", p);
        size_t i;
        json_t *e;
        json_array_foreach(got, i, e) {
            cr_expect_str_eq(vj_jstr(e, "type"), types[t], "%s: %s", p,
                             vj_jstr(e, "id"));
        }
        sum += json_array_size(got);
        json_decref(got);
        free(p);
    }
    cr_expect_eq(sum, json_array_size(all),
                 "people + organisations + places != all entities");
    json_decref(all);
}

Test(entities, q_accent_insensitive) {
    static const char *const qs[] = {"pham%20minh%20chinh",
                                     "Ph%E1%BA%A1m%20Minh%20Ch%C3%ADnh",
                                     "PHAM%20MINH", NULL};
    for (size_t i = 0; qs[i]; i++) {
        char *p = vj_fmt("/api/v1/entities?q=%s", qs[i]);
        json_t *got = vj_get_all(srv, p);
        const json_t *e = find_named(got, "Phạm Minh Chính");
        cr_expect(e, "%s does not find Phạm Minh Chính", p);
        if (e) {
            cr_expect_str_eq(vj_jstr(e, "id"), "pham-minh-chinh");
            cr_expect_str_eq(vj_jstr(e, "type"), "person");
        }
        json_decref(got);
        free(p);
    }
    vj_resp_t *r = vj_get(srv, "/api/v1/entities?q=");
    vj_assert_problem(r, 400, "q");
    vj_resp_free(r);
    static const char *const bad[][2] = {{"type=city", "type"},
                                         {"sort=size", "sort"},
                                         {"document=nope", "document"},
                                         {"role=x", "role"}};
    for (size_t i = 0; i < 4; i++) {
        char *p = vj_fmt("/api/v1/entities?%s", bad[i][0]);
        r = vj_get(srv, p);
        vj_assert_problem(r, 400, bad[i][1]);
        vj_resp_free(r);
        free(p);
    }
}

/* s folded and reduced to its ASCII letters and digits, so that spaces,
 * hyphens and dashes do not count ("Việt – Nhật" = "Việt-Nhật" = "viet
 * nhat": the matcher takes any dash alike). A new string. */
static char *squash(const char *s) {
    char *f = vj_fold(s), *w = f;
    for (const char *r = f; *r; r++)
        if ((*r >= 'a' && *r <= 'z') || (*r >= '0' && *r <= '9'))
            *w++ = *r;
    *w = '\0';
    return f;
}

static int squashed_has(const char *hay, const char *needle) {
    char *h = squash(hay), *n = squash(needle);
    int hit = *n && strstr(h, n) != NULL;
    free(h);
    free(n);
    return hit;
}

/* Is the quote part of the entity's name or of one of its aliases (case,
 * marks, spaces and dashes aside)? */
static int names_it(const json_t *e, const char *quote) {
    if (squashed_has(vj_jstr(e, "name"), quote))
        return 1;
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(e, "aliases"), i, a) {
        if (squashed_has(json_string_value(a), quote))
            return 1;
    }
    return 0;
}

/* Asserts the detail of entity id: every mention slices the text to the
 * name (or an alias, or part of one: a surname-only repeat), the count
 * matches, and its events are timeline events it takes part in. Returns
 * the detail. */
static json_t *check_entity(const char *id) {
    char *p = vj_fmt("/api/v1/entities/%s", id);
    json_t *e = vj_get_json(srv, p);
    cr_expect_str_eq(vj_jstr(e, "id"), id);
    json_t *ms = json_object_get(e, "mentions");
    cr_assert(json_is_array(ms) && json_array_size(ms) > 0, "%s: no mentions",
              p);
    cr_expect_eq(vj_jint(e, "mention_count"), (long long)json_array_size(ms),
                 "%s: mention_count %lld, %zu mentions", p,
                 vj_jint(e, "mention_count"), json_array_size(ms));
    size_t i;
    json_t *m;
    json_array_foreach(ms, i, m) {
        char *what = vj_fmt("%s mention %zu", id, i);
        vj_check_span(srv, what, m);
        cr_expect(names_it(e, vj_jstr(m, "quote")),
                  "%s: quote \"%s\" is not its name or an alias", what,
                  vj_jstr(m, "quote"));
        free(what);
    }
    json_t *evs = json_object_get(e, "events");
    cr_assert(json_is_array(evs), "%s: no events array", p);
    json_t *ev;
    json_array_foreach(evs, i, ev) {
        char *ep = vj_fmt("/api/v1/timeline/%s", vj_jstr(ev, "id"));
        json_t *full = vj_get_json(srv, ep);
        cr_expect_str_eq(vj_jstr(full, "title"), vj_jstr(ev, "title"), "%s",
                         ep);
        cr_expect(json_equal(json_object_get(full, "date"),
                             json_object_get(ev, "date")),
                  "%s: date", ep);
        int in = 0;
        size_t k;
        json_t *a;
        json_array_foreach(json_object_get(full, "actors"), k, a) {
            in |= strcmp(vj_jstr(a, "id"), id) == 0;
        }
        json_array_foreach(json_object_get(full, "places"), k, a) {
            in |= strcmp(vj_jstr(a, "id"), id) == 0;
        }
        cr_expect(in, "%s lists event %s, which does not have it", p,
                  vj_jstr(ev, "id"));
        json_decref(full);
        free(ep);
    }
    free(p);
    return e;
}

Test(entities, detail_mentions_and_events) {
    json_t *all = vj_get_all(srv, "/api/v1/entities");
    size_t i;
    json_t *e;
    json_array_foreach(all, i, e) {
        json_t *d = check_entity(vj_jstr(e, "id"));
        json_decref(d);
    }
    json_t *ish = check_entity("ishiba-shigeru");
    int april = 0;
    json_t *ev;
    json_array_foreach(json_object_get(ish, "events"), i, ev) {
        april |= strncmp(vj_jstr(date_of(ev), "start"), "2025-04", 7) == 0;
    }
    cr_expect(april, "ishiba-shigeru has no April 2025 event");
    json_decref(ish);
    vj_resp_t *r = vj_get(srv, "/api/v1/entities/no-such-entity");
    vj_assert_problem(r, 404, NULL);
    vj_resp_free(r);
    json_decref(all);
    vj_docs_free();
}

Test(entities, document_filter) {
    json_t *all = vj_get_all(srv, "/api/v1/entities?document="
                                  "001_58805106130a1a09");
    cr_expect_gt(json_array_size(all), 0);
    size_t i;
    json_t *e;
    json_array_foreach(all, i, e) {
        char *p = vj_fmt("/api/v1/entities/%s", vj_jstr(e, "id"));
        json_t *d = vj_get_json(srv, p);
        long long in_doc = 0;
        size_t k;
        json_t *m;
        json_array_foreach(json_object_get(d, "mentions"), k, m) {
            in_doc +=
                strcmp(vj_jstr(m, "document_id"), "001_58805106130a1a09") == 0;
        }
        cr_expect_eq(vj_jint(e, "mention_count"), in_doc,
                     "%s: %lld mentions in 001, the detail has %lld", p,
                     vj_jint(e, "mention_count"), in_doc);
        json_decref(d);
        free(p);
    }
    json_decref(all);
}

Test(entities, places_keep_former_names) {
    /* A province merged in 2025 is listed under its current name with its
     * former names as aliases, and a former name finds it. */
    json_t *places = vj_get_all(srv, "/api/v1/entities?type=place");
    size_t i;
    json_t *e;
    int with_alias = 0;
    json_array_foreach(places, i, e) {
        with_alias |= json_array_size(json_object_get(e, "aliases")) > 0;
    }
    cr_expect(with_alias, "no mentioned place has an alias");
    json_decref(places);
    json_t *got = vj_get_all(srv, "/api/v1/entities?type=place&q=tra%20vinh");
    const json_t *vl = find_named(got, "Vĩnh Long");
    cr_expect(vl, "q=tra vinh does not find Vĩnh Long");
    if (vl) {
        int has = 0;
        json_array_foreach(json_object_get(vl, "aliases"), i, e) {
            has |= strcmp(json_string_value(e), "Trà Vinh") == 0;
        }
        cr_expect(has, "Vĩnh Long does not keep Trà Vinh as an alias");
        cr_expect_str_eq(vj_jstr(vl, "id"), "vinh-long");
    }
    json_decref(got);
}
