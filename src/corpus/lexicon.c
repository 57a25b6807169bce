/* lexicon.c - the boilerplate lexicon: which lines are a site's tail,
 * source lines, photo credits, timestamp words and abbreviations.
 *
 * The rules are data, read from two UTF-8 files in a folder (normally
 * data/lexicon/) so that a user adds a marker without recompiling:
 *
 *   boilerplate.tsv    KIND<TAB>PHRASE, KIND one of tail, source, credit,
 *                      caption, weekday, stamp
 *   abbreviations.txt  one abbreviation a line, with its final period
 *
 * In both, blank lines and lines starting with '#' are ignored. A missing
 * file, a line that is not valid UTF-8, an unknown kind or an empty phrase is
 * an error naming the file and line. Phrases are normalised to NFC and
 * lower-cased here, once, so matching is a byte comparison against a
 * lower-cased line. This file also holds the small string helpers the rest
 * of the module shares. */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "internal.h"
#include "vjcorpus/text.h"

const corpus_lexicon_t corpus__lexicon_empty;

void corpus__strlist_push(corpus__strlist_t *l, const char *s, size_t len) {
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->items = vj_realloc(l->items, l->cap * sizeof *l->items);
    }
    l->items[l->count++] = vj_strndup(s, len);
}

void corpus__strlist_free(corpus__strlist_t *l) {
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->count = l->cap = 0;
}

void corpus__problem(corpus_problem_cb cb, void *data, const char *file,
                     uint32_t line, uint32_t column, int fatal, int skipped,
                     const char *fmt, ...) {
    if (cb == NULL)
        return;
    vj_buf_t msg;
    va_list ap;

    vj_buf_init(&msg);
    va_start(ap, fmt);
    vj_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    corpus_problem_t p = {
        .file = file,
        .line = line,
        .column = column,
        .message = msg.data,
        .fatal = fatal,
        .skipped = skipped,
    };
    cb(&p, data);
    vj_buf_free(&msg);
}

char *corpus__lower(const char *s, size_t len, size_t *out_len) {
    vj_buf_t b;
    size_t i = 0;
    char enc[4];

    vj_buf_init(&b);
    while (i < len) {
        if ((unsigned char)s[i] < 0x80) {
            char c = s[i++];
            vj_buf_putc(&b, (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c);
            continue;
        }
        int32_t cp = text_utf8_next(s, len, &i);
        vj_buf_append(&b, enc, text_utf8_encode(utf8proc_tolower(cp), enc));
    }
    char *t = vj_buf_steal(&b, out_len);
    vj_buf_free(&b);
    return t;
}

size_t corpus__match_ci(const char *s, size_t len, const char *pat) {
    size_t i = 0, j = 0, plen = strlen(pat);

    while (j < plen) {
        if (i >= len)
            return 0;
        if ((unsigned char)s[i] < 0x80 && (unsigned char)pat[j] < 0x80) {
            char c = s[i];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c + 32);
            if (c != pat[j])
                return 0;
            i++;
            j++;
            continue;
        }
        int32_t a = text_utf8_next(s, len, &i);
        int32_t b = text_utf8_next(pat, plen, &j);
        if (utf8proc_tolower(a) != b)
            return 0;
    }
    return i;
}

typedef struct {
    const char *name;
    size_t offset; /* of the list in struct corpus_lexicon */
} lexicon_kind_t;

static const lexicon_kind_t lexicon_kinds[] = {
    {"tail", offsetof(struct corpus_lexicon, tail)},
    {"source", offsetof(struct corpus_lexicon, source)},
    {"credit", offsetof(struct corpus_lexicon, credit)},
    {"caption", offsetof(struct corpus_lexicon, caption)},
    {"weekday", offsetof(struct corpus_lexicon, weekday)},
    {"stamp", offsetof(struct corpus_lexicon, stamp)},
};

/* Reads path and calls row() for each meaningful line. Reports and returns
 * an error for an unreadable file or a bad line. */
typedef int (*lexicon_row_fn)(corpus_lexicon_t *lex, const char *file,
                              uint32_t line, char *text, size_t len,
                              corpus_problem_cb cb, void *data);

static int lexicon_file_read(corpus_lexicon_t *lex, const char *dir,
                             const char *name, lexicon_row_fn row,
                             corpus_problem_cb cb, void *data) {
    vj_buf_t path;
    char *buf = NULL;
    size_t len = 0, bad;
    int rc;

    vj_buf_init(&path);
    vj_buf_printf(&path, "%s/%s", dir, name);
    rc = vj_file_read(path.data, CORPUS__MAX_FILE, &buf, &len);
    if (rc != 0) {
        corpus__problem(cb, data, path.data, 0, 0, 1, 0,
                        "cannot read lexicon file: %s", vj_strerror(rc));
        goto fail_read;
    }
    if (text_utf8_validate(buf, len, &bad) != 0) {
        uint32_t line = 1;
        size_t start = 0;
        for (size_t i = 0; i < bad; i++)
            if (buf[i] == '\n') {
                line++;
                start = i + 1;
            }
        corpus__problem(cb, data, path.data, line, (uint32_t)(bad - start + 1),
                        1, 0, "invalid UTF-8 at byte column %zu",
                        bad - start + 1);
        rc = VJ_EILSEQ;
        goto fail_parse;
    }

    uint32_t line = 0;
    size_t pos = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && buf[end] != '\n')
            end++;
        line++;
        size_t e = end;
        if (e > pos && buf[e - 1] == '\r')
            e--;
        size_t s = pos;
        if (line == 1 && e - s >= 3 && memcmp(buf + s, "\xEF\xBB\xBF", 3) == 0)
            s += 3;
        while (s < e && (buf[s] == ' ' || buf[s] == '\t'))
            s++;
        while (e > s && (buf[e - 1] == ' ' || buf[e - 1] == '\t'))
            e--;
        if (e > s && buf[s] != '#') {
            rc = row(lex, path.data, line, buf + s, e - s, cb, data);
            if (rc != 0)
                goto fail_parse;
        }
        pos = end + 1;
    }
    rc = 0;

fail_parse:
    free(buf);
fail_read:
    vj_buf_free(&path);
    return rc;
}

/* Pushes the NFC, lower-cased form of a phrase. */
static int lexicon_phrase_add(corpus__strlist_t *list, const char *s,
                              size_t len, int lower) {
    char *nfc, *low;
    size_t nlen, llen;

    if (text_nfc(s, len, &nfc, &nlen) != 0)
        return VJ_EILSEQ;
    if (lower) {
        low = corpus__lower(nfc, nlen, &llen);
        corpus__strlist_push(list, low, llen);
        free(low);
    } else {
        corpus__strlist_push(list, nfc, nlen);
    }
    free(nfc);
    return 0;
}

static int lexicon_boilerplate_row(corpus_lexicon_t *lex, const char *file,
                                   uint32_t line, char *text, size_t len,
                                   corpus_problem_cb cb, void *data) {
    char *tab = memchr(text, '\t', len);
    if (tab == NULL) {
        corpus__problem(cb, data, file, line, 0, 1, 0,
                        "expected KIND<TAB>PHRASE");
        return VJ_EPARSE;
    }
    size_t klen = (size_t)(tab - text);
    const char *phrase = tab + 1;
    size_t plen = len - klen - 1;
    while (plen > 0 && (*phrase == ' ' || *phrase == '\t')) {
        phrase++;
        plen--;
    }
    while (klen > 0 && text[klen - 1] == ' ')
        klen--;
    if (plen == 0) {
        corpus__problem(cb, data, file, line, 0, 1, 0, "empty phrase");
        return VJ_EPARSE;
    }
    if (memchr(phrase, '\t', plen) != NULL) {
        corpus__problem(cb, data, file, line, 0, 1, 0,
                        "more than two tab-separated fields");
        return VJ_EPARSE;
    }
    for (size_t k = 0; k < VJ_ARRAY_SIZE(lexicon_kinds); k++) {
        const lexicon_kind_t *kind = &lexicon_kinds[k];
        if (strlen(kind->name) == klen && memcmp(kind->name, text, klen) == 0) {
            corpus__strlist_t *list =
                (corpus__strlist_t *)((char *)lex + kind->offset);
            return lexicon_phrase_add(list, phrase, plen, 1);
        }
    }
    corpus__problem(cb, data, file, line, 1, 1, 0,
                    "unknown kind \"%.*s\" (expected tail, source, credit, "
                    "caption, weekday or stamp)",
                    (int)(klen > 40 ? 40 : klen), text);
    return VJ_EPARSE;
}

static int lexicon_abbrev_row(corpus_lexicon_t *lex, const char *file,
                              uint32_t line, char *text, size_t len,
                              corpus_problem_cb cb, void *data) {
    for (size_t i = 0; i < len; i++)
        if (text[i] == ' ' || text[i] == '\t') {
            corpus__problem(cb, data, file, line, (uint32_t)(i + 1), 1, 0,
                            "an abbreviation is one word without spaces");
            return VJ_EPARSE;
        }
    if (text[len - 1] != '.') {
        corpus__problem(cb, data, file, line, (uint32_t)len, 1, 0,
                        "an abbreviation ends with a period");
        return VJ_EPARSE;
    }
    return lexicon_phrase_add(&lex->abbrev, text, len, 0);
}

int corpus_lexicon_load(const char *dir, corpus_problem_cb cb, void *data,
                        corpus_lexicon_t **out) {
    assert(dir != NULL && out != NULL);
    corpus_lexicon_t *lex = vj_calloc(1, sizeof *lex);
    int rc;

    rc = lexicon_file_read(lex, dir, "boilerplate.tsv", lexicon_boilerplate_row,
                           cb, data);
    if (rc != 0)
        goto fail;
    rc = lexicon_file_read(lex, dir, "abbreviations.txt", lexicon_abbrev_row,
                           cb, data);
    if (rc != 0)
        goto fail;
    *out = lex;
    return 0;

fail:
    corpus_lexicon_free(lex);
    return rc;
}

void corpus_lexicon_free(corpus_lexicon_t *lex) {
    if (lex == NULL)
        return;
    corpus__strlist_free(&lex->tail);
    corpus__strlist_free(&lex->source);
    corpus__strlist_free(&lex->credit);
    corpus__strlist_free(&lex->caption);
    corpus__strlist_free(&lex->weekday);
    corpus__strlist_free(&lex->stamp);
    corpus__strlist_free(&lex->abbrev);
    free(lex);
}
