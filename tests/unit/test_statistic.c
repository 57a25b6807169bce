/* test_statistic.c - quantities and numeric facts (src/extract/statistic.c):
 * every number form, the "not quantities" list, overflow, ranges,
 * qualifiers, currencies and counted nouns (extract_quantities_find), then
 * facts from small documents built in memory (conversions, change links
 * both ways, periods, metrics, subjects) and the sample statistics of
 * ../shared/gold/sample.json over the seed corpus. Run from the repository
 * root. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/extract/internal.h"
#include "vjcorpus/text.h"

#include "extract_fixture.h"

/* One document built in memory, extracted into res. */
static void run_text(const char *body) {
    corpus_meta_t meta = {.title = "Việt Nam và Nhật Bản",
                          .published = "2025-11-28"};
    corpus_doc_t *doc = NULL;
    cr_assert_eq(corpus_doc_parse("t", "t.txt", body, strlen(body), &meta, clex,
                                  NULL, NULL, &doc),
                 0);
    cr_assert_eq(corpus_from_docs(&doc, 1, &corpus), 0);
    cr_assert_eq(extract_run(xlex, corpus, &res), 0);
}

static int close_to(double a, double b) {
    return fabs(a - b) <= fabs(b) * 1e-9 + 1e-9;
}

/* The only quantity of s. */
static extract_quantity_t one(const char *s) {
    extract_quantity_t *q = NULL;
    size_t n = extract_quantities_find(xlex, s, strlen(s), &q);
    cr_assert_eq(n, 1, "'%s': %zu quantities, want 1", s, n);
    extract_quantity_t r = q[0];
    free(q);
    return r;
}

static const extract_statistic_t *fact_with(double value) {
    for (size_t i = 0; i < extract_statistic_count(res); i++)
        if (close_to(extract_statistic_at(res, i)->q.value, value))
            return extract_statistic_at(res, i);
    return NULL;
}

static size_t entity_named(const char *name) {
    for (size_t i = 0; i < extract_entity_count(xlex); i++)
        if (strcmp(extract_entity_at(xlex, i)->name, name) == 0)
            return i;
    cr_assert_fail("no entity '%s'", name);
    return 0;
}

/* --- number forms -----------------------------------------------------------
 */

TestSuite(statistic, .init = lex_setup, .fini = teardown);

static const struct {
    const char *text;
    double value;
    extract_unit_t unit;
    const char *unit_text; /* NULL: none */
} forms[] = {
    {"có 580.000 người đến", 580000, EXTRACT_UNIT_PERSON, "người"},
    {"đạt 42,5 tỷ USD trong năm", 42.5e9, EXTRACT_UNIT_USD, "USD"},
    {"tổng 2.812,8 tỷ đồng", 2812.8e9, EXTRACT_UNIT_VND, "đồng"},
    {"hoàn thành 3.245 km đường", 3245, EXTRACT_UNIT_KM, "km"},
    {"đạt 42.5 tỷ USD", 42.5e9, EXTRACT_UNIT_USD, "USD"},
    {"đạt 1,4 triệu người", 1.4e6, EXTRACT_UNIT_PERSON, "người"},
    {"gói 1.000 nghìn tỷ đồng", 1e15, EXTRACT_UNIT_VND, "đồng"},
    {"khoảng 5 ngàn người", 5000, EXTRACT_UNIT_PERSON, "người"},
    {"là 3 tỉ đô la", 3e9, EXTRACT_UNIT_USD, "đô la"},
    {"tăng 11% so với", 11, EXTRACT_UNIT_PERCENT, "%"},
    {"tăng 11 % so với", 11, EXTRACT_UNIT_PERCENT, "%"},
    {"chiếm 20 phần trăm", 20, EXTRACT_UNIT_PERCENT, "phần trăm"},
    {"khoản vay 66,086 tỷ yên cho", 66.086e9, EXTRACT_UNIT_JPY, "yên"},
    {"gói 5 tỷ Yên cho", 5e9, EXTRACT_UNIT_JPY, "Yên"},
    {"trị giá 300 triệu JPY", 300e6, EXTRACT_UNIT_JPY, "JPY"},
    {"giá 200 VNĐ một", 200, EXTRACT_UNIT_VND, "VNĐ"},
    {"huy động 800 triệu Euro từ", 800e6, EXTRACT_UNIT_EUR, "Euro"},
    {"chi 10 EUR mỗi", 10, EXTRACT_UNIT_EUR, "EUR"},
    {"đạt 2 triệu lượt khách mỗi năm", 2e6, EXTRACT_UNIT_PERSON, "lượt khách"},
    {"đón 3 triệu lượt người", 3e6, EXTRACT_UNIT_PERSON, "lượt người"},
    {"hơn 2.000 doanh nghiệp Nhật Bản", 2000, EXTRACT_UNIT_COMPANY,
     "doanh nghiệp"},
    {"hỗ trợ 11 dự án startup", 11, EXTRACT_UNIT_PROJECT, "dự án"},
    {"hơn 70 cặp địa phương có", 70, EXTRACT_UNIT_LOCALITY, "cặp địa phương"},
    {"trên khắp 47 tỉnh của", 47, EXTRACT_UNIT_LOCALITY, "tỉnh"},
    {"hiện 106 sinh viên đang học", 106, EXTRACT_UNIT_PERSON, "sinh viên"},
    {"tiếp nhận 250 nghiên cứu sinh tiến sĩ", 250, EXTRACT_UNIT_PERSON,
     "nghiên cứu sinh"},
    {"đào tạo 50.000 chuyên gia", 50000, EXTRACT_UNIT_PERSON, "chuyên gia"},
    {"với 200.000 thực tập sinh", 200000, EXTRACT_UNIT_PERSON, "thực tập sinh"},
    {"có 6 định hướng lớn", 6, EXTRACT_UNIT_OTHER, NULL},
};

Test(statistic, number_forms) {
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        extract_quantity_t q = one(forms[i].text);
        cr_expect(close_to(q.value, forms[i].value), "'%s': %.17g, want %.17g",
                  forms[i].text, q.value, forms[i].value);
        cr_expect_eq(q.unit, forms[i].unit, "'%s': unit %s", forms[i].text,
                     extract_unit_names[q.unit]);
        if (forms[i].unit_text == NULL) {
            cr_expect_eq(q.unit_end, 0, "'%s': no unit words", forms[i].text);
        } else {
            size_t ul = strlen(forms[i].unit_text);
            cr_expect(q.unit_end - q.unit_start == ul &&
                          memcmp(forms[i].text + q.unit_start,
                                 forms[i].unit_text, ul) == 0,
                      "'%s': unit words", forms[i].text);
        }
        cr_expect(q.end <= strlen(forms[i].text) && q.start < q.end);
    }
}

Test(statistic, span_runs_from_qualifier_to_unit) {
    const char *s = "Hiện có hơn 2.000 doanh nghiệp Nhật Bản";
    extract_quantity_t q = one(s);
    cr_expect_eq(q.start, (uint32_t)(strstr(s, "hơn") - s));
    cr_expect_eq(q.end, (uint32_t)(strstr(s, " Nhật") - s));
}

static const struct {
    const char *text;
    extract_approx_t approx;
} quals[] = {
    {"hơn 2.000 doanh nghiệp", EXTRACT_APPROX_MORE_THAN},
    {"trên 1.700 km", EXTRACT_APPROX_MORE_THAN},
    {"gần 60% trong số này", EXTRACT_APPROX_NEARLY},
    {"khoảng 20 tỷ USD", EXTRACT_APPROX_ABOUT},
    {"xấp xỉ 5 triệu USD", EXTRACT_APPROX_ABOUT},
    {"tầm 30 người", EXTRACT_APPROX_ABOUT},
    {"dưới 10% số", EXTRACT_APPROX_LESS_THAN},
    {"đạt 42,5 tỷ USD", EXTRACT_APPROX_EXACT},
};

Test(statistic, qualifiers) {
    for (size_t i = 0; i < sizeof quals / sizeof quals[0]; i++) {
        extract_quantity_t q = one(quals[i].text);
        cr_expect_eq(q.approx, quals[i].approx, "'%s': %s", quals[i].text,
                     extract_approx_names[q.approx]);
        if (quals[i].approx != EXTRACT_APPROX_EXACT)
            cr_expect_eq(q.start, 0, "'%s': the span starts at the qualifier",
                         quals[i].text);
    }
}

Test(statistic, changes) {
    extract_quantity_t q = one("tăng 11% so với cùng kỳ");
    cr_expect(q.change && q.change_sign == 1);
    q = one("giảm 5% so với");
    cr_expect(q.change && q.change_sign == -1);
    q = one("tăng hơn 8 tỷ USD");
    cr_expect(q.change && q.change_sign == 1 &&
              q.approx == EXTRACT_APPROX_MORE_THAN);
    q = one("đạt 42,5 tỷ USD");
    cr_expect(!q.change && q.change_sign == 0);

    const char *s = "tăng lần lượt khoảng 10% và 16% so với cùng kỳ";
    extract_quantity_t *qs;
    size_t n = extract_quantities_find(xlex, s, strlen(s), &qs);
    cr_assert_eq(n, 2);
    cr_expect(qs[0].change && qs[1].change, "both are changes");
    cr_expect(close_to(qs[0].value, 10) && close_to(qs[1].value, 16));
    free(qs);
}

Test(statistic, ranges) {
    extract_quantity_t q = one("từ 10 đến 15 triệu USD mỗi năm");
    cr_expect(q.has_max);
    cr_expect(close_to(q.value, 10e6) && close_to(q.value_max, 15e6), "%g..%g",
              q.value, q.value_max);
    cr_expect_eq(q.unit, EXTRACT_UNIT_USD);
    cr_expect_eq(q.start, 0, "the span starts at từ");

    q = one("mỗi địa phương đề xuất 2-3 dự án hợp tác");
    cr_expect(q.has_max && close_to(q.value, 2) && close_to(q.value_max, 3));
    cr_expect_eq(q.unit, EXTRACT_UNIT_PROJECT);

    q = one("từ 1,5 tỷ USD tới 2 tỷ USD");
    cr_expect(q.has_max && close_to(q.value, 1.5e9) &&
              close_to(q.value_max, 2e9));

    q = one("hơn 300 triệu USD");
    cr_expect(!q.has_max);
}

static const char *const not_quantities[] = {
    "Hội nghị thượng đỉnh G7 mở rộng",
    "tại Hội nghị thượng đỉnh G20 ở Nam Phi",
    "Hội nghị 2+2 cấp Thứ trưởng Ngoại giao",
    "trong đó có việc phóng vệ tinh LOTUSat-1 sớm nhất có thể",
    "trong đó có việc phóng vệ tinh LOTUSat – 1 sớm nhất có thể",
    "khởi công dự án Nhà máy điện Ô Môn 4, khởi công",
    "Dự án điện gió V1 – 2 mở rộng tại tỉnh Trà Vinh",
    "khởi công tuyến Metro số 2 tại Hà Nội",
    "Nhật Bản là nhà đầu tư số 3, đối tác thương mại lớn thứ 4",
    "đứng thứ nhất, số 1 về ODA",
    "Hội nghị Bộ trưởng Mê Công – Nhật lần thứ 16",
    "(1) Hai Thủ tướng khẳng định duy trì giao lưu",
    "3. Về hợp tác chính trị - an ninh",
    "Dự án giảm phát thải CO2 và thúc đẩy kinh tế tuần hoàn",
    "trong cuộc gặp gỡ báo chí ngày 27/11",
    "Kim ngạch thương mại song phương năm 2022",
    "vào ngày 21/9/1973 và năm 2009",
    "từ ngày 27- 29/4/2025",
    "trong giai đoạn tháng 1-10 năm nay",
    "nhân kỷ niệm 2 năm thiết lập",
    "hội đàm 3 lần với các nhà lãnh đạo",
    "Văn hóa WA 2.0",
    "theo tinh thần \"3 cùng\": cùng làm",
    "Dự án điện khí LNG Vân Phong 2",
    "99999999999999999999 tỷ USD",
    "999999999999999999 tỷ USD",
    "1.2.3.4 người",
    "12,34,5 người",
};

Test(statistic, not_quantities) {
    for (size_t i = 0; i < sizeof not_quantities / sizeof not_quantities[0];
         i++) {
        const char *s = not_quantities[i];
        extract_quantity_t *q = NULL;
        size_t n = extract_quantities_find(xlex, s, strlen(s), &q);
        cr_expect_eq(n, 0, "'%s': %zu quantities (first %g at %u)", s, n,
                     n ? q[0].value : 0.0, n ? q[0].start : 0);
        free(q);
    }
}

Test(statistic, overflow_is_rejected) {
    const char *s = "99999999999999999999 tỷ USD và 5 tỷ USD";
    extract_quantity_t *q = NULL;
    size_t n = extract_quantities_find(xlex, s, strlen(s), &q);
    cr_assert_eq(n, 1, "only the sane number");
    cr_expect(close_to(q[0].value, 5e9));
    free(q);
    char big[4096];
    memset(big, '9', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    n = extract_quantities_find(xlex, big, strlen(big), &q);
    cr_expect_eq(n, 0);
    free(q);
    /* a truncated buffer: the number at its very end */
    const char *cut = "đạt 42,5 tỷ";
    n = extract_quantities_find(xlex, cut, strlen("đạt 42,"), &q);
    cr_expect_eq(n, 1);
    free(q);
    n = extract_quantities_find(xlex, "", 0, &q);
    cr_expect_eq(n, 0);
}

/* --- facts from documents built in memory --------------------------------- */

Test(statistic, conversion_is_one_fact) {
    run_text("Nhật Bản cung cấp khoản vay 66,086 tỷ yên (540 triệu USD) cho "
             "dự án đường sắt.\n");
    cr_assert_eq(extract_statistic_count(res), 1);
    const extract_statistic_t *f = extract_statistic_at(res, 0);
    cr_expect(close_to(f->q.value, 66.086e9));
    cr_expect_eq(f->q.unit, EXTRACT_UNIT_JPY);
    cr_expect(f->has_converted);
    cr_expect(close_to(f->converted_value, 540e6));
    cr_expect_eq(f->converted_unit, EXTRACT_UNIT_USD);
    cr_expect_eq(f->metric, EXTRACT_METRIC_LOAN);
}

Test(statistic, change_links_both_ways) {
    run_text("Trong năm 2024, kim ngạch thương mại hai chiều đạt 45 tỷ USD, "
             "tăng 5% so với năm 2023.\n");
    cr_assert_eq(extract_statistic_count(res), 2);
    const extract_statistic_t *a = extract_statistic_at(res, 0),
                              *b = extract_statistic_at(res, 1);
    cr_expect(!a->is_change && b->is_change);
    cr_expect_eq(a->change, 1);
    cr_expect_eq(b->change_of, 0);
    cr_expect_eq(a->change_of, -1);
    cr_expect_eq(b->change, -1);
    cr_expect_eq(a->metric, EXTRACT_METRIC_TRADE);
    cr_expect_eq(b->metric, EXTRACT_METRIC_TRADE, "the metric of the figure");
    cr_expect_eq(b->q.unit, EXTRACT_UNIT_PERCENT);
    cr_expect(a->has_period && b->has_period);
    cr_expect_eq(a->period.start.year, 2024, "not the comparison year");
    cr_expect_eq(b->period.start.year, 2024);
}

Test(statistic, standalone_change_and_respectively) {
    run_text("Tổng vốn đầu tư cũng tăng 18% so với cùng kỳ năm trước. "
             "Có 580.000 người Việt Nam đến Nhật Bản và 680.000 người Nhật "
             "Bản đến Việt Nam, tăng lần lượt khoảng 10% và 16% so với cùng "
             "kỳ.\n");
    const extract_statistic_t *inv = fact_with(18);
    cr_assert(inv);
    cr_expect(inv->is_change && inv->change_of == -1);
    cr_expect_eq(inv->metric, EXTRACT_METRIC_INVESTMENT);
    const extract_statistic_t *v1 = fact_with(580000), *v2 = fact_with(680000),
                              *c1 = fact_with(10), *c2 = fact_with(16);
    cr_assert(v1 && v2 && c1 && c2);
    cr_expect_eq(v1->metric, EXTRACT_METRIC_VISITORS);
    cr_expect_eq(v2->metric, EXTRACT_METRIC_VISITORS);
    cr_expect_eq(extract_statistic_at(res, (size_t)v1->change), c1);
    cr_expect_eq(extract_statistic_at(res, (size_t)v2->change), c2);
    cr_expect_eq(extract_statistic_at(res, (size_t)c1->change_of), v1);
    cr_expect_eq(extract_statistic_at(res, (size_t)c2->change_of), v2);
    size_t vn = entity_named("Việt Nam"), jp = entity_named("Nhật Bản");
    cr_expect(v1->subject_from == (int32_t)vn && v1->subject_to == (int32_t)jp);
    cr_expect(v2->subject_from == (int32_t)jp && v2->subject_to == (int32_t)vn);
}

Test(statistic, metrics_and_targets) {
    run_text("Việt Nam đặt mục tiêu đào tạo 500 nghiên cứu sinh đến năm 2030. "
             "Hiện 106 sinh viên đang theo học. "
             "JICA xem xét khoản vay trị giá hơn 300 triệu USD. "
             "Nhật Bản có hơn 5.000 dự án với tổng vốn đầu tư gần 70 tỷ USD. "
             "Nhật Bản có hơn 27 tỷ USD vốn ODA. "
             "Việt Nam đứng thứ nhất về số lượng thực tập sinh với hơn 200.000 "
             "người. "
             "Số lượng người Việt Nam tại Nhật Bản đạt hơn 600.000 người. "
             "Có thêm hơn 10 cặp địa phương ký kết. "
             "Việt Nam hoàn thành 3.245 km đường bộ cao tốc. "
             "Hiện có hơn 2.000 doanh nghiệp Nhật Bản hoạt động.\n");
    static const struct {
        double v;
        extract_metric_t m;
    } want[] = {
        {500, EXTRACT_METRIC_TARGET},
        {106, EXTRACT_METRIC_STUDENTS},
        {300e6, EXTRACT_METRIC_LOAN},
        {5000, EXTRACT_METRIC_PROJECTS},
        {70e9, EXTRACT_METRIC_INVESTMENT},
        {27e9, EXTRACT_METRIC_ODA},
        {200000, EXTRACT_METRIC_TRAINEES},
        {600000, EXTRACT_METRIC_RESIDENTS},
        {10, EXTRACT_METRIC_LOCALITIES},
        {3245, EXTRACT_METRIC_INFRASTRUCTURE},
        {2000, EXTRACT_METRIC_COMPANIES},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const extract_statistic_t *f = fact_with(want[i].v);
        cr_assert(f, "a fact of %g", want[i].v);
        cr_expect_eq(f->metric, want[i].m, "%g: %s, want %s", want[i].v,
                     extract_metric_names[f->metric],
                     extract_metric_names[want[i].m]);
    }
    const extract_statistic_t *t = fact_with(500);
    cr_expect(t->has_period && t->period.start.year == 2030);
}

Test(statistic, export_and_import_subjects) {
    run_text("Kim ngạch thương mại song phương năm 2022 đạt gần 50 tỷ USD, "
             "trong đó Việt Nam xuất khẩu sang Nhật Bản 24,2 tỷ USD và nhập "
             "khẩu 23,4 tỷ USD.\n");
    size_t vn = entity_named("Việt Nam"), jp = entity_named("Nhật Bản");
    const extract_statistic_t *ex = fact_with(24.2e9), *im = fact_with(23.4e9),
                              *tr = fact_with(50e9);
    cr_assert(ex && im && tr);
    cr_expect_eq(tr->metric, EXTRACT_METRIC_TRADE);
    cr_expect_eq(tr->q.approx, EXTRACT_APPROX_NEARLY);
    cr_expect_eq(ex->metric, EXTRACT_METRIC_EXPORT);
    cr_expect_eq(im->metric, EXTRACT_METRIC_IMPORT);
    cr_expect(ex->subject_from == (int32_t)vn && ex->subject_to == (int32_t)jp);
    cr_expect(im->subject_from == (int32_t)jp && im->subject_to == (int32_t)vn);
    cr_expect(ex->has_period && ex->period.start.year == 2022);
}

Test(statistic, ids_sources_and_text) {
    run_text("Đoạn mở đầu không có số.\n\nTrong năm 2024, tổng kim ngạch "
             "thương mại đạt 42,5 tỷ USD.\n");
    cr_assert_eq(extract_statistic_count(res), 1);
    const extract_statistic_t *f = extract_statistic_at(res, 0);
    const corpus_doc_t *d = corpus_doc_at(corpus, 0);
    const corpus_span_t *sp = &f->source.span;
    cr_expect_eq(sp->end - sp->start, strlen("42,5 tỷ USD"));
    cr_expect(memcmp(d->text + sp->start, "42,5 tỷ USD", sp->end - sp->start) ==
              0);
    cr_expect_eq(sp->char_start, text_utf8_count(d->text, sp->start));
    cr_expect_eq(sp->char_end - sp->char_start,
                 text_utf8_count(d->text + sp->start, sp->end - sp->start));
    char id[64];
    snprintf(id, sizeof id, "t-%u", sp->start);
    cr_expect_str_eq(f->id, id);
    cr_expect_str_eq(f->unit_text, "USD");
    cr_expect_eq(f->source.paragraph, 1);
    cr_expect(f->sentence.span.start <= sp->start &&
              sp->end <= f->sentence.span.end);
    /* q offsets are into the sentence */
    cr_expect_eq(f->q.start + f->sentence.span.start, sp->start);
}

Test(statistic, non_vietnamese_documents_are_skipped) {
    corpus_meta_t meta = {
        .title = "Japan", .published = "2025-11-28", .language = "en"};
    const char *body = "Trade reached 42,5 tỷ USD.\n";
    corpus_doc_t *doc = NULL;
    cr_assert_eq(corpus_doc_parse("e", "e.txt", body, strlen(body), &meta, clex,
                                  NULL, NULL, &doc),
                 0);
    cr_assert_eq(corpus_from_docs(&doc, 1, &corpus), 0);
    cr_assert_eq(extract_run(xlex, corpus, &res), 0);
    cr_expect_eq(extract_statistic_count(res), 0);
}

/* --- the seed corpus
 * ---------------------------------------------------------- */

TestSuite(statistic_seed, .init = seed_setup, .fini = teardown);

static const struct {
    const char *gid;
    double value;
    const char *unit;   /* NULL: any */
    const char *metric; /* NULL: any */
    const char *doc;
} gold[] = {
    {"S01", 42500000000.0, "USD", "trade", "000"},
    {"S02", 11, "%", NULL, "000"},
    {"S04", 580000, NULL, NULL, "000"},
    {"S06", 1400000.0, NULL, NULL, "000"},
    {"S17", 3245, "km", NULL, "002"},
    {"S20", 27000000000.0, "USD", "oda", "003"},
    {"S25", 24200000000.0, "USD", "export", "004"},
};

Test(statistic_seed, sample_statistics) {
    for (size_t g = 0; g < sizeof gold / sizeof gold[0]; g++) {
        int found = 0;
        for (size_t i = 0; i < extract_statistic_count(res) && !found; i++) {
            const extract_statistic_t *f = extract_statistic_at(res, i);
            const corpus_doc_t *d = corpus_doc_at(corpus, f->source.doc);
            if (strncmp(d->id, gold[g].doc, strlen(gold[g].doc)) != 0)
                continue;
            if (fabs(f->q.value - gold[g].value) > 0.005 * gold[g].value)
                continue;
            if (gold[g].unit &&
                strcmp(extract_unit_names[f->q.unit], gold[g].unit) != 0)
                continue;
            if (gold[g].metric &&
                strcmp(extract_metric_names[f->metric], gold[g].metric) != 0)
                continue;
            found = 1;
        }
        cr_expect(found, "gold %s (%g) not found", gold[g].gid, gold[g].value);
    }
}

Test(statistic_seed, sample_details) {
    const extract_statistic_t *trade = fact_with(42.5e9);
    cr_assert(trade);
    char a[11], b[11];
    cr_assert(trade->has_period);
    extract_date_format(&trade->period, a, b);
    cr_expect_str_eq(a, "2025-01");
    cr_expect_str_eq(b, "2025-10");
    cr_assert_geq(trade->change, 0);
    const extract_statistic_t *ch =
        extract_statistic_at(res, (size_t)trade->change);
    cr_expect(ch->is_change && close_to(ch->q.value, 11));
    cr_expect_eq(extract_statistic_at(res, (size_t)ch->change_of), trade);
    cr_expect_eq(ch->metric, EXTRACT_METRIC_TRADE);

    const extract_statistic_t *ex = fact_with(24.2e9);
    cr_assert(ex);
    cr_expect(ex->subject_from == (int32_t)entity_named("Việt Nam") &&
              ex->subject_to == (int32_t)entity_named("Nhật Bản"));
}

Test(statistic_seed, no_statistics_from_names_dates_or_boilerplate) {
    for (size_t i = 0; i < extract_statistic_count(res); i++) {
        const extract_statistic_t *f = extract_statistic_at(res, i);
        const corpus_doc_t *d = corpus_doc_at(corpus, f->source.doc);
        const char *t = d->text + f->source.span.start;
        size_t n = f->source.span.end - f->source.span.start;
        cr_expect(f->q.unit != EXTRACT_UNIT_EUR, "800 triệu Euro is tail");
        cr_expect(
            !(f->q.value >= 1900 && f->q.value <= 2100 && f->q.unit_end == 0),
            "a year as a statistic: %.*s", (int)n, t);
        cr_expect(f->id && strncmp(f->id, d->id, strlen(d->id)) == 0);
        cr_expect(f->source.span.end <= d->text_len);
        for (size_t k = 0; k < i; k++)
            cr_expect(strcmp(extract_statistic_at(res, k)->id, f->id) != 0,
                      "ids are unique");
    }
    cr_expect_geq(extract_statistic_count(res), 40);
}
