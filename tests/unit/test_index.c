/* test_index.c - search: the text forms it indexes (exact, folded, tone
 * placement), the tokenizer, the query parser, BM25 on a hand-computed
 * example, exact-over-folded ranking, phrases, prefixes, misspellings,
 * snippets, highlights and suggestions, on small corpora built in
 * memory. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vjcorpus/common.h"
#include "vjcorpus/corpus.h"
#include "vjcorpus/index.h"
#include "vjcorpus/text.h"

/* --- Text forms --------------------------------------------------------- */

static char *fold(const char *s) {
    char *out;
    size_t n;
    cr_assert_eq(text_fold(s, strlen(s), &out, &n), 0);
    return out;
}

static char *exact(const char *s) {
    char *out;
    size_t n;
    cr_assert_eq(text_exact(s, strlen(s), &out, &n), 0, "%s", s);
    cr_assert_eq(n, strlen(out));
    return out;
}

static char *canon(const char *s) {
    char *out;
    size_t n;
    cr_assert_eq(text_tone_canon(s, strlen(s), &out, &n), 0, "%s", s);
    return out;
}

static char *nfc(const char *s) {
    char *out;
    size_t n;
    cr_assert_eq(text_nfc(s, strlen(s), &out, &n), 0);
    return out;
}

static void assert_exact(const char *in, const char *want) {
    char *e = exact(in);
    cr_assert_str_eq(e, want, "exact(%s) = %s, want %s", in, e, want);
    free(e);
}

static void assert_canon(const char *in, const char *want) {
    char *e = canon(in);
    cr_assert_str_eq(e, want, "canon(%s) = %s, want %s", in, e, want);
    free(e);
}

/* The twelve vowels as base + shape mark (NFD), and the six tones. */
static const struct {
    const char *nfd;
    char base;
} vowels[] = {
    {"a", 'a'}, {"a\xcc\x86", 'a'}, {"a\xcc\x82", 'a'},
    {"e", 'e'}, {"e\xcc\x82", 'e'}, {"i", 'i'},
    {"o", 'o'}, {"o\xcc\x82", 'o'}, {"o\xcc\x9b", 'o'},
    {"u", 'u'}, {"u\xcc\x9b", 'u'}, {"y", 'y'},
};
static const char *const tones[] = {"",         "\xcc\x80", "\xcc\x81",
                                    "\xcc\x89", "\xcc\x83", "\xcc\xa3"};

Test(index, fold_every_vowel_with_every_tone) {
    for (size_t v = 0; v < VJ_ARRAY_SIZE(vowels); v++) {
        for (size_t t = 0; t < VJ_ARRAY_SIZE(tones); t++) {
            for (int upper = 0; upper < 2; upper++) {
                char d[16];
                snprintf(d, sizeof d, "%s%s", vowels[v].nfd, tones[t]);
                if (upper)
                    d[0] = (char)(d[0] - 32);
                char *composed = nfc(d); /* the NFC letter */
                char want[2] = {vowels[v].base, 0};
                char *f1 = fold(composed), *f2 = fold(d);
                cr_assert_str_eq(f1, want, "fold(%s) = %s", composed, f1);
                cr_assert_str_eq(f2, want, "fold(NFD %s) = %s", composed, f2);
                /* exact: lower case NFC, same from NFC and NFD */
                char lower[16];
                snprintf(lower, sizeof lower, "%s%s", vowels[v].nfd, tones[t]);
                char *wl = nfc(lower), *e1 = exact(composed), *e2 = exact(d);
                cr_assert_str_eq(e1, wl, "exact(%s) = %s", composed, e1);
                cr_assert_str_eq(e2, wl);
                free(wl);
                free(e1);
                free(e2);
                free(f1);
                free(f2);
                free(composed);
            }
        }
    }
}

Test(index, fold_d_stroke) {
    char *f = fold("Đà Nẵng đường ĐẠI");
    cr_assert_str_eq(f, "da nang duong dai");
    free(f);
    assert_exact("Đà Nẵng", "đà nẵng");
}

Test(index, exact_reads_nfd) {
    assert_exact("Ho\xcc\x80\x61", "hòa");        /* NFD hòa */
    assert_exact("ho\x61\xcc\x80", "hòa");        /* NFD hoà */
    assert_exact("Vie\xcc\xa3\xcc\x82t", "việt"); /* dot before hat */
    assert_exact("Vie\xcc\x82\xcc\xa3t", "việt"); /* hat before dot */
    assert_exact("Ha\xcc\x80 No\xcc\xa3\xcc\x82i", "hà nội");
}

Test(index, both_tone_placements) {
    assert_exact("hoà", "hòa");
    assert_exact("hòa", "hòa");
    assert_exact("thuỵ", "thụy");
    assert_exact("THUỴ", "thụy");
    assert_exact("khoẻ", "khỏe");
    assert_exact("hoá", "hóa");
    assert_exact("thuỷ", "thủy");
    assert_exact("uỷ ban", "ủy ban");
    assert_exact("Hoà bình", "hòa bình");
    /* already canonical, or no choice to make */
    assert_exact("quý", "quý");
    assert_exact("QUÝ", "quý");
    assert_exact("gìn giữ", "gìn giữ");
    assert_exact("người", "người");
    assert_exact("hoàn", "hoàn");
    assert_exact("ngoài", "ngoài");
    assert_exact("thuở", "thuở");
    assert_exact("khuỷu", "khuỷu");
    assert_exact("quốc", "quốc");
    assert_exact("giếng", "giếng");
    /* not Vietnamese syllables: only normalised */
    assert_exact("Café", "café");
    assert_exact("Pokémon", "pokémon");
    /* tone_canon keeps case */
    assert_canon("Hoà Bình, THUỴ Sĩ", "Hòa Bình, THỤY Sĩ");
    assert_canon("", "");
    char *out;
    size_t n;
    cr_assert_eq(text_exact("\xff", 1, &out, &n), VJ_EILSEQ);
    cr_assert_eq(text_tone_canon("a\xc3", 2, &out, &n), VJ_EILSEQ);
}

/* --- Tokenizer ------------------------------------------------------- */

/* Joins the tokens of s as "tok|tok|..." with a '+' before glued ones. */
static char *tokens(const char *s) {
    vj_buf_t b;
    vj_buf_init(&b);
    text_tokenizer_t t;
    text_token_t tok;
    text_tokenizer_init(&t, s, strlen(s));
    int first = 1;
    while (text_tokenizer_next(&t, &tok)) {
        if (!first)
            vj_buf_putc(&b, tok.glued ? '+' : '|');
        first = 0;
        vj_buf_append(&b, s + tok.start, tok.end - tok.start);
    }
    char *r = vj_buf_steal(&b, NULL);
    vj_buf_free(&b);
    return r;
}

static void assert_tokens(const char *s, const char *want) {
    char *got = tokens(s);
    cr_assert_str_eq(got, want, "tokens(%s) = %s, want %s", s, got, want);
    free(got);
}

Test(index, tokenizer_cases) {
    assert_tokens("Hà Nội", "Hà|Nội");
    assert_tokens("LOTUSat-1", "LOTUSat+1");
    assert_tokens("LOTUSat – 1", "LOTUSat|1");
    assert_tokens("LOTUSat-1giai đoạn", "LOTUSat+1+giai|đoạn");
    assert_tokens("42,5 tỷ USD", "42,5|tỷ|USD");
    assert_tokens("3.245 người; 580.000", "3.245|người|580.000");
    assert_tokens("năm 2024-2029, 5.", "năm|2024+2029|5");
    assert_tokens("28/4/2025", "28+4+2025");
    assert_tokens("G20 V1 – 2", "G+20|V+1|2");
    assert_tokens("“Quan hệ” (JAXA)…", "Quan|hệ|JAXA");
    assert_tokens("Ha\xcc\x80 No\xcc\xa3\xcc\x82i",
                  "Ha\xcc\x80|No\xcc\xa3\xcc\x82i");
    assert_tokens("", "");
    assert_tokens(" – , ", "");
    assert_tokens("1,", "1");
    assert_tokens(",5", "5");
}

Test(index, tokenizer_offsets) {
    const char *s = "Hà Nội – LOTUSat-1giai";
    text_tokenizer_t t;
    text_token_t k[8];
    size_t n = 0;
    text_tokenizer_init(&t, s, strlen(s));
    while (n < 8 && text_tokenizer_next(&t, &k[n]))
        n++;
    cr_assert_eq(n, 5);
    cr_assert_eq(k[1].start, 4);
    cr_assert_eq(k[1].end, 9);
    cr_assert_eq(k[1].char_start, 3);
    cr_assert_eq(k[1].char_end, 6);
    cr_assert_eq(k[2].start, 14); /* after " – " (dash is 3 bytes) */
    cr_assert_eq(k[2].char_start, 9);
    cr_assert_eq(k[3].kind, TEXT_TOKEN_NUMBER);
    cr_assert_eq(k[3].glued, 1);
    cr_assert_eq(k[3].char_start, 17);
    cr_assert_eq(k[4].char_start, 18);
    cr_assert_eq(k[4].char_end, 22);
    cr_assert_eq(k[4].end, strlen(s));
}

/* --- Query parser ---------------------------------------------------- */

static void assert_query(const char *q, const char *want) {
    index_query_t *p = NULL;
    const char *err = NULL;
    int rc = index_query_parse(q, strlen(q), &p, &err);
    cr_assert_eq(rc, 0, "parse(%s): %s", q, err);
    char *d = index_query_describe(p);
    cr_assert_str_eq(d, want, "parse(%s) = %s, want %s", q, d, want);
    free(d);
    index_query_free(p);
}

static void assert_query_fails(const char *q, size_t len, int want_rc) {
    index_query_t *p = (index_query_t *)1;
    const char *err = NULL;
    int rc = index_query_parse(q, len, &p, &err);
    cr_assert_eq(rc, want_rc, "parse(%.40s) = %d", q, rc);
    cr_assert_null(p);
    cr_assert_not_null(err);
    cr_assert_gt(strlen(err), 10);
}

Test(index, query_forms) {
    assert_query("ha noi", "ha noi");
    assert_query("Hà   Nội", "hà nội");
    assert_query("\"Hà Nội\" đà", "\"hà nội\" đà");
    assert_query("hoà", "hòa");
    assert_query("LOTUSat-1", "\"lotusat 1\"");
    assert_query("-abc def", "-abc def");
    assert_query("def -\"điện gió\"", "def -\"điện gió\"");
    assert_query("a OR b c", "(a OR b) c");
    assert_query("a OR b OR \"c d\"", "(a OR b OR \"c d\")");
    assert_query("Taka*", "taka*");
    assert_query("LOTUS*", "lotus*");
    assert_query("a or b", "a or b"); /* lower case or is a word */
    assert_query("+a", "a");
}

Test(index, query_malformed_read_leniently) {
    assert_query("\"unbalanced phrase", "\"unbalanced phrase\"");
    assert_query("a OR OR b", "(a OR b)");
    assert_query("OR a OR", "a");
    assert_query("- a", "a");
    assert_query("a - * \"\" , b", "a b");
    assert_query("a OR -b", "a -b");
    assert_query("-a OR b", "-a b");
    assert_query("abc\"def", "abc \"def\"");
    assert_query("**a*", "a*");
}

Test(index, query_malformed_rejected) {
    assert_query_fails("OR OR", 5, VJ_EINVAL);
    assert_query_fails("-", 1, VJ_EINVAL);
    assert_query_fails("-a -b", 5, VJ_EINVAL);
    assert_query_fails("\"\"", 2, VJ_EINVAL);
    assert_query_fails("   ", 3, VJ_EINVAL);
    assert_query_fails("", 0, VJ_EINVAL);
    assert_query_fails("a\xff", 2, VJ_EILSEQ);
    char big[1100];
    memset(big, 'a', sizeof big);
    assert_query_fails(big, 1001, VJ_ETOOBIG);
    vj_buf_t b;
    vj_buf_init(&b);
    for (int i = 0; i < 33; i++)
        vj_buf_puts(&b, "ab ");
    assert_query_fails(b.data, b.len, VJ_EINVAL); /* 33 terms */
    vj_buf_reset(&b);
    for (int i = 0; i < 17; i++)
        vj_buf_puts(&b, i ? " OR ab" : "ab");
    assert_query_fails(b.data, b.len, VJ_EINVAL); /* 17 alternatives */
    vj_buf_reset(&b);
    vj_buf_putc(&b, '"');
    for (int i = 0; i < 17; i++)
        vj_buf_puts(&b, "ab ");
    assert_query_fails(b.data, b.len, VJ_EINVAL); /* 17-syllable phrase */
    vj_buf_free(&b);
}

/* --- Small corpora ---------------------------------------------------- */

typedef struct {
    const char *id;
    const char *published;
    const char *text;
} doc_spec_t;

static corpus_t *make_corpus(const doc_spec_t *specs, size_t n) {
    corpus_lexicon_t *lex = NULL;
    cr_assert_eq(corpus_lexicon_load("data/lexicon", NULL, NULL, &lex), 0);
    corpus_doc_t **docs = vj_calloc(n, sizeof *docs);
    for (size_t i = 0; i < n; i++) {
        corpus_meta_t meta = {.title = specs[i].id,
                              .published = specs[i].published};
        char file[64];
        snprintf(file, sizeof file, "%s.txt", specs[i].id);
        cr_assert_eq(corpus_doc_parse(specs[i].id, file, specs[i].text,
                                      strlen(specs[i].text), &meta, lex, NULL,
                                      NULL, &docs[i]),
                     0);
    }
    corpus_t *c = NULL;
    cr_assert_eq(corpus_from_docs(docs, n, &c), 0);
    free(docs);
    corpus_lexicon_free(lex);
    return c;
}

static index_t *make_index(const doc_spec_t *specs, size_t n) {
    corpus_t *c = make_corpus(specs, n);
    index_t *ix = NULL;
    cr_assert_eq(index_build(c, &ix), 0);
    corpus_unref(c); /* the index keeps its own reference */
    return ix;
}

static void search(const index_t *ix, const char *q, size_t limit,
                   index_result_t *res) {
    index_query_t *p = NULL;
    const char *err = NULL;
    cr_assert_eq(index_query_parse(q, strlen(q), &p, &err), 0, "%s", err);
    index_search_options_t o = {NULL, 0, limit};
    cr_assert_eq(index_search(ix, p, &o, res), 0);
    index_query_free(p);
}

static const doc_spec_t bm25_docs[] = {
    {"p0", "2025-01-01", "cat dog cat"},
    {"p1", "2025-01-02", "dog bird"},
    {"p2", "2025-01-03", "fish bird fish fish fish fish"},
};

Test(index, bm25_hand_computed) {
    index_t *ix = make_index(bm25_docs, 3);
    cr_assert_eq(index_passage_count(ix), 3);
    index_result_t r;
    /* N = 3, avgdl = 11/3; cat: df 1, idf = ln(1 + 2.5/1.5) = ln(8/3);
     * p0: tf 2, dl 3: idf * 2 * 2.2 / (2 + 1.2 * (0.25 + 0.75 * 9/11)) */
    search(ix, "cat", 10, &r);
    cr_assert_eq(r.total, 1);
    cr_assert_eq(r.hits[0].doc, 0);
    cr_assert_float_eq(r.hits[0].score, 1.421321433, 1e-6);
    index_result_cleanup(&r);
    /* bird: df 2, idf = ln(1.6); p1 (dl 2) above p2 (dl 6) */
    search(ix, "bird", 10, &r);
    cr_assert_eq(r.total, 2);
    cr_assert_eq(r.hits[0].doc, 1);
    cr_assert_float_eq(r.hits[0].score, 0.577364864, 1e-6);
    cr_assert_eq(r.hits[1].doc, 2);
    cr_assert_float_eq(r.hits[1].score, 0.372920912, 1e-6);
    index_result_cleanup(&r);
    /* dog bird: only p1 holds both, adjacent: proximity factor 1.5 */
    search(ix, "dog bird", 10, &r);
    cr_assert_eq(r.total, 1);
    cr_assert_float_eq(r.hits[0].score, 2 * 0.577364864 * 1.5, 1e-6);
    index_result_cleanup(&r);
    search(ix, "dog OR fish", 10, &r);
    cr_assert_eq(r.total, 3);
    index_result_cleanup(&r);
    search(ix, "bird -fish", 10, &r);
    cr_assert_eq(r.total, 1);
    cr_assert_eq(r.hits[0].doc, 1);
    index_result_cleanup(&r);
    index_free(ix);
}

static const doc_spec_t vn_docs[] = {
    {"d0", "2023-11-26", "Hợp tác với Việt Nam ngày càng sâu rộng."},
    {"d1", "2025-04-28", "Hợp tác với nhau trong năm nay sâu rộng."},
    {"d2", "2024-01-01",
     "Trong đó có việc phóng vệ tinh LOTUSat – 1 sớm nhất có thể."},
    {"d3", "2024-02-01",
     "Khai thác vệ tinh LOTUSat-1giai đoạn 2024-2029 tại Hà Nội."},
    {"d4", "2024-03-01",
     "Vệ tinh LOTUSat 2 và vệ tinh 1 khác; Thủ tướng "
     "Takaichi gặp <b>bạn</b> & \"Hà Nội\"."},
    {"d5", "2025-05-01", "Thủ tướng Takaichi và Thủ tướng Takaichi."},
};

Test(index, exact_accent_ranks_above_folded) {
    index_t *ix = make_index(vn_docs, VJ_ARRAY_SIZE(vn_docs));
    index_result_t r;
    search(ix, "nam", 10, &r);
    cr_assert_eq(r.total, 2);
    cr_assert_eq(r.hits[0].doc, 0, "Nam (exact) first");
    cr_assert_eq(r.hits[1].doc, 1, "năm (folded) second");
    cr_assert_gt(r.hits[0].score, r.hits[1].score);
    index_result_cleanup(&r);
    /* typed with marks: năm first */
    search(ix, "năm", 10, &r);
    cr_assert_eq(r.total, 2);
    cr_assert_eq(r.hits[0].doc, 1);
    index_result_cleanup(&r);
    /* equal scores: newest document first */
    search(ix, "hop tac", 10, &r);
    cr_assert_eq(r.total, 2);
    cr_assert_float_eq(r.hits[0].score, r.hits[1].score, 1e-12);
    cr_assert_eq(r.hits[0].doc, 1);
    index_result_cleanup(&r);
    index_free(ix);
}

Test(index, phrase_across_dash_and_glued_digits) {
    index_t *ix = make_index(vn_docs, VJ_ARRAY_SIZE(vn_docs));
    index_result_t r;
    search(ix, "LOTUSat-1", 10, &r);
    cr_assert_eq(r.total, 2, "LOTUSat – 1 and LOTUSat-1giai, not d4");
    cr_assert_eq(r.doc_matches[2] + r.doc_matches[3], 2);
    for (size_t i = 0; i < r.hit_count; i++) {
        char *snippet;
        index_span_t *sp;
        size_t n;
        index_render(ix, &r, &r.hits[i], &snippet, &sp, &n);
        cr_assert_eq(n, 1);
        const char *want = r.hits[i].doc == 2 ? "LOTUSat – 1" : "LOTUSat-1";
        const char *text = vn_docs[r.hits[i].doc].text;
        cr_assert_eq(sp[0].end - sp[0].start, strlen(want));
        cr_assert_eq(memcmp(text + sp[0].start, want, strlen(want)), 0);
        cr_assert_eq(sp[0].char_end - sp[0].char_start,
                     text_utf8_count(want, strlen(want)));
        char marked[64];
        snprintf(marked, sizeof marked, "<mark>%s</mark>", want);
        cr_assert_not_null(strstr(snippet, marked), "%s", snippet);
        free(snippet);
        free(sp);
    }
    index_result_cleanup(&r);
    search(ix, "\"LOTUSat 1\"", 10, &r);
    cr_assert_eq(r.total, 2);
    index_result_cleanup(&r);
    search(ix, "\"ve tinh lotusat\" -giai", 10, &r);
    cr_assert_eq(r.total, 2); /* d2 and d4 */
    index_result_cleanup(&r);
    index_free(ix);
}

Test(index, prefix_and_misspellings) {
    index_t *ix = make_index(vn_docs, VJ_ARRAY_SIZE(vn_docs));
    index_result_t r;
    search(ix, "Taka*", 10, &r);
    cr_assert_eq(r.total, 2);
    cr_assert_eq(r.hits[0].doc, 5, "two Takaichi rank first");
    index_result_cleanup(&r);
    search(ix, "Takachi", 10, &r); /* one edit away, 7 letters */
    cr_assert_eq(r.total, 2);
    index_result_cleanup(&r);
    search(ix, "Takaichii", 10, &r); /* one edit, 9 letters */
    cr_assert_eq(r.total, 2);
    index_result_cleanup(&r);
    search(ix, "Taka", 10, &r); /* no prefix, too short for typos */
    cr_assert_eq(r.total, 0);
    index_result_cleanup(&r);
    search(ix, "tinx", 10, &r); /* four letters: never a typo */
    cr_assert_eq(r.total, 0);
    index_result_cleanup(&r);
    search(ix, "\"Takachi\"", 10, &r); /* quoted: as written */
    cr_assert_eq(r.total, 0);
    index_result_cleanup(&r);
    search(ix, "xyzzyqq", 10, &r);
    cr_assert_eq(r.total, 0);
    cr_assert_eq(r.hit_count, 0);
    index_result_cleanup(&r);
    index_free(ix);
}

Test(index, snippet_escapes_and_marks) {
    index_t *ix = make_index(vn_docs, VJ_ARRAY_SIZE(vn_docs));
    index_result_t r;
    search(ix, "ban ha noi", 10, &r);
    cr_assert_eq(r.total, 1);
    char *snippet;
    index_span_t *sp;
    size_t n;
    index_render(ix, &r, &r.hits[0], &snippet, &sp, &n);
    cr_assert_str_eq(snippet,
                     "Vệ tinh LOTUSat 2 và vệ tinh 1 khác; Thủ tướng "
                     "Takaichi gặp &lt;b&gt;<mark>bạn</mark>&lt;/b&gt; "
                     "&amp; &quot;<mark>Hà</mark> <mark>Nội</mark>&quot;.");
    cr_assert_eq(n, 3);
    free(snippet);
    free(sp);
    index_result_cleanup(&r);
    index_free(ix);
}

Test(index, snippet_window_and_paging) {
    /* one long passage: the window is cut around the hit */
    vj_buf_t b;
    vj_buf_init(&b);
    for (int i = 0; i < 60; i++)
        vj_buf_puts(&b, i == 45 ? "Suzunami " : "chữ ");
    vj_buf_puts(&b, "hết.");
    doc_spec_t docs[] = {{"long", "2025-01-01", b.data},
                         {"short", "2025-01-02", "chữ Suzunami chữ"}};
    index_t *ix = make_index(docs, 2);
    index_result_t r;
    search(ix, "suzunami", 1, &r);
    cr_assert_eq(r.total, 2);
    cr_assert_eq(r.hit_count, 1);
    cr_assert_eq(r.hits[0].doc, 1, "the short passage ranks first");
    index_result_cleanup(&r);
    index_query_t *q;
    cr_assert_eq(index_query_parse("suzunami", 8, &q, NULL), 0);
    index_search_options_t o = {NULL, 1, 5};
    index_search(ix, q, &o, &r);
    cr_assert_eq(r.total, 2);
    cr_assert_eq(r.hit_count, 1);
    cr_assert_eq(r.hits[0].doc, 0);
    char *snippet;
    index_span_t *sp;
    size_t n;
    index_render(ix, &r, &r.hits[0], &snippet, &sp, &n);
    cr_assert(strncmp(snippet, "… ", strlen("… ")) == 0, "%s", snippet);
    cr_assert_not_null(strstr(snippet, "<mark>Suzunami</mark>"));
    size_t words = 1;
    for (const char *p = snippet; *p; p++)
        words += *p == ' ';
    cr_assert_leq(words, INDEX_SNIPPET_TOKENS + 2, "%s", snippet);
    cr_assert_eq(n, 1);
    cr_assert_eq(sp[0].start, 45 * strlen("chữ "));
    free(snippet);
    free(sp);
    index_result_cleanup(&r);
    /* the document filter */
    uint8_t allowed[2] = {1, 0};
    index_search_options_t o2 = {allowed, 0, 5};
    index_search(ix, q, &o2, &r);
    cr_assert_eq(r.total, 1);
    cr_assert_eq(r.doc_matches[0], 1);
    cr_assert_eq(r.doc_matches[1], 0);
    index_result_cleanup(&r);
    index_query_free(q);
    index_free(ix);
    vj_buf_free(&b);
}

static void assert_suggest(const index_t *ix, const char *q, const char *first,
                           size_t count) {
    index_suggestion_t *s;
    size_t n;
    cr_assert_eq(index_suggest(ix, q, strlen(q), 5, &s, &n), 0);
    cr_assert_geq(n, 1, "no suggestion for %s", q);
    cr_assert_str_eq(s[0].text, first, "suggest(%s) = %s", q, s[0].text);
    cr_assert_eq(s[0].count, count);
    index_suggestions_free(s, n);
}

Test(index, suggest_completes_folded) {
    index_t *ix = make_index(vn_docs, VJ_ARRAY_SIZE(vn_docs));
    assert_suggest(ix, "Taka", "Takaichi", 3);
    assert_suggest(ix, "ha n", "Hà Nội", 2);
    assert_suggest(ix, "thu t", "Thủ tướng", 3);
    assert_suggest(ix, "ve tinh lotusat", "vệ tinh LOTUSat", 3);
    assert_suggest(ix, "vệ t", "vệ tinh", 4);
    index_suggestion_t *s;
    size_t n;
    cr_assert_eq(index_suggest(ix, "xyzzy q", 7, 5, &s, &n), 0);
    cr_assert_eq(n, 0);
    index_suggestions_free(s, n);
    cr_assert_eq(index_suggest(ix, " – ", strlen(" – "), 5, &s, &n), 0);
    cr_assert_eq(n, 0);
    cr_assert_eq(index_suggest(ix, "\xff", 1, 5, &s, &n), VJ_EILSEQ);
    index_free(ix);
}

Test(index, empty_corpus) {
    index_t *ix = make_index(NULL, 0);
    index_result_t r;
    search(ix, "anything", 10, &r);
    cr_assert_eq(r.total, 0);
    index_result_cleanup(&r);
    index_free(ix);
    index_free(NULL);
}
