/* projects.c - GET /api/v1/projects and /api/v1/projects/{id}.
 *
 * Cooperation projects with sector, place, partners, funding, status and
 * the history of their status, each listing every mention; filters by text,
 * sector, status, funding, location, partner and document. The detail adds
 * the timeline events that concern the project. */
#include "internal.h"
#include "vjcorpus/text.h"

#include <stdlib.h>
#include <string.h>

static json_t *project_json(const api_snapshot_t *snap, size_t index,
                            int detail) {
    const extract_project_t *p = extract_project_at(snap->extract, index);
    json_t *aliases = json_array(), *partners = json_array(),
           *mentions = json_array(), *history = json_array();
    for (size_t i = 0; i < p->alias_count; i++)
        json_array_append_new(aliases, json_string(p->aliases[i]));
    for (size_t i = 0; i < p->partner_count; i++)
        json_array_append_new(partners,
                              api__entity_ref(snap, p->partners[i]));
    for (size_t i = 0; i < p->mention_count; i++)
        json_array_append_new(mentions, api__source(snap, &p->mentions[i], 1));
    for (size_t i = 0; i < p->history_count; i++) {
        const extract_status_step_t *h = &p->history[i];
        json_array_append_new(
            history,
            json_pack("{s:s, s:o, s:o}", "status",
                      extract_status_names[h->status], "date",
                      h->has_date ? api__date(&h->date) : json_null(),
                      "source", api__source(snap, &h->source, 1)));
    }
    json_t *o = json_pack(
        "{s:s, s:s, s:o, s:s, s:o, s:o, s:s, s:s, s:o, s:o, s:o, s:I}", "id",
        p->id, "name", p->name, "aliases", aliases, "sector",
        extract_sector_names[p->sector], "location",
        p->location >= 0 ? api__entity_ref(snap, (uint32_t)p->location)
                         : json_null(),
        "partners", partners, "funding", extract_funding_names[p->funding],
        "status", extract_status_names[p->status], "amount",
        api__string_or_null(p->amount_text), "history", history, "mentions",
        mentions, "mention_count", (json_int_t)p->mention_count);
    if (detail) {
        json_t *events = json_array();
        for (size_t i = 0; i < extract_event_count(snap->extract); i++) {
            const extract_event_t *ev = extract_event_at(snap->extract, i);
            if (ev->project != (int32_t)index)
                continue;
            json_array_append_new(
                events,
                json_pack("{s:s, s:o, s:s, s:s}", "id", ev->id, "date",
                          api__date(&ev->date), "type",
                          extract_event_type_names[ev->type], "title",
                          ev->title));
        }
        json_object_set_new(o, "events", events);
    }
    return o;
}

static int text_matches(const extract_project_t *p, const char *folded) {
    if (api__folded_contains(p->name, folded))
        return 1;
    for (size_t i = 0; i < p->alias_count; i++)
        if (api__folded_contains(p->aliases[i], folded))
            return 1;
    return 0;
}

void api__projects_list(http_req_t *req, void *data) {
    long limit, offset;
    int sector, status, funding;
    char *q = NULL, *location = NULL, *partner = NULL;
    api_snapshot_t *snap = NULL;
    if (http_req_paging_params(req, &limit, &offset) != 0 ||
        http_req_query_enum(req, "sector", extract_sector_names, -1,
                            &sector) != 0 ||
        http_req_query_enum(req, "status", extract_status_names, -1,
                            &status) != 0 ||
        http_req_query_enum(req, "funding", extract_funding_names, -1,
                            &funding) != 0 ||
        api__folded_param(req, "q", &q) != 0 ||
        api__folded_param(req, "location", &location) != 0 ||
        api__folded_param(req, "partner", &partner) != 0)
        goto done;
    snap = api_current(data);
    size_t doc;
    if (api__document_param(req, snap, &doc) != 0)
        goto done;
    const char *location_raw = http_req_query(req, "location");
    const char *partner_raw = http_req_query(req, "partner");

    size_t n = extract_project_count(snap->extract), total = 0;
    size_t *hits = vj_malloc((n ? n : 1) * sizeof *hits);
    for (size_t i = 0; i < n; i++) {
        const extract_project_t *p = extract_project_at(snap->extract, i);
        if ((sector >= 0 && (int)p->sector != sector) ||
            (status >= 0 && (int)p->status != status) ||
            (funding >= 0 && (int)p->funding != funding) ||
            (q && !text_matches(p, q)))
            continue;
        if (location && (p->location < 0 ||
                         !api__entity_named(snap, (uint32_t)p->location,
                                       location_raw, location)))
            continue;
        if (partner) {
            size_t k = 0;
            while (k < p->partner_count &&
                   !api__entity_named(snap, p->partners[k], partner_raw, partner))
                k++;
            if (k == p->partner_count)
                continue;
        }
        if (doc != SIZE_MAX) {
            size_t k = 0;
            while (k < p->mention_count && p->mentions[k].doc != doc)
                k++;
            if (k == p->mention_count)
                continue;
        }
        hits[total++] = i;
    }
    json_t *items = json_array();
    for (size_t k = (size_t)offset; k < total && k < (size_t)(offset + limit);
         k++)
        json_array_append_new(items, project_json(snap, hits[k], 0));
    free(hits);
    api__respond_list(req, items, total, limit, offset);
done:
    free(q);
    free(location);
    free(partner);
    api_snapshot_unref(snap);
}

void api__projects_get(http_req_t *req, void *data) {
    const char *id = http_req_path_param(req, "id");
    api_snapshot_t *snap = api_current(data);
    size_t n = extract_project_count(snap->extract);
    size_t i = 0;
    while (i < n && strcmp(extract_project_at(snap->extract, i)->id, id) != 0)
        i++;
    if (i < n)
        api__respond(req, 200, project_json(snap, i, 1));
    else
        http_req_problem(req, 404, "not-found", NULL,
                         "No project with id '%s'.", id);
    api_snapshot_unref(snap);
}
