/* test_entity.c - the gazetteers of data/lexicon and the entity mention
 * matcher (src/extract/entity.c): spans in the seed articles, roles,
 * surname-only forms, former province names, tone placement, word
 * boundaries, and load-time checks of the data. Run from the repository
 * root. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/extract/internal.h"
#include "vjcorpus/text.h"

static extract__gazetteer_t *gz;

static void problem_print(const corpus_problem_t *p, void *data) {
    (void)data;
    fprintf(stderr, "%s:%u: %s\n", p->file, p->line, p->message);
}

static void gz_setup(void) {
    int rc = extract__gazetteer_load("data/lexicon", problem_print, NULL, &gz);
    cr_assert_eq(rc, 0, "the gazetteer must load: %s", vj_strerror(rc));
}

static void gz_teardown(void) {
    extract__gazetteer_free(gz);
    gz = NULL;
}

TestSuite(entity, .init = gz_setup, .fini = gz_teardown);

typedef struct {
    extract_mention_t *m;
    size_t n;
    const char *text;
} found_t;

static found_t find(const char *text) {
    found_t f = {.text = text};
    f.n = extract__gazetteer_find(gz, text, strlen(text), &f.m);
    return f;
}

static const char *id_of(const extract_mention_t *m) {
    return extract__gazetteer_at(gz, m->entity)->id;
}

/* The mention of id whose span is exactly the first occurrence of name at
 * or after the first occurrence of ctx in the text, or NULL. */
static const extract_mention_t *mention_at(const found_t *f, const char *ctx,
                                           const char *name, const char *id) {
    const char *c = strstr(f->text, ctx);
    if (c == NULL)
        return NULL;
    const char *p = strstr(c, name);
    if (p == NULL)
        return NULL;
    uint32_t s = (uint32_t)(p - f->text), e = s + (uint32_t)strlen(name);
    for (size_t i = 0; i < f->n; i++)
        if (f->m[i].start == s && f->m[i].end == e &&
            strcmp(id_of(&f->m[i]), id) == 0)
            return &f->m[i];
    return NULL;
}

static int has_id(const found_t *f, const char *id) {
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(id_of(&f->m[i]), id) == 0)
            return 1;
    return 0;
}

static void role_is(const found_t *f, const extract_mention_t *m,
                    const char *role) {
    cr_assert_not_null(m);
    size_t rl = m->role_end - m->role_start;
    cr_assert(rl == strlen(role) &&
                  memcmp(f->text + m->role_start, role, rl) == 0,
              "role \"%.*s\", expected \"%s\"", (int)rl,
              f->text + m->role_start, role);
}

static char *article(const char *prefix) {
    char path[256];
    snprintf(path, sizeof path, "data/corpus/%s", prefix);
    char *buf = NULL;
    size_t len;
    cr_assert_eq(vj_file_read(path, 1 << 20, &buf, &len), 0, "%s", path);
    return buf;
}

/* --- The data ------------------------------------------------------- */

Test(entity, gazetteer_has_unique_ids_and_names) {
    size_t n = extract__gazetteer_count(gz);
    cr_assert_gt(n, 300);
    size_t people = 0, orgs = 0, places = 0;
    for (size_t i = 0; i < n; i++) {
        const extract_entity_t *e = extract__gazetteer_at(gz, i);
        people += e->type == EXTRACT_ENTITY_PERSON;
        orgs += e->type == EXTRACT_ENTITY_ORGANIZATION;
        places += e->type == EXTRACT_ENTITY_PLACE;
        for (size_t j = i + 1; j < n; j++)
            cr_assert_str_neq(e->id, extract__gazetteer_at(gz, j)->id);
        /* Every name and alias is claimed by this entry alone: matched
         * alone, it is one mention of this entity covering it all. */
        for (size_t a = 0; a <= e->alias_count; a++) {
            const char *name = a == 0 ? e->name : e->aliases[a - 1];
            found_t f = find(name);
            cr_assert_eq(f.n, 1, "\"%s\" of %s gives %zu mentions", name, e->id,
                         f.n);
            cr_assert_eq(f.m[0].entity, i, "\"%s\" is %s, not %s", name,
                         id_of(&f.m[0]), e->id);
            cr_assert_eq(f.m[0].start, 0);
            cr_assert_eq(f.m[0].end, strlen(name));
            free(f.m);
        }
    }
    cr_assert_gt(people, 80);
    cr_assert_gt(orgs, 100);
    cr_assert_gt(places, 150);
    cr_assert_null(extract__gazetteer_at(gz, n));
}

Test(entity, vietnam_has_34_provinces_with_former_names) {
    size_t prov = 0;
    /* The 34 units: each name resolves to itself. */
    static const char *const units[] = {
        "Hà Nội",          "Huế",         "Hải Phòng",  "Đà Nẵng",
        "TP. Hồ Chí Minh", "Cần Thơ",     "Lai Châu",   "Điện Biên",
        "Sơn La",          "Lạng Sơn",    "Quảng Ninh", "Thanh Hóa",
        "Nghệ An",         "Hà Tĩnh",     "Cao Bằng",   "Tuyên Quang",
        "Lào Cai",         "Thái Nguyên", "Phú Thọ",    "Bắc Ninh",
        "Hưng Yên",        "Ninh Bình",   "Quảng Trị",  "Quảng Ngãi",
        "Gia Lai",         "Khánh Hòa",   "Lâm Đồng",   "Đắk Lắk",
        "Đồng Nai",        "Tây Ninh",    "Vĩnh Long",  "Đồng Tháp",
        "Cà Mau",          "An Giang"};
    cr_assert_eq(VJ_ARRAY_SIZE(units), 34);
    for (size_t i = 0; i < VJ_ARRAY_SIZE(units); i++) {
        found_t f = find(units[i]);
        cr_assert_eq(f.n, 1, "%s", units[i]);
        const extract_entity_t *e = extract__gazetteer_at(gz, f.m[0].entity);
        cr_assert_eq(e->type, EXTRACT_ENTITY_PLACE);
        cr_assert_str_eq(e->name, units[i]);
        cr_assert_str_eq(e->country, "VN");
        prov++;
        free(f.m);
    }
    cr_assert_eq(prov, 34);
    /* Former provinces resolve to the unit that absorbed them. */
    static const char *const former[][2] = {
        {"Quảng Bình", "quang-tri"},
        {"Long An", "tay-ninh"},
        {"Bình Phước", "dong-nai"},
        {"Bến Tre", "vinh-long"},
        {"Trà Vinh", "vinh-long"},
        {"Bình Dương", "tp-ho-chi-minh"},
        {"Bà Rịa - Vũng Tàu", "tp-ho-chi-minh"},
        {"Hải Dương", "hai-phong"},
        {"Hà Nam", "ninh-binh"},
        {"Nam Định", "ninh-binh"},
        {"Vĩnh Phúc", "phu-tho"},
        {"Hòa Bình", "phu-tho"},
        {"Bắc Giang", "bac-ninh"},
        {"Thái Bình", "hung-yen"},
        {"Yên Bái", "lao-cai"},
        {"Hà Giang", "tuyen-quang"},
        {"Bắc Kạn", "thai-nguyen"},
        {"Đắk Nông", "lam-dong"},
        {"Bình Thuận", "lam-dong"},
        {"Phú Yên", "dak-lak"},
        {"Bình Định", "gia-lai"},
        {"Ninh Thuận", "khanh-hoa"},
        {"Kon Tum", "quang-ngai"},
        {"Quảng Nam", "da-nang"},
        {"Sóc Trăng", "can-tho"},
        {"Hậu Giang", "can-tho"},
        {"Kiên Giang", "an-giang"},
        {"Bạc Liêu", "ca-mau"},
        {"Tiền Giang", "dong-thap"},
        {"Thừa Thiên Huế", "hue"}};
    for (size_t i = 0; i < VJ_ARRAY_SIZE(former); i++) {
        found_t f = find(former[i][0]);
        cr_assert_eq(f.n, 1, "%s", former[i][0]);
        cr_assert_str_eq(id_of(&f.m[0]), former[i][1], "%s", former[i][0]);
        free(f.m);
    }
}

/* --- The seed articles ---------------------------------------------- */

Test(entity, article_000_people_roles_places) {
    char *t = article("000_9a418107b7a7cca5.txt");
    found_t f = find(t);
    const extract_mention_t *m;

    m = mention_at(&f, "Đại sứ Nhật Bản tại Việt Nam Ito Naoki khẳng định",
                   "Ito Naoki", "ito-naoki");
    role_is(&f, m, "Đại sứ");
    cr_assert_not_null(mention_at(&f, "Đại sứ Nhật Bản tại Việt Nam Ito",
                                  "Nhật Bản", "nhat-ban"));
    cr_assert_not_null(mention_at(&f, "Đại sứ Nhật Bản tại Việt Nam Ito",
                                  "Việt Nam", "viet-nam"));
    m = mention_at(&f, "Thống đốc tỉnh Gunma", "Yamamoto Ichita",
                   "yamamoto-ichita");
    role_is(&f, m, "Thống đốc");
    cr_assert_not_null(
        mention_at(&f, "Thống đốc tỉnh Gunma", "Gunma", "gunma"));
    m = mention_at(&f, "nay là Thủ tướng Takaichi,", "Takaichi",
                   "takaichi-sanae");
    role_is(&f, m, "Thủ tướng");
    m = mention_at(&f, "Dưới thời cựu Thủ tướng Ishiba", "Ishiba",
                   "ishiba-shigeru");
    role_is(&f, m, "cựu Thủ tướng");
    m = mention_at(&f, "tân Thủ tướng Nhật Bản Takaichi Sanae",
                   "Takaichi Sanae", "takaichi-sanae");
    role_is(&f, m, "tân Thủ tướng");
    m = mention_at(&f, "Bộ trưởng Ngoại giao Lê Hoài Trung", "Lê Hoài Trung",
                   "le-hoai-trung");
    role_is(&f, m, "Bộ trưởng Ngoại giao");
    m = mention_at(&f, "Chủ tịch nước Lương Cường", "Lương Cường",
                   "luong-cuong");
    role_is(&f, m, "Chủ tịch nước");
    cr_assert_not_null(
        mention_at(&f, "tại tỉnh Quảng Ninh", "Quảng Ninh", "quang-ninh"));
    cr_assert_not_null(
        mention_at(&f, "tại Kuala Lumpur", "Kuala Lumpur", "kuala-lumpur"));
    cr_assert_not_null(mention_at(&f, "ở Nam Phi", "Nam Phi", "nam-phi"));
    cr_assert_not_null(
        mention_at(&f, "Hội nghị thượng đỉnh G20", "G20", "g20"));
    cr_assert_not_null(mention_at(&f, "(JICA)", "JICA", "jica"));
    cr_assert_not_null(
        mention_at(&f, "(NIC)", "NIC", "trung-tam-doi-moi-sang-tao-quoc-gia"));
    cr_assert_not_null(mention_at(&f, "khảo sát của JETRO", "JETRO", "jetro"));
    cr_assert_not_null(
        mention_at(&f, "do Sumitomo", "Sumitomo Corporation", "sumitomo"));
    cr_assert_not_null(mention_at(&f, "tại TP. Hồ Chí Minh", "TP. Hồ Chí Minh",
                                  "tp-ho-chi-minh"));
    cr_assert_not_null(mention_at(&f, "cập cảng Hakata", "Hakata", "hakata"));
    cr_assert_not_null(mention_at(&f, "tàu Hải quân Nhật Bản",
                                  "Hải quân Nhật Bản",
                                  "luc-luong-phong-ve-bien-nhat-ban"));
    cr_assert_not_null(mention_at(&f, "khu vực Ấn Độ Dương",
                                  "Ấn Độ Dương - Thái Bình Dương",
                                  "an-do-duong-thai-binh-duong"));
    /* "Việt - Nhật" is an adjective: neither country is mentioned there. */
    const char *vn = strstr(t, "quan hệ Việt - Nhật");
    cr_assert_not_null(vn);
    for (size_t i = 0; i < f.n; i++)
        cr_assert(f.m[i].start != (uint32_t)(vn - t) + strlen("quan hệ "));
    free(f.m);
    free(t);
}

Test(entity, article_001_joint_statement) {
    char *t = article("001_58805106130a1a09.txt");
    found_t f = find(t);
    const extract_mention_t *m;
    m = mention_at(&f, "Nhân dịp Thủ tướng Nhật Bản Ishiba Shigeru",
                   "Ishiba Shigeru", "ishiba-shigeru");
    role_is(&f, m, "Thủ tướng");
    m = mention_at(&f, "Thủ tướng Chính phủ nước Cộng hòa xã hội chủ nghĩa",
                   "Phạm Minh Chính", "pham-minh-chinh");
    role_is(&f, m, "Thủ tướng Chính phủ");
    cr_assert_not_null(
        mention_at(&f, "28/4/2025 tại Hà Nội", "Hà Nội", "ha-noi"));
    m = mention_at(&f, "(2) Thủ tướng Ishiba", "Ishiba", "ishiba-shigeru");
    role_is(&f, m, "Thủ tướng");
    cr_assert_not_null(
        mention_at(&f, "tại tỉnh Trà Vinh", "Trà Vinh", "vinh-long"));
    cr_assert_not_null(
        mention_at(&f, "tại tỉnh Đồng Nai", "Đồng Nai", "dong-nai"));
    cr_assert_not_null(
        mention_at(&f, "LNG Thái Bình", "Thái Bình", "hung-yen"));
    cr_assert_not_null(mention_at(&f, "Tập đoàn Toyota Tsusho", "Toyota Tsusho",
                                  "toyota-tsusho"));
    cr_assert_not_null(mention_at(&f, "Triển lãm Kansai", "Osaka", "osaka"));
    cr_assert_not_null(mention_at(&f, "Hội nghị cấp cao Mê Công",
                                  "Mê Công – Nhật Bản",
                                  "hop-tac-me-cong-nhat-ban"));
    cr_assert_not_null(mention_at(&f, "Thành phố Hồ Chí Minh",
                                  "Thành phố Hồ Chí Minh", "tp-ho-chi-minh"));
    cr_assert_not_null(mention_at(&f, "nhiệt điện của EVN", "EVN", "evn"));
    cr_assert(has_id(&f, "jbic"));
    cr_assert(has_id(&f, "truong-dai-hoc-viet-nhat"));
    /* "Việt Namsớm" (a typo in the article) is no mention: a letter
     * continues the name. */
    const char *typo = strstr(t, "Việt Namsớm");
    cr_assert_not_null(typo);
    for (size_t i = 0; i < f.n; i++)
        cr_assert_neq(f.m[i].start, (uint32_t)(typo - t));
    free(f.m);
    free(t);
}

Test(entity, article_002_forum) {
    char *t = article("002_1e863f61e29da7dd.txt");
    found_t f = find(t);
    const extract_mention_t *m;
    m = mention_at(&f, "nguyên Thủ tướng Nhật Bản Ishiba Shigeru",
                   "Ishiba Shigeru", "ishiba-shigeru");
    role_is(&f, m, "nguyên Thủ tướng");
    m = mention_at(&f, "Thủ tướng Nhật Bản Takaichi -", "Takaichi",
                   "takaichi-sanae");
    role_is(&f, m, "Thủ tướng");
    cr_assert_not_null(
        mention_at(&f, "(tỉnh Bắc Ninh)", "Bắc Ninh", "bac-ninh"));
    free(f.m);
    free(t);
}

Test(entity, article_003_regions_and_agreements) {
    char *t = article("003_53ad46796207618d.txt");
    found_t f = find(t);
    cr_assert_not_null(mention_at(&f, "như CPTPP", "CPTPP", "cptpp"));
    cr_assert_not_null(mention_at(&f, "và RCEP", "RCEP", "rcep"));
    cr_assert_not_null(mention_at(&f, "thượng đỉnh G7", "G7", "g7"));
    cr_assert_not_null(mention_at(&f, "khu vực Ấn Độ Dương-Thái",
                                  "Ấn Độ Dương-Thái Bình Dương",
                                  "an-do-duong-thai-binh-duong"));
    cr_assert_not_null(mention_at(&f, "đất nước Mặt trời mọc",
                                  "đất nước Mặt trời mọc", "nhat-ban"));
    cr_assert_not_null(mention_at(&f, "Trường đại học Yamanashi",
                                  "Trường đại học Yamanashi Gakuin",
                                  "dai-hoc-yamanashi-gakuin"));
    cr_assert_not_null(
        mention_at(&f, "như Liên hợp quốc", "Liên hợp quốc", "lien-hop-quoc"));
    cr_assert_not_null(mention_at(&f, "ASEAN, Mê Công", "Mê Công", "me-cong"));
    cr_assert(!has_id(&f, "yamanashi"));
    free(f.m);
    free(t);
}

Test(entity, article_004_state_visit) {
    char *t = article("004_5793ab1afd7dfe9c.txt");
    found_t f = find(t);
    const extract_mention_t *m;
    m = mention_at(&f, "Thủ tướng Fumio Kishida", "Fumio Kishida",
                   "kishida-fumio");
    role_is(&f, m, "Thủ tướng");
    m = mention_at(&f, "Chủ tịch nước Võ Văn Thưởng và", "Võ Văn Thưởng",
                   "vo-van-thuong");
    role_is(&f, m, "Chủ tịch nước");
    m = mention_at(&f, "Thủ tướng Kishida khẳng định", "Kishida",
                   "kishida-fumio");
    role_is(&f, m, "Thủ tướng");
    cr_assert_not_null(mention_at(&f, "ở Phủ Thủ tướng",
                                  "Phủ Thủ tướng Nhật Bản",
                                  "phu-thu-tuong-nhat-ban"));
    cr_assert_not_null(mention_at(&f, "(JAXA)", "JAXA", "jaxa"));
    cr_assert_not_null(mention_at(&f, "thông cáo của Bộ Ngoại giao",
                                  "Bộ Ngoại giao", "bo-ngoai-giao"));
    cr_assert_not_null(
        mention_at(&f, "Liên Hợp Quốc", "Liên Hợp Quốc", "lien-hop-quoc"));
    free(f.m);
    free(t);
}

Test(entity, mentions_are_ordered_disjoint_and_on_boundaries) {
    static const char *const files[] = {
        "000_9a418107b7a7cca5.txt", "001_58805106130a1a09.txt",
        "002_1e863f61e29da7dd.txt", "003_53ad46796207618d.txt",
        "004_5793ab1afd7dfe9c.txt"};
    for (size_t k = 0; k < VJ_ARRAY_SIZE(files); k++) {
        char *t = article(files[k]);
        found_t f = find(t);
        cr_assert_gt(f.n, 10);
        uint32_t prev = 0;
        for (size_t i = 0; i < f.n; i++) {
            const extract_mention_t *m = &f.m[i];
            cr_assert(m->start >= prev && m->start < m->end);
            cr_assert_leq(m->end, strlen(t));
            cr_assert_neq((unsigned char)t[m->start] & 0xC0, 0x80);
            if (m->role_end) {
                cr_assert_lt(m->role_start, m->role_end);
                cr_assert_leq(m->role_end, m->start);
                cr_assert_eq(extract__gazetteer_at(gz, m->entity)->type,
                             EXTRACT_ENTITY_PERSON);
            }
            prev = m->end;
        }
        free(f.m);
        free(t);
    }
}

/* --- Rules ----------------------------------------------------------- */

Test(entity, surname_only_needs_a_role) {
    found_t f = find("Takaichi đã phát biểu. Ông Abe và Ito Naoki. Ito nói.");
    cr_assert(!has_id(&f, "takaichi-sanae"));
    cr_assert(has_id(&f, "abe-shinzo")); /* "Ông" is an honorific */
    cr_assert(has_id(&f, "ito-naoki"));
    cr_assert_eq(f.n, 2);
    const extract_mention_t *m = mention_at(&f, "Ông Abe", "Abe", "abe-shinzo");
    cr_assert_not_null(m);
    cr_assert_eq(m->role_end, 0); /* an honorific is not a role */
    free(f.m);

    f = find("Abe Shinzo; Abe; Ito; Kishida; Ishiba; Takaichi");
    cr_assert_eq(f.n, 1);
    cr_assert_str_eq(id_of(&f.m[0]), "abe-shinzo");
    free(f.m);

    f = find("Đại sứ Ito cho biết, Thủ tướng Takaichi và cựu Thủ tướng "
             "Kishida");
    cr_assert_eq(f.n, 3);
    role_is(&f, mention_at(&f, "", "Ito", "ito-naoki"), "Đại sứ");
    role_is(&f, mention_at(&f, "", "Takaichi", "takaichi-sanae"), "Thủ tướng");
    role_is(&f, mention_at(&f, "", "Kishida", "kishida-fumio"),
            "cựu Thủ tướng");
    free(f.m);

    /* A comma or any other word breaks the link. */
    f = find("Thủ tướng, Takaichi; Thủ tướng hôm nay Takaichi");
    cr_assert_eq(f.n, 0);
    free(f.m);
}

Test(entity, japanese_names_both_orders) {
    found_t f = find("Kishida Fumio gặp Fumio Kishida và Sanae Takaichi.");
    cr_assert_eq(f.n, 3);
    cr_assert_str_eq(id_of(&f.m[0]), "kishida-fumio");
    cr_assert_str_eq(id_of(&f.m[1]), "kishida-fumio");
    cr_assert_str_eq(id_of(&f.m[2]), "takaichi-sanae");
    cr_assert_eq(f.m[0].role_end, 0);
    free(f.m);
    const extract_entity_t *e = NULL;
    for (size_t i = 0; i < extract__gazetteer_count(gz); i++)
        if (strcmp(extract__gazetteer_at(gz, i)->id, "kishida-fumio") == 0)
            e = extract__gazetteer_at(gz, i);
    cr_assert_not_null(e);
    cr_assert_str_eq(e->name, "Kishida Fumio");
    cr_assert_str_eq(e->country, "JP");
    int rev = 0;
    for (size_t a = 0; a < e->alias_count; a++)
        rev |= strcmp(e->aliases[a], "Fumio Kishida") == 0;
    cr_assert(rev);
    cr_assert_geq(e->role_count, 1);
    cr_assert_str_eq(e->roles[0], "Thủ tướng");
}

Test(entity, role_through_linkers) {
    found_t f = find("Tổng thống Mỹ Donald Trump, Bộ trưởng Bộ Ngoại giao "
                     "Bùi Thanh Sơn và Đại sứ Việt Nam tại Nhật Bản Phạm "
                     "Quang Hiệu; Thủ tướng Malaysia Anwar Ibrahim");
    role_is(&f, mention_at(&f, "", "Donald Trump", "donald-trump"),
            "Tổng thống");
    role_is(&f, mention_at(&f, "", "Bùi Thanh Sơn", "bui-thanh-son"),
            "Bộ trưởng Bộ Ngoại giao"); /* the longest role */
    role_is(&f, mention_at(&f, "", "Phạm Quang Hiệu", "pham-quang-hieu"),
            "Đại sứ");
    role_is(&f, mention_at(&f, "", "Anwar Ibrahim", "anwar-ibrahim"),
            "Thủ tướng");
    cr_assert_not_null(mention_at(&f, "", "Mỹ", "hoa-ky"));
    free(f.m);

    f = find("Cựu Thủ tướng Abe Shinzo; Nhật hoàng Naruhito; Hoàng Thái tử "
             "Akishino; Chủ tịch UBND tỉnh Quảng Ninh Cao Tường Huy");
    role_is(&f, mention_at(&f, "", "Abe Shinzo", "abe-shinzo"),
            "Cựu Thủ tướng");
    role_is(&f, mention_at(&f, "", "Naruhito", "naruhito"), "Nhật hoàng");
    role_is(&f, mention_at(&f, "", "Akishino", "akishino"), "Hoàng Thái tử");
    role_is(&f, mention_at(&f, "", "Cao Tường Huy", "cao-tuong-huy"),
            "Chủ tịch UBND tỉnh");
    free(f.m);
}

Test(entity, tone_placement_and_normal_form) {
    found_t f = find("Khánh Hoà, Thanh Hoá và Hoà Bình; Thừa Thiên Huế");
    cr_assert_eq(f.n, 4);
    cr_assert_str_eq(id_of(&f.m[0]), "khanh-hoa");
    cr_assert_str_eq(id_of(&f.m[1]), "thanh-hoa");
    cr_assert_str_eq(id_of(&f.m[2]), "phu-tho");
    cr_assert_str_eq(id_of(&f.m[3]), "hue");
    cr_assert_eq(f.m[0].end - f.m[0].start, strlen("Khánh Hoà"));
    free(f.m);
    /* NFD input: "Hà Nội" with combining marks. */
    const char *nfd = "o H"
                      "a\xCC\x80"
                      " No\xCC\x82\xCC\xA3i.";
    f = find(nfd);
    cr_assert_eq(f.n, 1);
    cr_assert_str_eq(id_of(&f.m[0]), "ha-noi");
    cr_assert_eq(f.m[0].start, 2);
    cr_assert_eq(f.m[0].end, strlen(nfd) - 1);
    free(f.m);
}

Test(entity, whole_words_only) {
    found_t f = find("G7X G20a aG7 ASEANs xHà Nội Hà Nộii Nam quản trị "
                     "Nhật Chủ Nhật hòa bình Việt - Nhật");
    cr_assert_eq(f.n, 0, "first: %s", f.n ? id_of(&f.m[0]) : "");
    free(f.m);
    f = find("(G7), G20: ASEAN-Nhật Bản");
    cr_assert_eq(f.n, 4);
    cr_assert_str_eq(id_of(&f.m[0]), "g7");
    cr_assert_str_eq(id_of(&f.m[1]), "g20");
    cr_assert_str_eq(id_of(&f.m[2]), "asean");
    cr_assert_str_eq(id_of(&f.m[3]), "nhat-ban");
    free(f.m);
}

Test(entity, longest_match_first) {
    found_t f = find("Thái Bình Dương, Thái Bình, Toyota Tsusho và Toyota, "
                     "Nhà Quốc hội và Quốc hội, Bình Định và Bình Dương");
    static const char *const want[] = {"thai-binh-duong", "hung-yen",
                                       "toyota-tsusho",   "toyota",
                                       "nha-quoc-hoi",    "quoc-hoi-viet-nam",
                                       "gia-lai",         "tp-ho-chi-minh"};
    cr_assert_eq(f.n, VJ_ARRAY_SIZE(want));
    for (size_t i = 0; i < f.n; i++)
        cr_assert_str_eq(id_of(&f.m[i]), want[i]);
    free(f.m);
}

Test(entity, one_word_places_inside_names) {
    /* Vietnamese given names and compound place names hold no country. */
    found_t f = find("ông Nguyễn Đức Chung tới sân Mỹ Đình; Thủ tướng Đức "
                     "và Tổng thống Nga");
    cr_assert_eq(f.n, 2);
    cr_assert_str_eq(id_of(&f.m[0]), "duc");
    cr_assert_str_eq(id_of(&f.m[1]), "nga");
    free(f.m);
}

Test(entity, odd_input) {
    extract_mention_t *m = (extract_mention_t *)1;
    cr_assert_eq(extract__gazetteer_find(gz, "", 0, &m), 0);
    cr_assert_null(m);
    const char bad[] = "\xC3 H\xE0\x80 \xFF Hà Nội \xF0\x9F";
    cr_assert_eq(extract__gazetteer_find(gz, bad, sizeof bad - 1, &m), 1);
    cr_assert_str_eq(id_of(&m[0]), "ha-noi");
    free(m);
    cr_assert_eq(extract__gazetteer_find(NULL, "Hà Nội", 7, &m), 0);
    cr_assert_eq(extract__gazetteer_count(NULL), 0);
    extract__gazetteer_free(NULL);
}

/* --- Load-time checks ------------------------------------------------ */

typedef struct {
    int count;
    char last[512];
} problems_t;

static void problem_keep(const corpus_problem_t *p, void *data) {
    problems_t *pr = data;
    pr->count++;
    snprintf(pr->last, sizeof pr->last, "%s:%u: %s", p->file, p->line,
             p->message);
}

static void write_file(const char *dir, const char *name, const char *s) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fputs(s, fp);
    fclose(fp);
}

static int load_with(const char *people, const char *orgs, const char *places,
                     problems_t *pr) {
    char dir[] = "/tmp/vj_entity_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    write_file(dir, "roles.txt",
               "[roles]\nThủ tướng\n[prefixes]\ncựu\n"
               "[linkers]\ntại\n[honorifics]\nông\n");
    write_file(dir, "people.tsv", people);
    write_file(dir, "organizations.tsv", orgs);
    write_file(dir, "places.tsv", places);
    extract__gazetteer_t *g = NULL;
    memset(pr, 0, sizeof *pr);
    int rc = extract__gazetteer_load(dir, problem_keep, pr, &g);
    extract__gazetteer_free(g);
    static const char *const names[] = {"roles.txt", "people.tsv",
                                        "organizations.tsv", "places.tsv"};
    char path[512];
    for (size_t i = 0; i < VJ_ARRAY_SIZE(names); i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
    return rc;
}

Test(entity, load_rejects_bad_data) {
    problems_t pr;
    cr_assert_eq(load_with("# c\nha-noi\tHà Nội\tVN\n", "", "", &pr), 0);
    cr_assert_eq(pr.count, 0);

    cr_assert_neq(load_with("ha-noi-x\tHà Nội\tVN\n", "",
                            "ha-noi\tHà "
                            "Nội\tVN\n",
                            &pr),
                  0);
    cr_assert(strstr(pr.last, "places.tsv:1:") && strstr(pr.last, "ha-noi"),
              "%s", pr.last);

    cr_assert_neq(load_with("a\tA\tVN\na\tA\tVN\n", "", "", &pr), 0);
    cr_assert(strstr(pr.last, "people.tsv:2: duplicate id"), "%s", pr.last);

    cr_assert_neq(
        load_with("ha-nam\tHà Nam\tVN\n", "", "x\tX\tVN\tHà Nam\n", &pr), 0);
    cr_assert(strstr(pr.last, "already names ha-nam"), "%s", pr.last);

    cr_assert_neq(load_with("hanoi\tHà Nội\tVN\n", "", "", &pr), 0);
    cr_assert(strstr(pr.last, "not the slug"), "%s", pr.last);

    cr_assert_neq(load_with("a\tA\tVietnam\n", "", "", &pr), 0);
    cr_assert(strstr(pr.last, "country"), "%s", pr.last);

    cr_assert_neq(load_with("a\tA\n", "", "", &pr), 0);
    cr_assert(strstr(pr.last, "at least 3"), "%s", pr.last);

    cr_assert_neq(load_with("thu-tuong\tThủ tướng\tVN\n", "", "", &pr), 0);
    cr_assert(strstr(pr.last, "roles.txt") && strstr(pr.last, "thu-tuong"),
              "%s", pr.last);

    cr_assert_neq(load_with("a\tA\xFF\tVN\n", "", "", &pr), 0);
    cr_assert(strstr(pr.last, "UTF-8"), "%s", pr.last);
}
