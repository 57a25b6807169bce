/* text.h - UTF-8 and Unicode helpers (utf8proc underneath).
 *
 * Everything here works on byte strings with explicit lengths; nothing
 * assumes NUL termination unless it says so. Search reads text in three
 * forms: as written, exact (text_exact: NFC, canonical tone placement,
 * lower case) and folded (text_fold: no tone or other marks, đ -> d), and
 * splits it into tokens with text_tokenizer_next(). */
#ifndef VJCORPUS_TEXT_H
#define VJCORPUS_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Checks that s[0..len) is well-formed UTF-8 (no overlongs, no surrogates,
 * nothing above U+10FFFF; NUL bytes are rejected too, since text fields are
 * C strings downstream). Returns 0, or VJ_EILSEQ and stores the byte offset of
 * the first bad sequence in *bad (if bad is not NULL). */
int text_utf8_validate(const char *s, size_t len, size_t *bad);

/* Decodes the code point at s[*i] (s[0..len) must be valid UTF-8), advances
 * *i past it and returns it. At the end returns -1. ASCII is decoded
 * inline; the rest by text__utf8_next_multi(). */
int32_t text__utf8_next_multi(const char *s, size_t len, size_t *i);

static inline int32_t text_utf8_next(const char *s, size_t len, size_t *i) {
    size_t p = *i;
    if (p < len && (unsigned char)s[p] < 0x80) {
        *i = p + 1;
        return (unsigned char)s[p];
    }
    return text__utf8_next_multi(s, len, i);
}

/* Number of code points in the valid UTF-8 string s[0..len). */
size_t text_utf8_count(const char *s, size_t len);

/* Encodes cp as UTF-8 into out (at least 4 bytes); returns the byte count. */
size_t text_utf8_encode(int32_t cp, char *out);

/* Normalises valid UTF-8 to NFC. On success *out is a new NUL-terminated
 * string (caller frees) of *out_len bytes. Returns 0 or VJ_EILSEQ. */
int text_nfc(const char *s, size_t len, char **out, size_t *out_len);

/* Folds valid UTF-8 for matching: case folded, tone and other marks
 * removed, đ/Đ -> d. *out is a new NUL-terminated string (caller frees).
 * Returns 0 or VJ_EILSEQ. */
int text_fold(const char *s, size_t len, char **out, size_t *out_len);

/* Moves each syllable's tone mark to its traditional place (hoà -> hòa,
 * thuỵ -> thụy, khoẻ -> khỏe; quý, gìn, người stay) and normalises to NFC;
 * case is kept. Input in any normal form. Words that are not Vietnamese
 * syllables (café, two tone marks) are only normalised. *out is a new
 * NUL-terminated string (caller frees). Returns 0 or VJ_EILSEQ. */
int text_tone_canon(const char *s, size_t len, char **out, size_t *out_len);

/* The exact form for search: text_tone_canon() and lower case ("Hoà" ->
 * "hòa"). *out is a new NUL-terminated string (caller frees). Returns 0 or
 * VJ_EILSEQ. */
int text_exact(const char *s, size_t len, char **out, size_t *out_len);

/* --- Tokens ----------------------------------------------------------- */

typedef enum { TEXT_TOKEN_WORD = 0, TEXT_TOKEN_NUMBER } text_token_kind_t;

/* One token: bytes [start, end) and code points [char_start, char_end) of
 * the input. glued is 1 when no whitespace separates it from the token
 * before (LOTUSat-1, 1giai). */
typedef struct {
    size_t start, end;
    size_t char_start, char_end;
    text_token_kind_t kind;
    int glued;
} text_token_t;

/* Iterates the tokens of valid UTF-8 s[0..len) (borrowed, must outlive the
 * tokenizer): syllables (letters and the combining marks after them) and
 * numbers (digits, with '.' or ',' between two digits kept: 42,5, 3.245).
 * Everything else separates, and so does a change between letters and
 * digits (LOTUSat-1giai -> LOTUSat, 1, giai). */
typedef struct {
    const char *s;
    size_t len, pos, chars;
    int started;
} text_tokenizer_t;

void text_tokenizer_init(text_tokenizer_t *t, const char *s, size_t len);
/* Stores the next token in *tok and returns 1, or returns 0 at the end. */
int text_tokenizer_next(text_tokenizer_t *t, text_token_t *tok);

/* Character classes of one code point (Unicode general categories). */
int text_cp_is_letter(int32_t cp);
int text_cp_is_upper(int32_t cp);
int text_cp_is_digit(int32_t cp);
int text_cp_is_space(int32_t cp); /* Zs, tab, CR, LF, and U+FEFF */

#endif
