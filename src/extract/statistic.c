/* statistic.c - quantities and numeric facts.
 *
 * extract_quantities_find() reads Vietnamese numbers in a sentence: "."
 * groups thousands and "," marks the decimals ("580.000", "42,5",
 * "2.812,8"), an English decimal is accepted next to a scale word ("42.5
 * tỷ"), scale words multiply (nghìn tỷ), and a unit or counted noun, a
 * qualifier (hơn, gần, khoảng...), a change word (tăng, giảm) and a range
 * (từ X đến Y, 1-2) complete it. The words are data/lexicon/quantity.tsv.
 * Not quantities: numbers inside dates and durations (the temporal
 * tagger's spans), ranks (thứ 4, số 1), names (G7, 2+2, LOTUSat-1, Ô Môn 4,
 * V1 – 2), list numbering ("(1)", "3." opening the text) and numbers too
 * large to hold (rejected, never undefined).
 *
 * extract__statistics_run() turns the quantities of every Vietnamese
 * sentence into facts: a quantity with a unit, or with a metric word in its
 * clause (data/lexicon/metrics.tsv), is a statistic. Its period is the date
 * of its clause (or of the nearest clause before it that has one, never a
 * "so với cùng kỳ" comparison); a percentage change is a fact of its own
 * linked both ways with the figure it qualifies; a bracketed conversion
 * joins the fact it converts; the places around a flow (xuất khẩu sang,
 * từ ... vào) give subject_from and subject_to. */
#include "internal.h"
#include "vjcorpus/text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const extract_unit_names[] = {
    "USD",    "EUR",     "JPY",     "VND",      "%",     "km",
    "person", "company", "project", "locality", "other", NULL};
const char *const extract_approx_names[] = {"exact",     "about",  "more_than",
                                            "less_than", "nearly", NULL};
const char *const extract_metric_names[] = {
    "trade",    "export",    "import",    "investment", "oda",
    "loan",     "visitors",  "residents", "workers",    "trainees",
    "students", "companies", "projects",  "localities", "infrastructure",
    "target",   "other",     NULL};

/* --- the lexicon ---------------------------------------------------------- */

enum {
    QK_SCALE,
    QK_UNIT,
    QK_APPROX,
    QK_CHANGE,
    QK_FILLER,
    QK_FROM,
    QK_TO,
    QK_ORDINAL,
    QK_TIME,
    QK_COUNT
};

static const char *const qk_names[QK_COUNT] = {"scale",  "unit",    "approx",
                                               "change", "filler",  "from",
                                               "to",     "ordinal", "time"};

struct extract__quantity_lex {
    extract__phrases_t *set[QK_COUNT];
    extract__phrases_t *metrics; /* value: metric, weight: weight */
};

/* The largest value a quantity may hold (scale applied). */
#define QTY_MAX 1e18

static int name_index(const char *const *names, const char *s) {
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

typedef struct {
    extract__quantity_lex_t *lex;
    const char *file;
    corpus_problem_cb cb;
    void *data;
} qload_t;

static int quantity_row(char **f, size_t n, uint32_t line, void *data) {
    qload_t *ctx = data;
    int k = name_index(qk_names, f[0]);
    if (k < 0 || n < 3) {
        extract__report(ctx->cb, ctx->data, ctx->file, line,
                        k < 0 ? "unknown kind '%s' (see the comment at the "
                                "top of the file)"
                              : "'%s' needs 3 tab-separated fields",
                        f[0]);
        return VJ_EPARSE;
    }
    int value = 0, weight = 0;
    switch (k) {
    case QK_SCALE: {
        char *end;
        long e = strtol(f[2], &end, 10);
        value = (*end == '\0' && e >= 1 && e <= 12) ? (int)e : -1;
        break;
    }
    case QK_UNIT:
        value = name_index(extract_unit_names, f[2]);
        if (value >= 0 && n >= 4 && f[3][0] != '\0') {
            int m = name_index(extract_metric_names, f[3]);
            if (m < 0)
                value = -1;
            weight = m + 1; /* 0: the noun says nothing of the metric */
        }
        break;
    case QK_APPROX:
        value = name_index(extract_approx_names, f[2]);
        if (value == EXTRACT_APPROX_EXACT)
            value = -1;
        break;
    case QK_CHANGE:
        value = strcmp(f[2], "+1") == 0 ? 1 : strcmp(f[2], "-1") == 0 ? 2 : -1;
        break;
    default:
        value = strcmp(f[2], "-") == 0 ? 0 : -1;
        break;
    }
    if (value < 0) {
        extract__report(ctx->cb, ctx->data, ctx->file, line,
                        "bad value for '%s' (see the comment at the top of "
                        "the file)",
                        f[0]);
        return VJ_EPARSE;
    }
    if (extract__phrases_add(ctx->lex->set[k], f[1], k, value, weight, NULL) !=
        0) {
        extract__report(ctx->cb, ctx->data, ctx->file, line,
                        "empty phrase or invalid UTF-8");
        return VJ_EPARSE;
    }
    return 0;
}

static int metric_row(char **f, size_t n, uint32_t line, void *data) {
    qload_t *ctx = data;
    if (n < 3) {
        extract__report(ctx->cb, ctx->data, ctx->file, line,
                        "a metric needs 3 tab-separated fields");
        return VJ_EPARSE;
    }
    int m = name_index(extract_metric_names, f[1]);
    char *end;
    long w = strtol(f[2], &end, 10);
    if (m < 0 || *end != '\0' || w < 0 || w > 100) {
        extract__report(ctx->cb, ctx->data, ctx->file, line,
                        "bad metric '%s' or weight (0-100)", f[1]);
        return VJ_EPARSE;
    }
    if (extract__phrases_add(ctx->lex->metrics, f[0], 0, m, (int)w, NULL) !=
        0) {
        extract__report(ctx->cb, ctx->data, ctx->file, line,
                        "empty phrase or invalid UTF-8");
        return VJ_EPARSE;
    }
    return 0;
}

int extract__quantity_lex_load(const char *dir, corpus_problem_cb cb,
                               void *data, extract__quantity_lex_t **out) {
    extract__quantity_lex_t *q = vj_calloc(1, sizeof *q);
    for (int i = 0; i < QK_COUNT; i++)
        q->set[i] = extract__phrases_new();
    q->metrics = extract__phrases_new();
    qload_t ctx = {q, "quantity.tsv", cb, data};
    int rc =
        extract__tsv_read(dir, "quantity.tsv", 4, quantity_row, &ctx, cb, data);
    if (rc == 0) {
        ctx.file = "metrics.tsv";
        rc = extract__tsv_read(dir, "metrics.tsv", 3, metric_row, &ctx, cb,
                               data);
    }
    if (rc != 0) {
        extract__quantity_lex_free(q);
        return rc;
    }
    *out = q;
    return 0;
}

void extract__quantity_lex_free(extract__quantity_lex_t *q) {
    if (q == NULL)
        return;
    for (int i = 0; i < QK_COUNT; i++)
        extract__phrases_free(q->set[i]);
    extract__phrases_free(q->metrics);
    free(q);
}

/* --- scanning helpers ------------------------------------------------------
 */

static int is_digit(char c) {
    return c >= '0' && c <= '9';
}

static size_t skip_spaces(const char *s, size_t len, size_t i) {
    while (i < len) {
        if (s[i] == ' ' || s[i] == '\t')
            i++;
        else if (i + 1 < len && (unsigned char)s[i] == 0xC2 &&
                 (unsigned char)s[i + 1] == 0xA0)
            i += 2; /* no-break space */
        else
            break;
    }
    return i;
}

static size_t skip_spaces_back(const char *s, size_t i) {
    while (i > 0) {
        if (s[i - 1] == ' ' || s[i - 1] == '\t')
            i--;
        else if (i >= 2 && (unsigned char)s[i - 2] == 0xC2 &&
                 (unsigned char)s[i - 1] == 0xA0)
            i -= 2;
        else
            break;
    }
    return i;
}

/* The code point that ends just before byte i, and its start in *at. */
static int32_t cp_before(const char *s, size_t i, size_t *at) {
    if (i == 0)
        return -1;
    size_t k = i - 1;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80 && i - k < 4)
        k--;
    size_t j = k;
    int32_t cp = text_utf8_next(s, i, &j);
    if (at)
        *at = k;
    return cp;
}

static int32_t cp_at(const char *s, size_t len, size_t i) {
    if (i >= len)
        return -1;
    return text_utf8_next(s, len, &i);
}

static int is_dash(int32_t cp) {
    return cp == '-' || cp == 0x2013 || cp == 0x2014 || cp == 0x2212;
}

/* Phrase hits of one set, to look up the phrase that ends at a position. */
typedef struct {
    extract__phrase_hit_t *h;
    size_t n;
} hits_t;

static const extract__phrase_hit_t *hit_ending(const hits_t *hs, size_t end) {
    for (size_t i = 0; i < hs->n; i++)
        if (hs->h[i].end == end)
            return &hs->h[i];
    return NULL;
}

static const extract__phrase_t *word_at(const extract__quantity_lex_t *ql,
                                        int k, const char *s, const char *low,
                                        size_t len, size_t at) {
    if (at >= len || !extract__is_word_cp(cp_at(low, len, at)))
        return NULL;
    size_t b;
    int32_t pc = cp_before(low, at, &b);
    if (extract__is_word_cp(pc))
        return NULL;
    return extract__phrases_at(ql->set[k], s, low, len, at);
}

/* --- numbers ---------------------------------------------------------------
 */

typedef struct {
    double v;
    size_t end; /* after the digits */
    int dotted; /* a single "." that is not a thousands separator */
} num_t;

/* Reads the number token at s[i] (a digit). Returns 0, or -1 when the token
 * is no well-formed number or too large; *tok_end gets the token's end
 * either way. */
static int parse_number(const char *s, size_t len, size_t i, num_t *out,
                        size_t *tok_end) {
    size_t j = i;
    while (j < len && (is_digit(s[j]) || ((s[j] == '.' || s[j] == ',') &&
                                          j + 1 < len && is_digit(s[j + 1]))))
        j++;
    *tok_end = j;
    size_t dots = 0, commas = 0, comma_at = j;
    for (size_t k = i; k < j; k++) {
        if (s[k] == '.') {
            if (commas)
                return -1; /* "1,5.3" */
            dots++;
        } else if (s[k] == ',') {
            commas++;
            comma_at = k;
        }
    }
    if (commas > 1)
        return -1;
    size_t int_end = comma_at;
    int grouped = 1;
    if (dots) {
        /* groups: 1-3 digits, then exactly 3 after every dot */
        size_t g = 0, first = 1;
        for (size_t k = i; k <= int_end; k++) {
            if (k == int_end || s[k] == '.') {
                if ((first && (g < 1 || g > 3)) || (!first && g != 3))
                    grouped = 0;
                first = 0;
                g = 0;
            } else {
                g++;
            }
        }
    }
    out->dotted = 0;
    if (dots && !grouped) {
        if (dots != 1 || commas)
            return -1;
        out->dotted = 1; /* "42.5": only next to a scale word */
    }
    uint64_t ip = 0;
    size_t ndig = 0;
    size_t k = i;
    for (; k < int_end; k++) {
        if (s[k] == '.') {
            if (out->dotted)
                break;
            continue;
        }
        if (++ndig > 18)
            return -1; /* too large to hold */
        ip = ip * 10 + (uint64_t)(s[k] - '0');
    }
    double v = (double)ip;
    size_t fs = out->dotted ? k + 1 : (commas ? comma_at + 1 : j);
    size_t fe = j;
    double scale = 0.1;
    for (size_t f = fs, nf = 0; f < fe && nf < 12; f++, nf++) {
        v += (s[f] - '0') * scale;
        scale /= 10;
    }
    out->v = v;
    out->end = j;
    return 0;
}

/* Reads the scale words at i: returns the power of ten (0: none) and the
 * end in *end. */
static int read_scales(const extract__quantity_lex_t *ql, const char *s,
                       const char *low, size_t len, size_t i, size_t *end) {
    int exp = 0;
    *end = i;
    for (int n = 0; n < 3; n++) {
        size_t at = skip_spaces(s, len, *end);
        const extract__phrase_t *p = word_at(ql, QK_SCALE, s, low, len, at);
        if (p == NULL)
            break;
        exp += p->value;
        *end = at + p->len;
    }
    return exp;
}

/* A number with its scale at i; 0 or -1 (not a number or too large). */
typedef struct {
    double v;
    int exp;
    size_t end; /* after the scale words, or the digits */
    size_t tok_end;
} scaled_t;

static int read_scaled(const extract__quantity_lex_t *ql, const char *s,
                       const char *low, size_t len, size_t i, scaled_t *out) {
    num_t n;
    int rc = parse_number(s, len, i, &n, &out->tok_end);
    out->end = out->tok_end;
    if (rc != 0)
        return -1;
    /* letters glued to the digits: "5G", "1giai", "2nd" */
    int32_t after = cp_at(s, len, n.end);
    if (extract__is_word_cp(after) || after == '+')
        return -1;
    size_t send;
    out->exp = read_scales(ql, s, low, len, n.end, &send);
    if (n.dotted && out->exp == 0)
        return -1;
    double v = n.v * pow(10.0, out->exp);
    if (!(v <= QTY_MAX) || out->exp > 18)
        return -1;
    out->v = v;
    out->end = out->exp ? send : n.end;
    return 0;
}

/* Reads the unit at i (after spaces): sets q's unit and returns the end,
 * or i when there is none. *metric gets the noun's metric + 1 (0: none). */
static size_t read_unit(const extract__quantity_lex_t *ql, const char *s,
                        const char *low, size_t len, size_t i,
                        extract_quantity_t *q, int *metric) {
    size_t at = skip_spaces(s, len, i);
    if (at < len && s[at] == '%' && at - i <= 1) {
        q->unit = EXTRACT_UNIT_PERCENT;
        q->unit_start = (uint32_t)at;
        q->unit_end = (uint32_t)(at + 1);
        *metric = 0;
        return at + 1;
    }
    if (at == i && at < len && at > 0)
        return i; /* no space: "5km" was rejected as a glued word already */
    const extract__phrase_t *p = word_at(ql, QK_UNIT, s, low, len, at);
    if (p == NULL)
        return i;
    q->unit = (extract_unit_t)p->value;
    q->unit_start = (uint32_t)at;
    q->unit_end = (uint32_t)(at + p->len);
    *metric = p->weight;
    return at + p->len;
}

static int is_upper_word_before(const char *s, size_t i) {
    /* the word that ends at i (after spaces) starts upper-case and is not
     * the first word of the text */
    size_t e = skip_spaces_back(s, i);
    if (e == i && i > 0)
        return 0;
    size_t b = e, at;
    while (b > 0 && extract__is_word_cp(cp_before(s, b, &at)))
        b = at;
    if (b == e)
        return 0;
    size_t j = b;
    int32_t first = text_utf8_next(s, e, &j);
    if (!text_cp_is_upper(first))
        return 0;
    for (size_t k = 0; k < b;) {
        if (extract__is_word_cp(text_utf8_next(s, b, &k)))
            return 1;
    }
    return 0;
}

/* The internal finder: timex spans tx[0..ntx) are excluded; qm (optional)
 * gets each quantity's unit metric + 1. */
static size_t quantities_find(const extract_lexicon_t *lex, const char *s,
                              size_t len, const char *low,
                              const extract_timex_t *tx, size_t ntx,
                              extract_quantity_t **out, int **qm) {
    const extract__quantity_lex_t *ql = lex->quantity;
    *out = NULL;
    if (qm)
        *qm = NULL;
    if (ql == NULL || len == 0)
        return 0;
    hits_t hs[QK_COUNT];
    static const int back[] = {QK_APPROX, QK_CHANGE, QK_FILLER, QK_FROM,
                               QK_ORDINAL};
    memset(hs, 0, sizeof hs);
    for (size_t b = 0; b < VJ_ARRAY_SIZE(back); b++)
        hs[back[b]].n = extract__phrases_find(ql->set[back[b]], s, low, len,
                                              &hs[back[b]].h);

    extract_quantity_t *qs = NULL;
    int *ms = NULL;
    size_t n = 0, cap = 0;
    size_t i = 0, t = 0;
    while (i < len) {
        if (!is_digit(s[i])) {
            i++;
            continue;
        }
        size_t pa;
        int32_t prev = cp_before(s, i, &pa);
        scaled_t x;
        int rc = read_scaled(ql, s, low, len, i, &x);
        size_t next = x.tok_end > i ? x.tok_end : i + 1;
        if (extract__is_word_cp(prev) || prev == '+' || prev == '/' ||
            prev == ':' || prev == '.' || prev == ',') {
            /* "G7", "CO2", "2+2", the 4 of 27/4 */
            while (next < len && extract__is_word_cp(cp_at(s, len, next)))
                next++;
            i = next;
            continue;
        }
        if (rc != 0) {
            i = next;
            continue;
        }
        /* inside a date or a duration */
        while (t < ntx && tx[t].end <= i)
            t++;
        if (t < ntx && tx[t].start <= i) {
            i = next;
            continue;
        }
        /* after a dash: "LOTUSat – 1", "V1 – 2" (a range was consumed with
         * its first number) */
        size_t pb = skip_spaces_back(s, i);
        size_t pat;
        int32_t pcp = cp_before(s, pb, &pat);
        if (is_dash(pcp) || pcp == '/' || pcp == '+') {
            i = next;
            continue;
        }
        /* list numbering: "(1)", "3." opening the text */
        if (prev == '(' && x.tok_end < len && s[x.tok_end] == ')' &&
            x.exp == 0) {
            i = next;
            continue;
        }
        if (pb == 0 || (pb > 0 && skip_spaces_back(s, pb) == 0 &&
                        (pcp == 0x201C || pcp == '"' || pcp == '('))) {
            if (x.exp == 0 && x.tok_end < len && s[x.tok_end] == '.' &&
                (x.tok_end + 1 == len || s[x.tok_end + 1] == ' ')) {
                i = next;
                continue;
            }
        }
        /* a rank: "thứ 4", "số 1", "lần thứ 16" */
        if (hit_ending(&hs[QK_ORDINAL], pb)) {
            i = next;
            continue;
        }

        extract_quantity_t q;
        memset(&q, 0, sizeof q);
        q.unit = EXTRACT_UNIT_OTHER;
        q.value = x.v;
        size_t qstart = i;
        size_t end = x.end;
        int exp = x.exp;

        /* qualifiers, "từ", a change word before the number */
        int has_from = 0;
        size_t p = pb;
        for (int step = 0; step < 5; step++) {
            const extract__phrase_hit_t *h;
            if (!has_from && q.approx == EXTRACT_APPROX_EXACT && !q.change &&
                (h = hit_ending(&hs[QK_FROM], p))) {
                has_from = 1;
                qstart = h->start;
            } else if (q.approx == EXTRACT_APPROX_EXACT && !q.change &&
                       (h = hit_ending(&hs[QK_APPROX], p))) {
                q.approx = (extract_approx_t)h->p->value;
                qstart = h->start;
            } else if (!q.change && (h = hit_ending(&hs[QK_CHANGE], p))) {
                q.change = 1;
                q.change_sign = h->p->value == 1 ? 1 : -1;
                break;
            } else if ((h = hit_ending(&hs[QK_FILLER], p))) {
                /* "tăng lần lượt khoảng 10%" */
            } else {
                break;
            }
            p = skip_spaces_back(s, h->start);
        }

        /* a range: "1-2", "từ X đến Y" */
        size_t after = skip_spaces(s, len, end);
        int32_t acp = cp_at(s, len, after);
        size_t yat = len;
        if (is_dash(acp)) {
            size_t k = after;
            text_utf8_next(s, len, &k);
            k = skip_spaces(s, len, k);
            if (k < len && is_digit(s[k]) &&
                (after == end) == (k == after + (acp == '-' ? 1 : 3)))
                yat = k;
        } else if (has_from) {
            /* "từ X đến Y", "từ X USD tới Y USD" */
            extract_quantity_t tmp = q;
            int tm;
            size_t ue = read_unit(ql, s, low, len, end, &tmp, &tm);
            for (int pass = 0; pass < 2 && yat == len; pass++) {
                size_t w0 = skip_spaces(s, len, pass ? ue : end);
                if (pass && ue == end)
                    break;
                const extract__phrase_t *w =
                    word_at(ql, QK_TO, s, low, len, w0);
                if (w && w->text[0] != 's' && w->text[0] != 'v') {
                    /* đến, tới: not sang, vào */
                    size_t k = skip_spaces(s, len, w0 + w->len);
                    if (k < len && is_digit(s[k]))
                        yat = k;
                }
            }
        }
        if (yat < len) {
            scaled_t y;
            int in_tx = 0;
            for (size_t u = t; u < ntx; u++)
                if (tx[u].start <= yat && yat < tx[u].end)
                    in_tx = 1;
            if (!in_tx && read_scaled(ql, s, low, len, yat, &y) == 0) {
                double xv = q.value;
                if (exp == 0 && y.exp > 0)
                    xv *= pow(10.0, y.exp);
                if (y.v > xv && xv <= QTY_MAX) {
                    q.value = xv;
                    q.has_max = 1;
                    q.value_max = y.v;
                    end = y.end;
                    next = y.tok_end > next ? y.tok_end : next;
                }
            }
        }
        int metric = 0;
        size_t uend = read_unit(ql, s, low, len, end, &q, &metric);
        if (uend == end && exp == 0) {
            /* a bare number: not before a time word ("3 lần", "10 năm"),
             * not after a name ("Ô Môn 4", "Metro số 2") */
            size_t at = skip_spaces(s, len, end);
            if (word_at(ql, QK_TIME, s, low, len, at) || prev == 0x201C ||
                prev == '"' ||
                (q.approx == EXTRACT_APPROX_EXACT && !has_from && !q.change &&
                 is_upper_word_before(s, i))) {
                i = next;
                continue;
            }
        }
        end = uend;
        q.start = (uint32_t)qstart;
        q.end = (uint32_t)end;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            qs = vj_realloc(qs, cap * sizeof *qs);
            ms = vj_realloc(ms, cap * sizeof *ms);
        }
        ms[n] = metric;
        qs[n++] = q;
        i = end > next ? end : next;
    }
    /* "tăng lần lượt 10% và 16%": the change word carries over "và" */
    for (size_t k = 1; k < n; k++) {
        extract_quantity_t *a = &qs[k - 1], *b = &qs[k];
        if (!a->change || b->change || b->unit != a->unit ||
            b->approx != EXTRACT_APPROX_EXACT)
            continue;
        size_t x0 = skip_spaces(s, len, a->end),
               x1 = skip_spaces_back(s, b->start);
        if ((x1 == x0 + 1 && s[x0] == ',') ||
            (x1 == x0 + 3 && memcmp(low + x0, "và", 3) == 0)) {
            b->change = 1;
            b->change_sign = a->change_sign;
            b->approx = a->approx;
        }
    }
    for (size_t b = 0; b < QK_COUNT; b++)
        free(hs[b].h);
    *out = qs;
    if (qm)
        *qm = ms;
    else
        free(ms);
    return n;
}

size_t extract_quantities_find(const extract_lexicon_t *lex, const char *text,
                               size_t len, extract_quantity_t **out) {
    *out = NULL;
    if (lex == NULL || text == NULL || len == 0 || len > UINT32_MAX)
        return 0;
    corpus_date_t ref;
    memset(&ref, 0, sizeof ref);
    extract_timex_t *tx = NULL;
    size_t ntx = extract_timex_find(lex, text, len, &ref, &tx);
    char *low = extract__lower_copy(text, len);
    size_t n = quantities_find(lex, text, len, low, tx, ntx, out, NULL);
    free(low);
    free(tx);
    return n;
}

/* --- facts ------------------------------------------------------------------
 */

static int unit_class(const extract_quantity_t *q) {
    if (q->unit_end == 0 && q->unit != EXTRACT_UNIT_PERCENT)
        return 0; /* bare: any metric */
    switch (q->unit) {
    case EXTRACT_UNIT_USD:
    case EXTRACT_UNIT_EUR:
    case EXTRACT_UNIT_JPY:
    case EXTRACT_UNIT_VND:
        return 1;
    case EXTRACT_UNIT_PERSON:
    case EXTRACT_UNIT_COMPANY:
    case EXTRACT_UNIT_PROJECT:
    case EXTRACT_UNIT_LOCALITY:
        return 2;
    case EXTRACT_UNIT_KM:
        return 3;
    default:
        return 0;
    }
}

static int metric_fits(int metric, int cls) {
    if (cls == 0 || metric == EXTRACT_METRIC_TARGET ||
        metric == EXTRACT_METRIC_OTHER)
        return 1;
    if (metric <= EXTRACT_METRIC_LOAN)
        return cls == 1;
    if (metric <= EXTRACT_METRIC_LOCALITIES)
        return cls == 2;
    return cls == 3; /* infrastructure */
}

typedef struct {
    const extract_lexicon_t *lex;
    const corpus_doc_t *doc;
    uint32_t d;
    const corpus_sentence_t *sent;
    const char *s, *low;
    size_t len;
    extract_quantity_t *q;
    int *qm;
    size_t nq;
    extract__range_t cl[64];
    size_t ncl;
    extract__phrase_hit_t *mh;
    size_t nmh;
    extract_timex_t *tx;
    size_t ntx;
    extract_mention_t *pl; /* places only */
    size_t npl;
} sent_t;

static size_t clause_of(const sent_t *st, uint32_t pos) {
    for (size_t c = 0; c < st->ncl; c++)
        if (pos < st->cl[c].end)
            return c;
    return st->ncl ? st->ncl - 1 : 0;
}

/* Is metric hit h inside another quantity's unit words? */
static int hit_is_unit(const sent_t *st, const extract__phrase_hit_t *h,
                       size_t self) {
    for (size_t k = 0; k < st->nq; k++)
        if (k != self && st->q[k].unit_end > 0 &&
            h->start < st->q[k].unit_end && st->q[k].unit_start < h->end)
            return 1;
    return 0;
}

static int best_hit(const sent_t *st, size_t self, uint32_t from, uint32_t to,
                    int cls, int nearest_first) {
    int best = -1, bw = -1;
    uint32_t bpos = 0;
    for (size_t k = 0; k < st->nmh; k++) {
        const extract__phrase_hit_t *h = &st->mh[k];
        if (h->start < from || h->end > to)
            continue;
        int m = h->p->value;
        if (m == EXTRACT_METRIC_TARGET || !metric_fits(m, cls) ||
            hit_is_unit(st, h, self))
            continue;
        if (nearest_first) {
            if (best < 0 || h->start < bpos) {
                best = m;
                bpos = h->start;
            }
        } else if (h->p->weight > bw ||
                   (h->p->weight == bw && h->end >= bpos)) {
            best = m;
            bw = h->p->weight;
            bpos = h->end;
        }
    }
    return best;
}

static int clause_has_quantity(const sent_t *st, size_t c) {
    for (size_t k = 0; k < st->nq; k++)
        if (st->q[k].start >= st->cl[c].start && st->q[k].start < st->cl[c].end)
            return 1;
    return 0;
}

static int metric_for(const sent_t *st, size_t i, int *by_date) {
    const extract_quantity_t *q = &st->q[i];
    *by_date = 0;
    size_t c = clause_of(st, q->start);
    uint32_t cs = st->cl[c].start, ce = st->cl[c].end;
    for (size_t k = 0; k < st->nmh; k++)
        if (st->mh[k].p->value == EXTRACT_METRIC_TARGET &&
            st->mh[k].start >= cs && st->mh[k].end <= q->start)
            return EXTRACT_METRIC_TARGET;
    for (size_t k = 0; k < st->ntx; k++)
        if (st->tx[k].target && st->tx[k].start >= cs && st->tx[k].end <= ce) {
            *by_date = 1;
            return EXTRACT_METRIC_TARGET;
        }
    if (st->qm[i] > 0)
        return st->qm[i] - 1;
    int cls = unit_class(q);
    int m = best_hit(st, i, cs, q->start, cls, 0);
    if (m >= 0)
        return m;
    uint32_t stop = ce;
    for (size_t k = i + 1; k < st->nq; k++)
        if (st->q[k].start < stop && st->q[k].start >= q->end) {
            stop = st->q[k].start;
            break;
        }
    m = best_hit(st, i, q->unit_end ? q->unit_start : q->end, stop, cls, 1);
    if (m >= 0)
        return m;
    if (c > 0 && !clause_has_quantity(st, c - 1)) {
        m = best_hit(st, st->nq, st->cl[c - 1].start, st->cl[c - 1].end, cls,
                     0);
        if (m >= 0)
            return m;
    }
    return -1;
}

/* A comparison date: "so với cùng kỳ năm trước". */
static int timex_is_comparison(const sent_t *st, const extract_timex_t *t) {
    size_t from = t->start > 24 ? t->start - 24 : 0;
    while (from > 0 && ((unsigned char)st->low[from] & 0xC0) == 0x80)
        from--;
    const char *a = st->low + from;
    size_t n = t->start - from;
    static const char *const marks[] = {"so với", "cùng kỳ"};
    for (size_t m = 0; m < 2; m++) {
        size_t ml = strlen(marks[m]);
        for (size_t k = 0; k + ml <= n; k++)
            if (memcmp(a + k, marks[m], ml) == 0)
                return 1;
    }
    return 0;
}

/* The date of the number's clause, else of the nearest clause before it
 * that has one (a target: its own clause only). */
static const extract_timex_t *period_for(const sent_t *st, size_t i,
                                         int own_clause) {
    const extract_quantity_t *q = &st->q[i];
    size_t c = clause_of(st, q->start);
    for (size_t cc = c + 1; cc-- > 0 && (!own_clause || cc == c);) {
        const extract_timex_t *best = NULL;
        for (size_t k = 0; k < st->ntx; k++) {
            const extract_timex_t *t = &st->tx[k];
            if (t->kind != EXTRACT_TIMEX_DATE || t->start < st->cl[cc].start ||
                t->start >= st->cl[cc].end || timex_is_comparison(st, t))
                continue;
            if (best == NULL)
                best = t;
            else {
                /* the nearest to the number */
                long db = labs((long)best->start - (long)q->start);
                long dt = labs((long)t->start - (long)q->start);
                if (dt < db)
                    best = t;
            }
        }
        if (best)
            return best;
    }
    return NULL;
}

/* The place mention that starts at byte at, or -1. */
static int place_at(const sent_t *st, uint32_t at) {
    for (size_t m = 0; m < st->npl; m++)
        if (st->pl[m].start == at)
            return (int)m;
    return -1;
}

static void subjects_for(const sent_t *st, size_t i, uint32_t seg_s,
                         uint32_t seg_e, int32_t *from, int32_t *to) {
    const extract__quantity_lex_t *ql = st->lex->quantity;
    const extract_quantity_t *q = &st->q[i];
    *from = *to = -1;
    /* the "to" words of the segment, the ones after the number first */
    int best_to = -1;
    uint32_t trig = 0;
    for (int pass = 0; pass < 2 && best_to < 0; pass++) {
        uint32_t a = pass == 0 ? q->end : seg_s;
        uint32_t b = pass == 0 ? seg_e : q->start;
        for (uint32_t w = a; w < b; w++) {
            if (w > 0 && ((unsigned char)st->low[w] & 0xC0) == 0x80)
                continue;
            const extract__phrase_t *p =
                word_at(ql, QK_TO, st->s, st->low, st->len, w);
            if (p == NULL)
                continue;
            size_t at = skip_spaces(st->s, st->len, w + p->len);
            int m = place_at(st, (uint32_t)at);
            if (m >= 0 && st->pl[m].end <= b) {
                best_to = m;
                trig = w;
                if (pass == 1)
                    continue; /* before the number: the nearest one */
                break;
            }
        }
    }
    if (best_to < 0)
        return;
    *to = (int32_t)st->pl[best_to].entity;
    /* the origin: a place after "từ", else the nearest place before the
     * "to" word */
    int best_from = -1;
    for (uint32_t w = seg_s; w < trig; w++) {
        if (((unsigned char)st->low[w] & 0xC0) == 0x80)
            continue;
        const extract__phrase_t *p =
            word_at(ql, QK_FROM, st->s, st->low, st->len, w);
        if (p == NULL)
            continue;
        size_t at = skip_spaces(st->s, st->len, w + p->len);
        int m = place_at(st, (uint32_t)at);
        if (m >= 0)
            best_from = m;
    }
    if (best_from < 0)
        for (size_t m = 0; m < st->npl; m++)
            if (st->pl[m].start >= seg_s && st->pl[m].end <= trig &&
                (q->start >= trig || st->pl[m].start >= q->end ||
                 st->pl[m].end <= q->start))
                best_from = (int)m;
    if (best_from >= 0 && st->pl[best_from].entity != st->pl[best_to].entity)
        *from = (int32_t)st->pl[best_from].entity;
}

typedef struct {
    extract_statistic_t *v;
    size_t n, cap;
} stats_t;

static int starts_with_change(const sent_t *st, uint32_t cs, uint32_t upto) {
    size_t at = skip_spaces(st->s, st->len, cs);
    static const char *const lead[] = {"và ", "cũng ", "đồng thời "};
    for (int again = 1; again;) {
        again = 0;
        for (size_t k = 0; k < 3; k++) {
            size_t l = strlen(lead[k]);
            if (at + l <= upto && memcmp(st->low + at, lead[k], l) == 0) {
                at = skip_spaces(st->s, st->len, at + l);
                again = 1;
            }
        }
    }
    return at < upto && word_at(st->lex->quantity, QK_CHANGE, st->s, st->low,
                                st->len, at) != NULL;
}

static void sentence_facts(sent_t *st, stats_t *out) {
    size_t nq = st->nq;
    int32_t *fact = vj_malloc((nq ? nq : 1) * sizeof *fact);
    int *conv = vj_calloc(nq ? nq : 1, sizeof *conv); /* i+1 converted into i */
    /* bracketed conversions: "66,086 tỷ yên (540 triệu USD)" */
    for (size_t i = 0; i + 1 < nq; i++) {
        const extract_quantity_t *a = &st->q[i], *b = &st->q[i + 1];
        size_t x = skip_spaces(st->s, st->len, a->end);
        if (a->unit_end == 0 || unit_class(b) != 1 || b->unit_end == 0 ||
            x >= st->len || st->s[x] != '(' ||
            skip_spaces(st->s, st->len, x + 1) != b->start)
            continue;
        size_t y = skip_spaces(st->s, st->len, b->end);
        if (y < st->len && st->s[y] == ')' && !b->change)
            conv[i + 1] = 1;
    }
    int *metric = vj_malloc((nq ? nq : 1) * sizeof *metric);
    for (size_t i = 0; i < nq; i++) {
        int by_date;
        fact[i] = -1;
        metric[i] = metric_for(st, i, &by_date);
        if (conv[i])
            continue;
        const extract_quantity_t *q = &st->q[i];
        int has_unit = q->unit_end > 0;
        /* a bare number needs a word that says what it measures */
        if (!has_unit && (metric[i] < 0 || by_date))
            continue;
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 64;
            out->v = vj_realloc(out->v, out->cap * sizeof *out->v);
        }
        extract_statistic_t *f = &out->v[out->n];
        memset(f, 0, sizeof *f);
        f->q = *q;
        f->metric =
            metric[i] >= 0 ? (extract_metric_t)metric[i] : EXTRACT_METRIC_OTHER;
        f->unit_text = has_unit ? vj_strndup(st->s + q->unit_start,
                                             q->unit_end - q->unit_start)
                                : NULL;
        f->is_change = q->change && q->unit == EXTRACT_UNIT_PERCENT;
        f->change_of = f->change = -1;
        f->subject_from = f->subject_to = -1;
        const extract_timex_t *t =
            period_for(st, i, metric[i] == EXTRACT_METRIC_TARGET);
        if (t) {
            f->has_period = 1;
            f->period = t->date;
        }
        if (i + 1 < nq && conv[i + 1]) {
            f->has_converted = 1;
            f->converted_value = st->q[i + 1].value;
            f->converted_unit = st->q[i + 1].unit;
            f->q.end = st->q[i + 1].end;
            size_t y = skip_spaces(st->s, st->len, f->q.end);
            if (y < st->len && st->s[y] == ')')
                f->q.end = (uint32_t)(y + 1);
        }
        f->source.doc = st->d;
        f->source.paragraph = st->sent->paragraph;
        f->source.span =
            extract__doc_span(st->doc, st->sent, f->q.start, f->q.end);
        f->sentence.doc = st->d;
        f->sentence.paragraph = st->sent->paragraph;
        f->sentence.span = st->sent->span;
        char id[64];
        snprintf(id, sizeof id, "-%u", f->source.span.start);
        size_t il = strlen(st->doc->id);
        f->id = vj_malloc(il + strlen(id) + 1);
        memcpy(f->id, st->doc->id, il);
        strcpy(f->id + il, id);
        fact[i] = (int32_t)out->n++;
    }
    /* subjects: the places of the flow around each fact, up to the next
     * number of its clause */
    for (size_t i = 0; i < nq; i++) {
        if (fact[i] < 0)
            continue;
        size_t c = clause_of(st, st->q[i].start);
        uint32_t seg_s = st->cl[c].start, seg_e = st->cl[c].end;
        if (i + 1 < nq && st->q[i + 1].start < seg_e)
            seg_e = st->q[i + 1].start;
        if (i > 0 && st->q[i - 1].end > seg_s)
            seg_s = st->q[i - 1].end;
        extract_statistic_t *f = &out->v[fact[i]];
        subjects_for(st, i, seg_s, seg_e, &f->subject_from, &f->subject_to);
    }
    /* an import beside an export of the same clause runs the other way */
    for (size_t i = 0; i < nq; i++) {
        if (fact[i] < 0)
            continue;
        extract_statistic_t *f = &out->v[fact[i]];
        if (f->metric != EXTRACT_METRIC_IMPORT || f->subject_to >= 0)
            continue;
        size_t c = clause_of(st, st->q[i].start);
        for (size_t k = 0; k < nq; k++) {
            if (fact[k] < 0 || k == i || clause_of(st, st->q[k].start) != c)
                continue;
            const extract_statistic_t *e = &out->v[fact[k]];
            if (e->metric == EXTRACT_METRIC_EXPORT && e->subject_to >= 0 &&
                e->subject_from >= 0) {
                f->subject_from = e->subject_to;
                f->subject_to = e->subject_from;
            }
        }
    }
    /* changes: linked with the figure they qualify */
    for (size_t i = 0; i < nq;) {
        if (fact[i] < 0 || !out->v[fact[i]].is_change) {
            i++;
            continue;
        }
        size_t c = clause_of(st, st->q[i].start);
        size_t j = i + 1; /* the group: "lần lượt 10% và 16%" */
        while (j < nq && fact[j] >= 0 && out->v[fact[j]].is_change &&
               clause_of(st, st->q[j].start) == c)
            j++;
        size_t k = j - i;
        size_t cand[16], nc = 0;
        for (size_t a = 0; a < i && nc < 16; a++)
            if (fact[a] >= 0 && !out->v[fact[a]].is_change &&
                out->v[fact[a]].change < 0 &&
                clause_of(st, st->q[a].start) == c)
                cand[nc++] = a;
        if (nc == 0 && c > 0 &&
            starts_with_change(st, st->cl[c].start, st->q[i].start)) {
            for (size_t pc = c; pc-- > 0 && nc == 0;) {
                for (size_t a = 0; a < i && nc < 16; a++)
                    if (fact[a] >= 0 && !out->v[fact[a]].is_change &&
                        out->v[fact[a]].change < 0 &&
                        clause_of(st, st->q[a].start) == pc)
                        cand[nc++] = a;
                if (c - pc >= 2)
                    break;
            }
        }
        if (nc > 0) {
            size_t pairs = k <= nc ? k : 1;
            size_t first = nc - pairs;
            for (size_t g = 0; g < pairs; g++) {
                extract_statistic_t *fig = &out->v[fact[cand[first + g]]];
                extract_statistic_t *ch = &out->v[fact[i + g]];
                fig->change = fact[i + g];
                ch->change_of = fact[cand[first + g]];
            }
        }
        i = j;
    }
    /* a change measures what its figure measures, in the figure's period */
    for (size_t i = 0; i < nq; i++) {
        if (fact[i] < 0 || out->v[fact[i]].change_of < 0)
            continue;
        extract_statistic_t *ch = &out->v[fact[i]];
        const extract_statistic_t *fig = &out->v[ch->change_of];
        if (metric[i] < 0 || ch->metric == EXTRACT_METRIC_OTHER)
            ch->metric = fig->metric;
        if (!ch->has_period && fig->has_period) {
            ch->has_period = 1;
            ch->period = fig->period;
        }
        if (ch->subject_to < 0) {
            ch->subject_from = fig->subject_from;
            ch->subject_to = fig->subject_to;
        }
    }
    free(metric);
    free(conv);
    free(fact);
}

void extract__statistics_run(const extract_lexicon_t *lex,
                             const corpus_t *corpus, extract_result_t *r) {
    stats_t out = {0};
    if (lex->quantity == NULL)
        return;
    for (size_t d = 0; d < corpus_doc_count(corpus); d++) {
        const corpus_doc_t *doc = corpus_doc_at(corpus, d);
        if (strcmp(doc->language, "vi") != 0)
            continue;
        for (size_t si = 0; si < doc->sentence_count; si++) {
            const corpus_sentence_t *sent = &doc->sentences[si];
            const char *s = doc->text + sent->span.start;
            size_t len = sent->span.end - sent->span.start;
            int has_digit = 0;
            for (size_t k = 0; k < len && !has_digit; k++)
                has_digit = is_digit(s[k]);
            if (!has_digit)
                continue;
            sent_t st;
            memset(&st, 0, sizeof st);
            st.lex = lex;
            st.doc = doc;
            st.d = (uint32_t)d;
            st.sent = sent;
            st.s = s;
            st.len = len;
            char *low = extract__lower_copy(s, len);
            st.low = low;
            st.ntx = extract_timex_find(lex, s, len, &doc->published, &st.tx);
            st.nq =
                quantities_find(lex, s, len, low, st.tx, st.ntx, &st.q, &st.qm);
            if (st.nq > 0) {
                st.ncl = extract__clauses_split(s, len, st.cl, 64);
                if (st.ncl == 0) {
                    st.cl[0].start = 0;
                    st.cl[0].end = (uint32_t)len;
                    st.ncl = 1;
                }
                st.nmh = extract__phrases_find(lex->quantity->metrics, s, low,
                                               len, &st.mh);
                extract_mention_t *em = NULL;
                size_t ne = extract_entities_find(lex, s, len, &em);
                size_t np = 0;
                for (size_t k = 0; k < ne; k++) {
                    const extract_entity_t *e =
                        extract_entity_at(lex, em[k].entity);
                    if (e && e->type == EXTRACT_ENTITY_PLACE)
                        em[np++] = em[k];
                }
                st.pl = em;
                st.npl = np;
                sentence_facts(&st, &out);
                free(st.mh);
                free(em);
            }
            free(st.q);
            free(st.qm);
            free(st.tx);
            free(low);
        }
    }
    r->statistics = out.v;
    r->statistic_count = out.n;
}

void extract__statistics_free(extract_result_t *r) {
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->statistic_count; i++) {
        free(r->statistics[i].id);
        free(r->statistics[i].unit_text);
    }
    free(r->statistics);
    r->statistics = NULL;
    r->statistic_count = 0;
}

size_t extract_statistic_count(const extract_result_t *r) {
    return r->statistic_count;
}

const extract_statistic_t *extract_statistic_at(const extract_result_t *r,
                                                size_t i) {
    return i < r->statistic_count ? &r->statistics[i] : NULL;
}
