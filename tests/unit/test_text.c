/* test_text.c - the text module: strict UTF-8 validation, decoding and
 * encoding, NFC and character classes. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "vjcorpus/common.h"
#include "vjcorpus/text.h"

static int valid(const char *s, size_t len, size_t *bad) {
    return text_utf8_validate(s, len, bad);
}

Test(text, validate_accepts_well_formed) {
    const char *s = "Hà Nội – “Việt Nam” 日本 😀";
    cr_assert_eq(valid(s, strlen(s), NULL), 0);
    cr_assert_eq(valid("", 0, NULL), 0);
    /* Boundaries: U+007F, U+0080, U+07FF, U+0800, U+FFFF, U+10000,
     * U+10FFFF. */
    const char *b = "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF"
                    "\xF0\x90\x80\x80\xF4\x8F\xBF\xBF";
    cr_assert_eq(valid(b, strlen(b), NULL), 0);
}

Test(text, validate_rejects_overlongs) {
    size_t bad = 99;
    cr_assert_eq(valid("ab\xC0\xAF", 4, &bad), VJ_EILSEQ);
    cr_assert_eq(bad, 2);
    cr_assert_eq(valid("\xC1\xBF", 2, NULL), VJ_EILSEQ);
    cr_assert_eq(valid("\xE0\x80\xAF", 3, NULL), VJ_EILSEQ);
    cr_assert_eq(valid("\xE0\x9F\xBF", 3, NULL), VJ_EILSEQ);
    cr_assert_eq(valid("\xF0\x80\x80\xAF", 4, NULL), VJ_EILSEQ);
    cr_assert_eq(valid("\xF0\x8F\xBF\xBF", 4, NULL), VJ_EILSEQ);
}

Test(text, validate_rejects_surrogates) {
    size_t bad = 99;
    cr_assert_eq(valid("x\xED\xA0\x80", 4, &bad), VJ_EILSEQ); /* U+D800 */
    cr_assert_eq(bad, 1);
    cr_assert_eq(valid("\xED\xBF\xBF", 3, NULL), VJ_EILSEQ); /* U+DFFF */
    cr_assert_eq(valid("\xED\x9F\xBF", 3, NULL), 0);         /* U+D7FF */
}

Test(text, validate_rejects_above_max_code_point) {
    cr_assert_eq(valid("\xF4\x90\x80\x80", 4, NULL), VJ_EILSEQ);
    cr_assert_eq(valid("\xF5\x80\x80\x80", 4, NULL), VJ_EILSEQ);
    cr_assert_eq(valid("\xFF", 1, NULL), VJ_EILSEQ);
    cr_assert_eq(valid("\xF4\x8F\xBF\xBF", 4, NULL), 0);
}

Test(text, validate_rejects_truncated_and_stray) {
    size_t bad = 99;
    cr_assert_eq(valid("abc\xE1\xBB", 5, &bad), VJ_EILSEQ);
    cr_assert_eq(bad, 3);
    cr_assert_eq(valid("\xC3", 1, NULL), VJ_EILSEQ);
    cr_assert_eq(valid("\x80", 1, NULL), VJ_EILSEQ);
    cr_assert_eq(valid("\xE1\x41\x80", 3, NULL), VJ_EILSEQ);
    /* A sequence cut by the length, not by a NUL. */
    cr_assert_eq(valid("\xE1\xBB\x87", 2, NULL), VJ_EILSEQ);
}

Test(text, validate_rejects_nul) {
    size_t bad = 99;
    cr_assert_eq(valid("ab\0cd", 5, &bad), VJ_EILSEQ);
    cr_assert_eq(bad, 2);
}

Test(text, next_decodes_and_stops) {
    const char *s = "aệ😀";
    size_t len = strlen(s), i = 0;
    cr_assert_eq(text_utf8_next(s, len, &i), 'a');
    cr_assert_eq(text_utf8_next(s, len, &i), 0x1EC7);
    cr_assert_eq(text_utf8_next(s, len, &i), 0x1F600);
    cr_assert_eq(i, len);
    cr_assert_eq(text_utf8_next(s, len, &i), -1);
    /* Bad input costs a U+FFFD and one byte, never a crash. */
    i = 0;
    cr_assert_eq(text_utf8_next("\xE1\xBB", 2, &i), 0xFFFD);
    cr_assert_eq(i, 1);
}

Test(text, encode_round_trips) {
    const int32_t cps[] = {0x41,   0xE0,   0x7FF,   0x800,
                           0x1EC7, 0xFFFF, 0x10000, 0x10FFFF};
    for (size_t k = 0; k < VJ_ARRAY_SIZE(cps); k++) {
        char buf[4];
        size_t n = text_utf8_encode(cps[k], buf), i = 0;
        cr_assert_eq(valid(buf, n, NULL), 0);
        cr_assert_eq(text_utf8_next(buf, n, &i), cps[k]);
        cr_assert_eq(i, n);
    }
    char buf[4];
    cr_assert_eq(text_utf8_encode(0xD800, buf), 3); /* becomes U+FFFD */
    cr_assert_eq(memcmp(buf, "\xEF\xBF\xBD", 3), 0);
}

Test(text, count_code_points) {
    cr_assert_eq(text_utf8_count("", 0), 0);
    cr_assert_eq(text_utf8_count("abc", 3), 3);
    const char *s = "Hà Nội";
    cr_assert_eq(text_utf8_count(s, strlen(s)), 6);
    const char *e = "😀x";
    cr_assert_eq(text_utf8_count(e, strlen(e)), 2);
}

Test(text, nfc_composes_decomposed_vietnamese) {
    /* "Hà Nội" in NFD: a + U+0300, o + U+0323 + U+0302. */
    const char *nfd = "Ha\xCC\x80 No\xCC\xA3\xCC\x82i";
    char *out;
    size_t len;
    cr_assert_eq(text_nfc(nfd, strlen(nfd), &out, &len), 0);
    cr_assert_str_eq(out, "Hà Nội");
    cr_assert_eq(len, strlen("Hà Nội"));
    free(out);
}

Test(text, nfc_keeps_nfc_and_orders_marks) {
    char *out;
    size_t len;
    const char *s = "Việt Nam – Nhật Bản";
    cr_assert_eq(text_nfc(s, strlen(s), &out, &len), 0);
    cr_assert_str_eq(out, s);
    free(out);
    /* The two marks of "ộ" in the other order compose the same. */
    const char *t = "o\xCC\x82\xCC\xA3";
    cr_assert_eq(text_nfc(t, strlen(t), &out, &len), 0);
    cr_assert_str_eq(out, "ộ");
    free(out);
    /* A singleton (OHM SIGN) and an empty string. */
    cr_assert_eq(text_nfc("\xE2\x84\xA6", 3, &out, &len), 0);
    cr_assert_str_eq(out, "\xCE\xA9");
    free(out);
    cr_assert_eq(text_nfc("", 0, &out, &len), 0);
    cr_assert_eq(len, 0);
    free(out);
}

Test(text, nfc_rejects_invalid) {
    char *out = NULL;
    size_t len;
    cr_assert_eq(text_nfc("a\xFF", 2, &out, &len), VJ_EILSEQ);
    cr_assert_null(out);
}

Test(text, nfc_fast_path_matches_latin_blocks) {
    /* Every precomposed Latin letter is its own NFC. */
    for (int32_t cp = 0xC0; cp <= 0x24F; cp++) {
        char buf[4], *out;
        size_t n = text_utf8_encode(cp, buf), len;
        cr_assert_eq(text_nfc(buf, n, &out, &len), 0);
        cr_assert(len == n && memcmp(out, buf, n) == 0, "U+%04X", cp);
        free(out);
    }
    for (int32_t cp = 0x1E00; cp <= 0x1EFF; cp++) {
        char buf[4], *out;
        size_t n = text_utf8_encode(cp, buf), len;
        cr_assert_eq(text_nfc(buf, n, &out, &len), 0);
        cr_assert(len == n && memcmp(out, buf, n) == 0, "U+%04X", cp);
        free(out);
    }
}

Test(text, classes) {
    cr_assert(text_cp_is_letter('a'));
    cr_assert(text_cp_is_letter(0x0110)); /* Đ */
    cr_assert(text_cp_is_letter(0x1EC7)); /* ệ */
    cr_assert(text_cp_is_letter(0x65E5)); /* 日 */
    cr_assert_not(text_cp_is_letter('1'));
    cr_assert_not(text_cp_is_letter(0x0300)); /* a mark, not a letter */
    cr_assert_not(text_cp_is_letter(-1));
    cr_assert_not(text_cp_is_letter(0x110000));

    cr_assert(text_cp_is_upper('A'));
    cr_assert(text_cp_is_upper(0x0110));     /* Đ */
    cr_assert(text_cp_is_upper(0x1EA2));     /* Ả */
    cr_assert_not(text_cp_is_upper(0x0111)); /* đ */
    cr_assert_not(text_cp_is_upper('1'));

    cr_assert(text_cp_is_digit('7'));
    cr_assert(text_cp_is_digit(0x0663)); /* Arabic-Indic three */
    cr_assert_not(text_cp_is_digit('x'));
    cr_assert_not(text_cp_is_digit(0x00B2)); /* superscript two: No */

    cr_assert(text_cp_is_space(' '));
    cr_assert(text_cp_is_space('\t'));
    cr_assert(text_cp_is_space('\n'));
    cr_assert(text_cp_is_space('\r'));
    cr_assert(text_cp_is_space(0x00A0));
    cr_assert(text_cp_is_space(0x3000));
    cr_assert(text_cp_is_space(0xFEFF));
    cr_assert_not(text_cp_is_space('x'));
    cr_assert_not(text_cp_is_space(0x200B)); /* Cf, not Zs */
}

static void assert_fold(const char *in, const char *want) {
    char *out;
    size_t n;
    cr_assert_eq(text_fold(in, strlen(in), &out, &n), 0, "%s", in);
    cr_assert_str_eq(out, want, "fold(%s)", in);
    cr_assert_eq(n, strlen(want));
    free(out);
}

Test(text, fold_removes_case_tones_and_d_stroke) {
    assert_fold("Hà Nội", "ha noi");
    assert_fold("HÀ NỘI", "ha noi");
    assert_fold("Ha\xcc\x80 No\xcc\xa3\xcc\x82i", "ha noi"); /* NFD */
    assert_fold("Điện gió Đà Nẵng", "dien gio da nang");
    assert_fold("hoà hòa", "hoa hoa");
    assert_fold("LOTUSat-1", "lotusat-1");
    assert_fold("", "");
    char *out;
    size_t n;
    cr_assert_eq(text_fold("\xff", 1, &out, &n), VJ_EILSEQ);
}
