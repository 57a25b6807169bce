/* test_common.c - the buffer, error strings and file reading. */
#include "vjcorpus/common.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

Test(common, buf_grows_and_stays_terminated) {
    vj_buf_t b;
    vj_buf_init(&b);
    for (int i = 0; i < 1000; i++)
        vj_buf_printf(&b, "%d,", i);
    cr_assert_eq(strlen(b.data), b.len);
    cr_assert(strncmp(b.data, "0,1,2,", 6) == 0);
    cr_assert(strstr(b.data, "999,") != NULL);
    size_t len;
    char *s = vj_buf_steal(&b, &len);
    cr_assert_eq(strlen(s), len);
    cr_assert_eq(b.len, 0);
    free(s);
    vj_buf_free(&b);
}

Test(common, strerror_names_every_code) {
    cr_assert_str_eq(vj_strerror(0), "success");
    cr_assert_str_eq(vj_strerror(VJ_EILSEQ), "invalid UTF-8");
    cr_assert_str_eq(vj_strerror(-9999), "unknown error");
}

Test(common, file_read_limits) {
    char *data;
    size_t len;
    cr_assert_eq(vj_file_read("data/corpus/manifest.json", 1 << 20, &data,
                              &len),
                 0);
    cr_assert_gt(len, 100);
    cr_assert_eq(data[len], '\0');
    free(data);
    cr_assert_eq(vj_file_read("data/corpus/manifest.json", 10, &data, &len),
                 VJ_ETOOBIG);
    cr_assert_eq(vj_file_read("no/such/file", 10, &data, &len), VJ_ENOENT);
}

Test(common, hash_is_stable) {
    cr_assert_eq(vj_hash64(VJ_HASH_INIT, "", 0), VJ_HASH_INIT);
    cr_assert_eq(vj_hash64(VJ_HASH_INIT, "a", 1), 0xaf63dc4c8601ec8cULL);
}

Test(common, calendar_days_round_trip) {
    cr_assert_eq(vj_days_in_month(2024, 2), 29);
    cr_assert_eq(vj_days_in_month(2025, 2), 28);
    cr_assert_eq(vj_days_in_month(1900, 2), 28);
    cr_assert_eq(vj_days_in_month(2000, 2), 29);
    cr_assert_eq(vj_days_in_month(2025, 13), 0);
    cr_assert_eq(vj_days_from_civil(1970, 1, 1), 0);
    cr_assert_eq(vj_days_from_civil(2000, 3, 1), 11017);
    for (int64_t z = -800000; z < 800000; z += 997) {
        int y, m, d;
        vj_civil_from_days(z, &y, &m, &d);
        cr_assert(m >= 1 && m <= 12 && d >= 1 &&
                  d <= vj_days_in_month(y, m));
        cr_assert_eq(vj_days_from_civil(y, m, d), z);
    }
}
