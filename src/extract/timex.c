/* timex.c - the Vietnamese temporal tagger.
 *
 * A sentence is cut once into tokens (words, ASCII digit runs, single
 * punctuation marks), each with its lower-case form in one scratch buffer
 * and a hash of it. A second pass marks, per token, what the time words of
 * data/lexicon/temporal.tsv say about it (a preposition ends here, a tense
 * marker, a blocking word such as "số" or "thứ"). Then a left-to-right
 * scan tries the rules at each token, the longest first: a clock time
 * before a date, a weekday before a date, a vague phrase, a period word
 * before a year range, a modifier before a unit, a relative phrase, a unit
 * word with its numbers (ngày/tháng/quý/năm), and bare numbers with a
 * date shape or a duration unit. A match becomes a raw expression: its
 * numbers and how its year is to be found (written out, relative to the
 * publication year, or bare). Two matches joined by a dash or "đến" merge
 * into one range; dates joined by "và" share a year. Finally each raw
 * expression gets its tense and target flags from the words around it and
 * is resolved against the publication date: a bare day or month takes the
 * year that puts it nearest that date, consistent with the tense.
 *
 * Nothing allocates per character: the tokens, the scratch buffer and the
 * raw expressions are three arrays per call, grown by doubling. */
#include "calendar.h"
#include "internal.h"
#include "vjcorpus/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* --- Lexicon ------------------------------------------------------------ */

enum {
    K_UNIT = 0,
    K_REL,
    K_VAGUE,
    K_MOD,
    K_TENSE,
    K_NEXT,
    K_PREP,
    K_CTX,
    K_BLOCK,
    K_PERIOD,
    K_TARGET,
    K_WEEKDAY,
    K_DURQ,
    K_DURUNIT,
    K_DURSUF,
    K_ROMAN,
    K_CONJ,
    K__COUNT
};

static const char *const kind_names[K__COUNT] = {
    "unit", "rel",     "vague",  "mod",    "tense",  "next",
    "prep", "ctx",     "block",  "period", "target", "weekday",
    "durq", "durunit", "dursuf", "roman",  "conj"};

#define KM(k) (1u << (k))

enum { PREP_AT = 0, PREP_FROM, PREP_TO, PREP_BEFORE };

#define TX_MAX_WORDS 8
#define TX_BUCKETS 256

typedef struct {
    uint8_t kind;
    uint8_t nwords;
    int16_t a, b; /* values: unit/offset, mod, tense, weekday, ... */
    uint64_t h0;  /* hash of the first word */
    char *text;   /* lower-case words, each NUL-terminated, one after
                     another */
    uint16_t wlen[TX_MAX_WORDS];
    int32_t next; /* next entry in the same bucket, or -1 */
} tx_entry_t;

struct extract__timex_lex {
    tx_entry_t *e;
    size_t n, cap;
    int32_t bucket[TX_BUCKETS];
};

/* Room lower_into needs for n input bytes: an invalid byte decodes to
 * U+FFFD (3 bytes), and a lower-case code point never takes more than 3
 * bytes per byte of its upper-case form. */
#define LOWER_CAP(n) (3 * (n) + 8)

/* Appends the lower case of s[0..len) to out[*o..cap), stopping short
 * rather than writing past cap. */
static void lower_into(const char *s, size_t len, char *out, size_t *o,
                       size_t cap) {
    size_t i = 0;
    while (i < len) {
        if (*o + 4 > cap)
            break;
        int32_t cp = text_utf8_next(s, len, &i);
        if (cp < 0)
            break;
        if (cp < 0x80) {
            out[(*o)++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
            continue;
        }
        cp = utf8proc_tolower(cp);
        *o += text_utf8_encode(cp, out + *o);
    }
}

static int unit_parse(const char *s) {
    static const char *const u[] = {"day", "week", "month", "quarter", "year"};
    for (int i = 0; i < 5; i++)
        if (strcmp(s, u[i]) == 0)
            return EXTRACT_PREC_DAY + i;
    return -1;
}

static int int_parse(const char *s, int lo, int hi, int *out) {
    char *end;
    if (*s == '\0')
        return -1;
    long v = strtol(s, &end, 10);
    if (*end != '\0' || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

typedef struct {
    extract__timex_lex_t *t;
    corpus_problem_cb cb;
    void *data;
    const char *path;
} load_ctx_t;

static int value_parse(int kind, char **f, size_t n, int *a, int *b) {
    const char *v = n > 2 ? f[2] : "";
    const char *w = n > 3 ? f[3] : "";
    *a = *b = 0;
    switch (kind) {
    case K_UNIT:
        *a = unit_parse(v);
        if (*a < 0 || *a == EXTRACT_PREC_WEEK)
            return -1;
        if (*w != '\0' && strcmp(w, "fiscal") != 0)
            return -1;
        *b = *w != '\0';
        return 0;
    case K_REL:
        *a = unit_parse(v);
        return *a < 0 ? -1 : int_parse(w, -100, 100, b);
    case K_MOD:
        if (strcmp(v, "early") == 0)
            *a = EXTRACT_MOD_EARLY;
        else if (strcmp(v, "mid") == 0)
            *a = EXTRACT_MOD_MID;
        else if (strcmp(v, "late") == 0)
            *a = EXTRACT_MOD_LATE;
        else if (strcmp(v, "approx") == 0)
            *a = EXTRACT_MOD_APPROX;
        else
            return -1;
        return 0;
    case K_TENSE:
    case K_NEXT:
        if (strcmp(v, "past") == 0)
            *a = EXTRACT_TENSE_PAST;
        else if (strcmp(v, "future") == 0)
            *a = EXTRACT_TENSE_FUTURE;
        else if (kind == K_TENSE && strcmp(v, "none") == 0)
            *a = EXTRACT_TENSE_NONE;
        else
            return -1;
        return 0;
    case K_PREP: {
        static const char *const p[] = {"at", "from", "to", "before"};
        for (int i = 0; i < 4; i++)
            if (strcmp(v, p[i]) == 0) {
                *a = i;
                return 0;
            }
        return -1;
    }
    case K_WEEKDAY:
        return int_parse(v, 1, 7, a);
    case K_ROMAN:
        return int_parse(v, 1, 4, a);
    default:
        return *v == '\0' ? 0 : -1;
    }
}

static int row_cb(char **f, size_t n, uint32_t line, void *data) {
    load_ctx_t *c = data;
    extract__timex_lex_t *t = c->t;
    int kind = -1;
    for (int k = 0; k < K__COUNT; k++)
        if (strcmp(f[0], kind_names[k]) == 0)
            kind = k;
    if (kind < 0) {
        extract__report(c->cb, c->data, c->path, line, "unknown kind '%s'",
                        f[0]);
        return VJ_EPARSE;
    }
    if (n < 2 || f[1][0] == '\0') {
        extract__report(c->cb, c->data, c->path, line, "missing phrase");
        return VJ_EPARSE;
    }
    int a, b;
    if (value_parse(kind, f, n, &a, &b) != 0) {
        extract__report(c->cb, c->data, c->path, line,
                        "bad value for kind '%s'", f[0]);
        return VJ_EPARSE;
    }
    size_t plen = strlen(f[1]);
    if (text_utf8_validate(f[1], plen, NULL) != 0) {
        extract__report(c->cb, c->data, c->path, line, "invalid UTF-8");
        return VJ_EPARSE;
    }
    char *nfc;
    size_t nfc_len;
    if (text_nfc(f[1], plen, &nfc, &nfc_len) != 0) {
        extract__report(c->cb, c->data, c->path, line, "invalid UTF-8");
        return VJ_EPARSE;
    }
    char *low = vj_malloc(LOWER_CAP(nfc_len));
    size_t o = 0;
    lower_into(nfc, nfc_len, low, &o, LOWER_CAP(nfc_len));
    free(nfc);
    low[o] = '\0';

    tx_entry_t e = {
        .kind = (uint8_t)kind, .a = (int16_t)a, .b = (int16_t)b, .next = -1};
    /* Split on spaces in place: words end up NUL-separated. */
    char *w = low;
    size_t wn = 0;
    char *p = low;
    for (;;) {
        if (*p == ' ' || *p == '\0') {
            int end = *p == '\0';
            if (p > w) {
                if (wn == TX_MAX_WORDS)
                    goto too_long;
                e.wlen[wn++] = (uint16_t)(p - w);
            }
            if (end)
                break;
            *p = '\0';
            w = p + 1;
        }
        p++;
    }
    if (wn == 0) {
        free(low);
        extract__report(c->cb, c->data, c->path, line, "missing phrase");
        return VJ_EPARSE;
    }
    /* Compact: drop empty words left by repeated spaces. */
    {
        char *dst = low, *src = low;
        for (size_t i = 0; i < wn; i++) {
            while (*src == '\0')
                src++;
            memmove(dst, src, e.wlen[i]);
            dst[e.wlen[i]] = '\0';
            dst += e.wlen[i] + 1;
            src += e.wlen[i];
        }
    }
    e.nwords = (uint8_t)wn;
    e.text = low;
    e.h0 = vj_hash64(VJ_HASH_INIT, low, e.wlen[0]);
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 64;
        t->e = vj_realloc(t->e, t->cap * sizeof *t->e);
    }
    t->e[t->n++] = e;
    return 0;
too_long:
    free(low);
    extract__report(c->cb, c->data, c->path, line,
                    "phrase longer than %d words", TX_MAX_WORDS);
    return VJ_EPARSE;
}

int extract__timex_lex_load(const char *dir, corpus_problem_cb cb, void *data,
                            extract__timex_lex_t **out) {
    extract__timex_lex_t *t = vj_calloc(1, sizeof *t);
    char path[4096];
    snprintf(path, sizeof path, "%s/temporal.tsv", dir);
    load_ctx_t c = {t, cb, data, path};
    int rc = extract__tsv_read(dir, "temporal.tsv", 4, row_cb, &c, cb, data);
    if (rc != 0) {
        extract__timex_lex_free(t);
        return rc;
    }
    for (size_t i = 0; i < TX_BUCKETS; i++)
        t->bucket[i] = -1;
    /* Chain in reverse so each bucket lists entries in file order. */
    for (size_t i = t->n; i-- > 0;) {
        size_t b = t->e[i].h0 & (TX_BUCKETS - 1);
        t->e[i].next = t->bucket[b];
        t->bucket[b] = (int32_t)i;
    }
    *out = t;
    return 0;
}

void extract__timex_lex_free(extract__timex_lex_t *t) {
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->e[i].text);
    free(t->e);
    free(t);
}

/* --- Tokens ------------------------------------------------------------- */

enum { T_WORD = 0, T_NUM, T_PUNCT };

/* Per-token marks from the lexicon: what ends at this token. */
enum {
    F_CTX = 1u << 0,     /* a prep or ctx phrase ends here */
    F_TO = 1u << 1,      /* a prep "to"/"before" ends here */
    F_BLOCK = 1u << 2,   /* a blocking word ends here */
    F_CONJ = 1u << 3,    /* a conjunction (one token) */
    F_TARGET = 1u << 4,  /* a target cue ends here */
    F_PREPANY = 1u << 5, /* any prep ends here */
    F_CTXW = 1u << 6,    /* a ctx word (hôm, sáng, ngày) ends here */
    F_NOTENSE = 1u << 7  /* inside a word that hides tense markers */
};

typedef struct {
    uint32_t start, end;   /* bytes in the text */
    uint32_t low, low_len; /* lower-case form in the scratch buffer */
    uint64_t hash;
    int32_t cp;   /* the code point of a punctuation token */
    int32_t num;  /* value of a digit run, -1 if over 9 digits */
    int32_t durq; /* first token of a duration qualifier ending
                     here, or -1 */
    uint8_t type;
    uint8_t ndigits;
    uint8_t space_before; /* whitespace between the previous token and
                             this one (or the text start) */
    uint8_t tense;        /* a tense marker ends here */
    uint16_t flags;
} tok_t;

typedef struct {
    int mode; /* M_* */
    uint32_t t0, t1;
    int kind;
    int prec;
    int y1, m1, d1, y2, m2, d2;
    int ywrap;         /* a bare range that crosses a year end (28/12-3/1) */
    int yoff;          /* M_YREL */
    int unit, off, wd; /* M_REL */
    int mod;
    int range, target;
    int tense;   /* what the expression itself says (tới, năm ngoái) */
    int32_t sep; /* the separator of a numeric day-month: / - . or 0 */
    int shared;  /* took its year from a neighbour */
    int numyear; /* the year was written with the separator: 16-1-2024 */
} raw_t;

enum { M_ABS = 0, M_BARE, M_YREL, M_REL, M_NONE, M_WD };

typedef struct {
    const extract__timex_lex_t *lex;
    const char *text;
    size_t len;
    tok_t *tok;
    size_t n;
    char *low;
} cx_t;

static int is_dash(int32_t cp) {
    return cp == '-' || cp == 0x2013 || cp == 0x2014 || cp == 0x2212;
}

static int is_mark(int32_t cp) {
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC ||
           c == UTF8PROC_CATEGORY_ME;
}

static void tokenize(cx_t *c, size_t *cap) {
    const char *s = c->text;
    size_t len = c->len, i = 0, o = 0;
    int space = 1;
    while (i < len) {
        size_t st = i;
        int32_t cp = text_utf8_next(s, len, &i);
        if (cp < 0)
            break;
        if (text_cp_is_space(cp)) {
            space = 1;
            continue;
        }
        if (c->n == *cap) {
            *cap = *cap ? 2 * *cap : 64;
            c->tok = vj_realloc(c->tok, *cap * sizeof *c->tok);
        }
        tok_t *t = &c->tok[c->n++];
        memset(t, 0, sizeof *t);
        t->start = (uint32_t)st;
        t->space_before = (uint8_t)space;
        t->durq = -1;
        t->num = -1;
        space = 0;
        if (cp >= '0' && cp <= '9') {
            int64_t v = 0;
            size_t nd = 0;
            i = st;
            while (i < len && s[i] >= '0' && s[i] <= '9') {
                if (nd < 10)
                    v = v * 10 + (s[i] - '0');
                nd++;
                i++;
            }
            t->type = T_NUM;
            t->ndigits = (uint8_t)(nd > 200 ? 200 : nd);
            t->num = nd <= 9 ? (int32_t)v : -1;
        } else if (text_cp_is_letter(cp) || is_mark(cp)) {
            size_t j = i;
            while (j < len) {
                size_t k = j;
                int32_t d = text_utf8_next(s, len, &k);
                if (d < 0 || !(text_cp_is_letter(d) || is_mark(d) ||
                               (d >= '0' && d <= '9')))
                    break;
                j = k;
            }
            i = j;
            t->type = T_WORD;
        } else {
            t->type = T_PUNCT;
            t->cp = cp;
        }
        t->end = (uint32_t)i;
        t->low = (uint32_t)o;
        lower_into(s + st, i - st, c->low, &o, LOWER_CAP(len));
        t->low_len = (uint32_t)(o - t->low);
        t->hash = vj_hash64(VJ_HASH_INIT, c->low + t->low, t->low_len);
    }
}

/* Does entry e match the tokens from i? Returns the token count or 0. */
static size_t entry_match(const cx_t *c, const tx_entry_t *e, size_t i) {
    if (i + e->nwords > c->n)
        return 0;
    const char *w = e->text;
    for (size_t k = 0; k < e->nwords; k++) {
        const tok_t *t = &c->tok[i + k];
        if (t->type == T_PUNCT || t->low_len != e->wlen[k] ||
            memcmp(c->low + t->low, w, e->wlen[k]) != 0)
            return 0;
        w += e->wlen[k] + 1;
    }
    return e->nwords;
}

/* The longest entry of one of the kinds in mask starting at token i. */
static size_t lx_longest(const cx_t *c, size_t i, unsigned mask,
                         const tx_entry_t **out) {
    if (i >= c->n || c->lex == NULL)
        return 0;
    const extract__timex_lex_t *L = c->lex;
    size_t best = 0;
    for (int32_t k = L->bucket[c->tok[i].hash & (TX_BUCKETS - 1)]; k >= 0;
         k = L->e[k].next) {
        const tx_entry_t *e = &L->e[k];
        if (!(mask & KM(e->kind)) || e->h0 != c->tok[i].hash)
            continue;
        size_t m = entry_match(c, e, i);
        if (m > best) {
            best = m;
            *out = e;
        }
    }
    return best;
}

static void mark_tokens(cx_t *c) {
    const extract__timex_lex_t *L = c->lex;
    if (L == NULL)
        return;
    for (size_t i = 0; i < c->n; i++) {
        for (int32_t k = L->bucket[c->tok[i].hash & (TX_BUCKETS - 1)]; k >= 0;
             k = L->e[k].next) {
            const tx_entry_t *e = &L->e[k];
            size_t m;
            if (e->kind != K_TENSE || e->a != 0 || e->h0 != c->tok[i].hash ||
                (m = entry_match(c, e, i)) == 0)
                continue;
            for (size_t j = i; j < i + m; j++)
                c->tok[j].flags |= F_NOTENSE;
        }
    }
    for (size_t i = 0; i < c->n; i++) {
        for (int32_t k = L->bucket[c->tok[i].hash & (TX_BUCKETS - 1)]; k >= 0;
             k = L->e[k].next) {
            const tx_entry_t *e = &L->e[k];
            if (e->h0 != c->tok[i].hash)
                continue;
            size_t m = entry_match(c, e, i);
            if (m == 0)
                continue;
            tok_t *t = &c->tok[i + m - 1];
            switch (e->kind) {
            case K_PREP:
                t->flags |= F_CTX | F_PREPANY;
                if (e->a == PREP_TO || e->a == PREP_BEFORE)
                    t->flags |= F_TO;
                break;
            case K_CTX:
                t->flags |= F_CTX | F_CTXW;
                break;
            case K_BLOCK:
                t->flags |= F_BLOCK;
                break;
            case K_CONJ:
                t->flags |= F_CONJ;
                break;
            case K_TARGET:
                t->flags |= F_TARGET;
                break;
            case K_TENSE:
                /* A word that is no marker ("sắp xếp", "phục hồi", value
                 * none) hides the markers inside it. */
                if (e->a != 0 && !(c->tok[i].flags & F_NOTENSE))
                    t->tense = (uint8_t)e->a;
                break;
            case K_DURQ:
                if (t->durq < 0 || (size_t)t->durq > i)
                    t->durq = (int32_t)i;
                break;
            default:
                break;
            }
        }
    }
}

/* --- Rules -------------------------------------------------------------- */

static const tok_t *tk(const cx_t *c, size_t i) {
    return i < c->n ? &c->tok[i] : NULL;
}

static int is_punct(const cx_t *c, size_t i, int32_t cp) {
    const tok_t *t = tk(c, i);
    return t && t->type == T_PUNCT && t->cp == cp;
}

static int is_dash_tok(const cx_t *c, size_t i) {
    const tok_t *t = tk(c, i);
    return t && t->type == T_PUNCT && is_dash(t->cp);
}

/* A digit run of at most maxd digits with a value in [lo, hi]. */
static int num_in(const cx_t *c, size_t i, int maxd, int lo, int hi) {
    const tok_t *t = tk(c, i);
    return t && t->type == T_NUM && t->ndigits <= maxd && t->num >= lo &&
           t->num <= hi;
}

static int is_year(const cx_t *c, size_t i) {
    const tok_t *t = tk(c, i);
    return t && t->type == T_NUM && t->ndigits == 4 && t->num >= 1000 &&
           t->num <= 2999;
}

/* Is token i glued to the one before it (no space)? */
static int tight(const cx_t *c, size_t i) {
    const tok_t *t = tk(c, i);
    return t && !t->space_before;
}

/* A number token whose digits go on after it: 24,2 or 3.245 or 2+2 or 5%. */
static int num_continues(const cx_t *c, size_t i) {
    const tok_t *n = tk(c, i + 1);
    if (n == NULL || n->space_before || n->type != T_PUNCT)
        return 0;
    if (n->cp == '%' || n->cp == '+' || n->cp == 0x2030)
        return 1;
    if (n->cp == ',' && tight(c, i + 2) && tk(c, i + 2)->type == T_NUM)
        return 1;
    return 0;
}

/* Is the number at i the continuation of something before it: a word
 * (LOTUSat-1, V1), another number (3.245, 24,2, 2+2)? */
static int num_attached(const cx_t *c, size_t i) {
    if (i == 0 || !tight(c, i))
        return 0;
    const tok_t *p = &c->tok[i - 1];
    if (p->type == T_WORD)
        return 1;
    if (p->type == T_PUNCT &&
        (p->cp == ',' || p->cp == '.' || p->cp == '+' || is_dash(p->cp) ||
         p->cp == '/' || p->cp == ':') &&
        i >= 2 && tight(c, i - 1) && c->tok[i - 2].type != T_PUNCT)
        return 1;
    return 0;
}

/* The year that follows a month or day-month: "/2025", "năm 2025",
 * "năm nay". Sets the year mode in r and returns the token after it, or i
 * when there is none. sep is the separator a numeric year must use. */
static size_t parse_yearspec(const cx_t *c, size_t i, int32_t sep, raw_t *r) {
    const tx_entry_t *e;
    if (sep && is_punct(c, i, sep) && is_year(c, i + 1) &&
        (sep == '/' || (tight(c, i) && tight(c, i + 1))) &&
        !num_continues(c, i + 1)) {
        r->mode = M_ABS;
        r->y1 = r->y2 = c->tok[i + 1].num;
        r->numyear = 1;
        return i + 2;
    }
    size_t m = lx_longest(c, i, KM(K_REL) | KM(K_UNIT), &e);
    if (m && e->kind == K_UNIT && e->a == EXTRACT_PREC_YEAR && !e->b &&
        is_year(c, i + m) && !num_continues(c, i + m)) {
        r->mode = M_ABS;
        r->y1 = r->y2 = c->tok[i + m].num;
        return i + m + 1;
    }
    if (m && e->kind == K_REL && e->a == EXTRACT_PREC_YEAR) {
        r->mode = M_YREL;
        r->yoff = e->b;
        if (e->b != 0)
            r->tense = e->b < 0 ? EXTRACT_TENSE_PAST : EXTRACT_TENSE_FUTURE;
        return i + m;
    }
    return i;
}

/* After a bare month or day: "tới", "vừa qua". */
static size_t parse_next(const cx_t *c, size_t i, raw_t *r) {
    const tx_entry_t *e;
    if (r->mode != M_BARE)
        return i;
    size_t m = lx_longest(c, i, KM(K_NEXT), &e);
    if (m == 0)
        return i;
    r->tense = e->a;
    return i + m;
}

static int max_day(int m) {
    return extract__days_in_month(2000, m); /* leap: 29/2 may be valid */
}

/* Day forms from the number at i: D/M[/Y], D-M[-Y], D.M.Y, D1-D2/M[/Y],
 * D tháng M [năm Y], D1 đến (ngày) D2/M. unit says "ngày" came before.
 * Returns the token after the match or 0. */
static size_t parse_day(const cx_t *c, size_t i, int unit, int granted,
                        raw_t *r) {
    const tx_entry_t *e;
    if (!num_in(c, i, 2, 1, 31) || num_continues(c, i))
        return 0;
    int d1 = c->tok[i].num, d2 = d1;
    size_t j = i + 1;
    int range = 0;
    /* D1-D2 or D1 đến [ngày] D2, when a month follows D2. */
    {
        size_t k = j;
        int conn = 0;
        if (is_dash_tok(c, k)) {
            k++;
            conn = 1;
        } else if (tk(c, k) && (tk(c, k)->flags & F_TO) &&
                   lx_longest(c, k, KM(K_PREP), &e) == 1 && e->a == PREP_TO) {
            k++;
            conn = 1;
            size_t m = lx_longest(c, k, KM(K_UNIT), &e);
            if (m && e->a == EXTRACT_PREC_DAY)
                k += m;
        }
        if (conn && num_in(c, k, 2, 1, 31) && tk(c, k + 1) &&
            ((tk(c, k + 1)->type == T_PUNCT &&
              (tk(c, k + 1)->cp == '/' || tk(c, k + 1)->cp == '.') &&
              num_in(c, k + 2, 2, 1, 12)) ||
             (lx_longest(c, k + 1, KM(K_UNIT), &e) &&
              e->a == EXTRACT_PREC_MONTH))) {
            d2 = c->tok[k].num;
            j = k + 1;
            range = 1;
        }
    }
    int32_t sep = 0;
    int month = 0;
    const tok_t *t = tk(c, j);
    if (t && t->type == T_PUNCT &&
        (t->cp == '/' || t->cp == '.' || t->cp == '-') &&
        num_in(c, j + 1, 2, 1, 12) && tight(c, j + 1) &&
        (t->cp == '/' || tight(c, j))) {
        sep = t->cp;
        month = c->tok[j + 1].num;
        j += 2;
    } else {
        size_t m = lx_longest(c, j, KM(K_UNIT), &e);
        if (m && e->a == EXTRACT_PREC_MONTH && !e->b &&
            num_in(c, j + m, 2, 1, 12) && !num_continues(c, j + m)) {
            month = c->tok[j + m].num;
            j += m + 1;
            sep = 0;
        } else {
            return 0;
        }
    }
    if (d1 > max_day(month) || d2 > max_day(month) || d2 < d1)
        return 0;
    memset(r, 0, sizeof *r);
    r->mode = M_BARE;
    r->prec = EXTRACT_PREC_DAY;
    r->d1 = d1;
    r->d2 = d2;
    r->m1 = r->m2 = month;
    r->range = range;
    r->sep = sep;
    size_t k = parse_yearspec(c, j, sep ? sep : 0, r);
    int has_year = k != j;
    /* A year written "-2025" after "16-1" or ".2023" after "26.11". */
    j = k;
    /* Reject number chains: 1/2/3/4, 26.11.2023.5, 24/11/2023,5. */
    const tok_t *n = tk(c, j);
    if (n && n->type == T_PUNCT && !n->space_before &&
        (n->cp == '/' || n->cp == '.' || n->cp == '-' || n->cp == ',' ||
         n->cp == '%') &&
        tk(c, j + 1) && tk(c, j + 1)->type == T_NUM && tight(c, j + 1))
        return 0;
    if (n && n->type == T_PUNCT && n->cp == '%')
        return 0;
    if (!unit && !granted) {
        /* A bare number needs a date shape: a written year, "tháng", or a
         * slash with nothing word-like after it. */
        int ok = has_year || sep == 0 ||
                 (sep == '/' && (n == NULL || n->type == T_PUNCT));
        if (sep == '.' && !(has_year && r->mode == M_ABS))
            ok = 0;
        if (!ok)
            return 0;
    }
    if (unit && sep == '.' && !(has_year && r->mode == M_ABS))
        return 0;
    if (!has_year)
        j = parse_next(c, j, r);
    return j;
}

/* M/YYYY from the number at i (no "tháng"). */
static size_t parse_month_year(const cx_t *c, size_t i, raw_t *r) {
    if (!num_in(c, i, 2, 1, 12) || !is_punct(c, i + 1, '/') ||
        !tight(c, i + 1) || !tight(c, i + 2) || !is_year(c, i + 2) ||
        num_continues(c, i + 2) || is_punct(c, i + 3, '/'))
        return 0;
    memset(r, 0, sizeof *r);
    r->mode = M_ABS;
    r->prec = EXTRACT_PREC_MONTH;
    r->m1 = r->m2 = c->tok[i].num;
    r->y1 = r->y2 = c->tok[i + 2].num;
    return i + 3;
}

/* After "tháng": M[/Y], M1-M2 [year], M năm Y, M năm nay, M tới. */
static size_t parse_month_body(const cx_t *c, size_t i, raw_t *r) {
    if (!num_in(c, i, 2, 1, 12) || num_continues(c, i))
        return 0;
    memset(r, 0, sizeof *r);
    r->mode = M_BARE;
    r->prec = EXTRACT_PREC_MONTH;
    r->m1 = r->m2 = c->tok[i].num;
    size_t j = i + 1;
    if (is_dash_tok(c, j) && num_in(c, j + 1, 2, 1, 12) &&
        !is_punct(c, j + 2, '/') && c->tok[j + 1].num >= r->m1) {
        r->m2 = c->tok[j + 1].num;
        r->range = 1;
        j += 2;
    }
    size_t k = parse_yearspec(c, j, '/', r);
    if (k == j)
        k = parse_next(c, j, r);
    return k;
}

static size_t parse_quarter_body(const cx_t *c, size_t i, raw_t *r) {
    const tx_entry_t *e;
    int q = 0;
    size_t j;
    if (num_in(c, i, 1, 1, 4) && !num_continues(c, i)) {
        q = c->tok[i].num;
        j = i + 1;
    } else if (lx_longest(c, i, KM(K_ROMAN), &e) == 1) {
        q = e->a;
        j = i + 1;
    } else {
        return 0;
    }
    memset(r, 0, sizeof *r);
    r->mode = M_BARE;
    r->prec = EXTRACT_PREC_QUARTER;
    r->m1 = 3 * q - 2;
    r->m2 = 3 * q;
    size_t k = parse_yearspec(c, j, '/', r);
    if (k == j)
        k = parse_next(c, j, r);
    return k;
}

/* After "năm": YYYY, YYYY-YYYY. */
static size_t parse_year_body(const cx_t *c, size_t i, raw_t *r) {
    if (!is_year(c, i) || num_continues(c, i))
        return 0;
    memset(r, 0, sizeof *r);
    r->mode = M_ABS;
    r->prec = EXTRACT_PREC_YEAR;
    r->y1 = r->y2 = c->tok[i].num;
    size_t j = i + 1;
    if (is_dash_tok(c, j) && is_year(c, j + 1) && !num_continues(c, j + 1) &&
        c->tok[j + 1].num >= r->y1) {
        r->y2 = c->tok[j + 1].num;
        r->range = 1;
        j += 2;
    }
    return j;
}

static void rel_raw(raw_t *r, int unit, int off) {
    memset(r, 0, sizeof *r);
    r->mode = M_REL;
    r->prec = unit;
    r->unit = unit;
    r->off = off;
    if (off)
        r->tense = off < 0 ? EXTRACT_TENSE_PAST : EXTRACT_TENSE_FUTURE;
}

/* A unit word and its numbers at i. With bare, a unit word alone (after a
 * modifier: "cuối năm") is the current one. */
static size_t parse_unit(const cx_t *c, size_t i, int bare, raw_t *r) {
    const tx_entry_t *e;
    size_t m = lx_longest(c, i, KM(K_UNIT), &e);
    if (m == 0)
        return 0;
    size_t j = i + m, k = 0;
    switch (e->a) {
    case EXTRACT_PREC_DAY:
        k = parse_day(c, j, 1, 1, r);
        break;
    case EXTRACT_PREC_MONTH:
        k = parse_month_body(c, j, r);
        break;
    case EXTRACT_PREC_QUARTER:
        k = parse_quarter_body(c, j, r);
        break;
    case EXTRACT_PREC_YEAR:
        k = parse_year_body(c, j, r);
        break;
    default:
        break;
    }
    if (k == 0 && bare && !e->b && e->a != EXTRACT_PREC_DAY &&
        !(tk(c, j) && tk(c, j)->type == T_NUM)) {
        rel_raw(r, e->a, 0);
        r->tense = 0;
        k = j;
    }
    if (k == 0)
        return 0;
    if (e->b)
        r->mod = EXTRACT_MOD_FISCAL;
    r->t0 = (uint32_t)i;
    r->t1 = (uint32_t)k;
    r->kind = EXTRACT_TIMEX_DATE;
    return k;
}

/* NUM [- NUM] unit [suffix]: a duration. */
static size_t parse_duration(const cx_t *c, size_t i, raw_t *r) {
    const tx_entry_t *e;
    size_t j = i + 1;
    if (is_dash_tok(c, j) && tk(c, j + 1) && tk(c, j + 1)->type == T_NUM)
        j += 2;
    size_t m = lx_longest(c, j, KM(K_UNIT) | KM(K_DURUNIT), &e);
    if (m == 0 || (e->kind == K_UNIT && e->b))
        return 0;
    j += m;
    m = lx_longest(c, j, KM(K_DURSUF), &e);
    if (m) {
        j += m;
        m = lx_longest(c, j, KM(K_DURSUF), &e);
        j += m;
    }
    memset(r, 0, sizeof *r);
    r->mode = M_NONE;
    r->kind = EXTRACT_TIMEX_DURATION;
    r->t0 = (uint32_t)i;
    if (i > 0 && c->tok[i - 1].durq >= 0)
        r->t0 = (uint32_t)c->tok[i - 1].durq;
    r->t1 = (uint32_t)j;
    return j;
}

/* A bare number at i: a date shape, or a duration. */
static size_t parse_number(const cx_t *c, size_t i, int granted, raw_t *r) {
    /* granted 2: the second half of a range, right after its dash */
    if (granted != 2 && num_attached(c, i))
        return 0;
    if (i > 0 && (c->tok[i - 1].flags & F_BLOCK))
        return 0;
    int ctx =
        granted ||
        (i > 0 && ((c->tok[i - 1].flags & F_CTX) ||
                   (c->tok[i - 1].type == T_PUNCT && c->tok[i - 1].cp == '(')));
    size_t k = parse_month_year(c, i, r);
    if (k) {
        /* M/YYYY alone needs context or a range partner: (11/2023-11/2025) */
        raw_t b;
        int partner = is_dash_tok(c, k) && parse_month_year(c, k + 1, &b);
        if (!ctx && !partner)
            return 0;
    } else {
        k = parse_day(c, i, 0, ctx, r);
        /* A bare 16-1 needs "ngày", "hôm", "sáng" ... or a bracket: "từ
         * 2-3 lần" is no date. */
        if (k && r->sep == '-' && !r->numyear && !granted &&
            !(i > 0 &&
              ((c->tok[i - 1].flags & F_CTXW) ||
               (c->tok[i - 1].type == T_PUNCT && c->tok[i - 1].cp == '('))))
            k = 0;
    }
    if (k) {
        r->kind = EXTRACT_TIMEX_DATE;
        r->t0 = (uint32_t)i;
        r->t1 = (uint32_t)k;
        return k;
    }
    if (num_continues(c, i))
        return 0;
    /* "đến 2030", "trước 2030": a bare year after a "to" preposition, when
     * no lower-case word (a unit: "đến 2030 người") follows. */
    if (i > 0 && (c->tok[i - 1].flags & F_TO) && is_year(c, i) &&
        c->tok[i].num >= 1900 && c->tok[i].num <= 2199) {
        const tok_t *nx = tk(c, i + 1);
        int unitlike = 0;
        if (nx && nx->type == T_WORD) {
            size_t q = nx->start;
            int32_t cp = text_utf8_next(c->text, c->len, &q);
            unitlike = !text_cp_is_upper(cp);
        }
        if (!unitlike && !(nx && nx->type == T_PUNCT &&
                           (nx->cp == '/' || nx->cp == '%' || nx->cp == '.') &&
                           !nx->space_before && tk(c, i + 2) &&
                           tk(c, i + 2)->type == T_NUM)) {
            memset(r, 0, sizeof *r);
            r->mode = M_ABS;
            r->prec = EXTRACT_PREC_YEAR;
            r->y1 = r->y2 = c->tok[i].num;
            r->kind = EXTRACT_TIMEX_DATE;
            r->t0 = (uint32_t)i;
            r->t1 = (uint32_t)(i + 1);
            return i + 1;
        }
    }
    return parse_duration(c, i, r);
}

static size_t parse_at(const cx_t *c, size_t i, int granted, raw_t *r);

/* The core rules, without clock and weekday prefixes. */
static size_t parse_core(const cx_t *c, size_t i, int granted, raw_t *r) {
    const tx_entry_t *e;
    const tok_t *t = tk(c, i);
    if (t == NULL)
        return 0;
    if (t->type == T_NUM)
        return parse_number(c, i, granted, r);
    if (t->type != T_WORD)
        return 0;
    size_t m = lx_longest(
        c, i, KM(K_VAGUE) | KM(K_PERIOD) | KM(K_MOD) | KM(K_REL) | KM(K_UNIT),
        &e);
    if (m == 0)
        return 0;
    /* Try the kinds in order of strength at this token. */
    const tx_entry_t *v;
    size_t mv = lx_longest(c, i, KM(K_VAGUE), &v);
    if (mv) {
        memset(r, 0, sizeof *r);
        r->mode = M_NONE;
        r->kind = EXTRACT_TIMEX_UNRESOLVED;
        r->t0 = (uint32_t)i;
        r->t1 = (uint32_t)(i + mv);
        return i + mv;
    }
    size_t mp = lx_longest(c, i, KM(K_PERIOD), &v);
    if (mp) {
        size_t k = parse_year_body(c, i + mp, r);
        if (k) {
            r->kind = EXTRACT_TIMEX_DATE;
            r->t0 = (uint32_t)i;
            r->t1 = (uint32_t)k;
            return k;
        }
    }
    size_t mm = lx_longest(c, i, KM(K_MOD), &v);
    if (mm) {
        const tx_entry_t *rel;
        size_t k = 0, mr = lx_longest(c, i + mm, KM(K_REL), &rel);
        if (mr) {
            rel_raw(r, rel->a, rel->b);
            k = i + mm + mr;
        } else {
            k = parse_unit(c, i + mm, 1, r);
        }
        if (k) {
            if (r->mod != EXTRACT_MOD_FISCAL)
                r->mod = v->a;
            r->kind = EXTRACT_TIMEX_DATE;
            r->t0 = (uint32_t)i;
            r->t1 = (uint32_t)k;
            return k;
        }
    }
    size_t mr = lx_longest(c, i, KM(K_REL), &v);
    size_t ku = parse_unit(c, i, 0, r);
    if (ku && ku >= i + mr)
        return ku;
    if (mr) {
        rel_raw(r, v->a, v->b);
        r->kind = EXTRACT_TIMEX_DATE;
        r->t0 = (uint32_t)i;
        r->t1 = (uint32_t)(i + mr);
        return i + mr;
    }
    (void)granted;
    return 0;
}

/* Clock time and weekday prefixes, then the core. */
static size_t parse_at(const cx_t *c, size_t i, int granted, raw_t *r) {
    const tx_entry_t *e;
    /* 13:54, 26/11/2023 */
    if (num_in(c, i, 2, 0, 23) && is_punct(c, i + 1, ':') && tight(c, i + 1) &&
        tight(c, i + 2) && tk(c, i + 2)->type == T_NUM &&
        tk(c, i + 2)->ndigits == 2 && tk(c, i + 2)->num <= 59 &&
        !num_attached(c, i)) {
        size_t j = i + 3;
        if (is_punct(c, j, ','))
            j++;
        size_t k = parse_core(c, j, 1, r);
        if (k && r->kind == EXTRACT_TIMEX_DATE && r->prec == EXTRACT_PREC_DAY) {
            r->t0 = (uint32_t)i;
            return k;
        }
        return 0;
    }
    size_t mw = lx_longest(c, i, KM(K_WEEKDAY), &e);
    if (mw) {
        int wd = e->a;
        size_t j = i + mw;
        int paren = 0;
        if (is_punct(c, j, ','))
            j++;
        else if (is_punct(c, j, '(')) {
            j++;
            paren = 1;
        }
        const tx_entry_t *rel;
        size_t mr = lx_longest(c, j, KM(K_REL), &rel);
        if (!paren && mr && rel->a == EXTRACT_PREC_WEEK) {
            rel_raw(r, EXTRACT_PREC_WEEK, rel->b);
            r->wd = wd;
            r->prec = EXTRACT_PREC_DAY;
            r->kind = EXTRACT_TIMEX_DATE;
            r->t0 = (uint32_t)i;
            r->t1 = (uint32_t)(j + mr);
            return j + mr;
        }
        size_t k = parse_core(c, j, 1, r);
        if (k && r->kind == EXTRACT_TIMEX_DATE && r->prec == EXTRACT_PREC_DAY) {
            if (paren && is_punct(c, k, ')'))
                k++;
            r->t0 = (uint32_t)i;
            r->t1 = (uint32_t)k;
            return k;
        }
        /* A weekday alone is a date only after "vào", "hôm", "sáng" ...:
         * "thứ 4" and "Thứ năm, ..." are ordinals. */
        if (!paren && i > 0 && (c->tok[i - 1].flags & F_CTX) &&
            !(tk(c, i + mw) && tk(c, i + mw)->type == T_NUM)) {
            memset(r, 0, sizeof *r);
            r->mode = M_WD;
            r->prec = EXTRACT_PREC_DAY;
            r->wd = wd;
            r->kind = EXTRACT_TIMEX_DATE;
            r->t0 = (uint32_t)i;
            r->t1 = (uint32_t)(i + mw);
            return i + mw;
        }
    }
    return parse_core(c, i, granted, r);
}

/* Joins "A - B" / "A đến B" into one range when both are dates of one
 * precision. */
static size_t join_range(const cx_t *c, size_t k, raw_t *a) {
    if (a->kind != EXTRACT_TIMEX_DATE || a->mode == M_REL || a->range)
        return k;
    const tx_entry_t *e;
    size_t j = k;
    if (is_dash_tok(c, j))
        j++;
    else if (tk(c, j) && (tk(c, j)->flags & F_TO) &&
             lx_longest(c, j, KM(K_PREP), &e) == 1 && e->a == PREP_TO)
        j++;
    else
        return k;
    raw_t b;
    size_t kb = parse_at(c, j, 2, &b);
    if (kb == 0 || b.kind != EXTRACT_TIMEX_DATE || b.mode == M_REL ||
        b.prec != a->prec || b.range)
        return k;
    if (a->mode == M_BARE && b.mode != M_BARE) {
        int wrap = a->m1 > b.m1 || (a->m1 == b.m1 && a->d1 > b.d1);
        a->mode = b.mode;
        a->y1 = b.y1 - wrap;
        a->yoff = b.yoff - wrap;
        a->y2 = b.y2;
        a->ywrap = wrap;
    } else if (a->mode != M_BARE && b.mode == M_BARE) {
        int wrap = a->m2 > b.m1 || (a->m2 == b.m1 && a->d2 > b.d1);
        a->y2 = a->y1 + wrap;
        a->ywrap = wrap;
    } else if (a->mode == M_BARE && b.mode == M_BARE) {
        a->ywrap = a->m1 > b.m1 || (a->m1 == b.m1 && a->d1 > b.d1);
    } else if (a->mode == M_ABS && b.mode == M_ABS) {
        a->y2 = b.y2;
    } else if (a->mode == M_YREL && b.mode == M_YREL) {
        a->ywrap = b.yoff - a->yoff;
    } else {
        return k; /* ABS with YREL: leave them apart */
    }
    a->m2 = b.m2;
    a->d2 = b.d2;
    if (b.tense && !a->tense)
        a->tense = b.tense;
    if (b.mod && !a->mod)
        a->mod = b.mod;
    a->range = 1;
    a->t1 = b.t1;
    return kb;
}

/* --- Resolution ---------------------------------------------------------- */

typedef struct {
    int prec; /* corpus_precision_t, TIME folded into DAY */
    int y, m, d;
    int64_t lo, hi; /* the days it covers */
} ref_t;

static void ref_init(const corpus_date_t *in, ref_t *r) {
    memset(r, 0, sizeof *r);
    if (in == NULL || in->precision == CORPUS_PREC_NONE || in->year < 1 ||
        in->year > 9999)
        return;
    r->y = in->year;
    r->prec = CORPUS_PREC_YEAR;
    if (in->precision >= CORPUS_PREC_MONTH && in->month >= 1 &&
        in->month <= 12) {
        r->m = in->month;
        r->prec = CORPUS_PREC_MONTH;
        if (in->precision >= CORPUS_PREC_DAY &&
            extract__ymd_valid(in->year, in->month, in->day)) {
            r->d = in->day;
            r->prec = CORPUS_PREC_DAY;
        }
    }
    if (r->prec == CORPUS_PREC_DAY) {
        r->lo = r->hi = extract__ymd_days(r->y, r->m, r->d);
    } else if (r->prec == CORPUS_PREC_MONTH) {
        r->lo = extract__ymd_days(r->y, r->m, 1);
        r->hi =
            extract__ymd_days(r->y, r->m, extract__days_in_month(r->y, r->m));
    } else {
        r->lo = extract__ymd_days(r->y, 1, 1);
        r->hi = extract__ymd_days(r->y, 12, 31);
    }
}

/* The dates of r with its start in year y. Returns 0 or -1 (impossible). */
static int raw_dates(const raw_t *r, int y, int y2, extract_date_t *d) {
    if (y < EXTRACT__YEAR_MIN || y2 > EXTRACT__YEAR_MAX || y2 < y)
        return -1;
    d->precision = (extract_precision_t)r->prec;
    d->mod = (extract_mod_t)r->mod;
    switch (r->prec) {
    case EXTRACT_PREC_DAY:
        if (!extract__ymd_valid(y, r->m1, r->d1) ||
            !extract__ymd_valid(y2, r->m2, r->d2))
            return -1;
        d->start = (extract_ymd_t){y, r->m1, r->d1};
        d->end = (extract_ymd_t){y2, r->m2, r->d2};
        break;
    case EXTRACT_PREC_MONTH:
    case EXTRACT_PREC_QUARTER:
        d->start = (extract_ymd_t){y, r->m1, 1};
        d->end = (extract_ymd_t){y2, r->m2, extract__days_in_month(y2, r->m2)};
        break;
    default:
        d->start = (extract_ymd_t){y, 1, 1};
        d->end = (extract_ymd_t){y2, 12, 31};
        break;
    }
    if (extract__ymd_days(d->start.year, d->start.month, d->start.day) >
        extract__ymd_days(d->end.year, d->end.month, d->end.day))
        return -1;
    return 0;
}

static int64_t day_of(const extract_ymd_t *a) {
    return extract__ymd_days(a->year, a->month, a->day);
}

/* Resolves r into *out. Returns 1 (date), 0 (unresolved), -1 (drop). */
static int resolve(const raw_t *r, const ref_t *ref, int tense,
                   extract_date_t *out) {
    memset(out, 0, sizeof *out);
    switch (r->mode) {
    case M_ABS:
        return raw_dates(r, r->y1, r->y2, out) == 0 ? 1 : -1;
    case M_YREL:
        if (ref->prec < CORPUS_PREC_YEAR)
            return 0;
        return raw_dates(r, ref->y + r->yoff, ref->y + r->yoff + r->ywrap,
                         out) == 0
                   ? 1
                   : -1;
    case M_BARE: {
        if (ref->prec < CORPUS_PREC_YEAR)
            return 0;
        if (ref->prec == CORPUS_PREC_YEAR)
            return raw_dates(r, ref->y, ref->y + r->ywrap, out) == 0 ? 1 : -1;
        int found = 0, best_ok = 0;
        int64_t best = 0;
        for (int y = ref->y - 1; y <= ref->y + 1; y++) {
            extract_date_t d;
            if (raw_dates(r, y, y + r->ywrap, &d) != 0)
                continue;
            int64_t lo = day_of(&d.start), hi = day_of(&d.end);
            int64_t gap = hi < ref->lo   ? ref->lo - hi
                          : lo > ref->hi ? lo - ref->hi
                                         : 0;
            int ok = tense == EXTRACT_TENSE_PAST     ? lo <= ref->hi
                     : tense == EXTRACT_TENSE_FUTURE ? hi >= ref->lo
                                                     : 1;
            if (!found || (ok && !best_ok) || (ok == best_ok && gap < best)) {
                found = 1;
                best_ok = ok;
                best = gap;
                *out = d;
            }
        }
        return found ? 1 : -1;
    }
    case M_REL: {
        extract_ymd_t s, e;
        int prec = r->unit;
        switch (r->unit) {
        case EXTRACT_PREC_DAY:
            if (ref->prec < CORPUS_PREC_DAY)
                return 0;
            s = e = extract__days_ymd(ref->lo + r->off);
            break;
        case EXTRACT_PREC_WEEK: {
            if (ref->prec < CORPUS_PREC_DAY)
                return 0;
            int64_t mon =
                ref->lo - (extract__weekday(ref->lo) - 1) + 7 * (int64_t)r->off;
            if (r->wd) {
                s = e = extract__days_ymd(mon + r->wd - 1);
                prec = EXTRACT_PREC_DAY;
            } else {
                s = extract__days_ymd(mon);
                e = extract__days_ymd(mon + 6);
            }
            break;
        }
        case EXTRACT_PREC_MONTH:
            if (ref->prec < CORPUS_PREC_MONTH)
                return 0;
            s = e = extract__add_months(ref->y, ref->m, r->off);
            e.day = extract__days_in_month(e.year, e.month);
            break;
        case EXTRACT_PREC_QUARTER: {
            if (ref->prec < CORPUS_PREC_MONTH)
                return 0;
            int q0 = (ref->m - 1) / 3 * 3 + 1;
            s = extract__add_months(ref->y, q0, 3 * r->off);
            e = extract__add_months(s.year, s.month, 2);
            e.day = extract__days_in_month(e.year, e.month);
            break;
        }
        default:
            if (ref->prec < CORPUS_PREC_YEAR)
                return 0;
            s = (extract_ymd_t){ref->y + r->off, 1, 1};
            e = (extract_ymd_t){ref->y + r->off, 12, 31};
            break;
        }
        if (s.year < EXTRACT__YEAR_MIN || e.year > EXTRACT__YEAR_MAX)
            return -1;
        out->start = s;
        out->end = e;
        out->precision = (extract_precision_t)prec;
        out->mod = (extract_mod_t)r->mod;
        return 1;
    }
    case M_WD: {
        /* The named weekday nearest the reference day, consistent with the
         * tense (a tie goes to the past: news reports). */
        if (ref->prec < CORPUS_PREC_DAY)
            return 0;
        int64_t mon = ref->lo - (extract__weekday(ref->lo) - 1);
        int64_t best = 0;
        int found = 0;
        for (int w = -1; w <= 1; w++) {
            int64_t z = mon + 7 * w + r->wd - 1;
            if ((tense == EXTRACT_TENSE_PAST && z > ref->lo) ||
                (tense == EXTRACT_TENSE_FUTURE && z < ref->lo))
                continue;
            int64_t g = z > ref->lo ? z - ref->lo : ref->lo - z;
            int64_t bg = best > ref->lo ? best - ref->lo : ref->lo - best;
            if (!found || g < bg) {
                best = z;
                found = 1;
            }
        }
        extract_ymd_t d = extract__days_ymd(best);
        if (!found || d.year < EXTRACT__YEAR_MIN || d.year > EXTRACT__YEAR_MAX)
            return -1;
        out->start = out->end = d;
        out->precision = EXTRACT_PREC_DAY;
        out->mod = (extract_mod_t)r->mod;
        return 1;
    }
    default:
        return 0;
    }
}

/* Dates side by side ("tháng 3 và tháng 8 năm nay") share a year. */
static void share_years(const cx_t *c, raw_t *r, size_t n) {
    for (int pass = 0; pass < 2; pass++) {
        for (size_t x = 0; x + 1 < n; x++) {
            size_t a = pass == 0 ? n - 2 - x : x; /* right to left first */
            raw_t *p = &r[a], *q = &r[a + 1];
            if (p->kind != EXTRACT_TIMEX_DATE ||
                q->kind != EXTRACT_TIMEX_DATE || p->prec != q->prec ||
                p->prec == EXTRACT_PREC_YEAR)
                continue;
            int joined = p->t1 < q->t0, conj = 0;
            for (size_t t = p->t1; joined && t < q->t0; t++) {
                const tok_t *k = &c->tok[t];
                if (k->flags & F_CONJ)
                    conj = 1;
                else if (!(k->type == T_PUNCT && k->cp == ','))
                    joined = 0;
            }
            /* A comma alone joins only inside a list that a conjunction
             * closes: "tháng 3, tháng 5 và tháng 8 năm nay". */
            if (!joined || (!conj && !(p->shared || q->shared)))
                continue;
            raw_t *bare = NULL, *src = NULL;
            if (p->mode == M_BARE && (q->mode == M_ABS || q->mode == M_YREL)) {
                bare = p;
                src = q;
            } else if (q->mode == M_BARE &&
                       (p->mode == M_ABS || p->mode == M_YREL)) {
                bare = q;
                src = p;
            }
            if (bare == NULL)
                continue;
            bare->mode = src->mode;
            bare->y1 = src->y1;
            bare->y2 = src->y1 + bare->ywrap;
            bare->yoff = src->yoff;
            bare->shared = 1;
        }
    }
}

/* The tense words say about raw x: the nearest marker before it, else the
 * first one after it before the next expression. prev[t] is the marker
 * nearest before token t, next[t] the index of the first marker at or after
 * t (c->n if none): one pass each, so this stays linear. */
static int tense_of(const cx_t *c, const raw_t *r, size_t n, size_t x,
                    const uint8_t *prev, const uint32_t *next) {
    if (prev[r[x].t0])
        return prev[r[x].t0];
    size_t stop = x + 1 < n ? r[x + 1].t0 : c->n;
    size_t t = r[x].t1 < c->n ? next[r[x].t1] : c->n;
    return t < stop ? c->tok[t].tense : 0;
}

size_t extract_timex_find(const extract_lexicon_t *lex, const char *text,
                          size_t len, const corpus_date_t *ref,
                          extract_timex_t **out) {
    *out = NULL;
    if (text == NULL || len == 0 || len > (size_t)UINT32_MAX / 4)
        return 0;
    cx_t c = {.lex = lex ? lex->timex : NULL, .text = text, .len = len};
    size_t tok_cap = 0;
    c.low = vj_malloc(LOWER_CAP(len));
    tokenize(&c, &tok_cap);
    mark_tokens(&c);

    raw_t *raw = NULL;
    size_t nraw = 0, raw_cap = 0;
    for (size_t i = 0; i < c.n;) {
        raw_t r;
        size_t k = parse_at(&c, i, 0, &r);
        if (k == 0) {
            i++;
            continue;
        }
        k = join_range(&c, k, &r);
        if (nraw == raw_cap) {
            raw_cap = raw_cap ? 2 * raw_cap : 8;
            raw = vj_realloc(raw, raw_cap * sizeof *raw);
        }
        raw[nraw++] = r;
        i = k > i ? k : i + 1;
    }
    share_years(&c, raw, nraw);

    uint8_t *prev = vj_malloc(c.n + 1);
    uint32_t *next = vj_malloc((c.n + 1) * sizeof *next);
    prev[0] = 0;
    for (size_t t = 0; t < c.n; t++)
        prev[t + 1] = c.tok[t].tense ? c.tok[t].tense : prev[t];
    next[c.n] = (uint32_t)c.n;
    for (size_t t = c.n; t-- > 0;)
        next[t] = c.tok[t].tense ? (uint32_t)t : next[t + 1];

    ref_t rf;
    ref_init(ref, &rf);
    extract_timex_t *res = nraw ? vj_calloc(nraw, sizeof *res) : NULL;
    size_t nres = 0;
    int cue_seen = 0;
    size_t cue_tok = 0;
    for (size_t x = 0; x < nraw; x++) {
        raw_t *r = &raw[x];
        for (; cue_tok < r->t0; cue_tok++)
            if (c.tok[cue_tok].flags & F_TARGET)
                cue_seen = 1;
        extract_timex_t *o = &res[nres];
        memset(o, 0, sizeof *o);
        o->start = c.tok[r->t0].start;
        o->end = c.tok[r->t1 - 1].end;
        o->kind = (extract_timex_kind_t)r->kind;
        o->range = r->range;
        int tense =
            r->tense ? r->tense : tense_of(&c, raw, nraw, x, prev, next);
        int before = r->t0 > 0 ? c.tok[r->t0 - 1].flags : 0;
        if (r->kind == EXTRACT_TIMEX_DATE) {
            if (before & F_TO)
                o->target = 1;
            else if (cue_seen && (before & F_PREPANY))
                o->target = 1;
            if (o->target && !tense)
                tense = EXTRACT_TENSE_FUTURE;
            int rc = resolve(r, &rf, tense, &o->date);
            if (rc < 0)
                continue;
            o->relative = r->mode != M_ABS;
            if (rc == 0) {
                o->kind = EXTRACT_TIMEX_UNRESOLVED;
                memset(&o->date, 0, sizeof o->date);
                o->target = 0;
            }
        } else if (r->kind == EXTRACT_TIMEX_UNRESOLVED) {
            o->relative = 1;
        }
        o->tense = (extract_tense_t)tense;
        nres++;
    }
    free(prev);
    free(next);
    free(raw);
    free(c.tok);
    free(c.low);
    if (nres == 0) {
        free(res);
        return 0;
    }
    *out = res;
    return nres;
}
