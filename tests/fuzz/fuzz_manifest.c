/* fuzz_manifest.c - libFuzzer harness for the manifest path: arbitrary bytes
 * as manifest.json, parsed by the loader's internal parser, and every entry
 * it keeps applied as metadata to a small article, as corpus_load() does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/corpus/internal.h"
#include "vjcorpus/common.h"
#include "vjcorpus/corpus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void problem_check(const corpus_problem_t *p, void *data) {
    (void)data;
    if (p->file == NULL || p->message == NULL)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char article[] =
        "Tiêu đề bài viết\n\n13:54, 26/11/2023\n\nNội dung chính. Hết.\n";
    corpus__manifest_t *m = NULL;

    if (corpus__manifest_parse("manifest.json", (const char *)data, size,
                               problem_check, NULL, &m) != 0)
        return 0;
    for (size_t i = 0; i < m->count; i++) {
        corpus__manifest_entry_t *e = &m->entries[i];
        corpus_meta_t meta = {e->title, e->published, e->source, e->url,
                              e->language};
        corpus_doc_t *doc = NULL;
        if (corpus__manifest_find(m, e->file) != e)
            abort();
        if (corpus_doc_parse("f", e->file, article, sizeof article - 1, &meta,
                             NULL, problem_check, NULL, &doc) != 0)
            abort();
        if (e->published != NULL && strcmp(doc->published.iso, "") == 0)
            abort(); /* the parser validated it */
        corpus_doc_free(doc);
    }
    corpus__manifest_free(m);
    return 0;
}
