/* build.c - building the inverted index of a corpus.
 *
 * One pass over the passages (every paragraph of every document, in corpus
 * order). Each token's bytes are looked up in a table of spellings seen so
 * far; only a new spelling is normalised (text_exact, text_fold), so the
 * Unicode work is done once per distinct spelling, not once per token. A
 * spelling maps to one exact and one folded term. For each passage the
 * positions of every distinct term are gathered (a counting pass, then a
 * filling pass: no sorting) and appended to the term's postings as
 * varints: passage delta, occurrence count, position deltas. At the end the
 * postings are packed into one arena, the folded terms sorted by string
 * (prefix search) and each exact term given its most frequent spelling
 * (suggestions). */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint32_t str, len; /* the spelling, in the strings arena */
    uint32_t exact, folded;
    uint32_t count;
} surface_t;

/* A growing byte buffer of varints. */
typedef struct {
    uint8_t *data;
    uint32_t len, cap;
} vbuf_t;

/* Build state of one term's postings: passages and counts in one stream,
 * positions in another. */
typedef struct {
    vbuf_t doc, pos;
    uint32_t base; /* the passage after the last one written */
    uint32_t mark; /* the passage being gathered + 1 */
    uint32_t cnt, start;
} tbuild_t;

typedef struct {
    index__term_t *terms;
    tbuild_t *b;
    size_t count, cap;
    uint32_t *slots;
    size_t slot_cap;
} form_t;

typedef struct {
    surface_t *items;
    size_t count, cap;
    uint32_t *slots;
    size_t slot_cap;
} surfaces_t;

/* --- Open addressing on strings of the arena ---------------------------- */

static size_t probe(const uint32_t *slots, size_t cap, const char *arena,
                    const void *items, size_t stride, const char *s, size_t n,
                    uint64_t h) {
    size_t i = (size_t)h & (cap - 1);
    while (slots[i] != INDEX__NONE) {
        const uint32_t *it =
            (const uint32_t *)((const char *)items + slots[i] * stride);
        if (it[1] == n && memcmp(arena + it[0], s, n) == 0)
            return i;
        i = (i + 1) & (cap - 1);
    }
    return i;
}

static uint32_t *slots_new(size_t cap) {
    uint32_t *s = vj_malloc(cap * sizeof *s);
    memset(s, 0xFF, cap * sizeof *s);
    return s;
}

/* Rebuilds slots at twice the size. */
static void grow_slots(uint32_t **slots, size_t *cap, size_t count,
                       const char *arena, const void *items, size_t stride) {
    size_t ncap = *cap * 2;
    uint32_t *ns = slots_new(ncap);
    for (size_t id = 0; id < count; id++) {
        const uint32_t *it =
            (const uint32_t *)((const char *)items + id * stride);
        uint64_t h = vj_hash64(VJ_HASH_INIT, arena + it[0], it[1]);
        size_t i = (size_t)h & (ncap - 1);
        while (ns[i] != INDEX__NONE)
            i = (i + 1) & (ncap - 1);
        ns[i] = (uint32_t)id;
    }
    free(*slots);
    *slots = ns;
    *cap = ncap;
}

static uint32_t arena_add(vj_buf_t *arena, const char *s, size_t n) {
    uint32_t off = (uint32_t)arena->len;
    vj_buf_append(arena, s, n);
    vj_buf_putc(arena, '\0');
    return off;
}

/* The id of term s in form f, added if new. */
static uint32_t form_term(form_t *f, vj_buf_t *arena, const char *s, size_t n) {
    if ((f->count + 1) * 2 > f->slot_cap)
        grow_slots(&f->slots, &f->slot_cap, f->count, arena->data, f->terms,
                   sizeof *f->terms);
    uint64_t h = vj_hash64(VJ_HASH_INIT, s, n);
    size_t i = probe(f->slots, f->slot_cap, arena->data, f->terms,
                     sizeof *f->terms, s, n, h);
    if (f->slots[i] != INDEX__NONE)
        return f->slots[i];
    if (f->count == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 1024;
        f->terms = vj_realloc(f->terms, f->cap * sizeof *f->terms);
        f->b = vj_realloc(f->b, f->cap * sizeof *f->b);
    }
    uint32_t id = (uint32_t)f->count++;
    f->terms[id] = (index__term_t){
        .str = arena_add(arena, s, n), .len = (uint32_t)n, .link = INDEX__NONE};
    f->b[id] = (tbuild_t){0};
    f->slots[i] = id;
    return id;
}

void index__forms(const char *s, size_t n, char **exact, size_t *exact_len,
                  char **folded, size_t *folded_len) {
    size_t i = 0;
    while (i < n && (unsigned char)s[i] < 0x80)
        i++;
    if (i == n) {
        char *e = vj_malloc(n + 1);
        for (i = 0; i < n; i++)
            e[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
        e[n] = '\0';
        *exact = e;
        *exact_len = n;
        *folded = vj_strndup(e, n);
        *folded_len = n;
        return;
    }
    if (text_exact(s, n, exact, exact_len) != 0) {
        *exact = vj_strndup(s, n);
        *exact_len = n;
    }
    if (text_fold(*exact, *exact_len, folded, folded_len) != 0) {
        *folded = vj_strndup(*exact, *exact_len);
        *folded_len = *exact_len;
    }
}

/* Folded ASCII letter of each code point below 0x250 and in 0x1E00-0x1EFF
 * (0: not a single ASCII letter). */
static char fold_latin[0x250], fold_viet[0x100];
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;

static void fold_table_init(void) {
    for (int32_t cp = 0; cp < 0x250 + 0x100; cp++) {
        int32_t c = cp < 0x250 ? cp : 0x1E00 + (cp - 0x250);
        char enc[4], *f;
        size_t n = text_utf8_encode(c, enc), fn;
        char v = 0;
        if (c > 0 && text_fold(enc, n, &f, &fn) == 0) {
            if (fn == 1 && (unsigned char)f[0] < 0x80)
                v = f[0];
            free(f);
        }
        if (cp < 0x250)
            fold_latin[cp] = v;
        else
            fold_viet[cp - 0x250] = v;
    }
}

size_t index__fold(const char *s, size_t n, char *buf, size_t cap) {
    pthread_once(&fold_once, fold_table_init);
    size_t i = 0, o = 0;
    while (i < n) {
        unsigned char b = (unsigned char)s[i];
        char v;
        if (b < 0x80) {
            v = fold_latin[b];
            i++;
        } else {
            int32_t cp = text_utf8_next(s, n, &i);
            v = cp < 0x250                    ? fold_latin[cp]
                : cp >= 0x1E00 && cp < 0x1F00 ? fold_viet[cp - 0x1E00]
                                              : 0;
        }
        if (v == 0 || o == cap)
            goto slow;
        buf[o++] = v;
    }
    return o;
slow:;
    char *f;
    size_t fn;
    if (text_fold(s, n, &f, &fn) != 0)
        return SIZE_MAX;
    if (fn > cap) {
        free(f);
        return SIZE_MAX;
    }
    memcpy(buf, f, fn);
    free(f);
    return fn;
}

/* The surface entry of the spelling s[0..n). */
static surface_t *surface_get(surfaces_t *st, vj_buf_t *arena, form_t *ex,
                              form_t *fo, const char *s, size_t n) {
    if ((st->count + 1) * 2 > st->slot_cap)
        grow_slots(&st->slots, &st->slot_cap, st->count, arena->data, st->items,
                   sizeof *st->items);
    uint64_t h = vj_hash64(VJ_HASH_INIT, s, n);
    size_t i = probe(st->slots, st->slot_cap, arena->data, st->items,
                     sizeof *st->items, s, n, h);
    if (st->slots[i] != INDEX__NONE)
        return &st->items[st->slots[i]];
    char *e, *f;
    size_t en, fn;
    index__forms(s, n, &e, &en, &f, &fn);
    uint32_t eid = form_term(ex, arena, e, en);
    uint32_t fid = form_term(fo, arena, f, fn);
    ex->terms[eid].link = fid;
    free(e);
    free(f);
    if (st->count == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 1024;
        st->items = vj_realloc(st->items, st->cap * sizeof *st->items);
    }
    uint32_t id = (uint32_t)st->count++;
    st->items[id] =
        (surface_t){arena_add(arena, s, n), (uint32_t)n, eid, fid, 0};
    st->slots[i] = id;
    return &st->items[id];
}

static void put_varint(vbuf_t *b, uint32_t v) {
    if (b->len + 5 > b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->data = vj_realloc(b->data, b->cap);
    }
    while (v >= 0x80) {
        b->data[b->len++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    b->data[b->len++] = (uint8_t)v;
}

/* Appends passage p's occurrences of every term in ids[0..n) to the
 * postings of form f. scratch and distinct hold n entries. */
static void add_passage(form_t *f, const uint32_t *ids, size_t n, uint32_t p,
                        uint32_t *scratch, uint32_t *distinct) {
    size_t nd = 0;
    for (size_t i = 0; i < n; i++) {
        tbuild_t *b = &f->b[ids[i]];
        if (b->mark != p + 1) {
            b->mark = p + 1;
            b->cnt = 0;
            distinct[nd++] = ids[i];
        }
        b->cnt++;
    }
    uint32_t off = 0;
    for (size_t k = 0; k < nd; k++) {
        tbuild_t *b = &f->b[distinct[k]];
        b->start = off;
        off += b->cnt;
        b->cnt = 0;
    }
    for (size_t i = 0; i < n; i++) {
        tbuild_t *b = &f->b[ids[i]];
        scratch[b->start + b->cnt++] = (uint32_t)i;
    }
    for (size_t k = 0; k < nd; k++) {
        tbuild_t *b = &f->b[distinct[k]];
        index__term_t *t = &f->terms[distinct[k]];
        put_varint(&b->doc, p - b->base);
        b->base = p + 1;
        put_varint(&b->doc, b->cnt);
        uint32_t prev = 0;
        for (uint32_t j = 0; j < b->cnt; j++) {
            put_varint(&b->pos, scratch[b->start + j] - prev);
            prev = scratch[b->start + j];
        }
        t->df++;
        t->cf += b->cnt;
    }
}

/* Moves the postings of f into the arena. */
static void pack(form_t *f, vj_buf_t *post) {
    for (size_t id = 0; id < f->count; id++) {
        tbuild_t *b = &f->b[id];
        f->terms[id].post = post->len;
        f->terms[id].post_len = b->doc.len;
        vj_buf_append(post, b->doc.data, b->doc.len);
        free(b->doc.data);
        f->terms[id].pos = post->len;
        f->terms[id].pos_len = b->pos.len;
        vj_buf_append(post, b->pos.data, b->pos.len);
        free(b->pos.data);
    }
    free(f->b);
    f->b = NULL;
}

/* The skip entries of every term of terms[0..n) with more than
 * INDEX__SKIP_EVERY postings, appended to *skips. */
static void add_skips(const uint8_t *postings, index__term_t *terms, size_t n,
                      index__skip_t **skips, size_t *count, size_t *cap) {
    for (size_t id = 0; id < n; id++) {
        index__term_t *t = &terms[id];
        if (t->df <= INDEX__SKIP_EVERY)
            continue;
        t->skip = (uint32_t)*count;
        const uint8_t *start = postings + t->post, *p = start;
        const uint8_t *end = start + t->post_len;
        const uint8_t *pstart = postings + t->pos, *pp = pstart;
        uint32_t base = 0;
        for (uint32_t k = 0; p < end; k++) {
            const uint8_t *at = p;
            uint32_t pass = base + index__varint_get(&p);
            if (k % INDEX__SKIP_EVERY == 0) {
                if (*count == *cap) {
                    *cap = *cap ? *cap * 2 : 1024;
                    *skips = vj_realloc(*skips, *cap * sizeof **skips);
                }
                (*skips)[(*count)++] = (index__skip_t){
                    pass, base, (uint32_t)(at - start), (uint32_t)(pp - pstart)};
            }
            base = pass + 1;
            uint32_t tf = index__varint_get(&p);
            pp = index__varint_skip(pp, tf);
        }
        t->skip_n = (uint32_t)(*count - t->skip);
    }
}

static int cmp_folded(const void *a, const void *b, void *data) {
    const index_t *ix = data;
    const index__term_t *x = &ix->folded[*(const uint32_t *)a];
    const index__term_t *y = &ix->folded[*(const uint32_t *)b];
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(ix->strings + x->str, ix->strings + y->str, n);
    if (c)
        return c;
    return (x->len > y->len) - (x->len < y->len);
}

static int cmp_cf(const void *a, const void *b, void *data) {
    const index_t *ix = data;
    const index__term_t *x = &ix->exact[*(const uint32_t *)a];
    const index__term_t *y = &ix->exact[*(const uint32_t *)b];
    if (x->cf != y->cf)
        return x->cf > y->cf ? -1 : 1;
    return (*(const uint32_t *)a > *(const uint32_t *)b) -
           (*(const uint32_t *)a < *(const uint32_t *)b);
}

int index_build(corpus_t *c, index_t **out) {
    index_t *ix = vj_calloc(1, sizeof *ix);
    ix->corpus = corpus_ref(c);
    size_t docs = corpus_doc_count(c);
    ix->passage_count = corpus_paragraph_total(c);
    size_t np = ix->passage_count ? ix->passage_count : 1;
    ix->passage_doc = vj_malloc(np * sizeof *ix->passage_doc);
    ix->passage_para = vj_malloc(np * sizeof *ix->passage_para);
    ix->passage_len = vj_malloc(np * sizeof *ix->passage_len);
    ix->doc_date = vj_malloc((docs ? docs : 1) * sizeof *ix->doc_date);

    vj_buf_t arena;
    vj_buf_init(&arena);
    form_t ex = {0}, fo = {0};
    surfaces_t st = {0};
    ex.slot_cap = fo.slot_cap = st.slot_cap = 1024;
    ex.slots = slots_new(ex.slot_cap);
    fo.slots = slots_new(fo.slot_cap);
    st.slots = slots_new(st.slot_cap);

    size_t tcap = 256;
    uint32_t *te = vj_malloc(tcap * sizeof *te), *tf = vj_malloc(tcap * 4);
    uint32_t *scratch = vj_malloc(tcap * 4), *distinct = vj_malloc(tcap * 4);
    uint64_t total_len = 0;
    uint32_t p = 0;
    for (size_t d = 0; d < docs; d++) {
        const corpus_doc_t *doc = corpus_doc_at(c, d);
        ix->doc_date[d] = doc->published.sort_key;
        for (size_t k = 0; k < doc->paragraph_count; k++, p++) {
            const corpus_span_t *sp = &doc->paragraphs[k].span;
            const char *text = doc->text + sp->start;
            text_tokenizer_t tz;
            text_token_t tok;
            size_t n = 0;
            text_tokenizer_init(&tz, text, sp->end - sp->start);
            while (text_tokenizer_next(&tz, &tok)) {
                if (n == tcap) {
                    tcap *= 2;
                    te = vj_realloc(te, tcap * sizeof *te);
                    tf = vj_realloc(tf, tcap * sizeof *tf);
                    scratch = vj_realloc(scratch, tcap * sizeof *scratch);
                    distinct = vj_realloc(distinct, tcap * sizeof *distinct);
                }
                surface_t *s =
                    surface_get(&st, &arena, &ex, &fo, text + tok.start,
                                tok.end - tok.start);
                s->count++;
                te[n] = s->exact;
                tf[n] = s->folded;
                n++;
            }
            ix->passage_doc[p] = (uint32_t)d;
            ix->passage_para[p] = (uint32_t)k;
            ix->passage_len[p] = (uint32_t)n;
            total_len += n;
            add_passage(&ex, te, n, p, scratch, distinct);
            add_passage(&fo, tf, n, p, scratch, distinct);
        }
    }
    free(te);
    free(tf);
    free(scratch);
    free(distinct);
    ix->avg_len =
        ix->passage_count ? (double)total_len / (double)ix->passage_count : 1.0;
    if (ix->avg_len <= 0)
        ix->avg_len = 1.0;

    /* the most frequent spelling of each exact term */
    uint32_t *best = vj_calloc(ex.count ? ex.count : 1, sizeof *best);
    for (size_t i = 0; i < st.count; i++) {
        surface_t *s = &st.items[i];
        index__term_t *t = &ex.terms[s->exact];
        if (s->count > best[s->exact]) {
            best[s->exact] = s->count;
            t->display = s->str;
            t->display_len = s->len;
        }
    }
    free(best);
    free(st.items);
    free(st.slots);

    vj_buf_t post;
    vj_buf_init(&post);
    pack(&ex, &post);
    pack(&fo, &post);
    /* slack, so a word-at-a-time skip may read past the last varint */
    vj_buf_append(&post, "\0\0\0\0\0\0\0\0", 8);
    ix->postings = (uint8_t *)vj_buf_steal(&post, &ix->postings_len);
    vj_buf_free(&post);
    size_t skip_cap = 0;
    add_skips(ix->postings, ex.terms, ex.count, &ix->skips, &ix->skip_count,
              &skip_cap);
    add_skips(ix->postings, fo.terms, fo.count, &ix->skips, &ix->skip_count,
              &skip_cap);
    ix->strings = vj_buf_steal(&arena, &ix->strings_len);
    vj_buf_free(&arena);
    ix->exact = ex.terms;
    ix->exact_count = ex.count;
    ix->exact_dict = (index__dict_t){ex.slots, ex.slot_cap};
    ix->folded = fo.terms;
    ix->folded_count = fo.count;
    ix->folded_dict = (index__dict_t){fo.slots, fo.slot_cap};

    size_t nf = ix->folded_count;
    ix->folded_sorted = vj_malloc((nf ? nf : 1) * sizeof *ix->folded_sorted);
    for (size_t i = 0; i < nf; i++)
        ix->folded_sorted[i] = (uint32_t)i;
    qsort_r(ix->folded_sorted, nf, sizeof *ix->folded_sorted, cmp_folded, ix);

    /* exact terms grouped by folded term, most frequent first */
    size_t ne = ix->exact_count;
    uint32_t *counts = vj_calloc(nf + 1, sizeof *counts);
    for (size_t i = 0; i < ne; i++)
        counts[ix->exact[i].link + 1]++;
    for (size_t i = 0; i < nf; i++) {
        counts[i + 1] += counts[i];
        ix->folded[i].link = counts[i];
    }
    ix->folded_exact = vj_malloc((ne ? ne : 1) * sizeof *ix->folded_exact);
    for (size_t i = 0; i < ne; i++)
        ix->folded_exact[counts[ix->exact[i].link]++] = (uint32_t)i;
    free(counts);
    for (size_t i = 0; i < nf; i++) {
        uint32_t lo = ix->folded[i].link;
        uint32_t hi = i + 1 < nf ? ix->folded[i + 1].link : (uint32_t)ne;
        qsort_r(ix->folded_exact + lo, hi - lo, sizeof *ix->folded_exact,
                cmp_cf, ix);
    }
    *out = ix;
    return 0;
}

void index_free(index_t *ix) {
    if (ix == NULL)
        return;
    free(ix->strings);
    free(ix->postings);
    free(ix->skips);
    free(ix->exact);
    free(ix->folded);
    free(ix->exact_dict.slots);
    free(ix->folded_dict.slots);
    free(ix->folded_sorted);
    free(ix->folded_exact);
    free(ix->passage_doc);
    free(ix->passage_para);
    free(ix->passage_len);
    free(ix->doc_date);
    corpus_unref(ix->corpus);
    free(ix);
}

size_t index_passage_count(const index_t *ix) {
    return ix->passage_count;
}

size_t index_term_count(const index_t *ix, int folded) {
    return folded ? ix->folded_count : ix->exact_count;
}

size_t index_postings_bytes(const index_t *ix) {
    return ix->postings_len;
}

uint32_t index__dict_find(const index_t *ix, int folded, const char *s,
                          size_t n) {
    const index__dict_t *d = folded ? &ix->folded_dict : &ix->exact_dict;
    const index__term_t *terms = folded ? ix->folded : ix->exact;
    size_t i = probe(d->slots, d->cap, ix->strings, terms, sizeof *terms, s, n,
                     vj_hash64(VJ_HASH_INIT, s, n));
    return d->slots[i];
}

void index__prefix_range(const index_t *ix, const char *prefix, size_t n,
                         size_t *lo, size_t *hi) {
    size_t a = 0, b = ix->folded_count;
    while (a < b) { /* first string >= prefix */
        size_t m = a + (b - a) / 2;
        const index__term_t *t = &ix->folded[ix->folded_sorted[m]];
        size_t k = t->len < n ? t->len : n;
        int c = memcmp(ix->strings + t->str, prefix, k);
        if (c < 0 || (c == 0 && t->len < n))
            a = m + 1;
        else
            b = m;
    }
    *lo = a;
    b = ix->folded_count;
    while (a < b) { /* first string not starting with prefix */
        size_t m = a + (b - a) / 2;
        const index__term_t *t = &ix->folded[ix->folded_sorted[m]];
        if (t->len >= n && memcmp(ix->strings + t->str, prefix, n) == 0)
            a = m + 1;
        else
            b = m;
    }
    *hi = a;
}
