/* snapshot.c - one immutable, reference-counted build of everything the
 * API serves. Built off the loop (corpus load, later extraction and
 * indexing), published on it. */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    api_snapshot_t *snap;
    const api_snapshot_options_t *opts;
    index_t *index;
    int rc;
} index_job_t;

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The distinct published years and each document's among them. */
static void years_index(api_snapshot_t *snap) {
    size_t n = corpus_doc_count(snap->corpus), k = 0;
    int *y = vj_malloc((n ? n : 1) * sizeof *y);
    for (size_t d = 0; d < n; d++) {
        const corpus_doc_t *doc = corpus_doc_at(snap->corpus, d);
        if (doc->published.precision != CORPUS_PREC_NONE)
            y[k++] = doc->published.year;
    }
    qsort(y, k, sizeof *y, cmp_int);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (u == 0 || y[u - 1] != y[i])
            y[u++] = y[i];
    if (u > UINT16_MAX - 1) /* cannot happen: years have four digits */
        u = UINT16_MAX - 1;
    snap->years = y;
    snap->year_count = u;
    snap->doc_year = vj_malloc((n ? n : 1) * sizeof *snap->doc_year);
    for (size_t d = 0; d < n; d++) {
        const corpus_doc_t *doc = corpus_doc_at(snap->corpus, d);
        size_t at = u;
        if (doc->published.precision != CORPUS_PREC_NONE) {
            int *hit = bsearch(&doc->published.year, y, u, sizeof *y, cmp_int);
            if (hit)
                at = (size_t)(hit - y);
        }
        snap->doc_year[d] = (uint16_t)at;
    }
}

/* What needs the corpus alone: the search index and the top terms. */
static void *index_worker(void *arg) {
    index_job_t *job = arg;
    job->rc = index_build(job->snap->corpus, &job->index);
    if (job->rc == 0)
        job->rc = api__terms_count(job->snap, job->opts->lexicon_dir,
                                   job->opts->on_problem, job->opts->data);
    return NULL;
}

int api_snapshot_build(const api_snapshot_options_t *opts,
                       api_snapshot_t **out) {
    api_snapshot_t *snap = vj_calloc(1, sizeof *snap);
    int rc = corpus_lexicon_load(opts->lexicon_dir, opts->on_problem,
                                 opts->data, &snap->lexicon);
    if (rc != 0)
        goto fail_lexicon;
    corpus_options_t co = {
        .dir = opts->corpus_dir,
        .lexicon = snap->lexicon,
        .on_problem = opts->on_problem,
        .data = opts->data,
    };
    rc = corpus_load(&co, &snap->corpus);
    if (rc != 0)
        goto fail_corpus;
    /* the search index does not depend on extraction: build it alongside */
    index_job_t job = {snap, opts, NULL, 0};
    pthread_t th;
    int threaded = pthread_create(&th, NULL, index_worker, &job) == 0;
    if (!threaded)
        index_worker(&job);
    rc = extract_lexicon_load(opts->lexicon_dir, opts->on_problem,
                              opts->data, &snap->xlex);
    if (rc == 0)
        rc = extract_run(snap->xlex, snap->corpus, &snap->extract);
    if (threaded)
        pthread_join(th, NULL);
    snap->index = job.index;
    if (rc == 0 && job.rc != 0)
        rc = job.rc;
    if (rc != 0)
        goto fail_extract;

    years_index(snap);

    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(snap->loaded_at, sizeof snap->loaded_at, "%Y-%m-%dT%H:%M:%SZ",
             &tm);
    atomic_init(&snap->refs, 1);
    *out = snap;
    return 0;

fail_extract:
    api__terms_free(snap);
    index_free(snap->index);
    extract_result_free(snap->extract);
    extract_lexicon_free(snap->xlex);
    corpus_unref(snap->corpus);
fail_corpus:
    corpus_lexicon_free(snap->lexicon);
fail_lexicon:
    free(snap);
    return rc;
}

api_snapshot_t *api_snapshot_ref(api_snapshot_t *snap) {
    atomic_fetch_add(&snap->refs, 1);
    return snap;
}

void api_snapshot_unref(api_snapshot_t *snap) {
    if (snap == NULL || atomic_fetch_sub(&snap->refs, 1) != 1)
        return;
    api__terms_free(snap);
    free(snap->years);
    free(snap->doc_year);
    index_free(snap->index);
    extract_result_free(snap->extract);
    extract_lexicon_free(snap->xlex);
    corpus_unref(snap->corpus);
    corpus_lexicon_free(snap->lexicon);
    free(snap);
}

const corpus_t *api_snapshot_corpus(const api_snapshot_t *snap) {
    return snap->corpus;
}

char *api_snapshot_dump(const api_snapshot_t *snap) {
    const corpus_t *c = snap->corpus;
    json_t *docs = json_array();
    for (size_t i = 0; i < corpus_doc_count(c); i++)
        json_array_append_new(docs,
                              api__document_detail(corpus_doc_at(c, i)));
    json_t *problems = json_array();
    for (size_t i = 0; i < corpus_problem_count(c); i++) {
        const corpus_problem_t *p = corpus_problem_at(c, i);
        json_array_append_new(
            problems, json_pack("{s:s, s:i, s:s, s:b}", "file", p->file,
                                "line", (json_int_t)p->line, "message",
                                p->message, "skipped", p->skipped));
    }
    json_t *events = json_array();
    for (size_t i = 0; i < extract_event_count(snap->extract); i++) {
        const extract_event_t *ev = extract_event_at(snap->extract, i);
        json_t *sources = json_array();
        for (size_t k = 0; k < ev->report_count; k++)
            json_array_append_new(sources,
                                  api__source(snap, &ev->reports[k].source,
                                              0));
        json_array_append_new(
            events, json_pack("{s:s, s:o, s:s, s:b, s:s, s:o}", "id", ev->id,
                              "date", api__date(&ev->date), "type",
                              extract_event_type_names[ev->type], "planned",
                              ev->planned, "title", ev->title, "sources",
                              sources));
    }
    json_t *entities = json_array();
    for (size_t i = 0; i < extract_entity_count(snap->xlex); i++) {
        const extract_entity_mention_t *m;
        size_t n = extract_entity_mentions(snap->extract, i, &m);
        if (n == 0)
            continue;
        json_t *ref = api__entity_ref(snap, (uint32_t)i);
        json_object_set_new(ref, "mention_count", json_integer((json_int_t)n));
        json_array_append_new(entities, ref);
    }
    json_t *unresolved = json_array();
    for (size_t i = 0; i < extract_unresolved_count(snap->extract); i++) {
        const extract_unresolved_t *u = extract_unresolved_at(snap->extract, i);
        json_t *src = api__source(snap, &u->source, 0);
        json_object_set_new(src, "reason", json_string(u->reason));
        json_array_append_new(unresolved, src);
    }
    json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o}", "documents", docs,
                          "events", events, "entities", entities,
                          "unresolved_dates", unresolved, "problems",
                          problems);
    char *s = json_dumps(o, JSON_INDENT(2));
    json_decref(o);
    return s;
}
