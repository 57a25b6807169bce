/* bench_search.c - in-process search benchmark: our index against SQLite
 * FTS5 (tokenize "unicode61 remove_diacritics 2") on the same passages.
 *
 *   bench_search [--corpus DIR] [--repeat N] [--queries FILE] [--seconds S]
 *                [--export-passages FILE] [--json FILE]
 *
 * Loads the corpus (default data/corpus) and repeats its documents N times
 * (default 1; each copy is a document of its own, so the tiny seed corpus
 * gives something to measure), builds both indexes (timed: ours with
 * index_build(); FTS5 inserting every paragraph in one transaction and then
 * running 'optimize'), then runs the query mix of FILE (default
 * bench/queries.tsv: tab-separated, our syntax then FTS5 MATCH syntax, the
 * third column is FlexSearch's and ignored here; lines starting with # are
 * comments). For each query: the hit counts of both engines (passages
 * matched), so differences in matching are visible, and the time per
 * query: ours = parse + search (total, facets, top 10) + snippets and
 * highlights of the 10; FTS5 = the top 10 by rank with snippet() plus
 * count(*). Each query runs on each engine, repeated until its budget of
 * S / (2 * number of queries) seconds is spent (default S = 10, the total
 * for the timing); the mix's queries/s = queries / sum of the per-query
 * times. One thread.
 *
 * --export-passages writes the passages FTS5 gets, exactly those bytes, as
 * JSON Lines {"id":ROWID,"text":"..."} (for bench/flexsearch.mjs); --json
 * writes every figure as one JSON object. The human table goes to stdout. */
#include "vjcorpus/common.h"
#include "vjcorpus/corpus.h"
#include "vjcorpus/index.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *ours, *fts, *flex; /* flex: NULL when the line has no third column */
    size_t hits, fts_hits;
    double us, fts_us; /* mean time of one run */
    size_t runs, fts_runs;
} bench_query_t;

static void usage(FILE *f) {
    fprintf(f, "usage: bench_search [--corpus DIR] [--repeat N] "
               "[--queries FILE] [--seconds S]\n"
               "                    [--export-passages FILE] [--json "
               "FILE]\n");
}

static void die(const char *what, int rc) {
    fprintf(stderr, "bench_search: %s: %s\n", what, vj_strerror(rc));
    exit(1);
}

static void die_msg(const char *what, const char *msg) {
    fprintf(stderr, "bench_search: %s: %s\n", what, msg);
    exit(1);
}

/* Current resident set size in kB (VmRSS of /proc/self/status), 0 when
 * unknown. */
static long rss_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    long kb = 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kb = strtol(line + 6, NULL, 10);
            break;
        }
    fclose(f);
    return kb;
}

/* Prints s left-aligned in width columns, counting code points (the
 * queries are NFC Vietnamese: one code point, one column). */
static void print_padded(const char *s, int width) {
    int cols = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        cols += (*p & 0xC0) != 0x80;
    fputs(s, stdout);
    for (; cols < width; cols++)
        putchar(' ');
}

/* ---- the query file ---- */

static bench_query_t *queries_load(const char *path, size_t *n_out) {
    char *buf;
    size_t len;
    int rc = vj_file_read(path, 1 << 20, &buf, &len);
    if (rc != 0)
        die(path, rc);
    bench_query_t *q = NULL;
    size_t n = 0, cap = 0;
    unsigned lineno = 0;
    for (char *line = buf, *next; line && *line; line = next) {
        lineno++;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        size_t l = strlen(line);
        if (l && line[l - 1] == '\r')
            line[--l] = '\0';
        if (l == 0 || line[0] == '#')
            continue;
        char *tab1 = strchr(line, '\t');
        if (!tab1) {
            fprintf(stderr,
                    "bench_search: %s:%u: expected at least two "
                    "tab-separated columns\n",
                    path, lineno);
            exit(1);
        }
        *tab1 = '\0';
        char *fts = tab1 + 1, *flex = NULL;
        char *tab2 = strchr(fts, '\t');
        if (tab2) {
            *tab2 = '\0';
            flex = tab2 + 1;
        }
        if (!*line || !*fts) {
            fprintf(stderr, "bench_search: %s:%u: empty query\n", path, lineno);
            exit(1);
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            q = vj_realloc(q, cap * sizeof *q);
        }
        q[n++] = (bench_query_t){.ours = vj_strdup(line),
                                 .fts = vj_strdup(fts),
                                 .flex = flex ? vj_strdup(flex) : NULL};
    }
    free(buf);
    if (n == 0) {
        fprintf(stderr, "bench_search: %s: no queries\n", path);
        exit(1);
    }
    *n_out = n;
    return q;
}

static void queries_free(bench_query_t *q, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(q[i].ours);
        free(q[i].fts);
        free(q[i].flex);
    }
    free(q);
}

/* ---- the corpus ---- */

static corpus_t *load(const char *dir, int repeat) {
    corpus_lexicon_t *lex = NULL;
    int rc = corpus_lexicon_load("data/lexicon", NULL, NULL, &lex);
    if (rc != 0)
        die("data/lexicon", rc);
    corpus_options_t o = {.dir = dir, .lexicon = lex};
    corpus_t *seed = NULL;
    if ((rc = corpus_load(&o, &seed)) != 0)
        die(dir, rc);
    if (repeat == 1) {
        corpus_lexicon_free(lex);
        return seed;
    }
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

/* ---- FTS5 ---- */

static void sql_exec(sqlite3 *db, const char *sql) {
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "bench_search: %s: %s\n", sql, err);
        sqlite3_free(err);
        exit(1);
    }
}

/* Writes one passage as a JSON Lines record. */
static void export_passage(FILE *f, const char *path, sqlite3_int64 row,
                           const char *text, size_t len) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(row));
    json_t *s = json_stringn(text, len);
    if (!s)
        die_msg(path, "a passage is not valid UTF-8");
    json_object_set_new(o, "text", s);
    if (json_dumpf(o, f, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0 ||
        fputc('\n', f) == EOF)
        die_msg(path, strerror(errno));
    json_decref(o);
}

/* Every paragraph of every document, rowids from 1, in one transaction,
 * then 'optimize' (merges the b-trees into one, as a built index would be
 * kept). *insert_us and *optimize_us get the two times. When export is
 * not NULL, the passages also go there (not timed). */
static sqlite3 *fts_build(const corpus_t *c, FILE *export,
                          const char *export_path, uint64_t *insert_us,
                          uint64_t *optimize_us, sqlite3_int64 *rows) {
    sqlite3 *db;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        die_msg(":memory:", sqlite3_errmsg(db));
    sql_exec(db, "CREATE VIRTUAL TABLE p USING fts5(body, tokenize = "
                 "'unicode61 remove_diacritics 2')");
    if (export) {
        sqlite3_int64 row = 0;
        for (size_t i = 0; i < corpus_doc_count(c); i++) {
            const corpus_doc_t *d = corpus_doc_at(c, i);
            for (size_t k = 0; k < d->paragraph_count; k++) {
                const corpus_span_t *sp = &d->paragraphs[k].span;
                export_passage(export, export_path, ++row, d->text + sp->start,
                               sp->end - sp->start);
            }
        }
    }
    uint64_t t0 = vj_now_us();
    sql_exec(db, "BEGIN");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "INSERT INTO p(rowid, body) VALUES (?, ?)", -1,
                           &st, NULL) != SQLITE_OK)
        die_msg("INSERT", sqlite3_errmsg(db));
    sqlite3_int64 row = 0;
    for (size_t i = 0; i < corpus_doc_count(c); i++) {
        const corpus_doc_t *d = corpus_doc_at(c, i);
        for (size_t k = 0; k < d->paragraph_count; k++) {
            const corpus_span_t *sp = &d->paragraphs[k].span;
            sqlite3_bind_int64(st, 1, ++row);
            sqlite3_bind_text(st, 2, d->text + sp->start,
                              (int)(sp->end - sp->start), SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_DONE)
                die_msg("INSERT", sqlite3_errmsg(db));
            sqlite3_reset(st);
        }
    }
    sqlite3_finalize(st);
    sql_exec(db, "COMMIT");
    uint64_t t1 = vj_now_us();
    sql_exec(db, "INSERT INTO p(p) VALUES('optimize')");
    uint64_t t2 = vj_now_us();
    *insert_us = t1 - t0;
    *optimize_us = t2 - t1;
    *rows = row;
    return db;
}

/* ---- one query on each engine ---- */

/* One of our queries, as the API runs it: parse, search (total, facets,
 * top 10), snippet and highlights of each of the 10. Returns the total.
 * The query was checked to parse. */
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

/* The top 10 by rank with snippets, and count(*). Returns the count, or
 * (size_t)-1 when FTS5 rejects the query. */
static size_t fts_once(sqlite3_stmt *top, sqlite3_stmt *count, const char *q) {
    int rc;
    size_t n = (size_t)-1;
    sqlite3_bind_text(top, 1, q, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(top)) == SQLITE_ROW)
        (void)sqlite3_column_text(top, 1);
    sqlite3_reset(top);
    if (rc != SQLITE_DONE)
        return n;
    sqlite3_bind_text(count, 1, q, -1, SQLITE_STATIC);
    if (sqlite3_step(count) == SQLITE_ROW)
        n = (size_t)sqlite3_column_int64(count, 0);
    sqlite3_reset(count);
    return n;
}

/* ---- the JSON report ---- */

static json_t *ms(uint64_t us) {
    return json_real((double)us / 1000.0);
}

static json_t *qps(double n, double us) {
    return us > 0 ? json_real(n / (us / 1e6)) : json_null();
}

static void write_json(const char *path, json_t *o) {
    if (json_dump_file(o, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
        fprintf(stderr, "bench_search: %s: cannot write\n", path);
        exit(1);
    }
}

/* ---- options ---- */

static int parse_double(const char *s, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < 0)
        return -1;
    *out = v;
    return 0;
}

static int parse_int(const char *s, int lo, int hi, int *out) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

int main(int argc, char **argv) {
    const char *dir = "data/corpus", *qfile = "bench/queries.tsv";
    const char *export_path = NULL, *json_path = NULL;
    int repeat = 1;
    double seconds = 10;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "bench_search: %s: %s\n", a,
                    strncmp(a, "--", 2) == 0 ? "missing value"
                                             : "unknown option");
            usage(stderr);
            return 2;
        }
        const char *v = argv[++i];
        int bad = 0;
        if (strcmp(a, "--corpus") == 0)
            dir = v;
        else if (strcmp(a, "--repeat") == 0)
            bad = parse_int(v, 1, 1000000, &repeat);
        else if (strcmp(a, "--queries") == 0)
            qfile = v;
        else if (strcmp(a, "--seconds") == 0)
            bad = parse_double(v, &seconds);
        else if (strcmp(a, "--export-passages") == 0)
            export_path = v;
        else if (strcmp(a, "--json") == 0)
            json_path = v;
        else {
            fprintf(stderr, "bench_search: %s: unknown option\n", a);
            usage(stderr);
            return 2;
        }
        if (bad) {
            fprintf(stderr, "bench_search: %s: bad value '%s'\n", a, v);
            usage(stderr);
            return 2;
        }
    }

    size_t nq;
    bench_query_t *queries = queries_load(qfile, &nq);
    /* every query must parse (ours) before anything is timed */
    for (size_t i = 0; i < nq; i++) {
        index_query_t *q;
        const char *err = NULL;
        int rc = index_query_parse(queries[i].ours, strlen(queries[i].ours), &q,
                                   &err);
        if (rc != 0)
            die_msg(queries[i].ours, err ? err : vj_strerror(rc));
        index_query_free(q);
    }

    FILE *export = NULL;
    if (export_path && !(export = fopen(export_path, "w")))
        die_msg(export_path, strerror(errno));

    long rss0 = rss_kb();
    uint64_t t0 = vj_now_us();
    corpus_t *c = load(dir, repeat);
    uint64_t t1 = vj_now_us();
    long rss1 = rss_kb();
    index_t *ix;
    index_build(c, &ix);
    uint64_t t2 = vj_now_us();
    long rss2 = rss_kb();
    uint64_t fts_insert_us, fts_optimize_us;
    sqlite3_int64 rows;
    sqlite3 *db = fts_build(c, export, export_path, &fts_insert_us,
                            &fts_optimize_us, &rows);
    long rss3 = rss_kb();
    if (export && fclose(export) != 0)
        die_msg(export_path, strerror(errno));
    sqlite3_int64 fts_mem = sqlite3_memory_used();
    sqlite3_int64 fts_mem_peak = sqlite3_memory_highwater(0);

    size_t passages = index_passage_count(ix);
    printf("corpus: %s x %d = %zu documents, %zu passages (%lld to FTS5), "
           "%.1f MB of text; loaded in %.1f ms\n",
           dir, repeat, corpus_doc_count(c), passages, (long long)rows,
           (double)corpus_byte_total(c) / (1 << 20),
           (double)(t1 - t0) / 1000.0);
    printf("build: vjcorpus %.1f ms (%zu exact + %zu folded terms, %.1f MB "
           "postings); FTS5 %.1f ms (insert %.1f + optimize %.1f; SQLite "
           "heap %.1f MB, peak %.1f MB)\n",
           (double)(t2 - t1) / 1000.0, index_term_count(ix, 0),
           index_term_count(ix, 1),
           (double)index_postings_bytes(ix) / (1 << 20),
           (double)(fts_insert_us + fts_optimize_us) / 1000.0,
           (double)fts_insert_us / 1000.0, (double)fts_optimize_us / 1000.0,
           (double)fts_mem / (1 << 20), (double)fts_mem_peak / (1 << 20));
    if (export_path)
        printf("passages written to %s\n", export_path);
    printf("\n");

    sqlite3_stmt *top, *count;
    if (sqlite3_prepare_v2(db,
                           "SELECT rowid, snippet(p, 0, '<mark>', '</mark>', "
                           "'…', 30) FROM p WHERE p MATCH ?1 ORDER BY rank "
                           "LIMIT 10",
                           -1, &top, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT count(*) FROM p WHERE p MATCH ?1", -1,
                           &count, NULL) != SQLITE_OK)
        die_msg("prepare", sqlite3_errmsg(db));

    uint64_t budget = (uint64_t)(seconds * 1e6 / (double)nq / 2);
    double ours_total = 0, fts_total = 0;
    printf("%-32s %9s %9s %12s %12s\n", "query", "hits", "fts5 hits", "us/q",
           "fts5 us/q");
    for (size_t i = 0; i < nq; i++) {
        bench_query_t *q = &queries[i];
        q->hits = ours_once(ix, q->ours); /* also the warm-up */
        uint64_t s = vj_now_us(), e;
        do {
            ours_once(ix, q->ours);
            q->runs++;
        } while ((e = vj_now_us()) - s < budget);
        q->us = (double)(e - s) / (double)q->runs;
        ours_total += q->us;

        q->fts_hits = fts_once(top, count, q->fts);
        if (q->fts_hits == (size_t)-1)
            die_msg(q->fts, sqlite3_errmsg(db));
        s = vj_now_us();
        do {
            fts_once(top, count, q->fts);
            q->fts_runs++;
        } while ((e = vj_now_us()) - s < budget);
        q->fts_us = (double)(e - s) / (double)q->fts_runs;
        fts_total += q->fts_us;
        print_padded(q->ours, 32);
        printf(" %9zu %9zu %12.1f %12.1f\n", q->hits, q->fts_hits, q->us,
               q->fts_us);
    }
    /* each query once: the mix's throughput on one thread */
    printf("\nqueries/s over the mix (one thread): vjcorpus %.0f, FTS5 "
           "%.0f\n",
           (double)nq / (ours_total / 1e6), (double)nq / (fts_total / 1e6));

    if (json_path) {
        json_t *o = json_object();
        json_object_set_new(o, "tool", json_string("bench_search"));
        json_object_set_new(o, "sqlite_version",
                            json_string(sqlite3_libversion()));
        json_t *cj = json_object();
        json_object_set_new(cj, "dir", json_string(dir));
        json_object_set_new(cj, "repeat", json_integer(repeat));
        json_object_set_new(cj, "documents",
                            json_integer((json_int_t)corpus_doc_count(c)));
        json_object_set_new(cj, "passages", json_integer((json_int_t)passages));
        json_object_set_new(cj, "fts5_rows", json_integer(rows));
        json_object_set_new(cj, "bytes",
                            json_integer((json_int_t)corpus_byte_total(c)));
        json_object_set_new(cj, "words",
                            json_integer((json_int_t)corpus_word_total(c)));
        json_object_set_new(cj, "load_ms", ms(t1 - t0));
        json_object_set_new(o, "corpus", cj);

        json_t *bj = json_object();
        json_t *v = json_object();
        json_object_set_new(v, "ms", ms(t2 - t1));
        json_object_set_new(v, "terms_exact",
                            json_integer((json_int_t)index_term_count(ix, 0)));
        json_object_set_new(v, "terms_folded",
                            json_integer((json_int_t)index_term_count(ix, 1)));
        json_object_set_new(v, "postings_bytes",
                            json_integer((json_int_t)index_postings_bytes(ix)));
        json_object_set_new(v, "rss_growth_kb", json_integer(rss2 - rss1));
        json_object_set_new(bj, "vjcorpus", v);
        json_t *f = json_object();
        json_object_set_new(f, "ms", ms(fts_insert_us + fts_optimize_us));
        json_object_set_new(f, "insert_ms", ms(fts_insert_us));
        json_object_set_new(f, "optimize_ms", ms(fts_optimize_us));
        json_object_set_new(f, "sqlite_heap_bytes", json_integer(fts_mem));
        json_object_set_new(f, "sqlite_heap_peak_bytes",
                            json_integer(fts_mem_peak));
        json_object_set_new(f, "rss_growth_kb", json_integer(rss3 - rss2));
        json_object_set_new(bj, "fts5", f);
        json_object_set_new(o, "build", bj);
        json_object_set_new(
            o, "rss_kb",
            json_pack("{s:I,s:I,s:I,s:I}", "start", (json_int_t)rss0, "loaded",
                      (json_int_t)rss1, "indexed", (json_int_t)rss2,
                      "fts5_built", (json_int_t)rss3));

        json_t *tj = json_object();
        json_object_set_new(tj, "seconds", json_real(seconds));
        json_object_set_new(tj, "budget_us_per_query_per_engine",
                            json_integer((json_int_t)budget));
        json_object_set_new(tj, "threads", json_integer(1));
        json_object_set_new(o, "timing", tj);

        json_t *qa = json_array();
        for (size_t i = 0; i < nq; i++) {
            const bench_query_t *q = &queries[i];
            json_t *qj = json_object();
            json_object_set_new(qj, "query", json_string(q->ours));
            json_object_set_new(qj, "fts5_query", json_string(q->fts));
            json_object_set_new(qj, "flexsearch_query",
                                q->flex ? json_string(q->flex) : json_null());
            json_object_set_new(qj, "vjcorpus",
                                json_pack("{s:I,s:f,s:I}", "hits",
                                          (json_int_t)q->hits, "us", q->us,
                                          "runs", (json_int_t)q->runs));
            json_object_set_new(
                qj, "fts5",
                json_pack("{s:I,s:f,s:I}", "hits", (json_int_t)q->fts_hits,
                          "us", q->fts_us, "runs", (json_int_t)q->fts_runs));
            json_array_append_new(qa, qj);
        }
        json_object_set_new(o, "queries", qa);
        json_t *qj = json_object();
        json_object_set_new(qj, "vjcorpus", qps((double)nq, ours_total));
        json_object_set_new(qj, "fts5", qps((double)nq, fts_total));
        json_object_set_new(o, "qps", qj);
        write_json(json_path, o);
        json_decref(o);
    }

    sqlite3_finalize(top);
    sqlite3_finalize(count);
    sqlite3_close(db);
    sqlite3_shutdown();
    index_free(ix);
    corpus_unref(c);
    queries_free(queries, nq);
    return 0;
}
