/* token.c - splitting text into search tokens.
 *
 * A token is a syllable (a run of letters, with any combining marks that
 * follow them, so NFD text tokenises like NFC) or a number (a run of
 * digits, with '.' or ',' between digits kept inside: 42,5 and 3.245 are
 * one token each). Everything else separates: spaces, punctuation,
 * hyphens and dashes (LOTUSat-1 -> lotusat, 1), and the change from
 * letters to digits or back (LOTUSat-1giai -> lotusat, 1, giai). Each token
 * carries its byte and code-point offsets into the input and whether
 * whitespace came before it, so a query word like LOTUSat-1 can be read as
 * a phrase of the tokens it glues together. */
#include "vjcorpus/common.h"
#include "vjcorpus/text.h"

#include <utf8proc.h>

void text_tokenizer_init(text_tokenizer_t *t, const char *s, size_t len) {
    t->s = s;
    t->len = len;
    t->pos = 0;
    t->chars = 0;
    t->started = 0;
}

static int is_mark(int32_t cp) {
    if (cp < 0x300)
        return 0;
    utf8proc_category_t c = utf8proc_category(cp);
    return c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME;
}

/* The code point at byte i, and its length, without advancing. */
static int32_t peek(const text_tokenizer_t *t, size_t i, size_t *next) {
    if (i >= t->len)
        return -1;
    *next = i;
    if ((unsigned char)t->s[i] < 0x80) {
        *next = i + 1;
        return (unsigned char)t->s[i];
    }
    return text_utf8_next(t->s, t->len, next);
}

int text_tokenizer_next(text_tokenizer_t *t, text_token_t *tok) {
    size_t i = t->pos, chars = t->chars, next;
    int space = !t->started;
    int32_t cp;
    /* skip to the start of a token */
    while ((cp = peek(t, i, &next)) >= 0) {
        if (text_cp_is_letter(cp) || text_cp_is_digit(cp))
            break;
        if (text_cp_is_space(cp))
            space = 1;
        i = next;
        chars++;
    }
    if (cp < 0) {
        t->pos = i;
        t->chars = chars;
        return 0;
    }
    tok->start = i;
    tok->char_start = chars;
    tok->glued = !space;
    int number = text_cp_is_digit(cp);
    tok->kind = number ? TEXT_TOKEN_NUMBER : TEXT_TOKEN_WORD;
    i = next;
    chars++;
    while ((cp = peek(t, i, &next)) >= 0) {
        if (number) {
            if (text_cp_is_digit(cp)) {
                i = next;
                chars++;
                continue;
            }
            size_t after;
            if ((cp == '.' || cp == ',') && next < t->len &&
                text_cp_is_digit(peek(t, next, &after))) {
                i = after;
                chars += 2;
                continue;
            }
            break;
        }
        if (text_cp_is_letter(cp) || is_mark(cp)) {
            i = next;
            chars++;
            continue;
        }
        break;
    }
    tok->end = i;
    tok->char_end = chars;
    t->pos = i;
    t->chars = chars;
    t->started = 1;
    return 1;
}
