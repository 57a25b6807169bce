/* corpus.h - loading a folder of articles into documents, paragraphs and
 * sentences.
 *
 * corpus_load() reads every *.txt of a folder (sorted by name) and the
 * optional manifest.json, validates UTF-8, normalises to NFC, reads what the
 * text itself carries (a leading `date YYYY-MM-DD` marker, a `13:54,
 * 26/11/2023` line, a headline line), lets the manifest fill or override
 * title, published date, source, url and language, strips site boilerplate
 * (the related-articles tail, `Theo ...` source lines, photo captions, which
 * are kept apart) and segments the body into paragraphs and sentences with
 * byte and code-point offsets into the document text.
 *
 * The document text is the body after boilerplate removal, NFC, paragraphs
 * joined by one blank line ("\n\n"); every offset points into it.
 *
 * A loaded corpus is immutable and reference counted, so it can be shared by
 * requests on the loop while a new one is built on another thread. */
#ifndef VJCORPUS_CORPUS_H
#define VJCORPUS_CORPUS_H

#include <stddef.h>
#include <stdint.h>

typedef struct corpus corpus_t;
typedef struct corpus_lexicon corpus_lexicon_t;

/* A span of the document text: UTF-8 byte offsets [start, end) and the same
 * span in code points [char_start, char_end). */
typedef struct {
    uint32_t start, end;
    uint32_t char_start, char_end;
} corpus_span_t;

typedef struct {
    corpus_span_t span;
    uint32_t line;           /* 1-based line in the source file */
    uint32_t first_sentence; /* index into corpus_doc_t.sentences */
    uint32_t sentence_count;
} corpus_paragraph_t;

typedef struct {
    corpus_span_t span;
    uint32_t paragraph;
} corpus_sentence_t;

#define CORPUS_CAPTION_BEFORE_FIRST UINT32_MAX

typedef struct {
    char *text;               /* caption without its credit, NFC */
    char *credit;             /* "Thành Đạt" from "(Ảnh: Thành Đạt)", or NULL */
    uint32_t after_paragraph; /* index of the paragraph it follows, or
                                 CORPUS_CAPTION_BEFORE_FIRST */
    uint32_t line;            /* 1-based line in the source file */
} corpus_caption_t;

typedef enum {
    CORPUS_PREC_NONE = 0, /* unknown: iso is "" */
    CORPUS_PREC_YEAR,     /* "2025" */
    CORPUS_PREC_MONTH,    /* "2025-05" */
    CORPUS_PREC_DAY,      /* "2025-11-28" */
    CORPUS_PREC_TIME      /* "2023-11-26T13:54:00+07:00" */
} corpus_precision_t;

typedef struct {
    char iso[40];
    corpus_precision_t precision;
    int year, month, day; /* 0 where the precision does not reach */
    /* Orders dates of any precision: YYYYMMDDhhmm with unknown parts 0, in
     * UTC where the date has an offset; 0 when unknown. */
    int64_t sort_key;
} corpus_date_t;

/* One article. All strings are NFC UTF-8, owned by the corpus. */
typedef struct {
    char *id;       /* file name without ".txt" */
    char *file;     /* file name */
    char *title;    /* never NULL: manifest, headline line, or first words */
    char *source;   /* NULL when unknown */
    char *url;      /* NULL when unknown */
    char *language; /* never NULL; "vi" unless the manifest says otherwise */
    char *author;   /* a trailing byline, or NULL */
    corpus_date_t published;

    char *text; /* the document text */
    size_t text_len;
    size_t text_chars; /* length in code points */
    size_t words;      /* tokens of letters or digits */

    corpus_paragraph_t *paragraphs;
    size_t paragraph_count;
    corpus_sentence_t *sentences;
    size_t sentence_count;
    corpus_caption_t *captions;
    size_t caption_count;
} corpus_doc_t;

/* A problem found while loading: "file:line: message". line 0 means the
 * whole file. fatal means the whole load failed (a broken manifest, an
 * unreadable folder); otherwise only that file was skipped or the problem
 * was repaired. */
typedef struct {
    const char *file;
    uint32_t line;
    uint32_t column; /* 1-based byte column, 0 if not known */
    const char *message;
    int fatal;
    int skipped; /* the file was left out of the corpus */
} corpus_problem_t;

typedef void (*corpus_problem_cb)(const corpus_problem_t *p, void *data);

/* Metadata a manifest entry gives for one file; NULL fields are unknown and
 * leave the text's own value in place. */
typedef struct {
    const char *title;
    const char *published; /* ISO 8601 at any precision */
    const char *source;
    const char *url;
    const char *language;
} corpus_meta_t;

/* Loads the boilerplate lexicon (tail markers, source prefixes, caption
 * markers, abbreviations) from files in dir. Returns 0 and a new lexicon in
 * *out, or a negative code after reporting each problem through cb. */
int corpus_lexicon_load(const char *dir, corpus_problem_cb cb, void *data,
                        corpus_lexicon_t **out);
void corpus_lexicon_free(corpus_lexicon_t *lex);

typedef struct {
    const char *dir;                /* the corpus folder */
    const corpus_lexicon_t *lexicon; /* borrowed, must outlive the call */
    corpus_problem_cb on_problem;   /* may be NULL */
    void *data;
} corpus_options_t;

/* Loads a corpus. Returns 0 and a new corpus (one reference) in *out, even if
 * some files were skipped; each skipped file and repaired problem is reported
 * through opts->on_problem. Returns a negative code, and reports why, when
 * the whole load fails: the folder cannot be read or manifest.json is broken.
 */
int corpus_load(const corpus_options_t *opts, corpus_t **out);

/* Parses one article from memory: buf[0..len) is the raw file content, meta
 * may be NULL. Validation problems are reported through cb with file as the
 * name. Returns 0 and a new document in *out, or a negative code (the
 * document would be skipped). Used by corpus_load(), the fuzzer and tests. */
int corpus_doc_parse(const char *id, const char *file, const char *buf,
                     size_t len, const corpus_meta_t *meta,
                     const corpus_lexicon_t *lex, corpus_problem_cb cb,
                     void *data, corpus_doc_t **out);
void corpus_doc_free(corpus_doc_t *doc);

/* Parses an ISO 8601 date at any precision ("2025", "2025-05", "2025-11-28",
 * "2023-11-26T13:54:00+07:00", "...Z"). Returns 0 or VJ_EINVAL (also for an
 * impossible date such as 2025-02-30). */
int corpus_date_parse_iso(const char *s, corpus_date_t *out);

/* Builds a corpus from parsed documents (tests, the fuzzers): steals the
 * n documents of docs (not the array) on success and orders them by id.
 * Returns 0 and a new corpus (one reference), VJ_EINVAL for a NULL
 * document or VJ_EEXIST for two with one id; on failure the documents stay
 * the caller's. */
int corpus_from_docs(corpus_doc_t **docs, size_t n, corpus_t **out);

/* Reference counting (atomic: safe across threads). corpus_unref(NULL) is a
 * no-op. corpus_ref returns c. */
corpus_t *corpus_ref(corpus_t *c);
void corpus_unref(corpus_t *c);

/* Documents in file-name order. The corpus keeps ownership. */
size_t corpus_doc_count(const corpus_t *c);
const corpus_doc_t *corpus_doc_at(const corpus_t *c, size_t i);
/* Looks a document up by id; NULL if there is none. */
const corpus_doc_t *corpus_doc_find(const corpus_t *c, const char *id);
/* The index of the document with this id, or SIZE_MAX if there is none. */
size_t corpus_doc_find_index(const corpus_t *c, const char *id);

/* Totals over all documents. */
size_t corpus_paragraph_total(const corpus_t *c);
size_t corpus_sentence_total(const corpus_t *c);
size_t corpus_word_total(const corpus_t *c);
size_t corpus_byte_total(const corpus_t *c);

/* The non-fatal problems met while loading (skipped files, repairs). */
size_t corpus_problem_count(const corpus_t *c);
const corpus_problem_t *corpus_problem_at(const corpus_t *c, size_t i);

#endif
