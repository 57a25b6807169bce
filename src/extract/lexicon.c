/* lexicon.c - loads the extraction lexicon (the .tsv files of data/lexicon): each part
 * loads its own files, this file ties them together. */
#include "internal.h"

#include <stdlib.h>

int extract_lexicon_load(const char *dir, corpus_problem_cb cb, void *data,
                         extract_lexicon_t **out) {
    extract_lexicon_t *lex = vj_calloc(1, sizeof *lex);
    int rc = extract__timex_lex_load(dir, cb, data, &lex->timex);
    if (rc != 0)
        goto fail;
    rc = extract__gazetteer_load(dir, cb, data, &lex->gazetteer);
    if (rc != 0)
        goto fail;
    rc = extract__triggers_load(dir, cb, data, &lex->triggers);
    if (rc != 0)
        goto fail;
    rc = extract__project_lex_load(dir, cb, data, &lex->projects);
    if (rc != 0)
        goto fail;
    rc = extract__quantity_lex_load(dir, cb, data, &lex->quantity);
    if (rc != 0)
        goto fail;
    *out = lex;
    return 0;
fail:
    extract_lexicon_free(lex);
    return rc;
}

void extract_lexicon_free(extract_lexicon_t *lex) {
    if (lex == NULL)
        return;
    extract__timex_lex_free(lex->timex);
    extract__gazetteer_free(lex->gazetteer);
    extract__triggers_free(lex->triggers);
    extract__project_lex_free(lex->projects);
    extract__quantity_lex_free(lex->quantity);
    free(lex);
}

size_t extract_entity_count(const extract_lexicon_t *lex) {
    return extract__gazetteer_count(lex->gazetteer);
}

const extract_entity_t *extract_entity_at(const extract_lexicon_t *lex,
                                          size_t i) {
    return extract__gazetteer_at(lex->gazetteer, i);
}

size_t extract_entities_find(const extract_lexicon_t *lex, const char *text,
                             size_t len, extract_mention_t **out) {
    return extract__gazetteer_find(lex->gazetteer, text, len, out);
}
