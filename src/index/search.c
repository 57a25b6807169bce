/* search.c - evaluating a query: binding it to the index (the plan),
 * gathering occurrences, intersecting, scoring and paging.
 *
 * Every term of the query (a group of OR-ed alternatives) becomes one
 * sorted list of occurrences (passage, position, length, weight): a
 * single syllable decodes its folded postings, weighting each occurrence
 * by whether the exact postings hold it too; a prefix or a misspelling
 * merges the postings of the words it expands to; a phrase keeps the
 * occurrences of its first syllable that its next syllables follow.
 * Passages holding every required term and no excluded one are scored
 * with BM25 and the proximity factor (index.h), counted per document for
 * the facets, and the page asked for is selected with a bounded heap. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* --- Occurrence lists --------------------------------------------------- */

void index__occ_free(index__occ_t *o) {
    free(o->key);
    free(o->w);
    free(o->len);
    memset(o, 0, sizeof *o);
}

static void occ_reserve(index__occ_t *o, size_t extra) {
    if (o->n + extra <= o->cap)
        return;
    size_t cap = o->cap ? o->cap : 64;
    while (cap < o->n + extra)
        cap *= 2;
    o->key = vj_realloc(o->key, cap * sizeof *o->key);
    o->w = vj_realloc(o->w, cap * sizeof *o->w);
    o->len = vj_realloc(o->len, cap * sizeof *o->len);
    o->cap = cap;
}

static void occ_push(index__occ_t *o, uint64_t key, float w, uint8_t len) {
    occ_reserve(o, 1);
    o->key[o->n] = key;
    o->w[o->n] = w;
    o->len[o->n] = len;
    o->n++;
}

/* Appends every occurrence of term t (all weight w, length 1). */
static void decode(const index_t *ix, const index__term_t *t, float w,
                   index__occ_t *o) {
    const uint8_t *p = ix->postings + t->post, *end = p + t->post_len;
    uint32_t base = 0;
    occ_reserve(o, t->cf);
    while (p < end) {
        uint32_t pass = base + index__varint_get(&p);
        base = pass + 1;
        uint32_t tf = index__varint_get(&p), pos = 0;
        for (uint32_t k = 0; k < tf; k++) {
            pos += index__varint_get(&p);
            o->key[o->n] = (uint64_t)pass << 32 | pos;
            o->w[o->n] = w;
            o->len[o->n] = 1;
            o->n++;
        }
    }
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The occurrences of one syllable slot, sorted. */
static void slot_occurrences(const index_t *ix, const index__slot_t *s,
                             index__occ_t *o) {
    if (s->n == 1) {
        decode(ix, &ix->folded[s->ids[0]], s->folded_weight, o);
    } else if (s->n > 1) {
        for (size_t i = 0; i < s->n; i++)
            decode(ix, &ix->folded[s->ids[i]], s->folded_weight, o);
        if (o->n > 1) /* w and len are uniform: sort the keys alone */
            qsort(o->key, o->n, sizeof *o->key, cmp_u64);
    }
    if (s->exact == INDEX__NONE || o->n == 0)
        return;
    index__occ_t ex = {0};
    decode(ix, &ix->exact[s->exact], 1.0f, &ex);
    size_t j = 0;
    for (size_t i = 0; i < o->n && j < ex.n; i++) {
        while (j < ex.n && ex.key[j] < o->key[i])
            j++;
        if (j < ex.n && ex.key[j] == o->key[i])
            o->w[i] = 1.0f;
    }
    index__occ_free(&ex);
}

void index__alt_occurrences(const index_t *ix, const index__alt_t *a,
                            index__occ_t *out) {
    memset(out, 0, sizeof *out);
    if (a->n == 0)
        return;
    slot_occurrences(ix, &a->slots[0], out);
    if (a->n == 1)
        return;
    /* phrase: keep first-syllable occurrences followed by the others */
    index__occ_t *rest = vj_calloc(a->n, sizeof *rest);
    size_t *at = vj_calloc(a->n, sizeof *at);
    for (size_t j = 1; j < a->n; j++)
        slot_occurrences(ix, &a->slots[j], &rest[j]);
    size_t kept = 0;
    for (size_t i = 0; i < out->n; i++) {
        float w = out->w[i];
        int ok = 1;
        for (size_t j = 1; j < a->n && ok; j++) {
            uint64_t want = out->key[i] + j;
            if ((uint32_t)want < j) {
                ok = 0; /* position overflow */
                break;
            }
            while (at[j] < rest[j].n && rest[j].key[at[j]] < want)
                at[j]++;
            ok = at[j] < rest[j].n && rest[j].key[at[j]] == want;
            if (ok)
                w += rest[j].w[at[j]];
        }
        if (!ok)
            continue;
        out->key[kept] = out->key[i];
        out->w[kept] = w / (float)a->n;
        out->len[kept] = (uint8_t)a->n;
        kept++;
    }
    out->n = kept;
    for (size_t j = 1; j < a->n; j++)
        index__occ_free(&rest[j]);
    free(rest);
    free(at);
}

/* Merges the alternatives of a group into one list; an occurrence found
 * by two alternatives at one position keeps the larger weight. */
static void group_occurrences(const index_t *ix, const index__pgroup_t *g,
                              index__occ_t *out) {
    memset(out, 0, sizeof *out);
    for (size_t a = 0; a < g->n; a++) {
        index__occ_t alt;
        index__alt_occurrences(ix, &g->alts[a], &alt);
        if (a == 0) {
            *out = alt;
            continue;
        }
        index__occ_t m = {0};
        occ_reserve(&m, out->n + alt.n);
        size_t i = 0, j = 0;
        while (i < out->n || j < alt.n) {
            if (j == alt.n || (i < out->n && out->key[i] < alt.key[j])) {
                occ_push(&m, out->key[i], out->w[i], out->len[i]);
                i++;
            } else if (i == out->n || alt.key[j] < out->key[i]) {
                occ_push(&m, alt.key[j], alt.w[j], alt.len[j]);
                j++;
            } else {
                int first = out->w[i] >= alt.w[j];
                occ_push(&m, out->key[i], first ? out->w[i] : alt.w[j],
                         first ? out->len[i] : alt.len[j]);
                i++;
                j++;
            }
        }
        index__occ_free(out);
        index__occ_free(&alt);
        *out = m;
    }
}

/* --- The plan ----------------------------------------------------------- */

int index__slot_has(const index__slot_t *s, uint32_t id) {
    size_t a = 0, b = s->n;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (s->ids[m] == id)
            return 1;
        if (s->ids[m] < id)
            a = m + 1;
        else
            b = m;
    }
    return 0;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

typedef struct {
    uint32_t id;
    uint32_t rank; /* smaller is better */
    uint32_t df;
} cand_t;

static int cmp_cand(const void *a, const void *b) {
    const cand_t *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    if (x->df != y->df)
        return x->df > y->df ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* Keeps the best max of c[0..n) (by rank, then df) in s->ids. */
static void slot_from_cands(index__slot_t *s, cand_t *c, size_t n, size_t max) {
    if (n > 1)
        qsort(c, n, sizeof *c, cmp_cand);
    if (n > max)
        n = max;
    s->ids = vj_malloc((n ? n : 1) * sizeof *s->ids);
    for (size_t i = 0; i < n; i++)
        s->ids[i] = c[i].id;
    s->n = n;
    if (n > 1)
        qsort(s->ids, n, sizeof *s->ids, cmp_u32);
}

/* Optimal string alignment distance of a and b, or max + 1 when it is
 * more than max. */
static size_t edit_distance(const char *a, size_t an, const char *b, size_t bn,
                            size_t max) {
    enum { N = 64 };
    if (an >= N || bn >= N)
        return max + 1;
    size_t d[3][N], *prev2 = d[0], *prev = d[1], *cur = d[2];
    for (size_t j = 0; j <= bn; j++)
        prev[j] = j;
    for (size_t i = 1; i <= an; i++) {
        cur[0] = i;
        size_t best = cur[0];
        for (size_t j = 1; j <= bn; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t v = prev[j - 1] + cost;
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;
            cur[j] = v;
            if (v < best)
                best = v;
        }
        if (best > max)
            return max + 1;
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[bn];
}

static size_t letters(const char *s, size_t n) {
    size_t i = 0, count = 0;
    while (i < n) {
        int32_t cp = text_utf8_next(s, n, &i);
        if (!text_cp_is_letter(cp))
            return 0;
        count++;
    }
    return count;
}

static void plan_slot(const index_t *ix, const index__qphrase_t *ph, size_t k,
                      index__slot_t *s) {
    const index__qtoken_t *t = &ph->tokens[k];
    size_t fn = strlen(t->folded);
    s->exact = INDEX__NONE;
    s->folded_weight = 1.0f;
    if (ph->prefix && k + 1 == ph->n) {
        size_t lo, hi;
        index__prefix_range(ix, t->folded, fn, &lo, &hi);
        cand_t *c = vj_malloc((hi > lo ? hi - lo : 1) * sizeof *c);
        for (size_t i = lo; i < hi; i++) {
            uint32_t id = ix->folded_sorted[i];
            c[i - lo] = (cand_t){id, 0, ix->folded[id].df};
        }
        slot_from_cands(s, c, hi - lo, INDEX_PREFIX_MAX);
        free(c);
        return;
    }
    uint32_t id = index__dict_find(ix, 1, t->folded, fn);
    if (id != INDEX__NONE) {
        s->ids = vj_malloc(sizeof *s->ids);
        s->ids[0] = id;
        s->n = 1;
        s->exact = index__dict_find(ix, 0, t->exact, strlen(t->exact));
        s->folded_weight = t->marked ? (float)INDEX_WEIGHT_FOLDED_MARKED
                                     : (float)INDEX_WEIGHT_FOLDED;
        return;
    }
    size_t nl = letters(t->folded, fn);
    if (ph->quoted || nl < INDEX_TYPO_MIN_LETTERS)
        return;
    size_t max = nl >= 8 ? 2 : 1;
    cand_t *c = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < ix->folded_count; i++) {
        const index__term_t *ft = &ix->folded[i];
        if (ft->len + max < fn || fn + max < ft->len)
            continue;
        size_t d =
            edit_distance(t->folded, fn, index__str(ix, ft), ft->len, max);
        if (d > max || letters(index__str(ix, ft), ft->len) == 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            c = vj_realloc(c, cap * sizeof *c);
        }
        c[n++] = (cand_t){(uint32_t)i, (uint32_t)d, ft->df};
    }
    slot_from_cands(s, c, n, INDEX_TYPO_MAX);
    free(c);
    s->folded_weight = (float)INDEX_WEIGHT_TYPO;
}

index_plan_t *index__plan_new(const index_t *ix, const index_query_t *q) {
    index_plan_t *p = vj_calloc(1, sizeof *p);
    p->groups = vj_calloc(q->n ? q->n : 1, sizeof *p->groups);
    p->n = q->n;
    for (size_t g = 0; g < q->n; g++) {
        const index__qgroup_t *qg = &q->groups[g];
        index__pgroup_t *pg = &p->groups[g];
        pg->negated = qg->negated;
        pg->alts = vj_calloc(qg->n ? qg->n : 1, sizeof *pg->alts);
        pg->n = qg->n;
        for (size_t a = 0; a < qg->n; a++) {
            const index__qphrase_t *ph = &qg->alts[a];
            index__alt_t *alt = &pg->alts[a];
            alt->slots = vj_calloc(ph->n ? ph->n : 1, sizeof *alt->slots);
            alt->n = ph->n;
            for (size_t k = 0; k < ph->n; k++)
                plan_slot(ix, ph, k, &alt->slots[k]);
        }
    }
    return p;
}

void index__plan_free(index_plan_t *p) {
    if (p == NULL)
        return;
    for (size_t g = 0; g < p->n; g++) {
        for (size_t a = 0; a < p->groups[g].n; a++) {
            index__alt_t *alt = &p->groups[g].alts[a];
            for (size_t k = 0; k < alt->n; k++)
                free(alt->slots[k].ids);
            free(alt->slots);
        }
        free(p->groups[g].alts);
    }
    free(p->groups);
    free(p);
}

/* --- Search ------------------------------------------------------------- */

typedef struct {
    index__occ_t occ;
    uint32_t *pass; /* distinct passages */
    uint32_t *off;  /* their first occurrence; off[n] = occ.n */
    size_t n;
    size_t at; /* cursor while intersecting */
    double idf;
    int negated;
} gstate_t;

static void group_passages(gstate_t *g) {
    size_t n = 0;
    g->pass = vj_malloc((g->occ.n + 1) * sizeof *g->pass);
    g->off = vj_malloc((g->occ.n + 1) * sizeof *g->off);
    for (size_t i = 0; i < g->occ.n; i++) {
        uint32_t p = (uint32_t)(g->occ.key[i] >> 32);
        if (n == 0 || g->pass[n - 1] != p) {
            g->pass[n] = p;
            g->off[n] = (uint32_t)i;
            n++;
        }
    }
    g->off[n] = (uint32_t)g->occ.n;
    g->n = n;
}

/* Moves g's cursor to the first passage >= p (galloping); 1 if it is p. */
static int seek(gstate_t *g, uint32_t p) {
    size_t lo = g->at, step = 1;
    if (lo >= g->n)
        return 0;
    if (g->pass[lo] >= p)
        return g->pass[lo] == p;
    size_t hi = lo + 1;
    while (hi < g->n && g->pass[hi] < p) {
        lo = hi;
        step *= 2;
        hi = lo + step;
    }
    if (hi > g->n)
        hi = g->n;
    while (lo + 1 < hi) { /* pass[lo] < p; pass[hi] >= p or hi == n */
        size_t m = lo + (hi - lo) / 2;
        if (g->pass[m] < p)
            lo = m;
        else
            hi = m;
    }
    g->at = hi;
    return hi < g->n && g->pass[hi] == p;
}

typedef struct {
    uint32_t passage;
    double score;
    int64_t date;
} scored_t;

/* Is a ranked before b? */
static int better(const scored_t *a, const scored_t *b) {
    if (a->score != b->score)
        return a->score > b->score;
    if (a->date != b->date)
        return a->date > b->date;
    return a->passage < b->passage;
}

static int cmp_scored(const void *a, const void *b) {
    const scored_t *x = a, *y = b;
    if (better(x, y))
        return -1;
    return better(y, x) ? 1 : 0;
}

/* A heap of the best k, its worst at the top. */
static void heap_push(scored_t *h, size_t *n, size_t k, scored_t s) {
    if (*n == k) {
        if (k == 0 || !better(&s, &h[0]))
            return;
        h[0] = s; /* sift down */
        size_t i = 0;
        for (;;) {
            size_t l = 2 * i + 1, r = l + 1, w = i;
            if (l < *n && better(&h[w], &h[l]))
                w = l;
            if (r < *n && better(&h[w], &h[r]))
                w = r;
            if (w == i)
                break;
            scored_t t = h[i];
            h[i] = h[w];
            h[w] = t;
            i = w;
        }
        return;
    }
    size_t i = (*n)++;
    h[i] = s;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!better(&h[parent], &h[i]))
            break;
        scored_t t = h[i];
        h[i] = h[parent];
        h[parent] = t;
        i = parent;
    }
}

/* The proximity factor of passage p: 1 + P * min(1, m / w). */
static double proximity(gstate_t **pos, size_t k, const size_t *first,
                        const size_t *last) {
    size_t at[INDEX_QUERY_MAX_TERMS];
    for (size_t g = 0; g < k; g++)
        at[g] = first[g];
    double best = 0;
    for (;;) {
        size_t gmin = 0;
        uint32_t lo = UINT32_MAX, hi = 0, m = 0;
        for (size_t g = 0; g < k; g++) {
            const index__occ_t *o = &pos[g]->occ;
            uint32_t s = (uint32_t)o->key[at[g]];
            uint32_t e = s + o->len[at[g]] - 1;
            m += o->len[at[g]];
            if (s < lo) {
                lo = s;
                gmin = g;
            }
            if (e > hi)
                hi = e;
        }
        double r = (double)m / (double)(hi - lo + 1);
        if (r > best)
            best = r;
        if (best >= 1.0 || ++at[gmin] == last[gmin])
            break;
    }
    return 1.0 + INDEX_PROXIMITY * (best > 1.0 ? 1.0 : best);
}

int index_search(const index_t *ix, const index_query_t *q,
                 const index_search_options_t *opts, index_result_t *res) {
    memset(res, 0, sizeof *res);
    size_t docs = corpus_doc_count(ix->corpus);
    res->doc_count = docs;
    res->doc_matches = vj_calloc(docs ? docs : 1, sizeof *res->doc_matches);
    res->plan = index__plan_new(ix, q);
    index_plan_t *plan = res->plan;

    gstate_t *gs = vj_calloc(plan->n ? plan->n : 1, sizeof *gs);
    gstate_t *pos[INDEX_QUERY_MAX_TERMS], *neg[INDEX_QUERY_MAX_TERMS];
    size_t npos = 0, nneg = 0;
    double N = (double)ix->passage_count;
    for (size_t g = 0; g < plan->n; g++) {
        group_occurrences(ix, &plan->groups[g], &gs[g].occ);
        group_passages(&gs[g]);
        double df = (double)gs[g].n;
        gs[g].idf = log(1.0 + (N - df + 0.5) / (df + 0.5));
        gs[g].negated = plan->groups[g].negated;
        if (gs[g].negated)
            neg[nneg++] = &gs[g];
        else
            pos[npos++] = &gs[g];
    }
    /* rarest first */
    for (size_t i = 1; i < npos; i++)
        for (size_t j = i; j > 0 && pos[j]->n < pos[j - 1]->n; j--) {
            gstate_t *t = pos[j];
            pos[j] = pos[j - 1];
            pos[j - 1] = t;
        }

    size_t want = opts->offset + opts->limit;
    if (opts->offset > SIZE_MAX / 2 || want > 1u << 24)
        want = 1u << 24;
    size_t hcap = want < 1024 ? want : 1024, hn = 0;
    scored_t *heap = vj_malloc((hcap ? hcap : 1) * sizeof *heap);
    size_t first[INDEX_QUERY_MAX_TERMS], last[INDEX_QUERY_MAX_TERMS];
    const double k1 = INDEX_BM25_K1, b = INDEX_BM25_B;

    for (size_t i = 0; npos > 0 && i < pos[0]->n; i++) {
        uint32_t p = pos[0]->pass[i];
        int ok = 1;
        pos[0]->at = i;
        for (size_t g = 1; g < npos && ok; g++)
            ok = seek(pos[g], p);
        for (size_t g = 0; g < nneg && ok; g++)
            ok = !seek(neg[g], p);
        uint32_t doc = ix->passage_doc[p];
        if (!ok || (opts->doc_allowed && !opts->doc_allowed[doc]))
            continue;
        double norm = k1 * (1.0 - b + b * ix->passage_len[p] / ix->avg_len);
        double score = 0;
        for (size_t g = 0; g < npos; g++) {
            gstate_t *gg = pos[g];
            first[g] = gg->off[gg->at];
            last[g] = gg->off[gg->at + 1];
            double tf = 0;
            for (size_t o = first[g]; o < last[g]; o++)
                tf += gg->occ.w[o];
            score += gg->idf * tf * (k1 + 1.0) / (tf + norm);
        }
        if (npos > 1)
            score *= proximity(pos, npos, first, last);
        res->total++;
        res->doc_matches[doc]++;
        scored_t s = {p, score, ix->doc_date[doc]};
        if (hn == hcap && hcap < want) {
            hcap = hcap * 2 < want ? hcap * 2 : want;
            heap = vj_realloc(heap, hcap * sizeof *heap);
        }
        heap_push(heap, &hn, want, s);
    }
    if (hn > 1)
        qsort(heap, hn, sizeof *heap, cmp_scored);
    if (hn > opts->offset) {
        res->hit_count = hn - opts->offset;
        res->hits = vj_malloc(res->hit_count * sizeof *res->hits);
        for (size_t i = 0; i < res->hit_count; i++) {
            const scored_t *s = &heap[opts->offset + i];
            res->hits[i] = (index_hit_t){ix->passage_doc[s->passage],
                                         ix->passage_para[s->passage],
                                         s->passage, s->score};
        }
    }
    free(heap);
    for (size_t g = 0; g < plan->n; g++) {
        index__occ_free(&gs[g].occ);
        free(gs[g].pass);
        free(gs[g].off);
    }
    free(gs);
    return 0;
}

void index_result_cleanup(index_result_t *res) {
    if (res == NULL)
        return;
    free(res->hits);
    free(res->doc_matches);
    index__plan_free(res->plan);
    memset(res, 0, sizeof *res);
}
