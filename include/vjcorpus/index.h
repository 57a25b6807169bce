/* index.h - full-text search over the passages (paragraphs) of a corpus.
 *
 * The index is built once per snapshot and is immutable afterwards, so any
 * number of threads may search it at once. Every syllable of every passage
 * is indexed twice: in its exact form (NFC, traditional tone placement,
 * lower case: text_exact) and in its folded form (no tone marks, đ -> d:
 * text_fold). Matching is always on the folded form, so `ha noi` finds
 * `Hà Nội` and `hoà` finds `hòa`; the exact form only ranks: an occurrence
 * whose exact form equals the query's counts fully, one that matches only
 * folded counts INDEX_WEIGHT_FOLDED (INDEX_WEIGHT_FOLDED_MARKED when the
 * query syllable itself has marks), so `nam` ranks `Nam` above `năm`.
 *
 * Queries (index_query_parse): whitespace-separated terms, all required;
 * `"exact phrase"` (adjacent syllables; a word that splits into several
 * tokens, like `LOTUSat-1`, is a phrase too); `-term` or `-"phrase"`
 * excludes; `a OR b` (upper-case OR) accepts either; `prefix*` completes a
 * syllable. Syllables of five letters or more that are not in the corpus
 * vocabulary also match the words one edit away (two from eight letters:
 * `Takachi` -> `Takaichi`), at INDEX_WEIGHT_TYPO.
 *
 * Ranking is BM25 over passages, with each query term (a group of OR-ed
 * alternatives) as one BM25 term:
 *
 *   idf(t)   = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))
 *   bm25(p)  = sum over t of idf(t) * tf(t,p) * (k1 + 1)
 *                            / (tf(t,p) + k1 * (1 - b + b * |p| / avg|p|))
 *   score(p) = bm25(p) * (1 + INDEX_PROXIMITY * min(1, m / w))
 *
 * with k1 = INDEX_BM25_K1 = 1.2, b = INDEX_BM25_B = 0.75, N the number of
 * passages, df(t) the passages holding t (over the whole index, before
 * filters), tf(t,p) the weighted count of t's occurrences in p, |p| the
 * passage length in tokens; the proximity factor applies with two terms or
 * more: w is the smallest window (in tokens) of p that holds one
 * occurrence of every term and m the sum of their lengths, so adjacent
 * terms score half again as much. Equal scores are ordered by the
 * document's published date, newest first, then by position in the corpus.
 *
 * Postings: per term, for each passage holding it, the passage number
 * (delta from the previous one), the occurrence count and the token
 * positions (delta-encoded), all as LEB128 varints in one byte arena. */
#ifndef VJCORPUS_INDEX_H
#define VJCORPUS_INDEX_H

#include "vjcorpus/corpus.h"

#include <stddef.h>
#include <stdint.h>

#define INDEX_BM25_K1 1.2
#define INDEX_BM25_B 0.75
#define INDEX_PROXIMITY 0.5
#define INDEX_WEIGHT_FOLDED 0.5
#define INDEX_WEIGHT_FOLDED_MARKED 0.25
#define INDEX_WEIGHT_TYPO 0.3

/* Limits, so that no query takes unbounded work. */
#define INDEX_QUERY_MAX_BYTES 1000
#define INDEX_QUERY_MAX_TERMS 32     /* AND-ed terms, exclusions included */
#define INDEX_QUERY_MAX_ALTS 16      /* alternatives in one OR chain */
#define INDEX_QUERY_MAX_PHRASE 16    /* syllables in one phrase */
#define INDEX_QUERY_MAX_SYLLABLES 64 /* in the whole query */
#define INDEX_PREFIX_MAX 256         /* words one prefix* expands to */
#define INDEX_TYPO_MAX 8             /* words one misspelling expands to */
#define INDEX_TYPO_MIN_LETTERS 5

typedef struct index index_t;
typedef struct index_query index_query_t;

/* Builds the index of every paragraph of every document of c. Takes its own
 * reference to c (dropped by index_free()). Returns 0 and a new index in
 * *out. */
int index_build(corpus_t *c, index_t **out);
/* index_free(NULL) is a no-op. */
void index_free(index_t *ix);

/* Figures of an index. */
size_t index_passage_count(const index_t *ix);
size_t index_term_count(const index_t *ix, int folded);
size_t index_postings_bytes(const index_t *ix);

/* Parses a query (UTF-8, any normal form, at most INDEX_QUERY_MAX_BYTES).
 * Reads leniently what it can: an unbalanced quote runs to the end, a lone
 * `-`, `*` or stray `OR` is ignored. Returns 0 and a new query in *out, or
 * VJ_EILSEQ / VJ_ETOOBIG / VJ_EINVAL with a static message in *error (may
 * be NULL): invalid UTF-8, too long, too many terms or alternatives,
 * nothing to search for, or only exclusions. */
int index_query_parse(const char *q, size_t len, index_query_t **out,
                      const char **error);
void index_query_free(index_query_t *q);

/* The parsed query in a canonical form, for tests and logs: terms in exact
 * form separated by spaces, phrases quoted, `-` before exclusions, OR
 * chains in parentheses, `*` after a prefix: `(hòa OR bình*) "lotusat 1"
 * -x`. Returns a new string; caller frees. */
char *index_query_describe(const index_query_t *q);

typedef struct {
    uint32_t doc;       /* corpus document index */
    uint32_t paragraph; /* paragraph index in the document */
    uint32_t passage;   /* passage number in the index */
    double score;
} index_hit_t;

typedef struct index_plan index_plan_t;

typedef struct {
    size_t total;      /* passages matched */
    index_hit_t *hits; /* the page [offset, offset + limit) of them */
    size_t hit_count;
    uint32_t *doc_matches; /* matched passages per corpus document */
    size_t doc_count;
    index_plan_t *plan; /* the query bound to the index (for index_render) */
} index_result_t;

typedef struct {
    const uint8_t *doc_allowed; /* per corpus document: 0 leaves it out;
                                   NULL: all */
    size_t offset, limit;
} index_search_options_t;

/* Runs q (borrowed) against ix. Fills *res (freed with
 * index_result_cleanup()); returns 0. */
int index_search(const index_t *ix, const index_query_t *q,
                 const index_search_options_t *opts, index_result_t *res);
void index_result_cleanup(index_result_t *res);

/* A span of the document text: bytes [start, end), code points
 * [char_start, char_end). */
typedef struct {
    uint32_t start, end;
    uint32_t char_start, char_end;
} index_span_t;

#define INDEX_SNIPPET_TOKENS 30

/* The snippet and highlights of one hit of res: *snippet is a new
 * NUL-terminated HTML fragment (caller frees): a window of about
 * INDEX_SNIPPET_TOKENS tokens around the best hits of the passage, text
 * escaped, hits in <mark>...</mark>, "… " / " …" where text was cut.
 * *spans (caller frees) are all hits of the passage as offsets into the
 * document text, in order. */
void index_render(const index_t *ix, const index_result_t *res,
                  const index_hit_t *hit, char **snippet, index_span_t **spans,
                  size_t *span_count);

typedef struct {
    char *text; /* as written in the corpus, its most frequent spelling */
    size_t count;
} index_suggestion_t;

/* Completes the last syllable of q from the vocabulary, folded: the words
 * before it must precede it in the corpus (`ha n` -> `Hà Nội`, `Taka` ->
 * `Takaichi`), most frequent first. *out (n items) is freed with
 * index_suggestions_free(). Returns 0, or VJ_EILSEQ / VJ_ETOOBIG. */
int index_suggest(const index_t *ix, const char *q, size_t len, size_t limit,
                  index_suggestion_t **out, size_t *n);
void index_suggestions_free(index_suggestion_t *s, size_t n);

#endif
