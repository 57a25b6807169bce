/* article.c - parsing one article file into a document.
 *
 * The raw bytes go through four stages:
 *
 *   1. Bytes to lines: strip a UTF-8 BOM, validate (a bad file is skipped
 *      with the line and byte column of the first bad sequence), turn CRLF
 *      and CR into LF, normalise to NFC, and clean every line (runs of
 *      horizontal white space become one space, zero-width characters go,
 *      the line is trimmed). Lines without a letter or digit ("*****") are
 *      dropped; the others keep their 1-based source line.
 *   2. Roles: each remaining line is body text, or the headline, the
 *      timestamp line, a photo caption, a source line ("Theo ..."), the
 *      trailing byline, or part of the site's tail, which is cut from its
 *      marker line ("Ý kiến bạn đọc") to the end. A leading `date YYYY-MM-DD`
 *      marker on the first line is read and removed first. The phrases
 *      involved come from the lexicon; the shapes (short, no comma, a run of
 *      capitalised words) are rules here.
 *   3. Metadata: a non-null manifest value wins over what the text says;
 *      otherwise the text's value stands; a title falls back to the first
 *      words of the first paragraph, the language to "vi".
 *   4. Text: body lines become paragraphs joined by "\n\n", each split into
 *      sentences (segment.c), with byte and code-point spans into the text.
 *
 * Everything is bounded by the input: no fixed-size buffers, and offsets fit
 * in 32 bits because files are capped at CORPUS__MAX_FILE. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "internal.h"
#include "vjcorpus/text.h"

enum {
    ROLE_BODY,
    ROLE_DROP, /* tail, duplicate, empty after the date marker */
    ROLE_TITLE,
    ROLE_STAMP,
    ROLE_CAPTION,
    ROLE_SOURCE,
    ROLE_AUTHOR,
};

typedef struct {
    size_t off, len; /* cleaned text in the arena */
    uint32_t lineno;
    int role;
    char *cap_text; /* ROLE_CAPTION: caption text and credit (owned) */
    char *cap_credit;
} line_t;

typedef struct {
    line_t *items;
    size_t count, cap;
} lines_t;

#define HEADLINE_MAX_WORDS 30
#define TITLE_FALLBACK_WORDS 12
#define STAMP_SEARCH_LINES 4
#define CREDIT_MAX_WORDS 8
#define SOURCE_MAX_WORDS 8

/* Line cleaning. */

static int cp_is_dropped(int32_t cp) {
    return cp == 0x200B || cp == 0x2060 || cp == 0xFEFF || cp == 0x00AD;
}

static int cp_is_hspace(int32_t cp) {
    /* Most code points of Vietnamese text are below U+2000 and not spaces:
     * only C1 controls, NEL, NBSP and U+1680 there are. */
    if (cp >= 0xA1 && cp < 0x2000 && cp != 0x1680)
        return 0;
    if (text_cp_is_space(cp))
        return 1;
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_CC || c == UTF8PROC_CATEGORY_ZL ||
           c == UTF8PROC_CATEGORY_ZP;
}

static int cp_is_wordish(int32_t cp) {
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
               (cp >= '0' && cp <= '9');
    if (text_cp_is_letter(cp))
        return 1;
    utf8proc_category_t c = utf8proc_category(cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ND);
}

/* Appends the cleaned s[0..len) to arena; returns whether it holds a letter
 * or digit. */
static int line_clean(vj_buf_t *arena, const char *s, size_t len, size_t *off,
                      size_t *out_len) {
    size_t i = 0, run = 0; /* s[run..i) is kept text not yet copied */
    int pending_space = 0, alnum = 0;

    *off = arena->len;
    while (i <= len) {
        size_t at = i;
        int32_t cp = -1; /* the end flushes like a space */
        if (i < len) {
            if ((unsigned char)s[i] < 0x80)
                cp = (unsigned char)s[i++];
            else
                cp = text_utf8_next(s, len, &i);
            int space = cp == ' ' || (cp >= 0x80 ? cp_is_hspace(cp)
                                                 : cp < 0x20 || cp == 0x7F);
            if (!space && !cp_is_dropped(cp)) {
                if (!alnum && (text_cp_is_letter(cp) || text_cp_is_digit(cp)))
                    alnum = 1;
                continue;
            }
            if (!space) { /* dropped: flush what came before it */
                if (at > run) {
                    if (pending_space)
                        vj_buf_putc(arena, ' ');
                    pending_space = 0;
                    vj_buf_append(arena, s + run, at - run);
                }
                run = i;
                continue;
            }
        } else {
            i = len + 1;
        }
        if (at > run) {
            if (pending_space)
                vj_buf_putc(arena, ' ');
            vj_buf_append(arena, s + run, at - run);
        }
        pending_space = arena->len > *off;
        run = i;
    }
    *out_len = arena->len - *off;
    return alnum;
}

/* Small predicates over a cleaned line. */

static size_t tokens_count(const char *s, size_t len) {
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && (i == 0 || s[i - 1] == ' '))
            n++;
    return n;
}

static int32_t first_cp(const char *s, size_t len) {
    size_t i = 0;
    return text_utf8_next(s, len, &i);
}

/* The last code point before any closing quotes or brackets. */
static int32_t last_cp_before_closers(const char *s, size_t len) {
    size_t end = len;
    while (end > 0) {
        size_t st = end - 1;
        while (st > 0 && ((unsigned char)s[st] & 0xC0) == 0x80)
            st--;
        size_t k = st;
        int32_t cp = text_utf8_next(s, len, &k);
        if (cp == ')' || cp == ']' || cp == '"' || cp == '\'' || cp == 0x201D ||
            cp == 0x2019 || cp == 0x00BB) {
            end = st;
            continue;
        }
        return cp;
    }
    return -1;
}

static int ends_like_sentence(const char *s, size_t len) {
    int32_t cp = last_cp_before_closers(s, len);
    return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026 || cp == ':' ||
           cp == ';' || cp == ',';
}

/* Whether a whole line equals one of the list's phrases, ignoring case, a
 * trailing ':' and a trailing count such as "(12)". */
static int line_is_phrase(const char *s, size_t len,
                          const corpus__strlist_t *list) {
    if (list->count == 0 || len > 80)
        return 0;
    size_t end = len;
    while (end > 0 && (s[end - 1] == ':' || s[end - 1] == ' '))
        end--;
    if (end > 0 && s[end - 1] == ')') {
        size_t k = end - 1;
        while (k > 0 && s[k - 1] >= '0' && s[k - 1] <= '9')
            k--;
        if (k > 0 && s[k - 1] == '(' && k < end - 1) {
            end = k - 1;
            while (end > 0 && s[end - 1] == ' ')
                end--;
        }
    }
    for (size_t k = 0; k < list->count; k++)
        if (corpus__match_ci(s, end, list->items[k]) == end && end > 0)
            return 1;
    return 0;
}

/* Trims spaces and the given trailing separators. */
static void trim_range(const char *s, size_t *start, size_t *end,
                       const char *trail) {
    while (*start < *end && s[*start] == ' ')
        (*start)++;
    for (;;) {
        while (*end > *start && s[*end - 1] == ' ')
            (*end)--;
        if (*end > *start && strchr(trail, s[*end - 1]) != NULL &&
            s[*end - 1] != '\0') {
            (*end)--;
            continue;
        }
        /* "–" (U+2013) and "—" (U+2014) as trailing separators. */
        if (*end - *start >= 3 && (unsigned char)s[*end - 3] == 0xE2 &&
            (unsigned char)s[*end - 2] == 0x80 &&
            ((unsigned char)s[*end - 1] == 0x93 ||
             (unsigned char)s[*end - 1] == 0x94) &&
            strchr(trail, '-') != NULL) {
            *end -= 3;
            continue;
        }
        break;
    }
}

static int is_cp_start_boundary(const char *s, size_t i) {
    if (i == 0)
        return 1;
    char c = s[i - 1];
    return c == ' ' || c == '(' || c == '.' || c == '|' || c == '-' ||
           c == '/' || c == ',';
}

/* Credit text: trimmed, without a final period or unbalanced ")". */
static char *credit_make(const char *s, size_t start, size_t end) {
    trim_range(s, &start, &end, ".");
    if (end > start && s[end - 1] == ')' &&
        memchr(s + start, '(', end - start) == NULL) {
        end--;
        trim_range(s, &start, &end, ".");
    }
    return vj_strndup(s + start, end - start);
}

static int credit_ok(const char *s, size_t start, size_t end) {
    size_t n = end - start;
    if (n == 0 || n > 100)
        return 0;
    if (tokens_count(s + start, n) > CREDIT_MAX_WORDS)
        return 0;
    for (size_t k = start; k < end; k++) {
        if (s[k] == ':' || s[k] == '!' || s[k] == '?')
            return 0;
        if (s[k] == '.' && k + 1 < end && s[k + 1] == ' ')
            return 0;
    }
    return 1;
}

/* Joins s[0..a) and s[b..len) as a caption text, dropping the space before
 * trailing punctuation. */
static char *caption_join(const char *s, size_t a, size_t b, size_t len) {
    size_t s0 = 0, e0 = a, s1 = b, e1 = len;
    vj_buf_t out;

    trim_range(s, &s0, &e0, "");
    trim_range(s, &s1, &e1, "");
    vj_buf_init(&out);
    vj_buf_append(&out, s + s0, e0 - s0);
    if (e1 > s1) {
        if (out.len > 0 && strchr(".,;:!?)", s[s1]) == NULL)
            vj_buf_putc(&out, ' ');
        vj_buf_append(&out, s + s1, e1 - s1);
    }
    char *t = vj_buf_steal(&out, NULL);
    vj_buf_free(&out);
    return t;
}

/* Recognises a photo caption. On success stores the caption text and the
 * credit (or NULL) and returns 1. */
static int caption_parse(const char *s, size_t len, const corpus_lexicon_t *lex,
                         char **text, char **credit) {
    /* "(Ảnh: X)" anywhere, or "(Ảnh minh họa)". The next ")" is found
     * once for all the "(" before it, and credits are short. */
    size_t c = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '(')
            continue;
        if (c <= i) {
            const char *close = memchr(s + i, ')', len - i);
            if (close == NULL)
                break;
            c = (size_t)(close - s);
        }
        size_t j = i + 1;
        while (j < c && s[j] == ' ')
            j++;
        if (j >= c || c - j > 160 ||
            !text_cp_is_upper(first_cp(s + j, len - j)))
            continue;
        for (size_t k = 0; k < lex->caption.count; k++) {
            size_t n = corpus__match_ci(s + j, c - j, lex->caption.items[k]);
            size_t e = j + n;
            while (e < c && s[e] == ' ')
                e++;
            if (n > 0 && e == c) {
                *text = caption_join(s, i, c + 1, len);
                *credit = NULL;
                return 1;
            }
        }
        for (size_t k = 0; k < lex->credit.count; k++) {
            size_t n = corpus__match_ci(s + j, c - j, lex->credit.items[k]);
            if (n == 0)
                continue;
            size_t e = j + n;
            while (e < c && s[e] == ' ')
                e++;
            if (e >= c || s[e] != ':')
                continue;
            e++;
            if (!credit_ok(s, e, c))
                continue;
            *credit = credit_make(s, e, c);
            *text = caption_join(s, i, c + 1, len);
            return 1;
        }
    }

    /* "... Ảnh minh họa" at the end. */
    size_t end = len;
    while (end > 0 &&
           (s[end - 1] == '.' || s[end - 1] == ')' || s[end - 1] == ' '))
        end--;
    for (size_t k = 0; k < lex->caption.count; k++) {
        size_t plen = strlen(lex->caption.items[k]);
        size_t from = end > plen + 8 ? end - plen - 8 : 0;
        for (size_t i = from; i < end; i++) {
            if (((unsigned char)s[i] & 0xC0) == 0x80 ||
                !is_cp_start_boundary(s, i) ||
                !text_cp_is_upper(first_cp(s + i, end - i)))
                continue;
            if (corpus__match_ci(s + i, end - i, lex->caption.items[k]) !=
                end - i)
                continue;
            size_t a = i;
            if (a > 0 && s[a - 1] == '(')
                a--;
            size_t s0 = 0;
            trim_range(s, &s0, &a, "-|/");
            *text = vj_strndup(s + s0, a - s0);
            *credit = NULL;
            return 1;
        }
    }

    /* "... Ảnh: X" at the end: the last credit marker that starts a word.
     * A credit is at most 100 bytes, so only the line's end is searched. */
    size_t best = len, best_val = 0;
    for (size_t i = len > 200 ? len - 200 : 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) == 0x80 || !is_cp_start_boundary(s, i))
            continue;
        if (!text_cp_is_upper(first_cp(s + i, len - i)))
            continue;
        for (size_t k = 0; k < lex->credit.count; k++) {
            size_t n = corpus__match_ci(s + i, len - i, lex->credit.items[k]);
            if (n == 0)
                continue;
            size_t e = i + n;
            while (e < len && s[e] == ' ')
                e++;
            if (e >= len || s[e] != ':')
                continue;
            e++;
            if (credit_ok(s, e, len)) {
                best = i;
                best_val = e;
            }
        }
    }
    if (best < len) {
        size_t a = best, s0 = 0;
        trim_range(s, &s0, &a, "-|/");
        *credit = credit_make(s, best_val, len);
        *text = vj_strndup(s + s0, a - s0);
        return 1;
    }
    return 0;
}

/* "Theo Nhân Dân Điện tử", "Nguồn: VOV": returns 1 and the source. */
static int source_parse(const char *s, size_t len, const corpus_lexicon_t *lex,
                        char **source) {
    size_t start = 0, end = len;

    if (len > 120)
        return 0;
    if (len >= 2 && s[0] == '(' && s[len - 1] == ')') {
        start = 1;
        end = len - 1;
    }
    if (!text_cp_is_upper(first_cp(s + start, end - start)))
        return 0;
    for (size_t k = 0; k < lex->source.count; k++) {
        size_t n =
            corpus__match_ci(s + start, end - start, lex->source.items[k]);
        if (n == 0)
            continue;
        size_t r = start + n;
        int colon = r > 0 && s[r - 1] == ':';
        if (r < end && s[r] != ' ' && s[r] != ':')
            continue;
        while (r < end && s[r] == ' ')
            r++;
        if (!colon && r < end && s[r] == ':') {
            r++;
            while (r < end && s[r] == ' ')
                r++;
        }
        size_t e = end;
        trim_range(s, &r, &e, ".");
        if (e <= r)
            continue;
        int32_t c0 = first_cp(s + r, e - r);
        if (!text_cp_is_upper(c0) && !text_cp_is_digit(c0))
            continue;
        if (tokens_count(s + r, e - r) > SOURCE_MAX_WORDS)
            continue;
        int bad = 0;
        for (size_t i = r; i < e && !bad; i++) {
            if (strchr(",;:!?\"", s[i]) != NULL)
                bad = 1;
            else if (s[i] == '.' && i + 1 < e && s[i + 1] == ' ')
                bad = 1;
            else if ((unsigned char)s[i] == 0xE2 && i + 2 < e &&
                     (unsigned char)s[i + 1] == 0x80 &&
                     ((unsigned char)s[i + 2] == 0x9C ||
                      (unsigned char)s[i + 2] == 0x9D ||
                      (unsigned char)s[i + 2] == 0xA6))
                bad = 1; /* “ ” … */
        }
        if (bad)
            continue;
        *source = vj_strndup(s + r, e - r);
        return 1;
    }
    return 0;
}

/* A byline: 2-4 capitalised words of letters only. */
static int byline_is(const char *s, size_t len) {
    size_t words = tokens_count(s, len);
    if (words < 2 || words > 4 || len > 60)
        return 0;
    size_t i = 0;
    int word_start = 1;
    while (i < len) {
        int32_t cp = text_utf8_next(s, len, &i);
        if (cp == ' ') {
            word_start = 1;
            continue;
        }
        if (word_start && !text_cp_is_upper(cp))
            return 0;
        word_start = 0;
        utf8proc_category_t c = utf8proc_category(cp);
        if (!(c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ME))
            return 0;
    }
    return 1;
}

/* Whether two strings are equal ignoring case and spacing (both cleaned). */
static int equal_folded(const char *a, size_t alen, const char *b,
                        size_t blen) {
    size_t la, lb;
    char *fa = corpus__lower(a, alen, &la);
    char *fb = corpus__lower(b, blen, &lb);
    int eq = la == lb && memcmp(fa, fb, la) == 0;
    free(fa);
    free(fb);
    return eq;
}

/* Reads a leading "date 2025-11-28" marker from the first content line.
 * Returns the number of bytes it spans (0 if there is none). */
static size_t date_marker_read(const char *s, size_t len, const char *file,
                               uint32_t lineno, corpus_problem_cb cb,
                               void *data, corpus_date_t *out) {
    size_t i = corpus__match_ci(s, len, "date");
    if (i == 0)
        return 0;
    if (i < len && s[i] == ':')
        i++;
    if (i >= len || s[i] != ' ')
        return 0;
    while (i < len && s[i] == ' ')
        i++;
    if (i >= len || s[i] < '0' || s[i] > '9')
        return 0;
    size_t t = i;
    while (i < len && s[i] != ' ')
        i++;
    char *tok = vj_strndup(s + t, i - t);
    if (corpus_date_parse_iso(tok, out) != 0) {
        corpus__problem(cb, data, file, lineno, (uint32_t)(t + 1), 0, 0,
                        "invalid date marker \"%.40s\" ignored", tok);
        memset(out, 0, sizeof *out);
    }
    free(tok);
    while (i < len && s[i] == ' ')
        i++;
    return i;
}

/* Stage 1: BOM, validation, line endings, NFC. Returns the NFC text. */
static int text_prepare(const char *file, const char *buf, size_t len,
                        corpus_problem_cb cb, void *data, char **out,
                        size_t *out_len) {
    size_t bad;

    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        buf += 3;
        len -= 3;
    }
    if (text_utf8_validate(buf, len, &bad) != 0) {
        uint32_t line = 1;
        size_t start = 0;
        for (size_t i = 0; i < bad; i++) {
            if (buf[i] == '\n' ||
                (buf[i] == '\r' && (i + 1 >= len || buf[i + 1] != '\n'))) {
                line++;
                start = i + 1;
            }
        }
        size_t col = bad - start + 1;
        corpus__problem(cb, data, file, line,
                        col > UINT32_MAX ? 0 : (uint32_t)col, 0, 1,
                        "invalid UTF-8 at byte column %zu", col);
        return VJ_EILSEQ;
    }

    char *lf = vj_malloc(len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\r') {
            lf[n++] = '\n';
            if (i + 1 < len && buf[i + 1] == '\n')
                i++;
        } else {
            lf[n++] = buf[i];
        }
    }
    int rc = text_nfc(lf, n, out, out_len);
    free(lf);
    return rc;
}

static void lines_push(lines_t *l, size_t off, size_t len, uint32_t lineno) {
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->items = vj_realloc(l->items, l->cap * sizeof *l->items);
    }
    l->items[l->count++] = (line_t){off, len, lineno, ROLE_BODY, NULL, NULL};
}

static void lines_free(lines_t *l) {
    for (size_t i = 0; i < l->count; i++) {
        free(l->items[i].cap_text);
        free(l->items[i].cap_credit);
    }
    free(l->items);
}

/* A manifest string, NFC and cleaned; NULL if absent, empty or invalid. */
static char *meta_string(const char *v, const char *what, const char *file,
                         corpus_problem_cb cb, void *data) {
    char *nfc;
    size_t nlen, off, clen;
    vj_buf_t b;

    if (v == NULL)
        return NULL;
    if (text_nfc(v, strlen(v), &nfc, &nlen) != 0) {
        corpus__problem(cb, data, file, 0, 0, 0, 0,
                        "manifest %s is not valid UTF-8; ignored", what);
        return NULL;
    }
    vj_buf_init(&b);
    line_clean(&b, nfc, nlen, &off, &clen);
    free(nfc);
    if (clen == 0) {
        vj_buf_free(&b);
        return NULL;
    }
    char *s = vj_buf_steal(&b, NULL);
    vj_buf_free(&b);
    return s;
}

typedef struct {
    corpus_date_t marker, stamp;
    char *headline;
    char *source;
    char *author;
} found_t;

/* Stage 2: gives each line its role. */
static void roles_assign(lines_t *L, const char *a, const corpus_lexicon_t *lex,
                         const char *meta_title, found_t *f) {
    size_t n = L->count;

    /* The tail: from a marker line (not the first) to the end. */
    for (size_t k = 1; k < n; k++) {
        if (line_is_phrase(a + L->items[k].off, L->items[k].len, &lex->tail)) {
            for (size_t j = k; j < n; j++)
                L->items[j].role = ROLE_DROP;
            n = k;
            break;
        }
    }

    /* The first content line: a headline? */
    size_t first = 0;
    while (first < n && L->items[first].role != ROLE_BODY)
        first++;
    if (first < n) {
        line_t *l = &L->items[first];
        const char *s = a + l->off;
        corpus_date_t tmp;
        char *t = NULL, *c = NULL, *src = NULL;
        int is_caption = caption_parse(s, l->len, lex, &t, &c);
        int is_source = !is_caption && source_parse(s, l->len, lex, &src);
        int is_stamp = corpus__stamp_parse(s, l->len, lex, &tmp) == 0;
        free(t);
        free(c);
        free(src);
        int more = 0;
        for (size_t k = first + 1; k < n && !more; k++)
            more = L->items[k].role == ROLE_BODY;
        if (!is_caption && !is_source && !is_stamp && more &&
            ((meta_title != NULL &&
              equal_folded(s, l->len, meta_title, strlen(meta_title))) ||
             (!ends_like_sentence(s, l->len) &&
              tokens_count(s, l->len) <= HEADLINE_MAX_WORDS))) {
            l->role = ROLE_TITLE;
            f->headline = vj_strndup(s, l->len);
        }
    }

    /* A timestamp line among the first few content lines. */
    size_t seen = 0;
    for (size_t k = 0; k < n && seen < STAMP_SEARCH_LINES; k++) {
        line_t *l = &L->items[k];
        if (l->role != ROLE_BODY)
            continue;
        seen++;
        if (corpus__stamp_parse(a + l->off, l->len, lex, &f->stamp) == 0) {
            l->role = ROLE_STAMP;
            break;
        }
        memset(&f->stamp, 0, sizeof f->stamp);
    }

    /* Captions: credit or marker forms, and a line repeated in a row. */
    for (size_t k = 0; k < n; k++) {
        line_t *l = &L->items[k];
        if (l->role != ROLE_BODY)
            continue;
        if (k > 0) {
            line_t *p = &L->items[k - 1];
            if (p->len == l->len &&
                memcmp(a + p->off, a + l->off, l->len) == 0 &&
                (p->role == ROLE_BODY || p->role == ROLE_CAPTION ||
                 p->role == ROLE_TITLE || p->role == ROLE_DROP)) {
                if (p->role == ROLE_BODY) {
                    p->role = ROLE_CAPTION;
                    if (!caption_parse(a + p->off, p->len, lex, &p->cap_text,
                                       &p->cap_credit))
                        p->cap_text = vj_strndup(a + p->off, p->len);
                }
                l->role = ROLE_DROP;
                continue;
            }
        }
        if (caption_parse(a + l->off, l->len, lex, &l->cap_text,
                          &l->cap_credit))
            l->role = ROLE_CAPTION;
    }

    /* Source lines. */
    for (size_t k = 0; k < n; k++) {
        line_t *l = &L->items[k];
        char *src = NULL;
        if (l->role != ROLE_BODY)
            continue;
        if (source_parse(a + l->off, l->len, lex, &src)) {
            l->role = ROLE_SOURCE;
            if (f->source == NULL)
                f->source = src;
            else
                free(src);
        }
    }

    /* A trailing byline, when there is other body text. */
    size_t body = 0, last = n;
    for (size_t k = 0; k < n; k++)
        if (L->items[k].role == ROLE_BODY) {
            body++;
            last = k;
        }
    if (body >= 2 && byline_is(a + L->items[last].off, L->items[last].len)) {
        L->items[last].role = ROLE_AUTHOR;
        f->author = vj_strndup(a + L->items[last].off, L->items[last].len);
    }
}

static void doc_push_paragraph(corpus_doc_t *doc, size_t *cap,
                               corpus_paragraph_t p) {
    if (doc->paragraph_count == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        doc->paragraphs = vj_realloc(doc->paragraphs, *cap * sizeof p);
    }
    doc->paragraphs[doc->paragraph_count++] = p;
}

static void doc_push_sentence(corpus_doc_t *doc, size_t *cap,
                              corpus_sentence_t s) {
    if (doc->sentence_count == *cap) {
        *cap = *cap ? *cap * 2 : 32;
        doc->sentences = vj_realloc(doc->sentences, *cap * sizeof s);
    }
    doc->sentences[doc->sentence_count++] = s;
}

static void doc_push_caption(corpus_doc_t *doc, size_t *cap,
                             corpus_caption_t c) {
    if (doc->caption_count == *cap) {
        *cap = *cap ? *cap * 2 : 4;
        doc->captions = vj_realloc(doc->captions, *cap * sizeof c);
    }
    doc->captions[doc->caption_count++] = c;
}

/* Stage 4: paragraphs, sentences and captions from the body lines. */
static void text_build(corpus_doc_t *doc, lines_t *L, const char *a,
                       const corpus_lexicon_t *lex) {
    vj_buf_t text;
    size_t pcap = 0, scap = 0, ccap = 0, chars = 0;
    corpus__ranges_t r = {0};

    vj_buf_init(&text);
    for (size_t k = 0; k < L->count; k++) {
        line_t *l = &L->items[k];
        if (l->role == ROLE_CAPTION) {
            corpus_caption_t c = {
                .text = l->cap_text,
                .credit = l->cap_credit,
                .after_paragraph = doc->paragraph_count
                                       ? (uint32_t)(doc->paragraph_count - 1)
                                       : CORPUS_CAPTION_BEFORE_FIRST,
                .line = l->lineno,
            };
            l->cap_text = l->cap_credit = NULL;
            doc_push_caption(doc, &ccap, c);
            continue;
        }
        if (l->role != ROLE_BODY)
            continue;
        if (doc->paragraph_count > 0) {
            vj_buf_append(&text, "\n\n", 2);
            chars += 2;
        }
        const char *p = a + l->off;
        size_t start = text.len, start_chars = chars;
        vj_buf_append(&text, p, l->len);
        chars += text_utf8_count(p, l->len);

        corpus_paragraph_t para = {
            .span = {(uint32_t)start, (uint32_t)text.len, (uint32_t)start_chars,
                     (uint32_t)chars},
            .line = l->lineno,
            .first_sentence = (uint32_t)doc->sentence_count,
        };
        r.count = 0;
        corpus__sentences_split(p, l->len, lex, &r);
        size_t cpos = 0, cchars = 0; /* byte and char cursor in p */
        for (size_t i = 0; i < r.count; i++) {
            corpus_sentence_t s;
            cchars += text_utf8_count(p + cpos, r.items[i].start - cpos);
            cpos = r.items[i].start;
            s.span.start = (uint32_t)(start + r.items[i].start);
            s.span.char_start = (uint32_t)(start_chars + cchars);
            cchars += text_utf8_count(p + cpos, r.items[i].end - cpos);
            cpos = r.items[i].end;
            s.span.end = (uint32_t)(start + r.items[i].end);
            s.span.char_end = (uint32_t)(start_chars + cchars);
            s.paragraph = (uint32_t)doc->paragraph_count;
            doc_push_sentence(doc, &scap, s);
        }
        para.sentence_count = (uint32_t)r.count;
        doc_push_paragraph(doc, &pcap, para);
    }
    free(r.items);
    doc->text = vj_buf_steal(&text, &doc->text_len);
    vj_buf_free(&text);
    doc->text_chars = chars;

    /* Words: maximal runs of letters, marks and digits. */
    size_t words = 0, i = 0;
    int in_word = 0;
    while (i < doc->text_len) {
        int32_t cp = text_utf8_next(doc->text, doc->text_len, &i);
        int w = cp_is_wordish(cp);
        if (w && !in_word)
            words++;
        in_word = w;
    }
    doc->words = words;
}

/* The first words of the first paragraph, with "…" if cut. */
static char *title_fallback(const corpus_doc_t *doc) {
    if (doc->paragraph_count == 0)
        return vj_strdup(doc->id);
    const char *p = doc->text + doc->paragraphs[0].span.start;
    size_t len = doc->paragraphs[0].span.end - doc->paragraphs[0].span.start;
    size_t words = 0, i = 0;
    for (; i < len; i++)
        if (p[i] == ' ' && ++words == TITLE_FALLBACK_WORDS)
            break;
    if (i >= len)
        return vj_strndup(p, len);
    size_t e = i, s0 = 0;
    trim_range(p, &s0, &e, ",;:-");
    vj_buf_t b;
    vj_buf_init(&b);
    vj_buf_append(&b, p, e);
    vj_buf_puts(&b, "\xE2\x80\xA6");
    char *t = vj_buf_steal(&b, NULL);
    vj_buf_free(&b);
    return t;
}

int corpus_doc_parse(const char *id, const char *file, const char *buf,
                     size_t len, const corpus_meta_t *meta,
                     const corpus_lexicon_t *lex, corpus_problem_cb cb,
                     void *data, corpus_doc_t **out) {
    assert(id != NULL && file != NULL && out != NULL);
    assert(buf != NULL || len == 0);
    char *nfc = NULL;
    size_t nfc_len = 0;
    vj_buf_t arena;
    lines_t L = {0};
    found_t f;
    corpus_doc_t *doc;
    int rc;

    *out = NULL;
    if (lex == NULL)
        lex = &corpus__lexicon_empty;
    memset(&f, 0, sizeof f);
    if (len > CORPUS__MAX_FILE) {
        corpus__problem(cb, data, file, 0, 0, 0, 1,
                        "file larger than %zu bytes", CORPUS__MAX_FILE);
        return VJ_ETOOBIG;
    }
    rc = text_prepare(file, buf ? buf : "", len, cb, data, &nfc, &nfc_len);
    if (rc != 0)
        return rc;

    /* Stage 1: cleaned lines, with the date marker read off the first. */
    vj_buf_init(&arena);
    uint32_t lineno = 0;
    size_t pos = 0;
    int first = 1;
    while (pos < nfc_len) {
        const char *nl = memchr(nfc + pos, '\n', nfc_len - pos);
        size_t end = nl ? (size_t)(nl - nfc) : nfc_len;
        size_t off, clen;
        lineno++;
        int alnum = line_clean(&arena, nfc + pos, end - pos, &off, &clen);
        pos = end + 1;
        if (clen == 0)
            continue;
        if (first) {
            first = 0;
            size_t skip = date_marker_read(arena.data + off, clen, file, lineno,
                                           cb, data, &f.marker);
            if (skip > 0) {
                off += skip;
                clen -= skip;
                alnum = 0;
                for (size_t i = off; i < off + clen && !alnum;) {
                    int32_t cp = text_utf8_next(arena.data, off + clen, &i);
                    alnum = text_cp_is_letter(cp) || text_cp_is_digit(cp);
                }
            }
        }
        if (!alnum)
            continue;
        lines_push(&L, off, clen, lineno);
    }
    free(nfc);

    /* Stage 3 needs the manifest title to recognise the headline. */
    char *m_title =
        meta ? meta_string(meta->title, "title", file, cb, data) : NULL;
    roles_assign(&L, arena.data, lex, m_title, &f);

    doc = vj_calloc(1, sizeof *doc);
    doc->id = vj_strdup(id);
    doc->file = vj_strdup(file);
    text_build(doc, &L, arena.data, lex);

    /* Stage 3: metadata. */
    if (meta != NULL) {
        doc->source = meta_string(meta->source, "source", file, cb, data);
        doc->url = meta_string(meta->url, "url", file, cb, data);
        doc->language = meta_string(meta->language, "language", file, cb, data);
        if (meta->published != NULL &&
            corpus_date_parse_iso(meta->published, &doc->published) != 0) {
            corpus__problem(cb, data, file, 0, 0, 0, 0,
                            "manifest published \"%.40s\" is not an ISO 8601 "
                            "date; ignored",
                            meta->published);
            memset(&doc->published, 0, sizeof doc->published);
        }
    }
    if (doc->published.precision == CORPUS_PREC_NONE)
        doc->published =
            f.stamp.precision > f.marker.precision ? f.stamp : f.marker;
    if (m_title != NULL) {
        doc->title = m_title;
        m_title = NULL;
    } else if (f.headline != NULL) {
        doc->title = f.headline;
        f.headline = NULL;
    } else {
        doc->title = title_fallback(doc);
    }
    if (doc->source == NULL) {
        doc->source = f.source;
        f.source = NULL;
    }
    if (doc->language == NULL)
        doc->language = vj_strdup("vi");
    doc->author = f.author;
    f.author = NULL;

    free(f.headline);
    free(f.source);
    free(m_title);
    lines_free(&L);
    vj_buf_free(&arena);

    if (doc->paragraph_count == 0) {
        corpus__problem(cb, data, file, 0, 0, 0, 1,
                        "no article text after removing boilerplate");
        corpus_doc_free(doc);
        return VJ_EPARSE;
    }
    *out = doc;
    return 0;
}

void corpus_doc_free(corpus_doc_t *doc) {
    if (doc == NULL)
        return;
    free(doc->id);
    free(doc->file);
    free(doc->title);
    free(doc->source);
    free(doc->url);
    free(doc->language);
    free(doc->author);
    free(doc->text);
    free(doc->paragraphs);
    free(doc->sentences);
    for (size_t i = 0; i < doc->caption_count; i++) {
        free(doc->captions[i].text);
        free(doc->captions[i].credit);
    }
    free(doc->captions);
    free(doc);
}
