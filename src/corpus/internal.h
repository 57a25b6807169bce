/* internal.h - private helpers shared by the files of the corpus module:
 * the lexicon's layout, problem reporting, case-insensitive matching, the
 * manifest parser (exposed so the fuzzer can drive it), date helpers and the
 * sentence splitter. Nothing here is part of the public contract. */
#ifndef VJCORPUS_CORPUS_INTERNAL_H
#define VJCORPUS_CORPUS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "vjcorpus/common.h"
#include "vjcorpus/corpus.h"

/* Files larger than this are skipped (articles) or refused (manifest). */
#define CORPUS__MAX_FILE ((size_t)16 << 20)

/* A list of NUL-terminated strings. */
typedef struct {
    char **items;
    size_t count, cap;
} corpus__strlist_t;

void corpus__strlist_push(corpus__strlist_t *l, const char *s, size_t len);
void corpus__strlist_free(corpus__strlist_t *l);

/* Phrases of the boilerplate lexicon are stored lower-cased (per code point,
 * NFC); abbreviations exactly as written. */
struct corpus_lexicon {
    corpus__strlist_t tail;    /* whole-line markers of the site's tail */
    corpus__strlist_t source;  /* prefixes of a source line ("theo") */
    corpus__strlist_t credit;  /* photo credit markers ("ảnh") */
    corpus__strlist_t caption; /* caption markers without credit */
    corpus__strlist_t weekday; /* weekday names in timestamp lines */
    corpus__strlist_t stamp;   /* other words allowed in timestamp lines */
    corpus__strlist_t abbrev;  /* "TP.", "PGS." */
};

/* The lexicon used when the caller passes none: every list empty. */
extern const corpus_lexicon_t corpus__lexicon_empty;

/* Formats a problem and hands it to cb (which may be NULL). */
void corpus__problem(corpus_problem_cb cb, void *data, const char *file,
                     uint32_t line, uint32_t column, int fatal, int skipped,
                     const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

/* Lower-cases s[0..len) code point by code point into a new string. */
char *corpus__lower(const char *s, size_t len, size_t *out_len);

/* If s[0..len) starts with pat (lower-case) ignoring case, returns the
 * number of bytes of s that matched; otherwise 0. */
size_t corpus__match_ci(const char *s, size_t len, const char *pat);

/* One manifest entry; NULL fields were null, absent or unusable. */
typedef struct {
    char *file;
    char *title, *published, *source, *url, *language;
    int used; /* set by corpus_load when the file exists */
} corpus__manifest_entry_t;

typedef struct {
    corpus__manifest_entry_t *entries; /* sorted by file */
    size_t count;
} corpus__manifest_t;

/* Parses manifest bytes. name is the file name used in problems. Returns 0
 * and a new manifest, or VJ_EPARSE after reporting a fatal problem (not
 * JSON, wrong shape). Field-level problems are reported as non-fatal. */
int corpus__manifest_parse(const char *name, const char *buf, size_t len,
                           corpus_problem_cb cb, void *data,
                           corpus__manifest_t **out);
void corpus__manifest_free(corpus__manifest_t *m);
corpus__manifest_entry_t *corpus__manifest_find(corpus__manifest_t *m,
                                                const char *file);

/* Dates. */
/* Fills out from parts; offset_min is minutes east of UTC, used only with
 * has_offset. Returns VJ_EINVAL if the parts are not a real date/time. */
int corpus__date_make(corpus_date_t *out, corpus_precision_t prec, int year,
                      int month, int day, int hour, int minute, int second,
                      int has_offset, int offset_min);
/* Reads a whole line that is only a date and maybe a time, in the forms news
 * sites use ("13:54, 26/11/2023", "Thứ hai, 26/11/2023 13:54"). Times are
 * Vietnamese local time (+07:00). Returns 0 or VJ_EINVAL. */
int corpus__stamp_parse(const char *s, size_t len, const corpus_lexicon_t *lex,
                        corpus_date_t *out);

/* Sentence splitting: byte ranges [start, end) relative to the paragraph. */
typedef struct {
    size_t start, end;
} corpus__range_t;

typedef struct {
    corpus__range_t *items;
    size_t count, cap;
} corpus__ranges_t;

void corpus__ranges_push(corpus__ranges_t *r, size_t start, size_t end);
/* Splits the paragraph p[0..len) (trimmed, single spaces) into sentences,
 * appending to out. */
void corpus__sentences_split(const char *p, size_t len,
                             const corpus_lexicon_t *lex,
                             corpus__ranges_t *out);

#endif
