/* extract.h - what vjcorpus reads out of the article text: temporal
 * expressions, entity mentions and dated events.
 *
 * The rules are Vietnamese and data-driven: trigger words, time words,
 * gazetteers of people, organisations and places live in data/lexicon/ and
 * are loaded into one extract_lexicon_t. Every function works on NFC UTF-8
 * text with explicit lengths and reports byte offsets into that text. */
#ifndef VJCORPUS_EXTRACT_H
#define VJCORPUS_EXTRACT_H

#include "vjcorpus/corpus.h"

#include <stddef.h>
#include <stdint.h>

typedef struct extract_lexicon extract_lexicon_t;

/* Loads every extraction lexicon file from dir (temporal.tsv,
 * event_triggers.tsv, people.tsv, organizations.tsv, places.tsv, ...).
 * Problems are reported through cb as "path:line: message". Returns 0 and a
 * new lexicon, or a negative code. */
int extract_lexicon_load(const char *dir, corpus_problem_cb cb, void *data,
                         extract_lexicon_t **out);
void extract_lexicon_free(extract_lexicon_t *lex);

/* --- Dates ------------------------------------------------------------ */

/* Ordered from finest to coarsest, so a smaller value is more precise. */
typedef enum {
    EXTRACT_PREC_DAY = 1,
    EXTRACT_PREC_WEEK,
    EXTRACT_PREC_MONTH,
    EXTRACT_PREC_QUARTER,
    EXTRACT_PREC_YEAR,
} extract_precision_t;

typedef enum {
    EXTRACT_MOD_NONE = 0,
    EXTRACT_MOD_EARLY,  /* đầu năm, đầu tháng */
    EXTRACT_MOD_MID,    /* giữa năm, giữa tháng */
    EXTRACT_MOD_LATE,   /* cuối năm, cuối tháng */
    EXTRACT_MOD_APPROX, /* khoảng năm 2030 */
    EXTRACT_MOD_FISCAL, /* năm tài chính 2026, năm tài khóa 2010 */
} extract_mod_t;

typedef struct {
    int year, month, day;
} extract_ymd_t;

/* A date at its real precision. start and end are whole days: the first
 * and last day the expression covers (a month: its first and last day; a
 * range 27-29/4/2025: 2025-04-27 and 2025-04-29), with precision the unit
 * of its endpoints. A single point has end == start at that precision. */
typedef struct {
    extract_ymd_t start, end;
    extract_precision_t precision;
    extract_mod_t mod;
} extract_date_t;

/* Formats the endpoints as DESIGN §3 says: day YYYY-MM-DD; week its Monday
 * and Sunday as days; month YYYY-MM; quarter its first and last months;
 * year YYYY. start and end need 11 bytes each. */
void extract_date_format(const extract_date_t *d, char *start, char *end);

/* Does d overlap [from, to] (both inclusive, whole days)? */
int extract_date_overlaps(const extract_date_t *d, const extract_ymd_t *from,
                          const extract_ymd_t *to);

/* Orders dates by start day, then by precision (finer first). */
int extract_date_cmp(const extract_date_t *a, const extract_date_t *b);

/* Parses an ISO 8601 date at any precision for a filter ("2025",
 * "2025-04", "2025-04-27"); *lo and *hi get the first and last day it
 * covers. Returns 0 or VJ_EINVAL (also for an impossible date). */
int extract_iso_range(const char *s, extract_ymd_t *lo, extract_ymd_t *hi);

typedef enum {
    EXTRACT_TIMEX_DATE = 0,   /* resolved to a date */
    EXTRACT_TIMEX_UNRESOLVED, /* a date whose reference is unknown (gần
                                 đây; hôm qua in an article dated only to
                                 the month) */
    EXTRACT_TIMEX_DURATION,   /* 50 năm, 2 năm: a length, not a date */
} extract_timex_kind_t;

typedef enum {
    EXTRACT_TENSE_NONE = 0,
    EXTRACT_TENSE_PAST,   /* đã, vừa, hồi */
    EXTRACT_TENSE_FUTURE, /* sẽ, tới, dự kiến, đến năm */
} extract_tense_t;

typedef struct {
    uint32_t start, end; /* byte span in the text given */
    extract_timex_kind_t kind;
    extract_date_t date;  /* valid for EXTRACT_TIMEX_DATE */
    int relative;         /* resolved against the reference date */
    int range;            /* an explicit interval (27-29/4, 2024-2029) */
    int target;           /* a deadline or horizon: đến năm 2030, vào năm
                             2045 after mục tiêu */
    extract_tense_t tense; /* what the words around it say */
} extract_timex_t;

/* Finds the temporal expressions in text[0..len) (a sentence), resolving
 * partial and relative ones against ref, the document's publication date
 * (precision CORPUS_PREC_NONE: relative ones stay unresolved). Returns the
 * number found and a new array in *out (caller frees; NULL when 0),
 * ordered by start, not overlapping. */
size_t extract_timex_find(const extract_lexicon_t *lex, const char *text,
                          size_t len, const corpus_date_t *ref,
                          extract_timex_t **out);

/* --- Entities --------------------------------------------------------- */

typedef enum {
    EXTRACT_ENTITY_PERSON = 0,
    EXTRACT_ENTITY_ORGANIZATION,
    EXTRACT_ENTITY_PLACE,
} extract_entity_type_t;

/* A gazetteer entry. All strings are owned by the lexicon. */
typedef struct {
    const char *id;   /* slug of the canonical name: "takaichi-sanae" */
    const char *name; /* canonical name: "Takaichi Sanae" */
    extract_entity_type_t type;
    const char *country;      /* "VN", "JP", ... or NULL */
    const char *const *aliases; /* other names (former province names,
                                   acronyms, full forms) */
    size_t alias_count;
    const char *const *roles; /* roles the gazetteer gives ("Thủ tướng") */
    size_t role_count;
} extract_entity_t;

size_t extract_entity_count(const extract_lexicon_t *lex);
const extract_entity_t *extract_entity_at(const extract_lexicon_t *lex,
                                          size_t i);

typedef struct {
    uint32_t entity;     /* index of the gazetteer entry */
    uint32_t start, end; /* byte span of the name in the text */
    uint32_t role_start, role_end; /* span of a title before it ("Thủ
                                      tướng"), or both 0 */
} extract_mention_t;

/* Finds entity mentions in text[0..len) (a paragraph or sentence): longest
 * match first, on word boundaries, case as written (names are capitalised).
 * Returns the count and a new array in *out (caller frees), by start. */
size_t extract_entities_find(const extract_lexicon_t *lex, const char *text,
                             size_t len, extract_mention_t **out);


/* --- Events and the corpus-wide extraction ----------------------------- */

typedef enum {
    EXTRACT_EVENT_VISIT = 0,
    EXTRACT_EVENT_MEETING,
    EXTRACT_EVENT_AGREEMENT,
    EXTRACT_EVENT_OPENING,
    EXTRACT_EVENT_GROUNDBREAKING,
    EXTRACT_EVENT_FORUM,
    EXTRACT_EVENT_ANNOUNCEMENT,
    EXTRACT_EVENT_MILESTONE,
    EXTRACT_EVENT_TARGET,
    EXTRACT_EVENT_OTHER,
    EXTRACT_EVENT_TYPE_COUNT
} extract_event_type_t;

/* "visit", "meeting", ...; NULL-terminated list of all of them. */
extern const char *const extract_event_type_names[];

/* Where an item was read: a span of a document's text. */
typedef struct {
    uint32_t doc;       /* index in the corpus */
    uint32_t paragraph; /* index in the document */
    corpus_span_t span; /* in the document text */
} extract_source_t;

typedef struct {
    extract_source_t source; /* the sentence that reports it */
    extract_date_t date;     /* as this report dates it */
} extract_report_t;

typedef struct {
    char *id; /* deterministic: the document id and byte offset of the
                 report that came first */
    extract_date_t date; /* the most precise date its reports agree on */
    extract_event_type_t type;
    int planned;
    char *title; /* the clause that says what happened */
    uint32_t *actors; /* entity indices: people and organisations */
    size_t actor_count;
    uint32_t *places; /* entity indices: places */
    size_t place_count;
    extract_report_t *reports; /* earliest-published first */
    size_t report_count;
    int32_t project; /* index of the project it concerns, or -1 */
} extract_event_t;

typedef struct {
    uint32_t entity;
    extract_source_t source;         /* the name */
    uint32_t role_start, role_end;   /* byte span of its title, or 0, 0 */
} extract_entity_mention_t;

typedef struct {
    extract_source_t source; /* the expression */
    const char *reason;
} extract_unresolved_t;

/* Everything extracted from one corpus: events in date order, entity
 * mentions, unresolved dates. Immutable once built. */
typedef struct extract_result extract_result_t;

/* Runs every extractor over the corpus (borrowed; must outlive the
 * result, as must lex). Returns 0 and a new result. */
int extract_run(const extract_lexicon_t *lex, const corpus_t *corpus,
                extract_result_t **out);
void extract_result_free(extract_result_t *r);

size_t extract_event_count(const extract_result_t *r);
const extract_event_t *extract_event_at(const extract_result_t *r, size_t i);

/* Mentions of entity i (a gazetteer index), in corpus order. */
size_t extract_entity_mentions(const extract_result_t *r, size_t entity,
                               const extract_entity_mention_t **out);

/* --- Projects ----------------------------------------------------------- */

typedef enum {
    EXTRACT_SECTOR_TRANSPORT = 0,
    EXTRACT_SECTOR_ENERGY,
    EXTRACT_SECTOR_ENVIRONMENT,
    EXTRACT_SECTOR_URBAN,
    EXTRACT_SECTOR_EDUCATION,
    EXTRACT_SECTOR_HEALTH,
    EXTRACT_SECTOR_SPACE,
    EXTRACT_SECTOR_AGRICULTURE,
    EXTRACT_SECTOR_DIGITAL,
    EXTRACT_SECTOR_INDUSTRY,
    EXTRACT_SECTOR_OTHER,
    EXTRACT_SECTOR_COUNT
} extract_sector_t;
extern const char *const extract_sector_names[]; /* NULL-terminated */

typedef enum {
    EXTRACT_STATUS_PROPOSED = 0,
    EXTRACT_STATUS_PLANNED,
    EXTRACT_STATUS_UNDER_CONSTRUCTION,
    EXTRACT_STATUS_COMPLETED,
    EXTRACT_STATUS_OPERATIONAL,
    EXTRACT_STATUS_UNKNOWN,
    EXTRACT_STATUS_COUNT
} extract_status_t;
extern const char *const extract_status_names[]; /* NULL-terminated */

typedef enum {
    EXTRACT_FUNDING_ODA_LOAN = 0,
    EXTRACT_FUNDING_GRANT,
    EXTRACT_FUNDING_FDI,
    EXTRACT_FUNDING_JBIC,
    EXTRACT_FUNDING_PRIVATE,
    EXTRACT_FUNDING_UNKNOWN,
    EXTRACT_FUNDING_COUNT
} extract_funding_t;
extern const char *const extract_funding_names[]; /* NULL-terminated */

/* One step of a project's history: the status a verb gives it, with the
 * date of that verb's clause (has_date 0 when the clause has none). */
typedef struct {
    extract_status_t status;
    int has_date;
    extract_date_t date;
    extract_source_t source; /* the clause or sentence that says so */
} extract_status_step_t;

typedef struct {
    char *id;   /* slug of the canonical name: "metro-so-1-tp-ho-chi-minh" */
    char *name; /* the most complete form */
    char **aliases; /* the other forms found */
    size_t alias_count;
    extract_sector_t sector;
    extract_status_t status; /* the latest step of history, or unknown */
    extract_funding_t funding;
    int32_t location;    /* entity index of the place, or -1 */
    uint32_t *partners;  /* entity indices: organisations */
    size_t partner_count;
    extract_status_step_t *history; /* in date order (undated last) */
    size_t history_count;
    extract_source_t *mentions; /* every mention, the name's span */
    size_t mention_count;
    char *amount_text; /* a planned amount the text gives ("khoảng 20 tỷ
                          USD"), or NULL */
} extract_project_t;

size_t extract_project_count(const extract_result_t *r);
const extract_project_t *extract_project_at(const extract_result_t *r,
                                            size_t i);

/* --- Quantities and statistics ------------------------------------------ */

typedef enum {
    EXTRACT_UNIT_USD = 0,
    EXTRACT_UNIT_EUR,
    EXTRACT_UNIT_JPY,
    EXTRACT_UNIT_VND,
    EXTRACT_UNIT_PERCENT,
    EXTRACT_UNIT_KM,
    EXTRACT_UNIT_PERSON,
    EXTRACT_UNIT_COMPANY,
    EXTRACT_UNIT_PROJECT,
    EXTRACT_UNIT_LOCALITY,
    EXTRACT_UNIT_OTHER,
    EXTRACT_UNIT_COUNT
} extract_unit_t;
/* "USD", "EUR", "JPY", "VND", "%", "km", "person", "company", "project",
 * "locality", "other"; NULL-terminated. */
extern const char *const extract_unit_names[];

typedef enum {
    EXTRACT_APPROX_EXACT = 0,
    EXTRACT_APPROX_ABOUT,     /* khoảng, xấp xỉ, tầm */
    EXTRACT_APPROX_MORE_THAN, /* hơn, trên */
    EXTRACT_APPROX_LESS_THAN, /* dưới */
    EXTRACT_APPROX_NEARLY,    /* gần */
    EXTRACT_APPROX_COUNT
} extract_approx_t;
extern const char *const extract_approx_names[]; /* NULL-terminated */

typedef enum {
    EXTRACT_METRIC_TRADE = 0,
    EXTRACT_METRIC_EXPORT,
    EXTRACT_METRIC_IMPORT,
    EXTRACT_METRIC_INVESTMENT,
    EXTRACT_METRIC_ODA,
    EXTRACT_METRIC_LOAN,
    EXTRACT_METRIC_VISITORS,
    EXTRACT_METRIC_RESIDENTS,
    EXTRACT_METRIC_WORKERS,
    EXTRACT_METRIC_TRAINEES,
    EXTRACT_METRIC_STUDENTS,
    EXTRACT_METRIC_COMPANIES,
    EXTRACT_METRIC_PROJECTS,
    EXTRACT_METRIC_LOCALITIES,
    EXTRACT_METRIC_INFRASTRUCTURE,
    EXTRACT_METRIC_TARGET,
    EXTRACT_METRIC_OTHER,
    EXTRACT_METRIC_COUNT
} extract_metric_t;
extern const char *const extract_metric_names[]; /* NULL-terminated */

/* A number with its scale, unit and qualifier, as written. */
typedef struct {
    uint32_t start, end; /* byte span in the text given, qualifier to unit */
    double value;        /* scale applied: "42,5 tỷ USD" -> 42500000000 */
    int has_max;         /* a range: "từ X đến Y", "1-2" */
    double value_max;
    extract_unit_t unit;
    uint32_t unit_start, unit_end; /* span of the unit words, or 0, 0 */
    extract_approx_t approx;
    int change; /* "tăng 11%", "giảm ...": a change, not a level */
    int change_sign; /* +1 tăng, -1 giảm, 0 unknown */
} extract_quantity_t;

/* Finds the quantities in text[0..len) (a sentence): Vietnamese number
 * syntax ("580.000", "42,5", "2.812,8", "42.5 tỷ"), scale words (nghìn,
 * ngàn, triệu, tỷ, tỉ and products), percentages, ranges, qualifiers,
 * currencies and counted nouns. Not quantities: dates, years, ordinals,
 * names with numbers (G7, LOTUSat-1, Metro số 2), list numbering. A number
 * too large to hold is rejected, never undefined. Returns the count and a
 * new array in *out (caller frees), by start. */
size_t extract_quantities_find(const extract_lexicon_t *lex, const char *text,
                               size_t len, extract_quantity_t **out);

/* One numeric fact. */
typedef struct {
    char *id; /* deterministic: document id and byte offset */
    extract_metric_t metric;
    extract_quantity_t q; /* value, range, unit, approx; offsets are into
                             the sentence of source */
    char *unit_text;      /* the unit words as written, or NULL */
    int has_period;
    extract_date_t period; /* the reference period, from the tagger */
    int is_change;          /* a percentage change: kind "change" */
    int32_t change_of;      /* for a change: index of the figure it
                               qualifies, or -1 */
    int32_t change;         /* for a figure: index of its change, or -1 */
    int has_converted;      /* "66,086 tỷ yên (540 triệu USD)" */
    double converted_value;
    extract_unit_t converted_unit;
    int32_t subject_from, subject_to; /* entity indices (places) or -1:
                                         "Việt Nam xuất khẩu sang Nhật Bản" */
    extract_source_t source;    /* the quantity's span in the document */
    extract_source_t sentence;  /* the sentence it is in */
} extract_statistic_t;

size_t extract_statistic_count(const extract_result_t *r);
const extract_statistic_t *extract_statistic_at(const extract_result_t *r,
                                                size_t i);

size_t extract_unresolved_count(const extract_result_t *r);
const extract_unresolved_t *extract_unresolved_at(const extract_result_t *r,
                                                  size_t i);
#endif
