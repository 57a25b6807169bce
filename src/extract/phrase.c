/* phrase.c - text helpers the extractors share: a lower-cased copy that
 * keeps byte offsets, word boundaries, clause splitting, sentence spans as
 * document spans, and a phrase set matched on word boundaries through a
 * hash of each phrase's first syllable (event triggers and project words).
 *
 * A phrase set keeps its phrases in lower case, except phrases written with
 * an upper-case letter ("LNG", "JBIC"), which match case as written: an
 * acronym must not match an ordinary word ("AI" is not "ai", "who"). */
#include "internal.h"
#include "vjcorpus/text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

char *extract__lower_copy(const char *s, size_t len) {
    char *out = vj_malloc(len + 1);
    size_t i = 0;
    while (i < len) {
        unsigned char b = (unsigned char)s[i];
        if (b < 0x80) { /* ASCII without a table look-up */
            out[i++] = (char)(b >= 'A' && b <= 'Z' ? b + 32 : b);
            continue;
        }
        size_t at = i;
        int32_t cp = text_utf8_next(s, len, &i);
        if (cp < 0)
            break;
        char enc[4];
        size_t n = text_utf8_encode(utf8proc_tolower(cp), enc);
        if (n == i - at)
            memcpy(out + at, enc, n);
        else
            memcpy(out + at, s + at, i - at);
    }
    out[len] = '\0';
    return out;
}

int extract__is_word_cp(int32_t cp) {
    if (cp < 0)
        return 0;
    if (cp < 0x80) /* the common case, without a table look-up */
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
               (cp >= '0' && cp <= '9');
    if (text_cp_is_letter(cp))
        return 1;
    if (cp >= 0x2000 && cp <= 0x206F) /* General Punctuation: “ ” – … */
        return 0;
    if (text_cp_is_digit(cp))
        return 1;
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC;
}

size_t extract__syllable_len(const char *s, size_t len) {
    size_t i = 0;
    while (i < len) {
        size_t at = i;
        if (!extract__is_word_cp(text_utf8_next(s, len, &i)))
            return at;
    }
    return len;
}

size_t extract__word_count(const char *s, size_t len) {
    size_t n = 0, i = 0;
    int prev = 0;
    while (i < len) {
        int w = extract__is_word_cp(text_utf8_next(s, len, &i));
        if (w && !prev)
            n++;
        prev = w;
    }
    return n;
}

size_t extract__clauses_split(const char *s, size_t len, extract__range_t *out,
                              size_t max) {
    size_t n = 0;
    int depth = 0, quote = 0;
    uint32_t start = 0;
    size_t i = 0;
    if (max == 0)
        return 0;
    while (i < len) {
        size_t at = i;
        int32_t cp = text_utf8_next(s, len, &i);
        if (cp == '(' || cp == '[')
            depth++;
        else if ((cp == ')' || cp == ']') && depth > 0)
            depth--;
        else if (cp == 0x201C)
            quote = 1;
        else if (cp == 0x201D)
            quote = 0;
        else if (cp == '"')
            quote = !quote;
        else if ((cp == ',' || cp == ';' || cp == ':') && depth == 0 &&
                 !quote && i < len && s[i] == ' ') {
            if (n < max - 1 && at > start) {
                out[n].start = start;
                out[n].end = (uint32_t)at;
                n++;
                start = (uint32_t)i;
            }
        }
    }
    if (start < len) {
        out[n].start = start;
        out[n].end = (uint32_t)len;
        n++;
    }
    return n;
}

corpus_span_t extract__doc_span(const corpus_doc_t *doc,
                                const corpus_sentence_t *sent, uint32_t s,
                                uint32_t e) {
    corpus_span_t sp;
    sp.start = sent->span.start + s;
    sp.end = sent->span.start + e;
    sp.char_start = sent->span.char_start +
                    (uint32_t)text_utf8_count(doc->text + sent->span.start, s);
    sp.char_end =
        sp.char_start + (uint32_t)text_utf8_count(doc->text + sp.start, e - s);
    return sp;
}

char *extract__slug(const char *name, size_t max) {
    char *f;
    size_t flen;
    if (text_fold(name, strlen(name), &f, &flen) != 0)
        return NULL;
    char *out = vj_malloc(flen + 1);
    size_t n = 0;
    int dash = 0;
    for (size_t i = 0; i < flen; i++) {
        unsigned char c = (unsigned char)f[i];
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && n > 0)
                out[n++] = '-';
            dash = 0;
            out[n++] = (char)c;
        } else {
            dash = 1;
        }
    }
    out[n] = '\0';
    free(f);
    /* cut at a '-' so a long name keeps whole words */
    if (max > 0 && n > max) {
        size_t cut = max;
        while (cut > 0 && out[cut] != '-')
            cut--;
        out[cut ? cut : max] = '\0';
    }
    return out;
}

/* --- Phrase sets -----------------------------------------------------------
 */

#define PHRASE_BUCKETS 256

struct extract__phrases {
    extract__phrase_t *items;
    size_t count, cap;
    /* the first two lower-case bytes of every phrase, as bits: most word
     * starts are rejected with one look-up, before any hashing */
    uint8_t first2[65536 / 8];
    uint32_t *bucket_items[PHRASE_BUCKETS];
    size_t bucket_len[PHRASE_BUCKETS];
};

static size_t phrase_bucket(const char *s, size_t n) {
    return (size_t)(vj_hash64(VJ_HASH_INIT, s, n) % PHRASE_BUCKETS);
}

extract__phrases_t *extract__phrases_new(void) {
    return vj_calloc(1, sizeof(extract__phrases_t));
}

void extract__phrases_free(extract__phrases_t *ps) {
    if (ps == NULL)
        return;
    for (size_t i = 0; i < ps->count; i++) {
        free(ps->items[i].text);
        free(ps->items[i].extra);
    }
    for (size_t i = 0; i < PHRASE_BUCKETS; i++)
        free(ps->bucket_items[i]);
    free(ps->items);
    free(ps);
}

size_t extract__phrases_count(const extract__phrases_t *ps) {
    return ps->count;
}

const extract__phrase_t *extract__phrases_item(const extract__phrases_t *ps,
                                               size_t i) {
    return i < ps->count ? &ps->items[i] : NULL;
}

int extract__phrases_add(extract__phrases_t *ps, const char *text, int kind,
                         int value, int weight, const char *extra) {
    size_t len = strlen(text);
    char *nfc;
    size_t nfc_len;
    if (len == 0 || text_utf8_validate(text, len, NULL) != 0 ||
        text_nfc(text, len, &nfc, &nfc_len) != 0)
        return VJ_EINVAL;
    extract__phrase_t p = {0};
    /* collapse runs of spaces, so "tuyến  Metro" is "tuyến Metro" */
    size_t w = 0;
    for (size_t i = 0; i < nfc_len; i++)
        if (nfc[i] != ' ' || (w > 0 && nfc[w - 1] != ' '))
            nfc[w++] = nfc[i];
    while (w > 0 && nfc[w - 1] == ' ')
        w--;
    nfc[w] = '\0';
    if (w == 0 || !extract__is_word_cp(text_utf8_next(nfc, w, &(size_t){0}))) {
        free(nfc);
        return VJ_EINVAL;
    }
    char *low = extract__lower_copy(nfc, w);
    p.exact_case = strcmp(low, nfc) != 0;
    if (p.exact_case) {
        p.text = nfc;
        free(low);
    } else {
        p.text = low;
        free(nfc);
    }
    p.len = w;
    p.kind = kind;
    p.value = value;
    p.weight = weight;
    p.extra = extra ? vj_strdup(extra) : NULL;
    /* the bucket is the lower-cased first syllable either way */
    char *lp = extract__lower_copy(p.text, p.len);
    if (p.len == 1) { /* any byte may follow */
        for (unsigned k = 0; k < 256; k++)
            ps->first2[((unsigned)(uint8_t)lp[0] << 8 | k) >> 3] |=
                (uint8_t)(1u << (k & 7));
    } else {
        unsigned k = (unsigned)(uint8_t)lp[0] << 8 | (uint8_t)lp[1];
        ps->first2[k >> 3] |= (uint8_t)(1u << (k & 7));
    }
    size_t b = phrase_bucket(lp, extract__syllable_len(lp, p.len));
    free(lp);
    if (ps->count == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 32;
        ps->items = vj_realloc(ps->items, ps->cap * sizeof *ps->items);
    }
    ps->bucket_items[b] =
        vj_realloc(ps->bucket_items[b],
                   (ps->bucket_len[b] + 1) * sizeof *ps->bucket_items[b]);
    ps->bucket_items[b][ps->bucket_len[b]++] = (uint32_t)ps->count;
    ps->items[ps->count++] = p;
    return 0;
}

const extract__phrase_t *extract__phrases_at(const extract__phrases_t *ps,
                                             const char *s, const char *low,
                                             size_t len, size_t at) {
    if (ps == NULL || at >= len)
        return NULL;
    unsigned f2 = (unsigned)(uint8_t)low[at] << 8 |
                  (at + 1 < len ? (uint8_t)low[at + 1] : 0);
    if (!(ps->first2[f2 >> 3] & (1u << (f2 & 7))))
        return NULL;
    size_t sl = extract__syllable_len(low + at, len - at);
    if (sl == 0)
        return NULL;
    size_t b = phrase_bucket(low + at, sl);
    const extract__phrase_t *best = NULL;
    for (size_t k = 0; k < ps->bucket_len[b]; k++) {
        const extract__phrase_t *p = &ps->items[ps->bucket_items[b][k]];
        if (p->len > len - at)
            continue;
        const char *hay = p->exact_case ? s : low;
        if (memcmp(hay + at, p->text, p->len) != 0)
            continue;
        if (at + p->len < len) {
            size_t j = at + p->len;
            if (extract__is_word_cp(text_utf8_next(low, len, &j)))
                continue;
        }
        if (best == NULL || p->len > best->len)
            best = p;
    }
    return best;
}

size_t extract__phrases_find(const extract__phrases_t *ps, const char *s,
                             const char *low, size_t len,
                             extract__phrase_hit_t **out) {
    size_t n = 0, cap = 0;
    extract__phrase_hit_t *hits = NULL;
    size_t i = 0;
    int prev_word = 0;
    while (i < len) {
        size_t at = i;
        int word = extract__is_word_cp(text_utf8_next(low, len, &i));
        if (!word || prev_word) {
            prev_word = word;
            continue;
        }
        const extract__phrase_t *best =
            extract__phrases_at(ps, s, low, len, at);
        if (best) {
            if (n == cap) {
                cap = cap ? cap * 2 : 8;
                hits = vj_realloc(hits, cap * sizeof *hits);
            }
            hits[n].start = (uint32_t)at;
            hits[n].end = (uint32_t)(at + best->len);
            hits[n].p = best;
            n++;
            i = at + best->len;
            prev_word = 0;
            continue;
        }
        prev_word = word;
    }
    *out = hits;
    return n;
}
