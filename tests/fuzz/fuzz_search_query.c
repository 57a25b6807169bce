/* fuzz_search_query.c - libFuzzer harness for the search query parser
 * (src/index/query.c) and what runs on its output: arbitrary bytes are
 * parsed as a query; a query that parses is described, searched against
 * the index of data/corpus (built once; run from the repository root) and
 * every hit rendered; the bytes also go to the suggester. Nothing may
 * crash, leak or read out of bounds; a parse that fails names why; the
 * description, snippets and suggestions are valid UTF-8; highlights lie
 * inside the hit's paragraph, in order. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vjcorpus/common.h"
#include "vjcorpus/corpus.h"
#include "vjcorpus/index.h"
#include "vjcorpus/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static index_t *fuzz_index(void) {
    static int built;
    static index_t *ix;
    if (!built) {
        built = 1;
        corpus_lexicon_t *lex = NULL;
        corpus_t *c = NULL;
        if (corpus_lexicon_load("data/lexicon", NULL, NULL, &lex) != 0)
            abort();
        corpus_options_t o = {.dir = "data/corpus", .lexicon = lex};
        if (corpus_load(&o, &c) != 0 || index_build(c, &ix) != 0)
            abort();
        corpus_unref(c);
        corpus_lexicon_free(lex);
    }
    return ix;
}

static void check_utf8(const char *s) {
    if (text_utf8_validate(s, strlen(s), NULL) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 4096)
        return 0;
    const index_t *ix = fuzz_index();
    const char *q = (const char *)data;
    index_query_t *query = NULL;
    const char *why = NULL;
    int rc = index_query_parse(q, size, &query, &why);
    if (rc != 0) {
        if (query != NULL || why == NULL || why[0] == '\0')
            abort();
    } else {
        char *d = index_query_describe(query);
        check_utf8(d);
        free(d);
        index_search_options_t opts = {NULL, 0, 5};
        index_result_t res;
        index_search(ix, query, &opts, &res);
        if (res.hit_count > res.total || res.hit_count > 5)
            abort();
        for (size_t i = 0; i < res.hit_count; i++) {
            char *snippet;
            index_span_t *spans;
            size_t n;
            index_render(ix, &res, &res.hits[i], &snippet, &spans, &n);
            check_utf8(snippet);
            uint32_t prev = 0;
            for (size_t k = 0; k < n; k++) {
                if (spans[k].start < prev || spans[k].end <= spans[k].start ||
                    spans[k].char_end <= spans[k].char_start)
                    abort();
                prev = spans[k].end;
            }
            free(snippet);
            free(spans);
        }
        index_result_cleanup(&res);
        index_query_free(query);
    }
    index_suggestion_t *s;
    size_t n;
    if (index_suggest(ix, q, size, 5, &s, &n) == 0) {
        for (size_t i = 0; i < n; i++)
            check_utf8(s[i].text);
        index_suggestions_free(s, n);
    }
    return 0;
}
