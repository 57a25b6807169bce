/* internal.h - what the files of the extract module share. Each part owns
 * its slice of the lexicon: the temporal words (timex.c), the gazetteers
 * (entity.c) and the event triggers (event.c); lexicon.c loads them all. */
#ifndef VJCORPUS_EXTRACT_INTERNAL_H
#define VJCORPUS_EXTRACT_INTERNAL_H

#include "vjcorpus/common.h"
#include "vjcorpus/extract.h"

typedef struct extract__timex_lex extract__timex_lex_t;
typedef struct extract__project_lex extract__project_lex_t;
typedef struct extract__quantity_lex extract__quantity_lex_t;
typedef struct extract__gazetteer extract__gazetteer_t;
typedef struct extract__triggers extract__triggers_t;

struct extract_lexicon {
    extract__timex_lex_t *timex;
    extract__gazetteer_t *gazetteer;
    extract__triggers_t *triggers;
    extract__project_lex_t *projects;
    extract__quantity_lex_t *quantity; /* statistic.c */
};

/* What extract_run() builds (event.c runs it; project.c adds projects). */
struct extract_result {
    extract_event_t *events;
    size_t event_count, event_cap;
    extract_entity_mention_t *mentions; /* by entity, then corpus order */
    size_t mention_count, mention_cap;
    size_t *mention_first; /* per entity: index of its first mention */
    size_t *mention_n;
    size_t entity_count;
    extract_unresolved_t *unresolved;
    size_t unresolved_count, unresolved_cap;
    extract_project_t *projects;
    size_t project_count;
    extract_statistic_t *statistics; /* statistic.c */
    size_t statistic_count;
};

/* project.c: loads project_*.tsv from dir. */
int extract__project_lex_load(const char *dir, corpus_problem_cb cb,
                              void *data, extract__project_lex_t **out);
void extract__project_lex_free(extract__project_lex_t *p);
/* Finds the projects of the corpus into r->projects (events are built
 * already, and r->mentions holds the entity mentions in corpus order, not
 * yet sorted by entity) and links each event to the project its report
 * mentions (sets extract_event_t.project). */
void extract__projects_run(const extract_lexicon_t *lex,
                           const corpus_t *corpus, extract_result_t *r);
void extract__projects_free(extract_result_t *r);

/* Each loader reads its own files from dir, reports problems through cb as
 * "path:line: message" and returns 0 or a negative code. Each _free(NULL)
 * is a no-op. */
int extract__timex_lex_load(const char *dir, corpus_problem_cb cb, void *data,
                            extract__timex_lex_t **out);
void extract__timex_lex_free(extract__timex_lex_t *t);

int extract__gazetteer_load(const char *dir, corpus_problem_cb cb, void *data,
                            extract__gazetteer_t **out);
void extract__gazetteer_free(extract__gazetteer_t *g);
size_t extract__gazetteer_count(const extract__gazetteer_t *g);
const extract_entity_t *extract__gazetteer_at(const extract__gazetteer_t *g,
                                              size_t i);
size_t extract__gazetteer_find(const extract__gazetteer_t *g,
                               const char *text, size_t len,
                               extract_mention_t **out);

int extract__triggers_load(const char *dir, corpus_problem_cb cb, void *data,
                           extract__triggers_t **out);
void extract__triggers_free(extract__triggers_t *t);

/* A small line reader for the lexicon files: calls fn for each line that
 * is neither blank nor a # comment, with its 1-based number; tabs split
 * fields (at most max_fields, the rest stays in the last). fn returns 0 or
 * a negative code (after reporting). Returns 0, VJ_ENOENT (reported) or
 * the first error fn returned. */
typedef int (*extract__row_cb)(char **fields, size_t n, uint32_t line,
                               void *data);
int extract__tsv_read(const char *dir, const char *name, size_t max_fields,
                      extract__row_cb fn, void *data, corpus_problem_cb cb,
                      void *cb_data);

/* Reports one problem in a lexicon file. */
void extract__report(corpus_problem_cb cb, void *data, const char *file,
                     uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* phrase.c: text helpers the extractors share. */

/* Lower-cases s[0..len) code point by code point, keeping every code
 * point's byte length (a character whose lower case is longer or shorter
 * stays as it is), so offsets into the copy are offsets into s. Returns a
 * new NUL-terminated string. */
char *extract__lower_copy(const char *s, size_t len);
/* Letters, digits and combining marks make words. */
int extract__is_word_cp(int32_t cp);
/* Bytes of the word (letters, digits, marks) that starts s. */
size_t extract__syllable_len(const char *s, size_t len);
/* Number of words in s[0..len). */
size_t extract__word_count(const char *s, size_t len);

typedef struct {
    uint32_t start, end;
} extract__range_t;

/* Cuts a sentence into clauses at top-level ", ", "; " and ": " (not
 * inside quotes or brackets); at most max clauses (the last one takes the
 * rest). Returns the count. */
size_t extract__clauses_split(const char *s, size_t len, extract__range_t *out,
                              size_t max);
/* The span [s, e) of a sentence (sentence-relative bytes) as a span of the
 * document text, with code-point offsets. */
corpus_span_t extract__doc_span(const corpus_doc_t *doc,
                                const corpus_sentence_t *sent, uint32_t s,
                                uint32_t e);

/* The id rule of the gazetteers and projects: name folded (lower case, no
 * marks, đ -> d), every run of other characters one '-', none at either
 * end; when max > 0, cut to at most max bytes at a '-'. Returns a new
 * string, or NULL for invalid UTF-8. */
char *extract__slug(const char *name, size_t max);

/* A phrase set: phrases matched on word boundaries, longest first, in
 * lower case, or case as written when the phrase holds an upper-case
 * letter ("LNG"). kind, value and weight are the caller's; extra is an
 * optional string the set copies. */
typedef struct {
    char *text;
    size_t len;
    int kind, value, weight;
    int exact_case;
    char *extra;
} extract__phrase_t;

typedef struct {
    uint32_t start, end;
    const extract__phrase_t *p;
} extract__phrase_hit_t;

typedef struct extract__phrases extract__phrases_t;

extract__phrases_t *extract__phrases_new(void);
void extract__phrases_free(extract__phrases_t *ps);
/* Adds text (NFC-normalised; runs of spaces collapsed). Returns 0, or
 * VJ_EINVAL for empty or invalid text. */
int extract__phrases_add(extract__phrases_t *ps, const char *text, int kind,
                         int value, int weight, const char *extra);
size_t extract__phrases_count(const extract__phrases_t *ps);
const extract__phrase_t *extract__phrases_item(const extract__phrases_t *ps,
                                               size_t i);
/* The longest phrase that starts at byte at of s[0..len) (low is its
 * extract__lower_copy) and ends on a word boundary, or NULL. at must be
 * the start of a word. */
const extract__phrase_t *extract__phrases_at(const extract__phrases_t *ps,
                                             const char *s, const char *low,
                                             size_t len, size_t at);
/* Every phrase in s, longest first at each word start, not overlapping.
 * Returns the count and a new array in *out (caller frees). */
size_t extract__phrases_find(const extract__phrases_t *ps, const char *s,
                             const char *low, size_t len,
                             extract__phrase_hit_t **out);

/* statistic.c: the number words, units and metric vocabulary
 * (metrics.tsv, quantity.tsv), and the statistics of a corpus into
 * r->statistics (after events, which it does not need). */
int extract__quantity_lex_load(const char *dir, corpus_problem_cb cb,
                               void *data, extract__quantity_lex_t **out);
void extract__quantity_lex_free(extract__quantity_lex_t *q);
void extract__statistics_run(const extract_lexicon_t *lex,
                             const corpus_t *corpus, extract_result_t *r);
void extract__statistics_free(extract_result_t *r);

#endif
