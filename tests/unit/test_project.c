/* test_project.c - cooperation projects (src/extract/project.c): the
 * sample projects of ../shared/gold/sample.json, one item for HCMC Metro
 * Line 1 across the two articles that name it, the 14 items of the pilot
 * list, name boundaries, status verbs and their dates, attributes, ids,
 * event links, and small documents built in memory. Run from the
 * repository root. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/extract/internal.h"
#include "vjcorpus/text.h"

#include "extract_fixture.h"

/* --- helpers ------------------------------------------------------------ */

static char *folded(const char *s) {
    char *f;
    size_t n;
    cr_assert_eq(text_fold(s, strlen(s), &f, &n), 0);
    return f;
}

static int fold_contains(const char *hay, const char *needle) {
    char *h = folded(hay), *n = folded(needle);
    int r = strstr(h, n) != NULL;
    free(h);
    free(n);
    return r;
}

/* The sample's rule: the name, an alias or the location holds kw. */
static int project_matches(const extract_project_t *p, const char *kw) {
    if (fold_contains(p->name, kw))
        return 1;
    for (size_t i = 0; i < p->alias_count; i++)
        if (fold_contains(p->aliases[i], kw))
            return 1;
    return p->location >= 0 &&
           fold_contains(extract_entity_at(xlex, (size_t)p->location)->name,
                         kw);
}

/* The projects whose name or alias holds kw; *n gets the count. */
static const extract_project_t *find_project(const char *kw, size_t *n) {
    const extract_project_t *first = NULL;
    size_t count = 0;
    for (size_t i = 0; i < extract_project_count(res); i++) {
        const extract_project_t *p = extract_project_at(res, i);
        int hit = fold_contains(p->name, kw);
        for (size_t k = 0; k < p->alias_count && !hit; k++)
            hit = fold_contains(p->aliases[k], kw);
        if (hit) {
            if (first == NULL)
                first = p;
            count++;
        }
    }
    if (n)
        *n = count;
    return first;
}

static const extract_project_t *must_find(const char *kw) {
    size_t n;
    const extract_project_t *p = find_project(kw, &n);
    cr_assert_not_null(p, "no project holds \"%s\"", kw);
    cr_assert_eq(n, 1, "%zu projects hold \"%s\"", n, kw);
    return p;
}

static const char *entity_id(size_t e) {
    return extract_entity_at(xlex, e)->id;
}

static int has_partner(const extract_project_t *p, const char *id) {
    for (size_t i = 0; i < p->partner_count; i++)
        if (strcmp(entity_id(p->partners[i]), id) == 0)
            return 1;
    return 0;
}

static const char *status_of(const extract_project_t *p) {
    return extract_status_names[p->status];
}

/* --- the seed corpus ------------------------------------------------------ */

Test(project, sample_projects_match_the_gold_file, .init = seed_setup,
     .fini = teardown) {
    json_error_t err;
    json_t *gold = json_load_file("../shared/gold/sample.json", 0, &err);
    if (gold == NULL)
        cr_skip_test("../shared/gold/sample.json not found");
    json_t *projects = json_object_get(gold, "projects");
    cr_assert(json_is_array(projects));
    size_t gi;
    json_t *g;
    json_array_foreach(projects, gi, g) {
        json_t *kws = json_object_get(g, "kw"),
               *st = json_object_get(g, "status");
        int found = 0;
        for (size_t i = 0; i < extract_project_count(res) && !found; i++) {
            const extract_project_t *p = extract_project_at(res, i);
            int kw_ok = 0;
            size_t k;
            json_t *kw;
            json_array_foreach(kws, k, kw) kw_ok |=
                project_matches(p, json_string_value(kw));
            if (!kw_ok)
                continue;
            int st_ok = st == NULL;
            json_t *s;
            json_array_foreach(st, k, s) st_ok |=
                strcmp(json_string_value(s), status_of(p)) == 0;
            found = st_ok;
        }
        cr_expect(found, "gold project %s not found (or wrong status)",
                  json_string_value(json_object_get(g, "id")));
    }
    json_decref(gold);
}

Test(project, metro_line_1_is_one_item_from_both_articles, .init = seed_setup,
     .fini = teardown) {
    size_t n = 0;
    const extract_project_t *metro = NULL;
    for (size_t i = 0; i < extract_project_count(res); i++) {
        const extract_project_t *p = extract_project_at(res, i);
        if (project_matches(p, "Metro số 1") ||
            project_matches(p, "tuyến số 1")) {
            metro = p;
            n++;
        }
    }
    cr_assert_eq(n, 1, "HCMC Metro Line 1 must be one item, got %zu", n);
    size_t d000 = corpus_doc_find_index(corpus, "000_9a418107b7a7cca5");
    size_t d001 = corpus_doc_find_index(corpus, "001_58805106130a1a09");
    int in000 = 0, in001 = 0;
    for (size_t i = 0; i < metro->mention_count; i++) {
        in000 |= metro->mentions[i].doc == d000;
        in001 |= metro->mentions[i].doc == d001;
    }
    cr_expect(in000 && in001, "mentions from 000 and 001");
    cr_expect_str_eq(metro->id, "metro-so-1-tp-ho-chi-minh");
    cr_expect_str_eq(entity_id((size_t)metro->location), "tp-ho-chi-minh");
    cr_expect_eq(metro->sector, EXTRACT_SECTOR_TRANSPORT);
    cr_expect_eq(metro->status, EXTRACT_STATUS_OPERATIONAL);
    /* history: khai trương 12/2024 first (dated), khánh thành undated */
    cr_assert_geq(metro->history_count, 2);
    cr_expect(metro->history[0].has_date);
    char s[11], e[11];
    extract_date_format(&metro->history[0].date, s, e);
    cr_expect_str_eq(s, "2024-12");
    cr_expect_eq(metro->history[0].status, EXTRACT_STATUS_OPERATIONAL);
    cr_expect_not(metro->history[metro->history_count - 1].has_date);
}

Test(project, metro_line_2_is_another_project, .init = seed_setup,
     .fini = teardown) {
    const extract_project_t *m2 = must_find("Metro số 2");
    cr_expect(!project_matches(m2, "số 1"));
    cr_expect_str_eq(entity_id((size_t)m2->location), "ha-noi");
    cr_expect_eq(m2->status, EXTRACT_STATUS_UNDER_CONSTRUCTION);
    cr_expect(has_partner(m2, "jica"), "JICA in the clause after it");
}

Test(project, pilot_list_yields_all_14_items, .init = seed_setup,
     .fini = teardown) {
    static const char *const items[] = {"DEEP C Hải Phòng",
                                        "LNG Vân Phong 2",
                                        "khí – điện lô B",
                                        "đồng đốt ammoniac",
                                        "Smart city Bắc Hà Nội",
                                        "DPPA",
                                        "V1 – 2",
                                        "LNG Quảng Ninh",
                                        "cho vay hai bước",
                                        "Long Đức",
                                        "LNG Nghi Sơn",
                                        "điện gió ngoài khơi",
                                        "kinh tế tuần hoàn",
                                        "LNG Thái Bình"};
    for (size_t i = 0; i < VJ_ARRAY_SIZE(items); i++) {
        const extract_project_t *p = must_find(items[i]);
        cr_expect_str_eq(p->amount_text ? p->amount_text : "",
                         "khoảng 20 tỷ USD", "amount of \"%s\"", items[i]);
        cr_expect_eq(p->status, EXTRACT_STATUS_PROPOSED,
                     "\"%s\" is proposed (đề xuất Danh mục)", items[i]);
    }
    cr_expect_str_eq(must_find("LNG Vân Phong 2")->name,
                     "Dự án điện khí LNG Vân Phong 2");
    cr_expect_eq(must_find("Nghi Sơn")->sector, EXTRACT_SECTOR_ENERGY);
    cr_expect_eq(must_find("cho vay hai bước")->funding, EXTRACT_FUNDING_JBIC);
    cr_expect(has_partner(must_find("DPPA"), "toyota-tsusho"));
    cr_expect(has_partner(must_find("đồng đốt ammoniac"), "evn"));
    cr_expect_str_eq(entity_id((size_t)must_find("V1 – 2")->location),
                     "vinh-long");
    /* the heading is no project */
    size_t n;
    find_project("thí điểm lần 1", &n);
    cr_expect_eq(n, 0);
}

Test(project, each_verb_governs_the_project_after_it, .init = seed_setup,
     .fini = teardown) {
    const extract_project_t *p = must_find("Khu đô thị thông minh Bắc Hà Nội");
    cr_expect_eq(p->status, EXTRACT_STATUS_UNDER_CONSTRUCTION);
    cr_expect(has_partner(p, "sumitomo") && has_partner(p, "brg"));
    cr_expect_eq(p->sector, EXTRACT_SECTOR_URBAN);
    p = must_find("Yên Xá");
    cr_expect_str_eq(p->name, "Nhà máy xử lý nước thải Yên Xá");
    cr_expect(p->status == EXTRACT_STATUS_COMPLETED ||
              p->status == EXTRACT_STATUS_OPERATIONAL);
    cr_expect_eq(p->funding, EXTRACT_FUNDING_ODA_LOAN);
    cr_expect_eq(p->sector, EXTRACT_SECTOR_ENVIRONMENT);
    cr_expect_str_eq(entity_id((size_t)p->location), "ha-noi");
    cr_expect_eq(p->mention_count, 2);
    p = must_find("điện gió Quảng Trị");
    cr_expect_eq(p->status, EXTRACT_STATUS_COMPLETED);
    cr_expect_eq(p->sector, EXTRACT_SECTOR_ENERGY);
    p = must_find("Ô Môn");
    cr_expect_eq(p->status, EXTRACT_STATUS_UNDER_CONSTRUCTION);
    cr_expect_str_eq(entity_id((size_t)p->location), "o-mon");
    p = must_find("Bình Hưng");
    cr_expect_eq(p->status, EXTRACT_STATUS_COMPLETED);
}

Test(project, plans_stay_plans, .init = seed_setup, .fini = teardown) {
    const extract_project_t *p = must_find("Chợ Rẫy");
    cr_expect_eq(p->status, EXTRACT_STATUS_PLANNED);
    cr_expect_eq(p->sector, EXTRACT_SECTOR_HEALTH);
    cr_assert_eq(p->history_count, 1);
    cr_expect(p->history[0].has_date);
    cr_expect_eq(p->history[0].date.mod, EXTRACT_MOD_FISCAL);
    p = must_find("Long Thành");
    cr_expect_eq(p->status, EXTRACT_STATUS_PLANNED,
                 "expected by the end of 2025, not completed");
}

Test(project, institutions_need_a_project_word, .init = seed_setup,
     .fini = teardown) {
    const extract_project_t *p = must_find("Trường Đại học Việt");
    cr_expect_eq(p->sector, EXTRACT_SECTOR_EDUCATION);
    cr_expect_eq(p->funding, EXTRACT_FUNDING_ODA_LOAN);
    cr_expect_geq(p->mention_count, 5, "every article's mention");
    size_t n;
    find_project("Yamanashi", &n);
    cr_expect_eq(n, 0, "a university named in a caption is no project");
}

Test(project, satellite_mentions_merge, .init = seed_setup, .fini = teardown) {
    const extract_project_t *p = must_find("LOTUSat");
    cr_expect_eq(p->sector, EXTRACT_SECTOR_SPACE);
    size_t d004 = corpus_doc_find_index(corpus, "004_5793ab1afd7dfe9c");
    int in004 = 0;
    for (size_t i = 0; i < p->mention_count; i++)
        in004 |= p->mentions[i].doc == d004;
    cr_expect(in004);
    cr_expect(project_matches(p, "quan sát trái đất"),
              "the descriptive name of the same paragraph is an alias");
}

Test(project, generic_phrases_are_no_projects, .init = seed_setup,
     .fini = teardown) {
    /* no name is one of these, or starts with one of the longer ones */
    static const char *const generic[] = {"dự án hợp tác",
                                          "dự án hạ tầng khác",
                                          "dự án phát triển hạ tầng chiến lược",
                                          "dự án điện hạt nhân",
                                          "Dự án này",
                                          "dự án startup",
                                          "đường bộ cao tốc"};
    for (size_t i = 0; i < extract_project_count(res); i++) {
        const extract_project_t *p = extract_project_at(res, i);
        for (size_t g = 0; g < VJ_ARRAY_SIZE(generic); g++) {
            char *a = folded(p->name), *b = folded(generic[g]);
            cr_expect(strcmp(a, b) != 0 &&
                          (g < 1 || strncmp(a, b, strlen(b)) != 0),
                      "\"%s\" is generic", p->name);
            free(a);
            free(b);
        }
    }
}

Test(project, names_end_where_the_name_ends, .init = seed_setup,
     .fini = teardown) {
    cr_expect_str_eq(must_find("Nhà máy điện gió Quảng Trị")->name,
                     "Nhà máy điện gió Quảng Trị");
    cr_expect_str_eq(must_find("VietLeap")->name,
                     "dự án VietLeap AI Accelerator");
    cr_expect_str_eq(must_find("Sakura")->name,
                     "Chương trình nghiên cứu khoa học Sakura");
    const extract_project_t *p = must_find("viêm gan");
    cr_expect_str_eq(p->name, "Dự án đẩy mạnh công tác phòng, chống bệnh "
                              "viêm gan virus tại Việt Nam");
    /* an enumeration that ends in an acronym stays whole */
    p = must_find("NEXUS");
    cr_expect(project_matches(p, "đổi mới sáng tạo Nhật Bản – ASEAN"));
    cr_expect(project_matches(p, "Chương trình NEXUS"));
}

Test(project, ids_are_unique_slugs, .init = seed_setup, .fini = teardown) {
    for (size_t i = 0; i < extract_project_count(res); i++) {
        const char *id = extract_project_at(res, i)->id;
        cr_assert(id && *id);
        for (const char *c = id; *c; c++)
            cr_assert((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
                          *c == '-',
                      "id %s", id);
        cr_assert_leq(strlen(id), 80);
        for (size_t j = 0; j < i; j++)
            cr_assert_str_neq(id, extract_project_at(res, j)->id);
    }
}

Test(project, mentions_point_at_their_names, .init = seed_setup,
     .fini = teardown) {
    for (size_t i = 0; i < extract_project_count(res); i++) {
        const extract_project_t *p = extract_project_at(res, i);
        cr_assert_gt(p->mention_count, 0);
        for (size_t k = 0; k < p->mention_count; k++) {
            const extract_source_t *m = &p->mentions[k];
            const corpus_doc_t *d = corpus_doc_at(corpus, m->doc);
            cr_assert_not_null(d);
            cr_assert_lt(m->span.start, m->span.end);
            cr_assert_leq(m->span.end, d->text_len);
            cr_assert_lt(m->paragraph, d->paragraph_count);
            const corpus_span_t *ps = &d->paragraphs[m->paragraph].span;
            cr_assert(m->span.start >= ps->start && m->span.end <= ps->end);
            cr_assert_eq(text_utf8_count(d->text, m->span.start),
                         m->span.char_start);
            cr_assert_eq(text_utf8_count(d->text + m->span.start,
                                         m->span.end - m->span.start),
                         m->span.char_end - m->span.char_start);
        }
        for (size_t k = 0; k < p->history_count; k++) {
            const extract_source_t *s = &p->history[k].source;
            cr_assert_leq(s->span.end, corpus_doc_at(corpus, s->doc)->text_len);
            if (k > 0 && p->history[k].has_date)
                cr_assert(p->history[k - 1].has_date, "undated last");
        }
    }
}

Test(project, events_link_to_the_project_they_concern, .init = seed_setup,
     .fini = teardown) {
    int linked = 0;
    for (size_t i = 0; i < extract_event_count(res); i++) {
        const extract_event_t *ev = extract_event_at(res, i);
        if (ev->project < 0)
            continue;
        cr_assert_lt((size_t)ev->project, extract_project_count(res));
        const extract_project_t *p =
            extract_project_at(res, (size_t)ev->project);
        if (strcmp(p->id, "metro-so-1-tp-ho-chi-minh") == 0 &&
            ev->type == EXTRACT_EVENT_OPENING)
            linked = 1;
    }
    cr_expect(linked, "the opening of Metro Line 1 links to it");
}

/* --- documents built in memory
 * ------------------------------------------------ */

typedef struct {
    const char *id;
    const char *published;
    const char *text;
} mini_doc_t;

static void run_docs(const mini_doc_t *docs, size_t n) {
    corpus_doc_t *parsed[8];
    cr_assert_leq(n, 8);
    for (size_t i = 0; i < n; i++) {
        corpus_meta_t meta = {.title = "t", .published = docs[i].published};
        char file[64];
        snprintf(file, sizeof file, "%s.txt", docs[i].id);
        cr_assert_eq(corpus_doc_parse(docs[i].id, file, docs[i].text,
                                      strlen(docs[i].text), &meta, clex, NULL,
                                      NULL, &parsed[i]),
                     0);
    }
    cr_assert_eq(corpus_from_docs(parsed, n, &corpus), 0);
    cr_assert_eq(extract_run(xlex, corpus, &res), 0);
}

Test(project, place_after_a_bare_number_stays_in_the_name, .init = lex_setup,
     .fini = teardown) {
    mini_doc_t d = {"a", "2025-06-01",
                    "Hôm nay, Hà Nội khởi công tuyến Metro số 3 tại Hà Nội "
                    "do JICA tài trợ. Nhà máy nước Sông Đà tại Hà Nội đã "
                    "được khánh thành vào tháng 3/2025."};
    run_docs(&d, 1);
    cr_assert_eq(extract_project_count(res), 2);
    const extract_project_t *m = extract_project_at(res, 0);
    cr_expect_str_eq(m->name, "tuyến Metro số 3 tại Hà Nội");
    cr_expect_str_eq(m->id, "metro-so-3-ha-noi");
    cr_expect(has_partner(m, "jica"));
    const extract_project_t *w = extract_project_at(res, 1);
    cr_expect_str_eq(w->name, "Nhà máy nước Sông Đà");
    cr_expect_eq(w->status, EXTRACT_STATUS_OPERATIONAL);
    cr_assert_eq(w->history_count, 1);
    char s[11], e[11];
    extract_date_format(&w->history[0].date, s, e);
    cr_expect_str_eq(s, "2025-03");
}

Test(project, plural_and_anaphora_are_skipped, .init = lex_setup,
     .fini = teardown) {
    mini_doc_t d = {"a", "2025-06-01",
                    "Các dự án hạ tầng sẽ được đẩy nhanh. Hai bên có 15 dự "
                    "án đầu tư. Dự án này rất quan trọng. Dự án."};
    run_docs(&d, 1);
    cr_expect_eq(extract_project_count(res), 0);
}

Test(project, planning_words_make_a_plan, .init = lex_setup, .fini = teardown) {
    mini_doc_t d = {"a", "2025-06-01",
                    "Hai bên dự kiến khởi công Nhà máy điện Sơn Mỹ 2 vào năm "
                    "2026. Năm 2020, Nhà máy điện Vĩnh Tân 4 đã hoàn thành."};
    run_docs(&d, 1);
    cr_assert_eq(extract_project_count(res), 2);
    cr_expect_eq(extract_project_at(res, 0)->status, EXTRACT_STATUS_PLANNED);
    cr_expect_eq(extract_project_at(res, 1)->status, EXTRACT_STATUS_COMPLETED);
}

Test(project, history_is_in_date_order_and_status_the_latest, .init = lex_setup,
     .fini = teardown) {
    mini_doc_t d[] = {
        {"a", "2025-06-01",
         "Tháng 1/2025, hai bên khánh thành Nhà máy điện Ô Môn 4. Tháng "
         "5/2021, hai bên khởi công Nhà máy điện Ô Môn 4."},
        {"b", "2022-01-01", "Nhà máy điện Ô Môn 4 sử dụng vốn vay ODA."}};
    run_docs(d, 2);
    cr_assert_eq(extract_project_count(res), 1);
    const extract_project_t *p = extract_project_at(res, 0);
    cr_assert_eq(p->history_count, 2);
    cr_expect_eq(p->history[0].status, EXTRACT_STATUS_UNDER_CONSTRUCTION);
    cr_expect_eq(p->history[1].status, EXTRACT_STATUS_OPERATIONAL);
    cr_expect_eq(p->status, EXTRACT_STATUS_OPERATIONAL);
    cr_expect_eq(p->funding, EXTRACT_FUNDING_ODA_LOAN);
    cr_expect_eq(p->mention_count, 3);
}

Test(project, ids_do_not_depend_on_other_articles, .init = lex_setup,
     .fini = teardown) {
    mini_doc_t one[] = {
        {"b", "2025-06-01", "Hai bên khởi công Nhà máy điện Ô Môn 4."}};
    run_docs(one, 1);
    char *id = vj_strdup(extract_project_at(res, 0)->id);
    extract_result_free(res);
    res = NULL;
    corpus_unref(corpus);
    corpus = NULL;
    mini_doc_t two[] = {
        {"a", "2025-06-01", "Hai bên khởi công tuyến Metro số 2 tại Hà Nội."},
        {"b", "2025-06-01", "Hai bên khởi công Nhà máy điện Ô Môn 4."}};
    run_docs(two, 2);
    cr_assert_eq(extract_project_count(res), 2);
    size_t n;
    const extract_project_t *p = find_project("Ô Môn", &n);
    cr_assert_eq(n, 1);
    cr_expect_str_eq(p->id, id);
    free(id);
}

Test(project, colliding_slugs_get_suffixes, .init = lex_setup,
     .fini = teardown) {
    mini_doc_t d[] = {
        {"a", "2025-06-01", "Hai bên khởi công Nhà máy điện Ô Môn 4."},
        {"b", "2025-06-01",
         "Hai bên khởi công Nhà máy Điện Ô Môn 4 ở Cần Thơ "
         "và nhà máy điện Ô Môn 3."}};
    run_docs(d, 2);
    for (size_t i = 0; i < extract_project_count(res); i++)
        for (size_t j = 0; j < i; j++)
            cr_assert_str_neq(extract_project_at(res, i)->id,
                              extract_project_at(res, j)->id);
}

Test(project, curated_alias_joins_its_project, .init = lex_setup,
     .fini = teardown) {
    mini_doc_t d[] = {
        {"a", "2025-06-01",
         "Tuyến Bến Thành – Suối Tiên đã chính thức vận hành."},
        {"b", "2025-06-01",
         "Hai bên khánh thành tuyến Metro số 1 tại TP. Hồ Chí Minh."}};
    run_docs(d, 2);
    cr_assert_eq(extract_project_count(res), 1);
    const extract_project_t *p = extract_project_at(res, 0);
    cr_expect_eq(p->mention_count, 2);
    cr_expect_eq(p->status, EXTRACT_STATUS_OPERATIONAL);
}

Test(project, a_bare_head_is_no_project, .init = lex_setup, .fini = teardown) {
    mini_doc_t d = {"a", NULL, "Dự án"};
    run_docs(&d, 1);
    cr_expect_eq(extract_project_count(res), 0);
}

/* --- the lexicon files
 * ---------------------------------------------------------- */

static int problems;
static void count_problem(const corpus_problem_t *p, void *data) {
    (void)p;
    (void)data;
    problems++;
}

Test(project, bad_rows_are_reported) {
    char dir[] = "/tmp/vj_project_lexXXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    static const char *const names[] = {
        "project_heads.tsv", "project_sectors.tsv", "project_status.tsv",
        "project_funding.tsv", "project_aliases.tsv"};
    char path[256];
    for (size_t i = 0; i < VJ_ARRAY_SIZE(names); i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "w");
        cr_assert_not_null(f);
        if (i == 1)
            fputs("sector\tđiện\tpower\t3\n", f); /* unknown sector */
        fclose(f);
    }
    extract__project_lex_t *pl = NULL;
    problems = 0;
    int rc = extract__project_lex_load(dir, count_problem, NULL, &pl);
    cr_expect_neq(rc, 0);
    cr_expect_eq(problems, 1);
    extract__project_lex_free(pl);
    for (size_t i = 0; i < VJ_ARRAY_SIZE(names); i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}
