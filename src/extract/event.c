/* event.c - dated events from trigger words and temporal expressions, and
 * the corpus-wide extraction run.
 *
 * A sentence is cut into clauses at top-level ", ", "; " and ": " (not
 * inside quotes or brackets). A clause with an event trigger (from
 * event_triggers.tsv) and a resolved date is an event, dated by the date
 * expression that governs it: the first date after the trigger and before
 * the next trigger, else the nearest one before it in the same clause, else
 * the date of a leading clause that holds nothing but a date ("Ngày
 * 24-25/11, Diễn đàn ... đã được tổ chức"). A date in another clause never
 * dates a trigger, so "tại hội đàm ... vào tháng 12/2023, hai Thủ tướng
 * đánh giá cao việc khánh thành ..." does not date the opening.
 *
 * Reports of the same real-world event (same kind, overlapping dates, a
 * shared person or most title words in common, both planned or both not)
 * merge into one event dated by the most precise report. */
#include "internal.h"
#include "vjcorpus/text.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

const char *const extract_event_type_names[] = {
    "visit",  "meeting",      "agreement", "opening", "groundbreaking",
    "forum",  "announcement", "milestone", "target",  "other",
    NULL};

/* --- Lexicon: event_triggers.tsv ---------------------------------------- */

enum { PHRASE_TRIGGER, PHRASE_PLANNED, PHRASE_CONNECTOR, PHRASE_IGNORE };

/* The trigger words, planning words, title connectors and ignored words,
 * as one phrase set: kind is PHRASE_*, value the event type, weight the
 * trigger's weight. */
struct extract__triggers {
    extract__phrases_t *set;
};

typedef struct {
    extract__triggers_t *t;
    const char *file;
    corpus_problem_cb cb;
    void *data;
} load_ctx_t;

static int parse_type(const char *s) {
    for (int i = 0; extract_event_type_names[i]; i++)
        if (strcmp(s, extract_event_type_names[i]) == 0)
            return i;
    return -1;
}

static int trigger_row(char **f, size_t n, uint32_t line, void *data) {
    load_ctx_t *ctx = data;
    int kind, type = 0, weight = 1;
    if (strcmp(f[0], "trigger") == 0 && n >= 3) {
        type = parse_type(f[2]);
        if (type < 0) {
            extract__report(ctx->cb, ctx->data, ctx->file, line,
                            "unknown event type '%s'", f[2]);
            return VJ_EPARSE;
        }
        kind = PHRASE_TRIGGER;
        weight = n >= 4 ? atoi(f[3]) : 1;
        if (weight <= 0)
            weight = 1;
    } else if (strcmp(f[0], "planned") == 0 && n >= 2) {
        kind = PHRASE_PLANNED;
    } else if (strcmp(f[0], "connector") == 0 && n >= 2) {
        kind = PHRASE_CONNECTOR;
    } else if (strcmp(f[0], "ignore") == 0 && n >= 2) {
        kind = PHRASE_IGNORE;
    } else {
        extract__report(ctx->cb, ctx->data, ctx->file, line,
                        "expected 'trigger<TAB>phrase<TAB>type[<TAB>weight]', "
                        "'planned<TAB>phrase', 'connector<TAB>phrase' or "
                        "'ignore<TAB>phrase'");
        return VJ_EPARSE;
    }
    /* event words are matched in lower case whatever their spelling */
    char *low = extract__lower_copy(f[1], strlen(f[1]));
    int rc = extract__phrases_add(ctx->t->set, low, kind, type, weight, NULL);
    free(low);
    if (rc != 0) {
        extract__report(ctx->cb, ctx->data, ctx->file, line,
                        "empty phrase or invalid UTF-8");
        return VJ_EPARSE;
    }
    return 0;
}

int extract__triggers_load(const char *dir, corpus_problem_cb cb, void *data,
                           extract__triggers_t **out) {
    extract__triggers_t *t = vj_calloc(1, sizeof *t);
    t->set = extract__phrases_new();
    load_ctx_t ctx = {t, "event_triggers.tsv", cb, data};
    int rc = extract__tsv_read(dir, "event_triggers.tsv", 4, trigger_row,
                               &ctx, cb, data);
    if (rc != 0) {
        extract__triggers_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

void extract__triggers_free(extract__triggers_t *t) {
    if (t == NULL)
        return;
    extract__phrases_free(t->set);
    free(t);
}

typedef extract__phrase_hit_t hit_t;

/* --- The result ------------------------------------------------------------ */


#define PUSH(arr, count, cap)                                                  \
    ((count) == (cap) ? ((cap) = (cap) ? (cap)*2 : 16,                         \
                         (arr) = vj_realloc((arr), (cap) * sizeof *(arr)))     \
                      : (arr),                                                 \
     &(arr)[(count)++])

/* --- Building events ------------------------------------------------------ */

typedef struct {
    const extract_lexicon_t *lex;
    const corpus_t *corpus;
    extract_result_t *r;
    /* entity mentions of the current paragraph */
    extract_mention_t *pm;
    size_t pm_count;
    uint32_t para_start;
} run_t;

static void add_unique(uint32_t **arr, size_t *n, uint32_t v) {
    for (size_t i = 0; i < *n; i++)
        if ((*arr)[i] == v)
            return;
    *arr = vj_realloc(*arr, (*n + 1) * sizeof **arr);
    (*arr)[(*n)++] = v;
}

/* Title: the clause text from s to e, trimmed, without a leading connector
 * or list number, at most ~240 bytes cut on a word boundary. */
static char *make_title(const extract__triggers_t *t, const char *sent,
                        const char *low, uint32_t s, uint32_t e) {
    for (;;) {
        while (s < e && (sent[s] == ' ' || sent[s] == ',' || sent[s] == '('))
            s++;
        /* list numbers: "1.", "(1)", "a)" */
        uint32_t k = s;
        while (k < e && sent[k] >= '0' && sent[k] <= '9')
            k++;
        if (k > s && k < e && (sent[k] == '.' || sent[k] == ')')) {
            s = k + 1;
            continue;
        }
        const extract__phrase_t *p =
            s < e ? extract__phrases_at(t->set, sent, low, e, s) : NULL;
        if (p == NULL || p->kind != PHRASE_CONNECTOR || p->len >= e - s)
            break;
        s += (uint32_t)p->len;
    }
    while (e > s && (sent[e - 1] == ' ' || sent[e - 1] == '.' ||
                     sent[e - 1] == ',' || sent[e - 1] == ';'))
        e--;
    vj_buf_t b;
    vj_buf_init(&b);
    size_t max = 240;
    if (e - s > max) {
        uint32_t c = s + (uint32_t)max;
        while (c > s && sent[c] != ' ')
            c--;
        if (c == s)
            c = s + (uint32_t)max;
        /* do not cut inside a UTF-8 sequence */
        while (c > s && ((unsigned char)sent[c] & 0xC0) == 0x80)
            c--;
        vj_buf_append(&b, sent + s, c - s);
        vj_buf_puts(&b, "…");
    } else {
        vj_buf_append(&b, sent + s, e - s);
    }
    /* Capitalise the first letter, as a headline. */
    if (b.len) {
        size_t i = 0;
        int32_t cp = text_utf8_next(b.data, b.len, &i);
        char enc[4];
        size_t n = text_utf8_encode(utf8proc_toupper(cp), enc);
        if (n == i)
            memcpy(b.data, enc, n);
    }
    char *title = vj_buf_steal(&b, NULL);
    vj_buf_free(&b);
    return title;
}

/* Adds the entities of the current paragraph mentioned within [lo, hi) of
 * the sentence: places, or people and organisations. */
static void collect(run_t *run, const corpus_sentence_t *sent, uint32_t lo,
                    uint32_t hi, int places, uint32_t **arr, size_t *n) {
    for (size_t m = 0; m < run->pm_count; m++) {
        const extract_mention_t *mm = &run->pm[m];
        uint32_t a = run->para_start + mm->start;
        if (a < sent->span.start + lo || a >= sent->span.start + hi)
            continue;
        int is_place = extract_entity_at(run->lex, mm->entity)->type ==
                       EXTRACT_ENTITY_PLACE;
        if (is_place == places)
            add_unique(arr, n, mm->entity);
    }
}

static int day_cmp(const extract_ymd_t *a, const extract_ymd_t *b) {
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    if (a->month != b->month)
        return a->month < b->month ? -1 : 1;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    return 0;
}

static void emit(run_t *run, const corpus_doc_t *doc, uint32_t doc_index,
                 const corpus_sentence_t *sent, const char *low,
                 const hit_t *trig, uint32_t ts, uint32_t te,
                 const extract_timex_t *tx, int planned_word, extract__range_t clause) {
    extract_result_t *r = run->r;
    const char *s = doc->text + sent->span.start;
    extract_event_t *ev = PUSH(r->events, r->event_count, r->event_cap);
    memset(ev, 0, sizeof *ev);
    ev->date = tx->date;
    ev->type = (extract_event_type_t)trig->p->value;
    if (tx->target)
        ev->type = EXTRACT_EVENT_TARGET;
    /* Planned: the text says so, or the date lies after publication. */
    ev->planned = planned_word || tx->tense == EXTRACT_TENSE_FUTURE ||
                  ev->type == EXTRACT_EVENT_TARGET;
    /* after the period the article was published in: still to come */
    const corpus_date_t *pub = &doc->published;
    if (!ev->planned && pub->precision != CORPUS_PREC_NONE) {
        extract_ymd_t p = {pub->year, 12, 31};
        if (pub->precision >= CORPUS_PREC_MONTH) {
            p.month = pub->month;
            p.day = 31; /* day_cmp only orders: no real day needed */
        }
        if (pub->precision >= CORPUS_PREC_DAY)
            p.day = pub->day;
        if (day_cmp(&ev->date.start, &p) > 0)
            ev->planned = 1;
    }
    ev->title = make_title(run->lex->triggers, s, low, ts, te);

    vj_buf_t id;
    vj_buf_init(&id);
    vj_buf_printf(&id, "%s-%u", doc->id, sent->span.start + trig->start);
    ev->id = vj_buf_steal(&id, NULL);
    vj_buf_free(&id);

    /* People and organisations of the clause (else of the sentence) act;
     * places of the clause (else of the sentence) are where. */
    uint32_t slen = sent->span.end - sent->span.start;
    collect(run, sent, clause.start, clause.end, 0, &ev->actors,
            &ev->actor_count);
    if (ev->actor_count == 0)
        collect(run, sent, 0, slen, 0, &ev->actors, &ev->actor_count);
    collect(run, sent, clause.start, clause.end, 1, &ev->places,
            &ev->place_count);
    if (ev->place_count == 0)
        collect(run, sent, 0, slen, 1, &ev->places, &ev->place_count);

    ev->reports = vj_calloc(1, sizeof *ev->reports);
    ev->report_count = 1;
    ev->reports[0].source.doc = doc_index;
    ev->reports[0].source.paragraph = sent->paragraph;
    ev->reports[0].source.span = sent->span;
    ev->reports[0].date = tx->date;
}

static void unresolved_add(extract_result_t *r, const corpus_doc_t *doc,
                           uint32_t doc_index, const corpus_sentence_t *sent,
                           const extract_timex_t *tx) {
    extract_unresolved_t *u =
        PUSH(r->unresolved, r->unresolved_count, r->unresolved_cap);
    u->source.doc = doc_index;
    u->source.paragraph = sent->paragraph;
    u->source.span = extract__doc_span(doc, sent, tx->start, tx->end);
    u->reason = doc->published.precision == CORPUS_PREC_NONE
                    ? "the document has no publication date"
                    : "vague or relative to an unknown reference";
}

static void sentence_events(run_t *run, const corpus_doc_t *doc,
                            uint32_t doc_index,
                            const corpus_sentence_t *sent) {
    const char *s = doc->text + sent->span.start;
    size_t len = sent->span.end - sent->span.start;
    extract_timex_t *tx = NULL;
    size_t ntx = extract_timex_find(run->lex, s, len, &doc->published, &tx);
    for (size_t i = 0; i < ntx; i++)
        if (tx[i].kind == EXTRACT_TIMEX_UNRESOLVED)
            unresolved_add(run->r, doc, doc_index, sent, &tx[i]);
    if (ntx == 0) {
        free(tx);
        return;
    }
    char *low = extract__lower_copy(s, len);
    hit_t *hits = NULL;
    size_t nhits =
        extract__phrases_find(run->lex->triggers->set, s, low, len, &hits);

    extract__range_t clauses[64];
    size_t nc = extract__clauses_split(s, len, clauses, 64);
    const extract_timex_t *lead = NULL; /* a leading date-only clause */
    for (size_t c = 0; c < nc; c++) {
        extract__range_t cl = clauses[c];
        /* dates and triggers of this clause */
        const extract_timex_t *dates[16];
        size_t nd = 0;
        size_t date_words = 0;
        for (size_t i = 0; i < ntx && nd < 16; i++) {
            if (tx[i].start >= cl.start && tx[i].end <= cl.end &&
                tx[i].kind != EXTRACT_TIMEX_DURATION) {
                date_words += extract__word_count(s + tx[i].start,
                                         tx[i].end - tx[i].start);
                if (tx[i].kind == EXTRACT_TIMEX_DATE)
                    dates[nd++] = &tx[i];
            }
        }
        const hit_t *trig[16];
        size_t nt = 0;
        uint32_t first_planned = UINT32_MAX; /* a "sẽ", "dự kiến" ... */
        for (size_t h = 0; h < nhits; h++) {
            if (hits[h].start < cl.start || hits[h].end > cl.end)
                continue;
            if (hits[h].p->kind == PHRASE_PLANNED &&
                first_planned == UINT32_MAX)
                first_planned = hits[h].start;
            else if (hits[h].p->kind == PHRASE_TRIGGER && nt < 16)
                trig[nt++] = &hits[h];
        }
        if (nt == 0) {
            size_t words = extract__word_count(s + cl.start, cl.end - cl.start);
            if (nd > 0 && words <= date_words + 3)
                lead = dates[nd - 1];
            continue;
        }
        /* Pair each trigger with the date that governs it; triggers
         * sharing a date make one event, typed by the heaviest. */
        const extract_timex_t *gov[16];
        for (size_t k = 0; k < nt; k++) {
            uint32_t next = k + 1 < nt ? trig[k + 1]->start : cl.end;
            uint32_t prev = k > 0 ? trig[k - 1]->end : cl.start;
            gov[k] = NULL;
            for (size_t d = 0; d < nd && gov[k] == NULL; d++)
                if (dates[d]->start >= trig[k]->end && dates[d]->start < next)
                    gov[k] = dates[d];
            for (size_t d = nd; d > 0 && gov[k] == NULL; d--)
                if (dates[d - 1]->end <= trig[k]->start &&
                    dates[d - 1]->start >= prev)
                    gov[k] = dates[d - 1];
            if (gov[k] == NULL && nd > 0)
                gov[k] = dates[nd - 1];
            if (gov[k] == NULL)
                gov[k] = lead;
        }
        uint32_t title_start = cl.start;
        for (size_t k = 0; k < nt; k++) {
            if (gov[k] == NULL)
                continue;
            /* the heaviest trigger among those with this date */
            size_t best = k;
            size_t last = k;
            for (size_t j = k + 1; j < nt; j++) {
                if (gov[j] != gov[k])
                    continue;
                if (trig[j]->p->weight > trig[best]->p->weight)
                    best = j;
                last = j;
            }
            uint32_t title_end = cl.end;
            if (gov[k] != lead && last + 1 < nt && gov[last + 1] != gov[k] &&
                gov[k]->end > trig[last]->end)
                title_end = gov[k]->end;
            /* a planning word counts for the triggers it precedes: in
             * "đã đến thăm ... và khẳng định Nhật Bản sẽ tiếp tục" the
             * visit happened */
            emit(run, doc, doc_index, sent, low, trig[best], title_start,
                 title_end, gov[k], first_planned < trig[best]->start, cl);
            for (size_t j = k; j <= last; j++)
                if (gov[j] == gov[k] && j != k)
                    gov[j] = NULL;
            if (title_end < cl.end)
                title_start = title_end;
        }
    }
    free(hits);
    free(low);
    free(tx);
}

/* --- Merging reports of one event ---------------------------------------- */

static int dates_overlap(const extract_date_t *a, const extract_date_t *b) {
    return day_cmp(&a->start, &b->end) <= 0 &&
           day_cmp(&b->start, &a->end) <= 0;
}

/* How two reports' people relate: 1 they share one, -1 both name people
 * but none in common (two different events), 0 one names nobody. */
static int people_relation(const extract_lexicon_t *lex, const uint32_t *a,
                           size_t na, const uint32_t *b, size_t nb) {
    int pa = 0, pb = 0;
    for (size_t i = 0; i < na; i++) {
        if (extract_entity_at(lex, a[i])->type != EXTRACT_ENTITY_PERSON)
            continue;
        pa = 1;
        for (size_t j = 0; j < nb; j++)
            if (a[i] == b[j])
                return 1;
    }
    for (size_t j = 0; j < nb; j++)
        if (extract_entity_at(lex, b[j])->type == EXTRACT_ENTITY_PERSON)
            pb = 1;
    return pa && pb ? -1 : 0;
}

static int share_any(const uint32_t *a, size_t na, const uint32_t *b,
                     size_t nb) {
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            if (a[i] == b[j])
                return 1;
    return 0;
}

static int kinds_match(extract_event_type_t a, extract_event_type_t b) {
    if (a == b)
        return 1;
    /* an official visit and the talks held during it */
    return (a == EXTRACT_EVENT_VISIT && b == EXTRACT_EVENT_MEETING) ||
           (a == EXTRACT_EVENT_MEETING && b == EXTRACT_EVENT_VISIT);
}

/* Share of the shorter title's words found in the longer title, in
 * [0, 1]. Titles are lower-cased first. */
static double title_similarity(const char *a, const char *b) {
    char *la = extract__lower_copy(a, strlen(a)), *lb = extract__lower_copy(b, strlen(b));
    size_t na = strlen(la), nb = strlen(lb);
    if (na > nb) {
        char *t = la;
        la = lb;
        lb = t;
        size_t tn = na;
        na = nb;
        nb = tn;
    }
    size_t words = 0, found = 0, i = 0;
    while (i < na) {
        while (i < na && la[i] == ' ')
            i++;
        size_t st = i;
        while (i < na && la[i] != ' ')
            i++;
        if (i == st)
            break;
        words++;
        for (size_t j = 0; j + (i - st) <= nb; j++) {
            if ((j == 0 || lb[j - 1] == ' ') &&
                memcmp(lb + j, la + st, i - st) == 0 &&
                (j + (i - st) == nb || lb[j + (i - st)] == ' ')) {
                found++;
                break;
            }
        }
    }
    free(la);
    free(lb);
    return words ? (double)found / (double)words : 0.0;
}

static int same_event(const extract_lexicon_t *lex, const extract_event_t *a,
                      const extract_event_t *b) {
    if (a->planned != b->planned || !kinds_match(a->type, b->type) ||
        !dates_overlap(&a->date, &b->date))
        return 0;
    if (a->reports[0].source.doc == b->reports[0].source.doc &&
        a->reports[0].source.span.start == b->reports[0].source.span.start)
        return 0; /* two events of one sentence are two events */
    int people = people_relation(lex, a->actors, a->actor_count, b->actors,
                                 b->actor_count);
    if (people != 0)
        return people > 0;
    /* Neither names a person both do: the same kind of event at the same
     * time and place ("chuyến thăm chính thức Việt Nam ... tháng 4/2025"
     * and the 27-29/4 visit), or mostly the same words. */
    return title_similarity(a->title, b->title) >= 0.6 ||
           (a->type == b->type &&
            share_any(a->places, a->place_count, b->places, b->place_count) &&
            (a->date.precision != b->date.precision ||
             memcmp(&a->date, &b->date, sizeof a->date) == 0));
}

static int64_t published_key(const corpus_t *c, uint32_t doc) {
    const corpus_doc_t *d = corpus_doc_at(c, doc);
    return d->published.precision == CORPUS_PREC_NONE ? INT64_MAX
                                                      : d->published.sort_key;
}

static void merge_into(const corpus_t *c, extract_event_t *a,
                       extract_event_t *b) {
    /* the most precise date, and its title */
    if (b->date.precision < a->date.precision) {
        a->date = b->date;
        free(a->title);
        a->title = b->title;
        b->title = NULL;
        a->type = b->type == EXTRACT_EVENT_VISIT ? b->type : a->type;
    }
    a->reports = vj_realloc(a->reports, (a->report_count + b->report_count) *
                                            sizeof *a->reports);
    memcpy(a->reports + a->report_count, b->reports,
           b->report_count * sizeof *b->reports);
    a->report_count += b->report_count;
    for (size_t i = 0; i < b->actor_count; i++)
        add_unique(&a->actors, &a->actor_count, b->actors[i]);
    for (size_t i = 0; i < b->place_count; i++)
        add_unique(&a->places, &a->place_count, b->places[i]);
    /* earliest published first, then corpus order */
    for (size_t i = 1; i < a->report_count; i++) {
        extract_report_t x = a->reports[i];
        size_t j = i;
        while (j > 0) {
            const extract_report_t *y = &a->reports[j - 1];
            int64_t kx = published_key(c, x.source.doc),
                    ky = published_key(c, y->source.doc);
            if (ky < kx || (ky == kx && (y->source.doc < x.source.doc ||
                                         (y->source.doc == x.source.doc &&
                                          y->source.span.start <=
                                              x.source.span.start))))
                break;
            a->reports[j] = *y;
            j--;
        }
        a->reports[j] = x;
    }
    /* the id follows the first report */
    const corpus_doc_t *d = corpus_doc_at(c, a->reports[0].source.doc);
    if (strncmp(a->id, d->id, strlen(d->id)) != 0) {
        free(a->id);
        a->id = b->id;
        b->id = NULL;
    }
}

static void event_free(extract_event_t *e) {
    free(e->id);
    free(e->title);
    free(e->actors);
    free(e->places);
    free(e->reports);
}

static int event_cmp(const void *x, const void *y) {
    const extract_event_t *a = x, *b = y;
    int r = extract_date_cmp(&a->date, &b->date);
    return r ? r : strcmp(a->id, b->id);
}

static void merge_events(const extract_lexicon_t *lex, const corpus_t *c,
                         extract_result_t *r) {
    if (r->event_count > 1)
        qsort(r->events, r->event_count, sizeof *r->events, event_cmp);
    char *dead = vj_calloc(r->event_count ? r->event_count : 1, 1);
    for (size_t i = 0; i < r->event_count; i++) {
        if (dead[i])
            continue;
        for (size_t j = i + 1; j < r->event_count; j++) {
            if (dead[j])
                continue;
            /* sorted by start: nothing further can overlap i's range once
             * a start lies beyond i's end */
            if (day_cmp(&r->events[j].date.start, &r->events[i].date.end) > 0)
                break;
            if (same_event(lex, &r->events[i], &r->events[j])) {
                merge_into(c, &r->events[i], &r->events[j]);
                event_free(&r->events[j]);
                dead[j] = 1;
            }
        }
    }
    size_t n = 0;
    for (size_t i = 0; i < r->event_count; i++)
        if (!dead[i])
            r->events[n++] = r->events[i];
    r->event_count = n;
    free(dead);
    if (r->event_count > 1)
        qsort(r->events, r->event_count, sizeof *r->events, event_cmp);
}

/* --- Entity mentions ------------------------------------------------------ */

static int mention_cmp(const void *x, const void *y) {
    const extract_entity_mention_t *a = x, *b = y;
    if (a->entity != b->entity)
        return a->entity < b->entity ? -1 : 1;
    if (a->source.doc != b->source.doc)
        return a->source.doc < b->source.doc ? -1 : 1;
    return a->source.span.start < b->source.span.start   ? -1
           : a->source.span.start > b->source.span.start ? 1
                                                          : 0;
}

static void paragraph_mentions(run_t *run, const corpus_doc_t *doc,
                               uint32_t doc_index, uint32_t p) {
    const corpus_paragraph_t *para = &doc->paragraphs[p];
    const char *s = doc->text + para->span.start;
    size_t len = para->span.end - para->span.start;
    free(run->pm);
    run->pm = NULL;
    run->pm_count = extract_entities_find(run->lex, s, len, &run->pm);
    run->para_start = para->span.start;
    extract_result_t *r = run->r;
    for (size_t i = 0; i < run->pm_count; i++) {
        const extract_mention_t *m = &run->pm[i];
        extract_entity_mention_t *em =
            PUSH(r->mentions, r->mention_count, r->mention_cap);
        em->entity = m->entity;
        em->source.doc = doc_index;
        em->source.paragraph = p;
        em->source.span.start = para->span.start + m->start;
        em->source.span.end = para->span.start + m->end;
        em->source.span.char_start =
            para->span.char_start + (uint32_t)text_utf8_count(s, m->start);
        em->source.span.char_end =
            em->source.span.char_start +
            (uint32_t)text_utf8_count(s + m->start, m->end - m->start);
        em->role_start = m->role_end ? para->span.start + m->role_start : 0;
        em->role_end = m->role_end ? para->span.start + m->role_end : 0;
    }
}

/* Statistics read only the corpus and write only their own fields of the
 * result, so they run on a thread of their own beside events and
 * projects. */
typedef struct {
    const extract_lexicon_t *lex;
    const corpus_t *corpus;
    extract_result_t *r;
} stats_job_t;

static void *stats_worker(void *arg) {
    stats_job_t *job = arg;
    extract__statistics_run(job->lex, job->corpus, job->r);
    return NULL;
}

int extract_run(const extract_lexicon_t *lex, const corpus_t *corpus,
                extract_result_t **out) {
    extract_result_t *r = vj_calloc(1, sizeof *r);
    run_t run = {.lex = lex, .corpus = corpus, .r = r};
    stats_job_t job = {lex, corpus, r};
    pthread_t th;
    int threaded = pthread_create(&th, NULL, stats_worker, &job) == 0;
    for (size_t d = 0; d < corpus_doc_count(corpus); d++) {
        const corpus_doc_t *doc = corpus_doc_at(corpus, d);
        for (uint32_t p = 0; p < doc->paragraph_count; p++) {
            paragraph_mentions(&run, doc, (uint32_t)d, p);
            if (strcmp(doc->language, "vi") != 0)
                continue; /* the rules are Vietnamese */
            const corpus_paragraph_t *para = &doc->paragraphs[p];
            for (uint32_t k = 0; k < para->sentence_count; k++)
                sentence_events(&run, doc, (uint32_t)d,
                                &doc->sentences[para->first_sentence + k]);
        }
    }
    free(run.pm);
    merge_events(lex, corpus, r);
    for (size_t i = 0; i < r->event_count; i++)
        r->events[i].project = -1;
    extract__projects_run(lex, corpus, r);
    if (threaded)
        pthread_join(th, NULL);
    else
        extract__statistics_run(lex, corpus, r);

    if (r->mention_count > 1)
        qsort(r->mentions, r->mention_count, sizeof *r->mentions, mention_cmp);
    r->entity_count = extract_entity_count(lex);
    r->mention_first = vj_calloc(r->entity_count + 1, sizeof(size_t));
    r->mention_n = vj_calloc(r->entity_count + 1, sizeof(size_t));
    for (size_t i = r->mention_count; i > 0; i--) {
        uint32_t e = r->mentions[i - 1].entity;
        r->mention_first[e] = i - 1;
        r->mention_n[e]++;
    }
    *out = r;
    return 0;
}

void extract_result_free(extract_result_t *r) {
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->event_count; i++)
        event_free(&r->events[i]);
    free(r->events);
    free(r->mentions);
    free(r->mention_first);
    free(r->mention_n);
    free(r->unresolved);
    extract__projects_free(r);
    extract__statistics_free(r);
    free(r);
}

size_t extract_event_count(const extract_result_t *r) {
    return r->event_count;
}

const extract_event_t *extract_event_at(const extract_result_t *r, size_t i) {
    return i < r->event_count ? &r->events[i] : NULL;
}

size_t extract_entity_mentions(const extract_result_t *r, size_t entity,
                               const extract_entity_mention_t **out) {
    if (entity >= r->entity_count || r->mention_n[entity] == 0) {
        *out = NULL;
        return 0;
    }
    *out = &r->mentions[r->mention_first[entity]];
    return r->mention_n[entity];
}

size_t extract_project_count(const extract_result_t *r) {
    return r->project_count;
}

const extract_project_t *extract_project_at(const extract_result_t *r,
                                            size_t i) {
    return i < r->project_count ? &r->projects[i] : NULL;
}

size_t extract_unresolved_count(const extract_result_t *r) {
    return r->unresolved_count;
}

const extract_unresolved_t *extract_unresolved_at(const extract_result_t *r,
                                                  size_t i) {
    return i < r->unresolved_count ? &r->unresolved[i] : NULL;
}
