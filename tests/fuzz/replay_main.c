/* replay_main.c - runs a libFuzzer harness without libFuzzer: every file
 * named on the command line, or found in a directory named there (and in its
 * subdirectories one level down), is read and passed to
 * LLVMFuzzerTestOneInput once. Missing paths are skipped, so an empty
 * regression folder is fine. Prints how many inputs ran. This is how make
 * test replays seeds and crashers with the ordinary compiler. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vjcorpus/common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_INPUT ((size_t)64 << 20)

static int replay_file(const char *path, size_t *ran) {
    char *buf = NULL;
    size_t len = 0;
    int rc = vj_file_read(path, REPLAY_MAX_INPUT, &buf, &len);
    if (rc != 0) {
        fprintf(stderr, "replay: %s: %s\n", path, vj_strerror(rc));
        return 1;
    }
    /* An exact-size copy, so ASan sees reads past the end. */
    uint8_t *exact = malloc(len ? len : 1);
    if (exact == NULL)
        abort();
    memcpy(exact, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    (*ran)++;
    return 0;
}

static int name_cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_path(const char *path, int depth, size_t *ran) {
    struct stat st;
    if (stat(path, &st) != 0)
        return 0; /* missing: nothing to replay */
    if (S_ISREG(st.st_mode))
        return replay_file(path, ran);
    if (!S_ISDIR(st.st_mode) || depth > 1)
        return 0;

    DIR *d = opendir(path);
    if (d == NULL) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return 1;
    }
    /* Sorted, so runs are reproducible. */
    size_t n = 0, cap = 16;
    char **names = vj_malloc(cap * sizeof *names);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue; /* ., .. and .gitkeep */
        if (n == cap) {
            cap *= 2;
            names = vj_realloc(names, cap * sizeof *names);
        }
        names[n++] = vj_strdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp);

    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        vj_buf_t p;
        vj_buf_init(&p);
        vj_buf_printf(&p, "%s/%s", path, names[i]);
        failed |= replay_path(p.data, depth + 1, ran);
        vj_buf_free(&p);
        free(names[i]);
    }
    free(names);
    return failed;
}

int main(int argc, char **argv) {
    size_t ran = 0;
    int failed = 0;
    for (int i = 1; i < argc; i++)
        failed |= replay_path(argv[i], 0, &ran);
    printf("replay: %zu inputs ran\n", ran);
    return failed;
}
