/* manifest.c - the optional manifest.json of a corpus folder.
 *
 *   {"documents": [{"file": "000_x.txt", "title": ..., "published": ...,
 *                   "source": ..., "url": ..., "language": ...}, ...]}
 *
 * Other top-level keys ("about") are ignored. A manifest that is not JSON,
 * or whose shape is wrong (no "documents" array, an entry that is not an
 * object or has no string "file"), is fatal: the whole load fails, with the
 * line and column Jansson reports for syntax errors. Lesser faults are
 * reported and repaired: a field of the wrong type, a `published` that is
 * not ISO 8601, an unknown key, a file name with a path in it or a
 * duplicate entry are ignored. Metadata values may be null or absent, which
 * leaves the article's own value in place; an empty string counts as null.
 */
#include <assert.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const manifest_fields[] = {"title", "published", "source",
                                              "url", "language"};

static int entry_cmp(const void *a, const void *b) {
    const corpus__manifest_entry_t *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    return c != 0 ? c : (x->used > y->used) - (x->used < y->used);
}

static void entry_clear(corpus__manifest_entry_t *e) {
    free(e->file);
    free(e->title);
    free(e->published);
    free(e->source);
    free(e->url);
    free(e->language);
}

static char **entry_field(corpus__manifest_entry_t *e, size_t k) {
    switch (k) {
    case 0:
        return &e->title;
    case 1:
        return &e->published;
    case 2:
        return &e->source;
    case 3:
        return &e->url;
    default:
        return &e->language;
    }
}

/* A file name an entry may name: a plain *.txt name in the folder. */
static int file_name_ok(const char *f) {
    size_t n = strlen(f);
    if (n <= 4 || n > 255 || f[0] == '.' || strcmp(f + n - 4, ".txt") != 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (f[i] == '/' || f[i] == '\\' || (unsigned char)f[i] < 0x20)
            return 0;
    return 1;
}

int corpus__manifest_parse(const char *name, const char *buf, size_t len,
                           corpus_problem_cb cb, void *data,
                           corpus__manifest_t **out) {
    assert(name != NULL && out != NULL && (buf != NULL || len == 0));
    json_error_t err;
    corpus__manifest_t *m;
    json_t *root, *docs;
    int rc = VJ_EPARSE;

    *out = NULL;
    root = json_loadb(buf ? buf : "", len, 0, &err);
    if (root == NULL) {
        corpus__problem(cb, data, name, err.line > 0 ? (uint32_t)err.line : 0,
                        err.column > 0 ? (uint32_t)err.column : 0, 1, 0,
                        "invalid JSON: %s", err.text);
        return VJ_EPARSE;
    }
    if (!json_is_object(root)) {
        corpus__problem(cb, data, name, 0, 0, 1, 0,
                        "the manifest must be a JSON object");
        goto fail_shape;
    }
    docs = json_object_get(root, "documents");
    if (!json_is_array(docs)) {
        corpus__problem(cb, data, name, 0, 0, 1, 0,
                        "the manifest needs a \"documents\" array");
        goto fail_shape;
    }

    m = vj_calloc(1, sizeof *m);
    m->entries = vj_calloc(json_array_size(docs), sizeof *m->entries);
    for (size_t i = 0; i < json_array_size(docs); i++) {
        json_t *d = json_array_get(docs, i);
        json_t *file = json_object_get(d, "file");
        const char *key;
        json_t *v;

        if (!json_is_object(d)) {
            corpus__problem(cb, data, name, 0, 0, 1, 0,
                            "documents[%zu] must be an object", i);
            goto fail_entries;
        }
        if (!json_is_string(file)) {
            corpus__problem(cb, data, name, 0, 0, 1, 0,
                            "documents[%zu] needs a string \"file\"", i);
            goto fail_entries;
        }
        const char *fname = json_string_value(file);
        if (!file_name_ok(fname)) {
            corpus__problem(cb, data, name, 0, 0, 0, 0,
                            "documents[%zu]: \"%.80s\" is not a *.txt file "
                            "name in this folder; entry ignored",
                            i, fname);
            continue;
        }
        corpus__manifest_entry_t *e = &m->entries[m->count++];
        e->file = vj_strdup(fname);
        e->used = (int)i; /* the entry's index until the duplicates go */
        json_object_foreach(d, key, v) {
            size_t k;
            if (strcmp(key, "file") == 0)
                continue;
            for (k = 0; k < VJ_ARRAY_SIZE(manifest_fields); k++)
                if (strcmp(key, manifest_fields[k]) == 0)
                    break;
            if (k == VJ_ARRAY_SIZE(manifest_fields)) {
                corpus__problem(cb, data, name, 0, 0, 0, 0,
                                "documents[%zu] (%s): unknown key \"%.40s\" "
                                "ignored",
                                i, fname, key);
                continue;
            }
            if (json_is_null(v))
                continue;
            if (!json_is_string(v)) {
                corpus__problem(cb, data, name, 0, 0, 0, 0,
                                "documents[%zu] (%s): \"%s\" must be a string "
                                "or null; ignored",
                                i, fname, key);
                continue;
            }
            const char *s = json_string_value(v);
            if (s[0] == '\0')
                continue;
            if (k == 1) {
                corpus_date_t dt;
                if (corpus_date_parse_iso(s, &dt) != 0) {
                    corpus__problem(cb, data, name, 0, 0, 0, 0,
                                    "documents[%zu] (%s): published "
                                    "\"%.40s\" is not an ISO 8601 date; "
                                    "ignored",
                                    i, fname, s);
                    continue;
                }
            }
            *entry_field(e, k) = vj_strdup(s);
        }
    }
    /* Sorted by file, then by position: the first entry for a file wins. */
    qsort(m->entries, m->count, sizeof *m->entries, entry_cmp);
    size_t kept = 0;
    for (size_t i = 0; i < m->count; i++) {
        if (kept > 0 &&
            strcmp(m->entries[kept - 1].file, m->entries[i].file) == 0) {
            corpus__problem(cb, data, name, 0, 0, 0, 0,
                            "documents[%d]: second entry for \"%s\" ignored",
                            m->entries[i].used, m->entries[i].file);
            entry_clear(&m->entries[i]);
            continue;
        }
        m->entries[kept++] = m->entries[i];
    }
    m->count = kept;
    for (size_t i = 0; i < m->count; i++)
        m->entries[i].used = 0;
    json_decref(root);
    *out = m;
    return 0;

fail_entries:
    corpus__manifest_free(m);
fail_shape:
    json_decref(root);
    return rc;
}

void corpus__manifest_free(corpus__manifest_t *m) {
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->count; i++)
        entry_clear(&m->entries[i]);
    free(m->entries);
    free(m);
}

corpus__manifest_entry_t *corpus__manifest_find(corpus__manifest_t *m,
                                                const char *file) {
    if (m == NULL)
        return NULL;
    size_t lo = 0, hi = m->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(m->entries[mid].file, file);
        if (c == 0)
            return &m->entries[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
