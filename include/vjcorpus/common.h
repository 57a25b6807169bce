/* common.h - error codes, allocation and a growable byte buffer shared by
 * every vjcorpus module.
 *
 * One error convention throughout: functions return int, 0 on success and a
 * negative VJ_E* code on failure; vj_strerror() names the code. Allocation
 * failure is not an error path: vj_malloc() and friends abort, as Redis's
 * zmalloc does, because a server that cannot allocate a few bytes cannot
 * answer anyway. */
#ifndef VJCORPUS_COMMON_H
#define VJCORPUS_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define VJCORPUS_VERSION "0.1.0"

/* XX(name, value, message) */
#define VJ_ERRNO_MAP(XX)                                                       \
    XX(EINVAL, -1, "invalid argument")                                         \
    XX(ENOMEM, -2, "out of memory")                                            \
    XX(EIO, -3, "input/output error")                                          \
    XX(ENOENT, -4, "no such file or directory")                                \
    XX(EILSEQ, -5, "invalid UTF-8")                                            \
    XX(EPARSE, -6, "parse error")                                              \
    XX(ERANGE, -7, "value out of range")                                       \
    XX(EEXIST, -8, "already exists")                                           \
    XX(ETOOBIG, -9, "input too large")                                         \
    XX(EAGAIN, -10, "resource temporarily unavailable")                        \
    XX(ENOTFOUND, -11, "not found")

enum {
#define XX(name, value, msg) VJ_##name = (value),
    VJ_ERRNO_MAP(XX)
#undef XX
};

/* Returns a static string naming err (a VJ_E* code). */
const char *vj_strerror(int err);

/* Allocation that never returns NULL: aborts with a message on failure. */
void *vj_malloc(size_t n);
void *vj_calloc(size_t count, size_t size);
void *vj_realloc(void *p, size_t n);
char *vj_strdup(const char *s);
char *vj_strndup(const char *s, size_t n);

#define vj_container_of(ptr, type, member)                                     \
    ((type *)((char *)(ptr)-offsetof(type, member)))

#define VJ_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A growable byte buffer, always NUL-terminated after vj_buf_init(). */
typedef struct {
    char *data;
    size_t len;
    size_t cap;
} vj_buf_t;

void vj_buf_init(vj_buf_t *b);
void vj_buf_free(vj_buf_t *b);
void vj_buf_reset(vj_buf_t *b);
void vj_buf_append(vj_buf_t *b, const void *p, size_t n);
void vj_buf_puts(vj_buf_t *b, const char *s);
void vj_buf_putc(vj_buf_t *b, char c);
void vj_buf_printf(vj_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void vj_buf_vprintf(vj_buf_t *b, const char *fmt, va_list ap);
/* Hands the buffer's memory to the caller (who frees it) and leaves b empty
 * but initialised. */
char *vj_buf_steal(vj_buf_t *b, size_t *len);

/* Reads a whole file into a new NUL-terminated buffer (caller frees).
 * Returns 0, VJ_ENOENT, VJ_EIO or VJ_ETOOBIG (larger than max bytes). */
int vj_file_read(const char *path, size_t max, char **out, size_t *len);

/* The proleptic Gregorian calendar. Days in month (1-12) of year, 0 for a
 * bad month; day numbers counted from 1970-01-01 and back (Howard Hinnant's
 * days_from_civil and civil_from_days), so month and year arithmetic rolls
 * over correctly. */
int vj_days_in_month(int year, int month);
int64_t vj_days_from_civil(int64_t year, int month, int day);
void vj_civil_from_days(int64_t days, int *year, int *month, int *day);

/* Monotonic clock in microseconds. */
uint64_t vj_now_us(void);

/* 64-bit FNV-1a hash of n bytes, seeded with h (use VJ_HASH_INIT). */
#define VJ_HASH_INIT 0xcbf29ce484222325ULL
uint64_t vj_hash64(uint64_t h, const void *p, size_t n);

#endif
