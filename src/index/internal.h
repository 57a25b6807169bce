/* internal.h - what the files of the index module share: the index layout,
 * the parsed query, varints and term lookup. */
#ifndef VJCORPUS_INDEX_INTERNAL_H
#define VJCORPUS_INDEX_INTERNAL_H

#include "vjcorpus/common.h"
#include "vjcorpus/index.h"
#include "vjcorpus/text.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define INDEX__NONE UINT32_MAX

/* One term of either dictionary. Strings live in index.strings. */
typedef struct {
    uint32_t str, len; /* the term */
    uint32_t df;       /* passages holding it */
    uint32_t cf;       /* occurrences */
    /* its postings, in index.postings: [post, +post_len) the passages (as
     * deltas) and occurrence counts; [pos, +pos_len) the positions of each
     * passage in turn (deltas within a passage) */
    uint64_t post, pos;
    uint32_t post_len, pos_len;
    /* exact terms: the folded term; folded terms: the first of its exact
     * terms in index.folded_exact */
    uint32_t link;
    /* exact terms: the most frequent spelling (index.strings) */
    uint32_t display, display_len;
    /* its skip entries: index.skips[skip .. +skip_n) (none when short) */
    uint32_t skip, skip_n;
} index__term_t;

/* Every INDEX__SKIP_EVERY-th posting of a long list: the passage it holds,
 * the decoding base before it (previous passage + 1) and its byte offset
 * in the term's postings, so a cursor can jump ahead without decoding. */
#define INDEX__SKIP_EVERY 64

typedef struct {
    uint32_t first, base, off, pos_off;
} index__skip_t;

/* An open-addressing table of term ids keyed by their strings. */
typedef struct {
    uint32_t *slots; /* term id or INDEX__NONE */
    size_t cap;
} index__dict_t;

struct index {
    corpus_t *corpus; /* one reference */
    char *strings;
    size_t strings_len;
    uint8_t *postings;
    size_t postings_len;
    index__skip_t *skips;
    size_t skip_count;

    index__term_t *exact, *folded;
    size_t exact_count, folded_count;
    index__dict_t exact_dict, folded_dict;
    uint32_t *folded_sorted; /* folded ids in string order (prefixes) */
    uint32_t *folded_exact;  /* exact ids grouped by folded term */

    size_t passage_count;
    uint32_t *passage_doc, *passage_para, *passage_len;
    double avg_len;
    int64_t *doc_date; /* published sort key per document (ties) */
};

/* --- The parsed query --------------------------------------------------- */

typedef struct {
    char *exact;  /* text_exact() of the syllable */
    char *folded; /* text_fold() */
    int marked;   /* the syllable as typed had tone or shape marks */
} index__qtoken_t;

typedef struct {
    index__qtoken_t *tokens;
    size_t n;
    int prefix; /* the last token is a prefix */
    int quoted;
} index__qphrase_t;

typedef struct {
    index__qphrase_t *alts;
    size_t n;
    int negated;
} index__qgroup_t;

struct index_query {
    index__qgroup_t *groups;
    size_t n;
};

/* --- The query bound to the index -------------------------------------- */

typedef struct {
    uint32_t *ids; /* folded term ids it matches, ascending */
    size_t n;
    uint32_t exact; /* the exact term that counts fully, or INDEX__NONE */
    float folded_weight;
} index__slot_t;

typedef struct {
    index__slot_t *slots;
    size_t n;
} index__alt_t;

typedef struct {
    index__alt_t *alts;
    size_t n;
    int negated;
} index__pgroup_t;

struct index_plan {
    index__pgroup_t *groups;
    size_t n;
};

/* Binds q to ix: expands prefixes and misspellings, looks terms up. */
index_plan_t *index__plan_new(const index_t *ix, const index_query_t *q);
void index__plan_free(index_plan_t *p);

/* --- Helpers ---------------------------------------------------------- */

static inline void index__varint_put(vj_buf_t *b, uint32_t v) {
    uint8_t tmp[5];
    size_t n = 0;
    while (v >= 0x80) {
        tmp[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    tmp[n++] = (uint8_t)v;
    vj_buf_append(b, tmp, n);
}

static inline uint32_t index__varint_get(const uint8_t **p) {
    const uint8_t *s = *p;
    uint32_t v = 0;
    int shift = 0;
    while (*s & 0x80) {
        v |= (uint32_t)(*s++ & 0x7F) << shift;
        shift += 7;
    }
    v |= (uint32_t)*s++ << shift;
    *p = s;
    return v;
}

/* p past n varints. Reads whole words where it can: the postings arena
 * ends with 8 bytes of slack. */
static inline const uint8_t *index__varint_skip(const uint8_t *p, uint32_t n) {
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        /* the bytes that end a varint (order does not matter: counted) */
        uint32_t ends =
            (uint32_t)__builtin_popcountll(~w & 0x8080808080808080ull);
        /* all 8 bytes must belong to the n varints */
        if (ends > n || (ends == n && (p[7] & 0x80)))
            break;
        p += 8;
        n -= ends;
    }
    while (n > 0) {
        while (*p & 0x80)
            p++;
        p++;
        n--;
    }
    return p;
}

/* The term id of s[0..n) in a dictionary, or INDEX__NONE. */
uint32_t index__dict_find(const index_t *ix, int folded, const char *s,
                          size_t n);

/* The folded and exact forms of one token (a new string each; caller
 * frees). ASCII tokens take a fast path. */
void index__forms(const char *s, size_t n, char **exact, size_t *exact_len,
                  char **folded, size_t *folded_len);

/* The folded form of one token into buf (cap bytes): its length, or
 * SIZE_MAX when it does not fit. A table covers ASCII and the Latin blocks
 * Vietnamese is written in; anything else goes through text_fold(). */
size_t index__fold(const char *s, size_t n, char *buf, size_t cap);

/* The term's string. */
static inline const char *index__str(const index_t *ix,
                                     const index__term_t *t) {
    return ix->strings + t->str;
}

/* The range [*lo, *hi) of ix->folded_sorted whose strings start with
 * prefix[0..n). */
void index__prefix_range(const index_t *ix, const char *prefix, size_t n,
                         size_t *lo, size_t *hi);

/* Does the folded term id match slot s? */
int index__slot_has(const index__slot_t *s, uint32_t id);

#endif
