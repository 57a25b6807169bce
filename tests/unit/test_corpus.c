/* test_corpus.c - the corpus module: loading data/corpus and the fixture
 * folders, boilerplate removal, captions, metadata precedence, sentence
 * splitting, offsets, dates, the manifest and the lexicon.
 *
 * Tests run from the repository root, so paths are relative to it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vjcorpus/common.h"
#include "vjcorpus/corpus.h"
#include "vjcorpus/text.h"

/* The manifest parser is internal; its shape checks are tested directly. */
#include "../../src/corpus/internal.h"

#define SEED "data/corpus"
#define FIX "tests/unit/fixtures"

/* Problems reported through the callback, as "file:line: message". */
typedef struct {
    vj_buf_t all;
    int count, fatal;
} problems_t;

static void problems_cb(const corpus_problem_t *p, void *data) {
    problems_t *ps = data;
    vj_buf_printf(&ps->all, "%s:%u: %s%s\n", p->file, p->line, p->message,
                  p->fatal ? " [fatal]" : "");
    ps->count++;
    ps->fatal += p->fatal != 0;
}

static corpus_lexicon_t *lexicon(void) {
    corpus_lexicon_t *lex = NULL;
    cr_assert_eq(corpus_lexicon_load("data/lexicon", NULL, NULL, &lex), 0);
    return lex;
}

static corpus_t *load(const char *dir, const corpus_lexicon_t *lex,
                      problems_t *ps) {
    corpus_options_t o = {
        .dir = dir, .lexicon = lex, .on_problem = problems_cb, .data = ps};
    corpus_t *c = NULL;
    int rc = corpus_load(&o, &c);
    cr_assert_eq(rc, 0, "corpus_load(%s): %s\n%s", dir, vj_strerror(rc),
                 ps->all.data);
    return c;
}

/* Parses a small article from a string. */
static corpus_doc_t *parse(const char *text, const corpus_meta_t *meta,
                           const corpus_lexicon_t *lex) {
    corpus_doc_t *d = NULL;
    int rc = corpus_doc_parse("t", "t.txt", text, strlen(text), meta, lex, NULL,
                              NULL, &d);
    cr_assert_eq(rc, 0, "corpus_doc_parse: %s", vj_strerror(rc));
    return d;
}

static char *sentence(const corpus_doc_t *d, size_t i) {
    const corpus_sentence_t *s = &d->sentences[i];
    return vj_strndup(d->text + s->span.start, s->span.end - s->span.start);
}

static int text_has(const corpus_doc_t *d, const char *needle) {
    return strstr(d->text, needle) != NULL;
}

/* Checks that sentence i is exactly want. */
static void sentence_is(const corpus_doc_t *d, size_t i, const char *want) {
    cr_assert_lt(i, d->sentence_count, "only %zu sentences", d->sentence_count);
    char *s = sentence(d, i);
    cr_assert_str_eq(s, want);
    free(s);
}

static const corpus_doc_t *doc_prefix(const corpus_t *c, const char *prefix) {
    for (size_t i = 0; i < corpus_doc_count(c); i++) {
        const corpus_doc_t *d = corpus_doc_at(c, i);
        if (strncmp(d->id, prefix, strlen(prefix)) == 0)
            return d;
    }
    cr_assert_fail("no document %s", prefix);
    return NULL;
}

Test(corpus, seed_loads_five_documents_in_id_order) {
    corpus_lexicon_t *lex = lexicon();
    problems_t ps = {0};
    vj_buf_init(&ps.all);
    corpus_t *c = load(SEED, lex, &ps);
    static const char *ids[] = {"000_9a418107b7a7cca5", "001_58805106130a1a09",
                                "002_1e863f61e29da7dd", "003_53ad46796207618d",
                                "004_5793ab1afd7dfe9c"};

    cr_assert_eq(corpus_doc_count(c), 5);
    cr_assert_eq(ps.count, 0, "unexpected problems:\n%s", ps.all.data);
    cr_assert_eq(corpus_problem_count(c), 0);
    for (size_t i = 0; i < 5; i++) {
        const corpus_doc_t *d = corpus_doc_at(c, i);
        cr_assert_str_eq(d->id, ids[i]);
        vj_buf_t f;
        vj_buf_init(&f);
        vj_buf_printf(&f, "%s.txt", ids[i]);
        cr_assert_str_eq(d->file, f.data);
        vj_buf_free(&f);
        cr_assert_eq(corpus_doc_find(c, ids[i]), d);
        cr_assert_str_eq(d->language, "vi");
        cr_assert_gt(d->paragraph_count, 0);
        cr_assert_gt(d->words, 100);
    }
    cr_assert_null(corpus_doc_find(c, "nope"));
    cr_assert_null(corpus_doc_find(c, "003"));
    cr_assert_null(corpus_doc_at(c, 5));

    size_t p = 0, s = 0, w = 0, b = 0;
    for (size_t i = 0; i < 5; i++) {
        p += corpus_doc_at(c, i)->paragraph_count;
        s += corpus_doc_at(c, i)->sentence_count;
        w += corpus_doc_at(c, i)->words;
        b += corpus_doc_at(c, i)->text_len;
    }
    cr_assert_eq(corpus_paragraph_total(c), p);
    cr_assert_eq(corpus_sentence_total(c), s);
    cr_assert_eq(corpus_word_total(c), w);
    cr_assert_eq(corpus_byte_total(c), b);

    /* Reference counting: the corpus lives until the last unref. */
    cr_assert_eq(corpus_ref(c), c);
    corpus_unref(c);
    cr_assert_eq(corpus_doc_count(c), 5);
    corpus_unref(c);
    corpus_unref(NULL);
    corpus_lexicon_free(lex);
    corpus_lexicon_free(NULL);
    vj_buf_free(&ps.all);
}

Test(corpus, seed_published_dates) {
    corpus_lexicon_t *lex = lexicon();
    problems_t ps = {0};
    vj_buf_init(&ps.all);
    corpus_t *c = load(SEED, lex, &ps);

    const corpus_doc_t *d0 = doc_prefix(c, "000");
    cr_assert_str_eq(d0->published.iso, "2025-11-28");
    cr_assert_eq(d0->published.precision, CORPUS_PREC_DAY);
    cr_assert_eq(d0->published.sort_key, 202511280000LL);
    const corpus_doc_t *d1 = doc_prefix(c, "001");
    cr_assert_str_eq(d1->published.iso, "2025-05");
    cr_assert_eq(d1->published.precision, CORPUS_PREC_MONTH);
    cr_assert_eq(d1->published.month, 5);
    cr_assert_eq(d1->published.day, 0);
    cr_assert_str_eq(doc_prefix(c, "002")->published.iso, "2025-11-25");
    const corpus_doc_t *d3 = doc_prefix(c, "003");
    cr_assert_str_eq(d3->published.iso, "2023-11-26T13:54:00+07:00");
    cr_assert_eq(d3->published.precision, CORPUS_PREC_TIME);
    cr_assert_eq(d3->published.sort_key, 202311260654LL); /* UTC */
    cr_assert_str_eq(doc_prefix(c, "004")->published.iso, "2023-11-27");

    corpus_unref(c);
    corpus_lexicon_free(lex);
    vj_buf_free(&ps.all);
}

Test(corpus, seed_003_headline_timestamp_and_tail_removed) {
    corpus_lexicon_t *lex = lexicon();
    problems_t ps = {0};
    vj_buf_init(&ps.all);
    corpus_t *c = load(SEED, lex, &ps);
    const corpus_doc_t *d = doc_prefix(c, "003");

    cr_assert_str_eq(
        d->title,
        "Việt Nam và Nhật Bản đẩy mạnh hợp tác sâu rộng và thực chất");
    cr_assert_not(text_has(d, "đẩy mạnh hợp tác sâu rộng và thực chất"));
    cr_assert_not(text_has(d, "13:54"));
    cr_assert_not(text_has(d, "26/11/2023"));
    cr_assert_not(text_has(d, "Ý kiến bạn đọc"));
    cr_assert_not(text_has(d, "Cùng chuyên mục"));
    cr_assert_not(text_has(d, "800 triệu Euro"));
    cr_assert_not(text_has(d, "Lào đang"));
    cr_assert_not(text_has(d, "Theo Nhân Dân Điện tử"));
    cr_assert_str_eq(d->source, "Nhân Dân điện tử"); /* the manifest wins */
    cr_assert(strncmp(d->text, "Nửa thế kỷ kể từ khi", 24) == 0);
    cr_assert(text_has(d, "Liên hợp quốc, ASEAN, Mê Công..."));
    cr_assert_eq(d->paragraphs[0].line, 5);
    cr_assert_null(d->author);

    /* The caption printed twice is one caption, not body text. */
    cr_assert_eq(d->caption_count, 1);
    cr_assert_str_eq(d->captions[0].text,
                     "Sinh viên Việt Nam hòa ca tại Trường đại học Yamanashi "
                     "Gakuin Nhật Bản.");
    cr_assert_null(d->captions[0].credit);
    cr_assert_eq(d->captions[0].after_paragraph, 1);
    cr_assert_eq(d->captions[0].line, 9);
    cr_assert_not(text_has(d, "Yamanashi"));

    corpus_unref(c);
    corpus_lexicon_free(lex);
    vj_buf_free(&ps.all);
}

Test(corpus, seed_captions_with_credits) {
    corpus_lexicon_t *lex = lexicon();
    problems_t ps = {0};
    vj_buf_init(&ps.all);
    corpus_t *c = load(SEED, lex, &ps);

    const corpus_doc_t *d0 = doc_prefix(c, "000");
    cr_assert_eq(d0->caption_count, 1);
    cr_assert_str_eq(d0->captions[0].text,
                     "Đại sứ Nhật Bản tại Việt Nam Ito Naoki trong cuộc gặp gỡ "
                     "báo chí ngày 27/11.");
    cr_assert_str_eq(d0->captions[0].credit, "Thành Đạt");
    cr_assert_eq(d0->captions[0].after_paragraph, CORPUS_CAPTION_BEFORE_FIRST);
    cr_assert_eq(d0->captions[0].line, 1);
    cr_assert_not(text_has(d0, "Ảnh:"));
    cr_assert_not(text_has(d0, "Thành Đạt"));
    cr_assert(strncmp(d0->text, "Trong cuộc gặp gỡ báo chí", 27) == 0);

    const corpus_doc_t *d2 = doc_prefix(c, "002");
    cr_assert_eq(d2->caption_count, 2);
    cr_assert_str_eq(d2->captions[0].text,
                     "Thủ tướng Phạm Minh Chính phát biểu tại diễn đàn hợp tác "
                     "địa phương Việt Nam – Nhật Bản.");
    cr_assert_str_eq(d2->captions[0].credit, "Phạm Công");
    cr_assert_str_eq(d2->captions[1].text, "Quang cảnh diễn đàn.");
    cr_assert_str_eq(d2->captions[1].credit, "Phạm Công");
    cr_assert_not(text_has(d2, "Phạm Công"));
    cr_assert_not(text_has(d2, "Quang cảnh diễn đàn"));
    /* 002's first line follows its date marker and is body text. */
    cr_assert(strncmp(d2->text, "Phát biểu tại diễn đàn,", 26) == 0);

    cr_assert_eq(doc_prefix(c, "001")->caption_count, 0);
    cr_assert_eq(doc_prefix(c, "004")->caption_count, 0);

    corpus_unref(c);
    corpus_lexicon_free(lex);
    vj_buf_free(&ps.all);
}

Test(corpus, seed_source_author_and_theo_sentence) {
    corpus_lexicon_t *lex = lexicon();
    problems_t ps = {0};
    vj_buf_init(&ps.all);
    corpus_t *c = load(SEED, lex, &ps);

    const corpus_doc_t *d4 = doc_prefix(c, "004");
    cr_assert_str_eq(d4->author, "Vũ Anh");
    cr_assert_not(text_has(d4, "Vũ Anh"));
    cr_assert_eq(d4->paragraph_count, 14); /* single newlines separate them */
    cr_assert_str_eq(d4->title,
                     "Chủ tịch nước Võ Văn Thưởng hội đàm với Thủ tướng Fumio "
                     "Kishida");
    cr_assert_null(d4->source);

    const corpus_doc_t *d0 = doc_prefix(c, "000");
    cr_assert(text_has(d0, "Theo Đại sứ Ito Naoki, nhờ những sáng kiến"));
    cr_assert_null(d0->source);
    cr_assert_null(d0->author);

    const corpus_doc_t *d1 = doc_prefix(c, "001");
    cr_assert_not(text_has(d1, "*****"));
    cr_assert(text_has(d1, "14. Dự án điện khí LNG Thái Bình./."));
    cr_assert(strncmp(d1->text, "1. Nhân dịp", 12) == 0);

    corpus_unref(c);
    corpus_lexicon_free(lex);
    vj_buf_free(&ps.all);
}

Test(corpus, seed_offsets_slice_exactly) {
    corpus_lexicon_t *lex = lexicon();
    problems_t ps = {0};
    vj_buf_init(&ps.all);
    corpus_t *c = load(SEED, lex, &ps);

    for (size_t i = 0; i < corpus_doc_count(c); i++) {
        const corpus_doc_t *d = corpus_doc_at(c, i);
        cr_assert_eq(strlen(d->text), d->text_len);
        cr_assert_eq(text_utf8_count(d->text, d->text_len), d->text_chars);
        cr_assert_eq(text_utf8_validate(d->text, d->text_len, NULL), 0);
        size_t sentences = 0, expect = 0;
        for (size_t k = 0; k < d->paragraph_count; k++) {
            const corpus_paragraph_t *p = &d->paragraphs[k];
            cr_assert_eq(p->span.start, expect, "%s paragraph %zu", d->id, k);
            cr_assert_lt(p->span.start, p->span.end);
            cr_assert_eq(text_utf8_count(d->text, p->span.start),
                         p->span.char_start);
            cr_assert_eq(text_utf8_count(d->text, p->span.end),
                         p->span.char_end);
            cr_assert_null(memchr(d->text + p->span.start, '\n',
                                  p->span.end - p->span.start));
            cr_assert_neq(d->text[p->span.start], ' ');
            cr_assert_neq(d->text[p->span.end - 1], ' ');
            if (k + 1 < d->paragraph_count)
                cr_assert_eq(memcmp(d->text + p->span.end, "\n\n", 2), 0);
            else
                cr_assert_eq(p->span.end, d->text_len);
            expect = p->span.end + 2;
            cr_assert_eq(p->first_sentence, sentences);
            cr_assert_gt(p->sentence_count, 0);
            uint32_t prev_end = p->span.start;
            for (size_t j = 0; j < p->sentence_count; j++) {
                const corpus_sentence_t *s =
                    &d->sentences[p->first_sentence + j];
                cr_assert_eq(s->paragraph, k);
                cr_assert_geq(s->span.start, prev_end);
                cr_assert_leq(s->span.end, p->span.end);
                cr_assert_lt(s->span.start, s->span.end);
                cr_assert_eq(text_utf8_count(d->text, s->span.start),
                             s->span.char_start);
                cr_assert_eq(text_utf8_count(d->text, s->span.end),
                             s->span.char_end);
                cr_assert_neq(d->text[s->span.start], ' ');
                /* Only spaces lie between sentences of a paragraph. */
                for (uint32_t b = prev_end; b < s->span.start; b++)
                    cr_assert_eq(d->text[b], ' ');
                prev_end = s->span.end;
            }
            cr_assert_eq(prev_end, p->span.end);
            sentences += p->sentence_count;
        }
        cr_assert_eq(sentences, d->sentence_count);
    }
    /* Paragraph 0 of 003 is its first body paragraph, whole. */
    const corpus_doc_t *d3 = doc_prefix(c, "003");
    const corpus_paragraph_t *p0 = &d3->paragraphs[0];
    char *t =
        vj_strndup(d3->text + p0->span.start, p0->span.end - p0->span.start);
    cr_assert(strncmp(t, "Nửa thế kỷ", 13) == 0);
    cr_assert(strstr(t, "hợp tác thực chất, sâu rộng.") != NULL);
    free(t);

    corpus_unref(c);
    corpus_lexicon_free(lex);
    vj_buf_free(&ps.all);
}

Test(corpus, seed_quoted_speech_is_one_sentence) {
    corpus_lexicon_t *lex = lexicon();
    problems_t ps = {0};
    vj_buf_init(&ps.all);
    corpus_t *c = load(SEED, lex, &ps);
    const corpus_doc_t *d = doc_prefix(c, "000");
    int found = 0;
    for (size_t i = 0; i < d->sentence_count; i++) {
        char *s = sentence(d, i);
        if (strncmp(s, "“Các lĩnh vực được xác định", 30) == 0) {
            found = 1;
            cr_assert(strstr(s, "Tôi rất vui mừng") != NULL);
            const char *tail = "”, Đại sứ Nhật Bản nhấn mạnh.";
            cr_assert_str_eq(s + strlen(s) - strlen(tail), tail);
        }
        free(s);
    }
    cr_assert(found);
    corpus_unref(c);
    corpus_lexicon_free(lex);
    vj_buf_free(&ps.all);
}

Test(corpus, sentences_abbreviations_numbers_and_ranges) {
    corpus_lexicon_t *lex = lexicon();
    corpus_doc_t *d = parse(
        "Tuyến Metro số 1 tại TP. Hồ Chí Minh đã khai trương. Kim ngạch đạt "
        "42,5 tỷ USD và 3.245 km đường cao tốc. Chuyến thăm từ ngày 27- "
        "29/4/2025 (CSP) thành công. PGS.TS. Nguyễn Văn A phát biểu.",
        NULL, lex);
    cr_assert_eq(d->sentence_count, 4);
    sentence_is(d, 0, "Tuyến Metro số 1 tại TP. Hồ Chí Minh đã khai trương.");
    sentence_is(d, 1, "Kim ngạch đạt 42,5 tỷ USD và 3.245 km đường cao tốc.");
    sentence_is(d, 2, "Chuyến thăm từ ngày 27- 29/4/2025 (CSP) thành công.");
    sentence_is(d, 3, "PGS.TS. Nguyễn Văn A phát biểu.");
    cr_assert_eq(d->words, 44);
    corpus_doc_free(d);
    corpus_lexicon_free(lex);
}

Test(corpus, sentences_list_numbers_and_ellipses) {
    corpus_lexicon_t *lex = lexicon();
    corpus_doc_t *d = parse("1. Nhân dịp chuyến thăm, hai bên ký kết. Hai "
                            "bên nhất trí.\n\n3. Về hợp tác chính trị\n\n"
                            "Đối thoại biển... Hai Thủ tướng nhất trí. Các "
                            "lĩnh vực… ở khu vực nông thôn.\n\n14. Dự án "
                            "Thái Bình./.\n",
                            NULL, lex);
    cr_assert_eq(d->paragraph_count, 4);
    cr_assert_eq(d->sentence_count, 7);
    sentence_is(d, 0, "1. Nhân dịp chuyến thăm, hai bên ký kết.");
    sentence_is(d, 1, "Hai bên nhất trí.");
    sentence_is(d, 2, "3. Về hợp tác chính trị");
    sentence_is(d, 3, "Đối thoại biển...");
    sentence_is(d, 4, "Hai Thủ tướng nhất trí.");
    sentence_is(d, 5, "Các lĩnh vực… ở khu vực nông thôn.");
    sentence_is(d, 6, "14. Dự án Thái Bình./.");
    corpus_doc_free(d);
    corpus_lexicon_free(lex);
}

Test(corpus, sentences_quotes) {
    corpus_lexicon_t *lex = lexicon();
    corpus_doc_t *d = parse(
        "“Nhật Bản hướng tới mục tiêu. Nhật Bản mong muốn hợp tác”, Đại sứ "
        "nhấn mạnh. Ông nói: “Tôi rất vui. Cảm ơn.” Sau đó ông rời đi.\n\n"
        "Đó là \"Làm việc! Làm việc! Làm việc và Làm việc!\". Hết.\n\n"
        "Câu “không đóng. Câu hai.\n",
        NULL, lex);
    cr_assert_eq(d->paragraph_count, 3);
    sentence_is(d, 0,
                "“Nhật Bản hướng tới mục tiêu. Nhật Bản mong muốn hợp tác”, "
                "Đại sứ nhấn mạnh.");
    sentence_is(d, 1, "Ông nói: “Tôi rất vui. Cảm ơn.”");
    sentence_is(d, 2, "Sau đó ông rời đi.");
    sentence_is(d, 3, "Đó là \"Làm việc! Làm việc! Làm việc và Làm việc!\".");
    sentence_is(d, 4, "Hết.");
    /* An unclosed quote is ignored. */
    sentence_is(d, 5, "Câu “không đóng.");
    sentence_is(d, 6, "Câu hai.");
    cr_assert_eq(d->sentence_count, 7);
    corpus_doc_free(d);
    corpus_lexicon_free(lex);
}

Test(corpus, sentences_need_a_new_start) {
    corpus_lexicon_t *lex = lexicon();
    corpus_doc_t *d = parse("Ông A. nói rằng việc đó xong. (Ảnh chụp) không. "
                            "Năm 2009. 2014 là năm quan trọng! Vì sao? Bởi vì.",
                            NULL, lex);
    /* "A. nói" continues (lower case); "(" and a digit start sentences. */
    sentence_is(d, 0, "Ông A. nói rằng việc đó xong.");
    sentence_is(d, 1, "(Ảnh chụp) không.");
    sentence_is(d, 2, "Năm 2009.");
    sentence_is(d, 3, "2014 là năm quan trọng!");
    sentence_is(d, 4, "Vì sao?");
    sentence_is(d, 5, "Bởi vì.");
    corpus_doc_free(d);
    corpus_lexicon_free(lex);
}

Test(corpus, date_marker_forms) {
    corpus_lexicon_t *lex = lexicon();
    static const struct {
        const char *text, *iso, *first;
    } cases[] = {
        {" date 2025-11-28 Nội dung đầu tiên.\n\nĐoạn hai.", "2025-11-28",
         "Nội dung đầu tiên."},
        {"date 2025-05 1. Nhân dịp.\n\nĐoạn hai.", "2025-05", "1. Nhân dịp."},
        {"\n\n\tdate 2024 Năm thôi.\n\nĐoạn hai.", "2024", "Năm thôi."},
        {"DATE: 2023-11-26T13:54:00+07:00 Có giờ.\nĐoạn hai.",
         "2023-11-26T13:54:00+07:00", "Có giờ."},
        {"date 2025-11-28\nChỉ có ngày ở dòng đầu.\nĐoạn hai.", "2025-11-28",
         "Chỉ có ngày ở dòng đầu."},
        {"Không có date 2025-11-28 ở đầu.\n\nĐoạn hai.", "",
         "Không có date 2025-11-28 ở đầu."},
        {"date 2025-02-30 Ngày không có thật.\n\nĐoạn hai.", "",
         "Ngày không có thật."},
    };
    for (size_t i = 0; i < VJ_ARRAY_SIZE(cases); i++) {
        corpus_doc_t *d = parse(cases[i].text, NULL, lex);
        cr_assert_str_eq(d->published.iso, cases[i].iso, "case %zu", i);
        size_t n = d->paragraphs[0].span.end - d->paragraphs[0].span.start;
        cr_assert_eq(n, strlen(cases[i].first), "case %zu", i);
        cr_assert_eq(memcmp(d->text, cases[i].first, n), 0, "case %zu", i);
        corpus_doc_free(d);
    }
    corpus_lexicon_free(lex);
}

Test(corpus, timestamp_line_forms) {
    corpus_lexicon_t *lex = lexicon();
    static const struct {
        const char *line, *iso;
    } cases[] = {
        {"13:54, 26/11/2023", "2023-11-26T13:54:00+07:00"},
        {"26/11/2023 13:54", "2023-11-26T13:54:00+07:00"},
        {"26/11/2023", "2023-11-26"},
        {"Thứ hai, 26/11/2023 13:54", "2023-11-26T13:54:00+07:00"},
        {" 26/11/2023 - 13:54", "2023-11-26T13:54:00+07:00"},
        {"Chủ nhật, 26/11/2023, 13:54 (GMT+7)", "2023-11-26T13:54:00+07:00"},
        {"Cập nhật lúc 08h05 ngày 01-02-2024", "2024-02-01T08:05:00+07:00"},
        {"01/12/2023 | 23:30", "2023-12-01T23:30:00+07:00"},
        {"26/11/2023 01:54 PM", "2023-11-26T13:54:00+07:00"},
    };
    for (size_t i = 0; i < VJ_ARRAY_SIZE(cases); i++) {
        vj_buf_t b;
        vj_buf_init(&b);
        vj_buf_printf(&b, "Tiêu đề bài viết\n\n%s\n\nNội dung bài viết. Hết.\n",
                      cases[i].line);
        corpus_doc_t *d = parse(b.data, NULL, lex);
        cr_assert_str_eq(d->published.iso, cases[i].iso, "case %zu (%s)", i,
                         cases[i].line);
        cr_assert_str_eq(d->title, "Tiêu đề bài viết");
        cr_assert_eq(d->paragraph_count, 1, "case %zu", i);
        cr_assert_str_eq(d->text, "Nội dung bài viết. Hết.");
        corpus_doc_free(d);
        vj_buf_free(&b);
    }
    /* Not timestamps: an impossible date, other words, a date in a sentence. */
    static const char *nots[] = {"31/02/2023 10:00", "Hà Nội, 26/11/2023",
                                 "Ngày 26/11/2023, hai bên gặp nhau.",
                                 "25:61 26/11/2023"};
    for (size_t i = 0; i < VJ_ARRAY_SIZE(nots); i++) {
        vj_buf_t b;
        vj_buf_init(&b);
        vj_buf_printf(&b, "Nội dung mở đầu.\n%s\nNội dung tiếp.\n", nots[i]);
        corpus_doc_t *d = parse(b.data, NULL, lex);
        cr_assert_str_eq(d->published.iso, "", "not a stamp: %s", nots[i]);
        cr_assert_eq(d->paragraph_count, 3);
        corpus_doc_free(d);
        vj_buf_free(&b);
    }
    corpus_lexicon_free(lex);
}

Test(corpus, manifest_precedence) {
    corpus_lexicon_t *lex = lexicon();
    const char *text = "Tiêu đề trong văn bản\n13:54, 26/11/2023\n"
                       "Nội dung chính của bài.\nTheo TTXVN\n";
    corpus_doc_t *d = parse(text, NULL, lex);
    cr_assert_str_eq(d->title, "Tiêu đề trong văn bản");
    cr_assert_str_eq(d->published.iso, "2023-11-26T13:54:00+07:00");
    cr_assert_str_eq(d->source, "TTXVN");
    cr_assert_str_eq(d->language, "vi");
    cr_assert_null(d->url);
    cr_assert_str_eq(d->text, "Nội dung chính của bài.");
    corpus_doc_free(d);

    corpus_meta_t m = {.title = "Tiêu đề khác",
                       .published = "2023-11",
                       .source = "Báo X",
                       .url = "https://example.org/a",
                       .language = "en"};
    d = parse(text, &m, lex);
    cr_assert_str_eq(d->title, "Tiêu đề khác");
    cr_assert_str_eq(d->published.iso, "2023-11");
    cr_assert_str_eq(d->source, "Báo X");
    cr_assert_str_eq(d->url, "https://example.org/a");
    cr_assert_str_eq(d->language, "en");
    cr_assert_str_eq(d->text, "Nội dung chính của bài.");
    corpus_doc_free(d);

    /* Null manifest values let the text stand; a bad date is ignored. */
    corpus_meta_t n = {.published = "2023-13-01"};
    problems_t ps = {0};
    vj_buf_init(&ps.all);
    cr_assert_eq(corpus_doc_parse("t", "t.txt", text, strlen(text), &n, lex,
                                  problems_cb, &ps, &d),
                 0);
    cr_assert_str_eq(d->published.iso, "2023-11-26T13:54:00+07:00");
    cr_assert_str_eq(d->title, "Tiêu đề trong văn bản");
    cr_assert_eq(ps.count, 1);
    cr_assert(strstr(ps.all.data, "t.txt:0:") != NULL, "%s", ps.all.data);
    corpus_doc_free(d);
    vj_buf_free(&ps.all);

    /* A first line equal to the manifest title is the headline even when
     * it looks like a sentence. */
    corpus_meta_t t = {.title = "Việt Nam và Nhật Bản: hợp tác."};
    d = parse("Việt  Nam và Nhật Bản: hợp tác.\nNội dung.\n", &t, lex);
    cr_assert_str_eq(d->text, "Nội dung.");
    corpus_doc_free(d);
    corpus_lexicon_free(lex);
}

Test(corpus, source_lines_and_bylines) {
    corpus_lexicon_t *lex = lexicon();
    corpus_doc_t *d = parse("Đoạn một của bài viết.\n\nTheo Đại sứ Ito Naoki, "
                            "hai nước hợp tác.\n\nNguồn: VnExpress.net\n\n"
                            "Đoạn cuối.\n\nTrần Thị Minh Châu\n",
                            NULL, lex);
    cr_assert_str_eq(d->source, "VnExpress.net");
    cr_assert_str_eq(d->author, "Trần Thị Minh Châu");
    cr_assert_eq(d->paragraph_count, 3);
    cr_assert(text_has(d, "Theo Đại sứ Ito Naoki, hai nước hợp tác."));
    cr_assert_not(text_has(d, "Nguồn"));
    cr_assert_not(text_has(d, "Châu"));
    corpus_doc_free(d);

    /* Not bylines: lower-case words, punctuation, too many words. */
    static const char *nots[] = {"Các lĩnh vực cụ thể", "Hết.",
                                 "Một Hai Ba Bốn Năm"};
    for (size_t i = 0; i < VJ_ARRAY_SIZE(nots); i++) {
        vj_buf_t b;
        vj_buf_init(&b);
        vj_buf_printf(&b, "Nội dung bài viết.\n%s\n", nots[i]);
        d = parse(b.data, NULL, lex);
        cr_assert_null(d->author, "%s", nots[i]);
        cr_assert_eq(d->paragraph_count, 2);
        corpus_doc_free(d);
        vj_buf_free(&b);
    }
    corpus_lexicon_free(lex);
}

Test(corpus, captions_forms) {
    corpus_lexicon_t *lex = lexicon();
    corpus_doc_t *d = parse(
        "Đoạn mở đầu.\n"
        "Lễ ký kết tại Tokyo (Ảnh: TTXVN).\n"
        "Đoạn hai.\n"
        "Quang cảnh hội nghị - Ảnh: Reuters\n"
        "Cánh đồng lúa. Ảnh minh họa\n"
        "Cánh đồng lúa (Ảnh minh hoạ)\n"
        "Hình ảnh: các đại biểu dự lễ được ghi lại trong nhiều khoảnh khắc.\n"
        "Đoạn cuối nhắc tới ảnh: không phải chú thích. Tiếp tục.\n",
        NULL, lex);
    cr_assert_eq(d->caption_count, 4);
    cr_assert_str_eq(d->captions[0].text, "Lễ ký kết tại Tokyo.");
    cr_assert_str_eq(d->captions[0].credit, "TTXVN");
    cr_assert_eq(d->captions[0].after_paragraph, 0);
    cr_assert_eq(d->captions[0].line, 2);
    cr_assert_str_eq(d->captions[1].text, "Quang cảnh hội nghị");
    cr_assert_str_eq(d->captions[1].credit, "Reuters");
    cr_assert_eq(d->captions[1].after_paragraph, 1);
    cr_assert_str_eq(d->captions[2].text, "Cánh đồng lúa.");
    cr_assert_null(d->captions[2].credit);
    cr_assert_str_eq(d->captions[3].text, "Cánh đồng lúa");
    cr_assert_null(d->captions[3].credit);
    cr_assert_eq(d->paragraph_count, 4);
    cr_assert(text_has(d, "Hình ảnh: các đại biểu"));
    cr_assert(text_has(d, "nhắc tới ảnh: không phải"));
    corpus_doc_free(d);
    corpus_lexicon_free(lex);
}

Test(corpus, tail_markers_cut_to_the_end) {
    corpus_lexicon_t *lex = lexicon();
    corpus_doc_t *d = parse("Nội dung chính.\n\nĐọc thêm:\n\nBài khác hay.\n\n"
                            "Bình luận (12)\n",
                            NULL, lex);
    cr_assert_str_eq(d->text, "Nội dung chính.");
    corpus_doc_free(d);
    /* A marker inside a sentence is text. */
    d = parse("Nội dung.\nXem thêm các bài viết khác tại trang chủ.\n", NULL,
              lex);
    cr_assert_eq(d->paragraph_count, 2);
    corpus_doc_free(d);
    corpus_lexicon_free(lex);
}

Test(corpus, cleaning_bom_crlf_spaces_and_separators) {
    corpus_lexicon_t *lex = lexicon();
    corpus_doc_t *d = parse("\xEF\xBB\xBF  Đoạn \t một\xC2\xA0\xC2\xA0"
                            "có "
                            "khoảng trắng.  \r\n*****\r\n\r\nĐoạn\xE2\x80\x8B"
                            " "
                            "hai.\rĐoạn ba.",
                            NULL, lex);
    cr_assert_str_eq(d->text,
                     "Đoạn một có khoảng trắng.\n\nĐoạn hai.\n\nĐoạn ba.");
    cr_assert_eq(d->paragraphs[0].line, 1);
    cr_assert_eq(d->paragraphs[1].line, 4);
    cr_assert_eq(d->paragraphs[2].line, 5);
    cr_assert_eq(d->words, 9);
    corpus_doc_free(d);

    /* NFD input comes out NFC. */
    d = parse("Ha\xCC\x80 No\xCC\xA3\xCC\x82i la\xCC\x80 thu\xCC\x89 đô.", NULL,
              lex);
    cr_assert_str_eq(d->text, "Hà Nội là thủ đô.");
    cr_assert_eq(d->text_chars, 17);
    corpus_doc_free(d);
    corpus_lexicon_free(lex);
}

Test(corpus, title_fallback_and_empty_article) {
    corpus_lexicon_t *lex = lexicon();
    corpus_doc_t *d = parse("Một hai ba bốn năm sáu bảy tám chín mười mười một "
                            "mười hai mười ba, câu dài.\n",
                            NULL, lex);
    cr_assert_str_eq(d->title, "Một hai ba bốn năm sáu bảy tám chín mười mười "
                               "một…");
    corpus_doc_free(d);
    d = parse("Câu ngắn thôi.", NULL, lex);
    cr_assert_str_eq(d->title, "Câu ngắn thôi.");
    corpus_doc_free(d);

    /* Nothing left: skipped with a problem. */
    problems_t ps = {0};
    vj_buf_init(&ps.all);
    const char *e = "date 2025-01-01\n*****\n";
    cr_assert_lt(corpus_doc_parse("e", "e.txt", e, strlen(e), NULL, lex,
                                  problems_cb, &ps, &d),
                 0);
    cr_assert_null(d);
    cr_assert_eq(ps.count, 1);
    cr_assert_lt(
        corpus_doc_parse("e", "e.txt", "", 0, NULL, lex, problems_cb, &ps, &d),
        0);
    vj_buf_free(&ps.all);
    corpus_doc_free(NULL);

    /* No lexicon at all still parses. */
    d = parse("Tiêu đề\nNội dung. Theo TTXVN\n", NULL, NULL);
    cr_assert_str_eq(d->title, "Tiêu đề");
    corpus_doc_free(d);
    corpus_lexicon_free(lex);
}

Test(corpus, folder_without_manifest_takes_titles_from_text) {
    corpus_lexicon_t *lex = lexicon();
    problems_t ps = {0};
    vj_buf_init(&ps.all);
    corpus_t *c = load(FIX "/no_manifest", lex, &ps);
    cr_assert_eq(ps.count, 0, "%s", ps.all.data);
    cr_assert_eq(corpus_doc_count(c), 2);

    const corpus_doc_t *a = corpus_doc_find(c, "a_headline");
    cr_assert_not_null(a);
    cr_assert_str_eq(a->title,
                     "Nhật Bản hỗ trợ Việt Nam phát triển nguồn nhân lực");
    cr_assert_str_eq(a->published.iso, "2024-03-04T09:15:00+07:00");
    cr_assert_str_eq(a->source, "TTXVN");
    cr_assert_eq(a->caption_count, 1);
    cr_assert_str_eq(a->captions[0].text, "Đoàn đại biểu tại Hà Nội.");
    cr_assert_eq(a->paragraph_count, 1);
    cr_assert_eq(a->sentence_count, 2);
    cr_assert_eq(a->paragraphs[0].line, 5);

    const corpus_doc_t *b = corpus_doc_find(c, "b_plain");
    cr_assert_not_null(b);
    cr_assert_str_eq(b->title, "Hợp tác giữa hai nước tiếp tục được đẩy mạnh "
                               "trong nhiều…");
    cr_assert_eq(b->published.precision, CORPUS_PREC_NONE);
    cr_assert_str_eq(b->published.iso, "");
    cr_assert_eq(b->published.sort_key, 0);
    cr_assert_str_eq(b->author, "Minh Châu");
    cr_assert_eq(b->paragraph_count, 2);
    cr_assert_str_eq(b->language, "vi");
    corpus_unref(c);
    corpus_lexicon_free(lex);
    vj_buf_free(&ps.all);
}

Test(corpus, invalid_utf8_file_is_skipped_with_line_and_column) {
    corpus_lexicon_t *lex = lexicon();
    problems_t ps = {0};
    vj_buf_init(&ps.all);
    corpus_t *c = load(FIX "/bad_utf8", lex, &ps);
    cr_assert_eq(corpus_doc_count(c), 1);
    cr_assert_not_null(corpus_doc_find(c, "a_good"));
    cr_assert_null(corpus_doc_find(c, "b_bad"));

    size_t col = strlen("Dòng ba có lỗi ") + 1;
    vj_buf_t want;
    vj_buf_init(&want);
    vj_buf_printf(&want, "b_bad.txt:3: invalid UTF-8 at byte column %zu\n",
                  col);
    cr_assert_str_eq(ps.all.data, want.data);
    cr_assert_eq(corpus_problem_count(c), 1);
    const corpus_problem_t *p = corpus_problem_at(c, 0);
    cr_assert_str_eq(p->file, "b_bad.txt");
    cr_assert_eq(p->line, 3);
    cr_assert_eq(p->column, col);
    cr_assert(p->skipped);
    cr_assert_not(p->fatal);
    cr_assert_null(corpus_problem_at(c, 1));
    vj_buf_free(&want);
    corpus_unref(c);
    corpus_lexicon_free(lex);
    vj_buf_free(&ps.all);
}

Test(corpus, broken_manifest_is_fatal_with_line) {
    corpus_lexicon_t *lex = lexicon();
    problems_t ps = {0};
    vj_buf_init(&ps.all);
    corpus_options_t o = {.dir = FIX "/bad_manifest",
                          .lexicon = lex,
                          .on_problem = problems_cb,
                          .data = &ps};
    corpus_t *c = (corpus_t *)1;
    cr_assert_eq(corpus_load(&o, &c), VJ_EPARSE);
    cr_assert_null(c);
    cr_assert_eq(ps.fatal, 1);
    cr_assert(strncmp(ps.all.data, "manifest.json:3: invalid JSON", 29) == 0,
              "%s", ps.all.data);
    vj_buf_free(&ps.all);

    /* An unreadable folder is fatal too. */
    vj_buf_init(&ps.all);
    ps.count = ps.fatal = 0;
    o.dir = FIX "/does_not_exist";
    cr_assert_eq(corpus_load(&o, &c), VJ_ENOENT);
    cr_assert_eq(ps.fatal, 1);
    vj_buf_free(&ps.all);
    corpus_lexicon_free(lex);
}

Test(corpus, manifest_field_problems_are_repaired) {
    corpus_lexicon_t *lex = lexicon();
    problems_t ps = {0};
    vj_buf_init(&ps.all);
    corpus_t *c = load(FIX "/manifest_problems", lex, &ps);
    cr_assert_eq(corpus_doc_count(c), 2);
    cr_assert_eq(ps.fatal, 0);
    cr_assert_eq(corpus_problem_count(c), (size_t)ps.count);
    const char *all = ps.all.data;
    cr_assert(strstr(all, "\"title\" must be a string") != NULL, "%s", all);
    cr_assert(strstr(all, "\"2024-02-30\" is not an ISO 8601 date") != NULL,
              "%s", all);
    cr_assert(strstr(all, "unknown key \"colour\"") != NULL, "%s", all);
    cr_assert(strstr(all, "\"missing.txt\": no such file") != NULL, "%s", all);
    cr_assert(strstr(all, "../etc/passwd.txt") != NULL, "%s", all);
    cr_assert_eq(ps.count, 5, "%s", all);

    const corpus_doc_t *a = corpus_doc_find(c, "a");
    cr_assert_str_eq(a->published.iso, "2024-02"); /* the text's date */
    cr_assert_str_eq(a->source, "Báo A");
    cr_assert_str_eq(a->title, "Một bài viết có ngày trong văn bản.");
    const corpus_doc_t *b = corpus_doc_find(c, "b");
    cr_assert_str_eq(b->published.iso, "2024-03-01T08:00:00Z");
    cr_assert_str_eq(b->language, "en");
    corpus_unref(c);

    /* Wrong shapes are fatal. */
    static const char *bad[] = {"[]",
                                "{}",
                                "{\"documents\": {}}",
                                "{\"documents\": [1]}",
                                "{\"documents\": [{\"title\": \"x\"}]}",
                                ""};
    for (size_t i = 0; i < VJ_ARRAY_SIZE(bad); i++) {
        corpus__manifest_t *m = NULL;
        ps.fatal = 0;
        cr_assert_eq(corpus__manifest_parse("manifest.json", bad[i],
                                            strlen(bad[i]), problems_cb, &ps,
                                            &m),
                     VJ_EPARSE, "%s", bad[i]);
        cr_assert_null(m);
        cr_assert_eq(ps.fatal, 1, "%s", bad[i]);
    }
    corpus_lexicon_free(lex);
    vj_buf_free(&ps.all);
}

Test(corpus, empty_folder_loads_empty_corpus) {
    problems_t ps = {0};
    vj_buf_init(&ps.all);
    corpus_t *c = load(FIX "/empty", NULL, &ps);
    cr_assert_eq(corpus_doc_count(c), 0);
    cr_assert_eq(corpus_word_total(c), 0);
    cr_assert_null(corpus_doc_find(c, "x"));
    corpus_unref(c);
    vj_buf_free(&ps.all);
}

Test(corpus, iso_dates) {
    corpus_date_t d;
    cr_assert_eq(corpus_date_parse_iso("2025", &d), 0);
    cr_assert_eq(d.precision, CORPUS_PREC_YEAR);
    cr_assert_eq(d.sort_key, 202500000000LL);
    cr_assert_eq(corpus_date_parse_iso("2025-05", &d), 0);
    cr_assert_str_eq(d.iso, "2025-05");
    cr_assert_eq(d.sort_key, 202505000000LL);
    cr_assert_eq(corpus_date_parse_iso("2024-02-29", &d), 0); /* leap */
    cr_assert_eq(d.day, 29);
    cr_assert_eq(corpus_date_parse_iso("2000-02-29", &d), 0);
    cr_assert_eq(corpus_date_parse_iso("2023-11-26T13:54:00+07:00", &d), 0);
    cr_assert_str_eq(d.iso, "2023-11-26T13:54:00+07:00");
    cr_assert_eq(d.precision, CORPUS_PREC_TIME);
    cr_assert_eq(d.year, 2023);
    cr_assert_eq(d.day, 26);
    cr_assert_eq(d.sort_key, 202311260654LL);
    /* The offset can move the UTC key across a year. */
    cr_assert_eq(corpus_date_parse_iso("2024-01-01T03:00:00+07:00", &d), 0);
    cr_assert_eq(d.sort_key, 202312312000LL);
    cr_assert_eq(corpus_date_parse_iso("2023-12-31T22:30Z", &d), 0);
    cr_assert_str_eq(d.iso, "2023-12-31T22:30:00Z");
    cr_assert_eq(d.sort_key, 202312312230LL);
    cr_assert_eq(corpus_date_parse_iso("2023-12-31T22:30:00-05:00", &d), 0);
    cr_assert_eq(d.sort_key, 202401010330LL);

    static const char *bad[] = {"2025-02-30",
                                "2023-02-29",
                                "1900-02-29",
                                "2025-13",
                                "2025-00",
                                "2025-04-31",
                                "2025-11-28T24:00:00Z",
                                "2025-11-28T12:60Z",
                                "25-11-28",
                                "2025-1-5",
                                "2025-11-28 ",
                                "2025-11-28T12:00+07:99",
                                "",
                                "abcd",
                                "0000",
                                "2025-11-28T"};
    for (size_t i = 0; i < VJ_ARRAY_SIZE(bad); i++) {
        cr_assert_eq(corpus_date_parse_iso(bad[i], &d), VJ_EINVAL, "%s",
                     bad[i]);
        cr_assert_eq(d.precision, CORPUS_PREC_NONE);
    }
    cr_assert_eq(corpus_date_parse_iso(NULL, &d), VJ_EINVAL);
}

Test(corpus, lexicon_errors_name_file_and_line) {
    problems_t ps = {0};
    vj_buf_init(&ps.all);
    corpus_lexicon_t *lex = (corpus_lexicon_t *)1;
    cr_assert_eq(
        corpus_lexicon_load(FIX "/bad_lexicon", problems_cb, &ps, &lex),
        VJ_EPARSE);
    cr_assert(strstr(ps.all.data, "bad_lexicon/boilerplate.tsv:2:") != NULL,
              "%s", ps.all.data);
    cr_assert(strstr(ps.all.data, "footer") != NULL, "%s", ps.all.data);
    vj_buf_free(&ps.all);

    vj_buf_init(&ps.all);
    cr_assert_eq(corpus_lexicon_load(FIX "/nowhere", problems_cb, &ps, &lex),
                 VJ_ENOENT);
    cr_assert(strstr(ps.all.data, "nowhere/boilerplate.tsv:0:") != NULL, "%s",
              ps.all.data);
    vj_buf_free(&ps.all);
}
