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

/* --- Cursors ------------------------------------------------------------ */

/* A cursor over the postings of one term, passage by passage. Positions
 * live in a stream of their own and are not read until asked for: the
 * cursor only counts the positions it passes (pend) and skips them in one
 * go when the positions of a passage are wanted. */
typedef struct {
    const uint8_t *start, *p, *end;
    const uint8_t *pstart, *pp; /* positions: of the passage pend before */
    uint32_t pend;
    const index__skip_t *skip;
    uint32_t skip_n, skip_at;
    uint32_t base; /* the passage after the current one */
    uint32_t pass; /* the current passage, INDEX__NONE past the end */
    uint32_t tf;   /* its occurrence count */
} pcur_t;

static inline void pcur_next(pcur_t *c) {
    c->pend += c->tf;
    if (c->p >= c->end) {
        c->pass = INDEX__NONE;
        c->tf = 0;
        return;
    }
    c->pass = c->base + index__varint_get(&c->p);
    c->base = c->pass + 1;
    c->tf = index__varint_get(&c->p);
}

static void pcur_init(const index_t *ix, const index__term_t *t, pcur_t *c) {
    c->start = c->p = ix->postings + t->post;
    c->end = c->p + t->post_len;
    c->pstart = c->pp = ix->postings + t->pos;
    c->pend = 0;
    c->skip = ix->skips + t->skip;
    c->skip_n = t->skip_n;
    c->skip_at = 0;
    c->base = 0;
    c->tf = 0;
    pcur_next(c);
}

/* Moves c to the first passage >= target. */
static void pcur_seek(pcur_t *c, uint32_t target) {
    if (c->pass >= target) /* INDEX__NONE included */
        return;
    uint32_t s = c->skip_at;
    while (s + 1 < c->skip_n && c->skip[s + 1].first <= target)
        s++;
    if (s != c->skip_at) {
        c->skip_at = s;
        if (c->skip[s].first > c->pass) {
            c->p = c->start + c->skip[s].off;
            c->pp = c->pstart + c->skip[s].pos_off;
            c->pend = 0;
            c->tf = 0;
            c->base = c->skip[s].base;
            pcur_next(c);
        }
    }
    while (c->pass < target)
        pcur_next(c);
}

/* Writes the positions of c's current passage to pos[] (tf of them). */
static size_t pcur_positions(pcur_t *c, uint32_t *pos) {
    c->pp = index__varint_skip(c->pp, c->pend);
    c->pend = 0;
    const uint8_t *p = c->pp; /* stays at this passage's positions */
    uint32_t at = 0;
    for (uint32_t k = 0; k < c->tf; k++) {
        at += index__varint_get(&p);
        pos[k] = at;
    }
    return c->tf;
}

/* Occurrences of one passage: position, length in tokens, weight. */
typedef struct {
    uint32_t *pos;
    float *w;
    uint8_t *len;
    size_t n, cap;
} occ_t;

static void occ_fit(occ_t *o, size_t n) {
    if (n <= o->cap)
        return;
    size_t cap = o->cap ? o->cap : 16;
    while (cap < n)
        cap *= 2;
    o->pos = vj_realloc(o->pos, cap * sizeof *o->pos);
    o->w = vj_realloc(o->w, cap * sizeof *o->w);
    o->len = vj_realloc(o->len, cap * sizeof *o->len);
    o->cap = cap;
}

static void occ_drop(occ_t *o) {
    free(o->pos);
    free(o->w);
    free(o->len);
}

/* A syllable slot: the folded terms it matches (one, or the expansions of
 * a prefix or misspelling) and the exact term that counts fully. */
typedef struct {
    pcur_t *t;
    size_t n;
    pcur_t ex;
    int has_ex;
    float fw;
    uint32_t pass;
    occ_t occ; /* positions at pass, once asked for */
    uint32_t occ_pass;
} scur_t;

static void scur_seek(scur_t *s, uint32_t target) {
    uint32_t m = INDEX__NONE;
    for (size_t i = 0; i < s->n; i++) {
        pcur_seek(&s->t[i], target);
        if (s->t[i].pass < m)
            m = s->t[i].pass;
    }
    s->pass = m;
}

static int cmp_pos(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The weighted occurrence count at s->pass, without positions. */
static double scur_tf(scur_t *s) {
    uint32_t tf = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->t[i].pass == s->pass)
            tf += s->t[i].tf;
    double r = (double)s->fw * tf;
    if (s->has_ex) {
        pcur_seek(&s->ex, s->pass);
        if (s->ex.pass == s->pass)
            r += (1.0 - (double)s->fw) * s->ex.tf;
    }
    return r;
}

/* The positions at s->pass, each weighted 1 when the exact term is there
 * too, else fw. */
static const occ_t *scur_occ(scur_t *s) {
    if (s->occ_pass == s->pass)
        return &s->occ;
    occ_t *o = &s->occ;
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->t[i].pass == s->pass) {
            occ_fit(o, n + s->t[i].tf);
            n += pcur_positions(&s->t[i], o->pos + n);
        }
    if (s->n > 1 && n > 1)
        qsort(o->pos, n, sizeof *o->pos, cmp_pos);
    for (size_t k = 0; k < n; k++) {
        o->w[k] = s->fw;
        o->len[k] = 1;
    }
    o->n = n;
    if (s->has_ex) {
        pcur_seek(&s->ex, s->pass);
        if (s->ex.pass == s->pass) {
            uint32_t ep[256];
            uint32_t *e = s->ex.tf <= 256 ? ep
                                          : vj_malloc(s->ex.tf * sizeof *e);
            size_t en = pcur_positions(&s->ex, e), j = 0;
            for (size_t k = 0; k < n && j < en; k++) {
                while (j < en && e[j] < o->pos[k])
                    j++;
                if (j < en && e[j] == o->pos[k])
                    o->w[k] = 1.0f;
            }
            if (e != ep)
                free(e);
        }
    }
    s->occ_pass = s->pass;
    return o;
}

/* An alternative: one syllable, or a phrase of several in a row. */
typedef struct {
    scur_t *s;
    size_t n;
    uint32_t pass;
    occ_t occ; /* a phrase's occurrences at pass */
} acur_t;

/* Moves a to the first passage >= target where it occurs. */
static void acur_seek(acur_t *a, uint32_t target) {
    if (a->pass != INDEX__NONE && a->pass >= target)
        return;
    uint32_t cand = target;
    for (;;) {
        size_t j = 0;
        while (j < a->n) {
            scur_seek(&a->s[j], cand);
            if (a->s[j].pass == INDEX__NONE) {
                a->pass = INDEX__NONE;
                return;
            }
            if (a->s[j].pass > cand) {
                cand = a->s[j].pass;
                j = 0;
                continue;
            }
            j++;
        }
        if (a->n == 1) {
            a->pass = cand;
            return;
        }
        /* a phrase: first syllables followed by the others */
        const occ_t *first = scur_occ(&a->s[0]);
        occ_t *o = &a->occ;
        occ_fit(o, first->n);
        size_t kept = 0;
        size_t at[INDEX_QUERY_MAX_PHRASE] = {0};
        for (size_t i = 0; i < first->n; i++) {
            float w = first->w[i];
            int ok = 1;
            for (size_t k = 1; k < a->n && ok; k++) {
                const occ_t *r = scur_occ(&a->s[k]);
                uint64_t want = (uint64_t)first->pos[i] + k;
                while (at[k] < r->n && r->pos[at[k]] < want)
                    at[k]++;
                ok = at[k] < r->n && r->pos[at[k]] == want;
                if (ok)
                    w += r->w[at[k]];
            }
            if (!ok)
                continue;
            o->pos[kept] = first->pos[i];
            o->w[kept] = w / (float)a->n;
            o->len[kept] = (uint8_t)a->n;
            kept++;
        }
        o->n = kept;
        if (kept > 0) {
            a->pass = cand;
            return;
        }
        if (cand == INDEX__NONE - 1) {
            a->pass = INDEX__NONE;
            return;
        }
        cand++;
    }
}

static const occ_t *acur_occ(acur_t *a) {
    return a->n == 1 ? scur_occ(&a->s[0]) : &a->occ;
}

/* A query term: its alternatives, OR-ed. A term that is neither a single
 * word nor a prefix-free single syllable is gathered once into a list of
 * passages and weighted counts (its df is needed before ranking). */
typedef struct {
    acur_t *a;
    size_t n;
    uint32_t pass;
    occ_t occ; /* merged occurrences at pass */
    uint32_t occ_pass;
    /* the gathered list */
    uint32_t *list;
    double *list_tf;
    size_t list_n, at;
    int gathered;
    double idf;
    size_t df;
    pcur_t *one; /* a single word: its one postings cursor (fast path) */
} gcur_t;

static void gcur_seek(gcur_t *g, uint32_t target) {
    uint32_t m = INDEX__NONE;
    for (size_t i = 0; i < g->n; i++) {
        acur_seek(&g->a[i], target);
        if (g->a[i].pass < m)
            m = g->a[i].pass;
    }
    g->pass = m;
}

/* The occurrences of g at g->pass, the alternatives merged; at one
 * position the larger weight wins. */
static const occ_t *gcur_occ(gcur_t *g) {
    if (g->occ_pass == g->pass)
        return &g->occ;
    occ_t *o = &g->occ;
    o->n = 0;
    for (size_t i = 0; i < g->n; i++) {
        if (g->a[i].pass != g->pass)
            continue;
        const occ_t *x = acur_occ(&g->a[i]);
        if (o->n == 0) {
            occ_fit(o, x->n);
            memcpy(o->pos, x->pos, x->n * sizeof *o->pos);
            memcpy(o->w, x->w, x->n * sizeof *o->w);
            memcpy(o->len, x->len, x->n * sizeof *o->len);
            o->n = x->n;
            continue;
        }
        /* merge x into o, from the back */
        size_t i1 = o->n, j = x->n, same = 0;
        for (size_t a = 0, b = 0; a < o->n && b < x->n;) {
            if (o->pos[a] == x->pos[b])
                same++, a++, b++;
            else if (o->pos[a] < x->pos[b])
                a++;
            else
                b++;
        }
        size_t n = o->n + x->n - same, k = n;
        occ_fit(o, n);
        while (j > 0) {
            if (i1 > 0 && o->pos[i1 - 1] > x->pos[j - 1]) {
                k--, i1--;
                o->pos[k] = o->pos[i1], o->w[k] = o->w[i1],
                o->len[k] = o->len[i1];
            } else if (i1 > 0 && o->pos[i1 - 1] == x->pos[j - 1]) {
                k--, i1--, j--;
                int keep = o->w[i1] >= x->w[j];
                o->pos[k] = o->pos[i1];
                o->w[k] = keep ? o->w[i1] : x->w[j];
                o->len[k] = keep ? o->len[i1] : x->len[j];
            } else {
                k--, j--;
                o->pos[k] = x->pos[j], o->w[k] = x->w[j], o->len[k] = x->len[j];
            }
        }
        o->n = n;
    }
    g->occ_pass = g->pass;
    return o;
}

/* The weighted occurrence count of g at g->pass. */
static double gcur_tf(gcur_t *g) {
    if (g->n == 1 && g->a[0].n == 1)
        return scur_tf(&g->a[0].s[0]);
    const occ_t *o = gcur_occ(g);
    double tf = 0;
    for (size_t k = 0; k < o->n; k++)
        tf += o->w[k];
    return tf;
}

static void gcur_open(const index_t *ix, const index__pgroup_t *pg,
                      gcur_t *g) {
    memset(g, 0, sizeof *g);
    g->occ_pass = INDEX__NONE;
    g->a = vj_calloc(pg->n ? pg->n : 1, sizeof *g->a);
    g->n = pg->n;
    for (size_t i = 0; i < pg->n; i++) {
        const index__alt_t *alt = &pg->alts[i];
        acur_t *a = &g->a[i];
        a->s = vj_calloc(alt->n ? alt->n : 1, sizeof *a->s);
        a->n = alt->n;
        a->pass = INDEX__NONE;
        for (size_t k = 0; k < alt->n; k++) {
            const index__slot_t *sl = &alt->slots[k];
            scur_t *s = &a->s[k];
            s->t = vj_calloc(sl->n ? sl->n : 1, sizeof *s->t);
            s->n = sl->n;
            s->fw = sl->folded_weight;
            s->occ_pass = INDEX__NONE;
            for (size_t j = 0; j < sl->n; j++)
                pcur_init(ix, &ix->folded[sl->ids[j]], &s->t[j]);
            if (sl->exact != INDEX__NONE) {
                pcur_init(ix, &ix->exact[sl->exact], &s->ex);
                s->has_ex = 1;
            }
            s->pass = INDEX__NONE;
        }
    }
    gcur_seek(g, 0);
    if (g->n == 1 && g->a[0].n == 1 && g->a[0].s[0].n == 1)
        g->one = &g->a[0].s[0].t[0];
}

static void gcur_close(gcur_t *g) {
    for (size_t i = 0; i < g->n; i++) {
        acur_t *a = &g->a[i];
        for (size_t k = 0; k < a->n; k++) {
            free(a->s[k].t);
            occ_drop(&a->s[k].occ);
        }
        free(a->s);
        occ_drop(&a->occ);
    }
    free(g->a);
    occ_drop(&g->occ);
    free(g->list);
    free(g->list_tf);
}

/* Is g a single word (one folded term, one syllable)? */
static int gcur_simple(const gcur_t *g) {
    return g->n == 1 && g->a[0].n == 1 && g->a[0].s[0].n == 1;
}

/* Gathers every passage of a compound term with its weighted count, then
 * reopens its cursors (for positions later). */
static void gcur_gather(const index_t *ix, const index__pgroup_t *pg,
                        gcur_t *g) {
    size_t cap = 0;
    while (g->pass != INDEX__NONE) {
        if (g->list_n == cap) {
            cap = cap ? cap * 2 : 256;
            g->list = vj_realloc(g->list, cap * sizeof *g->list);
            g->list_tf = vj_realloc(g->list_tf, cap * sizeof *g->list_tf);
        }
        g->list[g->list_n] = g->pass;
        g->list_tf[g->list_n] = gcur_tf(g);
        g->list_n++;
        if (g->pass == INDEX__NONE - 1)
            break;
        gcur_seek(g, g->pass + 1);
    }
    uint32_t *list = g->list;
    double *list_tf = g->list_tf;
    size_t n = g->list_n;
    g->list = NULL;
    g->list_tf = NULL;
    gcur_close(g);
    gcur_open(ix, pg, g);
    g->list = list;
    g->list_tf = list_tf;
    g->list_n = n;
    g->gathered = 1;
    g->df = n;
}

/* The first passage >= p where term g occurs (INDEX__NONE: none). */
static uint32_t term_seek(gcur_t *g, uint32_t p) {
    if (g->one) {
        pcur_seek(g->one, p);
        return g->one->pass;
    }
    if (!g->gathered) {
        gcur_seek(g, p);
        return g->pass;
    }
    size_t lo = g->at, step = 1;
    if (lo >= g->list_n)
        return INDEX__NONE;
    if (g->list[lo] < p) {
        size_t hi = lo + 1;
        while (hi < g->list_n && g->list[hi] < p) {
            lo = hi;
            step *= 2;
            hi = lo + step;
        }
        if (hi > g->list_n)
            hi = g->list_n;
        while (lo + 1 < hi) { /* list[lo] < p; list[hi] >= p or hi == n */
            size_t m = lo + (hi - lo) / 2;
            if (g->list[m] < p)
                lo = m;
            else
                hi = m;
        }
        g->at = lo = hi;
    }
    return lo < g->list_n ? g->list[lo] : INDEX__NONE;
}

/* A single word's cursor moved on its own: bring the levels above up to
 * date. */
static void term_sync(gcur_t *g) {
    uint32_t p = g->one->pass;
    g->a[0].s[0].pass = p;
    g->a[0].pass = p;
    g->pass = p;
}

static double term_tf(gcur_t *g) {
    if (g->one) {
        term_sync(g);
        return scur_tf(&g->a[0].s[0]);
    }
    return g->gathered ? g->list_tf[g->at] : gcur_tf(g);
}

/* The occurrences of term g in passage p (where it occurs). */
static const occ_t *term_occ(gcur_t *g, uint32_t p) {
    if (g->one)
        term_sync(g);
    else if (g->gathered)
        gcur_seek(g, p);
    return gcur_occ(g);
}

/* --- Search ------------------------------------------------------------- */

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

/* The proximity factor of a passage from the occurrences of each of its k
 * terms: 1 + P * min(1, m / w). */
static double proximity(const occ_t **occ, size_t k) {
    size_t at[INDEX_QUERY_MAX_TERMS] = {0};
    double best = 0;
    for (;;) {
        size_t gmin = 0;
        uint32_t lo = UINT32_MAX, hi = 0, m = 0;
        for (size_t g = 0; g < k; g++) {
            uint32_t s = occ[g]->pos[at[g]];
            uint32_t e = s + occ[g]->len[at[g]] - 1;
            m += occ[g]->len[at[g]];
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
        if (best >= 1.0 || ++at[gmin] == occ[gmin]->n)
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

    gcur_t *gs = vj_calloc(plan->n ? plan->n : 1, sizeof *gs);
    gcur_t *pos[INDEX_QUERY_MAX_TERMS], *neg[INDEX_QUERY_MAX_TERMS];
    size_t npos = 0, nneg = 0;
    double N = (double)ix->passage_count;
    for (size_t g = 0; g < plan->n; g++) {
        const index__pgroup_t *pg = &plan->groups[g];
        gcur_open(ix, pg, &gs[g]);
        if (pg->negated) {
            neg[nneg++] = &gs[g];
            continue;
        }
        if (gcur_simple(&gs[g]))
            gs[g].df = ix->folded[pg->alts[0].slots[0].ids[0]].df;
        else
            gcur_gather(ix, pg, &gs[g]);
        double df = (double)gs[g].df;
        gs[g].idf = log(1.0 + (N - df + 0.5) / (df + 0.5));
        pos[npos++] = &gs[g];
    }
    /* rarest first */
    for (size_t i = 1; i < npos; i++)
        for (size_t j = i; j > 0 && pos[j]->df < pos[j - 1]->df; j--) {
            gcur_t *t = pos[j];
            pos[j] = pos[j - 1];
            pos[j - 1] = t;
        }

    size_t want = opts->offset + opts->limit;
    if (opts->offset > SIZE_MAX / 2 || want > 1u << 24)
        want = 1u << 24;
    size_t hcap = want < 1024 ? want : 1024, hn = 0;
    scored_t *heap = vj_malloc((hcap ? hcap : 1) * sizeof *heap);
    const double k1 = INDEX_BM25_K1, b = INDEX_BM25_B;
    const occ_t *occ[INDEX_QUERY_MAX_TERMS];

    uint32_t p = 0;
    while (npos > 0) {
        /* leapfrog: every required term at one passage */
        p = term_seek(pos[0], p);
        if (p == INDEX__NONE)
            break;
        size_t g = 1;
        for (; g < npos; g++) {
            uint32_t r = term_seek(pos[g], p);
            if (r != p) {
                p = r;
                break;
            }
        }
        if (p == INDEX__NONE)
            break;
        if (g < npos)
            continue;
        int ok = 1;
        for (size_t k = 0; k < nneg && ok; k++)
            ok = term_seek(neg[k], p) != p;
        uint32_t doc = ix->passage_doc[p];
        if (ok && (opts->doc_allowed == NULL || opts->doc_allowed[doc])) {
            double norm =
                k1 * (1.0 - b + b * ix->passage_len[p] / ix->avg_len);
            double score = 0;
            for (size_t k = 0; k < npos; k++) {
                double tf = term_tf(pos[k]);
                score += pos[k]->idf * tf * (k1 + 1.0) / (tf + norm);
            }
            res->total++;
            res->doc_matches[doc]++;
            /* proximity only where the passage could still make the page */
            if (npos > 1 && want > 0 &&
                (hn < want ||
                 score * (1.0 + INDEX_PROXIMITY) >= heap[0].score)) {
                for (size_t k = 0; k < npos; k++)
                    occ[k] = term_occ(pos[k], p);
                score *= proximity(occ, npos);
            }
            scored_t s = {p, score, ix->doc_date[doc]};
            if (hn == hcap && hcap < want) {
                hcap = hcap * 2 < want ? hcap * 2 : want;
                heap = vj_realloc(heap, hcap * sizeof *heap);
            }
            heap_push(heap, &hn, want, s);
        }
        if (p == INDEX__NONE - 1)
            break;
        p++;
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
    for (size_t g = 0; g < plan->n; g++)
        gcur_close(&gs[g]);
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
