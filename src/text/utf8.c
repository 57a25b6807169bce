/* utf8.c - strict UTF-8 validation, decoding and encoding, and character
 * classes by Unicode general category.
 *
 * The validator follows the well-formed byte sequence table of Unicode
 * (chapter 3, table 3-7): the second byte's range depends on the lead byte,
 * which rules out overlong forms, UTF-16 surrogates and code points above
 * U+10FFFF without decoding. NUL is rejected too, because text fields end up
 * as C strings. The decoder trusts validated input but never reads past the
 * end or loops on bad bytes, so a caller's mistake costs a U+FFFD, not a
 * crash. Classes ask utf8proc for the general category. */
#include "vjcorpus/text.h"

#include <utf8proc.h>

#include "vjcorpus/common.h"

/* Length of the well-formed sequence at s[i] or 0 if there is none. */
static size_t utf8_seq_len(const unsigned char *s, size_t len, size_t i) {
    unsigned char c = s[i];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;

    if (c == 0x00)
        return 0;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong below U+0800 */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates U+D800..U+DFFF */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90; /* overlong below U+10000 */
        else if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0; /* continuation byte, C0/C1 overlong leads, F5..FF */
    }
    if (len - i < n)
        return 0;
    if (s[i + 1] < lo || s[i + 1] > hi)
        return 0;
    for (size_t k = 2; k < n; k++)
        if (s[i + k] < 0x80 || s[i + k] > 0xBF)
            return 0;
    return n;
}

int text_utf8_validate(const char *s, size_t len, size_t *bad) {
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        /* Fast path over ASCII. */
        if (u[i] >= 0x01 && u[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = utf8_seq_len(u, len, i);
        if (n == 0) {
            if (bad)
                *bad = i;
            return VJ_EILSEQ;
        }
        i += n;
    }
    return 0;
}

int32_t text__utf8_next_multi(const char *s, size_t len, size_t *i) {
    const unsigned char *u = (const unsigned char *)s;
    size_t p = *i;

    if (p >= len)
        return -1;
    unsigned char c = u[p];
    if (c < 0x80) {
        *i = p + 1;
        return c;
    }
    /* Decode by the lead byte, then reject by value what a strict decoder
     * would: bad continuations, overlongs, surrogates, > U+10FFFF. */
    int32_t cp, min;
    size_t n;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        *i = p + 1;
        return 0xFFFD;
    }
    if (len - p < n) {
        *i = p + 1;
        return 0xFFFD;
    }
    for (size_t k = 1; k < n; k++) {
        if ((u[p + k] & 0xC0) != 0x80) {
            *i = p + 1;
            return 0xFFFD;
        }
        cp = (cp << 6) | (u[p + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        *i = p + 1;
        return 0xFFFD;
    }
    *i = p + n;
    return cp;
}

size_t text_utf8_count(const char *s, size_t len) {
    const unsigned char *u = (const unsigned char *)s;
    size_t n = 0;

    /* In valid UTF-8 every code point has exactly one non-continuation
     * byte. */
    for (size_t i = 0; i < len; i++)
        n += (u[i] & 0xC0) != 0x80;
    return n;
}

size_t text_utf8_encode(int32_t cp, char *out) {
    if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static utf8proc_category_t cp_category(int32_t cp) {
    if (cp < 0 || cp > 0x10FFFF)
        return UTF8PROC_CATEGORY_CN;
    return utf8proc_category(cp);
}

int text_cp_is_letter(int32_t cp) {
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    /* Fast paths for the Latin blocks Vietnamese is written in. */
    if (cp >= 0xC0 && cp <= 0x24F)
        return cp != 0xD7 && cp != 0xF7;
    if (cp >= 0x1E00 && cp <= 0x1EFF)
        return 1;
    utf8proc_category_t c = cp_category(cp);
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

int text_cp_is_upper(int32_t cp) {
    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z';
    utf8proc_category_t c = cp_category(cp);
    return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
}

int text_cp_is_digit(int32_t cp) {
    if (cp < 0x80)
        return cp >= '0' && cp <= '9';
    return cp_category(cp) == UTF8PROC_CATEGORY_ND;
}

int text_cp_is_space(int32_t cp) {
    if (cp == '\t' || cp == '\r' || cp == '\n' || cp == 0xFEFF)
        return 1;
    if (cp < 0x80)
        return cp == ' ';
    return cp_category(cp) == UTF8PROC_CATEGORY_ZS;
}
