/* suggest.c - completions for search-as-you-type.
 *
 * The last syllable of the input is a folded prefix; the syllables before
 * it (at most SUGGEST_CONTEXT) must come right before the completion in
 * the corpus. One syllable: the exact terms whose folded form starts with
 * the prefix, by number of occurrences, each shown in its most frequent
 * spelling. More: the occurrences of the context phrase are matched
 * against the postings of each candidate exact term (the most frequent
 * first, within a budget of decoded occurrences), and each completion is
 * shown as the corpus most often writes it, from a sample of its
 * occurrences. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define SUGGEST_CONTEXT 8
#define SUGGEST_CANDIDATES 512
#define SUGGEST_BUDGET (4u << 20) /* occurrences decoded */
#define SUGGEST_SAMPLE 16

/* Every occurrence of term t, in order, as passage << 32 | position (a
 * new array of t->cf keys; caller frees). */
static uint64_t *term_keys(const index_t *ix, const index__term_t *t) {
    uint64_t *keys = vj_malloc((t->cf ? t->cf : 1) * sizeof *keys);
    const uint8_t *p = ix->postings + t->post, *end = p + t->post_len;
    const uint8_t *pp = ix->postings + t->pos;
    uint32_t base = 0;
    size_t n = 0;
    while (p < end) {
        uint32_t pass = base + index__varint_get(&p);
        base = pass + 1;
        uint32_t tf = index__varint_get(&p), pos = 0;
        for (uint32_t k = 0; k < tf; k++) {
            pos += index__varint_get(&pp);
            keys[n++] = (uint64_t)pass << 32 | pos;
        }
    }
    return keys;
}

/* The occurrences of the folded terms ids[0..k) in a row, by the key of
 * the first: a new array (caller frees), its length in *n. */
static uint64_t *phrase_keys(const index_t *ix, const uint32_t *ids, size_t k,
                             size_t *n) {
    uint64_t *out = term_keys(ix, &ix->folded[ids[0]]);
    size_t kept = ix->folded[ids[0]].cf;
    for (size_t j = 1; j < k && kept > 0; j++) {
        const index__term_t *t = &ix->folded[ids[j]];
        uint64_t *next = term_keys(ix, t);
        size_t at = 0, m = 0;
        for (size_t i = 0; i < kept; i++) {
            uint64_t want = out[i] + j;
            if ((uint32_t)want < j)
                continue; /* position overflow */
            while (at < t->cf && next[at] < want)
                at++;
            if (at < t->cf && next[at] == want)
                out[m++] = out[i];
        }
        kept = m;
        free(next);
    }
    *n = kept;
    return out;
}

typedef struct {
    uint32_t exact;
    uint32_t count;
    uint64_t first; /* a context occurrence it follows, for the sample */
} sug_t;

static int cmp_sug(const void *a, const void *b) {
    const sug_t *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return (x->exact > y->exact) - (x->exact < y->exact);
}

void index_suggestions_free(index_suggestion_t *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        free(s[i].text);
    free(s);
}

/* The exact terms of folded terms with this prefix, best first, as
 * candidates with count = occurrences. */
static sug_t *prefix_candidates(const index_t *ix, const char *prefix, size_t n,
                                size_t *count) {
    size_t lo, hi, m = 0;
    index__prefix_range(ix, prefix, n, &lo, &hi);
    size_t total = 0;
    for (size_t i = lo; i < hi; i++) {
        uint32_t f = ix->folded_sorted[i];
        uint32_t a = ix->folded[f].link;
        uint32_t z = f + 1 < ix->folded_count ? ix->folded[f + 1].link
                                              : (uint32_t)ix->exact_count;
        total += z - a;
    }
    sug_t *c = vj_malloc((total ? total : 1) * sizeof *c);
    for (size_t i = lo; i < hi; i++) {
        uint32_t f = ix->folded_sorted[i];
        uint32_t a = ix->folded[f].link;
        uint32_t z = f + 1 < ix->folded_count ? ix->folded[f + 1].link
                                              : (uint32_t)ix->exact_count;
        for (uint32_t k = a; k < z; k++) {
            uint32_t e = ix->folded_exact[k];
            c[m++] = (sug_t){e, ix->exact[e].cf, 0};
        }
    }
    if (m > 1)
        qsort(c, m, sizeof *c, cmp_sug);
    *count = m;
    return c;
}

/* The most frequent spelling of the k tokens starting at the sampled
 * occurrences of the context followed by exact term e. */
static char *sample_display(const index_t *ix, const uint64_t *ctx, size_t nctx,
                            size_t k, uint32_t e) {
    const index__term_t *ft = &ix->folded[ix->exact[e].link];
    uint64_t *keys = term_keys(ix, ft);
    char *texts[SUGGEST_SAMPLE];
    size_t counts[SUGGEST_SAMPLE], nt = 0, j = 0;
    for (size_t i = 0; i < nctx && nt < SUGGEST_SAMPLE; i++) {
        uint64_t want = ctx[i] + (k - 1);
        while (j < ft->cf && keys[j] < want)
            j++;
        if (j == ft->cf)
            break;
        if (keys[j] != want)
            continue;
        uint32_t p = (uint32_t)(ctx[i] >> 32), pos = (uint32_t)ctx[i];
        const corpus_doc_t *doc = corpus_doc_at(ix->corpus, ix->passage_doc[p]);
        const corpus_span_t *sp = &doc->paragraphs[ix->passage_para[p]].span;
        const char *text = doc->text + sp->start;
        text_tokenizer_t tz;
        text_token_t tok;
        size_t start = 0, idx = 0;
        text_tokenizer_init(&tz, text, sp->end - sp->start);
        while (text_tokenizer_next(&tz, &tok)) {
            if (idx == pos)
                start = tok.start;
            if (idx == pos + k - 1) {
                /* the exact form must be e's (not another spelling) */
                char *ex, *f;
                size_t en, fn;
                index__forms(text + tok.start, tok.end - tok.start, &ex, &en,
                             &f, &fn);
                int same = index__dict_find(ix, 0, ex, en) == e;
                free(ex);
                free(f);
                if (!same)
                    break;
                size_t n = tok.end - start, t = 0;
                while (t < nt && (strlen(texts[t]) != n ||
                                  memcmp(texts[t], text + start, n) != 0))
                    t++;
                if (t == nt) {
                    texts[nt] = vj_strndup(text + start, n);
                    counts[nt++] = 0;
                }
                counts[t]++;
                break;
            }
            idx++;
        }
    }
    free(keys);
    if (nt == 0)
        return vj_strndup(ix->strings + ix->exact[e].display,
                          ix->exact[e].display_len);
    size_t best = 0;
    for (size_t t = 1; t < nt; t++)
        if (counts[t] > counts[best])
            best = t;
    char *r = texts[best];
    for (size_t t = 0; t < nt; t++)
        if (t != best)
            free(texts[t]);
    return r;
}

int index_suggest(const index_t *ix, const char *q, size_t len, size_t limit,
                  index_suggestion_t **out, size_t *n) {
    *out = NULL;
    *n = 0;
    if (len > INDEX_QUERY_MAX_BYTES)
        return VJ_ETOOBIG;
    if (text_utf8_validate(q, len, NULL) != 0)
        return VJ_EILSEQ;
    /* the last tokens: context and prefix */
    text_tokenizer_t tz;
    text_token_t tok, toks[SUGGEST_CONTEXT + 1];
    size_t nt = 0;
    text_tokenizer_init(&tz, q, len);
    while (text_tokenizer_next(&tz, &tok)) {
        if (nt == SUGGEST_CONTEXT + 1) {
            memmove(toks, toks + 1, SUGGEST_CONTEXT * sizeof *toks);
            nt--;
        }
        toks[nt++] = tok;
    }
    if (nt == 0 || limit == 0)
        return 0;
    char *folded[SUGGEST_CONTEXT + 1];
    size_t flen[SUGGEST_CONTEXT + 1];
    for (size_t i = 0; i < nt; i++) {
        char *e;
        size_t en;
        index__forms(q + toks[i].start, toks[i].end - toks[i].start, &e, &en,
                     &folded[i], &flen[i]);
        free(e);
    }
    size_t nc = 0;
    sug_t *c = prefix_candidates(ix, folded[nt - 1], flen[nt - 1], &nc);
    uint64_t *ctx = NULL;
    size_t nctx = 0;
    if (nt > 1) {
        /* the context phrase's occurrences */
        uint32_t ids[SUGGEST_CONTEXT];
        int known = 1;
        for (size_t i = 0; i + 1 < nt; i++) {
            ids[i] = index__dict_find(ix, 1, folded[i], flen[i]);
            known = known && ids[i] != INDEX__NONE;
        }
        if (known)
            ctx = phrase_keys(ix, ids, nt - 1, &nctx);
        /* count each candidate right after the context */
        size_t kept = 0, budget = SUGGEST_BUDGET;
        for (size_t i = 0; i < nc && i < SUGGEST_CANDIDATES && nctx; i++) {
            const index__term_t *t = &ix->exact[c[i].exact];
            if (t->cf > budget)
                continue;
            budget -= t->cf;
            /* the candidate's occurrences right after the context */
            uint64_t *keys = term_keys(ix, t);
            uint32_t count = 0;
            uint64_t first = 0;
            size_t j = 0;
            for (size_t o = 0; o < t->cf; o++) {
                if ((uint32_t)keys[o] < nt - 1)
                    continue;
                uint64_t start = keys[o] - (nt - 1);
                while (j < nctx && ctx[j] < start)
                    j++;
                if (j < nctx && ctx[j] == start && count++ == 0)
                    first = start;
            }
            free(keys);
            if (count)
                c[kept++] = (sug_t){c[i].exact, count, first};
        }
        nc = kept;
        if (nc > 1)
            qsort(c, nc, sizeof *c, cmp_sug);
    }
    size_t m = nc < limit ? nc : limit;
    index_suggestion_t *r = vj_calloc(m ? m : 1, sizeof *r);
    for (size_t i = 0; i < m; i++) {
        const index__term_t *t = &ix->exact[c[i].exact];
        r[i].count = c[i].count;
        if (nt == 1)
            r[i].text = vj_strndup(ix->strings + t->display, t->display_len);
        else
            r[i].text = sample_display(ix, ctx, nctx, nt, c[i].exact);
    }
    free(ctx);
    free(c);
    for (size_t i = 0; i < nt; i++)
        free(folded[i]);
    *out = r;
    *n = m;
    return 0;
}
