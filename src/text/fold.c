/* fold.c - the folded form of text: lower case, no tone or other marks,
 * đ -> d. "Hà Nội", "HA NOI", NFD "Hà Nội" and "ha noi" all fold to
 * "ha noi". Used to match what users type against the corpus. */
#include "vjcorpus/common.h"
#include "vjcorpus/text.h"

#include <stdlib.h>
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
