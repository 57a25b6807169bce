/* fuzz_project.c - libFuzzer harness for the project extractor
 * (src/extract/project.c): arbitrary bytes as one article, parsed with
 * corpus_doc_parse() into a one-document corpus (corpus_from_docs()), then
 * the whole extraction, which ends with extract__projects_run(). Every
 * project is checked for the invariants the API relies on: an id, names,
 * mention and history spans inside the text on code-point boundaries with
 * matching code-point offsets, valid entity indices, and event links to
 * existing projects. The lexicons are loaded once from data/lexicon (run
 * from the repository root). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vjcorpus/common.h"
#include "vjcorpus/corpus.h"
#include "vjcorpus/extract.h"
#include "vjcorpus/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static corpus_lexicon_t *clex;
static extract_lexicon_t *xlex;

static int lexicons(void) {
    static int loaded;
    if (!loaded) {
        loaded = 1;
        if (corpus_lexicon_load("data/lexicon", NULL, NULL, &clex) != 0)
            clex = NULL;
        if (extract_lexicon_load("data/lexicon", NULL, NULL, &xlex) != 0)
            xlex = NULL;
    }
    return xlex != NULL;
}

static void span_check(const corpus_doc_t *d, const extract_source_t *s) {
    const corpus_span_t *sp = &s->span;
    if (s->doc != 0 || sp->start > sp->end || sp->end > d->text_len ||
        s->paragraph >= d->paragraph_count ||
        ((unsigned char)d->text[sp->start] & 0xC0) == 0x80 ||
        (sp->end < d->text_len &&
         ((unsigned char)d->text[sp->end] & 0xC0) == 0x80) ||
        text_utf8_count(d->text, sp->start) != sp->char_start ||
        text_utf8_count(d->text + sp->start, sp->end - sp->start) !=
            sp->char_end - sp->char_start)
        abort();
}

static void check(const corpus_t *c, const extract_result_t *r) {
    const corpus_doc_t *d = corpus_doc_at(c, 0);
    size_t ents = extract_entity_count(xlex);
    size_t np = extract_project_count(r);
    for (size_t i = 0; i < np; i++) {
        const extract_project_t *p = extract_project_at(r, i);
        if (p->id == NULL || p->id[0] == '\0' || p->name == NULL ||
            text_utf8_validate(p->name, strlen(p->name), NULL) != 0 ||
            p->mention_count == 0 || p->sector >= EXTRACT_SECTOR_COUNT ||
            p->status >= EXTRACT_STATUS_COUNT ||
            p->funding >= EXTRACT_FUNDING_COUNT ||
            (p->location >= 0 && (size_t)p->location >= ents))
            abort();
        for (size_t k = 0; k < i; k++)
            if (strcmp(extract_project_at(r, k)->id, p->id) == 0)
                abort();
        for (size_t k = 0; k < p->alias_count; k++)
            if (text_utf8_validate(p->aliases[k], strlen(p->aliases[k]),
                                   NULL) != 0)
                abort();
        for (size_t k = 0; k < p->partner_count; k++)
            if (p->partners[k] >= ents)
                abort();
        for (size_t k = 0; k < p->mention_count; k++)
            span_check(d, &p->mentions[k]);
        for (size_t k = 0; k < p->history_count; k++) {
            span_check(d, &p->history[k].source);
            if (p->history[k].status >= EXTRACT_STATUS_UNKNOWN)
                abort();
        }
        if (p->amount_text &&
            text_utf8_validate(p->amount_text, strlen(p->amount_text), NULL) !=
                0)
            abort();
    }
    for (size_t i = 0; i < extract_event_count(r); i++) {
        int32_t pj = extract_event_at(r, i)->project;
        if (pj < -1 || (pj >= 0 && (size_t)pj >= np))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!lexicons() || size > 64 * 1024)
        return 0;
    corpus_meta_t meta = {.title = "Việt Nam và Nhật Bản",
                          .published =
                              size > 0 && (data[0] & 1) ? "2025-11-28" : NULL};
    corpus_doc_t *doc = NULL;
    if (corpus_doc_parse("fuzz", "fuzz.txt", (const char *)data, size, &meta,
                         clex, NULL, NULL, &doc) != 0)
        return 0;
    corpus_t *c = NULL;
    if (corpus_from_docs(&doc, 1, &c) != 0) {
        corpus_doc_free(doc);
        return 0;
    }
    extract_result_t *r = NULL;
    if (extract_run(xlex, c, &r) == 0) {
        check(c, r);
        extract_result_free(r);
    }
    corpus_unref(c);
    return 0;
}
