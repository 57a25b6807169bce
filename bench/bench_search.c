/* bench_search.c - in-process search benchmark: our index against SQLite
 * FTS5 (tokenize "unicode61 remove_diacritics 2") on the same passages.
 *
 *   bench_search [--corpus DIR] [--repeat N] [--seconds S]
 *
 * Loads the corpus (default data/corpus), repeats its documents N times
 * (default 100; each copy is a document of its own) so there is something
 * to measure, builds both indexes (timed), then runs a fixed query mix: for
 * each query the hit counts of both engines (passages matched), so
 * differences in matching are visible, and the time per query: ours =
 * parse + search (total, facets, top 10) + snippets and highlights of the
 * 10; FTS5 = the top 10 by rank with snippet() plus count(*). Each query
 * runs for about S / (number of queries) seconds (default S = 10). */
#include "vjcorpus/common.h"
#include "vjcorpus/corpus.h"
#include "vjcorpus/index.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each query as we take it and as FTS5 syntax writes it. */
static const struct {
    const char *ours, *fts;
} queries[] = {
    {"ha noi", "ha noi"},
    {"Hà Nội", "Hà Nội"},
    {"hoi dam", "hoi dam"},
    {"hội đàm", "hội đàm"},
    {"dien gio", "dien gio"},
    {"\"điện gió\"", "\"điện gió\""},
    {"duong sat do thi", "duong sat do thi"},
    {"đường sắt đô thị", "đường sắt đô thị"},
    {"Suzunami", "Suzunami"},
    {"Takaichi", "Takaichi"},
    {"Taka*", "Taka*"},
    {"LOTUSat-1", "\"LOTUSat-1\""},
    {"nam", "nam"},
    {"Nhật Bản", "Nhật Bản"},
    {"hoà bình", "hoà bình"},
    {"ODA -Nhật", "ODA NOT Nhật"},
    {"Suzunami OR Takaichi", "Suzunami OR Takaichi"},
    {"hợp tác kinh tế", "hợp tác kinh tế"},
    {"xyzzyqq", "xyzzyqq"},
};

static void die(const char *what, int rc) {
    fprintf(stderr, "bench_search: %s: %s\n", what, vj_strerror(rc));
    exit(1);
}

static corpus_t *load(const char *dir, int repeat) {
    corpus_lexicon_t *lex = NULL;
    int rc = corpus_lexicon_load("data/lexicon", NULL, NULL, &lex);
    if (rc != 0)
        die("data/lexicon", rc);
    corpus_options_t o = {.dir = dir, .lexicon = lex};
    corpus_t *seed = NULL;
    if ((rc = corpus_load(&o, &seed)) != 0)
        die(dir, rc);
    size_t n = corpus_doc_count(seed);
    corpus_doc_t **docs = vj_calloc(n * (size_t)repeat + 1, sizeof *docs);
    size_t k = 0;
    for (int r = 0; r < repeat; r++) {
        for (size_t i = 0; i < n; i++) {
            const corpus_doc_t *d = corpus_doc_at(seed, i);
            char id[256], file[300];
            snprintf(id, sizeof id, "%s_%05d", d->id, r);
            snprintf(file, sizeof file, "%s.txt", id);
            corpus_meta_t meta = {
                .title = d->title,
                .published = d->published.iso[0] ? d->published.iso : NULL};
            if ((rc = corpus_doc_parse(id, file, d->text, d->text_len, &meta,
                                       lex, NULL, NULL, &docs[k])) != 0)
                die(file, rc);
            k++;
        }
    }
    corpus_t *c = NULL;
    if ((rc = corpus_from_docs(docs, k, &c)) != 0)
        die("corpus", rc);
    free(docs);
    corpus_unref(seed);
    corpus_lexicon_free(lex);
    return c;
}

static void sql_exec(sqlite3 *db, const char *sql) {
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "bench_search: %s: %s\n", sql, err);
        exit(1);
    }
}

static sqlite3 *fts_build(const corpus_t *c) {
    sqlite3 *db;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        exit(1);
    sql_exec(db, "CREATE VIRTUAL TABLE p USING fts5(body, tokenize = "
                 "'unicode61 remove_diacritics 2')");
    sql_exec(db, "BEGIN");
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "INSERT INTO p(rowid, body) VALUES (?, ?)", -1, &st,
                       NULL);
    sqlite3_int64 row = 0;
    for (size_t i = 0; i < corpus_doc_count(c); i++) {
        const corpus_doc_t *d = corpus_doc_at(c, i);
        for (size_t k = 0; k < d->paragraph_count; k++) {
            const corpus_span_t *sp = &d->paragraphs[k].span;
            sqlite3_bind_int64(st, 1, row++);
            sqlite3_bind_text(st, 2, d->text + sp->start,
                              (int)(sp->end - sp->start), SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_DONE)
                exit(1);
            sqlite3_reset(st);
        }
    }
    sqlite3_finalize(st);
    sql_exec(db, "COMMIT");
    return db;
}

/* One of our queries, as the API runs it. Returns the total. */
static size_t ours_once(const index_t *ix, const char *q) {
    index_query_t *query;
    if (index_query_parse(q, strlen(q), &query, NULL) != 0)
        return 0;
    index_search_options_t o = {NULL, 0, 10};
    index_result_t r;
    index_search(ix, query, &o, &r);
    for (size_t i = 0; i < r.hit_count; i++) {
        char *snippet;
        index_span_t *spans;
        size_t n;
        index_render(ix, &r, &r.hits[i], &snippet, &spans, &n);
        free(snippet);
        free(spans);
    }
    size_t total = r.total;
    index_result_cleanup(&r);
    index_query_free(query);
    return total;
}

static size_t fts_once(sqlite3_stmt *top, sqlite3_stmt *count, const char *q) {
    sqlite3_bind_text(top, 1, q, -1, SQLITE_STATIC);
    while (sqlite3_step(top) == SQLITE_ROW)
        (void)sqlite3_column_text(top, 1);
    sqlite3_reset(top);
    sqlite3_bind_text(count, 1, q, -1, SQLITE_STATIC);
    size_t n = 0;
    if (sqlite3_step(count) == SQLITE_ROW)
        n = (size_t)sqlite3_column_int64(count, 0);
    sqlite3_reset(count);
    return n;
}

int main(int argc, char **argv) {
    const char *dir = "data/corpus";
    int repeat = 100;
    double seconds = 10;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--corpus") == 0)
            dir = argv[i + 1];
        else if (strcmp(argv[i], "--repeat") == 0)
            repeat = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--seconds") == 0)
            seconds = atof(argv[i + 1]);
    }
    if (repeat < 1)
        repeat = 1;
    corpus_t *c = load(dir, repeat);
    uint64_t t0 = vj_now_us();
    index_t *ix;
    index_build(c, &ix);
    uint64_t t1 = vj_now_us();
    sqlite3 *db = fts_build(c);
    uint64_t t2 = vj_now_us();
    printf("corpus: %s x %d = %zu documents, %zu passages, %zu MB of text\n",
           dir, repeat, corpus_doc_count(c), index_passage_count(ix),
           corpus_byte_total(c) >> 20);
    printf("build: vjcorpus %.1f ms (%zu exact + %zu folded terms, %.1f MB "
           "postings); FTS5 %.1f ms\n\n",
           (double)(t1 - t0) / 1000.0, index_term_count(ix, 0),
           index_term_count(ix, 1),
           (double)index_postings_bytes(ix) / (1 << 20),
           (double)(t2 - t1) / 1000.0);

    sqlite3_stmt *top, *count;
    sqlite3_prepare_v2(db,
                       "SELECT rowid, snippet(p, 0, '<mark>', '</mark>', "
                       "'…', 30) FROM p WHERE p MATCH ?1 ORDER BY rank "
                       "LIMIT 10",
                       -1, &top, NULL);
    sqlite3_prepare_v2(db, "SELECT count(*) FROM p WHERE p MATCH ?1", -1,
                       &count, NULL);
    size_t nq = VJ_ARRAY_SIZE(queries);
    uint64_t budget = (uint64_t)(seconds * 1e6 / (double)nq / 2);
    double ours_total = 0, fts_total = 0;
    printf("%-24s %9s %9s %12s %12s\n", "query", "hits", "fts5 hits", "us/q",
           "fts5 us/q");
    for (size_t i = 0; i < nq; i++) {
        size_t hits = ours_once(ix, queries[i].ours), runs = 0;
        uint64_t s = vj_now_us(), e;
        do {
            ours_once(ix, queries[i].ours);
            runs++;
        } while ((e = vj_now_us()) - s < budget);
        double us = (double)(e - s) / (double)runs;
        ours_total += us;
        size_t fhits = fts_once(top, count, queries[i].fts), fruns = 0;
        s = vj_now_us();
        do {
            fts_once(top, count, queries[i].fts);
            fruns++;
        } while ((e = vj_now_us()) - s < budget);
        double fus = (double)(e - s) / (double)fruns;
        fts_total += fus;
        printf("%-24s %9zu %9zu %12.1f %12.1f\n", queries[i].ours, hits, fhits,
               us, fus);
    }
    /* each query once: the mix's throughput on one thread */
    printf("\nqueries/s over the mix (one thread): vjcorpus %.0f, FTS5 "
           "%.0f\n",
           (double)nq / (ours_total / 1e6), (double)nq / (fts_total / 1e6));
    sqlite3_finalize(top);
    sqlite3_finalize(count);
    sqlite3_close(db);
    index_free(ix);
    corpus_unref(c);
    return 0;
}
