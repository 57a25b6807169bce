/* timeline.c - GET /api/v1/timeline and /api/v1/timeline/{id}.
 *
 * Dated events in date order, filtered by date overlap (from, to at any ISO
 * precision), type, actor, place, text and document, as our JSON or in the
 * TimelineJS format (format=timelinejs) for a timeline widget. */
#include "internal.h"
#include "vjcorpus/text.h"

#include <stdlib.h>
#include <string.h>

static json_t *event_json(const api_snapshot_t *snap,
                          const extract_event_t *ev) {
    json_t *actors = json_array(), *places = json_array(),
           *sources = json_array();
    for (size_t i = 0; i < ev->actor_count; i++)
        json_array_append_new(actors, api__entity_ref(snap, ev->actors[i]));
    for (size_t i = 0; i < ev->place_count; i++)
        json_array_append_new(places, api__entity_ref(snap, ev->places[i]));
    for (size_t i = 0; i < ev->report_count; i++) {
        json_t *s = api__source(snap, &ev->reports[i].source, 1);
        json_object_set_new(s, "date", api__date(&ev->reports[i].date));
        json_array_append_new(sources, s);
    }
    const extract_project_t *project =
        ev->project >= 0 ? extract_project_at(snap->extract,
                                              (size_t)ev->project)
                         : NULL;
    return json_pack("{s:s, s:o, s:s, s:b, s:s, s:o, s:o, s:o, s:o}", "id",
                     ev->id, "date", api__date(&ev->date), "type",
                     extract_event_type_names[ev->type], "planned",
                     ev->planned, "title", ev->title, "actors", actors,
                     "places", places, "project_id",
                     project ? json_string(project->id) : json_null(),
                     "sources", sources);
}

static int any_entity(const api_snapshot_t *snap, const uint32_t *ids,
                      size_t n, const char *value, const char *folded) {
    for (size_t i = 0; i < n; i++)
        if (api__entity_named(snap, ids[i], value, folded))
            return 1;
    return 0;
}

static int text_matches(const api_snapshot_t *snap, const extract_event_t *ev,
                        const char *folded) {
    if (api__folded_contains(ev->title, folded))
        return 1;
    for (size_t i = 0; i < ev->report_count; i++) {
        const extract_source_t *s = &ev->reports[i].source;
        const corpus_doc_t *doc = corpus_doc_at(snap->corpus, s->doc);
        char *quote = vj_strndup(doc->text + s->span.start,
                                 s->span.end - s->span.start);
        int hit = api__folded_contains(quote, folded);
        free(quote);
        if (hit)
            return 1;
    }
    return 0;
}

/* TimelineJS wants {year, month, day} as numbers, at the date's
 * precision. */
static json_t *tljs_date(const extract_ymd_t *d, extract_precision_t p) {
    json_t *o = json_pack("{s:i}", "year", d->year);
    if (p <= EXTRACT_PREC_QUARTER)
        json_object_set_new(o, "month", json_integer(d->month));
    if (p <= EXTRACT_PREC_WEEK)
        json_object_set_new(o, "day", json_integer(d->day));
    return o;
}

static json_t *tljs_event(const api_snapshot_t *snap,
                          const extract_event_t *ev) {
    const extract_source_t *s = &ev->reports[0].source;
    const corpus_doc_t *doc = corpus_doc_at(snap->corpus, s->doc);
    json_t *text = json_pack(
        "{s:s, s:s%}", "headline", ev->title, "text",
        doc->text + s->span.start, (size_t)(s->span.end - s->span.start));
    json_t *o = json_pack("{s:o, s:o, s:s, s:s}", "start_date",
                          tljs_date(&ev->date.start, ev->date.precision),
                          "text", text, "group",
                          extract_event_type_names[ev->type], "unique_id",
                          ev->id);
    char start[16], end[16];
    extract_date_format(&ev->date, start, end);
    if (strcmp(start, end) != 0)
        json_object_set_new(o, "end_date",
                            tljs_date(&ev->date.end, ev->date.precision));
    return o;
}

static int parse_types(http_req_t *req, unsigned *mask) {
    const char *v = http_req_query(req, "type");
    *mask = 0;
    if (v == NULL) {
        *mask = ~0u;
        return 0;
    }
    const char *p = v;
    while (1) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        int found = 0;
        for (int i = 0; extract_event_type_names[i]; i++) {
            if (strlen(extract_event_type_names[i]) == n &&
                memcmp(extract_event_type_names[i], p, n) == 0) {
                *mask |= 1u << i;
                found = 1;
            }
        }
        if (!found) {
            http_req_problem(req, 400, "invalid-parameter", "type",
                             "Query parameter 'type' must be a comma-"
                             "separated list of: visit, meeting, agreement, "
                             "opening, groundbreaking, forum, announcement, "
                             "milestone, target, other.");
            return VJ_EINVAL;
        }
        if (comma == NULL)
            return 0;
        p = comma + 1;
    }
}

static const char *const order_values[] = {"asc", "desc", NULL};
static const char *const format_values[] = {"json", "timelinejs", NULL};
static const char *const bool_values[] = {"false", "true", NULL};

void api__timeline_list(http_req_t *req, void *data) {
    long limit, offset;
    int order, format, planned = -1;
    unsigned types;
    extract_ymd_t from, to;
    int has_range;
    char *q = NULL, *actor = NULL, *place = NULL;
    if (http_req_paging_params(req, &limit, &offset) != 0 ||
        http_req_query_enum(req, "order", order_values, 0, &order) != 0 ||
        http_req_query_enum(req, "format", format_values, 0, &format) != 0 ||
        http_req_query_enum(req, "planned", bool_values, -1, &planned) != 0 ||
        parse_types(req, &types) != 0 ||
        api__range_params(req, &from, &to, &has_range) != 0 ||
        api__folded_param(req, "q", &q) != 0 ||
        api__folded_param(req, "actor", &actor) != 0 ||
        api__folded_param(req, "place", &place) != 0)
        goto done_params;

    api_snapshot_t *snap = api_current(data);
    size_t doc;
    if (api__document_param(req, snap, &doc) != 0)
        goto done;
    const char *actor_raw = http_req_query(req, "actor");
    const char *place_raw = http_req_query(req, "place");

    size_t n = extract_event_count(snap->extract), total = 0;
    size_t *hits = vj_malloc((n ? n : 1) * sizeof *hits);
    for (size_t i = 0; i < n; i++) {
        const extract_event_t *ev = extract_event_at(snap->extract, i);
        if (!(types & (1u << ev->type)))
            continue;
        if (planned >= 0 && ev->planned != planned)
            continue;
        if (has_range && !extract_date_overlaps(&ev->date, &from, &to))
            continue;
        if (doc != SIZE_MAX) {
            size_t k = 0;
            while (k < ev->report_count && ev->reports[k].source.doc != doc)
                k++;
            if (k == ev->report_count)
                continue;
        }
        if (actor && !any_entity(snap, ev->actors, ev->actor_count,
                                 actor_raw, actor))
            continue;
        if (place && !any_entity(snap, ev->places, ev->place_count,
                                 place_raw, place))
            continue;
        if (q && !text_matches(snap, ev, q))
            continue;
        hits[total++] = i;
    }

    json_t *items = json_array();
    for (long k = offset; k < offset + limit && (size_t)k < total; k++) {
        size_t i = order == 1 ? hits[total - 1 - (size_t)k] : hits[k];
        const extract_event_t *ev = extract_event_at(snap->extract, i);
        json_array_append_new(items, format == 1 ? tljs_event(snap, ev)
                                                 : event_json(snap, ev));
    }
    free(hits);
    if (format == 1) {
        json_t *title = json_pack(
            "{s:{s:s, s:s}}", "text", "headline",
            "Quan hệ Việt Nam – Nhật Bản", "text",
            "Các sự kiện trích từ kho bài báo của vjcorpus");
        json_t *o = json_pack("{s:o, s:o, s:I, s:I, s:I}", "title", title,
                              "events", items, "total", (json_int_t)total,
                              "limit", (json_int_t)limit, "offset",
                              (json_int_t)offset);
        http_req_paging(req, total, limit, offset);
        api__respond(req, 200, o);
    } else {
        api__respond_list(req, items, total, limit, offset);
    }
done:
    api_snapshot_unref(snap);
done_params:
    free(q);
    free(actor);
    free(place);
}

void api__timeline_get(http_req_t *req, void *data) {
    const char *id = http_req_path_param(req, "id");
    api_snapshot_t *snap = api_current(data);
    const extract_event_t *found = NULL;
    for (size_t i = 0; i < extract_event_count(snap->extract); i++) {
        const extract_event_t *ev = extract_event_at(snap->extract, i);
        if (strcmp(ev->id, id) == 0) {
            found = ev;
            break;
        }
    }
    if (found)
        api__respond(req, 200, event_json(snap, found));
    else
        http_req_problem(req, 404, "not-found", NULL,
                         "No event with id '%s'.", id);
    api_snapshot_unref(snap);
}
