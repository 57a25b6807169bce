/* api.h - the REST resources over a corpus snapshot.
 *
 * A snapshot holds everything derived from one load of the corpus; it is
 * immutable and reference counted. The api object holds the snapshot being
 * served: a request takes a reference to the current snapshot when it starts
 * and drops it when its response is built, so publishing a new snapshot
 * (a reload) never tears a response. The route table maps the endpoints of
 * DESIGN §3 to their handlers (one file per resource). */
#ifndef VJCORPUS_API_H
#define VJCORPUS_API_H

#include "vjcorpus/corpus.h"
#include "vjcorpus/http.h"

#include <stddef.h>

typedef struct api_snapshot api_snapshot_t;
typedef struct api api_t;

typedef struct {
    const char *corpus_dir;
    const char *lexicon_dir;
    corpus_problem_cb on_problem; /* may be NULL */
    void *data;
} api_snapshot_options_t;

/* Builds a snapshot: loads the lexicon and the corpus. Safe to call off the
 * loop thread. Returns 0 and a new snapshot (one reference) in *out, or a
 * negative code after reporting why through opts->on_problem. */
int api_snapshot_build(const api_snapshot_options_t *opts,
                       api_snapshot_t **out);
/* Returns snap with one more reference. */
api_snapshot_t *api_snapshot_ref(api_snapshot_t *snap);
/* Drops a reference; api_snapshot_unref(NULL) is a no-op. */
void api_snapshot_unref(api_snapshot_t *snap);
/* The corpus of a snapshot (borrowed). */
const corpus_t *api_snapshot_corpus(const api_snapshot_t *snap);

/* The whole parsed snapshot as indented JSON (what `vjcorpus parse`
 * prints). Returns a new string; caller frees. */
char *api_snapshot_dump(const api_snapshot_t *snap);

api_t *api_new(void);
/* Frees the api and drops its snapshot; api_free(NULL) is a no-op. */
void api_free(api_t *api);
/* Serves snap from now on; steals the reference. */
void api_publish(api_t *api, api_snapshot_t *snap);
typedef enum {
    API_LOAD_OK,      /* every file loaded */
    API_LOAD_PARTIAL, /* loaded, with files skipped or repaired */
    API_LOAD_FAILED,  /* nothing changed: the previous snapshot stays */
} api_load_outcome_t;

/* Records the outcome of a load or reload, for /api/v1/health
 * (last_reload) and /metrics: problems[0..n) are its messages ("file:line:
 * reason"), copied. Loop thread. */
void api_note_load(api_t *api, api_load_outcome_t outcome,
                   const char *const *problems, size_t n);

/* The folder the explorer page is served from (GET / and GET /<file>);
 * NULL or "" serves none. Default "web". */
void api_set_web_dir(api_t *api, const char *dir);

/* Bounds the response cache to bytes (0 turns it off; default 64 MiB). A
 * repeated GET of the same target is answered from the cache until the
 * next snapshot is published. */
void api_set_cache_bytes(api_t *api, size_t bytes);
/* The snapshot being served, with a new reference, or NULL while none has
 * been published. */
api_snapshot_t *api_current(api_t *api);

/* The route table; routes carry api as their data. *routes is borrowed and
 * lives as long as api. Returns the number of routes. */
size_t api_routes(api_t *api, const http_route_t **routes);

#endif
