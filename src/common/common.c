/* common.c - error strings, aborting allocators, the growable buffer and
 * small I/O and clock helpers used by every module. */
#include "vjcorpus/common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

const char *vj_strerror(int err) {
    switch (err) {
    case 0:
        return "success";
#define XX(name, value, msg)                                                   \
    case VJ_##name:                                                            \
        return msg;
        VJ_ERRNO_MAP(XX)
#undef XX
    default:
        return "unknown error";
    }
}

static void oom(size_t n) {
    fprintf(stderr, "vjcorpus: out of memory allocating %zu bytes\n", n);
    abort();
}

void *vj_malloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        oom(n);
    return p;
}

void *vj_calloc(size_t count, size_t size) {
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (p == NULL)
        oom(count * size);
    return p;
}

void *vj_realloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (q == NULL)
        oom(n);
    return q;
}

char *vj_strdup(const char *s) { return vj_strndup(s, strlen(s)); }

char *vj_strndup(const char *s, size_t n) {
    char *p = vj_malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void vj_buf_init(vj_buf_t *b) {
    b->cap = 64;
    b->len = 0;
    b->data = vj_malloc(b->cap);
    b->data[0] = '\0';
}

void vj_buf_free(vj_buf_t *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void vj_buf_reset(vj_buf_t *b) {
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static void buf_reserve(vj_buf_t *b, size_t extra) {
    if (b->data == NULL)
        vj_buf_init(b);
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap;
    while (b->len + extra + 1 > cap)
        cap *= 2;
    b->data = vj_realloc(b->data, cap);
    b->cap = cap;
}

void vj_buf_append(vj_buf_t *b, const void *p, size_t n) {
    buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void vj_buf_puts(vj_buf_t *b, const char *s) { vj_buf_append(b, s, strlen(s)); }

void vj_buf_putc(vj_buf_t *b, char c) { vj_buf_append(b, &c, 1); }

void vj_buf_vprintf(vj_buf_t *b, const char *fmt, va_list ap) {
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n <= 0)
        return;
    buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void vj_buf_printf(vj_buf_t *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vj_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

char *vj_buf_steal(vj_buf_t *b, size_t *len) {
    if (b->data == NULL)
        vj_buf_init(b);
    char *p = b->data;
    if (len)
        *len = b->len;
    vj_buf_init(b);
    return p;
}

int vj_file_read(const char *path, size_t max, char **out, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return errno == ENOENT ? VJ_ENOENT : VJ_EIO;
    vj_buf_t b;
    vj_buf_init(&b);
    char chunk[65536];
    size_t n;
    int rc = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > max) {
            rc = VJ_ETOOBIG;
            break;
        }
        vj_buf_append(&b, chunk, n);
    }
    if (rc == 0 && ferror(f))
        rc = VJ_EIO;
    fclose(f);
    if (rc != 0) {
        vj_buf_free(&b);
        return rc;
    }
    *out = vj_buf_steal(&b, len);
    vj_buf_free(&b);
    return 0;
}

uint64_t vj_now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t vj_hash64(uint64_t h, const void *p, size_t n) {
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

int vj_days_in_month(int year, int month) {
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return days[month - 1];
}

int64_t vj_days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void vj_civil_from_days(int64_t z, int *y, int *m, int *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}
