/* fold.c - the folded form of text: lower case, no tone or other marks,
 * đ -> d. "Hà Nội", "HA NOI", NFD "Hà Nội" and "ha noi" all fold to
 * "ha noi". Used to match what users type against the corpus. */
#include "vjcorpus/common.h"
#include "vjcorpus/text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

int text_fold(const char *s, size_t len, char **out, size_t *out_len) {
    if (text_utf8_validate(s, len, NULL) != 0)
        return VJ_EILSEQ;
    vj_buf_t b;
    vj_buf_init(&b);
    size_t i = 0;
    while (i < len) {
        int32_t cp = text_utf8_next(s, len, &i);
        utf8proc_int32_t dec[8];
        int last;
        utf8proc_ssize_t n = utf8proc_decompose_char(
            cp, dec, 8, UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
                            UTF8PROC_CASEFOLD, &last);
        if (n < 0 || n > 8) {
            dec[0] = cp;
            n = 1;
        }
        for (utf8proc_ssize_t k = 0; k < n; k++) {
            int32_t c = dec[k];
            if (c == 0x0111 || c == 0x0110) /* đ, Đ */
                c = 'd';
            char enc[4];
            vj_buf_append(&b, enc, text_utf8_encode(c, enc));
        }
    }
    *out = vj_buf_steal(&b, out_len);
    vj_buf_free(&b);
    return 0;
}

/* --- Canonical tone placement ------------------------------------------
 *
 * A Vietnamese syllable carries at most one tone mark (grave, acute, tilde,
 * hook above, dot below), and two spellings are in use for where it sits
 * on a two-vowel nucleus without a final consonant: the traditional one
 * (hòa, thủy, khỏe), which this corpus and most Vietnamese news use, and
 * the "new" one (hoà, thuỷ, khoẻ). We canonicalise to the traditional one:
 *
 *   1. "qu" and "gi" before another vowel belong to the onset (quý, giữ);
 *   2. a nucleus vowel with a shape mark (â ă ê ô ơ ư) takes the tone, the
 *      last of them when there are two (ươ -> ơ);
 *   3. otherwise, before a final consonant, the last vowel (hoàn, quýt);
 *   4. otherwise the middle of three vowels (ngoài), the first of two
 *      (hòa, mùa), the only one.
 *
 * The syllable is worked on in NFD: each letter is a base, an optional
 * shape mark and an optional tone. Anything that is not a Vietnamese
 * syllable (other marks, two tones, letters outside a-z and đ) is left as
 * it is. */

enum { TONE_MAX_LETTERS = 16 };

typedef struct {
    int32_t base;  /* lower or upper case as written */
    int32_t shape; /* U+0302, U+0306, U+031B or 0 */
    int32_t tone;  /* U+0300, U+0301, U+0303, U+0309, U+0323 or 0 */
} tone_letter_t;

static int is_tone_mark(int32_t c) {
    return c == 0x300 || c == 0x301 || c == 0x303 || c == 0x309 || c == 0x323;
}

static int is_shape_mark(int32_t c) {
    return c == 0x302 || c == 0x306 || c == 0x31B;
}

static int is_vowel_base(int32_t c) {
    switch (c | 0x20) {
    case 'a':
    case 'e':
    case 'i':
    case 'o':
    case 'u':
    case 'y':
        return c < 0x80;
    default:
        return 0;
    }
}

/* Where the tone of the syllable letters[0..n) belongs, or -1. */
static int tone_target(const tone_letter_t *l, int n) {
    int v = 0;
    while (v < n && !is_vowel_base(l[v].base))
        v++;
    if (v == n)
        return -1;
    /* qu-, gi- + vowel: the u / i is part of the onset. */
    if (v == 1 && v + 1 < n && is_vowel_base(l[v + 1].base)) {
        int32_t c0 = l[0].base | 0x20, c1 = l[1].base | 0x20;
        if ((c0 == 'q' && c1 == 'u' && l[1].shape == 0) ||
            (c0 == 'g' && c1 == 'i'))
            v++;
    }
    int end = v;
    while (end < n && is_vowel_base(l[end].base))
        end++;
    for (int k = end; k < n; k++)
        if (is_vowel_base(l[k].base))
            return -1; /* two nuclei: not one syllable */
    int len = end - v;
    for (int k = end - 1; k >= v; k--)
        if (l[k].shape)
            return k;
    if (end < n)
        return end - 1;
    if (len >= 3)
        return v + 1;
    return v;
}

/* Appends the NFC form of the letter run cps[0..n) (NFD, case as wanted)
 * with its tone moved to the canonical vowel. */
static void emit_run(vj_buf_t *b, const int32_t *cps, size_t n) {
    tone_letter_t l[TONE_MAX_LETTERS];
    int count = 0, tones = 0, tone_at = -1, ok = 1;
    for (size_t i = 0; i < n && ok; i++) {
        int32_t c = cps[i];
        if (is_tone_mark(c) || is_shape_mark(c)) {
            if (count == 0) {
                ok = 0;
            } else if (is_tone_mark(c)) {
                if (l[count - 1].tone)
                    ok = 0;
                l[count - 1].tone = c;
                tones++;
                tone_at = count - 1;
            } else {
                if (l[count - 1].shape)
                    ok = 0;
                l[count - 1].shape = c;
            }
        } else if (count < TONE_MAX_LETTERS &&
                   ((c < 0x80 && text_cp_is_letter(c)) || c == 0x111 ||
                    c == 0x110)) {
            l[count++] = (tone_letter_t){c, 0, 0};
        } else {
            ok = 0;
        }
    }
    int target = ok && tones == 1 ? tone_target(l, count) : -1;
    int32_t buf[TONE_MAX_LETTERS * 3];
    const int32_t *src = cps;
    utf8proc_ssize_t m = (utf8proc_ssize_t)n;
    int32_t *heap = NULL;
    if (target >= 0 && target != tone_at) {
        int32_t tone = l[tone_at].tone;
        l[tone_at].tone = 0;
        l[target].tone = tone;
        m = 0;
        /* canonical order: horn (216), dot below (220), then class 230 */
        for (int k = 0; k < count; k++) {
            buf[m++] = l[k].base;
            if (l[k].shape == 0x31B)
                buf[m++] = 0x31B;
            if (l[k].tone == 0x323)
                buf[m++] = 0x323;
            if (l[k].shape && l[k].shape != 0x31B)
                buf[m++] = l[k].shape;
            if (l[k].tone && l[k].tone != 0x323)
                buf[m++] = l[k].tone;
        }
        src = buf;
    }
    heap = vj_malloc(((size_t)m + 1) * sizeof *heap);
    memcpy(heap, src, (size_t)m * sizeof *heap);
    m = utf8proc_normalize_utf32(heap, m, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
    for (utf8proc_ssize_t k = 0; k < m; k++) {
        char enc[4];
        vj_buf_append(b, enc, text_utf8_encode(heap[k], enc));
    }
    free(heap);
}

/* Shared by text_tone_canon() and text_exact(): NFD runs of letters and
 * marks go through emit_run(), everything else is copied. */
static int canon(const char *s, size_t len, int lower, char **out,
                 size_t *out_len) {
    if (text_utf8_validate(s, len, NULL) != 0)
        return VJ_EILSEQ;
    vj_buf_t b;
    vj_buf_init(&b);
    int32_t *run = NULL;
    size_t run_len = 0, run_cap = 0, i = 0;
    while (1) {
        int32_t cp = i < len ? text_utf8_next(s, len, &i) : -1;
        utf8proc_int32_t dec[8];
        utf8proc_ssize_t n = 0;
        int last;
        if (cp >= 0) {
            n = utf8proc_decompose_char(cp, dec, 8, UTF8PROC_DECOMPOSE, &last);
            if (n < 0 || n > 8) {
                dec[0] = cp;
                n = 1;
            }
        }
        int word =
            cp >= 0 && (text_cp_is_letter(dec[0]) ||
                        (run_len > 0 &&
                         utf8proc_category(dec[0]) >= UTF8PROC_CATEGORY_MN &&
                         utf8proc_category(dec[0]) <= UTF8PROC_CATEGORY_ME));
        if (!word && run_len > 0) {
            emit_run(&b, run, run_len);
            run_len = 0;
        }
        if (cp < 0)
            break;
        for (utf8proc_ssize_t k = 0; k < n; k++) {
            int32_t c = lower ? utf8proc_tolower(dec[k]) : dec[k];
            if (word) {
                if (run_len == run_cap) {
                    run_cap = run_cap ? run_cap * 2 : 32;
                    run = vj_realloc(run, run_cap * sizeof *run);
                }
                run[run_len++] = c;
            } else {
                char enc[4];
                vj_buf_append(&b, enc, text_utf8_encode(c, enc));
            }
        }
    }
    free(run);
    /* Non-letters were copied decomposed: compose the whole once more. */
    char *nfc;
    size_t nfc_len;
    int rc = text_nfc(b.data, b.len, &nfc, &nfc_len);
    vj_buf_free(&b);
    if (rc != 0)
        return rc;
    *out = nfc;
    *out_len = nfc_len;
    return 0;
}

int text_tone_canon(const char *s, size_t len, char **out, size_t *out_len) {
    return canon(s, len, 0, out, out_len);
}

int text_exact(const char *s, size_t len, char **out, size_t *out_len) {
    return canon(s, len, 1, out, out_len);
}
