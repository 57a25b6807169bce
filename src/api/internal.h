/* internal.h - what the resource files of the api module share. */
#ifndef VJCORPUS_API_INTERNAL_H
#define VJCORPUS_API_INTERNAL_H

#include "vjcorpus/api.h"
#include "vjcorpus/common.h"
#include "vjcorpus/extract.h"
#include "vjcorpus/index.h"

#include <jansson.h>
#include <stdatomic.h>

#define API__TERMS 100

typedef struct {
    char *term;
    size_t count;
} api_term_t;

struct api_snapshot {
    atomic_int refs;
    corpus_t *corpus;
    corpus_lexicon_t *lexicon;
    extract_lexicon_t *xlex;
    extract_result_t *extract;
    char loaded_at[32]; /* ISO 8601 UTC */
    /* the most frequent syllables and two-syllable words (terms.c) */
    api_term_t *top_words, *top_pairs;
    size_t top_word_count, top_pair_count;
    index_t *index; /* full-text search over the paragraphs (search.c) */
    /* the distinct published years, ascending, and each document's index
     * among them (year_count: unknown), for the search facets */
    int *years;
    size_t year_count;
    uint16_t *doc_year;
};

/* --- The response cache (cache.c) -------------------------------------- */

#define API__CACHE_SETS 1024
#define API__CACHE_WAYS 4
#define API__CACHE_DEFAULT_BYTES ((size_t)64 << 20)

typedef struct {
    char *key; /* the request target */
    size_t key_len;
    uint64_t hash;
    http_cached_t *resp;
    size_t bytes;
    uint64_t used; /* clock of the last use */
} api__cache_entry_t;

typedef struct {
    api__cache_entry_t *slots; /* sets * API__CACHE_WAYS; NULL: off */
    size_t sets;
    size_t max_bytes, bytes, count;
    uint64_t clock, generation;
    uint64_t hits, misses;
} api__cache_t;

void api__cache_init(api__cache_t *c, size_t max_bytes);
void api__cache_free(api__cache_t *c);
/* Drops every entry (a new snapshot) and starts a new generation. */
void api__cache_clear(api__cache_t *c);
/* The entry for a target (borrowed), or NULL. */
http_cached_t *api__cache_get(api__cache_t *c, const char *key, size_t n);
/* Keeps resp (takes it) for a target, or frees it when it does not fit. */
void api__cache_put(api__cache_t *c, const char *key, size_t n,
                    http_cached_t *resp);

/* Keeps req's answer (if a 200 of its own) in api's cache, unless the
 * cache moved to a new generation (a new snapshot) since generation. */
void api__cache_keep(api_t *api, http_req_t *req, uint64_t generation);
uint64_t api__cache_generation(const api_t *api);

/* The documents facet of a search lists at most this many. */
#define API__FACET_DOCS 100

/* A route's handler and the api, for the caching wrapper. */
typedef struct {
    api_t *api;
    http_handler_cb handler;
} api__route_t;

/* The outcome of the last load (api_note_load). */
typedef struct {
    int set;
    api_load_outcome_t outcome;
    char at[32]; /* ISO 8601 UTC */
    char **problems;
    size_t problem_count;
} api__load_note_t;

struct api {
    api_snapshot_t *current;
    api__load_note_t last_load;
    uint64_t loads[3]; /* by outcome */
    int64_t published_at; /* epoch seconds of the current snapshot */
    char *web_dir;        /* the explorer page's files (web.c), or NULL */
    http_route_t *routes;
    size_t route_count;
    api__route_t *wrapped; /* one per route */
    api__cache_t cache;
};

void api__health_live(http_req_t *req, void *data);
void api__health_ready(http_req_t *req, void *data);
void api__metrics(http_req_t *req, void *data);
void api__web_index(http_req_t *req, void *data);
void api__web_file(http_req_t *req, void *data);

/* Dumps o compactly, drops the reference and answers req with it. */
void api__respond(http_req_t *req, int status, json_t *o);

/* Counts the top terms of snap's corpus into snap (stop words from
 * lexicon_dir/stopwords.txt). Returns 0 or a negative code. */
int api__terms_count(api_snapshot_t *snap, const char *lexicon_dir,
                     corpus_problem_cb cb, void *data);
void api__terms_free(api_snapshot_t *snap);

/* A JSON string, or null for NULL. */
json_t *api__string_or_null(const char *s);

/* Document JSON: the list item, and the detail (item plus text). */
json_t *api__document_summary(const corpus_doc_t *doc);
json_t *api__document_detail(const corpus_doc_t *doc);

/* A date object {"start","end","precision"[,"mod"]}. */
json_t *api__date(const extract_date_t *d);
/* A source object for a span of document doc_index of snap's corpus:
 * {"document_id","paragraph","start","end","char_start","char_end",
 * "quote"}, plus "document_title" and "published" when with_doc. */
json_t *api__source(const api_snapshot_t *snap, const extract_source_t *src,
                    int with_doc);
/* {"id","name","type"} of a gazetteer entity. */
json_t *api__entity_ref(const api_snapshot_t *snap, uint32_t entity);
/* Does the folded text hold the folded needle as whole words? */
int api__folded_contains(const char *text, const char *folded_needle);

/* Query parameter name folded (accents, case) into a new string in *out,
 * NULL when absent. Answers 400 and returns VJ_EINVAL when it is empty. */
int api__folded_param(http_req_t *req, const char *name, char **out);

/* The "document" filter as a corpus index in *doc (SIZE_MAX when absent).
 * Answers 400 and returns VJ_EINVAL for an unknown id. */
int api__document_param(http_req_t *req, const api_snapshot_t *snap,
                        size_t *doc);

/* Does a filter value name the entity: its id (raw), or words of its name
 * or an alias (folded)? */
int api__entity_named(const api_snapshot_t *snap, uint32_t entity,
                      const char *raw, const char *folded);

/* The from/to filters (ISO 8601 at any precision) as the first and last
 * day they cover; *has is 0 when neither is given. Answers 400 naming the
 * parameter for a bad date or from after to. */
int api__range_params(http_req_t *req, extract_ymd_t *from, extract_ymd_t *to,
                      int *has);

/* A JSON number: an integer when v is a whole number a double holds
 * exactly, else a real. */
json_t *api__number(double v);

/* Answers a list {"items","total","limit","offset"} with Link headers;
 * steals items. */
void api__respond_list(http_req_t *req, json_t *items, size_t total,
                       long limit, long offset);

/* Handlers: data is the api_t. */
void api__health(http_req_t *req, void *data);
void api__openapi(http_req_t *req, void *data);
void api__documents_list(http_req_t *req, void *data);
void api__documents_get(http_req_t *req, void *data);
void api__timeline_list(http_req_t *req, void *data);
void api__timeline_get(http_req_t *req, void *data);
void api__entities_list(http_req_t *req, void *data);
void api__entities_get(http_req_t *req, void *data);
void api__projects_list(http_req_t *req, void *data);
void api__projects_get(http_req_t *req, void *data);
void api__statistics_list(http_req_t *req, void *data);
void api__stats(http_req_t *req, void *data);
void api__search(http_req_t *req, void *data);
void api__suggest(http_req_t *req, void *data);

#endif
