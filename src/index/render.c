/* render.c - snippets and highlights of a search hit.
 *
 * The passage is tokenised again and each token's folded form looked up;
 * a hit is a run of tokens matching one alternative of a required query
 * term (a phrase: all its syllables in a row). Overlapping hits merge.
 * Highlights are the hits as offsets into the document text. The snippet
 * is the window of INDEX_SNIPPET_TOKENS tokens that holds the most distinct
 * query terms (then the most hits), centred on its hits, HTML-escaped, with
 * each hit in <mark>. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t first, last; /* token indexes, inclusive */
    uint32_t groups;    /* bit per query term */
} hit_t;

static int cmp_hit(const void *a, const void *b) {
    const hit_t *x = a, *y = b;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return (x->last < y->last) - (x->last > y->last);
}

static void escape(vj_buf_t *b, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&':
            vj_buf_puts(b, "&amp;");
            break;
        case '<':
            vj_buf_puts(b, "&lt;");
            break;
        case '>':
            vj_buf_puts(b, "&gt;");
            break;
        case '"':
            vj_buf_puts(b, "&quot;");
            break;
        case '\'':
            vj_buf_puts(b, "&#39;");
            break;
        default:
            vj_buf_putc(b, s[i]);
        }
    }
}

static int popcount32(uint32_t v) {
    int c = 0;
    for (; v; v &= v - 1)
        c++;
    return c;
}

void index_render(const index_t *ix, const index_result_t *res,
                  const index_hit_t *hit, char **snippet, index_span_t **spans,
                  size_t *span_count) {
    const corpus_doc_t *doc = corpus_doc_at(ix->corpus, hit->doc);
    const corpus_span_t *ps = &doc->paragraphs[hit->paragraph].span;
    const char *text = doc->text + ps->start;
    size_t len = ps->end - ps->start;

    /* tokens and their folded term ids */
    text_tokenizer_t tz;
    text_token_t *toks = NULL;
    uint32_t *fids = NULL;
    size_t nt = 0, cap = 0;
    text_tokenizer_init(&tz, text, len);
    text_token_t tok;
    while (text_tokenizer_next(&tz, &tok)) {
        if (nt == cap) {
            cap = cap ? cap * 2 : 64;
            toks = vj_realloc(toks, cap * sizeof *toks);
            fids = vj_realloc(fids, cap * sizeof *fids);
        }
        char f[256];
        size_t fn =
            index__fold(text + tok.start, tok.end - tok.start, f, sizeof f);
        fids[nt] =
            fn == SIZE_MAX ? INDEX__NONE : index__dict_find(ix, 1, f, fn);
        toks[nt++] = tok;
    }

    /* hits */
    hit_t *hits = NULL;
    size_t nh = 0, hcap = 0;
    const index_plan_t *plan = res->plan;
    for (size_t g = 0; plan && g < plan->n; g++) {
        if (plan->groups[g].negated)
            continue;
        for (size_t a = 0; a < plan->groups[g].n; a++) {
            const index__alt_t *alt = &plan->groups[g].alts[a];
            for (size_t i = 0; alt->n > 0 && i + alt->n <= nt; i++) {
                size_t k = 0;
                while (k < alt->n && fids[i + k] != INDEX__NONE &&
                       index__slot_has(&alt->slots[k], fids[i + k]))
                    k++;
                if (k < alt->n)
                    continue;
                if (nh == hcap) {
                    hcap = hcap ? hcap * 2 : 16;
                    hits = vj_realloc(hits, hcap * sizeof *hits);
                }
                hits[nh++] = (hit_t){i, i + alt->n - 1, 1u << (g & 31)};
            }
        }
    }
    if (nh > 1)
        qsort(hits, nh, sizeof *hits, cmp_hit);
    size_t nm = 0;
    for (size_t i = 0; i < nh; i++) {
        if (nm > 0 && hits[i].first <= hits[nm - 1].last) {
            if (hits[i].last > hits[nm - 1].last)
                hits[nm - 1].last = hits[i].last;
            hits[nm - 1].groups |= hits[i].groups;
        } else {
            hits[nm++] = hits[i];
        }
    }

    *span_count = nm;
    *spans = vj_malloc((nm ? nm : 1) * sizeof **spans);
    for (size_t i = 0; i < nm; i++) {
        const text_token_t *a = &toks[hits[i].first], *z = &toks[hits[i].last];
        (*spans)[i] = (index_span_t){ps->start + (uint32_t)a->start,
                                     ps->start + (uint32_t)z->end,
                                     ps->char_start + (uint32_t)a->char_start,
                                     ps->char_start + (uint32_t)z->char_end};
    }

    /* the window */
    const size_t W = INDEX_SNIPPET_TOKENS;
    size_t s = 0, begin = 0, end = len;
    if (nt > W) {
        long best = -1;
        for (size_t w = 0; w + W <= nt; w++) {
            uint32_t mask = 0;
            long count = 0;
            for (size_t i = 0; i < nm; i++)
                if (hits[i].first >= w && hits[i].last < w + W) {
                    mask |= hits[i].groups;
                    count++;
                }
            long score = popcount32(mask) * 1000L + count;
            if (score > best) {
                best = score;
                s = w;
            }
        }
        size_t f = SIZE_MAX, l = 0;
        for (size_t i = 0; i < nm; i++)
            if (hits[i].first >= s && hits[i].last < s + W) {
                if (hits[i].first < f)
                    f = hits[i].first;
                if (hits[i].last > l)
                    l = hits[i].last;
            }
        if (f != SIZE_MAX) {
            size_t c = (f + l) / 2;
            s = c > W / 2 ? c - W / 2 : 0;
            if (s > f)
                s = f;
            if (s + W - 1 < l)
                s = l - W + 1;
            if (s + W > nt)
                s = nt - W;
        }
        begin = s == 0 ? 0 : toks[s].start;
        if (s + W < nt) {
            end = toks[s + W - 1].end;
            while (end < len && text[end] != ' ' && text[end] != '\n' &&
                   end < toks[s + W].start)
                end++;
        }
    }

    vj_buf_t b;
    vj_buf_init(&b);
    if (begin > 0)
        vj_buf_puts(&b, "… ");
    size_t at = begin;
    for (size_t i = 0; i < nm; i++) {
        size_t hs = toks[hits[i].first].start, he = toks[hits[i].last].end;
        if (hs < begin || he > end)
            continue;
        escape(&b, text + at, hs - at);
        vj_buf_puts(&b, "<mark>");
        escape(&b, text + hs, he - hs);
        vj_buf_puts(&b, "</mark>");
        at = he;
    }
    escape(&b, text + at, end - at);
    if (end < len)
        vj_buf_puts(&b, " …");
    *snippet = vj_buf_steal(&b, NULL);
    vj_buf_free(&b);
    free(hits);
    free(toks);
    free(fids);
}
