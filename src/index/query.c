/* query.c - parsing search queries.
 *
 * A query is read left to right as a flat list of items, each a phrase
 * (one or more syllables) that may be negated: a quoted phrase `"..."` (an
 * unclosed quote runs to the end), or a whitespace-separated word, which is
 * a phrase of the tokens it splits into (LOTUSat-1 -> "lotusat 1") and a
 * prefix when it ends in `*`. A leading `-` negates the item. The word OR
 * (upper case) joins the items on either side into one term with
 * alternatives; an OR with nothing to join is ignored, and so are items
 * with no tokens (a lone `-`, `*`, punctuation). The result is a list of
 * terms (groups of alternatives), all required, some excluded; there is no
 * nesting, so evaluation is bounded by the limits of index.h. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static void phrase_free(index__qphrase_t *p) {
    for (size_t i = 0; i < p->n; i++) {
        free(p->tokens[i].exact);
        free(p->tokens[i].folded);
    }
    free(p->tokens);
}

void index_query_free(index_query_t *q) {
    if (q == NULL)
        return;
    for (size_t g = 0; g < q->n; g++) {
        for (size_t a = 0; a < q->groups[g].n; a++)
            phrase_free(&q->groups[g].alts[a]);
        free(q->groups[g].alts);
    }
    free(q->groups);
    free(q);
}

/* Does the syllable s[0..n) carry any mark (is its folded form other than
 * its lower-case form)? */
static int has_marks(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 1;
    return 0;
}

/* Tokenises s[0..n) into the phrase p. Returns the token count, or -1 when
 * there are more than INDEX_QUERY_MAX_PHRASE; *last_end is the end of the
 * last token. */
static int phrase_fill(index__qphrase_t *p, const char *s, size_t n,
                       size_t *last_end) {
    text_tokenizer_t tz;
    text_token_t tok;
    text_tokenizer_init(&tz, s, n);
    size_t cap = 0;
    while (text_tokenizer_next(&tz, &tok)) {
        if (p->n == INDEX_QUERY_MAX_PHRASE)
            return -1;
        if (p->n == cap) {
            cap = cap ? cap * 2 : 4;
            p->tokens = vj_realloc(p->tokens, cap * sizeof *p->tokens);
        }
        index__qtoken_t *t = &p->tokens[p->n++];
        size_t el, fl;
        index__forms(s + tok.start, tok.end - tok.start, &t->exact, &el,
                     &t->folded, &fl);
        t->marked = has_marks(s + tok.start, tok.end - tok.start) &&
                    strcmp(t->exact, t->folded) != 0;
        *last_end = tok.end;
    }
    return (int)p->n;
}

typedef struct {
    index__qphrase_t phrase;
    int negated;
    int is_or;
} item_t;

static int is_space_at(const char *s, size_t len, size_t i, size_t *next) {
    if ((unsigned char)s[i] < 0x80) {
        *next = i + 1;
        return s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ||
               s[i] == '\f' || s[i] == '\v';
    }
    *next = i;
    return text_cp_is_space(text_utf8_next(s, len, next));
}

int index_query_parse(const char *q, size_t len, index_query_t **out,
                      const char **error) {
    const char *dummy;
    if (error == NULL)
        error = &dummy;
    *out = NULL;
    if (len > INDEX_QUERY_MAX_BYTES) {
        *error = "the query is longer than 1000 bytes";
        return VJ_ETOOBIG;
    }
    if (text_utf8_validate(q, len, NULL) != 0) {
        *error = "the query is not valid UTF-8";
        return VJ_EILSEQ;
    }
    /* 1. items */
    item_t *items = NULL;
    size_t n = 0, cap = 0, i = 0, next, syllables = 0;
    int rc = 0;
    while (i < len) {
        if (is_space_at(q, len, i, &next)) {
            i = next;
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            items = vj_realloc(items, cap * sizeof *items);
        }
        item_t *it = &items[n];
        memset(it, 0, sizeof *it);
        if (q[i] == '-' || q[i] == '+') {
            it->negated = q[i] == '-';
            i++;
        }
        size_t start, end, last_end = 0;
        if (i < len && q[i] == '"') {
            start = ++i;
            while (i < len && q[i] != '"')
                i++;
            end = i;
            if (i < len)
                i++; /* the closing quote */
            it->phrase.quoted = 1;
        } else {
            start = i;
            while (i < len && q[i] != '"' && !is_space_at(q, len, i, &next))
                i = next;
            end = i;
            if (!it->negated && end - start == 2 &&
                memcmp(q + start, "OR", 2) == 0) {
                it->is_or = 1;
                n++;
                continue;
            }
        }
        int k = phrase_fill(&it->phrase, q + start, end - start, &last_end);
        if (k > 0)
            syllables += (size_t)k;
        if (k < 0 || syllables > INDEX_QUERY_MAX_SYLLABLES) {
            *error = k < 0 ? "a phrase has more than 16 syllables"
                           : "the query has more than 64 syllables";
            for (size_t r = 0; r <= n; r++)
                if (!items[r].is_or)
                    phrase_free(&items[r].phrase);
            rc = VJ_EINVAL;
            goto done;
        }
        if (k == 0) {
            phrase_free(&it->phrase);
            continue;
        }
        if (!it->phrase.quoted) {
            size_t j = last_end;
            while (j < end - start && q[start + j] == '*')
                j++;
            it->phrase.prefix = j > last_end;
        }
        n++;
    }

    /* 2. groups: OR joins its neighbours when both are plain items */
    index_query_t *qq = vj_calloc(1, sizeof *qq);
    size_t gcap = 0, positives = 0, negatives = 0;
    int join = 0; /* the previous item was an OR after a joinable item */
    for (size_t k = 0; k < n; k++) {
        item_t *it = &items[k];
        if (it->is_or) {
            if (k == 0 || !items[k - 1].is_or)
                join = qq->n > 0 && !qq->groups[qq->n - 1].negated;
            continue;
        }
        index__qgroup_t *g = NULL;
        if (join && !it->negated) {
            g = &qq->groups[qq->n - 1];
            if (g->n == INDEX_QUERY_MAX_ALTS) {
                *error = "an OR chain has more than 16 alternatives";
                rc = VJ_EINVAL;
            }
        } else if (qq->n == INDEX_QUERY_MAX_TERMS) {
            *error = "the query has more than 32 terms";
            rc = VJ_EINVAL;
        } else {
            if (qq->n == gcap) {
                gcap = gcap ? gcap * 2 : 8;
                qq->groups = vj_realloc(qq->groups, gcap * sizeof *qq->groups);
            }
            g = &qq->groups[qq->n++];
            memset(g, 0, sizeof *g);
            g->negated = it->negated;
            if (it->negated)
                negatives++;
            else
                positives++;
        }
        join = 0;
        if (rc != 0) {
            /* free the items not yet moved */
            for (size_t r = k; r < n; r++)
                if (!items[r].is_or)
                    phrase_free(&items[r].phrase);
            index_query_free(qq);
            goto done;
        }
        g->alts = vj_realloc(g->alts, (g->n + 1) * sizeof *g->alts);
        g->alts[g->n++] = it->phrase;
    }
    if (positives == 0) {
        *error = negatives ? "the query has only exclusions: add a term to "
                             "search for"
                           : "the query has no words to search for";
        index_query_free(qq);
        rc = VJ_EINVAL;
        goto done;
    }
    *out = qq;
done:
    free(items);
    return rc;
}

static void describe_phrase(vj_buf_t *b, const index__qphrase_t *p) {
    int quote = p->quoted || p->n > 1;
    if (quote)
        vj_buf_putc(b, '"');
    for (size_t i = 0; i < p->n; i++) {
        if (i)
            vj_buf_putc(b, ' ');
        vj_buf_puts(b, p->tokens[i].exact);
    }
    if (quote)
        vj_buf_putc(b, '"');
    if (p->prefix)
        vj_buf_putc(b, '*');
}

char *index_query_describe(const index_query_t *q) {
    vj_buf_t b;
    vj_buf_init(&b);
    for (size_t g = 0; g < q->n; g++) {
        const index__qgroup_t *gr = &q->groups[g];
        if (g)
            vj_buf_putc(&b, ' ');
        if (gr->negated)
            vj_buf_putc(&b, '-');
        if (gr->n > 1)
            vj_buf_putc(&b, '(');
        for (size_t a = 0; a < gr->n; a++) {
            if (a)
                vj_buf_puts(&b, " OR ");
            describe_phrase(&b, &gr->alts[a]);
        }
        if (gr->n > 1)
            vj_buf_putc(&b, ')');
    }
    char *s = vj_buf_steal(&b, NULL);
    vj_buf_free(&b);
    return s;
}
