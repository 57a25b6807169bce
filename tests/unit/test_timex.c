/* test_timex.c - the temporal tagger (src/extract/timex.c) and the date
 * objects (src/extract/date.c): every expression form of DESIGN §4 and
 * issue 3, the "never a date" list, relative resolution across year ends,
 * tense-driven years for bare dates, durations, formatting and ISO filter
 * ranges, and a run over every sentence of data/corpus. Run from the
 * repository root (the lexicon is read from data/lexicon). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/extract/calendar.h"
#include "../../src/extract/internal.h"
#include "vjcorpus/common.h"
#include "vjcorpus/extract.h"
#include "vjcorpus/text.h"

static extract__timex_lex_t *tlex;
static struct extract_lexicon lex;

static void lex_setup(void) {
    cr_assert_eq(extract__timex_lex_load("data/lexicon", NULL, NULL, &tlex), 0,
                 "cannot load data/lexicon/temporal.tsv (run from the root)");
    lex.timex = tlex;
}

static void lex_teardown(void) {
    extract__timex_lex_free(tlex);
    tlex = NULL;
}

TestSuite(timex, .init = lex_setup, .fini = lex_teardown);

/* "2025-11-28", "2025-05", "2025", "" (unknown). */
static corpus_date_t mkref(const char *iso) {
    corpus_date_t r;
    memset(&r, 0, sizeof r);
    int n = sscanf(iso, "%d-%d-%d", &r.year, &r.month, &r.day);
    r.precision = n == 3   ? CORPUS_PREC_DAY
                  : n == 2 ? CORPUS_PREC_MONTH
                  : n == 1 ? CORPUS_PREC_YEAR
                           : CORPUS_PREC_NONE;
    if (n < 3)
        r.day = 0;
    if (n < 2)
        r.month = 0;
    if (n < 1)
        r.year = 0;
    snprintf(r.iso, sizeof r.iso, "%s", iso);
    return r;
}

static size_t find(const char *s, const char *ref, extract_timex_t **out) {
    corpus_date_t r = mkref(ref);
    return extract_timex_find(&lex, s, strlen(s), &r, out);
}

enum {
    D = EXTRACT_TIMEX_DATE,
    U = EXTRACT_TIMEX_UNRESOLVED,
    DUR = EXTRACT_TIMEX_DURATION
};
enum { P_DAY = EXTRACT_PREC_DAY, P_WEEK, P_MONTH, P_QUARTER, P_YEAR };
enum { T_ANY = -1, T_NONE = 0, T_PAST, T_FUT };

typedef struct {
    const char *text, *ref; /* sentence, publication date */
    const char *span;       /* the expression as it appears */
    int kind;
    const char *start, *end; /* extract_date_format output (DATE only) */
    int prec, mod;
    int relative, range, target;
    int tense; /* T_ANY: not checked */
} row_t;

static const row_t rows[] = {
    /* --- full and partial dates --- */
    {"Hai Thủ tướng đã có cuộc hội đàm cấp cao vào ngày 28/4/2025 tại Hà Nội.",
     "2025-05", "ngày 28/4/2025", D, "2025-04-28", "2025-04-28", P_DAY, 0, 0, 0,
     0, T_PAST},
    {"Hai nước thiết lập quan hệ ngoại giao vào ngày 21/9/1973.", "2023-11-27",
     "ngày 21/9/1973", D, "1973-09-21", "1973-09-21", P_DAY, 0, 0, 0, 0, T_ANY},
    {"Quan hệ ngoại giao thiết lập 21/9/1973 đến nay.", "2023-11-27",
     "21/9/1973", D, "1973-09-21", "1973-09-21", P_DAY, 0, 0, 0, 0, T_ANY},
    {"Cập nhật lúc 26.11.2023 theo giờ Hà Nội.", "2023-11-26", "26.11.2023", D,
     "2023-11-26", "2023-11-26", P_DAY, 0, 0, 0, 0, T_ANY},
    {"Hội nghị khai mạc ngày 16-1 tại Tokyo.", "2025-11-28", "ngày 16-1", D,
     "2026-01-16", "2026-01-16", P_DAY, 0, 1, 0, 0, T_ANY},
    {"Hội nghị đã khai mạc sáng 16-1 tại Tokyo.", "2026-02-03", "16-1", D,
     "2026-01-16", "2026-01-16", P_DAY, 0, 1, 0, 0, T_PAST},
    {"Lễ ký diễn ra ngày 16-1-2024 tại Tokyo.", "2025-11-28", "ngày 16-1-2024",
     D, "2024-01-16", "2024-01-16", P_DAY, 0, 0, 0, 0, T_ANY},
    {"Chủ tịch nước thăm chính thức Nhật Bản ngày 27-30/11.", "2023-11-27",
     "ngày 27-30/11", D, "2023-11-27", "2023-11-30", P_DAY, 0, 1, 1, 0, T_ANY},
    {"Ngày 24-25/11, Diễn đàn hợp tác địa phương Việt - Nhật đã được tổ "
     "chức tại tỉnh Quảng Ninh.",
     "2025-11-28", "Ngày 24-25/11", D, "2025-11-24", "2025-11-25", P_DAY, 0, 1,
     1, 0, T_PAST},
    {"Thủ tướng thăm Việt Nam từ ngày 27- 29/4/2025, hai bên ra tuyên bố.",
     "2025-05", "ngày 27- 29/4/2025", D, "2025-04-27", "2025-04-29", P_DAY, 0,
     0, 1, 0, T_ANY},
    {"Chuyến thăm diễn ra từ ngày 27 đến ngày 29/4/2025.", "2025-05",
     "ngày 27 đến ngày 29/4/2025", D, "2025-04-27", "2025-04-29", P_DAY, 0, 0,
     1, 0, T_ANY},
    {"Tổ chức thành công Ngày Việt Nam (9/9) trong khuôn khổ sự kiện.",
     "2025-05", "9/9", D, "2025-09-09", "2025-09-09", P_DAY, 0, 1, 0, 0, T_ANY},
    {"Áp dụng mô hình chính quyền địa phương hai cấp từ 1/7.", "2025-11-25",
     "1/7", D, "2025-07-01", "2025-07-01", P_DAY, 0, 1, 0, 0, T_ANY},
    {"Đó là ngày 29 tháng 10 năm 1999, một ngày đáng nhớ.", "2025-11-28",
     "ngày 29 tháng 10 năm 1999", D, "1999-10-29", "1999-10-29", P_DAY, 0, 0, 0,
     0, T_ANY},
    {"Sự kiện ngày 27 tháng 11 năm nay thu hút nhiều người.", "2025-11-28",
     "ngày 27 tháng 11 năm nay", D, "2025-11-27", "2025-11-27", P_DAY, 0, 1, 0,
     0, T_ANY},
    {"13:54, 26/11/2023", "2023-11-26", "13:54, 26/11/2023", D, "2023-11-26",
     "2023-11-26", P_DAY, 0, 0, 0, 0, T_ANY},
    {"Thứ Năm (27/11), Đại sứ gặp gỡ báo chí.", "2025-11-28", "Thứ Năm (27/11)",
     D, "2025-11-27", "2025-11-27", P_DAY, 0, 1, 0, 0, T_ANY},
    {"Thứ Hai tuần trước, hai bên đã họp.", "2025-11-28", "Thứ Hai tuần trước",
     D, "2025-11-17", "2025-11-17", P_DAY, 0, 1, 0, 0, T_ANY},
    {"Hôm 20/11, đoàn đã tới Tokyo.", "2025-11-28", "20/11", D, "2025-11-20",
     "2025-11-20", P_DAY, 0, 1, 0, 0, T_PAST},
    {"Hôm thứ Ba, hai bên đã ký thỏa thuận.", "2025-11-28", "thứ Ba", D,
     "2025-11-25", "2025-11-25", P_DAY, 0, 1, 0, 0, T_PAST},
    {"Vào thứ Hai, đoàn sẽ tới Osaka.", "2025-11-28", "thứ Hai", D,
     "2025-12-01", "2025-12-01", P_DAY, 0, 1, 0, 0, T_FUT},
    /* --- months, quarters, years, periods --- */
    {"Hai bên nâng cấp quan hệ vào tháng 11/2023, đồng thời nhất trí.",
     "2025-05", "tháng 11/2023", D, "2023-11", "2023-11", P_MONTH, 0, 0, 0, 0,
     T_ANY},
    {"Chuyến thăm chính thức của Thủ tướng Nhật Bản tháng 4/2025.",
     "2025-11-25", "tháng 4/2025", D, "2025-04", "2025-04", P_MONTH, 0, 0, 0, 0,
     T_ANY},
    {"Tuyến Metro số 1 khánh thành vào tháng 12 năm ngoái.", "2025-11-28",
     "tháng 12 năm ngoái", D, "2024-12", "2024-12", P_MONTH, 0, 1, 0, 0,
     T_PAST},
    {"Thủ tướng Ishiba Shigeru hồi tháng 4 năm nay.", "2025-11-25",
     "tháng 4 năm nay", D, "2025-04", "2025-04", P_MONTH, 0, 1, 0, 0, T_PAST},
    {"Trong tháng 12 tới, Nhật Bản và Việt Nam sẽ tổ chức hội nghị.",
     "2025-11-28", "tháng 12 tới", D, "2025-12", "2025-12", P_MONTH, 0, 1, 0, 0,
     T_FUT},
    {"Trước đó, vào tháng 4, cựu Thủ tướng Ishiba Shigeru đã đến thăm.",
     "2025-11-28", "tháng 4", D, "2025-04", "2025-04", P_MONTH, 0, 1, 0, 0,
     T_PAST},
    {"Vào tháng 3, tàu Hải quân Nhật Bản đã cập cảng Đà Nẵng.", "2025-11-28",
     "tháng 3", D, "2025-03", "2025-03", P_MONTH, 0, 1, 0, 0, T_PAST},
    {"Vào tháng 3, tàu Hải quân Nhật Bản sẽ cập cảng Đà Nẵng.", "2025-11-28",
     "tháng 3", D, "2026-03", "2026-03", P_MONTH, 0, 1, 0, 0, T_FUT},
    {"Vào tháng 3 và tháng 8 năm nay, Thủ tướng đã thăm Nhật Bản.",
     "2025-11-28", "tháng 3", D, "2025-03", "2025-03", P_MONTH, 0, 1, 0, 0,
     T_ANY},
    {"Vào tháng 3 và tháng 8 năm nay, Thủ tướng đã thăm Nhật Bản.",
     "2025-11-28", "tháng 8 năm nay", D, "2025-08", "2025-08", P_MONTH, 0, 1, 0,
     0, T_ANY},
    {"Tăng trưởng quý I/2025 đạt 7%.", "2025-11-28", "quý I/2025", D, "2025-01",
     "2025-03", P_QUARTER, 0, 0, 0, 0, T_ANY},
    {"Số liệu quý 3 năm 2011 cho thấy.", "2025-11-28", "quý 3 năm 2011", D,
     "2011-07", "2011-09", P_QUARTER, 0, 0, 0, 0, T_ANY},
    {"Doanh thu quý IV năm nay tăng.", "2025-11-28", "quý IV năm nay", D,
     "2025-10", "2025-12", P_QUARTER, 0, 1, 0, 0, T_ANY},
    {"Vào năm 2014, hai nước xác lập quan hệ.", "2023-11-27", "năm 2014", D,
     "2014", "2014", P_YEAR, 0, 0, 0, 0, T_ANY},
    {"Hai bên họp ủy ban hỗn hợp vào năm 2026.", "2025-05", "năm 2026", D,
     "2026", "2026", P_YEAR, 0, 0, 0, 0, T_ANY},
    {"Năm 2023, hai nước kỷ niệm 50 năm quan hệ ngoại giao.", "2023-11-26",
     "Năm 2023", D, "2023", "2023", P_YEAR, 0, 0, 0, 0, T_ANY},
    {"Xây dựng trường trong năm tài chính 2026.", "2025-05",
     "năm tài chính 2026", D, "2026", "2026", P_YEAR, EXTRACT_MOD_FISCAL, 0, 0,
     0, T_ANY},
    {"Khoản vay năm tài khóa 2010 được ký.", "2025-05", "năm tài khóa 2010", D,
     "2010", "2010", P_YEAR, EXTRACT_MOD_FISCAL, 0, 0, 0, T_ANY},
    {"Khoản vay năm tài khoá 2010 được ký.", "2025-05", "năm tài khoá 2010", D,
     "2010", "2010", P_YEAR, EXTRACT_MOD_FISCAL, 0, 0, 0, T_ANY},
    {"Khai thác vệ tinh LOTUSat-1giai đoạn 2024-2029.", "2023-11-27",
     "giai đoạn 2024-2029", D, "2024", "2029", P_YEAR, 0, 0, 1, 0, T_ANY},
    {"Trong giai đoạn tháng 1-10 năm nay, kim ngạch đạt 42,5 tỷ USD.",
     "2025-11-28", "tháng 1-10 năm nay", D, "2025-01", "2025-10", P_MONTH, 0, 1,
     1, 0, T_ANY},
    {"Quan hệ Đối tác Chiến lược Toàn diện (11/2023-11/2025).", "2025-11-25",
     "11/2023-11/2025", D, "2023-11", "2025-11", P_MONTH, 0, 0, 1, 0, T_ANY},
    {"Đào tạo 50.000 chuyên gia bán dẫn đến năm 2030.", "2025-05", "năm 2030",
     D, "2030", "2030", P_YEAR, 0, 0, 0, 1, T_FUT},
    {"Đến hết năm 2025, Việt Nam dự kiến hoàn thành 3.245 km cao tốc.",
     "2025-11-25", "năm 2025", D, "2025", "2025", P_YEAR, 0, 0, 0, 1, T_FUT},
    {"Phấn đấu đến 2030, Việt Nam có 50.000 kỹ sư.", "2025-05", "2030", D,
     "2030", "2030", P_YEAR, 0, 0, 0, 1, T_FUT},
    {"Việt Nam đặt mục tiêu trở thành nước phát triển vào năm 2045.",
     "2023-11-27", "năm 2045", D, "2045", "2045", P_YEAR, 0, 0, 0, 1, T_ANY},
    {"Dự kiến tổ chức diễn đàn vào cuối năm 2025.", "2025-05", "cuối năm 2025",
     D, "2025", "2025", P_YEAR, EXTRACT_MOD_LATE, 0, 0, 0, T_FUT},
    {"Kế hoạch sẽ hoàn tất vào đầu năm.", "2025-05", "đầu năm", D, "2025",
     "2025", P_YEAR, EXTRACT_MOD_EARLY, 1, 0, 0, T_FUT},
    {"Báo cáo được công bố cuối năm.", "2025-05", "cuối năm", D, "2025", "2025",
     P_YEAR, EXTRACT_MOD_LATE, 1, 0, 0, T_ANY},
    {"Hội nghị diễn ra vào giữa tháng 12.", "2025-11-28", "giữa tháng 12", D,
     "2025-12", "2025-12", P_MONTH, EXTRACT_MOD_MID, 1, 0, 0, T_ANY},
    {"Dự án hoàn thành khoảng năm 2030.", "2025-05", "khoảng năm 2030", D,
     "2030", "2030", P_YEAR, EXTRACT_MOD_APPROX, 0, 0, 0, T_ANY},
    {"Từ năm 2024 đến năm 2029, chương trình kéo dài.", "2025-05",
     "năm 2024 đến năm 2029", D, "2024", "2029", P_YEAR, 0, 0, 1, 0, T_ANY},
    {"Giai đoạn từ tháng 3 đến tháng 5/2024 ghi nhận.", "2025-05",
     "tháng 3 đến tháng 5/2024", D, "2024-03", "2024-05", P_MONTH, 0, 0, 1, 0,
     T_ANY},
    /* --- relative --- */
    {"Trong cuộc hội đàm ở Phủ Thủ tướng Nhật Bản hôm nay, hai bên nhất trí.",
     "2023-11-27", "hôm nay", D, "2023-11-27", "2023-11-27", P_DAY, 0, 1, 0, 0,
     T_ANY},
    {"Hôm qua, đoàn đại biểu đã tới Tokyo.", "2025-11-28", "Hôm qua", D,
     "2025-11-27", "2025-11-27", P_DAY, 0, 1, 0, 0, T_PAST},
    {"Hôm qua, đoàn đại biểu đã tới Tokyo.", "2026-01-01", "Hôm qua", D,
     "2025-12-31", "2025-12-31", P_DAY, 0, 1, 0, 0, T_PAST},
    {"Ngày mai đoàn sẽ tới Osaka.", "2025-12-31", "Ngày mai", D, "2026-01-01",
     "2026-01-01", P_DAY, 0, 1, 0, 0, T_FUT},
    {"Tuần trước, tàu tuần tra đã cập cảng Tokyo.", "2025-11-28", "Tuần trước",
     D, "2025-11-17", "2025-11-23", P_WEEK, 0, 1, 0, 0, T_PAST},
    {"Tuần trước, tàu tuần tra đã cập cảng Tokyo.", "2026-01-02", "Tuần trước",
     D, "2025-12-22", "2025-12-28", P_WEEK, 0, 1, 0, 0, T_PAST},
    {"Tuần tới hai bên sẽ họp.", "2025-12-29", "Tuần tới", D, "2026-01-05",
     "2026-01-11", P_WEEK, 0, 1, 0, 0, T_FUT},
    {"Dự kiến trong cả năm nay, tổng số lượt đạt 1,5 triệu.", "2025-11-28",
     "năm nay", D, "2025", "2025", P_YEAR, 0, 1, 0, 0, T_ANY},
    {"Kim ngạch tăng 11% so với cùng kỳ năm ngoái.", "2025-11-28", "năm ngoái",
     D, "2024", "2024", P_YEAR, 0, 1, 0, 0, T_PAST},
    {"Trong năm tới, Lào sẽ dẫn dắt các nước ASEAN.", "2023-11-27", "năm tới",
     D, "2024", "2024", P_YEAR, 0, 1, 0, 0, T_FUT},
    {"Tháng trước, hai bên đã ký thỏa thuận.", "2026-01-10", "Tháng trước", D,
     "2025-12", "2025-12", P_MONTH, 0, 1, 0, 0, T_PAST},
    {"Quý tới, dự án sẽ khởi công.", "2025-11-28", "Quý tới", D, "2026-01",
     "2026-03", P_QUARTER, 0, 1, 0, 0, T_FUT},
    /* across year ends */
    {"Tuyến Metro số 1 khánh thành vào tháng 12 năm ngoái.", "2026-01-05",
     "tháng 12 năm ngoái", D, "2025-12", "2025-12", P_MONTH, 0, 1, 0, 0,
     T_PAST},
    {"Lễ ký kết diễn ra ngày 28/12 tại Hà Nội.", "2026-01-05", "ngày 28/12", D,
     "2025-12-28", "2025-12-28", P_DAY, 0, 1, 0, 0, T_ANY},
    {"Hội nghị sẽ diễn ra ngày 3/1 tại Tokyo.", "2025-12-20", "ngày 3/1", D,
     "2026-01-03", "2026-01-03", P_DAY, 0, 1, 0, 0, T_FUT},
    {"Hội chợ diễn ra từ ngày 28/12 đến ngày 3/1.", "2025-12-20",
     "ngày 28/12 đến ngày 3/1", D, "2025-12-28", "2026-01-03", P_DAY, 0, 1, 1,
     0, T_ANY},
    /* tense decides the year of a bare date */
    {"Ngày 20/5, đoàn đã thăm Osaka.", "2025-11-28", "Ngày 20/5", D,
     "2025-05-20", "2025-05-20", P_DAY, 0, 1, 0, 0, T_PAST},
    {"Ngày 20/5, đoàn sẽ thăm Osaka.", "2025-11-28", "Ngày 20/5", D,
     "2026-05-20", "2026-05-20", P_DAY, 0, 1, 0, 0, T_FUT},
    {"Dự kiến ngày 10/11 hai bên ký kết.", "2025-11-28", "ngày 10/11", D,
     "2026-11-10", "2026-11-10", P_DAY, 0, 1, 0, 0, T_FUT},
    {"Ngày 10/11 hai bên đã ký kết.", "2025-11-28", "Ngày 10/11", D,
     "2025-11-10", "2025-11-10", P_DAY, 0, 1, 0, 0, T_PAST},
    {"Ngày 29/2 hội nghị khai mạc.", "2025-03-10", "Ngày 29/2", D, "2024-02-29",
     "2024-02-29", P_DAY, 0, 1, 0, 0, T_ANY},
    /* a reference dated only to the year */
    {"Vào tháng 4, đoàn đã thăm Tokyo.", "2025", "tháng 4", D, "2025-04",
     "2025-04", P_MONTH, 0, 1, 0, 0, T_PAST},
    /* --- unresolved --- */
    {"Gần đây nhất, tại Hội nghị thượng đỉnh G20, hai bên hội đàm.",
     "2025-11-28", "Gần đây", U, NULL, NULL, 0, 0, 1, 0, 0, T_ANY},
    {"Hôm qua, đoàn đại biểu đã tới Tokyo.", "2025-05", "Hôm qua", U, NULL,
     NULL, 0, 0, 1, 0, 0, T_ANY},
    {"Tuần trước, tàu tuần tra đã cập cảng.", "2025-05", "Tuần trước", U, NULL,
     NULL, 0, 0, 1, 0, 0, T_ANY},
    {"Năm nay kim ngạch tăng mạnh.", "", "Năm nay", U, NULL, NULL, 0, 0, 1, 0,
     0, T_ANY},
    {"Ngày 24-25/11, diễn đàn được tổ chức.", "", "Ngày 24-25/11", U, NULL,
     NULL, 0, 0, 1, 1, 0, T_ANY},
    {"Tháng này hai bên họp.", "2025", "Tháng này", U, NULL, NULL, 0, 0, 1, 0,
     0, T_ANY},
    /* --- durations --- */
    {"Nhân kỷ niệm 2 năm thiết lập quan hệ.", "2025-11-28", "2 năm", DUR, NULL,
     NULL, 0, 0, 0, 0, 0, T_ANY},
    {"Sau 50 năm hai nước thiết lập quan hệ ngoại giao.", "2023-11-26",
     "50 năm", DUR, NULL, NULL, 0, 0, 0, 0, 0, T_ANY},
    {"Sau hơn 1 năm nâng cấp, quan hệ phát triển.", "2025-05", "hơn 1 năm", DUR,
     NULL, NULL, 0, 0, 0, 0, 0, T_ANY},
    {"Trong vòng 3 năm rưỡi tới, Nhật Bản sẽ hỗ trợ.", "2025-11-28",
     "3 năm rưỡi tới", DUR, NULL, NULL, 0, 0, 0, 0, 0, T_ANY},
    {"Doanh nghiệp mở rộng hoạt động trong 1-2 năm tới.", "2025-11-28",
     "1-2 năm tới", DUR, NULL, NULL, 0, 0, 0, 0, 0, T_ANY},
    {"Máy móc đã sử dụng trên 10 năm có thể gia hạn.", "2025-11-28",
     "trên 10 năm", DUR, NULL, NULL, 0, 0, 0, 0, 0, T_ANY},
    {"Khóa học kéo dài 6 tháng.", "2025-11-28", "6 tháng", DUR, NULL, NULL, 0,
     0, 0, 0, 0, T_ANY},
};

static const extract_timex_t *by_span(const char *s, extract_timex_t *t,
                                      size_t n, const char *span) {
    size_t len = strlen(span);
    for (size_t i = 0; i < n; i++)
        if (t[i].end - t[i].start == len &&
            memcmp(s + t[i].start, span, len) == 0)
            return &t[i];
    return NULL;
}

static void dump(const char *s, extract_timex_t *t, size_t n) {
    for (size_t i = 0; i < n; i++) {
        char a[11], b[11];
        extract_date_format(&t[i].date, a, b);
        cr_log_info("  [%.*s] kind %d %s..%s prec %d",
                    (int)(t[i].end - t[i].start), s + t[i].start, t[i].kind, a,
                    b, t[i].date.precision);
    }
}

Test(timex, expression_table) {
    for (size_t r = 0; r < VJ_ARRAY_SIZE(rows); r++) {
        const row_t *w = &rows[r];
        extract_timex_t *t;
        size_t n = find(w->text, w->ref, &t);
        const extract_timex_t *x = by_span(w->text, t, n, w->span);
        if (x == NULL)
            dump(w->text, t, n);
        cr_expect_not_null(x, "row %zu: '%s' not found in '%s' (ref %s)", r,
                           w->span, w->text, w->ref);
        if (x == NULL) {
            free(t);
            continue;
        }
        cr_expect_eq(x->kind, w->kind, "row %zu '%s': kind %d, want %d", r,
                     w->span, x->kind, w->kind);
        if (w->kind == D) {
            char a[11], b[11];
            extract_date_format(&x->date, a, b);
            cr_expect_str_eq(a, w->start, "row %zu '%s': start %s, want %s", r,
                             w->span, a, w->start);
            cr_expect_str_eq(b, w->end, "row %zu '%s': end %s, want %s", r,
                             w->span, b, w->end);
            cr_expect_eq((int)x->date.precision, w->prec,
                         "row %zu '%s': precision %d, want %d", r, w->span,
                         x->date.precision, w->prec);
            cr_expect_eq((int)x->date.mod, w->mod, "row %zu '%s': mod %d", r,
                         w->span, x->date.mod);
            cr_expect_eq(x->target, w->target, "row %zu '%s': target %d", r,
                         w->span, x->target);
        }
        if (w->kind != DUR)
            cr_expect_eq(x->relative, w->relative, "row %zu '%s': relative %d",
                         r, w->span, x->relative);
        cr_expect_eq(x->range, w->range, "row %zu '%s': range %d", r, w->span,
                     x->range);
        if (w->tense != T_ANY)
            cr_expect_eq((int)x->tense, w->tense, "row %zu '%s': tense %d", r,
                         w->span, x->tense);
        free(t);
    }
}

/* Each sentence holds something that is never a date. DURATION is allowed
 * where the row says so. */
static const struct {
    const char *text;
    int durations; /* how many durations it holds */
} never[] = {
    {"Tuyến Metro số 1 tại TP. Hồ Chí Minh đã vận hành.", 0},
    {"Hai bên thiết lập cơ chế Đối thoại 2+2 cấp Thứ trưởng.", 0},
    {"Tại Hội nghị thượng đỉnh G20 và G7, hai bên hội đàm.", 0},
    {"Vệ tinh LOTUSat-1 được phóng thành công.", 0},
    {"Dự án V1 – 2 và nhà máy nhiệt điện Ô Môn 4 được triển khai.", 0},
    {"Kim ngạch đạt 24,2 tỷ USD, tăng 42,5 so với trước.", 0},
    {"Hoàn thành 3.245 km đường bộ cao tốc và 1.700 km ven biển.", 0},
    {"Nhật Bản là đối tác thương mại lớn thứ 4 của Việt Nam.", 0},
    {"Hội nghị Bộ trưởng Mê Công – Nhật lần thứ 16 diễn ra tại Tokyo.", 0},
    {"(1) Hai Thủ tướng nhất trí tăng cường hợp tác.", 0},
    {"3. Dự án điện khí LNG Thái Bình.", 0},
    {"Dự án số 3 được phê duyệt theo Nghị định số 15/2025.", 0},
    {"Vốn đầu tư tăng 18% và xuất khẩu tăng 11,5%.", 0},
    {"Phía Nhật Bản có sự tham dự của 16 địa phương.", 0},
    {"Có 580.000 người Việt Nam đến Nhật Bản.", 0},
    {"Số khách tăng từ 2000 lên 3000 người, đến 2030 người.", 0},
    {"Hai bên xếp thứ hai, thứ Ba trong bảng.", 0},
    {"Mỗi địa phương xác định 1-2 lĩnh vực ưu tiên, đề xuất 2-3 sáng kiến.", 0},
    {"Thứ năm, hai bên trao đổi kinh nghiệm.", 0},
    {"Tỷ lệ 31/4 và 13/13 không phải ngày.", 0},
    {"Ngày 31/4 không tồn tại, ngày 29/2/2023 cũng không.", 0},
    {"Con số 99999999999999999999/12/2025 quá lớn.", 0},
    {"Sau 50 năm, hai nước là đối tác; 2 năm nâng cấp quan hệ.", 2},
    {"Chỉ sau hơn 1 năm, quan hệ được nâng cấp.", 1},
};

Test(timex, never_a_date) {
    for (size_t r = 0; r < VJ_ARRAY_SIZE(never); r++) {
        extract_timex_t *t;
        size_t n = find(never[r].text, "2025-11-28", &t);
        int dates = 0, durs = 0;
        for (size_t i = 0; i < n; i++) {
            if (t[i].kind == EXTRACT_TIMEX_DURATION)
                durs++;
            else
                dates++;
        }
        if (dates)
            dump(never[r].text, t, n);
        cr_expect_eq(dates, 0, "row %zu: a date found in '%s'", r,
                     never[r].text);
        cr_expect_eq(durs, never[r].durations, "row %zu: %d durations in '%s'",
                     r, durs, never[r].text);
        free(t);
    }
}

Test(timex, durations_are_not_dates) {
    extract_timex_t *t;
    const char *s = "Nhân kỷ niệm 50 năm quan hệ, vào năm 2023.";
    size_t n = find(s, "2023-11-27", &t);
    cr_assert_eq(n, 2);
    cr_expect_eq(t[0].kind, EXTRACT_TIMEX_DURATION);
    cr_expect_eq(t[0].date.precision, 0);
    cr_expect_eq(t[1].kind, EXTRACT_TIMEX_DATE);
    cr_expect_eq(t[1].date.start.year, 2023);
    free(t);
}

Test(timex, spans_ordered_and_disjoint) {
    const char *s = "Ngày 24-25/11, hôm qua, tháng 12 năm ngoái và 2 năm, từ "
                    "1/7 đến năm 2030, quý I/2025 (11/2023-11/2025).";
    extract_timex_t *t;
    size_t n = find(s, "2025-11-28", &t);
    cr_assert_geq(n, 8);
    for (size_t i = 0; i < n; i++) {
        cr_expect_lt(t[i].start, t[i].end);
        cr_expect_leq(t[i].end, strlen(s));
        if (i)
            cr_expect_leq(t[i - 1].end, t[i].start);
    }
    free(t);
}

Test(timex, empty_and_null_lexicon) {
    extract_timex_t *t = (extract_timex_t *)&t;
    corpus_date_t r = mkref("2025-11-28");
    cr_expect_eq(extract_timex_find(&lex, "", 0, &r, &t), 0);
    cr_expect_null(t);
    cr_expect_eq(extract_timex_find(&lex, "không có ngày", 15, &r, &t), 0);
    cr_expect_null(t);
    /* Without a lexicon only numeric shapes remain; no crash. */
    struct extract_lexicon none = {0};
    size_t n = extract_timex_find(&none, "21/9/1973", 9, &r, &t);
    cr_expect_eq(n, 1);
    free(t);
    /* Reading stops at len: the date after it is not seen. */
    n = extract_timex_find(&lex, "năm 2014 và năm 2015", 9, &r, &t);
    cr_assert_eq(n, 1);
    cr_expect_eq(t[0].end, 9); /* "năm 2014": ă takes two bytes */
    free(t);
    /* Cut inside the year: "năm 201" is no date. */
    n = extract_timex_find(&lex, "năm 2014", 8, &r, &t);
    cr_expect_eq(n, 0);
    free(t);
}

Test(timex, huge_numbers_rejected) {
    const char *s =
        "ngày 99999999999999999999/11/2025, năm 99999999999999999999, "
        "tháng 4294967297/2025, quý 4294967300/2025, 4294967297 năm";
    extract_timex_t *t;
    size_t n = find(s, "2025-11-28", &t);
    for (size_t i = 0; i < n; i++)
        cr_expect_neq(t[i].kind, EXTRACT_TIMEX_DATE);
    free(t);
}

Test(timex, lexicon_problems_reported) {
    char dir[] = "/tmp/vj_timex_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/temporal.tsv", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("# ok\nunit\tngày\tday\nbogus\tx\n", f);
    fclose(f);
    extract__timex_lex_t *t = NULL;
    cr_expect_lt(extract__timex_lex_load(dir, NULL, NULL, &t), 0);
    f = fopen(path, "w");
    fputs("rel\thôm qua\tday\tnot-a-number\n", f);
    fclose(f);
    cr_expect_lt(extract__timex_lex_load(dir, NULL, NULL, &t), 0);
    remove(path);
    cr_expect_lt(extract__timex_lex_load(dir, NULL, NULL, &t), 0);
    rmdir(dir);
    extract__timex_lex_free(NULL);
}

/* --- date.c ------------------------------------------------------------- */

static void fmt(extract_ymd_t s, extract_ymd_t e, int prec, const char *ws,
                const char *we) {
    extract_date_t d = {s, e, (extract_precision_t)prec, EXTRACT_MOD_NONE};
    char a[11], b[11];
    extract_date_format(&d, a, b);
    cr_expect_str_eq(a, ws);
    cr_expect_str_eq(b, we);
}

Test(timex, date_format_forms) {
    fmt((extract_ymd_t){2025, 4, 27}, (extract_ymd_t){2025, 4, 29}, P_DAY,
        "2025-04-27", "2025-04-29");
    fmt((extract_ymd_t){2025, 11, 17}, (extract_ymd_t){2025, 11, 23}, P_WEEK,
        "2025-11-17", "2025-11-23");
    fmt((extract_ymd_t){2025, 4, 1}, (extract_ymd_t){2025, 4, 30}, P_MONTH,
        "2025-04", "2025-04");
    fmt((extract_ymd_t){2025, 1, 1}, (extract_ymd_t){2025, 3, 31}, P_QUARTER,
        "2025-01", "2025-03");
    fmt((extract_ymd_t){2024, 1, 1}, (extract_ymd_t){2029, 12, 31}, P_YEAR,
        "2024", "2029");
}

Test(timex, calendar_helpers) {
    cr_expect(extract__is_leap(2024));
    cr_expect(!extract__is_leap(2025));
    cr_expect(!extract__is_leap(1900));
    cr_expect(extract__is_leap(2000));
    cr_expect_eq(extract__days_in_month(2024, 2), 29);
    cr_expect_eq(extract__days_in_month(2025, 2), 28);
    cr_expect_eq(extract__days_in_month(2025, 4), 30);
    cr_expect_eq(extract__days_in_month(2025, 13), 0);
    cr_expect(!extract__ymd_valid(2025, 4, 31));
    cr_expect(!extract__ymd_valid(2023, 2, 29));
    cr_expect(extract__ymd_valid(2024, 2, 29));
    cr_expect_eq(extract__ymd_days(1970, 1, 1), 0);
    cr_expect_eq(extract__weekday(extract__ymd_days(2025, 11, 28)), 5);
    extract_ymd_t m = extract__iso_monday((extract_ymd_t){2026, 1, 1});
    cr_expect(m.year == 2025 && m.month == 12 && m.day == 29);
    int y, w;
    extract__iso_week((extract_ymd_t){2026, 1, 1}, &y, &w);
    cr_expect(y == 2026 && w == 1);
    extract__iso_week((extract_ymd_t){2021, 1, 3}, &y, &w);
    cr_expect(y == 2020 && w == 53);
    extract_ymd_t a = extract__add_days((extract_ymd_t){2024, 2, 28}, 2);
    cr_expect(a.year == 2024 && a.month == 3 && a.day == 1);
    a = extract__add_months(2026, 1, -1);
    cr_expect(a.year == 2025 && a.month == 12 && a.day == 1);
    a = extract__add_months(2025, 11, 3);
    cr_expect(a.year == 2026 && a.month == 2);
    for (int64_t z = -800000; z < 3000000; z += 997) {
        extract_ymd_t r = extract__days_ymd(z);
        cr_assert_eq(extract__ymd_days(r.year, r.month, r.day), z);
    }
}

Test(timex, overlaps_and_cmp) {
    extract_date_t apr = {
        {2025, 4, 1}, {2025, 4, 30}, EXTRACT_PREC_MONTH, EXTRACT_MOD_NONE};
    extract_date_t d27 = {
        {2025, 4, 27}, {2025, 4, 29}, EXTRACT_PREC_DAY, EXTRACT_MOD_NONE};
    extract_ymd_t lo = {2025, 4, 29}, hi = {2025, 5, 3};
    cr_expect(extract_date_overlaps(&apr, &lo, &hi));
    cr_expect(extract_date_overlaps(&d27, &lo, &hi));
    lo = (extract_ymd_t){2025, 5, 1};
    cr_expect(!extract_date_overlaps(&apr, &lo, &hi));
    cr_expect_lt(extract_date_cmp(&apr, &d27), 0);
    extract_date_t apr1 = {
        {2025, 4, 1}, {2025, 4, 1}, EXTRACT_PREC_DAY, EXTRACT_MOD_NONE};
    cr_expect_lt(extract_date_cmp(&apr1, &apr), 0); /* finer first */
    cr_expect_eq(extract_date_cmp(&apr, &apr), 0);
}

Test(timex, iso_range_accepts) {
    extract_ymd_t lo, hi;
    cr_assert_eq(extract_iso_range("2025", &lo, &hi), 0);
    cr_expect(lo.year == 2025 && lo.month == 1 && lo.day == 1);
    cr_expect(hi.year == 2025 && hi.month == 12 && hi.day == 31);
    cr_assert_eq(extract_iso_range("2025-04", &lo, &hi), 0);
    cr_expect(lo.month == 4 && lo.day == 1 && hi.month == 4 && hi.day == 30);
    cr_assert_eq(extract_iso_range("2024-02", &lo, &hi), 0);
    cr_expect_eq(hi.day, 29);
    cr_assert_eq(extract_iso_range("2025-04-27", &lo, &hi), 0);
    cr_expect(lo.day == 27 && hi.day == 27 && hi.month == 4);
    cr_expect_eq(extract_iso_range("2024-02-29", &lo, &hi), 0);
}

Test(timex, iso_range_rejects) {
    static const char *bad[] = {"",
                                "20",
                                "202",
                                "20255",
                                "2025-13",
                                "2025-00",
                                "2025-02-30",
                                "2023-02-29",
                                "2025-04-31",
                                "2025-4",
                                "2025-04-7",
                                "2025-04-27x",
                                "2025x",
                                "2025-04-",
                                "abcd",
                                "2025/04/27",
                                " 2025",
                                "2025 ",
                                "0000",
                                "-2025",
                                "2025-04-27T10:00",
                                "99999999999999999999",
                                "2025-1a",
                                "２０２５"};
    extract_ymd_t lo, hi;
    for (size_t i = 0; i < VJ_ARRAY_SIZE(bad); i++)
        cr_expect_eq(extract_iso_range(bad[i], &lo, &hi), VJ_EINVAL,
                     "accepted '%s'", bad[i]);
    cr_expect_eq(extract_iso_range(NULL, &lo, &hi), VJ_EINVAL);
}

/* --- the seed corpus ------------------------------------------------------ */

typedef struct {
    const char *prefix, *published;
} pub_t;

static const pub_t pubs[] = {{"000_", "2025-11-28"},
                             {"001_", "2025-05"},
                             {"002_", "2025-11-25"},
                             {"003_", "2023-11-26"},
                             {"004_", "2023-11-27"}};

typedef struct {
    const char *prefix, *span, *start, *end;
    int prec, target, range;
} expect_t;

static const expect_t expects[] = {
    {"004_", "ngày 21/9/1973", "1973-09-21", "1973-09-21", P_DAY, 0, 0},
    {"001_", "ngày 27- 29/4/2025", "2025-04-27", "2025-04-29", P_DAY, 0, 1},
    {"000_", "Ngày 24-25/11", "2025-11-24", "2025-11-25", P_DAY, 0, 1},
    {"002_", "11/2023-11/2025", "2023-11", "2025-11", P_MONTH, 0, 1},
    {"004_", "năm 2045", "2045", "2045", P_YEAR, 1, 0},
    {"002_", "tháng 4 năm nay", "2025-04", "2025-04", P_MONTH, 0, 0},
    {"000_", "tháng 12 năm ngoái", "2024-12", "2024-12", P_MONTH, 0, 0},
    {"000_", "Tuần trước", "2025-11-17", "2025-11-23", P_WEEK, 0, 0},
    {"000_", "tháng 1-10 năm nay", "2025-01", "2025-10", P_MONTH, 0, 1},
    {"000_", "tháng 12 tới", "2025-12", "2025-12", P_MONTH, 0, 0},
    {"004_", "ngày 27-30/11", "2023-11-27", "2023-11-30", P_DAY, 0, 1},
    {"004_", "giai đoạn 2024-2029", "2024", "2029", P_YEAR, 0, 1},
    {"001_", "tháng 12/2023", "2023-12", "2023-12", P_MONTH, 0, 0},
    {"001_", "năm tài chính 2026", "2026", "2026", P_YEAR, 0, 0},
    {"001_", "9/9", "2025-09-09", "2025-09-09", P_DAY, 0, 0},
    {"002_", "1/7", "2025-07-01", "2025-07-01", P_DAY, 0, 0},
    {"003_", "Năm 2023", "2023", "2023", P_YEAR, 0, 0},
    {"004_", "hôm nay", "2023-11-27", "2023-11-27", P_DAY, 0, 0},
};

/* Sentence-ish pieces: lines, cut after ". " too. */
static void each_piece(const char *buf, size_t len,
                       void (*fn)(const char *, size_t, void *), void *data) {
    size_t s = 0;
    for (size_t i = 0; i <= len; i++) {
        int cut = i == len || buf[i] == '\n' ||
                  (buf[i] == '.' && i + 1 < len && buf[i + 1] == ' ');
        if (!cut)
            continue;
        size_t e = i < len && buf[i] == '.' ? i + 1 : i;
        if (e > s)
            fn(buf + s, e - s, data);
        s = i + 1;
    }
}

typedef struct {
    corpus_date_t ref;
    const char *prefix;
    size_t found, dates;
    int hit[VJ_ARRAY_SIZE(expects)];
} run_t;

static void check_piece(const char *p, size_t n, void *data) {
    run_t *run = data;
    extract_timex_t *t;
    size_t k = extract_timex_find(&lex, p, n, &run->ref, &t);
    for (size_t i = 0; i < k; i++) {
        cr_assert_lt(t[i].start, t[i].end);
        cr_assert_leq(t[i].end, n);
        cr_assert_neq((unsigned char)p[t[i].start] & 0xC0, 0x80);
        if (i)
            cr_assert_leq(t[i - 1].end, t[i].start);
        if (t[i].kind == EXTRACT_TIMEX_DATE) {
            run->dates++;
            const extract_date_t *d = &t[i].date;
            cr_assert(extract__ymd_valid(d->start.year, d->start.month,
                                         d->start.day));
            cr_assert(
                extract__ymd_valid(d->end.year, d->end.month, d->end.day));
            cr_assert_leq(extract_date_cmp(d, d), 0);
        }
        for (size_t x = 0; x < VJ_ARRAY_SIZE(expects); x++) {
            const expect_t *e = &expects[x];
            size_t sl = strlen(e->span);
            if (strcmp(e->prefix, run->prefix) != 0 ||
                t[i].end - t[i].start != sl ||
                memcmp(p + t[i].start, e->span, sl) != 0)
                continue;
            char a[11], b[11];
            extract_date_format(&t[i].date, a, b);
            cr_expect_eq(t[i].kind, EXTRACT_TIMEX_DATE, "%s %s", e->prefix,
                         e->span);
            cr_expect_str_eq(a, e->start, "%s %s: start %s", e->prefix, e->span,
                             a);
            cr_expect_str_eq(b, e->end, "%s %s: end %s", e->prefix, e->span, b);
            cr_expect_eq((int)t[i].date.precision, e->prec, "%s %s", e->prefix,
                         e->span);
            cr_expect_eq(t[i].target, e->target, "%s %s: target", e->prefix,
                         e->span);
            cr_expect_eq(t[i].range, e->range, "%s %s: range", e->prefix,
                         e->span);
            run->hit[x] = 1;
        }
    }
    run->found += k;
    free(t);
}

Test(timex, seed_corpus) {
    DIR *d = opendir("data/corpus");
    cr_assert_not_null(d, "run from the repository root");
    struct dirent *de;
    int hit[VJ_ARRAY_SIZE(expects)] = {0};
    size_t files = 0, dates = 0;
    while ((de = readdir(d)) != NULL) {
        size_t nl = strlen(de->d_name);
        if (nl < 5 || strcmp(de->d_name + nl - 4, ".txt") != 0)
            continue;
        run_t run;
        memset(&run, 0, sizeof run);
        for (size_t i = 0; i < VJ_ARRAY_SIZE(pubs); i++)
            if (strncmp(de->d_name, pubs[i].prefix, 4) == 0) {
                run.ref = mkref(pubs[i].published);
                run.prefix = pubs[i].prefix;
            }
        if (run.prefix == NULL)
            continue;
        char path[512], *buf;
        size_t len;
        snprintf(path, sizeof path, "data/corpus/%s", de->d_name);
        cr_assert_eq(vj_file_read(path, 1 << 24, &buf, &len), 0);
        each_piece(buf, len, check_piece, &run);
        /* The whole file as one "sentence" too: nothing may break. */
        extract_timex_t *t;
        size_t k = extract_timex_find(&lex, buf, len, &run.ref, &t);
        cr_expect_geq(k, run.found);
        free(t);
        free(buf);
        for (size_t x = 0; x < VJ_ARRAY_SIZE(expects); x++)
            hit[x] |= run.hit[x];
        dates += run.dates;
        files++;
    }
    closedir(d);
    cr_expect_eq(files, 5);
    cr_expect_gt(dates, 40);
    for (size_t x = 0; x < VJ_ARRAY_SIZE(expects); x++)
        cr_expect(hit[x], "%s: '%s' not found", expects[x].prefix,
                  expects[x].span);
}

Test(timex, invalid_utf8_and_odd_bytes) {
    /* Invalid bytes decode to U+FFFD (3 bytes): the scratch must hold it. */
    char s[256];
    memset(s, 0xFF, sizeof s);
    memcpy(s + 100, " ngày 1/7/2025 ", 16);
    extract_timex_t *t;
    corpus_date_t r = mkref("2025-11-28");
    size_t n = extract_timex_find(&lex, s, sizeof s, &r, &t);
    for (size_t i = 0; i < n; i++)
        cr_expect_leq(t[i].end, sizeof s);
    free(t);
    /* Capitals whose lower case is longer (U+023A -> U+2C65). */
    const char *u = "ȺȺȺȺ NGÀY 2/9/1945 ȾȾ";
    n = extract_timex_find(&lex, u, strlen(u), &r, &t);
    cr_assert_eq(n, 1);
    cr_expect_eq(t[0].date.start.year, 1945);
    free(t);
}

Test(timex, long_input_is_linear) {
    const char *unit =
        "Ngày 24-25/11 đã họp, tháng 12 năm ngoái, 2 năm, số 3. ";
    size_t ul = strlen(unit), reps = 20000;
    char *s = vj_malloc(ul * reps + 1);
    for (size_t i = 0; i < reps; i++)
        memcpy(s + i * ul, unit, ul);
    s[ul * reps] = '\0';
    corpus_date_t r = mkref("2025-11-28");
    extract_timex_t *t;
    uint64_t t0 = vj_now_us();
    size_t n = extract_timex_find(&lex, s, ul * reps, &r, &t);
    uint64_t us = vj_now_us() - t0;
    cr_expect_eq(n, 3 * reps);
    cr_expect_lt(us, 2000000, "%zu bytes took %llu us", ul * reps,
                 (unsigned long long)us);
    free(t);
    free(s);
}
