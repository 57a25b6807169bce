/* tsv.c - the small TSV reader every lexicon file of the extract module
 * goes through, and problem reporting for those files. */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void extract__report(corpus_problem_cb cb, void *data, const char *file,
                     uint32_t line, const char *fmt, ...) {
    if (cb == NULL)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    corpus_problem_t p = {.file = file, .line = line, .message = msg,
                          .fatal = 1};
    cb(&p, data);
}

int extract__tsv_read(const char *dir, const char *name, size_t max_fields,
                      extract__row_cb fn, void *data, corpus_problem_cb cb,
                      void *cb_data) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *buf;
    size_t len;
    int rc = vj_file_read(path, 16u << 20, &buf, &len);
    if (rc != 0) {
        extract__report(cb, cb_data, path, 0, "cannot read lexicon file: %s",
                        vj_strerror(rc));
        return rc;
    }
    char **fields = vj_calloc(max_fields ? max_fields : 1, sizeof *fields);
    uint32_t line = 0;
    char *p = buf;
    rc = 0;
    while (rc == 0 && *p) {
        char *nl = strchr(p, '\n');
        char *end = nl ? nl : p + strlen(p);
        line++;
        if (end > p && end[-1] == '\r')
            end[-1] = '\0';
        *end = '\0';
        char *s = p;
        p = nl ? nl + 1 : end;
        if (*s == '\0' || *s == '#')
            continue;
        size_t n = 0;
        fields[n++] = s;
        while (n < max_fields) {
            char *tab = strchr(fields[n - 1], '\t');
            if (tab == NULL)
                break;
            *tab = '\0';
            fields[n++] = tab + 1;
        }
        rc = fn(fields, n, line, data);
    }
    free(fields);
    free(buf);
    return rc;
}

