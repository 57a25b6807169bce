/* fuzz_entity.c - libFuzzer harness for the entity matcher and the
 * gazetteer loader (src/extract/entity.c). The gazetteer of data/lexicon is
 * loaded once (run from the repository root). An input whose first byte is
 * 'G' is a gazetteer: the rest is written as people.tsv next to a fixed
 * roles.txt and loaded, which must succeed or fail cleanly. Any other input
 * is text for extract__gazetteer_find(), whose mentions must be ordered,
 * disjoint, inside the text, start and end on code-point boundaries (when
 * the text is valid UTF-8; a bad byte is a token of its own), and carry a
 * role span only for people, before the name. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/extract/internal.h"
#include "vjcorpus/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const extract__gazetteer_t *fuzz_gazetteer(void) {
    static int loaded;
    static extract__gazetteer_t *g;
    if (!loaded) {
        loaded = 1;
        if (extract__gazetteer_load("data/lexicon", NULL, NULL, &g) != 0)
            abort();
    }
    return g;
}

static void put(const char *dir, const char *name, const void *p, size_t n) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "wb");
    if (fp == NULL)
        abort();
    fwrite(p, 1, n, fp);
    fclose(fp);
}

static void fuzz_load(const uint8_t *data, size_t size) {
    static char dir[64];
    if (dir[0] == '\0') {
        snprintf(dir, sizeof dir, "/tmp/fuzz_entity_%ld", (long)getpid());
        mkdir(dir, 0700);
        const char roles[] = "[roles]\nThủ tướng\n[prefixes]\ncựu\n"
                             "[linkers]\ntại\n[honorifics]\nông\n";
        put(dir, "roles.txt", roles, sizeof roles - 1);
        put(dir, "organizations.tsv", "", 0);
        put(dir, "places.tsv", "ha-noi\tHà Nội\tVN\t\tcity\n", 25);
    }
    put(dir, "people.tsv", data, size);
    extract__gazetteer_t *g = NULL;
    if (extract__gazetteer_load(dir, NULL, NULL, &g) == 0) {
        const char text[] = "Thủ tướng Hà Nội ông A cựu Thủ tướng B";
        extract_mention_t *m;
        extract__gazetteer_find(g, text, sizeof text - 1, &m);
        free(m);
        for (size_t i = 0; i < extract__gazetteer_count(g); i++)
            if (extract__gazetteer_at(g, i)->id == NULL)
                abort();
    }
    extract__gazetteer_free(g);
}

static int boundary(const uint8_t *s, size_t len, uint32_t at) {
    return at == len || (s[at] & 0xC0) != 0x80;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 256 * 1024)
        return 0;
    if (size > 0 && data[0] == 'G') {
        fuzz_load(data + 1, size - 1);
        return 0;
    }
    const extract__gazetteer_t *g = fuzz_gazetteer();
    extract_mention_t *m = NULL;
    size_t n = extract__gazetteer_find(g, (const char *)data, size, &m);
    int valid = text_utf8_validate((const char *)data, size, NULL) == 0;
    uint32_t prev = 0;
    for (size_t i = 0; i < n; i++) {
        const extract_entity_t *e = extract__gazetteer_at(g, m[i].entity);
        if (e == NULL || m[i].start < prev || m[i].start >= m[i].end ||
            m[i].end > size ||
            (valid && (!boundary(data, size, m[i].start) ||
                       !boundary(data, size, m[i].end))))
            abort();
        if (m[i].role_end != 0 &&
            (e->type != EXTRACT_ENTITY_PERSON ||
             m[i].role_start >= m[i].role_end || m[i].role_end > m[i].start))
            abort();
        prev = m[i].end;
    }
    if (n == 0 && m != NULL)
        abort();
    free(m);
    return 0;
}
