/* statistics.c - GET /api/v1/statistics: the numeric facts of the corpus.
 *
 * Each fact has its metric, value with the scale applied, unit, qualifier,
 * reference period, the change that qualifies it and where it was read.
 * Filters: metric, unit, from/to (period overlap), q, document; sort by
 * position, period or value; group=metric answers one series per metric
 * ordered by period, for charts. */
#include "internal.h"
#include "vjcorpus/text.h"

#include <stdlib.h>
#include <string.h>

static json_t *stat_json(const api_snapshot_t *snap, size_t index) {
    const extract_statistic_t *s = extract_statistic_at(snap->extract, index);
    const corpus_doc_t *doc = corpus_doc_at(snap->corpus, s->sentence.doc);
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:o, s:s, s:s}", "id", s->id, "kind",
        s->is_change ? "change" : "level", "metric",
        extract_metric_names[s->metric], "value", api__number(s->q.value),
        "unit",
        extract_unit_names[s->q.unit], "approx",
        extract_approx_names[s->q.approx]);
    if (s->q.has_max)
        json_object_set_new(o, "value_max", api__number(s->q.value_max));
    json_object_set_new(o, "unit_text", api__string_or_null(s->unit_text));
    json_object_set_new(o, "period",
                        s->has_period ? api__date(&s->period) : json_null());
    json_t *change = json_null();
    if (s->change >= 0) {
        const extract_statistic_t *c =
            extract_statistic_at(snap->extract, (size_t)s->change);
        change = json_pack("{s:s, s:o, s:s}", "id", c->id, "value",
                           api__number(c->q.value *
                                       (c->q.change_sign < 0 ? -1 : 1)),
                           "unit", extract_unit_names[c->q.unit]);
    }
    json_object_set_new(o, "change", change);
    if (s->change_of >= 0)
        json_object_set_new(
            o, "change_of",
            json_string(
                extract_statistic_at(snap->extract, (size_t)s->change_of)
                    ->id));
    if (s->has_converted)
        json_object_set_new(
            o, "converted",
            json_pack("[{s:o, s:s}]", "value",
                      api__number(s->converted_value), "unit",
                      extract_unit_names[s->converted_unit]));
    if (s->subject_from >= 0 || s->subject_to >= 0)
        json_object_set_new(
            o, "subject",
            json_pack("{s:o, s:o}", "from",
                      s->subject_from >= 0
                          ? api__entity_ref(snap, (uint32_t)s->subject_from)
                          : json_null(),
                      "to",
                      s->subject_to >= 0
                          ? api__entity_ref(snap, (uint32_t)s->subject_to)
                          : json_null()));
    json_object_set_new(
        o, "text",
        json_stringn(doc->text + s->sentence.span.start,
                     s->sentence.span.end - s->sentence.span.start));
    json_object_set_new(o, "source", api__source(snap, &s->source, 1));
    return o;
}

enum { SORT_POSITION, SORT_PERIOD, SORT_VALUE };
static const char *const sort_values[] = {"position", "period", "value",
                                          NULL};
static const char *const order_values[] = {"asc", "desc", NULL};
static const char *const group_values[] = {"none", "metric", NULL};

typedef struct {
    const api_snapshot_t *snap;
    int sort;
    int desc;
} sort_ctx_t;

static int cmp_stats(const void *x, const void *y, void *arg) {
    const sort_ctx_t *c = arg;
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    const extract_statistic_t *sa = extract_statistic_at(c->snap->extract, a),
                              *sb = extract_statistic_at(c->snap->extract, b);
    int r = 0;
    if (c->sort == SORT_VALUE) {
        r = (sa->q.value > sb->q.value) - (sa->q.value < sb->q.value);
    } else if (c->sort == SORT_PERIOD) {
        /* undated facts go last in either order */
        if (sa->has_period != sb->has_period)
            return sb->has_period - sa->has_period;
        if (sa->has_period)
            r = extract_date_cmp(&sa->period, &sb->period);
    }
    if (r == 0)
        r = (a > b) - (a < b);
    return c->desc ? -r : r;
}

static int stat_text_matches(const api_snapshot_t *snap,
                             const extract_statistic_t *s,
                             const char *folded) {
    const corpus_doc_t *doc = corpus_doc_at(snap->corpus, s->sentence.doc);
    char *t = vj_strndup(doc->text + s->sentence.span.start,
                         s->sentence.span.end - s->sentence.span.start);
    int hit = api__folded_contains(t, folded);
    free(t);
    return hit;
}

void api__statistics_list(http_req_t *req, void *data) {
    long limit, offset;
    int metric, unit, sort, order, group;
    extract_ymd_t from, to;
    int has_range;
    char *q = NULL;
    api_snapshot_t *snap = NULL;
    if (http_req_paging_params(req, &limit, &offset) != 0 ||
        http_req_query_enum(req, "metric", extract_metric_names, -1,
                            &metric) != 0 ||
        http_req_query_enum(req, "unit", extract_unit_names, -1, &unit) !=
            0 ||
        http_req_query_enum(req, "sort", sort_values, SORT_POSITION, &sort) !=
            0 ||
        http_req_query_enum(req, "order", order_values, 0, &order) != 0 ||
        http_req_query_enum(req, "group", group_values, 0, &group) != 0 ||
        api__range_params(req, &from, &to, &has_range) != 0 ||
        api__folded_param(req, "q", &q) != 0)
        goto done;
    snap = api_current(data);
    size_t doc;
    if (api__document_param(req, snap, &doc) != 0)
        goto done;

    size_t n = extract_statistic_count(snap->extract), total = 0;
    size_t *hits = vj_malloc((n ? n : 1) * sizeof *hits);
    for (size_t i = 0; i < n; i++) {
        const extract_statistic_t *s = extract_statistic_at(snap->extract, i);
        if ((metric >= 0 && (int)s->metric != metric) ||
            (unit >= 0 && (int)s->q.unit != unit) ||
            (doc != SIZE_MAX && s->sentence.doc != doc) ||
            (has_range &&
             (!s->has_period ||
              !extract_date_overlaps(&s->period, &from, &to))) ||
            (q && !stat_text_matches(snap, s, q)))
            continue;
        hits[total++] = i;
    }
    /* A series view orders by period within each metric. */
    sort_ctx_t ctx = {snap, group == 1 ? SORT_PERIOD : sort,
                      group == 1 ? 0 : order == 1};
    qsort_r(hits, total, sizeof *hits, cmp_stats, &ctx);

    json_t *items = json_array();
    if (group == 1) {
        size_t series = 0;
        for (int m = 0; m < EXTRACT_METRIC_COUNT; m++) {
            json_t *points = json_array();
            for (size_t k = 0; k < total; k++)
                if ((int)extract_statistic_at(snap->extract, hits[k])
                        ->metric == m)
                    json_array_append_new(points, stat_json(snap, hits[k]));
            if (json_array_size(points) == 0) {
                json_decref(points);
                continue;
            }
            if (series >= (size_t)offset && series < (size_t)(offset + limit))
                json_array_append_new(
                    items, json_pack("{s:s, s:I, s:o}", "metric",
                                     extract_metric_names[m], "count",
                                     (json_int_t)json_array_size(points),
                                     "items", points));
            else
                json_decref(points);
            series++;
        }
        total = series;
    } else {
        for (size_t k = (size_t)offset;
             k < total && k < (size_t)(offset + limit); k++)
            json_array_append_new(items, stat_json(snap, hits[k]));
    }
    free(hits);
    api__respond_list(req, items, total, limit, offset);
done:
    free(q);
    api_snapshot_unref(snap);
}
