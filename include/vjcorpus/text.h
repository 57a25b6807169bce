/* text.h - UTF-8 and Unicode helpers (utf8proc underneath).
 *
 * Everything here works on byte strings with explicit lengths; nothing
 * assumes NUL termination unless it says so. Later issues add folding and
 * tokenising for search here. */
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
 * *i past it and returns it. At the end returns -1. */
int32_t text_utf8_next(const char *s, size_t len, size_t *i);

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

/* Character classes of one code point (Unicode general categories). */
int text_cp_is_letter(int32_t cp);
int text_cp_is_upper(int32_t cp);
int text_cp_is_digit(int32_t cp);
int text_cp_is_space(int32_t cp); /* Zs, tab, CR, LF, and U+FEFF */

#endif
