/* segment.c - splitting a paragraph into sentences, for Vietnamese news.
 *
 * A sentence ends at a run of terminators (. ! ? … and "..."), taken
 * together with the closing quotes and brackets after it, when that run is
 * followed by a space and a sentence start (an upper-case letter, a digit,
 * an opening quote or bracket), or at the end of the paragraph. It does not
 * end:
 *
 *   - after an abbreviation of the lexicon ("TP. Hồ Chí Minh", "PGS.TS.");
 *   - after the list number that opens a paragraph ("1. Nhân dịp");
 *   - inside a quotation: a curly or straight quote that is closed later in
 *     the paragraph holds everything up to its close, so “A. B.”, ông nói.
 *     is one sentence. A quote never closed in the paragraph is ignored.
 *
 * Numbers need no rule of their own: "3.245" and "42,5" have no space after
 * the separator. Quotes are paired in a first pass (a stack per paragraph),
 * so the scan knows at each position how deep inside matched quotes it is.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "vjcorpus/text.h"

void corpus__ranges_push(corpus__ranges_t *r, size_t start, size_t end) {
    if (r->count == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->items = vj_realloc(r->items, r->cap * sizeof *r->items);
    }
    r->items[r->count].start = start;
    r->items[r->count].end = end;
    r->count++;
}

enum { Q_NONE, Q_OPEN, Q_CLOSE };

/* One quote mark of the paragraph. */
typedef struct {
    size_t pos;  /* byte offset */
    int type;    /* 0 curly double, 1 straight double, 2 guillemet */
    int dir;     /* Q_OPEN or Q_CLOSE */
    int matched; /* paired with its partner */
} quote_t;

typedef struct {
    quote_t *items;
    size_t count, cap;
} quotes_t;

static int cp_is_closer(int32_t cp) {
    return cp == ')' || cp == ']' || cp == 0x201D || cp == '"' ||
           cp == 0x2019 || cp == '\'' || cp == 0x00BB;
}

static int cp_is_opener(int32_t cp) {
    return cp == '(' || cp == '[' || cp == 0x201C || cp == '"' ||
           cp == 0x2018 || cp == '\'' || cp == 0x00AB;
}

static int cp_is_terminator(int32_t cp) {
    return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026;
}

static void quotes_collect(const char *p, size_t len, quotes_t *q) {
    size_t i = 0;
    int32_t prev = ' ';

    while (i < len) {
        size_t at = i;
        int32_t cp = text_utf8_next(p, len, &i);
        int type = -1, dir = Q_NONE;
        if (cp == 0x201C) {
            type = 0;
            dir = Q_OPEN;
        } else if (cp == 0x201D) {
            type = 0;
            dir = Q_CLOSE;
        } else if (cp == 0x00AB) {
            type = 2;
            dir = Q_OPEN;
        } else if (cp == 0x00BB) {
            type = 2;
            dir = Q_CLOSE;
        } else if (cp == '"') {
            type = 1;
            /* Opening after a space, an opening bracket or another opener;
             * closing after anything else. */
            dir =
                (prev == ' ' || prev == '(' || prev == '[' || prev == 0x201C ||
                 prev == '-' || prev == 0x2013 || prev == 0x2014 || prev == ':')
                    ? Q_OPEN
                    : Q_CLOSE;
            if (at == 0)
                dir = Q_OPEN;
        }
        prev = cp;
        if (type < 0)
            continue;
        if (q->count == q->cap) {
            q->cap = q->cap ? q->cap * 2 : 16;
            q->items = vj_realloc(q->items, q->cap * sizeof *q->items);
        }
        q->items[q->count++] = (quote_t){at, type, dir, 0};
    }

    /* Pair them: a close matches the nearest open of its type on the stack;
     * opens above it were never closed and are dropped. */
    size_t *stack = vj_malloc((q->count ? q->count : 1) * sizeof *stack);
    size_t depth = 0;
    for (size_t k = 0; k < q->count; k++) {
        if (q->items[k].dir == Q_OPEN) {
            stack[depth++] = k;
            continue;
        }
        size_t d = depth;
        while (d > 0 && q->items[stack[d - 1]].type != q->items[k].type)
            d--;
        if (d == 0)
            continue;
        q->items[stack[d - 1]].matched = 1;
        q->items[k].matched = 1;
        depth = d - 1;
    }
    free(stack);
}

/* Whether the word ending with the period at p[dot] is an abbreviation. */
static int abbrev_before(const char *p, size_t dot, const corpus_lexicon_t *lex,
                         size_t *word_start) {
    size_t s = dot;
    while (s > 0 && p[s - 1] != ' ' && p[s - 1] != '(' && p[s - 1] != '[' &&
           p[s - 1] != '"')
        s--;
    *word_start = s;
    size_t wlen = dot + 1 - s;
    /* The last part of a dotted compound: "PGS.TS." -> "TS." */
    size_t last = dot;
    while (last > s && p[last - 1] != '.')
        last--;
    for (size_t k = 0; k < lex->abbrev.count; k++) {
        const char *a = lex->abbrev.items[k];
        size_t alen = strlen(a);
        if (alen == wlen && memcmp(a, p + s, wlen) == 0)
            return 1;
        if (last > s && alen == dot + 1 - last &&
            memcmp(a, p + last, alen) == 0)
            return 1;
    }
    return 0;
}

/* Whether p[s..dot) is a list number opening the paragraph: digits, or a
 * Roman numeral. */
static int list_number_before(const char *p, size_t s, size_t dot) {
    if (s != 0)
        return 0;
    if (dot == s || dot - s > 4)
        return 0;
    int digits = 1, roman = 1;
    for (size_t k = s; k < dot; k++) {
        char c = p[k];
        if (c < '0' || c > '9')
            digits = 0;
        if (c != 'I' && c != 'V' && c != 'X')
            roman = 0;
    }
    return digits || roman;
}

void corpus__sentences_split(const char *p, size_t len,
                             const corpus_lexicon_t *lex,
                             corpus__ranges_t *out) {
    quotes_t q = {0};
    size_t qi = 0;    /* next quote event */
    long depth = 0;   /* inside this many matched quotes */
    size_t start = 0; /* of the current sentence */
    size_t i = 0;

    if (lex == NULL)
        lex = &corpus__lexicon_empty;
    while (start < len && p[start] == ' ')
        start++;
    quotes_collect(p, len, &q);

    while (i < len) {
        /* Track quote depth for the character at i. */
        while (qi < q.count && q.items[qi].pos < i)
            qi++;
        size_t at = i;
        int32_t cp = text_utf8_next(p, len, &i);
        if (qi < q.count && q.items[qi].pos == at) {
            if (q.items[qi].matched)
                depth += q.items[qi].dir == Q_OPEN ? 1 : -1;
            if (depth < 0)
                depth = 0;
            qi++;
            continue;
        }
        if (!cp_is_terminator(cp))
            continue;

        /* The run of terminators and closers. */
        int single_dot = cp == '.';
        size_t j = i;
        while (j < len) {
            size_t k = j;
            int32_t c = text_utf8_next(p, len, &k);
            if (cp_is_terminator(c)) {
                single_dot = 0;
            } else if (c == '/' && k < len && p[k] == '.') {
                k++; /* "./." ends official texts */
                single_dot = 0;
            } else if (cp_is_closer(c)) {
                while (qi < q.count && q.items[qi].pos < j)
                    qi++;
                if (qi < q.count && q.items[qi].pos == j) {
                    if (q.items[qi].matched)
                        depth += q.items[qi].dir == Q_OPEN ? 1 : -1;
                    qi++;
                }
            } else {
                break;
            }
            j = k;
        }
        i = j;

        if (depth > 0)
            continue;
        if (j >= len)
            break; /* the paragraph's end closes it below */
        if (p[j] != ' ')
            continue;
        /* Only now, after a space: the scan back stops at the previous
         * space, so the whole paragraph is scanned back at most once. */
        if (single_dot) {
            size_t ws;
            if (abbrev_before(p, at, lex, &ws))
                continue;
            if (list_number_before(p, ws, at))
                continue;
        }
        size_t k = j;
        while (k < len && p[k] == ' ')
            k++;
        if (k >= len)
            break;
        size_t k2 = k;
        int32_t next = text_utf8_next(p, len, &k2);
        if (!(text_cp_is_upper(next) || text_cp_is_digit(next) ||
              cp_is_opener(next)))
            continue;
        corpus__ranges_push(out, start, j);
        start = k;
        i = k;
    }

    size_t end = len;
    while (end > start && p[end - 1] == ' ')
        end--;
    if (end > start)
        corpus__ranges_push(out, start, end);
    free(q.items);
}
