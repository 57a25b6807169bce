/* test_api_stats.c - GET /api/v1/stats against the real server on
 * data/corpus: the corpus figures agree with the other endpoints, the top
 * terms leave stop words out, and bad values are 400. */
#include "harness.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static vj_server_t *srv;

static void start(void) {
    srv = vj_server_start(VJ_CORPUS, NULL);
}

static void stop(void) {
    vj_server_stop(srv);
    srv = NULL;
}

TestSuite(stats, .init = start, .fini = stop, .timeout = 120);

static long long total_of(const char *path) {
    json_t *j = vj_get_json(srv, path);
    long long t = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    return t;
}

Test(stats, figures_agree_with_the_lists) {
    json_t *s = vj_get_json(srv, "/api/v1/stats");
    cr_assert_eq(json_integer_value(json_object_get(s, "documents")), 5);
    json_t *counts = json_object_get(s, "counts");
    cr_assert_eq(json_integer_value(json_object_get(counts, "events")),
                 total_of("/api/v1/timeline?limit=1"));
    cr_assert_eq(json_integer_value(json_object_get(counts, "entities")),
                 total_of("/api/v1/entities?limit=1"));
    cr_assert_eq(json_integer_value(json_object_get(counts, "projects")),
                 total_of("/api/v1/projects?limit=1"));
    cr_assert_eq(json_integer_value(json_object_get(counts, "statistics")),
                 total_of("/api/v1/statistics?limit=1"));
    /* words: the sum over the documents list */
    json_t *docs = vj_get_json(srv, "/api/v1/documents?limit=100");
    long long words = 0, paragraphs = 0;
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(docs, "items"), i, d) {
        words += json_integer_value(json_object_get(d, "words"));
        paragraphs += json_integer_value(json_object_get(d, "paragraph_count"));
    }
    cr_assert_eq(json_integer_value(json_object_get(s, "words")), words);
    cr_assert_eq(json_integer_value(json_object_get(s, "paragraphs")),
                 paragraphs);
    json_t *pub = json_object_get(s, "published");
    cr_assert_str_eq(json_string_value(json_object_get(pub, "from")),
                     "2023-11-26T13:54:00+07:00");
    cr_assert_str_eq(json_string_value(json_object_get(pub, "to")),
                     "2025-11-28");
    json_t *per_year =
        json_object_get(json_object_get(s, "per_year"), "documents");
    cr_assert_eq(json_integer_value(json_object_get(per_year, "2023")), 2);
    cr_assert_eq(json_integer_value(json_object_get(per_year, "2025")), 3);
    json_decref(docs);
    json_decref(s);
}

Test(stats, top_terms_skip_stop_words) {
    json_t *s = vj_get_json(srv, "/api/v1/stats?top=30");
    json_t *terms = json_object_get(s, "top_terms");
    json_t *syl = json_object_get(terms, "syllables");
    json_t *words = json_object_get(terms, "words");
    cr_assert_eq(json_array_size(syl), 30);
    cr_assert_eq(json_array_size(words), 30);
    int viet_nam = 0;
    long long prev = -1;
    size_t i;
    json_t *t;
    json_array_foreach(syl, i, t) {
        const char *term = json_string_value(json_object_get(t, "term"));
        long long c = json_integer_value(json_object_get(t, "count"));
        cr_assert(prev < 0 || c <= prev, "not ordered by count");
        prev = c;
        cr_assert(strcmp(term, "và") != 0 && strcmp(term, "của") != 0 &&
                      strcmp(term, "các") != 0,
                  "stop word '%s' among the top terms", term);
        cr_assert(strpbrk(term, "0123456789") == NULL, "number '%s'", term);
    }
    json_array_foreach(words, i, t) {
        const char *term = json_string_value(json_object_get(t, "term"));
        cr_assert(strchr(term, ' ') != NULL, "'%s' is not two syllables", term);
        viet_nam |= strcmp(term, "việt nam") == 0;
    }
    cr_assert(viet_nam, "'việt nam' is not among the top two-syllable words");
    json_decref(s);
}

Test(stats, bad_values_are_400) {
    const char *bad[] = {"/api/v1/stats?top=0", "/api/v1/stats?top=101",
                         "/api/v1/stats?top=x", "/api/v1/stats?limit=5"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        vj_resp_t *r = vj_get(srv, bad[i]);
        cr_assert_eq(r->status, 400, "%s answered %ld", bad[i], r->status);
        vj_resp_free(r);
    }
}
