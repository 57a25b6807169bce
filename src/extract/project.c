/* project.c - cooperation projects: mentions, merging, attributes, history
 * and the links from events.
 *
 * Mentions. A head word from project_heads.tsv ("Dự án", "Nhà máy",
 * "tuyến Metro", "Trường Đại học", ...) opens a name, which runs word by
 * word until something ends it: a comma, a bracket, a quote, a date, a
 * stop word ("sẽ", "do", "của", "sử dụng"), a dash before another head,
 * or "tại"/"ở" (kept, with the place after it, only while the name has
 * nothing distinctive of its own: "tuyến Metro số 1 tại TP. Hồ Chí Minh").
 * Entity names (places, organisations) are taken whole. A head right after
 * "các", "những", a number ... is generic and skipped, and so is a name
 * with nothing distinctive in it (a proper name, a number, an acronym, a
 * place, a quoted title) unless its head is capitalised mid-sentence. A
 * comma inside an enumeration that ends in a bracketed acronym stays in
 * the name ("Dự án hợp tác khoa học, công nghệ và ... (NEXUS)"). Schools
 * and hospitals are projects only when a project word governs one of
 * their mentions. Every item of a numbered list under a short heading
 * such as "Danh mục các dự án" is a project, named by the whole item.
 *
 * Merging. Each mention gets a signature of folded tokens: numbers,
 * places and proper names (gazetteer entities and capitalised words that
 * are not lexicon words) and content words, with synonyms mapped
 * (đường sắt đô thị = metro) and noise words left out. Mentions with the
 * same signature are one group; groups join a cluster when nothing
 * conflicts (different numbers, places, proper names, sectors, or two
 * items of one list) and enough is shared (a proper name; else a number or
 * place and most content words). A mention with nothing distinctive joins
 * a named project of the same paragraph and sector that shares a word.
 *
 * Attributes. sector: the heaviest sector word of the names. location: a
 * place in the name, else right after it. partners: organisations of the
 * mention's clause and of the clauses after it that name no other project
 * (of the whole sentence when it names one project). funding: the heaviest
 * funding word there. status: each status verb governs the project named
 * right after it in its clause (a few words may come between) or right
 * before it; a planning word before it in the clause, or a date of its
 * clause after the article, makes the step planned; the step is dated by
 * the date that governs the verb in its clause. history lists the steps by
 * date (undated last); status is the latest step that happened, else the
 * latest plan. A list item's status and amount come from a sentence of its
 * article that names the list with an amount ("đề xuất Danh mục ... với
 * tổng quy mô khoảng 20 tỷ USD").
 *
 * Events. An event concerns the project named first inside its title
 * clause within the sentence of its first report. */
#include "internal.h"
#include "vjcorpus/text.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

const char *const extract_sector_names[] = {
    "transport", "energy",   "environment", "urban",
    "education", "health",   "space",       "agriculture",
    "digital",   "industry", "other",       NULL};
const char *const extract_status_names[] = {
    "proposed", "planned", "under_construction", "completed", "operational",
    "unknown",  NULL};
const char *const extract_funding_names[] = {
    "oda_loan", "grant", "fdi", "jbic", "private", "unknown", NULL};

/* --- Lexicon -------------------------------------------------------------- */

enum {
    W_HEAD,
    W_PLURAL,
    W_STOP,
    W_PLACE_LINK,
    W_ADMIN,
    W_WEAK,
    W_NOISE,
    W_BUILDS,
    W_JOINER,
    W_LIST,
    W_SYNONYM,
    W_AMOUNT,
    W_AMOUNT_QUAL,
    W_AMOUNT_CUE,
    W_SECTOR,
    W_STATUS,
    W_PLANNED,
    W_BETWEEN,
    W_AUX,
    W_FUNDING,
    W_ALIAS,
    W_TRIGGER, /* heads and aliases: what a sentence is scanned for */
    W_COUNT
};

enum { HEAD_NAMED, HEAD_CAPITAL, HEAD_INSTITUTION };

/* Which file may hold which kind, and what its fields mean. */
enum { V_NONE, V_HEADFLAG, V_TEXT, V_SECTOR, V_STATUS, V_FUNDING };

static const struct {
    const char *file;
    const char *name;
    int kind;
    int value; /* V_* */
    int weighted;
} kinds[] = {
    {"project_heads.tsv", "head", W_HEAD, V_HEADFLAG, 0},
    {"project_heads.tsv", "plural", W_PLURAL, V_NONE, 0},
    {"project_heads.tsv", "stop", W_STOP, V_NONE, 0},
    {"project_heads.tsv", "place_link", W_PLACE_LINK, V_NONE, 0},
    {"project_heads.tsv", "admin", W_ADMIN, V_NONE, 0},
    {"project_heads.tsv", "weak", W_WEAK, V_NONE, 0},
    {"project_heads.tsv", "noise", W_NOISE, V_NONE, 0},
    {"project_heads.tsv", "builds", W_BUILDS, V_NONE, 0},
    {"project_heads.tsv", "joiner", W_JOINER, V_NONE, 0},
    {"project_heads.tsv", "list", W_LIST, V_NONE, 0},
    {"project_heads.tsv", "synonym", W_SYNONYM, V_TEXT, 0},
    {"project_heads.tsv", "amount", W_AMOUNT, V_NONE, 0},
    {"project_heads.tsv", "amount_qual", W_AMOUNT_QUAL, V_NONE, 0},
    {"project_heads.tsv", "amount_cue", W_AMOUNT_CUE, V_NONE, 0},
    {"project_sectors.tsv", "sector", W_SECTOR, V_SECTOR, 1},
    {"project_status.tsv", "status", W_STATUS, V_STATUS, 0},
    {"project_status.tsv", "planned", W_PLANNED, V_NONE, 0},
    {"project_status.tsv", "between", W_BETWEEN, V_NONE, 0},
    {"project_status.tsv", "aux", W_AUX, V_NONE, 0},
    {"project_funding.tsv", "funding", W_FUNDING, V_FUNDING, 1},
    {"project_aliases.tsv", "alias", W_ALIAS, V_TEXT, 0},
};

static const char *const files[] = {"project_heads.tsv", "project_sectors.tsv",
                                    "project_status.tsv", "project_funding.tsv",
                                    "project_aliases.tsv"};

struct extract__project_lex {
    extract__phrases_t *set[W_COUNT];
};

typedef struct {
    extract__project_lex_t *lex;
    const char *file;
    corpus_problem_cb cb;
    void *data;
} load_ctx_t;

static int name_index(const char *const *names, const char *s) {
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

static int project_row(char **f, size_t n, uint32_t line, void *data) {
    load_ctx_t *ctx = data;
    size_t k;
    for (k = 0; k < VJ_ARRAY_SIZE(kinds); k++)
        if (strcmp(kinds[k].file, ctx->file) == 0 &&
            strcmp(kinds[k].name, f[0]) == 0)
            break;
    if (k == VJ_ARRAY_SIZE(kinds)) {
        extract__report(ctx->cb, ctx->data, ctx->file, line,
                        "unknown kind '%s' (see the comment at the top of "
                        "the file)",
                        f[0]);
        return VJ_EPARSE;
    }
    size_t need = 2 + (kinds[k].value != V_NONE) + (size_t)kinds[k].weighted;
    if (n < need) {
        extract__report(ctx->cb, ctx->data, ctx->file, line,
                        "'%s' needs %zu tab-separated fields", f[0], need);
        return VJ_EPARSE;
    }
    int value = 0, weight = 1;
    const char *extra = NULL;
    switch (kinds[k].value) {
    case V_HEADFLAG:
        value = strcmp(f[2], "named") == 0         ? HEAD_NAMED
                : strcmp(f[2], "capital") == 0     ? HEAD_CAPITAL
                : strcmp(f[2], "institution") == 0 ? HEAD_INSTITUTION
                                                   : -1;
        break;
    case V_SECTOR:
        value = name_index(extract_sector_names, f[2]);
        break;
    case V_STATUS:
        value = name_index(extract_status_names, f[2]);
        if (value == EXTRACT_STATUS_UNKNOWN)
            value = -1;
        break;
    case V_FUNDING:
        value = name_index(extract_funding_names, f[2]);
        break;
    case V_TEXT:
        extra = f[2];
        if (*extra == '\0' ||
            text_utf8_validate(extra, strlen(extra), NULL) != 0)
            value = -1;
        break;
    default:
        break;
    }
    if (value < 0) {
        extract__report(ctx->cb, ctx->data, ctx->file, line,
                        "bad value '%s' for '%s'", f[2], f[0]);
        return VJ_EPARSE;
    }
    if (kinds[k].weighted) {
        char *end;
        long w = strtol(f[3], &end, 10);
        if (*end != '\0' || w < 0 || w > 100) {
            extract__report(ctx->cb, ctx->data, ctx->file, line,
                            "weight must be a number from 0 to 100");
            return VJ_EPARSE;
        }
        weight = (int)w;
    }
    if (extract__phrases_add(ctx->lex->set[kinds[k].kind], f[1], kinds[k].kind,
                             value, weight, extra) != 0 ||
        ((kinds[k].kind == W_HEAD || kinds[k].kind == W_ALIAS) &&
         extract__phrases_add(ctx->lex->set[W_TRIGGER], f[1], kinds[k].kind,
                              value, weight, extra) != 0)) {
        extract__report(ctx->cb, ctx->data, ctx->file, line,
                        "empty phrase or invalid UTF-8");
        return VJ_EPARSE;
    }
    return 0;
}

int extract__project_lex_load(const char *dir, corpus_problem_cb cb, void *data,
                              extract__project_lex_t **out) {
    extract__project_lex_t *lex = vj_calloc(1, sizeof *lex);
    for (int i = 0; i < W_COUNT; i++)
        lex->set[i] = extract__phrases_new();
    for (size_t i = 0; i < VJ_ARRAY_SIZE(files); i++) {
        load_ctx_t ctx = {lex, files[i], cb, data};
        int rc =
            extract__tsv_read(dir, files[i], 4, project_row, &ctx, cb, data);
        if (rc != 0) {
            extract__project_lex_free(lex);
            return rc;
        }
    }
    *out = lex;
    return 0;
}

void extract__project_lex_free(extract__project_lex_t *p) {
    if (p == NULL)
        return;
    for (int i = 0; i < W_COUNT; i++)
        extract__phrases_free(p->set[i]);
    free(p);
}

/* --- Small helpers ----------------------------------------------------------
 */

#define PUSH(arr, count, cap)                                                  \
    ((count) == (cap) ? ((cap) = (cap) ? (cap)*2 : 16,                         \
                         (arr) = vj_realloc((arr), (cap) * sizeof *(arr)))     \
                      : (arr),                                                 \
     &(arr)[(count)++])

/* Limits that keep one sentence's work bounded. */
#define MAX_NAME_WORDS 30
#define MAX_NAME_BYTES 400
#define MAX_CLAUSES 64
#define MAX_CANDS 64

typedef struct {
    char **v;
    size_t n, cap;
} strv_t;

static void strv_add(strv_t *s, const char *t, size_t len) {
    for (size_t i = 0; i < s->n; i++)
        if (strlen(s->v[i]) == len && memcmp(s->v[i], t, len) == 0)
            return;
    *PUSH(s->v, s->n, s->cap) = vj_strndup(t, len);
}

static void strv_free(strv_t *s) {
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int strv_has(const strv_t *s, const char *t) {
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i], t) == 0)
            return 1;
    return 0;
}

static int32_t cp_at(const char *s, size_t len, size_t at) {
    size_t i = at;
    return at < len ? text_utf8_next(s, len, &i) : -1;
}

/* The start of the next word at or after i, or len. */
static size_t next_word(const char *s, size_t len, size_t i) {
    while (i < len) {
        size_t at = i;
        if (extract__is_word_cp(text_utf8_next(s, len, &i)))
            return at;
    }
    return len;
}

/* The start of the word that ends at or before i (skipping only spaces),
 * or SIZE_MAX when something else comes first. */
static size_t prev_word(const char *s, size_t i) {
    while (i > 0 && s[i - 1] == ' ')
        i--;
    if (i == 0)
        return SIZE_MAX;
    size_t end = i;
    /* step back over whole code points of word characters */
    while (i > 0) {
        size_t st = i - 1;
        while (st > 0 && ((unsigned char)s[st] & 0xC0) == 0x80)
            st--;
        if (!extract__is_word_cp(cp_at(s, end, st)))
            break;
        i = st;
    }
    return i < end ? i : SIZE_MAX;
}

static int all_digits(const char *s, size_t n) {
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int has_digit(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] >= '0' && s[i] <= '9')
            return 1;
    return 0;
}

static int is_dash_cp(int32_t cp) {
    return cp == '-' || cp == 0x2013 || cp == 0x2014 || cp == 0x2012 ||
           cp == 0x2010 || cp == 0x2011;
}

/* Folds s[0..n) (lower case, no marks, đ -> d) into a new string. */
static char *fold(const char *s, size_t n) {
    char *f;
    size_t fl;
    if (text_fold(s, n, &f, &fl) != 0)
        return vj_strndup("", 0);
    return f;
}

/* Copies s[0..n) without quote marks and with runs of spaces collapsed. */
static char *clean_form(const char *s, size_t n) {
    vj_buf_t b;
    vj_buf_init(&b);
    size_t i = 0;
    while (i < n) {
        size_t at = i;
        int32_t cp = text_utf8_next(s, n, &i);
        if (cp == '"' || cp == 0x201C || cp == 0x201D)
            continue;
        if (text_cp_is_space(cp)) {
            if (b.len && b.data[b.len - 1] != ' ')
                vj_buf_putc(&b, ' ');
            continue;
        }
        vj_buf_append(&b, s + at, i - at);
    }
    while (b.len && b.data[b.len - 1] == ' ')
        b.data[--b.len] = '\0';
    char *out = vj_buf_steal(&b, NULL);
    vj_buf_free(&b);
    return out;
}

/* --- Per-run state
 * ------------------------------------------------------------- */

/* A mention and what its sentence says about it. */
typedef struct {
    uint32_t doc;
    extract_source_t src; /* the name */
    char *form;           /* the name as written, cleaned */
    char *key;            /* the compact name ids are made from */
    strv_t tok;           /* signature tokens, sorted */
    char *sig;            /* tokens joined */
    int list;             /* > 0: item of list number list */
    int institution;      /* a school or hospital head */
    int governed;         /* a project word or status verb governs it */
    int sector, sector_w;
    int32_t location;
    int funding, funding_w;
    uint32_t *partners;
    size_t partner_count;
    extract_status_step_t *steps;
    size_t step_count;
    char *amount;
    char *acronym;
    size_t cluster;
} pm_t;

typedef struct {
    const extract_lexicon_t *lex;
    const extract__project_lex_t *pl;
    const corpus_t *corpus;
    extract_result_t *r;
    pm_t *pm;
    size_t pm_count, pm_cap;
    int lists;           /* lists seen */
    unsigned char *weak; /* per gazetteer entry: a weak name */
    size_t weak_count;
    /* the current paragraph's entity mentions */
    extract_mention_t *ents;
    size_t ent_count;
    uint32_t para_start;
} prun_t;

/* Loads the entity mentions of paragraph p of document d into run->ents
 * (paragraph-relative): from r->mentions, which event.c has filled in
 * corpus order by the time projects run, else by matching again. */
static void paragraph_entities(prun_t *run, const corpus_doc_t *doc, uint32_t d,
                               uint32_t p) {
    const corpus_paragraph_t *para = &doc->paragraphs[p];
    const extract_result_t *r = run->r;
    run->ent_count = 0;
    run->para_start = para->span.start;
    /* the first mention at or after (d, p) */
    size_t lo = 0, hi = r->mention_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const extract_source_t *s = &r->mentions[mid].source;
        if (s->doc < d || (s->doc == d && s->paragraph < p))
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < r->mention_count && r->mentions[end].source.doc == d &&
           r->mentions[end].source.paragraph == p)
        end++;
    free(run->ents);
    run->ents = NULL;
    if (end > lo) {
        run->ents = vj_malloc((end - lo) * sizeof *run->ents);
        for (size_t i = lo; i < end; i++) {
            const extract_entity_mention_t *m = &r->mentions[i];
            if (m->source.span.start < para->span.start ||
                m->source.span.end > para->span.end)
                continue;
            extract_mention_t *e = &run->ents[run->ent_count++];
            memset(e, 0, sizeof *e);
            e->entity = m->entity;
            e->start = m->source.span.start - para->span.start;
            e->end = m->source.span.end - para->span.start;
        }
        return;
    }
    if (r->mention_count == 0) /* not filled: find them here */
        run->ent_count = extract_entities_find(
            run->lex, doc->text + para->span.start,
            para->span.end - para->span.start, &run->ents);
}

#define SET(run, k) ((run)->pl->set[(k)])

/* --- Sentence analysis
 * ---------------------------------------------------------- */

/* One sentence being read. Offsets are sentence-relative. */
typedef struct {
    const char *s, *low;
    size_t len;
    uint32_t first_word;     /* after a list number "(1)", "2." */
    extract_mention_t *ents; /* entity mentions inside the sentence */
    size_t ent_count;
    extract_timex_t *tx;
    size_t tx_count;
    extract__range_t clauses[MAX_CLAUSES];
    size_t clause_count;
    /* funding words, amount cues and money units of the whole sentence,
     * found once (hits_ready) for all its mentions */
    int hits_ready;
    extract__phrase_hit_t *fund, *cues, *units;
    size_t nfund, ncues, nunits;
} sent_t;

static void sent_hits(const prun_t *run, sent_t *st);
static void sent_hits_free(sent_t *st);

typedef struct {
    uint32_t start, end; /* the name */
    uint32_t after;      /* end of a place right after it ("tại Hà Nội") */
    uint32_t head_end;
    int flag;        /* HEAD_* */
    int cap;         /* head capitalised mid-sentence */
    int distinct;    /* proper name, number, place, quote, acronym */
    int descriptive; /* no proper name, number or place */
    char *acronym;
    size_t alias; /* a curated alias: 1 + its hit's index, else 0 */
} cand_t;

static const extract_mention_t *entity_at(const sent_t *st, size_t at) {
    for (size_t i = 0; i < st->ent_count; i++)
        if (st->ents[i].start == at)
            return &st->ents[i];
    return NULL;
}

static const extract_mention_t *entity_covering(const sent_t *st, size_t a,
                                                size_t b) {
    for (size_t i = 0; i < st->ent_count; i++)
        if (st->ents[i].start < b && st->ents[i].end > a)
            return &st->ents[i];
    return NULL;
}

static int entity_is(const prun_t *run, const extract_mention_t *m,
                     extract_entity_type_t type) {
    return extract_entity_at(run->lex, m->entity)->type == type;
}

/* A weak entity: a country name that identifies no project. */
static int entity_weak(const prun_t *run, const extract_mention_t *m) {
    return m->entity < run->weak_count && run->weak[m->entity];
}

static int entity_name_weak(const prun_t *run, size_t entity) {
    const extract_entity_t *e = extract_entity_at(run->lex, entity);
    size_t n = strlen(e->name);
    char *low = extract__lower_copy(e->name, n);
    const extract__phrase_t *p =
        extract__phrases_at(SET(run, W_WEAK), e->name, low, n, 0);
    free(low);
    return p != NULL && p->len == n;
}

static int timex_in(const sent_t *st, size_t a, size_t b, size_t *tstart) {
    for (size_t i = 0; i < st->tx_count; i++)
        if (st->tx[i].start < b && st->tx[i].end > a) {
            *tstart = st->tx[i].start;
            return 1;
        }
    return 0;
}

static const extract__phrase_t *word_in(const prun_t *run, int kind,
                                        const sent_t *st, size_t at) {
    return extract__phrases_at(SET(run, kind), st->s, st->low, st->len, at);
}

/* Is the word at 'at' capitalised or holding a digit, and not a lexicon
 * word (a head, synonym, sector, weak or noise word)? */
static int proper_word(const prun_t *run, const sent_t *st, size_t at,
                       size_t end) {
    if (at == st->first_word)
        return 0;
    int32_t cp = cp_at(st->s, st->len, at);
    int upper = text_cp_is_upper(cp);
    if (!upper && !has_digit(st->s + at, end - at))
        return 0;
    if (all_digits(st->s + at, end - at))
        return 0; /* a number, counted apart */
    static const int lexical[] = {W_HEAD, W_SYNONYM, W_SECTOR,
                                  W_WEAK, W_NOISE,   W_STOP};
    for (size_t k = 0; k < VJ_ARRAY_SIZE(lexical); k++)
        if (word_in(run, lexical[k], st, at))
            return 0;
    return 1;
}

/* "(ABC)" at i (after spaces): the acronym's span, or 0. */
static int acronym_at(const sent_t *st, size_t i, size_t *a, size_t *b) {
    while (i < st->len && st->s[i] == ' ')
        i++;
    if (i >= st->len || st->s[i] != '(')
        return 0;
    size_t j = i + 1, upper = 0;
    while (j < st->len && j - i <= 13) {
        char c = st->s[j];
        if (c >= 'A' && c <= 'Z')
            upper++;
        else if (!(c >= '0' && c <= '9') && c != '-')
            break;
        j++;
    }
    if (j >= st->len || st->s[j] != ')' || upper < 2 || j - i - 1 > 12)
        return 0;
    *a = i + 1;
    *b = j;
    return 1;
}

/* Where the list number of a sentence ends: "(1) ", "2. ", "3) ". */
static uint32_t after_list_number(const char *s, size_t len) {
    size_t i = 0;
    if (i < len && s[i] == '(')
        i++;
    size_t d = i;
    while (i < len && i - d < 3 && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == d || i >= len)
        return 0;
    if (s[i] == ')' || (s[i] == '.' && s[0] != '('))
        i++;
    else
        return 0;
    while (i < len && s[i] == ' ')
        i++;
    return (uint32_t)i;
}

/* After a comma in a name: does an enumeration run on to a bracketed
 * acronym, with no stop word or head on the way? Returns the new end of
 * the name (before the bracket) or 0. */
static size_t enumeration_end(const prun_t *run, const sent_t *st, size_t i) {
    size_t limit = i + 200 < st->len ? i + 200 : st->len;
    size_t last = 0;
    while (i < limit) {
        size_t ws = next_word(st->s, st->len, i);
        /* what stands between: spaces, commas, dashes */
        for (size_t g = i; g < ws && g < st->len;) {
            size_t at = g;
            int32_t cp = text_utf8_next(st->s, st->len, &g);
            if (cp == '(') {
                size_t a, b;
                return last && acronym_at(st, at, &a, &b) ? last : 0;
            }
            if (!(cp == ' ' || cp == ',' || is_dash_cp(cp)))
                return 0;
        }
        if (ws >= limit)
            return 0;
        if (!word_in(run, W_JOINER, st, ws) &&
            (word_in(run, W_STOP, st, ws) || word_in(run, W_HEAD, st, ws) ||
             word_in(run, W_PLACE_LINK, st, ws)))
            return 0;
        const extract_mention_t *e = entity_at(st, ws);
        size_t we =
            e ? e->end : ws + extract__syllable_len(st->s + ws, st->len - ws);
        last = we;
        i = we;
    }
    return 0;
}

/* Reads the name that the head hit h opens. Returns 1 and fills c when it
 * is a project mention. *consumed is where the next head may start. */
static int read_name(const prun_t *run, const sent_t *st,
                     const extract__phrase_hit_t *h, cand_t *c,
                     size_t *consumed) {
    const char *s = st->s;
    size_t len = st->len;
    memset(c, 0, sizeof *c);
    c->start = h->start;
    c->head_end = h->end;
    c->flag = h->p->value;
    *consumed = h->end;

    /* generic: "các dự án", "15 dự án" */
    size_t pw = prev_word(s, h->start);
    if (pw != SIZE_MAX) {
        if (all_digits(s + pw, h->start - pw - (s[h->start - 1] == ' ')))
            return 0;
        const extract__phrase_t *pl = word_in(run, W_PLURAL, st, pw);
        if (pl && pw + pl->len + 1 >= h->start)
            return 0;
        /* a two-word plural ("một số") */
        size_t pw2 = prev_word(s, pw);
        if (pw2 != SIZE_MAX) {
            pl = word_in(run, W_PLURAL, st, pw2);
            if (pl && pw2 + pl->len + 1 >= h->start && pl->len > pw - pw2)
                return 0;
        }
    }
    c->cap =
        h->start != st->first_word && text_cp_is_upper(cp_at(s, len, h->start));

    size_t end = h->end;
    int proper = 0, number = 0, place = 0, quoted = 0;
    /* an entity that starts with the head ("Trường Đại học Việt - Nhật") */
    const extract_mention_t *e0 = entity_at(st, h->start);
    if (e0 && e0->end > end) {
        end = e0->end;
        if (!entity_weak(run, e0)) {
            if (entity_is(run, e0, EXTRACT_ENTITY_PLACE))
                place = 1;
            else
                proper = 1;
        }
    }

    size_t i = end;
    /* a quoted title right after the head */
    size_t q = i;
    while (q < len && s[q] == ' ')
        q++;
    int32_t qcp = cp_at(s, len, q);
    if (qcp == 0x201C || qcp == '"') {
        size_t j = q;
        text_utf8_next(s, len, &j);
        size_t open = j;
        while (j < len && j - open < MAX_NAME_BYTES) {
            size_t at = j;
            int32_t cp = text_utf8_next(s, len, &j);
            if (cp == 0x201D || cp == '"') {
                if (at > open) {
                    end = j;
                    quoted = 1;
                }
                break;
            }
        }
        i = end;
    }

    size_t words = 0;
    while (!quoted && i < len && words < MAX_NAME_WORDS &&
           i - c->start < MAX_NAME_BYTES) {
        size_t ws = next_word(s, len, i);
        if (ws >= len)
            break;
        /* what stands between the name so far and the next word */
        int ok = 1, dash = 0, comma = 0;
        const extract_mention_t *inside = entity_covering(st, end, ws);
        for (size_t g = end; g < ws && ok;) {
            int32_t cp = text_utf8_next(s, len, &g);
            if (cp == ' ')
                continue;
            if (is_dash_cp(cp))
                dash = 1;
            else if (cp == ',')
                comma = 1;
            else if (!(inside && inside->start < ws))
                ok = 0;
        }
        if (comma) {
            /* "phòng, chống" */
            size_t lw = prev_word(s, end);
            const extract__phrase_t *j =
                lw != SIZE_MAX ? word_in(run, W_JOINER, st, lw) : NULL;
            if (j && lw + j->len >= ws) {
                end = lw + j->len;
                i = end;
                continue;
            }
            size_t ee = c->cap ? enumeration_end(run, st, end) : 0;
            if (ee) {
                end = ee;
                words += 3;
            }
            break;
        }
        if (!ok)
            break;
        size_t tstart;
        size_t we = ws + extract__syllable_len(s + ws, len - ws);
        if (timex_in(st, ws, we, &tstart)) {
            if (tstart > ws) { /* "LOTUSat-1giai đoạn": keep the "1" */
                end = tstart;
                number = 1;
            }
            break;
        }
        const extract_mention_t *e = entity_at(st, ws);
        if (e) {
            end = e->end;
            i = end;
            words++;
            if (!entity_weak(run, e)) {
                if (entity_is(run, e, EXTRACT_ENTITY_PLACE))
                    place = 1;
                else
                    proper = 1;
            }
            continue;
        }
        const extract__phrase_t *hp = word_in(run, W_HEAD, st, ws);
        if (dash && hp)
            break; /* "... Hồ Chí Minh – dự án có thể coi là" */
        if (word_in(run, W_STOP, st, ws))
            break;
        const extract__phrase_t *link = word_in(run, W_PLACE_LINK, st, ws);
        if (link) {
            /* "tại" + a place, kept while the name has no proper name */
            size_t j = next_word(s, len, ws + link->len);
            const extract__phrase_t *ad;
            int hops = 0;
            while (j < len && hops < 2 && !entity_at(st, j) &&
                   (ad = word_in(run, W_ADMIN, st, j))) {
                j = next_word(s, len, j + ad->len);
                hops++;
            }
            const extract_mention_t *pe = entity_at(st, j);
            if (!proper && !place && pe &&
                entity_is(run, pe, EXTRACT_ENTITY_PLACE)) {
                /* "TP. Hồ Chí Minh": an admin word may be the entity's */
                end = pe->end;
                if (!entity_weak(run, pe))
                    place = 1;
            }
            break;
        }
        if (hp) { /* "dự án Nhà máy điện ...": one name */
            end = ws + hp->len;
            i = end;
            words++;
            continue;
        }
        /* "và" before a head or stop ends the name */
        if (we - ws == 3 && memcmp(st->low + ws, "và", 3) == 0) {
            size_t nx = next_word(s, len, we);
            if (nx >= len || word_in(run, W_HEAD, st, nx) ||
                word_in(run, W_STOP, st, nx))
                break;
        }
        if (all_digits(s + ws, we - ws)) {
            /* "1.700 km", "42,5": a quantity, not a name's number */
            if (we + 1 < len && (s[we] == '.' || s[we] == ',') &&
                s[we + 1] >= '0' && s[we + 1] <= '9')
                break;
            number = 1;
        } else if (proper_word(run, st, ws, we))
            proper = 1;
        end = we;
        i = end;
        words++;
    }
    /* no dangling "và" */
    for (;;) {
        size_t lw = prev_word(s, end);
        if (lw == SIZE_MAX || lw < c->head_end || end - lw != 3 ||
            memcmp(st->low + lw, "và", 3) != 0)
            break;
        end = lw;
        while (end > c->head_end && s[end - 1] == ' ')
            end--;
    }
    c->end = c->after = (uint32_t)end;
    {
        size_t j = next_word(s, len, end);
        const extract__phrase_t *p;
        int hops = 0;
        while (j < len && hops < 3 && !entity_at(st, j) &&
               ((p = word_in(run, W_PLACE_LINK, st, j)) ||
                (p = word_in(run, W_ADMIN, st, j)))) {
            j = next_word(s, len, j + p->len);
            hops++;
        }
        const extract_mention_t *pe = entity_at(st, j);
        if (hops > 0 && pe && entity_is(run, pe, EXTRACT_ENTITY_PLACE) &&
            j - end < 40)
            c->after = (uint32_t)pe->end;
    }
    *consumed = end;
    if (end <= c->head_end)
        return 0; /* the head alone: "Dự án.", "Dự án này" */
    size_t a, b;
    if (acronym_at(st, end, &a, &b)) {
        c->acronym = vj_strndup(s + a, b - a);
        proper = 1;
    }
    c->distinct = proper || number || place || quoted;
    c->descriptive = !proper && !number && !place && !quoted;
    switch (c->flag) {
    case HEAD_CAPITAL:
        return c->cap && c->distinct;
    case HEAD_INSTITUTION:
        return c->distinct;
    default:
        return c->distinct || c->cap;
    }
}

/* --- Signatures
 * ------------------------------------------------------------------- */

/* Tokens of s[a..b): "#1" numbers, "@id" places, "^x" proper names and
 * organisations, plain folded syllables for the rest (synonyms mapped,
 * noise left out). ents are entity mentions of s. */
static void signature(const prun_t *run, const char *s, const char *low,
                      size_t len, size_t a, size_t b,
                      const extract_mention_t *ents, size_t ent_count,
                      uint32_t first_word, strv_t *out) {
    sent_t st = {.s = s,
                 .low = low,
                 .len = len,
                 .first_word = first_word,
                 .ents = (extract_mention_t *)(uintptr_t)ents,
                 .ent_count = ent_count};
    size_t i = a;
    while (i < b) {
        size_t ws = next_word(s, b, i);
        if (ws >= b)
            break;
        size_t we = ws + extract__syllable_len(s + ws, b - ws);
        const extract_mention_t *e = entity_at(&st, ws);
        if (e && e->end <= b) {
            const extract_entity_t *ent =
                extract_entity_at(run->lex, e->entity);
            if (!entity_weak(run, e)) {
                char *slug = extract__slug(ent->id, 0);
                vj_buf_t t;
                vj_buf_init(&t);
                vj_buf_printf(&t, "%c%s",
                              ent->type == EXTRACT_ENTITY_PLACE ? '@' : '^',
                              slug ? slug : "");
                strv_add(out, t.data, t.len);
                vj_buf_free(&t);
                free(slug);
            }
            i = e->end;
            continue;
        }
        const extract__phrase_t *p =
            extract__phrases_at(run->pl->set[W_SYNONYM], s, low, b, ws);
        if (p) {
            char *f = fold(p->extra, strlen(p->extra));
            for (char *w = strtok(f, " "); w; w = strtok(NULL, " "))
                strv_add(out, w, strlen(w));
            free(f);
            i = ws + p->len;
            continue;
        }
        p = extract__phrases_at(run->pl->set[W_NOISE], s, low, b, ws);
        if (p) {
            i = ws + p->len;
            continue;
        }
        char *f = fold(s + ws, we - ws);
        vj_buf_t t;
        vj_buf_init(&t);
        if (all_digits(s + ws, we - ws)) {
            const char *d = s + ws;
            while (we - (size_t)(d - s) > 1 && *d == '0')
                d++;
            vj_buf_putc(&t, '#');
            vj_buf_append(&t, d, we - (size_t)(d - s));
        } else if (proper_word(run, &st, ws, we)) {
            vj_buf_putc(&t, '^');
            vj_buf_puts(&t, f);
        } else {
            vj_buf_puts(&t, f);
        }
        strv_add(out, t.data, t.len);
        vj_buf_free(&t);
        free(f);
        i = we;
    }
}

/* The compact name an id is made from: leading noise ("dự án", "tuyến",
 * "xây dựng") and "tại"/"ở" left out, places by their gazetteer names. */
static char *compact_key(const prun_t *run, const sent_t *st, size_t a,
                         size_t b) {
    vj_buf_t k;
    vj_buf_init(&k);
    size_t i = a;
    int lead = 1;
    while (i < b) {
        size_t ws = next_word(st->s, b, i);
        if (ws >= b)
            break;
        size_t we = ws + extract__syllable_len(st->s + ws, b - ws);
        const extract_mention_t *e = entity_at(st, ws);
        if (e && e->end <= b) {
            if (k.len)
                vj_buf_putc(&k, ' ');
            const extract_entity_t *ent =
                extract_entity_at(run->lex, e->entity);
            vj_buf_puts(&k, ent->type == EXTRACT_ENTITY_PLACE ? ent->name
                                                              : ent->id);
            i = e->end;
            lead = 0;
            continue;
        }
        const extract__phrase_t *p = word_in(run, W_NOISE, st, ws);
        if (p && p->len <= b - ws &&
            (lead || word_in(run, W_PLACE_LINK, st, ws))) {
            i = ws + p->len;
            continue;
        }
        lead = 0;
        if (k.len)
            vj_buf_putc(&k, ' ');
        vj_buf_append(&k, st->s + ws, we - ws);
        i = we;
    }
    char *out = vj_buf_steal(&k, NULL);
    vj_buf_free(&k);
    return out;
}

/* --- Attributes of one mention
 * ---------------------------------------------------- */

static void best_phrase(const prun_t *run, int kind, const char *s, size_t a,
                        size_t b, int *value, int *weight) {
    if (b <= a)
        return;
    char *low = extract__lower_copy(s + a, b - a);
    extract__phrase_hit_t *hits = NULL;
    size_t n = extract__phrases_find(SET(run, kind), s + a, low, b - a, &hits);
    for (size_t i = 0; i < n; i++)
        if (hits[i].p->weight > *weight) {
            *weight = hits[i].p->weight;
            *value = hits[i].p->value;
        }
    free(hits);
    free(low);
}

/* An amount in s[a..b) after a cue word ("tổng quy mô khoảng 20 tỷ USD"):
 * a new string, or NULL. */
static char *find_amount(const prun_t *run, sent_t *st, size_t a, size_t b) {
    sent_hits(run, st);
    size_t from = SIZE_MAX;
    for (size_t i = 0; i < st->ncues && from == SIZE_MAX; i++)
        if (st->cues[i].start >= a && st->cues[i].end <= b)
            from = st->cues[i].end;
    if (from == SIZE_MAX)
        return NULL;
    for (size_t u = 0; u < st->nunits; u++) {
        size_t us = st->units[u].start;
        if (us < from || st->units[u].end > b)
            continue;
        size_t nw = prev_word(st->s, us);
        if (nw == SIZE_MAX || nw < from)
            continue;
        /* the number: digits with . and , inside */
        size_t ns = nw;
        while (ns > from && (st->s[ns - 1] == '.' || st->s[ns - 1] == ',' ||
                             (st->s[ns - 1] >= '0' && st->s[ns - 1] <= '9')))
            ns--;
        if (!(st->s[ns] >= '0' && st->s[ns] <= '9'))
            continue;
        size_t qs = prev_word(st->s, ns);
        if (qs != SIZE_MAX && qs >= from) {
            const extract__phrase_t *q = word_in(run, W_AMOUNT_QUAL, st, qs);
            if (q && qs + q->len + 1 >= ns)
                ns = qs;
        }
        return clean_form(st->s + ns, st->units[u].end - ns);
    }
    return NULL;
}

static void sent_hits(const prun_t *run, sent_t *st) {
    if (st->hits_ready)
        return;
    st->hits_ready = 1;
    st->nfund = extract__phrases_find(SET(run, W_FUNDING), st->s, st->low,
                                      st->len, &st->fund);
    st->ncues = extract__phrases_find(SET(run, W_AMOUNT_CUE), st->s, st->low,
                                      st->len, &st->cues);
    st->nunits = extract__phrases_find(SET(run, W_AMOUNT), st->s, st->low,
                                       st->len, &st->units);
}

static void sent_hits_free(sent_t *st) {
    free(st->fund);
    free(st->cues);
    free(st->units);
    st->fund = st->cues = st->units = NULL;
    st->hits_ready = 0;
}

/* The clauses a mention's attributes are read from: its own, and the
 * following ones that name no other project and hold no status verb; the
 * whole sentence when it names one project. */
static extract__range_t scope_of(const sent_t *st, const cand_t *cands,
                                 size_t nc, size_t ci,
                                 const extract__phrase_hit_t *verbs,
                                 size_t nv) {
    size_t k = 0;
    while (k + 1 < st->clause_count && st->clauses[k].end <= cands[ci].start)
        k++;
    extract__range_t r = st->clauses[k];
    if (nc == 1)
        r.start = 0;
    for (size_t j = k + 1; j < st->clause_count && j <= k + 1; j++) {
        extract__range_t cl = st->clauses[j];
        int busy = 0;
        for (size_t m = 0; m < nc && !busy; m++)
            busy = cands[m].start >= cl.start && cands[m].start < cl.end;
        for (size_t v = 0; v < nv && !busy; v++)
            busy = verbs[v].start >= cl.start && verbs[v].start < cl.end;
        if (busy)
            break;
        r.end = cl.end;
    }
    return r;
}

static void add_partner(pm_t *m, uint32_t e) {
    for (size_t i = 0; i < m->partner_count; i++)
        if (m->partners[i] == e)
            return;
    if (m->partner_count >= 16)
        return;
    m->partners =
        vj_realloc(m->partners, (m->partner_count + 1) * sizeof *m->partners);
    m->partners[m->partner_count++] = e;
}

/* Fills location, partners, funding and amount from the scope. */
static void attributes(const prun_t *run, sent_t *st, pm_t *m, size_t a,
                       size_t b, extract__range_t scope) {
    /* location: a place in the name, else right after it */
    m->location = -1;
    int32_t weak = -1;
    for (size_t i = 0; i < st->ent_count; i++) {
        const extract_mention_t *e = &st->ents[i];
        if (e->start >= a && e->end <= b &&
            entity_is(run, e, EXTRACT_ENTITY_PLACE)) {
            if (!entity_weak(run, e)) {
                m->location = (int32_t)e->entity;
                break;
            }
            size_t pw = prev_word(st->s, e->start);
            if (weak < 0 && pw != SIZE_MAX && pw >= a &&
                word_in(run, W_PLACE_LINK, st, pw))
                weak = (int32_t)e->entity;
        }
    }
    if (m->location < 0) {
        size_t j = next_word(st->s, st->len, b);
        const extract__phrase_t *p;
        int hops = 0;
        while (j < st->len && hops < 3 && !entity_at(st, j) &&
               ((p = word_in(run, W_PLACE_LINK, st, j)) ||
                (p = word_in(run, W_ADMIN, st, j)))) {
            j = next_word(st->s, st->len, j + p->len);
            hops++;
        }
        /* only spaces, brackets and those words on the way */
        const extract_mention_t *e = entity_at(st, j);
        if (e && entity_is(run, e, EXTRACT_ENTITY_PLACE) && j - b < 40)
            m->location = (int32_t)e->entity;
    }
    if (m->location < 0)
        m->location = weak;
    /* partners: organisations of the scope that are not the project */
    for (size_t i = 0; i < st->ent_count; i++) {
        const extract_mention_t *e = &st->ents[i];
        if (e->start < scope.start || e->end > scope.end ||
            !entity_is(run, e, EXTRACT_ENTITY_ORGANIZATION))
            continue;
        if (e->start >= a && e->end <= b) {
            /* the project itself: at the start of the name, at a head, or
             * right after the first head ("Trường Đại học Việt - Nhật",
             * "Chương trình NEXUS"); not "... của EVN" */
            const extract__phrase_t *hd = word_in(run, W_HEAD, st, a);
            if (e->start == a || word_in(run, W_HEAD, st, e->start) ||
                (hd && next_word(st->s, st->len, a + hd->len) == e->start))
                continue;
        }
        size_t ac, bc;
        if (acronym_at(st, b, &ac, &bc) && e->start == ac)
            continue; /* "(OSA)" right after the name */
        add_partner(m, e->entity);
    }
    m->funding = EXTRACT_FUNDING_UNKNOWN;
    m->funding_w = 0;
    sent_hits(run, st);
    size_t fa = a < scope.start ? a : scope.start,
           fb = b > scope.end ? b : scope.end;
    for (size_t i = 0; i < st->nfund; i++)
        if (st->fund[i].start >= fa && st->fund[i].end <= fb &&
            st->fund[i].p->weight > m->funding_w) {
            m->funding_w = st->fund[i].p->weight;
            m->funding = st->fund[i].p->value;
        }
    m->sector = EXTRACT_SECTOR_OTHER;
    m->sector_w = 0;
    best_phrase(run, W_SECTOR, st->s, a, b, &m->sector, &m->sector_w);
    m->amount = find_amount(run, st, scope.start, scope.end);
}

/* --- Status verbs
 * ---------------------------------------------------------------- */

static int only_words(const prun_t *run, int kind, const sent_t *st, size_t a,
                      size_t b, int max) {
    int n = 0;
    size_t i = a;
    while (i < b) {
        size_t ws = next_word(st->s, b, i);
        if (ws >= b)
            break;
        for (size_t g = i; g < ws; g++)
            if (st->s[g] != ' ')
                return 0;
        const extract__phrase_t *p = word_in(run, kind, st, ws);
        if (p == NULL || ++n > max)
            return 0;
        i = ws + p->len;
    }
    for (size_t g = i; g < b; g++)
        if (st->s[g] != ' ')
            return 0;
    return 1;
}

static size_t clause_of(const sent_t *st, size_t at) {
    size_t k = 0;
    while (k + 1 < st->clause_count && st->clauses[k].end <= at)
        k++;
    return k;
}

/* The date that governs verb v in its clause, as event.c dates triggers:
 * the first date after it before the next verb, else the nearest before
 * it after the previous verb, else a leading clause of nothing but a
 * date. */
static const extract_timex_t *verb_date(const sent_t *st,
                                        const extract__phrase_hit_t *verbs,
                                        size_t nv, size_t v) {
    size_t k = clause_of(st, verbs[v].start);
    extract__range_t cl = st->clauses[k];
    uint32_t next = cl.end, prev = cl.start;
    for (size_t j = 0; j < nv; j++) {
        if (verbs[j].start > verbs[v].start && verbs[j].start < next)
            next = verbs[j].start;
        if (verbs[j].end <= verbs[v].start && verbs[j].end > prev &&
            verbs[j].start >= cl.start)
            prev = verbs[j].end;
    }
    const extract_timex_t *best = NULL;
    for (size_t i = 0; i < st->tx_count; i++) {
        const extract_timex_t *t = &st->tx[i];
        if (t->kind == EXTRACT_TIMEX_DATE && t->start >= verbs[v].end &&
            t->start < next && t->end <= cl.end)
            return t;
    }
    for (size_t i = st->tx_count; i > 0; i--) {
        const extract_timex_t *t = &st->tx[i - 1];
        if (t->kind == EXTRACT_TIMEX_DATE && t->end <= verbs[v].start &&
            t->start >= prev) {
            best = t;
            break;
        }
    }
    if (best || k == 0)
        return best;
    /* "Đến hết năm 2025, ...": a first clause that is only a date */
    extract__range_t c0 = st->clauses[0];
    size_t words = extract__word_count(st->s + c0.start, c0.end - c0.start);
    for (size_t i = 0; i < st->tx_count; i++) {
        const extract_timex_t *t = &st->tx[i];
        if (t->kind == EXTRACT_TIMEX_DATE && t->end <= c0.end &&
            words <=
                extract__word_count(st->s + t->start, t->end - t->start) + 3)
            return t;
    }
    return NULL;
}

static int ymd_cmp(const extract_ymd_t *a, const extract_ymd_t *b) {
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    if (a->month != b->month)
        return a->month < b->month ? -1 : 1;
    return a->day < b->day ? -1 : a->day > b->day;
}

/* Is the date later than the period the article was published in? */
static int after_published(const corpus_doc_t *doc, const extract_date_t *d) {
    const corpus_date_t *pub = &doc->published;
    if (pub->precision == CORPUS_PREC_NONE)
        return 0;
    extract_ymd_t p = {pub->year, 12, 31};
    if (pub->precision >= CORPUS_PREC_MONTH) {
        p.month = pub->month;
        p.day = 31;
    }
    if (pub->precision >= CORPUS_PREC_DAY)
        p.day = pub->day;
    return ymd_cmp(&d->start, &p) > 0;
}

/* A clause as a source, without the spaces around it. */
static extract_source_t clause_source(const corpus_doc_t *doc, uint32_t d,
                                      const corpus_sentence_t *sent,
                                      const sent_t *st, extract__range_t cl) {
    while (cl.start < cl.end && st->s[cl.start] == ' ')
        cl.start++;
    while (cl.end > cl.start && st->s[cl.end - 1] == ' ')
        cl.end--;
    extract_source_t src = {d, sent->paragraph,
                            extract__doc_span(doc, sent, cl.start, cl.end)};
    return src;
}

static void add_step(pm_t *m, extract_status_t status, const extract_timex_t *t,
                     extract_source_t src) {
    m->steps = vj_realloc(m->steps, (m->step_count + 1) * sizeof *m->steps);
    extract_status_step_t *s = &m->steps[m->step_count++];
    memset(s, 0, sizeof *s);
    s->status = status;
    s->has_date = t != NULL;
    if (t)
        s->date = t->date;
    s->source = src;
}

/* The status one verb gives: its own, or planned when the clause plans it
 * or dates it after the article. */
static extract_status_t verb_status(const sent_t *st, const corpus_doc_t *doc,
                                    const extract__phrase_hit_t *verbs,
                                    size_t v,
                                    const extract__phrase_hit_t *plans,
                                    size_t np, const extract_timex_t *t) {
    extract_status_t status = (extract_status_t)verbs[v].p->value;
    if (status == EXTRACT_STATUS_PROPOSED || status == EXTRACT_STATUS_PLANNED)
        return status;
    extract__range_t cl = st->clauses[clause_of(st, verbs[v].start)];
    int planned = 0;
    for (size_t i = 0; i < np; i++)
        if (plans[i].start >= cl.start && plans[i].end <= verbs[v].start)
            planned = 1;
    /* a planning verb of the status list right before ("dự kiến khởi
     * công") */
    if (v > 0 && verbs[v - 1].start >= cl.start &&
        (verbs[v - 1].p->value == EXTRACT_STATUS_PLANNED ||
         verbs[v - 1].p->value == EXTRACT_STATUS_PROPOSED))
        planned = 1;
    if (t && (t->target || t->tense == EXTRACT_TENSE_FUTURE ||
              after_published(doc, &t->date)))
        planned = 1;
    return planned ? EXTRACT_STATUS_PLANNED : status;
}

/* --- Reading a sentence
 * ------------------------------------------------------------ */

static pm_t *pm_new(prun_t *run, const corpus_doc_t *doc, uint32_t d,
                    const corpus_sentence_t *sent, const sent_t *st, size_t a,
                    size_t b) {
    pm_t *m = PUSH(run->pm, run->pm_count, run->pm_cap);
    memset(m, 0, sizeof *m);
    m->doc = d;
    m->src.doc = d;
    m->src.paragraph = sent->paragraph;
    m->src.span = extract__doc_span(doc, sent, (uint32_t)a, (uint32_t)b);
    m->form = clean_form(st->s + a, b - a);
    m->key = compact_key(run, st, a, b);
    m->location = -1;
    m->sector = EXTRACT_SECTOR_OTHER;
    m->funding = EXTRACT_FUNDING_UNKNOWN;
    return m;
}

/* Entity mentions of the current paragraph inside [a, b) of the document,
 * shifted to start at a. A new array (caller frees). */
static size_t ents_in(const prun_t *run, uint32_t a, uint32_t b,
                      extract_mention_t **out) {
    size_t n = 0;
    *out = NULL;
    for (size_t i = 0; i < run->ent_count; i++) {
        uint32_t s = run->para_start + run->ents[i].start;
        uint32_t e = run->para_start + run->ents[i].end;
        if (s < a || e > b)
            continue;
        *out = vj_realloc(*out, (n + 1) * sizeof **out);
        (*out)[n] = run->ents[i];
        (*out)[n].start = s - a;
        (*out)[n].end = e - a;
        n++;
    }
    return n;
}

static void sentence_projects(prun_t *run, const corpus_doc_t *doc, uint32_t d,
                              const corpus_sentence_t *sent) {
    sent_t st = {0};
    st.s = doc->text + sent->span.start;
    st.len = sent->span.end - sent->span.start;
    char *low = extract__lower_copy(st.s, st.len);
    st.low = low;
    extract__phrase_hit_t *trig = NULL, *heads = NULL, *aliases = NULL,
                          *verbs = NULL, *plans = NULL;
    size_t nt =
        extract__phrases_find(SET(run, W_TRIGGER), st.s, low, st.len, &trig);
    if (nt == 0)
        goto done;
    size_t nh = 0, na = 0;
    heads = vj_malloc(nt * sizeof *heads);
    aliases = vj_malloc(nt * sizeof *aliases);
    for (size_t i = 0; i < nt; i++) {
        if (trig[i].p->kind == W_ALIAS)
            aliases[na++] = trig[i];
        else
            heads[nh++] = trig[i];
    }
    st.first_word = after_list_number(st.s, st.len);
    st.first_word = (uint32_t)next_word(st.s, st.len, st.first_word);
    st.ent_count = ents_in(run, sent->span.start, sent->span.end, &st.ents);
    st.tx_count =
        extract_timex_find(run->lex, st.s, st.len, &doc->published, &st.tx);
    st.clause_count =
        extract__clauses_split(st.s, st.len, st.clauses, MAX_CLAUSES);

    cand_t cands[MAX_CANDS];
    size_t nc = 0;
    size_t consumed = 0;
    for (size_t h = 0; h < nh && nc < MAX_CANDS; h++) {
        if (heads[h].start < consumed)
            continue;
        size_t used;
        if (read_name(run, &st, &heads[h], &cands[nc], &used))
            nc++;
        else
            free(cands[nc].acronym);
        if (used > consumed && nc > 0 && cands[nc - 1].start == heads[h].start)
            consumed = used;
    }
    for (size_t h = 0; h < na && nc < MAX_CANDS; h++) {
        int overlap = 0;
        for (size_t k = 0; k < nc; k++)
            overlap |= aliases[h].start < cands[k].end &&
                       aliases[h].end > cands[k].start;
        if (overlap)
            continue;
        cand_t *c = &cands[nc++];
        memset(c, 0, sizeof *c);
        c->start = aliases[h].start;
        c->end = c->after = c->head_end = aliases[h].end;
        c->alias = h + 1;
    }
    if (nc == 0)
        goto done;

    /* status verbs outside names, and planning words */
    extract__phrase_hit_t *all = NULL;
    size_t nall =
        extract__phrases_find(SET(run, W_STATUS), st.s, low, st.len, &all);
    size_t nv = 0;
    verbs = vj_malloc((nall ? nall : 1) * sizeof *verbs);
    for (size_t v = 0; v < nall; v++) {
        int inside = 0;
        for (size_t k = 0; k < nc && !inside; k++)
            inside =
                all[v].start >= cands[k].start && all[v].start < cands[k].end;
        if (!inside)
            verbs[nv++] = all[v];
    }
    free(all);
    size_t np =
        extract__phrases_find(SET(run, W_PLANNED), st.s, low, st.len, &plans);

    /* each verb governs one mention */
    int gov_verb[MAX_CANDS];
    for (size_t k = 0; k < nc; k++)
        gov_verb[k] = -1;
    for (size_t v = 0; v < nv; v++) {
        size_t cl = clause_of(&st, verbs[v].start);
        int target = -1;
        for (size_t k = 0; k < nc && target < 0; k++)
            if (cands[k].start >= verbs[v].end &&
                clause_of(&st, cands[k].start) == cl &&
                only_words(run, W_BETWEEN, &st, verbs[v].end, cands[k].start,
                           4))
                target = (int)k;
        for (size_t k = nc; k > 0 && target < 0; k--)
            if (cands[k - 1].end <= verbs[v].start &&
                clause_of(&st, cands[k - 1].start) == cl &&
                (only_words(run, W_AUX, &st, cands[k - 1].end, verbs[v].start,
                            3) ||
                 (cands[k - 1].after <= verbs[v].start &&
                  only_words(run, W_AUX, &st, cands[k - 1].after,
                             verbs[v].start, 3))))
                target = (int)(k - 1);
        if (target >= 0 && gov_verb[target] < 0)
            gov_verb[target] = (int)v;
        else if (target >= 0)
            gov_verb[target] = (int)v; /* the later verb: "dự kiến khởi công" */
    }

    for (size_t k = 0; k < nc; k++) {
        cand_t *c = &cands[k];
        pm_t *m = pm_new(run, doc, d, sent, &st, c->start, c->end);
        if (c->alias) { /* a curated alias: read as its name */
            const extract__phrase_t *ap = aliases[c->alias - 1].p;
            size_t n = strlen(ap->extra);
            char *alow = extract__lower_copy(ap->extra, n);
            extract_mention_t *ae = NULL;
            size_t nae = extract_entities_find(run->lex, ap->extra, n, &ae);
            signature(run, ap->extra, alow, n, 0, n, ae, nae, UINT32_MAX,
                      &m->tok);
            free(ae);
            free(alow);
        } else {
            signature(run, st.s, low, st.len, c->start, c->end, st.ents,
                      st.ent_count, st.first_word, &m->tok);
        }
        if (c->acronym) {
            char *f = fold(c->acronym, strlen(c->acronym));
            vj_buf_t t;
            vj_buf_init(&t);
            vj_buf_printf(&t, "^%s", f);
            strv_add(&m->tok, t.data, t.len);
            vj_buf_free(&t);
            free(f);
            m->acronym = c->acronym;
            c->acronym = NULL;
        }
        m->institution = c->flag == HEAD_INSTITUTION;
        /* governed: a status verb, or a project word right before */
        m->governed = gov_verb[k] >= 0;
        if (!m->governed && m->institution) {
            size_t pw = prev_word(st.s, c->start);
            for (int hop = 0; hop < 3 && pw != SIZE_MAX && !m->governed;
                 hop++) {
                const extract__phrase_t *p = word_in(run, W_BUILDS, &st, pw);
                m->governed = p != NULL && pw + p->len + 1 >= c->start;
                pw = prev_word(st.s, pw);
            }
        }
        extract__range_t scope = scope_of(&st, cands, nc, k, verbs, nv);
        attributes(run, &st, m, c->start, c->end, scope);
        if (gov_verb[k] >= 0) {
            size_t v = (size_t)gov_verb[k];
            const extract_timex_t *t = verb_date(&st, verbs, nv, v);
            extract_status_t status =
                verb_status(&st, doc, verbs, v, plans, np, t);
            extract__range_t cl = st.clauses[clause_of(&st, verbs[v].start)];
            add_step(m, status, t, clause_source(doc, d, sent, &st, cl));
        }
    }
done:
    free(trig);
    free(heads);
    free(aliases);
    free(verbs);
    free(plans);
    free(st.ents);
    free(st.tx);
    sent_hits_free(&st);
    free(low);
}

/* --- Numbered lists
 * -------------------------------------------------------------------- */

/* Length of the item number at the start of a paragraph ("1. ", "(2) ",
 * "3) "), or 0. */
static size_t item_number(const char *s, size_t len) {
    uint32_t n = after_list_number(s, len);
    return n > 0 && n < len ? n : 0;
}

static int is_list_heading(const prun_t *run, const corpus_doc_t *doc,
                           uint32_t p) {
    const corpus_paragraph_t *para = &doc->paragraphs[p];
    const char *s = doc->text + para->span.start;
    size_t len = para->span.end - para->span.start;
    if (p + 1 >= doc->paragraph_count)
        return 0;
    /* cheap first: the next paragraph is item 1 */
    const corpus_paragraph_t *next = &doc->paragraphs[p + 1];
    const char *ns = doc->text + next->span.start;
    size_t nlen = next->span.end - next->span.start;
    if (item_number(ns, nlen) == 0 ||
        strtol(ns + (ns[0] == '('), NULL, 10) != 1 ||
        extract__word_count(s, len) > 30)
        return 0;
    char *low = extract__lower_copy(s, len);
    extract__phrase_hit_t *hits = NULL;
    size_t n = extract__phrases_find(SET(run, W_LIST), s, low, len, &hits);
    free(hits);
    free(low);
    return n > 0;
}

/* A sentence of the document that names the list with an amount gives
 * the items their amount and a step ("đề xuất Danh mục ... khoảng 20 tỷ
 * USD"). */
static void list_reference(prun_t *run, const corpus_doc_t *doc, uint32_t d,
                           size_t first, size_t count, uint32_t heading) {
    for (size_t si = 0; si < doc->sentence_count; si++) {
        const corpus_sentence_t *sent = &doc->sentences[si];
        if (sent->paragraph == heading)
            continue;
        sent_t st = {0};
        st.s = doc->text + sent->span.start;
        st.len = sent->span.end - sent->span.start;
        char *low = extract__lower_copy(st.s, st.len);
        st.low = low;
        extract__phrase_hit_t *lh = NULL;
        size_t nl =
            extract__phrases_find(SET(run, W_LIST), st.s, low, st.len, &lh);
        char *amount = nl ? find_amount(run, &st, lh[0].start, st.len) : NULL;
        if (amount) {
            st.clause_count =
                extract__clauses_split(st.s, st.len, st.clauses, MAX_CLAUSES);
            st.tx_count = extract_timex_find(run->lex, st.s, st.len,
                                             &doc->published, &st.tx);
            extract__phrase_hit_t *verbs = NULL, *plans = NULL;
            size_t nv = extract__phrases_find(SET(run, W_STATUS), st.s, low,
                                              st.len, &verbs);
            size_t np = extract__phrases_find(SET(run, W_PLANNED), st.s, low,
                                              st.len, &plans);
            /* the verb right before the list word */
            int gv = -1;
            for (size_t v = 0; v < nv; v++)
                if (verbs[v].end <= lh[0].start &&
                    only_words(run, W_BETWEEN, &st, verbs[v].end, lh[0].start,
                               3))
                    gv = (int)v;
            for (size_t i = first; i < first + count; i++) {
                pm_t *m = &run->pm[i];
                if (m->amount == NULL)
                    m->amount = vj_strdup(amount);
                if (gv >= 0) {
                    const extract_timex_t *t =
                        verb_date(&st, verbs, nv, (size_t)gv);
                    extract__range_t cl =
                        st.clauses[clause_of(&st, verbs[gv].start)];
                    add_step(
                        m,
                        verb_status(&st, doc, verbs, (size_t)gv, plans, np, t),
                        t, clause_source(doc, d, sent, &st, cl));
                }
            }
            free(verbs);
            free(plans);
            free(st.tx);
        }
        free(amount);
        sent_hits_free(&st);
        free(lh);
        free(low);
    }
}

/* Reads the numbered list after heading p; returns the number of item
 * paragraphs. */
static uint32_t list_items(prun_t *run, const corpus_doc_t *doc, uint32_t d,
                           uint32_t p) {
    int list = ++run->lists;
    size_t first = run->pm_count;
    uint32_t q = p + 1;
    for (; q < doc->paragraph_count; q++) {
        const corpus_paragraph_t *para = &doc->paragraphs[q];
        const char *s = doc->text + para->span.start;
        size_t len = para->span.end - para->span.start;
        size_t num = item_number(s, len);
        if (num == 0 || para->sentence_count == 0)
            break;
        /* the item: after the number, without a trailing "./.", "…" or a
         * bracketed count ("(02 dự án)") */
        size_t a = num, b = len;
        for (;;) {
            while (b > a && (s[b - 1] == ' ' || s[b - 1] == '.' ||
                             s[b - 1] == '/' || s[b - 1] == ';'))
                b--;
            if (b >= a + 3 && memcmp(s + b - 3, "…", 3) == 0) {
                b -= 3;
                continue;
            }
            if (b > a && s[b - 1] == ')') {
                size_t o = b - 1;
                while (o > a && s[o] != '(')
                    o--;
                if (o > a && s[o] == '(' && has_digit(s + o, b - o)) {
                    b = o;
                    continue;
                }
            }
            break;
        }
        if (b > a + MAX_NAME_BYTES) {
            b = a + MAX_NAME_BYTES;
            while (b > a && s[b] != ' ')
                b--;
        }
        if (b <= a)
            continue;
        /* a sentence view of the whole paragraph */
        corpus_sentence_t whole = {.span = para->span, .paragraph = q};
        paragraph_entities(run, doc, d, q);
        sent_t st = {0};
        st.s = s;
        st.len = len;
        char *low = extract__lower_copy(s, len);
        st.low = low;
        st.first_word = (uint32_t)next_word(s, len, num);
        st.ent_count = ents_in(run, para->span.start, para->span.end, &st.ents);
        pm_t *m = pm_new(run, doc, d, &whole, &st, a, b);
        m->list = list;
        m->governed = 1;
        signature(run, s, low, len, a, b, st.ents, st.ent_count, st.first_word,
                  &m->tok);
        attributes(run, &st, m, a, b, (extract__range_t){0, (uint32_t)len});
        free(st.ents);
        sent_hits_free(&st);
        free(low);
    }
    list_reference(run, doc, d, first, run->pm_count - first, p);
    return q - p - 1;
}

/* --- Clustering
 * --------------------------------------------------------------------- */

typedef struct {
    strv_t num, place, proper, content;
    int sector;
    int *lists;
    size_t list_count;
    size_t first_pm;
    int descriptive;
    size_t merged_into; /* SIZE_MAX while alive */
} cluster_t;

static void split_tokens(const strv_t *tok, cluster_t *c) {
    for (size_t i = 0; i < tok->n; i++) {
        const char *t = tok->v[i];
        strv_t *to = t[0] == '#'   ? &c->num
                     : t[0] == '@' ? &c->place
                     : t[0] == '^' ? &c->proper
                                   : &c->content;
        strv_add(to, t, strlen(t));
    }
}

static size_t shared(const strv_t *a, const strv_t *b) {
    size_t n = 0;
    for (size_t i = 0; i < a->n; i++)
        n += strv_has(b, a->v[i]);
    return n;
}

static int subset(const strv_t *a, const strv_t *b) {
    return shared(a, b) == a->n;
}

/* Can the mention with tokens m (split into a cluster_t) join c? */
static int compatible(const cluster_t *c, const cluster_t *m, int list) {
    if (list > 0)
        for (size_t i = 0; i < c->list_count; i++)
            if (c->lists[i] == list)
                return 0;
    if (c->sector != EXTRACT_SECTOR_OTHER &&
        m->sector != EXTRACT_SECTOR_OTHER && c->sector != m->sector)
        return 0;
    if (c->num.n && m->num.n && !subset(&m->num, &c->num) &&
        !subset(&c->num, &m->num))
        return 0;
    if (c->place.n && m->place.n && shared(&c->place, &m->place) == 0)
        return 0;
    size_t sc = shared(&c->content, &m->content);
    size_t minc = c->content.n < m->content.n ? c->content.n : m->content.n;
    int similar = minc > 0 && sc * 10 >= minc * 6;
    if (c->proper.n && m->proper.n) {
        size_t sp = shared(&c->proper, &m->proper);
        size_t minp = c->proper.n < m->proper.n ? c->proper.n : m->proper.n;
        return sp > 0 && sp * 2 >= minp;
    }
    int anchor =
        shared(&c->num, &m->num) > 0 || shared(&c->place, &m->place) > 0;
    if (c->proper.n || m->proper.n)
        return anchor && similar;
    if (anchor)
        return similar;
    /* nothing distinctive on either side: the same words */
    return !c->num.n && !m->num.n && !c->place.n && !m->place.n &&
           c->content.n >= 2 && c->content.n == m->content.n &&
           sc == c->content.n;
}

static void cluster_absorb(cluster_t *c, const cluster_t *m, int list) {
    for (size_t i = 0; i < m->num.n; i++)
        strv_add(&c->num, m->num.v[i], strlen(m->num.v[i]));
    for (size_t i = 0; i < m->place.n; i++)
        strv_add(&c->place, m->place.v[i], strlen(m->place.v[i]));
    for (size_t i = 0; i < m->proper.n; i++)
        strv_add(&c->proper, m->proper.v[i], strlen(m->proper.v[i]));
    for (size_t i = 0; i < m->content.n; i++)
        strv_add(&c->content, m->content.v[i], strlen(m->content.v[i]));
    if (c->sector == EXTRACT_SECTOR_OTHER)
        c->sector = m->sector;
    if (list > 0) {
        c->lists = vj_realloc(c->lists, (c->list_count + 1) * sizeof *c->lists);
        c->lists[c->list_count++] = list;
    }
    c->descriptive = c->descriptive && m->descriptive;
}

static void cluster_free(cluster_t *c) {
    strv_free(&c->num);
    strv_free(&c->place);
    strv_free(&c->proper);
    strv_free(&c->content);
    free(c->lists);
}

/* A hash index from token to the clusters holding it. */
typedef struct {
    char *tok;
    size_t *ids;
    size_t n;
} tok_entry_t;

typedef struct {
    tok_entry_t *slots;
    size_t cap, used;
} tok_index_t;

static tok_entry_t *tok_slot(tok_index_t *ix, const char *t, int create) {
    if (ix->cap == 0) {
        if (!create)
            return NULL;
        ix->cap = 256;
        ix->slots = vj_calloc(ix->cap, sizeof *ix->slots);
    }
    if (create && (ix->used + 1) * 2 > ix->cap) {
        tok_index_t big = {vj_calloc(ix->cap * 2, sizeof *ix->slots),
                           ix->cap * 2, 0};
        for (size_t i = 0; i < ix->cap; i++)
            if (ix->slots[i].tok) {
                size_t h = vj_hash64(VJ_HASH_INIT, ix->slots[i].tok,
                                     strlen(ix->slots[i].tok)) &
                           (big.cap - 1);
                while (big.slots[h].tok)
                    h = (h + 1) & (big.cap - 1);
                big.slots[h] = ix->slots[i];
                big.used++;
            }
        free(ix->slots);
        *ix = big;
    }
    size_t h = vj_hash64(VJ_HASH_INIT, t, strlen(t)) & (ix->cap - 1);
    while (ix->slots[h].tok) {
        if (strcmp(ix->slots[h].tok, t) == 0)
            return &ix->slots[h];
        h = (h + 1) & (ix->cap - 1);
    }
    if (!create)
        return NULL;
    ix->slots[h].tok = vj_strdup(t);
    ix->used++;
    return &ix->slots[h];
}

static void tok_index_add(tok_index_t *ix, const char *t, size_t id) {
    tok_entry_t *e = tok_slot(ix, t, 1);
    if (e->n && e->ids[e->n - 1] == id)
        return;
    e->ids = vj_realloc(e->ids, (e->n + 1) * sizeof *e->ids);
    e->ids[e->n++] = id;
}

static void tok_index_free(tok_index_t *ix) {
    for (size_t i = 0; i < ix->cap; i++) {
        free(ix->slots[i].tok);
        free(ix->slots[i].ids);
    }
    free(ix->slots);
}

/* How many clusters one token's bucket may offer: bounds the work when a
 * token is everywhere. */
#define BUCKET_SCAN 256

static size_t find_root(cluster_t *cl, size_t i) {
    while (cl[i].merged_into != SIZE_MAX)
        i = cl[i].merged_into;
    return i;
}

/* Assigns every mention a cluster; returns the clusters (caller frees). */
static size_t cluster_mentions(prun_t *run, cluster_t **out) {
    cluster_t *cl = NULL;
    size_t n = 0, cap = 0;
    tok_index_t ix = {0};
    tok_index_t sigs = {0}; /* exact signature -> cluster */
    for (size_t i = 0; i < run->pm_count; i++) {
        pm_t *m = &run->pm[i];
        if (m->tok.n > 1)
            qsort(m->tok.v, m->tok.n, sizeof *m->tok.v, cmp_str);
        vj_buf_t sb;
        vj_buf_init(&sb);
        vj_buf_printf(&sb, "%d|", m->sector);
        for (size_t t = 0; t < m->tok.n; t++) {
            vj_buf_puts(&sb, m->tok.v[t]);
            vj_buf_putc(&sb, ' ');
        }
        m->sig = vj_buf_steal(&sb, NULL);
        vj_buf_free(&sb);

        cluster_t me = {0};
        split_tokens(&m->tok, &me);
        me.sector = m->sector;
        me.descriptive = !me.num.n && !me.place.n && !me.proper.n;
        me.merged_into = SIZE_MAX;
        size_t target = SIZE_MAX;
        tok_entry_t *same = m->list ? NULL : tok_slot(&sigs, m->sig, 0);
        if (same && same->n) {
            size_t c = find_root(cl, same->ids[0]);
            if (compatible(&cl[c], &me, m->list))
                target = c;
        }
        for (size_t t = 0; t < m->tok.n && target == SIZE_MAX; t++) {
            tok_entry_t *e = tok_slot(&ix, m->tok.v[t], 0);
            if (e == NULL)
                continue;
            size_t from = e->n > BUCKET_SCAN ? e->n - BUCKET_SCAN : 0;
            for (size_t k = from; k < e->n && target == SIZE_MAX; k++) {
                size_t c = find_root(cl, e->ids[k]);
                if (compatible(&cl[c], &me, m->list))
                    target = c;
            }
        }
        if (target == SIZE_MAX) {
            target = n;
            cluster_t *c = PUSH(cl, n, cap);
            memset(c, 0, sizeof *c);
            c->sector = EXTRACT_SECTOR_OTHER;
            c->descriptive = 1;
            c->first_pm = i;
            c->merged_into = SIZE_MAX;
        }
        cluster_absorb(&cl[target], &me, m->list);
        m->cluster = target;
        for (size_t t = 0; t < m->tok.n; t++)
            tok_index_add(&ix, m->tok.v[t], target);
        if (!m->list)
            tok_index_add(&sigs, m->sig, target);
        cluster_free(&me);
    }
    tok_index_free(&ix);
    tok_index_free(&sigs);

    /* a descriptive cluster joins a named one of the same paragraph and
     * sector that shares a word ("Dự án phóng và vận hành vệ tinh quan sát
     * trái đất" and "vệ tinh LOTUSat – 1") */
    for (size_t i = 0; i < run->pm_count; i++) {
        pm_t *m = &run->pm[i];
        size_t c = find_root(cl, m->cluster);
        if (!cl[c].descriptive || cl[c].sector == EXTRACT_SECTOR_OTHER)
            continue;
        for (size_t j = i + 1; j < run->pm_count; j++) {
            pm_t *o = &run->pm[j];
            if (o->doc != m->doc || o->src.paragraph != m->src.paragraph)
                break;
            size_t oc = find_root(cl, o->cluster);
            if (oc == c || cl[oc].descriptive ||
                cl[oc].sector != cl[c].sector ||
                shared(&cl[c].content, &cl[oc].content) == 0)
                continue;
            int clash = 0;
            for (size_t a = 0; a < cl[c].list_count; a++)
                for (size_t b = 0; b < cl[oc].list_count; b++)
                    clash |= cl[c].lists[a] == cl[oc].lists[b];
            if (clash)
                continue;
            cl[c].merged_into = oc;
            break;
        }
    }
    for (size_t i = 0; i < run->pm_count; i++)
        run->pm[i].cluster = find_root(cl, run->pm[i].cluster);
    *out = cl;
    return n;
}

/* --- Building projects
 * ------------------------------------------------------------- */

static int status_rank(extract_status_t s) {
    switch (s) {
    case EXTRACT_STATUS_PROPOSED:
        return 1;
    case EXTRACT_STATUS_PLANNED:
        return 2;
    case EXTRACT_STATUS_UNDER_CONSTRUCTION:
        return 3;
    case EXTRACT_STATUS_COMPLETED:
        return 4;
    case EXTRACT_STATUS_OPERATIONAL:
        return 5;
    default:
        return 0;
    }
}

static int step_cmp(const void *x, const void *y) {
    const extract_status_step_t *a = x, *b = y;
    if (a->has_date != b->has_date)
        return a->has_date ? -1 : 1;
    if (a->has_date) {
        int r = extract_date_cmp(&a->date, &b->date);
        if (r)
            return r;
    }
    if (a->source.doc != b->source.doc)
        return a->source.doc < b->source.doc ? -1 : 1;
    return a->source.span.start < b->source.span.start   ? -1
           : a->source.span.start > b->source.span.start ? 1
                                                         : 0;
}

/* When a step was true, for choosing the status: the date of what
 * happened, else the publication of its article; a plan counts from when
 * it was reported, not from the date it aims at. */
static extract_ymd_t step_when(const corpus_t *corpus,
                               const extract_status_step_t *s) {
    if (s->has_date && status_rank(s->status) >= 3)
        return s->date.start;
    const corpus_doc_t *d = corpus_doc_at(corpus, s->source.doc);
    extract_ymd_t y = {d->published.year, d->published.month, d->published.day};
    return y;
}

static extract_status_t current_status(const corpus_t *corpus,
                                       const extract_status_step_t *h,
                                       size_t n) {
    int best = -1;
    for (size_t i = 0; i < n; i++) {
        if (best < 0) {
            best = (int)i;
            continue;
        }
        extract_ymd_t a = step_when(corpus, &h[i]),
                      b = step_when(corpus, &h[best]);
        int c = ymd_cmp(&a, &b);
        if (c > 0 ||
            (c == 0 && status_rank(h[i].status) > status_rank(h[best].status)))
            best = (int)i;
    }
    return best >= 0 ? h[best].status : EXTRACT_STATUS_UNKNOWN;
}

/* How much a form says: distinctive tokens count most. */
static int form_score(const pm_t *m) {
    int s = 0;
    for (size_t i = 0; i < m->tok.n; i++)
        s += m->tok.v[i][0] == '#' || m->tok.v[i][0] == '@' ||
                     m->tok.v[i][0] == '^'
                 ? 10
                 : 1;
    return s;
}

static int pm_order(const void *x, const void *y) {
    const pm_t *a = *(const pm_t *const *)x, *b = *(const pm_t *const *)y;
    if (a->cluster != b->cluster)
        return a->cluster < b->cluster ? -1 : 1;
    if (a->doc != b->doc)
        return a->doc < b->doc ? -1 : 1;
    return a->src.span.start < b->src.span.start   ? -1
           : a->src.span.start > b->src.span.start ? 1
                                                   : 0;
}

static int project_cmp(const void *x, const void *y) {
    const extract_project_t *a = x, *b = y;
    const extract_source_t *sa = &a->mentions[0], *sb = &b->mentions[0];
    if (sa->doc != sb->doc)
        return sa->doc < sb->doc ? -1 : 1;
    return sa->span.start < sb->span.start   ? -1
           : sa->span.start > sb->span.start ? 1
                                             : 0;
}

static void project_free(extract_project_t *p) {
    free(p->id);
    free(p->name);
    for (size_t i = 0; i < p->alias_count; i++)
        free(p->aliases[i]);
    free(p->aliases);
    free(p->partners);
    free(p->history);
    free(p->mentions);
    free(p->amount_text);
}

static int alias_known(const extract_project_t *p, const char *s) {
    if (strcasecmp(p->name, s) == 0)
        return 1;
    for (size_t i = 0; i < p->alias_count; i++)
        if (strcasecmp(p->aliases[i], s) == 0)
            return 1;
    return 0;
}

static void add_alias(extract_project_t *p, const char *s) {
    if (s == NULL || *s == '\0' || alias_known(p, s))
        return;
    p->aliases =
        vj_realloc(p->aliases, (p->alias_count + 1) * sizeof *p->aliases);
    p->aliases[p->alias_count++] = vj_strdup(s);
}

/* Builds one project from its mentions ms[0..n) (ordered). Returns 0 when
 * the cluster is no project (institutions never governed). */
static int build_project(prun_t *run, pm_t **ms, size_t n, extract_project_t *p,
                         char **key) {
    int keep = 0;
    for (size_t i = 0; i < n; i++)
        keep |= !ms[i]->institution || ms[i]->governed;
    if (!keep)
        return 0;
    memset(p, 0, sizeof *p);
    /* name: the most complete form; key: the most compact one */
    const pm_t *best = ms[0], *compact = ms[0];
    for (size_t i = 1; i < n; i++) {
        int a = form_score(ms[i]), b = form_score(best);
        size_t la = strlen(ms[i]->form), lb = strlen(best->form);
        if (a > b ||
            (a == b &&
             (la > lb || (la == lb && strcmp(ms[i]->form, best->form) < 0))))
            best = ms[i];
        size_t ka = strlen(ms[i]->key), kb = strlen(compact->key);
        if (ka > 0 && (kb == 0 || ka < kb ||
                       (ka == kb && strcmp(ms[i]->key, compact->key) < 0)))
            compact = ms[i];
    }
    p->name = vj_strdup(best->form);
    *key = vj_strdup(compact->key[0] ? compact->key : compact->form);
    for (size_t i = 0; i < n; i++)
        add_alias(p, ms[i]->form);
    for (size_t i = 0; i < n; i++)
        add_alias(p, ms[i]->acronym);
    /* sector: the heaviest word of any form */
    p->sector = EXTRACT_SECTOR_OTHER;
    int sw = 0;
    p->funding = EXTRACT_FUNDING_UNKNOWN;
    int fw = 0;
    p->location = -1;
    size_t loc_votes = 0;
    for (size_t i = 0; i < n; i++) {
        if (ms[i]->sector_w > sw) {
            sw = ms[i]->sector_w;
            p->sector = (extract_sector_t)ms[i]->sector;
        }
        if (ms[i]->funding_w > fw) {
            fw = ms[i]->funding_w;
            p->funding = (extract_funding_t)ms[i]->funding;
        }
        if (ms[i]->location >= 0 && p->location != ms[i]->location) {
            size_t votes = 0;
            for (size_t j = 0; j < n; j++)
                votes += ms[j]->location == ms[i]->location;
            if (votes > loc_votes) {
                loc_votes = votes;
                p->location = ms[i]->location;
            }
        }
        for (size_t k = 0; k < ms[i]->partner_count && p->partner_count < 16;
             k++) {
            int dup = 0;
            for (size_t j = 0; j < p->partner_count; j++)
                dup |= p->partners[j] == ms[i]->partners[k];
            if (!dup) {
                p->partners = vj_realloc(p->partners, (p->partner_count + 1) *
                                                          sizeof *p->partners);
                p->partners[p->partner_count++] = ms[i]->partners[k];
            }
        }
        if (p->amount_text == NULL && ms[i]->amount)
            p->amount_text = vj_strdup(ms[i]->amount);
        if (ms[i]->step_count) {
            p->history =
                vj_realloc(p->history, (p->history_count + ms[i]->step_count) *
                                           sizeof *p->history);
            memcpy(p->history + p->history_count, ms[i]->steps,
                   ms[i]->step_count * sizeof *p->history);
            p->history_count += ms[i]->step_count;
        }
    }
    if (p->history_count > 1)
        qsort(p->history, p->history_count, sizeof *p->history, step_cmp);
    p->status = current_status(run->corpus, p->history, p->history_count);
    p->mentions = vj_malloc(n * sizeof *p->mentions);
    for (size_t i = 0; i < n; i++)
        p->mentions[p->mention_count++] = ms[i]->src;
    return 1;
}

typedef struct {
    char *key; /* slug before suffixes */
    size_t index;
} idrow_t;

typedef struct {
    const extract_project_t *projects;
    const corpus_t *corpus;
} id_ctx_t;

/* Colliding slugs get -2, -3 in an order that does not depend on other
 * projects: by name, then the first mention's document id and offset. */
static int idrow_cmp(const void *x, const void *y, void *data) {
    const idrow_t *a = x, *b = y;
    const id_ctx_t *ctx = data;
    int r = strcmp(a->key, b->key);
    if (r)
        return r;
    const extract_project_t *pa = &ctx->projects[a->index],
                            *pb = &ctx->projects[b->index];
    r = strcmp(pa->name, pb->name);
    if (r)
        return r;
    r = strcmp(corpus_doc_at(ctx->corpus, pa->mentions[0].doc)->id,
               corpus_doc_at(ctx->corpus, pb->mentions[0].doc)->id);
    if (r)
        return r;
    return pa->mentions[0].span.start < pb->mentions[0].span.start ? -1 : 1;
}

static void assign_ids(const corpus_t *corpus, extract_project_t *ps,
                       char **keys, size_t n) {
    idrow_t *rows = vj_malloc((n ? n : 1) * sizeof *rows);
    for (size_t i = 0; i < n; i++) {
        char *slug = extract__slug(keys[i], 72);
        rows[i].key = slug && *slug ? slug : vj_strdup("project");
        if (slug && !*slug)
            free(slug);
        rows[i].index = i;
    }
    id_ctx_t ctx = {ps, corpus};
    if (n > 1)
        qsort_r(rows, n, sizeof *rows, idrow_cmp, &ctx);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && strcmp(rows[j].key, rows[i].key) == 0)
            j++;
        for (size_t k = i; k < j; k++) {
            vj_buf_t b;
            vj_buf_init(&b);
            vj_buf_puts(&b, rows[k].key);
            if (k > i)
                vj_buf_printf(&b, "-%zu", k - i + 1);
            ps[rows[k].index].id = vj_buf_steal(&b, NULL);
            vj_buf_free(&b);
        }
        i = j;
    }
    for (size_t i = 0; i < n; i++)
        free(rows[i].key);
    free(rows);
}

/* --- Event links
 * --------------------------------------------------------------------- */

typedef struct {
    uint32_t doc, start, end;
    int32_t project;
} mref_t;

static int mref_cmp(const void *x, const void *y) {
    const mref_t *a = x, *b = y;
    if (a->doc != b->doc)
        return a->doc < b->doc ? -1 : 1;
    return a->start < b->start ? -1 : a->start > b->start;
}

/* Where the event's title clause lies in its report sentence: the title
 * is the clause with a capitalised first letter, maybe cut with "…". */
static int title_span(const corpus_doc_t *doc, const extract_source_t *src,
                      const char *title, uint32_t *a, uint32_t *b) {
    size_t tl = strlen(title);
    if (tl >= 3 && memcmp(title + tl - 3, "…", 3) == 0)
        tl -= 3;
    size_t skip = 0;
    if (tl > 0)
        text_utf8_next(title, tl, &skip);
    size_t probe = tl - skip < 24 ? tl - skip : 24;
    if (probe < 4)
        return 0;
    const char *sent = doc->text + src->span.start;
    size_t slen = src->span.end - src->span.start;
    const char *hit = memmem(sent, slen, title + skip, probe);
    if (hit == NULL)
        return 0;
    /* back over the first letter */
    size_t at = (size_t)(hit - sent);
    while (at > 0 && ((unsigned char)sent[at - 1] & 0xC0) == 0x80)
        at--;
    if (at > 0)
        at--;
    *a = src->span.start + (uint32_t)at;
    uint32_t e = *a + (uint32_t)tl;
    *b = e < src->span.end ? e : src->span.end;
    return 1;
}

static void link_events(prun_t *run, const mref_t *refs, size_t nref) {
    extract_result_t *r = run->r;
    for (size_t i = 0; i < r->event_count; i++) {
        extract_event_t *ev = &r->events[i];
        ev->project = -1;
        if (ev->title == NULL)
            continue;
        /* the report whose sentence holds the title (the title is the
         * most precise report's, not always the first's) */
        const extract_source_t *src = NULL;
        uint32_t a = 0, b = 0;
        for (size_t k = 0; k < ev->report_count && src == NULL; k++) {
            const extract_source_t *s = &ev->reports[k].source;
            const corpus_doc_t *doc = corpus_doc_at(run->corpus, s->doc);
            if (doc && title_span(doc, s, ev->title, &a, &b))
                src = s;
        }
        if (src == NULL)
            continue;
        /* the first mention of this document at or after a */
        size_t lo = 0, hi = nref;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (refs[mid].doc < src->doc ||
                (refs[mid].doc == src->doc && refs[mid].start < a))
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t k = lo;
             k < nref && refs[k].doc == src->doc && refs[k].start < b; k++) {
            if (refs[k].project >= 0 && refs[k].end <= src->span.end) {
                ev->project = refs[k].project;
                break;
            }
        }
    }
}

/* --- The run
 * ------------------------------------------------------------------------- */

static void pm_free(pm_t *m) {
    free(m->form);
    free(m->key);
    strv_free(&m->tok);
    free(m->sig);
    free(m->partners);
    free(m->steps);
    free(m->amount);
    free(m->acronym);
}

void extract__projects_run(const extract_lexicon_t *lex, const corpus_t *corpus,
                           extract_result_t *r) {
    prun_t run = {.lex = lex, .pl = lex->projects, .corpus = corpus, .r = r};
    for (size_t i = 0; i < r->event_count; i++)
        r->events[i].project = -1;
    if (run.pl == NULL)
        return;
    run.weak_count = extract_entity_count(lex);
    run.weak = vj_calloc(run.weak_count ? run.weak_count : 1, 1);
    for (size_t i = 0; i < run.weak_count; i++)
        run.weak[i] = (unsigned char)entity_name_weak(&run, i);
    for (size_t d = 0; d < corpus_doc_count(corpus); d++) {
        const corpus_doc_t *doc = corpus_doc_at(corpus, d);
        if (strcmp(doc->language, "vi") != 0)
            continue; /* the rules are Vietnamese */
        for (uint32_t p = 0; p < doc->paragraph_count; p++) {
            const corpus_paragraph_t *para = &doc->paragraphs[p];
            paragraph_entities(&run, doc, (uint32_t)d, p);
            if (is_list_heading(&run, doc, p)) {
                /* the heading names the list, not a project */
                uint32_t items = list_items(&run, doc, (uint32_t)d, p);
                p += items;
                continue;
            }
            for (uint32_t k = 0; k < para->sentence_count; k++)
                sentence_projects(&run, doc, (uint32_t)d,
                                  &doc->sentences[para->first_sentence + k]);
        }
    }
    free(run.ents);
    run.ents = NULL;

    cluster_t *cl = NULL;
    size_t ncl = cluster_mentions(&run, &cl);
    pm_t **order = vj_malloc((run.pm_count ? run.pm_count : 1) * sizeof *order);
    for (size_t i = 0; i < run.pm_count; i++)
        order[i] = &run.pm[i];
    if (run.pm_count > 1)
        qsort(order, run.pm_count, sizeof *order, pm_order);
    extract_project_t *ps = vj_calloc(ncl ? ncl : 1, sizeof *ps);
    char **keys = vj_calloc(ncl ? ncl : 1, sizeof *keys);
    size_t *proj_of = vj_malloc((ncl ? ncl : 1) * sizeof *proj_of);
    size_t np = 0;
    for (size_t i = 0; i < run.pm_count;) {
        size_t j = i + 1;
        while (j < run.pm_count && order[j]->cluster == order[i]->cluster)
            j++;
        proj_of[order[i]->cluster] = SIZE_MAX;
        if (build_project(&run, order + i, j - i, &ps[np], &keys[np]))
            proj_of[order[i]->cluster] = np++;
        i = j;
    }
    /* projects in order of their first mention */
    size_t *perm = vj_malloc((np ? np : 1) * sizeof *perm);
    {
        extract_project_t *sorted = vj_malloc((np ? np : 1) * sizeof *sorted);
        char **skeys = vj_malloc((np ? np : 1) * sizeof *skeys);
        size_t *idx = vj_malloc((np ? np : 1) * sizeof *idx);
        for (size_t i = 0; i < np; i++)
            idx[i] = i;
        /* insertion by first mention keeps this simple and stable */
        for (size_t i = 1; i < np; i++) {
            size_t x = idx[i], k = i;
            while (k > 0 && project_cmp(&ps[idx[k - 1]], &ps[x]) > 0) {
                idx[k] = idx[k - 1];
                k--;
            }
            idx[k] = x;
        }
        for (size_t i = 0; i < np; i++) {
            sorted[i] = ps[idx[i]];
            skeys[i] = keys[idx[i]];
            perm[idx[i]] = i;
        }
        memcpy(ps, sorted, np * sizeof *ps);
        memcpy(keys, skeys, np * sizeof *keys);
        free(sorted);
        free(skeys);
        free(idx);
    }
    assign_ids(corpus, ps, keys, np);
    for (size_t i = 0; i < np; i++)
        free(keys[i]);
    free(keys);

    /* mention -> project, for the event links */
    mref_t *refs = vj_malloc((run.pm_count ? run.pm_count : 1) * sizeof *refs);
    for (size_t i = 0; i < run.pm_count; i++) {
        size_t pj = proj_of[run.pm[i].cluster];
        refs[i].doc = run.pm[i].doc;
        refs[i].start = run.pm[i].src.span.start;
        refs[i].end = run.pm[i].src.span.end;
        refs[i].project = pj == SIZE_MAX ? -1 : (int32_t)perm[pj];
    }
    if (run.pm_count > 1)
        qsort(refs, run.pm_count, sizeof *refs, mref_cmp);
    link_events(&run, refs, run.pm_count);
    free(refs);
    free(perm);
    free(proj_of);
    free(order);
    for (size_t i = 0; i < ncl; i++)
        cluster_free(&cl[i]);
    free(cl);
    for (size_t i = 0; i < run.pm_count; i++)
        pm_free(&run.pm[i]);
    free(run.pm);
    free(run.weak);
    r->projects = ps;
    r->project_count = np;
}

void extract__projects_free(extract_result_t *r) {
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->project_count; i++)
        project_free(&r->projects[i]);
    free(r->projects);
    r->projects = NULL;
    r->project_count = 0;
}
