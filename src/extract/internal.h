/* internal.h - what the files of the extract module share. Each part owns
 * its slice of the lexicon: the temporal words (timex.c), the gazetteers
 * (entity.c) and the event triggers (event.c); lexicon.c loads them all. */
#ifndef VJCORPUS_EXTRACT_INTERNAL_H
#define VJCORPUS_EXTRACT_INTERNAL_H

#include "vjcorpus/common.h"
#include "vjcorpus/extract.h"

typedef struct extract__timex_lex extract__timex_lex_t;
typedef struct extract__gazetteer extract__gazetteer_t;
typedef struct extract__triggers extract__triggers_t;

struct extract_lexicon {
    extract__timex_lex_t *timex;
    extract__gazetteer_t *gazetteer;
    extract__triggers_t *triggers;
};

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

#endif
