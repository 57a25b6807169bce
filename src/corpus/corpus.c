/* corpus.c - loading a folder into an immutable, reference-counted corpus.
 *
 * corpus_load() lists the folder's *.txt files, sorts them by id (the name
 * without ".txt", so that lookups can binary-search), reads the optional
 * manifest.json and parses each article with corpus_doc_parse(). A file that
 * cannot be used (unreadable, too large, invalid UTF-8, empty) is skipped
 * with a problem; only an unreadable folder or a broken manifest fails the
 * whole load. Every problem goes to the caller's callback as it happens, and
 * the non-fatal ones are also copied into the corpus, so a later request can
 * list what was skipped.
 *
 * Once built, a corpus is never modified; the reference count is the only
 * mutable field and is atomic, so snapshots can be shared between the loop
 * thread and workers. */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <stdatomic.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "internal.h"
#include "vjcorpus/text.h"

struct corpus {
    atomic_size_t refs;
    corpus_doc_t **docs; /* sorted by id */
    size_t doc_count;
    corpus_problem_t *problems;
    size_t problem_count;
    size_t paragraphs, sentences, words, bytes;
};

#define MANIFEST_NAME "manifest.json"

/* Copies each non-fatal problem and forwards every problem. */
typedef struct {
    corpus_problem_cb cb;
    void *data;
    corpus_problem_t *items;
    size_t count, cap;
} problems_t;

/* Appends a copy of p to ps. */
static void problems_append(problems_t *ps, const corpus_problem_t *p) {
    if (ps->count == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 8;
        ps->items = vj_realloc(ps->items, ps->cap * sizeof *ps->items);
    }
    corpus_problem_t *c = &ps->items[ps->count++];
    *c = *p;
    c->file = vj_strdup(p->file ? p->file : "");
    c->message = vj_strdup(p->message ? p->message : "");
}

static void problems_collect(const corpus_problem_t *p, void *data) {
    problems_t *ps = data;
    if (!p->fatal)
        problems_append(ps, p);
    if (ps->cb)
        ps->cb(p, ps->data);
}

static void problems_free(corpus_problem_t *items, size_t count) {
    for (size_t i = 0; i < count; i++) {
        free((char *)(uintptr_t)items[i].file);
        free((char *)(uintptr_t)items[i].message);
    }
    free(items);
}

static int id_cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the ids of the folder's *.txt files, sorted. */
static int folder_list(const char *dir, problems_t *ps,
                       corpus__strlist_t *ids) {
    DIR *d = opendir(dir);
    struct dirent *de;

    if (d == NULL) {
        int e = errno;
        corpus__problem(problems_collect, ps, dir, 0, 0, 1, 0,
                        "cannot open corpus folder: %s", strerror(e));
        return e == ENOENT || e == ENOTDIR ? VJ_ENOENT : VJ_EIO;
    }
    while ((de = readdir(d)) != NULL) {
        const char *n = de->d_name;
        size_t len = strlen(n);
        if (n[0] == '.' || len <= 4 || strcmp(n + len - 4, ".txt") != 0)
            continue;
        size_t bad;
        int ctl = 0;
        for (size_t i = 0; i < len; i++)
            ctl |= (unsigned char)n[i] < 0x20 || n[i] == 0x7F;
        if (ctl || text_utf8_validate(n, len, &bad) != 0) {
            corpus__problem(problems_collect, ps, dir, 0, 0, 0, 1,
                            "skipped a *.txt file whose name is not valid "
                            "UTF-8 text");
            continue;
        }
        corpus__strlist_push(ids, n, len - 4);
    }
    closedir(d);
    if (ids->count > 1)
        qsort(ids->items, ids->count, sizeof *ids->items, id_cmp);
    return 0;
}

/* Reads and parses manifest.json if there is one. */
static int manifest_load(const char *dir, problems_t *ps,
                         corpus__manifest_t **out) {
    vj_buf_t path;
    char *buf = NULL;
    size_t len = 0;
    int rc;

    *out = NULL;
    vj_buf_init(&path);
    vj_buf_printf(&path, "%s/%s", dir, MANIFEST_NAME);
    rc = vj_file_read(path.data, CORPUS__MAX_FILE, &buf, &len);
    vj_buf_free(&path);
    if (rc == VJ_ENOENT)
        return 0;
    if (rc != 0) {
        corpus__problem(problems_collect, ps, MANIFEST_NAME, 0, 0, 1, 0,
                        "cannot read: %s", vj_strerror(rc));
        return rc;
    }
    rc = corpus__manifest_parse(MANIFEST_NAME, buf, len, problems_collect, ps,
                                out);
    free(buf);
    return rc;
}

/* Reads and parses one article; returns NULL if it was skipped. */
/* Keeps every problem, fatal ones too, to be replayed in file order
 * (problems_replay) after a parallel load. */
static void problems_defer(const corpus_problem_t *p, void *data) {
    problems_append(data, p);
}

static void problems_replay(problems_t *deferred, problems_t *ps) {
    for (size_t i = 0; i < deferred->count; i++)
        problems_collect(&deferred->items[i], ps);
    problems_free(deferred->items, deferred->count);
    memset(deferred, 0, sizeof *deferred);
}

static corpus_doc_t *article_load(const char *dir, const char *id,
                                  corpus__manifest_t *m,
                                  const corpus_lexicon_t *lex,
                                  corpus_problem_cb collect, problems_t *ps) {
    vj_buf_t file, path;
    char *buf = NULL;
    size_t len = 0;
    corpus_doc_t *doc = NULL;
    struct stat st;
    int rc;

    vj_buf_init(&file);
    vj_buf_printf(&file, "%s.txt", id);
    vj_buf_init(&path);
    vj_buf_printf(&path, "%s/%s", dir, file.data);
    corpus__manifest_entry_t *e = corpus__manifest_find(m, file.data);
    if (e != NULL)
        e->used = 1;

    if (stat(path.data, &st) != 0 || !S_ISREG(st.st_mode)) {
        corpus__problem(collect, ps, file.data, 0, 0, 0, 1,
                        "not a regular file");
        goto done;
    }
    rc = vj_file_read(path.data, CORPUS__MAX_FILE, &buf, &len);
    if (rc == VJ_ETOOBIG) {
        corpus__problem(collect, ps, file.data, 0, 0, 0, 1,
                        "file larger than %zu MiB", CORPUS__MAX_FILE >> 20);
        goto done;
    }
    if (rc != 0) {
        corpus__problem(collect, ps, file.data, 0, 0, 0, 1,
                        "cannot read: %s", vj_strerror(rc));
        goto done;
    }
    corpus_meta_t meta = {0};
    if (e != NULL) {
        meta.title = e->title;
        meta.published = e->published;
        meta.source = e->source;
        meta.url = e->url;
        meta.language = e->language;
    }
    corpus_doc_parse(id, file.data, buf, len, e ? &meta : NULL, lex,
                     collect, ps, &doc);
    free(buf);
done:
    vj_buf_free(&path);
    vj_buf_free(&file);
    return doc;
}

/* Articles are parsed on several threads (each its own documents and
 * problems, taken in turn from a shared counter); the results are put in
 * file order afterwards, so the corpus and the order of problems do not
 * depend on the threads. */
typedef struct {
    const corpus_options_t *opts;
    const corpus__strlist_t *ids;
    corpus__manifest_t *m; /* each thread marks only its own entries used */
    corpus_doc_t **docs;
    problems_t *problems;
    atomic_size_t next;
} load_job_t;

static void *load_worker(void *arg) {
    load_job_t *job = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&job->next, 1);
        if (i >= job->ids->count)
            return NULL;
        job->docs[i] =
            article_load(job->opts->dir, job->ids->items[i], job->m,
                         job->opts->lexicon, problems_defer, &job->problems[i]);
    }
}

static void load_parallel(load_job_t *job) {
    enum { MAX_THREADS = 8 };
    pthread_t th[MAX_THREADS];
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n = cpus > 1 ? (size_t)cpus : 1, started = 0;
    if (n > MAX_THREADS)
        n = MAX_THREADS;
    if (n > job->ids->count / 16 + 1) /* a few files: not worth a thread */
        n = job->ids->count / 16 + 1;
    for (size_t t = 1; t < n; t++)
        if (pthread_create(&th[started], NULL, load_worker, job) == 0)
            started++;
    load_worker(job);
    for (size_t t = 0; t < started; t++)
        pthread_join(th[t], NULL);
}

int corpus_load(const corpus_options_t *opts, corpus_t **out) {
    assert(opts != NULL && opts->dir != NULL && out != NULL);
    problems_t ps = {.cb = opts->on_problem, .data = opts->data};
    corpus__strlist_t ids = {0};
    corpus__manifest_t *m = NULL;
    corpus_t *c;
    int rc;

    *out = NULL;
    rc = folder_list(opts->dir, &ps, &ids);
    if (rc != 0)
        goto fail_list;
    rc = manifest_load(opts->dir, &ps, &m);
    if (rc != 0)
        goto fail_manifest;

    c = vj_calloc(1, sizeof *c);
    atomic_init(&c->refs, 1);
    c->docs = vj_calloc(ids.count, sizeof *c->docs);
    load_job_t job = {opts, &ids, m, vj_calloc(ids.count, sizeof *job.docs),
                      vj_calloc(ids.count, sizeof *job.problems), 0};
    load_parallel(&job);
    for (size_t i = 0; i < ids.count; i++) {
        problems_replay(&job.problems[i], &ps);
        corpus_doc_t *doc = job.docs[i];
        if (doc == NULL)
            continue;
        c->docs[c->doc_count++] = doc;
        c->paragraphs += doc->paragraph_count;
        c->sentences += doc->sentence_count;
        c->words += doc->words;
        c->bytes += doc->text_len;
    }
    if (m != NULL) {
        for (size_t i = 0; i < m->count; i++)
            if (!m->entries[i].used)
                corpus__problem(problems_collect, &ps, MANIFEST_NAME, 0, 0, 0,
                                0, "entry for \"%s\": no such file",
                                m->entries[i].file);
    }
    free(job.docs);
    free(job.problems);
    c->problems = ps.items;
    c->problem_count = ps.count;
    corpus__manifest_free(m);
    corpus__strlist_free(&ids);
    *out = c;
    return 0;

fail_manifest:
    corpus__strlist_free(&ids);
fail_list:
    problems_free(ps.items, ps.count);
    return rc;
}

static int doc_id_cmp(const void *a, const void *b) {
    const corpus_doc_t *x = *(corpus_doc_t *const *)a,
                       *y = *(corpus_doc_t *const *)b;
    return strcmp(x->id, y->id);
}

int corpus_from_docs(corpus_doc_t **docs, size_t n, corpus_t **out) {
    assert(out != NULL && (docs != NULL || n == 0));
    *out = NULL;
    for (size_t i = 0; i < n; i++)
        if (docs[i] == NULL)
            return VJ_EINVAL;
    corpus_doc_t **sorted = vj_malloc((n ? n : 1) * sizeof *sorted);
    if (n)
        memcpy(sorted, docs, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, doc_id_cmp);
    for (size_t i = 1; i < n; i++)
        if (doc_id_cmp(&sorted[i - 1], &sorted[i]) == 0) {
            free(sorted);
            return VJ_EEXIST;
        }
    corpus_t *c = vj_calloc(1, sizeof *c);
    atomic_init(&c->refs, 1);
    c->docs = sorted;
    c->doc_count = n;
    for (size_t i = 0; i < n; i++) {
        c->paragraphs += sorted[i]->paragraph_count;
        c->sentences += sorted[i]->sentence_count;
        c->words += sorted[i]->words;
        c->bytes += sorted[i]->text_len;
    }
    *out = c;
    return 0;
}

corpus_t *corpus_ref(corpus_t *c) {
    assert(c != NULL);
    atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed);
    return c;
}

void corpus_unref(corpus_t *c) {
    if (c == NULL)
        return;
    if (atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel) != 1)
        return;
    for (size_t i = 0; i < c->doc_count; i++)
        corpus_doc_free(c->docs[i]);
    free(c->docs);
    problems_free(c->problems, c->problem_count);
    free(c);
}

size_t corpus_doc_count(const corpus_t *c) {
    assert(c != NULL);
    return c->doc_count;
}

const corpus_doc_t *corpus_doc_at(const corpus_t *c, size_t i) {
    assert(c != NULL);
    return i < c->doc_count ? c->docs[i] : NULL;
}

size_t corpus_doc_find_index(const corpus_t *c, const char *id) {
    assert(c != NULL);
    if (id == NULL)
        return SIZE_MAX;
    size_t lo = 0, hi = c->doc_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = strcmp(c->docs[mid]->id, id);
        if (r == 0)
            return mid;
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}

const corpus_doc_t *corpus_doc_find(const corpus_t *c, const char *id) {
    size_t i = corpus_doc_find_index(c, id);
    return i == SIZE_MAX ? NULL : c->docs[i];
}

size_t corpus_paragraph_total(const corpus_t *c) {
    return c->paragraphs;
}
size_t corpus_sentence_total(const corpus_t *c) {
    return c->sentences;
}
size_t corpus_word_total(const corpus_t *c) {
    return c->words;
}
size_t corpus_byte_total(const corpus_t *c) {
    return c->bytes;
}

size_t corpus_problem_count(const corpus_t *c) {
    assert(c != NULL);
    return c->problem_count;
}

const corpus_problem_t *corpus_problem_at(const corpus_t *c, size_t i) {
    assert(c != NULL);
    return i < c->problem_count ? &c->problems[i] : NULL;
}
