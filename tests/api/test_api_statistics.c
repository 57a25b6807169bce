/* test_api_statistics.c - GET /api/v1/statistics against the real server on
 * data/corpus: item fields, exact source offsets and the sentence of each
 * fact, values that agree with their quotes, the gold sample statistics
 * (tests/gold/sample.json, judged by the rule in its "about"), what is not
 * a statistic (dates, years, ordinals, names with numbers, list numbering,
 * the stripped tail of article 003), change facts linked both ways,
 * bracketed conversions, the filters exactly against the full list,
 * sorting, the group=metric series, paging, 400s naming the parameter,
 * ETags and HEAD, and the per-metric counts of /api/v1/stats. */
#include "harness.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define GOLD "tests/gold/sample.json"
#define S "/api/v1/statistics"
#define DOC000 "000_9a418107b7a7cca5"
#define DOC003 "003_53ad46796207618d"

static vj_server_t *srv;

static void start(void) {
    srv = vj_server_start(VJ_CORPUS, NULL);
}

static void stop(void) {
    vj_docs_free();
    vj_server_stop(srv);
    srv = NULL;
}

TestSuite(statistics, .init = start, .fini = stop, .timeout = 180);

/* --- Helpers ---------------------------------------------------------- */

static double jnum(const json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    cr_assert(json_is_number(v), "\"%s\" is not a number", k);
    return json_number_value(v);
}

/* Every item of a list (path has a query, or not), following offset pages
 * of 100. A new array; *total_out (if not NULL) gets the total. */
static json_t *get_all_total(const char *path, long long *total_out) {
    json_t *all = json_array();
    const char *sep = strchr(path, '?') ? "&" : "?";
    long long total = 0;
    for (long off = 0;; off += 100) {
        char *p = vj_fmt("%s%slimit=100&offset=%ld", path, sep, off);
        json_t *j = vj_get_json(srv, p);
        free(p);
        json_t *items = json_object_get(j, "items");
        cr_assert(json_is_array(items), "%s: no items", path);
        json_array_extend(all, items);
        total = vj_jint(j, "total");
        json_decref(j);
        if (off + 100 >= total)
            break;
    }
    if (total_out)
        *total_out = total;
    return all;
}

static json_t *get_all(const char *path) {
    return get_all_total(path, NULL);
}

/* All statistics; fails when there are none. */
static json_t *all_stats(void) {
    json_t *all = get_all(S);
    cr_assert_gt(json_array_size(all), 0, "the corpus yields no statistics");
    return all;
}

/* Folds as tests/gold/sample.json says: NFD, combining marks stripped,
 * đ -> d, lower case. A new string. */
static char *fold(const char *s) {
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n =
        utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
                     UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE |
                         UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD);
    cr_assert(n >= 0, "utf8proc_map failed on %s", s);
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

static int folded_has(const char *hay, const char *needle) {
    if (hay == NULL)
        return 0;
    char *h = fold(hay), *n = fold(needle);
    int hit = strstr(h, n) != NULL;
    free(h);
    free(n);
    return hit;
}

static int in_list(const char *v, const char *const *list) {
    for (size_t i = 0; v && list[i]; i++)
        if (strcmp(v, list[i]) == 0)
            return 1;
    return 0;
}

static int list_index(const char *v, const char *const *list) {
    for (int i = 0; v && list[i]; i++)
        if (strcmp(v, list[i]) == 0)
            return i;
    return -1;
}

static const char *const metrics[] = {
    "trade",    "export",    "import",    "investment", "oda",
    "loan",     "visitors",  "residents", "workers",    "trainees",
    "students", "companies", "projects",  "localities", "infrastructure",
    "target",   "other",     NULL};
static const char *const units[] = {"USD",     "EUR",      "JPY",    "VND",
                                    "%",       "km",       "person", "company",
                                    "project", "locality", "other",  NULL};
static const char *const approxes[] = {"exact",     "about",  "more_than",
                                       "less_than", "nearly", NULL};
static const char *const precisions[] = {"day",     "week", "month",
                                         "quarter", "year", NULL};

static const json_t *find_id(const json_t *items, const char *id) {
    size_t i;
    json_t *p;
    json_array_foreach(items, i, p) {
        if (id && strcmp(vj_jstr(p, "id"), id) == 0)
            return p;
    }
    return NULL;
}

static long index_of(const json_t *items, const char *id) {
    size_t i;
    json_t *p;
    json_array_foreach(items, i, p) {
        if (strcmp(vj_jstr(p, "id"), id) == 0)
            return (long)i;
    }
    return -1;
}

/* "value unit (metric) «quote»" for messages. A new string. */
static char *describe(const json_t *s) {
    const json_t *src = json_object_get(s, "source");
    return vj_fmt("%s %s %.17g %s (%s, %s) \"%s\"", vj_jstr(s, "id"),
                  vj_jstr(s, "kind"),
                  json_number_value(json_object_get(s, "value")),
                  vj_jstr(s, "unit"), vj_jstr(s, "metric"),
                  vj_jstr(s, "approx"), src ? vj_jstr(src, "quote") : "?");
}

/* The documents (detail answers), fetched once per test process. */

static int doc_index(const char *id) {
    for (int i = 0; i < 5; i++)
        if (id && strcmp(vj_ids[i], id) == 0)
            return i;
    return -1;
}

/* The sentence of a document holding bytes [b, e), or NULL. */
static const json_t *sentence_holding(const json_t *d, long long b,
                                      long long e) {
    size_t i, k;
    json_t *p, *s;
    json_array_foreach(json_object_get(d, "paragraphs"), i, p) {
        json_array_foreach(json_object_get(p, "sentences"), k, s) {
            if (vj_jint(s, "start") <= b && e <= vj_jint(s, "end"))
                return s;
        }
    }
    return NULL;
}

/* The first day of an ISO date at any precision, as YYYY-MM-DD. */
static void first_day(const char *iso, char out[11]) {
    snprintf(out, 11, "%.4s-%.2s-%.2s", iso, strlen(iso) >= 7 ? iso + 5 : "01",
             strlen(iso) >= 10 ? iso + 8 : "01");
}

/* Does the fact's period overlap [lo, hi] (days, YYYY-MM-DD)? Compared as
 * prefixes: it overlaps unless it ends before lo or starts after hi.
 * Undated facts never do. */
static int period_overlaps(const json_t *s, const char *lo, const char *hi) {
    const json_t *p = json_object_get(s, "period");
    if (!json_is_object(p))
        return 0;
    const char *st = vj_jstr(p, "start"), *en = vj_jstr(p, "end");
    return !(strncmp(en, lo, strlen(en)) < 0) &&
           !(strncmp(st, hi, strlen(st)) > 0);
}

/* The sort key of a fact's period (its first day), or "" when undated. */
static void period_key(const json_t *s, char out[11]) {
    const json_t *p = json_object_get(s, "period");
    if (!json_is_object(p)) {
        out[0] = '\0';
        return;
    }
    first_day(vj_jstr(p, "start"), out);
}

/* Is a fact's value within 0.5% of v? */
static int near(double value, double v) {
    return fabs(value - v) <= 0.005 * fabs(v);
}

/* Reads the number a quote gives the way Vietnamese news writes it: `.`
 * for thousands and `,` for decimals ("580.000", "42,5", "2.812,8"), or an
 * English-style decimal before a scale word ("42.5 tỷ"), then scale words
 * (nghìn/ngàn, triệu, tỷ/tỉ and their products). Returns 0 when the quote
 * has no digits. */
static int quote_value(const char *quote, double *out) {
    const char *p = quote;
    while (*p && !(*p >= '0' && *p <= '9'))
        p++;
    if (!*p)
        return 0;
    char num[64];
    size_t n = 0;
    const char *q = p;
    while ((*q >= '0' && *q <= '9') || *q == '.' || *q == ',') {
        if (n < sizeof num - 1)
            num[n++] = *q;
        q++;
    }
    while (n && (num[n - 1] == '.' || num[n - 1] == ',')) {
        n--;
        q--;
    }
    num[n] = '\0';
    char *f = fold(q);
    const char *rest = f;
    while (*rest == ' ')
        rest++;
    int scaled = strncmp(rest, "nghin", 5) == 0 ||
                 strncmp(rest, "ngan", 4) == 0 ||
                 strncmp(rest, "trieu", 5) == 0 ||
                 strncmp(rest, "ty", 2) == 0 || strncmp(rest, "ti ", 3) == 0;
    /* separators */
    char clean[64];
    size_t c = 0;
    int has_comma = strchr(num, ',') != NULL;
    int dot_decimal = 0;
    if (!has_comma && scaled) {
        /* "42.5 tỷ": a dot not followed by exactly three digits */
        const char *dot = strchr(num, '.');
        if (dot && strchr(dot + 1, '.') == NULL && strlen(dot + 1) != 3)
            dot_decimal = 1;
    }
    for (size_t i = 0; i < n; i++) {
        if (num[i] == '.')
            clean[c++] = dot_decimal ? '.' : '\0';
        else if (num[i] == ',')
            clean[c++] = '.';
        else
            clean[c++] = num[i];
        if (clean[c - 1] == '\0')
            c--;
    }
    clean[c] = '\0';
    double v = strtod(clean, NULL);
    for (;;) {
        while (*rest == ' ')
            rest++;
        if (strncmp(rest, "nghin", 5) == 0) {
            v *= 1e3;
            rest += 5;
        } else if (strncmp(rest, "ngan", 4) == 0) {
            v *= 1e3;
            rest += 4;
        } else if (strncmp(rest, "trieu", 5) == 0) {
            v *= 1e6;
            rest += 5;
        } else if (strncmp(rest, "ty", 2) == 0 &&
                   !(rest[2] >= 'a' && rest[2] <= 'z')) {
            v *= 1e9;
            rest += 2;
        } else if (strncmp(rest, "ti", 2) == 0 &&
                   !(rest[2] >= 'a' && rest[2] <= 'z')) {
            v *= 1e9;
            rest += 2;
        } else {
            break;
        }
    }
    free(f);
    *out = v;
    return 1;
}

/* --- Items ------------------------------------------------------------ */

static int is_iso_date(const char *s) {
    size_t n = s ? strlen(s) : 0;
    if (n != 4 && n != 7 && n != 10)
        return 0;
    for (size_t i = 0; i < n; i++) {
        int dash = i == 4 || i == 7;
        if (dash ? s[i] != '-' : !(s[i] >= '0' && s[i] <= '9'))
            return 0;
    }
    return 1;
}

static void check_stat(const json_t *s, const json_t *all) {
    const char *id = vj_jstr(s, "id");
    cr_assert(id && *id, "a statistic without an id");
    char *w = describe(s);
    cr_expect(in_list(vj_jstr(s, "kind"),
                      (const char *const[]){"level", "change", NULL}),
              "%s: kind", w);
    cr_expect(in_list(vj_jstr(s, "metric"), metrics), "%s: metric", w);
    cr_expect(in_list(vj_jstr(s, "unit"), units), "%s: unit", w);
    cr_expect(in_list(vj_jstr(s, "approx"), approxes), "%s: approx", w);
    double v = jnum(s, "value");
    cr_expect(isfinite(v) && v >= 0, "%s: value %g", w, v);
    json_t *vm = json_object_get(s, "value_max");
    if (vm)
        cr_expect(json_is_number(vm) && json_number_value(vm) >= v,
                  "%s: value_max below value", w);
    json_t *ut = json_object_get(s, "unit_text");
    cr_expect(json_is_null(ut) ||
                  (json_is_string(ut) && *json_string_value(ut)),
              "%s: unit_text is neither null nor a string", w);
    const json_t *src = json_object_get(s, "source");
    vj_check_span(srv, w, src);
    const char *quote = vj_jstr(src, "quote");
    if (json_is_string(ut))
        cr_expect(strstr(quote, json_string_value(ut)) != NULL,
                  "%s: unit_text \"%s\" is not in the quote", w,
                  json_string_value(ut));
    /* id: document id, '-', byte offset of the source */
    char *want_id =
        vj_fmt("%s-%lld", vj_jstr(src, "document_id"), vj_jint(src, "start"));
    cr_expect_str_eq(id, want_id, "%s: id is not document-offset", w);
    free(want_id);
    /* text: the sentence holding the source */
    const json_t *d = vj_doc(srv, vj_jstr(src, "document_id"));
    const json_t *sent =
        sentence_holding(d, vj_jint(src, "start"), vj_jint(src, "end"));
    cr_expect(sent != NULL, "%s: no sentence of %s holds the source", w,
              vj_jstr(src, "document_id"));
    if (sent) {
        long long b = vj_jint(sent, "start"), e = vj_jint(sent, "end");
        const char *text = vj_jstr(d, "text");
        cr_expect(strlen(vj_jstr(s, "text")) == (size_t)(e - b) &&
                      memcmp(vj_jstr(s, "text"), text + b, (size_t)(e - b)) ==
                          0,
                  "%s: text \"%s\" is not the sentence [%lld,%lld) \"%.*s\"", w,
                  vj_jstr(s, "text"), b, e, (int)(e - b), text + b);
    }
    /* a qualifier the quote starts with is in approx ("khoảng 10% và 16%"
     * qualifies both, so a quote starting with a digit may be approximate) */
    int digit_first = quote[0] >= '0' && quote[0] <= '9';
    cr_expect(digit_first || strcmp(vj_jstr(s, "approx"), "exact") != 0,
              "%s: the quote starts with a qualifier but approx is exact", w);
    /* period */
    json_t *per = json_object_get(s, "period");
    cr_expect(json_is_null(per) || json_is_object(per), "%s: period", w);
    if (json_is_object(per)) {
        cr_expect(is_iso_date(vj_jstr(per, "start")) &&
                      is_iso_date(vj_jstr(per, "end")) &&
                      strcmp(vj_jstr(per, "start"), vj_jstr(per, "end")) <= 0,
                  "%s: period %s..%s", w, vj_jstr(per, "start"),
                  vj_jstr(per, "end"));
        cr_expect(in_list(vj_jstr(per, "precision"), precisions),
                  "%s: period precision", w);
    }
    /* change and change_of: both ways */
    json_t *ch = json_object_get(s, "change");
    cr_expect(ch != NULL && (json_is_null(ch) || json_is_object(ch)),
              "%s: change must be present, null or an object", w);
    if (json_is_object(ch)) {
        const json_t *c = find_id(all, vj_jstr(ch, "id"));
        cr_expect(c != NULL, "%s: change %s is not listed", w,
                  vj_jstr(ch, "id"));
        if (c) {
            cr_expect_str_eq(vj_jstr(c, "kind"), "change", "%s: change kind",
                             w);
            cr_expect(vj_jstr(c, "change_of") &&
                          strcmp(vj_jstr(c, "change_of"), id) == 0,
                      "%s: its change %s does not point back", w,
                      vj_jstr(c, "id"));
            cr_expect_str_eq(vj_jstr(ch, "unit"), vj_jstr(c, "unit"),
                             "%s: change unit", w);
            cr_expect(fabs(jnum(ch, "value")) == jnum(c, "value"),
                      "%s: change value %g, the change fact has %g", w,
                      jnum(ch, "value"), jnum(c, "value"));
        }
    }
    json_t *co = json_object_get(s, "change_of");
    if (co) {
        cr_expect_str_eq(vj_jstr(s, "kind"), "change",
                         "%s: change_of on a level", w);
        const json_t *f = find_id(all, json_string_value(co));
        cr_expect(f != NULL, "%s: change_of %s is not listed", w,
                  json_string_value(co));
        if (f)
            cr_expect(json_is_object(json_object_get(f, "change")) &&
                          strcmp(vj_jstr(json_object_get(f, "change"), "id"),
                                 id) == 0,
                      "%s: %s's change does not point back", w,
                      vj_jstr(f, "id"));
    }
    if (strcmp(vj_jstr(s, "kind"), "change") == 0)
        cr_expect_str_eq(vj_jstr(s, "unit"), "%", "%s: a change not in %%", w);
    /* subject */
    json_t *sub = json_object_get(s, "subject");
    if (sub) {
        cr_expect(json_is_object(sub), "%s: subject", w);
        const char *ends[] = {"from", "to"};
        for (size_t k = 0; k < 2; k++) {
            json_t *e = json_object_get(sub, ends[k]);
            cr_expect(json_is_null(e) ||
                          (json_is_object(e) && vj_jstr(e, "id") &&
                           vj_jstr(e, "name") && vj_jstr(e, "type")),
                      "%s: subject.%s", w, ends[k]);
        }
    }
    json_t *conv = json_object_get(s, "converted");
    if (conv) {
        cr_expect(json_is_array(conv) && json_array_size(conv) > 0,
                  "%s: converted", w);
        size_t k;
        json_t *x;
        json_array_foreach(conv, k, x) {
            cr_expect(in_list(vj_jstr(x, "unit"), units) &&
                          strcmp(vj_jstr(x, "unit"), vj_jstr(s, "unit")) != 0 &&
                          json_is_number(json_object_get(x, "value")),
                      "%s: converted %zu", w, k);
        }
    }
    free(w);
}

Test(statistics, item_fields_offsets_and_sentences) {
    json_t *all = all_stats();
    cr_log_info("the corpus yields %zu statistics", json_array_size(all));
    size_t i;
    json_t *s;
    int prev_doc = -1;
    long long prev_start = -1;
    json_array_foreach(all, i, s) {
        char *d = describe(s);
        cr_log_info("%s", d);
        check_stat(s, all);
        /* corpus order: document, then offset; ids unique */
        const json_t *src = json_object_get(s, "source");
        int di = doc_index(vj_jstr(src, "document_id"));
        long long st = vj_jint(src, "start");
        cr_expect(di > prev_doc || (di == prev_doc && st > prev_start),
                  "%s is out of corpus order", d);
        prev_doc = di;
        prev_start = st;
        free(d);
    }
    json_decref(all);
}

Test(statistics, values_agree_with_their_quotes) {
    json_t *all = all_stats();
    size_t i, checked = 0;
    json_t *s;
    json_array_foreach(all, i, s) {
        double qv;
        const char *quote = vj_jstr(json_object_get(s, "source"), "quote");
        if (!quote_value(quote, &qv))
            continue;
        checked++;
        char *d = describe(s);
        cr_expect(near(jnum(s, "value"), qv),
                  "%s: value %.17g, but the quote reads %.17g", d,
                  jnum(s, "value"), qv);
        free(d);
    }
    cr_log_info("%zu values checked against their quotes", checked);
    cr_expect_gt(checked, 0);
    json_decref(all);
}

/* --- Gold --------------------------------------------------------------- */

/* The rule of tests/gold/sample.json: value within 0.5%, the unit (null:
 * any), the metric where given. */
static int gold_matches(const json_t *s, const json_t *g) {
    if (!near(jnum(s, "value"), jnum(g, "value")))
        return 0;
    json_t *u = json_object_get(g, "unit");
    if (json_is_string(u) &&
        strcmp(json_string_value(u), vj_jstr(s, "unit")) != 0)
        return 0;
    json_t *m = json_object_get(g, "metric");
    if (json_is_string(m) &&
        strcmp(json_string_value(m), vj_jstr(s, "metric")) != 0)
        return 0;
    return 1;
}

Test(statistics, gold_sample_statistics_found) {
    json_error_t err;
    json_t *gold = json_load_file(GOLD, 0, &err);
    cr_assert(gold, "%s: %s (line %d)", GOLD, err.text, err.line);
    json_t *gs = json_object_get(gold, "statistics");
    cr_assert(json_is_array(gs) && json_array_size(gs) > 0,
              "%s has no statistics", GOLD);
    json_t *all = all_stats();
    size_t gi, found = 0;
    json_t *g;
    json_array_foreach(gs, gi, g) {
        cr_assert(vj_jstr(g, "id") &&
                      json_is_number(json_object_get(g, "value")),
                  "gold statistic %zu is malformed", gi);
        const json_t *hit = NULL, *near_value = NULL;
        size_t i;
        json_t *s;
        json_array_foreach(all, i, s) {
            if (gold_matches(s, g)) {
                /* prefer a match in the gold's document */
                const char *doc =
                    vj_jstr(json_object_get(s, "source"), "document_id");
                if (!hit || (vj_jstr(g, "doc") &&
                             strncmp(doc, vj_jstr(g, "doc"), 3) == 0))
                    hit = s;
            } else if (!near_value &&
                       near(jnum(s, "value"), jnum(g, "value"))) {
                near_value = s;
            }
        }
        found += hit != NULL;
        char *nd = near_value ? describe(near_value) : NULL;
        json_t *u = json_object_get(g, "unit"),
               *m = json_object_get(g, "metric");
        cr_expect(hit != NULL,
                  "gold %s (%.17g %s, metric %s, doc %s) not found%s%s",
                  vj_jstr(g, "id"), jnum(g, "value"),
                  json_is_string(u) ? json_string_value(u) : "any unit",
                  json_is_string(m) ? json_string_value(m) : "any",
                  vj_jstr(g, "doc") ? vj_jstr(g, "doc") : "?",
                  nd ? "; same value: " : "", nd ? nd : "");
        if (hit) {
            char *hd = describe(hit);
            const char *doc =
                vj_jstr(json_object_get(hit, "source"), "document_id");
            if (vj_jstr(g, "doc") && strncmp(doc, vj_jstr(g, "doc"), 3) != 0)
                cr_log_warn("gold %s matched in %s, not in %s: %s",
                            vj_jstr(g, "id"), doc, vj_jstr(g, "doc"), hd);
            else
                cr_log_info("gold %s: %s", vj_jstr(g, "id"), hd);
            free(hd);
        }
        free(nd);
    }
    cr_log_info("gold statistics found: %zu of %zu", found,
                json_array_size(gs));
    json_decref(all);
    json_decref(gold);
}

/* --- Not statistics ------------------------------------------------------ */

/* Does a fact's source overlap bytes [b, e) of document doc? Returns it. */
static const json_t *fact_over(const json_t *all, const char *doc, size_t b,
                               size_t e) {
    size_t i;
    json_t *s;
    json_array_foreach(all, i, s) {
        const json_t *src = json_object_get(s, "source");
        if (strcmp(vj_jstr(src, "document_id"), doc) != 0)
            continue;
        if ((size_t)vj_jint(src, "start") < e &&
            b < (size_t)vj_jint(src, "end"))
            return s;
    }
    return NULL;
}

static int is_digit(char c) {
    return c >= '0' && c <= '9';
}
static int is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* For every occurrence of needle in every document text, the bytes
 * [at + skip, at + skip + len) (len 0: the run of digits, '/', '-' and '–'
 * from there) must not be in any fact. Returns the number of occurrences. */
static size_t expect_none_after(const json_t *all, const char *needle,
                                size_t skip, size_t len, const char *why) {
    size_t count = 0;
    for (size_t di = 0; di < 5; di++) {
        const char *text = vj_jstr(vj_doc(srv, vj_ids[di]), "text");
        for (const char *p = strstr(text, needle); p;
             p = strstr(p + 1, needle)) {
            size_t b = (size_t)(p - text) + skip, e = b + len;
            if (len == 0) {
                if (!is_digit(text[b]))
                    continue;
                while (is_digit(text[e]) || text[e] == '/' || text[e] == '-' ||
                       strncmp(text + e, "\xE2\x80\x93", 3) == 0)
                    e += text[e] == '\xE2' ? 3 : 1;
            }
            count++;
            const json_t *f = fact_over(all, vj_ids[di], b, e);
            char *d = f ? describe(f) : NULL;
            cr_expect(f == NULL,
                      "%s: \"%.*s\" (in \"%.40s\", %s byte %zu) "
                      "became a statistic: %s",
                      why, (int)(e - b), text + b, p, vj_ids[di], b, d);
            free(d);
        }
    }
    return count;
}

Test(statistics, dates_and_years_are_not_statistics) {
    json_t *all = all_stats();
    static const char *const heads[] = {
        "năm ", "Năm ", "tháng ", "Tháng ", "ngày ", "Ngày ", "giai đoạn ",
        "từ ",  "đến ", "quý ",   "cuối ",  "đầu ",  NULL};
    size_t n = 0;
    for (size_t h = 0; heads[h]; h++) {
        /* only date-like runs: 4-digit years or d/m forms */
        for (size_t di = 0; di < 5; di++) {
            const char *text = vj_jstr(vj_doc(srv, vj_ids[di]), "text");
            size_t hl = strlen(heads[h]);
            for (const char *p = strstr(text, heads[h]); p;
                 p = strstr(p + 1, heads[h])) {
                const char *q = p + hl;
                size_t k = 0;
                while (is_digit(q[k]))
                    k++;
                int year = k == 4 && (q[0] == '1' || q[0] == '2');
                int dm = k >= 1 && k <= 2 && (q[k] == '/' || q[k] == '-');
                int month = (h >= 2 && h <= 5) && k >= 1 && k <= 2;
                int day = (h >= 4 && h <= 5) && k >= 1 && k <= 2;
                if (!(year || dm || month || day))
                    continue;
                size_t e = k;
                while (is_digit(q[e]) || q[e] == '/' || q[e] == '-')
                    e++;
                n++;
                size_t b = (size_t)(q - text);
                const json_t *f = fact_over(all, vj_ids[di], b, b + e);
                char *d = f ? describe(f) : NULL;
                cr_expect(f == NULL,
                          "date \"%.*s\" (after \"%s\", %s byte %zu) became a "
                          "statistic: %s",
                          (int)e, q, heads[h], vj_ids[di], b, d);
                free(d);
            }
        }
    }
    /* and anything written as d/m or m/yyyy */
    for (size_t di = 0; di < 5; di++) {
        const char *text = vj_jstr(vj_doc(srv, vj_ids[di]), "text");
        for (const char *p = strchr(text, '/'); p; p = strchr(p + 1, '/')) {
            if (p == text || !is_digit(p[-1]) || !is_digit(p[1]))
                continue;
            n++;
            const json_t *f = fact_over(all, vj_ids[di], (size_t)(p - text) - 1,
                                        (size_t)(p - text) + 2);
            char *d = f ? describe(f) : NULL;
            cr_expect(f == NULL,
                      "a date with '/' (\"%.12s\", %s) became a "
                      "statistic: %s",
                      p > text + 5 ? p - 5 : text, vj_ids[di], d);
            free(d);
        }
    }
    /* no fact is a bare year */
    size_t i;
    json_t *s;
    json_array_foreach(all, i, s) {
        const char *quote = vj_jstr(json_object_get(s, "source"), "quote");
        size_t k = 0;
        while (is_digit(quote[k]))
            k++;
        double v = jnum(s, "value");
        char *d = describe(s);
        cr_expect(!(quote[k] == '\0' && k == 4 && v >= 1900 && v <= 2100),
                  "a bare year became a statistic: %s", d);
        free(d);
    }
    cr_log_info("%zu date expressions checked", n);
    cr_expect_gt(n, 10, "the corpus should have dates to check");
    json_decref(all);
}

Test(statistics, ordinals_and_rankings_are_not_statistics) {
    json_t *all = all_stats();
    size_t n = 0;
    static const char *const heads[] = {"thứ ",  "Thứ ", "số ", "Số ",
                                        "hạng ", "lần ", NULL};
    for (size_t h = 0; heads[h]; h++)
        n += expect_none_after(all, heads[h], strlen(heads[h]), 0,
                               "ordinal or ranking");
    cr_log_info("%zu ordinals and rankings checked", n);
    /* thứ 4, số 1, số 3, lần thứ 16... are in the corpus */
    cr_expect_gt(n, 5, "the corpus should have ordinals to check");
    json_decref(all);
}

Test(statistics, names_with_numbers_are_not_statistics) {
    json_t *all = all_stats();
    /* each name, and the number inside it that must not be a fact */
    static const char *const names[][2] = {
        {"G7", "7"},
        {"G20", "20"},
        {"2+2", "2+2"},
        {"LOTUSat-1", "1"},
        {"LOTUSat \xE2\x80\x93 1", "1"}, /* LOTUSat – 1 */
        {"Ô Môn 4", "4"},
        {"V1 \xE2\x80\x93 2", "V1 \xE2\x80\x93 2"}, /* V1 – 2 */
        {"Metro số 1", "1"},
        {"Metro số 2", "2"},
        {"tuyến số 1", "1"},
        {"cơ sở 2", "2"},
        {"Vân Phong 2", "2"},
        {"P4G", "4"},
        {"CO2", "2"},
    };
    size_t n = 0, found_names = 0;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        /* the last occurrence of the number in the name */
        const char *num = NULL;
        for (const char *p = strstr(names[k][0], names[k][1]); p;
             p = strstr(p + 1, names[k][1]))
            num = p;
        cr_assert(num, "bad needle %s", names[k][0]);
        size_t c =
            expect_none_after(all, names[k][0], (size_t)(num - names[k][0]),
                              strlen(names[k][1]), "name with a number");
        found_names += c > 0;
        n += c;
    }
    /* and generally: a number glued to letters (G7, V1, LOTUSat-1giai,
     * CO2) or joined by '+' */
    for (size_t di = 0; di < 5; di++) {
        const char *text = vj_jstr(vj_doc(srv, vj_ids[di]), "text");
        for (size_t b = 0; text[b]; b++) {
            if (!is_digit(text[b]) || (b > 0 && is_digit(text[b - 1])))
                continue;
            size_t e = b;
            while (is_digit(text[e]))
                e++;
            int glued =
                (b > 0 && (is_alpha(text[b - 1]) || text[b - 1] == '+')) ||
                (b > 1 && text[b - 1] == '-' && is_alpha(text[b - 2])) ||
                is_alpha(text[e]) || text[e] == '+';
            if (!glued)
                continue;
            n++;
            const json_t *f = fact_over(all, vj_ids[di], b, e);
            char *d = f ? describe(f) : NULL;
            cr_expect(f == NULL,
                      "\"%.*s\" glued to a name (\"%.20s\", %s) "
                      "became a statistic: %s",
                      (int)(e - b), text + b, b > 8 ? text + b - 8 : text,
                      vj_ids[di], d);
            free(d);
        }
    }
    cr_log_info("%zu names with numbers checked (%zu of the listed forms "
                "occur)",
                n, found_names);
    cr_expect_geq(found_names, 8, "the listed names should be in the corpus");
    json_decref(all);
}

Test(statistics, list_numbering_is_not_statistics) {
    json_t *all = all_stats();
    size_t n = 0;
    for (size_t di = 0; di < 5; di++) {
        const json_t *d = vj_doc(srv, vj_ids[di]);
        const char *text = vj_jstr(d, "text");
        /* "(1)" anywhere */
        for (const char *p = strchr(text, '('); p; p = strchr(p + 1, '(')) {
            size_t k = 1;
            while (is_digit(p[k]))
                k++;
            if (k == 1 || p[k] != ')')
                continue;
            n++;
            size_t b = (size_t)(p - text);
            const json_t *f = fact_over(all, vj_ids[di], b, b + k + 1);
            char *ds = f ? describe(f) : NULL;
            cr_expect(f == NULL,
                      "list number \"%.*s\" (%s byte %zu) became a "
                      "statistic: %s",
                      (int)k + 1, p, vj_ids[di], b, ds);
            free(ds);
        }
        /* "3." or "3)" starting a paragraph */
        size_t i;
        json_t *p;
        json_array_foreach(json_object_get(d, "paragraphs"), i, p) {
            size_t b = (size_t)vj_jint(p, "start"), k = 0;
            while (is_digit(text[b + k]))
                k++;
            if (k == 0 || (text[b + k] != '.' && text[b + k] != ')') ||
                is_digit(text[b + k + 1]))
                continue;
            n++;
            const json_t *f = fact_over(all, vj_ids[di], b, b + k + 1);
            char *ds = f ? describe(f) : NULL;
            cr_expect(f == NULL,
                      "list number \"%.*s\" (paragraph %zu of %s) "
                      "became a statistic: %s",
                      (int)k + 1, text + b, i, vj_ids[di], ds);
            free(ds);
        }
    }
    cr_log_info("%zu list numbers checked", n);
    cr_expect_gt(n, 20, "article 001 has numbered lists");
    json_decref(all);
}

Test(statistics, nothing_from_stripped_boilerplate) {
    /* The tail of article 003 (related articles: "EC đang đề xuất huy động
     * 800 triệu Euro…") is stripped. */
    json_t *all = all_stats();
    const char *text3 = vj_jstr(vj_doc(srv, DOC003), "text");
    cr_expect(strstr(text3, "800 triệu Euro") == NULL,
              "article 003's text still holds its stripped tail");
    size_t t3 = strlen(text3);
    size_t i;
    json_t *s;
    json_array_foreach(all, i, s) {
        const json_t *src = json_object_get(s, "source");
        char *d = describe(s);
        cr_expect(strstr(vj_jstr(src, "quote"), "800 triệu") == NULL &&
                      strstr(vj_jstr(s, "text"), "Euro") == NULL,
                  "from the stripped tail: %s", d);
        cr_expect(!(strcmp(vj_jstr(s, "unit"), "EUR") == 0 &&
                    near(jnum(s, "value"), 8e8)),
                  "800 million euros: %s", d);
        if (strcmp(vj_jstr(src, "document_id"), DOC003) == 0)
            cr_expect((size_t)vj_jint(src, "end") <= t3,
                      "beyond the text of 003: %s", d);
        free(d);
    }
    /* q finds nothing there either */
    json_t *j = vj_get_json(srv, S "?q=euro");
    cr_expect_eq(vj_jint(j, "total"), 0, "q=euro finds statistics");
    json_decref(j);
    json_decref(all);
}

/* --- Changes and conversions -------------------------------------------- */

Test(statistics, change_facts_point_at_their_figures) {
    json_t *all = all_stats();
    /* "tổng kim ngạch thương mại hai chiều đạt 42,5 tỷ USD, tăng 11% so với
     * cùng kỳ năm trước" (article 000) */
    const json_t *chg = NULL;
    size_t i, changes = 0;
    json_t *s;
    json_array_foreach(all, i, s) {
        if (strcmp(vj_jstr(s, "kind"), "change") == 0)
            changes++;
        const char *doc = vj_jstr(json_object_get(s, "source"), "document_id");
        if (strcmp(doc, DOC000) == 0 && jnum(s, "value") == 11 &&
            folded_has(vj_jstr(s, "text"), "tang 11%"))
            chg = s;
    }
    cr_log_info("%zu change facts", changes);
    cr_assert(chg != NULL, "no fact for \"tăng 11%%\" in %s", DOC000);
    char *d = describe(chg);
    cr_expect_str_eq(vj_jstr(chg, "kind"), "change", "%s: kind", d);
    cr_expect_str_eq(vj_jstr(chg, "unit"), "%", "%s: unit", d);
    cr_expect_str_eq(vj_jstr(chg, "metric"), "trade", "%s: metric", d);
    const char *of = vj_jstr(chg, "change_of");
    cr_assert(of != NULL, "%s: no change_of", d);
    const json_t *fig = find_id(all, of);
    cr_assert(fig != NULL, "%s: change_of %s is not listed", d, of);
    char *fd = describe(fig);
    cr_expect(near(jnum(fig, "value"), 42.5e9) &&
                  strcmp(vj_jstr(fig, "unit"), "USD") == 0,
              "%s qualifies %s, not 42,5 tỷ USD", d, fd);
    const json_t *fc = json_object_get(fig, "change");
    cr_assert(json_is_object(fc), "%s: no change object", fd);
    cr_expect_str_eq(vj_jstr(fc, "id"), vj_jstr(chg, "id"), "%s: change.id",
                     fd);
    cr_expect(jnum(fc, "value") == 11 && strcmp(vj_jstr(fc, "unit"), "%") == 0,
              "%s: change %g %s, expected +11 %%", fd, jnum(fc, "value"),
              vj_jstr(fc, "unit"));
    /* the same period as its figure (tháng 1-10 năm nay = 2025-01..2025-10)
     */
    cr_expect(json_equal(json_object_get(chg, "period"),
                         json_object_get(fig, "period")),
              "%s: period differs from its figure's", d);
    json_t *per = json_object_get(fig, "period");
    cr_expect(json_is_object(per) &&
                  strcmp(vj_jstr(per, "start"), "2025-01") == 0 &&
                  strcmp(vj_jstr(per, "end"), "2025-10") == 0,
              "%s: period is not 2025-01..2025-10", fd);
    free(fd);
    free(d);
    /* every link is mutual (check_stat checks each side) */
    json_array_foreach(all, i, s) {
        if (json_object_get(s, "change_of") ||
            json_is_object(json_object_get(s, "change")))
            check_stat(s, all);
    }
    json_decref(all);
}

Test(statistics, bracketed_conversions) {
    json_t *all = all_stats();
    /* brackets holding an amount in a currency: "(540 triệu USD)" */
    static const char *const cur[] = {"USD", "yên",  "Yên", "JPY", "đồng",
                                      "VNĐ", "Euro", "EUR", NULL};
    size_t brackets = 0, i;
    json_t *s;
    for (size_t di = 0; di < 5; di++) {
        const char *text = vj_jstr(vj_doc(srv, vj_ids[di]), "text");
        for (const char *p = strchr(text, '('); p; p = strchr(p + 1, '(')) {
            const char *close = strchr(p, ')');
            if (!close || close - p > 40 || !is_digit(p[1]))
                continue;
            int money = 0;
            for (size_t c = 0; cur[c]; c++) {
                const char *u = strstr(p, cur[c]);
                money |= u && u < close;
            }
            if (!money)
                continue;
            brackets++;
            /* the fact right before the bracket carries it as converted */
            size_t at = (size_t)(p - text);
            const json_t *hit = NULL;
            json_array_foreach(all, i, s) {
                const json_t *src = json_object_get(s, "source");
                if (strcmp(vj_jstr(src, "document_id"), vj_ids[di]) == 0 &&
                    (size_t)vj_jint(src, "end") <= at &&
                    (size_t)vj_jint(src, "end") + 2 >= at)
                    hit = s;
            }
            cr_expect(hit && json_is_array(json_object_get(hit, "converted")),
                      "\"%.*s\" in %s: the figure before it has no converted",
                      (int)(close - p + 1), p, vj_ids[di]);
            /* and the bracket is no fact of its own */
            const json_t *own =
                fact_over(all, vj_ids[di], at + 1, (size_t)(close - text));
            cr_expect(own == NULL, "\"%.*s\" in %s became a fact of its own",
                      (int)(close - p + 1), p, vj_ids[di]);
        }
    }
    size_t with = 0;
    json_array_foreach(all, i, s) {
        json_t *c = json_object_get(s, "converted");
        if (!c)
            continue;
        with++;
        char *d = describe(s);
        cr_expect(json_array_size(c) > 0 && folded_has(vj_jstr(s, "text"), "("),
                  "%s: converted without a bracket in its sentence", d);
        free(d);
    }
    cr_log_info("%zu bracketed conversions in the corpus, %zu facts with "
                "converted",
                brackets, with);
    if (brackets == 0)
        cr_expect_eq(with, 0, "converted values the corpus does not give");
    json_decref(all);
}

/* --- Filters ------------------------------------------------------------- */

typedef int (*pred_t)(const json_t *s, const void *arg);

/* Asserts GET S?query (all pages) is exactly the items of all for which
 * ok(item, arg) holds, in the same order. */
static void expect_exact(const json_t *all, const char *query, pred_t ok,
                         const void *arg) {
    char *path = vj_fmt(S "?%s", query);
    long long total;
    json_t *got = get_all_total(path, &total);
    json_t *want = json_array();
    size_t i;
    json_t *s;
    json_array_foreach(all, i, s) {
        if (ok(s, arg))
            json_array_append(want, s);
    }
    cr_expect_eq((size_t)total, json_array_size(want),
                 "%s: total %lld, expected %zu", path, total,
                 json_array_size(want));
    json_array_foreach(got, i, s) {
        char *d = describe(s);
        cr_expect(ok(s, arg), "%s holds %s", path, d);
        free(d);
    }
    cr_expect(json_equal(got, want),
              "%s is not exactly the matching items of "
              "the full list in its order",
              path);
    cr_log_info("%s: %zu", path, json_array_size(got));
    json_decref(want);
    json_decref(got);
    free(path);
}

static int has_metric(const json_t *s, const void *m) {
    return strcmp(vj_jstr(s, "metric"), m) == 0;
}
static int has_unit(const json_t *s, const void *u) {
    return strcmp(vj_jstr(s, "unit"), u) == 0;
}
static int in_doc(const json_t *s, const void *d) {
    return strcmp(vj_jstr(json_object_get(s, "source"), "document_id"), d) == 0;
}
static int text_has(const json_t *s, const void *w) {
    return folded_has(vj_jstr(s, "text"), w);
}
static int any(const json_t *s, const void *arg) {
    (void)s;
    (void)arg;
    return 1;
}

Test(statistics, metric_and_unit_filters_are_exact) {
    json_t *all = all_stats();
    for (size_t m = 0; metrics[m]; m++) {
        char *q = vj_fmt("metric=%s", metrics[m]);
        expect_exact(all, q, has_metric, metrics[m]);
        free(q);
    }
    for (size_t u = 0; units[u]; u++) {
        char *q =
            vj_fmt("unit=%s", strcmp(units[u], "%") == 0 ? "%25" : units[u]);
        expect_exact(all, q, has_unit, units[u]);
        free(q);
    }
    json_decref(all);
}

typedef struct {
    const char *lo, *hi;
} range_t;

static int overlaps(const json_t *s, const void *arg) {
    const range_t *r = arg;
    return period_overlaps(s, r->lo, r->hi);
}

static int usd_trade_2022(const json_t *s, const void *arg) {
    (void)arg;
    static const range_t r = {"2022-01-01", "9999-12-31"};
    return has_unit(s, "USD") && period_overlaps(s, r.lo, r.hi) &&
           folded_has(vj_jstr(s, "text"), "kim ngach");
}

Test(statistics, period_filters_overlap_and_leave_out_undated) {
    json_t *all = all_stats();
    static const struct {
        const char *q;
        range_t r;
    } cases[] = {
        {"from=2025", {"2025-01-01", "9999-12-31"}},
        {"to=2024", {"0000-01-01", "2024-12-31"}},
        {"from=2022&to=2022", {"2022-01-01", "2022-12-31"}},
        {"from=2025-01&to=2025-10", {"2025-01-01", "2025-10-31"}},
        {"from=2025-10-31&to=2025-11", {"2025-10-31", "2025-11-30"}},
        {"from=2025-11-01", {"2025-11-01", "9999-12-31"}},
        {"from=1900&to=2100", {"1900-01-01", "2100-12-31"}},
        {"to=2030-12-31", {"0000-01-01", "2030-12-31"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_exact(all, cases[i].q, overlaps, &cases[i].r);
    /* the 2022 trade figures of article 004 are there */
    json_t *j = vj_get_json(srv, S "?from=2022&to=2022&unit=USD&limit=100");
    size_t n = json_array_size(json_object_get(j, "items"));
    cr_expect_geq(n, 2, "from=2022&to=2022&unit=USD: %zu facts", n);
    json_decref(j);
    /* from=1900&to=2100 is every dated fact: the undated ones are left out */
    size_t dated = 0, i;
    json_t *s;
    json_array_foreach(all, i, s) dated +=
        json_is_object(json_object_get(s, "period"));
    j = vj_get_json(srv, S "?from=1900&to=2100&limit=1");
    cr_expect_eq((size_t)vj_jint(j, "total"), dated);
    json_decref(j);
    expect_exact(all, "unit=USD&from=2022&q=kim%20ngach", usd_trade_2022, NULL);
    json_decref(all);
}

Test(statistics, q_and_document_filters_are_exact) {
    json_t *all = all_stats();
    expect_exact(all, "q=kim%20ngach", text_has, "kim ngach");
    expect_exact(all, "q=KIM%20NG%C3%82CH", text_has, "kim ngach");
    expect_exact(all, "q=Nh%E1%BA%ADt%20B%E1%BA%A3n", text_has, "nhat ban");
    expect_exact(all, "q=du%20lich", text_has, "du lich");
    expect_exact(all, "q=xyzzyqq", text_has, "xyzzyqq");
    for (size_t d = 0; d < 5; d++) {
        char *q = vj_fmt("document=%s", vj_ids[d]);
        expect_exact(all, q, in_doc, vj_ids[d]);
        free(q);
    }
    expect_exact(all, "_=1", any, NULL);
    expect_exact(all, "sort=position&order=asc&group=none", any, NULL);
    json_decref(all);
}

/* --- Sorting, series, paging ---------------------------------------------- */

Test(statistics, sort_by_value_and_period) {
    json_t *all = all_stats();
    json_t *va = get_all(S "?sort=value");
    json_t *vd = get_all(S "?sort=value&order=desc");
    json_t *pa = get_all(S "?sort=period");
    json_t *pd = get_all(S "?sort=period&order=desc");
    json_t *od = get_all(S "?order=desc");
    size_t n = json_array_size(all), i;
    cr_assert(json_array_size(va) == n && json_array_size(vd) == n &&
                  json_array_size(pa) == n && json_array_size(pd) == n &&
                  json_array_size(od) == n,
              "a sorted list has another length");
    for (i = 1; i < n; i++) {
        const json_t *a = json_array_get(va, i - 1), *b = json_array_get(va, i);
        double x = jnum(a, "value"), y = jnum(b, "value");
        cr_expect(x < y || (x == y && index_of(all, vj_jstr(a, "id")) <
                                          index_of(all, vj_jstr(b, "id"))),
                  "sort=value: %s (%g) before %s (%g)", vj_jstr(a, "id"), x,
                  vj_jstr(b, "id"), y);
        /* desc is asc reversed */
        cr_expect_str_eq(vj_jstr(json_array_get(vd, n - i), "id"),
                         vj_jstr(json_array_get(va, i - 1), "id"),
                         "sort=value&order=desc is not sort=value reversed");
        cr_expect_str_eq(vj_jstr(json_array_get(od, n - i), "id"),
                         vj_jstr(json_array_get(all, i - 1), "id"),
                         "order=desc is not corpus order reversed");
    }
    const json_t *lists[] = {pa, pd};
    for (size_t l = 0; l < 2; l++) {
        int undated = 0;
        char prev[11] = "";
        json_t *s;
        json_array_foreach(lists[l], i, s) {
            char k[11];
            period_key(s, k);
            if (!*k) {
                undated = 1;
                continue;
            }
            cr_expect(!undated,
                      "sort=period%s: %s (dated) after an undated "
                      "fact",
                      l ? "&order=desc" : "", vj_jstr(s, "id"));
            if (*prev)
                cr_expect(l ? strcmp(prev, k) >= 0 : strcmp(prev, k) <= 0,
                          "sort=period%s: %s before %s", l ? "&order=desc" : "",
                          prev, k);
            memcpy(prev, k, sizeof prev);
        }
    }
    /* the largest USD figure first */
    json_t *top = vj_get_json(srv, S "?sort=value&order=desc&unit=USD&limit=1");
    json_t *first = json_array_get(json_object_get(top, "items"), 0);
    cr_assert(first, "no USD figure");
    json_t *s;
    json_array_foreach(all, i, s) {
        if (strcmp(vj_jstr(s, "unit"), "USD") == 0)
            cr_expect(jnum(s, "value") <= jnum(first, "value"),
                      "%s is larger than the first of sort=value&order=desc",
                      vj_jstr(s, "id"));
    }
    json_decref(top);
    json_decref(va);
    json_decref(vd);
    json_decref(pa);
    json_decref(pd);
    json_decref(od);
    json_decref(all);
}

/* Checks one group=metric answer against the full list filtered by ok. */
static void expect_series(const json_t *all, const char *query, pred_t ok,
                          const void *arg) {
    char *path =
        vj_fmt(S "?group=metric%s%s&limit=100", *query ? "&" : "", query);
    json_t *j = vj_get_json(srv, path);
    json_t *series = json_object_get(j, "items");
    size_t want_series = 0;
    int prev_metric = -1;
    for (size_t m = 0; metrics[m]; m++) {
        size_t i, c = 0;
        json_t *s;
        json_array_foreach(all, i, s) c +=
            has_metric(s, metrics[m]) && ok(s, arg);
        want_series += c > 0;
    }
    cr_expect_eq((size_t)vj_jint(j, "total"), want_series,
                 "%s: total %lld, expected %zu series", path,
                 vj_jint(j, "total"), want_series);
    cr_expect_eq(json_array_size(series), want_series, "%s: %zu series", path,
                 json_array_size(series));
    size_t gi;
    json_t *g;
    json_array_foreach(series, gi, g) {
        const char *metric = vj_jstr(g, "metric");
        int mi = list_index(metric, metrics);
        cr_expect(mi > prev_metric, "%s: series %s out of metric order", path,
                  metric);
        prev_metric = mi;
        json_t *items = json_object_get(g, "items");
        cr_expect_eq(vj_jint(g, "count"), (long long)json_array_size(items),
                     "%s: %s count", path, metric);
        /* the same facts as the flat list, ordered by period, ties in
         * corpus order, undated last */
        size_t want = 0, i;
        json_t *s;
        json_array_foreach(all, i, s) want +=
            has_metric(s, metric) && ok(s, arg);
        cr_expect_eq(json_array_size(items), want,
                     "%s: %s has %zu facts, "
                     "expected %zu",
                     path, metric, json_array_size(items), want);
        char prev[11] = "";
        long prev_pos = -1;
        int undated = 0;
        json_array_foreach(items, i, s) {
            const json_t *flat = find_id(all, vj_jstr(s, "id"));
            cr_expect(flat && json_equal(s, flat) && ok(s, arg) &&
                          has_metric(s, metric),
                      "%s: %s in series %s differs from the flat list", path,
                      vj_jstr(s, "id"), metric);
            char k[11];
            period_key(s, k);
            long pos = index_of(all, vj_jstr(s, "id"));
            if (!*k) {
                cr_expect(!undated || pos > prev_pos,
                          "%s: undated %s out of corpus order", path,
                          vj_jstr(s, "id"));
                undated = 1;
            } else {
                cr_expect(!undated, "%s: %s dated after an undated fact", path,
                          vj_jstr(s, "id"));
                cr_expect(strcmp(prev, k) <= 0, "%s: %s: %s before %s", path,
                          metric, prev, k);
                if (i > 0 &&
                    json_equal(json_object_get(s, "period"),
                               json_object_get(json_array_get(items, i - 1),
                                               "period")))
                    cr_expect(pos > prev_pos,
                              "%s: %s: same period, out of corpus order", path,
                              vj_jstr(s, "id"));
                memcpy(prev, k, sizeof prev);
            }
            prev_pos = pos;
        }
    }
    json_decref(j);
    free(path);
}

Test(statistics, group_metric_series_by_period) {
    json_t *all = all_stats();
    expect_series(all, "", any, NULL);
    expect_series(all, "metric=trade", has_metric, "trade");
    expect_series(all, "unit=USD", has_unit, "USD");
    expect_series(all, "sort=value&order=desc", any, NULL);
    static const range_t r = {"2022-01-01", "9999-12-31"};
    expect_series(all, "from=2022", overlaps, &r);
    char *q = vj_fmt("document=%s", DOC000);
    expect_series(all, q, in_doc, DOC000);
    free(q);
    /* the trade series: 2022 before 2025 */
    json_t *t = vj_get_json(srv, S "?group=metric&metric=trade");
    json_t *g = json_array_get(json_object_get(t, "items"), 0);
    cr_assert(g, "no trade series");
    cr_expect_str_eq(vj_jstr(g, "metric"), "trade");
    json_t *first = json_array_get(json_object_get(g, "items"), 0);
    cr_expect(json_is_object(json_object_get(first, "period")) &&
                  strncmp(vj_jstr(json_object_get(first, "period"), "start"),
                          "2022", 4) == 0,
              "the trade series does not start in 2022: %s",
              vj_jstr(first, "id"));
    json_decref(t);
    /* paging counts series */
    json_t *whole = vj_get_json(srv, S "?group=metric&limit=100");
    json_t *page = vj_get_json(srv, S "?group=metric&limit=2&offset=1");
    cr_expect_eq(vj_jint(page, "total"), vj_jint(whole, "total"));
    cr_expect_eq(vj_jint(page, "limit"), 2);
    cr_expect_eq(vj_jint(page, "offset"), 1);
    for (size_t i = 0; i < 2; i++)
        cr_expect(
            json_equal(json_array_get(json_object_get(page, "items"), i),
                       json_array_get(json_object_get(whole, "items"), i + 1)),
            "group=metric&limit=2&offset=1: series %zu", i);
    json_decref(page);
    json_decref(whole);
    /* nothing matching: an empty page */
    json_t *none =
        vj_get_json(srv, S "?group=metric&metric=loan&from=1800&to=1800");
    cr_expect_eq(vj_jint(none, "total"), 0);
    cr_expect_eq(json_array_size(json_object_get(none, "items")), 0);
    json_decref(none);
    json_decref(all);
}

Test(statistics, paging_slices_the_list) {
    json_t *all = all_stats();
    json_t *dflt = vj_get_json(srv, S);
    cr_expect_eq(vj_jint(dflt, "limit"), 20);
    cr_expect_eq(vj_jint(dflt, "offset"), 0);
    cr_expect_eq((size_t)vj_jint(dflt, "total"), json_array_size(all));
    json_t *items = json_object_get(dflt, "items");
    cr_expect_eq(json_array_size(items),
                 json_array_size(all) < 20 ? json_array_size(all) : 20);
    size_t i;
    json_t *s;
    json_array_foreach(items, i, s) {
        cr_expect(json_equal(s, json_array_get(all, i)),
                  "default page item %zu", i);
    }
    json_decref(dflt);
    vj_resp_t *r = vj_get(srv, S "?limit=3&offset=2");
    cr_assert_eq(r->status, 200);
    json_t *page = vj_json(r);
    json_array_foreach(json_object_get(page, "items"), i, s) {
        cr_expect(json_equal(s, json_array_get(all, i + 2)),
                  "limit=3&offset=2 item %zu is not item %zu", i, i + 2);
    }
    cr_expect_eq(json_array_size(json_object_get(page, "items")), 3);
    const char *link = vj_header(r, "Link");
    cr_expect(link && strstr(link, "rel=\"next\"") &&
                  strstr(link, "rel=\"prev\""),
              "Link: %s", link ? link : "(none)");
    json_decref(page);
    vj_resp_free(r);
    json_t *past = vj_get_json(srv, S "?offset=1000000");
    cr_expect_eq(json_array_size(json_object_get(past, "items")), 0);
    cr_expect_eq((size_t)vj_jint(past, "total"), json_array_size(all));
    json_decref(past);
    json_decref(all);
}

/* --- Errors, caching, stats ----------------------------------------------- */

Test(statistics, bad_parameters_are_400_naming_them) {
    static const char *const cases[][2] = {
        {"metric=bogus", "metric"},
        {"metric=", "metric"},
        {"metric=Trade", "metric"},
        {"metric=trade,export", "metric"},
        {"unit=bogus", "unit"},
        {"unit=usd", "unit"},
        {"unit=", "unit"},
        {"sort=bogus", "sort"},
        {"sort=date", "sort"},
        {"order=up", "order"},
        {"group=bogus", "group"},
        {"group=unit", "group"},
        {"from=2025-13", "from"},
        {"to=2025-02-30", "to"},
        {"from=25", "from"},
        {"from=2025-4", "from"},
        {"from=2025-05&to=2025-04", "from"},
        {"document=nope", "document"},
        {"document=", "document"},
        {"q=", "q"},
        {"limit=0", "limit"},
        {"limit=101", "limit"},
        {"offset=-1", "offset"},
        {"kind=level", "kind"},
        {"top=5", "top"},
        {"metric=trade&metric=export", "metric"},
        {"q=a&q=b", "q"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *p = vj_fmt(S "?%s", cases[i][0]);
        vj_resp_t *r = vj_get(srv, p);
        cr_log_info("checking %s", p);
        vj_assert_problem(r, 400, cases[i][1]);
        vj_resp_free(r);
        free(p);
    }
    static const char *const fine[] = {S "?_=1",
                                       S "?metric=loan",
                                       S "?unit=%25",
                                       S "?unit=EUR",
                                       S "?group=none",
                                       S "?from=2025&to=2025",
                                       S "?document=" DOC003,
                                       S "?sort=period&order=desc&group=metric",
                                       NULL};
    for (size_t i = 0; fine[i]; i++) {
        vj_resp_t *r = vj_get(srv, fine[i]);
        cr_expect_eq(r->status, 200, "%s: %ld %.200s", fine[i], r->status,
                     r->body);
        vj_resp_free(r);
    }
    vj_resp_t *r = vj_get(srv, S "/x");
    vj_assert_problem(r, 404, NULL);
    vj_resp_free(r);
    vj_assert_healthy(srv);
}

Test(statistics, etag_304_and_head) {
    const char *const paths[] = {S, S "?group=metric",
                                 S "?metric=trade&sort=value&order=desc",
                                 "/api/v1/stats", NULL};
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
    vj_req_t head = {.method = "HEAD"};
    vj_resp_t *b = vj_request(srv, S "?metric=bogus", &head);
    cr_expect_eq(b->status, 400);
    cr_expect_eq(b->body_len, 0);
    vj_resp_free(b);
}

Test(statistics, stats_counts_agree_with_the_list) {
    json_t *all = all_stats();
    json_t *st = vj_get_json(srv, "/api/v1/stats");
    cr_expect_eq((size_t)vj_jint(json_object_get(st, "counts"), "statistics"),
                 json_array_size(all));
    json_t *by = json_object_get(json_object_get(st, "per_type"),
                                 "statistics_by_metric");
    cr_assert(json_is_object(by), "no per_type.statistics_by_metric");
    for (size_t m = 0; metrics[m]; m++) {
        size_t n = 0, i;
        json_t *s;
        json_array_foreach(all, i, s) n += has_metric(s, metrics[m]);
        json_t *v = json_object_get(by, metrics[m]);
        cr_expect_eq(v ? (size_t)json_integer_value(v) : 0, n,
                     "statistics_by_metric.%s: %lld, the list has %zu",
                     metrics[m], v ? (long long)json_integer_value(v) : 0LL, n);
        cr_expect(n > 0 || v == NULL, "statistics_by_metric.%s: 0 listed",
                  metrics[m]);
    }
    json_decref(st);
    json_decref(all);
}
