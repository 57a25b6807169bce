/* normalize.c - Unicode normalisation form C.
 *
 * text_nfc() validates with our own strict validator (utf8proc accepts
 * things we do not, such as NUL) and composes with utf8proc_map(COMPOSE |
 * STABLE). Most of the corpus is already NFC, so a quick check runs first:
 * a string made only of code points that cannot change under NFC (no
 * combining class, cannot combine with a preceding character, and either no
 * canonical decomposition or a precomposed Latin letter that recomposes to
 * itself) is copied as is. That keeps loading Vietnamese text, whose
 * precomposed letters all live in the Latin blocks, cheap. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "vjcorpus/common.h"
#include "vjcorpus/text.h"

/* Whether cp is certainly unchanged by NFC in any context. */
static int nfc_stable(int32_t cp) {
    if (cp < 0x300)
        return 1; /* ASCII, Latin-1, Latin Extended-A/B, IPA, modifiers */
    if ((cp >= 0x1E00 && cp <= 0x1EFF) || (cp >= 0x2010 && cp <= 0x206F))
        return 1; /* precomposed Latin letters; general punctuation */
    if (cp >= 0x1100 && cp <= 0x11FF)
        return 0; /* conjoining jamo compose algorithmically */
    const utf8proc_property_t *p = utf8proc_get_property(cp);
    if (p->combining_class != 0 || p->comp_exclusion)
        return 0;
    if (p->comb_index != UINT16_MAX && p->comb_index >= 0x8000)
        return 0; /* can combine with the character before it */
    if (p->decomp_seqindex != UINT16_MAX && p->decomp_type == 0)
        return cp >= 0x1E00 && cp <= 0x1EFF; /* Latin Extended Additional */
    return 1;
}

int text_nfc(const char *s, size_t len, char **out, size_t *out_len) {
    size_t bad;

    assert(s != NULL || len == 0);
    if (text_utf8_validate(s, len, &bad) != 0)
        return VJ_EILSEQ;

    size_t i = 0;
    int stable = 1;
    while (i < len) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        if (!nfc_stable(text_utf8_next(s, len, &i))) {
            stable = 0;
            break;
        }
    }
    if (stable) {
        *out = vj_strndup(s, len);
        *out_len = len;
        return 0;
    }

    utf8proc_uint8_t *dst = NULL;
    utf8proc_ssize_t n =
        utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &dst,
                     (utf8proc_option_t)(UTF8PROC_COMPOSE | UTF8PROC_STABLE));
    if (n < 0) {
        if (n == UTF8PROC_ERROR_NOMEM) {
            /* Allocation failure aborts everywhere else too (common.h). */
            fprintf(stderr, "vjcorpus: out of memory in utf8proc_map\n");
            abort();
        }
        return VJ_EILSEQ;
    }
    *out = vj_strndup((const char *)dst, (size_t)n);
    *out_len = (size_t)n;
    free(dst);
    return 0;
}
