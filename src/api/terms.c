/* terms.c - the most frequent terms of a corpus, for GET /api/v1/stats:
 * syllables and two-syllable words (adjacent syllables of one sentence),
 * lower case, without numbers and without the stop words of
 * data/lexicon/stopwords.txt (a two-syllable word counts when neither
 * syllable is a stop word). Counted once per snapshot with an
 * open-addressing hash table. */
#include "internal.h"
#include "vjcorpus/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

typedef struct {
    char *key;
    size_t count;
} slot_t;

typedef struct {
    slot_t *slots;
    size_t cap, used;
} table_t;

static void table_init(table_t *t, size_t cap) {
    t->cap = cap;
    t->used = 0;
    t->slots = vj_calloc(cap, sizeof *t->slots);
}

static void table_free(table_t *t) {
    for (size_t i = 0; i < t->cap; i++)
        free(t->slots[i].key);
    free(t->slots);
}

static slot_t *table_find(table_t *t, const char *k, size_t n, int add) {
    if (add && (t->used + 1) * 2 > t->cap) {
        table_t bigger;
        table_init(&bigger, t->cap * 2);
        for (size_t i = 0; i < t->cap; i++) {
            if (t->slots[i].key == NULL)
                continue;
            size_t h = vj_hash64(VJ_HASH_INIT, t->slots[i].key,
                                 strlen(t->slots[i].key)) &
                       (bigger.cap - 1);
            while (bigger.slots[h].key)
                h = (h + 1) & (bigger.cap - 1);
            bigger.slots[h] = t->slots[i];
            bigger.used++;
        }
        free(t->slots);
        *t = bigger;
    }
    size_t h = vj_hash64(VJ_HASH_INIT, k, n) & (t->cap - 1);
    while (t->slots[h].key) {
        if (strlen(t->slots[h].key) == n && memcmp(t->slots[h].key, k, n) == 0)
            return &t->slots[h];
        h = (h + 1) & (t->cap - 1);
    }
    if (!add)
        return NULL;
    t->slots[h].key = vj_strndup(k, n);
    t->used++;
    return &t->slots[h];
}

static int load_stopwords(const char *dir, table_t *stop,
                          corpus_problem_cb cb, void *data) {
    char path[4096];
    snprintf(path, sizeof path, "%s/stopwords.txt", dir);
    char *buf;
    size_t len;
    int rc = vj_file_read(path, 1u << 20, &buf, &len);
    if (rc != 0) {
        if (cb) {
            corpus_problem_t p = {.file = path,
                                  .message = "cannot read the stop words",
                                  .fatal = 1};
            cb(&p, data);
        }
        return rc;
    }
    char *line = buf;
    while (line && *line) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
            n--;
        if (n && line[0] != '#')
            table_find(stop, line, n, 1);
        line = nl ? nl + 1 : NULL;
    }
    free(buf);
    return 0;
}

/* Lower-cases one word into out (at most 4 bytes a code point). */
static size_t lower_word(const char *s, size_t n, char *out) {
    size_t i = 0, o = 0;
    while (i < n) {
        int32_t cp = text_utf8_next(s, n, &i);
        o += text_utf8_encode(utf8proc_tolower(cp), out + o);
    }
    return o;
}

static int is_word_cp(int32_t cp) {
    if (text_cp_is_letter(cp) || text_cp_is_digit(cp))
        return 1;
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC;
}

static int cmp_slots(const void *x, const void *y) {
    const slot_t *a = x, *b = y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return strcmp(a->key, b->key);
}

/* The top API__TERMS entries of t, moved into a new array. */
static api_term_t *top_of(table_t *t, size_t *n) {
    slot_t *all = vj_malloc((t->used ? t->used : 1) * sizeof *all);
    size_t k = 0;
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].key)
            all[k++] = t->slots[i];
    qsort(all, k, sizeof *all, cmp_slots);
    *n = k < API__TERMS ? k : API__TERMS;
    api_term_t *out = vj_calloc(*n ? *n : 1, sizeof *out);
    for (size_t i = 0; i < *n; i++) {
        out[i].term = vj_strdup(all[i].key);
        out[i].count = all[i].count;
    }
    free(all);
    return out;
}

int api__terms_count(api_snapshot_t *snap, const char *lexicon_dir,
                     corpus_problem_cb cb, void *data) {
    table_t stop, words, pairs;
    table_init(&stop, 1024);
    int rc = load_stopwords(lexicon_dir, &stop, cb, data);
    if (rc != 0) {
        table_free(&stop);
        return rc;
    }
    table_init(&words, 4096);
    table_init(&pairs, 4096);
    const corpus_t *c = snap->corpus;
    char cur[1024], prev[1024], pair[2100];
    for (size_t d = 0; d < corpus_doc_count(c); d++) {
        const corpus_doc_t *doc = corpus_doc_at(c, d);
        for (size_t s = 0; s < doc->sentence_count; s++) {
            const char *t = doc->text + doc->sentences[s].span.start;
            size_t len = doc->sentences[s].span.end -
                         doc->sentences[s].span.start;
            size_t i = 0, prev_len = 0;
            while (i < len) {
                size_t start = i, end = i;
                int digit = 0;
                while (i < len) {
                    size_t at = i;
                    int32_t cp = text_utf8_next(t, len, &i);
                    if (!is_word_cp(cp)) {
                        end = at;
                        break;
                    }
                    digit |= text_cp_is_digit(cp);
                    end = i;
                }
                if (end == start) {
                    /* punctuation other than a space breaks a pair */
                    if (i > start && t[start] != ' ')
                        prev_len = 0;
                    continue;
                }
                if (end - start > 250 || digit) {
                    prev_len = 0;
                    continue;
                }
                /* a word that ends at punctuation ends a pair run */
                int breaks = end < len && t[end] != ' ';
                size_t n = lower_word(t + start, end - start, cur);
                if (table_find(&stop, cur, n, 0)) {
                    prev_len = 0;
                    continue;
                }
                table_find(&words, cur, n, 1)->count++;
                if (prev_len) {
                    memcpy(pair, prev, prev_len);
                    pair[prev_len] = ' ';
                    memcpy(pair + prev_len + 1, cur, n);
                    table_find(&pairs, pair, prev_len + 1 + n, 1)->count++;
                }
                memcpy(prev, cur, n);
                prev_len = breaks ? 0 : n;
            }
        }
    }
    snap->top_words = top_of(&words, &snap->top_word_count);
    snap->top_pairs = top_of(&pairs, &snap->top_pair_count);
    table_free(&stop);
    table_free(&words);
    table_free(&pairs);
    return 0;
}

void api__terms_free(api_snapshot_t *snap) {
    for (size_t i = 0; i < snap->top_word_count; i++)
        free(snap->top_words[i].term);
    for (size_t i = 0; i < snap->top_pair_count; i++)
        free(snap->top_pairs[i].term);
    free(snap->top_words);
    free(snap->top_pairs);
}
