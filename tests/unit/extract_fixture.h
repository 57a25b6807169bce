/* extract_fixture.h - the seed corpus with every extractor run, shared by
 * the extract suites: lex_setup() loads the lexicons, seed_setup() also
 * loads data/corpus and runs extract_run(); teardown() frees it all. Tests
 * run from the repository root. */
#ifndef VJCORPUS_TEST_EXTRACT_FIXTURE_H
#define VJCORPUS_TEST_EXTRACT_FIXTURE_H

#include "vjcorpus/corpus.h"
#include "vjcorpus/extract.h"

#include <criterion/criterion.h>
#include <stdio.h>

static corpus_lexicon_t *clex;
static extract_lexicon_t *xlex;
static corpus_t *corpus;
static extract_result_t *res;

static void problem_print(const corpus_problem_t *p, void *data) {
    (void)data;
    if (p->fatal)
        fprintf(stderr, "%s:%u: %s\n", p->file, p->line, p->message);
}

static void lex_setup(void) {
    cr_assert_eq(
        corpus_lexicon_load("data/lexicon", problem_print, NULL, &clex), 0);
    int rc = extract_lexicon_load("data/lexicon", problem_print, NULL, &xlex);
    cr_assert_eq(rc, 0, "the lexicon must load: %s", vj_strerror(rc));
}

static void seed_setup(void) {
    lex_setup();
    corpus_options_t o = {.dir = "data/corpus", .lexicon = clex};
    cr_assert_eq(corpus_load(&o, &corpus), 0);
    cr_assert_eq(extract_run(xlex, corpus, &res), 0);
}

static void teardown(void) {
    extract_result_free(res);
    res = NULL;
    corpus_unref(corpus);
    corpus = NULL;
    extract_lexicon_free(xlex);
    xlex = NULL;
    corpus_lexicon_free(clex);
    clex = NULL;
}

#endif
