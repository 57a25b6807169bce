/* fuzz_article.c - libFuzzer harness for corpus_doc_parse(): arbitrary bytes
 * as an article file, with and without manifest metadata. The lexicon is
 * loaded once from data/lexicon (run from the repository root); if it is
 * missing the parser runs without one. Every parsed document is checked for
 * the invariants the API relies on: offsets inside the text, on code-point
 * boundaries, and the text valid UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vjcorpus/common.h"
#include "vjcorpus/corpus.h"
#include "vjcorpus/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static corpus_lexicon_t *fuzz_lexicon(void) {
    static int loaded;
    static corpus_lexicon_t *lex;
    if (!loaded) {
        loaded = 1;
        if (corpus_lexicon_load("data/lexicon", NULL, NULL, &lex) != 0)
            lex = NULL;
    }
    return lex;
}

static void doc_check(const corpus_doc_t *d) {
    if (text_utf8_validate(d->text, d->text_len, NULL) != 0 ||
        strlen(d->text) != d->text_len || d->title == NULL ||
        d->language == NULL)
        abort();
    for (size_t i = 0; i < d->sentence_count; i++) {
        const corpus_span_t *s = &d->sentences[i].span;
        if (s->start >= s->end || s->end > d->text_len ||
            d->sentences[i].paragraph >= d->paragraph_count ||
            ((unsigned char)d->text[s->start] & 0xC0) == 0x80 ||
            text_utf8_count(d->text + s->start, s->end - s->start) !=
                s->char_end - s->char_start)
            abort();
    }
    for (size_t i = 0; i < d->paragraph_count; i++) {
        const corpus_paragraph_t *p = &d->paragraphs[i];
        if (p->span.start >= p->span.end || p->span.end > d->text_len ||
            p->first_sentence + p->sentence_count > d->sentence_count)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    corpus_lexicon_t *lex = fuzz_lexicon();
    corpus_doc_t *doc = NULL;
    corpus_meta_t meta = {.title = "Việt Nam và Nhật Bản",
                          .published =
                              size > 0 && data[0] & 1 ? "2023-11" : "bad",
                          .source = NULL,
                          .url = "https://example.org/",
                          .language = NULL};

    if (corpus_doc_parse("fuzz", "fuzz.txt", (const char *)data, size, NULL,
                         lex, NULL, NULL, &doc) == 0) {
        doc_check(doc);
        corpus_doc_free(doc);
    }
    if (corpus_doc_parse("fuzz", "fuzz.txt", (const char *)data, size, &meta,
                         lex, NULL, NULL, &doc) == 0) {
        doc_check(doc);
        corpus_doc_free(doc);
    }
    /* The bytes as an ISO date too. */
    if (size < 64) {
        char buf[64];
        corpus_date_t dt;
        memcpy(buf, data, size);
        buf[size] = '\0';
        corpus_date_parse_iso(buf, &dt);
    }
    return 0;
}
