/* documents.c - GET /api/v1/documents and /api/v1/documents/{id}.
 *
 * The list gives metadata with paging, sorting and a language filter; the
 * detail adds the document text, its paragraphs and sentences with byte and
 * code-point offsets into that text, and the photo captions kept apart from
 * it. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static json_t *date_or_null(const corpus_date_t *d) {
    return d->precision == CORPUS_PREC_NONE ? json_null()
                                            : json_string(d->iso);
}

json_t *api__document_summary(const corpus_doc_t *doc) {
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:s, s:I, s:I}", "id",
                     doc->id, "title", doc->title, "published",
                     date_or_null(&doc->published), "source",
                     api__string_or_null(doc->source), "url",
                     api__string_or_null(doc->url), "language",
                     doc->language, "words", (json_int_t)doc->words,
                     "paragraph_count", (json_int_t)doc->paragraph_count);
}

static void put_span(json_t *o, const corpus_span_t *s) {
    json_object_set_new(o, "start", json_integer(s->start));
    json_object_set_new(o, "end", json_integer(s->end));
    json_object_set_new(o, "char_start", json_integer(s->char_start));
    json_object_set_new(o, "char_end", json_integer(s->char_end));
}

json_t *api__document_detail(const corpus_doc_t *doc) {
    json_t *o = api__document_summary(doc);
    json_object_set_new(o, "author", api__string_or_null(doc->author));
    json_object_set_new(o, "file", json_string(doc->file));
    json_object_set_new(o, "sentence_count",
                        json_integer((json_int_t)doc->sentence_count));
    json_object_set_new(o, "text",
                        json_stringn(doc->text, doc->text_len));

    json_t *paras = json_array();
    for (size_t i = 0; i < doc->paragraph_count; i++) {
        const corpus_paragraph_t *p = &doc->paragraphs[i];
        json_t *po = json_object();
        json_object_set_new(po, "index", json_integer((json_int_t)i));
        put_span(po, &p->span);
        json_object_set_new(
            po, "text",
            json_stringn(doc->text + p->span.start,
                         p->span.end - p->span.start));
        json_t *sents = json_array();
        for (uint32_t k = 0; k < p->sentence_count; k++) {
            json_t *so = json_object();
            put_span(so, &doc->sentences[p->first_sentence + k].span);
            json_array_append_new(sents, so);
        }
        json_object_set_new(po, "sentences", sents);
        json_array_append_new(paras, po);
    }
    json_object_set_new(o, "paragraphs", paras);

    json_t *caps = json_array();
    for (size_t i = 0; i < doc->caption_count; i++) {
        const corpus_caption_t *c = &doc->captions[i];
        json_array_append_new(
            caps, json_pack("{s:s, s:o, s:o}", "text", c->text, "credit",
                            api__string_or_null(c->credit),
                            "after_paragraph",
                            c->after_paragraph == CORPUS_CAPTION_BEFORE_FIRST
                                ? json_null()
                                : json_integer(c->after_paragraph)));
    }
    json_object_set_new(o, "captions", caps);
    return o;
}

enum { SORT_ID, SORT_PUBLISHED };
static const char *const sort_values[] = {"id", "published", NULL};
static const char *const order_values[] = {"asc", "desc", NULL};

typedef struct {
    int sort;
    int desc;
} sort_spec_t;

static int cmp_docs(const void *a, const void *b, void *arg) {
    const corpus_doc_t *x = *(const corpus_doc_t *const *)a;
    const corpus_doc_t *y = *(const corpus_doc_t *const *)b;
    const sort_spec_t *spec = arg;
    int r = 0;
    if (spec->sort == SORT_PUBLISHED) {
        /* Unknown dates go last in either order. */
        int xu = x->published.precision == CORPUS_PREC_NONE;
        int yu = y->published.precision == CORPUS_PREC_NONE;
        if (xu != yu)
            return xu - yu;
        r = (x->published.sort_key > y->published.sort_key) -
            (x->published.sort_key < y->published.sort_key);
    }
    if (r == 0)
        r = strcmp(x->id, y->id);
    return spec->desc ? -r : r;
}

static int valid_language(const char *s) {
    size_t n = strlen(s);
    if (n < 2 || n > 3)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 'a' || s[i] > 'z')
            return 0;
    return 1;
}

void api__documents_list(http_req_t *req, void *data) {
    long limit, offset;
    int sort, order;
    if (http_req_paging_params(req, &limit, &offset) != 0 ||
        http_req_query_enum(req, "sort", sort_values, SORT_ID, &sort) != 0 ||
        http_req_query_enum(req, "order", order_values, 0, &order) != 0)
        return;
    const char *lang = http_req_query(req, "language");
    if (lang && !valid_language(lang)) {
        http_req_problem(req, 400, "invalid-parameter", "language",
                         "Query parameter 'language' must be a 2- or "
                         "3-letter lower-case code such as 'vi'.");
        return;
    }

    api_snapshot_t *snap = api_current(data);
    const corpus_t *c = snap->corpus;
    size_t n = corpus_doc_count(c), total = 0;
    const corpus_doc_t **docs = vj_malloc((n ? n : 1) * sizeof *docs);
    for (size_t i = 0; i < n; i++) {
        const corpus_doc_t *d = corpus_doc_at(c, i);
        if (lang == NULL || strcmp(d->language, lang) == 0)
            docs[total++] = d;
    }
    sort_spec_t spec = {sort, order == 1};
    qsort_r(docs, total, sizeof *docs, cmp_docs, &spec);

    json_t *items = json_array();
    for (size_t i = (size_t)offset; i < total && i < (size_t)(offset + limit);
         i++)
        json_array_append_new(items, api__document_summary(docs[i]));
    free(docs);
    api__respond_list(req, items, total, limit, offset);
    api_snapshot_unref(snap);
}

void api__documents_get(http_req_t *req, void *data) {
    const char *id = http_req_path_param(req, "id");
    api_snapshot_t *snap = api_current(data);
    size_t i = corpus_doc_find_index(snap->corpus, id);
    if (i == SIZE_MAX)
        http_req_problem(req, 404, "not-found", NULL,
                         "No document with id '%s'.", id);
    else
        api__respond(req, 200,
                     api__document_detail(corpus_doc_at(snap->corpus, i)));
    api_snapshot_unref(snap);
}
