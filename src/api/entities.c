/* entities.c - GET /api/v1/entities and /api/v1/entities/{id}.
 *
 * People, organisations and places of the gazetteers that the corpus
 * mentions, with their mention counts, the roles the text gives them and
 * where they are mentioned; the detail adds every mention and the events
 * the entity takes part in. */
#include "internal.h"
#include "vjcorpus/text.h"

#include <stdlib.h>
#include <string.h>

static const char *const type_names[] = {"person", "organization", "place",
                                         NULL};

static size_t document_count(const extract_entity_mention_t *m, size_t n) {
    size_t docs = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || m[i].source.doc != m[i - 1].source.doc)
            docs++;
    return docs;
}

/* Roles: those the gazetteer gives, then those the text gives. */
static json_t *roles_json(const api_snapshot_t *snap,
                          const extract_entity_t *e,
                          const extract_entity_mention_t *m, size_t n) {
    json_t *roles = json_array();
    for (size_t i = 0; i < e->role_count; i++)
        json_array_append_new(roles, json_string(e->roles[i]));
    for (size_t i = 0; i < n; i++) {
        if (m[i].role_end <= m[i].role_start)
            continue;
        const corpus_doc_t *doc = corpus_doc_at(snap->corpus,
                                                m[i].source.doc);
        json_t *r = json_stringn(doc->text + m[i].role_start,
                                 m[i].role_end - m[i].role_start);
        size_t k;
        json_t *v;
        int dup = 0;
        json_array_foreach(roles, k, v) {
            if (json_equal(v, r))
                dup = 1;
        }
        if (dup)
            json_decref(r);
        else
            json_array_append_new(roles, r);
    }
    return roles;
}

/* The entity with its mentions, all of them or (doc != SIZE_MAX) those of
 * one document, at most max_mentions listed. */
static json_t *entity_json(const api_snapshot_t *snap, size_t index,
                           size_t doc, size_t max_mentions) {
    const extract_entity_t *e = extract_entity_at(snap->xlex, index);
    const extract_entity_mention_t *m;
    size_t n = extract_entity_mentions(snap->extract, index, &m);
    if (doc != SIZE_MAX) {
        /* mentions are in corpus order: one document's are contiguous */
        size_t first = 0;
        while (first < n && m[first].source.doc != doc)
            first++;
        size_t last = first;
        while (last < n && m[last].source.doc == doc)
            last++;
        m += first;
        n = last - first;
    }
    json_t *aliases = json_array(), *mentions = json_array();
    for (size_t i = 0; i < e->alias_count; i++)
        json_array_append_new(aliases, json_string(e->aliases[i]));
    for (size_t i = 0; i < n && i < max_mentions; i++)
        json_array_append_new(mentions, api__source(snap, &m[i].source, 1));
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:I, s:I, s:o}", "id",
                     e->id, "name", e->name, "type", type_names[e->type],
                     "aliases", aliases, "roles", roles_json(snap, e, m, n),
                     "country", api__string_or_null(e->country),
                     "mention_count", (json_int_t)n, "document_count",
                     (json_int_t)document_count(m, n), "mentions", mentions);
}

typedef struct {
    size_t index;
    size_t count;
    const char *name;
} ranked_t;

static int by_count(const void *x, const void *y) {
    const ranked_t *a = x, *b = y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return strcmp(a->name, b->name);
}

static int by_name(const void *x, const void *y) {
    const ranked_t *a = x, *b = y;
    return strcmp(a->name, b->name);
}

static const char *const sort_values[] = {"mentions", "name", NULL};

/* Mentions in the list are a preview; the detail has them all. */
#define LIST_MENTIONS 5

void api__entities_list(http_req_t *req, void *data) {
    long limit, offset;
    int type, sort;
    if (http_req_paging_params(req, &limit, &offset) != 0 ||
        http_req_query_enum(req, "type", type_names, -1, &type) != 0 ||
        http_req_query_enum(req, "sort", sort_values, 0, &sort) != 0)
        return;
    char *folded = NULL;
    if (api__folded_param(req, "q", &folded) != 0)
        return;
    api_snapshot_t *snap = api_current(data);
    size_t doc;
    if (api__document_param(req, snap, &doc) != 0)
        goto done;

    size_t n = extract_entity_count(snap->xlex), total = 0;
    ranked_t *hits = vj_malloc((n ? n : 1) * sizeof *hits);
    for (size_t i = 0; i < n; i++) {
        const extract_entity_t *e = extract_entity_at(snap->xlex, i);
        const extract_entity_mention_t *m;
        size_t count = extract_entity_mentions(snap->extract, i, &m);
        if (doc != SIZE_MAX) {
            size_t in_doc = 0;
            for (size_t k = 0; k < count; k++)
                in_doc += m[k].source.doc == doc;
            count = in_doc;
        }
        if (count == 0 || (type >= 0 && (int)e->type != type) ||
            (folded && !api__entity_named(snap, (uint32_t)i, NULL, folded)))
            continue;
        hits[total++] = (ranked_t){i, count, e->name};
    }
    qsort(hits, total, sizeof *hits, sort == 1 ? by_name : by_count);
    json_t *items = json_array();
    for (size_t k = (size_t)offset; k < total && k < (size_t)(offset + limit);
         k++)
        json_array_append_new(
            items, entity_json(snap, hits[k].index, doc, LIST_MENTIONS));
    free(hits);
    api__respond_list(req, items, total, limit, offset);
done:
    free(folded);
    api_snapshot_unref(snap);
}

static int in_list(const uint32_t *a, size_t n, uint32_t v) {
    for (size_t i = 0; i < n; i++)
        if (a[i] == v)
            return 1;
    return 0;
}

void api__entities_get(http_req_t *req, void *data) {
    const char *id = http_req_path_param(req, "id");
    api_snapshot_t *snap = api_current(data);
    size_t n = extract_entity_count(snap->xlex), found = SIZE_MAX;
    for (size_t i = 0; i < n && found == SIZE_MAX; i++)
        if (strcmp(extract_entity_at(snap->xlex, i)->id, id) == 0)
            found = i;
    const extract_entity_mention_t *m;
    if (found == SIZE_MAX ||
        extract_entity_mentions(snap->extract, found, &m) == 0) {
        http_req_problem(req, 404, "not-found", NULL,
                         "No entity with id '%s' is mentioned.", id);
        api_snapshot_unref(snap);
        return;
    }
    json_t *o = entity_json(snap, found, SIZE_MAX, SIZE_MAX);
    json_t *events = json_array();
    for (size_t i = 0; i < extract_event_count(snap->extract); i++) {
        const extract_event_t *ev = extract_event_at(snap->extract, i);
        if (!in_list(ev->actors, ev->actor_count, (uint32_t)found) &&
            !in_list(ev->places, ev->place_count, (uint32_t)found))
            continue;
        json_array_append_new(
            events, json_pack("{s:s, s:o, s:s, s:s}", "id", ev->id, "date",
                              api__date(&ev->date), "type",
                              extract_event_type_names[ev->type], "title",
                              ev->title));
    }
    json_object_set_new(o, "events", events);
    api__respond(req, 200, o);
    api_snapshot_unref(snap);
}
